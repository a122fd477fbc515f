"""The engine: load the person's state, run the flow step, save it all at once, reply."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from bot.core.clock import Clock, SystemClock
from bot.core.effects import Effect
from bot.core.messages import FormErrors, Inbound, InboundKind, Outcome, Reply
from bot.core.schedule import MAX_TIME_ZONE_NAME, time_zone_named
from bot.core.text import keyword_in, trimmed, unquoted_literal
from bot.engine import draft_store
from bot.engine.commands import CommandTable, Found
from bot.engine.plan_store import park_person, reschedule_person, welcome_back
from bot.engine.registry import Store, assemble_reads, effect_handlers
from bot.engine.stores import default_stores
from bot.engine.team_store import ChannelEvents
from bot.engine.workspaces import WorkspaceEvents
from bot.flows import default_flows
from bot.flows.base import (
    IDLE,
    Flow,
    FrontDoor,
    StepResult,
    Turn,
    parse_choice_value,
    reply_only,
)
from bot.flows.home import build_home
from bot.flows.privacy import PrivacyFlow
from content import Content
from storage.database import Database, UnitOfWork
from storage.models import FlowProgress, Person

logger = logging.getLogger(__name__)

PAUSED = "pause"
"""The `text` of a FORM_CLOSED when the person paused the form: it is kept even empty."""

TurnHook = Callable[[UnitOfWork, Outcome], None]
"""Work kept in the same transaction as a turn (see `Engine.handle`)."""


def local_date(now: datetime, time_zone: str | None) -> date:
    known = time_zone_named(time_zone)
    if time_zone and known is None:
        logger.warning("unknown time zone %r; using UTC", time_zone)
    return now.astimezone(known).date() if known is not None else now.date()


class Engine:
    """Runs one turn: the single error boundary between people and everything behind it."""

    def __init__(
        self,
        *,
        content: Content,
        database: Database,
        clock: Clock | None = None,
        flows: Mapping[str, Flow] | None = None,
        stores: Sequence[Store] | None = None,
    ) -> None:
        """`flows` are the conversations offered (bot.flows.default_flows), `stores` what keeps
        their data (bot.engine.stores.default_stores); a flow's command without words, a read
        nobody answers or an effect two stores keep stops the engine here, not in a turn."""
        self.content = content
        self.database = database
        self.clock = clock or SystemClock()
        self.flows = dict(flows or default_flows())
        # Privacy is every person's, whatever else a deployment offers.
        self.flows.setdefault(PrivacyFlow.flow_id, PrivacyFlow())
        self._front_door_id, self._front_door = front_door(self.flows)
        self._commands = CommandTable(content.coach.command_words, self.flows)
        stores = default_stores() if stores is None else stores
        needed = [protocol for flow in self.flows.values() for protocol in flow.extra_reads]
        self._open_reads = assemble_reads(stores, needed)
        self._effect_handlers = effect_handlers(stores)
        self.channels = ChannelEvents(database, self.clock)
        self.workspaces = WorkspaceEvents(database, self.clock)

    def handle(self, inbound: Inbound, *, before_commit: TurnHook | None = None) -> Outcome:
        """Handle one inbound event; never raises, and stores all of a turn or none of it.

        `before_commit` runs inside the turn's unit of work once the turn is decided, so what
        it writes (the inbox row taken, the replies to send) is kept with the turn or not at
        all."""
        try:
            return self.run_turn(inbound, before_commit=before_commit)
        except SQLAlchemyError:
            logger.exception("database error while handling a %s event", inbound.kind.value)
            return self.failed_outcome(database=True)
        except Exception:
            logger.exception("unexpected error while handling a %s event", inbound.kind.value)
            return self.failed_outcome(database=False)

    def failed_outcome(self, *, database: bool) -> Outcome:
        """What a person hears when their turn could not be kept: try again."""
        errors = self.content.coach.errors
        return Outcome(
            replies=(Reply(errors.database if database else errors.unexpected),), failed=True
        )

    def run_turn(self, inbound: Inbound, *, before_commit: TurnHook | None = None) -> Outcome:
        """One turn in one unit of work; raises what went wrong (the callers are the boundary).

        A connection the server dropped (a restart, a failover) fails the turn before anything
        is kept; the pool then discards its connections, so the turn is safe to run once more."""
        try:
            return self._turn_in_unit_of_work(inbound, before_commit)
        except DBAPIError as error:
            if not error.connection_invalidated:
                raise
            logger.warning("the database dropped a connection; running the turn again")
        return self._turn_in_unit_of_work(inbound, before_commit)

    def _turn_in_unit_of_work(self, inbound: Inbound, before_commit: TurnHook | None) -> Outcome:
        with self.database.unit_of_work() as uow:
            outcome = self._turn(uow, inbound)
            if before_commit is not None:
                before_commit(uow, outcome)
            return outcome

    def _turn(self, uow: UnitOfWork, inbound: Inbound) -> Outcome:
        now = self.clock.now()
        person = uow.repos.people.get_or_create(
            platform=inbound.platform,
            workspace_external_id=inbound.workspace_id,
            person_external_id=inbound.user_id,
        )
        if inbound.event_id and not uow.repos.events.first_delivery(
            workspace_id=person.workspace_id, event_id=inbound.event_id, at=now
        ):
            logger.info("ignoring a repeated delivery of event %s", inbound.event_id)
            return Outcome(duplicate=True)
        if person.unreachable_since is not None:
            # They talk to the coach again, so it can reach them again: what is due is sent.
            welcome_back(uow, person, now)
        self._set_time_zone(uow, person, inbound.time_zone, now)
        if inbound.is_admin is not None:
            person.is_admin = inbound.is_admin
        turn = Turn(
            inbound=inbound,
            content=self.content,
            now=now,
            today=local_date(now, person.time_zone),
            reads=self._open_reads(uow, person, now),
        )
        # Also a name an older version kept that is no zone: the platform is asked again.
        needs_time_zone = time_zone_named(person.time_zone) is None
        if inbound.kind is InboundKind.HOME:
            return Outcome(home=build_home(turn), needs_time_zone=needs_time_zone)
        flow_id, result = self._route(uow, person, turn)
        if not result.forgets_person:
            # A form opened again comes back with the answers it was left with.
            replies = draft_store.prefilled(uow, person, result.replies, self.content)
            result = replace(result, replies=replies)
        self._apply(uow, person, flow_id, result, now)
        replies = result.replies
        if inbound.removed_characters:  # kept without them: one line says so
            replies = (*replies, Reply(self.content.coach.general.removed_characters))
        return Outcome(
            replies=replies,
            form_errors=result.form_errors,
            waiting=result.waiting and not result.keep_inactive,
            # A person just forgotten is not to be stored again by asking for their zone.
            needs_time_zone=needs_time_zone and not result.forgets_person,
        )

    def slow_pointer(self, inbound: Inbound) -> str | None:
        """What to say at once for a command whose work draws pictures or builds files, while
        it runs after the platform's acknowledgement; None when it is quick."""
        found = self._commands.typed(inbound)
        if found is None or not found.command.slow(found.argument):
            return None
        return found.command.meanwhile(self.content)

    def acts_on_channel(self, inbound: Inbound) -> bool:
        """Whether a command acts on the channel it was typed in (a team's weekly prompt), so
        the adapter should learn about that channel first."""
        found = self._commands.typed(inbound)
        return found is not None and found.command.on_channel and inbound.channel_id is not None

    def remember_time_zone(
        self, *, platform: str, workspace_id: str, user_id: str, time_zone: str
    ) -> bool:
        """Store a person's IANA time zone as the platform reports it; False if it is not one."""
        if time_zone_named(time_zone) is None:
            logger.warning("ignoring an unknown time zone %r", time_zone[:MAX_TIME_ZONE_NAME])
            return False
        try:
            with self.database.unit_of_work() as uow:
                person = uow.repos.people.get_or_create(
                    platform=platform,
                    workspace_external_id=workspace_id,
                    person_external_id=user_id,
                )
                self._set_time_zone(uow, person, time_zone, self.clock.now())
        except SQLAlchemyError:
            logger.exception("could not store a time zone")
            return False
        return True

    def profile_changed(
        self,
        *,
        platform: str,
        workspace_id: str,
        user_id: str,
        time_zone: str | None,
        deactivated: bool,
        is_admin: bool | None = None,
    ) -> bool:
        """A platform's news of someone's profile (Slack's `user_change`): a new time zone moves
        their due times; a deactivated account stops their nudges; whether they are a workspace
        admin (None: not said). Only people the coach already knows are touched (the event
        arrives for everyone in the workspace)."""
        try:
            with self.database.unit_of_work() as uow:
                person = uow.repos.people.find(
                    platform=platform,
                    workspace_external_id=workspace_id,
                    person_external_id=user_id,
                )
                if person is None:
                    return False
                now = self.clock.now()
                if deactivated:
                    person.unreachable_since = person.unreachable_since or now
                    person.unreachable_reason = "deactivated"
                    park_person(uow, person)
                elif person.unreachable_reason == "deactivated":
                    welcome_back(uow, person, now)
                self._set_time_zone(uow, person, time_zone, now)
                if is_admin is not None:
                    person.is_admin = is_admin
        except SQLAlchemyError:
            logger.exception("could not store a profile change")
            return False
        return True

    def _set_time_zone(
        self, uow: UnitOfWork, person: Person, time_zone: str | None, now: datetime
    ) -> None:
        """A new time zone moves every due time to the same local hours in the new zone; a name
        that is no time zone is not kept (it would fail every later turn)."""
        if time_zone is not None and time_zone_named(time_zone) is None:
            logger.warning("ignoring an unknown time zone %r", time_zone[:MAX_TIME_ZONE_NAME])
            time_zone = None
        before = person.time_zone
        uow.repos.people.set_time_zone(person=person, time_zone=time_zone)
        if person.time_zone != before:  # also the first time it is known: due times were UTC's
            reschedule_person(uow, person, now)

    def _route(self, uow: UnitOfWork, person: Person, turn: Turn) -> tuple[str, StepResult]:
        inbound = turn.inbound
        if inbound.kind is InboundKind.COMMAND:
            return self._command(turn)
        if inbound.kind is InboundKind.CHOICE:
            flow_id, action, argument = parse_choice_value(inbound.choice or "")
            flow = self.flows.get(flow_id)
            result = None
            if flow is not None:
                result = flow.choose(self._positioned(uow, person, turn, flow_id), action, argument)
            if flow is None or result is None:
                return self._stale(uow, person, turn)
            return flow_id, result
        if inbound.kind is InboundKind.FORM_FIELD:
            return self._form_field(uow, person, turn)
        if inbound.kind is InboundKind.FORM_CLOSED:
            flow_id = (inbound.form_id or "").partition(".")[0]
            flow = self.flows.get(flow_id)
            if flow is not None and (
                any(value.strip() for value in inbound.form.values()) or inbound.text == PAUSED
            ):
                # What was typed before the form was left (Slack sends the modal's values)
                # waits for the next time it opens; a paused form is kept even when empty.
                kept = self._settled(flow, turn, inbound, inbound.form)
                draft_store.keep(uow, person, inbound, kept, turn.now, replace_all=True)
            closed = None
            if flow is not None:
                positioned = self._positioned(uow, person, turn, flow_id)
                closed = flow.close_form(positioned, inbound.form_id or "")
            return (flow_id, closed) if closed is not None else (self._front_door_id, StepResult())
        if inbound.kind is InboundKind.FORM:
            flow_id = (inbound.form_id or "").partition(".")[0]
            flow = self.flows.get(flow_id)
            result = None
            if flow is not None:
                result = flow.submit(
                    self._positioned(uow, person, turn, flow_id), inbound.form_id or ""
                )
            if flow is None or result is None:
                return self._stale(uow, person, turn)
            if result.form_errors is None:
                draft_store.drop(uow, person, inbound)
            else:  # refused: every value given is kept, save those refused
                refused = result.form_errors.errors
                given = {name: value for name, value in inbound.form.items() if name not in refused}
                kept = self._settled(flow, turn, inbound, given)
                draft_store.keep(uow, person, inbound, kept, turn.now)
            return flow_id, result
        return self._text(uow, person, turn)

    def _form_field(self, uow: UnitOfWork, person: Person, turn: Turn) -> tuple[str, StepResult]:
        """One field of a form, checked as it is given and kept with the answers before it."""
        inbound = turn.inbound
        flow_id = (inbound.form_id or "").partition(".")[0]
        flow = self.flows.get(flow_id)
        name = inbound.field
        if flow is None or not name:
            return self._front_door_id, reply_only()
        positioned = self._positioned(uow, person, turn, flow_id)
        problem = flow.check_field(positioned, inbound.form_id or "", name, inbound.form)
        values = self._settled(flow, positioned, inbound, inbound.form)
        if problem is not None:
            values.pop(name, None)
        draft_store.keep(uow, person, inbound, values, turn.now)
        if problem is None:
            return flow_id, reply_only()
        return flow_id, StepResult(form_errors=FormErrors({name: problem}), keep_state=True)

    @staticmethod
    def _settled(
        flow: Flow, turn: Turn, inbound: Inbound, values: Mapping[str, str]
    ) -> dict[str, str]:
        """A form's answers as a draft keeps them (see `Flow.settled_value`)."""
        form_id = inbound.form_id or ""
        return {
            name: flow.settled_value(turn, form_id, name, value) if value.strip() else value
            for name, value in values.items()
        }

    def _command(self, turn: Turn) -> tuple[str, StepResult]:
        found = self._commands.find(turn.inbound)
        front = self._front_door
        if not isinstance(found, Found):
            if not found.name:  # the menu command alone
                return self._front_door_id, front.help(turn)
            return self._front_door_id, front.unknown_command(turn, found.name)
        result = found.command.run(turn, found.argument)
        if result is None:
            return self._front_door_id, front.help(turn)
        return found.flow_id, result

    def _text(self, uow: UnitOfWork, person: Person, turn: Turn) -> tuple[str, StepResult]:
        """Typed text: a keyword (content's coach.keywords) is a command wherever it is typed,
        before any flow's state sees it, so it is never kept as an answer; anything else (a
        quoted keyword among it: the word itself) is the answer to what waits."""
        front, front_id = self._front_door, self._front_door_id
        general = self.content.coach.general
        typed = turn.inbound.text
        keywords = self.content.coach.keywords.by_id()
        keyword = keyword_in(typed, keywords)
        active = person.active_flow if person.active_flow in self.flows else None
        if not trimmed(typed):  # nothing said: pick up what waits
            if active is not None:
                return active, self.flows[active].resume(
                    self._positioned(uow, person, turn, active)
                )
            return front_id, front.welcome(turn)
        if keyword == "help":
            if active is None:
                return front_id, front.help(turn)
            return active, front.help_in_flow(turn)
        if keyword == "resume" and active is not None:
            return active, self.flows[active].resume(self._positioned(uow, person, turn, active))
        if keyword in {"cancel", "pause"}:
            if active is None:
                cancelling = keyword == "cancel"
                nothing = general.nothing_to_cancel if cancelling else general.nothing_to_pause
                return front_id, StepResult(replies=(Reply(nothing),))
            waiting = self._positioned(uow, person, turn, active)
            person.active_flow = None
            if keyword == "cancel":
                return active, StepResult(replies=(Reply(general.cancelled),), data=waiting.data)
            extra = self.flows[active].pause_replies(waiting)
            return active, StepResult(
                replies=(Reply(general.paused), *extra),
                state=waiting.state or IDLE,
                data=waiting.data,
                keep_inactive=True,
            )
        if keyword == "resume" and active is None:
            interrupted = self._interrupted_flow(uow, person)
            reopened = self._reopen_draft(uow, person, turn, after=interrupted)
            if reopened is not None:
                return reopened
            unfinished = self._resume_unfinished(turn, after=interrupted)
            if unfinished is not None:
                return unfinished
            if interrupted is None:
                return front_id, front.nothing_to_resume(turn)
            flow = self.flows[interrupted.flow_id]
            return interrupted.flow_id, flow.resume(
                self._positioned(uow, person, turn, interrupted.flow_id)
            )
        if keyword is not None:
            return self._keyword(uow, person, turn, active, keyword)
        literal = unquoted_literal(typed)
        if literal is not None and keyword_in(literal, keywords):
            # "skip" in quotes: the word itself, as the answer.
            turn = replace(turn, inbound=replace(turn.inbound, text=literal))
        if active is not None:
            waiting = self._positioned(uow, person, turn, active)
            handler = self.flows[active].states().get(waiting.state or IDLE)
            if handler is not None:
                return active, handler(waiting)
        return front_id, front.welcome(turn)

    def _keyword(
        self, uow: UnitOfWork, person: Person, turn: Turn, active: str | None, keyword: str
    ) -> tuple[str, StepResult]:
        """Skip, back or more: what the waiting flow makes of it (the front door's, when
        nothing waits); where it means nothing, said kindly, and what waits keeps waiting."""
        general = self.content.coach.general
        nothing = {
            "skip": general.nothing_to_skip,
            "back": general.nothing_to_go_back_to,
        }.get(keyword, general.nothing_more)
        if active is None:
            result = self._front_door.keyword(turn, keyword)
            return self._front_door_id, result or StepResult(replies=(Reply(nothing),))
        result = self.flows[active].keyword(self._positioned(uow, person, turn, active), keyword)
        if result is not None:
            return active, result
        word = trimmed(turn.inbound.text)
        return active, reply_only(Reply(f"{nothing} {general.quote_to_answer.format(word=word)}"))

    def _interrupted_flow(self, uow: UnitOfWork, person: Person) -> FlowProgress | None:
        """The flow most recently left waiting (paused, or interrupted by another)."""
        waiting = [
            row
            for row in uow.repos.progress.all_for(person_id=person.id)
            if row.state != IDLE and row.flow_id in self.flows
        ]
        return max(waiting, key=lambda row: row.updated_at) if waiting else None

    def _reopen_draft(
        self, uow: UnitOfWork, person: Person, turn: Turn, *, after: FlowProgress | None
    ) -> tuple[str, StepResult] | None:
        """The form most recently left part-way, opened again with its answers, when it was
        left after anything else was (a flow left waiting, work left unfinished)."""
        latest = uow.drafts.latest(person_id=person.id)
        if latest is None:
            return None
        form_id, context, at = latest
        if after is not None and after.updated_at > at:
            return None
        if any(
            (since := flow.unfinished_since(turn)) is not None and since > at
            for flow in self.flows.values()
        ):
            return None
        flow_id = form_id.partition(".")[0]
        flow = self.flows.get(flow_id)
        if flow is None:
            return None
        reopened = flow.reopen_form(self._positioned(uow, person, turn, flow_id), form_id, context)
        return None if reopened is None else (flow_id, reopened)

    def _resume_unfinished(
        self, turn: Turn, *, after: FlowProgress | None
    ) -> tuple[str, StepResult] | None:
        """Work a flow keeps outside its waiting state (a self-assessment left part-way) and
        touched more recently than the flow left waiting (if any), picked up where it was left:
        the most recent first."""
        touched = [
            (since, flow_id)
            for flow_id, flow in self.flows.items()
            if (since := flow.unfinished_since(turn)) is not None
            and (after is None or after.updated_at <= since)
        ]
        for _, flow_id in sorted(touched, key=lambda pair: pair[0], reverse=True):
            resumed = self.flows[flow_id].resume_unfinished(turn)
            if resumed is not None:
                return flow_id, resumed
        return None

    def _positioned(self, uow: UnitOfWork, person: Person, turn: Turn, flow_id: str) -> Turn:
        progress = uow.repos.progress.get(person_id=person.id, flow_id=flow_id)
        if progress is None:
            return turn
        return turn.at(progress.state, progress.data)

    def _stale(self, uow: UnitOfWork, person: Person, turn: Turn) -> tuple[str, StepResult]:
        """A button or form that no longer applies: say so, then show what is waiting now."""
        lead = self.content.coach.general.stale_choice
        active = person.active_flow if person.active_flow in self.flows else None
        if active is None:
            first, *rest = self._front_door.welcome(turn).replies
        else:
            again = self.flows[active].resume(self._positioned(uow, person, turn, active))
            first, *rest = again.replies
        if first.form is not None:
            # A form opens as a window, where a lead put in front of its text is not shown:
            # the words go first, as a message of their own.
            return active or self._front_door_id, reply_only(Reply(lead), first, *rest)
        first = replace(first, text=f"{lead}\n\n{first.text}")
        return active or self._front_door_id, reply_only(first, *rest)

    def _apply(
        self, uow: UnitOfWork, person: Person, flow_id: str, result: StepResult, now: datetime
    ) -> None:
        for effect in result.effects:
            self._keep(uow, person, effect, now)
        if result.forgets_person:
            return  # nobody is left to keep anything else of the turn for
        flow = self.flows.get(flow_id)
        if flow is None:
            return
        for effect in flow.closing_effects(result):
            self._keep(uow, person, effect, now)
        if result.form_errors is not None or result.keep_state or not flow.remembers_place:
            return
        was_waiting = person.active_flow == flow_id
        if result.waiting and not result.keep_inactive:
            person.active_flow = flow_id
        elif person.active_flow == flow_id:
            person.active_flow = None
        if not result.waiting and not result.data:
            if was_waiting:  # only a flow that was waiting has anything to settle
                uow.repos.progress.settle(person_id=person.id, flow_id=flow_id, at=now)
            return
        uow.repos.progress.save(
            person_id=person.id, flow_id=flow_id, state=result.state, data=dict(result.data), at=now
        )

    def _keep(self, uow: UnitOfWork, person: Person, effect: Effect, now: datetime) -> None:
        handler = self._effect_handlers.get(type(effect))
        if handler is None:
            raise TypeError(f"no store keeps a {type(effect).__name__} (bot/engine/stores.py)")
        handler(uow, person, effect, now)


def front_door(flows: Mapping[str, Flow]) -> tuple[str, FrontDoor]:
    """The one flow people reach when nothing else applies."""
    doors = [(flow_id, flow) for flow_id, flow in flows.items() if isinstance(flow, FrontDoor)]
    if len(doors) != 1:
        raise ValueError(f"the flows need exactly one front door, not {len(doors)}")
    return doors[0]
