"""Importing the engine and its flows loads no drawing or Word code; warming before fork does."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

DRAWING = ("matplotlib", "numpy", "docx")
# What the lazy imports in the flows and documents load when something is drawn or exported.
DRAWN_ON_DEMAND = (
    *DRAWING,
    "docx.shared",
    "bot.documents.assessment_chart",
    "bot.documents.balance_chart",
    "bot.documents.pictures",
)

# A process of its own: the test process has long since drawn pictures.
LOADED = textwrap.dedent(
    """
    import importlib, json, pkgutil, sys
    import bot.engine.turns
    import bot.engine, bot.flows

    watched = sys.argv[1:]
    after_engine = [name for name in watched if name in sys.modules]
    for package in (bot.engine, bot.flows):
        for module in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            importlib.import_module(module.name)
    after_flows = [name for name in watched if name in sys.modules]

    from bot.documents.warm import load_before_fork

    load_before_fork()
    after_warm = [name for name in watched if name in sys.modules]
    print(json.dumps([after_engine, after_flows, after_warm]))
    """
)


def _loaded() -> list[list[str]]:
    answer = subprocess.run(
        [sys.executable, "-c", LOADED, *DRAWN_ON_DEMAND],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    loaded: list[list[str]] = json.loads(answer.stdout)
    return loaded


def test_the_engine_and_flows_load_no_drawing_code_until_warmed() -> None:
    after_engine, after_flows, after_warm = _loaded()
    assert not set(DRAWING) & set(after_engine)
    assert after_flows == []
    # `lantern serve` warms before forking: then everything a lazy import would load is there.
    assert after_warm == list(DRAWN_ON_DEMAND)
