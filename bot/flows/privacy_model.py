"""What the privacy flow reads (all of a person's data, and what forgetting them would delete)
and what it asks the engine to do (forget them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from bot.core.effects import Effect
from bot.flows.base import Turn


@dataclass(frozen=True)
class DataSummary:
    """What forgetting the person would delete: rows per kind (a table's name, every kind
    listed, zeros too), and the team channels whose weekly prompt they set up and that would
    stop (by name)."""

    counts: tuple[tuple[str, int], ...]
    team_prompts: tuple[str, ...]


@runtime_checkable
class PersonDataReads(Protocol):
    """What the privacy flow looks up, beyond bot.flows.base.Reads."""

    def person_data(self) -> Mapping[str, Any]:
        """Everything stored about the person, JSON-ready (see storage.person_data.collect)."""
        ...

    def data_summary(self, *, asking: str | None = None) -> DataSummary:
        """What forgetting would delete now; with `asking` (a flow's id), as it will be once
        that flow's note of this turn is stored too, so a preview lists what a confirm deletes."""
        ...


def privacy_reads(turn: Turn) -> PersonDataReads:
    """The turn's reads, as the privacy flow needs them (the engine's always are)."""
    reads = turn.reads
    if not isinstance(reads, PersonDataReads):
        raise TypeError("these reads cannot list a person's data")
    return reads


# ----- effects: what a flow asks the engine to do ---------------------------------------------


@dataclass(frozen=True)
class ForgetPerson(Effect):
    """Delete the person and everything of theirs, in this turn's transaction. `expected` is
    what the flow told them would go (DataSummary.counts); the store deletes exactly that or,
    if anything changed meanwhile, nothing at all."""

    expected: tuple[tuple[str, int], ...]
