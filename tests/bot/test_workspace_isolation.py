"""Two workspaces with the same user ids never see, change, nudge or export each other's data.

Slack user ids are unique only within a workspace, so "U1" in T1 and "U1" in T2 are two
people. Each builds everything through the engine (a reflection, a toolkit answer and a work
record, plan goals, a relationship with a rating and a check-in, an action item, a reminder,
a self-assessment, and a weekly prompt on the same channel id), each with a word of its own.
Then reads in one workspace (through the engine and through signed Slack requests) show only
that workspace's words, writes in one leave every row of the other as it was, the worker sends
each workspace's messages to that workspace, and each export holds only its own.

The helpers here (seeding, rows reachable from a row, Slack payloads from any workspace) are
shared with the tampering tests.
"""

from __future__ import annotations

import io
import json
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.core.clock import FixedClock
from bot.core.messages import Reply
from bot.engine.turns import Engine
from bot.worker import Worker, WorkerConfig
from content import Content, default_content
from storage.database import Database
from storage.models import (
    ActionItem,
    Base,
    CheckIn,
    Person,
    Relationship,
    TeamPost,
    TeamReply,
    TeamSubscription,
    WorkRecord,
    Workspace,
)
from tests.bot.adapters.slack.harness import (
    HttpResponse,
    SlackHarness,
    buttons,
    new_id,
    running_app,
)
from tests.chat_script import ChatScript
from tests.fakes.slack_api import APP_ID, BOT_USER_ID, TEAM_ID, FakeSlackApi

T1 = TEAM_ID  # the harness's own workspace
T2 = "T-other"
SLACK = "slack"
START = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # the clock fixture's time
CHANNEL = "C-lib"  # the same channel id in both workspaces
WORK_SECTION = "candidate-areas"  # a Step 6 section that holds several records
# Self-assessments hold no words of the person's, so each workspace takes a different one.
ASSESSMENT_TITLES = {"leadership": "Leadership abilities", "competencies": "Competencies"}
# Monday 23 November 2026, 09:00 in Chicago (the clock fixture). The weekly prompt is due on
# Tuesdays at 10:00, the relationships a week on, the action item on 1 December (a Tuesday).
FIRST_PROMPT_DUE = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
AFTER_EVERYTHING_IS_DUE = datetime(2026, 12, 1, 16, 30, tzinfo=UTC)
TEXT_FILES = (".md", ".docx", ".json")
SUBSCRIPTION_FORM = {"day": "2", "time": "600", "time_zone": "America/Chicago", "themes": ""}


# -- building a person's data through the engine ---------------------------------------------


@dataclass(frozen=True)
class Seeded:
    """What one person built, with the ids a button or a form would name."""

    workspace: str
    user: str
    tag: str  # a word of this person's own, in everything they wrote
    person_id: int
    relationship_id: int
    relationship_name: str
    action_id: int
    checkin_logged_at: str  # as a check-in's Undo button names it
    work_record_id: int
    channel: str | None
    assessment: str  # the kind of self-assessment they finished

    @property
    def assessment_title(self) -> str:
        return ASSESSMENT_TITLES[self.assessment]


def person_chat(engine: Engine, *, workspace: str, user: str) -> ChatScript:
    chat = ChatScript(engine, user_id=user, workspace_id=workspace, platform=SLACK)
    chat.reachable_later = True
    chat.say("hello")
    return chat


def seed_everything(
    engine: Engine,
    *,
    workspace: str,
    user: str,
    tag: str,
    channel: str | None = CHANNEL,
    channel_name: str | None = None,
    assessment: str = "leadership",
) -> Seeded:
    """Everything a person can store, each piece written with `tag` in it; a weekly prompt on
    `channel` too (named after the tag unless told), unless it is None; a finished
    self-assessment of this kind."""
    chat = person_chat(engine, workspace=workspace, user=user)
    chat.command("reflect", f"{tag} reflection on the levy vote")
    chat.command("coach", "toolkit 1")
    chat.say(f"{tag} answer about my mindset")
    chat.say("cancel")
    chat.press("toolkit:remind:7")
    chat.press(f"toolkit:add:{WORK_SECTION}")
    submit(chat, {"title": f"{tag} area", "description": f"{tag} area in detail"})
    chat.press("plan:goals")
    form = chat.form
    assert form is not None
    submit(chat, {field.name: f"{tag} goal {n}" for n, field in enumerate(form.fields)})
    name = f"{tag} Chair"
    chat.press("plan:add")
    submit(
        chat,
        {
            "name": name,
            "kind": "person",
            "constituency": "governing-authority",
            "own_label": "",
            "cadence": "weekly",
            "days": "",
            "strategies": f"{tag} strategy",
            "measures": f"{tag} measure one\n{tag} measure two",
        },
    )
    relationship_id = _one_id(engine, Relationship, chat)
    chat.press(f"plan:score:{relationship_id}/5")
    form = chat.form
    assert form is not None
    submit(chat, {"indicators": form.fields[0].options[0][0]})
    chat.command("checkin", f"{name}: {tag} note from the meeting")
    assert any(c.value.startswith("checkin:undo:") for c in chat.choices), chat.text
    logged_at = next(c.value for c in chat.choices if c.value.startswith("checkin:undo:"))
    chat.press("plan:action-add")
    submit(chat, {"what": f"{tag} action", "who": f"{tag} who", "when": "2026-12-01"})
    if channel is not None:
        subscribe(chat, channel, channel_name or f"{tag.lower()}-library")
    chat.press(f"assess:start:{assessment}")
    pages = 0
    while chat.form is not None and chat.form.form_id.startswith(f"assess.{assessment}."):
        form = chat.form
        submit(chat, {f.name: f.options[0][0] if f.multiple else "3" for f in form.fields})
        pages += 1
    assert pages > 1, chat.text
    return Seeded(
        workspace=workspace,
        user=user,
        tag=tag,
        person_id=_person_id(engine, workspace, user),
        relationship_id=relationship_id,
        relationship_name=name,
        action_id=_one_id(engine, ActionItem, chat),
        checkin_logged_at=logged_at.split("@", 1)[1],
        work_record_id=_one_id(engine, WorkRecord, chat),
        channel=channel,
        assessment=assessment,
    )


def subscribe(chat: ChatScript, channel: str, name: str) -> None:
    """`/coach subscribe` typed in the channel, where the coach is a member."""
    chat.channel_id, chat.channel_name, chat.coach_in_channel = channel, name, True
    try:
        chat.command("coach", "subscribe")
        submit(chat, SUBSCRIPTION_FORM)
    finally:
        chat.channel_id, chat.channel_name, chat.coach_in_channel = None, None, None


def submit(chat: ChatScript, values: dict[str, str]) -> None:
    chat.submit(values)
    assert chat.last.form_errors is None, chat.last.form_errors
    assert not chat.last.failed, chat.text


def _person_id(engine: Engine, workspace: str, user: str) -> int:
    with engine.database.unit_of_work() as uow:
        person = uow.session.scalars(
            select(Person)
            .join(Workspace, Workspace.id == Person.workspace_id)
            .where(Workspace.external_id == workspace, Person.external_id == user)
        ).one()
        return person.id


def _one_id(
    engine: Engine, model: type[Relationship | ActionItem | WorkRecord], chat: ChatScript
) -> int:
    person = _person_id(engine, chat.workspace_id, chat.user_id)
    with engine.database.unit_of_work() as uow:
        return uow.session.scalars(select(model.id).where(model.person_id == person)).one()


# -- what a row owns -----------------------------------------------------------------------------

Dump = dict[str, list[tuple[Any, ...]]]


def rows_reachable(database: Database, table: str, ids: set[int]) -> Dump:
    """Every row that hangs from these rows of `table` by foreign keys (its children, their
    children...), table by table in id order: what belongs to a person or a workspace. Walked
    from the schema, so a table added later is covered without a change here."""
    tables = {t.name: t for t in Base.metadata.sorted_tables if "id" in t.c}
    found: dict[str, set[int]] = {table: set(ids)}
    with database.engine.connect() as connection:
        grew = True
        while grew:
            grew = False
            for child in tables.values():
                for key in child.foreign_keys:
                    parents = found.get(key.column.table.name)
                    if not parents or key.column.name != "id":
                        continue
                    rows = connection.execute(
                        select(child.c.id).where(key.parent.in_(sorted(parents)))
                    )
                    new = {row.id for row in rows} - found.get(child.name, set())
                    if new:
                        found.setdefault(child.name, set()).update(new)
                        grew = True
        return {
            name: [
                tuple(row)
                for row in connection.execute(
                    select(tables[name])
                    .where(tables[name].c.id.in_(sorted(ids)))
                    .order_by(tables[name].c.id)
                )
            ]
            for name, ids in sorted(found.items())
        }


def workspace_rows(database: Database, workspace: str) -> Dump:
    with database.engine.connect() as connection:
        [row_id] = connection.execute(
            select(Workspace.id).where(Workspace.external_id == workspace)
        ).one()
    return rows_reachable(database, "workspaces", {row_id})


def person_rows(database: Database, person_id: int) -> Dump:
    return rows_reachable(database, "people", {person_id})


# -- Slack's payloads from any workspace -----------------------------------------------------


def slack_user(user: str, team: str) -> dict[str, str]:
    return {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team}


def command_in(
    slack: SlackHarness,
    team: str,
    user: str,
    command: str,
    text: str = "",
    *,
    channel: str = "D-dm",
    channel_name: str = "directmessage",
) -> HttpResponse:
    """A slash command typed by `user` of workspace `team`, signed as Slack signs it."""
    return slack.post_form(
        {
            "token": "legacy-verification-token",
            "team_id": team,
            "team_domain": team.lower(),
            "channel_id": channel,
            "channel_name": channel_name,
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": f"https://hooks.slack.com/commands/{team}/1/abc",
            "trigger_id": new_id("13345224609.738474920.trigger"),
        }
    )


def press_in(
    slack: SlackHarness, team: str, user: str, value: str, *, channel: str = "D-dm"
) -> HttpResponse:
    """A Lantern button pressed by `user` of `team`, carrying `value` (as rendered, or not)."""
    ts = f"{int(time.time())}.000100"
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": slack_user(user, team),
        "api_app_id": APP_ID,
        "token": "legacy-verification-token",
        "container": {
            "type": "message",
            "message_ts": ts,
            "channel_id": channel,
            "is_ephemeral": False,
        },
        "trigger_id": new_id("13345224609.738474920.trigger"),
        "team": {"id": team, "domain": team.lower()},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel, "name": "directmessage"},
        "message": {"type": "message", "user": BOT_USER_ID, "ts": ts},
        "state": {"values": {}},
        "response_url": f"https://hooks.slack.com/actions/{team}/1/xyz",
        "actions": [
            {
                "type": "button",
                "block_id": "b1",
                "action_id": "lantern.choice.0",
                "text": {"type": "plain_text", "text": "Button", "emoji": True},
                "value": value,
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    return slack.post_form({"payload": json.dumps(payload)})


def submit_in(
    slack: SlackHarness,
    team: str,
    user: str,
    form_id: str,
    values: dict[str, str],
    *,
    context: str = "",
) -> HttpResponse:
    """A Lantern modal submitted by `user` of `team`: its callback id, its private_metadata
    and the values typed or chosen, whatever the app rendered (a tampered one)."""
    view_id = new_id("V")
    state = {
        name: {"value": {"type": "plain_text_input", "value": value}}
        for name, value in values.items()
    }
    payload = {
        "type": "view_submission",
        "team": {"id": team, "domain": team.lower()},
        "user": slack_user(user, team),
        "api_app_id": APP_ID,
        "token": "legacy-verification-token",
        "trigger_id": new_id("13345224609.738474920.trigger"),
        "view": {
            "id": view_id,
            "team_id": team,
            "type": "modal",
            "callback_id": f"lantern.{form_id}",
            "private_metadata": context,
            "blocks": [],
            "state": {"values": state},
            "hash": "1.hash",
            "root_view_id": view_id,
            "app_id": APP_ID,
            "app_installed_team_id": team,
        },
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return slack.post_form({"payload": json.dumps(payload)})


def home_in(slack: SlackHarness, team: str, user: str) -> HttpResponse:
    """`user` of `team` opens the coach's App Home tab."""
    return slack.post_json(
        {
            "token": "legacy-verification-token",
            "team_id": team,
            "api_app_id": APP_ID,
            "type": "event_callback",
            "event_id": new_id("Ev"),
            "event_time": int(time.time()),
            "event": {
                "type": "app_home_opened",
                "user": user,
                "channel": "D-dm",
                "tab": "home",
                "event_ts": f"{time.time():.6f}",
            },
        }
    )


def everything_sent(slack: SlackHarness, *responses: HttpResponse) -> str:
    """All the app said: the HTTP answers, and every Web API call's arguments (uploaded files
    as text too), as one text to search."""
    parts = [response.text for response in responses]
    for call in slack.fake.calls:
        args = dict(call.args)
        content = args.pop("content", None)
        if isinstance(content, bytes):
            parts.append(file_text(content))
        parts.append(json.dumps(args, default=str, ensure_ascii=False))
    return "\n".join(parts)


def file_text(data: bytes) -> str:
    """The words in an exported file: Markdown and JSON as they are, Word from its XML."""
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace")
                for name in archive.namelist()
                if name.endswith(".xml")
            )
    return data.decode("utf-8", "replace")


# -- fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def slack(tmp_path: Path, clock: FixedClock) -> Iterator[SlackHarness]:
    """The Slack adapter's harness (its conftest is not visible from here)."""
    with FakeSlackApi() as fake, running_app(tmp_path / "t.db", fake, clock) as harness:
        yield harness


@pytest.fixture
def app_engine(slack: SlackHarness, content: Content, clock: FixedClock) -> Iterator[Engine]:
    """An engine on the app's own database: data built here is what the app reads."""
    database = Database(slack.database_url)
    yield Engine(content=content, database=database, clock=clock)
    database.dispose()


@dataclass(frozen=True)
class Pair:
    one: Seeded  # U1 in T1
    other: Seeded  # U1 in T2


def seed_pair(engine: Engine) -> Pair:
    return Pair(
        one=seed_everything(engine, workspace=T1, user="U1", tag="Quetzal"),
        other=seed_everything(
            engine, workspace=T2, user="U1", tag="Wombat", assessment="competencies"
        ),
    )


@pytest.fixture
def any_engine(content: Content, any_database: Database, clock: FixedClock) -> Engine:
    """The engine on SQLite, and on PostgreSQL where TEST_DATABASE_URL is set."""
    return Engine(content=content, database=any_database, clock=clock)


@pytest.fixture
def pair(any_engine: Engine) -> Pair:
    return seed_pair(any_engine)


@dataclass(frozen=True)
class Seeds:
    engine: Engine
    pair: Pair


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeds]:
    """Both workspaces' data, built once for the tests that only read it."""
    database = Database(f"sqlite:///{tmp_path_factory.mktemp('reads')}/reads.db")
    database.upgrade()
    engine = Engine(content=default_content(), database=database, clock=FixedClock(START))
    try:
        yield Seeds(engine, seed_pair(engine))
    finally:
        database.dispose()


@dataclass(frozen=True)
class SlackSeeds:
    slack: SlackHarness
    pair: Pair


@pytest.fixture(scope="module")
def slack_seeds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlackSeeds]:
    """The app on a socket with both workspaces' data, once for the Slack tests that read."""
    clock = FixedClock(START)
    folder = tmp_path_factory.mktemp("slack-reads")
    with FakeSlackApi() as fake, running_app(folder / "t.db", fake, clock) as slack:
        database = Database(slack.database_url)
        try:
            engine = Engine(content=default_content(), database=database, clock=clock)
            yield SlackSeeds(slack, seed_pair(engine))
        finally:
            database.dispose()


def said(outcome_replies: tuple[Reply, ...]) -> str:
    """Every word of the replies: text, quotes, notes, buttons, and the forms' fields."""
    parts: list[str] = []
    for reply in outcome_replies:
        parts += [reply.text, reply.quote or "", reply.copyable or "", *reply.notes]
        parts += [f"{choice.label} {choice.value}" for choice in reply.choices]
        if reply.form is not None:
            parts += [reply.form.intro or "", reply.form.context]
            for field in reply.form.fields:
                parts += [field.label, field.initial or ""]
                parts += [f"{value} {label}" for value, label in field.options]
        parts += [file_text(f.data) for f in reply.files]
    return "\n".join(parts)


def assert_only_own(text: str, own: Seeded, other: Seeded, *, by_assessment: bool = False) -> None:
    """`own`'s words are in the text (the read showed something), `other`'s are not."""
    text = text.casefold()  # a channel's name is in lower case
    mine, theirs = own.tag, other.tag
    if by_assessment:
        mine, theirs = own.assessment_title, other.assessment_title
    assert mine.casefold() in text, f"{mine} not in what {own.workspace} saw: it shows nothing"
    assert theirs.casefold() not in text, f"{other.workspace}'s data shown in {own.workspace}"
    assert other.tag.casefold() not in text, f"{other.workspace}'s data shown in {own.workspace}"


# -- reads through the engine -------------------------------------------------------------------


READS: list[tuple[str, str, str]] = [
    # (what, how, argument): a command or a button, as a person in either workspace sends it
    ("reflections", "command", "reflections"),
    ("plan", "command", "plan"),
    ("action plan", "command", "plan actions"),
    ("assessment history", "command", "assess history"),
    ("toolkit summary", "press", "toolkit:summary:step-1"),
    ("work records", "press", f"toolkit:work:{WORK_SECTION}"),
    ("answer to edit", "press", "toolkit:edit:step-1/s1-q1"),
    ("goals form", "press", "plan:goals"),
    ("check-in form", "press", "checkin:start:"),
    ("team prompts", "command", "subscribe"),  # typed in a DM: the channels they look after
    ("export", "command", "export"),
]


@pytest.mark.parametrize(("what", "how", "argument"), READS, ids=[r[0] for r in READS])
def test_each_read_in_a_workspace_shows_only_that_workspaces_data(
    seeds: Seeds, what: str, how: str, argument: str
) -> None:
    engine, pair = seeds.engine, seeds.pair
    for own, other in ((pair.one, pair.other), (pair.other, pair.one)):
        chat = ChatScript(engine, user_id=own.user, workspace_id=own.workspace, platform=SLACK)
        if how == "command":
            chat.command("coach", argument)
        else:
            chat.press(argument)
        assert not chat.last.failed, chat.text
        assert_only_own(said(chat.replies), own, other, by_assessment=what.startswith("assess"))


def test_the_home_page_of_each_workspace_shows_only_its_own(seeds: Seeds) -> None:
    engine, pair = seeds.engine, seeds.pair
    for own, other in ((pair.one, pair.other), (pair.other, pair.one)):
        chat = ChatScript(engine, user_id=own.user, workspace_id=own.workspace, platform=SLACK)
        page = chat.home().home
        assert page is not None
        text = "\n".join(
            [line for section in page.sections for line in (section.heading, *section.lines)]
        )
        assert_only_own(text, own, other)


def test_the_export_of_each_workspace_holds_only_its_own(seeds: Seeds) -> None:
    engine, pair = seeds.engine, seeds.pair
    for own, other in ((pair.one, pair.other), (pair.other, pair.one)):
        chat = ChatScript(engine, user_id=own.user, workspace_id=own.workspace, platform=SLACK)
        chat.command("coach", "export")
        files = [
            file
            for reply in chat.replies
            for file in reply.files
            if file.filename.endswith(TEXT_FILES)  # the pictures hold no words to search
        ]
        assert len(files) >= 2, [f.filename for f in files]  # Markdown and Word, at least
        for file in files:
            text = file_text(file.data)
            assert own.tag in text, f"{file.filename} of {own.workspace} holds none of its data"
            assert other.tag not in text, f"{file.filename} of {own.workspace} holds the other's"


# -- writes ------------------------------------------------------------------------------------


def test_writes_in_one_workspace_leave_every_row_of_the_other_as_it_was(
    any_engine: Engine, pair: Pair
) -> None:
    engine = any_engine
    one = pair.one
    before = workspace_rows(engine.database, T2)
    before_one = workspace_rows(engine.database, T1)
    chat = ChatScript(engine, user_id=one.user, workspace_id=T1, platform=SLACK)
    chat.command("reflect", "Quetzal second reflection")
    chat.press(f"plan:pause:{one.relationship_id}")
    chat.press(f"checkin:undo:{one.relationship_id}@{one.checkin_logged_at}")
    chat.press(f"plan:done:{one.action_id}")
    chat.press(f"toolkit:remove:{WORK_SECTION}/{one.work_record_id}")
    chat.press("toolkit:remind:none")
    chat.press(f"assess:start:{one.assessment}")
    chat.channel_id, chat.channel_name, chat.coach_in_channel = CHANNEL, "library", True
    chat.command("coach", "pause")
    chat.channel_id, chat.channel_name, chat.coach_in_channel = None, None, None
    chat.press(f"plan:remove-confirm:{one.relationship_id}")

    after_one = workspace_rows(engine.database, T1)
    tables = after_one.keys() | before_one.keys()
    changed = {name for name in tables if after_one.get(name) != before_one.get(name)}
    written = {
        "reflections",
        "relationships",
        "checkins",
        "action_items",
        "work_records",
        "toolkit_reminders",
        "team_subscriptions",
    }
    assert written <= changed, f"the writes did not all happen in T1: {written - changed}"
    assert workspace_rows(engine.database, T2) == before


# -- the worker ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    platform: str
    workspace: str
    to: str
    text: str


class RecordingSender:
    """The worker's sender, recording each message. The n-th message of each workspace gets
    the same ts as the other's n-th: a reply in one workspace's thread could then find the
    other's post only if the lookup ignored workspaces."""

    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self._lock = threading.Lock()

    def __call__(
        self, platform: str, workspace_id: str, user_id: str, replies: tuple[Reply, ...]
    ) -> str:
        with self._lock:
            self.sent.append(Sent(platform, workspace_id, user_id, said(replies)))
            count = sum(1 for sent in self.sent if sent.workspace == workspace_id)
        return f"{1764000000 + count}.000100"


def run_until_everything_was_sent(worker: Worker, clock: FixedClock) -> None:
    """The first weekly prompts on their Tuesday, then everything else a week on."""
    for moment in (FIRST_PROMPT_DUE, AFTER_EVERYTHING_IS_DUE):
        clock.advance_to(moment)
        while worker.tick().sent:
            pass


def test_the_worker_sends_each_workspaces_messages_to_that_workspace(
    any_engine: Engine, pair: Pair, clock: FixedClock
) -> None:
    engine = any_engine
    sender = RecordingSender()
    worker = Worker(
        engine,
        sender,
        platforms=frozenset({SLACK}),
        config=WorkerConfig(threads=2, rate_per_workspace=50),
    )
    try:
        run_until_everything_was_sent(worker, clock)
    finally:
        worker.close()

    by_workspace = {T1: [s for s in sender.sent if s.workspace == T1]}
    by_workspace[T2] = [s for s in sender.sent if s.workspace == T2]
    assert len(sender.sent) == len(by_workspace[T1]) + len(by_workspace[T2])
    for own, other in ((pair.one, pair.other), (pair.other, pair.one)):
        sent = by_workspace[own.workspace]
        assert {s.to for s in sent} == {own.user, CHANNEL}, sent  # the person and the channel
        nudges = [s for s in sent if own.relationship_name in s.text]
        assert nudges, f"no nudge about {own.relationship_name} in {own.workspace}"
        assert any(f"{own.tag} action" in s.text for s in sent), "no action reminder"
        assert [s for s in sent if s.to == CHANNEL], "no weekly prompt in the channel"
        for message in sent:
            assert other.tag not in message.text, f"{other.workspace}'s words sent to {own}"


def test_a_reply_in_one_workspaces_thread_is_kept_for_that_workspace_only(
    any_engine: Engine, pair: Pair, clock: FixedClock
) -> None:
    engine = any_engine
    sender = RecordingSender()
    worker = Worker(engine, sender, platforms=frozenset({SLACK}))
    try:
        run_until_everything_was_sent(worker, clock)
    finally:
        worker.close()
    posts = _team_posts(engine)
    first = posts[0].subscription_id  # the channel's prompt in one workspace, then the other's
    shared = {p.message_ts or "" for p in posts if p.subscription_id == first}
    shared &= {p.message_ts or "" for p in posts if p.subscription_id != first}
    shared.discard("")
    assert shared, "no post of one workspace has the same ts as one of the other's"
    thread = min(shared)

    kept = engine.channels.reply_posted(
        platform=SLACK,
        workspace_id=T1,
        channel_id=CHANNEL,
        thread_ts=thread,
        user_id="U2",
        message_ts="1764000100.000200",
        text="Quetzal reply in the thread",
    )

    assert kept
    with engine.database.unit_of_work() as uow:
        [reply] = uow.session.scalars(select(TeamReply))
        [workspace] = uow.session.scalars(
            select(Workspace.external_id)
            .join(TeamSubscription, TeamSubscription.workspace_id == Workspace.id)
            .join(TeamPost, TeamPost.subscription_id == TeamSubscription.id)
            .where(TeamPost.id == reply.post_id)
        )
        assert workspace == T1


def _team_posts(engine: Engine) -> list[TeamPost]:
    with engine.database.unit_of_work() as uow:
        return list(uow.session.scalars(select(TeamPost)))


# -- through Slack ------------------------------------------------------------------------------


SLACK_READS: list[tuple[str, str, str]] = [
    ("reflections", "/coach", "reflections"),
    ("plan", "/coach", "plan"),
    ("action plan", "/coach", "plan actions"),
    ("assessment history", "/coach", "assess history"),
    ("reflect quotes", "/reflect", ""),  # today's form: nothing of theirs, and nothing else's
    ("export", "/coach", "export"),
]


@pytest.mark.parametrize(("what", "command", "text"), SLACK_READS, ids=[r[0] for r in SLACK_READS])
def test_slack_reads_in_a_workspace_show_only_that_workspaces_data(
    slack_seeds: SlackSeeds, what: str, command: str, text: str
) -> None:
    slack, pair = slack_seeds.slack, slack_seeds.pair
    for own, other in ((pair.one, pair.other), (pair.other, pair.one)):
        slack.drain()
        slack.fake.clear()
        response = command_in(slack, own.workspace, own.user, command, text)
        assert response.status == 200
        slack.drain()
        seen = everything_sent(slack, response)
        if command == "/coach":
            assert_only_own(seen, own, other, by_assessment=what.startswith("assess"))
        else:
            assert other.tag not in seen, f"{other.workspace}'s data shown in {own.workspace}"


def test_slack_app_home_in_a_workspace_shows_only_its_own(slack_seeds: SlackSeeds) -> None:
    slack, pair = slack_seeds.slack, slack_seeds.pair
    for own, other in ((pair.one, pair.other), (pair.other, pair.one)):
        slack.drain()
        slack.fake.clear()
        assert home_in(slack, own.workspace, own.user).status == 200
        [published] = slack.fake.wait_for("views.publish")
        view = json.dumps(published.args["view"])
        assert published.args["user_id"] == own.user
        assert own.tag in view
        assert other.tag not in view


def test_slack_buttons_of_one_workspace_act_there_only(
    slack: SlackHarness, app_engine: Engine
) -> None:
    """The same button (the same value) pressed by U1 in each workspace acts on that
    workspace's relationship of that name: found by the name, never by the other's id."""
    pair = seed_pair(app_engine)
    before = workspace_rows(app_engine.database, T2)
    slack.fake.clear()

    response = press_in(slack, T1, "U1", f"plan:pause:{pair.one.relationship_id}")

    assert response.status == 200
    slack.drain()
    posted = slack.fake.wait_for("chat.postMessage")
    text = json.dumps([call.args for call in posted])
    assert pair.one.relationship_name in text
    assert "plan:resume:" in json.dumps([b for c in posted for b in buttons(c.args["blocks"])])
    assert workspace_rows(app_engine.database, T2) == before
    with app_engine.database.unit_of_work() as uow:
        paused = {r.name: r.paused for r in uow.session.scalars(select(Relationship))}
    assert paused == {pair.one.relationship_name: True, pair.other.relationship_name: False}


def test_the_seeds_really_hold_the_same_user_ids_in_two_workspaces(seeds: Seeds) -> None:
    engine, pair = seeds.engine, seeds.pair
    """The control for everything above: two people, one user id, two workspaces."""
    with engine.database.unit_of_work() as uow:
        people = uow.session.execute(
            select(Workspace.external_id, Person.external_id).join(
                Workspace, Workspace.id == Person.workspace_id
            )
        ).all()
        assert sorted(tuple(row) for row in people) == [(T2, "U1"), (T1, "U1")]
        assert {c.person_id for c in uow.session.scalars(select(CheckIn))} == {
            pair.one.person_id,
            pair.other.person_id,
        }
    assert pair.one.person_id != pair.other.person_id
