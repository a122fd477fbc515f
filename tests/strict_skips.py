"""On CI (CI=true) a skipped test fails, unless it is a PostgreSQL variant with no PostgreSQL.

A clean clone carries every file its tests read (docs/sources, docs/vendor), so a skip for a
missing file, a missing module or anything else means a test silently stopped running. The one
skip allowed is the PostgreSQL variant where TEST_DATABASE_URL is not set (.ci/run sets it
whenever PostgreSQL is up), and a `skipif` decided up front (a platform condition).
"""

from __future__ import annotations

import os
from collections.abc import Generator

import pytest

NO_POSTGRES = "TEST_DATABASE_URL is not set, so the PostgreSQL variant is skipped (CI sets it)"


def on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def _allowed(item: pytest.Item, reason: str) -> bool:
    if reason == NO_POSTGRES and not os.environ.get("TEST_DATABASE_URL"):
        return True
    return item.get_closest_marker("skipif") is not None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if not on_ci() or not report.skipped or hasattr(report, "wasxfail"):
        return report
    reason = _reason(report)
    if not _allowed(item, reason):
        report.outcome = "failed"
        report.longrepr = f"skipped on CI, where every test must run: {reason}"
    return report
