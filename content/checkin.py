"""Model of the check-in and nudge wording (content/data/checkin.yaml)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Self

from pydantic import Field, model_validator

from content.base import ContentModel, Label, ModalTitle, Templates, Text, placeholders
from content.plural import Plural


def _names(*names: str) -> frozenset[str]:
    return frozenset(names)


class Durations(Templates):
    """Lengths of time in words: "yesterday", "5 days", "3 weeks", "2 months"."""

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "days": _names("count"),
        "weeks": _names("count"),
        "months": _names("count"),
        "years": _names("count"),
        "ago": _names("duration"),
    }

    days: Plural
    weeks: Plural
    months: Plural
    years: Plural
    today: Text
    yesterday: Text
    ago: Text


class Dates(Templates):
    """A day as people say it: "Tue 3 Dec" (with the year when it is not this year)."""

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "this_year": _names("weekday", "day", "month"),
        "other_year": _names("weekday", "day", "month", "year"),
    }

    this_year: Text
    other_year: Text
    weekdays: tuple[Text, ...] = Field(min_length=7, max_length=7)  # Monday first
    months: tuple[Text, ...] = Field(min_length=12, max_length=12)  # January first


class Went(ContentModel):
    """How a check-in went: the form's options, and the nudge's look back at the last one."""

    well: Label
    mixed: Label
    difficult: Label
    well_then: Text
    mixed_then: Text
    difficult_then: Text


class Labels(Templates):
    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "log_named": _names("name"),
        "options_named": _names("name"),
    }

    add_relationship: Label
    your_plan: Label
    undo: Label
    open_form: Label
    log: Label
    log_named: Text  # cut to a button's 75 characters with the name in it
    options_named: Text  # the same: snooze or skip one relationship of a digest
    log_another: Label
    snooze_day: Label
    snooze_week: Label
    snooze_until: Label
    skip: Label
    settings: Label


class LogForm(Templates):
    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "relationship_option": _names("name", "constituency"),
        "measure_option": _names("name", "measure"),
        "intro_one": _names("name"),
    }

    title: ModalTitle
    submit: ModalTitle
    intro: Text
    intro_one: Text
    relationship: Text
    relationship_option: Text
    when: Text
    when_hint: Text
    went: Text
    notes: Text
    notes_hint: Text
    notes_max_length: int = Field(gt=0, le=3000)
    measures: Text
    measures_hint: Text
    measure_option: Text


class SnoozeForm(Templates):
    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {"intro": _names("name")}

    title: ModalTitle
    submit: ModalTitle
    intro: Text
    date: Text
    date_hint: Text


class Errors(Templates):
    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "notes_too_long": _names("length", "limit"),
        "measure_of_another": _names("measure", "owner", "name"),
    }

    relationship_missing: Text
    relationship_unknown: Text
    date_missing: Text
    date_unreadable: Text
    date_future: Text
    date_too_old: Text
    went_unknown: Text
    notes_too_long: Text
    measure_of_another: Text
    measure_unknown: Text
    snooze_unreadable: Text
    snooze_not_after_today: Text
    snooze_too_far: Text

    @model_validator(mode="after")
    def _too_long_names_both(self) -> Self:
        if not {"length", "limit"} <= placeholders(self.notes_too_long):
            raise ValueError("notes_too_long must mention {length} and {limit}")
        return self


class Logged(Templates):
    """What is said once a check-in is logged, and once it is taken back."""

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "logged": _names("name", "date"),
        "served": _names("measures"),
        "next_in": _names("wait", "date"),
        "next_tomorrow": _names("date"),
        "paused": _names("name"),
        "undone": _names("name", "date"),
        "undo_nothing": _names("name"),
    }

    logged: Text
    served: Text
    next_in: Text
    next_tomorrow: Text
    next_due_now: Text
    paused: Text
    undone: Text
    undo_nothing: Text


class Quick(Templates):
    """`/checkin name: notes` when the name is not one relationship for certain."""

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "ambiguous": _names("name"),
        "unknown": _names("name"),
        "unknown_nothing_close": _names("name"),
    }

    ambiguous: Text
    unknown: Text
    unknown_nothing_close: Text
    notes_kept: Text
    type_again: Text


class Reminders(Templates):
    """Snoozing and skipping from a nudge."""

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "snoozed": _names("name", "date"),
        "skipped": _names("name", "date"),
        "paused": _names("name"),
    }

    snoozed: Text
    skipped: Text
    paused: Text


class Nudge(Templates):
    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "heading": _names("name"),
        "since_last": _names("name", "duration", "date"),
        "since_last_today": _names("name"),
        "since_last_yesterday": _names("name", "date"),
        "never": _names("name", "ago"),
        "went": _names("went"),
        "due": _names("date", "cadence"),
        "strategies": _names("strategies"),
        "measure": _names("measure"),
        "more_measures": _names("count"),
    }

    heading: Text
    since_last: Text
    since_last_today: Text
    since_last_yesterday: Text
    never: Text
    went: Text
    due: Text  # the day it fell due, worded as the plan and the check-in word it
    notes_then: Text
    strategies: Text
    measures: Text
    measure: Text
    more_measures: Text


class Digest(Templates):
    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "heading": _names("count"),
        "line": _names("name", "since", "date"),  # date: the day it fell due
        "since_last": _names("ago"),
        "never": _names("ago"),
        "more": _names("count"),
    }

    heading: Plural
    line: Text
    since_last: Text
    never: Text
    more: Text
    footer: Text


class CheckInText(ContentModel):
    """Everything /checkin, the nudges and the digest say."""

    title: Text
    no_relationships: Text
    durations: Durations
    dates: Dates
    went: Went
    labels: Labels
    form: LogForm
    snooze_form: SnoozeForm
    errors: Errors
    logged: Logged
    quick: Quick
    reminders: Reminders
    nudge: Nudge
    digest: Digest
