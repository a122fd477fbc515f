"""Scheduled work: one strategy per kind of message the worker sends, and the dispatch over them."""

from bot.engine.scheduled.base import (
    Due,
    Prepared,
    Setting,
    Strategy,
    after_working_days,
    retry_delay,
    workspace_pause,
)
from bot.engine.scheduled.team_post import PROMPT_STALE_AFTER
from bot.engine.scheduled.work import STRATEGIES, ScheduledWork

__all__ = [
    "PROMPT_STALE_AFTER",
    "STRATEGIES",
    "Due",
    "Prepared",
    "ScheduledWork",
    "Setting",
    "Strategy",
    "after_working_days",
    "retry_delay",
    "workspace_pause",
]
