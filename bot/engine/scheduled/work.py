"""The engine's side of scheduled messages: each item claimed, prepared, recorded by its kind."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.core.sending import SendError
from bot.engine.scheduled.action import ActionReminder
from bot.engine.scheduled.balance import BalanceSummary
from bot.engine.scheduled.base import Due, Prepared, Setting, Strategy
from bot.engine.scheduled.digest import Digest
from bot.engine.scheduled.nudge import Nudge
from bot.engine.scheduled.reassess import ReassessReminder
from bot.engine.scheduled.team_post import PausedNotice, TeamPost
from bot.engine.scheduled.toolkit import ToolkitReminder
from bot.engine.turns import Engine
from storage.models import Delivery
from storage.scheduled_repositories import ClaimScope, ScheduledRepository

STRATEGIES: tuple[type[Strategy], ...] = (
    # Team posts first: a channel's prompt has its hour (often Monday 9:00, when many nudges
    # fall due too), while a nudge a minute later is no different.
    TeamPost,
    PausedNotice,
    Nudge,
    ActionReminder,
    Digest,
    BalanceSummary,
    ReassessReminder,
    ToolkitReminder,
)
"""Every kind of scheduled message, in the order they are claimed."""


class ScheduledWork:
    """Claims, prepares and records the worker's messages through the engine's database,
    content and clock, dispatching each item to the strategy of its kind. Each method is one
    short transaction; no send happens inside one."""

    def __init__(self, engine: Engine, *, platforms: frozenset[str]) -> None:
        self.engine = engine
        self.platforms = platforms
        setting = Setting(database=engine.database, content=engine.content, platforms=platforms)
        self.strategies: dict[str, Strategy] = {
            strategy.kind: strategy(setting) for strategy in STRATEGIES
        }

    def chunk(self, kind: str) -> int:
        """How many items of this kind are prepared together."""
        return self.strategies[kind].chunk

    def claim(
        self,
        now: datetime,
        *,
        limit: int,
        lease: timedelta,
        skip_workspaces: Sequence[int] = (),
        shard: tuple[int, int] | None = None,
    ) -> list[Due]:
        """Claim up to `limit` due items of every kind, earliest first within each kind, leaving
        out `skip_workspaces` (ones that already have as much in hand as their rate allows).
        With `shard` (i, n), only workspaces whose id is i modulo n: n worker processes then
        split the workspaces, and each workspace's rate still holds across them."""
        scope = ClaimScope(tuple(skip_workspaces), shard)
        claimed: list[tuple[str, int, int, datetime]] = []
        with self.engine.database.unit_of_work() as uow:
            rows = ScheduledRepository(uow.session)
            for kind, strategy in self.strategies.items():
                left = limit - len(claimed)
                if left <= 0:
                    break
                items = strategy.claim(rows, now=now, lease=lease, limit=left, scope=scope)
                claimed.extend((kind, i.item_id, i.person_id, i.due_at) for i in items)
            workspaces = rows.workspaces_of({person_id for _, _, person_id, _ in claimed})
        return [
            Due(kind, item_id, person_id, workspaces[person_id], due_at)
            for kind, item_id, person_id, due_at in claimed
        ]

    def prepare(self, due: Due, now: datetime) -> Prepared | None:
        """The message for one claimed item, with its delivery row written first; None when
        nothing is to be sent now (the item has already been moved on or released)."""
        [(_, prepared)] = self.prepare_many([due], now)
        return prepared

    def prepare_many(self, dues: Sequence[Due], now: datetime) -> list[tuple[Due, Prepared | None]]:
        """Claimed items of one kind, prepared together in one transaction."""
        if not dues:
            return []
        strategy = self.strategies[dues[0].kind]
        with self.engine.database.unit_of_work() as uow:
            return strategy.prepare(uow, dues, now)

    def still_wanted(self, prepared: Prepared, now: datetime) -> bool:
        """Just before a message goes out (it may have waited for its workspace's turn): is it
        still wanted? If not, it is not sent, and its delivery says so."""
        strategy = self.strategies[prepared.due.kind]
        if not strategy.checks_before_send:
            return True
        with self.engine.database.unit_of_work() as uow:
            return strategy.still_wanted(uow, prepared, now)

    def record_sent(self, prepared: Prepared, ts: str, now: datetime) -> None:
        """The platform took the message: record it and move the item on, in one transaction.

        The send happened just before this, outside any transaction; committing here at once,
        item by item, keeps the window in which a crash could send something twice down to the
        messages on their way at that moment (at most one per worker thread).
        """
        self.strategies[prepared.due.kind].record_sent(prepared, ts, now)

    def record_failed(
        self, prepared: Prepared, error: SendError, now: datetime
    ) -> timedelta | None:
        """The platform refused the message: the strategy decides what follows. Returns the
        delay before a retry, or None when this occurrence is not retried."""
        with self.engine.database.unit_of_work() as uow:
            return self.strategies[prepared.due.kind].on_failure(uow, prepared, error, now)

    def release(self, due: Due, *, until: datetime | None = None) -> None:
        """Give a claimed item back unsent (to be claimed again after `until`)."""
        with self.engine.database.unit_of_work() as uow:
            self.strategies[due.kind].release(uow, due, until=until)

    def deliveries(self, *, status: str | None = None) -> list[Delivery]:
        """Every delivery row (for tests and reports), oldest first."""
        with self.engine.database.unit_of_work() as uow:
            return ScheduledRepository(uow.session).deliveries(status=status)
