"""The worker process: an APScheduler tick that will claim due nudges from the database."""

from __future__ import annotations

import logging

from apscheduler.schedulers.blocking import BlockingScheduler

from storage.database import Database

logger = logging.getLogger(__name__)


def tick(database: Database) -> None:
    """One pass of the scheduler. Nothing is scheduled yet (nudges arrive with their issue);
    the tick keeps the process honest by checking that the database answers."""
    try:
        database.ping()
    except Exception:
        logger.exception("worker tick: database unreachable")
        return
    logger.debug("worker tick: nothing due")


def run_worker(database: Database, *, interval_seconds: float) -> None:
    scheduler = BlockingScheduler(timezone="UTC")
    scheduler.add_job(
        tick,
        "interval",
        seconds=interval_seconds,
        args=[database],
        id="tick",
        max_instances=1,
        coalesce=True,
    )
    logger.info("worker started: ticking every %s s", interval_seconds)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        logger.info("worker stopped")
