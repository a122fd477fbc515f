"""Modal submissions: errors under the field, a private confirmation, or on to the DM."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.adapters.slack.listeners.context import SlackContext
from bot.adapters.slack.render import (
    render_confirmation_modal,
    render_form_errors,
    render_modal,
)
from bot.adapters.slack.translate import FORM_CALLBACK_PREFIX, UnsupportedPayload, view_to_inbound
from bot.core.messages import FormErrors
from content import Content

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


def handle_submission(
    ack: Ack, body: dict[str, Any], client: WebClient, context: SlackContext
) -> None:
    try:
        inbound = view_to_inbound(body)
    except UnsupportedPayload:
        ack()
        return
    outcome = context.engine.handle(inbound)
    context.learn_time_zone(client, inbound, outcome)
    if outcome.form_errors is not None:
        ack(**render_form_errors(outcome.form_errors))
        return
    if outcome.failed and inbound.form:
        # Keep the modal open with what they typed, and say why under the first field.
        first_field = next(iter(inbound.form))
        message = " ".join(reply.text for reply in outcome.replies)
        ack(**render_form_errors(FormErrors({first_field: message})))
        return
    chained = next((reply.form for reply in outcome.replies if reply.form is not None), None)
    if chained is not None and (inbound.form_id or "").startswith(CHAINED_FORMS):
        # The next page of the same sequence replaces this one in the modal; anything else
        # said (the results, after the last page) goes to the DM.
        ack(response_action="update", view=render_modal(chained))
        rest = tuple(reply for reply in outcome.replies if reply.form is None)
        context.outbox.deliver(
            client, channel=inbound.user_id, person=inbound.user_id, replies=rest
        )
        return
    if outcome.waiting or inbound.form_id not in CONFIRMED_IN_MODAL:
        ack()
        context.outbox.deliver(
            client, channel=inbound.user_id, person=inbound.user_id, replies=outcome.replies
        )
        return
    content = context.engine.content
    title = CONFIRMED_IN_MODAL[inbound.form_id](content)
    close = content.coach.reflect.form_close
    ack(
        response_action="update",
        view=render_confirmation_modal(title, close, outcome.replies),
    )


def handle_closed(ack: Ack, body: dict[str, Any], context: SlackContext) -> None:
    """A modal dismissed unsaved: its flow stops waiting for it. Nothing is said."""
    ack()
    try:
        inbound = view_to_inbound(body)
    except UnsupportedPayload:
        return
    context.engine.handle(inbound)


def register(app: App, context: SlackContext) -> None:
    def on_submission(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        handle_submission(ack, body, client, context)

    def on_closed(ack: Ack, body: dict[str, Any]) -> None:
        handle_closed(ack, body, context)

    ours = re.compile("^" + re.escape(FORM_CALLBACK_PREFIX))
    app.view_submission(ours)(on_submission)
    app.view_closed(ours)(on_closed)
