"""The layers: no import runs upward, no adapter imports another, and only Slack knows Slack.

Read top-down; a layer imports its own layer and the ones listed for it, never one above:

    entry points     bot/cli.py, bot/wiring.py, bot/worker.py: anything
    adapters         bot/adapters/<platform>/: its own platform, bot/adapters/__init__, and
                     everything below; never another platform
    infrastructure   bot/settings.py, bot/observability/: shared by entry points and adapters;
                     imports only the bottom layer (the engine, flows and documents are handed
                     what they need, so they never read settings or touch metrics)
    engine           bot/engine/: flows, documents, bottom
    flows            bot/flows/: documents, bottom
    documents        bot/documents/: bottom
    bottom           bot/core/, storage/, content/: each only itself (the vocabulary, the
                     database and the words do not know each other)

Every import counts: at the top, inside functions, under TYPE_CHECKING. slack_sdk and
slack_bolt are imported only in bot/adapters/slack/ and the entry points.
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "storage", "content")

ENTRY = "entry points"
ADAPTERS = "adapters"
INFRASTRUCTURE = "infrastructure"
ENGINE = "engine"
FLOWS = "flows"
DOCUMENTS = "documents"
CORE = "bot/core"
STORAGE = "storage"
CONTENT = "content"

BELOW_FLOWS = frozenset({DOCUMENTS, CORE, STORAGE, CONTENT})
MAY_IMPORT: dict[str, frozenset[str]] = {
    ENTRY: frozenset({ENTRY, ADAPTERS, INFRASTRUCTURE, ENGINE, FLOWS, *BELOW_FLOWS}),
    ADAPTERS: frozenset({ADAPTERS, INFRASTRUCTURE, ENGINE, FLOWS, *BELOW_FLOWS}),
    INFRASTRUCTURE: frozenset({INFRASTRUCTURE, CORE, STORAGE, CONTENT}),
    ENGINE: frozenset({ENGINE, FLOWS, *BELOW_FLOWS}),
    FLOWS: frozenset({FLOWS, *BELOW_FLOWS}),
    DOCUMENTS: frozenset({DOCUMENTS, CORE, STORAGE, CONTENT}),
    CORE: frozenset({CORE}),
    STORAGE: frozenset({STORAGE}),
    CONTENT: frozenset({CONTENT}),
}

# Module prefixes (dotted) to layers; the longest match wins.
LAYER_OF_PREFIX: dict[str, str] = {
    "bot": CORE,  # bot/__init__.py: the package's docstring, importing nothing
    "bot.cli": ENTRY,
    "bot.wiring": ENTRY,
    "bot.worker": ENTRY,
    "bot.adapters": ADAPTERS,
    "bot.settings": INFRASTRUCTURE,
    "bot.observability": INFRASTRUCTURE,
    "bot.engine": ENGINE,
    "bot.flows": FLOWS,
    "bot.documents": DOCUMENTS,
    "bot.core": CORE,
    "storage": STORAGE,
    "content": CONTENT,
}

SLACK_LIBRARIES = ("slack_sdk", "slack_bolt")
SLACK_ADAPTER = "bot.adapters.slack"


@dataclass(frozen=True)
class Import:
    path: str  # relative to the root, as the report names it
    line: int
    importer: str
    imported: str


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    importer: str
    imported: str
    why: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.importer} imports {self.imported}: {self.why}"


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(root: Path) -> dict[str, Path]:
    """Every module of our packages under root, by dotted name."""
    found = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            found[module_name(root, path)] = path
    return found


def _absolute(node: ast.ImportFrom, importer: str, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    package = importer.split(".") if is_package else importer.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imports(root: Path) -> list[Import]:
    """Every import statement of every module, wherever in the module it stands."""
    known = modules(root)
    found = []
    for importer, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        shown = path.relative_to(root).as_posix()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.extend(Import(shown, node.lineno, importer, a.name) for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                source = _absolute(node, importer, is_package)
                for alias in node.names:
                    # `from bot.core import clock` imports the module bot.core.clock.
                    child = f"{source}.{alias.name}"
                    target = child if child in known else source
                    found.append(Import(shown, node.lineno, importer, target))
    return found


def layer_of(module: str) -> str | None:
    """The layer of one of our modules; None for a library."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        layer = LAYER_OF_PREFIX.get(".".join(parts[:end]))
        if layer is not None:
            return layer
    return None


def platform_of(module: str) -> str | None:
    """The platform an adapter module belongs to: bot.adapters.slack.app is slack's."""
    parts = module.split(".")
    if parts[:2] == ["bot", "adapters"] and len(parts) > 2:
        return parts[2]
    return None


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def violations(root: Path) -> list[Violation]:
    found: list[Violation] = []
    for each in imports(root):
        here, there = layer_of(each.importer), layer_of(each.imported)
        assert here is not None, each.importer

        def report(why: str, each: Import = each) -> None:
            violation = Violation(each.path, each.line, each.importer, each.imported, why)
            if violation not in found:  # `from x import a, b` is one import of x
                found.append(violation)

        if there is None:
            library = each.imported.split(".")[0]
            if (
                library in SLACK_LIBRARIES
                and here != ENTRY
                and not _within(each.importer, SLACK_ADAPTER)
            ):
                report(f"{library} in layer {here}: only the Slack adapter and entry points")
            continue
        if there not in MAY_IMPORT[here]:
            report(f"layer {here} imports layer {there}, which it must not")
        elif here == ADAPTERS == there:
            mine, theirs = platform_of(each.importer), platform_of(each.imported)
            if theirs is not None and mine != theirs:
                report(f"adapter {mine or 'bot.adapters'} imports adapter {theirs}")
    return found


def test_no_import_runs_upward_or_between_adapters() -> None:
    found = violations(ROOT)
    assert not found, "\n" + "\n".join(str(v) for v in found)


def test_every_module_has_a_layer() -> None:
    known = modules(ROOT)
    assert len(known) > 100  # the walk found the tree
    assert all(layer_of(name) is not None for name in known)


# ----- the check itself can fail ----------------------------------------------------------------


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    for package in PACKAGES:
        (root / package).mkdir(exist_ok=True)
    return root


def test_an_upward_import_is_reported_with_its_file_line_and_layers(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "bot/__init__.py": "",
            "bot/core/__init__.py": "",
            "bot/core/clock.py": "import datetime\n",
            "bot/flows/__init__.py": "",
            "bot/flows/step.py": """\
                from __future__ import annotations

                from typing import TYPE_CHECKING

                from bot.core import clock

                if TYPE_CHECKING:
                    from bot.engine.turns import Engine
                """,
            "bot/engine/__init__.py": "",
            "bot/engine/turns.py": """\
                def run():
                    from ..flows import step
                """,
        },
    )
    found = violations(root)
    assert [(v.path, v.line, v.why) for v in found] == [
        ("bot/flows/step.py", 8, "layer flows imports layer engine, which it must not")
    ]
    assert "bot.flows.step imports bot.engine.turns" in str(found[0])


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {
                "bot/adapters/__init__.py": "",
                "bot/adapters/teams/__init__.py": "",
                "bot/adapters/teams/cards.py": (
                    "def f():\n    from bot.adapters.slack import render\n"
                ),
                "bot/adapters/slack/__init__.py": "",
                "bot/adapters/slack/render.py": "",
            },
            ("bot/adapters/teams/cards.py", 2, "adapter teams imports adapter slack"),
        ),
        (
            {
                "bot/engine/__init__.py": "",
                "bot/engine/scheduled.py": "\nfrom slack_sdk.errors import SlackApiError\n",
            },
            (
                "bot/engine/scheduled.py",
                2,
                "slack_sdk in layer engine: only the Slack adapter and entry points",
            ),
        ),
        (
            {
                "storage/__init__.py": "",
                "storage/models.py": "from bot.core.messages import Reply\n",
                "bot/core/__init__.py": "",
                "bot/core/messages.py": "",
            },
            ("storage/models.py", 1, "layer storage imports layer bot/core, which it must not"),
        ),
        (
            {
                "bot/settings.py": "from bot.engine import turns\n",
                "bot/engine/__init__.py": "",
                "bot/engine/turns.py": "",
            },
            ("bot/settings.py", 1, "layer infrastructure imports layer engine, which it must not"),
        ),
    ],
    ids=["adapter-to-adapter", "slack-below-the-adapter", "storage-to-bot", "settings-to-engine"],
)
def test_sideways_and_slack_imports_are_reported(
    tmp_path: Path, files: dict[str, str], expected: tuple[str, int, str]
) -> None:
    root = _tree(tmp_path, files)
    found = [(v.path, v.line, v.why) for v in violations(root)]
    assert found == [expected]
