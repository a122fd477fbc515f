"""Small helpers shared by the storage tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from storage.database import Database, UnitOfWork

T = TypeVar("T")


def new_person(
    db: Database, *, workspace: str = "T1", user: str = "U1", platform: str = "slack"
) -> tuple[int, int]:
    """Create (or find) a person; return (workspace id, person id)."""
    with db.unit_of_work() as uow:
        person = uow.repos.people.get_or_create(
            platform=platform, workspace_external_id=workspace, person_external_id=user
        )
        return person.workspace_id, person.id


def race(db: Database, threads: int, work: Callable[[UnitOfWork], T]) -> list[T]:
    """Run `work` in `threads` units of work that all start their statements at once.

    Each contender opens the database on its own, as separate processes (web and worker
    instances) do: within one process, turns on SQLite already queue on a lock. Each holds its
    transaction open a moment after its work, so the others' writes collide with an
    uncommitted row (PostgreSQL) or wait for the write lock (SQLite).
    """
    barrier = threading.Barrier(threads)
    contenders = [Database(db.url) for _ in range(threads)]

    def one(contender: Database) -> T:
        with contender.unit_of_work() as uow:
            barrier.wait(timeout=10)
            result = work(uow)
            time.sleep(0.05)
        return result

    try:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            futures = [pool.submit(one, contender) for contender in contenders]
            return [future.result(timeout=30) for future in futures]
    finally:
        for contender in contenders:
            contender.dispose()
