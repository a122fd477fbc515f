"""Keys, token and private-text encryption at rest, and rotating to a new key."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from storage.crypto import (
    BadKey,
    Keyring,
    UnreadableSecret,
    configure_text_encryption,
    is_encrypted,
)
from storage.database import Database
from storage.key_rotation import private_text_columns, rotate_private_text
from storage.models import Answer, Reflection
from tests.storage.helpers import new_person

SECRET_WORDS = "my board chair frightens me"


def test_a_keyring_decrypts_with_any_key_and_encrypts_with_the_first() -> None:
    old, new = Keyring.generate(), Keyring.generate()
    sealed_with_old = Keyring([old]).encrypt("xoxb-1")
    both = Keyring([new, old])
    assert both.decrypt(sealed_with_old) == "xoxb-1"
    rotated = both.rotate(sealed_with_old)
    assert Keyring([new]).decrypt(rotated) == "xoxb-1"
    with pytest.raises(UnreadableSecret):
        Keyring([old]).decrypt(rotated)


def test_a_value_never_encrypted_reads_as_it_is() -> None:
    assert Keyring([Keyring.generate()]).decrypt("plain words") == "plain words"


def test_a_bad_key_is_named_by_its_position() -> None:
    with pytest.raises(BadKey, match="key 2 is not a Fernet key"):
        Keyring.from_setting(f"{Keyring.generate()}, not-a-key")
    with pytest.raises(BadKey, match="no keys"):
        Keyring.from_setting(" , ")


def test_private_text_columns_are_found_by_type() -> None:
    found = {(table.name, column.name) for table, column in private_text_columns()}
    assert found == {
        ("answers", "text"),
        ("answer_revisions", "text"),
        ("reflections", "text"),
        ("checkins", "notes"),
        ("form_drafts", "answers"),  # a form's answers kept before it was sent
        # What people sent, waiting to be taken, and the replies waiting to be sent.
        ("inbox", "inbound"),
        ("outbox", "payload"),
    }


def _raw(db: Database, sql: str) -> list[str]:
    with db.engine.connect() as connection:
        return [row[0] for row in connection.execute(text(sql))]


def _write_private_text(db: Database) -> None:
    _, person_id = new_person(db)
    with db.unit_of_work() as uow:
        uow.session.add(Reflection(person_id=person_id, text=SECRET_WORDS, source="reflect"))
        uow.session.add(
            Answer(person_id=person_id, step_id="s", question_id="q", text=SECRET_WORDS)
        )


class TestPrivateTextAtRest:
    def test_encrypted_when_asked_and_read_back_plain(self, any_database: Database) -> None:
        configure_text_encryption(Keyring([Keyring.generate()]), encrypt_new_text=True)
        _write_private_text(any_database)
        stored = _raw(any_database, "SELECT text FROM reflections") + _raw(
            any_database, "SELECT text FROM answers"
        )
        assert stored
        assert all(is_encrypted(value) for value in stored)
        assert not any(SECRET_WORDS in value for value in stored)
        with any_database.unit_of_work() as uow:
            assert uow.session.query(Reflection).one().text == SECRET_WORDS
            assert uow.session.query(Answer).one().text == SECRET_WORDS

    def test_plain_by_default(self, any_database: Database) -> None:
        _write_private_text(any_database)
        assert _raw(any_database, "SELECT text FROM reflections") == [SECRET_WORDS]

    def test_turning_encryption_off_keeps_old_text_readable(self, database: Database) -> None:
        keyring = Keyring([Keyring.generate()])
        configure_text_encryption(keyring, encrypt_new_text=True)
        _write_private_text(database)
        configure_text_encryption(keyring, encrypt_new_text=False)
        with database.unit_of_work() as uow:
            assert uow.session.query(Reflection).one().text == SECRET_WORDS

    def test_encrypted_text_without_the_key_is_refused_not_shown(self, database: Database) -> None:
        configure_text_encryption(Keyring([Keyring.generate()]), encrypt_new_text=True)
        _write_private_text(database)
        configure_text_encryption(None, encrypt_new_text=False)
        with database.unit_of_work() as uow, pytest.raises(UnreadableSecret):
            uow.session.query(Reflection).one()

    def test_rotation_moves_every_text_to_the_new_key(self, any_database: Database) -> None:
        old = Keyring.generate()
        configure_text_encryption(Keyring([old]), encrypt_new_text=True)
        _write_private_text(any_database)
        new = Keyring.generate()
        changed = rotate_private_text(any_database.engine, Keyring([new, old]), encrypt_plain=True)
        assert changed == 2
        configure_text_encryption(Keyring([new]), encrypt_new_text=True)
        with any_database.unit_of_work() as uow:
            assert uow.session.query(Reflection).one().text == SECRET_WORDS

    def test_rotation_encrypts_text_written_before_encryption_was_on(
        self, database: Database
    ) -> None:
        _write_private_text(database)
        key = Keyring([Keyring.generate()])
        assert rotate_private_text(database.engine, key, encrypt_plain=False) == 0
        assert rotate_private_text(database.engine, key, encrypt_plain=True) == 2
        stored = _raw(database, "SELECT text FROM reflections")
        assert is_encrypted(stored[0])
