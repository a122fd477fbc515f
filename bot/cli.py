"""The `lantern` command line: chat, serve, worker, manifest, db upgrade. It only wires."""

from __future__ import annotations

import getpass
import json
import logging
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from bot.settings import ConfigError, Settings, load_settings
from content import ContentError

if TYPE_CHECKING:
    pass

app = typer.Typer(
    help="Lantern, a leadership coach for library people, in Slack and in your terminal.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def installed_version() -> str:
    """This installation's version, from the package metadata."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("lantern-coach")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed; run `pip install -e .`)"


def _print_version(wanted: bool) -> None:
    if wanted:
        typer.echo(f"lantern {installed_version()}")
        raise typer.Exit


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print Lantern's version and exit.",
            callback=_print_version,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """Lantern, a leadership coach for library people, in Slack and in your terminal."""


db_app = typer.Typer(help="Manage Lantern's database.", no_args_is_help=True)
app.add_typer(db_app, name="db")
keys_app = typer.Typer(
    help="Encryption keys for bot tokens and private text (LANTERN_ENCRYPTION_KEYS).",
    no_args_is_help=True,
)
app.add_typer(keys_app, name="keys")


def fail(message: str) -> NoReturn:
    typer.echo(f"lantern: {message}", err=True)
    raise typer.Exit(code=2)


def settings_or_exit() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        fail(str(exc))


LIBRARIES_THAT_LOG_WORDS_AT_DEBUG = ("sqlalchemy", "slack_sdk", "slack_bolt")
"""At DEBUG these log result rows and request and response bodies: people's reflections and
notes. Lantern's own DEBUG never does, so only these are held at INFO."""


def configure_logging(settings: Settings, *, handler: logging.Handler | None = None) -> None:
    """`serve` and `worker` log in LOG_FORMAT (JSON when not at a terminal) on the standard
    error; `chat` gives its own handler (see `chat_log_handler`)."""
    import sys

    from bot.observability.logs import stream_handler

    level = getattr(logging, settings.log_level)
    if handler is None:
        handler = stream_handler(settings.log_format, sys.stderr)
    # basicConfig leaves a root logger that already has handlers (a test's capture) alone.
    logging.basicConfig(level=level, handlers=[handler])
    # A library's warning (the warnings module) is a log line too, never printed by itself.
    logging.captureWarnings(True)
    for name in LIBRARIES_THAT_LOG_WORDS_AT_DEBUG:
        logging.getLogger(name).setLevel(max(level, logging.INFO))
    # APScheduler narrates every tick at INFO ("Running job", "executed successfully"): two
    # lines every interval that say nothing. Its warnings (a missed or overlapping tick) stay.
    logging.getLogger("apscheduler").setLevel(max(level, logging.WARNING))
    # SQLAlchemy's INFO is its echo: every statement of every request, and the mappers' set-up
    # (parameters hidden, but a flood that buries what matters). Its warnings are enough.
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    if level > logging.DEBUG:
        # Alembic narrates every migration step at INFO; start-up needs only its problems.
        logging.getLogger("alembic").setLevel(logging.WARNING)


CHAT_LOG_BYTES = 1_000_000  # the chat's log file is rotated at this size, two older kept


def chat_log_handler(settings: Settings) -> tuple[logging.Handler, str]:
    """The chat's log never reaches its screen: it goes to LANTERN_LOG_FILE (by default
    lantern-chat.log in the data folder), or to the standard error when that is "stderr".
    The handler, and where it writes (for /help)."""
    import sys
    from logging.handlers import RotatingFileHandler

    from bot.observability.logs import TEXT_FORMAT, stream_handler

    path = settings.chat_log_file
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # A chat run every day for years must not grow a log without end.
            handler: logging.Handler = RotatingFileHandler(
                path, maxBytes=CHAT_LOG_BYTES, backupCount=2, encoding="utf-8"
            )
        except OSError as exc:
            fail(
                f"LANTERN_LOG_FILE: cannot write the chat's log at {path} "
                f"({exc.strerror or exc}); choose another file, or set it to stderr."
            )
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
        return handler, str(path)
    return stream_handler("text", sys.stderr), "stderr"


NOTHING_TO_DELIVER_TO = (
    "No Slack or Teams credentials are set (SLACK_BOT_TOKEN, or SLACK_CLIENT_ID and "
    "SLACK_CLIENT_SECRET), so this worker has nobody to deliver to: it keeps running, and what "
    "falls due (nudges, digests, reminders) appears when `lantern chat` starts. Set the "
    "credentials and restart it to have them sent in Slack."
)
"""Said once, at start, by a worker that has no platform to send with."""


@app.command()
def chat(
    user: Annotated[
        str | None, typer.Option(help="Who you are in the chat (default: your login name).")
    ] = None,
    tz: Annotated[
        str | None, typer.Option(help="Your IANA time zone, e.g. America/Chicago.")
    ] = None,
) -> None:
    """Talk with the coach in this terminal (no Slack needed).

    Its log goes to a file (LANTERN_LOG_FILE, by default lantern-chat.log in LANTERN_DATA_DIR),
    never to the chat; /help in the chat says where."""
    from bot.adapters.console.chat import (
        ConsoleChat,
        completer,
        history_file,
        local_time_zone,
        stored_time_zone,
    )
    from bot.adapters.console.terminal import at_a_terminal, plain_input, prompt_input
    from bot.core.schedule import time_zone_named
    from bot.wiring import build_engine

    settings = settings_or_exit()
    handler, log_place = chat_log_handler(settings)
    configure_logging(settings, handler=handler)
    if tz is not None and time_zone_named(tz) is None:
        fail(f"--tz {tz!r} is not a time zone name; use one like Europe/London.")
    try:
        engine = build_engine(settings)
    except (ConfigError, ContentError) as exc:
        fail(str(exc))
    user_id = user or getpass.getuser()
    known = stored_time_zone(engine, user_id)
    coach = engine.content.coach
    typing = (
        prompt_input(
            history_file=history_file(settings.data_dir, user_id),
            completer=completer(coach.command_words),
            multiline_hint=coach.console.multiline_hint,
        )
        if at_a_terminal()
        else plain_input()
    )
    ConsoleChat(
        engine=engine,
        user_id=user_id,
        # --tz, or the machine's zone for someone the coach has no zone for yet; a zone chosen
        # in /plan settings stays otherwise.
        time_zone=tz or (None if known else local_time_zone()),
        known_time_zone=known,
        read=typing.read,
        read_multiline=typing.read_multiline,
        log_place=log_place,
    ).run()


@app.command()
def serve(
    port: Annotated[int | None, typer.Option(help="HTTP port (default: $PORT or 3000).")] = None,
) -> None:
    """Run the Slack app: over HTTP at /slack/events, or Socket Mode when SLACK_APP_TOKEN is set."""
    settings = settings_or_exit()
    if port is not None:
        if not 1 <= port <= 65535:
            fail(f"--port {port} is not a port number (1-65535).")
        settings = settings.model_copy(update={"port": port})
    configure_logging(settings)
    try:
        if settings.slack_app_token is not None:
            serve_socket(settings)
        else:
            serve_web(settings)
    except (ConfigError, ContentError) as exc:
        fail(str(exc))


def serve_socket(settings: Settings) -> None:
    from bot.adapters.slack.app import build_bolt_app, verify_bot_token
    from bot.adapters.slack.outbox import Outbox
    from bot.adapters.slack.server import serve_socket_mode
    from bot.wiring import build_engine, build_inbox, start_sweeper

    if settings.slack_bot_token is None:
        raise ConfigError("SLACK_BOT_TOKEN is not set: Socket Mode needs the bot token as well.")
    identity = verify_bot_token(settings)
    engine = build_engine(settings)
    inbox = build_inbox(settings, engine, installs=None)
    outbox = Outbox(workers=settings.web_threads)
    start_sweeper(settings, inbox, outbox)
    serve_socket_mode(settings, build_bolt_app(settings, engine, inbox, outbox, identity=identity))


def serve_web(settings: Settings) -> None:
    from bot.adapters.slack.app import verify_bot_token
    from bot.adapters.slack.server import serve_http
    from bot.documents.warm import load_before_fork
    from bot.wiring import build_web_app, open_database

    # Fail here, once, with a clear line, rather than in every worker process.
    settings.require_http_mode()
    open_database(settings).dispose()
    if settings.oauth_mode:
        typer.echo(
            f"Lantern is listening on port {settings.port}: /slack/install to add it to a "
            "workspace, /slack/events, /healthz"
        )
        identity = None
    else:
        # Asked once here: a web process that starts later (WEB_MAX_REQUESTS) asks nothing.
        identity = verify_bot_token(settings)
        typer.echo(f"Lantern is listening on port {settings.port} at /slack/events and /healthz")
    load_before_fork()
    serve_http(settings, lambda: build_web_app(settings, identity=identity))


@app.command()
def worker(
    interval: Annotated[
        float | None,
        typer.Option(
            help="Seconds between scheduler ticks (default: $LANTERN_WORKER_INTERVAL or 30).",
            min=1,
        ),
    ] = None,
) -> None:
    """Run the scheduler process (Procfile `worker`): it sends nudges and reminders when due."""
    from bot.wiring import build_engine, build_inbox, build_installs, build_sender, worker_config
    from bot.worker import run_worker

    settings = settings_or_exit()
    if interval is not None:
        settings = settings.model_copy(update={"lantern_worker_interval": interval})
    configure_logging(settings)
    try:
        engine = build_engine(settings)
        installs = build_installs(settings, engine.database)
        sender = build_sender(settings, engine.database)
        if not sender.platforms:
            # Logged, not printed: the log may be JSON lines, which a bare line would break.
            logging.getLogger("bot.worker").warning(NOTHING_TO_DELIVER_TO)
        run_worker(
            engine,
            sender,
            config=worker_config(settings),
            metrics_port=settings.lantern_worker_metrics_port,
            # The worker looks only once a claim has run out, or a turn has waited a whole
            # lease: the web processes see to their own first.
            inbox=build_inbox(settings, engine, installs, grace=settings.lantern_inbox_lease),
        )
    except (ConfigError, ContentError) as exc:
        fail(str(exc))


@app.command()
def manifest(
    url: Annotated[
        str, typer.Option(help="Public https URL where `lantern serve` is reachable.")
    ] = "https://example.org",
) -> None:
    """Print the Slack app manifest (JSON) to paste into api.slack.com/apps."""
    from bot.adapters.slack.manifest import build_manifest
    from content import default_content

    if not url.startswith("https://") or len(url) <= len("https://"):
        fail(f"--url must be an https URL, like https://lantern.example.org (got {url!r}).")
    try:
        content = default_content()
    except ContentError as exc:
        fail(str(exc))
    typer.echo(json.dumps(build_manifest(content, url), indent=2, ensure_ascii=False))


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Migrate the database at DATABASE_URL to the latest schema."""
    from bot.wiring import corrupt_message
    from storage.database import Database, corrupt_sqlite_file

    settings = settings_or_exit()
    try:
        database = Database(settings.database_url)
        database.upgrade()
    except Exception as exc:
        corrupt = corrupt_sqlite_file(settings.database_url, exc)
        if corrupt is not None:
            fail(corrupt_message(corrupt))
        fail(f"DATABASE_URL: migration failed ({type(exc).__name__}: {str(exc).splitlines()[0]})")
    typer.echo("Database is up to date.")


@keys_app.command("generate")
def keys_generate() -> None:
    """Print a new key. Put it first in LANTERN_ENCRYPTION_KEYS, then run `lantern keys rotate`."""
    from storage.crypto import Keyring

    typer.echo(Keyring.generate())


@keys_app.command("rotate")
def keys_rotate() -> None:
    """Re-encrypt every stored token (and private text) with the first key in
    LANTERN_ENCRYPTION_KEYS; afterwards the older keys can be removed from the list."""
    from storage.crypto import UnreadableSecret
    from storage.key_rotation import rotate_everything

    settings = settings_or_exit()
    keyring = settings.keyring
    if keyring is None:
        fail("LANTERN_ENCRYPTION_KEYS is not set: make a key with `lantern keys generate`.")
    from bot.wiring import open_database

    try:
        database = open_database(settings)
    except ConfigError as exc:
        fail(str(exc))
    try:
        rotated = rotate_everything(
            database.engine, keyring, encrypt_plain_text=settings.lantern_encrypt_text
        )
    except UnreadableSecret as exc:
        fail(f"{exc}; nothing after the last finished batch was changed. Add the old key back.")
    finally:
        database.dispose()
    typer.echo(
        f"Re-encrypted {rotated.tokens} install(s) and {rotated.texts} private text(s) with the "
        "first key. Older keys can now be removed from LANTERN_ENCRYPTION_KEYS."
    )


def main() -> None:
    app(prog_name="lantern")


if __name__ == "__main__":
    main()
