"""A scripted conversation with the engine, for flow tests written as turns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.core.messages import Choice, Form, Inbound, InboundKind, Outcome, Reply
from bot.engine.turns import Engine


@dataclass
class ChatScript:
    """Plays one person (or several, by user_id) talking to the engine, as an adapter would."""

    engine: Engine
    user_id: str = "U-ana"
    workspace_id: str = "T-library"
    platform: str = "console"
    time_zone: str | None = "America/Chicago"
    reachable_later: bool = False
    # Where the person types, when that is a team channel (None: a DM or the terminal), and
    # what the platform said about the channel and the person.
    channel_id: str | None = None
    channel_name: str | None = None
    coach_in_channel: bool | None = None
    is_admin: bool | None = None
    message_link: str | None = None
    last: Outcome = field(default_factory=Outcome)
    _event_counter: int = 0

    def _send(self, kind: InboundKind, **values: object) -> Outcome:
        inbound = Inbound(
            platform=self.platform,
            workspace_id=self.workspace_id,
            user_id=self.user_id,
            kind=kind,
            time_zone=self.time_zone,
            reachable_later=self.reachable_later,
            channel_id=self.channel_id,
            channel_name=self.channel_name,
            coach_in_channel=self.coach_in_channel,
            is_admin=self.is_admin,
            message_link=self.message_link,
            **values,  # type: ignore[arg-type]
        )
        self.last = self.engine.handle(inbound)
        return self.last

    def say(self, text: str, *, event_id: str | None = None) -> Outcome:
        return self._send(InboundKind.TEXT, text=text, event_id=event_id)

    def command(self, command: str, text: str = "") -> Outcome:
        return self._send(InboundKind.COMMAND, command=command, text=text)

    def press(self, value: str) -> Outcome:
        return self._send(InboundKind.CHOICE, choice=value)

    def choose(self, label: str) -> Outcome:
        """Press the button with this label among the last replies."""
        for choice in self.choices:
            if choice.label == label:
                return self.press(choice.value)
        raise AssertionError(f"no choice {label!r} in {[c.label for c in self.choices]}")

    def submit(self, values: Mapping[str, str], form: Form | None = None) -> Outcome:
        form = form or self.form
        assert form is not None, "no form was offered"
        return self._send(
            InboundKind.FORM, form_id=form.form_id, form=dict(values), form_context=form.context
        )

    def home(self) -> Outcome:
        return self._send(InboundKind.HOME)

    @property
    def replies(self) -> tuple[Reply, ...]:
        return self.last.replies

    @property
    def text(self) -> str:
        return "\n".join(reply.text for reply in self.last.replies)

    @property
    def choices(self) -> tuple[Choice, ...]:
        return tuple(choice for reply in self.last.replies for choice in reply.choices)

    @property
    def form(self) -> Form | None:
        return next((r.form for r in self.last.replies if r.form is not None), None)
