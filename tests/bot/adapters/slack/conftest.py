"""Fixtures for the Slack adapter tests: the fake Web API and the app serving on a socket."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.clock import FixedClock
from tests.bot.adapters.slack.harness import SlackHarness, running_app
from tests.fakes.slack_api import FakeSlackApi


@pytest.fixture
def fake_slack() -> Iterator[FakeSlackApi]:
    with FakeSlackApi() as fake:
        yield fake


@pytest.fixture
def slack(tmp_path: Path, fake_slack: FakeSlackApi, clock: FixedClock) -> Iterator[SlackHarness]:
    with running_app(tmp_path / "t.db", fake_slack, clock) as harness:
        yield harness
