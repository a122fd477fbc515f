"""Tampered buttons and forms: a value or private_metadata naming someone else's stored object
is refused, logged, and reveals and changes nothing.

Every Lantern button has the action id `lantern.choice.<n>` (or `lantern.link.<n>`, which only
opens a URL) and carries `flow:action:argument` in its value; every modal's callback id is
`lantern.<form id>` and its private_metadata the form's context. So what a request names is in
the value's action and argument, and in the form id and context: those are enumerated here
from the flows themselves, and each must be in one of three lists:

- BY_ID: names a stored row by its id (a relationship, an action item, a check-in, a work
  record) or a channel's weekly prompt by its channel. Each has cases in TAMPERED, run by two
  people: B (another person of the same workspace) and A' (the same user id in another
  workspace). Each case must be refused with friendly words, change none of A's rows, show
  none of A's words anywhere (the HTTP answer, every Web API call), and log a warning that
  holds no one's words.
- OWN_ONLY: names content (a step's question, a kind of self-assessment, a work section) and
  reads or writes the presser's own rows for it: nobody else's can be reached. OWN_ONLY_CASES
  show it for each kind of object (an answer, a self-assessment, the plan's goals...).
- NO_STORED_OBJECT: content or navigation only.

A new action or form that is in none of them fails `test_every_action_and_form_is_classified`,
and a new interactive listener (another action id, a shortcut) fails
`test_every_interactive_listener_routes_through_the_classified_values`. Ids too large for the
database are refused like any other, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import ast
import inspect
import json
import logging
import re
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import select

import bot.adapters.slack.listeners
import bot.flows
from bot.adapters.slack.translate import (
    CHOICE_ACTION_PREFIX,
    FORM_CALLBACK_PREFIX,
    LINK_ACTION_PREFIX,
)
from bot.core.clock import FixedClock
from bot.core.messages import Form
from bot.engine.turns import Engine
from bot.flows import default_flows
from bot.flows.base import Flow
from bot.flows.privacy import PrivacyFlow
from content import Content, default_content
from storage.database import Database
from storage.models import TeamSubscription
from tests.bot.adapters.slack.harness import HttpResponse, SlackHarness, running_app
from tests.bot.adapters.slack.slack_text import escaped
from tests.bot.test_workspace_isolation import (
    CHANNEL,
    SUBSCRIPTION_FORM,
    T1,
    T2,
    WORK_SECTION,
    Seeded,
    command_in,
    everything_sent,
    person_chat,
    person_rows,
    press_in,
    seed_everything,
    submit_in,
    subscribe,
)
from tests.fakes.slack_api import FakeSlackApi

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # the clock fixture's time
TODAY = "2026-11-23"
OWNER_TAG = "Quetzal"  # in everything A wrote; found nowhere after a refusal


# -- what each action and form names ----------------------------------------------------------

BY_ID: dict[str, str] = {
    # (flow:action or form id): the stored object it names
    "plan:show": "relationship",
    "plan:edit": "relationship",
    "plan:pause": "relationship",
    "plan:resume": "relationship",
    "plan:remove": "relationship",
    "plan:remove-confirm": "relationship",
    "plan:rate": "relationship",
    "plan:score": "relationship",
    "plan:action": "action item",
    "plan:action-edit": "action item",
    "plan:done": "action item",
    "plan:undone": "action item",
    "plan:action-remove": "action item",
    "plan:action-remove-confirm": "action item",
    "checkin:log": "relationship",
    "checkin:pick": "relationship",
    "checkin:undo": "check-in",
    "checkin:snooze": "relationship",
    "checkin:skip": "relationship",
    "checkin:nudge": "relationship",
    "team:edit": "subscription",
    "team:pause": "subscription",
    "team:resume": "subscription",
    "team:unsubscribe": "subscription",
    "team:undo-unsubscribe": "subscription",
    "toolkit:remove": "work record",
    "plan.relationship": "relationship",
    "plan.rating": "relationship",
    "plan.action": "action item",
    "checkin.log": "relationship",
    "checkin.snooze": "relationship",
    "team.settings": "subscription",
}

OWN_ONLY: dict[str, str] = {
    # (flow:action or form id): the presser's own rows it reads or writes, and what names them
    "reflect:history": "reflections",
    # Its key names a message in the presser's own conversation state, never a stored row.
    "coach:keep": "a message the presser typed, waiting to be kept as a reflection",
    "toolkit:start": "toolkit progress",
    "toolkit:continue": "toolkit progress",
    "toolkit:open": "answers, by step",
    "toolkit:restart": "answers, by step",
    "toolkit:questions": "answers, by step",
    "toolkit:summary": "answers and work records, by step",
    "toolkit:checklist": "checklist ticks, by step",
    "toolkit:tick": "checklist ticks, by step and item",
    "toolkit:skip": "answers, by question",
    "toolkit:back": "answers, by question",
    "toolkit:form": "answers, by question",
    "toolkit:edit": "answers, by question",
    "toolkit:versions": "answers' earlier versions, by question",
    "toolkit:think": "answers, by step",
    "toolkit:skipthink": "answers, by step",
    "toolkit:work": "work records, by section",
    "toolkit:add": "work records, by section",
    "toolkit:export": "everything of the presser's",
    "toolkit:remind": "toolkit reminder",
    "toolkit:reminder": "toolkit progress",
    "plan:start": "relationships and goals",
    "plan:goals": "plan goals",
    "plan:actions": "action items",
    "plan:action-add": "action items",
    "plan:action-import": "work records of Step 6",
    "plan:settings": "nudge settings",
    "plan:balance": "check-ins",
    "plan:due": "relationships and action items due",
    "plan:add": "relationships",
    "checkin:start": "relationships",
    "team:start": "team prompts they look after",
    "assess:start": "self-assessments, by kind",
    "assess:resume": "self-assessments, by kind",
    "assess:again": "self-assessments, by kind",
    "assess:restart": "self-assessments, by kind",
    "assess:discard": "self-assessments, by kind",
    "assess:discard-confirm": "self-assessments, by kind",
    "assess:results": "self-assessments, by kind",
    "assess:history": "self-assessments",
    "assess:remind": "reassessment reminder",
    "assess:area": "self-assessments, by area",
    "reflect.today": "reflections",
    "toolkit.answer": "answers, by question",
    "toolkit.work.*": "work records, by section",
    "plan.goals": "plan goals",
    "plan.settings": "nudge settings",
    "assess.*": "self-assessments, by kind and the start time of the one in progress",
    # The confirm's value is a one-time code checked against the presser's own open request
    # (tests/bot/adapters/slack/test_privacy.py: another person's confirm deletes nothing).
    "privacy:start": "what Lantern holds about the presser",
    "privacy:ask": "what Lantern holds about the presser",
    "privacy:forget": "the presser's own open forget-me request, by its one-time code",
    "privacy:keep": "the presser's own open forget-me request, by its one-time code",
}

NO_STORED_OBJECT: dict[str, str] = {
    "coach:help": "the list of commands",
    "coach:start": "the welcome",
    "reflect:start": "today's prompt",
    "reflect:prompt": "a team prompt's questions, by prompt id",
    "reflect:growth": "a growth area's prompts, by area id",
    "toolkit:menu": "a step's menu",
    "toolkit:tips": "a step's tips",
    "toolkit:sidebar": "a step's sidebar",
    "team:reply": "how to reply in the thread",
}


# -- the flows' own actions and forms, read from their code ------------------------------------


def _constant(node: ast.expr, module: ModuleType, local: dict[str, set[str]]) -> set[str]:
    """The strings an expression in a flow's code can be: literals, sets of them, names of
    module constants or of local dicts (their keys)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.Name):
        if node.id in local:
            return local[node.id]
        value = getattr(module, node.id)
        assert isinstance(value, str), f"{node.id} in {module.__name__} is not text"
        return {value}
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        # A constant of a module the flow imports (suggest.KEEP).
        value = getattr(getattr(module, node.value.id), node.attr)
        assert isinstance(value, str), f"{ast.unparse(node)} in {module.__name__} is not text"
        return {value}
    if isinstance(node, ast.Set | ast.Tuple | ast.List):
        return set().union(*(_constant(element, module, local) for element in node.elts))
    raise AssertionError(f"cannot read {ast.unparse(node)} in {module.__name__}")


def flow_actions(flow: Flow) -> set[str]:
    """Every `flow:action` a flow's `choose` answers, from the comparisons of `action` in it
    (and the base class's `start` where it defers to it)."""
    cls = type(flow)
    module = sys.modules[cls.__module__]
    source = textwrap.dedent(inspect.getsource(cls.choose))
    tree = ast.parse(source)
    local: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign | ast.Assign) and isinstance(node.value, ast.Dict):
            target = node.target if isinstance(node, ast.AnnAssign) else node.targets[0]
            assert isinstance(target, ast.Name)
            local[target.id] = {
                key.value
                for key in node.value.keys
                if isinstance(key, ast.Constant) and isinstance(key.value, str)
            }
    actions: set[str] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Compare)
            and isinstance(node.left, ast.Name)
            and node.left.id == "action"
        ):
            for comparator in node.comparators:
                actions |= _constant(comparator, module, local)
    if cls.choose is Flow.choose or "super().choose" in source:
        actions.add("start")
    return {f"{flow.flow_id}:{action}" for action in actions}


def _form_id(node: ast.expr, module: ModuleType) -> str:
    """A form id as written in `Form(form_id=...)`: a constant, or a prefix ending in `*`."""
    if isinstance(node, ast.Constant | ast.Name):
        [value] = _constant(node, module, {})
        return value
    if isinstance(node, ast.JoinedStr):
        prefix = ""
        for part in node.values:
            if isinstance(part, ast.Constant):
                prefix += str(part.value)
            elif (
                isinstance(part, ast.FormattedValue)
                and isinstance(part.value, ast.Name)
                and hasattr(module, part.value.id)
            ):
                prefix += str(getattr(module, part.value.id))
            else:
                return prefix + "*"
        return prefix
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        function = getattr(module, node.func.id)
        [returned] = [
            n.value
            for n in ast.walk(ast.parse(textwrap.dedent(inspect.getsource(function))))
            if isinstance(n, ast.Return) and n.value is not None
        ]
        return _form_id(returned, module)
    raise AssertionError(f"cannot read the form id {ast.unparse(node)} in {module.__name__}")


def flow_forms() -> set[str]:
    """Every form id the flows build (`Form(form_id=...)` in bot/flows)."""
    found: set[str] = set()
    for path in sorted(Path(bot.flows.__file__).parent.glob("*.py")):
        module = sys.modules.get(f"bot.flows.{path.stem}")
        if module is None:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "Form"
            ):
                [given] = [k.value for k in node.keywords if k.arg == "form_id"]
                found.add(_form_id(given, module))
    return found


def everything_named() -> set[str]:
    # The engine always adds the privacy flow, whatever flows a deployment offers.
    flows = [*default_flows().values(), PrivacyFlow()]
    return {a for flow in flows for a in flow_actions(flow)} | flow_forms()


# -- the cases -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A request naming one of A's objects. `value` is a button's; `form_id` with `context` and
    `values` a modal's. Placeholders: {rid} A's relationship, {aid} A's action item, {logged}
    A's check-in's time, {record} A's work record, {channel} A's channel, {own_rid} the
    presser's own relationship. `refusal` gives the words the presser must get; `first` is
    sent before, to put the presser where the button would make sense."""

    name: str  # flow:action, or the form id
    value: str = ""
    form_id: str = ""
    context: str = ""
    values: dict[str, str] = field(default_factory=dict)
    refusal: Callable[[Content], str] = lambda content: content.coach.general.stale_choice
    first: tuple[str, str] | None = None  # a slash command and its text

    @property
    def id(self) -> str:
        return self.value or f"{self.form_id}|{self.context}"


def managed_by_someone_else(content: Content) -> str:
    return content.prompts.team.managed_by_someone_else


def relationship_unknown(content: Content) -> str:
    return content.checkin.errors.relationship_unknown


def measure_unknown(content: Content) -> str:
    return content.checkin.errors.measure_unknown


def work_missing(content: Content) -> str:
    return content.coach.toolkit.work_missing


RELATIONSHIP_FORM = {
    "name": "Hijacked name",
    "kind": "person",
    "constituency": "staff",
    "own_label": "",
    "cadence": "monthly",
    "days": "",
    "strategies": "Hijacked strategy",
    "measures": "",
}

TAMPERED: list[Case] = [
    *(
        Case(f"plan:{action}", value=f"plan:{action}:{{rid}}")
        for action in ("show", "edit", "pause", "resume", "remove", "remove-confirm", "rate")
    ),
    Case("plan:score", value="plan:score:{rid}/5"),
    *(
        Case(f"plan:{action}", value=f"plan:{action}:{{aid}}")
        for action in (
            "action",
            "action-edit",
            "done",
            "undone",
            "action-remove",
            "action-remove-confirm",
        )
    ),
    Case("checkin:log", value="checkin:log:{rid}"),
    # Someone choosing which relationship a quick log was with; A's among the choices is
    # refused with the "no longer applies" words, and they are back at their own choice (in
    # Slack, the check-in modal).
    Case(
        "checkin:pick",
        value="checkin:pick:{rid}",
        first=("/checkin", "Nobody: notes"),
    ),
    Case("checkin:undo", value="checkin:undo:{rid}@{logged}"),
    *(
        Case("checkin:snooze", value=f"checkin:snooze:{{rid}}/{length}")
        for length in ("day", "week", "date")
    ),
    Case("checkin:skip", value="checkin:skip:{rid}"),
    Case("checkin:nudge", value="checkin:nudge:{rid}"),
    *(
        Case(f"team:{action}", value=f"team:{action}:{{channel}}", refusal=managed_by_someone_else)
        for action in ("edit", "pause", "resume", "unsubscribe")
    ),
    Case(
        "team:undo-unsubscribe",
        value="team:undo-unsubscribe:{channel}|active",
        refusal=managed_by_someone_else,
    ),
    Case(
        "toolkit:remove",
        value=f"toolkit:remove:{WORK_SECTION}/{{record}}",
        refusal=work_missing,
    ),
    Case(
        "plan.relationship",
        form_id="plan.relationship",
        context="{rid}",
        values=RELATIONSHIP_FORM,
    ),
    Case(
        "plan.rating",
        form_id="plan.rating",
        context="{rid}/5",
        values={"indicators": ""},
    ),
    Case(
        "plan.action",
        form_id="plan.action",
        context="{aid}",
        values={"what": "Hijacked action", "who": "", "when": "2026-12-03"},
    ),
    Case(
        "checkin.log",
        form_id="checkin.log",
        context="nudge:{rid}",
        values={"relationship": "{rid}", "when": TODAY, "notes": "Hijacked note"},
        refusal=relationship_unknown,
    ),
    Case(
        "checkin.log",
        form_id="checkin.log",
        context="form:",
        values={"relationship": "{own_rid}", "when": TODAY, "measures": "{rid}/0"},
        refusal=measure_unknown,
    ),
    Case(
        "checkin.snooze",
        form_id="checkin.snooze",
        context="{rid}",
        values={"until": "2026-12-10"},
    ),
    Case(
        "team.settings",
        form_id="team.settings",
        context="{channel}\nlibrary",
        values=SUBSCRIPTION_FORM,
        refusal=managed_by_someone_else,
    ),
]

OWN_ONLY_CASES: list[Case] = [
    # One per kind of object a request names only through the presser (see OWN_ONLY).
    Case("toolkit:edit", value="toolkit:edit:step-1/s1-q1"),  # an answer
    Case("toolkit:versions", value="toolkit:versions:step-1/s1-q1"),  # its earlier versions
    Case("coach:keep", value="coach:keep:0123456789abcdef"),  # a message waiting to be kept
    Case(
        "toolkit.answer",
        form_id="toolkit.answer",
        context="step-1/s1-q1",
        values={"answer": "Hijacked answer"},
    ),
    Case("toolkit:summary", value="toolkit:summary:step-1"),
    Case("toolkit:work", value=f"toolkit:work:{WORK_SECTION}"),  # work records
    Case(
        "toolkit.work.*",
        form_id=f"toolkit.work.{WORK_SECTION}",
        context=WORK_SECTION,
        values={"title": "Hijacked area"},
    ),
    Case("toolkit:remind", value="toolkit:remind:3"),  # the toolkit reminder
    Case("toolkit:export", value="toolkit:export:"),  # everything
    Case("reflect:history", value="reflect:history:"),  # reflections
    Case("plan:goals", value="plan:goals:"),  # the plan's goals
    Case(
        "plan.goals",
        form_id="plan.goals",
        values={"personal_goals": "Hijacked goal"},
    ),
    Case("plan:show", value="plan:show:@Quetzal Chair"),  # a relationship by its name
    Case("assess:results", value="assess:results:leadership"),  # a self-assessment
    Case("assess:discard-confirm", value="assess:discard-confirm:leadership"),
    Case(
        "assess.*",
        form_id="assess.leadership.2",
        context=NOW.isoformat(),  # the start time of A's assessment: its form's token
        values={},
    ),
]


# -- the app, and the people in it -------------------------------------------------------------


@dataclass(frozen=True)
class World:
    slack: SlackHarness
    engine: Engine
    content: Content
    owner: Seeded  # A: U1 in T1
    presser: dict[str, Seeded]  # "B" (U2 in T1) and "A'" (U1 in T2)

    def fill(self, text: str, presser: Seeded) -> str:
        return text.format(
            rid=self.owner.relationship_id,
            aid=self.owner.action_id,
            logged=self.owner.checkin_logged_at,
            record=self.owner.work_record_id,
            channel=CHANNEL,
            own_rid=presser.relationship_id,
        )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One app for the module: A's data, and two people who press A's buttons. Refusals change
    nothing of A's, so every case starts from the same data (each checks that it did)."""
    clock = FixedClock(NOW)
    content = default_content()
    folder = tmp_path_factory.mktemp("tampering")
    with FakeSlackApi() as fake, running_app(folder / "t.db", fake, clock) as slack:
        database = Database(slack.database_url)
        engine = Engine(content=content, database=database, clock=clock)
        owner = seed_everything(
            engine, workspace=T1, user="U1", tag=OWNER_TAG, channel_name="library"
        )
        b = seed_everything(engine, workspace=T1, user="U2", tag="Bandicoot", channel=None)
        a_other = seed_everything(engine, workspace=T2, user="U1", tag="Capybara", channel=None)
        # The same channel id in T2 has a prompt of its own, set up by someone else there.
        subscribe(person_chat(engine, workspace=T2, user="U3"), CHANNEL, "library")
        try:
            yield World(slack, engine, content, owner, {"B": b, "A'": a_other})
        finally:
            database.dispose()


def send(world: World, case: Case, presser: Seeded) -> HttpResponse:
    slack = world.slack
    if case.value:
        return press_in(slack, presser.workspace, presser.user, world.fill(case.value, presser))
    return submit_in(
        slack,
        presser.workspace,
        presser.user,
        case.form_id,
        {name: world.fill(value, presser) for name, value in case.values.items()},
        context=world.fill(case.context, presser),
    )


def private_words(world: World) -> re.Pattern[str]:
    """A's words, in any case (a channel's name is in lower case)."""
    return re.compile(re.escape(world.owner.tag), re.IGNORECASE)


def logged_words(records: list[logging.LogRecord]) -> str:
    return "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''} {r.args!r}" for r in records)


def the_words(template: str) -> list[str]:
    """The fixed parts of a reply's template, as they can appear in what Slack receives."""
    parts = [part for part in re.split(r"\{[^}]*\}", template) if len(part.strip()) > 8]
    return [max(parts, key=len)] if parts else [template]


def heard(sent: str, content: Content, refusal: Callable[[Content], str]) -> bool:
    words = the_words(refusal(content))
    return all(w in sent or escaped(w) in sent or json.dumps(w)[1:-1] in sent for w in words)


def run(world: World, case: Case, who: str, caplog: pytest.LogCaptureFixture) -> tuple[str, str]:
    """Send the case as `who`; what the app sent back, and what it logged."""
    slack, presser = world.slack, world.presser[who]
    # Each case starts with nothing waiting: what an earlier case left open is cancelled.
    person_chat(world.engine, workspace=presser.workspace, user=presser.user).say("cancel")
    if case.first is not None:
        command_in(slack, presser.workspace, presser.user, *case.first)
    slack.drain()
    slack.fake.clear()
    caplog.clear()
    response = send(world, case, presser)
    assert response.status == 200, response.text
    slack.drain()
    return everything_sent(slack, response), logged_words(caplog.records)


# -- the tests ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["B", "A'"])
@pytest.mark.parametrize("case", TAMPERED, ids=[case.id for case in TAMPERED])
def test_a_request_naming_someone_elses_object_is_refused_logged_and_changes_nothing(
    world: World, case: Case, who: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    before = person_rows(world.slack.db, world.owner.person_id)

    sent, logged = run(world, case, who, caplog)

    assert person_rows(world.slack.db, world.owner.person_id) == before
    assert not private_words(world).search(sent), f"A's words reached {who}:\n{sent}"
    assert heard(sent, world.content, case.refusal), f"{who} was not told:\n{sent}"
    warnings = [
        r
        for r in caplog.records
        if r.levelno == logging.WARNING and r.name.startswith("bot.") and "refused" in r.msg
    ]
    assert warnings, f"nothing logged the refusal:\n{logged}"
    assert not private_words(world).search(logged), f"A's words logged:\n{logged}"


@pytest.mark.parametrize("who", ["B", "A'"])
@pytest.mark.parametrize("case", OWN_ONLY_CASES, ids=[case.id for case in OWN_ONLY_CASES])
def test_a_request_naming_content_reaches_only_the_pressers_own(
    world: World, case: Case, who: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    before = person_rows(world.slack.db, world.owner.person_id)

    sent, logged = run(world, case, who, caplog)

    assert person_rows(world.slack.db, world.owner.person_id) == before
    assert not private_words(world).search(sent), f"A's words reached {who}:\n{sent}"
    assert sent.strip(), "the app said nothing at all"
    assert not private_words(world).search(logged), f"A's words logged:\n{logged}"


TOO_LARGE = str(2**63)  # beyond any row id; SQLite cannot even bind it


@pytest.mark.parametrize(
    "case",
    [
        Case("plan:show", value=f"plan:show:{TOO_LARGE}"),
        Case("plan:done", value=f"plan:done:{TOO_LARGE}"),
        Case("checkin:skip", value=f"checkin:skip:{TOO_LARGE}"),
        Case("checkin:undo", value=f"checkin:undo:{TOO_LARGE}@{NOW.isoformat()}"),
        Case("plan.relationship", form_id="plan.relationship", context=TOO_LARGE),
        Case(
            "checkin.log",
            form_id="checkin.log",
            context="form:",
            values={"relationship": TOO_LARGE, "when": TODAY},
            refusal=relationship_unknown,
        ),
    ],
    ids=lambda case: case.id,
)
def test_an_id_too_large_for_the_database_names_nothing(
    world: World, case: Case, caplog: pytest.LogCaptureFixture
) -> None:
    """Refused as one that no longer applies, not answered with "something went wrong"."""
    before = person_rows(world.slack.db, world.owner.person_id)

    sent, logged = run(world, case, "B", caplog)

    assert person_rows(world.slack.db, world.owner.person_id) == before
    assert heard(sent, world.content, case.refusal), sent
    assert not heard(sent, world.content, lambda content: content.coach.errors.unexpected)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], logged


@pytest.mark.parametrize(
    "value",
    [
        f"plan:show:{2**31}",  # PostgreSQL's integer ends just before
        f"plan:action:{2**31}",
        f"checkin:log:{2**31}",
        f"plan:done:{2**63}",  # SQLite cannot bind it
    ],
)
def test_an_id_beyond_the_databases_integers_is_stale_on_every_database(
    any_database: Database, content: Content, clock: FixedClock, value: str
) -> None:
    engine = Engine(content=content, database=any_database, clock=clock)
    chat = person_chat(engine, workspace=T1, user="U1")
    chat.command("coach", "plan add")  # someone with a plan, so nothing else refuses first

    chat.press(value)

    assert not chat.last.failed, chat.text
    assert chat.text.startswith(content.coach.general.stale_choice)


@pytest.mark.parametrize(
    ("context", "stored"),
    [
        ("C" * 33 + "\nlibrary", None),  # longer than any channel id: it names no channel
        ("C-lib\n" + "n" * 300, "n" * 255),  # a name longer than any: kept as far as it fits
    ],
    ids=["channel-id-too-long", "channel-name-too-long"],
)
def test_a_made_up_channel_in_the_team_form_fails_nothing_on_every_database(
    any_database: Database, content: Content, clock: FixedClock, context: str, stored: str | None
) -> None:
    engine = Engine(content=content, database=any_database, clock=clock)
    chat = person_chat(engine, workspace=T1, user="U1")
    # The form was opened where it was asked for (a made-up one is refused before this).
    chat.channel_id, chat.channel_name, chat.coach_in_channel = context.split("\n")[0], "x", True
    chat.command("coach", "subscribe")
    chat.channel_id = None
    form = Form(form_id="team.settings", title="", submit_label="", fields=(), context=context)

    chat.submit(SUBSCRIPTION_FORM, form)

    assert not chat.last.failed, chat.text
    with any_database.unit_of_work() as uow:
        names = list(uow.session.scalars(select(TeamSubscription.channel_name)))
    assert names == ([] if stored is None else [stored])
    if stored is None:
        assert chat.text.startswith(content.coach.general.stale_choice)


def test_a_made_up_team_form_sets_up_no_prompt_for_a_channel_never_asked_about(
    engine: Engine, content: Content
) -> None:
    """Only `/coach subscribe` typed in a channel (where the coach is a member) opens its
    form. A form made up for another channel, one the person may not even be in, must not set
    up a weekly post there: the flow remembers where the form was opened."""
    chat = person_chat(engine, workspace=T1, user="U2")
    form = Form(form_id="team.settings", title="", submit_label="", fields=(), context="C-else\n")

    chat.submit(SUBSCRIPTION_FORM, form)

    with engine.database.unit_of_work() as uow:
        assert list(uow.session.scalars(select(TeamSubscription))) == []


def test_the_owner_can_do_what_the_others_are_refused(world: World) -> None:
    """The control: A's own request, shaped as the tampered ones, is not refused."""
    slack, owner = world.slack, world.owner
    slack.drain()
    slack.fake.clear()

    response = press_in(slack, T1, owner.user, f"plan:show:{owner.relationship_id}")

    assert response.status == 200
    slack.drain()
    sent = everything_sent(slack, response)
    assert owner.relationship_name in sent
    assert not heard(sent, world.content, lambda c: c.coach.general.stale_choice)


def test_every_action_and_form_is_classified() -> None:
    """A new button action or form must say what it names: add it to BY_ID (with cases in
    TAMPERED), OWN_ONLY or NO_STORED_OBJECT."""
    named = everything_named()
    listed = BY_ID.keys() | OWN_ONLY.keys() | NO_STORED_OBJECT.keys()

    assert not named - listed, f"not classified: {sorted(named - listed)}"
    assert not listed - named, f"classified but no longer in the flows: {sorted(listed - named)}"
    assert not (BY_ID.keys() & OWN_ONLY.keys()) | (BY_ID.keys() & NO_STORED_OBJECT.keys())
    assert not OWN_ONLY.keys() & NO_STORED_OBJECT.keys()


INTERACTIVE = frozenset({"action", "view", "view_submission", "view_closed", "shortcut", "options"})
"""Bolt's registrations for what a person does in Slack's UI (not commands or events)."""


def test_every_interactive_listener_routes_through_the_classified_values() -> None:
    """Buttons and modals reach Lantern only through the choice prefix (its value classified
    above), the link prefix (nothing to do) and Lantern's forms: any other listener must
    first say what its payload names."""
    listeners = Path(bot.adapters.slack.listeners.__file__).parent
    registered = set()
    for path in sorted(listeners.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "app"
                and node.func.attr in INTERACTIVE
            ):
                registered.add((node.func.attr, *map(ast.unparse, node.args)))

    assert registered == {
        ("action", "re.compile('^' + re.escape(CHOICE_ACTION_PREFIX))"),
        ("action", "re.compile('^' + re.escape(LINK_ACTION_PREFIX))"),
        ("view_submission", "ours"),
        ("view_closed", "ours"),
    }
    assert (CHOICE_ACTION_PREFIX, LINK_ACTION_PREFIX) == ("lantern.choice.", "lantern.link.")
    assert FORM_CALLBACK_PREFIX == "lantern."


def test_every_action_and_form_naming_a_stored_object_has_a_tampering_case() -> None:
    tampered = {case.name for case in TAMPERED}
    assert set(BY_ID) <= tampered, f"no case for {sorted(set(BY_ID) - tampered)}"
    assert tampered <= set(BY_ID)
    own = {case.name for case in OWN_ONLY_CASES}
    assert own <= set(OWN_ONLY) | {"plan:show"}  # plan:show:@name finds a relationship by name


def test_the_scan_of_the_flows_finds_what_they_render(content: Content) -> None:
    """The control for the scan: the values of real buttons (a plan, a nudge, a team prompt)
    parse to actions it found, and its forms include the ones a plan opens."""
    named = everything_named()
    rendered = {
        "plan:show:1",
        "plan:score:1/5",
        "checkin:undo:1@2026-11-23T15:00:00+00:00",
        "team:undo-unsubscribe:C1|paused",
        "toolkit:remove:candidate-areas/1",
        "assess:discard-confirm:leadership",
        "reflect:prompt:p1",
    }
    for value in rendered:
        flow, action, _ = value.split(":", 2)
        assert f"{flow}:{action}" in named, value
    assert {"plan.relationship", "checkin.snooze", "toolkit.work.*", "assess.*"} <= named
    assert len([n for n in named if ":" in n]) >= 60  # every flow's actions were read
