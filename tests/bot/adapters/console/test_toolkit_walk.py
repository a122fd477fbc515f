"""The whole toolkit in the terminal, walked the way a person does it: reading the numbered
choices on the screen and typing their numbers, typing answers, filling in forms field by field,
and finally exporting the Reflection Guide into the exports folder.

Nothing is hard-coded about the toolkit: every step, question, checklist item, tip, Think Out
Loud question and work section comes from the content model.
"""

from __future__ import annotations

import io
import queue
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import docx
import pytest
from sqlalchemy import select

from bot.adapters.console.chat import ConsoleChat, terminal_console
from bot.engine.turns import Engine
from content import Content
from content.toolkit import Step
from content.work import WorkField, WorkSection
from storage.database import Database
from storage.models import Answer, ChecklistTick, WorkRecord
from tests.toolkit_coverage import (
    assert_everything_was_shown,
    first_shown,
    records_for,
    shown_values,
)

WALK_SECONDS = 20.0
WAIT = 20.0  # seconds to wait for the chat to ask for the next line
OFFERED = re.compile(r"^\s*\[(\d+)\] (.+?)\s*$", re.MULTILINE)


def norm(text: str) -> str:
    """Whitespace-insensitive text: how a person reads it, wherever the lines were broken."""
    return " ".join(text.split())


class Terminal:
    """`lantern chat` on a thread: it types a line whenever the chat asks for one, and reads
    everything the chat printed since (its "screen")."""

    def __init__(self, engine: Engine, exports: Path) -> None:
        self._output = io.StringIO()
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._asks: queue.Queue[tuple[str, str] | None] = queue.Queue()
        self._read_up_to = 0
        self.chat = ConsoleChat(
            engine=engine,
            user_id="ana",
            time_zone="Europe/London",
            read=self._read,
            console=terminal_console(self._output, width=100_000),
            exports=exports,
        )
        self.screens: list[str] = []
        self.screen = ""
        self.prompt = ""
        self.finished = False
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True, name="lantern-chat")

    def _read(self, prompt: str) -> str | None:
        printed = self._output.getvalue()
        self._asks.put((prompt, printed[self._read_up_to :]))
        self._read_up_to = len(printed)
        return self._lines.get(timeout=WAIT)

    def _run(self) -> None:
        try:
            self.chat.run()
        except BaseException as error:  # re-raised in the test's thread
            self._error = error
        finally:
            self._asks.put(None)

    def _next(self) -> str:
        asked = self._asks.get(timeout=WAIT)
        if self._error is not None:
            raise self._error
        if asked is None:
            self.finished = True
            self.screen = self._output.getvalue()[self._read_up_to :]
        else:
            self.prompt, self.screen = asked
        self.screens.append(self.screen)
        return self.screen

    def start(self) -> str:
        self._thread.start()
        return self._next()

    def type(self, line: str) -> str:
        assert not self.finished, "the chat has ended"
        self._lines.put(line)
        return self._next()

    def offered(self) -> dict[str, str]:
        """The numbered choices on the screen now, label -> number."""
        return {label: number for number, label in OFFERED.findall(self.screen)}

    def choose(self, label: str) -> str:
        offered = self.offered()
        assert label in offered, f"no [n] {label!r} on the screen; offered: {sorted(offered)}"
        return self.type(offered[label])

    def close(self) -> None:
        if not self.finished:
            self._lines.put(None)  # Ctrl-D
        self._thread.join(timeout=WAIT)

    @property
    def transcript(self) -> str:
        return norm("\n".join(self.screens))

    def saw(self, text: str) -> bool:
        return norm(text) in self.transcript


# -- what the person writes -------------------------------------------------------------------


def answer_for(question_id: str) -> str:
    return f"Terminal answer {question_id}: I asked what they needed before offering anything"


def field_value(work_field: WorkField, n: int) -> str:
    """Values as a person picks them; choices are option values, typed as their numbers."""
    if work_field.kind == "text":
        return f"Terminal {work_field.name} {n}"[: work_field.max_length]
    if work_field.kind == "long_text":
        return f"Terminal {work_field.name} note {n} typed line by line"
    if work_field.kind == "scale":
        return "" if n == 3 else str(3 if n == 1 else 9)  # the third is off the line
    options = [option.value for option in work_field.options]
    if work_field.kind == "choice":
        return options[n % len(options)]
    return ",".join(options[: 1 + n % len(options)])


@dataclass
class Given:
    answers: dict[tuple[str, str], str] = field(default_factory=dict)
    ticked: set[tuple[str, str]] = field(default_factory=set)
    records: dict[str, list[dict[str, str]]] = field(default_factory=dict)


# -- the walk, one part of a step at a time ---------------------------------------------------


def tick(term: Terminal, content: Content, step: Step, given: Given) -> None:
    """Tick the first and last items from the checklist shown with the step's first question."""
    words = content.coach.toolkit
    for item_id in dict.fromkeys((step.checklist[0].id, step.checklist[-1].id)):
        position = [i.id for i in step.checklist].index(item_id) + 1
        term.choose(words.tick_label.format(position=position))
        assert words.untick_label.format(position=position) in term.offered()
        given.ticked.add((step.id, item_id))
    lines = term.screen.splitlines()
    marks = [line.split()[0] for line in lines if line.lstrip().startswith(("☑", "☐"))]
    assert marks == [
        words.ticked_mark if (step.id, i.id) in given.ticked else words.unticked_mark
        for i in step.checklist
    ]


def answer_questions(term: Terminal, content: Content, step: Step, given: Given) -> None:
    """The second question in its form, line by line; the others typed at the prompt."""
    words = content.coach.toolkit
    questions = step.reflection_questions
    for index, question in enumerate(questions):
        asked = words.question.format(position=index + 1, total=len(questions), text=question.text)
        # After ticking, the question waits above the checklist: it is still the one asked.
        assert norm(asked.replace("*", "")) in term.transcript, question.id
        text = answer_for(question.id)
        if index == 1:
            term.choose(content.coach.labels.answer_in_form)
            assert norm(question.text) in norm(term.screen)  # the field's label
            # A multi-line field takes one answer: no empty line to end it (a paste or
            # Alt-Enter puts several lines in that one answer where the terminal allows).
            term.type(text)
        else:
            term.type(text)
        given.answers[(step.id, question.id)] = text
        assert words.answer_saved in term.screen
    assert words.questions_done.format(number=step.number) in term.screen


def read_tips(term: Terminal, content: Content, step: Step) -> None:
    labels = content.coach.labels
    if not step.tips:
        assert labels.tips not in term.offered()
        return
    term.choose(labels.tips)
    for tip in step.tips:
        for text in (tip.title, *tip.text.split("\n\n"), *tip.items):
            if text:
                assert norm(text) in norm(term.screen), tip.id


def think_out_loud(term: Terminal, content: Content, step: Step, given: Given) -> None:
    labels = content.coach.labels
    questions = step.current_conversation.think_out_loud
    if not questions:
        assert labels.think_out_loud not in term.offered()
        return
    term.choose(labels.think_out_loud)
    assert norm(step.current_conversation.text) in norm(term.screen)
    for think in questions:
        assert norm(think.text) in norm(term.screen)
        text = answer_for(think.id)
        term.type(text)
        given.answers[(step.id, think.id)] = text
    assert content.coach.toolkit.think_done in term.screen


def fill_form(term: Terminal, section: WorkSection, record: dict[str, str]) -> None:
    """Answer the form's prompts one field at a time, as they come."""
    for work_field in section.fields:
        value = record[work_field.name]
        assert norm(work_field.label) in norm(term.screen), work_field.name
        if work_field.kind == "scale":
            if value:
                assert f"[{value}]" in term.screen  # the scale is typed as its own numbers
            term.type(value)
        elif work_field.options:
            numbers = term.offered()  # the options, numbered on the screen
            labels = {o.value: o.label for o in work_field.options} or {v: v for v in numbers}
            term.type(",".join(numbers[labels[v]] for v in value.split(",") if v))
        else:
            term.type(value)


def do_work(term: Terminal, content: Content, step: Step, given: Given) -> None:
    words = content.coach.toolkit
    labels = content.coach.labels
    for section in content.toolkit_work.for_step(step.id):
        term.choose(section.title)
        assert norm(section.intro) in norm(term.screen)
        for n, record in enumerate(records_for(section, field_value), start=1):
            term.choose(labels.add_record if section.repeat else labels.fill_in)
            assert section.form_title in term.screen
            fill_form(term, section, record)
            assert words.work_saved in term.screen
            assert f"{n}. {first_shown(section, record)}" in term.screen
            if section.picture is not None:
                # Saved as a file of the person's, right after the work was added.
                saved = term.chat.exports / "ana" / f"{section.id}.png"
                assert f"Picture saved: {saved}" in norm(term.screen)
                assert saved.read_bytes().startswith(b"\x89PNG")
            given.records.setdefault(section.id, []).append(record)
        term.choose(labels.done_with_work)
        assert words.menu_heading.format(number=step.number).replace("*", "") in term.screen


def read_summary(term: Terminal, content: Content, step: Step, given: Given) -> None:
    term.choose(content.coach.labels.summary)
    screen = norm(term.screen)
    assert norm(content.coach.toolkit.step_done.format(number=step.number).replace("*", "")) in (
        screen
    )
    for (step_id, _), answer in given.answers.items():
        if step_id == step.id:
            assert norm(answer) in screen
    for section in content.toolkit_work.for_step(step.id):
        for record in given.records.get(section.id, []):
            assert first_shown(section, record) in screen
        if section.picture is not None:
            assert f"{section.id}.png" in screen


@pytest.fixture
def terminal(engine: Engine, tmp_path: Path) -> Iterable[Terminal]:
    term = Terminal(engine, tmp_path / "exports")
    yield term
    term.close()


def test_a_person_walks_all_seven_steps_in_the_terminal_and_exports_the_guide(
    terminal: Terminal, content: Content, database: Database
) -> None:
    started = time.monotonic()
    term = terminal
    words = content.coach.toolkit
    labels = content.coach.labels
    given = Given()

    term.start()
    term.choose(labels.start_toolkit)
    assert words.overview_heading.replace("*", "") in term.screen
    steps = content.toolkit.steps
    term.choose(words.open_label.format(number=1))
    for step in steps:
        heading = words.step_heading.format(number=step.number, question=step.guiding_question)
        assert heading.replace("*", "") in term.screen
        # Steps 4 and 6 show again the picture of earlier work, saved as a file.
        for section in content.toolkit_work.shown_in(step.id):
            assert f"{section.id}.png" in term.screen
        tick(term, content, step, given)
        answer_questions(term, content, step, given)
        read_tips(term, content, step)
        think_out_loud(term, content, step, given)
        do_work(term, content, step, given)
        read_summary(term, content, step, given)
        if step is steps[-1]:
            assert words.toolkit_done in term.screen
        else:
            following = steps[steps.index(step) + 1]
            next_line = words.next_step.format(
                number=following.number, question=following.guiding_question
            )
            assert next_line.replace("*", "") in term.screen
            term.choose(labels.next_step)

    term.choose(labels.export)
    assert words.export_ready in term.screen
    # Each person's files in a folder of their own; each export in a new folder in it.
    [exports] = (term.chat.exports / "ana").glob("reflection-guide-*")
    [markdown] = exports.glob("reflection-guide-*.md")
    [word] = exports.glob("reflection-guide-*.docx")
    assert markdown.stem == word.stem
    for path in (markdown, word):
        assert f"Saved: {path}" in term.screen
    pictures = {s.id for s in content.toolkit_work.sections if s.picture}
    assert {p.stem for p in exports.glob("*.png")} == pictures
    for picture in pictures:  # written again by the export, next to the Markdown it links from
        assert f"Saved: {exports / f'{picture}.png'}" in term.screen
    term.type("/quit")
    assert term.finished
    assert content.coach.console.goodbye in term.screen

    text = markdown.read_text(encoding="utf-8")
    flat = norm(text)
    for (_, question_id), answer in given.answers.items():
        if "\n" in answer:  # kept as a hard line break
            assert answer.replace("\n", "\\\n") in text, question_id
        else:
            assert norm(answer) in flat, question_id
    for section_id, records in given.records.items():
        section = content.toolkit_work.section(section_id)
        for record in records:
            for value in shown_values(section, record):
                assert f"| {value} |" in flat or f"| {value}" in flat, (section_id, value)
    for step_id, item_id in given.ticked:
        item = next(i for i in content.toolkit.step(step_id).checklist if i.id == item_id)
        assert norm(f"- {words.guide_ticked} {item.action} {item.text}") in flat
    for picture in pictures:
        assert f"({picture}.png)" in text  # linked next to the Markdown file
    document = docx.Document(str(word))
    assert set(given.answers.values()) <= {p.text for p in document.paragraphs}

    with database.unit_of_work() as uow:
        answers = {(a.step_id, a.question_id): a.text for a in uow.session.scalars(select(Answer))}
        ticks = {(t.step_id, t.item_id) for t in uow.session.scalars(select(ChecklistTick))}
        rows = list(uow.session.scalars(select(WorkRecord)))
        stored = {s: [dict(r.data) for r in rows if r.section_id == s] for s in given.records}
    assert answers == given.answers
    assert ticks == given.ticked
    assert stored == {
        s: [{k: v for k, v in r.items() if v} for r in rs] for s, rs in given.records.items()
    }

    assert_everything_was_shown(term.saw, content)
    assert time.monotonic() - started < WALK_SECONDS


def test_from_the_checklist_a_number_leads_back_to_the_steps_menu(
    terminal: Terminal, content: Content
) -> None:
    labels = content.coach.labels
    step = content.toolkit.steps[0]
    term = terminal
    term.start()
    term.type(f"/toolkit {step.number}")
    term.choose(labels.more_in_step)
    term.choose(labels.checklist)
    term.choose(content.coach.toolkit.tick_label.format(position=1))
    offered = term.offered()
    assert labels.done_with_work in offered or labels.more_in_step in offered, sorted(offered)
