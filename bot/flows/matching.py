"""Forgiving name matching: which of a person's relationships a typed name means."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

CLOSE = 0.6
"""A name this similar (difflib's ratio) is worth offering as a guess."""

CONFIDENT = 0.8
"""A single guess this similar is taken as meant: a typo ("bord chair"), not another name
("Sam" for "Pam" is only 0.67, so it is offered, never logged on its own)."""

_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The words of a name, case-folded, without punctuation."""
    return _WORD.findall(text.casefold())


def normalise(text: str) -> str:
    """A name as compared: case, punctuation and spacing do not matter."""
    return " ".join(words(text))


@dataclass(frozen=True)
class NameMatch:
    """What a typed name means: exactly one relationship (`chosen`), several, or none."""

    chosen: int | None
    candidates: tuple[int, ...]  # the equally good matches, best first, when not one for sure


NO_MATCH = NameMatch(chosen=None, candidates=())


def _contains(query: list[str], name: list[str]) -> bool:
    """Each typed word starts a different word of the name: "chair" is in "Board chair"."""
    unused = list(name)
    for word in query:
        found = next((candidate for candidate in unused if candidate.startswith(word)), None)
        if found is None:
            return False
        unused.remove(found)
    return True


def similarity(query: str, name: str) -> float:
    """How alike a typed name and a relationship's name are (0 to 1), forgiving a typo in the
    whole name or, for one typed word, in any one word of it ("smyth" for "Jo Smith")."""
    typed, named = normalise(query), normalise(name)
    if not typed or not named:
        return 0.0
    best = SequenceMatcher(None, typed, named).ratio()
    if " " not in typed:
        for word in named.split():
            best = max(best, SequenceMatcher(None, typed, word).ratio())
    return best


def exact_or_contained(query: str, names: Sequence[tuple[int, str]]) -> NameMatch:
    """The strict tiers: the same name, else the names that contain the typed words."""
    typed = normalise(query)
    if not typed:
        return NO_MATCH
    same = tuple(ident for ident, name in names if normalise(name) == typed)
    if same:
        return NameMatch(same[0] if len(same) == 1 else None, same)
    if len(typed) < 2:  # one letter starts too many names to mean any of them
        return NO_MATCH
    query_words = typed.split()
    contained = tuple(ident for ident, name in names if _contains(query_words, words(name)))
    if contained:
        return NameMatch(contained[0] if len(contained) == 1 else None, contained)
    return NO_MATCH


def close_matches(
    query: str, names: Sequence[tuple[int, str]], *, cutoff: float = CLOSE, limit: int = 5
) -> list[tuple[int, float]]:
    """The names at least `cutoff` alike, most alike first (ties in their given order)."""
    scored = [(ident, similarity(query, name)) for ident, name in names]
    kept = [(ident, score) for ident, score in scored if score >= cutoff]
    kept.sort(key=lambda pair: -pair[1])
    return kept[:limit]


def fuzzy(query: str, names: Sequence[tuple[int, str]]) -> NameMatch:
    """The forgiving tier: one confident guess is the name; otherwise the guesses."""
    guesses = close_matches(query, names)
    if not guesses:
        return NO_MATCH
    confident = [ident for ident, score in guesses if score >= CONFIDENT]
    if len(confident) == 1:
        return NameMatch(confident[0], (confident[0],))
    return NameMatch(None, tuple(ident for ident, _ in guesses))


def match_name(query: str, names: Sequence[tuple[int, str]]) -> NameMatch:
    """Exact (ignoring case, punctuation and spacing), then contained, then alike."""
    strict = exact_or_contained(query, names)
    if strict.candidates:
        return strict
    return fuzzy(query, names)


def closest(query: str, names: Sequence[tuple[int, str]], *, limit: int = 5) -> tuple[int, ...]:
    """The `limit` names most like the query, however unlike: guesses to offer."""
    return tuple(ident for ident, _ in close_matches(query, names, cutoff=0.0, limit=limit))
