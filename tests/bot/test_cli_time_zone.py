"""`lantern chat --tz` with a name that is no time zone, run as a real process: exit 2 and one
clear line, never a traceback (zoneinfo raises OSError for "America", a directory)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOT_ZONES = ["America", "Etc", "Europe/" + "x" * 500, "../../etc/passwd"]


@pytest.mark.parametrize("tz", NOT_ZONES, ids=["a-directory", "etc", "500-characters", "a-path"])
def test_lantern_chat_refuses_a_name_that_is_no_time_zone(tmp_path: Path, tz: str) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/chat.db", "TZ": "UTC"}
    env["PYTHONPATH"] = str(ROOT)  # this checkout's code, whatever is installed
    env.pop("SLACK_BOT_TOKEN", None)

    finished = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--user", "ana", "--tz", tz],
        input="/reflect never reached\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        check=False,
    )

    assert finished.returncode == 2
    assert "Traceback" not in finished.stderr + finished.stdout
    [line] = finished.stderr.strip().splitlines()
    assert line.startswith("lantern: --tz ")
    assert "is not a time zone name; use one like Europe/London." in line
    assert finished.stdout == ""
