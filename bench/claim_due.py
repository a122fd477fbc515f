"""How long one tick's claim of due nudges takes on PostgreSQL at 10,000 and 1,000,000 rows.

Builds a schema of its own, fills it with relationships of which 1,000 are due (the rest due
later, over the next 90 days), and times the claim statement the worker runs (median of N runs,
each rolled back so the same rows are due again). Then shows the plan PostgreSQL chose.

    python bench/claim_due.py [--runs 21] [--limit 200] [--url postgresql://...]

Targets (issue 4): under 50 ms at 1,000,000 rows, growing less than 1.5x from 10,000.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from storage.database import Database, scratch_schema  # noqa: E402
from storage.plan_repositories import PlanRepositories  # noqa: E402

DEFAULT_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
DUE = 1_000
PEOPLE_PER_WORKSPACE = 1_000
RELATIONSHIPS_PER_PERSON = 10
NOW = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


def grow(database: Database, *, upto: int, start: int) -> None:
    """Add relationships start+1 .. upto (and their people and workspaces); the first DUE are
    due before NOW, every other one at some time in the next 90 days."""
    people_from = start // RELATIONSHIPS_PER_PERSON
    people_to = upto // RELATIONSHIPS_PER_PERSON
    workspaces_to = -(-people_to // PEOPLE_PER_WORKSPACE)
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO workspaces (id, platform, external_id, created_at) "
                "SELECT w, 'slack', 'T' || w, :now "
                "FROM generate_series(CAST(:a AS integer), CAST(:b AS integer)) AS w "
                "ON CONFLICT DO NOTHING"
            ),
            {"a": 1, "b": workspaces_to, "now": NOW},
        )
        connection.execute(
            text(
                "INSERT INTO people (id, workspace_id, external_id, created_at, time_zone) "
                "SELECT p, (p - 1) / CAST(:per AS integer) + 1, 'U' || p, :now, 'UTC' "
                "FROM generate_series(CAST(:a AS integer), CAST(:b AS integer)) AS p"
            ),
            {"a": people_from + 1, "b": people_to, "per": PEOPLE_PER_WORKSPACE, "now": NOW},
        )
        connection.execute(
            text(
                "INSERT INTO relationships (id, person_id, name, kind, constituency, cadence, "
                "success_measures, paused, created_at, updated_at, next_due_at) "
                "SELECT r, (r - 1) / CAST(:per AS integer) + 1, 'Partner ' || r, 'person', "
                "'staff', "
                "'weekly', "
                "'[]', false, :now, :now, "
                "CASE WHEN r <= CAST(:due AS integer) THEN :now - make_interval(secs => r) "
                "ELSE :now + make_interval(secs => 60 + (CAST(r AS bigint) * 7919) % (90 * 86400)) "
                "END "
                "FROM generate_series(CAST(:a AS integer), CAST(:b AS integer)) AS r"
            ),
            {
                "a": start + 1,
                "b": upto,
                "per": RELATIONSHIPS_PER_PERSON,
                "now": NOW,
                "due": DUE,
            },
        )
        for table in ("workspaces", "people", "relationships"):
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            )
    vacuum(database)


def time_claim(database: Database, *, runs: int, limit: int) -> tuple[float, float, int, str]:
    """Median milliseconds of the whole claim call and of its statement alone, the rows it
    claimed, and the plan of the statement it ran."""
    vacuum(database)  # earlier rolled-back runs leave dead row versions behind
    captured: list[tuple[str, Any]] = []
    statement_ms: list[float] = []
    began: list[float] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "UPDATE relationships" in statement:
            captured.append((statement, parameters))
            began.append(time.perf_counter())

    def finished(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "UPDATE relationships" in statement and began:
            statement_ms.append((time.perf_counter() - began.pop()) * 1000)

    event.listen(database.engine, "before_cursor_execute", capture)
    event.listen(database.engine, "after_cursor_execute", finished)
    timings: list[float] = []
    claimed = 0
    try:
        for _ in range(runs):
            with Session(database.engine) as session:
                session.execute(text("SELECT 1"))  # the connection is open before the clock
                started = time.perf_counter()
                items = PlanRepositories(session).relationships.claim_due_nudges(
                    now=NOW, lease=LEASE, limit=limit
                )
                timings.append((time.perf_counter() - started) * 1000)
                claimed = len(items)
                session.rollback()  # the same rows are due for the next run
    finally:
        event.remove(database.engine, "before_cursor_execute", capture)
        event.remove(database.engine, "after_cursor_execute", finished)
    statement, parameters = captured[-1]
    with database.engine.connect() as connection:
        rows = connection.exec_driver_sql(
            f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) {statement}", parameters
        )
        plan = "\n".join(f"    {row[0]}" for row in rows)
        connection.rollback()  # EXPLAIN ANALYZE ran the claim: undo it
    return statistics.median(timings), statistics.median(statement_ms), claimed, plan


def vacuum(database: Database) -> None:
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE workspaces, people, relationships"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--limit", type=int, default=200, help="the worker's batch (default 200)")
    parser.add_argument("--url", default=DEFAULT_URL)
    arguments = parser.parse_args()

    with scratch_schema(arguments.url, prefix="bench") as url:
        run(arguments, url)


def run(arguments: argparse.Namespace, url: str) -> None:
    database = Database(url)
    try:
        database.upgrade()
        results: dict[int, dict[int, float]] = {}
        plans: dict[int, str] = {}
        size = 0
        for target in (10_000, 1_000_000):
            started = time.perf_counter()
            grow(database, upto=target, start=size)
            size = target
            print(
                f"{target:>9,} relationships ({DUE:,} due): built in "
                f"{time.perf_counter() - started:.1f} s"
            )
            results[target] = {}
            for limit in sorted({arguments.limit, DUE}):
                median, statement, claimed, plan = time_claim(
                    database, runs=arguments.runs, limit=limit
                )
                results[target][limit] = statement
                plans[target] = plan
                print(
                    f"    claim of {limit:>5} (claimed {claimed:>5}): statement median "
                    f"{statement:6.2f} ms, whole call {median:6.2f} ms, over {arguments.runs} runs"
                )
        print()
        for limit in sorted({arguments.limit, DUE}):
            small, large = results[10_000][limit], results[1_000_000][limit]
            verdict = "ok" if large < 50 and large / small < 1.5 else "MISSED"
            print(
                f"claim of {limit}: 10k {small:.2f} ms -> 1M {large:.2f} ms, growth "
                f"{large / small:.2f}x (targets < 50 ms, < 1.5x): {verdict}"
            )
        print("\nplan at 1,000,000 rows:")
        print(plans[1_000_000])
        uses_index = "ix_relationships_next_due_at" in plans[1_000_000]
        print(f"\nthe next_due_at index is used: {'yes' if uses_index else 'NO'}")
    finally:
        database.dispose()


if __name__ == "__main__":
    main()
