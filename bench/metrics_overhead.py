"""What /metrics costs each request: the same signed requests through the web app with and
without the metrics middleware, in process (no sockets, so only the app's own time counts).

Three kinds of request, each N times through each app, in alternating rounds so that drift
(a warming cache, a busy machine) falls on both alike: `/coach help` (a slash command through
Bolt and the engine), a button press (`block_actions` with a 4 kB payload, which the middleware
reads to tell its surface) and `/healthz`. A whole request varies by more than the middleware
costs, so the middleware is also timed alone, around an app that does nothing. Then the time
of one scrape of /metrics.

    python bench/metrics_overhead.py [--requests 10000] [--rounds 10] [--json out.json]
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from slack_sdk.signature import SignatureVerifier  # noqa: E402

from bot.adapters.slack.metrics import MetricsMiddleware  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.wiring import build_web_app  # noqa: E402
from tests.fakes.slack_api import FakeSlackApi  # noqa: E402

SECRET = "bench-signing-secret"
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def signed(body: str, content_type: str) -> Callable[[], dict[str, Any]]:
    """A function making a fresh environ for this signed POST to /slack/events."""
    stamp = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=stamp, body=body)
    data = body.encode("utf-8")

    def environ() -> dict[str, Any]:
        return {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/slack/events",
            "QUERY_STRING": "",
            "CONTENT_TYPE": content_type,
            "CONTENT_LENGTH": str(len(data)),
            "HTTP_X_SLACK_REQUEST_TIMESTAMP": stamp,
            "HTTP_X_SLACK_SIGNATURE": signature,
            "wsgi.input": io.BytesIO(data),
        }

    return environ


def command() -> Callable[[], dict[str, Any]]:
    form = {
        "team_id": "T-bench",
        "channel_id": "C-bench",
        "channel_name": "general",
        "user_id": "U-bench",
        "command": "/coach",
        "text": "help",
        "api_app_id": "A-bench",
        "trigger_id": "1.2.3",
    }
    return signed(urlencode(form), "application/x-www-form-urlencoded")


def button() -> Callable[[], dict[str, Any]]:
    payload = {
        "type": "block_actions",
        "user": {"id": "U-bench", "team_id": "T-bench"},
        "team": {"id": "T-bench"},
        "api_app_id": "A-bench",
        "trigger_id": "1.2.3",
        "container": {"type": "message", "channel_id": "D-bench", "message_ts": "1.000100"},
        "channel": {"id": "D-bench", "name": "directmessage"},
        "message": {"type": "message", "ts": "1.000100", "text": "x" * 1500},
        "state": {"values": {}},
        "actions": [
            {
                "type": "button",
                "block_id": "b1",
                "action_id": "lantern.link.bench",  # a link button: the listener only acks
                "value": "1",
                "action_ts": "1.000200",
            }
        ],
    }
    body = urlencode({"payload": json.dumps(payload)})
    return signed(body, "application/x-www-form-urlencoded")


def health() -> Callable[[], dict[str, Any]]:
    def environ() -> dict[str, Any]:
        return {"REQUEST_METHOD": "GET", "PATH_INFO": "/healthz", "wsgi.input": io.BytesIO()}

    return environ


class NothingApp:
    """Answers 200 at once: what is left of a request's time is the middleware's."""

    def __init__(self, database: Any) -> None:
        self.database = database  # the scrape's backlog query reads it

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        environ["wsgi.input"].read()
        start_response("200 OK", [("Content-Length", "0")])
        return [b""]


def run(app: WsgiApp, make: Callable[[], dict[str, Any]], count: int) -> tuple[float, str]:
    """Seconds for `count` requests, and the status of the last."""
    statuses: list[str] = []

    def start_response(status: str, _headers: list[tuple[str, str]], *_: Any) -> None:
        statuses.append(status)

    started = time.perf_counter()
    for _ in range(count):
        for _chunk in app(make(), start_response):
            pass
    return time.perf_counter() - started, statuses[-1]


def in_turn(apps: dict[str, WsgiApp], round_number: int) -> list[tuple[str, WsgiApp]]:
    """Each app goes first every other round: neither gets the warmer turn every time."""
    order = list(apps.items())
    return order if round_number % 2 == 0 else order[::-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000, help="per kind and app")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    options = parser.parse_args()
    per_round = max(1, options.requests // options.rounds)

    with tempfile.TemporaryDirectory() as folder, FakeSlackApi() as fake:
        settings = Settings(
            slack_bot_token="xoxb-bench",
            slack_signing_secret=SECRET,
            slack_api_url=fake.url,
            database_url=f"sqlite:///{folder}/bench.db",
            log_level="WARNING",
        )
        metered: MetricsMiddleware = build_web_app(settings)
        bare = metered.app
        apps: dict[str, WsgiApp] = {"without": bare, "with": metered}
        nothing = NothingApp(bare.database)
        alone: dict[str, WsgiApp] = {"without": nothing, "with": MetricsMiddleware(nothing)}
        kinds = {"/coach help": command(), "button press": button(), "/healthz": health()}
        for make in kinds.values():  # warm both (imports, the person's first row)
            for app in apps.values():
                run(app, make, 20)
        totals = {(kind, name): 0.0 for kind in kinds for name in apps}
        for round_number in range(options.rounds):
            for kind, make in kinds.items():
                for name, app in in_turn(apps, round_number):
                    seconds, status = run(app, make, per_round)
                    assert status.startswith("200"), f"{kind}: {status}"
                    totals[kind, name] += seconds
        alone_totals = {(kind, name): 0.0 for kind in kinds for name in alone}
        for round_number in range(options.rounds):
            for kind, make in kinds.items():
                for name, app in in_turn(alone, round_number):
                    alone_totals[kind, name] += run(app, make, per_round)[0]
        scrape = {"REQUEST_METHOD": "GET", "PATH_INFO": "/metrics", "wsgi.input": io.BytesIO()}
        scrape_seconds, _ = run(metered, lambda: dict(scrape), 100)
        metered.outbox.drain(timeout=30)
        metered.outbox.shutdown()
        metered.database.dispose()

    count = per_round * options.rounds
    figures: dict[str, Any] = {"requests_per_kind": count, "kinds": {}}
    print(f"{count} requests of each kind through each app, in {options.rounds} rounds")
    print(f"{'request':<14}{'without µs':>12}{'with µs':>10}{'overhead µs':>13}{'overhead':>10}")
    for kind in kinds:
        without = totals[kind, "without"] / count * 1e6
        with_metrics = totals[kind, "with"] / count * 1e6
        extra = with_metrics - without
        print(
            f"{kind:<14}{without:>12.1f}{with_metrics:>10.1f}{extra:>13.1f}{extra / without:>10.1%}"
        )
        figures["kinds"][kind] = {
            "without_us": round(without, 1),
            "with_us": round(with_metrics, 1),
            "overhead_us": round(extra, 1),
        }
    print("the middleware alone (around an app that does nothing):")
    for kind in kinds:
        extra = (alone_totals[kind, "with"] - alone_totals[kind, "without"]) / count * 1e6
        print(f"{kind:<14}{extra:>8.1f} µs a request")
        figures["kinds"][kind]["middleware_alone_us"] = round(extra, 1)
    figures["scrape_ms"] = round(scrape_seconds / 100 * 1e3, 2)
    print(f"one scrape of /metrics (with the backlog query): {figures['scrape_ms']} ms")
    if options.json:
        options.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
