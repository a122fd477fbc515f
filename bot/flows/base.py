"""What every flow is made of: the turn it sees, the result it returns, its named states."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, ClassVar, Protocol

from bot.core.effects import Effect
from bot.core.messages import FormErrors, Inbound, Reply
from bot.flows.assess_model import AssessmentRecordView
from bot.flows.plan_model import (
    ActionItemView,
    CheckInView,
    NudgeSettingsView,
    PlanView,
    RatingView,
    RelationshipView,
)
from bot.flows.team_model import SubscriptionView, TeamReplyView
from content import Content


@dataclass(frozen=True)
class WorkRecordView:
    id: int
    data: Mapping[str, str]


@dataclass(frozen=True)
class AnswerVersionView:
    """An earlier version of a toolkit answer, as it was saved then."""

    text: str
    saved_at: datetime


@dataclass(frozen=True)
class ReflectionView:
    text: str
    prompt: str | None
    created_at: datetime


class Reads(Protocol):
    """What a flow may look up about the person it is talking to; nothing else."""

    def recent_reflections(self, *, limit: int) -> list[ReflectionView]: ...

    def reflection_count(self) -> int: ...

    def answers(self, *, step_id: str) -> dict[str, str]: ...

    def earlier_answers(self, *, step_id: str) -> dict[str, list[AnswerVersionView]]:
        """The earlier versions of each of a step's answers that has any (question id ->
        versions), newest first; the answer as it is now is not among them."""
        ...

    def progress(self, *, flow_id: str) -> tuple[str, Mapping[str, Any]] | None: ...

    def ticked(self, *, step_id: str) -> set[str]: ...

    def work_records(self, *, section_id: str) -> list[WorkRecordView]: ...

    def reminder_days(self) -> int | None: ...

    def plan(self) -> PlanView | None: ...

    def relationships(self) -> list[RelationshipView]: ...

    def relationship(self, relationship_id: int) -> RelationshipView | None:
        """One of this person's relationships; None if there is none of theirs with that id."""
        ...

    def ratings(self, relationship_id: int) -> list[RatingView]:
        """Every maturity rating of one of this person's relationships, oldest first."""
        ...

    def checkins(self, *, since: date | None = None) -> list[CheckInView]:
        """This person's check-ins (on or after `since`), oldest first."""
        ...

    def recent_checkins(self, relationship_id: int, *, limit: int) -> list[CheckInView]:
        """The latest check-ins with one relationship, newest first."""
        ...

    def action_items(self, *, include_done: bool) -> list[ActionItemView]: ...

    def action_item(self, action_id: int) -> ActionItemView | None: ...

    def nudge_settings(self) -> NudgeSettingsView: ...

    def team_subscription(self, channel_id: str) -> SubscriptionView | None:
        """The weekly prompt of a channel in this person's workspace (any status)."""
        ...

    def team_subscriptions(self) -> list[SubscriptionView]:
        """The channels' weekly prompts this person may manage and that are not stopped: the
        ones they set up, or, for a workspace admin, all of the workspace's."""
        ...

    def assessments(self) -> list[AssessmentRecordView]:
        """Every self-assessment of this person: finished ones in the order they were
        finished, then any in progress."""
        ...

    def reassess_reminder(self) -> bool:
        """Whether the person asked to be reminded to reassess every quarter."""
        ...

    def team_replies(self) -> list[TeamReplyView]:
        """Everything this person said in team prompts' threads, oldest first."""
        ...

    def is_admin(self) -> bool:
        """Whether the platform last said this person is a workspace admin or owner."""
        ...


@dataclass(frozen=True)
class SaveReflection(Effect):
    text: str
    prompt: str | None
    source: str


@dataclass(frozen=True)
class SaveAnswer(Effect):
    step_id: str
    question_id: str
    text: str


@dataclass(frozen=True)
class SetTicked(Effect):
    step_id: str
    item_id: str
    ticked: bool


@dataclass(frozen=True)
class AddWorkRecord(Effect):
    section_id: str
    data: Mapping[str, str]
    single: bool  # the section holds one record: replace it


@dataclass(frozen=True)
class RemoveWorkRecord(Effect):
    record_id: int


@dataclass(frozen=True)
class SetReminder(Effect):
    every_days: int | None  # None: no reminders


@dataclass(frozen=True)
class PostponeReminder(Effect):
    """Move the toolkit reminder on from today: someone working in the toolkit needs none yet."""


@dataclass(frozen=True)
class Turn:
    """One inbound event, with the person's position in the flow it goes to."""

    inbound: Inbound
    content: Content
    now: datetime
    today: date
    reads: Reads
    state: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)

    def at(self, state: str | None, data: Mapping[str, Any]) -> Turn:
        return Turn(self.inbound, self.content, self.now, self.today, self.reads, state, data)


def with_form(turn: Turn, form_id: str, values: Mapping[str, str]) -> Turn:
    """The turn as if the form had been sent with `values` (to check it field by field)."""
    inbound = replace(turn.inbound, form_id=form_id, form=dict(values))
    return replace(turn, inbound=inbound)


IDLE = "idle"
"""The state of a flow that is not waiting for anything."""


@dataclass(frozen=True)
class StepResult:
    """What a step decided: what to say, what to store, and the state to wait in next."""

    replies: tuple[Reply, ...] = ()
    state: str = IDLE
    data: Mapping[str, Any] = field(default_factory=dict)
    effects: tuple[Effect, ...] = ()
    form_errors: FormErrors | None = None
    keep_inactive: bool = False  # waiting, but set aside (paused) until the person resumes
    keep_state: bool = False  # only replies (an error, a list): the flow stays where it was
    # The effects delete the person: nothing else of the turn is kept, nobody is left to ask.
    forgets_person: bool = False

    @property
    def waiting(self) -> bool:
        return self.state != IDLE


def reply_only(*replies: Reply) -> StepResult:
    """Say something without moving the flow: where it waited, it still waits."""
    return StepResult(replies=replies, keep_state=True)


Handler = Callable[[Turn], StepResult]


def never_slow(_argument: str) -> bool:
    return False


def in_direct_messages(content: Content) -> str:
    return content.coach.general.continue_in_dm


@dataclass(frozen=True)
class Command:
    """A way into a flow by typing: a slash command of its own, or a word after the menu
    command (`/coach toolkit 3`). `word_id` names its words in content (coach.command_words),
    so the flow holds no word people type."""

    word_id: str
    # Runs with what followed the word; None: nothing to do there, so the coach's help instead.
    run: Callable[[Turn, str], StepResult | None]
    slash: bool = False  # a slash command of its own, not a word after the menu command
    # Given what followed the word: whether it draws pictures or builds files, which take
    # longer than a platform waits for its acknowledgement.
    slow: Callable[[str], bool] = never_slow
    meanwhile: Callable[[Content], str] = in_direct_messages  # said while the slow work runs
    on_channel: bool = False  # it acts on the channel it was typed in, not only for the person
    # The first words it understands after its own (`/coach plan balance`), by id: the engine
    # hands `run` and `slow` the id in place of the word people typed (coach.command_words).
    arguments: tuple[str, ...] = ()


class Flow(ABC):
    """A conversation as an explicit state machine.

    `start` is the entry point; `states` maps each named state to the handler for what the
    person says while the flow waits there; `choose` handles buttons (`flow:action:arg`) and
    `submit` handles forms. Cancel, pause, resume and help are handled once, by the engine;
    what skip, back and more mean is the waiting flow's (`keyword`).
    A flow declares the rest itself: its typed commands (`commands`), the reads it needs
    beyond `Reads` (`extra_reads`) and what it keeps after every step (`closing_effects`);
    each kind of effect it returns is kept by the handler a store registers (bot/engine).
    """

    flow_id: ClassVar[str]
    remembers_place: ClassVar[bool] = True  # False: it never waits, so no progress is kept
    # Protocols of what it looks up beyond `Reads` (privacy_model.PersonDataReads): the engine
    # refuses to start when its stores do not answer them.
    extra_reads: ClassVar[tuple[type, ...]] = ()

    @abstractmethod
    def start(self, turn: Turn, argument: str) -> StepResult:
        """Begin (or re-enter) the flow; `argument` is what followed the command."""

    def commands(self) -> tuple[Command, ...]:
        """The typed commands that reach this flow (none: only buttons and forms do)."""
        return ()

    def closing_effects(self, result: StepResult) -> tuple[Effect, ...]:
        """What to keep after every step of this flow, beyond what the step itself asked."""
        return ()

    def unfinished_since(self, turn: Turn) -> datetime | None:
        """When work this flow keeps outside its waiting state (a self-assessment answered
        part-way) was last touched, for `resume`; None when there is none."""
        return None

    def resume_unfinished(self, turn: Turn) -> StepResult | None:
        """Pick up the work `unfinished_since` found; None when it no longer can."""
        return None

    def states(self) -> Mapping[str, Handler]:
        return {}

    def keyword(self, turn: Turn, keyword_id: str) -> StepResult | None:
        """What a keyword typed while this flow waits means here (`skip`, `back`, `more`: the
        ids of content's coach.keywords); None: nothing here, and the engine says so kindly
        while the flow keeps waiting. Such a word never reaches a state's handler, so it is
        never kept as an answer (quoted, it is the word itself, and does)."""
        return None

    def choose(self, turn: Turn, action: str, argument: str) -> StepResult | None:
        """Handle a button; None means the button no longer applies."""
        if action == "start":
            return self.start(turn, argument)
        return None

    def submit(self, turn: Turn, form_id: str) -> StepResult | None:
        """Handle a submitted form; None means this flow has no such form."""
        return None

    def check_field(
        self, turn: Turn, form_id: str, name: str, values: Mapping[str, str]
    ) -> str | None:
        """What is wrong with one field of a form being filled in (None: nothing), given the
        values so far. By default, what `submit` would say under that field were the form sent
        now (fields not given yet are not judged): one set of checks, so every surface agrees.
        A flow whose `submit` also judges the form as a whole overrides this."""
        result = self.submit(with_form(turn, form_id, values), form_id)
        if result is None or result.form_errors is None:
            return None
        return result.form_errors.errors.get(name)

    def settled_value(self, turn: Turn, form_id: str, name: str, value: str) -> str:
        """An accepted answer as it is kept in a draft: words that mean something only today
        ("yesterday", "last tuesday") become the date they meant, so a form reopened on another
        day still says what the person meant. By default, the answer as typed."""
        return value

    def reopen_form(self, turn: Turn, form_id: str, context: str) -> StepResult | None:
        """Open a form again that was left part-way (its answers kept as a draft), for
        `resume`; None when it no longer applies (the draft is then left for later)."""
        return None

    def close_form(self, turn: Turn, form_id: str) -> StepResult | None:
        """A form was dismissed unsaved; None means nothing changes."""
        return None

    def pause_replies(self, turn: Turn) -> tuple[Reply, ...]:
        """Anything to add when the person pauses this flow (an offer of a reminder, say)."""
        return ()

    def resume(self, turn: Turn) -> StepResult:
        """Pick up where the person paused; by default, start again."""
        return self.start(turn, "")


class FrontDoor(Flow):
    """The flow people reach when nothing else applies: the engine's fallback for greetings,
    help, commands it does not know and buttons that no longer apply. It never waits."""

    remembers_place = False

    @abstractmethod
    def welcome(self, turn: Turn) -> StepResult: ...

    @abstractmethod
    def help(self, turn: Turn) -> StepResult: ...

    @abstractmethod
    def help_in_flow(self, turn: Turn) -> StepResult:
        """Help asked for while another flow waits for an answer: it keeps waiting."""

    @abstractmethod
    def unknown_command(self, turn: Turn, name: str) -> StepResult: ...

    @abstractmethod
    def nothing_to_resume(self, turn: Turn) -> StepResult: ...


def choice_value(flow_id: str, action: str, argument: str = "") -> str:
    return f"{flow_id}:{action}:{argument}"


def parse_choice_value(value: str) -> tuple[str, str, str]:
    flow_id, _, rest = value.partition(":")
    action, _, argument = rest.partition(":")
    return flow_id, action, argument
