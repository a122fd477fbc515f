"""A clean clone runs every test: what they read is in the repository, and CI fails a skip."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.strict_skips import NO_POSTGRES

ROOT = Path(__file__).resolve().parents[1]

SKIPPING_TESTS = f"""
import pytest

def test_reads_a_file_that_is_missing():
    pytest.skip("the source document is not beside the project (../shared/seeds/000.txt)")

def test_postgresql_variant():
    pytest.skip({NO_POSTGRES!r})

@pytest.mark.skipif(True, reason="not on this platform")
def test_platform_only():
    pass

def test_runs():
    pass
"""


def _outcomes(tmp_path: Path, **env: str) -> dict[str, int]:
    """Runs the skipping tests in a pytest of their own, with this project's conftest hook."""
    (tmp_path / "conftest.py").write_text(
        "from tests.strict_skips import pytest_runtest_makereport  # noqa: F401\n"
    )
    (tmp_path / "test_skipping.py").write_text(SKIPPING_TESTS)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    environment = {k: v for k, v in os.environ.items() if k not in {"CI", "TEST_DATABASE_URL"}}
    environment |= {"PYTHONPATH": str(ROOT), **env}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", "pytest.ini"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    summary = done.stdout.strip().splitlines()[-1]
    return {word: int(count) for count, word in re.findall(r"(\d+) (\w+)", summary)}


def test_outside_ci_a_skip_stays_a_skip(tmp_path: Path) -> None:
    assert _outcomes(tmp_path) == {"passed": 1, "skipped": 3}


def test_on_ci_a_skip_for_a_missing_file_fails(tmp_path: Path) -> None:
    # The PostgreSQL variant may skip where no PostgreSQL was found; a platform skipif may too.
    assert _outcomes(tmp_path, CI="true") == {"failed": 1, "passed": 1, "skipped": 2}


def test_on_ci_with_postgresql_its_variant_must_run(tmp_path: Path) -> None:
    url = "postgresql://postgres@127.0.0.1:5432/test"
    outcomes = _outcomes(tmp_path, CI="true", TEST_DATABASE_URL=url)
    assert outcomes == {"failed": 2, "passed": 1, "skipped": 1}


def test_the_sources_index_names_files_that_are_in_the_repository() -> None:
    sources = ROOT / "docs" / "sources"
    index = (sources / "README.md").read_text()
    named = re.findall(r"^\| (\d{3}_[0-9a-f]{16}\.txt) \|", index, re.M)
    assert len(named) == 5
    assert sorted(named) == sorted(p.name for p in sources.glob("*.txt"))


@pytest.mark.parametrize("folder", ["slack-manifest-schema", "teams-manifest-schema"])
def test_each_vendored_schema_keeps_its_license_beside_it(folder: str) -> None:
    vendored = ROOT / "docs" / "vendor" / folder
    assert "Permission is hereby granted" in (vendored / "LICENSE").read_text()
    assert list(vendored.glob("*.schema*.json"))


def test_no_test_reads_a_file_beside_the_project() -> None:
    # A path that leaves the clone ("../shared", ROOT.parent) skips or fails in a clean clone.
    outside = re.compile(r"""ROOT\.parent\b|/ "shared"|\.\./shared""")
    readers = [p for p in (ROOT / "tests").rglob("*.py") if p.name != Path(__file__).name]
    assert [str(p) for p in readers if outside.search(p.read_text())] == []
