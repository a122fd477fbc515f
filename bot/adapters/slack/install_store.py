"""Slack installs: slack_sdk's stores on Lantern's tables, tokens encrypted, states used once."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import TypeVar

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.sqlalchemy_utils import normalize_datetime_for_db
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine, MetaData, Table, and_

from storage.crypto import Keyring, is_encrypted
from storage.install_tables import BOTS_TABLE, INSTALLATIONS_TABLE, OAUTH_STATES_TABLE, TOKEN_FIELDS
from storage.key_rotation import rotate_install_tokens
from storage.models import Base

Stored = TypeVar("Stored", Installation, Bot)


def _lanterns_table(table_name: str) -> Table:
    # The table Lantern's migrations made (storage/install_tables.py), not a copy on slack_sdk's
    # own metadata: one definition, which a test compares with what slack_sdk builds.
    return Base.metadata.tables[table_name]


class EncryptedInstallationStore(SQLAlchemyInstallationStore):
    """slack_sdk's store, with every token encrypted before it is written and decrypted after
    it is read. The tables are created by Lantern's migrations, never by `create_tables`."""

    @classmethod
    def build_installations_table(cls, metadata: MetaData, table_name: str) -> Table:  # noqa: ARG003
        return _lanterns_table(table_name)

    @classmethod
    def build_bots_table(cls, metadata: MetaData, table_name: str) -> Table:  # noqa: ARG003
        return _lanterns_table(table_name)

    def __init__(self, *, client_id: str, engine: Engine, keyring: Keyring) -> None:
        super().__init__(
            client_id=client_id,
            engine=engine,
            bots_table_name=BOTS_TABLE,
            installations_table_name=INSTALLATIONS_TABLE,
        )
        self.keyring = keyring

    def _sealed(self, stored: Stored) -> Stored:
        sealed = copy.copy(stored)
        for name in TOKEN_FIELDS:
            value = getattr(sealed, name, None)
            if value and not is_encrypted(value):
                setattr(sealed, name, self.keyring.encrypt(value))
        return sealed

    def _opened(self, stored: Stored | None) -> Stored | None:
        if stored is None:
            return None
        for name in TOKEN_FIELDS:
            value = getattr(stored, name, None)
            if value:
                setattr(stored, name, self.keyring.decrypt(value))
        return stored

    def save(self, installation: Installation) -> None:
        super().save(self._sealed(installation))

    def save_bot(self, bot: Bot) -> None:
        super().save_bot(self._sealed(bot))

    def find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        return self._opened(
            super().find_bot(
                enterprise_id=enterprise_id,
                team_id=team_id,
                is_enterprise_install=is_enterprise_install,
            )
        )

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        # When the parent also looks up the latest bot (a user's install, or one without a bot
        # token), it does so through our find_bot, so what it copies in is already plain;
        # opening leaves plain values as they are and decrypts the rest.
        found = super().find_installation(
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )
        return self._opened(found)

    def delete_workspace(self, *, team_id: str) -> int:
        """Every installation and bot of a workspace (uninstalled, or its tokens revoked)."""
        with self.engine.begin() as connection:
            deleted = 0
            for table in (self.installations, self.bots):
                result = connection.execute(
                    table.delete().where(
                        and_(table.c.client_id == self.client_id, table.c.team_id == team_id)
                    )
                )
                deleted += result.rowcount or 0
        return deleted

    def rotate_tokens(self) -> int:
        """Re-encrypt every stored token with the first key; returns how many rows changed."""
        return rotate_install_tokens(self.engine, self.keyring)


class AtomicOAuthStateStore(SQLAlchemyOAuthStateStore):
    """slack_sdk's state store, but a state is consumed by one DELETE whose row count says
    whether this request was the one that consumed it: a state replayed twice, at the same
    time, succeeds once (the parent reads, then deletes, so both could succeed)."""

    @classmethod
    def build_oauth_states_table(cls, metadata: MetaData, table_name: str) -> Table:  # noqa: ARG003
        return _lanterns_table(table_name)

    def __init__(self, *, engine: Engine, expiration_seconds: int = 600) -> None:
        super().__init__(
            expiration_seconds=expiration_seconds, engine=engine, table_name=OAUTH_STATES_TABLE
        )

    def consume(self, state: str) -> bool:
        now = normalize_datetime_for_db(datetime.now(tz=UTC))
        column = self.oauth_states.c
        with self.engine.begin() as connection:
            consumed = connection.execute(
                self.oauth_states.delete().where(
                    and_(column.state == state, column.expire_at > now)
                )
            ).rowcount
            # Expired states are of no use to anyone; clearing them here keeps the table small.
            connection.execute(self.oauth_states.delete().where(column.expire_at <= now))
        return consumed == 1
