"""The engine: load the person's state, run the flow step, save it all at once, reply."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from bot.core.clock import Clock, SystemClock
from bot.core.messages import Inbound, InboundKind, Outcome, Reply
from bot.core.schedule import reminder_due_at
from bot.engine.assess_store import AssessReads, apply_assess_effect
from bot.engine.plan_store import (
    PlanReads,
    apply_plan_effect,
    park_person,
    reschedule_person,
    welcome_back,
)
from bot.engine.privacy_store import PrivacyReads, forget_person
from bot.engine.team_store import ChannelEvents, TeamReads, apply_team_effect
from bot.engine.workspaces import WorkspaceEvents
from bot.flows import default_flows
from bot.flows.assess_model import DiscardAssessment, SaveAssessmentAnswers, SetReassessReminder
from bot.flows.base import (
    IDLE,
    AddWorkRecord,
    Flow,
    ReflectionView,
    RemoveWorkRecord,
    SaveAnswer,
    SaveReflection,
    SetReminder,
    SetTicked,
    StepResult,
    Turn,
    WorkRecordView,
    parse_choice_value,
    reply_only,
)
from bot.flows.coach import CoachFlow, help_text, welcome_choices
from bot.flows.home import build_home
from bot.flows.plan_model import PlanEffect
from bot.flows.privacy import PrivacyFlow
from bot.flows.privacy_model import ForgetResult
from bot.flows.reflect import ReflectFlow
from bot.flows.team import COMMANDS as TEAM_COMMANDS
from bot.flows.team import TeamFlow
from bot.flows.team_model import SaveSubscription, SetSubscriptionStatus
from bot.flows.toolkit import ToolkitFlow
from content import Content
from storage.database import Database, UnitOfWork
from storage.models import FlowProgress, Person

logger = logging.getLogger(__name__)

TurnHook = Callable[[UnitOfWork, Outcome], None]
"""Work kept in the same transaction as a turn (see `Engine.handle`)."""


class StoredReads(PlanReads, TeamReads, AssessReads, PrivacyReads):
    """The flows' read-only view of one person's data, inside the turn's unit of work."""

    def __init__(self, uow: UnitOfWork, person: Person, now: datetime) -> None:
        PlanReads.__init__(self, uow, person)
        TeamReads.__init__(self, uow, person, now)
        AssessReads.__init__(self, uow, person)
        PrivacyReads.__init__(self, uow, person)
        self._repos = uow.repos

    def recent_reflections(self, *, limit: int) -> list[ReflectionView]:
        rows = self._repos.reflections.recent(person_id=self._person.id, limit=limit)
        return [ReflectionView(r.text, r.prompt, r.created_at) for r in rows]

    def reflection_count(self) -> int:
        return self._repos.reflections.count(person_id=self._person.id)

    def answers(self, *, step_id: str) -> dict[str, str]:
        rows = self._repos.answers.for_step(person_id=self._person.id, step_id=step_id)
        return {question_id: row.text for question_id, row in rows.items()}

    def progress(self, *, flow_id: str) -> tuple[str, Mapping[str, Any]] | None:
        row = self._repos.progress.get(person_id=self._person.id, flow_id=flow_id)
        return None if row is None else (row.state, row.data)

    def ticked(self, *, step_id: str) -> set[str]:
        ticks = self._repos.checklist.ticked(person_id=self._person.id, step_id=step_id)
        return {item for _, item in ticks}

    def work_records(self, *, section_id: str) -> list[WorkRecordView]:
        rows = self._repos.work.records(person_id=self._person.id, section_id=section_id)
        return [WorkRecordView(row.id, dict(row.data)) for row in rows]

    def reminder_days(self) -> int | None:
        reminder = self._repos.reminders.get(person_id=self._person.id)
        return None if reminder is None else reminder.every_days


def _sets_reminder(result: StepResult) -> bool:
    return any(isinstance(effect, SetReminder) for effect in result.effects)


def local_date(now: datetime, time_zone: str | None) -> date:
    if time_zone:
        try:
            return now.astimezone(ZoneInfo(time_zone)).date()
        except (ZoneInfoNotFoundError, ValueError):
            logger.warning("unknown time zone %r; using UTC", time_zone)
    return now.date()


class Engine:
    """Runs one turn: the single error boundary between people and everything behind it."""

    def __init__(
        self,
        *,
        content: Content,
        database: Database,
        clock: Clock | None = None,
        flows: Mapping[str, Flow] | None = None,
    ) -> None:
        self.content = content
        self.database = database
        self.clock = clock or SystemClock()
        self.flows = dict(flows or default_flows())
        # Privacy is every person's, whatever else a deployment offers.
        self.flows.setdefault(PrivacyFlow.flow_id, PrivacyFlow())
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
            reads=StoredReads(uow, person, now),
        )
        needs_time_zone = person.time_zone is None
        if inbound.kind is InboundKind.HOME:
            return Outcome(home=build_home(turn), needs_time_zone=needs_time_zone)
        flow_id, result = self._route(uow, person, turn)
        self._apply(uow, person, flow_id, result, now)
        return Outcome(
            replies=result.replies,
            form_errors=result.form_errors,
            waiting=result.waiting and not result.keep_inactive,
            # A person just forgotten is not to be stored again by asking for their zone.
            needs_time_zone=needs_time_zone and not isinstance(result, ForgetResult),
        )

    def remember_time_zone(
        self, *, platform: str, workspace_id: str, user_id: str, time_zone: str
    ) -> bool:
        """Store a person's IANA time zone as the platform reports it; False if it is not one."""
        try:
            ZoneInfo(time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            logger.warning("ignoring an unknown time zone %r", time_zone)
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
        if time_zone is not None:
            try:
                ZoneInfo(time_zone)
            except (ZoneInfoNotFoundError, ValueError):
                logger.warning("ignoring an unknown time zone %r", time_zone)
                time_zone = None
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
        """A new time zone moves every due time to the same local hours in the new zone."""
        before = person.time_zone
        uow.repos.people.set_time_zone(person=person, time_zone=time_zone)
        if person.time_zone != before:  # also the first time it is known: due times were UTC's
            reschedule_person(uow, person, now)

    def _route(self, uow: UnitOfWork, person: Person, turn: Turn) -> tuple[str, StepResult]:
        inbound = turn.inbound
        coach = self._coach
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
        if inbound.kind is InboundKind.FORM_CLOSED:
            flow_id = (inbound.form_id or "").partition(".")[0]
            flow = self.flows.get(flow_id)
            closed = None
            if flow is not None:
                positioned = self._positioned(uow, person, turn, flow_id)
                closed = flow.close_form(positioned, inbound.form_id or "")
            return (flow_id, closed) if closed is not None else ("coach", StepResult())
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
            return flow_id, result
        return self._text(uow, person, turn, coach)

    def _command(self, turn: Turn) -> tuple[str, StepResult]:
        inbound = turn.inbound
        if inbound.command == "reflect":
            return "reflect", self.flows["reflect"].start(turn, inbound.text)
        if inbound.command == "checkin":
            return "checkin", self.flows["checkin"].start(turn, inbound.text)
        if inbound.command != "coach":
            return "coach", self._coach.unknown_command(turn, f"/{inbound.command}")
        name, _, argument = inbound.text.strip().partition(" ")
        name = name.lower()
        if name in {"", "help"}:
            return "coach", self._coach.help(turn)
        if name == "toolkit":
            return "toolkit", self.flows["toolkit"].start(turn, argument)
        if name == "plan":
            return "plan", self.flows["plan"].start(turn, argument)
        if name == "checkin":
            return "checkin", self.flows["checkin"].start(turn, argument)
        if name == "reflections":
            return "reflect", self._reflect.history(turn)
        if name == "export":
            exported = self.flows["toolkit"].choose(turn, "export", "")
            return ("toolkit", exported) if exported else ("coach", self._coach.help(turn))
        if name == "forget":
            return PrivacyFlow.flow_id, self.flows[PrivacyFlow.flow_id].start(turn, argument)
        if name == "reflect":
            return "reflect", self.flows["reflect"].start(turn, argument)
        if name == "assess":
            return "assess", self.flows["assess"].start(turn, argument)
        if name in TEAM_COMMANDS:
            return "team", self._team.command(turn, name)
        return "coach", self._coach.unknown_command(turn, name)

    def _text(
        self, uow: UnitOfWork, person: Person, turn: Turn, coach: CoachFlow
    ) -> tuple[str, StepResult]:
        keywords = self.content.coach.keywords
        general = self.content.coach.general
        said = " ".join(turn.inbound.text.lower().split()).strip(".!")
        active = person.active_flow if person.active_flow in self.flows else None
        if not said:  # a greeting with nothing in it: pick up whatever is waiting
            if active is not None:
                return active, self.flows[active].resume(
                    self._positioned(uow, person, turn, active)
                )
            return "coach", coach.welcome(turn)
        if said in keywords.help:
            if active is None:
                return "coach", coach.help(turn)
            return active, reply_only(Reply(f"{general.help_in_flow}\n\n{help_text(turn)}"))
        if said in keywords.resume and active is not None:
            return active, self.flows[active].resume(self._positioned(uow, person, turn, active))
        if said in keywords.cancel or said in keywords.pause:
            if active is None:
                cancelling = said in keywords.cancel
                nothing = general.nothing_to_cancel if cancelling else general.nothing_to_pause
                return "coach", StepResult(replies=(Reply(nothing),))
            waiting = self._positioned(uow, person, turn, active)
            person.active_flow = None
            if said in keywords.cancel:
                return active, StepResult(replies=(Reply(general.cancelled),), data=waiting.data)
            extra = self.flows[active].pause_replies(waiting)
            return active, StepResult(
                replies=(Reply(general.paused), *extra),
                state=waiting.state or IDLE,
                data=waiting.data,
                keep_inactive=True,
            )
        if said in keywords.resume and active is None:
            interrupted = self._interrupted_flow(uow, person)
            assessing = self._assessment_in_progress(uow, person, after=interrupted)
            if assessing is not None:
                # A self-assessment left part-way is picked up where it was left, too.
                resumed = self.flows["assess"].choose(turn, "resume", assessing)
                if resumed is not None:
                    return "assess", resumed
            if interrupted is None:
                return "coach", StepResult(
                    replies=(Reply(general.nothing_to_resume, choices=welcome_choices(turn)),)
                )
            flow = self.flows[interrupted.flow_id]
            return interrupted.flow_id, flow.resume(
                self._positioned(uow, person, turn, interrupted.flow_id)
            )
        if active is not None:
            waiting = self._positioned(uow, person, turn, active)
            handler = self.flows[active].states().get(waiting.state or IDLE)
            if handler is not None:
                return active, handler(waiting)
        return "coach", coach.welcome(turn)

    def _interrupted_flow(self, uow: UnitOfWork, person: Person) -> FlowProgress | None:
        """The flow most recently left waiting (paused, or interrupted by another)."""
        waiting = [
            row
            for row in uow.repos.progress.all_for(person_id=person.id)
            if row.state != IDLE and row.flow_id in self.flows
        ]
        return max(waiting, key=lambda row: row.updated_at) if waiting else None

    @staticmethod
    def _assessment_in_progress(
        uow: UnitOfWork, person: Person, *, after: FlowProgress | None
    ) -> str | None:
        """The kind of self-assessment in progress that was answered more recently than the
        flow left waiting (if any)."""
        rows = [
            row for row in uow.assessments.all_for(person_id=person.id) if row.finished_at is None
        ]
        if not rows:
            return None
        latest = max(rows, key=lambda row: row.updated_at)
        if after is not None and after.updated_at > latest.updated_at:
            return None
        return latest.kind

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
            first, *rest = self._coach.welcome(turn).replies
        else:
            again = self.flows[active].resume(self._positioned(uow, person, turn, active))
            first, *rest = again.replies
        if first.form is not None:
            # A form opens as a window, where a lead put in front of its text is not shown:
            # the words go first, as a message of their own.
            return active or "coach", reply_only(Reply(lead), first, *rest)
        first = replace(first, text=f"{lead}\n\n{first.text}")
        return active or "coach", reply_only(first, *rest)

    def _apply(
        self, uow: UnitOfWork, person: Person, flow_id: str, result: StepResult, now: datetime
    ) -> None:
        if isinstance(result, ForgetResult):
            # Nothing else of the turn is kept: the person and their place in every flow go.
            forget_person(uow, person, result.forget, now)
            return
        for effect in result.effects:
            if isinstance(effect, SaveReflection):
                uow.repos.reflections.add(
                    person_id=person.id,
                    text=effect.text,
                    prompt=effect.prompt,
                    source=effect.source,
                    at=now,
                )
            elif isinstance(effect, SaveAnswer):
                uow.repos.answers.save(
                    person_id=person.id,
                    step_id=effect.step_id,
                    question_id=effect.question_id,
                    text=effect.text,
                    at=now,
                )
            elif isinstance(effect, SetTicked):
                uow.repos.checklist.set_ticked(
                    person_id=person.id,
                    step_id=effect.step_id,
                    item_id=effect.item_id,
                    ticked=effect.ticked,
                    at=now,
                )
            elif isinstance(effect, AddWorkRecord):
                record = dict(effect.data)
                if effect.single:
                    uow.repos.work.replace_single(
                        person_id=person.id, section_id=effect.section_id, data=record, at=now
                    )
                else:
                    uow.repos.work.add(
                        person_id=person.id, section_id=effect.section_id, data=record, at=now
                    )
            elif isinstance(effect, RemoveWorkRecord):
                uow.repos.work.remove(person_id=person.id, record_id=effect.record_id)
            elif isinstance(effect, PlanEffect):
                apply_plan_effect(uow, person, effect, now)
            elif isinstance(effect, SaveSubscription | SetSubscriptionStatus):
                apply_team_effect(uow, person, effect, now)
            elif isinstance(
                effect, SaveAssessmentAnswers | DiscardAssessment | SetReassessReminder
            ):
                apply_assess_effect(uow, person, effect, now)
            elif isinstance(effect, SetReminder):
                if effect.every_days is None:
                    uow.repos.reminders.clear(person_id=person.id)
                else:
                    due = reminder_due_at(now, days=effect.every_days, time_zone=person.time_zone)
                    uow.repos.reminders.set(
                        person_id=person.id, every_days=effect.every_days, next_due_at=due
                    )
        if flow_id == ToolkitFlow.flow_id and not _sets_reminder(result):
            # Someone working in the toolkit needs no reminder yet: move it on from today.
            self._postpone_reminder(uow, person, now)
        if result.form_errors is not None or result.keep_state or flow_id == "coach":
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

    def _postpone_reminder(self, uow: UnitOfWork, person: Person, now: datetime) -> None:
        reminder = uow.repos.reminders.get(person_id=person.id)
        if reminder is not None and reminder.claimed_until is None:
            reminder.next_due_at = reminder_due_at(
                now, days=reminder.every_days, time_zone=person.time_zone
            )

    @property
    def _coach(self) -> CoachFlow:
        flow = self.flows["coach"]
        assert isinstance(flow, CoachFlow)
        return flow

    @property
    def _team(self) -> TeamFlow:
        flow = self.flows["team"]
        assert isinstance(flow, TeamFlow)
        return flow

    @property
    def _reflect(self) -> ReflectFlow:
        flow = self.flows["reflect"]
        assert isinstance(flow, ReflectFlow)
        return flow
