"""Text as every database can keep it: no NUL (PostgreSQL refuses it), no lone surrogate.

A person never means either: a NUL comes from a paste or a tampered request, a lone surrogate
(half of an emoji) from a JSON escape that UTF-8 cannot encode. Both would fail the turn on
every try, so they are taken out where what a person sent becomes neutral (an Inbound).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def storable(text: str) -> str:
    """`text` without NUL bytes, a lone surrogate shown as the replacement character."""
    if _UNSTORABLE.search(text) is None:
        return text
    return _UNSTORABLE.sub(lambda found: "" if found.group() == "\x00" else REPLACEMENT, text)


def _cleaned(value: Any) -> Any:
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, Mapping) and all(
        isinstance(key, str) and isinstance(item, str) for key, item in value.items()
    ):
        return {storable(key): storable(item) for key, item in value.items()}
    return value


def make_fields_storable(instance: Any) -> bool:
    """Clean every text field (and text-to-text mapping) of a frozen dataclass in place, from
    its `__post_init__`; True when anything was taken out."""
    changed = False
    for field in dataclasses.fields(instance):
        value = getattr(instance, field.name)
        cleaned = _cleaned(value)
        if cleaned != value:
            object.__setattr__(instance, field.name, cleaned)
            changed = True
    return changed
