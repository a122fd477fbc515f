"""Form drafts: a form's answers kept as they are given, and offered back when it opens again."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from bot.core.messages import Form, FormField, Inbound, Reply
from content import Content
from storage.database import UnitOfWork
from storage.models import Person


def keep(
    uow: UnitOfWork,
    person: Person,
    inbound: Inbound,
    values: Mapping[str, str],
    now: datetime,
    *,
    replace_all: bool = False,
) -> None:
    """Keep what the person has answered so far in the form `inbound` names."""
    uow.drafts.keep(
        person_id=person.id,
        form_id=inbound.form_id or "",
        context=inbound.form_context,
        answers=values,
        at=now,
        replace=replace_all,
    )


def drop(uow: UnitOfWork, person: Person, inbound: Inbound) -> None:
    """The form was sent and kept: its draft has done its work."""
    uow.drafts.drop(
        person_id=person.id, form_id=inbound.form_id or "", context=inbound.form_context
    )


def prefilled(
    uow: UnitOfWork, person: Person, replies: Sequence[Reply], content: Content
) -> tuple[Reply, ...]:
    """The replies, with each form that has a draft filled in with it, and a line saying so."""
    return tuple(_prefilled(uow, person, reply, content) for reply in replies)


def _fits(field: FormField, kept: Mapping[str, str]) -> bool:
    """Whether the draft has a value for the field that the field can hold (a modal closed with
    a value too long for it would not open again with it)."""
    value = kept.get(field.name)
    if value is None:
        return False
    return field.max_length is None or len(value) <= field.max_length


def _prefilled(uow: UnitOfWork, person: Person, reply: Reply, content: Content) -> Reply:
    form = reply.form
    if form is None:
        return reply
    kept = uow.drafts.get(person_id=person.id, form_id=form.form_id, context=form.context)
    names = {field.name for field in form.fields}
    if not any(value.strip() for name, value in kept.items() if name in names):
        return reply
    note = content.coach.general.draft_kept
    fields = tuple(
        replace(field, initial=kept[field.name] or None) if _fits(field, kept) else field
        for field in form.fields
    )
    intro = f"{note}\n\n{form.intro}" if form.intro else note
    filled: Form = replace(form, fields=fields, intro=intro)
    return replace(reply, form=filled, notes=(*reply.notes, note))
