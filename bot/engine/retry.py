"""The one retry policy for sends: Retry-After honoured, 5xx and lost connections retried."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from bot.core.sending import SendError

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long one send is tried before it is given back to wait in the
    database (from where the next sweep tries it again, with `delay` growing)."""

    attempts: int = 4
    first_backoff_seconds: float = 0.2
    max_backoff_seconds: float = 60.0
    patience_seconds: float = 8.0  # the most one caller waits in all before giving the row back
    give_up_after_attempts: int = 40  # of the row in the database: then it is dropped, logged

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """The wait before try number `attempt + 1` (attempt counts from 1): what the platform
        asked for, or an exponential backoff."""
        if retry_after is not None:
            return retry_after
        backoff = self.first_backoff_seconds * 2 ** min(max(0, attempt - 1), 30)
        return float(min(backoff, self.max_backoff_seconds))

    def run(
        self,
        send: Callable[[], T],
        *,
        deadline: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> T:
        """Call `send` until it succeeds; raise the last SendError when it is not transient,
        when the attempts are spent, or when waiting would pass `deadline` (a monotonic time)
        or this policy's patience."""
        started = monotonic()
        limit = started + self.patience_seconds
        if deadline is not None:
            limit = min(limit, deadline)
        attempt = 0
        while True:
            attempt += 1
            try:
                return send()
            except SendError as error:
                if not error.transient or attempt >= self.attempts:
                    raise
                wait = self.delay(attempt, error.retry_after)
                if monotonic() + wait > limit:
                    raise
                sleep(wait)
