"""Forgiving name matching: exact, contained, alike, and when a name means no one for sure."""

from __future__ import annotations

import pytest

from bot.flows.matching import closest, match_name, normalise, similarity

NAMES = [(1, "Board chair"), (2, "Board treasurer"), (3, "Mayor Lee"), (4, "Dr. Ana Rodriguez")]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("  Board   CHAIR ", "board chair"),
        ("Dr. Ana-Ruiz!", "dr ana ruiz"),
        ("Zoë's team", "zoë s team"),
        ("***", ""),
    ],
)
def test_normalise_ignores_case_punctuation_and_spacing(typed: str, expected: str) -> None:
    assert normalise(typed) == expected


@pytest.mark.parametrize(
    ("typed", "chosen"),
    [
        ("board chair", 1),  # exact
        ("BOARD-CHAIR", 1),  # exact, ignoring case and punctuation
        ("chair", 1),  # a word of the name
        ("treas", 2),  # the start of a word
        ("lee mayor", 3),  # words in another order
        ("ana rodriguez", 4),
        ("bord chair", 1),  # a typo
        ("mayr lee", 3),
        ("rodrigez", 4),  # a typo in one word of the name
    ],
)
def test_one_match_is_chosen(typed: str, chosen: int) -> None:
    match = match_name(typed, NAMES)
    assert match.chosen == chosen
    assert match.candidates == (chosen,)


def test_an_exact_name_wins_over_names_containing_it() -> None:
    names = [(1, "Board"), (2, "Board chair")]
    assert match_name("board", names).chosen == 1


def test_several_equally_good_matches_choose_none() -> None:
    match = match_name("board", NAMES)
    assert match.chosen is None
    assert match.candidates == (1, 2)


def test_the_same_name_twice_is_ambiguous() -> None:
    match = match_name("Board chair", [(1, "Board chair"), (5, "board chair")])
    assert (match.chosen, match.candidates) == (None, (1, 5))


def test_a_weak_guess_is_offered_not_chosen() -> None:
    match = match_name("Sam", [(1, "Pam"), (2, "Board chair")])
    assert match.chosen is None
    assert match.candidates == (1,)
    assert 0.6 <= similarity("Sam", "Pam") < 0.8


@pytest.mark.parametrize("typed", ["Zelda", "", "b", "budget talk went well"])
def test_nothing_alike_matches_nothing(typed: str) -> None:
    match = match_name(typed, NAMES)
    assert (match.chosen, match.candidates) == (None, ())


def test_closest_offers_the_most_alike_first_however_unlike() -> None:
    assert closest("Mayo", NAMES, limit=2)[0] == 3
    assert len(closest("Zelda", NAMES)) == 4
    assert len(closest("Zelda", [(n, f"Name {n}") for n in range(9)])) == 5
