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

    Each thread holds its transaction open a moment after its work, so the others'
    writes collide with an uncommitted row (PostgreSQL) or wait for the write lock (SQLite).
    """
    barrier = threading.Barrier(threads)

    def one() -> T:
        with db.unit_of_work() as uow:
            barrier.wait(timeout=10)
            result = work(uow)
            time.sleep(0.05)
        return result

    with ThreadPoolExecutor(max_workers=threads) as pool:
        futures = [pool.submit(one) for _ in range(threads)]
        return [future.result(timeout=30) for future in futures]
