"""Privacy a person controls: all their data as a JSON file, and `/coach forget`.

Forgetting takes two steps. `/coach forget` (or the App Home's button) says what would be
deleted and offers a confirm button carrying a one-time token kept with the flow; only that
button, pressed by the same person in the same workspace while the token is still theirs,
deletes anything, and only within CONFIRM_WITHIN of the request (a danger button left in a
conversation should not delete everything days later). Keeping the data, asking again or
forgetting spends the token, so an older button deletes nothing.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.core.messages import Choice, FileAttachment, Reply
from bot.flows.base import Command, Flow, StepResult, Turn, choice_value, reply_only
from bot.flows.privacy_model import DataSummary, ForgetPerson, PersonDataReads, privacy_reads
from content.privacy import PrivacyText

logger = logging.getLogger(__name__)

FLOW_ID = "privacy"
REQUEST = "request"  # the flow data's key: the open request's token ("" when none is open)
ASKED_AT = "asked_at"  # the flow data's key: when the open request was made (ISO 8601)
CONFIRM_WITHIN = timedelta(hours=1)
FORMAT = "lantern-export"
FORMAT_VERSION = 1


def _words(turn: Turn) -> PrivacyText:
    return turn.content.privacy


# ----- the data file ------------------------------------------------------------------------


def data_filename(turn: Turn) -> str:
    return f"lantern-export-{turn.today.isoformat()}.json"


def data_file(turn: Turn) -> FileAttachment:
    """Everything Lantern keeps about the person, as one JSON document."""
    document = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": turn.now.isoformat(),
        **privacy_reads(turn).person_data(),
    }
    name = data_filename(turn)
    data = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    return FileAttachment(filename=name, data=data, title=name)


# ----- what goes ----------------------------------------------------------------------------


def _channels(turn: Turn, names: Sequence[str]) -> str:
    words = _words(turn).forget
    return ", ".join(words.channel.format(channel=name) for name in names)


def _deleted_lines(turn: Turn, summary: DataSummary) -> list[str]:
    """One line per kind they have some of, in the content's order, then their settings."""
    words = _words(turn)
    counts = dict(summary.counts)
    lines = [
        words.forget.item.format(what=kind.format(count=counts[name]))
        for name, kind in words.kinds.items()
        if counts.get(name)
    ]
    lines.append(words.forget.item.format(what=words.forget.settings))
    return lines


class PrivacyFlow(Flow):
    """Asking to be forgotten, and forgetting; it never waits for a typed answer."""

    flow_id = FLOW_ID
    extra_reads = (PersonDataReads,)

    def commands(self) -> tuple[Command, ...]:
        return (Command("forget", self.start),)

    def start(self, turn: Turn, argument: str) -> StepResult:
        return self.ask(turn)

    def ask(self, turn: Turn) -> StepResult:
        """What forgetting would delete, with the confirm (danger) and keep buttons. Nothing
        is deleted; the request's token is kept, idle, so the person's place elsewhere stays."""
        words = _words(turn).forget
        # Counted as the confirm will count them: with this request's own note kept.
        summary = privacy_reads(turn).data_summary(asking=FLOW_ID)
        token = secrets.token_urlsafe(12)
        parts = [words.heading, words.ask, "\n".join(_deleted_lines(turn, summary))]
        if summary.team_prompts:
            parts.append(words.team_prompts.format(channels=_channels(turn, summary.team_prompts)))
        parts += [words.stays, words.export_first]
        reply = Reply(
            "\n\n".join(parts),
            choices=(
                Choice(choice_value(FLOW_ID, "forget", token), words.confirm, style="danger"),
                Choice(choice_value(FLOW_ID, "keep", token), words.keep),
            ),
        )
        return StepResult(replies=(reply,), data={REQUEST: token, ASKED_AT: turn.now.isoformat()})

    def choose(self, turn: Turn, action: str, argument: str) -> StepResult | None:
        if action in {"start", "ask"}:
            return self.ask(turn)
        if action not in {"forget", "keep"}:
            return None
        words = _words(turn).forget
        token = turn.data.get(REQUEST)
        if (
            not argument
            or not isinstance(token, str)
            or not secrets.compare_digest(token, argument)
        ):
            # Another person's button, one from before they were forgotten, an older request,
            # another workspace's: none of them is this person's open request.
            logger.warning(
                "a forget-me %s button that is not this person's open request; refused", action
            )
            return reply_only(Reply(words.stale))
        if action == "keep":
            return StepResult(replies=(Reply(words.kept),), data={REQUEST: ""})
        if not _still_open(turn):
            return StepResult(replies=(Reply(words.expired),), data={REQUEST: ""})
        return self._forget(turn)

    def _forget(self, turn: Turn) -> StepResult:
        words = _words(turn).forget
        summary = privacy_reads(turn).data_summary()
        parts = [words.done_heading, words.done, "\n".join(_deleted_lines(turn, summary))]
        if summary.team_prompts:
            channels = _channels(turn, summary.team_prompts)
            parts.append(words.team_prompts_stopped.format(channels=channels))
        parts += [words.stays, words.fresh]
        return StepResult(
            replies=(Reply("\n\n".join(parts)),),
            keep_state=True,
            effects=(ForgetPerson(expected=summary.counts),),
            forgets_person=True,
        )


def _still_open(turn: Turn) -> bool:
    """Whether the open request was made within CONFIRM_WITHIN (one without a readable time
    counts as expired: deleting everything needs a request known to be recent)."""
    asked_at = turn.data.get(ASKED_AT)
    if not isinstance(asked_at, str):
        return False
    try:
        asked = datetime.fromisoformat(asked_at)
    except ValueError:
        return False
    return asked.tzinfo is not None and turn.now - asked <= CONFIRM_WITHIN


def home_line(turn: Turn) -> tuple[str, tuple[Choice, ...]]:
    """The App Home's line about the person's data, and its buttons: export it, or have it
    deleted (which asks first, as `/coach forget` does)."""
    words = _words(turn).forget
    return words.home_line, (
        Choice(choice_value("toolkit", "export"), words.home_export),
        Choice(choice_value(FLOW_ID, "ask"), words.home_forget),
    )
