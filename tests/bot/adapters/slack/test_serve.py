"""`lantern serve` for real: gunicorn workers, /healthz, a signed command, a clean stop,
and start-up refusals that name what is wrong."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from storage.crypto import Keyring
from tests.fakes.slack_api import FakeSlackApi

SECRET = "serve-secret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_env(tmp_path: Path, fake: FakeSlackApi, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SLACK_") and key != "DATABASE_URL"
    }
    return (
        env
        | {
            "SLACK_BOT_TOKEN": "xoxb-serve",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.url,
            "DATABASE_URL": f"sqlite:///{tmp_path}/serve.db",
            "WEB_CONCURRENCY": "2",
            "LOG_LEVEL": "WARNING",
        }
        | extra
    )


def lantern(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def start_serve(port: int, env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    """`lantern serve` on this port, its output captured as text."""
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def signed_reflect(port: int, text: str) -> tuple[int, dict[str, object]]:
    """`/reflect text`, signed with SECRET, sent to the server on this port: the HTTP status
    and the JSON answer."""
    body = urlencode(
        {
            "command": "/reflect",
            "text": text,
            "team_id": "T1",
            "user_id": "U1",
            "channel_id": "C1",
            "trigger_id": "1.2.3",
        }
    )
    timestamp = str(int(time.time()))
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/slack/events",
        data=body.encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(
                timestamp=timestamp, body=body
            ),
        },
    )
    with urllib.request.urlopen(request, timeout=20) as reply:
        return int(reply.status), dict(json.loads(reply.read()))


def wait_for_health(port: int, process: subprocess.Popen[str]) -> dict[str, object]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as reply:
                return dict(json.loads(reply.read()))
        except OSError:
            time.sleep(0.1)
    raise AssertionError("lantern serve did not answer /healthz in 30 s")


def test_serve_runs_gunicorn_answers_a_signed_command_and_stops_cleanly(tmp_path: Path) -> None:
    port = free_port()
    with FakeSlackApi() as fake:
        process = start_serve(port, serve_env(tmp_path, fake), tmp_path)
        try:
            assert wait_for_health(port, process) == {"ok": True}
            status, answer = signed_reflect(port, "Served by gunicorn.")
            assert status == 200
            assert answer["response_type"] == "ephemeral"
            assert "Served by gunicorn." in json.dumps(answer)
            assert fake.calls_to("auth.test"), "the token is checked at start-up"
        finally:
            process.send_signal(signal.SIGTERM)
            _, errors = process.communicate(timeout=30)
        assert process.returncode == 0, errors
        assert "Traceback" not in errors


def test_a_web_process_is_replaced_after_web_max_requests_and_no_request_fails(
    tmp_path: Path,
) -> None:
    port = free_port()
    with FakeSlackApi() as fake:
        env = serve_env(
            tmp_path, fake, WEB_CONCURRENCY="1", WEB_MAX_REQUESTS="10", LOG_LEVEL="INFO"
        )
        process = start_serve(port, env, tmp_path)
        try:
            wait_for_health(port, process)
            answers = []
            for _ in range(30):
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/healthz", timeout=10
                ) as reply:
                    answers.append(reply.status)
        finally:
            process.send_signal(signal.SIGTERM)
            _, errors = process.communicate(timeout=30)
    assert answers == [200] * 30
    # gunicorn's own line when a process has answered its share and is replaced.
    assert errors.count("Autorestarting worker after current request") >= 2, errors
    assert "Traceback" not in errors


def test_a_token_slack_refuses_stops_start_up_with_one_line(tmp_path: Path) -> None:
    with FakeSlackApi() as fake:
        fake.fail("auth.test", "invalid_auth")
        result = lantern("serve", env=serve_env(tmp_path, fake), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "lantern: SLACK_BOT_TOKEN was refused by Slack (invalid_auth): copy the Bot User "
        "OAuth Token from your app's OAuth & Permissions page."
    )


def test_an_unreachable_web_api_stops_start_up_with_one_line(tmp_path: Path) -> None:
    with FakeSlackApi() as fake:
        env = serve_env(tmp_path, fake, SLACK_API_URL=f"http://127.0.0.1:{free_port()}/api/")
        result = lantern("serve", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "cannot reach Slack's Web API" in result.stderr
    assert "Traceback" not in result.stderr


def test_socket_mode_needs_the_bot_token_too(tmp_path: Path) -> None:
    with FakeSlackApi() as fake:
        env = serve_env(tmp_path, fake, SLACK_APP_TOKEN="xapp-1-A1-1-abc")
        del env["SLACK_BOT_TOKEN"]
        result = lantern("serve", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "Socket Mode needs the bot token" in result.stderr


def test_socket_mode_checks_the_token_before_connecting(tmp_path: Path) -> None:
    with FakeSlackApi() as fake:
        fake.fail("auth.test", "token_revoked")
        env = serve_env(tmp_path, fake, SLACK_APP_TOKEN="xapp-1-A1-1-abc")
        result = lantern("serve", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "refused by Slack (token_revoked)" in result.stderr
    assert not fake.calls_to("apps.connections.open")


def test_serve_with_installs_offers_the_install_page_without_a_bot_token(tmp_path: Path) -> None:
    port = free_port()
    with FakeSlackApi() as fake:
        env = serve_env(
            tmp_path,
            fake,
            SLACK_CLIENT_ID="1111.2222",
            SLACK_CLIENT_SECRET="client-secret",
            LANTERN_ENCRYPTION_KEYS=Keyring.generate(),
        )
        del env["SLACK_BOT_TOKEN"]
        process = start_serve(port, env, tmp_path)
        try:
            assert wait_for_health(port, process) == {"ok": True}
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/slack/install", timeout=5
            ) as reply:
                page = reply.read().decode("utf-8")
            assert "https://slack.com/oauth/v2/authorize?state=" in page
            assert "client_id=1111.2222" in page
            assert fake.calls_to("auth.test") == [], "no token to check at start-up"
        finally:
            process.send_signal(signal.SIGTERM)
            output, errors = process.communicate(timeout=30)
        assert process.returncode == 0, errors
        assert "/slack/install" in output
