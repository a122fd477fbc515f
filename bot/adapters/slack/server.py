"""Runs the Slack app: gunicorn over HTTP in production, or Socket Mode for local development."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.adapters.slack.web import SlackWebApp
from bot.settings import Settings


def drain_on_exit(_server: Any, worker: Any) -> None:
    """gunicorn's worker_exit hook: send what the worker already acked before it goes."""
    app = getattr(worker, "wsgi", None)
    if isinstance(app, SlackWebApp):
        app.outbox.drain(timeout=10)
        app.outbox.shutdown()


def serve_http(
    settings: Settings,
    app_factory: Callable[[], SlackWebApp],
    *,
    host: str = "0.0.0.0",  # noqa: S104 - a platform's router reaches the web process on any interface
) -> None:
    """gunicorn with gthread workers: processes for both cores, threads for waiting on I/O."""
    from gunicorn.app.base import BaseApplication

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
                "accesslog": None,
                "errorlog": "-",
                "loglevel": settings.log_level.lower(),
                "worker_exit": drain_on_exit,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> SlackWebApp:
            return app_factory()

    LanternServer().run()


def serve_socket_mode(settings: Settings, bolt_app: Any) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    assert settings.slack_app_token is not None
    handler = SocketModeHandler(bolt_app, settings.slack_app_token.get_secret_value())
    handler.start()  # type: ignore[no-untyped-call]
