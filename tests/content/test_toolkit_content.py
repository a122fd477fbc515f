"""The "Let's Talk" toolkit (seed 003) as transcribed into content/data/toolkit.yaml.

The expected numbers below were counted by hand in the source document, so a dropped
question, checklist item or sidebar prompt makes a test fail.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import content.toolkit as toolkit_module

CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"
TOOLKIT_YAML = CONTENT_DIR / "data" / "toolkit.yaml"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")

STEP_NUMBERS = (1, 2, 3, 4, 5, 6, 7)

# Numbered "Key Competencies" under each STEP heading.
KEY_COMPETENCIES = (2, 2, 2, 2, 2, 3, 2)

# "Think Out Loud" bullets of each step's Current Conversation sidebar.
THINK_OUT_LOUD = (4, 2, 4, 0, 0, 0, 0)

# Questions the person answers, per step:
# 1: fixed / growth mindset (2) + situations, influence, "How could this be managed" (3)
# 2: current strengths (3) + future growth (2)
# 3: the six questions on the district and building documents
# 4: four questions for the building leader + personal habits, manage them (2)
# 5: four on the interview notes + three on the self-assessment
# 6: the four questions to answer before the meeting
# 7: new insight, one thing done differently (with a./b. follow-ups), better, success
REFLECTION_QUESTIONS = (5, 5, 6, 6, 7, 4, 4)

# Process-checklist items, bold verb or not:
# 1: seek out and review, diagram, highlight
# 2: complete, review
# 3: locate, review, map
# 4: identify, schedule, share, review, meet
# 5: review notes, review self-assessment, map connections, schedule
# 6: review, identify, answer, meet, share, craft, put, draw, identify who will initiate
# 7: reflect and answer
CHECKLIST_ITEMS = (3, 2, 3, 5, 4, 9, 1)

# Tip boxes and samples: step 3 current resources; step 4 sample email, meeting
# protocol, shared document; step 6 meeting outline.
TIPS = (0, 0, 1, 3, 0, 1, 0)

GUIDING_QUESTIONS = (
    "What's My Mindset?",
    "Where Is My Future Readiness?",
    "What More Do I Need to Know?",
    "What Are the Missing Pieces?",
    "Where Do the Dots Connect?",
    "What Can We Do Together?",
    "What Did I Learn?",
)


Toolkit = toolkit_module.Toolkit


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    data = yaml.safe_load(TOOLKIT_YAML.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def toolkit(raw: dict[str, Any]) -> Any:
    return Toolkit.model_validate(raw)


def _walk(node: Any) -> Iterator[tuple[str | None, Any]]:
    """Every (key, value) pair of the raw YAML, depth first; list items have key None."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield None, value
            yield from _walk(value)


def _strings(node: Any) -> Iterator[str]:
    for _, value in _walk(node):
        if isinstance(value, str):
            yield value


def test_top_level_framing(toolkit: Any) -> None:
    assert toolkit.title == "Let's Talk"
    assert toolkit.subtitle == (
        "A Conversation Starter for Future Ready Librarians® Building Collaborative Relationships"
    )
    assert len(toolkit.intro) >= 3
    assert toolkit.intro[0].startswith("This step-by-step guide is designed")
    assert any(p.startswith("Future Ready Librarians® lead beyond") for p in toolkit.intro)
    assert any(p.startswith("Whether you are just getting started") for p in toolkit.intro)
    assert toolkit.reflection_guide.title == "Reflection Guide"
    assert toolkit.reflection_guide.url is None
    assert toolkit.current_conversation.title == "Librarians as Leaders During the Pandemic"
    assert toolkit.current_conversation.text.startswith("The sudden closure of schools")
    assert toolkit.current_conversation.think_out_loud == ()


def test_seven_steps_in_order(toolkit: Any) -> None:
    assert tuple(step.number for step in toolkit.steps) == STEP_NUMBERS
    assert tuple(step.id for step in toolkit.steps) == tuple(f"step-{n}" for n in STEP_NUMBERS)
    assert tuple(step.name for step in toolkit.steps) == (
        "Mindset",
        "Self-assessment",
        "Research",
        "Interview",
        "Connect the dots",
        "Collaborate",
        "Reflect",
    )


def test_guiding_questions(toolkit: Any) -> None:
    assert toolkit.step("step-1").guiding_question == "What's My Mindset?"
    assert tuple(step.guiding_question for step in toolkit.steps) == GUIDING_QUESTIONS


@pytest.mark.parametrize(
    ("attribute", "expected"),
    [
        ("key_competencies", KEY_COMPETENCIES),
        ("checklist", CHECKLIST_ITEMS),
        ("reflection_questions", REFLECTION_QUESTIONS),
        ("tips", TIPS),
    ],
)
def test_counts_per_step(toolkit: Any, attribute: str, expected: tuple[int, ...]) -> None:
    assert tuple(len(getattr(step, attribute)) for step in toolkit.steps) == expected


def test_think_out_loud_counts(toolkit: Any) -> None:
    counts = tuple(len(step.current_conversation.think_out_loud) for step in toolkit.steps)
    assert counts == THINK_OUT_LOUD
    for step in toolkit.steps:
        ids = [q.id for q in step.current_conversation.think_out_loud]
        assert ids == [f"s{step.number}-tol-{i}" for i in range(1, len(ids) + 1)]


def test_question_ids_run_through_each_step(toolkit: Any) -> None:
    for step in toolkit.steps:
        ids = [q.id for q in step.reflection_questions]
        assert ids == [f"s{step.number}-q{i}" for i in range(1, len(ids) + 1)]


def test_questions_follow_checklist_in_order(toolkit: Any) -> None:
    for step in toolkit.steps:
        order = {item.id: index for index, item in enumerate(step.checklist)}
        positions = [order[q.after_item] for q in step.reflection_questions]
        assert all(q.after_item is not None for q in step.reflection_questions)
        assert positions == sorted(positions), step.id


def test_checklist_ids_are_step_prefixed(toolkit: Any) -> None:
    for step in toolkit.steps:
        for item in step.checklist:
            assert item.id.startswith(f"s{step.number}-")
        for tip in step.tips:
            assert tip.id.startswith(f"s{step.number}-")


def test_every_resource_url_is_blank(raw: dict[str, Any], toolkit: Any) -> None:
    resources = [r for step in toolkit.steps for item in step.checklist for r in item.resources]
    assert [r.title for r in resources] == [
        "Growth Mindset vs. Fixed Mindset",
        "Fixed vs. Growth: The Two Basic Mindsets That Shape Our Lives",
        'What Having a "Growth Mindset" Actually Means',
        "Growth Mindset Infographics",
        "Future Ready Librarians® Self-Assessment",
    ]
    assert [r.kind for r in resources[:4]] == ["video", "article", "article", "images"]
    assert all(r.url is None for r in resources)
    # No url anywhere in the raw file carries a value either.
    assert all(value is None for key, value in _walk(raw) if key == "url")
    assert not any("http" in text or "(#)" in text for text in _strings(raw))


def test_ids_are_unique_slugs(raw: dict[str, Any]) -> None:
    ids = [value for key, value in _walk(raw) if key == "id"]
    expected = (
        len(STEP_NUMBERS)
        + sum(CHECKLIST_ITEMS)
        + sum(REFLECTION_QUESTIONS)
        + sum(TIPS)
        + sum(THINK_OUT_LOUD)
    )
    assert len(ids) == expected
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert duplicates == []
    assert [i for i in ids if not isinstance(i, str) or not SLUG.match(i)] == []


def test_no_extraction_artefacts(raw: dict[str, Any]) -> None:
    for text in _strings(raw):
        assert "*" not in text, text
        assert "☐" not in text, text
        assert text == text.strip(), text
        assert "  " not in text, text


def test_verbatim_spot_checks(toolkit: Any) -> None:
    step1 = toolkit.step("step-1")
    assert step1.question("s1-q1").text == (
        "What are some ways in which you see yourself as having a fixed mindset?"
    )
    assert step1.checklist[0].action == "Seek out and review"
    assert step1.checklist[0].text.startswith("one or more articles or diagrams")
    assert step1.question("s1-q5").note == (
        "We're not asking you to change who you are, but if you understand your own mindset, "
        "you will likely be more successful in working with others."
    )
    assert step1.source_text["closing_note"] == (
        "Don't forget to save all your reflections—you will be using them again."
    )
    assert toolkit.step("step-2").question("s2-q4").text == (
        "Are there areas that might be future “stretches” in which you are interested in "
        "learning more or engaging in professional development?"
    )
    assert toolkit.step("step-5").question("s5-q7").text == (
        "If not, list your areas of strength and the wedges they correspond with."
    )


def test_step_1_examples(toolkit: Any) -> None:
    diagram = toolkit.step("step-1").checklist[1]
    assert diagram.action == "Diagram"
    assert diagram.examples[0].text.startswith("As an example, let's say you struggle")
    assert diagram.examples[1].label == "Example"
    assert diagram.examples[1].text.startswith('"I get excited by ideas')


def test_step_2_groups_and_examples(toolkit: Any) -> None:
    questions = toolkit.step("step-2").reflection_questions
    assert [q.group for q in questions] == ["Current strengths"] * 3 + ["Future growth"] * 2
    assert [e.label for e in questions[0].examples] == ["Strength", "Example"]
    assert questions[0].examples[0].text == "Empowering students as creators"
    assert questions[0].examples[1].text == (
        "You recently launched an after-school robotics club for students."
    )
    assert [e.label for e in questions[1].examples] == ["Strength", "Alignment"]
    assert [e.label for e in questions[4].examples] == ["Area for growth", "Reason for interest"]


def test_step_3_plans_listed(toolkit: Any) -> None:
    locate = toolkit.step("step-3").checklist[0]
    assert locate.action == "Locate"
    assert len(locate.details) == 7
    assert locate.details[0] == "System or district level: Current district strategic plan"
    assert sum(d.startswith("Building level:") for d in locate.details) == 3
    assert (
        toolkit.step("step-3").tips[0].text.startswith("Make sure that the resources are current.")
    )


def test_step_4_sample_email_and_protocol(toolkit: Any) -> None:
    step4 = toolkit.step("step-4")
    tips = {tip.id: tip for tip in step4.tips}
    email = tips["s4-sample-email"]
    assert email.kind == "sample_email"
    assert email.title == "Sample email"
    assert email.text.startswith("Dear [building leader],\n\nHow can I help?")
    assert email.text.endswith("find ways in which we could work together.")
    protocol = tips["s4-meeting-protocol"]
    assert protocol.kind == "meeting_protocol"
    assert protocol.items == (
        "Presume positive intentions on their part.",
        "Listen thoroughly without interjecting or interrupting.",
        "Ask clarifying questions based on what you hear.",
    )
    assert protocol.text.count("\n\n") == 4
    assert tips["s4-shared-document"].text.startswith("You may choose to take notes")
    leader = [q for q in step4.reflection_questions if q.group]
    assert {q.group for q in leader} == {
        "Schedule a meeting (45 to 60 minutes) with a building leader who can respond to the "
        "following questions."
    }
    assert len(leader) == 4
    assert step4.current_conversation.text.count("\n\n") == 1


def test_step_6_meeting_outline_and_examples(toolkit: Any) -> None:
    step6 = toolkit.step("step-6")
    outline = [tip for tip in step6.tips if tip.kind == "meeting_outline"]
    assert len(outline) == 1
    assert outline[0].title == "Meeting Outline"
    assert len(outline[0].items) == 3
    craft = next(item for item in step6.checklist if item.id == "s6-craft-title")
    assert [e.label for e in craft.examples] == ["Title example", "Description example"]
    draw = next(item for item in step6.checklist if item.id == "s6-draw-quadrants")
    assert [d.split(":")[0] for d in draw.details] == ["Who", "When", "What", "Where"]
    assert step6.checklist[-1].text == (
        "who will initiate the next steps to begin planning for implementation"
    )


def test_step_7_reflection(toolkit: Any) -> None:
    step7 = toolkit.step("step-7")
    first = step7.question("s7-q1")
    assert [e.label for e in first.examples] == [
        "Mindset",
        "Future Ready Librarians practices",
        "District, system, or school priorities and plans",
        "Building leader",
    ]
    second = step7.question("s7-q2")
    assert second.follow_ups == (
        "What did you notice about yourself in meeting and working with your building leader?",
        "What did you do well?",
    )
    texts = [q.text for q in step7.reflection_questions]
    assert sum("what is one thing that you did differently" in t for t in texts) == 1


def test_closing_notes(toolkit: Any) -> None:
    present = tuple(step.closing_note is not None for step in toolkit.steps)
    assert present == (True, True, True, False, False, False, False)


# Fields that hold ids, kinds, links or Lantern's own short step names rather than source wording.
NOT_WORDING = {"id", "after_item", "kind", "url", "name", "number"}
SEED = Path(__file__).resolve().parents[2] / "docs" / "sources" / "003_e16981154f052040.txt"


def _wording(node: Any) -> Iterator[str]:
    """The source's wording: where a text was adapted for the chat, its `source_text`."""
    if isinstance(node, dict):
        adapted = set(node.get("source_text") or {})
        for key, value in node.items():
            if key in NOT_WORDING or key in adapted:
                continue
            if isinstance(value, list) and any(f"{key}.{i}" in adapted for i in range(len(value))):
                value = [v for i, v in enumerate(value) if f"{key}.{i}" not in adapted]
            yield from _wording(value)
    elif isinstance(node, list):
        for item in node:
            yield from _wording(item)
    elif isinstance(node, str):
        yield node


def _plain(text: str) -> str:
    """Text without markdown emphasis, link syntax, ticks, bullets and runs of whitespace."""
    text = re.sub(r"\[([^\]]*)\]\(#\)", r"\1", text)
    text = text.replace("**", "").replace("*", "").replace("☐", "")
    text = re.sub(r"^\s*(?:[-•]|\d+\.|[a-z]\.)\s+", " ", text, flags=re.MULTILINE)
    return re.sub(r"\s+", " ", text).strip()


def test_every_piece_of_wording_is_the_sources_own(raw: dict[str, Any]) -> None:
    source = _plain(SEED.read_text(encoding="utf-8")).lower()

    def verbatim(line: str) -> bool:
        # Step 3's plan details join a source heading and a source item ("A: B — C").
        parts = re.split(r": | — ", _plain(line))
        return all(part.lower() in source for part in parts if part)

    missing = [line for text in _wording(raw) for line in text.split("\n") if not verbatim(line)]
    assert missing == []
