"""The README's "Talking to the coach" tables say exactly what people can type: every command
and word they name is one the coach takes (from content, or the terminal's own), and every
keyword in content is in them, so the two cannot drift apart."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.adapters.console.chat import HOME, QUIT, shortcuts
from bot.core.text import keyword_in, unquoted_literal
from content import Content

README = Path(__file__).resolve().parents[1] / "README.md"
CODE = re.compile(r"`([^`]+)`")
COMMANDS_HEADER = "| in Slack | in the terminal | what it does |"
WORDS_HEADER = "| type | what it does |"


def tables() -> dict[str, list[list[str]]]:
    """The section's tables by their header line: each row's cells (header and rule left out)."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Talking to the coach\n", 1)[1].split("\n#", 1)[0]
    found: dict[str, list[list[str]]] = {}
    header = None
    for line in section.splitlines():
        if not line.startswith("|"):
            header = None
            continue
        if header is None:
            header = line.strip()
            found[header] = []
        elif not set(line) <= set("|-: "):
            found[header].append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return found


def typed_in(cell: str) -> list[str]:
    return CODE.findall(cell)


def test_the_section_has_both_tables() -> None:
    found = tables()
    assert COMMANDS_HEADER in found
    assert WORDS_HEADER in found
    assert found[COMMANDS_HEADER]
    assert found[WORDS_HEADER]


def command_known(content: Content, typed: str, *, terminal: bool) -> bool:
    """Whether the coach takes this command (its first words; what follows is free)."""
    words = content.coach.command_words
    first, *rest = typed.split()
    if terminal and first in QUIT | HOME:
        return not rest
    if terminal and first in shortcuts(words):
        menu, sub = shortcuts(words)[first]
        first, rest = f"/{menu}", [sub, *rest]
    if first in words.slash.values():
        return True  # /reflect and /checkin take your own words after them
    if first != words.menu:
        return False
    if not rest or rest[0] not in words.sub.values():
        return False
    sub_id = next(word_id for word_id, word in words.sub.items() if word == rest[0])
    arguments = words.arguments.get(sub_id, {})
    if len(rest) > 1 and arguments and not rest[1].startswith("["):
        return rest[1] in arguments.values()
    return True


def test_every_command_in_the_table_is_one_the_coach_takes(content: Content) -> None:
    named = 0
    for slack, terminal, _ in tables()[COMMANDS_HEADER]:
        for column, in_terminal in ((slack, False), (terminal, True)):
            for typed in typed_in(column):
                assert typed.startswith("/"), typed
                assert command_known(content, typed, terminal=in_terminal), typed
                named += 1
    assert named > 20


def test_every_word_in_the_table_is_a_keyword_and_every_keyword_is_there(
    content: Content,
) -> None:
    keywords = content.coach.keywords.by_id()
    named: dict[str, set[str]] = {}
    quoting = 0
    for typed_cell, _ in tables()[WORDS_HEADER]:
        for typed in typed_in(typed_cell):
            literal = unquoted_literal(typed)
            if literal is not None:  # a quoted keyword: the word itself
                assert keyword_in(literal, keywords) is not None, typed
                assert keyword_in(typed, keywords) is None, typed
                quoting += 1
                continue
            keyword_id = keyword_in(typed, keywords)
            assert keyword_id is not None, f"{typed!r} is no keyword in content"
            named.setdefault(keyword_id, set()).add(typed)
    assert quoting == 1
    assert set(named) == set(keywords), "keywords in content but not in the README"
    for keyword_id, words in keywords.items():
        assert named[keyword_id] == set(words), keyword_id


@pytest.mark.parametrize("word", ["skip", "back", "more", "pause", "resume", "cancel", "help"])
def test_the_issue_s_words_are_keywords(content: Content, word: str) -> None:
    assert keyword_in(word, content.coach.keywords.by_id()) == word
