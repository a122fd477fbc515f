"""The neutral vocabulary as JSON, so a turn and its replies can wait in the database."""

from __future__ import annotations

import base64
import dataclasses
import json
import types
from collections.abc import Mapping
from enum import Enum
from functools import cache
from typing import Any, Literal, TypeVar, Union, get_args, get_origin, get_type_hints

from bot.core.messages import HomePage, Inbound, Reply

T = TypeVar("T")

_BYTES = "$bytes"


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return {_BYTES: base64.b64encode(value).decode("ascii")}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def _build(kind: Any, value: Any) -> Any:
    origin = get_origin(kind)
    if origin in (Union, types.UnionType):
        if value is None:
            return None
        options = [option for option in get_args(kind) if option is not type(None)]
        return _build(options[0], value)
    if origin is Literal or kind is Any:
        return value
    if origin is tuple:
        args = get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_build(args[0], item) for item in value)
        return tuple(_build(arg, item) for arg, item in zip(args, value, strict=True))
    if origin in (dict, Mapping) or kind in (dict, Mapping):
        args = get_args(kind) or (str, Any)
        return {key: _build(args[1], item) for key, item in value.items()}
    if kind is bytes:
        return base64.b64decode(value[_BYTES])
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind(value)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = _hints(kind)
        return kind(**{name: _build(hints[name], item) for name, item in value.items()})
    return value


def dumps(value: Any) -> str:
    """A neutral value (an Inbound, replies, a home page) as JSON; bytes travel as base64."""
    return json.dumps(_plain(value), separators=(",", ":"))


def load_inbound(text: str) -> Inbound:
    built: Inbound = _build(Inbound, json.loads(text))
    return built


def load_replies(text: str) -> tuple[Reply, ...]:
    built: tuple[Reply, ...] = _build(tuple[Reply, ...], json.loads(text))
    return built


def load_home(text: str) -> HomePage:
    built: HomePage = _build(HomePage, json.loads(text))
    return built
