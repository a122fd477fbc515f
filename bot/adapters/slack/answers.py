"""What Slack gets after a turn: the HTTP answer (ack) and the sends after it, per surface.

One pure function per surface decides both, so the listener that answers in the request and
the planner that keeps the sends with the turn can never disagree. `reply_to` is the address
an adapter kept with the turn in the inbox: which surface it came from and where to answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.adapters.slack.render import (
    render_confirmation_modal,
    render_ephemeral,
    render_form_errors,
    render_modal,
)
from bot.core.messages import FormErrors, Inbound, Outcome, Reply
from bot.engine.inbox import HOME, PlannedSend
from content import Content

DM = "dm"  # a direct message, or a command whose answer continues in the DM
ACTION = "action"  # a button pressed
COMMAND = "command"  # a slash command answered in its ack
VIEW = "view"  # a modal submitted
CLOSED = "closed"  # a modal dismissed: nothing is said
HOME_TAB = "home"  # the App Home opened

MESSAGES = "messages"
PRIVATE = "private"
FORM = "form"

TRIGGER_SECONDS = 2.9
"""A trigger id lasts 3 s from the person's action: a modal is tried until this has passed
(a retry waits out a 429's Retry-After only within it); one Slack refuses as expired, or one
not tried in time, is asked in the conversation instead."""

# Forms that end their conversation: confirmed privately in the modal itself, under the
# title each names. Any other form is part of a DM conversation, so the modal closes and the
# conversation goes on there.
CONFIRMED_IN_MODAL: dict[str, Callable[[Content], str]] = {
    "reflect.today": lambda content: content.coach.reflect.form_title,
    "team.settings": lambda content: content.prompts.team.form_title,
}

CHAINED_FORMS = ("assess.",)
"""Forms that come as a sequence of pages (a self-assessment): each submitted page is replaced
in the same modal by the next, as Slack's "update" response allows."""


AckBody = Callable[[], dict[str, Any]]


@dataclass(frozen=True)
class Answer:
    """The ack's body, rendered only when the listener asks (the planner needs only the
    sends), and the sends after the ack."""

    render_ack: AckBody | None = None  # None: an empty ack
    sends: list[PlannedSend] = field(default_factory=list)

    def ack(self) -> dict[str, Any]:
        return {} if self.render_ack is None else self.render_ack()


def _deadline(reply_to: Mapping[str, Any]) -> datetime | None:
    expires = reply_to.get("trigger_expires_at")
    return datetime.fromisoformat(expires) if isinstance(expires, str) else None


def deliver(
    replies: tuple[Reply, ...],
    *,
    channel: str,
    person: str,
    trigger_id: str | None = None,
    deadline: datetime | None = None,
    acted_on: tuple[str, str] | None = None,
    privately_in: str | None = None,
) -> list[PlannedSend]:
    """The replies as sends, in order. A reply carrying a form opens it as a modal (ahead of
    the person's queue: its trigger expires), or is asked in the conversation when it cannot.
    A reply that `replaces` updates the message acted on. With `privately_in` (a channel), the
    replies are shown to the person alone there; their pictures and files go to the DM."""
    sends: list[PlannedSend] = []
    queued: list[Reply] = []
    for reply in replies:
        if reply.form is not None and trigger_id:
            sends.append(
                PlannedSend(
                    FORM,
                    {"trigger_id": trigger_id, "channel": channel},
                    (reply,),
                    deadline=deadline,
                )
            )
        else:
            queued.append(reply)
    if queued and privately_in is not None:
        sends.append(PlannedSend(PRIVATE, {"channel": privately_in, "user": person}, tuple(queued)))
    elif queued:
        address: dict[str, Any] = {"channel": channel}
        if acted_on is not None:
            address["acted_on"] = list(acted_on)
        sends.append(PlannedSend(MESSAGES, address, tuple(queued)))
    return sends


def in_conversation(
    inbound: Inbound, outcome: Outcome, reply_to: Mapping[str, Any], content: Content
) -> list[PlannedSend]:
    """A turn answered after the ack (a DM, a button, a slow command): in the DM, or for a
    button under a team's post, privately in that channel."""
    person = inbound.user_id
    trigger_id = reply_to.get("trigger_id")
    privately_in = reply_to.get("privately_in")
    acted_on = reply_to.get("acted_on")
    channel = str(reply_to.get("channel") or person)
    opens_a_form = bool(trigger_id) and any(r.form is not None for r in outcome.replies)
    if privately_in and outcome.waiting and not opens_a_form:
        # A conversation that then waits for answers goes on in the DM.
        in_dm = Reply(content.coach.general.continue_in_dm)
        return [
            *deliver((in_dm,), channel=privately_in, person=person, privately_in=privately_in),
            *deliver(outcome.replies, channel=person, person=person),
        ]
    return deliver(
        outcome.replies,
        channel=channel,
        person=person,
        trigger_id=trigger_id,
        deadline=_deadline(reply_to),
        acted_on=(str(acted_on[0]), str(acted_on[1])) if acted_on and not privately_in else None,
        privately_in=privately_in,
    )


def command_answer(
    inbound: Inbound, outcome: Outcome, reply_to: Mapping[str, Any], content: Content
) -> Answer:
    """A slash command: a quick answer privately in the ack; a modal opened right after; a
    conversation that waits, or pictures and files, continue in the DM."""
    trigger_id = reply_to.get("trigger_id")
    person = inbound.user_id
    if outcome.later:  # kept for after the ack: say where its answer will arrive
        return Answer(lambda: render_ephemeral(outcome.replies))
    if trigger_id and any(reply.form is not None for reply in outcome.replies):
        sends = deliver(
            outcome.replies,
            channel=person,
            person=person,
            trigger_id=trigger_id,
            deadline=_deadline(reply_to),
        )
        return Answer(None, sends)
    if outcome.waiting or any(reply.images or reply.files for reply in outcome.replies):
        in_dm = Reply(content.coach.general.continue_in_dm)
        return Answer(
            lambda: render_ephemeral((in_dm,)),
            deliver(outcome.replies, channel=person, person=person),
        )
    return Answer(lambda: render_ephemeral(outcome.replies))


def view_answer(inbound: Inbound, outcome: Outcome, content: Content) -> Answer:
    """A modal submitted: errors under the field, the next page in its place, a private
    confirmation, or on to the DM."""
    person = inbound.user_id
    form_errors = outcome.form_errors
    if form_errors is not None:
        return Answer(lambda: render_form_errors(form_errors))
    if outcome.failed and inbound.form:
        # Keep the modal open with what they typed, and say why under the first field.
        first_field = next(iter(inbound.form))
        message = " ".join(reply.text for reply in outcome.replies)
        return Answer(lambda: render_form_errors(FormErrors({first_field: message})))
    chained = next((reply.form for reply in outcome.replies if reply.form is not None), None)
    if chained is not None and (inbound.form_id or "").startswith(CHAINED_FORMS):
        # The next page replaces this one in the modal; the rest (results) goes to the DM.
        rest = tuple(reply for reply in outcome.replies if reply.form is None)
        return Answer(
            lambda: {"response_action": "update", "view": render_modal(chained)},
            deliver(rest, channel=person, person=person),
        )
    if outcome.waiting or inbound.form_id not in CONFIRMED_IN_MODAL:
        return Answer(None, deliver(outcome.replies, channel=person, person=person))
    title = CONFIRMED_IN_MODAL[inbound.form_id](content)
    close = content.coach.reflect.form_close
    return Answer(
        lambda: {
            "response_action": "update",
            "view": render_confirmation_modal(title, close, outcome.replies),
        }
    )


def home_answer(inbound: Inbound, outcome: Outcome) -> Answer:
    if outcome.home is None:
        return Answer(
            None, deliver(outcome.replies, channel=inbound.user_id, person=inbound.user_id)
        )
    return Answer(None, [PlannedSend(HOME, {"user": inbound.user_id}, home=outcome.home)])


def plan_sends(
    inbound: Inbound,
    outcome: Outcome,
    reply_to: Mapping[str, Any],
    content: Content,
    *,
    in_request: bool,
) -> list[PlannedSend]:
    """The sends of a turn from any surface. A turn whose request is gone (taken later by
    another process) is answered in the conversation."""
    surface = reply_to.get("surface")
    if surface == CLOSED:
        return []
    if in_request and surface == COMMAND:
        return command_answer(inbound, outcome, reply_to, content).sends
    if in_request and surface == VIEW:
        return view_answer(inbound, outcome, content).sends
    if surface == HOME_TAB:
        return home_answer(inbound, outcome).sends
    if surface == VIEW and outcome.form_errors is not None:
        return []  # the modal it belonged to is gone; nothing was kept, nothing to say
    return in_conversation(inbound, outcome, reply_to, content)
