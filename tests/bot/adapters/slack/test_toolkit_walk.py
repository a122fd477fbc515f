"""The whole toolkit in Slack, walked the way a person does it: pressing the buttons the app
rendered, answering in the DM and in modals, ticking, adding work, reading the summaries, and
finally exporting the Reflection Guide. Everything the source says must have been shown.

Nothing is hard-coded about the toolkit: every step, question, checklist item, tip, Think Out
Loud question and work section comes from the content model.
"""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass, field
from typing import Any

import docx
import pytest
from sqlalchemy import select

from content import Content
from content.toolkit import Step
from content.work import WorkField
from storage.models import Answer, AnswerRevision, ChecklistTick, WorkRecord
from tests.bot.adapters.slack.harness import (
    DM,
    HttpResponse,
    SlackHarness,
    all_text,
    buttons,
)
from tests.bot.adapters.slack.slack_text import escaped
from tests.fakes.slack_api import ApiCall
from tests.toolkit_coverage import (
    assert_everything_was_shown,
    first_shown,
    records_for,
    shown_values,
)

WALK_SECONDS = 20.0
ANSWER_LIMIT = 3000  # coach.reflect.max_length, checked against content below
ENTITY = re.compile(r"&(?!amp;|lt;|gt;)")


def norm(text: str) -> str:
    """Whitespace-insensitive text: how a person reads it, wherever the lines were broken."""
    return " ".join(text.split())


# -- Block Kit limits -------------------------------------------------------------------------


def check_message_blocks(blocks: list[dict[str, Any]], where: str) -> None:
    """Slack refuses (or mangles) a message that breaks these; the app promises to stay within."""
    assert 0 < len(blocks) <= 50, f"{where}: {len(blocks)} blocks"
    action_ids: list[str] = []
    for block in blocks:
        kind = block["type"]
        if kind == "section":
            text = block["text"]["text"]
            assert 0 < len(text) <= 3000, f"{where}: a section of {len(text)} characters"
            assert not ENTITY.search(text), f"{where}: an entity cut in two in {text[-20:]!r}"
        elif kind == "actions":
            assert 0 < len(block["elements"]) <= 25, f"{where}: {len(block['elements'])} buttons"
            for element in block["elements"]:
                assert len(element["text"]["text"]) <= 75, f"{where}: {element['text']}"
                assert len(element.get("value", "")) <= 2000, f"{where}: a long button value"
                assert len(element["action_id"]) <= 255
                action_ids.append(element["action_id"])
        elif kind == "context":
            assert 0 < len(block["elements"]) <= 10
            for element in block["elements"]:
                assert len(element["text"]) <= 3000
        else:
            raise AssertionError(f"{where}: unexpected block type {kind}")
    assert len(action_ids) == len(set(action_ids)), f"{where}: action_ids repeat: {action_ids}"


def check_modal(view: dict[str, Any]) -> None:
    assert view["type"] == "modal"
    assert len(view["title"]["text"]) <= 24
    assert len(view["submit"]["text"]) <= 24
    assert len(view.get("private_metadata", "")) <= 3000
    assert len(view["callback_id"]) <= 255
    assert 0 < len(view["blocks"]) <= 100
    for block in view["blocks"]:
        if block["type"] == "section":
            assert 0 < len(block["text"]["text"]) <= 3000
            continue
        assert block["type"] == "input", block
        assert len(block["label"]["text"]) <= 2000
        assert len(block.get("hint", {}).get("text", "")) <= 2000
        element = block["element"]
        if element["type"] == "plain_text_input":
            limit = element.get("max_length", 3000)
            assert limit <= 3000
            assert len(element.get("initial_value", "")) <= limit
        else:
            options = element["options"]
            assert element["type"] in {"static_select", "checkboxes"}
            assert 0 < len(options) <= (10 if element["type"] == "checkboxes" else 100)
            for option in options:
                assert len(option["text"]["text"]) <= 75
                assert len(option["value"]) <= 150


def section_texts(blocks: list[dict[str, Any]]) -> list[str]:
    return [block["text"]["text"] for block in blocks if block["type"] == "section"]


# -- a person in Slack ------------------------------------------------------------------------


@dataclass
class Batch:
    """What the app did in answer to one thing the person did."""

    calls: list[ApiCall]
    ephemeral: list[dict[str, Any]] = field(default_factory=list)  # a command's own answer

    @property
    def posts(self) -> list[ApiCall]:
        # A checklist tick updates its message in place (chat.update) instead of posting anew.
        return [c for c in self.calls if c.method in {"chat.postMessage", "chat.update"}]

    @property
    def blocks(self) -> list[dict[str, Any]]:
        return [b for post in self.posts for b in post.args["blocks"]] + self.ephemeral

    @property
    def text(self) -> str:
        return all_text(self.blocks)

    @property
    def modal(self) -> dict[str, Any]:
        [opened] = [c for c in self.calls if c.method == "views.open"]
        view: dict[str, Any] = opened.args["view"]
        return view

    def uploaded_names(self) -> list[str]:
        return [
            str(c.args["filename"]) for c in self.calls if c.method == "files.getUploadURLExternal"
        ]

    def uploads(self) -> list[bytes]:
        return [c.args["content"] for c in self.calls if c.method == "file.upload"]


class Person:
    """Drives the app through the harness and keeps everything it was shown."""

    def __init__(self, slack: SlackHarness) -> None:
        self.slack = slack
        self.cursor = len(slack.fake.calls)
        self.shown: list[str] = []
        self.rendered: dict[str, dict[str, Any]] = {}  # every button value ever shown
        self.last = Batch([])

    # what came back

    def _after(self, response: HttpResponse, *, ephemeral: bool = False) -> Batch:
        assert response.status == 200, response.text
        self.slack.drain()
        calls = self.slack.fake.calls[self.cursor :]
        self.cursor += len(calls)
        batch = Batch(calls, response.json()["blocks"] if ephemeral else [])
        if ephemeral:
            check_message_blocks(batch.ephemeral, "the command's ephemeral answer")
        for call in calls:
            if call.method in {"chat.postMessage", "chat.update"}:
                check_message_blocks(call.args["blocks"], f"a message: {call.args['text'][:60]}")
                assert len(call.args["text"]) <= 3000
            elif call.method == "views.open":
                check_modal(call.args["view"])
                view = call.args["view"]
                self.shown.append(norm(all_text(view["blocks"])))
                self.shown += [norm(b["label"]["text"]) for b in view["blocks"] if "label" in b]
        self.shown.append(norm(batch.text))
        for element in buttons(batch.blocks):
            self.rendered[element["value"]] = element
        self.last = batch
        return batch

    def saw(self, text: str) -> bool:
        wanted = norm(escaped(text))
        return any(wanted in shown for shown in self.shown)

    # what the person does

    def command(self, text: str) -> Batch:
        response = self.slack.command("/coach", text, channel=DM)
        return self._after(response, ephemeral=bool(response.body))

    def press(self, value: str, *, scrolling_up: bool = False) -> Batch:
        """Press a button the app rendered: in the latest answer, or (scrolling up) earlier."""
        latest = {element["value"]: element for element in buttons(self.last.blocks)}
        if value in latest:
            return self._after(self.slack.press(latest[value]))
        assert scrolling_up, f"no button {value!r} in the latest answer: {sorted(latest)}"
        assert value in self.rendered, f"the app never rendered a button {value!r}"
        return self._after(self.slack.press(self.rendered[value]))

    def say(self, text: str) -> Batch:
        return self._after(self.slack.dm(escaped(text)))

    def submit(self, view: dict[str, Any], state: dict[str, dict[str, Any]]) -> Batch:
        """Submit a modal with this state, shaped as Slack shapes view_submission."""
        response = self.slack.submit_view_state(view, state)
        assert response.body == b"", response.text  # no errors: the modal closes
        return self._after(response)


def text_state(view: dict[str, Any], text: str) -> dict[str, dict[str, Any]]:
    [block] = [b for b in view["blocks"] if b["type"] == "input"]
    return {block["block_id"]: {"value": {"type": "plain_text_input", "value": text}}}


def work_state(view: dict[str, Any], record: dict[str, str]) -> dict[str, dict[str, Any]]:
    """The state Slack sends for a filled-in work form: text, a select, or checkboxes."""
    state: dict[str, dict[str, Any]] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        value = record.get(block["block_id"], "")
        by_value = {option["value"]: option for option in element.get("options", [])}
        if element["type"] == "plain_text_input":
            entry: dict[str, Any] = {"type": "plain_text_input", "value": value or None}
        elif element["type"] == "static_select":
            entry = {"type": "static_select", "selected_option": by_value.get(value)}
        elif element["type"] == "checkboxes":
            chosen = [by_value[v] for v in value.split(",") if v]
            entry = {"type": "checkboxes", "selected_options": chosen}
        else:
            raise AssertionError(f"unexpected form element {element['type']}")
        state[block["block_id"]] = {element["action_id"]: entry}
    return state


# -- what the person writes -------------------------------------------------------------------


def answer_for(question_id: str) -> str:
    return f"Walk answer {question_id}: I listened first and asked one more question"


def field_value(work_field: WorkField, n: int) -> str:
    if work_field.kind == "text":
        return f"Walk {work_field.name} {n}"[: work_field.max_length]
    if work_field.kind == "long_text":
        return f"Walk {work_field.name} note {n} written in the form"
    if work_field.kind == "scale":
        return "" if n == 3 else str(2 if n == 1 else 8)  # the third is off the line
    options = [option.value for option in work_field.options]
    if work_field.kind == "choice":
        return options[n % len(options)]
    return ",".join(options[: 1 + n % len(options)])  # choices: one, then two, ...


def choice(action: str, argument: str = "") -> str:
    return f"toolkit:{action}:{argument}"


# -- the walk ---------------------------------------------------------------------------------


@dataclass
class Given:
    answers: dict[tuple[str, str], str] = field(default_factory=dict)
    ticked: set[tuple[str, str]] = field(default_factory=set)
    records: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    picture_uploads: dict[str, int] = field(default_factory=dict)


def answer_questions(person: Person, content: Content, step: Step, given: Given) -> None:
    """Answer every question as it comes: the second in a modal, the others in the DM."""
    words = content.coach.toolkit
    questions = step.reflection_questions
    for index, question in enumerate(questions):
        asked = words.question.format(position=index + 1, total=len(questions), text=question.text)
        assert norm(escaped(asked)) in norm(person.last.text), f"not asked: {question.id}"
        key = f"{step.id}/{question.id}"
        text = answer_for(question.id)
        if index == 1:
            opened = person.press(choice("form", key))
            view = opened.modal
            assert view["private_metadata"] == key
            assert not opened.posts  # the modal is the answer to the press
            person.submit(view, text_state(view, text))
        else:
            person.say(text)
        given.answers[(step.id, question.id)] = text
        assert words.answer_saved in person.last.text
    assert escaped(words.questions_done.format(number=step.number)) in person.last.text


def tick(person: Person, content: Content, step: Step, given: Given) -> None:
    """Open the checklist from the menu and tick its first and last items."""
    words = content.coach.toolkit
    person.press(choice("checklist", step.id), scrolling_up=True)
    for item in dict.fromkeys((step.checklist[0].id, step.checklist[-1].id)):
        after = person.press(choice("tick", f"{step.id}/{item}"))
        position = [i.id for i in step.checklist].index(item) + 1
        shown = {b["value"]: b["text"]["text"] for b in buttons(after.blocks)}
        assert shown[choice("tick", f"{step.id}/{item}")] == words.untick_label.format(
            position=position
        )
        given.ticked.add((step.id, item))
    lines = person.last.text.split("\n")
    marks = [line.split(" ", 1)[0] for line in lines if line.startswith(("☑", "☐"))]
    expected = [
        words.ticked_mark if (step.id, i.id) in given.ticked else words.unticked_mark
        for i in step.checklist
    ]
    assert marks == expected


def do_work(person: Person, content: Content, step: Step, given: Given) -> None:
    """Add every record of every work section of the step through its form."""
    words = content.coach.toolkit
    labels = content.coach.labels
    for section in content.toolkit_work.for_step(step.id):
        shown = person.press(choice("work", section.id), scrolling_up=True)
        assert norm(escaped(section.intro)) in norm(shown.text)
        for n, record in enumerate(records_for(section, field_value), start=1):
            label = labels.add_record if section.repeat else labels.fill_in
            offered = {b["value"]: b["text"]["text"] for b in buttons(person.last.blocks)}
            assert offered.get(choice("add", section.id)) == label
            view = person.press(choice("add", section.id)).modal
            assert view["title"]["text"] == section.form_title
            assert [b["block_id"] for b in view["blocks"] if b["type"] == "input"] == [
                f.name for f in section.fields
            ]
            saved = person.submit(view, work_state(view, record))
            assert words.work_saved in saved.text
            first = first_shown(section, record)
            assert f"{n}. {escaped(first)}" in saved.text  # the list as it is now, numbered
            if section.picture is not None:
                # The picture is drawn from the records as they now are, and uploaded after.
                names = saved.uploaded_names()
                assert names == [f"{section.id}.png"], names
                assert saved.uploads()[0].startswith(b"\x89PNG")
                assert saved.calls.index(saved.posts[-1]) < [c.method for c in saved.calls].index(
                    "files.getUploadURLExternal"
                )
                given.picture_uploads[section.id] = given.picture_uploads.get(section.id, 0) + 1
            given.records.setdefault(section.id, []).append(record)
        person.press(choice("menu", step.id))  # Done
        assert escaped(words.menu_heading.format(number=step.number)) in person.last.text


def read_tips(person: Person, content: Content, step: Step) -> None:
    if not step.tips:
        values = {b["value"] for b in buttons(person.last.blocks)}
        assert choice("tips", step.id) not in values
        return
    person.press(choice("tips", step.id))
    for tip in step.tips:
        if tip.kind in {"sample_email", "meeting_outline"}:
            # Ready to copy: preformatted, so it is in a ``` section.
            assert any(
                all(norm(escaped(part)) in norm(text) for part in tip.text.split("\n\n"))
                for text in section_texts(person.last.blocks)
                if text.startswith("```")
            ), tip.id


def think_out_loud(person: Person, content: Content, step: Step, given: Given) -> None:
    questions = step.current_conversation.think_out_loud
    if not questions:
        values = {b["value"] for b in buttons(person.last.blocks)}
        assert choice("think", step.id) not in values
        return
    person.press(choice("think", step.id))
    for think in questions:
        assert norm(escaped(think.text)) in norm(person.last.text)
        text = answer_for(think.id)
        person.say(text)
        given.answers[(step.id, think.id)] = text
    assert escaped(content.coach.toolkit.think_done) in person.last.text


def read_summary(person: Person, content: Content, step: Step, given: Given) -> Batch:
    summary = person.press(choice("summary", step.id))
    text = norm(summary.text)
    assert norm(escaped(content.coach.toolkit.step_done.format(number=step.number))) in text
    for (step_id, _), answer in given.answers.items():
        if step_id == step.id:
            assert norm(escaped(answer)) in text
    for section in content.toolkit_work.for_step(step.id):
        for record in given.records.get(section.id, []):
            assert escaped(first_shown(section, record)) in text
    # A step's own pictures, and the one its sections redraw (Step 6 redraws the map), once.
    sections = content.toolkit_work.for_step(step.id)
    pictures = {s.redraws or s.id for s in sections if s.picture or s.redraws}
    assert sorted(summary.uploaded_names()) == sorted(f"{p}.png" for p in pictures)
    edits = [b["value"] for b in buttons(summary.blocks) if b["value"].startswith("toolkit:edit")]
    assert edits == [choice("edit", f"{step.id}/{q.id}") for q in step.reflection_questions]
    return summary


def test_a_person_walks_all_seven_steps_and_exports_the_reflection_guide(
    slack: SlackHarness, content: Content
) -> None:
    started = time.monotonic()
    assert content.coach.reflect.max_length == ANSWER_LIMIT
    words = content.coach.toolkit
    person = Person(slack)
    given = Given()

    overview = person.command("toolkit")
    assert escaped(words.overview_heading) in overview.text
    assert not overview.posts  # the overview is the command's own (ephemeral) answer
    steps = content.toolkit.steps
    for step in steps:
        # The overview's "Step 1", then each summary's "Go to the next step".
        opened = person.press(choice("open", step.id))
        heading = words.step_heading.format(number=step.number, question=step.guiding_question)
        assert escaped(heading) in opened.text
        # Steps 4 and 6 show again the picture of earlier work (the continuum, the map).
        again = [f"{s.id}.png" for s in content.toolkit_work.shown_in(step.id) if s.picture]
        assert opened.uploaded_names() == again, step.id
        answer_questions(person, content, step, given)
        read_tips(person, content, step)
        think_out_loud(person, content, step, given)
        do_work(person, content, step, given)
        tick(person, content, step, given)
        person.press(choice("menu", step.id), scrolling_up=True)  # back to the step's menu
        summary = read_summary(person, content, step, given)
        following = [b["value"] for b in buttons(summary.blocks)][-1]
        if step is steps[-1]:
            assert escaped(words.toolkit_done) in summary.text
            assert following == choice("export")
        else:
            assert following == choice("open", steps[steps.index(step) + 1].id)

    # Every picture was uploaded once per record added.
    pictured = {s.id: len(given.records[s.id]) for s in content.toolkit_work.sections if s.picture}
    assert given.picture_uploads == pictured
    assert set(pictured) == {"continuum", "venn", "collaboration-map"}

    exported = person.press(choice("export"))
    assert escaped(words.export_ready) in exported.text
    [complete] = [c for c in exported.calls if c.method == "files.completeUploadExternal"]
    titles = sorted(f["title"] for f in complete.args["files"])
    names = exported.uploaded_names()
    assert sorted(names) == titles
    guide = [n for n in names if n.startswith("reflection-guide-")]
    [stem] = {name.rsplit(".", 1)[0] for name in guide}
    assert sorted(n.rsplit(".", 1)[1] for n in guide) == ["docx", "md"]
    # Everything else Lantern keeps about the person, as data, with the same date.
    data_file = stem.replace("reflection-guide-", "lantern-export-") + ".json"
    assert sorted(n for n in names if not n.endswith(".png")) == sorted([*guide, data_file])
    assert sorted(n for n in names if n.endswith(".png")) == sorted(f"{p}.png" for p in pictured)
    assert complete.args["channel_id"].startswith("D")
    contents = exported.uploads()
    [markdown] = [c.decode("utf-8") for c in contents if c.startswith(b"# ")]
    [word] = [c for c in contents if c.startswith(b"PK")]
    assert sum(c.startswith(b"\x89PNG") for c in contents) == len(pictured)

    flat = norm(markdown)
    for answer in given.answers.values():
        assert norm(answer) in flat
    for section_id, records in given.records.items():
        section = content.toolkit_work.section(section_id)
        for record in records:
            for value in shown_values(section, record):
                assert f"| {value} |" in flat or f"| {value}" in flat, (section_id, value)
    for step_id, item_id in given.ticked:
        item = next(i for i in content.toolkit.step(step_id).checklist if i.id == item_id)
        assert norm(f"- {words.guide_ticked} {item.action} {item.text}") in flat
    document = docx.Document(io.BytesIO(word))
    paragraphs = {p.text for p in document.paragraphs}
    assert set(given.answers.values()) <= paragraphs

    # And the walk left exactly that in the database.
    answers = {(a.step_id, a.question_id): a.text for a in slack.answers()}
    assert answers == given.answers
    with slack.db.unit_of_work() as uow:
        ticks = {(t.step_id, t.item_id) for t in uow.session.scalars(select(ChecklistTick))}
        rows = list(uow.session.scalars(select(WorkRecord)))
        stored = {s: [dict(r.data) for r in rows if r.section_id == s] for s in given.records}
    assert ticks == given.ticked
    expected = {
        s: [{k: v for k, v in r.items() if v} for r in rs] for s, rs in given.records.items()
    }
    assert stored == expected

    assert_everything_was_shown(person.saw, content)
    assert time.monotonic() - started < WALK_SECONDS


# -- two places at once ------------------------------------------------------------------------


def revisions(slack: SlackHarness, step_id: str, question_id: str) -> list[str]:
    with slack.db.unit_of_work() as uow:
        answer = uow.session.scalar(
            select(Answer).where(Answer.step_id == step_id, Answer.question_id == question_id)
        )
        assert answer is not None, (step_id, question_id)
        rows = uow.session.scalars(
            select(AnswerRevision)
            .where(AnswerRevision.answer_id == answer.id)
            .order_by(AnswerRevision.id)
        )
        return [row.text for row in rows]


def test_two_steps_open_in_two_places_do_not_corrupt_each_other(
    slack: SlackHarness, content: Content
) -> None:
    step1, step2 = content.toolkit.steps[:2]
    s1q1, s1q2 = step1.reflection_questions[:2]
    s2q1, s2q2 = step2.reflection_questions[:2]
    words = content.coach.toolkit
    person = Person(slack)

    person.command("toolkit 1")
    modal_1 = person.press(choice("form", f"step-1/{s1q1.id}")).modal  # a modal for Step 1...
    person.command("toolkit 2")  # ... while Step 2 goes on in the DM
    assert escaped(s2q1.text) in person.last.text
    modal_2 = person.press(choice("form", f"step-2/{s2q1.id}")).modal
    person.say("Step 2, first question, typed in the DM")
    assert escaped(s2q2.text) in person.last.text

    # Step 1's modal, submitted late, saves Step 1's answer and nothing of Step 2's, and
    # leaves the person where they are: at Step 2's second question.
    person.submit(modal_1, text_state(modal_1, "Step 1, first question, from the modal"))
    assert escaped(s2q2.text) in person.last.text
    assert escaped(s1q2.text) not in person.last.text
    # Step 2's modal, submitted after the DM answer to the same question: the last one wins.
    person.submit(modal_2, text_state(modal_2, "Step 2, first question, from the modal"))
    assert escaped(s2q2.text) in person.last.text
    # The DM goes on where the last message left the person: Step 2's second question.
    person.say("Step 2, second question, typed in the DM")

    answers = {(a.step_id, a.question_id): a.text for a in slack.answers()}
    assert answers == {
        ("step-1", s1q1.id): "Step 1, first question, from the modal",
        ("step-2", s2q1.id): "Step 2, first question, from the modal",
        ("step-2", s2q2.id): "Step 2, second question, typed in the DM",
    }
    assert revisions(slack, "step-2", s2q1.id) == [
        "Step 2, first question, typed in the DM",
        "Step 2, first question, from the modal",
    ]
    assert revisions(slack, "step-1", s1q1.id) == ["Step 1, first question, from the modal"]

    # The other way round: a modal answer, then the same question answered again in the DM.
    person.command("toolkit 1")
    person.press(choice("back", f"step-1/{s1q2.id}"))
    assert escaped(words.your_answer) in person.last.text
    assert "Step 1, first question, from the modal" in person.last.text  # quoted
    person.say("Step 1, first question, typed in the DM after all")
    assert revisions(slack, "step-1", s1q1.id) == [
        "Step 1, first question, from the modal",
        "Step 1, first question, typed in the DM after all",
    ]
    [latest] = [a for a in slack.answers() if a.question_id == s1q1.id]
    assert latest.text == "Step 1, first question, typed in the DM after all"


# -- the longest answer ------------------------------------------------------------------------


def long_answer(seed: str) -> str:
    """Exactly the limit, full of what Slack escapes (each `&` becomes five characters)."""
    unit = f"{seed} & <b> ok & "
    return (unit * (ANSWER_LIMIT // len(unit) + 1))[: ANSWER_LIMIT - 1] + "."


def test_answers_of_exactly_the_limit_are_kept_whole_and_every_message_fits_block_kit(
    slack: SlackHarness, content: Content
) -> None:
    step = max(content.toolkit.steps, key=lambda s: len(s.reflection_questions))
    questions = step.reflection_questions
    words = content.coach.toolkit
    person = Person(slack)
    given: dict[str, str] = {}

    person.command(f"toolkit {step.number}")
    for index, question in enumerate(questions):
        text = long_answer(f"q{index}")
        assert len(text) == ANSWER_LIMIT
        if index == 1:
            view = person.press(choice("form", f"{step.id}/{question.id}")).modal
            person.submit(view, text_state(view, text))
        else:
            person.say(text)  # arrives escaped, as Slack sends it
        assert words.answer_saved in person.last.text
        given[question.id] = text
    stored = {a.question_id: a.text for a in slack.answers()}
    assert stored == given  # whole: not a character lost, `&` and `<` as typed

    # The summary holds six answers of 3000 characters, escaped: split, never cut, none lost.
    summary = person.press(choice("summary", step.id), scrolling_up=True)
    joined = "".join(section_texts(summary.blocks))
    for text in given.values():
        assert escaped(text) in joined

    # Editing one quotes the whole answer; the modal offers it whole, within Slack's limits.
    first = questions[0]
    person.press(choice("edit", f"{step.id}/{first.id}"))
    quoted = "".join(section_texts(person.last.blocks))
    assert "&gt; " + escaped(given[first.id]) in quoted  # one line, quoted once
    view = person.press(choice("form", f"{step.id}/{first.id}")).modal
    [field_block] = [b for b in view["blocks"] if b["type"] == "input"]
    assert field_block["element"]["initial_value"] == given[first.id]
    assert field_block["element"]["max_length"] == ANSWER_LIMIT

    # One character more is refused, in the DM and in the modal, and nothing changes.
    person.press(choice("edit", f"{step.id}/{first.id}"), scrolling_up=True)
    person.say(given[first.id] + "!")
    too_long = words.too_long.format(length=ANSWER_LIMIT + 1, limit=ANSWER_LIMIT)
    assert escaped(too_long) in person.last.text
    refused = slack.submit_view(view, {"answer": given[first.id] + "!"})
    assert refused.json()["response_action"] == "errors"
    assert {a.question_id: a.text for a in slack.answers()} == given


@pytest.mark.parametrize("kind", ["text", "long_text"])
def test_work_fields_at_their_limit_are_kept_whole(
    slack: SlackHarness, content: Content, kind: str
) -> None:
    """The longest a work field takes is stored whole and shown within Block Kit's limits."""
    section, work_field = next(
        (s, f)
        for s in content.toolkit_work.sections
        for f in s.fields
        if f.kind == kind and s.fields[0] is f
    )
    limit = work_field.max_length or ANSWER_LIMIT
    step = content.toolkit.step(section.step)
    person = Person(slack)
    person.command(f"toolkit {step.number}")
    person.press(choice("menu", step.id))
    person.press(choice("work", section.id))
    view = person.press(choice("add", section.id)).modal
    record = {f.name: field_value(f, 1) for f in section.fields}
    record[work_field.name] = ("& <x> " * limit)[: limit - 1] + "z"  # nothing to strip
    saved = person.submit(view, work_state(view, record))
    assert content.coach.toolkit.work_saved in saved.text
    assert escaped(record[work_field.name]) in "".join(section_texts(saved.blocks))
    with slack.db.unit_of_work() as uow:
        [stored] = uow.session.scalars(select(WorkRecord)).all()
        assert stored.data[work_field.name] == record[work_field.name]


# -- found on the walk -------------------------------------------------------------------------


def test_replies_to_a_button_and_to_a_message_arrive_in_the_order_they_were_answered(
    slack: SlackHarness, content: Content
) -> None:
    step = content.toolkit.steps[0]
    first, second, third = step.reflection_questions[:3]
    words = content.coach.toolkit
    person = Person(slack)
    person.command(f"toolkit {step.number}")
    start = len(slack.fake.calls_to("chat.postMessage"))

    slack.fake.delay = 0.5  # Slack takes a moment to answer each post
    slack.press(person.rendered[choice("skip", f"{step.id}/{first.id}")])  # Skip, then at once
    slack.dm("My answer to the second question")  # ... type the answer to the next one
    slack.drain()

    [answer] = slack.answers()
    assert answer.question_id == second.id  # the engine got them in order...
    texts = [c.args["text"] for c in slack.fake.calls_to("chat.postMessage")[start:]]
    said = [words.skipped, second.text, words.answer_saved, third.text]
    where = [next(i for i, text in enumerate(texts) if escaped(s) in text) for s in said]
    assert len(texts) == 4
    assert where == [0, 1, 2, 3], texts  # ... and the person must read them in that order too


def test_every_steps_current_conversation_and_closing_note_is_shown(
    slack: SlackHarness, content: Content
) -> None:
    person = Person(slack)
    for step in content.toolkit.steps:
        person.command(f"toolkit {step.number}")
        person.press(choice("menu", step.id))
        menu = [b["value"] for b in buttons(person.last.blocks)]
        for value in menu:
            action = value.split(":")[1]
            if action in {"questions", "checklist", "tips", "think", "sidebar", "summary"}:
                person.press(value, scrolling_up=True)
    missing = [
        f"Step {step.number}: {text[:60]}"
        for step in content.toolkit.steps
        for text in (
            step.current_conversation.title,
            step.current_conversation.text,
            step.closing_note,
        )
        if text and not person.saw(text)
    ]
    assert not missing, "never shown:\n" + "\n".join(missing)


def test_a_tips_items_follow_the_lead_in_that_introduces_them(
    slack: SlackHarness, content: Content
) -> None:
    person = Person(slack)
    introduced = [
        (step, tip)
        for step in content.toolkit.steps
        for tip in step.tips
        if tip.items and tip.text.split("\n", 1)[0].rstrip().endswith(":")
    ]
    assert introduced  # the source has such a tip (Step 4's protocol)
    for step, tip in introduced:
        person.command(f"toolkit {step.number}")
        person.press(choice("menu", step.id))
        shown = person.press(choice("tips", step.id)).text
        lead_in = escaped(tip.text.split("\n", 1)[0].strip())
        first_item = escaped(tip.items[0])
        assert lead_in in shown
        assert first_item in shown
        assert shown.index(lead_in) < shown.index(first_item), tip.id
