"""What every Slack listener needs (the engine and the outbox), and what they all do after."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from slack_sdk import WebClient

from bot.adapters.slack.outbox import Outbox
from bot.core.messages import Inbound, Outcome, Reply
from bot.engine.turns import Engine


@dataclass(frozen=True)
class SlackContext:
    engine: Engine
    outbox: Outbox
    # How long an uninstalled workspace's data is kept (LANTERN_UNINSTALLED_RETENTION_DAYS).
    keep_data_for: timedelta = timedelta(days=30)
    # Deletes a workspace's stored tokens when it uninstalls (installs through Slack only).
    forget_tokens: Callable[[str], object] | None = None

    def run_in_background(
        self,
        client: WebClient,
        inbound: Inbound,
        *,
        channel: str | None = None,
        trigger_id: str | None = None,
        acted_on: tuple[str, str] | None = None,
        privately_in: str | None = None,
    ) -> None:
        """Run a turn after the ack (it may draw pictures or build files) and send its replies
        to the person's DM. One person's turns run one at a time, in the order they came.

        With `privately_in` (a button pressed in a team channel), the replies are shown to the
        person alone in that channel; a form still opens as a modal; a conversation that then
        waits for their answers goes on in their DM, as after a slash command in a channel.
        """

        def turn() -> None:
            outcome = self.engine.handle(inbound)
            self.learn_time_zone(client, inbound, outcome)
            opens_a_form = trigger_id is not None and any(
                reply.form is not None for reply in outcome.replies
            )
            if privately_in is not None and outcome.waiting and not opens_a_form:
                in_dm = Reply(self.engine.content.coach.general.continue_in_dm)
                self.outbox.deliver(
                    client,
                    channel=privately_in,
                    person=inbound.user_id,
                    replies=(in_dm,),
                    privately_in=privately_in,
                )
                self.outbox.deliver(
                    client,
                    channel=inbound.user_id,
                    person=inbound.user_id,
                    replies=outcome.replies,
                )
                return
            self.outbox.deliver(
                client,
                channel=channel or inbound.user_id,
                person=inbound.user_id,
                replies=outcome.replies,
                trigger_id=trigger_id,
                acted_on=None if privately_in is not None else acted_on,
                privately_in=privately_in,
            )

        self.outbox.submit("run a turn", turn, key=f"turn:{inbound.user_id}")

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
