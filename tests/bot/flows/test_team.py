"""Team channels' weekly prompts through the real engine on SQLite: setting one up, changing,
pausing, stopping, who may do it, the post's wording, and thread replies kept."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.engine.turns import Engine
from bot.flows.prompt_bank import prompt_bank
from bot.flows.team import weekly_post_replies
from content import Content
from storage.database import Database
from storage.models import Person, Reflection, TeamPost, TeamReply, TeamSubscription
from tests.chat_script import ChatScript

# The clock fixture: Monday 23 November 2026, 15:00 UTC (09:00 in America/Chicago).
TUESDAY_10_CHICAGO = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)

GOOD_FORM = {"day": "2", "time": "600", "time_zone": "America/Chicago", "themes": ""}


def in_channel(engine: Engine, user: str = "U-ana", **changes: object) -> ChatScript:
    chat = ChatScript(
        engine,
        user_id=user,
        platform="slack",
        channel_id="C-leaders",
        channel_name="leaders",
        coach_in_channel=True,
    )
    for name, value in changes.items():
        setattr(chat, name, value)
    return chat


def subscriptions(database: Database) -> list[TeamSubscription]:
    with database.unit_of_work() as uow:
        return list(uow.session.scalars(select(TeamSubscription).order_by(TeamSubscription.id)))


def subscribe(chat: ChatScript, values: dict[str, str] | None = None) -> None:
    chat.command("coach", "subscribe")
    assert chat.form is not None
    assert chat.form.form_id == "team.settings"
    chat.submit(values or GOOD_FORM)
    assert chat.last.form_errors is None, chat.last.form_errors


# ----- setting up -------------------------------------------------------------------------


def test_subscribe_in_a_channel_offers_the_settings_with_sensible_defaults(
    engine: Engine, database: Database
) -> None:
    chat = in_channel(engine)
    chat.command("coach", "subscribe")
    form = chat.form
    assert form is not None
    fields = {field.name: field for field in form.fields}
    assert list(fields) == ["day", "time", "time_zone", "themes"]
    assert fields["day"].initial == "1"  # Monday
    assert fields["time"].initial == str(9 * 60 + 30)
    assert fields["time_zone"].initial == "America/Chicago"  # the subscriber's own
    assert fields["themes"].multiple
    assert fields["themes"].optional
    assert len(fields["themes"].options) == len({p.theme_id for p in prompt_bank(engine.content)})
    assert form.context == "C-leaders\nleaders"
    assert "#leaders" in (form.intro or "")
    assert subscriptions(database) == []  # nothing stored until it is submitted


def test_submitting_the_settings_sets_up_the_weekly_prompt(
    engine: Engine, database: Database
) -> None:
    chat = in_channel(engine)
    subscribe(chat)
    [row] = subscriptions(database)
    assert (row.channel_id, row.channel_name, row.weekday, row.post_minute) == (
        "C-leaders",
        "leaders",
        2,
        600,
    )
    assert row.time_zone == "America/Chicago"
    assert row.themes == []
    assert row.status == "active"
    assert row.next_due_at == TUESDAY_10_CHICAGO
    assert "Tuesdays at 10:00 (America/Chicago)" in chat.text
    assert "Tue 24 Nov, 10:00" in chat.text
    # Confirmed in the form's own window, where buttons could not open another form.
    assert chat.choices == ()


def test_the_bot_must_be_in_the_channel_first(engine: Engine, database: Database) -> None:
    chat = in_channel(engine, coach_in_channel=False)
    chat.command("coach", "subscribe")
    assert chat.form is None
    assert "/invite @Lantern" in chat.text
    assert subscriptions(database) == []


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone", "not a time zone name"),
        ({"time_zone": "EST"}, "time_zone", "not a time zone name"),
        ({"time_zone": "localtime"}, "time_zone", "not a time zone name"),
        ({"time_zone": "chicagoo"}, "time_zone", "Did you mean America/Chicago"),
        ({"time_zone": ""}, "time_zone", "not a time zone name"),
        ({"day": "8"}, "day", "choose one"),
        ({"time": "61"}, "time", "choose one"),
        ({"themes": "convening,astrology"}, "themes", "choose one"),
    ],
)
def test_bad_settings_are_refused_under_their_field_and_nothing_is_stored(
    engine: Engine, database: Database, changes: dict[str, str], field: str, says: str
) -> None:
    chat = in_channel(engine)
    chat.command("coach", "subscribe")
    chat.submit({**GOOD_FORM, **changes})
    assert chat.last.form_errors is not None
    assert list(chat.last.form_errors.errors) == [field]
    assert says in chat.last.form_errors.errors[field]
    assert subscriptions(database) == []


def test_a_city_or_lower_case_time_zone_is_understood(engine: Engine, database: Database) -> None:
    chat = in_channel(engine)
    subscribe(chat, {**GOOD_FORM, "time_zone": "new york"})
    assert subscriptions(database)[0].time_zone == "America/New_York"
    subscribe(chat, {**GOOD_FORM, "time_zone": "europe/london"})
    assert subscriptions(database)[0].time_zone == "Europe/London"


def test_subscribe_again_shows_and_changes_the_settings(engine: Engine, database: Database) -> None:
    chat = in_channel(engine)
    subscribe(chat, {**GOOD_FORM, "themes": "convening,advocating"})
    chat.command("coach", "subscribe")
    assert chat.form is not None
    fields = {field.name: field for field in chat.form.fields}
    assert (fields["day"].initial, fields["time"].initial) == ("2", "600")
    assert fields["themes"].initial == "convening,advocating"
    chat.submit({**GOOD_FORM, "day": "5", "themes": ""})
    assert chat.text.startswith("Saved: #leaders gets its prompt Fridays at 10:00")
    [row] = subscriptions(database)
    assert row.weekday == 5
    assert row.themes == []


def test_choosing_every_theme_is_the_same_as_choosing_none(
    engine: Engine, database: Database
) -> None:
    chat = in_channel(engine)
    everything = ",".join(sorted({p.theme_id for p in prompt_bank(engine.content)}))
    subscribe(chat, {**GOOD_FORM, "themes": everything})
    assert subscriptions(database)[0].themes == []
    assert "from every theme" in chat.text


# ----- who may change it --------------------------------------------------------------------


def test_only_the_subscriber_or_an_admin_may_change_it(engine: Engine, database: Database) -> None:
    subscribe(in_channel(engine))
    bo = in_channel(engine, "U-bo")
    for command in ("subscribe", "pause", "resume", "unsubscribe"):
        bo.command("coach", command)
        assert "set up by someone else" in bo.text, command
        assert bo.form is None
    bo.press("team:pause:C-leaders")
    assert "set up by someone else" in bo.text
    assert subscriptions(database)[0].status == "active"

    admin = in_channel(engine, "U-cy", is_admin=True)
    admin.command("coach", "pause")
    [row] = subscriptions(database)
    assert row.status == "paused"
    with database.unit_of_work() as uow:
        ana = uow.session.scalar(select(Person).where(Person.external_id == "U-ana"))
        assert ana is not None
        assert row.person_id == ana.id  # an admin's change keeps the subscriber


def test_a_form_for_someone_elses_channel_is_refused(engine: Engine, database: Database) -> None:
    ana = in_channel(engine)
    subscribe(ana)
    ana.command("coach", "subscribe")
    form = ana.form
    bo = in_channel(engine, "U-bo")
    bo.submit({**GOOD_FORM, "day": "7"}, form)
    assert "set up by someone else" in bo.text
    assert subscriptions(database)[0].weekday == 2


def test_a_button_naming_another_workspaces_channel_changes_nothing(
    engine: Engine, database: Database
) -> None:
    subscribe(in_channel(engine))
    stranger = in_channel(engine, "U-ana", workspace_id="T-elsewhere", is_admin=True)
    stranger.press("team:pause:C-leaders")
    assert stranger.text.startswith(engine.content.coach.general.stale_choice)
    assert subscriptions(database)[0].status == "active"


# ----- pause, resume, stop ------------------------------------------------------------------


def test_pause_resume_and_their_repeats(engine: Engine, database: Database) -> None:
    chat = in_channel(engine)
    subscribe(chat)
    chat.command("coach", "pause")
    assert "Paused #leaders" in chat.text
    assert [c.label for c in chat.choices] == ["Resume", "Stop the prompts"]
    row = subscriptions(database)[0]
    assert (row.status, row.next_due_at) == ("paused", None)
    chat.command("coach", "pause")
    assert "already paused" in chat.text
    chat.choose("Resume")
    assert "back on" in chat.text
    row = subscriptions(database)[0]
    assert (row.status, row.next_due_at) == ("active", TUESDAY_10_CHICAGO)
    chat.command("coach", "resume")
    assert "already on" in chat.text


def test_resume_needs_the_bot_back_in_the_channel(engine: Engine, database: Database) -> None:
    chat = in_channel(engine)
    subscribe(chat)
    chat.command("coach", "pause")
    chat.coach_in_channel = False
    chat.command("coach", "resume")
    assert "/invite @Lantern" in chat.text
    assert subscriptions(database)[0].status == "paused"


def test_unsubscribe_stops_it_and_undo_brings_it_back(engine: Engine, database: Database) -> None:
    chat = in_channel(engine)
    subscribe(chat)
    chat.command("coach", "unsubscribe")
    assert "no more weekly prompts" in chat.text
    row = subscriptions(database)[0]
    assert (row.status, row.next_due_at) == ("unsubscribed", None)
    chat.choose("Undo")
    row = subscriptions(database)[0]
    assert (row.status, row.next_due_at) == ("active", TUESDAY_10_CHICAGO)
    chat.command("coach", "unsubscribe")
    chat.command("coach", "pause")
    assert "has no weekly prompt" in chat.text


def test_after_unsubscribing_anyone_may_set_it_up_again(engine: Engine, database: Database) -> None:
    subscribe(in_channel(engine))
    in_channel(engine).command("coach", "unsubscribe")
    subscribe(in_channel(engine, "U-bo"), {**GOOD_FORM, "day": "3"})
    [row] = subscriptions(database)  # the same row: the channel's posts stay with it
    with database.unit_of_work() as uow:
        bo = uow.session.scalar(select(Person).where(Person.external_id == "U-bo"))
        assert bo is not None
        assert (row.person_id, row.weekday, row.status) == (bo.id, 3, "active")


def test_commands_outside_a_channel_explain_and_list_what_you_look_after(
    engine: Engine, database: Database
) -> None:
    subscribe(in_channel(engine))
    dm = ChatScript(engine, platform="slack")
    dm.command("coach", "pause")
    assert "belongs to a channel" in dm.replies[0].text
    assert "#leaders: Tuesdays at 10:00 (America/Chicago), next Tue 24 Nov, 10:00" in dm.text
    dm.choose("Pause")  # the channel's button works from the DM too
    assert subscriptions(database)[0].status == "paused"
    dm.command("coach", "subscribe")
    sample = next(reply for reply in dm.replies if reply.heading)
    assert sample.heading.startswith("This week's theme: ")
    # A sample has no thread: only "Reflect privately" is offered with it.
    assert [c.label for c in sample.choices] == ["Reflect privately"]


# ----- the post, and what is done with it -------------------------------------------------


def test_the_weekly_post_wording(content: Content) -> None:
    prompt = next(p for p in prompt_bank(content) if p.theme_id == "service-and-privacy")
    [first] = weekly_post_replies(content, prompt, recap_count=None, first=True)
    assert first.heading == "This week's theme: Service + Privacy"
    assert first.preface is None
    assert first.text.startswith(prompt.description)
    for question in prompt.questions:
        assert f"• {question}" in first.text
    assert [c.value for c in first.choices] == [
        "team:reply:",
        f"reflect:prompt:{prompt.id}",
    ]
    assert first.notes
    assert "thread" in first.notes[0]
    assert "delete" in first.notes[0]
    recaps = {
        count: weekly_post_replies(content, prompt, recap_count=count, first=False)[0]
        for count in (0, 1, 4)
    }
    assert recaps[0].preface == "Nobody replied to the last prompt."
    assert recaps[1].preface == "One person replied to the last prompt."
    assert recaps[4].preface == "4 people replied to the last prompt."
    assert all(not reply.notes for reply in recaps.values())


def test_reflect_privately_opens_reflect_with_the_prompt_and_keeps_it_private(
    engine: Engine, database: Database
) -> None:
    prompt = next(p for p in prompt_bank(engine.content) if p.theme_id == "convening")
    chat = in_channel(engine, "U-bo")
    chat.press(f"reflect:prompt:{prompt.id}")
    form = chat.form
    assert form is not None
    assert form.form_id == "reflect.today"
    assert "Convening" in (form.intro or "")
    assert prompt.questions[0] in (form.intro or "")
    chat.submit({"reflection": "We should gather the branch heads."})
    with database.unit_of_work() as uow:
        [saved] = uow.session.scalars(select(Reflection))
        assert saved.text == "We should gather the branch heads."
        assert saved.prompt == "\n".join(prompt.questions)
    chat.press("reflect:prompt:no-such-theme/9")
    assert chat.form is None  # a prompt the content no longer has: the button no longer applies


def test_reply_in_thread_says_how_and_links_to_the_thread(engine: Engine) -> None:
    chat = in_channel(engine, message_link="https://x.slack.com/archives/C-leaders/p1?thread_ts=1")
    chat.press("team:reply:")
    [reply] = chat.replies
    assert "Reply in thread" in reply.text
    assert reply.link == (
        "Open the thread",
        "https://x.slack.com/archives/C-leaders/p1?thread_ts=1",
    )
    chat.message_link = None
    chat.press("team:reply:")
    assert chat.replies[0].link is None


def _posted(database: Database, *, ts: str = "1700000000.000100") -> int:
    """A post in #leaders as the worker leaves it once Slack took it."""
    with database.unit_of_work() as uow:
        [row] = uow.session.scalars(select(TeamSubscription))
        post = uow.team.posts.begin(
            subscription_id=row.id,
            occurrence="2026-11-24T16:00:00+00:00",
            prompt_id="convening/1",
            theme="Convening",
            questions="Where could we have brought people together?",
        )
        uow.team.posts.mark_posted(post_id=post.id, message_ts=ts, at=TUESDAY_10_CHICAGO)
        return post.id


def replies(database: Database) -> list[TeamReply]:
    """The replies kept with their words (a deleted one keeps only its ids)."""
    with database.unit_of_work() as uow:
        rows = uow.session.scalars(select(TeamReply).order_by(TeamReply.id))
        return [row for row in rows if row.deleted_at is None]


def test_thread_replies_are_kept_edited_and_removed(engine: Engine, database: Database) -> None:
    subscribe(in_channel(engine))
    _posted(database)
    where = {"platform": "slack", "workspace_id": "T-library", "channel_id": "C-leaders"}
    thread = "1700000000.000100"
    assert engine.channels.reply_posted(
        **where, thread_ts=thread, user_id="U-bo", message_ts="1.1", text="We listened."
    )
    # Slack retries an event it thinks failed: the reply is kept once.
    assert not engine.channels.reply_posted(
        **where, thread_ts=thread, user_id="U-bo", message_ts="1.1", text="We listened."
    )
    [kept] = replies(database)
    assert (kept.text, kept.edited_at) == ("We listened.", None)
    assert engine.channels.reply_edited(
        **where, thread_ts=thread, message_ts="1.1", text="We listened well."
    )
    [kept] = replies(database)
    assert kept.text == "We listened well."
    assert kept.edited_at is not None
    # An edit that arrives after a newer one does not undo it.
    assert not engine.channels.reply_edited(
        **where, thread_ts=thread, message_ts="1.1", text="We listened.", version_ts="0.5"
    )
    assert engine.channels.reply_edited(
        **where, thread_ts=thread, message_ts="1.1", text="We listened, truly.", version_ts="1.7"
    )
    assert not engine.channels.reply_edited(
        **where, thread_ts=thread, message_ts="1.1", text="We listened well.", version_ts="1.6"
    )
    assert replies(database)[0].text == "We listened, truly."
    assert engine.channels.reply_deleted(**where, thread_ts=thread, message_ts="1.1")
    assert replies(database) == []
    assert not engine.channels.reply_deleted(**where, thread_ts=thread, message_ts="1.1")
    # Slack's late retry of the first event does not bring a deleted reply back.
    assert not engine.channels.reply_posted(
        **where, thread_ts=thread, user_id="U-bo", message_ts="1.1", text="We listened."
    )
    with database.unit_of_work() as uow:
        [tombstone] = uow.session.scalars(select(TeamReply))
        assert tombstone.text == ""  # the words are gone; only the ids stay


def test_replies_elsewhere_are_not_kept(engine: Engine, database: Database) -> None:
    subscribe(in_channel(engine))
    _posted(database)
    # Another thread in the channel, and the same channel id and ts in another workspace.
    assert not engine.channels.reply_posted(
        platform="slack",
        workspace_id="T-library",
        channel_id="C-leaders",
        thread_ts="1699.0001",
        user_id="U-bo",
        message_ts="2.1",
        text="Not a prompt's thread.",
    )
    ChatScript(engine, user_id="U-zed", workspace_id="T-other", platform="slack").say("hi")
    assert not engine.channels.reply_posted(
        platform="slack",
        workspace_id="T-other",
        channel_id="C-leaders",
        thread_ts="1700000000.000100",
        user_id="U-zed",
        message_ts="2.2",
        text="Another workspace.",
    )
    assert replies(database) == []
    with database.unit_of_work() as uow:  # a reply elsewhere makes no one known to the coach
        assert uow.session.scalar(select(Person).where(Person.external_id == "U-bo")) is None


def test_losing_the_channel_pauses_it_once_and_home_says_so(
    engine: Engine, database: Database
) -> None:
    chat = in_channel(engine)
    subscribe(chat)
    where = {"platform": "slack", "workspace_id": "T-library", "channel_id": "C-leaders"}
    assert engine.channels.channel_lost(**where, reason="removed")
    row = subscriptions(database)[0]
    assert (row.status, row.paused_reason, row.notice_pending) == ("paused", "removed", True)
    assert row.next_due_at is not None  # the notice is due at once
    assert not engine.channels.channel_lost(**where, reason="archived")  # told once
    assert not engine.channels.channel_lost(
        platform="slack", workspace_id="T-unknown", channel_id="C-leaders", reason="removed"
    )
    home = chat.home().home
    assert home is not None
    [section] = [s for s in home.sections if s.heading == "*Weekly team prompts*"]
    assert "I could not post there" in section.lines[0]
    chat.command("coach", "resume")
    row = subscriptions(database)[0]
    assert (row.status, row.paused_reason, row.notice_pending) == ("active", None, False)


def test_home_lists_the_channels_you_look_after(engine: Engine) -> None:
    chat = in_channel(engine)
    home = chat.home().home
    assert home is not None
    [section] = [s for s in home.sections if s.heading == "*Weekly team prompts*"]
    assert "/coach subscribe" in section.lines[0]
    subscribe(chat)
    home = chat.home().home
    assert home is not None
    [section] = [s for s in home.sections if s.heading == "*Weekly team prompts*"]
    assert section.lines == (
        "#leaders: Tuesdays at 10:00 (America/Chicago), next Tue 24 Nov, 10:00",
    )
    assert [(c.value, c.label) for c in section.choices] == [
        ("team:edit:C-leaders", "Change #leaders"),
        ("team:pause:C-leaders", "Pause #leaders"),
    ]
    chat.press("team:pause:C-leaders")
    home = chat.home().home
    assert home is not None
    [section] = [s for s in home.sections if s.heading == "*Weekly team prompts*"]
    assert [c.label for c in section.choices] == ["Change #leaders", "Resume #leaders"]
    chat.press("team:edit:C-leaders")
    assert chat.form is not None
    assert chat.form.form_id == "team.settings"


def test_an_admins_home_lists_every_channels_prompt_of_the_workspace(engine: Engine) -> None:
    subscribe(in_channel(engine))
    subscribe(in_channel(engine, "U-bo", channel_id="C-branch", channel_name="branch"))
    admin = ChatScript(engine, user_id="U-cy", platform="slack", is_admin=True)
    home = admin.home().home
    assert home is not None
    [section] = [s for s in home.sections if s.heading == "*Weekly team prompts*"]
    assert [line.split(":")[0] for line in section.lines] == ["#leaders", "#branch"]
    someone = ChatScript(engine, user_id="U-dee", platform="slack")
    home = someone.home().home
    assert home is not None
    [section] = [s for s in home.sections if s.heading == "*Weekly team prompts*"]
    assert section.lines == (engine.content.prompts.team.home_none,)


def test_posts_stay_after_unsubscribing(engine: Engine, database: Database) -> None:
    subscribe(in_channel(engine))
    _posted(database)
    in_channel(engine).command("coach", "unsubscribe")
    with database.unit_of_work() as uow:
        assert len(list(uow.session.scalars(select(TeamPost)))) == 1


def test_your_thread_replies_join_your_export_and_nobody_elses(
    engine: Engine, database: Database
) -> None:
    subscribe(in_channel(engine))
    _posted(database)
    where = {"platform": "slack", "workspace_id": "T-library", "channel_id": "C-leaders"}
    engine.channels.reply_posted(
        **where, thread_ts="1700000000.000100", user_id="U-bo", message_ts="3.1", text="Bo's idea."
    )
    engine.channels.reply_posted(
        **where, thread_ts="1700000000.000100", user_id="U-cy", message_ts="3.2", text="Cy's idea."
    )
    bo = ChatScript(engine, user_id="U-bo", platform="slack")
    bo.command("coach", "export")
    markdown = next(
        f.data.decode() for r in bo.replies for f in r.files if f.filename.endswith(".md")
    )
    assert "Bo's idea." in markdown
    assert "Your reply in #leaders, in the thread of the team prompt on Convening" in markdown
    assert "Cy's idea." not in markdown
