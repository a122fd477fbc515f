"""Team channels' weekly prompts through the real engine, worker and a fake Slack: set up with
/coach subscribe, posted once a week at the channel's local time, recapped, rotated, and
paused by itself when the channel is lost."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.adapters.slack.sender import SlackSender, worker_client
from bot.core.clock import FixedClock
from bot.engine.scheduled import PROMPT_STALE_AFTER, ScheduledWork
from bot.engine.turns import Engine
from bot.flows.prompt_bank import prompt_bank
from bot.worker import Worker, WorkerConfig, WorkspaceLimiter
from content import Content
from storage.database import Database
from storage.models import Delivery, Person, TeamPost, TeamSubscription
from tests.chat_script import ChatScript
from tests.fakes.slack_api import ApiCall, FakeSlackApi

SLACK = frozenset({"slack"})
ANA = "U-ana"  # sets up the channel's prompt
CHANNEL = "C-team"
CHICAGO = "America/Chicago"
MONDAY_9_CHICAGO = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # the clock fixture's start
NEXT_MONDAY_9 = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
WEEK = timedelta(days=7)


@pytest.fixture
def engine(content: Content, any_database: Database, clock: FixedClock) -> Engine:
    return Engine(content=content, database=any_database, clock=clock)


@pytest.fixture
def slack() -> Iterator[FakeSlackApi]:
    with FakeSlackApi() as fake:
        yield fake


def new_worker(
    engine: Engine, slack: FakeSlackApi, token: str = "xoxb-test", *, threads: int = 4
) -> Worker:
    sender = SlackSender(worker_client(token, base_url=slack.url))
    config = WorkerConfig(threads=threads, rate_per_workspace=20)
    return Worker(engine, sender, platforms=SLACK, config=config)


@pytest.fixture
def worker(engine: Engine, slack: FakeSlackApi) -> Iterator[Worker]:
    running = new_worker(engine, slack)
    yield running
    running.close()


def in_channel(
    engine: Engine,
    *,
    user: str = ANA,
    channel: str = CHANNEL,
    workspace: str = "T-library",
    time_zone: str = CHICAGO,
) -> ChatScript:
    """Someone typing in a team channel the coach is a member of."""
    return ChatScript(
        engine,
        user_id=user,
        workspace_id=workspace,
        platform="slack",
        time_zone=time_zone,
        reachable_later=True,
        channel_id=channel,
        channel_name=channel.removeprefix("C-"),
        coach_in_channel=True,
    )


def subscribe(
    engine: Engine,
    *,
    channel: str = CHANNEL,
    user: str = ANA,
    workspace: str = "T-library",
    weekday: int = 1,
    minute: int = 9 * 60,
    time_zone: str = CHICAGO,
    themes: tuple[str, ...] = (),
) -> ChatScript:
    """`/coach subscribe` in the channel, then the settings form submitted."""
    chat = in_channel(engine, user=user, channel=channel, workspace=workspace)
    chat.command("coach", "subscribe")
    assert chat.form is not None, chat.text
    chat.submit(
        {
            "day": str(weekday),
            "time": str(minute),
            "time_zone": time_zone,
            "themes": ",".join(themes),
        }
    )
    assert chat.last.form_errors is None, chat.last.form_errors
    assert subscription(engine, channel).status == "active"
    return chat


def subscription(engine: Engine, channel: str = CHANNEL) -> TeamSubscription:
    with engine.database.unit_of_work() as uow:
        return uow.session.scalars(
            select(TeamSubscription).where(TeamSubscription.channel_id == channel)
        ).one()


def team_posts(engine: Engine) -> list[TeamPost]:
    with engine.database.unit_of_work() as uow:
        return list(uow.session.scalars(select(TeamPost).order_by(TeamPost.id)))


def deliveries(engine: Engine) -> list[Delivery]:
    return ScheduledWork(engine, platforms=SLACK).deliveries()


def posted_to(slack: FakeSlackApi, conversation: str) -> list[ApiCall]:
    return [
        call
        for call in slack.calls_to("chat.postMessage")
        if call.args.get("channel") == conversation
    ]


def strings(value: Any) -> Iterator[str]:
    """Every string in a message's arguments (its text and all its blocks)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def words(call: ApiCall) -> str:
    return "\n".join(strings(call.args))


def prompt_of(call: ApiCall) -> str:
    """The prompt a post carries: its "Reflect privately" button names it."""
    values = [
        element.get("value", "")
        for block in call.args.get("blocks", [])
        if block.get("type") == "actions"
        for element in block.get("elements", [])
    ]
    [prompt] = [value.removeprefix("reflect:prompt:") for value in values if "prompt:" in value]
    return str(prompt)


def at(clock: FixedClock, moment: datetime) -> None:
    clock.advance_to(moment)


def reply(
    engine: Engine, thread_ts: str, user: str, message_ts: str, text: str, channel: str = CHANNEL
) -> bool:
    return engine.channels.reply_posted(
        platform="slack",
        workspace_id="T-library",
        channel_id=channel,
        thread_ts=thread_ts,
        user_id=user,
        message_ts=message_ts,
        text=text,
    )


# -- the weekly post ---------------------------------------------------------------------------


def test_the_post_goes_to_the_channel_at_its_local_time_and_once_that_week(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock, content: Content
) -> None:
    subscribe(engine)
    assert subscription(engine).next_due_at == NEXT_MONDAY_9

    at(clock, NEXT_MONDAY_9 - timedelta(minutes=1))
    assert worker.tick().claimed == 0
    assert slack.calls_to("chat.postMessage") == []

    at(clock, NEXT_MONDAY_9)
    assert worker.tick().sent == 1
    for later in (timedelta(0), timedelta(hours=1), timedelta(days=3), WEEK - timedelta(minutes=1)):
        at(clock, NEXT_MONDAY_9 + later)
        assert worker.tick().claimed == 0
    [post] = slack.calls_to("chat.postMessage")  # in the channel, and nothing to anyone's DM
    assert post.args["channel"] == CHANNEL
    assert content.prompts.privacy_line in words(post)
    [row] = team_posts(engine)
    [delivery] = deliveries(engine)
    assert (delivery.kind, delivery.status, delivery.attempts) == ("prompt", "sent", 1)
    assert (row.prompt_id, row.posted_at) == (prompt_of(post), NEXT_MONDAY_9)
    assert row.message_ts == delivery.message_ts
    assert row.message_ts
    assert subscription(engine).next_due_at == NEXT_MONDAY_9 + WEEK

    at(clock, NEXT_MONDAY_9 + WEEK)
    assert worker.tick().sent == 1
    assert len(posted_to(slack, CHANNEL)) == 2


def test_next_weeks_post_opens_with_how_many_people_replied_and_quotes_no_one(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock, content: Content
) -> None:
    subscribe(engine)
    at(clock, NEXT_MONDAY_9)
    worker.tick()
    [first] = team_posts(engine)
    assert first.message_ts is not None
    thread = first.message_ts

    at(clock, NEXT_MONDAY_9 + timedelta(hours=2))
    said = {
        ("U-ben", "1.1"): "SECRET ben says one thing",
        ("U-ben", "1.2"): "SECRET ben says another",
        ("U-cat", "1.3"): "SECRET cat agrees",
        ("U-dan", "1.4"): "SECRET dan regrets this",
    }
    for (user, ts), text in said.items():
        assert reply(engine, thread, user, ts, text)
    assert not reply(engine, thread, "U-cat", "1.3", "SECRET cat agrees")  # Slack's retry
    assert not reply(engine, "999.999", "U-eve", "1.5", "SECRET not a prompt's thread")
    assert not reply(engine, thread, "U-eve", "1.6", "SECRET other channel", channel="C-other")
    assert engine.channels.reply_deleted(
        platform="slack",
        workspace_id="T-library",
        channel_id=CHANNEL,
        thread_ts=thread,
        message_ts="1.4",
    )  # dan took his back: two people replied

    at(clock, NEXT_MONDAY_9 + WEEK)
    assert worker.tick().sent == 1
    at(clock, NEXT_MONDAY_9 + 2 * WEEK)
    assert worker.tick().sent == 1
    first_post, second_post, third_post = posted_to(slack, CHANNEL)
    recap = content.prompts.recap
    assert recap.line(2) in words(second_post)
    assert recap.line(0) in words(third_post)  # nobody replied to the second
    assert not any(recap.line(n) in words(first_post) for n in range(5))  # no last week yet
    privacy = content.prompts.privacy_line
    assert [privacy in words(post) for post in (first_post, second_post, third_post)] == [
        True,
        False,
        False,
    ]
    everything = "\n".join(words(call) for call in slack.calls)
    assert "SECRET" not in everything


def test_twenty_three_weeks_cover_the_whole_bank_before_any_prompt_repeats(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock, content: Content
) -> None:
    bank = [prompt.id for prompt in prompt_bank(content)]
    subscribe(engine)
    for week in range(len(bank) + 1):
        monday = datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo(CHICAGO)) + week * WEEK
        at(clock, monday.astimezone(UTC))
        assert worker.tick().sent == 1, f"week {week + 1}"
    posted = [prompt_of(call) for call in posted_to(slack, CHANNEL)]
    assert len(posted) == len(bank) + 1
    first_cycle = posted[: len(bank)]
    assert sorted(first_cycle) == sorted(bank)  # every prompt once, none twice
    assert posted[-1] in bank  # then a new cycle begins
    assert [row.prompt_id for row in team_posts(engine)] == posted
    # The weeks crossed March's clock change: every post at 09:00 in Chicago all the same.
    assert {
        row.posted_at.astimezone(ZoneInfo(CHICAGO)).strftime("%a %H:%M")
        for row in team_posts(engine)
        if row.posted_at is not None
    } == {"Mon 09:00"}


def test_a_channel_that_chose_themes_gets_prompts_of_those_only(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock, content: Content
) -> None:
    chosen = ("convening", "changed-conversation")
    of_chosen = [prompt.id for prompt in prompt_bank(content) if prompt.theme_id in chosen]
    assert len(of_chosen) == 3  # one theme with one prompt, one with two
    subscribe(engine, themes=chosen)
    assert subscription(engine).themes == list(chosen)
    for week in range(2 * len(of_chosen)):
        at(clock, NEXT_MONDAY_9 + week * WEEK)
        assert worker.tick().sent == 1
    posted = [prompt_of(call) for call in posted_to(slack, CHANNEL)]
    assert set(posted) == set(of_chosen)
    assert sorted(posted[:3]) == sorted(of_chosen)
    assert sorted(posted[3:]) == sorted(of_chosen)


DST_CHANGES = [
    ("America/Chicago", date(2026, 11, 1)),
    ("America/Chicago", date(2026, 3, 8)),
    ("Europe/London", date(2026, 10, 25)),
    ("Australia/Sydney", date(2026, 4, 5)),
]


@pytest.mark.parametrize(("time_zone", "change"), DST_CHANGES)
def test_the_post_lands_at_nine_local_the_mondays_either_side_of_a_clock_change(
    engine: Engine,
    worker: Worker,
    slack: FakeSlackApi,
    clock: FixedClock,
    time_zone: str,
    change: date,
) -> None:
    zone = ZoneInfo(time_zone)
    monday_before = datetime.combine(change - timedelta(days=6), datetime.min.time(), zone)
    monday_after = datetime.combine(change + timedelta(days=1), datetime.min.time(), zone)
    at(clock, (monday_before - timedelta(days=3)).astimezone(UTC))
    subscribe(engine, time_zone=time_zone)
    for monday in (monday_before, monday_after):
        nine = monday.replace(hour=9).astimezone(UTC)
        at(clock, nine - timedelta(minutes=1))
        assert worker.tick().claimed == 0
        at(clock, nine)
        assert worker.tick().sent == 1
    posted_at = [row.posted_at.astimezone(zone) for row in team_posts(engine) if row.posted_at]
    assert [(moment.date(), moment.hour, moment.minute) for moment in posted_at] == [
        (monday_before.date(), 9, 0),
        (monday_after.date(), 9, 0),
    ]
    assert len({moment.utcoffset() for moment in posted_at}) == 2  # it really changed
    assert len(posted_to(slack, CHANNEL)) == 2


# -- Slack refusing ----------------------------------------------------------------------------


def test_a_server_error_is_retried_and_the_same_prompt_posted_once(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock
) -> None:
    subscribe(engine)
    slack.fail("chat.postMessage", "internal_error", status=500, times=1)
    at(clock, NEXT_MONDAY_9)
    assert worker.tick().retrying == 1
    [waiting] = team_posts(engine)
    assert waiting.message_ts is None
    row = subscription(engine)
    assert (row.next_due_at, row.claimed_until) == (
        NEXT_MONDAY_9,
        NEXT_MONDAY_9 + timedelta(seconds=30),
    )
    at(clock, NEXT_MONDAY_9 + timedelta(seconds=29))
    assert worker.tick().claimed == 0
    at(clock, NEXT_MONDAY_9 + timedelta(seconds=31))
    assert worker.tick().sent == 1
    assert worker.tick().claimed == 0
    refused, accepted = posted_to(slack, CHANNEL)
    assert prompt_of(refused) == prompt_of(accepted) == waiting.prompt_id
    [posted] = team_posts(engine)
    assert (posted.id, posted.message_ts is not None) == (waiting.id, True)
    [delivery] = deliveries(engine)
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert subscription(engine).next_due_at == NEXT_MONDAY_9 + WEEK


def test_a_429_waits_out_its_retry_after_then_posts_once(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock
) -> None:
    # The limiter runs on a clock of its own, so a slow machine cannot end the pause early.
    moment = [0.0]
    worker.limiter = WorkspaceLimiter(worker.limiter.rate, clock=lambda: moment[0])
    subscribe(engine)
    slack.fail("chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "1"}, times=1)
    at(clock, NEXT_MONDAY_9)
    report = worker.tick()
    assert (report.sent, report.retrying) == (0, 1)
    assert subscription(engine).claimed_until == NEXT_MONDAY_9 + timedelta(seconds=1)
    at(clock, NEXT_MONDAY_9 + timedelta(seconds=2))
    moment[0] = 0.9
    assert worker.tick().sent == 0  # the workspace itself is still waiting
    moment[0] = 1.1
    assert worker.tick().sent == 1
    assert worker.tick().claimed == 0
    refused, accepted = posted_to(slack, CHANNEL)
    assert prompt_of(refused) == prompt_of(accepted)
    [delivery] = deliveries(engine)
    assert (delivery.status, delivery.attempts) == ("sent", 2)


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        ("not_in_channel", "removed"),
        ("channel_not_found", "removed"),
        ("is_archived", "archived"),
        ("restricted_action", "restricted"),
        ("restricted_action_read_only_channel", "restricted"),
    ],
)
def test_a_lost_channel_pauses_itself_and_its_subscriber_is_told_once_in_working_hours(
    engine: Engine,
    worker: Worker,
    slack: FakeSlackApi,
    clock: FixedClock,
    content: Content,
    error: str,
    reason: str,
) -> None:
    subscribe(engine, minute=7 * 60)  # 07:00, before Ana's working day (09:00-17:00)
    seven = datetime(2026, 11, 30, 13, 0, tzinfo=UTC)
    slack.fail("chat.postMessage", error, times=1)
    at(clock, seven)
    assert worker.tick().not_retried == 1
    row = subscription(engine)
    assert (row.status, row.paused_reason, row.notice_pending) == ("paused", reason, True)
    assert posted_to(slack, ANA) == []  # not at 07:00
    assert row.next_due_at == NEXT_MONDAY_9  # but when her day starts

    at(clock, NEXT_MONDAY_9 - timedelta(minutes=1))
    assert worker.tick().claimed == 0
    at(clock, NEXT_MONDAY_9)
    assert worker.tick().sent == 1
    [notice] = posted_to(slack, ANA)
    wording = content.prompts.team.paused_itself
    by_reason = {
        "removed": wording.removed,
        "archived": wording.archived,
        "restricted": wording.restricted,
    }
    assert by_reason.pop(reason).format(channel="team") in words(notice)
    for other in by_reason.values():
        assert other.format(channel="team") not in words(notice)

    for later in (timedelta(hours=1), timedelta(days=1), WEEK, 3 * WEEK):
        at(clock, NEXT_MONDAY_9 + later)
        assert worker.tick().claimed == 0
    assert len(posted_to(slack, CHANNEL)) == 1  # the refused one only: never retried
    assert len(posted_to(slack, ANA)) == 1
    row = subscription(engine)
    assert (row.status, row.notice_pending, row.next_due_at) == ("paused", False, None)
    refused = "failed" if reason == "restricted" else "undeliverable"
    assert [(d.kind, d.status, d.error) for d in deliveries(engine)] == [
        ("prompt", refused, error),
        ("prompt_notice", "sent", None),
    ]
    with engine.database.unit_of_work() as uow:
        ana = uow.session.scalars(select(Person).where(Person.external_id == ANA)).one()
        assert ana.unreachable_since is None  # the channel was lost, not Ana


def test_a_post_more_than_a_day_late_is_skipped_and_the_next_weeks_comes_on_time(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock, content: Content
) -> None:
    subscribe(engine)
    at(clock, NEXT_MONDAY_9 + PROMPT_STALE_AFTER + timedelta(minutes=1))  # the worker was down
    report = worker.tick()
    assert (report.claimed, report.sent) == (1, 0)
    assert slack.calls_to("chat.postMessage") == []
    [skipped] = deliveries(engine)
    assert (skipped.kind, skipped.status) == ("prompt", "skipped")
    assert subscription(engine).next_due_at == NEXT_MONDAY_9 + WEEK

    at(clock, NEXT_MONDAY_9 + WEEK)
    assert worker.tick().sent == 1
    [post] = posted_to(slack, CHANNEL)
    assert content.prompts.privacy_line in words(post)  # still the channel's first post


def test_a_post_less_than_a_day_late_still_goes(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock
) -> None:
    subscribe(engine)
    at(clock, NEXT_MONDAY_9 + PROMPT_STALE_AFTER - timedelta(hours=1))
    assert worker.tick().sent == 1
    assert len(posted_to(slack, CHANNEL)) == 1
    assert subscription(engine).next_due_at == NEXT_MONDAY_9 + WEEK


def test_an_outage_longer_than_a_day_gives_up_that_weeks_post_not_the_next(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock
) -> None:
    subscribe(engine)
    slack.fail("chat.postMessage", "service_unavailable", status=503)  # until cleared
    now = NEXT_MONDAY_9
    at(clock, now)
    attempts = 0
    while worker.tick().retrying == 1:
        attempts += 1
        now = subscription(engine).claimed_until or now
        at(clock, now + timedelta(seconds=1))
    assert now - NEXT_MONDAY_9 > PROMPT_STALE_AFTER - timedelta(hours=1)  # backoff up to 1 h
    assert attempts == len(posted_to(slack, CHANNEL))
    assert len({prompt_of(call) for call in posted_to(slack, CHANNEL)}) == 1  # always the same
    [given_up] = deliveries(engine)
    assert (given_up.status, given_up.attempts) == ("skipped", attempts + 1)
    assert subscription(engine).next_due_at == NEXT_MONDAY_9 + WEEK

    slack.clear_scripts()
    at(clock, NEXT_MONDAY_9 + WEEK)
    assert worker.tick().sent == 1
    assert len(posted_to(slack, CHANNEL)) == attempts + 1


def test_a_retry_after_the_prompt_left_the_content_records_the_prompt_it_posted(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock, content: Content
) -> None:
    subscribe(engine)
    slack.fail("chat.postMessage", "internal_error", status=500, times=1)
    at(clock, NEXT_MONDAY_9)
    assert worker.tick().retrying == 1
    [waiting] = team_posts(engine)
    # A deploy between the two attempts removed that prompt's theme from content/.
    theme = waiting.prompt_id.partition("/")[0]
    themes = tuple(t for t in content.prompts.themes if t.id != theme)
    changed = content.model_copy(
        update={"prompts": content.prompts.model_copy(update={"themes": themes})}
    )
    redeployed = Engine(content=changed, database=engine.database, clock=clock)
    with closing(new_worker(redeployed, slack)) as after_deploy:
        at(clock, NEXT_MONDAY_9 + timedelta(seconds=31))
        assert after_deploy.tick().sent == 1
    posted = prompt_of(posted_to(slack, CHANNEL)[-1])
    assert posted != waiting.prompt_id  # it could not post the one that is gone
    [row] = team_posts(engine)
    assert row.prompt_id == posted  # what the channel saw, which its replies answer


# -- changed by people -------------------------------------------------------------------------


def test_pause_resume_unsubscribe_and_undo_stop_and_restart_the_posts(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock, content: Content
) -> None:
    chat = subscribe(engine)
    at(clock, NEXT_MONDAY_9)
    assert worker.tick().sent == 1

    at(clock, NEXT_MONDAY_9 + timedelta(days=2))
    chat.command("coach", "pause")
    assert subscription(engine).status == "paused"
    at(clock, NEXT_MONDAY_9 + WEEK)
    assert worker.tick().claimed == 0

    at(clock, NEXT_MONDAY_9 + WEEK + timedelta(hours=1))
    chat.command("coach", "resume")
    assert subscription(engine).next_due_at == NEXT_MONDAY_9 + 2 * WEEK  # not the missed one
    assert worker.tick().claimed == 0
    at(clock, NEXT_MONDAY_9 + 2 * WEEK)
    assert worker.tick().sent == 1

    at(clock, NEXT_MONDAY_9 + 2 * WEEK + timedelta(days=1))
    chat.command("coach", "unsubscribe")
    assert subscription(engine).status == "unsubscribed"
    at(clock, NEXT_MONDAY_9 + 3 * WEEK)
    assert worker.tick().claimed == 0

    chat.choose(content.prompts.team.undo)
    assert subscription(engine).status == "active"
    at(clock, NEXT_MONDAY_9 + 4 * WEEK)
    assert worker.tick().sent == 1
    assert len(posted_to(slack, CHANNEL)) == 3
    assert [row.posted_at for row in team_posts(engine)] == [
        NEXT_MONDAY_9,
        NEXT_MONDAY_9 + 2 * WEEK,
        NEXT_MONDAY_9 + 4 * WEEK,
    ]


def test_a_changed_day_and_time_move_the_next_post(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock
) -> None:
    subscribe(engine)
    subscribe(engine, weekday=3, minute=14 * 60, time_zone="Europe/London")  # the same form
    wednesday_2pm_london = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
    assert subscription(engine).next_due_at == wednesday_2pm_london
    at(clock, wednesday_2pm_london)
    assert worker.tick().sent == 1
    at(clock, NEXT_MONDAY_9)
    assert worker.tick().claimed == 0
    assert len(posted_to(slack, CHANNEL)) == 1


@pytest.mark.parametrize(
    ("weekday", "minute"), [(1, 10 * 60), (3, 9 * 60)], ids=["later-that-day", "wednesday"]
)
def test_a_new_time_saved_after_this_weeks_post_does_not_bring_a_second_one_that_week(
    engine: Engine,
    worker: Worker,
    slack: FakeSlackApi,
    clock: FixedClock,
    weekday: int,
    minute: int,
) -> None:
    subscribe(engine)
    at(clock, NEXT_MONDAY_9)
    assert worker.tick().sent == 1
    at(clock, NEXT_MONDAY_9 + timedelta(minutes=30))
    subscribe(engine, weekday=weekday, minute=minute)  # "a bit later would suit us better"
    for day in range(7):
        at(clock, NEXT_MONDAY_9 + timedelta(days=day, hours=6))
        worker.tick()
    assert len(posted_to(slack, CHANNEL)) == 1
    next_post = subscription(engine).next_due_at
    assert next_post is not None
    assert next_post - NEXT_MONDAY_9 >= timedelta(days=6)


def test_the_confirmation_names_the_post_the_store_will_send(
    engine: Engine, worker: Worker, clock: FixedClock
) -> None:
    subscribe(engine)
    at(clock, NEXT_MONDAY_9)
    assert worker.tick().sent == 1
    at(clock, NEXT_MONDAY_9 + timedelta(minutes=30))
    chat = subscribe(engine, minute=10 * 60)
    stored = subscription(engine).next_due_at
    assert stored == NEXT_MONDAY_9 + WEEK + timedelta(hours=1)  # Mon 7 Dec, 10:00
    assert "Mon 7 Dec, 10:00" in chat.text


def test_settings_saved_while_a_post_is_on_its_way_bring_no_second_post_that_week(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock
) -> None:
    subscribe(engine)
    at(clock, NEXT_MONDAY_9)
    [due] = worker.work.claim(NEXT_MONDAY_9, limit=10, lease=timedelta(minutes=5))
    prepared = worker.work.prepare(due, NEXT_MONDAY_9)
    assert prepared is not None
    subscribe(engine, weekday=2)  # Tuesday, saved while Monday's is being sent
    worker.work.record_sent(prepared, "1700000000.000100", NEXT_MONDAY_9)
    assert subscription(engine).next_due_at == NEXT_MONDAY_9 + WEEK + timedelta(days=1)
    for day in range(1, 7):
        at(clock, NEXT_MONDAY_9 + timedelta(days=day))
        assert worker.tick().sent == 0


def test_a_post_paused_while_it_waited_for_its_turn_is_not_sent(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock
) -> None:
    chat = subscribe(engine)
    at(clock, NEXT_MONDAY_9)
    [due] = worker.work.claim(NEXT_MONDAY_9, limit=10, lease=timedelta(minutes=5))
    prepared = worker.work.prepare(due, NEXT_MONDAY_9)
    assert prepared is not None
    chat.command("coach", "pause")  # while the post waits for its workspace's turn
    assert not worker.work.still_wanted(prepared, NEXT_MONDAY_9)
    assert [(d.kind, d.status) for d in deliveries(engine)] == [("prompt", "skipped")]
    assert posted_to(slack, CHANNEL) == []


def test_settings_saved_while_paused_keep_it_paused(engine: Engine, clock: FixedClock) -> None:
    chat = subscribe(engine)
    chat.command("coach", "pause")
    chat.command("coach", "subscribe")
    assert chat.form is not None
    chat.submit({"day": "3", "time": "600", "time_zone": CHICAGO, "themes": ""})
    assert "still paused" in chat.text
    row = subscription(engine)
    assert (row.status, row.weekday, row.next_due_at) == ("paused", 3, None)


def test_undo_after_pause_then_stop_leaves_it_paused(engine: Engine) -> None:
    chat = subscribe(engine)
    chat.command("coach", "pause")
    chat.choose("Stop the prompts")
    assert subscription(engine).status == "unsubscribed"
    chat.choose("Undo")
    row = subscription(engine)
    assert (row.status, row.next_due_at) == ("paused", None)


def test_a_prompt_that_paused_itself_resumes_only_from_the_channel(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock
) -> None:
    chat = subscribe(engine)
    engine.channels.channel_lost(
        platform="slack", workspace_id="T-library", channel_id=CHANNEL, reason="removed"
    )
    dm = ChatScript(engine, user_id=ANA, platform="slack")
    dm.press(f"team:resume:{CHANNEL}")  # from App Home or the DM: the coach cannot check
    assert "/coach resume" in dm.text
    assert subscription(engine).status == "paused"
    chat.coach_in_channel = True
    chat.command("coach", "resume")
    assert subscription(engine).status == "active"


def test_a_subscriber_whose_dms_cannot_be_reached_does_not_stop_the_channels_post(
    engine: Engine, worker: Worker, slack: FakeSlackApi, clock: FixedClock
) -> None:
    subscribe(engine)
    with engine.database.unit_of_work() as uow:
        ana = uow.session.scalars(select(Person).where(Person.external_id == ANA)).one()
        ana.unreachable_since = MONDAY_9_CHICAGO
        ana.unreachable_reason = "messages_tab_disabled"
    at(clock, NEXT_MONDAY_9)
    assert worker.tick().sent == 1
    assert len(posted_to(slack, CHANNEL)) == 1


# -- two workers -------------------------------------------------------------------------------

CHANNELS = 60
WORKSPACES = 4


def test_two_workers_ticking_at_once_post_each_weeks_prompt_once(
    content: Content, any_database: Database, clock: FixedClock
) -> None:
    first = Engine(content=content, database=any_database, clock=clock)
    second_database = Database(any_database.url)  # its own connections, as another process
    second = Engine(content=content, database=second_database, clock=clock)
    channels = [f"C-{n:02d}" for n in range(CHANNELS)]
    for n, channel in enumerate(channels):
        subscribe(first, channel=channel, user=f"U-{n:02d}", workspace=f"T-{n % WORKSPACES}")
    with FakeSlackApi(delay=0.01) as slack:
        # One thread each claims at most 50 at a time: neither can take all 60, so both have
        # a share and their claims meet.
        workers = [
            new_worker(first, slack, "xoxb-one", threads=1),
            new_worker(second, slack, "xoxb-two", threads=1),
        ]
        assert workers[0].config.batch < CHANNELS
        try:
            for week in range(2):
                at(clock, NEXT_MONDAY_9 + week * WEEK)
                for _ in range(5):  # until neither finds anything left to claim
                    claimed = tick_together(workers)
                    if claimed == 0:
                        break
                per_channel = Counter(
                    str(call.args["channel"]) for call in slack.calls_to("chat.postMessage")
                )
                assert per_channel == dict.fromkeys(channels, week + 1)
                this_week = slack.calls_to("chat.postMessage")[week * CHANNELS :]
                assert {call.token for call in this_week} == {"xoxb-one", "xoxb-two"}
        finally:
            for running in workers:
                running.close()
            second_database.dispose()
    rows = deliveries(first)
    assert len(rows) == 2 * CHANNELS
    assert {(row.kind, row.status, row.attempts) for row in rows} == {("prompt", "sent", 1)}
    assert len(team_posts(first)) == 2 * CHANNELS


def tick_together(workers: list[Worker]) -> int:
    """Both workers tick at the same moment; how many items they claimed between them."""
    start = threading.Barrier(len(workers))
    claimed = [0] * len(workers)

    def tick(index: int) -> None:
        start.wait(timeout=10)
        claimed[index] = workers[index].tick(budget_seconds=5).claimed

    threads = [threading.Thread(target=tick, args=(n,)) for n in range(len(workers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sum(claimed)
