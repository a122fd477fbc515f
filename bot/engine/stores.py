"""The stores the engine keeps flows' data with: the one place a new flow's storage is added."""

from __future__ import annotations

from bot.engine import (
    assess_store,
    plan_store,
    privacy_store,
    reflect_store,
    team_store,
    toolkit_store,
)
from bot.engine.registry import Store


def default_stores() -> list[Store]:
    return [
        reflect_store.STORE,
        toolkit_store.STORE,
        plan_store.STORE,
        team_store.STORE,
        assess_store.STORE,
        privacy_store.STORE,
    ]
