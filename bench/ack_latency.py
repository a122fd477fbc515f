"""Ack latency and throughput of a signed `/reflect <text>`: Lantern beside a bare Bolt app.

Both run under gunicorn with the same settings (WEB_CONCURRENCY processes x WEB_THREADS
threads) against a fake Slack Web API on loopback. A lean asyncio client keeps connections
alive and measures: p50/p95/p99 with one client, then requests per second with 32 clients.

    python bench/ack_latency.py [--requests 2000] [--seconds 10] [--clients 32] [--json out.json]

Targets (issue 2): Lantern p50 under 5 ms at one client, at least 500 requests/s at 32.
"""

from __future__ import annotations

import argparse
import asyncio
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
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from slack_sdk.signature import SignatureVerifier  # noqa: E402

from tests.fakes.slack_api import FakeSlackApi  # noqa: E402

SECRET = "bench-signing-secret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server on port {port} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"server on port {port} did not start in {timeout} s")


def signed_request(port: int, text: str) -> bytes:
    body = urlencode(
        {
            "token": "legacy",
            "team_id": "T-bench",
            "team_domain": "bench",
            "channel_id": "C-bench",
            "channel_name": "general",
            "user_id": "U-bench",
            "user_name": "bench",
            "command": "/reflect",
            "text": text,
            "api_app_id": "A-bench",
            "response_url": "http://127.0.0.1:9/response",
            "trigger_id": "1.2.3",
        }
    )
    timestamp = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=timestamp, body=body)
    head = (
        f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"X-Slack-Request-Timestamp: {timestamp}\r\nX-Slack-Signature: {signature}\r\n"
        f"Content-Length: {len(body.encode())}\r\n\r\n"
    )
    return head.encode() + body.encode()


async def read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {
        k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)
    }
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status


async def client(
    port: int, request: bytes, *, count: int | None, until: float | None, latencies: list[float]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    sent = 0
    try:
        while (count is None or sent < count) and (until is None or time.perf_counter() < until):
            started = time.perf_counter()
            writer.write(request)
            status = await read_response(reader)
            latencies.append(time.perf_counter() - started)
            if status != 200:
                raise SystemExit(f"unexpected HTTP {status} from port {port}")
            sent += 1
    finally:
        writer.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def measure(port: int, *, requests: int, seconds: float, clients: int) -> dict[str, float]:
    request = signed_request(port, "I listened more than I spoke at the board meeting.")
    await client(port, request, count=200, until=None, latencies=[])  # warm up both workers
    one: list[float] = []
    await client(port, request, count=requests, until=None, latencies=one)
    many: list[float] = []
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(
        *(client(port, request, count=None, until=until, latencies=many) for _ in range(clients))
    )
    elapsed = time.perf_counter() - started
    return {
        "p50_ms_1_client": round(statistics.median(one) * 1000, 2),
        "p95_ms_1_client": round(percentile(one, 0.95), 2),
        "p99_ms_1_client": round(percentile(one, 0.99), 2),
        f"requests_per_s_{clients}_clients": round(len(many) / elapsed, 1),
        f"p50_ms_{clients}_clients": round(statistics.median(many) * 1000, 2),
        f"p99_ms_{clients}_clients": round(percentile(many, 0.99), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="sequential requests, 1 client")
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of the loaded run")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--database-url",
        help="Lantern's database (default: a fresh SQLite file; try a PostgreSQL URL)",
    )
    args = parser.parse_args()

    results: dict[str, dict[str, float]] = {}
    with ExitStack() as stack, tempfile.TemporaryDirectory() as scratch:
        fake = stack.enter_context(FakeSlackApi())
        env = {
            # A web process replaced mid-run (after WEB_MAX_REQUESTS) closes the clients'
            # kept-alive connections and ends the run; replacing them is not what is measured.
            "WEB_MAX_REQUESTS": "0",
            **os.environ,
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.url,
            "DATABASE_URL": args.database_url or f"sqlite:///{scratch}/bench.db",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
        env.pop("SLACK_APP_TOKEN", None)
        servers = {
            "lantern": [sys.executable, "-m", "bot.cli", "serve", "--port"],
            "bare_bolt": [sys.executable, str(ROOT / "bench" / "bare_bolt_app.py")],
        }
        for name, command in servers.items():
            port = free_port()
            process = subprocess.Popen(
                [*command, str(port)],
                env=env,
                cwd=scratch,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            stack.callback(process.wait, 10)
            stack.callback(process.terminate)
            wait_for_port(port, process)
            time.sleep(1.0)  # let every gunicorn worker finish booting
            results[name] = asyncio.run(
                measure(port, requests=args.requests, seconds=args.seconds, clients=args.clients)
            )

    width = max(len(key) for figures in results.values() for key in figures)
    print(f"{'':{width}}  {'lantern':>10}  {'bare_bolt':>10}")
    for key in results["lantern"]:
        print(f"{key:{width}}  {results['lantern'][key]:>10}  {results['bare_bolt'][key]:>10}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
