"""Reading an exported Reflection Guide (Markdown) back, as a person reads it."""

from __future__ import annotations

from content import Content
from content.toolkit import Step


def answers_in_guide(markdown: str, content: Content, step: Step) -> list[str]:
    """The answers the guide shows under a step's reflection questions, in order (the "not
    answered yet" line for a question without one)."""
    words = content.coach.toolkit
    heading = "## " + words.guide_step_heading.format(
        number=step.number, question=step.guiding_question
    )
    assert heading in markdown, heading
    section = markdown.split(heading, 1)[1].split("\n## ", 1)[0]
    questions = section.split(f"### {words.guide_questions}", 1)[1].split("\n### ", 1)[0]
    blocks = [block.strip() for block in questions.split("\n\n") if block.strip()]
    answers = [block for block in blocks if not block.startswith("**")]
    missing = f"*{words.guide_not_answered}*"
    return [words.guide_not_answered if answer == missing else answer for answer in answers]
