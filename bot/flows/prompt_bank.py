"""The weekly team prompts: the bank built from content, and which prompt a channel gets next.

Pure functions only; posting, storage and scheduling live elsewhere.

The bank: each theme of content/data/prompts.yaml yields one prompt per pair of its questions,
in order (a theme with one or two questions is one prompt; three or four, two prompts; ...).
A prompt's id is "<theme id>/<n>", n counting from 1, so it stays the same while the theme
keeps its questions in order, and is what a channel's history records.

The rotation (`next_prompt`), for a channel's history of posted ids, oldest first:

- ids no longer in the bank are ignored (content changed);
- a cycle ends when every prompt of the bank has been posted since the last one ended; until
  then no prompt is posted twice (the current cycle's unused prompts are the only candidates);
- among the themes that still have unused prompts, the one with the fewest prompts posted in
  the current cycle is chosen, then the one posted least recently (never before counts as
  least recently), then the one ranked first by a hash of the seed and the theme id, so
  channels get different orders and the same channel always gets the same one;
- within the chosen theme, its first unused prompt in bank order.

So, for a history that `next_prompt` produced from a fixed bank of N prompts: posts 1..N, N+1..2N,
... each cover the whole bank exactly once, and at every point of a cycle the themes that
still have unused prompts differ by at most one in how many of their prompts were posted in
that cycle.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from content import Content
from content.prompts import resolve_themes

QUESTIONS_PER_PROMPT = 2


@dataclass(frozen=True)
class TeamPrompt:
    """One weekly prompt: a theme, its description from the source, and one or two questions."""

    id: str
    theme_id: str
    theme_name: str
    description: str
    questions: tuple[str, ...]


_BANKS: dict[int, tuple[Content, tuple[TeamPrompt, ...]]] = {}


def prompt_bank(content: Content) -> tuple[TeamPrompt, ...]:
    """Every prompt, theme by theme in file order; each theme yields at least one. Built once
    per loaded content (content never changes once loaded)."""
    cached = _BANKS.get(id(content))
    if cached is not None and cached[0] is content:
        return cached[1]
    bank = _build_bank(content)
    _BANKS[id(content)] = (content, bank)
    return bank


def _build_bank(content: Content) -> tuple[TeamPrompt, ...]:
    bank: list[TeamPrompt] = []
    themes = resolve_themes(
        content.prompts,
        leadership=content.leadership,
        competencies=content.competencies,
        toolkit=content.toolkit,
        worksheet=content.worksheet,
    )
    for theme in themes:
        for n, start in enumerate(range(0, len(theme.questions), QUESTIONS_PER_PROMPT), 1):
            bank.append(
                TeamPrompt(
                    id=f"{theme.id}/{n}",
                    theme_id=theme.id,
                    theme_name=theme.name,
                    description=theme.description,
                    questions=theme.questions[start : start + QUESTIONS_PER_PROMPT],
                )
            )
    return tuple(bank)


def channel_seed(channel_id: str) -> int:
    """A stable seed for a channel (Python's own hash of a str changes between processes)."""
    return int.from_bytes(hashlib.blake2b(channel_id.encode(), digest_size=8).digest(), "big")


def _rank(seed: int, theme_id: str) -> bytes:
    return hashlib.blake2b(f"{seed}/{theme_id}".encode(), digest_size=8).digest()


def next_prompt(bank: Sequence[TeamPrompt], history: Sequence[str], *, seed: int) -> TeamPrompt:
    """The prompt to post next in a channel that already had `history` (ids, oldest first).

    The rules are in the module's docstring. O(len(bank) + len(history)).
    """
    by_id = {prompt.id: prompt for prompt in bank}
    if not by_id:
        raise ValueError("the prompt bank is empty")
    if len(by_id) != len(bank):
        raise ValueError("the prompt bank has two prompts with the same id")

    used: set[str] = set()  # posted in the current cycle
    used_per_theme: dict[str, int] = {}  # in the current cycle
    last_posted: dict[str, int] = {}  # theme id -> position in history, across cycles
    for position, ident in enumerate(history):
        prompt = by_id.get(ident)
        if prompt is None:
            continue
        last_posted[prompt.theme_id] = position
        if ident in used:
            continue
        used.add(ident)
        used_per_theme[prompt.theme_id] = used_per_theme.get(prompt.theme_id, 0) + 1
        if len(used) == len(by_id):  # the whole bank is covered: a new cycle begins
            used = set()
            used_per_theme = {}

    best: TeamPrompt | None = None
    best_key: tuple[int, int, bytes] | None = None
    considered: set[str] = set()
    for prompt in bank:
        if prompt.id in used or prompt.theme_id in considered:
            continue
        considered.add(prompt.theme_id)  # the theme's first unused prompt stands for it
        key = (
            used_per_theme.get(prompt.theme_id, 0),
            last_posted.get(prompt.theme_id, -1),
            _rank(seed, prompt.theme_id),
        )
        if best_key is None or key < best_key:
            best, best_key = prompt, key
    assert best is not None  # a cycle always has an unused prompt left
    return best
