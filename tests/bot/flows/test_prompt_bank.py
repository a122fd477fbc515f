"""The weekly prompt bank and its rotation: whole bank before any repeat, themes balanced,
channels in different orders, stale ids ignored, the same answer every time."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import pytest

from bot.flows.prompt_bank import TeamPrompt, channel_seed, next_prompt, prompt_bank
from content import Content


@pytest.fixture(scope="module")
def bank(content: Content) -> tuple[TeamPrompt, ...]:
    return prompt_bank(content)


def synthetic(sizes: dict[str, int]) -> tuple[TeamPrompt, ...]:
    """A bank with themes of uneven sizes: the hard case for balancing."""
    return tuple(
        TeamPrompt(f"{theme}/{n}", theme, theme.title(), f"About {theme}.", (f"Q {theme} {n}?",))
        for theme, size in sizes.items()
        for n in range(1, size + 1)
    )


def run(
    bank: Sequence[TeamPrompt], weeks: int, seed: int, history: Sequence[str] = ()
) -> list[str]:
    posted = list(history)
    for _ in range(weeks):
        posted.append(next_prompt(bank, posted, seed=seed).id)
    return posted[len(history) :]


UNEVEN = synthetic({"a": 4, "b": 1, "c": 2, "d": 3, "e": 1})


def test_every_theme_yields_prompts_of_one_or_two_questions(
    content: Content, bank: tuple[TeamPrompt, ...]
) -> None:
    assert {p.theme_id for p in bank} == {t.id for t in content.prompts.themes}
    assert len({p.id for p in bank}) == len(bank)
    for prompt in bank:
        assert re.fullmatch(rf"{re.escape(prompt.theme_id)}/[1-9][0-9]*", prompt.id)
        assert 1 <= len(prompt.questions) <= 2
        assert prompt.theme_name
        assert prompt.description
    # Four Think Out Loud questions make two prompts of two.
    assert [p.id for p in bank if p.theme_id == "changed-conversation"] == [
        "changed-conversation/1",
        "changed-conversation/2",
    ]


@pytest.mark.parametrize("which", ["content", "uneven"])
@pytest.mark.parametrize("seed", [0, 1, channel_seed("C024BE91L")])
def test_the_whole_bank_before_any_repeat(
    bank: tuple[TeamPrompt, ...], which: str, seed: int
) -> None:
    prompts = bank if which == "content" else UNEVEN
    size = len(prompts)
    posted = run(prompts, size * 3, seed)
    for cycle in range(3):
        assert sorted(posted[cycle * size : (cycle + 1) * size]) == sorted(p.id for p in prompts)


@pytest.mark.parametrize("which", ["content", "uneven"])
@pytest.mark.parametrize("seed", [0, 7, channel_seed("C024BE91L")])
def test_themes_stay_balanced_within_a_cycle(
    bank: tuple[TeamPrompt, ...], which: str, seed: int
) -> None:
    """While a cycle runs, the themes that still have unused prompts differ by at most one in
    how many of their prompts were posted in it."""
    prompts = bank if which == "content" else UNEVEN
    theme_of = {p.id: p.theme_id for p in prompts}
    sizes = Counter(theme_of.values())
    posted = run(prompts, len(prompts) * 3, seed)
    for cycle in range(3):
        counts: Counter[str] = Counter()
        for ident in posted[cycle * len(prompts) : (cycle + 1) * len(prompts)]:
            counts[theme_of[ident]] += 1
            open_themes = [t for t in sizes if counts[t] < sizes[t]]
            if open_themes:
                spread = [counts[t] for t in open_themes]
                assert max(spread) - min(spread) <= 1


def test_a_cycle_starts_with_the_theme_posted_least_recently() -> None:
    posted = run(UNEVEN, len(UNEVEN) + 1, seed=3)
    last_posted = {ident.split("/")[0]: week for week, ident in enumerate(posted[:-1])}
    least_recent = min(last_posted, key=last_posted.__getitem__)
    assert posted[-1].split("/")[0] == least_recent
    assert posted[-1] != posted[-2]


def test_channels_get_different_orders(bank: tuple[TeamPrompt, ...]) -> None:
    orders = {tuple(run(bank, len(bank), channel_seed(f"C{n:08d}"))) for n in range(6)}
    assert len(orders) == 6


def test_the_same_channel_always_gets_the_same_order(bank: tuple[TeamPrompt, ...]) -> None:
    seed = channel_seed("C024BE91L")
    assert seed == channel_seed("C024BE91L")
    assert run(bank, 40, seed) == run(bank, 40, seed)
    history = run(bank, 10, seed)
    assert next_prompt(bank, history, seed=seed) == next_prompt(bank, list(history), seed=seed)


def test_ids_no_longer_in_the_bank_are_ignored(bank: tuple[TeamPrompt, ...]) -> None:
    seed = 11
    history = run(bank, 9, seed)
    stale = ["retired-theme/1", *history[:4], "retired-theme/2", "convening/9", *history[4:]]
    assert next_prompt(bank, stale, seed=seed) == next_prompt(bank, history, seed=seed)
    assert next_prompt(bank, ["gone/1", "gone/2"], seed=seed) == next_prompt(bank, [], seed=seed)


def test_a_changed_bank_finishes_its_cycle_without_repeats() -> None:
    before = synthetic({"a": 2, "b": 2, "c": 2})
    history = run(before, 3, seed=5)
    after = synthetic({"a": 2, "b": 1, "c": 2, "new": 2})  # b/2 retired, a theme added
    rest = {p.id for p in after} - set(history)
    posted = run(after, len(rest), seed=5, history=history)
    assert sorted(posted) == sorted(rest)


def test_a_repeat_in_the_history_does_not_count_twice() -> None:
    prompts = synthetic({"a": 1, "b": 1, "c": 1})
    assert next_prompt(prompts, ["a/1", "a/1", "b/1"], seed=0).id == "c/1"


def test_an_empty_bank_or_duplicate_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        next_prompt((), [], seed=0)
    twice = synthetic({"a": 1}) * 2
    with pytest.raises(ValueError, match="same id"):
        next_prompt(twice, [], seed=0)


def test_a_long_history_is_one_pass(bank: tuple[TeamPrompt, ...]) -> None:
    """Decades of weekly posts: whole cycles are skipped over, the current one continues."""
    history = run(bank, len(bank) * 5 + 3, seed=2)
    cycle_so_far = history[len(bank) * 5 :]
    long = history[: len(bank) * 5] * 20 + cycle_so_far  # whole cycles, then 3 posts
    assert next_prompt(bank, long, seed=2).id not in cycle_so_far
