"""The `lantern` command line: help, manifest, and clear exits for bad settings."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.adapters.slack.manifest import build_manifest
from bot.cli import app, chat_log_handler
from bot.settings import load_settings
from content import Content
from storage.crypto import Keyring, configure_text_encryption
from storage.database import Database
from storage.models import Reflection
from tests.pty_chat import chat_environment

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "docs" / "vendor" / "slack-manifest-schema" / "manifest.schema.1.0.0.json"

runner = CliRunner()


@pytest.fixture(autouse=True)
def no_slack_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_APP_TOKEN",
        "SLACK_API_URL",
        "SLACK_CLIENT_ID",
        "SLACK_CLIENT_SECRET",
        "LANTERN_ENCRYPTION_KEYS",
        "LANTERN_ENCRYPT_TEXT",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
    monkeypatch.chdir(tmp_path)  # so a developer's .env is not read


@pytest.mark.parametrize(
    "command",
    ["chat", "serve", "worker", "manifest", "db", "db upgrade", "keys generate", "keys rotate"],
)
def test_every_command_has_help(command: str) -> None:
    result = runner.invoke(app, [*command.split(), "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


def test_manifest_names_every_command_scope_event_and_url(content: Content) -> None:
    result = runner.invoke(app, ["manifest", "--url", "https://lantern.example.org/"])
    assert result.exit_code == 0
    manifest = json.loads(result.output)
    url = "https://lantern.example.org/slack/events"
    assert {c["command"] for c in manifest["features"]["slash_commands"]} == {
        "/reflect",
        "/coach",
        "/checkin",
    }
    assert all(c["url"] == url for c in manifest["features"]["slash_commands"])
    assert manifest["settings"]["interactivity"]["request_url"] == url
    assert manifest["settings"]["event_subscriptions"]["request_url"] == url
    assert manifest["oauth_config"]["redirect_urls"] == [
        "https://lantern.example.org/slack/oauth_redirect"
    ]
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == {
        # Uninstalls: sends stop and tokens are deleted.
        "app_uninstalled",
        "tokens_revoked",
        "app_home_opened",
        "message.im",
        "user_change",
        # Team prompts: replies in their threads, and the channel lost.
        "message.channels",
        "message.groups",
        "channel_left",
        "group_left",
        "member_left_channel",
        "channel_archive",
        "group_archive",
        "channel_deleted",
        "group_deleted",
    }
    assert {
        "commands",
        "chat:write",
        "im:history",
        "users:read",
        "channels:read",
        "groups:read",
        "channels:history",
        "groups:history",
    } <= set(manifest["oauth_config"]["scopes"]["bot"])


def test_manifest_validates_against_slacks_schema(content: Content) -> None:
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(build_manifest(content, "https://lantern.example.org"), schema)


def test_the_manifest_at_the_root_is_the_generated_one(content: Content) -> None:
    committed = json.loads((ROOT / "manifest.json").read_text(encoding="utf-8"))
    assert committed == build_manifest(content), "run: lantern manifest > manifest.json"


@pytest.mark.parametrize("url", ["http://insecure.example.org", "example.org", "https://"])
def test_manifest_refuses_a_url_slack_cannot_use(url: str) -> None:
    result = runner.invoke(app, ["manifest", "--url", url])
    assert result.exit_code == 2
    assert "--url must be an https URL" in result.output


def test_serve_without_a_signing_secret_stops_with_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 2
    assert "SLACK_SIGNING_SECRET is not set" in result.output
    assert "Traceback" not in result.output


def test_serve_without_any_token_points_to_the_terminal_chat() -> None:
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 2
    assert "SLACK_BOT_TOKEN is not set" in result.output
    assert "lantern chat" in result.output


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SLACK_BOT_TOKEN", "not-a-token", "SLACK_BOT_TOKEN must be a bot token"),
        ("SLACK_APP_TOKEN", "xoxb-wrong-kind", "SLACK_APP_TOKEN must be an app-level token"),
        ("PORT", "seventy", "PORT"),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL must start with"),
        ("SLACK_API_URL", "ftp://x", "SLACK_API_URL must be an http(s) URL"),
        ("LANTERN_ENCRYPTION_KEYS", "short", "key 1 is not a Fernet key"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT must be json, text or auto"),
        ("LANTERN_UNINSTALLED_RETENTION_DAYS", "-1", "LANTERN_UNINSTALLED_RETENTION_DAYS"),
    ],
)
def test_a_malformed_setting_names_itself(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 2
    assert result.output.startswith("lantern: ")
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_serve_refuses_an_unmigrated_postgres_style_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 2
    assert "DATABASE_URL: cannot open the database" in result.output


def test_chat_refuses_an_unknown_time_zone() -> None:
    result = runner.invoke(app, ["chat", "--tz", "Mars/Olympus"])
    assert result.exit_code == 2
    assert "not a time zone name" in result.output


def test_installs_without_the_client_secret_name_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")
    monkeypatch.setenv("SLACK_CLIENT_ID", "111.222")
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 2
    assert "SLACK_CLIENT_SECRET is not set" in result.output


def test_installs_without_an_encryption_key_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")
    monkeypatch.setenv("SLACK_CLIENT_ID", "111.222")
    monkeypatch.setenv("SLACK_CLIENT_SECRET", "client-secret")
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 2
    assert "LANTERN_ENCRYPTION_KEYS is not set" in result.output
    assert "lantern keys generate" in result.output


def test_encrypting_text_without_a_key_is_refused_before_anything_is_written(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("LANTERN_ENCRYPT_TEXT", "true")
    result = runner.invoke(app, ["chat", "--user", "ana"], input="")
    assert result.exit_code == 2
    assert "LANTERN_ENCRYPT_TEXT is on but LANTERN_ENCRYPTION_KEYS is not set" in result.output
    assert not (tmp_path / "cli.db").exists()


def test_keys_generate_prints_a_key_the_settings_accept(monkeypatch: pytest.MonkeyPatch) -> None:
    result = runner.invoke(app, ["keys", "generate"])
    assert result.exit_code == 0
    key = result.output.strip()
    Keyring.from_setting(key)
    assert runner.invoke(app, ["keys", "generate"]).output.strip() != key


def test_keys_rotate_without_keys_says_how_to_make_one() -> None:
    result = runner.invoke(app, ["keys", "rotate"])
    assert result.exit_code == 2
    assert "lantern keys generate" in result.output


def test_keys_rotate_re_encrypts_what_is_stored(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    old = Keyring.generate()
    monkeypatch.setenv("LANTERN_ENCRYPTION_KEYS", old)
    monkeypatch.setenv("LANTERN_ENCRYPT_TEXT", "true")
    runner.invoke(app, ["chat", "--user", "ana"], input="/reflect\nA private thought\n\n")
    new = Keyring.generate()
    monkeypatch.setenv("LANTERN_ENCRYPTION_KEYS", f"{new},{old}")
    result = runner.invoke(app, ["keys", "rotate"])
    assert result.exit_code == 0, result.output
    assert "1 private text(s)" in result.output
    db = Database(f"sqlite:///{tmp_path}/cli.db")
    try:
        configure_text_encryption(Keyring([new]), encrypt_new_text=True)
        with db.unit_of_work() as uow:
            assert [r.text for r in uow.session.query(Reflection)] == ["A private thought"]
    finally:
        db.dispose()


# The real command in a process of its own: what a person running it sees, and its exit code.


def lantern(tmp_path: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=tmp_path,
        env=chat_environment(tmp_path),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_version_is_the_installed_packages(tmp_path: Path) -> None:
    done = lantern(tmp_path, "--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"lantern {version('lantern-coach')}"


NOT_SQLITE = b"not a database at all\n" * 300
DAMAGED = b"SQLite format 3\x00"  # a valid header over damaged pages


@pytest.mark.parametrize(
    ("command", "garbage"),
    [
        (["chat", "--tz", "UTC"], NOT_SQLITE),
        (["chat", "--tz", "UTC"], DAMAGED),
        (["worker"], DAMAGED),
        (["db", "upgrade"], NOT_SQLITE),
    ],
)
def test_a_corrupt_sqlite_file_is_named_as_corrupt(
    tmp_path: Path, command: list[str], garbage: bytes
) -> None:
    database = tmp_path / "chat.db"  # the file chat_environment's DATABASE_URL names
    database.write_bytes(garbage + bytes(range(256)) * 40)
    before = database.read_bytes()

    done = lantern(tmp_path, *command)

    assert done.returncode == 2, done.stdout + done.stderr
    assert f"{database} is corrupt" in done.stderr
    assert ".recover" in done.stderr  # what to do about it
    assert "server is running" not in done.stderr
    assert "Traceback" not in done.stderr
    assert database.read_bytes() == before  # kept as it was, for whoever tries to recover it


def test_a_worker_without_credentials_says_once_what_it_will_do(tmp_path: Path) -> None:
    env = chat_environment(tmp_path, {"LOG_FORMAT": "text", "LOG_LEVEL": "INFO"})
    worker = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "worker", "--interval", "1"],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert worker.stdout is not None
        said: list[str] = []
        # Until it has started, then three ticks more (one a second): what each tick says.
        while not any("worker started" in line for line in said):
            line = worker.stdout.readline()
            assert line, "".join(said)
            said.append(line)
        deadline = time.monotonic() + 3.5
        while time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGINT)
        rest, _ = worker.communicate(timeout=60)
    output = "".join(said) + rest
    assert output.count("nobody to deliver to") == 1, output
    assert "appears when `lantern chat` starts" in output
    assert "Running job" not in output  # no line per tick
    assert "executed successfully" not in output


def test_the_chats_log_goes_to_a_file_or_to_stderr_never_the_screen(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("LANTERN_LOG_FILE", raising=False)
    monkeypatch.setenv("LANTERN_DATA_DIR", str(tmp_path / "data"))
    handler, place = chat_log_handler(load_settings())
    handler.close()
    assert place == str(tmp_path / "data" / "lantern-chat.log")
    monkeypatch.setenv("LANTERN_LOG_FILE", str(tmp_path / "elsewhere.log"))
    handler, place = chat_log_handler(load_settings())
    handler.close()
    assert place == str(tmp_path / "elsewhere.log")
    monkeypatch.setenv("LANTERN_LOG_FILE", "stderr")
    assert chat_log_handler(load_settings())[1] == "stderr"
