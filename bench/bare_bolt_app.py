"""The baseline for bench/ack_latency.py: a bare Bolt app with default settings that only acks."""

from __future__ import annotations

import os
import sys
from typing import Any

from gunicorn.app.base import BaseApplication
from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient


def build() -> SlackRequestHandler:
    app = App(
        client=WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]),
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
    )

    @app.command("/reflect")
    def ack_only(ack: Ack) -> None:
        ack()

    return SlackRequestHandler(app)


class Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, port: int) -> None:
        self.port = port
        super().__init__()

    def load_config(self) -> None:
        # The same server settings as `lantern serve`, so only the app differs.
        self.cfg.set("bind", f"127.0.0.1:{self.port}")
        self.cfg.set("workers", int(os.environ.get("WEB_CONCURRENCY", "2")))
        self.cfg.set("threads", int(os.environ.get("WEB_THREADS", "8")))
        self.cfg.set("worker_class", "gthread")
        self.cfg.set("keepalive", 75)
        self.cfg.set("loglevel", "warning")

    def load(self) -> Any:
        return build()


if __name__ == "__main__":
    Server(int(sys.argv[1])).run()
