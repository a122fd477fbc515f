"""Model of the balance summary's wording (content/data/balance.yaml)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from content.base import ContentModel, Label, Slug, Templates, Text
from content.plural import Plural


class BalanceStatusText(Templates):
    """How one status reads: a mark before the constituency and a word after it."""

    mark: Text
    word: Text


class BalanceStatuses(ContentModel):
    """The word beside a constituency's figures: none due yet, ahead, on track, behind (fewer
    logged than planned), or a check-in due or neglected by the time since the last one."""

    none_due: BalanceStatusText
    ahead: BalanceStatusText
    on_track: BalanceStatusText
    behind: BalanceStatusText
    due: BalanceStatusText
    neglected: BalanceStatusText


class BalanceFigures(Templates):
    """A constituency's check-ins logged against those planned, in words."""

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "of_planned": frozenset({"count", "logged"}),  # count: the planned ones
        "none_planned": frozenset({"count"}),  # count: the logged ones
    }

    of_planned: Plural
    none_planned: Plural


class BalanceAgo(Templates):
    """How long ago the last check-in was, in the largest unit that reads naturally."""

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "days": frozenset({"count"}),
        "weeks": frozenset({"count"}),
        "months": frozenset({"count"}),
    }

    days: Plural
    weeks: Plural
    months: Plural


class BalanceChartText(Templates):
    """The chart's words; its status words are "{mark} {word}" of the statuses."""

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "title": frozenset({"days"}),
        "planned_value": frozenset({"count"}),
        "logged_value": frozenset({"count"}),
        "alt_text": frozenset({"days", "items"}),
        "alt_item": frozenset({"name", "figures", "status"}),
    }

    title: Text
    planned: Text  # legend of the planned bars
    planned_value: Text  # "{count} planned" reads the same for any count in English
    logged_value: Text
    alt_text: Text
    alt_item: Text


class BalanceText(Templates):
    """Everything the weekly balance summary and its chart say."""

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "intro": frozenset({"days"}),
        "line": frozenset({"mark", "name", "figures", "status"}),
        "neglected_since_checkin": frozenset({"name", "ago"}),
        "neglected_never": frozenset({"name", "ago"}),  # ago: since the relationship was added
        "neglected_more": frozenset({"count"}),
        "more_constituencies": frozenset({"count"}),
        "not_in_plan": frozenset({"names"}),
        "no_relationships": frozenset({"names"}),
    }

    title: Text
    heading_weekly: Text
    heading_on_demand: Text
    intro: Text
    line: Text
    figures: BalanceFigures
    statuses: BalanceStatuses
    neglected_since_checkin: Text
    neglected_never: Text
    neglected_more: Text
    more_constituencies: Plural
    not_in_plan: Text
    no_relationships: Text  # asked for with an empty plan; names: the key constituencies
    other_name: Text  # an "other" constituency the person gave no name
    all_paused: Text
    encourage_on_track: Text  # every key constituency in the plan, none behind
    encourage_on_track_some: Text  # those in the plan on track, some key ones missing
    encourage_none_due: Text  # no check-in has fallen due anywhere yet
    encourage_behind: Text
    encourage_due: Text
    encourage_neglected: Text
    quote_from: Slug  # the worksheet's learning-organization characteristic quoted with it
    ago: BalanceAgo
    add_label: Label
    log_label: Label
    plan_label: Label
    chart: BalanceChartText
