"""What every Slack listener needs (the engine, the inbox, the pool), and what they all do after."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from slack_sdk import WebClient

from bot.adapters.slack.answers import TRIGGER_SECONDS
from bot.adapters.slack.outbox import Outbox
from bot.core.messages import Inbound, Outcome
from bot.engine.inbox import Inbox, person_key
from bot.engine.turns import Engine


@dataclass(frozen=True)
class SlackContext:
    engine: Engine
    inbox: Inbox
    outbox: Outbox
    # How long an uninstalled workspace's data is kept (LANTERN_UNINSTALLED_RETENTION_DAYS).
    keep_data_for: timedelta = timedelta(days=30)
    # Deletes a workspace's stored tokens when it uninstalls (installs through Slack only).
    forget_tokens: Callable[[str], object] | None = None

    def trigger_expires_at(self) -> str:
        """When a trigger id received now can no longer open a modal (kept with the turn)."""
        return (self.engine.clock.now() + timedelta(seconds=TRIGGER_SECONDS)).isoformat()

    def answer_later(
        self, client: WebClient | None, inbound: Inbound, reply_to: Mapping[str, Any]
    ) -> None:
        """Keep the turn in the inbox (raising if it cannot be kept, so nothing is acked),
        then take it after the ack. One person's turns are taken one at a time, in the order
        they came, whichever process received them."""
        key = self.inbox.accept(inbound, reply_to)
        self.take_turns_after(key, client)

    def take_turns_after(self, key: str, client: WebClient | None = None) -> None:
        def take() -> None:
            for taken in self.inbox.drain(key):
                if client is not None:
                    self.learn_time_zone(client, taken.inbound, taken.outcome)

        self.outbox.submit("take turns", take, key=f"turn:{key}")

    def answer_now(
        self, client: WebClient, inbound: Inbound, reply_to: Mapping[str, Any]
    ) -> Outcome:
        """Take the turn in the request, after any of the person's turns before it, keeping
        the sends after the ack with it; they go out right after. An outcome `later` says the
        turn was kept instead (slow work, or earlier turns still being taken elsewhere): it is
        taken after the ack and answered in the DM."""
        answered = self.inbox.run_now(inbound, reply_to)
        key = person_key(inbound)
        if answered.outcome.later:
            self.take_turns_after(key, client)
            return answered.outcome
        self.learn_time_zone(client, inbound, answered.outcome)
        if answered.sends_waiting:
            self.outbox.submit(
                "send replies", lambda: self.inbox.send_waiting(key), key=f"turn:{key}"
            )
        return answered.outcome

    def learn_time_zone(self, client: WebClient, inbound: Inbound, outcome: Outcome) -> None:
        """After the ack, ask Slack for a new person's time zone (`users.info` `tz`, IANA)."""
        if not outcome.needs_time_zone:
            return

        def look_up() -> None:
            user = client.users_info(user=inbound.user_id).get("user") or {}
            time_zone = user.get("tz")
            if isinstance(time_zone, str) and time_zone:
                self.engine.remember_time_zone(
                    platform=inbound.platform,
                    workspace_id=inbound.workspace_id,
                    user_id=inbound.user_id,
                    time_zone=time_zone,
                )

        self.outbox.submit("look up a time zone", look_up)
