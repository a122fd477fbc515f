"""Re-encrypting what is stored with the newest key, so older keys can be retired."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Engine, Integer, MetaData, Table, Text, select

from storage.crypto import Keyring, PrivateText, is_encrypted
from storage.install_tables import BOTS_TABLE, INSTALLATIONS_TABLE, TOKEN_FIELDS
from storage.models import Base

BATCH = 500


@dataclass(frozen=True)
class Rotated:
    tokens: int
    texts: int


def private_text_columns() -> list[tuple[Table, Column[str]]]:
    """Every column that holds a person's private text (found by type, so none is missed)."""
    found = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, PrivateText):
                found.append((table, column))
    return found


def rotate_private_text(engine: Engine, keyring: Keyring, *, encrypt_plain: bool) -> int:
    """Encrypted text gets the first key; plain text is encrypted too when `encrypt_plain`.
    Reads and writes the raw column (no type processing), one batch per transaction."""
    changed = 0
    for table, column in private_text_columns():
        # The same table seen as plain Text, so values are read and written as stored.
        raw_table = Table(table.name, MetaData(), Column("id", Integer), Column(column.name, Text))
        last_id = 0
        while True:
            with engine.begin() as connection:
                rows = connection.execute(
                    select(raw_table.c.id, raw_table.c[column.name])
                    .where(raw_table.c.id > last_id, raw_table.c[column.name].is_not(None))
                    .order_by(raw_table.c.id)
                    .limit(BATCH)
                ).all()
                for row_id, value in rows:
                    if is_encrypted(value) or encrypt_plain:
                        connection.execute(
                            raw_table.update()
                            .where(raw_table.c.id == row_id)
                            .values({column.name: keyring.rotate(value)})
                        )
                        changed += 1
            if len(rows) < BATCH:
                break
            last_id = rows[-1][0]
    return changed


def rotate_install_tokens(engine: Engine, keyring: Keyring) -> int:
    """Re-encrypt every stored Slack token with the first key (whichever app's client id saved
    it; a token stored in the clear is encrypted); returns how many rows changed."""
    changed = 0
    with engine.begin() as connection:
        for table in (Base.metadata.tables[INSTALLATIONS_TABLE], Base.metadata.tables[BOTS_TABLE]):
            columns = [table.c.id, *(table.c[name] for name in TOKEN_FIELDS if name in table.c)]
            for row in connection.execute(select(*columns)).mappings():
                values: dict[str, Any] = {}
                for name in TOKEN_FIELDS:
                    value = row.get(name)
                    if value:
                        values[name] = keyring.rotate(value)
                if values:
                    connection.execute(
                        table.update().where(table.c.id == row["id"]).values(**values)
                    )
                    changed += 1
    return changed


def rotate_everything(engine: Engine, keyring: Keyring, *, encrypt_plain_text: bool) -> Rotated:
    tokens = rotate_install_tokens(engine, keyring)
    texts = rotate_private_text(engine, keyring, encrypt_plain=encrypt_plain_text)
    return Rotated(tokens=tokens, texts=texts)
