"""The worker process: an APScheduler tick that claims due reminders and sends them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.exc import SQLAlchemyError

from bot.core.engine import Engine
from bot.core.messages import Reply
from bot.core.schedule import reminder_due_at
from storage.models import Person

logger = logging.getLogger(__name__)

Send = Callable[[str, str, tuple[Reply, ...]], None]
"""Send replies to (platform, user id); raises when the platform refused them."""

CLAIM_LEASE = timedelta(minutes=5)  # a claim a crashed worker left is retried after this
BATCH = 50


def send_due_reminders(engine: Engine, send: Send, *, platforms: frozenset[str]) -> int:
    """One pass: claim due toolkit reminders, send each, move each to its next due time.

    Claiming is one statement, so two workers never send the same reminder; a reminder whose
    send failed keeps its due time and is tried again once the claim's lease runs out.
    """
    now = engine.clock.now()
    with engine.database.unit_of_work() as uow:
        claimed = uow.repos.reminders.claim_due(now=now, lease=CLAIM_LEASE, limit=BATCH)
        people = {person_id: uow.session.get(Person, person_id) for _, person_id in claimed}
        targets = {
            person_id: (p.workspace.platform, p.workspace.external_id, p.external_id, p.time_zone)
            for person_id, p in people.items()
            if p is not None
        }
    sent = 0
    for reminder_id, person_id in claimed:
        platform, workspace_id, user_id, time_zone = targets[person_id]
        if platform not in platforms:
            # Nothing can reach this person on its own (the terminal): stop reminding.
            _finish(engine, reminder_id, now, None)
            continue
        outcome = engine.reminder_for(platform=platform, workspace_id=workspace_id, user_id=user_id)
        if outcome.failed:
            continue
        if not outcome.replies:  # nothing left to remind of: stop
            _finish(engine, reminder_id, now, None)
            continue
        try:
            send(platform, user_id, outcome.replies)
        except Exception:
            logger.exception("could not send a toolkit reminder; it will be tried again")
            continue
        with engine.database.unit_of_work() as uow:
            reminder = uow.repos.reminders.get(person_id=person_id)
            every = reminder.every_days if reminder else None
        next_due = reminder_due_at(now, days=every, time_zone=time_zone) if every else None
        _finish(engine, reminder_id, now, next_due)
        sent += 1
    return sent


def _finish(engine: Engine, reminder_id: int, now: datetime, next_due: datetime | None) -> None:
    with engine.database.unit_of_work() as uow:
        uow.repos.reminders.mark_sent(reminder_id=reminder_id, at=now, next_due_at=next_due)


def tick(engine: Engine, send: Send, platforms: frozenset[str]) -> None:
    """One pass of the scheduler; a database that is down is logged and tried next tick."""
    try:
        sent = send_due_reminders(engine, send, platforms=platforms)
    except SQLAlchemyError:
        logger.exception("worker tick: database unreachable")
        return
    if sent:
        logger.info("worker tick: sent %d reminder(s)", sent)


def run_worker(
    engine: Engine, send: Send, *, platforms: frozenset[str], interval_seconds: float
) -> None:
    scheduler = BlockingScheduler(timezone="UTC")
    scheduler.add_job(
        tick,
        "interval",
        seconds=interval_seconds,
        args=[engine, send, platforms],
        id="tick",
        max_instances=1,
        coalesce=True,
    )
    logger.info("worker started: ticking every %s s", interval_seconds)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        logger.info("worker stopped")
