"""A form's field checked alone (FORM_FIELD): the same words as when the form is sent, the
answers so far kept as a draft, and a form sent clears it."""

from __future__ import annotations

from bot.core.messages import Inbound, InboundKind, Outcome
from bot.engine.turns import Engine
from content import Content
from storage.database import Database


def turn(engine: Engine, kind: InboundKind, **values: object) -> Outcome:
    return engine.handle(
        Inbound(
            platform="slack",
            workspace_id="T1",
            user_id="U1",
            kind=kind,
            time_zone="America/Chicago",
            **values,  # type: ignore[arg-type]
        )
    )


def kept(database: Database, form_id: str, context: str) -> dict[str, str]:
    with database.unit_of_work() as uow:
        person = uow.repos.people.find(
            platform="slack", workspace_external_id="T1", person_external_id="U1"
        )
        assert person is not None
        return uow.drafts.get(person_id=person.id, form_id=form_id, context=context)


def add_relationship(engine: Engine, content: Content) -> None:
    form = {
        "name": "Dr Okafor",
        "kind": "person",
        "constituency": content.worksheet.constituencies()[0].id,
        "cadence": "monthly",
    }
    assert (
        turn(engine, InboundKind.FORM, form_id="plan.relationship", form=form).form_errors is None
    )


def test_a_field_is_judged_as_the_form_would_be_and_the_rest_kept(
    engine: Engine, database: Database, content: Content
) -> None:
    add_relationship(engine, content)
    errors = content.checkin.errors
    values = {"relationship": "1", "when": "tomorrow"}
    alone = turn(
        engine,
        InboundKind.FORM_FIELD,
        form_id="checkin.log",
        form_context="form:",
        field="when",
        form=values,
    )
    sent = turn(engine, InboundKind.FORM, form_id="checkin.log", form_context="form:", form=values)
    assert alone.form_errors is not None
    assert sent.form_errors is not None
    assert alone.form_errors.errors == {"when": errors.date_future}
    assert sent.form_errors.errors == {"when": errors.date_future}
    assert kept(database, "checkin.log", "form:") == {"relationship": "1"}  # not the refused


def test_fields_not_given_yet_are_not_judged_and_sending_clears_the_draft(
    engine: Engine, database: Database, content: Content
) -> None:
    add_relationship(engine, content)
    first = turn(
        engine,
        InboundKind.FORM_FIELD,
        form_id="checkin.log",
        form_context="form:",
        field="relationship",
        form={"relationship": "1"},
    )
    assert first.form_errors is None
    assert first.replies == ()
    assert kept(database, "checkin.log", "form:") == {"relationship": "1"}
    values = {"relationship": "1", "when": "yesterday", "notes": "Kept"}
    assert (
        turn(
            engine, InboundKind.FORM, form_id="checkin.log", form_context="form:", form=values
        ).form_errors
        is None
    )
    assert kept(database, "checkin.log", "form:") == {}


def test_a_field_of_no_known_form_changes_nothing(engine: Engine, database: Database) -> None:
    outcome = turn(
        engine, InboundKind.FORM_FIELD, form_id="nosuch.form", field="x", form={"x": "1"}
    )
    assert outcome.replies == ()
    assert outcome.form_errors is None
    assert not outcome.failed
    assert kept(database, "nosuch.form", "") == {}
