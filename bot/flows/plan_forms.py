"""The relationship plan's forms and words: building each form, checking what comes back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.core.messages import Form, FormField
from bot.core.schedule import CADENCES, MAX_TIME_ZONE_NAME, NUDGE_MODES, time_zone_named, zone
from bot.flows.base import Turn
from bot.flows.forms import typed_date, typed_days
from bot.flows.plan_model import (
    ActionItemView,
    NudgeSettingsView,
    PlanView,
    RelationshipView,
    SaveActionItem,
    SaveNudgeSettings,
    SavePlan,
    SaveRelationship,
)
from content import Content
from content.sources import Indicator, Stage

FORM_GOALS = "plan.goals"
FORM_RELATIONSHIP = "plan.relationship"
FORM_RATING = "plan.rating"
FORM_ACTION = "plan.action"
FORM_SETTINGS = "plan.settings"

OTHER = "other"
KINDS = ("person", "organisation")
SEPARATOR = ","  # several chosen values travel as one comma-separated text
BUTTON_LIMIT = 75
MAX_CADENCE_DAYS = 365
DAYS_TYPED_LIMIT = 24  # "every 45 days" or "every 6 weeks", not only "45"
OLDEST_ACTION_DAYS = 365
FURTHEST_ACTION_DAYS = 5 * 366
NEW = "new"  # the form context of an item not stored yet
TOOLKIT = "toolkit"  # the source of an action item brought over from toolkit Step 6
CHOSEN_AREA = "chosen-area"
QUADRANTS = "quadrants"

Errors = dict[str, str]


# ----- words shared by the plan's views ------------------------------------------------------


def clip(text: str, limit: int = BUTTON_LIMIT) -> str:
    """Text cut to fit a button or an option, marked as cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def local_date(content: Content, day: date) -> str:
    words = content.plan.dates
    return words.format.format(
        weekday=words.weekdays[day.weekday()],
        day=day.day,
        month=words.months[day.month - 1],
        year=day.year,
    )


def due_date(turn: Turn, moment: datetime) -> date:
    """A due instant as a date in the person's own time zone."""
    return moment.astimezone(zone(turn.reads.nudge_settings().time_zone)).date()


def constituency_name(content: Content, relationship: RelationshipView) -> str:
    """The constituency or partner kind, in the content's words; "other" in the person's."""
    return group_name(content, relationship.constituency, relationship.constituency_label)


def group_name(content: Content, constituency: str, label: str | None) -> str:
    for known in content.worksheet.constituencies():
        if known.id == constituency:
            return known.name
    for kind in content.rubric.partner_kinds:
        if kind.id == constituency:
            return kind.name
    return label or content.plan.relationship.other_option


def constituency_options(content: Content) -> tuple[tuple[str, str], ...]:
    options = [(c.id, clip(c.name)) for c in content.worksheet.constituencies()]
    options += [(k.id, clip(k.name)) for k in content.rubric.partner_kinds]
    return (*options, (OTHER, content.plan.relationship.other_option))


def is_partner(content: Content, relationship: RelationshipView) -> bool:
    return relationship.constituency in {k.id for k in content.rubric.partner_kinds}


def time_label(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _text(turn: Turn, name: str) -> str:
    return turn.inbound.form.get(name, "").strip()


def _too_long(content: Content, value: str, limit: int) -> str | None:
    if len(value) > limit:
        return content.plan.errors.too_long.format(limit=limit, length=len(value))
    return None


# ----- goals ---------------------------------------------------------------------------------

GOAL_FIELDS = ("personal_goals", "team_goals", "working_well", "could_improve")


def goals_form(turn: Turn) -> Form:
    content = turn.content
    sheet = content.worksheet
    plan = turn.reads.plan() or PlanView(None, None, None, None)
    labels = [p.text for p in sheet.goals.prompts] + [p.text for p in sheet.whats_working.prompts]
    current = (plan.personal_goals, plan.team_goals, plan.working_well, plan.could_improve)
    words = content.plan.goals
    intro = "\n\n".join(
        part for part in (sheet.goals.heading, sheet.whats_working.intro, words.intro) if part
    )
    return Form(
        form_id=FORM_GOALS,
        title=words.form_title,
        submit_label=words.submit,
        intro=intro,
        fields=tuple(
            FormField(
                name=name,
                label=label,
                multiline=True,
                optional=True,
                max_length=words.max_length,
                initial=value,
            )
            for name, label, value in zip(GOAL_FIELDS, labels, current, strict=True)
        ),
    )


def read_goals(turn: Turn) -> SavePlan | Errors:
    limit = turn.content.plan.goals.max_length
    values = {name: _text(turn, name) for name in GOAL_FIELDS}
    errors = {
        name: problem
        for name, value in values.items()
        if (problem := _too_long(turn.content, value, limit)) is not None
    }
    if errors:
        return errors
    return SavePlan(**{name: value or None for name, value in values.items()})


# ----- a relationship ------------------------------------------------------------------------


def relationship_form(
    turn: Turn, relationship: RelationshipView | None, *, constituency: str | None = None
) -> Form:
    """Add (`relationship` None; `constituency` chosen already, when it is known) or edit."""
    content = turn.content
    words = content.plan.relationship
    cadence_options = tuple((c, content.plan.cadences.options[c]) for c in CADENCES)
    kind_options = tuple((k, content.plan.kinds.options[k]) for k in KINDS)
    r = relationship
    return Form(
        form_id=FORM_RELATIONSHIP,
        title=words.form_title_add if r is None else words.form_title_edit,
        submit_label=words.submit,
        intro=words.intro,
        context="" if r is None else str(r.id),
        fields=(
            FormField(
                name="name",
                label=words.name_label,
                hint=words.name_hint,
                max_length=words.name_max_length,
                initial=r.name if r else None,
            ),
            FormField(
                name="kind",
                label=words.kind_label,
                options=kind_options,
                initial=r.kind if r else KINDS[0],
            ),
            FormField(
                name="constituency",
                label=words.constituency_label,
                options=constituency_options(content),
                initial=r.constituency if r else constituency,
            ),
            FormField(
                name="own_label",
                label=words.own_label_label,
                hint=words.own_label_hint,
                optional=True,
                max_length=words.own_label_max_length,
                initial=r.constituency_label if r else None,
                only_when=("constituency", OTHER),
            ),
            FormField(
                name="cadence",
                label=words.cadence_label,
                options=cadence_options,
                initial=r.cadence if r else "monthly",
            ),
            FormField(
                name="days",
                label=words.days_label,
                hint=words.days_hint,
                optional=True,
                max_length=DAYS_TYPED_LIMIT,
                initial=str(r.cadence_days) if r and r.cadence_days else None,
                only_when=("cadence", "days"),
            ),
            FormField(
                name="strategies",
                label=words.strategies_label,
                hint=words.strategies_hint,
                multiline=True,
                optional=True,
                max_length=words.strategies_max_length,
                initial=r.strategies if r else None,
            ),
            FormField(
                name="measures",
                label=words.measures_label,
                hint=words.measures_hint,
                multiline=True,
                optional=True,
                max_length=words.measures_max_lines * (words.measure_max_length + 1),
                initial="\n".join(r.success_measures) if r else None,
            ),
        ),
    )


def read_relationship(turn: Turn, relationship_id: int | None) -> SaveRelationship | Errors:
    """The relationship as filled in, or the problems to show under its fields."""
    content = turn.content
    words = content.plan.relationship
    errors_text = content.plan.errors
    errors: Errors = {}
    name = " ".join(_text(turn, "name").split())
    if not name:
        errors["name"] = errors_text.required
    elif problem := _too_long(content, name, words.name_max_length):
        errors["name"] = problem
    elif any(
        r.name.casefold() == name.casefold() and r.id != relationship_id
        for r in turn.reads.relationships()
    ):
        errors["name"] = errors_text.duplicate_name.format(name=name)
    kind = _text(turn, "kind")
    if kind not in KINDS:
        errors["kind"] = errors_text.unknown_choice
    constituency = _text(turn, "constituency")
    if constituency not in {value for value, _ in constituency_options(content)}:
        errors["constituency"] = errors_text.unknown_choice
    own_label = " ".join(_text(turn, "own_label").split())
    if constituency == OTHER and not own_label:
        errors["own_label"] = errors_text.own_label_needed
    elif problem := _too_long(content, own_label, words.own_label_max_length):
        errors["own_label"] = problem
    cadence = _text(turn, "cadence")
    days_text = _text(turn, "days")
    every_days: int | None = None
    if cadence not in CADENCES:
        errors["cadence"] = errors_text.unknown_choice
    elif cadence == "days":
        if not days_text:
            errors["days"] = errors_text.days_needed
        elif (parsed := typed_days(content, days_text)) is None or not (
            1 <= parsed <= MAX_CADENCE_DAYS
        ):
            errors["days"] = errors_text.days_range
        else:
            every_days = parsed
    strategies = _text(turn, "strategies")
    if problem := _too_long(content, strategies, words.strategies_max_length):
        errors["strategies"] = problem
    measures = tuple(line.strip() for line in _text(turn, "measures").splitlines() if line.strip())
    if len(measures) > words.measures_max_lines:
        errors["measures"] = errors_text.too_many_measures.format(
            limit=words.measures_max_lines, count=len(measures)
        )
    else:
        for number, measure in enumerate(measures, start=1):
            if len(measure) > words.measure_max_length:
                errors["measures"] = errors_text.measure_too_long.format(
                    limit=words.measure_max_length, line=number, length=len(measure)
                )
                break
    if errors:
        return errors
    return SaveRelationship(
        relationship_id=relationship_id,
        name=name,
        kind=kind,
        constituency=constituency,
        # Only "other" needs the person's own label; another choice names itself.
        constituency_label=own_label if constituency == OTHER else None,
        cadence=cadence,
        cadence_days=every_days,
        strategies=strategies or None,
        success_measures=measures,
    )


# ----- maturity ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorChoice:
    """An indicator offered for a rating, with the partner kind it belongs to."""

    kind_name: str
    indicator: Indicator


def stage_indicators(
    content: Content, stage: Stage, relationship: RelationshipView
) -> tuple[IndicatorChoice, ...]:
    """The stage's indicators for the relationship's partner kind; for any other relationship,
    every partner kind's (the rubric was written for community partners only)."""
    kinds = [k for k in content.rubric.partner_kinds if k.id == relationship.constituency]
    chosen = kinds or list(content.rubric.partner_kinds)
    return tuple(
        IndicatorChoice(kind.name, indicator)
        for kind in chosen
        for indicator in stage.entry(kind.id).indicators
    )


def rating_form(
    turn: Turn, relationship: RelationshipView, score: int, previous: tuple[str, ...]
) -> Form:
    content = turn.content
    words = content.plan.rating
    stage = content.rubric.stage_for_score(score)
    choices = stage_indicators(content, stage, relationship)
    several_kinds = not is_partner(content, relationship)
    lines = [words.form_intro.format(score=score, stage=stage.name, name=relationship.name)]
    if several_kinds:
        lines.append(words.any_kind_note)
    kind_shown: str | None = None
    for number, choice in enumerate(choices, start=1):
        if several_kinds and choice.kind_name != kind_shown:
            kind_shown = choice.kind_name
            lines.append(words.kind_heading.format(kind=choice.kind_name))
        lines.append(words.indicator_line.format(number=number, text=choice.indicator.text))
    options = tuple(
        (c.indicator.id, clip(words.option.format(number=n, text=c.indicator.text)))
        for n, c in enumerate(choices, start=1)
    )
    offered = {value for value, _ in options}
    ticked = [i for i in previous if i in offered]
    return Form(
        form_id=FORM_RATING,
        title=words.form_title,
        submit_label=words.submit,
        intro="\n".join(lines),
        context=f"{relationship.id}/{score}",
        fields=(
            FormField(
                name="indicators",
                label=words.indicators_label,
                options=options,
                multiple=True,
                optional=True,
                initial=SEPARATOR.join(ticked) or None,
            ),
        ),
    )


def read_indicators(
    turn: Turn, relationship: RelationshipView, stage: Stage
) -> tuple[str, ...] | Errors:
    offered = [c.indicator.id for c in stage_indicators(turn.content, stage, relationship)]
    picked = {v.strip() for v in _text(turn, "indicators").split(SEPARATOR) if v.strip()}
    if picked - set(offered):
        return {"indicators": turn.content.plan.rating.unknown_indicator}
    return tuple(i for i in offered if i in picked)


# ----- action items --------------------------------------------------------------------------


def action_form(
    turn: Turn,
    item: ActionItemView | None,
    *,
    prefill: Mapping[str, str] | None = None,
    when_hint: str | None = None,
) -> Form:
    words = turn.content.plan.actions
    sheet = turn.content.worksheet.action_plan
    initial = dict(prefill or {})
    if item is not None:
        initial = {"what": item.what, "who": item.who or "", "when": item.due_on.isoformat()}
    context = str(item.id) if item else f"{NEW}/{TOOLKIT if prefill else 'plan'}"
    return Form(
        form_id=FORM_ACTION,
        title=words.form_title_add if item is None else words.form_title_edit,
        submit_label=words.submit,
        intro=f"{sheet.heading} {sheet.instructions}",
        context=context,
        fields=(
            FormField(
                name="what",
                label=words.what_label,
                multiline=True,
                max_length=words.what_max_length,
                initial=initial.get("what") or None,
            ),
            FormField(
                name="who",
                label=words.who_label,
                optional=True,
                max_length=words.who_max_length,
                initial=initial.get("who") or None,
            ),
            FormField(
                name="when",
                label=words.when_label,
                hint=when_hint or words.when_hint,
                date=True,
                initial=initial.get("when") or None,
            ),
        ),
    )


def step6_prefill(turn: Turn) -> tuple[dict[str, str], str | None] | None:
    """An action item drawn from toolkit Step 6 (the chosen area and its quadrants), with what
    the plan says about when; None when Step 6 has nothing to draw from."""
    words = turn.content.plan.actions
    chosen = turn.reads.work_records(section_id=CHOSEN_AREA)
    quadrants = turn.reads.work_records(section_id=QUADRANTS)
    title = (chosen[0].data.get("title", "") if chosen else "").strip()
    plan = quadrants[0].data if quadrants else {}
    what_text = plan.get("what", "").strip()
    who = plan.get("who", "").strip()
    when = plan.get("when", "").strip()
    if not (title or what_text or who):
        return None
    if title and what_text:
        what = words.import_what.format(title=title, what=what_text)
    else:
        what = title or what_text
    values = {
        "what": clip(what, words.what_max_length),
        "who": clip(who, words.who_max_length),
    }
    return values, (words.import_when_hint.format(when=when) if when else None)


def parse_day(content: Content, text: str, today: date) -> date | None:
    """A due date as people type it (2026-12-03, tomorrow, next friday, 3 Dec): one ahead."""
    return typed_date(content, text, today=today, prefer="future")


def read_action(turn: Turn, action_id: int | None, source: str) -> SaveActionItem | Errors:
    content = turn.content
    words = content.plan.actions
    errors_text = content.plan.errors
    errors: Errors = {}
    what = _text(turn, "what")
    if not what:
        errors["what"] = errors_text.required
    elif problem := _too_long(content, what, words.what_max_length):
        errors["what"] = problem
    who = " ".join(_text(turn, "who").split())
    if problem := _too_long(content, who, words.who_max_length):
        errors["who"] = problem
    when_text = _text(turn, "when")
    due_on = parse_day(content, when_text, turn.today)
    if not when_text:
        errors["when"] = errors_text.required
    elif due_on is None:
        errors["when"] = errors_text.bad_date
    elif due_on < turn.today - timedelta(days=OLDEST_ACTION_DAYS):
        errors["when"] = errors_text.date_too_old
    elif due_on > turn.today + timedelta(days=FURTHEST_ACTION_DAYS):
        errors["when"] = errors_text.date_too_far
    if errors or due_on is None:
        return errors
    return SaveActionItem(
        action_id=action_id, what=what, who=who or None, due_on=due_on, source=source
    )


# ----- nudge settings ------------------------------------------------------------------------


def time_options(content: Content) -> tuple[tuple[str, str], ...]:
    words = content.plan.settings
    minutes = range(words.first_minute, words.last_minute + 1, words.step_minutes)
    return tuple((str(m), time_label(m)) for m in minutes)


def days_words(content: Content, days: frozenset[int]) -> str:
    """Working days in short: "Mon-Fri" for a run, "Mon, Wed, Fri" otherwise."""
    words = content.plan.dates
    ordered = sorted(days)
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return content.plan.settings.day_range.format(
            first=words.weekdays[ordered[0] - 1], last=words.weekdays[ordered[-1] - 1]
        )
    return content.plan.overview.list_separator.join(words.weekdays[d - 1] for d in ordered)


def settings_summary(
    content: Content,
    *,
    days: frozenset[int],
    start_minute: int,
    end_minute: int,
    mode: str,
    balance: bool,
) -> str:
    words = content.plan.settings
    return words.summary.format(
        days=days_words(content, days),
        start=time_label(start_minute),
        end=time_label(end_minute),
        mode=words.mode_words.get(mode, mode),
        balance=words.balance_words_on if balance else words.balance_words_off,
    )


def settings_form(turn: Turn, current: NudgeSettingsView) -> Form:
    content = turn.content
    words = content.plan.settings
    summary = settings_summary(
        content,
        days=current.work_days,
        start_minute=current.start_minute,
        end_minute=current.end_minute,
        mode=current.nudge_mode,
        balance=current.balance_summary,
    )
    day_options = tuple(
        (str(number), name) for number, name in enumerate(content.plan.dates.weekday_names, 1)
    )
    times = time_options(content)
    return Form(
        form_id=FORM_SETTINGS,
        title=words.form_title,
        submit_label=words.submit,
        intro=words.intro.format(zone=current.time_zone or words.zone_unknown, summary=summary),
        fields=(
            FormField(
                name="zone",
                label=words.zone_label,
                hint=words.zone_hint,
                optional=True,
                initial=current.time_zone or "",
                max_length=MAX_TIME_ZONE_NAME,
            ),
            FormField(
                name="days",
                label=words.days_label,
                options=day_options,
                multiple=True,
                initial=SEPARATOR.join(str(d) for d in sorted(current.work_days)),
            ),
            FormField(
                name="start",
                label=words.start_label,
                options=times,
                time=True,
                initial=str(current.start_minute),
            ),
            FormField(
                name="end",
                label=words.end_label,
                options=times,
                time=True,
                initial=str(current.end_minute),
            ),
            FormField(
                name="mode",
                label=words.mode_label,
                options=tuple((m, words.modes[m]) for m in NUDGE_MODES),
                initial=current.nudge_mode,
            ),
            FormField(
                name="balance",
                label=words.balance_label,
                options=(("on", words.balance_on), ("off", words.balance_off)),
                initial="on" if current.balance_summary else "off",
            ),
        ),
    )


def read_settings(turn: Turn) -> SaveNudgeSettings | Errors:
    content = turn.content
    errors_text = content.plan.errors
    words = content.plan.settings
    errors: Errors = {}
    picked = [v.strip() for v in _text(turn, "days").split(SEPARATOR) if v.strip()]
    if not picked:
        errors["days"] = errors_text.no_days
    elif any(v not in {str(n) for n in range(1, 8)} for v in picked):
        errors["days"] = errors_text.unknown_choice
    allowed_times = {value for value, _ in time_options(content)}
    start_text, end_text = _text(turn, "start"), _text(turn, "end")
    if start_text not in allowed_times:
        errors["start"] = errors_text.unknown_choice
    if end_text not in allowed_times:
        errors["end"] = errors_text.unknown_choice
    elif start_text in allowed_times and int(end_text) - int(start_text) < (
        words.min_length_minutes
    ):
        errors["end"] = errors_text.end_before_start
    # The zone is looked up as typed (Europe/London); empty keeps the one known.
    zone_text = _text(turn, "zone")
    if zone_text and time_zone_named(zone_text) is None:
        errors["zone"] = errors_text.unknown_zone
    mode = _text(turn, "mode")
    if mode not in NUDGE_MODES:
        errors["mode"] = errors_text.unknown_choice
    balance = _text(turn, "balance")
    if balance not in {"on", "off"}:
        errors["balance"] = errors_text.unknown_choice
    if errors:
        return errors
    return SaveNudgeSettings(
        work_days=frozenset(int(v) for v in picked),
        start_minute=int(start_text),
        end_minute=int(end_text),
        nudge_mode=mode,
        balance_summary=balance == "on",
        time_zone=zone_text or None,
    )
