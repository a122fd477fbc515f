"""The composition root: builds content, database, engine and the Slack app from settings."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from bot.adapters.slack.app import BotIdentity, build_bolt_app, verify_bot_token
from bot.adapters.slack.delivery import SlackPlatform
from bot.adapters.slack.install_store import AtomicOAuthStateStore, EncryptedInstallationStore
from bot.adapters.slack.installs import Installs
from bot.adapters.slack.metrics import MetricsMiddleware
from bot.adapters.slack.outbox import Outbox
from bot.adapters.slack.sender import PLATFORM as SLACK
from bot.adapters.slack.sender import ClientFor, InstalledClients, SlackSender, worker_client
from bot.adapters.slack.web import SlackWebApp
from bot.core.clock import Clock
from bot.core.sending import Senders
from bot.engine.inbox import Inbox, InboxSettings, Platform, Sweeper
from bot.engine.turns import Engine
from bot.settings import ConfigError, Settings
from bot.worker import WorkerConfig
from content import default_content
from storage.crypto import configure_text_encryption
from storage.database import Database, corrupt_sqlite_file

logger = logging.getLogger(__name__)


def corrupt_message(path: Path) -> str:
    return (
        f"DATABASE_URL: {path} is corrupt (damaged, or not a SQLite database at all). Move it "
        f"aside and keep it (`sqlite3 {path} .recover` may save what is in it), then start "
        "again to begin with an empty database, or point DATABASE_URL at another file."
    )


def open_database(settings: Settings, *, migrate_embedded: bool = True) -> Database:
    """Open the database; the embedded SQLite default migrates itself, PostgreSQL must be ready."""
    settings.require_storage_keys()
    configure_text_encryption(settings.keyring, encrypt_new_text=settings.lantern_encrypt_text)
    database = Database(settings.database_url)
    try:
        if database.engine.dialect.name == "sqlite" and migrate_embedded:
            database.upgrade()
        elif not database.is_at_head():
            raise ConfigError(
                "DATABASE_URL points at a database that is not migrated: run `lantern db upgrade`."
            )
    except ConfigError:
        raise
    except Exception as exc:
        corrupt = corrupt_sqlite_file(settings.database_url, exc)
        if corrupt is not None:
            raise ConfigError(corrupt_message(corrupt)) from exc
        raise ConfigError(
            f"DATABASE_URL: cannot open the database ({type(exc).__name__}); check the URL "
            "and that the server is running."
        ) from exc
    return database


def build_engine(settings: Settings, *, clock: Clock | None = None) -> Engine:
    return Engine(content=default_content(), database=open_database(settings), clock=clock)


def build_installs(settings: Settings, database: Database) -> Installs | None:
    """The install stores when any workspace may install Lantern (SLACK_CLIENT_ID is set)."""
    if not settings.oauth_mode:
        return None
    keyring = settings.keyring
    assert settings.slack_client_id is not None
    assert keyring is not None  # require_storage_keys made sure
    return Installs(
        store=EncryptedInstallationStore(
            client_id=settings.slack_client_id, engine=database.engine, keyring=keyring
        ),
        states=AtomicOAuthStateStore(engine=database.engine),
    )


def slack_clients(settings: Settings, installs: Installs | None) -> ClientFor | None:
    """Each workspace's Web API client for sends outside a request (None: no Slack)."""
    if installs is not None:

        def find_token(team_id: str) -> str | None:
            bot = installs.store.find_bot(enterprise_id=None, team_id=team_id)
            return bot.bot_token if bot is not None else None

        return InstalledClients(find_token, base_url=settings.slack_api_url)
    if settings.slack_bot_token is None:
        return None
    client = worker_client(
        settings.slack_bot_token.get_secret_value(), base_url=settings.slack_api_url
    )
    return lambda _workspace: client


def build_sender(settings: Settings, database: Database) -> Senders:
    """What the worker sends with: a sender per platform it can reach (none without a Slack
    token; a person on a platform without one is looked at again later, never crashed on)."""
    installs = build_installs(settings, database)
    if installs is None and settings.slack_bot_token is not None:
        verify_bot_token(settings)
    clients = slack_clients(settings, installs)
    if clients is None:
        return Senders({})
    return Senders({SLACK: SlackSender(clients)})


def build_inbox(
    settings: Settings, engine: Engine, installs: Installs | None, *, grace: float = 2.0
) -> Inbox:
    """The inbox and outbox, with a sender for each platform that is configured. `grace`:
    seconds a fresh turn or reply is left to the process that received it."""
    platforms: dict[str, Platform] = {}
    clients = slack_clients(settings, installs)
    if clients is not None:
        platforms[SLACK] = SlackPlatform(clients, engine.content)
    return Inbox(
        engine,
        platforms,
        InboxSettings(
            lease=timedelta(seconds=settings.lantern_inbox_lease), grace=timedelta(seconds=grace)
        ),
    )


def worker_config(settings: Settings) -> WorkerConfig:
    return WorkerConfig(
        interval_seconds=settings.lantern_worker_interval,
        threads=settings.lantern_worker_threads,
        rate_per_workspace=settings.lantern_rate_per_workspace,
        lease=timedelta(seconds=settings.lantern_worker_lease),
        shard=settings.worker_shard,
        keep_uninstalled_for=timedelta(days=settings.lantern_uninstalled_retention_days),
    )


def start_sweeper(settings: Settings, inbox: Inbox, outbox: Outbox) -> Sweeper:
    """In each web process: turns and replies left behind (a process that died, a send that
    waits to be retried) are taken on the process's own pool, in each person's queue."""
    return Sweeper(
        inbox,
        lambda key: outbox.submit("take turns", lambda: inbox.drain(key), key=f"turn:{key}"),
        interval=settings.lantern_inbox_sweep_interval,
    ).start()


def build_web_app(
    settings: Settings, *, clock: Clock | None = None, identity: BotIdentity | None = None
) -> MetricsMiddleware:
    """The web app as gunicorn serves it: Slack's endpoints and /healthz, behind /metrics."""
    settings.require_http_mode()
    assert settings.slack_signing_secret is not None
    engine = build_engine(settings, clock=clock)
    outbox = Outbox(workers=settings.web_threads)
    installs = build_installs(settings, engine.database)
    inbox = build_inbox(settings, engine, installs)
    bolt_app = build_bolt_app(settings, engine, inbox, outbox, installs=installs, identity=identity)
    sweeper = start_sweeper(settings, inbox, outbox)
    secret = settings.slack_signing_secret.get_secret_value()
    web_app = SlackWebApp(bolt_app, engine.database, secret, outbox, sweeper)
    token = settings.lantern_metrics_token
    return MetricsMiddleware(
        web_app, now=engine.clock.now, token=token.get_secret_value() if token else None
    )
