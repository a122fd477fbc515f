"""Form drafts: kept field by field, merged, replaced, dropped, and the latest one found."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text

from storage import person_data
from storage.database import Database
from storage.models import FormDraft
from tests.storage.helpers import new_person

T0 = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def test_answers_are_merged_as_they_are_given(any_database: Database) -> None:
    _, person_id = new_person(any_database)
    with any_database.unit_of_work() as uow:
        uow.drafts.keep(
            person_id=person_id,
            form_id="checkin.log",
            context="form:",
            answers={"when": "yesterday"},
            at=T0,
        )
    with any_database.unit_of_work() as uow:
        uow.drafts.keep(
            person_id=person_id,
            form_id="checkin.log",
            context="form:",
            answers={"notes": "Budget talk ✓"},
            at=T0 + timedelta(minutes=1),
        )
    with any_database.unit_of_work() as uow:
        kept = uow.drafts.get(person_id=person_id, form_id="checkin.log", context="form:")
        assert kept == {"when": "yesterday", "notes": "Budget talk ✓"}
        # Another context is another draft; none is kept for it.
        assert uow.drafts.get(person_id=person_id, form_id="checkin.log", context="nudge:3") == {}
        assert uow.drafts.latest(person_id=person_id) == (
            "checkin.log",
            "form:",
            T0 + timedelta(minutes=1),
        )


def test_replace_drop_and_a_long_context(any_database: Database) -> None:
    _, person_id = new_person(any_database)
    prompt = "What did you learn this week? " * 20  # a reflection form's context: its prompt
    with any_database.unit_of_work() as uow:
        uow.drafts.keep(
            person_id=person_id,
            form_id="reflect.today",
            context=prompt,
            answers={"text": "a", "other": "b"},
            at=T0,
        )
        uow.drafts.keep(
            person_id=person_id,
            form_id="reflect.today",
            context=prompt,
            answers={"text": "c"},
            at=T0,
            replace=True,
        )
    with any_database.unit_of_work() as uow:
        assert uow.drafts.get(person_id=person_id, form_id="reflect.today", context=prompt) == {
            "text": "c"
        }
        uow.drafts.drop(person_id=person_id, form_id="reflect.today", context=prompt)
    with any_database.unit_of_work() as uow:
        assert uow.drafts.latest(person_id=person_id) is None


def test_the_answers_are_private_text_at_rest(any_database: Database) -> None:
    _, person_id = new_person(any_database)
    with any_database.unit_of_work() as uow:
        uow.drafts.keep(
            person_id=person_id,
            form_id="checkin.log",
            context="",
            answers={"notes": "secret words"},
            at=T0,
        )
    with any_database.unit_of_work() as uow:
        [row] = uow.session.scalars(select(FormDraft))
        assert row.person_id == person_id
        raw = uow.session.execute(text("SELECT answers FROM form_drafts")).scalar_one()
        assert "secret words" in raw or raw.startswith(("gAAAA", "enc:"))


def test_drafts_are_in_the_export_and_forgotten_with_the_person(any_database: Database) -> None:
    _, person_id = new_person(any_database)
    _, other_id = new_person(any_database, user="U2")
    for who in (person_id, other_id):
        with any_database.unit_of_work() as uow:
            uow.drafts.keep(
                person_id=who,
                form_id="checkin.log",
                context="form:",
                answers={"notes": f"words of {who}"},
                at=T0,
            )
    with any_database.unit_of_work() as uow:
        exported = person_data.collect(uow.session, person_id)
        [row] = exported["tables"]["form_drafts"]
        assert json.loads(row["answers"]) == {"notes": f"words of {person_id}"}
        assert person_data.counts(uow.session, person_id)["form_drafts"] == 1
        person_data.delete_person(uow.session, person_id)
    with any_database.unit_of_work() as uow:
        assert [r.person_id for r in uow.session.scalars(select(FormDraft))] == [other_id]
