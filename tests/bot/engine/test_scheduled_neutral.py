"""The core and the engine speak of send failures only in the neutral vocabulary: none of the
codes the Slack sender maps appears in them, and every kind of message has its strategy."""

from __future__ import annotations

from pathlib import Path

from bot.adapters.slack import sender
from bot.engine.scheduled import STRATEGIES

ROOT = Path(__file__).resolve().parents[3]


def test_no_slack_error_code_reaches_the_core_or_the_engine() -> None:
    codes = (
        sender.UNREACHABLE
        | sender.LOST_CHANNEL
        | sender.TOKEN_REFUSED
        | sender.PASSING
        | {sender.ARCHIVED, sender.POSTING_NOT_ALLOWED}
    )
    for folder in ("bot/core", "bot/engine"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text()
            assert not [code for code in codes if f'"{code}"' in text], path
            assert "slack_sdk" not in text, path


def test_each_kind_of_message_has_one_strategy() -> None:
    kinds = [strategy.kind for strategy in STRATEGIES]
    assert sorted(kinds) == sorted(set(kinds))
    assert set(kinds) == {
        "nudge",
        "digest",
        "action",
        "toolkit",
        "reassess",
        "prompt",
        "prompt_notice",
        "balance",
    }
