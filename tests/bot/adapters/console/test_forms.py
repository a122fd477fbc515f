"""Forms in the terminal: each field checked as it is typed, nothing typed ever lost (a refused
field, a form left with Ctrl-D, cancel or pause), keywords inside a form, quoted answers."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.adapters.console.chat import PLATFORM, WORKSPACE, ConsoleChat, terminal_console
from bot.core.clock import FixedClock
from bot.core.messages import Inbound, InboundKind
from bot.core.schedule import CADENCES
from bot.engine.turns import Engine
from content import Content
from storage.database import Database
from storage.models import (
    CheckIn,
    FormDraft,
    Person,
    Reflection,
    Relationship,
    SelfAssessment,
)


def console(
    engine: Engine, lines: list[str], *, tz: str = "Europe/London", exports: Path | None = None
) -> tuple[ConsoleChat, io.StringIO]:
    feed: Iterator[str] = iter(lines)
    output = io.StringIO()
    chat = ConsoleChat(
        engine=engine,
        user_id="ana",
        time_zone=tz,
        read=lambda _prompt: next(feed, None),
        console=terminal_console(output, width=200),
        exports=exports or Path("/nonexistent"),
    )
    return chat, output


def press(engine: Engine, lines: list[str], value: str, *, tz: str = "Europe/London") -> str:
    """The person pressed a button (`value`), then typed `lines` into what it opened."""
    chat, output = console(engine, lines, tz=tz)
    chat.show(engine.handle(inbound(InboundKind.CHOICE, tz, choice=value)))
    return output.getvalue()


def inbound(kind: InboundKind, tz: str, **values: object) -> Inbound:
    return Inbound(
        platform=PLATFORM,
        workspace_id=WORKSPACE,
        user_id="ana",
        kind=kind,
        time_zone=tz,
        **values,  # type: ignore[arg-type]
    )


def add_relationship(engine: Engine, content: Content, tz: str = "Europe/London") -> None:
    form = {
        "name": "Dr Okafor",
        "kind": "person",
        "constituency": content.worksheet.constituencies()[0].id,
        "cadence": "monthly",
    }
    outcome = engine.handle(
        inbound(InboundKind.FORM, tz, form_id="plan.relationship", form=form, form_context="")
    )
    assert outcome.form_errors is None


def checkins(database: Database) -> list[CheckIn]:
    with database.unit_of_work() as uow:
        return list(uow.session.scalars(select(CheckIn).order_by(CheckIn.id)))


def drafts(database: Database) -> list[FormDraft]:
    with database.unit_of_work() as uow:
        return list(uow.session.scalars(select(FormDraft)))


# ----- a field refused as it is typed ------------------------------------------------------------


def test_a_checkin_on_last_tuesday_keeps_its_notes(
    engine: Engine, database: Database, content: Content
) -> None:
    add_relationship(engine, content)
    # Relationship [1]; when; how it went [1] well; the notes, pasted on two lines.
    out = press(engine, ["1", "last tuesday", "1", "Budget talk.\nShe agreed."], "checkin:start:")
    assert content.checkin.errors.date_unreadable not in out
    [logged] = checkins(database)
    assert logged.happened_on == date(2026, 11, 17)  # Mon 23 Nov in London: the 17th
    assert logged.notes == "Budget talk.\nShe agreed."
    assert drafts(database) == []  # sent: nothing is left waiting


def test_a_refused_date_is_asked_again_alone(
    engine: Engine, database: Database, content: Content
) -> None:
    add_relationship(engine, content)
    lines = ["1", "next week sometime", "tomorrow", "yesterday", "", "Notes kept."]
    out = press(engine, lines, "checkin:start:")
    assert out.count(content.checkin.errors.date_unreadable) == 1
    assert out.count(content.checkin.errors.date_future) == 1  # kindly: not yet happened
    assert out.count(f"*{content.checkin.form.notes}*".strip("*")) == 1  # notes asked once
    [logged] = checkins(database)
    assert (logged.happened_on, logged.notes) == (date(2026, 11, 22), "Notes kept.")


def test_yesterday_is_the_persons_own(engine: Engine, database: Database, content: Content) -> None:
    # 15:00 UTC on Mon 23 Nov: already Tue 24 Nov in Auckland, still Mon 23 in Chicago.
    add_relationship(engine, content, "Pacific/Auckland")
    for tz in ("Pacific/Auckland", "America/Chicago"):
        press(engine, ["1", "yesterday", "", ""], "checkin:start:", tz=tz)
    assert [c.happened_on for c in checkins(database)] == [date(2026, 11, 23), date(2026, 11, 22)]


def test_last_tuesday_on_a_tuesday_is_a_week_ago(
    engine: Engine, database: Database, content: Content
) -> None:
    add_relationship(engine, content, "Pacific/Auckland")
    press(engine, ["1", "last tuesday", "", ""], "checkin:start:", tz="Pacific/Auckland")
    assert [c.happened_on for c in checkins(database)] == [date(2026, 11, 17)]


def test_every_500_days_is_refused_and_the_rest_of_the_relationship_kept(
    engine: Engine, database: Database, content: Content
) -> None:
    days = str(CADENCES.index("days") + 1)
    lines = [
        "Dr Okafor",
        "1",  # a person
        "1",  # the first constituency
        days,  # every N days
        "every 500 days",  # refused at once
        "every 45 days",
        "Coffee each month.\nShare the annual report.",
        "Budget approved\nJoint event held",
    ]
    out = press(engine, lines, "plan:add:")
    assert out.count(content.plan.errors.days_range) == 1
    with database.unit_of_work() as uow:
        [kept] = uow.session.scalars(select(Relationship))
        assert (kept.name, kept.cadence, kept.cadence_days) == ("Dr Okafor", "days", 45)
        assert kept.strategies == "Coffee each month.\nShare the annual report."
        assert kept.success_measures == ["Budget approved", "Joint event held"]


def test_a_field_that_matters_only_for_another_answer_is_asked_only_after_it(
    engine: Engine, database: Database, content: Content
) -> None:
    """ "Your own label" is asked only after Other, "Every how many days?" only after Every N
    days (both were asked after any choice, and a person typed the cadence into the label);
    `back` returns to the question before among those that were asked."""
    words = content.plan.relationship
    other = str(len(content.worksheet.constituencies()) + len(content.rubric.partner_kinds) + 1)
    days, monthly = (str(CADENCES.index(c) + 1) for c in ("days", "monthly"))
    # An organisation, the community, monthly; back from the strategies to how often (not to
    # the days, never asked); monthly again; strategies; no measures.
    lines = ["Friends of the Library", "2", "3", monthly, "back", monthly, "Book sale table.", ""]
    out = press(engine, lines, "plan:add:")
    assert words.own_label_label not in out
    assert words.days_label not in out
    assert out.count(words.cadence_label) == 2
    # Once asked, it is needed: an empty answer asks it again (it said "Optional").
    lines = ["Parents", "2", other, "", "PTA", days, "", "every 6 weeks", "Coffee.", ""]
    out = press(engine, lines, "plan:add:")
    assert (out.count(words.own_label_label), out.count(words.days_label)) == (1, 1)
    assert out.count(content.coach.console.required_field.strip("_")) == 2
    assert out.count(content.coach.console.optional_field.strip("_")) == 2  # strategies, measures
    with database.unit_of_work() as uow:
        kept = uow.session.scalars(select(Relationship).order_by(Relationship.id))
        assert [
            (r.name, r.constituency_label, r.cadence, r.cadence_days, r.strategies) for r in kept
        ] == [
            ("Friends of the Library", None, "monthly", None, "Book sale table."),
            ("Parents", "PTA", "days", 42, "Coffee."),
        ]


def test_an_option_may_be_typed_as_words_of_its_label(
    engine: Engine, database: Database, content: Content
) -> None:
    """A person reads "[2] An organisation" and types "organisation"; "okafor" for the check-in
    with Dr Okafor. Words in no label are refused, as a number not shown."""
    lines = ["Friends of the Library", "organisation", "Community", "sometimes", "every two weeks"]
    out = press(engine, [*lines, "", ""], "plan:add:")
    assert out.count(content.coach.console.not_an_option) == 1
    add_relationship(engine, content)
    press(engine, ["okafor", "", "went well", "", ""], "checkin:start:")
    with database.unit_of_work() as uow:
        friends, okafor = uow.session.scalars(select(Relationship).order_by(Relationship.id))
        assert (friends.kind, friends.constituency, friends.cadence) == (
            "organisation",
            "community",
            "fortnightly",
        )
    [logged] = checkins(database)
    assert (logged.relationship_id, logged.went) == (okafor.id, "well")


def test_a_checkin_offers_only_the_success_measures_of_the_relationship_chosen(
    engine: Engine, database: Database, content: Content
) -> None:
    """All measures of all relationships were offered, under "Only the measures of the
    relationship you chose above", and another's was refused only once the form was sent."""
    for name, measures in (("Dr Okafor", "Budget approved\nJoint event"), ("PTA", "Volunteers")):
        form = {
            "name": name,
            "kind": "person",
            "constituency": content.worksheet.constituencies()[0].id,
            "cadence": "monthly",
            "measures": measures,
        }
        outcome = engine.handle(
            inbound(InboundKind.FORM, "Europe/London", form_id="plan.relationship", form=form)
        )
        assert outcome.form_errors is None
    chat, output = console(
        engine, ["/checkin", "1", "", "", "", "1", "/checkin", "2", "", "", "", ""]
    )
    chat.run()
    out = output.getvalue()
    first, second = out.split(content.checkin.form.measures)[1:3]
    okafor_first = "Dr Okafor (" in out.split(content.checkin.form.relationship)[1].split("[2]")[0]
    okafor, pta = (first, second) if okafor_first else (second, first)
    assert ("Budget approved" in okafor, "Joint event" in okafor, "Volunteers" in okafor) == (
        True,
        True,
        False,
    )
    assert ("Volunteers" in pta, "Budget approved" in pta) == (True, False)
    refused = content.checkin.errors.measure_of_another.split("{owner}")[0].split("}")[-1]
    assert refused not in out
    served = ("Budget approved",) if okafor_first else ("Volunteers",)
    assert sorted(tuple(c.measures) for c in checkins(database)) == [(), served]


# ----- leaving a form loses nothing ----------------------------------------------------------


def run(engine: Engine, lines: list[str], tmp_path: Path) -> str:
    chat, output = console(engine, lines, exports=tmp_path)
    chat.run()
    return output.getvalue()


def test_ctrl_d_on_an_assessment_page_keeps_its_ratings(
    engine: Engine, database: Database, content: Content, tmp_path: Path
) -> None:
    # The menu's [2] starts Competencies; three ratings of page 1's four, then Ctrl-D.
    run(engine, ["/coach assess", "2", "4", "5", "3"], tmp_path)
    with database.unit_of_work() as uow:
        assert list(uow.session.scalars(select(SelfAssessment))) == []  # the page is not sent
    # Later: resume brings the page back with the three ratings; Enter keeps each.
    out = run(engine, ["resume", "", "", "", "2", "/quit"], tmp_path)
    assert content.coach.general.draft_kept in out
    with database.unit_of_work() as uow:
        [row] = uow.session.scalars(select(SelfAssessment))
        assert list(row.answers.values()) == [4, 5, 3, 2]
    assert drafts(database) == []


def test_starting_the_assessment_again_also_offers_the_kept_ratings(
    engine: Engine, content: Content, tmp_path: Path
) -> None:
    run(engine, ["/coach assess", "2", "4", "5"], tmp_path)
    out = run(engine, ["/coach assess", "2", "/quit"], tmp_path)
    assert content.coach.general.draft_kept in out


def test_pause_inside_a_form_page_keeps_it_for_resume(
    engine: Engine, database: Database, content: Content, tmp_path: Path
) -> None:
    out = run(engine, ["/coach assess", "2", "4", "pause", "resume", "", "/quit"], tmp_path)
    words = content.coach.console
    paused = words.form_paused.replace("_", "")  # shown in italics, without the marks
    assert paused in out
    assert words.not_an_option not in out  # once, "pause" was refused as no number shown
    after = out.split(paused, 1)[1]
    assert content.coach.general.draft_kept in after


def test_cancel_inside_a_form_stores_nothing_and_keeps_the_answers(
    engine: Engine, database: Database, content: Content, tmp_path: Path
) -> None:
    add_relationship(engine, content)
    out = press(engine, ["1", "yesterday", "cancel"], "checkin:start:")
    assert content.coach.console.form_left_kept in out
    assert checkins(database) == []
    assert len(drafts(database)) == 1
    # Opened again, the date typed is there; Enter keeps it.
    out = press(engine, ["", "", "", "Kept."], "checkin:start:")
    assert content.coach.general.draft_kept in out
    [logged] = checkins(database)
    assert (logged.happened_on, logged.notes) == (date(2026, 11, 22), "Kept.")


def test_help_inside_a_form_explains_and_asks_the_same_field_again(
    engine: Engine, database: Database, content: Content
) -> None:
    add_relationship(engine, content)
    out = press(engine, ["1", "help", "yesterday", "", "Notes."], "checkin:start:")
    assert content.coach.console.form_help.strip("_")[:40] in out
    [logged] = checkins(database)
    assert (logged.happened_on, logged.notes) == (date(2026, 11, 22), "Notes.")


def test_a_quoted_keyword_is_stored_as_the_answer(
    engine: Engine, database: Database, content: Content
) -> None:
    add_relationship(engine, content)
    out = press(engine, ["1", "yesterday", "", '"cancel"'], "checkin:start:")
    assert content.coach.console.form_left_kept not in out
    [logged] = checkins(database)
    assert logged.notes == "cancel"


def test_a_keyword_is_never_stored_as_an_answer(
    engine: Engine, database: Database, content: Content
) -> None:
    add_relationship(engine, content)
    press(engine, ["1", "yesterday", "", "Pause!", ""], "checkin:start:")
    assert checkins(database) == []


def test_working_days_and_times_as_people_type_them(
    engine: Engine, database: Database, content: Content
) -> None:
    # The zone kept, days as a run, the start as 7:30am, the end as 17, mode and balance kept.
    out = press(engine, ["", "Mon-Thu", "7:30am", "17", "", ""], "plan:settings:")
    assert content.coach.console.not_an_option not in out
    with database.unit_of_work() as uow:
        [person] = uow.session.scalars(select(Person))
        assert person.work_days == "1234"
        assert (person.work_start_minute, person.work_end_minute) == (450, 1020)


def test_resume_brings_back_a_checkin_left_part_way(
    engine: Engine, database: Database, content: Content, tmp_path: Path
) -> None:
    add_relationship(engine, content)
    run(engine, ["/checkin", "1", "last tuesday"], tmp_path)  # then Ctrl-D
    assert checkins(database) == []
    out = run(engine, ["resume", "", "", "", "Notes at last.", "/quit"], tmp_path)
    assert content.coach.general.draft_kept in out
    [logged] = checkins(database)
    assert (logged.happened_on, logged.notes) == (date(2026, 11, 17), "Notes at last.")


def test_skip_inside_a_form_leaves_an_optional_field_empty_and_asks_a_needed_one_again(
    engine: Engine, database: Database, content: Content
) -> None:
    """`skip` is a command in a form too: never stored; an optional field stays empty, a needed
    one (the date) is asked again; `back` returns to the field before."""
    add_relationship(engine, content)
    # Who [1]; the date: skip keeps its current answer (today), then back to it; went: skip.
    lines = ["1", "skip", "back", "2 days ago", "skip", "skip"]
    press(engine, lines, "checkin:start:")
    [logged] = checkins(database)
    assert (logged.happened_on, logged.went, logged.notes) == (date(2026, 11, 21), None, None)

    out = press(engine, ["skip", "A real thought."], "reflect:start:")
    assert content.coach.console.required_field.strip("_")[:30] in out
    with database.unit_of_work() as uow:
        assert [r.text for r in uow.session.scalars(select(Reflection))] == ["A real thought."]


def test_a_day_typed_in_words_keeps_its_date_when_the_form_is_resumed_days_later(
    engine: Engine, database: Database, content: Content, tmp_path: Path, clock: FixedClock
) -> None:
    """ "yesterday" typed on Mon 23 Nov means Sun 22 Nov, whenever the form is sent: the draft
    keeps the date it meant, not the word (which would mean another day by then)."""
    add_relationship(engine, content)
    run(engine, ["/checkin", "1", "yesterday"], tmp_path)  # then Ctrl-D
    [draft] = drafts(database)
    assert json.loads(draft.answers)["when"] == "2026-11-22"
    clock.advance_to(clock.now() + timedelta(days=3))
    out = run(engine, ["resume", "", "", "", "Notes.", "/quit"], tmp_path)
    assert "2026-11-22" in out  # offered back as the date it meant
    [logged] = checkins(database)
    assert logged.happened_on == date(2026, 11, 22)
