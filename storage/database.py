"""Engine creation per database kind, the unit of work, and migrations to head."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from storage.assessment_repositories import SelfAssessmentsRepository
from storage.draft_repositories import FormDraftsRepository
from storage.inbox_repositories import InboxRepository, OutboxRepository
from storage.plan_repositories import PlanRepositories
from storage.repositories import Repositories
from storage.team_repositories import TeamRepositories
from storage.workspace_repositories import WorkspacesRepository

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

# How long a write waits for SQLite's lock before giving up. Slack waits 3 s for an ack, so a
# turn that meets a locked database must give up well before then and say "try again".
SQLITE_BUSY_TIMEOUT_MS = 2000

POOL_SIZE = 24  # connections a PostgreSQL pool keeps: above the worker's default threads


def normalise_url(url: str) -> str:
    """Accept the `postgres://` and bare `postgresql://` forms platforms hand out; use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers run beside the single writer; busy_timeout waits for a lock
    # instead of failing at once when the web and worker processes write together.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    # What is deleted is overwritten with zeros, not only unlinked: forgotten words must not
    # stay readable in the file's free pages.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def create_db_engine(url: str) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"check_same_thread": False}, hide_parameters=True)
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    # hide_parameters: a failed statement must never write reflection text into the logs.
    # No pre-ping: it would cost a round trip on every turn. A connection the server dropped
    # fails its turn with a friendly "try again" and is discarded; recycling keeps them fresh.
    # The pool keeps as many connections as a process uses at once (the worker's 16 send
    # threads, a web process's threads): a smaller pool closes each extra connection when it is
    # returned and opens a new one the next moment, which cost the worker a connect per send.
    # Connections open only when needed, so a quiet process holds few.
    return create_engine(
        url, pool_recycle=1800, pool_size=POOL_SIZE, max_overflow=10, hide_parameters=True
    )


SQLITE_HEADER = b"SQLite format 3\x00"

# What SQLite says of a file that is not a database, or of one whose pages are damaged.
_CORRUPT_MESSAGES = ("file is not a database", "database disk image is malformed")


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names; None for PostgreSQL or an in-memory database."""
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def corrupt_sqlite_file(url: str, error: BaseException | None = None) -> Path | None:
    """The SQLite file behind `url` when it is damaged or not a database at all (its first
    bytes are not SQLite's, or `error`, raised opening it, is SQLite saying so); else None."""
    path = sqlite_file(url)
    if path is None:
        return None
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError:
        return None  # not there yet (it will be made), or unreadable: another problem
    if header and header != SQLITE_HEADER:
        return path
    cause: BaseException | None = error
    while cause is not None:
        if any(message in str(cause) for message in _CORRUPT_MESSAGES):
            return path
        cause = cause.__cause__ or cause.__context__
    return None


class UnitOfWork:
    """One transaction and the repositories that work inside it."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.repos = Repositories(session)
        self.plan = PlanRepositories(session)
        self.team = TeamRepositories(session)
        self.assessments = SelfAssessmentsRepository(session)
        self.workspaces = WorkspacesRepository(session)
        self.inbox = InboxRepository(session)
        self.outbox = OutboxRepository(session)
        self.drafts = FormDraftsRepository(session)
        self.erases = False  # see erase_after_commit

    def commit(self) -> None:
        self.session.commit()

    def erase_after_commit(self) -> None:
        """What this unit of work deletes must be gone from the files too, not only from the
        tables (a person asked to be forgotten): see `Database.unit_of_work`."""
        self.erases = True


class Database:
    """A database Lantern talks to: hands out units of work and knows its migrations."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.engine = create_db_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer. Threads of one process queue here, waking the moment the
        # turn before them ends, instead of in SQLite's busy handler, which sleeps in growing
        # steps (up to 100 ms) and turns contention into long tails.
        self._turns: AbstractContextManager[object] = (
            threading.Lock() if self.engine.dialect.name == "sqlite" else nullcontext()
        )

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        """Commit when the block ends normally; roll back everything when it raises."""
        with self._turns, self._sessions() as session:
            uow = UnitOfWork(session)
            try:
                yield uow
                session.commit()
            except BaseException:
                session.rollback()
                raise
            if uow.erases:
                self.erase_log()

    def erase_log(self) -> bool:
        """Empty SQLite's write-ahead log: it still holds earlier copies of the pages that
        secure_delete has just overwritten. Copied into the file and truncated; False when a
        reader held it (it is emptied at a later erase or checkpoint). PostgreSQL: nothing."""
        if self.engine.dialect.name != "sqlite":
            return True
        try:
            with self.engine.connect() as connection:
                busy = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").scalar()
        except SQLAlchemyError:  # the turn is committed already: it must not read as failed
            logger.exception("could not empty the write-ahead log; it is emptied later")
            return False
        if busy:
            logger.warning("the write-ahead log was in use; it is emptied later")
        return not busy

    @contextmanager
    def reading(self) -> Iterator[UnitOfWork]:
        """A unit of work that only reads: it does not queue behind the turns of this process
        (SQLite's readers never wait for its writer), and writes nothing."""
        with self._sessions() as session:
            try:
                yield UnitOfWork(session)
            finally:
                session.rollback()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A Core connection in one transaction, for a hot path that needs no ORM session
        (the worker records every message it sends); commits when the block ends normally."""
        with self._turns, self.engine.begin() as connection:
            yield connection

    @contextmanager
    def autocommit(self) -> Iterator[Connection]:
        """A Core connection on which each statement commits by itself: one round trip for a
        hot statement that needs no transaction around it (no BEGIN, no COMMIT of its own)."""
        with self._turns, self.engine.connect() as connection:
            yield connection.execution_options(isolation_level="AUTOCOMMIT")

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def alembic_config(self) -> Config:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        return config

    def upgrade(self, revision: str = "head") -> None:
        with self.engine.begin() as connection:
            config = self.alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)

    def is_at_head(self) -> bool:
        head = ScriptDirectory.from_config(self.alembic_config()).get_current_head()
        with self.engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
        return current == head

    def dispose(self) -> None:
        self.engine.dispose()


@contextmanager
def scratch_schema(url: str, *, prefix: str) -> Iterator[str]:
    """A PostgreSQL URL whose connections use a new, empty schema, dropped afterwards: tests
    and benches get a database of their own on a shared server."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(url))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
