"""The worker's metrics: scheduled messages by kind and outcome, and each tick's time and claims."""

from __future__ import annotations

import time

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    gc_collector,
    platform_collector,
    process_collector,
)

TICK_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)
CLAIM_BUCKETS = (0, 1, 5, 10, 25, 50, 100, 200, 500, 1000, 2000)
OUTCOMES = ("sent", "retried", "failed", "error")
"""sent: delivered; retried: refused for now (429, server error), tried again after a
backoff; failed: refused for good (the person cannot be reached, a bad message); error: an
unexpected failure preparing or recording it, whose claim runs out and is retried."""


class WorkerMetrics:
    """Counted by `bot.worker.Worker`, in `registry` (a fresh one unless given, so tests and
    several workers in one process never share counts)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.messages = Counter(
            "lantern_worker_messages",
            "Scheduled messages (nudges, digests, reminders, summaries, team prompts), by kind "
            "and outcome: sent, retried (refused for now), failed (refused for good), error.",
            ["kind", "outcome"],
            registry=self.registry,
        )
        self.tick_seconds = Histogram(
            "lantern_worker_tick_seconds",
            "Seconds each tick took: claiming, preparing and sending what was due.",
            buckets=TICK_BUCKETS,
            registry=self.registry,
        )
        self.claimed = Histogram(
            "lantern_worker_claimed_per_tick",
            "Items claimed in each tick.",
            buckets=CLAIM_BUCKETS,
            registry=self.registry,
        )
        self.last_tick = Gauge(
            "lantern_worker_last_tick_timestamp_seconds",
            "When the last tick ended (Unix time): alert when it stops moving.",
            registry=self.registry,
        )

    def message(self, kind: str, outcome: str) -> None:
        self.messages.labels(kind, outcome).inc()

    def tick(self, seconds: float, claimed: int) -> None:
        self.tick_seconds.observe(seconds)
        self.claimed.observe(claimed)
        self.last_tick.set(time.time())

    def with_process_metrics(self) -> WorkerMetrics:
        """Add the process's memory, CPU and garbage collection to what this serves (once per
        process: the worker's /metrics)."""
        process_collector.ProcessCollector(registry=self.registry)
        platform_collector.PlatformCollector(registry=self.registry)
        gc_collector.GCCollector(registry=self.registry)
        return self
