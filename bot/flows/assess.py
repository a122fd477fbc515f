"""The self-assessment flow: three assessments a page at a time, their results and history."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.core.effects import Effect
from bot.core.messages import Choice, Form, FormErrors, FormField, HomeSection, Image, Reply
from bot.core.schedule import WorkingHours, reassess_due_at, zone
from bot.core.text import parse_int, shorten
from bot.flows.assess_model import (
    AssessmentRecordView,
    DiscardAssessment,
    SaveAssessmentAnswers,
    SetReassessReminder,
)
from bot.flows.base import (
    Command,
    Flow,
    StepResult,
    Turn,
    choice_value,
    reply_only,
    with_form,
)
from bot.flows.plan_model import RelationshipView
from bot.flows.wording import day_text
from content import Content
from content.assessment import (
    LABEL_MAX,
    ResolvedAssessment,
    ResolvedItem,
    ResolvedStage,
    capitalised,
    resolve_assessments,
)

FLOW = "assess"
PAGE_SIZE = 6  # questions on one form: a short modal, and well within Slack's 100 blocks
PREVIOUS_ON_RADAR = 3  # earlier assessments outlined under the latest; the trend shows them all
SHOWN_AREAS = 2  # strongest areas and areas to grow, each
NEW = "new"  # the context of a form for an assessment not started yet
RESTART = "restart"  # ... of a form that replaces the one in progress once submitted
INDICATORS = "indicators"  # the field of a stage's indicators page
HISTORY = "history"

_RESOLVED: dict[int, tuple[Content, tuple[ResolvedAssessment, ...]]] = {}


def resolved_assessments(content: Content) -> tuple[ResolvedAssessment, ...]:
    """The three assessments, resolved once per loaded content (it never changes once loaded)."""
    cached = _RESOLVED.get(id(content))
    if cached is not None and cached[0] is content:
        return cached[1]
    resolved = resolve_assessments(
        content.assessment,
        leadership=content.leadership,
        competencies=content.competencies,
        rubric=content.rubric,
        toolkit=content.toolkit,
        worksheet=content.worksheet,
    )
    _RESOLVED[id(content)] = (content, resolved)
    return resolved


def find_assessment(content: Content, kind: str) -> ResolvedAssessment | None:
    return next((a for a in resolved_assessments(content) if a.id == kind), None)


# ----- pages ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One form of an assessment: its questions, or (`indicators`) the indicators to tick of the
    stage its one stage item was scored in."""

    number: int  # from 1, as in the form id "assess.<kind>.<number>"
    items: tuple[ResolvedItem, ...]
    indicators: bool = False

    def field_names(self) -> list[str]:
        return [INDICATORS] if self.indicators else [item.id for item in self.items]


def pages(assessment: ResolvedAssessment) -> tuple[Page, ...]:
    """The assessment's forms in order. Items of one group (How We Lead, a set of competencies)
    share pages of up to PAGE_SIZE, balanced, never splitting an area (an ability's two ratings,
    a pair and its paradox position); a stage item has a page for its score and one after it
    for the indicators of the stage that score falls in."""
    chunks: list[tuple[tuple[ResolvedItem, ...], bool]] = []
    areas: list[list[ResolvedItem]] = []
    group: str | None = None

    def flush() -> None:
        chunks.extend((tuple(page), False) for page in _balanced(areas))
        areas.clear()

    for item in assessment.items:
        if item.kind == "stage":
            flush()
            chunks += [((item,), False), ((item,), True)]
            group = None
            continue
        if item.group != group:
            flush()
            group = item.group
        if areas and areas[-1][0].area == item.area:
            areas[-1].append(item)
        else:
            areas.append([item])
    flush()
    return tuple(Page(number, items, ind) for number, (items, ind) in enumerate(chunks, start=1))


def _balanced(areas: Sequence[Sequence[ResolvedItem]]) -> list[list[ResolvedItem]]:
    """Areas in order on as few pages of up to PAGE_SIZE as fit, of about equal length."""
    remaining = sum(len(area) for area in areas)
    count = math.ceil(remaining / PAGE_SIZE)
    result: list[list[ResolvedItem]] = []
    page: list[ResolvedItem] = []
    for area in areas:
        target = math.ceil(remaining / max(1, count - len(result)))
        if page and (len(page) >= target or len(page) + len(area) > PAGE_SIZE):
            result.append(page)
            remaining -= len(page)
            page = []
        page += area
    if page:
        result.append(page)
    return result


def _stage(item: ResolvedItem, score: int | None) -> ResolvedStage | None:
    if score is None:
        return None
    try:
        return item.stage_for(score)
    except ValueError:  # the rubric changed since it was scored
        return None


def _answered(
    page: Page, answers: Mapping[str, int | None], indicators: Mapping[str, Sequence[str]]
) -> bool:
    """Whether a page needs nothing more (a skipped question is an answer)."""
    if not page.indicators:
        return all(item.id in answers for item in page.items)
    item = page.items[0]
    if item.id not in answers:
        return False
    stage = _stage(item, answers[item.id])
    if stage is None or not stage.indicators:
        return True  # skipped, or a stage with nothing to tick
    stage_ids = {indicator.id for indicator in stage.indicators}
    return item.id in indicators and set(indicators[item.id]) <= stage_ids


def _next_page(
    assessment: ResolvedAssessment,
    answers: Mapping[str, int | None],
    indicators: Mapping[str, Sequence[str]],
) -> Page | None:
    return next((p for p in pages(assessment) if not _answered(p, answers, indicators)), None)


def _answered_count(assessment: ResolvedAssessment, record: AssessmentRecordView) -> int:
    return sum(item.id in record.answers for item in assessment.items)


# ----- records ----------------------------------------------------------------------------------


def _in_progress(records: Sequence[AssessmentRecordView], kind: str) -> AssessmentRecordView | None:
    return next((r for r in records if r.kind == kind and r.finished_at is None), None)


def _finished(records: Sequence[AssessmentRecordView], kind: str) -> list[AssessmentRecordView]:
    """The finished assessments of a kind, oldest first."""
    done = [r for r in records if r.kind == kind and r.finished_at is not None]
    return sorted(done, key=lambda r: (r.finished_at or r.started_at, r.id))


def _token(started_at: datetime) -> str:
    """What a form carries to name the assessment it belongs to: when that one was started."""
    return started_at.astimezone(UTC).isoformat()


# ----- the flow ---------------------------------------------------------------------------------


def _wants_history(argument: str) -> bool:
    return argument.strip().lower() == HISTORY


def _latest_unfinished(turn: Turn) -> AssessmentRecordView | None:
    """The self-assessment in progress answered most recently, if any."""
    unfinished = [row for row in turn.reads.assessments() if row.finished_at is None]
    return max(unfinished, key=lambda row: row.updated_at, default=None)


class AssessFlow(Flow):
    """Forms only: each page submitted is stored at once, so the flow never waits."""

    flow_id = FLOW

    def commands(self) -> tuple[Command, ...]:
        # The history draws a trend chart per assessment, posted with the pictures after the ack.
        return (
            Command(
                "assess",
                self.start,
                slow=lambda argument: _wants_history(argument),
                arguments=(HISTORY,),
            ),
        )

    def unfinished_since(self, turn: Turn) -> datetime | None:
        latest = _latest_unfinished(turn)
        return None if latest is None else latest.updated_at

    def resume_unfinished(self, turn: Turn) -> StepResult | None:
        latest = _latest_unfinished(turn)
        return None if latest is None else self.choose(turn, "resume", latest.kind)

    def start(self, turn: Turn, argument: str) -> StepResult:
        """`/coach assess` offers the three; `/coach assess history`; `/coach assess <kind>`."""
        wanted = argument.strip().lower()
        if _wants_history(wanted):
            return self.history(turn)
        assessment = find_assessment(turn.content, wanted) if wanted else None
        if assessment is None:
            return self.menu(turn)
        return self._continue(turn, assessment, confirm_again=True)

    def choose(self, turn: Turn, action: str, argument: str) -> StepResult | None:
        if action == "start" and not argument:
            return self.menu(turn)
        if action == HISTORY:
            return self.history(turn)
        if action == "remind" and argument in {"on", "off"}:
            return self._remind(turn, on=argument == "on")
        if action == "area":
            return _area_reply(turn, argument)
        assessment = find_assessment(turn.content, argument)
        if assessment is None:
            return None
        records = turn.reads.assessments()
        current = _in_progress(records, assessment.id)
        if action in {"start", "resume", "again"}:
            return self._continue(turn, assessment, confirm_again=action == "start")
        if action == "restart":
            if current is None:  # thrown away or finished since: a fresh start
                return self._continue(turn, assessment)
            return _ask(turn, assessment, pages(assessment)[0], RESTART, {}, {}, current=current)
        if action == "discard":
            return None if current is None else _discard_question(turn, assessment, current)
        if action == "discard-confirm":
            if current is None:
                return None
            words = turn.content.assessment
            reply = Reply(
                words.menu.discarded.format(assessment=assessment.title),
                choices=(
                    _start_button(turn, assessment, records),
                    _button("start", words.buttons.open),
                ),
            )
            return StepResult(
                replies=(reply,), effects=(DiscardAssessment(assessment.id),), keep_state=True
            )
        if action == "results":
            finished = _finished(records, assessment.id)
            if not finished:
                return None
            replies = results_replies(
                turn, assessment, finished[-1], finished[:-1], offer_reminder=False
            )
            return reply_only(*replies)
        return None

    def check_field(
        self, turn: Turn, form_id: str, name: str, values: Mapping[str, str]
    ) -> str | None:
        """One rating or the indicators, as the page reads them (a page is judged whole, all
        skipped or not, only once it is sent)."""
        located = _locate(turn.content, form_id)
        if located is None:
            return None
        assessment, page = located
        current = _in_progress(turn.reads.assessments(), assessment.id)
        answers = dict(current.answers) if current is not None else {}
        read = _read_page(with_form(turn, form_id, values), page, answers)
        return read.errors.get(name) if isinstance(read, FormErrors) else None

    def reopen_form(self, turn: Turn, form_id: str, context: str) -> StepResult | None:
        """The assessment a page was left of, at its first page not sent (with the draft)."""
        located = _locate(turn.content, form_id)
        return None if located is None else self._continue(turn, located[0])

    def submit(self, turn: Turn, form_id: str) -> StepResult | None:
        located = _locate(turn.content, form_id)
        if located is None:
            return None
        assessment, page = located
        current = _in_progress(turn.reads.assessments(), assessment.id)
        token = turn.inbound.form_context
        answers: dict[str, int | None] = {}
        ticked: dict[str, tuple[str, ...]] = {}
        if token not in {NEW, RESTART}:
            if current is None or token != _token(current.started_at):
                return None  # an assessment finished or thrown away since the form opened
            answers, ticked = dict(current.answers), dict(current.indicators)
        elif token == NEW and current is not None:
            return None  # another form started this one meanwhile
        read = _read_page(turn, page, answers)
        if read is None:
            return None
        if isinstance(read, FormErrors):
            return StepResult(form_errors=read)
        new_answers, new_ticked = read
        answers.update(new_answers)
        ticked.update(new_ticked)
        following = _next_page(assessment, answers, ticked)
        if following is None and all(value is None for value in answers.values()):
            # Finishing would keep an assessment that says nothing: ask for one rating.
            message = turn.content.assessment.errors.all_skipped
            return StepResult(form_errors=FormErrors({page.field_names()[0]: message}))
        effects: list[Effect] = []
        if token == RESTART and current is not None:
            effects.append(DiscardAssessment(assessment.id))
        effects.append(
            SaveAssessmentAnswers(assessment.id, new_answers, new_ticked, finish=following is None)
        )
        started = turn.now if token in {NEW, RESTART} or current is None else current.started_at
        if following is not None:
            asked = _ask(turn, assessment, following, _token(started), answers, ticked, saved=True)
            return StepResult(replies=asked.replies, effects=tuple(effects))
        finished = AssessmentRecordView(
            id=0,
            kind=assessment.id,
            answers=answers,
            indicators=ticked,
            started_at=started,
            updated_at=turn.now,
            finished_at=turn.now,
        )
        earlier = _finished(turn.reads.assessments(), assessment.id)
        replies = results_replies(
            turn,
            assessment,
            finished,
            earlier,
            offer_reminder=not turn.reads.reassess_reminder(),
        )
        return StepResult(replies=replies, effects=tuple(effects))

    # ----- what is offered ------------------------------------------------------------------

    def menu(self, turn: Turn) -> StepResult:
        """The three assessments, each with what can be done with it now, and the reminder."""
        content = turn.content
        words = content.assessment
        records = turn.reads.assessments()
        replies = [Reply(words.intro, heading=words.title)]
        for assessment in resolved_assessments(content):
            status, choices = _standing(turn, assessment, records)
            text = f"*{assessment.button}*\n{assessment.intro}\n_{status}_"
            replies.append(Reply(text, choices=choices))
        replies.append(_reminder_reply(turn))
        return reply_only(*replies)

    def history(self, turn: Turn) -> StepResult:
        """Every finished assessment with its date, what is in progress, a trend per kind."""
        content = turn.content
        words = content.assessment.history
        records = turn.reads.assessments()
        lines: list[str] = []
        charts: list[Reply] = []
        waiting: list[str] = []
        for assessment in resolved_assessments(content):
            finished = _finished(records, assessment.id)
            lines += [
                words.line.format(
                    assessment=assessment.title,
                    date=_day(turn, record.finished_at or record.started_at),
                )
                for record in finished
            ]
            current = _in_progress(records, assessment.id)
            if current is not None:
                waiting.append(
                    words.in_progress.format(
                        assessment=assessment.title,
                        answered=_answered_count(assessment, current),
                        total=len(assessment.items),
                    )
                )
            if finished:
                charts.append(_trend_reply(turn, assessment, finished))
        start = _button("start", content.assessment.buttons.open, primary=True)
        if not lines:
            return reply_only(Reply("\n\n".join([words.empty, *waiting]), choices=(start,)))
        text = "\n".join([words.heading, *lines])
        if waiting:
            text += "\n\n" + "\n".join(waiting)
        return reply_only(Reply(text, choices=(start,)), *charts)

    def _continue(
        self, turn: Turn, assessment: ResolvedAssessment, *, confirm_again: bool = False
    ) -> StepResult:
        """The first page not answered of the one in progress, or the first of a new one (after
        asking, with `confirm_again`, when one of this kind was finished today)."""
        records = turn.reads.assessments()
        current = _in_progress(records, assessment.id)
        if current is None:
            finished = _finished(records, assessment.id)
            last = finished[-1].finished_at if finished else None
            if confirm_again and last is not None and _local_date(turn, last) == turn.today:
                return _again_question(turn, assessment)
            return _ask(turn, assessment, pages(assessment)[0], NEW, {}, {})
        page = _next_page(assessment, current.answers, current.indicators)
        if page is not None:
            return _ask(
                turn,
                assessment,
                page,
                _token(current.started_at),
                current.answers,
                current.indicators,
            )
        # Everything is answered but it was never finished (the content lost a question since).
        if all(value is None for value in current.answers.values()):
            # Nothing rated to keep: its last page of questions again, where finishing asks
            # for a rating.
            last_page = next(p for p in reversed(pages(assessment)) if not p.indicators)
            token = _token(current.started_at)
            return _ask(turn, assessment, last_page, token, current.answers, current.indicators)
        earlier = _finished(records, assessment.id)
        done = AssessmentRecordView(
            id=current.id,
            kind=current.kind,
            answers=current.answers,
            indicators=current.indicators,
            started_at=current.started_at,
            updated_at=turn.now,
            finished_at=turn.now,
        )
        replies = results_replies(
            turn, assessment, done, earlier, offer_reminder=not turn.reads.reassess_reminder()
        )
        return StepResult(
            replies=replies, effects=(SaveAssessmentAnswers(assessment.id, {}, finish=True),)
        )

    def _remind(self, turn: Turn, *, on: bool) -> StepResult:
        words = turn.content.assessment
        if not on:
            reply = Reply(words.reminder.stopped)
        else:
            first = _first_reminder_day(turn)
            reply = Reply(
                words.reminder.confirmed.format(
                    date=day_text(turn.content, first, today=turn.today)
                ),
                choices=(_button("remind", words.buttons.no_reminder, "off"),),
            )
        return StepResult(replies=(reply,), effects=(SetReassessReminder(on),), keep_state=True)


def home_section(turn: Turn) -> HomeSection:
    """The App Home's self-assessment section: where each assessment stands, as the menu says
    it, and a button for what to do next with each (named, as they share one row)."""
    content = turn.content
    words = content.assessment
    records = turn.reads.assessments()
    lines: list[str] = []
    choices: list[Choice] = []
    for assessment in resolved_assessments(content):
        status, offered = _standing(turn, assessment, records)
        lines.append(words.home.line.format(assessment=assessment.title, status=status))
        primary = offered[0]  # the thing to do next; its counts are in the line already
        resuming = primary.value == choice_value(FLOW, "resume", assessment.id)
        label = words.home.button.format(
            label=words.buttons.resume if resuming else primary.label,
            assessment=assessment.title,
        )
        choices.append(replace(primary, label=shorten(label, LABEL_MAX)))
    if any(r.finished_at is not None for r in records):
        choices.append(_button(HISTORY, words.buttons.history))
    choices.append(_button("start", words.buttons.open))
    return HomeSection(heading=words.home.heading, lines=tuple(lines), choices=tuple(choices))


def _standing(
    turn: Turn, assessment: ResolvedAssessment, records: Sequence[AssessmentRecordView]
) -> tuple[str, tuple[Choice, ...]]:
    """Where an assessment stands (its finished ones, the one in progress) and what can be done
    with it now, the thing to do next first."""
    words = turn.content.assessment
    current = _in_progress(records, assessment.id)
    finished = _finished(records, assessment.id)
    total = len(assessment.items)
    statuses: list[str] = []
    choices: tuple[Choice, ...]
    if finished:
        last = finished[-1].finished_at or finished[-1].started_at
        statuses.append(words.menu.finished.format(date=_day(turn, last), count=len(finished)))
    if current is not None:
        answered = _answered_count(assessment, current)
        statuses.append(words.menu.in_progress.format(answered=answered, total=total))
        resume = words.menu.resume.format(
            label=words.buttons.resume, answered=answered, total=total
        )
        choices = (
            _button("resume", shorten(resume, LABEL_MAX), assessment.id, primary=True),
            _button("restart", words.buttons.start_over, assessment.id),
            _button("discard", words.buttons.discard, assessment.id),
        )
    else:
        choices = (_start_button(turn, assessment, records),)
    if finished:
        choices += (_button("results", words.buttons.results, assessment.id),)
    return " ".join(statuses) or words.menu.not_started, choices


def _start_button(
    turn: Turn, assessment: ResolvedAssessment, records: Sequence[AssessmentRecordView]
) -> Choice:
    """Start, or Reassess for a kind already finished."""
    buttons = turn.content.assessment.buttons
    label = buttons.reassess if _finished(records, assessment.id) else buttons.start
    return _button("start", label, assessment.id, primary=True)


def _discard_question(
    turn: Turn, assessment: ResolvedAssessment, current: AssessmentRecordView
) -> StepResult:
    words = turn.content.assessment
    text = words.menu.discard_question.format(
        assessment=assessment.title,
        answered=_answered_count(assessment, current),
        total=len(assessment.items),
    )
    choices = (
        _button("discard-confirm", words.buttons.discard_confirm, assessment.id),
        _button("resume", words.buttons.keep, assessment.id, primary=True),
    )
    return reply_only(Reply(text, choices=choices))


def _again_question(turn: Turn, assessment: ResolvedAssessment) -> StepResult:
    words = turn.content.assessment
    choices = (
        _button("again", words.buttons.again, assessment.id, primary=True),
        _button("results", words.buttons.results, assessment.id),
    )
    return reply_only(
        Reply(words.menu.again_question.format(assessment=assessment.title), choices=choices)
    )


def _first_reminder_day(turn: Turn) -> date:
    """The local day of the first quarterly reminder, as the engine schedules it: a quarter
    after the latest finished assessment (or from now), on a working day, never in the past."""
    settings = turn.reads.nudge_settings()
    hours = WorkingHours(
        time_zone=settings.time_zone,
        days=settings.work_days,
        start_minute=settings.start_minute,
        end_minute=settings.end_minute,
    )
    finished = [r.finished_at for r in turn.reads.assessments() if r.finished_at is not None]
    since = max(finished, default=turn.now)
    due = max(reassess_due_at(since, hours=hours), turn.now)
    return due.astimezone(hours.zone).date()


def _button(action: str, label: str, argument: str = "", *, primary: bool = False) -> Choice:
    value = choice_value(FLOW, action, argument)
    return Choice(value, label, "primary") if primary else Choice(value, label)


def _reminder_reply(turn: Turn) -> Reply:
    words = turn.content.assessment
    history = _button(HISTORY, words.buttons.history)
    if turn.reads.reassess_reminder():
        return Reply(
            words.reminder.set,
            choices=(_button("remind", words.buttons.no_reminder, "off"), history),
        )
    return Reply(
        words.reminder.offer,
        choices=(_button("remind", words.buttons.remind_quarterly, "on"), history),
    )


def _locate(content: Content, form_id: str) -> tuple[ResolvedAssessment, Page] | None:
    """The assessment and page a form id names; None for anything else."""
    flow, _, rest = form_id.partition(".")
    kind, _, number = rest.rpartition(".")
    assessment = find_assessment(content, kind) if flow == FLOW else None
    index = parse_int(number)
    if assessment is None or index is None:
        return None
    every = pages(assessment)
    return (assessment, every[index - 1]) if 1 <= index <= len(every) else None


def _zone(turn: Turn) -> ZoneInfo:
    return zone(turn.reads.nudge_settings().time_zone)


def _day(turn: Turn, moment: datetime) -> str:
    return day_text(turn.content, _local_date(turn, moment), today=turn.today)


def _local_date(turn: Turn, moment: datetime) -> date:
    return moment.astimezone(_zone(turn)).date()


# ----- the forms --------------------------------------------------------------------------------


def _ask(
    turn: Turn,
    assessment: ResolvedAssessment,
    page: Page,
    token: str,
    answers: Mapping[str, int | None],
    ticked: Mapping[str, Sequence[str]],
    *,
    saved: bool = False,
    current: AssessmentRecordView | None = None,
) -> StepResult:
    """A page's form, in a reply that says what the form does not show everywhere (the
    terminal asks its fields only) and whose button opens the form where it cannot open at
    once (Slack: after a modal is submitted, the next one is a button away in the DM).
    `current`: the one in progress that this page (Start over) replaces once saved."""
    words = turn.content.assessment
    notes = _page_notes(turn, assessment, page, answers)
    if current is not None:
        replaced = words.menu.restart_note.format(
            assessment=assessment.title,
            answered=_answered_count(assessment, current),
            total=len(assessment.items),
        )
        notes = [replaced, *notes]
    form = _page_form(turn, assessment, page, token, answers, ticked, notes)
    where = {"assessment": assessment.title, "page": page.number, "pages": len(pages(assessment))}
    lead = words.pages.saved.format(**where) if saved else words.pages.intro.format(**where)
    text = "\n\n".join([lead, *notes])
    if token == RESTART:
        again = _button("restart", words.buttons.start_over, assessment.id)
    elif saved:
        again = _button("resume", words.buttons.next, assessment.id)
    else:
        again = _button("start", words.buttons.start, assessment.id)
    return reply_only(Reply(text, form=form, choices=(again,)))


def _page_notes(
    turn: Turn, assessment: ResolvedAssessment, page: Page, answers: Mapping[str, int | None]
) -> list[str]:
    """What a page says above its fields, in the form and in the reply that carries it (the
    terminal shows only the reply): the assessment's intro on its first page; for a stage,
    its indicators in full (a checkbox shows 75 characters) and the way forward; else what
    the page's questions share (a half of A Leader's Work), what each point of the rating
    scale means, and how to skip a question."""
    content = turn.content
    words = content.assessment
    notes = [assessment.intro] if page.number == 1 else []
    if not page.indicators:
        contexts = [item.context for item in page.items if item.context]
        notes += list(dict.fromkeys(contexts))  # each once, in order
        rated = next((item for item in page.items if item.kind == "rating"), None)
        if rated is not None:
            notes.append(
                "\n".join(
                    words.pages.legend_line.format(point=point.label, hint=point.hint)
                    for point in rated.scale.points
                    if point.hint
                )
            )
        return [*notes, words.pages.skip_note]
    item = page.items[0]
    stage = _stage(item, answers.get(item.id))
    assert stage is not None  # an indicators page is only asked once its score is there
    partner = content.rubric.partner_kind(item.id.removeprefix("stage/")).name
    listed = "\n".join(
        words.pages.indicator_line.format(number=number, text=indicator.text)
        for number, indicator in enumerate(stage.indicators, start=1)
    )
    prompt = words.community_engagement.indicators_prompt.format(stage=stage.name, partner=partner)
    return [*notes, prompt, listed, stage.way_forward]


def _page_form(
    turn: Turn,
    assessment: ResolvedAssessment,
    page: Page,
    token: str,
    answers: Mapping[str, int | None],
    ticked: Mapping[str, Sequence[str]],
    notes: Sequence[str],
) -> Form:
    words = turn.content.assessment
    every = pages(assessment)
    intro = [
        words.pages.intro.format(assessment=assessment.title, page=page.number, pages=len(every)),
        *notes,
    ]
    fields: tuple[FormField, ...]
    if page.indicators:
        item = page.items[0]
        stage = _stage(item, answers.get(item.id))
        assert stage is not None
        already = [i.id for i in stage.indicators if i.id in ticked.get(item.id, ())]
        option = words.pages.indicator_option
        fields = (
            FormField(
                name=INDICATORS,
                label=words.pages.indicators_label,
                hint=words.pages.indicators_hint,
                options=tuple(
                    (indicator.id, shorten(option.format(number=n, text=indicator.text), LABEL_MAX))
                    for n, indicator in enumerate(stage.indicators, start=1)
                ),
                multiple=True,
                optional=True,
                initial=",".join(already) or None,
            ),
        )
    else:
        fields = tuple(
            FormField(
                name=item.id,
                label=item.question,
                hint=item.hint or _one_line(item.anchor),
                options=tuple((str(point.value), point.label) for point in item.scale.points),
                optional=True,
                initial=_initial(answers.get(item.id)),
            )
            for item in page.items
        )
    others_done = all(_answered(p, answers, ticked) for p in every if p.number != page.number)
    scoring = page.items[0].kind == "stage" and not page.indicators  # its indicators follow
    return Form(
        form_id=f"{FLOW}.{assessment.id}.{page.number}",
        title=assessment.title,
        submit_label=words.buttons.finish if others_done and not scoring else words.buttons.submit,
        fields=fields,
        intro="\n\n".join(part for part in intro if part),
        context=token,
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _initial(value: int | None) -> str | None:
    return None if value is None else str(value)


def _read_page(
    turn: Turn, page: Page, answers: Mapping[str, int | None]
) -> tuple[dict[str, int | None], dict[str, tuple[str, ...]]] | FormErrors | None:
    """A submitted page's answers, or what is wrong under each field; None if the page cannot
    be answered now (its stage's score is not there)."""
    words = turn.content.assessment.errors
    form = turn.inbound.form
    if page.indicators:
        item = page.items[0]
        stage = _stage(item, answers.get(item.id))
        if stage is None:
            return None
        chosen = {part.strip() for part in form.get(INDICATORS, "").split(",") if part.strip()}
        known = [indicator.id for indicator in stage.indicators]
        if chosen - set(known):
            return FormErrors({INDICATORS: words.not_an_indicator})
        return {}, {item.id: tuple(ident for ident in known if ident in chosen)}
    read: dict[str, int | None] = {}
    errors: dict[str, str] = {}
    for item in page.items:
        raw = form.get(item.id, "").strip()
        if not raw:
            read[item.id] = None  # skipped
            continue
        value = parse_int(raw)
        if value is None or not item.scale.min <= value <= item.scale.max:
            errors[item.id] = words.not_a_point
        else:
            read[item.id] = value
    if errors:
        return FormErrors(errors)
    return read, {}


# ----- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Area:
    id: str
    name: str
    value: float
    rating: str
    item: ResolvedItem  # its first item: the growth link, the stage
    order: int


def _areas(
    content: Content, assessment: ResolvedAssessment, answers: Mapping[str, int | None]
) -> list[_Area]:
    """Each area with a charted item rated: its mean rating and how that reads."""
    grouped: dict[str, list[tuple[ResolvedItem, int]]] = {}
    for item in assessment.charted_items():
        value = answers.get(item.id)
        if value is not None and item.scale.min <= value <= item.scale.max:
            grouped.setdefault(item.area, []).append((item, value))
    areas: list[_Area] = []
    for order, (area, rated) in enumerate(grouped.items()):
        first = rated[0][0]
        values = [value for _, value in rated]
        mean = sum(values) / len(values)
        if len(set(values)) == 1:
            rating = first.scale.point(values[0]).label
        else:
            rating = content.assessment.results.mixed_rating.format(
                value=f"{mean:.1f}", max=first.scale.max
            )
        areas.append(_Area(area, _area_name(content, area, first), mean, rating, first, order))
    return areas


def _area_name(content: Content, area: str, item: ResolvedItem) -> str:
    """An ability's name for its two ratings; otherwise the item's own label. Capitalised: it
    starts a bullet or a button ("local govt" -> "Local govt")."""
    kind, _, ident = area.partition("/")
    if kind == "abilities":
        try:
            return capitalised(content.leadership.ability(ident).name)
        except KeyError:
            pass
    return capitalised(item.label)


def _rank_areas(areas: Sequence[_Area]) -> tuple[list[_Area], list[_Area]] | None:
    """The strongest areas and the areas to grow, up to SHOWN_AREAS each; None when every area
    is rated the same (or none is), so none stands out.

    Ties are broken by the order the areas are asked in, and no area is in both lists nor is a
    growth area rated as high as a strongest one: strongest are the highest rated above the
    lowest rating; areas to grow are the lowest rated below every strongest one.
    """
    if len({area.value for area in areas}) < 2:
        return None
    lowest = min(area.value for area in areas)
    by_strength = sorted(areas, key=lambda a: (-a.value, a.order))
    strongest = [a for a in by_strength if a.value > lowest][:SHOWN_AREAS]
    floor = min(a.value for a in strongest)
    by_weakness = sorted(areas, key=lambda a: (a.value, a.order))
    growth = [a for a in by_weakness if a.value < floor][:SHOWN_AREAS]
    return strongest, growth


def results_replies(
    turn: Turn,
    assessment: ResolvedAssessment,
    latest: AssessmentRecordView,
    earlier: Sequence[AssessmentRecordView],
    *,
    offer_reminder: bool,
) -> tuple[Reply, ...]:
    """A finished assessment: the radar of its ratings over the earlier ones, the strongest
    areas and those to grow, each with a reflection and the work that builds it. The first
    reply names no rating: a notification shows its words."""
    content = turn.content
    words = content.assessment.results
    finished_at = latest.finished_at or turn.now
    day = _day(turn, finished_at)
    heading = words.heading.format(assessment=assessment.title, date=day)
    history = (_button(HISTORY, content.assessment.buttons.history),)
    areas = _areas(content, assessment, latest.answers)
    if not areas:  # every question skipped (kept from before that was refused)
        replies = [Reply(heading, choices=history), Reply(words.nothing_rated)]
    else:
        radar = _radar(turn, assessment, latest, earlier)
        replies = [
            Reply(heading, choices=history, images=(radar,)),
            *_ranked_replies(turn, areas),
        ]
    if offer_reminder:
        replies.append(
            Reply(
                content.assessment.reminder.offer,
                choices=(_button("remind", content.assessment.buttons.remind_quarterly, "on"),),
            )
        )
    return tuple(replies)


def _ranked_replies(turn: Turn, areas: Sequence[_Area]) -> list[Reply]:
    words = turn.content.assessment.results
    ranked = _rank_areas(areas)
    if ranked is None:
        # Nothing stands out: each area is a button to its reflection and work.
        choices = tuple(_button("area", shorten(area.name, LABEL_MAX), area.id) for area in areas)
        return [Reply(words.all_equal, choices=choices)]
    strongest, growth = ranked
    lines = [f"*{words.strongest}*"]
    lines += [words.area_line.format(area=a.name, rating=a.rating) for a in strongest]
    replies = [Reply("\n".join(lines))]
    relationships = turn.reads.relationships()
    for index, area in enumerate(growth):
        text = _area_text(turn, area)
        if index == 0:
            text = f"*{words.growth}*\n{text}"
        replies.append(Reply(text, choices=_growth_choices(turn, area, relationships)))
    return replies


def _area_text(turn: Turn, area: _Area) -> str:
    """An area's line (its rating) and, for a stage, the way forward from it."""
    text = turn.content.assessment.results.area_line.format(area=area.name, rating=area.rating)
    stage = _stage(area.item, round(area.value)) if area.item.kind == "stage" else None
    return f"{text}\n{stage.way_forward}" if stage is not None else text


def _area_reply(turn: Turn, area_id: str) -> StepResult | None:
    """One area of the latest finished assessment that rates it, with its reflection and the
    work that builds it (picked where every area was rated the same)."""
    content = turn.content
    for assessment in resolved_assessments(content):
        if not any(item.area == area_id for item in assessment.items):
            continue
        finished = _finished(turn.reads.assessments(), assessment.id)
        if not finished:
            return None
        area = next(
            (a for a in _areas(content, assessment, finished[-1].answers) if a.id == area_id), None
        )
        if area is None:
            return None
        choices = _growth_choices(turn, area, turn.reads.relationships())
        return reply_only(Reply(_area_text(turn, area), choices=choices))
    return None


def _growth_choices(
    turn: Turn, area: _Area, relationships: Sequence[RelationshipView]
) -> tuple[Choice, ...]:
    """Reflect on the area's prompt, open the toolkit step, and the plan's group: its first
    relationship (one not paused first), or adding someone of that group when it has none."""
    words = turn.content.assessment.results
    link = area.item.link
    choices = [Choice(choice_value("reflect", "growth", area.id), words.reflect)]
    if link.step is not None and link.step_label is not None:
        choices.append(Choice(choice_value("toolkit", "open", link.step), link.step_label))
    if link.strategy is not None and link.strategy_label is not None:
        members = sorted(
            (r for r in relationships if r.constituency == link.strategy),
            key=lambda r: r.paused,
        )
        if members:
            label = words.work_on_relationship.format(
                name=members[0].name, group=link.strategy_name or link.strategy
            )
            value = choice_value("plan", "show", str(members[0].id))
            choices.append(Choice(value, shorten(label, LABEL_MAX)))
        else:
            value = choice_value("plan", "add", link.strategy)
            choices.append(Choice(value, link.strategy_label))
    return tuple(choices)


def growth_prompt(content: Content, area: str) -> tuple[str, str] | None:
    """For "Reflect on it": the intro naming an area and its reflection prompts; None if no
    assessment rates that area (any more)."""
    for assessment in resolved_assessments(content):
        item = next((i for i in assessment.items if i.area == area), None)
        if item is not None:
            intro = content.assessment.results.reflect_intro.format(
                area=_area_name(content, area, item)
            )
            return intro, "\n".join(item.link.prompts)
    return None


def _values(items: Sequence[ResolvedItem], answers: Mapping[str, int | None]) -> list[float]:
    values: list[float] = []
    for item in items:
        value = answers.get(item.id)
        values.append(float(value) if value is not None else math.nan)
    return values


def _chart_day(content: Content, day: date) -> str:
    """A date in a chart, always with its year: the picture is kept and read later."""
    months = content.checkin.dates.months
    return content.assessment.results.chart_date.format(
        day=day.day, month=months[day.month - 1], year=day.year
    )


def _stamp(turn: Turn, moment: datetime) -> str:
    """A picture's name part: the local time of the assessment to the second, so two finished
    the same day keep their own pictures where pictures are saved by name (the terminal)."""
    return moment.astimezone(_zone(turn)).strftime("%Y-%m-%d-%H%M%S")


def _radar(
    turn: Turn,
    assessment: ResolvedAssessment,
    latest: AssessmentRecordView,
    earlier: Sequence[AssessmentRecordView],
) -> Image:
    # Imported here: matplotlib loads only when a chart is actually drawn.
    from bot.documents.assessment_chart import draw_radar, radar_alt_text

    content = turn.content
    words = content.assessment.results
    items = assessment.charted_items()
    labels = [item.label for item in items]
    shown = list(earlier)[-PREVIOUS_ON_RADAR:]
    finished_at = latest.finished_at or turn.now
    day = _chart_day(content, _local_date(turn, finished_at))
    latest_values = _values(items, latest.answers)
    scale_max = max(item.scale.max for item in items)
    scale_min = min(item.scale.min for item in items)
    data = draw_radar(
        labels,
        latest_values,
        [_values(items, record.answers) for record in shown],
        scale_max=scale_max,
        # The centre is a step below the lowest point, so a lowest rating stays a visible
        # ring rather than vanishing into the centre, and no ring is numbered 0.
        scale_min=scale_min - 1,
        title=words.chart_title.format(assessment=assessment.title, date=day),
        latest_label=words.latest_legend.format(date=day),
        previous_labels=[
            words.previous_legend.format(
                date=_chart_day(content, _local_date(turn, r.finished_at or r.started_at))
            )
            for r in shown
        ],
    )
    alt = radar_alt_text(
        labels,
        latest_values,
        scale_max=scale_max,
        template=words.chart_alt,
        item_template=words.alt_item,
        assessment=assessment.title,
        date=day,
    )
    name = f"self-assessment-{assessment.id}-{_stamp(turn, finished_at)}.png"
    # The chart's own title as the caption: the ratings stay in the alt text, out of previews.
    title = words.chart_title.format(assessment=assessment.title, date=day)
    return Image(name, data, alt, title=title)


def _trend_reply(
    turn: Turn, assessment: ResolvedAssessment, finished: Sequence[AssessmentRecordView]
) -> Reply:
    """A kind's trend chart over its finished assessments (oldest first); with only one, no
    chart (a lone dot per area says nothing), only how to get a trend."""
    content = turn.content
    words = content.assessment.history
    results = _button("results", content.assessment.buttons.results, assessment.id)
    if len(finished) == 1:
        text = words.single_assessment.format(assessment=assessment.title)
        return Reply(text, choices=(results,))
    # Imported here, past the early return: matplotlib loads only when a chart is drawn.
    from bot.documents.assessment_chart import draw_trend, trend_alt_text

    items = assessment.charted_items()
    days = [_local_date(turn, r.finished_at or r.started_at) for r in finished]
    series = {
        item.label: [
            (day, _values((item,), r.answers)[0]) for day, r in zip(days, finished, strict=True)
        ]
        for item in items
    }
    title = words.trend_title.format(assessment=assessment.title)
    data = draw_trend(
        series,
        scale_max=max(item.scale.max for item in items),
        scale_min=min(item.scale.min for item in items),
        title=title,
        format_date=lambda day: _chart_day(content, day),
    )
    alt = trend_alt_text(
        series,
        template=words.trend_alt,
        item_template=words.trend_alt_item,
        once_template=words.trend_alt_item_once,
        assessment=assessment.title,
    )
    last = finished[-1].finished_at or finished[-1].started_at
    name = f"self-assessment-{assessment.id}-trend-{_stamp(turn, last)}.png"
    image = Image(name, data, alt, title=title)
    return Reply(title, images=(image,), choices=(results,))


# ----- for the worker and the export ------------------------------------------------------------


def reassess_reminder_replies(
    content: Content, records: Sequence[AssessmentRecordView], *, today: date, zone: ZoneInfo
) -> tuple[Reply, ...]:
    """The quarterly reminder (the schedule counts a quarter from the latest assessment
    finished, of any kind): it names that latest one, on its local date in `zone`, with a
    button to reassess it, one for each other assessment and one to stop the reminders. When
    none was ever finished, a reminder to take a first one, with a button for each."""
    words = content.assessment
    latest: list[tuple[datetime, ResolvedAssessment]] = []
    for assessment in resolved_assessments(content):
        finished = _finished(records, assessment.id)
        if finished:
            latest.append((finished[-1].finished_at or finished[-1].started_at, assessment))
    stop = _button("remind", words.buttons.no_reminder, "off")
    if not latest:
        starts = [
            _button("start", a.button, a.id, primary=index == 0)
            for index, a in enumerate(resolved_assessments(content))
        ]
        return (Reply(words.reminder.first, choices=(*starts, stop)),)
    when, newest = max(latest, key=lambda pair: pair[0])
    local = when.astimezone(zone).date()
    text = words.reminder.text.format(
        assessment=newest.title, date=day_text(content, local, today=today)
    )
    choices = [_button("start", words.buttons.reassess, newest.id, primary=True)]
    choices += [
        _button("start", assessment.button, assessment.id)
        for assessment in resolved_assessments(content)
        if assessment is not newest
    ]
    choices.append(stop)
    return (Reply(text, choices=tuple(choices)),)


def assessment_summaries(
    content: Content, records: Sequence[AssessmentRecordView]
) -> list[tuple[str, datetime, list[tuple[str, str]]]]:
    """Each finished assessment, oldest first: its title, when it was finished, and a line per
    item (its label, and the answer in words: "4 — Consistent", "Skipped", or a stage with the
    indicators ticked). Assessments of a kind no longer offered are left out."""
    done = sorted(
        (r for r in records if r.finished_at is not None),
        key=lambda r: (r.finished_at or r.started_at, r.id),
    )
    summaries: list[tuple[str, datetime, list[tuple[str, str]]]] = []
    for record in done:
        assessment = find_assessment(content, record.kind)
        if assessment is None or record.finished_at is None:
            continue
        lines = [(item.label, _answer_words(content, item, record)) for item in assessment.items]
        summaries.append((assessment.title, record.finished_at, lines))
    return summaries


def _answer_words(content: Content, item: ResolvedItem, record: AssessmentRecordView) -> str:
    words = content.assessment.summary
    value = record.answers.get(item.id)
    if value is None:
        return words.skipped
    try:
        point = item.scale.point(value).label
    except ValueError:  # the scale changed since it was rated
        return str(value)
    stage = _stage(item, value) if item.kind == "stage" else None
    if stage is None:
        return point
    ticked = [i.text for i in stage.indicators if i.id in record.indicators.get(item.id, ())]
    if not ticked:
        return point
    return words.ticked.format(point=point, indicators=words.indicator_separator.join(ticked))


@dataclass(frozen=True)
class ExportedAssessment:
    """A finished assessment as the export shows it: the answers in words, the strongest areas
    and those to grow, and (for the latest of each kind) its radar over the earlier ones."""

    title: str
    finished_at: datetime
    lines: tuple[tuple[str, str], ...]
    highlights: tuple[str, ...]
    radar: Image | None


def assessment_exports(
    turn: Turn, records: Sequence[AssessmentRecordView]
) -> list[ExportedAssessment]:
    """Every finished assessment for the person's export, oldest first."""
    content = turn.content
    words = content.assessment.results
    summaries = assessment_summaries(content, records)
    done = sorted(
        (r for r in records if r.finished_at is not None and find_assessment(content, r.kind)),
        key=lambda r: (r.finished_at or r.started_at, r.id),
    )
    latest_of_kind = {record.kind: record for record in done}
    exported: list[ExportedAssessment] = []
    for record, (title, finished_at, lines) in zip(done, summaries, strict=True):
        assessment = find_assessment(content, record.kind)
        assert assessment is not None
        areas = _areas(content, assessment, record.answers)
        ranked = _rank_areas(areas) if areas else None
        highlights: list[str] = []
        if ranked is not None:
            strongest, growth = ranked
            for heading, chosen in ((words.strongest, strongest), (words.growth, growth)):
                if chosen:
                    named = "; ".join(f"{area.name} ({area.rating})" for area in chosen)
                    highlights.append(f"{heading}: {named}")
        radar = None
        if areas and latest_of_kind[record.kind] is record:
            earlier = [r for r in done if r.kind == record.kind and r is not record]
            radar = _radar(turn, assessment, record, earlier)
        exported.append(
            ExportedAssessment(title, finished_at, tuple(lines), tuple(highlights), radar)
        )
    return exported
