"""Runs the Slack app: gunicorn over HTTP in production, or Socket Mode for local development."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from typing import Any

from bot.adapters.slack.metrics import MULTIPROCESS_ENV, MetricsMiddleware, use_multiprocess_dir
from bot.adapters.slack.web import SlackWebApp
from bot.settings import ConfigError, Settings

WebApp = SlackWebApp | MetricsMiddleware


def drain_on_exit(_server: Any, worker: Any) -> None:
    """gunicorn's worker_exit hook: send what the worker already acked before it goes."""
    app = getattr(worker, "wsgi", None)
    if isinstance(app, MetricsMiddleware):
        app = app.app
    if isinstance(app, SlackWebApp):
        if app.sweeper is not None:
            app.sweeper.stop()
        app.outbox.drain(timeout=10)
        app.outbox.shutdown()


def forget_dead_worker(_server: Any, worker: Any) -> None:
    """gunicorn's child_exit hook (in the master): a worker's live gauges go with it; its
    counters stay in the shared directory, so totals never go backwards."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


def shared_metrics_dir() -> str | None:
    """Before gunicorn forks: the directory where its workers count /metrics together. A fresh
    one unless PROMETHEUS_MULTIPROC_DIR names one already (then the operator empties it between
    runs). Returns the directory made here, to delete at exit; None when it was given."""
    given = os.environ.get(MULTIPROCESS_ENV)
    if given:
        if not os.path.isdir(given):
            raise ConfigError(
                f"{MULTIPROCESS_ENV} {given!r} is not a directory: make it, or unset it."
            )
        use_multiprocess_dir(given)
        return None
    made = tempfile.mkdtemp(prefix="lantern-metrics-")
    use_multiprocess_dir(made)
    return made


def gunicorn_logger_class() -> type:
    """gunicorn's own log (start-up, workers booting and dying) through the root logger's
    handler, which `configure_logging` set up: a production log in one format, JSON or text."""
    from gunicorn.glogging import Logger

    class RootHandlerLogger(Logger):  # type: ignore[misc]
        def setup(self, cfg: Any) -> None:
            super().setup(cfg)
            if not logging.getLogger().handlers:
                return  # nothing to hand over to: keep gunicorn's own handler
            for handler in list(self.error_log.handlers):
                if getattr(handler, "_gunicorn", False):
                    self.error_log.removeHandler(handler)
            self.error_log.propagate = True

    return RootHandlerLogger


def serve_http(
    settings: Settings,
    app_factory: Callable[[], WebApp],
    *,
    host: str = "0.0.0.0",  # noqa: S104 - a platform's router reaches the web process on any interface
) -> None:
    """gunicorn with gthread workers: processes for both cores, threads for waiting on I/O."""
    from gunicorn.app.base import BaseApplication

    made_dir = shared_metrics_dir()

    def remove_metrics_dir(_server: Any) -> None:
        if made_dir is not None:
            shutil.rmtree(made_dir, ignore_errors=True)

    class LanternServer(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options = {
                "bind": f"{host}:{settings.port}",
                "workers": settings.web_concurrency,
                "threads": settings.web_threads,
                "worker_class": "gthread",
                "keepalive": 75,
                "timeout": 30,
                "graceful_timeout": 20,
                # A process is replaced after about WEB_MAX_REQUESTS requests (drained first
                # by worker_exit), jittered so that processes are not all replaced at once: a
                # bound on whatever a long-lived process might still accumulate.
                "max_requests": settings.web_max_requests,
                "max_requests_jitter": settings.web_max_requests // 10,
                "accesslog": None,
                "errorlog": "-",
                "loglevel": settings.log_level.lower(),
                "logger_class": gunicorn_logger_class(),
                "worker_exit": drain_on_exit,
                "child_exit": forget_dead_worker,
                "on_exit": remove_metrics_dir,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> WebApp:
            return app_factory()

    LanternServer().run()


def serve_socket_mode(settings: Settings, bolt_app: Any) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    assert settings.slack_app_token is not None
    handler = SocketModeHandler(bolt_app, settings.slack_app_token.get_secret_value())
    handler.start()  # type: ignore[no-untyped-call]
