"""The base of every effect: something a flow's step asks to be stored, applied by the engine."""

from __future__ import annotations


class Effect:
    """What a step asks to be kept, as a frozen dataclass of its own kind. Each kind has one
    handler, registered with the store that keeps it (bot/engine/stores.py); a kind nobody
    handles fails the turn, so nothing of it is half kept."""

    __slots__ = ()
