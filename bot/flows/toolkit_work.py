"""A step's structured work: show a section's records, offer its form, validate, add, remove."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping, Sequence
from typing import cast

from bot.core.messages import Choice, Form, FormErrors, FormField, Image, Reply
from bot.core.text import parse_int
from bot.documents.model import Picture
from bot.documents.toolkit_pictures import section_picture
from bot.flows.base import (
    AddWorkRecord,
    Reads,
    RemoveWorkRecord,
    StepResult,
    Turn,
    WorkRecordView,
    choice_value,
    reply_only,
)
from content.work import SCALE, WorkField, WorkSection

logger = logging.getLogger(__name__)

FORM_PREFIX = "toolkit.work."
SEPARATOR = ","  # several chosen values travel as one comma-separated text
CHOSEN_AREA = "chosen-area"  # Step 6's agreed area, written in the collaboration map's centre


def form_id(section: WorkSection) -> str:
    return f"{FORM_PREFIX}{section.id}"


def record_text(turn: Turn, section: WorkSection, record: Mapping[str, str]) -> str:
    """A record as one readable line: its first field, then the others that were filled in."""
    words = turn.content.coach.toolkit
    parts: list[str] = []
    for index, field in enumerate(section.fields):
        value = display_value(field, record.get(field.name, ""))
        if not value:
            continue
        parts.append(
            value if index == 0 else words.work_field.format(label=field.label, value=value)
        )
    return "; ".join(parts)


def display_value(field: WorkField, value: str) -> str:
    if field.kind in {"choice", "choices"}:
        labels = {option.value: option.label for option in field.options}
        return ", ".join(labels.get(v, v) for v in value.split(SEPARATOR) if v)
    return value


def show_section(turn: Turn, section: WorkSection, *, lead: str | None = None) -> StepResult:
    """The section's records (with its picture when it has one) and what can be done next."""
    words = turn.content.coach.toolkit
    labels = turn.content.coach.labels
    records = turn.reads.work_records(section_id=section.id)
    lines = [lead] if lead else []
    lines += [words.work_heading.format(title=section.title), section.intro]
    if records:
        lines += [
            words.work_line.format(position=n, text=record_text(turn, section, r.data))
            for n, r in enumerate(records, start=1)
        ]
    else:
        lines.append(f"_{words.work_empty}_")
    choices: list[Choice] = []
    if section.repeat and len(records) < section.max_records:
        choices.append(
            Choice(choice_value("toolkit", "add", section.id), labels.add_record, "primary")
        )
    elif not section.repeat:
        choices.append(
            Choice(choice_value("toolkit", "add", section.id), labels.fill_in, "primary")
        )
    if section.repeat:
        choices += [
            Choice(
                choice_value("toolkit", "remove", f"{section.id}/{record_reference(r)}"),
                labels.remove_record.format(position=n),
            )
            for n, r in enumerate(records, start=1)
        ]
    choices.append(Choice(choice_value("toolkit", "menu", section.step), labels.done_with_work))
    if section.repeat and len(records) >= section.max_records:
        lines.append(words.work_full.format(limit=section.max_records))
    images = tuple(section_images(turn, section, [r.data for r in records]))
    return reply_only(Reply("\n".join(lines), choices=tuple(choices), images=images))


NEW = "new-"  # names a record added in this very turn, which has no id until it is stored
UNSTORED = 0  # the id of a record shown before the engine stores it


def record_reference(record: WorkRecordView) -> str:
    """How a Remove button names a record: by its id; one added in this very turn (shown before
    the engine stores it, so without an id yet) by what it holds."""
    return str(record.id) if record.id != UNSTORED else NEW + fingerprint(record.data)


def fingerprint(data: Mapping[str, str]) -> str:
    """A short digest of what a record holds, to find it again once it is stored."""
    text = json.dumps(dict(data), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def map_extras(turn: Turn) -> tuple[str | None, Mapping[str, str] | None]:
    """What Step 6 adds to the collaboration map: the chosen area, and the four quadrants."""
    chosen = turn.reads.work_records(section_id=CHOSEN_AREA)
    center = chosen[0].data.get("title") if chosen else None
    section = turn.content.toolkit_work.pictures.collaboration_map.quadrants_section
    filled = turn.reads.work_records(section_id=section)
    return center, (dict(filled[0].data) if filled else None)


def section_pictures(
    turn: Turn, section: WorkSection, records: Sequence[Mapping[str, str]]
) -> list[Picture]:
    """The section's picture from these records; the map shows the chosen area in its centre.
    A section that `redraws` another's picture (the chosen area, the quadrants) shows that."""
    if section.redraws is not None:
        drawn = turn.content.toolkit_work.section(section.redraws)
        records = [r.data for r in turn.reads.work_records(section_id=drawn.id)]
        return section_pictures(turn, drawn, records)
    if section.picture is None or not records:
        return []
    center, quadrants = map_extras(turn) if section.picture == "collaboration_map" else (None, None)
    picture = section_picture(turn.content, section, records, center=center, quadrants=quadrants)
    return [] if picture is None else [picture]


def section_images(
    turn: Turn, section: WorkSection, records: Sequence[Mapping[str, str]]
) -> list[Image]:
    """The section's picture, as an image to show in the conversation."""
    return [
        Image(filename=p.filename, data=p.png, alt_text=p.title)
        for p in section_pictures(turn, section, records)
    ]


def section_form(turn: Turn, section: WorkSection) -> StepResult:
    """The form to add a record (or, for a one-record section, to fill it in again)."""
    words = turn.content.coach.toolkit
    records = turn.reads.work_records(section_id=section.id)
    if section.repeat and len(records) >= section.max_records:
        return show_section(turn, section, lead=words.work_full.format(limit=section.max_records))
    current = records[0].data if (records and not section.repeat) else {}
    fields = tuple(_form_field(field, current.get(field.name)) for field in section.fields)
    form = Form(
        form_id=form_id(section),
        title=section.form_title,
        submit_label=turn.content.coach.toolkit.form_submit,
        intro=section.intro,
        fields=fields,
        context=section.id,
    )
    labels = turn.content.coach.labels
    # Shown only where the form cannot open as a modal: a way to try again, or to go on.
    choices = (
        Choice(choice_value("toolkit", "add", section.id), labels.add_record, "primary"),
        Choice(choice_value("toolkit", "menu", section.step), labels.done_with_work),
    )
    return reply_only(Reply(section.intro, form=form, choices=choices))


def _form_field(field: WorkField, initial: str | None) -> FormField:
    if field.kind == "scale":
        options = tuple((str(n), str(n)) for n in SCALE)
    else:
        options = tuple((option.value, option.label) for option in field.options)
    return FormField(
        name=field.name,
        label=field.label,
        multiline=field.kind == "long_text",
        optional=field.optional,
        max_length=field.max_length,
        hint=field.hint,
        initial=initial or None,
        options=options,
        multiple=field.kind == "choices",
    )


def field_problem(turn: Turn, field: WorkField, value: str) -> str | None:
    words = turn.content.coach.toolkit
    if not value:
        return None if field.optional else words.field_required
    if field.kind in {"text", "long_text"}:
        limit = field.max_length or turn.content.coach.reflect.max_length
        if len(value) > limit:
            return words.field_too_long.format(length=len(value), limit=limit)
        return None
    allowed = (
        {str(n) for n in SCALE}
        if field.kind == "scale"
        else {option.value for option in field.options}
    )
    chosen = value.split(SEPARATOR) if field.kind == "choices" else [value]
    if not chosen or any(v not in allowed for v in chosen):
        return words.field_unknown_choice
    return None


def submit_record(turn: Turn, section: WorkSection) -> StepResult:
    values = {field.name: turn.inbound.form.get(field.name, "").strip() for field in section.fields}
    errors = {
        name: problem
        for field in section.fields
        if (problem := field_problem(turn, field, values[field.name])) is not None
        for name in (field.name,)
    }
    if errors:
        return StepResult(form_errors=FormErrors(errors))
    records = turn.reads.work_records(section_id=section.id)
    if section.repeat and len(records) >= section.max_records:
        words = turn.content.coach.toolkit
        return show_section(turn, section, lead=words.work_full.format(limit=section.max_records))
    record = {name: value for name, value in values.items() if value}
    effect = AddWorkRecord(section_id=section.id, data=record, single=not section.repeat)
    pending = WorkRecordView(id=UNSTORED, data=record)
    after = [*records, pending] if section.repeat else [pending]
    shown = _show_as_it_will_be(turn, section, after, turn.content.coach.toolkit.work_saved)
    return StepResult(replies=shown.replies, effects=(effect,), keep_state=True)


class _SectionAsItWillBe:
    """The person's reads, but with one section's records as this turn leaves them.

    A flow decides before the engine stores anything, so to show a list right after adding or
    removing a record it shows the list as it will be.
    """

    def __init__(self, reads: Reads, section_id: str, records: list[WorkRecordView]) -> None:
        self._reads = reads
        self._section_id = section_id
        self._records = records

    def __getattr__(self, name: str) -> object:
        return getattr(self._reads, name)

    def work_records(self, *, section_id: str) -> list[WorkRecordView]:
        if section_id == self._section_id:
            return self._records
        return self._reads.work_records(section_id=section_id)


def _show_as_it_will_be(
    turn: Turn, section: WorkSection, records: list[WorkRecordView], lead: str
) -> StepResult:
    reads = cast(Reads, _SectionAsItWillBe(turn.reads, section.id, records))
    preview = Turn(turn.inbound, turn.content, turn.now, turn.today, reads, turn.state, turn.data)
    return show_section(preview, section, lead=lead)


def remove_record(turn: Turn, section: WorkSection, reference: str) -> StepResult | None:
    """Remove the record a Remove button names (`record_reference`); None: no button names a
    record so."""
    words = turn.content.coach.toolkit
    records = turn.reads.work_records(section_id=section.id)
    if reference.startswith(NEW):
        # Added when the button was drawn: the latest of this person's that holds the same.
        digest = reference.removeprefix(NEW)
        same = [r.id for r in records if fingerprint(r.data) == digest]
        record_id: int | None = same[-1] if same else None
        if record_id is None:  # removed already (a second press)
            return show_section(turn, section, lead=words.work_missing)
    else:
        record_id = parse_int(reference)
    if record_id is None:
        return None
    if record_id not in {r.id for r in records}:
        # Removed already (a second press), or someone else's record named in a tampered
        # button: either way nothing is removed, and only the ids are logged.
        logger.warning(
            "refused to remove work record %d: not among this person's in section %s",
            record_id,
            section.id,
        )
        return show_section(turn, section, lead=words.work_missing)
    remaining = [r for r in records if r.id != record_id]
    shown = _show_as_it_will_be(turn, section, remaining, words.work_removed)
    return StepResult(
        replies=shown.replies, effects=(RemoveWorkRecord(record_id=record_id),), keep_state=True
    )
