"""What every Slack listener needs: the engine and the outbox."""

from __future__ import annotations

from dataclasses import dataclass

from bot.adapters.slack.outbox import Outbox
from bot.core.engine import Engine


@dataclass(frozen=True)
class SlackContext:
    engine: Engine
    outbox: Outbox
