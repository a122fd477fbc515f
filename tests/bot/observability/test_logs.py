"""Log lines: one JSON object each (time in UTC, level, logger, message, exception, extras) for
`serve` and `worker` when LOG_FORMAT says so or nobody watches a terminal; text for `chat`."""

from __future__ import annotations

import io
import json
import logging
import os
import pty
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.observability.logs import JsonFormatter, stream_handler, wants_json

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def logged() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger of its own writing JSON into a buffer."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("lantern.test.json")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, buffer
    logger.removeHandler(handler)


def lines(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_a_record_is_one_json_object_with_its_fields(
    logged: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, buffer = logged
    before = datetime.now(UTC)

    logger.info("claimed %d items", 3, extra={"workspace": "T1", "batch": [1, 2]})

    [record] = lines(buffer)
    assert record["level"] == "INFO"
    assert record["logger"] == "lantern.test.json"
    assert record["message"] == "claimed 3 items"
    assert record["workspace"] == "T1"
    assert record["batch"] == [1, 2]
    assert record["process"] == os.getpid()
    assert record["time"].endswith("Z")
    moment = datetime.fromisoformat(record["time"])
    assert moment.utcoffset() == timedelta(0)
    assert abs((moment - before).total_seconds()) < 5
    assert "exception" not in record


def test_an_exception_travels_in_its_own_field_and_the_line_stays_one_line(
    logged: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, buffer = logged
    try:
        raise ValueError("boom\non two lines")
    except ValueError:
        logger.exception("could not prepare %d item(s)", 2)

    assert buffer.getvalue().count("\n") == 1
    [record] = lines(buffer)
    assert record["level"] == "ERROR"
    assert record["message"] == "could not prepare 2 item(s)"
    assert record["exception"].startswith("Traceback (most recent call last):")
    assert record["exception"].endswith("ValueError: boom\non two lines")


def test_an_extra_json_cannot_hold_becomes_its_text(
    logged: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, buffer = logged

    logger.warning("odd", extra={"pairs": {(1, 2): "x"}, "when": datetime(2026, 1, 2, tzinfo=UTC)})

    [record] = lines(buffer)
    assert record["pairs"] == "{(1, 2): 'x'}"
    assert record["when"] == "2026-01-02 00:00:00+00:00"


def test_the_core_fields_cannot_be_overwritten_by_an_extra(
    logged: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, buffer = logged
    logger.info("real", extra={"level": "fake", "logger": "fake", "time": "fake"})
    [record] = lines(buffer)
    assert (record["level"], record["logger"]) == ("INFO", "lantern.test.json")
    assert record["time"] != "fake"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("log_format", "stream", "expected"),
    [
        ("json", Terminal(), True),
        ("text", io.StringIO(), False),
        ("auto", Terminal(), False),  # a person is watching
        ("auto", io.StringIO(), True),  # a pipe, a file, a platform's log collector
    ],
)
def test_log_format_auto_is_json_unless_written_to_a_terminal(
    log_format: str, stream: io.StringIO, expected: bool
) -> None:
    assert wants_json(log_format, stream) is expected
    formatter = stream_handler(log_format, stream).formatter
    assert isinstance(formatter, JsonFormatter) is expected


# -- configure_logging, in a process of its own (pytest's capture owns this one's root) ---------

SCRIPT = """
import logging, sys
from bot.cli import chat_log_handler, configure_logging
from bot.settings import Settings
settings = Settings()
if sys.argv[1] == "chat":
    configure_logging(settings, handler=chat_log_handler(settings)[0])
else:
    configure_logging(settings)
logging.getLogger("bot.worker").warning("worker tick: %s", "claimed=1")
logging.getLogger("sqlalchemy.engine.Engine").info("SELECT 1")
"""


def run_logging(
    *args: str, stderr: int | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"LOG_FORMAT", "LOG_LEVEL", "LANTERN_LOG_FILE", "LANTERN_DATA_DIR"}
    }
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, *args],
        env=environment | {"PYTHONPATH": str(ROOT)} | env,
        cwd=ROOT,
        stderr=stderr if stderr is not None else subprocess.PIPE,
        text=True,
        timeout=60,
        check=True,
    )


def test_serve_and_worker_log_json_when_stderr_is_not_a_terminal() -> None:
    [line] = run_logging("loud").stderr.splitlines()  # SQLAlchemy's echo is held back
    record = json.loads(line)
    assert (record["level"], record["logger"]) == ("WARNING", "bot.worker")
    assert record["message"] == "worker tick: claimed=1"


def test_log_format_text_is_plain_lines() -> None:
    [line] = run_logging("loud", LOG_FORMAT="text").stderr.splitlines()
    assert line.endswith(" WARNING bot.worker: worker tick: claimed=1")


def test_at_a_terminal_auto_is_text() -> None:
    main, secondary = pty.openpty()
    try:
        run_logging("loud", stderr=secondary)
        os.close(secondary)
        secondary = -1
        written = b""
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the terminal's other end is closed: all is read
                break
            if not chunk:
                break
            written += chunk
    finally:
        if secondary != -1:
            os.close(secondary)
        os.close(main)
    [line] = written.decode("utf-8").splitlines()
    assert line.endswith(" WARNING bot.worker: worker tick: claimed=1")


def test_chat_logs_to_its_file_as_text_never_to_its_screen(tmp_path: Path) -> None:
    done = run_logging("chat", LOG_FORMAT="json", LANTERN_DATA_DIR=str(tmp_path))
    assert done.stderr == ""  # the chat's screen
    [line] = (tmp_path / "lantern-chat.log").read_text().splitlines()
    assert line.endswith(" WARNING bot.worker: worker tick: claimed=1")
    with pytest.raises(json.JSONDecodeError):
        json.loads(line)


def test_chat_logs_to_stderr_when_asked_at_the_level_asked() -> None:
    done = run_logging("chat", LANTERN_LOG_FILE="stderr", LOG_LEVEL="ERROR")
    assert done.stderr == ""  # a warning, below ERROR
    [line] = run_logging("chat", LANTERN_LOG_FILE="stderr").stderr.splitlines()
    assert line.endswith(" WARNING bot.worker: worker tick: claimed=1")
