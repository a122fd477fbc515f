"""Encryption at rest with keys from the environment: bot tokens always, private text by choice."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

MARKER = "enc1:"
"""What starts every encrypted value, so a column can hold both encrypted values and plain ones
written before encryption was turned on (`lantern keys rotate` encrypts those)."""


class BadKey(ValueError):
    """A key in LANTERN_ENCRYPTION_KEYS is not a Fernet key; the message says which one."""


class UnreadableSecret(RuntimeError):
    """A stored value is encrypted with a key that is not (or no longer) configured."""


class Keyring:
    """Fernet keys, newest first: the first encrypts, every one decrypts (key rotation)."""

    def __init__(self, keys: Sequence[str]) -> None:
        fernets = []
        for position, key in enumerate(keys, start=1):
            try:
                fernets.append(Fernet(key.strip().encode("ascii")))
            except (ValueError, UnicodeEncodeError):
                raise BadKey(
                    f"key {position} is not a Fernet key (32 url-safe base64-encoded bytes); "
                    "make one with `lantern keys generate`"
                ) from None
        if not fernets:
            raise BadKey("no keys given")
        self._fernet = MultiFernet(fernets)
        self.size = len(fernets)

    @classmethod
    def from_setting(cls, value: str) -> Keyring:
        return cls([key for key in value.replace("\n", ",").split(",") if key.strip()])

    @staticmethod
    def generate() -> str:
        return Fernet.generate_key().decode("ascii")

    def encrypt(self, value: str) -> str:
        return MARKER + self._fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def decrypt(self, value: str) -> str:
        """The plain text of an encrypted value; a value that was never encrypted as it is."""
        if not is_encrypted(value):
            return value
        try:
            return self._fernet.decrypt(value[len(MARKER) :].encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise UnreadableSecret(
                "a stored value was encrypted with a key that is not in LANTERN_ENCRYPTION_KEYS"
            ) from None

    def rotate(self, value: str) -> str:
        """The value encrypted with the first key (a plain value gets encrypted)."""
        return self.encrypt(self.decrypt(value))


def is_encrypted(value: str) -> bool:
    return value.startswith(MARKER)


class _TextEncryption:
    """Process-wide: how private text columns are written and read (set once at start-up)."""

    keyring: Keyring | None = None
    encrypt_new_text: bool = False


def configure_text_encryption(keyring: Keyring | None, *, encrypt_new_text: bool) -> None:
    """Reading needs the keyring whenever encrypted text exists; writing encrypts only when
    asked, so turning encryption on or off never makes stored text unreadable."""
    if encrypt_new_text and keyring is None:
        raise ValueError("encrypting text needs a keyring")
    _TextEncryption.keyring = keyring
    _TextEncryption.encrypt_new_text = encrypt_new_text


def text_keyring() -> Keyring | None:
    return _TextEncryption.keyring


class PrivateText(TypeDecorator[str]):
    """Text a person wrote for themself (reflections, answers, check-in notes): encrypted at rest
    when LANTERN_ENCRYPT_TEXT is on. The database then cannot search or sort it."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        keyring = _TextEncryption.keyring
        if value is None or not _TextEncryption.encrypt_new_text or keyring is None:
            return value
        return keyring.encrypt(value)

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        if value is None or not is_encrypted(value):
            return value
        keyring = _TextEncryption.keyring
        if keyring is None:
            raise UnreadableSecret(
                "stored text is encrypted but LANTERN_ENCRYPTION_KEYS is not set"
            )
        return keyring.decrypt(value)
