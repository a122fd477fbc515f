"""Log output: one JSON object a line for a platform's log search, or plain text for people."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any, TextIO

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Every attribute the logging module itself puts on a record; anything else on a record came
# from `extra=` and goes into the JSON object as a field of its own.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "taskName",
}


def iso_utc(created: float) -> str:
    """A record's time as ISO 8601 in UTC, to the millisecond: 2026-11-23T15:00:00.123Z."""
    moment = datetime.fromtimestamp(created, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line: time, level, logger, message, process, the
    exception's text when there is one, and each `extra=` field."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": iso_utc(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            # gunicorn runs several processes into one stream: which one said it.
            "process": record.process,
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        extras = {
            key: value
            for key, value in vars(record).items()
            if key not in _RECORD_ATTRIBUTES and not key.startswith("_") and key not in entry
        }
        try:
            return json.dumps(entry | extras, ensure_ascii=False, default=str)
        except (TypeError, ValueError):
            # An extra json cannot take (a dict with tuple keys, a circular list): its text
            # instead, so the line is still one valid object.
            texts = {key: str(value) for key, value in extras.items()}
            return json.dumps(entry | texts, ensure_ascii=False, default=str)


def wants_json(log_format: str, stream: TextIO) -> bool:
    """LOG_FORMAT: "json", "text", or "auto" (JSON unless a person is watching a terminal)."""
    if log_format == "json":
        return True
    if log_format == "text":
        return False
    try:
        return not stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream: not a terminal
        return True


def formatter_for(log_format: str, stream: TextIO) -> logging.Formatter:
    if wants_json(log_format, stream):
        return JsonFormatter()
    return logging.Formatter(TEXT_FORMAT)


def stream_handler(log_format: str, stream: TextIO) -> logging.Handler:
    """A handler writing to `stream` in the format LOG_FORMAT asks for."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter_for(log_format, stream))
    return handler
