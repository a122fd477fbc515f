"""Model of the balance summary's wording (content/data/balance.yaml)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from content.base import ContentModel, Label, Slug, Templates, Text


class BalanceStatusText(Templates):
    """How one status reads: a mark before the constituency and a word after it."""

    mark: Text
    word: Text


class BalanceStatuses(ContentModel):
    on_track: BalanceStatusText
    due: BalanceStatusText
    neglected: BalanceStatusText


class BalanceAgo(Templates):
    """How long ago the last check-in was, in the largest unit that reads naturally."""

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "days": frozenset({"count"}),
        "weeks": frozenset({"count"}),
        "months": frozenset({"count"}),
    }

    days: Text
    weeks: Text
    months: Text


class BalanceChartText(Templates):
    """The chart's words; its status words are "{mark} {word}" of the statuses."""

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "title": frozenset({"days"}),
        "planned_value": frozenset({"count"}),
        "logged_value": frozenset({"count"}),
        "alt_text": frozenset({"days", "items"}),
        "alt_item": frozenset({"name", "logged", "planned", "status"}),
    }

    title: Text
    planned: Text  # legend of the planned bars
    planned_value: Text
    logged_value: Text
    alt_text: Text
    alt_item: Text


class BalanceText(Templates):
    """Everything the weekly balance summary and its chart say."""

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "intro": frozenset({"days"}),
        "line": frozenset({"mark", "name", "logged", "planned", "status"}),
        "neglected_since_checkin": frozenset({"name", "ago"}),
        "neglected_never": frozenset({"name", "ago"}),  # ago: since the relationship was added
        "neglected_more": frozenset({"count"}),
        "more_constituencies": frozenset({"count"}),
        "not_in_plan": frozenset({"names"}),
    }

    title: Text
    heading_weekly: Text
    heading_on_demand: Text
    intro: Text
    line: Text
    statuses: BalanceStatuses
    neglected_since_checkin: Text
    neglected_never: Text
    neglected_more: Text
    more_constituencies: Text
    not_in_plan: Text
    other_name: Text  # an "other" constituency the person gave no name
    all_paused: Text
    encourage_on_track: Text
    encourage_due: Text
    encourage_neglected: Text
    quote_from: Slug  # the worksheet's learning-organization characteristic quoted with it
    ago: BalanceAgo
    log_label: Label
    plan_label: Label
    chart: BalanceChartText
