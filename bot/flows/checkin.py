"""/checkin: log a conversation with a key relationship, by form or in one line."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.core.messages import Choice, Form, FormErrors, FormField, Reply
from bot.core.parsing import Prefer
from bot.core.schedule import WorkingHours
from bot.core.text import parse_int
from bot.flows.base import Command, Flow, Handler, StepResult, Turn, choice_value, reply_only
from bot.flows.forms import typed_date
from bot.flows.matching import closest, exact_or_contained, fuzzy
from bot.flows.nudges import (
    BUTTON_LIMIT,
    NAME_SHOWN,
    clip,
    nudge_replies,
    relationship_label,
)
from bot.flows.plan_model import (
    LogCheckIn,
    NudgeSettingsView,
    RelationshipView,
    SkipRelationship,
    SnoozeRelationship,
    UndoCheckIn,
)
from bot.flows.wording import day_text, due_day, due_text, next_due, skipped_due, wait_text

FORM_ID = "checkin.log"
SNOOZE_FORM_ID = "checkin.snooze"
CHOOSING = "choosing"  # a quick log named no one relationship for certain: waiting for a pick

RELATIONSHIP = "relationship"
WHEN = "when"
WENT = "went"
NOTES = "notes"
MEASURES = "measures"
UNTIL = "until"

WENT_VALUES = ("well", "mixed", "difficult")
SEPARATOR = ","  # several chosen values travel as one comma-separated text
OPTIONS_LIMIT = 100  # Slack's most options in one select
MATCHES_SHOWN = 5
QUOTE_SHOWN = 500
UNDO_SEARCH = 500  # check-ins looked through for the one an Undo names
SNOOZE_DAYS = {"day": 1, "week": 7}


def working_hours(settings: NudgeSettingsView) -> WorkingHours:
    return WorkingHours(
        time_zone=settings.time_zone,
        days=settings.work_days,
        start_minute=settings.start_minute,
        end_minute=settings.end_minute,
    )


def most_overdue_first(relationships: Sequence[RelationshipView]) -> list[RelationshipView]:
    """Active relationships by how long they have been due, then those without a due time,
    then paused ones; alphabetical within each."""

    def key(relationship: RelationshipView) -> tuple[bool, bool, float, str]:
        due = relationship.next_due_at
        return (
            relationship.paused,
            due is None,
            due.timestamp() if due is not None else 0.0,
            relationship.name.casefold(),
        )

    return sorted(relationships, key=key)


def years_from(day: date, years: int) -> date:
    """The same day `years` later (or earlier, when negative); 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def parse_day(turn: Turn, text: str, *, prefer: Prefer = "past") -> date | None:
    """A date as people type it (2026-12-03, yesterday, last tuesday, 3 Dec), in the person's
    own time zone: a check-in happened in the past, a snooze ends in the future."""
    return typed_date(turn.content, text, today=turn.today, prefer=prefer)


@dataclass(frozen=True)
class Attempt:
    """One reading of a quick log: this much is the name, the rest the notes."""

    name: str
    notes: str | None


def quick_log_readings(text: str) -> list[Attempt]:
    """`name: notes` reads one way; without a colon, the whole text as a name, then ever
    shorter leading runs of words as the name with the rest as notes."""
    if ":" in text:
        name, _, notes = text.partition(":")
        return [Attempt(name.strip(), notes.strip() or None)]
    spans = list(re.finditer(r"\S+", text))
    readings = [Attempt(text, None)]
    for count in range(len(spans) - 1, 0, -1):
        readings.append(
            Attempt(text[: spans[count - 1].end()], text[spans[count].start() :].strip())
        )
    return readings


@dataclass(frozen=True)
class Guess:
    """A quick log that named no one relationship for certain: what to offer instead."""

    name: str
    notes: str | None
    candidates: tuple[int, ...]
    ambiguous: bool  # several equally good matches, rather than an unknown name


class CheckInFlow(Flow):
    flow_id = "checkin"

    def commands(self) -> tuple[Command, ...]:
        return (Command("checkin", self.start, slash=True), Command("checkin", self.start))

    def start(self, turn: Turn, argument: str) -> StepResult:
        relationships = turn.reads.relationships()
        if not relationships:
            return _no_relationships(turn)
        text = argument.strip()
        if not text:
            return _log_form(turn, relationships, chosen=None, source="form")
        return self._quick(turn, relationships, quick_log_readings(text), unknown=_unknown(text))

    def states(self) -> Mapping[str, Handler]:
        return {CHOOSING: self._typed_while_choosing}

    def choose(self, turn: Turn, action: str, argument: str) -> StepResult | None:
        if action == "start":
            return self.start(turn, "")
        if action == "log":
            relationship = _own(turn, argument)
            if relationship is None:
                return None
            return _log_form(turn, turn.reads.relationships(), chosen=relationship, source="nudge")
        if action == "pick":
            return self._pick(turn, argument)
        if action == "undo":
            return self._undo(turn, argument)
        if action == "snooze":
            return self._snooze(turn, argument)
        if action == "skip":
            return self._skip(turn, argument)
        if action == "nudge":  # from a digest: this one relationship's nudge and its options
            relationship = _own(turn, argument)
            if relationship is None:
                return None
            last = turn.reads.recent_checkins(relationship.id, limit=1)
            nudge = nudge_replies(
                turn.content,
                relationship,
                last[0] if last else None,
                now=turn.now,
                today=turn.today,
                time_zone=turn.reads.nudge_settings().time_zone,
            )
            return reply_only(*nudge)
        return None

    def submit(self, turn: Turn, form_id: str) -> StepResult | None:
        if form_id == FORM_ID:
            return self._submit_log(turn)
        if form_id == SNOOZE_FORM_ID:
            return self._submit_snooze(turn)
        return None

    def settled_value(self, turn: Turn, form_id: str, name: str, value: str) -> str:
        """A check-in's day (in the past) or a snooze's end (ahead) as the date it means."""
        prefer: Prefer | None = None
        if (form_id, name) == (FORM_ID, WHEN):
            prefer = "past"
        elif (form_id, name) == (SNOOZE_FORM_ID, UNTIL):
            prefer = "future"
        day = None if prefer is None else parse_day(turn, value, prefer=prefer)
        return value if day is None else day.isoformat()

    def reopen_form(self, turn: Turn, form_id: str, context: str) -> StepResult | None:
        """The check-in form (or a snooze's) left part-way, for `resume`."""
        relationships = turn.reads.relationships()
        if form_id == FORM_ID and relationships:
            source, _, chosen_id = context.partition(":")
            chosen = _own(turn, chosen_id) if chosen_id else None
            if chosen_id and chosen is None:
                return None  # removed since
            return _log_form(turn, relationships, chosen=chosen, source=source or "form")
        if form_id == SNOOZE_FORM_ID:
            relationship = _own(turn, context)
            return None if relationship is None else _snooze_form(turn, relationship)
        return None

    # ----- the form ---------------------------------------------------------------------

    def _submit_log(self, turn: Turn) -> StepResult:
        words = turn.content.checkin
        form = turn.inbound.form
        errors: dict[str, str] = {}
        source = "nudge" if turn.inbound.form_context.startswith("nudge:") else "form"

        chosen_text = form.get(RELATIONSHIP, "").strip()
        relationship = _own(turn, chosen_text) if chosen_text else None
        if not chosen_text:
            errors[RELATIONSHIP] = words.errors.relationship_missing
        elif relationship is None:
            errors[RELATIONSHIP] = words.errors.relationship_unknown

        happened_on, problem = _happened_on(turn, form.get(WHEN, ""))
        if problem:
            errors[WHEN] = problem

        went = form.get(WENT, "").strip() or None
        if went is not None and went not in WENT_VALUES:
            errors[WENT] = words.errors.went_unknown

        notes = form.get(NOTES, "").strip() or None
        problem = _notes_problem(turn, notes)
        if problem:
            errors[NOTES] = problem

        measures, problem = _chosen_measures(turn, form.get(MEASURES, ""), relationship)
        if problem:
            errors[MEASURES] = problem

        if errors or relationship is None or happened_on is None:
            return StepResult(form_errors=FormErrors(errors))
        return _log(turn, relationship, happened_on, went, notes, measures, source)

    # ----- the quick log ----------------------------------------------------------------

    def _quick(
        self,
        turn: Turn,
        relationships: list[RelationshipView],
        readings: list[Attempt],
        *,
        unknown: Attempt,
    ) -> StepResult:
        """Log at once when one reading names exactly one relationship; otherwise offer the
        closest ones and keep the notes until the person picks."""
        names = [(r.id, r.name) for r in relationships]
        by_id = {r.id: r for r in relationships}
        guess: Guess | None = None
        for matcher in (exact_or_contained, fuzzy):
            for reading in readings:
                match = matcher(reading.name, names)
                if match.chosen is not None:
                    return _quick_log(turn, by_id[match.chosen], reading.notes)
                if match.candidates and guess is None:
                    guess = Guess(
                        reading.name,
                        reading.notes,
                        match.candidates,
                        ambiguous=matcher is exact_or_contained,
                    )
        if guess is None:
            shown = unknown.name
            guess = Guess(shown, unknown.notes, closest(shown, names), ambiguous=False)
        return _offer_matches(turn, by_id, guess)

    def _typed_while_choosing(self, turn: Turn) -> StepResult:
        """A typed answer to "which one did you mean?" is another try at the name (with new
        notes when it has a colon)."""
        text = turn.inbound.text.strip()
        relationships = turn.reads.relationships()
        if not relationships:
            return _no_relationships(turn)
        if ":" in text:
            return self._quick(
                turn, relationships, quick_log_readings(text), unknown=_unknown(text)
            )
        kept = _kept_notes(turn)
        attempt = Attempt(text, kept)
        return self._quick(turn, relationships, [attempt], unknown=attempt)

    def _pick(self, turn: Turn, argument: str) -> StepResult | None:
        relationship = _own(turn, argument)
        if turn.state != CHOOSING or relationship is None:
            return None  # already logged, or a relationship removed since
        return _quick_log(turn, relationship, _kept_notes(turn))

    # ----- undo, snooze, skip -----------------------------------------------------------

    def _undo(self, turn: Turn, argument: str) -> StepResult | None:
        relationship_text, _, moment = argument.partition("@")
        relationship = _own(turn, relationship_text)
        try:
            logged_at = datetime.fromisoformat(moment)
        except ValueError:
            return None
        if relationship is None or logged_at.tzinfo is None:
            return None
        words = turn.content.checkin.logged
        name = clip(relationship.name, NAME_SHOWN)
        recent = turn.reads.recent_checkins(relationship.id, limit=UNDO_SEARCH)
        logged = next((c for c in recent if c.created_at == logged_at), None)
        if logged is None:  # taken back already: say so rather than pretend
            return reply_only(Reply(words.undo_nothing.format(name=name), choices=_plan(turn)))
        when = day_text(turn.content, logged.happened_on, today=turn.today)
        reply = Reply(words.undone.format(name=name, date=when), choices=_plan(turn))
        effect = UndoCheckIn(relationship_id=relationship.id, logged_at=logged_at)
        return StepResult(replies=(reply,), effects=(effect,), keep_state=True)

    def _snooze(self, turn: Turn, argument: str) -> StepResult | None:
        relationship_text, _, length = argument.partition("/")
        relationship = _own(turn, relationship_text)
        if relationship is None or (length not in SNOOZE_DAYS and length != "date"):
            return None
        if relationship.paused:
            return _paused(turn, relationship)
        if length == "date":
            return _snooze_form(turn, relationship)
        return _snoozed(turn, relationship, turn.today + timedelta(days=SNOOZE_DAYS[length]))

    def _submit_snooze(self, turn: Turn) -> StepResult | None:
        relationship = _own(turn, turn.inbound.form_context)
        if relationship is None:
            return None
        errors = turn.content.checkin.errors
        text = turn.inbound.form.get(UNTIL, "").strip()
        until = parse_day(turn, text, prefer="future") if text else None
        problem: str | None = None
        if not text:
            problem = errors.date_missing
        elif until is None:
            problem = errors.snooze_unreadable
        elif until <= turn.today:
            problem = errors.snooze_not_after_today
        elif until > years_from(turn.today, 1):
            problem = errors.snooze_too_far
        if problem is not None or until is None:
            return StepResult(form_errors=FormErrors({UNTIL: problem or errors.date_missing}))
        if relationship.paused:
            return _paused(turn, relationship)
        return _snoozed(turn, relationship, until)

    def _skip(self, turn: Turn, argument: str) -> StepResult | None:
        relationship = _own(turn, argument)
        if relationship is None:
            return None
        if relationship.paused:
            return _paused(turn, relationship)
        settings = turn.reads.nudge_settings()
        due = skipped_due(relationship, hours=working_hours(settings), now=turn.now)
        when = due_text(turn.content, due, time_zone=settings.time_zone, today=turn.today)
        text = turn.content.checkin.reminders.skipped.format(
            name=clip(relationship.name, NAME_SHOWN), date=when
        )
        effect = SkipRelationship(relationship_id=relationship.id)
        return StepResult(replies=(Reply(text),), effects=(effect,), keep_state=True)


# ----- helpers ------------------------------------------------------------------------------


def _own(turn: Turn, text: str) -> RelationshipView | None:
    """One of the person's relationships, from an id in a button or form; None for a bad id,
    someone else's, or one removed since."""
    relationship_id = parse_int(text)
    return None if relationship_id is None else turn.reads.relationship(relationship_id)


def _unknown(text: str) -> Attempt:
    """What to offer for when no reading names a relationship: the name before a colon and
    the notes after it; without a colon the whole text is kept as the notes, so nothing typed
    is lost (a single word was only ever a name)."""
    if ":" in text:
        name, _, notes = text.partition(":")
        return Attempt(name.strip() or text, notes.strip() or None)
    return Attempt(text, text if len(text.split()) > 1 else None)


def _kept_notes(turn: Turn) -> str | None:
    notes = turn.data.get(NOTES)
    return notes if isinstance(notes, str) and notes else None


def _plan(turn: Turn) -> tuple[Choice, ...]:
    return (Choice(choice_value("plan", "start"), turn.content.checkin.labels.your_plan),)


def _no_relationships(turn: Turn) -> StepResult:
    labels = turn.content.checkin.labels
    choices = (
        Choice(choice_value("plan", "add"), labels.add_relationship, "primary"),
        Choice(choice_value("plan", "start"), labels.your_plan),
    )
    return reply_only(Reply(turn.content.checkin.no_relationships, choices=choices))


def _notes_problem(turn: Turn, notes: str | None) -> str | None:
    limit = turn.content.checkin.form.notes_max_length
    if notes is not None and len(notes) > limit:
        return turn.content.checkin.errors.notes_too_long.format(length=len(notes), limit=limit)
    return None


def _happened_on(turn: Turn, text: str) -> tuple[date | None, str | None]:
    errors = turn.content.checkin.errors
    text = text.strip()
    if not text:
        return None, errors.date_missing
    day = parse_day(turn, text)
    if day is None:
        return None, errors.date_unreadable
    if day > turn.today:
        return None, errors.date_future
    if day < years_from(turn.today, -1):
        return None, errors.date_too_old
    return day, None


def _chosen_measures(
    turn: Turn, text: str, relationship: RelationshipView | None
) -> tuple[tuple[str, ...], str | None]:
    """The measures' own words, from "<relationship id>/<index>" values; each must be one of
    the chosen relationship's (checked only once that relationship is known)."""
    errors = turn.content.checkin.errors
    chosen: list[str] = []
    owners: dict[int, RelationshipView | None] = {}
    for value in (v.strip() for v in text.split(SEPARATOR)):
        if not value:
            continue
        owner_text, _, index_text = value.partition("/")
        owner_id, index = parse_int(owner_text), parse_int(index_text)
        if owner_id is None or index is None:
            return (), errors.measure_unknown
        if owner_id not in owners:
            owners[owner_id] = turn.reads.relationship(owner_id)
        owner = owners[owner_id]
        if owner is None or index >= len(owner.success_measures):
            return (), errors.measure_unknown
        measure = owner.success_measures[index]
        if relationship is not None and owner.id != relationship.id:
            problem = errors.measure_of_another.format(
                measure=clip(measure, NAME_SHOWN),
                owner=clip(owner.name, NAME_SHOWN),
                name=clip(relationship.name, NAME_SHOWN),
            )
            return (), problem
        if measure not in chosen:
            chosen.append(measure)
    return tuple(chosen), None


def _log_form(
    turn: Turn,
    relationships: list[RelationshipView],
    *,
    chosen: RelationshipView | None,
    source: str,
) -> StepResult:
    """The check-in form: for any relationship (most overdue first), or from a nudge for one."""
    words = turn.content.checkin
    listed = most_overdue_first(relationships)[:OPTIONS_LIMIT]
    if chosen is not None and chosen.id not in {r.id for r in listed}:
        listed = [chosen, *listed[: OPTIONS_LIMIT - 1]]
    initial = chosen or listed[0]
    fields = [
        FormField(
            name=RELATIONSHIP,
            label=words.form.relationship,
            options=tuple((str(r.id), relationship_label(turn.content, r)) for r in listed),
            initial=str(initial.id),
        ),
        FormField(
            name=WHEN,
            label=words.form.when,
            hint=words.form.when_hint,
            initial=turn.today.isoformat(),
            date=True,
        ),
        FormField(
            name=WENT,
            label=words.form.went,
            optional=True,
            options=tuple((value, getattr(words.went, value)) for value in WENT_VALUES),
        ),
        FormField(
            name=NOTES,
            label=words.form.notes,
            hint=words.form.notes_hint,
            optional=True,
            multiline=True,
            max_length=words.form.notes_max_length,
        ),
    ]
    measures = _measure_options(turn, [chosen] if chosen is not None else listed, chosen)
    if measures:  # a choice with nothing to choose from is not a question
        fields.append(
            FormField(
                name=MEASURES,
                label=words.form.measures,
                hint=None if chosen is not None else words.form.measures_hint,
                optional=True,
                options=measures,
                multiple=True,
                options_of=RELATIONSHIP,  # "<relationship id>/<index>"
            )
        )
    intro = (
        words.form.intro_one.format(name=clip(chosen.name, NAME_SHOWN))
        if chosen is not None
        else words.form.intro
    )
    form = Form(
        form_id=FORM_ID,
        title=words.form.title,
        submit_label=words.form.submit,
        fields=tuple(fields),
        intro=intro,
        context=f"{source}:{chosen.id if chosen is not None else ''}",
    )
    again = (
        choice_value("checkin", "log", str(chosen.id))
        if chosen
        else choice_value("checkin", "start")
    )
    # Shown only where the form cannot open as a modal: a way to try again.
    return reply_only(Reply(intro, form=form, choices=(Choice(again, words.labels.open_form),)))


def _measure_options(
    turn: Turn, relationships: Sequence[RelationshipView], chosen: RelationshipView | None
) -> tuple[tuple[str, str], ...]:
    template = turn.content.checkin.form.measure_option
    options: list[tuple[str, str]] = []
    for relationship in relationships:
        for index, measure in enumerate(relationship.success_measures):
            label = (
                measure
                if chosen is not None
                else template.format(name=relationship.name, measure=measure)
            )
            options.append((f"{relationship.id}/{index}", clip(label, BUTTON_LIMIT)))
    return tuple(options[:OPTIONS_LIMIT])


def _quick_log(turn: Turn, relationship: RelationshipView, notes: str | None) -> StepResult:
    problem = _notes_problem(turn, notes)
    if problem:
        return reply_only(Reply(problem))
    return _log(turn, relationship, turn.today, None, notes, (), "quick")


def _offer_matches(turn: Turn, by_id: Mapping[int, RelationshipView], guess: Guess) -> StepResult:
    """Nothing is logged: the closest relationships as buttons, the notes kept for the pick."""
    words = turn.content.checkin
    problem = _notes_problem(turn, guess.notes)
    if problem:
        return reply_only(Reply(problem))
    name = clip(guess.name, NAME_SHOWN)
    candidates = [by_id[i] for i in guess.candidates[:MATCHES_SHOWN] if i in by_id]
    if guess.ambiguous:
        lead = words.quick.ambiguous.format(name=name)
    elif candidates:
        lead = words.quick.unknown.format(name=name)
    else:
        lead = words.quick.unknown_nothing_close.format(name=name)
    lines = [lead]
    if guess.notes:
        lines.append(words.quick.notes_kept)
    lines.append(words.quick.type_again)
    choices = [
        Choice(choice_value("checkin", "pick", str(r.id)), relationship_label(turn.content, r))
        for r in candidates
    ]
    choices.append(Choice(choice_value("checkin", "start"), words.labels.open_form))
    if not guess.ambiguous:
        choices.append(Choice(choice_value("plan", "add"), words.labels.add_relationship))
    reply = Reply(
        "\n".join(lines),
        choices=tuple(choices),
        quote=clip(guess.notes, QUOTE_SHOWN) if guess.notes else None,
    )
    return StepResult(replies=(reply,), state=CHOOSING, data={NOTES: guess.notes or ""})


def _log(
    turn: Turn,
    relationship: RelationshipView,
    happened_on: date,
    went: str | None,
    notes: str | None,
    measures: tuple[str, ...],
    source: str,
) -> StepResult:
    """Log it, say so with what comes next, and offer to take it back."""
    words = turn.content.checkin
    name = clip(relationship.name, NAME_SHOWN)
    lines = [
        words.logged.logged.format(
            name=name, date=day_text(turn.content, happened_on, today=turn.today)
        )
    ]
    if measures:
        served = "; ".join(clip(m, NAME_SHOWN) for m in measures)
        lines.append(words.logged.served.format(measures=served))
    lines.append(_next_nudge(turn, relationship, happened_on))
    undo = choice_value("checkin", "undo", f"{relationship.id}@{turn.now.isoformat()}")
    choices = (Choice(undo, words.labels.undo), *_plan(turn))
    effect = LogCheckIn(
        relationship_id=relationship.id,
        happened_on=happened_on,
        went=went,
        notes=notes,
        measures=measures,
        source=source,
    )
    return StepResult(replies=(Reply(" ".join(lines), choices=choices),), effects=(effect,))


def _next_nudge(turn: Turn, relationship: RelationshipView, happened_on: date) -> str:
    """When the next nudge comes, decided and worded as everywhere else (bot.flows.wording):
    the day the plan and the home page will show once the check-in is stored."""
    words = turn.content.checkin.logged
    name = clip(relationship.name, NAME_SHOWN)
    settings = turn.reads.nudge_settings()
    hours = working_hours(settings)
    due = next_due(relationship, hours=hours, now=turn.now, checkin_on=happened_on)
    if due is None:
        return words.paused.format(name=name)
    due_day_local = due_day(due, settings.time_zone)
    wait = (due_day_local - turn.today).days
    if due <= turn.now or wait <= 0:
        return words.next_due_now
    when = due_text(turn.content, due, time_zone=settings.time_zone, today=turn.today)
    if wait == 1:
        return words.next_tomorrow.format(date=when)
    return words.next_in.format(wait=wait_text(turn.content, wait), date=when)


def _paused(turn: Turn, relationship: RelationshipView) -> StepResult:
    text = turn.content.checkin.reminders.paused.format(name=clip(relationship.name, NAME_SHOWN))
    return reply_only(Reply(text, choices=_plan(turn)))


def _snooze_form(turn: Turn, relationship: RelationshipView) -> StepResult:
    words = turn.content.checkin.snooze_form
    intro = words.intro.format(name=clip(relationship.name, NAME_SHOWN))
    form = Form(
        form_id=SNOOZE_FORM_ID,
        title=words.title,
        submit_label=words.submit,
        fields=(
            FormField(
                name=UNTIL,
                label=words.date,
                hint=words.date_hint,
                initial=(turn.today + timedelta(days=7)).isoformat(),
                date=True,
            ),
        ),
        intro=intro,
        context=str(relationship.id),
    )
    again = choice_value("checkin", "snooze", f"{relationship.id}/date")
    label = turn.content.checkin.labels.snooze_until
    return reply_only(Reply(intro, form=form, choices=(Choice(again, label),)))


def _snoozed(turn: Turn, relationship: RelationshipView, until: date) -> StepResult:
    settings = turn.reads.nudge_settings()
    # A snooze ends at the start of the first working day on or after the date chosen.
    reminded = working_hours(settings).first_start_on_or_after(until)
    text = turn.content.checkin.reminders.snoozed.format(
        name=clip(relationship.name, NAME_SHOWN),
        date=due_text(turn.content, reminded, time_zone=settings.time_zone, today=turn.today),
    )
    effect = SnoozeRelationship(relationship_id=relationship.id, until=until)
    return StepResult(replies=(Reply(text),), effects=(effect,), keep_state=True)
