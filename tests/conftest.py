"""Shared fixtures: databases (SQLite always, PostgreSQL when TEST_DATABASE_URL is set),
a fixed clock, the engine, and a scripted chat for flow tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest

from bot.core.clock import FixedClock
from bot.engine.turns import Engine
from content import Content, default_content
from storage.crypto import configure_text_encryption
from storage.database import Database, scratch_schema
from tests.chat_script import ChatScript
from tests.strict_skips import NO_POSTGRES
from tests.strict_skips import pytest_runtest_makereport as pytest_runtest_makereport

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")


@pytest.fixture(autouse=True)
def _plain_text_after_each_test() -> Iterator[None]:
    """Text encryption is process-wide: a test that turns it on must not leave it on."""
    yield
    configure_text_encryption(None, encrypt_new_text=False)


@pytest.fixture(scope="session")
def content() -> Content:
    return default_content()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 23, 15, 0, tzinfo=UTC))


@pytest.fixture
def database(tmp_path: pytest.TempPathFactory) -> Iterator[Database]:
    """A migrated SQLite database in a file of its own."""
    db = Database(f"sqlite:///{tmp_path}/lantern-test.db")  # type: ignore[operator]
    db.upgrade()
    yield db
    db.dispose()


@contextmanager
def postgres_schema() -> Iterator[str]:
    """The URL of an empty PostgreSQL schema of its own, dropped afterwards; skips without one."""
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    with scratch_schema(POSTGRES_URL, prefix="test") as url:
        yield url


@pytest.fixture
def postgres_database() -> Iterator[Database]:
    """A migrated PostgreSQL database in a schema of its own, dropped afterwards."""
    with postgres_schema() as url:
        db = Database(url)
        try:
            db.upgrade()
            yield db
        finally:
            db.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_database(request: pytest.FixtureRequest) -> Database:
    """Each storage test runs on SQLite, and on PostgreSQL where TEST_DATABASE_URL is set."""
    name = "database" if request.param == "sqlite" else "postgres_database"
    db: Database = request.getfixturevalue(name)
    return db


@pytest.fixture
def engine(content: Content, database: Database, clock: FixedClock) -> Engine:
    return Engine(content=content, database=database, clock=clock)


@pytest.fixture
def chat(engine: Engine) -> ChatScript:
    return ChatScript(engine)
