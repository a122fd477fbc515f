"""The unit of work, engine set-up, URL handling and the UTC column type."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import exc, func, select, text

from storage.database import Database, corrupt_sqlite_file, normalise_url
from storage.models import Person, Reflection, UTCDateTime, Workspace
from tests.storage.helpers import new_person

T0 = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


class Boom(Exception):
    pass


def reflection_count(db: Database) -> int:
    with db.unit_of_work() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(Reflection)) or 0)


class TestUnitOfWork:
    def test_commits_when_the_block_ends(self, any_database: Database) -> None:
        _, person_id = new_person(any_database)
        with any_database.unit_of_work() as uow:
            uow.repos.reflections.add(
                person_id=person_id, text="kept", prompt=None, source="dm", at=T0
            )
        with any_database.unit_of_work() as uow:
            assert [r.text for r in uow.repos.reflections.recent(person_id=person_id, limit=5)] == [
                "kept"
            ]

    def test_rolls_back_everything_when_the_block_raises(self, any_database: Database) -> None:
        def turn() -> None:
            with any_database.unit_of_work() as uow:
                person = uow.repos.people.get_or_create(
                    platform="slack", workspace_external_id="T1", person_external_id="U1"
                )
                uow.repos.reflections.add(
                    person_id=person.id, text="half-written", prompt=None, source="dm", at=T0
                )
                uow.repos.events.first_delivery(
                    workspace_id=person.workspace_id, event_id="E", at=T0
                )
                raise Boom

        with pytest.raises(Boom):
            turn()
        with any_database.unit_of_work() as uow:
            for model in (Workspace, Person, Reflection):
                assert uow.session.scalar(select(func.count()).select_from(model)) == 0

    def test_rollback_keeps_what_earlier_units_committed(self, any_database: Database) -> None:
        _, person_id = new_person(any_database)
        with any_database.unit_of_work() as uow:
            uow.repos.reflections.add(
                person_id=person_id, text="one", prompt=None, source="dm", at=T0
            )

        def turn() -> None:
            with any_database.unit_of_work() as uow:
                uow.repos.reflections.add(
                    person_id=person_id, text="two", prompt=None, source="dm", at=T0
                )
                uow.repos.people.set_time_zone(
                    person=uow.session.get_one(Person, person_id), time_zone="Asia/Tokyo"
                )
                raise Boom

        with pytest.raises(Boom):
            turn()
        assert reflection_count(any_database) == 1
        with any_database.unit_of_work() as uow:
            assert uow.session.get_one(Person, person_id).time_zone is None

    def test_a_database_error_rolls_back_and_the_next_unit_works(
        self, any_database: Database
    ) -> None:
        _, person_id = new_person(any_database)

        def turn() -> None:
            with any_database.unit_of_work() as uow:
                uow.repos.reflections.add(
                    person_id=person_id, text="ok", prompt=None, source="dm", at=T0
                )
                # No such person: the foreign key (SQLite needs PRAGMA foreign_keys) refuses it.
                uow.repos.reflections.add(
                    person_id=person_id + 999, text="orphan", prompt=None, source="dm", at=T0
                )

        with pytest.raises(exc.IntegrityError):
            turn()
        assert reflection_count(any_database) == 0
        with any_database.unit_of_work() as uow:
            uow.repos.reflections.add(
                person_id=person_id, text="ok", prompt=None, source="dm", at=T0
            )
        assert reflection_count(any_database) == 1

    def test_deleting_a_person_cascades(self, any_database: Database) -> None:
        _, person_id = new_person(any_database)
        with any_database.unit_of_work() as uow:
            uow.repos.reflections.add(
                person_id=person_id, text="x", prompt=None, source="dm", at=T0
            )
            uow.repos.answers.save(
                person_id=person_id, step_id="s", question_id="q", text="a", at=T0
            )
        with any_database.unit_of_work() as uow:
            uow.session.execute(text("DELETE FROM people WHERE id = :id"), {"id": person_id})
        assert reflection_count(any_database) == 0
        with any_database.unit_of_work() as uow:
            assert uow.session.scalar(text("SELECT count(*) FROM answer_revisions")) == 0

    def test_objects_stay_readable_after_commit(self, any_database: Database) -> None:
        with any_database.unit_of_work() as uow:
            person = uow.repos.people.get_or_create(
                platform="slack", workspace_external_id="T1", person_external_id="U1"
            )
        # expire_on_commit=False: the engine reads rows after its unit of work has ended.
        assert person.external_id == "U1"


class TestPing:
    def test_ping_answers(self, any_database: Database) -> None:
        any_database.ping()

    def test_ping_raises_when_the_server_is_not_there(self) -> None:
        db = Database("postgresql://nobody@127.0.0.1:1/none")
        try:
            with pytest.raises(exc.OperationalError):
                db.ping()
        finally:
            db.dispose()


class TestNormaliseUrl:
    @pytest.mark.parametrize(
        ("given", "expected"),
        [
            ("postgres://u:p@h:5432/db", "postgresql+psycopg://u:p@h:5432/db"),
            (
                "postgresql://u:p@h/db?sslmode=require",
                "postgresql+psycopg://u:p@h/db?sslmode=require",
            ),
            ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
            ("sqlite:///lantern.db", "sqlite:///lantern.db"),
            ("sqlite:////abs/path/postgres://x.db", "sqlite:////abs/path/postgres://x.db"),
        ],
    )
    def test_forms(self, given: str, expected: str) -> None:
        assert normalise_url(given) == expected

    def test_database_uses_psycopg_for_heroku_style_urls(self) -> None:
        db = Database("postgres://u@127.0.0.1:1/db")
        try:
            assert db.url == "postgresql+psycopg://u@127.0.0.1:1/db"
            assert db.engine.dialect.name == "postgresql"
            assert db.engine.dialect.driver == "psycopg"
        finally:
            db.dispose()


class TestSqliteTuning:
    def test_pragmas(self, database: Database) -> None:
        with database.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            # Waits for a lock, but gives up well inside Slack's 3 s ack deadline.
            assert 500 <= connection.execute(text("PRAGMA busy_timeout")).scalar() <= 2000


class TestUTCDateTime:
    def test_naive_datetime_is_refused(self, any_database: Database) -> None:
        _, person_id = new_person(any_database)

        def turn() -> None:
            with any_database.unit_of_work() as uow:
                uow.repos.reflections.add(
                    person_id=person_id,
                    text="x",
                    prompt=None,
                    source="dm",
                    at=datetime(2026, 11, 23, 15, 0),  # naive on purpose
                )

        with pytest.raises(exc.StatementError, match="naive datetime"):
            turn()
        assert reflection_count(any_database) == 0

    def test_bind_param_refuses_naive_and_converts_to_utc(self) -> None:
        column_type = UTCDateTime()
        with pytest.raises(ValueError, match="naive"):
            column_type.process_bind_param(datetime(2026, 1, 1), None)
        india = datetime(2026, 1, 1, 5, 30, tzinfo=timezone(timedelta(hours=5, minutes=30)))
        bound = column_type.process_bind_param(india, None)
        assert bound == datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
        assert bound is not None
        assert bound.utcoffset() == timedelta(0)
        assert column_type.process_bind_param(None, None) is None

    def test_values_come_back_aware_utc(self, any_database: Database) -> None:
        _, person_id = new_person(any_database)
        india = datetime(2026, 11, 23, 20, 30, 0, 123456, tzinfo=timezone(timedelta(hours=5.5)))
        with any_database.unit_of_work() as uow:
            uow.repos.reflections.add(
                person_id=person_id, text="x", prompt=None, source="dm", at=india
            )
        with any_database.unit_of_work() as uow:
            if any_database.engine.dialect.name == "postgresql":
                # The session's zone decides how the driver hands timestamptz back.
                uow.session.execute(text("SET TIME ZONE 'America/Chicago'"))
            [row] = uow.repos.reflections.recent(person_id=person_id, limit=1)
            assert row.created_at == india
            assert row.created_at.tzinfo is UTC
            assert (row.created_at.hour, row.created_at.minute) == (15, 0)
            assert row.created_at.microsecond == 123456
            # Defaults (utcnow) are aware UTC too.
            person = uow.session.get_one(Person, person_id)
            assert person.created_at.tzinfo is UTC
            assert abs(datetime.now(UTC) - person.created_at) < timedelta(minutes=5)

    def test_stored_as_utc_on_disk(self, any_database: Database) -> None:
        _, person_id = new_person(any_database)
        tokyo = datetime(2026, 11, 24, 0, 0, tzinfo=timezone(timedelta(hours=9)))
        with any_database.unit_of_work() as uow:
            uow.repos.reflections.add(
                person_id=person_id, text="x", prompt=None, source="dm", at=tokyo
            )
        with any_database.engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                raw = connection.execute(
                    text(
                        "SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')"
                        " FROM reflections"
                    )
                ).scalar()
            else:
                raw = connection.execute(text("SELECT created_at FROM reflections")).scalar()
        assert str(raw).startswith("2026-11-23 15:00")


class TestTurnsQueueOnSqlite:
    def test_units_of_work_of_one_process_run_one_at_a_time(self, database: Database) -> None:
        """Threads of one process take turns on SQLite instead of sleeping in its busy handler."""
        import threading
        import time

        inside = 0
        most = 0
        guard = threading.Lock()

        def turn() -> None:
            nonlocal inside, most
            with database.unit_of_work():
                with guard:
                    inside += 1
                    most = max(most, inside)
                time.sleep(0.02)
                with guard:
                    inside -= 1

        workers = [threading.Thread(target=turn) for _ in range(4)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=10)
        assert most == 1

    def test_postgres_units_of_work_overlap(self, postgres_database: Database) -> None:
        import threading

        both_inside = threading.Barrier(2)

        def turn() -> None:
            with postgres_database.unit_of_work():
                both_inside.wait(timeout=5)  # would time out if turns were serialised

        workers = [threading.Thread(target=turn) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=10)
        assert not both_inside.broken


def test_a_corrupt_sqlite_file_is_told_from_a_missing_or_healthy_one(
    tmp_path: pytest.TempPathFactory, database: Database
) -> None:
    folder = Path(str(tmp_path))
    assert corrupt_sqlite_file(database.url) is None  # a healthy, migrated file
    assert corrupt_sqlite_file(f"sqlite:///{folder}/not-yet.db") is None  # made on first use
    assert corrupt_sqlite_file("postgresql://postgres@127.0.0.1:5432/test") is None
    assert corrupt_sqlite_file("sqlite://") is None  # in memory

    garbage = folder / "garbage.db"
    garbage.write_bytes(b"\x00\xffnot sqlite" * 100)
    assert corrupt_sqlite_file(f"sqlite:///{garbage}") == garbage

    damaged = folder / "damaged.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    broken = Database(f"sqlite:///{damaged}")
    with pytest.raises(exc.DatabaseError) as raised:
        broken.upgrade()
    broken.dispose()
    assert corrupt_sqlite_file(f"sqlite:///{damaged}", raised.value) == damaged
