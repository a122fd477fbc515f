"""DM latency of `lantern serve`: a signed direct message from the HTTP request to the reply.

Runs `lantern serve` (gunicorn, WEB_CONCURRENCY=2) against a fake Slack Web API on loopback
that answers each call after 20 ms. One client sends `--requests` signed message events, one
after another, each from a person Lantern has not met (so each "hello" is answered with the
welcome), and waits for the reply to arrive at the fake before sending the next. It measures,
p50/p95/p99:

- ack: the HTTP response time of the event (what Slack waits for, 3 s at most);
- reply: from sending the event to the first chat.postMessage on its channel at the fake.

    python bench/dm_latency.py [--requests 300] [--database-url URL] [--json out.json]

SQLite in a temporary directory by default; `--database-url` gives a PostgreSQL server (e.g.
postgresql://postgres@127.0.0.1:5432/test), where the bench uses a private schema of its own.

Targets: DMs answered within 1 s p50 of arrival at one client.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from slack_sdk.signature import SignatureVerifier  # noqa: E402

from storage.database import Database, scratch_schema  # noqa: E402
from tests.bot.adapters.slack.harness import dm_event  # noqa: E402
from tests.fakes.slack_api import APP_ID, TEAM_ID, ApiCall, FakeSlackApi  # noqa: E402

SECRET = "bench-signing-secret"
WARM_UP = 20  # DMs sent before measuring, so both processes have taken turns


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_health(
    port: int, process: subprocess.Popen[bytes], log: Path, timeout: float = 60
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            said = log.read_text(errors="replace").strip().splitlines()[-20:]
            raise SystemExit(f"lantern serve exited with {process.returncode}:\n" + "\n".join(said))
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                connection.close()
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"lantern serve did not answer /healthz in {timeout} s")


def dm_payload(user: str, channel: str, text: str) -> str:
    """An event_callback carrying a direct message, as Slack sends it."""
    event = dm_event(text, user=user, channel=channel)
    return json.dumps(
        {
            "type": "event_callback",
            "team_id": TEAM_ID,
            "api_app_id": APP_ID,
            "event_id": f"Ev-{user}-{time.monotonic_ns()}",
            "event_time": int(time.time()),
            "event": event,
        }
    )


def signed_headers(body: str) -> dict[str, str]:
    timestamp = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=timestamp, body=body)
    return {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature or "",
    }


class Client:
    """One keep-alive connection to `lantern serve`, reopened if the server closes it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def post(self, body: str) -> int:
        headers = signed_headers(body)
        for attempt in range(2):
            try:
                self.connection.request("POST", "/slack/events", body=body, headers=headers)
                reply = self.connection.getresponse()
                reply.read()
                return int(reply.status)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.connection.close()


def send_dm(
    client: Client, fake: FakeSlackApi, number: int, *, timeout: float
) -> tuple[float, float | None, int]:
    """One DM from a new person: (ack seconds, reply seconds or None if none came, status)."""
    user = f"UB{number:06d}"
    channel = f"D{user}"
    body = dm_payload(user, channel, "hello")

    def on_channel(call: ApiCall) -> bool:
        return call.args.get("channel") == channel

    sent = time.monotonic()
    status = client.post(body)
    acked = time.monotonic() - sent
    try:
        replies = fake.wait_for("chat.postMessage", where=on_channel, timeout=timeout)
    except AssertionError:
        return acked, None, status
    return acked, min(call.received_at for call in replies) - sent, status


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def summary(name: str, values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    return {
        f"{name}_p50_ms": round(statistics.median(values) * 1000, 2),
        f"{name}_p95_ms": round(percentile(values, 0.95), 2),
        f"{name}_p99_ms": round(percentile(values, 0.99), 2),
        f"{name}_max_ms": round(max(values) * 1000, 2),
    }


def measure(port: int, fake: FakeSlackApi, *, requests: int, timeout: float) -> dict[str, float]:
    client = Client(port)
    try:
        for number in range(WARM_UP):
            send_dm(client, fake, 900_000 + number, timeout=timeout)
        acks: list[float] = []
        replies: list[float] = []
        errors = missing = 0
        for number in range(requests):
            acked, replied, status = send_dm(client, fake, number, timeout=timeout)
            acks.append(acked)
            if status != 200:
                errors += 1
            if replied is None:
                missing += 1
            else:
                replies.append(replied)
    finally:
        client.close()
    time.sleep(0.5)  # let the last turn's other messages land before counting
    posts = fake.calls_to("chat.postMessage")
    calls = [call for call in fake.calls if call.method != "auth.test"]
    return {
        "requests": requests,
        **summary("ack", acks),
        **summary("reply", replies),
        "http_errors": errors,
        "replies_missing": missing,
        "posts_per_dm": round(len(posts) / (requests + WARM_UP), 2),
        "api_calls_per_dm": round(len(calls) / (requests + WARM_UP), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="DMs sent, one after another")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--database-url",
        help="Lantern's database (default: a fresh SQLite file; try a PostgreSQL URL)",
    )
    parser.add_argument(
        "--delay", type=float, default=0.02, help="seconds the fake Slack API takes per call"
    )
    parser.add_argument(
        "--timeout", type=float, default=10.0, help="seconds to wait for each reply"
    )
    args = parser.parse_args()

    with ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        if args.database_url:
            url = stack.enter_context(scratch_schema(args.database_url, prefix="bench"))
            database = Database(url)
            database.upgrade()
            database.dispose()
        else:
            url = f"sqlite:///{scratch}/bench.db"
        fake = stack.enter_context(FakeSlackApi(delay=args.delay))
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("SLACK_") and key != "DATABASE_URL"
        } | {
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.url,
            "DATABASE_URL": url,
            "WEB_CONCURRENCY": "2",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
        port = free_port()
        log = stack.enter_context((scratch / "serve.log").open("w+b"))
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)],
            env=env,
            cwd=scratch,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        stack.callback(process.wait, 30)
        stack.callback(process.terminate)
        wait_for_health(port, process, scratch / "serve.log")
        time.sleep(1.0)  # let every gunicorn worker finish booting
        results = measure(port, fake, requests=args.requests, timeout=args.timeout)
        process.terminate()
        process.wait(30)
        log.seek(0)
        tracebacks = log.read().decode(errors="replace").count("Traceback")
        results["server_tracebacks"] = tracebacks

    dialect = "postgresql" if args.database_url else "sqlite"
    print(f"lantern serve, {dialect}, fake Slack delay {args.delay * 1000:.0f} ms")
    width = max(len(key) for key in results)
    for key, value in results.items():
        print(f"{key:{width}}  {value:>10}")
    if args.json:
        args.json.write_text(json.dumps({dialect: results}, indent=2))


if __name__ == "__main__":
    main()
