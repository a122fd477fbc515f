"""Installs kept by slack_sdk's stores in Lantern's tables: tokens encrypted, states used once,
and the tables defined in storage the very ones slack_sdk builds."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Column, MetaData, String, Table, text

from bot.adapters.slack.install_store import AtomicOAuthStateStore, EncryptedInstallationStore
from storage.crypto import Keyring, is_encrypted
from storage.database import Database
from storage.install_tables import (
    BOTS_TABLE,
    ENCRYPTED_TOKEN_LENGTH,
    INSTALLATIONS_TABLE,
    OAUTH_STATES_TABLE,
    TOKEN_FIELDS,
)
from storage.key_rotation import rotate_everything
from storage.models import Base

BOT_TOKEN = "xoxb-1111-2222-" + "a" * 40  # as long as real ones, so the encrypted one fits
CLIENT_ID = "111.222"


def _install(team_id: str = "T1", token: str = BOT_TOKEN, *, at: float = 1.0) -> Installation:
    return Installation(
        app_id="A1",
        enterprise_id=None,
        team_id=team_id,
        team_name="Library",
        bot_token=token,
        bot_id="B1",
        bot_user_id="U-bot",
        bot_scopes="chat:write,commands",
        user_id="U-installer",
        installed_at=datetime.fromtimestamp(1_800_000_000 + at, tz=UTC).timestamp(),
    )


def _store(db: Database, keyring: Keyring) -> EncryptedInstallationStore:
    return EncryptedInstallationStore(client_id=CLIENT_ID, engine=db.engine, keyring=keyring)


def _raw_tokens(db: Database) -> list[str]:
    with db.engine.connect() as connection:
        return [
            row[0]
            for table in ("slack_installations", "slack_bots")
            for row in connection.execute(text(f"SELECT bot_token FROM {table}"))
        ]


class TestInstallationStore:
    def test_tokens_are_encrypted_at_rest_and_read_back(self, any_database: Database) -> None:
        store = _store(any_database, Keyring([Keyring.generate()]))
        store.save(_install())
        raw = _raw_tokens(any_database)
        assert len(raw) == 2
        assert all(is_encrypted(value) and BOT_TOKEN not in value for value in raw)
        bot = store.find_bot(enterprise_id=None, team_id="T1")
        assert bot is not None
        assert bot.bot_token == BOT_TOKEN
        assert bot.bot_user_id == "U-bot"
        found = store.find_installation(enterprise_id=None, team_id="T1")
        assert found is not None
        assert found.bot_token == BOT_TOKEN

    def test_a_reinstall_is_found_instead_of_the_first(self, any_database: Database) -> None:
        store = _store(any_database, Keyring([Keyring.generate()]))
        store.save(_install(token="xoxb-old"))
        store.save(_install(token="xoxb-new", at=60))
        bot = store.find_bot(enterprise_id=None, team_id="T1")
        assert bot is not None
        assert bot.bot_token == "xoxb-new"

    def test_workspaces_do_not_see_each_others_tokens(self, any_database: Database) -> None:
        store = _store(any_database, Keyring([Keyring.generate()]))
        store.save(_install("T1", "xoxb-one"))
        store.save(_install("T2", "xoxb-two"))
        assert store.find_bot(enterprise_id=None, team_id="T2").bot_token == "xoxb-two"  # type: ignore[union-attr]
        assert store.find_bot(enterprise_id=None, team_id="T3") is None

    def test_deleting_a_workspace_deletes_only_its_tokens(self, any_database: Database) -> None:
        store = _store(any_database, Keyring([Keyring.generate()]))
        store.save(_install("T1"))
        store.save(_install("T2"))
        assert store.delete_workspace(team_id="T1") == 2
        assert store.find_bot(enterprise_id=None, team_id="T1") is None
        assert store.find_installation(enterprise_id=None, team_id="T1") is None
        assert store.find_bot(enterprise_id=None, team_id="T2") is not None

    def test_rotation_re_encrypts_with_the_new_key(self, any_database: Database) -> None:
        old, new = Keyring.generate(), Keyring.generate()
        _store(any_database, Keyring([old])).save(_install())
        assert _store(any_database, Keyring([new, old])).rotate_tokens() == 2
        bot = _store(any_database, Keyring([new])).find_bot(enterprise_id=None, team_id="T1")
        assert bot is not None
        assert bot.bot_token == BOT_TOKEN

    def test_a_token_stored_before_encryption_is_read_and_then_encrypted(
        self, database: Database
    ) -> None:
        keyring = Keyring([Keyring.generate()])
        store = _store(database, keyring)
        # Written by slack_sdk's own store: in the clear.
        plain = EncryptedInstallationStore.__mro__[1]
        plain.save(store, _install())  # type: ignore[arg-type]
        assert BOT_TOKEN in _raw_tokens(database)
        assert store.find_bot(enterprise_id=None, team_id="T1").bot_token == BOT_TOKEN  # type: ignore[union-attr]
        store.rotate_tokens()
        assert not any(BOT_TOKEN in value for value in _raw_tokens(database))

    def test_lantern_keys_rotate_re_encrypts_the_tokens_too(self, any_database: Database) -> None:
        old, new = Keyring.generate(), Keyring.generate()
        _store(any_database, Keyring([old])).save(_install())
        rotated = rotate_everything(
            any_database.engine, Keyring([new, old]), encrypt_plain_text=False
        )
        assert rotated.tokens == 2
        bot = _store(any_database, Keyring([new])).find_bot(enterprise_id=None, team_id="T1")
        assert bot is not None
        assert bot.bot_token == BOT_TOKEN


class TestOAuthStates:
    def test_a_state_is_consumed_once(self, any_database: Database) -> None:
        states = AtomicOAuthStateStore(engine=any_database.engine)
        state = states.issue()
        assert states.consume(state) is True
        assert states.consume(state) is False
        assert states.consume("never-issued") is False

    def test_an_expired_state_is_refused(self, any_database: Database) -> None:
        states = AtomicOAuthStateStore(engine=any_database.engine, expiration_seconds=-1)
        assert states.consume(states.issue()) is False

    def test_a_state_replayed_at_the_same_time_succeeds_once(self, any_database: Database) -> None:
        """Eight requests carrying the same state, released together, twenty times: exactly
        one wins each time (slack_sdk's own store lets several win most times on PostgreSQL)."""
        for _ in range(20):
            state = AtomicOAuthStateStore(engine=any_database.engine).issue()
            results = _consume_at_once(any_database.url, state, contenders=8)
            assert results.count(True) == 1, results


def _consume_at_once(url: str, state: str, *, contenders: int) -> list[bool]:
    """Each contender with its own connection pool, as separate web processes would be."""
    barrier = threading.Barrier(contenders)
    results: list[bool] = []
    lock = threading.Lock()
    databases = [Database(url) for _ in range(contenders)]

    def contend(db: Database) -> None:
        store = AtomicOAuthStateStore(engine=db.engine)
        barrier.wait()
        won = store.consume(state)
        with lock:
            results.append(won)

    threads = [threading.Thread(target=contend, args=(db,)) for db in databases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    for db in databases:
        db.dispose()
    return results


# ----- storage's tables are the ones slack_sdk's stores expect -----------------------------------


def _column(column: Column[object]) -> tuple[object, ...]:
    type_ = column.type
    default = column.default
    return (
        column.name,
        type(type_).__name__,
        getattr(type_, "length", None),
        column.nullable,
        column.primary_key,
        column.autoincrement,
        # `func.now()` is a new object each time it is written: compare what it renders.
        None if default is None else str(getattr(default, "arg", default)),
        column.server_default,
    )


def _shape(table: Table) -> tuple[object, ...]:
    return (
        table.name,
        [_column(column) for column in table.columns],
        sorted(
            (index.name, [column.name for column in index.columns], index.unique)
            for index in table.indexes
        ),
    )


def _widened(table: Table) -> Table:
    for name in TOKEN_FIELDS:
        if name in table.c:
            table.c[name].type = String(ENCRYPTED_TOKEN_LENGTH)
    return table


@pytest.mark.parametrize(
    ("name", "build"),
    [
        (INSTALLATIONS_TABLE, SQLAlchemyInstallationStore.build_installations_table),
        (BOTS_TABLE, SQLAlchemyInstallationStore.build_bots_table),
        (OAUTH_STATES_TABLE, SQLAlchemyOAuthStateStore.build_oauth_states_table),
    ],
)
def test_storage_defines_the_tables_slack_sdk_builds(name: str, build: object) -> None:
    """Column for column, with the same defaults and index; only the token columns are wider,
    for encrypted tokens. An upgrade of slack_sdk that changes its tables fails here."""
    assert callable(build)
    built = _widened(build(MetaData(), name))
    assert _shape(Base.metadata.tables[name]) == _shape(built)


def test_the_stores_use_lanterns_own_tables(database: Database) -> None:
    store = _store(database, Keyring([Keyring.generate()]))
    states = AtomicOAuthStateStore(engine=database.engine)
    assert store.installations is Base.metadata.tables[INSTALLATIONS_TABLE]
    assert store.bots is Base.metadata.tables[BOTS_TABLE]
    assert states.oauth_states is Base.metadata.tables[OAUTH_STATES_TABLE]
