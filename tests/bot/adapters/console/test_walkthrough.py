"""Issue 13's acceptance walk, in the real `lantern chat` in a pseudo-terminal: a school librarian
goes through a whole toolkit step, a plan of five relationships, four check-ins, an assessment
left with Ctrl-D and resumed in a new chat, and an export, typing as people type (pastes,
Alt-Enter, dates in words, command words); then not one word typed is lost: each is in the
database, in the exported JSON, and (the toolkit's answers and the ratings) in the Reflection
Guide, Markdown and Word, with its line breaks where they were typed.

The words a person reads come from the content; what the person types is theirs, written here.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
from sqlalchemy import select

from content import Content
from storage.database import Database
from storage.models import (
    Answer,
    CheckIn,
    ChecklistTick,
    FormDraft,
    Relationship,
    SelfAssessment,
)
from tests.pty_chat import PtyChat, chat_database_url

TIME_ZONE = "Europe/London"
WALK_SECONDS = 240.0  # about 25 s on a quiet machine; generous for a busy one
OFFERED = re.compile(r"^\s*\[(\d+)\] (.+?)\s*$", re.MULTILINE)
NEVER_ON_SCREEN = ("WARNING", "DEBUG", "ERROR", "Traceback", "Exception")


def flat(text: str) -> str:
    """Whitespace-insensitive text: how a person reads it, wherever the lines were broken."""
    return " ".join(text.split())


class Person:
    """Someone at the terminal: reads what the chat shows before it asks again, and types."""

    def __init__(self, chat: PtyChat) -> None:
        self.chat = chat
        self.shown = ""
        self.transcripts: list[str] = []

    def start(self) -> str:
        self.shown = self.chat.wait_for_start()
        return self.shown

    def _answered(self) -> str:
        self.shown = self.chat.wait_for_prompt()
        return self.shown

    def eof(self) -> str:
        """Ctrl-D."""
        self.chat.send_eof()
        return self._answered()

    def type(self, line: str) -> str:
        """Type a line and press Enter; what the chat shows before it asks again."""
        self.chat.send_line(line)
        return self._answered()

    def type_lines(self, *lines: str) -> str:
        """Several lines in one answer: Alt-Enter between them, Enter at the end."""
        self.chat.send_keys(self.chat.ALT_ENTER.join(lines) + "\r")
        return self._answered()

    def paste(self, text: str) -> str:
        self.chat.send_paste(text)
        return self._answered()

    def number_of(self, label: str) -> str:
        """The number shown beside `label` (the last screen's, the latest if shown twice)."""
        offered = {text: number for number, text in OFFERED.findall(self.shown)}
        assert label in offered, f"no [n] {label!r} shown; offered: {sorted(offered)}"
        return offered[label]

    def choose(self, label: str) -> str:
        return self.type(self.number_of(label))

    def leave(self) -> None:
        """/quit, and the chat ends well."""
        self.chat.send_line("/quit")
        assert self.chat.wait_for_exit() == 0
        self.transcripts.append(self.chat.transcript())


# -- what the person types --------------------------------------------------------------------


@dataclass(frozen=True)
class Typed:
    """One relationship, as it is typed into /plan add."""

    name: str
    kind: str  # person | organisation
    constituency: str  # a constituency's id, or "other"
    cadence: tuple[str, ...]  # typed at "How often?" (and the days); "#days": its number
    strategies: tuple[str, ...]  # the lines typed, with Alt-Enter between them
    measures: tuple[str, ...]
    own_label: str | None = None
    stored_cadence: tuple[str, int | None] = ("monthly", None)


PLAN = (
    Typed(
        name="Dr Okafor, principal",
        kind="person",
        constituency="governing-authority",
        cadence=("#days", "every 6 weeks"),  # after "every 500 days", refused
        strategies=(
            "A one-to-one before each budget cycle,",
            "and a one-page summary after every board meeting.",
        ),
        measures=("She asks me for the library's data", "The library is on the leadership agenda"),
        stored_cadence=("days", 42),
    ),
    Typed(
        name="Ms Patel, grade 4 team lead",
        kind="person",
        constituency="staff",
        cadence=("every two weeks",),  # the option's words
        strategies=("Co-plan one research unit each term.", "Drop by the team meeting monthly."),
        measures=("Grade 4 books the library for every unit",),
        stored_cadence=("fortnightly", None),
    ),
    Typed(
        name="Friends of the Library",
        kind="organisation",
        constituency="community",
        cadence=("Monthly",),  # typed as the option's name
        strategies=("Attend their monthly meeting;", "share the circulation figures."),
        measures=("They fund the summer reading prizes",),
    ),
    Typed(
        name="State school library association",
        kind="organisation",
        constituency="profession",
        cadence=("quarterly",),  # typed as the option's name
        strategies=("Present at the spring conference.", "Review one position statement."),
        measures=("A session proposal accepted",),
        stored_cadence=("quarterly", None),
    ),
    Typed(
        name="Parent-teacher association",
        kind="organisation",
        constituency="other",
        own_label="Families",
        cadence=("#days", "45"),
        strategies=("Ten minutes at each PTA meeting,", "and a stall at the autumn fair."),
        measures=("Parents volunteer for the book fair", "The PTA newsletter features us"),
        stored_cadence=("days", 45),
    ),
)


@dataclass
class Given:
    """Everything the person gave, to be found again."""

    answers: dict[str, str] = field(default_factory=dict)  # question id -> answer
    ticked: set[str] = field(default_factory=set)
    checkins: list[tuple[str, date, str | None, str, tuple[str, ...], str]] = field(
        default_factory=list
    )  # (relationship, day, went, notes, measures, source)
    ratings: list[int] = field(default_factory=list)  # in the order asked
    rated: list[str] = field(default_factory=list)  # the competencies' names, as shown


def local_today() -> date:
    return datetime.now(ZoneInfo(TIME_ZONE)).date()


def last_weekday(today: date, weekday: int) -> date:
    """ "last tuesday": the one before today (a week ago on a Tuesday)."""
    return today - timedelta(days=(today.weekday() - weekday) % 7 or 7)


def latest(today: date, month: int, day: int) -> date:
    """ "3 Dec": the latest one that has come."""
    this_year = date(today.year, month, day)
    return this_year if this_year <= today else date(today.year - 1, month, day)


def day_shown(content: Content, day: date) -> str:
    """ "Tue 1 Dec", as a check-in's date is said (a year may follow)."""
    words = content.checkin.dates
    return f"{words.weekdays[day.weekday()]} {day.day} {words.months[day.month - 1]}"


# -- the walk, one part at a time -------------------------------------------------------------


def toolkit_step(person: Person, content: Content, given: Given) -> None:
    """Step 1, whole: two items ticked, five questions answered (one pasted on several lines),
    with skip, back and more typed on the way; then the summary."""
    words, labels = content.coach.toolkit, content.coach.labels
    step = content.toolkit.steps[0]
    questions = step.reflection_questions
    shown = person.type(f"/toolkit {step.number}")
    heading = words.step_heading.format(number=1, question=step.guiding_question)
    assert heading.replace("*", "") in shown
    for position in (1, 3):
        person.choose(words.tick_label.format(position=position))
        assert words.untick_label.format(position=position) in person.shown
        given.ticked.add(step.checklist[position - 1].id)

    def answer(index: int, text: str, shown: str) -> None:
        assert words.answer_saved in shown
        given.answers[questions[index].id] = text

    first = "I dig in my heels when a plan changes at the last minute."
    answer(0, first, person.type(first))
    # The second, pasted from notes written elsewhere: its lines and its blank line kept.
    pasted = (
        "I love trying new programmes with students.\n"
        "I ask colleagues for feedback on my lessons.\n"
        "\n"
        "And I'm learning to code alongside the 5th graders."
    )
    answer(1, pasted, person.paste(pasted))
    asked = words.question.format(position=3, total=len(questions), text=questions[2].text)
    assert flat(asked.replace("*", "")) in flat(person.shown)
    shown = person.type("skip")
    assert content.coach.toolkit.skipped in shown
    shown = person.type("back")  # the third again, still unanswered
    assert flat(asked.replace("*", "")) in flat(shown)
    third = "In staff meetings, when I'm put on the spot."
    answer(2, third, person.type(third))
    shown = person.type("more")  # the rest of the step, then back to the questions
    assert labels.questions in shown
    shown = person.choose(labels.questions)
    assert flat(questions[3].text) in flat(shown)
    fourth = "I stay quiet, then resent the decision."
    answer(3, fourth, person.type(fourth))
    fifth = ("Ask one teacher a week what they need,", "before I offer anything.")
    shown = person.type_lines(*fifth)
    answer(4, "\n".join(fifth), shown)
    assert words.questions_done.format(number=step.number).replace("*", "") in shown

    summary = person.choose(labels.summary)
    assert words.step_done.format(number=step.number).replace("*", "") in summary
    shown_lines = summary.splitlines()
    lines = [line.strip() for line in shown_lines]
    for text in given.answers.values():
        first, *more = text.splitlines()
        assert first in lines, first
        # Each typed line on a line of its own, under the first (not at the margin).
        margin = shown_lines[lines.index(first)].removesuffix(first)
        assert margin.strip() == "", margin
        for line in more:
            assert (margin + line if line else "") in shown_lines, line
    commands = {w for ws in content.coach.keywords.by_id().values() for w in ws}
    assert not commands & set(lines), "a command word shown as an answer"


def plan(person: Person, content: Content) -> None:
    """Five relationships, each with its strategies on two lines (Alt-Enter) and its
    success measures one per line; the first is given "every 500 days" first."""
    words = content.plan.relationship
    names = {c.id: c.name for c in content.worksheet.constituencies()}
    names["other"] = words.other_option
    cadences = content.plan.cadences.options
    for typed in PLAN:
        person.type("/plan add")
        assert words.name_label in person.shown
        person.type(typed.name)
        person.choose(content.plan.kinds.options[typed.kind])
        person.choose(names[typed.constituency])
        if typed.own_label is not None:
            assert words.own_label_label in person.shown
            person.type(typed.own_label)
        assert words.own_label_label not in person.shown  # asked after Other only
        assert words.cadence_label in person.shown
        how_often, *days = typed.cadence
        if how_often.startswith("#"):
            person.choose(cadences[how_often[1:]])
        else:
            person.type(how_often)
        if typed is PLAN[0]:
            assert words.days_label in person.shown
            shown = person.type("every 500 days")
            assert content.plan.errors.days_range in shown
            assert words.days_label in shown  # only that question again
        for line in days:
            person.type(line)
        assert words.strategies_label in person.shown
        if typed is PLAN[3]:  # paused here, and picked up again with every answer kept
            shown = person.type("pause")
            assert content.coach.console.form_paused.replace("_", "") in shown
            shown = person.type("resume")
            assert content.coach.general.draft_kept in shown
            for kept in (
                typed.name,
                content.plan.kinds.options[typed.kind],
                names[typed.constituency],
            ):
                assert f"│ {kept}" in person.shown
                person.type("")
            assert f"│ {cadences[typed.stored_cadence[0]]}" in person.shown
            person.type("")
            assert words.strategies_label in person.shown
        person.type_lines(*typed.strategies)
        assert words.measures_label in person.shown
        shown = person.type_lines(*typed.measures)
        saved = words.saved_new.split("{name}")[0]
        assert f"{saved}{typed.name}".replace("*", "") in shown.replace("*", ""), shown


def checkins(person: Person, content: Content, given: Given) -> None:
    """Three check-ins in the form (yesterday, last tuesday, 3 Dec), one left with cancel and
    taken up again, and one in a line."""
    form, labels = content.checkin.form, content.checkin.went
    today = local_today()
    okafor, patel, friends, association = (p.name for p in PLAN[:4])

    def log(
        who: str, name: str, when: str, went: str | None, notes: tuple[str, ...], measures: int
    ) -> str:
        person.type("/checkin")
        assert form.relationship in person.shown
        option = next(o for n, o in OFFERED.findall(person.shown) if o.startswith(f"{name} ("))
        person.type(who or person.number_of(option))  # a name, or the number shown
        assert form.when in person.shown
        person.type(when)
        assert form.went in person.shown
        person.type("" if went is None else person.number_of(getattr(labels, went)))
        assert form.notes in person.shown
        shown = person.type_lines(*notes) if len(notes) > 1 else person.paste(notes[0])
        if measures:
            assert form.measures in shown
            # Only the measures of the relationship chosen are offered.
            offered = shown.split(form.measures, 1)[1]
            others = [m for p in PLAN if p.name != name for m in p.measures]
            assert [m for m in others if m in offered] == []
            typed = next(p for p in PLAN if p.name == name).measures[:measures]
            chosen = [person.number_of(f"{name}: {m}") for m in typed]
            shown = person.type(",".join(chosen))
        return shown

    notes = ("We agreed the databases line in next year's budget.", "She wants a one-page summary.")
    shown = log("okafor", okafor, "yesterday", "well", notes, measures=2)
    day = today - timedelta(days=1)
    assert f"{okafor} on {day_shown(content, day)}" in shown.replace("*", "")
    given.checkins.append((okafor, day, "well", "\n".join(notes), PLAN[0].measures, "form"))

    notes = (
        "Co-planned the research unit.\n\nShe worries about time; I offered the first lesson.",
    )
    shown = log("", patel, "last tuesday", "mixed", notes, measures=1)
    day = last_weekday(today, 1)
    assert f"{patel} on {day_shown(content, day)}" in shown.replace("*", "")
    given.checkins.append((patel, day, "mixed", notes[0], PLAN[1].measures, "form"))

    # The third: left with cancel at its notes, and taken up again with what was given kept.
    person.type("/checkin")
    person.choose(next(o for n, o in OFFERED.findall(person.shown) if o.startswith(friends)))
    person.type("3 Dec")
    person.type("")  # how it went: left empty
    shown = person.type("cancel")
    assert content.coach.console.form_left_kept in shown
    shown = person.type("/checkin")
    assert content.coach.general.draft_kept in shown
    person.type("")  # who: kept
    day = latest(today, 12, 3)
    assert f"│ {day.isoformat()}" in person.shown  # the day "3 Dec" meant, kept
    person.type("")
    person.type("")
    note = "Book sale table confirmed for the spring fair."
    shown = person.type(note)
    assert content.checkin.form.measures in shown
    shown = person.type("")  # no measure served
    assert f"{friends} on {day_shown(content, day)}" in shown.replace("*", "")
    given.checkins.append((friends, day, None, note, (), "form"))

    # In one line, the name said loosely.
    quick = "offered a session on school library advocacy"
    shown = person.type(f"/checkin state library association: {quick}")
    assert f"{association} on {day_shown(content, today)}" in shown.replace("*", "")
    given.checkins.append((association, today, None, quick, (), "quick"))


def rate(person: Person, content: Content, given: Given, count: int) -> None:
    """Rate the next `count` competencies, as asked."""
    question = content.assessment.competencies.question
    asked = re.compile(re.escape(question).replace(re.escape("{competency}"), "(.+)"))
    for _ in range(count):
        [name] = asked.findall(person.shown)[-1:]
        rating = [4, 3, 5, 2, 1][len(given.ratings) % 5]
        person.choose(
            content.assessment.rating.point.format(value=rating, label=label(content, rating))
        )
        given.rated.append(name)
        given.ratings.append(rating)


def label(content: Content, value: int) -> str:
    return next(p.label for p in content.assessment.rating.points if p.value == value)


def start_assessment(person: Person, content: Content, given: Given) -> None:
    """The competencies: three rated on the first page, then Ctrl-D."""
    person.type("/coach assess")
    after = person.shown.split(content.assessment.competencies.button, 1)[1]
    [(number, _)] = OFFERED.findall(after)[:1]
    person.type(number)
    rate(person, content, given, 3)
    shown = person.eof()
    assert content.coach.console.form_left_kept in shown


def resume_assessment(person: Person, content: Content, given: Given) -> None:
    """In a new chat: resume; the three ratings are offered back, kept with Enter; the rest."""
    shown = person.type("resume")
    assert content.coach.general.draft_kept in shown
    point = content.assessment.rating.point
    for rating in given.ratings:
        assert f"│ {point.format(value=rating, label=label(content, rating))}" in person.shown
        person.type("")  # kept as it was
    total = len(content.assessment.competencies.competencies)
    rate(person, content, given, total - len(given.ratings))


def export(person: Person, content: Content, tmp_path: Path) -> tuple[Path, Path, Path]:
    shown = person.type("/export")
    assert content.coach.toolkit.export_ready in shown
    [folder] = (tmp_path / "lantern-exports" / "ana").glob("reflection-guide-*")
    [markdown] = folder.glob("*.md")
    [word] = folder.glob("*.docx")
    [data] = folder.glob("*.json")
    for path in (markdown, word, data):
        assert f"Saved: {path.relative_to(tmp_path)}" in shown
    return markdown, word, data


# -- what was kept ----------------------------------------------------------------------------


def test_a_person_types_naturally_and_not_one_word_is_lost(
    tmp_path: Path, content: Content
) -> None:
    started = time.monotonic()
    given = Given()
    with PtyChat.start(tmp_path, tz=TIME_ZONE) as chat:
        person = Person(chat)
        person.start()
        toolkit_step(person, content, given)
        plan(person, content)
        checkins(person, content, given)
        start_assessment(person, content, given)
        person.leave()
    with PtyChat.start(tmp_path, tz=TIME_ZONE) as chat:
        person2 = Person(chat)
        person2.start()
        resume_assessment(person2, content, given)
        markdown, word, data = export(person2, content, tmp_path)
        person2.leave()
    elapsed = time.monotonic() - started

    # What the screen showed: never a log line or a traceback.
    for transcript in (*person.transcripts, *person2.transcripts):
        for never in NEVER_ON_SCREEN:
            assert never not in transcript, never

    step = content.toolkit.steps[0]
    commands = {w.casefold() for ws in content.coach.keywords.by_id().values() for w in ws}

    # The database.
    database = Database(chat_database_url(tmp_path))
    try:
        with database.reading() as uow:
            session = uow.session
            answers = {a.question_id: a.text for a in session.scalars(select(Answer))}
            ticks = {t.item_id for t in session.scalars(select(ChecklistTick))}
            relationships = list(session.scalars(select(Relationship).order_by(Relationship.id)))
            logged = list(session.scalars(select(CheckIn).order_by(CheckIn.id)))
            [assessment] = session.scalars(select(SelfAssessment))
            drafts = list(session.scalars(select(FormDraft)))
            stored_relationships = [
                (
                    r.name,
                    r.kind,
                    r.constituency,
                    r.constituency_label,
                    r.cadence,
                    r.cadence_days,
                    r.strategies,
                    tuple(r.success_measures),
                )
                for r in relationships
            ]
            by_id = {r.id: r.name for r in relationships}
            stored_checkins = [
                (
                    by_id[c.relationship_id],
                    c.happened_on,
                    c.went,
                    c.notes,
                    tuple(c.measures),
                    c.source,
                )
                for c in logged
            ]
            ratings = dict(assessment.answers)
            finished = assessment.finished_at is not None
    finally:
        database.dispose()

    assert answers == given.answers  # every answer, and nothing else (no skip, back or more)
    assert ticks == given.ticked
    expected_relationships = [
        (
            p.name,
            p.kind,
            p.constituency,
            p.own_label,
            *p.stored_cadence,
            "\n".join(p.strategies),
            p.measures,
        )
        for p in PLAN
    ]
    assert stored_relationships == expected_relationships
    assert stored_checkins == given.checkins
    slugs = content.assessment.competencies.competencies
    assert ratings == {
        f"competencies/{slug}": rating for slug, rating in zip(slugs, given.ratings, strict=True)
    }
    assert given.rated == [content.competencies.competency(s).name for s in slugs]
    assert finished
    assert drafts == []  # everything sent: nothing waits
    stored_words = [
        *answers.values(),
        *(s for r in stored_relationships for s in (r[3] or "", r[6] or "", *r[7])),
        *(c[3] or "" for c in stored_checkins),
    ]
    assert not {w.strip().casefold() for w in stored_words} & commands

    # The JSON: the same, as data.
    tables = json.loads(data.read_text(encoding="utf-8"))["tables"]
    assert {a["question_id"]: a["text"] for a in tables["answers"]} == given.answers
    assert {t["item_id"] for t in tables["checklist_ticks"]} == given.ticked
    assert [
        (
            r["name"],
            r["kind"],
            r["constituency"],
            r["constituency_label"],
            r["cadence"],
            r["cadence_days"],
            r["strategies"],
            tuple(r["success_measures"]),
        )
        for r in tables["relationships"]
    ] == expected_relationships
    names = {r["id"]: r["name"] for r in tables["relationships"]}
    assert [
        (
            names[c["relationship_id"]],
            date.fromisoformat(c["happened_on"]),
            c["went"],
            c["notes"],
            tuple(c["measures"]),
            c["source"],
        )
        for c in tables["checkins"]
    ] == given.checkins
    [exported] = tables["self_assessments"]
    assert exported["answers"] == ratings
    assert tables["form_drafts"] == []

    # The Reflection Guide: each answer with its line breaks (a hard break in Markdown, a line
    # break in Word), the ticked items, and each rating.
    text = markdown.read_text(encoding="utf-8")
    for question_id, answer in given.answers.items():
        paragraphs = ["\\\n".join(p.split("\n")) for p in answer.split("\n\n")]
        assert "\n\n".join(paragraphs) in text, question_id
    for item in step.checklist:
        mark = content.coach.toolkit.guide_ticked if item.id in given.ticked else None
        if mark is not None:
            assert flat(f"- {mark} {item.action} {item.text}") in flat(text), item.id
    point = content.assessment.rating.point
    for name, rating in zip(given.rated, given.ratings, strict=True):
        shown = point.format(value=rating, label=label(content, rating))
        assert f"- **{name}**: {shown}" in text, name
    document = docx.Document(str(word))
    paragraphs = [p.text for p in document.paragraphs]
    for answer in given.answers.values():
        assert answer in paragraphs
    cells = [
        tuple(cell.text for cell in row.cells) for table in document.tables for row in table.rows
    ]
    for name, rating in zip(given.rated, given.ratings, strict=True):
        assert (name, point.format(value=rating, label=label(content, rating))) in cells

    assert elapsed < WALK_SECONDS, elapsed
