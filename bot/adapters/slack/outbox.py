"""Work after the ack (taking turns, sending), on a small thread pool, so no request waits."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait

logger = logging.getLogger(__name__)


class Outbox:
    """Runs work in the background, logging (never raising) failures.

    Work that shares a key (a person) runs one piece after another in the order submitted;
    work with other keys runs side by side. Nothing here needs to survive the process: what
    it works on waits in the database (the inbox and outbox) until it is done.
    """

    def __init__(self, workers: int = 4) -> None:
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="outbox")
        self._pending: set[Future[None]] = set()
        self._waiting: dict[str, deque[Callable[[], None]]] = {}
        self._lock = threading.Lock()

    def submit(self, what: str, send: Callable[[], object], *, key: str | None = None) -> None:
        def guarded() -> None:
            try:
                send()
            except Exception:
                logger.exception("could not %s", what)

        if key is None:
            self._run(guarded)
            return
        with self._lock:
            if key in self._waiting:  # a send for this conversation is under way: queue behind it
                self._waiting[key].append(guarded)
                return
            self._waiting[key] = deque()

        def in_order() -> None:
            task: Callable[[], None] = guarded
            while True:
                task()
                with self._lock:
                    queue = self._waiting[key]
                    if not queue:
                        del self._waiting[key]
                        return
                    task = queue.popleft()

        self._run(in_order)

    def _run(self, task: Callable[[], None]) -> None:
        future = self._executor.submit(task)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._forget)

    def _forget(self, future: Future[None]) -> None:
        with self._lock:
            self._pending.discard(future)

    def drain(self, timeout: float = 10.0) -> None:
        """Wait for every send submitted so far (tests, and a clean shutdown)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                pending = set(self._pending)
            if not pending:
                return
            wait(pending, timeout=max(0.0, deadline - time.monotonic()))

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True)
