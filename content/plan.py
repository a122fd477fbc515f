"""Model of the relationship plan's wording (content/data/plan.yaml)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from pydantic import Field, field_validator, model_validator

from content.base import ContentModel, Templates, Text, placeholders
from content.plural import Plural

CADENCE_IDS = ("weekly", "fortnightly", "monthly", "quarterly", "days")
KIND_IDS = ("person", "organisation")
NUDGE_MODE_IDS = ("each", "daily", "weekly")

ButtonLabel = Field(max_length=75)


def _keys_are(value: Mapping[str, str], expected: tuple[str, ...]) -> None:
    if sorted(value) != sorted(expected):
        raise ValueError(f"must name exactly {list(expected)}, found {sorted(value)}")


class DateText(Templates):
    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "format": frozenset({"weekday", "day", "month", "year"})
    }

    format: Text
    weekdays: tuple[Text, Text, Text, Text, Text, Text, Text]
    weekday_names: tuple[Text, Text, Text, Text, Text, Text, Text]
    months: tuple[Text, Text, Text, Text, Text, Text, Text, Text, Text, Text, Text, Text]


class CadenceText(ContentModel):
    """How often, exactly: the named cadences, and every N days (in weeks only when N is a
    whole number of weeks: "every 6 weeks", but "every 45 days", never "about a month")."""

    words: dict[str, Text]  # the named cadences
    every_days: Plural
    every_weeks: Plural
    options: dict[str, Text]

    @field_validator("words")
    @classmethod
    def _words_cover_cadences(cls, value: dict[str, str]) -> dict[str, str]:
        _keys_are(value, tuple(c for c in CADENCE_IDS if c != "days"))
        for cadence, template in value.items():
            if placeholders(template):
                raise ValueError(f"{cadence}: a named cadence takes no placeholder")
        return value

    @field_validator("every_days", "every_weeks")
    @classmethod
    def _counts_only(cls, value: Plural) -> Plural:
        if value.placeholders() - {"count"}:
            raise ValueError("only {count} may be named")
        return value

    @field_validator("options")
    @classmethod
    def _options_cover_cadences(cls, value: dict[str, str]) -> dict[str, str]:
        _keys_are(value, CADENCE_IDS)
        for label in value.values():
            if len(label) > 75:
                raise ValueError(f"option {label!r} is longer than 75 characters")
        return value


class KindText(ContentModel):
    options: dict[str, Text]
    words: dict[str, Text]

    @field_validator("options", "words")
    @classmethod
    def _cover_kinds(cls, value: dict[str, str]) -> dict[str, str]:
        _keys_are(value, KIND_IDS)
        return value


class PlanLabels(Templates):
    """Button labels (Slack allows 75 characters; templated ones are clipped when shown)."""

    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "score": frozenset({"score", "stage"}),
        "action_item": frozenset({"position", "what"}),
    }

    add_relationship: Text = ButtonLabel
    add_another: Text = ButtonLabel
    goals: Text = ButtonLabel
    action_plan: Text = ButtonLabel
    settings: Text = ButtonLabel
    log_checkin: Text = ButtonLabel
    back_to_plan: Text = ButtonLabel
    open_form: Text = ButtonLabel
    show_relationship: Text = ButtonLabel
    edit: Text = ButtonLabel
    pause: Text = ButtonLabel
    resume: Text = ButtonLabel
    rate: Text = ButtonLabel
    remove: Text = ButtonLabel
    remove_confirm: Text = ButtonLabel
    keep: Text = ButtonLabel
    score: Text = ButtonLabel
    add_action: Text = ButtonLabel
    import_action: Text = ButtonLabel
    action_item: Text = ButtonLabel
    mark_done: Text = ButtonLabel
    undo_done: Text = ButtonLabel
    not_done: Text = ButtonLabel
    edit_action: Text = ButtonLabel
    remove_action: Text = ButtonLabel
    remove_action_confirm: Text = ButtonLabel
    back_to_actions: Text = ButtonLabel


class OverviewText(Templates):
    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "goal_line": frozenset({"label", "text"}),
        "group_heading": frozenset({"name"}),
        "relationship_line": frozenset({"name", "kind", "details"}),
        "relationship_line_self": frozenset({"name", "details"}),
        "next_due": frozenset({"date"}),
        "stage": frozenset({"stage", "score"}),
        "more_buttons": frozenset({"shown"}),
        "empty_constituencies": frozenset({"names"}),
        "empty_partners": frozenset({"names"}),
    }

    heading: Text
    goals_heading: Text
    goal_line: Text
    group_heading: Text
    relationship_line: Text
    # For the "yourself" constituency: "Myself (a person)" says nothing, so no kind.
    relationship_line_self: Text
    detail_separator: str
    next_due: Text
    due_now: Text
    paused: Text
    stage: Text
    more_buttons: Text
    empty_intro: Text
    empty_constituencies: Text
    empty_partners: Text
    empty_next: Text
    list_separator: str


class GoalsText(ContentModel):
    form_title: Text = Field(max_length=24)
    submit: Text = Field(max_length=24)
    intro: Text
    saved: Text
    max_length: int = Field(ge=100, le=3000)


class RelationshipText(Templates):
    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "saved_new": frozenset({"name", "cadence"}),
        "saved_edit": frozenset({"name", "cadence"}),
        "saved_paused": frozenset({"name"}),
    }

    form_title_add: Text = Field(max_length=24)
    form_title_edit: Text = Field(max_length=24)
    submit: Text = Field(max_length=24)
    intro: Text
    name_label: Text
    name_hint: Text
    kind_label: Text
    constituency_label: Text
    other_option: Text = Field(max_length=75)
    own_label_label: Text
    own_label_hint: Text
    cadence_label: Text
    days_label: Text
    days_hint: Text
    strategies_label: Text
    strategies_hint: Text
    measures_label: Text
    measures_hint: Text
    name_max_length: int = Field(ge=1, le=120)  # the column holds 120
    own_label_max_length: int = Field(ge=1, le=80)  # the column holds 80
    strategies_max_length: int = Field(ge=1, le=3000)
    measures_max_lines: int = Field(ge=1, le=50)
    measure_max_length: int = Field(ge=1, le=500)
    saved_new: Text
    saved_edit: Text
    saved_paused: Text
    rate_offer: Text


class DetailText(Templates):
    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "heading": frozenset({"name", "kind", "constituency"}),
        "heading_self": frozenset({"name", "constituency"}),
        "cadence": frozenset({"cadence"}),
        "next_due": frozenset({"date"}),
        "strategies": frozenset({"text"}),
        "measure_line": frozenset({"text"}),
        "checkin_line": frozenset({"date"}),
        "checkin_notes": frozenset({"date", "notes"}),
        "rating_line": frozenset({"date", "score", "stage", "ticked", "total"}),
        "ticked_line": frozenset({"text"}),
        "paused_now": frozenset({"name"}),
        "resumed_now": frozenset({"name", "cadence"}),
        "already_paused": frozenset({"name"}),
        "already_resumed": frozenset({"name"}),
        "remove_question": frozenset({"name", "count"}),  # count: its logged check-ins
        "removed": frozenset({"name"}),
    }

    heading: Text
    heading_self: Text  # the "yourself" constituency: no kind after the name
    cadence: Text
    next_due: Text
    due_now: Text
    paused: Text
    strategies: Text
    measures_heading: Text
    measure_line: Text
    checkins_heading: Text
    checkin_line: Text
    checkin_notes: Text
    no_checkins: Text
    ratings_heading: Text
    rating_line: Text
    ticked_heading: Text
    ticked_line: Text
    paused_now: Text
    resumed_now: Text
    already_paused: Text
    already_resumed: Text
    remove_question: Plural
    removed: Text


class RatingText(Templates):
    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "intro": frozenset({"name"}),
        "stage_line": frozenset({"stage", "low", "high"}),
        "end_goal": frozenset({"goal"}),
        "form_intro": frozenset({"score", "stage", "name"}),
        "indicator_line": frozenset({"number", "text"}),
        "kind_heading": frozenset({"kind"}),
        "option": frozenset({"number", "text"}),
        "saved": frozenset({"name", "score", "stage", "ticked", "total"}),
    }

    intro: Text
    stage_line: Text
    end_goal: Text
    form_title: Text = Field(max_length=24)
    submit: Text = Field(max_length=24)
    form_intro: Text
    indicator_line: Text
    any_kind_note: Text
    kind_heading: Text
    indicators_label: Text
    option: Text
    saved: Text
    unknown_indicator: Text


class ActionsText(Templates):
    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "open_line": frozenset({"position", "what", "who", "date"}),
        "overdue_line": frozenset({"position", "what", "who", "date"}),
        "with_who": frozenset({"who"}),
        "done_line": frozenset({"what", "date"}),
        "item_heading": frozenset({"what"}),
        "item_who": frozenset({"who"}),
        "item_due": frozenset({"date"}),
        "item_overdue": frozenset({"date"}),
        "item_done": frozenset({"date"}),
        "import_when_hint": frozenset({"when"}),
        "import_what": frozenset({"title", "what"}),
        "saved_new": frozenset({"what", "date"}),
        "saved_edit": frozenset({"what", "date"}),
        "done": frozenset({"what"}),
        "undone": frozenset({"what", "date"}),
        "already_done": frozenset({"what"}),
        "already_open": frozenset({"what"}),
        "remove_question": frozenset({"what"}),
        "removed": frozenset({"what"}),
        "reminder_due_today": frozenset({"what", "who"}),
        "reminder_overdue": frozenset({"what", "who", "date"}),
    }

    heading: Text
    open_heading: Text
    open_line: Text
    overdue_line: Text
    with_who: str = Field(min_length=1)  # not stripped: it starts with its own space
    done_heading: Text
    done_line: Text
    empty: Text
    recent_done_days: int = Field(ge=1, le=365)
    item_heading: Text
    item_who: Text
    item_due: Text
    item_overdue: Text
    item_done: Text
    form_title_add: Text = Field(max_length=24)
    form_title_edit: Text = Field(max_length=24)
    submit: Text = Field(max_length=24)
    what_label: Text
    who_label: Text
    when_label: Text
    when_hint: Text
    import_when_hint: Text
    import_what: Text
    what_max_length: int = Field(ge=1, le=3000)
    who_max_length: int = Field(ge=1, le=200)  # the column holds 200
    saved_new: Text
    saved_edit: Text
    done: Text
    undone: Text
    already_done: Text
    already_open: Text
    remove_question: Text
    removed: Text
    reminder_due_today: Text
    reminder_overdue: Text


class SettingsText(Templates):
    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "intro": frozenset({"zone", "summary"}),
        "summary": frozenset({"days", "start", "end", "mode", "balance"}),
        "day_range": frozenset({"first", "last"}),
        "saved": frozenset({"summary"}),
    }

    form_title: Text = Field(max_length=24)
    submit: Text = Field(max_length=24)
    intro: Text
    zone_unknown: Text
    # The time zone, typed as an IANA name (Europe/London); empty keeps the one known.
    zone_label: Text
    zone_hint: Text
    days_label: Text
    start_label: Text
    end_label: Text
    mode_label: Text
    modes: dict[str, Text]
    mode_words: dict[str, Text]
    balance_label: Text
    balance_on: Text = Field(max_length=75)
    balance_off: Text = Field(max_length=75)
    balance_words_on: Text
    balance_words_off: Text
    summary: Text
    day_range: Text
    first_minute: int = Field(ge=0, le=24 * 60)
    last_minute: int = Field(ge=0, le=24 * 60)
    step_minutes: int = Field(ge=5, le=120)
    min_length_minutes: int = Field(ge=0, le=12 * 60)
    saved: Text

    @field_validator("modes", "mode_words")
    @classmethod
    def _cover_modes(cls, value: dict[str, str]) -> dict[str, str]:
        _keys_are(value, NUDGE_MODE_IDS)
        return value

    @model_validator(mode="after")
    def _times_fit_a_select(self) -> SettingsText:
        count = (self.last_minute - self.first_minute) // self.step_minutes + 1
        if self.first_minute >= self.last_minute or count > 100:
            raise ValueError("first_minute..last_minute must give 2 to 100 times to choose from")
        return self


class ErrorText(Templates):
    PLACEHOLDERS: ClassVar[Mapping[str, frozenset[str]]] = {
        "too_long": frozenset({"limit", "length"}),
        "duplicate_name": frozenset({"name"}),
        "too_many_measures": frozenset({"limit", "count"}),
        "measure_too_long": frozenset({"limit", "line", "length"}),
    }

    required: Text
    too_long: Text
    unknown_choice: Text
    duplicate_name: Text
    own_label_needed: Text
    days_needed: Text
    days_range: Text
    too_many_measures: Text
    measure_too_long: Text
    bad_date: Text
    date_too_old: Text
    date_too_far: Text
    no_days: Text
    end_before_start: Text
    unknown_zone: Text


class PlanText(ContentModel):
    """Everything the plan flow says; the worksheet's own words stay in worksheet.yaml."""

    title: Text
    dates: DateText
    cadences: CadenceText
    kinds: KindText
    labels: PlanLabels
    overview: OverviewText
    goals: GoalsText
    relationship: RelationshipText
    detail: DetailText
    rating: RatingText
    actions: ActionsText
    settings: SettingsText
    errors: ErrorText
