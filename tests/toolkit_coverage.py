"""What of the toolkit's source a person must have been shown, from the content model."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from content import Content
from content.work import WorkField, WorkSection


def source_texts(content: Content) -> Iterator[tuple[str, str]]:
    """(kind, text) for every piece of the toolkit a walk through it must show."""

    def each(kind: str, *texts: str | None) -> Iterator[tuple[str, str]]:
        yield from ((kind, text) for text in texts if text)

    for step in content.toolkit.steps:
        yield from each("guiding question", step.guiding_question)
        yield from each("intro", step.intro)
        yield from each("competency", *step.key_competencies)
        for item in step.checklist:
            yield from each("checklist item", item.action, item.text, *item.details)
            yield from each("checklist example", *(e.text for e in item.examples))
            yield from each("resource", *(r.title for r in item.resources))
        for question in step.reflection_questions:
            yield from each("reflection question", question.text, question.group, question.note)
            yield from each("question example", *(e.text for e in question.examples))
            yield from each("follow-up", *question.follow_ups)
        for tip in step.tips:
            yield from each("tip", tip.title, *tip.text.split("\n\n"), *tip.items)
        if step.current_conversation.think_out_loud:
            conversation = step.current_conversation
            yield from each("current conversation", conversation.title, conversation.text)
        yield from each(
            "think out loud", *(q.text for q in step.current_conversation.think_out_loud)
        )
    for section in content.toolkit_work.sections:
        yield from each("work section", section.title, section.intro)
        yield from each("work field", *(f.label for f in section.fields))


def assert_everything_was_shown(saw: Callable[[str], bool], content: Content) -> None:
    missing = [f"{kind}: {text[:70]}" for kind, text in source_texts(content) if not saw(text)]
    assert not missing, "never shown:\n" + "\n".join(missing)


def first_shown(section: WorkSection, record: dict[str, str]) -> str:
    """A record's first field as a person reads it (a choice by its label)."""
    first = section.fields[0]
    labels = {option.value: option.label for option in first.options}
    return ", ".join(labels.get(v, v) for v in record[first.name].split(",") if v)


def shown_values(section: WorkSection, record: dict[str, str]) -> list[str]:
    """Every value of a record as a person reads it, in the order of the section's fields."""
    values = []
    for work_field in section.fields:
        labels = {option.value: option.label for option in work_field.options}
        chosen = [labels.get(v, v) for v in record[work_field.name].split(",") if v]
        if chosen:
            values.append(", ".join(chosen) if work_field.options else record[work_field.name])
    return values


def records_for(
    section: WorkSection, field_value: Callable[[WorkField, int], str]
) -> list[dict[str, str]]:
    """The records a walk adds to a section: several for lists (three on the continuum)."""
    count = 1 if not section.repeat else (3 if section.picture == "continuum" else 2)
    count = min(count, section.max_records)
    return [{f.name: field_value(f, n) for f in section.fields} for n in range(1, count + 1)]
