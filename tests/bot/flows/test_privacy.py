"""Privacy a person controls, through the real engine: all their data as JSON in the export,
and `/coach forget`, which asks first, then deletes everything of theirs and nothing else."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.core.clock import FixedClock
from bot.engine.plan_store import schedule_relationship
from bot.engine.turns import Engine
from content import Content
from storage import person_data
from storage.database import Database
from storage.models import (
    Answer,
    AnswerRevision,
    Base,
    CheckIn,
    Person,
    Reflection,
    Relationship,
    TeamPost,
    TeamReply,
    TeamSubscription,
)
from tests.chat_script import ChatScript
from tests.storage.test_person_data import count_rows, seeded_world

THREAD = "1700000000.000100"
GOOD_FORM = {"day": "2", "time": "600", "time_zone": "America/Chicago", "themes": ""}


def person_id(database: Database, user: str = "U-ana", workspace: str = "T-library") -> int | None:
    with database.unit_of_work() as uow:
        person = uow.repos.people.find(
            platform="slack", workspace_external_id=workspace, person_external_id=user
        )
        return None if person is None else person.id


def rows_of(database: Database, who: int) -> dict[str, int]:
    """Every table's rows of this person, counted by SQL (the person's own row as `people`)."""
    with database.unit_of_work() as uow:
        found = person_data.counts(uow.session, who)
        found["people"] = int(
            uow.session.scalar(select(func.count()).select_from(Person).where(Person.id == who))
            or 0
        )
        return found


def plant(chat: ChatScript, name: str) -> None:
    """A relationship in the person's plan, stored and scheduled as the plan flow would."""
    with chat.engine.database.unit_of_work() as uow:
        person = uow.repos.people.get_or_create(
            platform=chat.platform,
            workspace_external_id=chat.workspace_id,
            person_external_id=chat.user_id,
        )
        uow.repos.people.set_time_zone(person=person, time_zone=chat.time_zone)
        row = uow.plan.relationships.add(
            person_id=person.id,
            values={
                "name": name,
                "kind": "person",
                "constituency": "governing-authority",
                "constituency_label": None,
                "cadence": "weekly",
                "cadence_days": None,
                "strategies": None,
                "success_measures": [],
                "paused": False,
            },
            at=chat.engine.clock.now(),
        )
        schedule_relationship(row, person, chat.engine.clock.now())


def someone(engine: Engine, user: str = "U-ana", **changes: Any) -> ChatScript:
    chat = ChatScript(engine, user_id=user, platform="slack")
    for name, value in changes.items():
        setattr(chat, name, value)
    return chat


def in_channel(engine: Engine, user: str = "U-ana", **changes: Any) -> ChatScript:
    return someone(
        engine,
        user,
        channel_id="C-leaders",
        channel_name="leaders",
        coach_in_channel=True,
        **changes,
    )


def with_some_of_everything(chat: ChatScript) -> None:
    """Two reflections, a toolkit answer changed once, a relationship and a check-in."""
    chat.command("reflect", "The board listened today.")
    chat.command("reflect", "Staff meeting ran long.")
    chat.command("coach", "toolkit 1")
    chat.say("I avoid feedback in front of groups.")
    chat.command("coach", "toolkit 1")
    chat.press("toolkit:edit:step-1/s1-q1")
    chat.say("I ask for feedback one to one.")
    chat.say("pause")
    plant(chat, "Board chair")
    chat.command("checkin", "board chair: budget talk went well")


def team_prompt_with_replies(engine: Engine, database: Database) -> None:
    """Ana set up #leaders' weekly prompt; it was posted; she and Bo replied in its thread."""
    subscribing = in_channel(engine)
    subscribing.command("coach", "subscribe")
    subscribing.submit(GOOD_FORM)
    with database.unit_of_work() as uow:
        [row] = uow.session.scalars(select(TeamSubscription))
        post = uow.team.posts.begin(
            subscription_id=row.id,
            occurrence="2026-11-24T16:00:00+00:00",
            prompt_id="convening/1",
            theme="Convening",
            questions="Where could we have brought people together?",
        )
        uow.team.posts.mark_posted(
            post_id=post.id, message_ts=THREAD, at=datetime(2026, 11, 24, 16, tzinfo=UTC)
        )
    where = {"platform": "slack", "workspace_id": "T-library", "channel_id": "C-leaders"}
    engine.channels.reply_posted(
        **where, thread_ts=THREAD, user_id="U-ana", message_ts="3.1", text="Ana's idea."
    )
    engine.channels.reply_posted(
        **where, thread_ts=THREAD, user_id="U-bo", message_ts="3.2", text="Bo's idea."
    )


def exported_data(chat: ChatScript) -> dict[str, Any]:
    chat.command("coach", "export")
    [file] = [f for r in chat.replies for f in r.files if f.filename.endswith(".json")]
    data: dict[str, Any] = json.loads(file.data)
    return data


# ----- the export ---------------------------------------------------------------------------


def test_the_export_adds_a_json_file_of_everything_kept(
    engine: Engine, database: Database, content: Content
) -> None:
    ana = someone(engine)
    with_some_of_everything(ana)
    team_prompt_with_replies(engine, database)

    ana.command("coach", "export")

    [reply] = ana.replies
    names = [f.filename for f in reply.files]
    assert names[:2] == ["reflection-guide-2026-11-23.md", "reflection-guide-2026-11-23.docx"]
    assert names[-1] == "lantern-export-2026-11-23.json"
    # The readable export says where the rest is: in the message, and in the guide itself.
    assert reply.notes == (
        content.privacy.export.ready.format(filename="lantern-export-2026-11-23.json"),
    )
    markdown = reply.files[0].data.decode("utf-8")
    assert "lantern-export-2026-11-23.json" in markdown
    data = json.loads(reply.files[-1].data)
    assert (data["format"], data["version"]) == ("lantern-export", 1)
    assert data["exported_at"] == "2026-11-23T15:00:00+00:00"
    assert data["workspace"] == {"platform": "slack", "external_id": "T-library"}
    assert data["person"]["external_id"] == "U-ana"
    assert data["person"]["time_zone"] == "America/Chicago"
    assert data["person"]["work_days"] == "12345"
    tables = data["tables"]
    assert [r["text"] for r in tables["reflections"]] == [
        "The board listened today.",
        "Staff meeting ran long.",
    ]
    [answer] = tables["answers"]
    assert answer["text"] == "I ask for feedback one to one."
    assert [r["text"] for r in tables["answer_revisions"]] == [
        "I avoid feedback in front of groups.",
        "I ask for feedback one to one.",
    ]
    [relationship] = tables["relationships"]
    assert relationship["name"] == "Board chair"
    assert relationship["success_measures"] == []  # JSON as JSON
    [checkin] = tables["checkins"]
    assert checkin["notes"] == "budget talk went well"
    assert checkin["happened_on"] == "2026-11-23"
    [subscription] = tables["team_subscriptions"]
    assert subscription["channel_id"] == "C-leaders"
    assert [r["text"] for r in tables["team_replies"]] == ["Ana's idea."]
    assert tables["relationship_plans"] == []  # every table of hers, empty ones too
    assert "U-bo" not in reply.files[-1].data.decode("utf-8")
    assert "Bo's idea." not in reply.files[-1].data.decode("utf-8")


def test_someone_elses_export_holds_none_of_it(engine: Engine, database: Database) -> None:
    with_some_of_everything(someone(engine))
    team_prompt_with_replies(engine, database)

    data = exported_data(someone(engine, "U-bo"))

    tables = data["tables"]
    assert data["person"]["external_id"] == "U-bo"
    assert [r["text"] for r in tables["team_replies"]] == ["Bo's idea."]
    assert tables["team_subscriptions"] == []  # Ana set it up, not Bo
    assert all(tables[name] == [] for name in ("reflections", "answers", "checkins"))


# ----- /coach forget: asking ----------------------------------------------------------------


def test_forget_first_says_what_would_go_and_deletes_nothing(
    engine: Engine, database: Database, content: Content
) -> None:
    ana = someone(engine)
    with_some_of_everything(ana)
    who = person_id(database)
    assert who is not None
    before = rows_of(database, who)

    ana.command("coach", "forget")

    words = content.privacy.forget
    text = ana.text
    assert words.heading in text
    for line in (
        "• 1 toolkit answer\n",
        "• 2 saved versions of those answers (every edit is kept)\n",
        "• 2 private reflections\n",
        "• 1 key relationship in your plan\n",
        "• 1 check-in\n",
        f"• {words.settings}",
    ):
        assert line in text
    assert "toolkit reminder" not in text  # none of those: not listed
    assert words.stays in text
    assert words.export_first in text
    [forget, keep] = ana.choices
    assert (forget.label, forget.style) == (words.confirm, "danger")
    assert forget.value.startswith("privacy:forget:")
    assert keep.label == words.keep
    # A real second step: only the request's token was kept.
    after = rows_of(database, who)
    assert after == {**before, "flow_progress": before["flow_progress"] + 1}


def test_forgetting_is_offered_in_help_and_on_the_home_page(
    engine: Engine, content: Content
) -> None:
    ana = someone(engine)
    ana.command("coach", "help")
    assert "/coach forget" in ana.text
    home = ana.home().home
    assert home is not None
    [section] = [s for s in home.sections if content.privacy.forget.home_line in s.lines]
    assert section.heading == content.coach.home.help_heading  # a line among the commands
    assert [c.value for c in section.choices] == ["toolkit:export:", "privacy:ask:"]
    ana.press("privacy:ask:")
    assert content.privacy.forget.heading in ana.text


def test_asking_in_the_middle_of_the_toolkit_leaves_it_waiting(
    engine: Engine, database: Database
) -> None:
    ana = someone(engine)
    ana.command("coach", "toolkit 1")
    ana.command("coach", "forget")
    ana.say("An answer to the toolkit's first question.")
    with database.unit_of_work() as uow:
        assert [a.text for a in uow.session.scalars(select(Answer))] == [
            "An answer to the toolkit's first question."
        ]


# ----- /coach forget: confirming ------------------------------------------------------------


def test_confirming_deletes_everything_of_theirs_and_says_what_went(
    engine: Engine, database: Database, content: Content
) -> None:
    ana = someone(engine)
    with_some_of_everything(ana)
    bo = someone(engine, "U-bo")
    with_some_of_everything(bo)
    who, bos = person_id(database), person_id(database, "U-bo")
    assert who is not None
    assert bos is not None
    bo_before = rows_of(database, bos)
    ana.command("coach", "forget")

    ana.choose(content.privacy.forget.confirm)

    words = content.privacy.forget
    text = ana.text
    assert words.done_heading in text
    assert "• 2 private reflections\n" in text
    assert "• 1 check-in\n" in text
    assert "• 2 notes of where we were in our conversations\n" in text  # toolkit, this
    assert words.stays in text  # the messages in their chat are not Lantern's to delete
    assert words.fresh in text
    assert ana.choices == ()
    assert set(rows_of(database, who).values()) == {0}
    assert rows_of(database, bos) == bo_before


def what_goes(text: str) -> list[str]:
    """The bullet lines of a forget preview or result."""
    return [line for line in text.split("\n") if line.startswith("• ")]


def test_the_preview_lists_exactly_what_the_confirm_deletes(
    engine: Engine, database: Database, content: Content
) -> None:
    ana = someone(engine)
    with_some_of_everything(ana)
    ana.command("coach", "forget")
    asked = what_goes(ana.text)
    assert "• 2 notes of where we were in our conversations" in asked  # toolkit, this request

    ana.choose(content.privacy.forget.confirm)

    assert what_goes(ana.text) == asked


def test_asking_twice_counts_the_request_once(
    engine: Engine, database: Database, content: Content
) -> None:
    ana = someone(engine)
    with_some_of_everything(ana)
    ana.command("coach", "forget")
    ana.command("coach", "forget")
    asked = what_goes(ana.text)
    ana.choose(content.privacy.forget.confirm)
    assert what_goes(ana.text) == asked


def test_talking_again_after_forgetting_starts_fresh(engine: Engine, content: Content) -> None:
    ana = someone(engine)
    with_some_of_everything(ana)
    ana.command("coach", "forget")
    ana.choose(content.privacy.forget.confirm)

    ana.command("coach", "reflections")

    assert content.coach.reflect.history_empty in ana.text


def test_forgetting_does_not_ask_for_the_time_zone_of_someone_just_forgotten(
    engine: Engine, content: Content
) -> None:
    ana = someone(engine, time_zone=None)
    ana.command("coach", "forget")
    assert ana.last.needs_time_zone  # an adapter would look it up and store it
    ana.choose(content.privacy.forget.confirm)
    assert not ana.last.needs_time_zone


@pytest.mark.parametrize("database_kind", ["sqlite", "postgresql"])
def test_every_table_loses_every_row_of_theirs_and_nobody_elses(
    request: pytest.FixtureRequest, content: Content, clock: FixedClock, database_kind: str
) -> None:
    """One row in every table for Ana, Ben, and someone with Ana's user id in another
    workspace; Ana forgets through the engine; counted by SQL afterwards."""
    database: Database = request.getfixturevalue(
        "database" if database_kind == "sqlite" else "postgres_database"
    )
    world = seeded_world(database)
    engine = Engine(content=content, database=database, clock=clock)
    # Seeded times and zones are placeholders: no time zone, so nothing is rescheduled.
    ana = ChatScript(engine, user_id="U-ana", workspace_id="T1", platform="slack", time_zone=None)
    ana.command("coach", "forget")
    assert "#ana:channel_name" in ana.text  # the prompt she set up, which will stop

    ana.choose(content.privacy.forget.confirm)

    assert content.privacy.forget.done_heading in ana.text
    left = count_rows(database, world["ana"])
    assert {name for name, count in left.items() if count} == {"team_subscriptions", "team_posts"}
    for other in ("ben", "twin"):
        assert count_rows(database, world[other]) == {
            name: len(ids) for name, ids in world[other].items()
        }, other
    with database.unit_of_work() as uow:
        subscription = uow.session.get(TeamSubscription, world["ana"]["team_subscriptions"][0])
        assert subscription is not None
        assert (
            subscription.status,
            subscription.person_id,
            subscription.next_due_at,
            subscription.claimed_until,
        ) == ("unsubscribed", None, None, None)
        for table in Base.metadata.sorted_tables:
            if "person_id" in table.c:
                mine = select(func.count()).select_from(table)
                ana_id = world["ana"]["people"][0]
                assert uow.session.scalar(mine.where(table.c.person_id == ana_id)) == 0


# ----- stale or tampered confirmations delete nothing --------------------------------------


def forget_button(chat: ChatScript) -> str:
    [value] = [c.value for c in chat.choices if c.value.startswith("privacy:forget:")]
    return value


def test_keeping_the_data_deletes_nothing_and_spends_the_button(
    engine: Engine, database: Database, content: Content
) -> None:
    ana = someone(engine)
    with_some_of_everything(ana)
    ana.command("coach", "forget")
    button = forget_button(ana)

    ana.choose(content.privacy.forget.keep)
    assert ana.text == content.privacy.forget.kept
    ana.press(button)

    assert ana.text == content.privacy.forget.stale
    who = person_id(database)
    assert who is not None
    assert rows_of(database, who)["reflections"] == 2


@pytest.mark.parametrize(("minutes", "forgotten"), [(59, True), (61, False)])
def test_the_confirm_works_for_an_hour_after_the_request(
    engine: Engine,
    database: Database,
    content: Content,
    clock: FixedClock,
    minutes: int,
    forgotten: bool,
) -> None:
    ana = someone(engine)
    with_some_of_everything(ana)
    ana.command("coach", "forget")
    button = forget_button(ana)

    clock.advance_to(clock.now() + timedelta(minutes=minutes))
    ana.press(button)

    assert (person_id(database) is None) == forgotten
    if not forgotten:
        assert ana.text == content.privacy.forget.expired
        who = person_id(database)
        assert who is not None
        assert rows_of(database, who)["reflections"] == 2
        ana.press(button)  # spent: pressing it again is an earlier request's button
        assert ana.text == content.privacy.forget.stale


def test_asking_again_makes_the_earlier_button_stale(
    engine: Engine, database: Database, content: Content
) -> None:
    ana = someone(engine)
    with_some_of_everything(ana)
    ana.command("coach", "forget")
    earlier = forget_button(ana)
    ana.command("coach", "forget")
    latest = forget_button(ana)

    ana.press(earlier)

    assert ana.text == content.privacy.forget.stale
    assert person_id(database) is not None
    ana.press(latest)  # the latest one works
    assert content.privacy.forget.done_heading in ana.text
    assert person_id(database) is None


def test_another_persons_button_deletes_nothing(
    engine: Engine, database: Database, content: Content
) -> None:
    ana, bo = someone(engine), someone(engine, "U-bo")
    with_some_of_everything(ana)
    with_some_of_everything(bo)
    ana.command("coach", "forget")
    bo.command("coach", "forget")  # Bo has a request of his own open, too

    bo.press(forget_button(ana))

    assert bo.text == content.privacy.forget.stale
    for user in ("U-ana", "U-bo"):
        who = person_id(database, user)
        assert who is not None
        assert rows_of(database, who)["reflections"] == 2


def test_the_same_user_id_in_another_workspace_deletes_nothing(
    engine: Engine, database: Database, content: Content
) -> None:
    ana = someone(engine)
    with_some_of_everything(ana)
    ana.command("coach", "forget")
    twin = someone(engine, workspace_id="T-elsewhere")
    twin.command("reflect", "Someone else entirely.")

    twin.press(forget_button(ana))

    assert twin.text == content.privacy.forget.stale
    for workspace in ("T-library", "T-elsewhere"):
        who = person_id(database, workspace=workspace)
        assert who is not None
        assert rows_of(database, who)["reflections"] >= 1


def test_an_old_confirm_after_forgetting_deletes_nothing_more(
    engine: Engine, database: Database, content: Content
) -> None:
    ana = someone(engine)
    ana.command("reflect", "Before.")
    ana.command("coach", "forget")
    button = forget_button(ana)
    ana.press(button)
    ana.command("reflect", "After: a fresh start.")

    ana.press(button)

    assert ana.text == content.privacy.forget.stale
    with database.unit_of_work() as uow:
        assert [r.text for r in uow.session.scalars(select(Reflection))] == [
            "After: a fresh start."
        ]


@pytest.mark.parametrize(
    "value", ["privacy:forget:", "privacy:forget:guess", "privacy:keep:", "privacy:unknown:x"]
)
def test_a_made_up_button_deletes_nothing(
    engine: Engine, database: Database, content: Content, value: str
) -> None:
    ana = someone(engine)
    with_some_of_everything(ana)
    ana.command("coach", "forget")

    ana.press(value)

    assert content.privacy.forget.done_heading not in ana.text
    who = person_id(database)
    assert who is not None
    assert rows_of(database, who)["reflections"] == 2


# ----- the team prompts they set up ---------------------------------------------------------


def test_team_prompts_they_set_up_stop_and_other_peoples_replies_stay(
    engine: Engine, database: Database, content: Content
) -> None:
    team_prompt_with_replies(engine, database)
    ana = someone(engine)
    ana.command("coach", "forget")
    assert content.privacy.forget.team_prompts.format(channels="#leaders") in ana.text
    assert "• Lantern's copy of 1 reply you wrote in a team prompt's thread\n" in ana.text

    ana.choose(content.privacy.forget.confirm)

    stopped = content.privacy.forget.team_prompts_stopped.format(channels="#leaders")
    assert stopped in ana.text
    with database.unit_of_work() as uow:
        [row] = uow.session.scalars(select(TeamSubscription))
        assert (row.status, row.person_id, row.next_due_at, row.claimed_until) == (
            "unsubscribed",
            None,
            None,
            None,
        )
        assert len(list(uow.session.scalars(select(TeamPost)))) == 1
        assert [r.text for r in uow.session.scalars(select(TeamReply))] == ["Bo's idea."]


def test_anyone_in_the_channel_can_start_a_forgotten_subscribers_prompt_again(
    engine: Engine, database: Database, content: Content
) -> None:
    team_prompt_with_replies(engine, database)
    ana = someone(engine)
    ana.command("coach", "forget")
    ana.choose(content.privacy.forget.confirm)
    bo = in_channel(engine, "U-bo")
    bo.command("coach", "resume")
    assert bo.text == content.prompts.team.no_subscription_to_resume.format(channel="leaders")

    bo.command("coach", "subscribe")
    assert bo.form is not None
    bo.submit(GOOD_FORM)

    bos = person_id(database, "U-bo")
    with database.unit_of_work() as uow:
        [row] = uow.session.scalars(select(TeamSubscription))
        assert (row.status, row.person_id) == ("active", bos)
        assert row.next_due_at is not None
    # Bo's home lists it as his; an admin's lists it; nobody's lists break on the way.
    home = someone(engine, "U-bo").home().home
    assert home is not None
    [section] = [s for s in home.sections if s.heading == content.prompts.team.home_heading]
    assert section.lines[0].startswith("#leaders")


def test_an_admin_who_brings_a_forgotten_subscribers_prompt_back_looks_after_it(
    engine: Engine, database: Database, content: Content
) -> None:
    team_prompt_with_replies(engine, database)
    ana = someone(engine)
    ana.command("coach", "forget")
    ana.choose(content.privacy.forget.confirm)
    admin = someone(engine, "U-cy", is_admin=True)
    home = admin.home().home  # the stopped prompt is not listed, and nothing breaks
    assert home is not None
    [section] = [s for s in home.sections if s.heading == content.prompts.team.home_heading]
    assert section.lines == (content.prompts.team.home_none,)

    admin.press("team:undo-unsubscribe:C-leaders|active")

    cy = person_id(database, "U-cy")
    with database.unit_of_work() as uow:
        [row] = uow.session.scalars(select(TeamSubscription))
        # Otherwise an active prompt with nobody behind it would never be posted.
        assert (row.status, row.person_id) == ("active", cy)


def test_a_prompt_with_nobody_behind_it_pauses_itself_without_a_notice(
    engine: Engine, database: Database
) -> None:
    subscribing = in_channel(engine)
    subscribing.command("coach", "subscribe")
    subscribing.submit(GOOD_FORM)
    with database.unit_of_work() as uow:
        [row] = uow.session.scalars(select(TeamSubscription))
        row.person_id = None  # as the database leaves it when the person row goes

    engine.channels.channel_lost(
        platform="slack", workspace_id="T-library", channel_id="C-leaders", reason="removed"
    )

    with database.unit_of_work() as uow:
        [row] = uow.session.scalars(select(TeamSubscription))
        assert (row.status, row.notice_pending, row.next_due_at) == ("paused", False, None)


# ----- nothing half-done --------------------------------------------------------------------


def test_a_forget_that_fails_at_the_last_delete_keeps_everything(
    engine: Engine, database: Database, content: Content
) -> None:
    """Every row of hers is deleted before her own; if the database then refuses that one,
    the whole turn is rolled back and she is told to try again."""
    ana = someone(engine)
    with_some_of_everything(ana)
    ana.command("coach", "forget")
    who = person_id(database)
    assert who is not None
    before = rows_of(database, who)
    with database.engine.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TRIGGER keep_people BEFORE DELETE ON people "
            "BEGIN SELECT RAISE(ABORT, 'not now'); END"
        )

    ana.choose(content.privacy.forget.confirm)

    assert ana.last.failed
    assert ana.text == content.coach.errors.database
    assert rows_of(database, who) == before
    with database.unit_of_work() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Relationship)) == 1
        assert uow.session.scalar(select(func.count()).select_from(CheckIn)) == 1
        assert uow.session.scalar(select(func.count()).select_from(AnswerRevision)) == 2
