"""Builds the Bolt app: acks carry the answer (process_before_response), sends go to the outbox."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.adapters.slack.installs import (
    Installs,
    RefuseWithoutInstall,
    StoredBotAuthorize,
    build_oauth_settings,
)
from bot.adapters.slack.listeners import register
from bot.adapters.slack.listeners.context import SlackContext
from bot.adapters.slack.manifest import BOT_SCOPES
from bot.adapters.slack.outbox import Outbox
from bot.engine.inbox import Inbox
from bot.engine.turns import Engine
from bot.settings import ConfigError, Settings

logger = logging.getLogger(__name__)


RATE_LIMIT_RETRIES = 3


@dataclass(frozen=True)
class BotIdentity:
    """Who SLACK_BOT_TOKEN belongs to, as `auth.test` said once at start-up."""

    team_id: str | None
    bot_id: str | None
    bot_user_id: str | None


class KnownBotAuthorize(Authorize):
    """The one workspace's bot (SLACK_BOT_TOKEN), as start-up found it: no call to Slack
    before an ack, nor when a web process starts (a Slack hiccup then would stop it)."""

    def __init__(self, token: str, identity: BotIdentity) -> None:
        self.token = token
        self.identity = identity

    def __call__(
        self,
        *,
        context: BoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        **_: Any,
    ) -> AuthorizeResult:
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=self.identity.team_id or team_id,
            bot_token=self.token,
            bot_id=self.identity.bot_id,
            bot_user_id=self.identity.bot_user_id,
            user_id=user_id,
        )


def build_client(settings: Settings, *, with_token: bool = True) -> WebClient:
    """A Web API client that waits out a 429's Retry-After instead of dropping the message."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    if not with_token:
        token = None
    client = (
        WebClient(token=token, base_url=settings.slack_api_url)
        if settings.slack_api_url
        else WebClient(token=token)
    )
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES))
    return client


def verify_bot_token(settings: Settings) -> BotIdentity:
    """Ask Slack who the token belongs to, once, so a bad token stops start-up with one line."""
    try:
        answer = build_client(settings).auth_test()
    except SlackApiError as error:
        reason = error.response.get("error", "refused")
        raise ConfigError(
            f"SLACK_BOT_TOKEN was refused by Slack ({reason}): copy the Bot User OAuth Token "
            "from your app's OAuth & Permissions page."
        ) from None
    except OSError as error:
        raise ConfigError(
            f"cannot reach Slack's Web API to check SLACK_BOT_TOKEN ({type(error).__name__}); "
            "check the network or SLACK_API_URL."
        ) from None
    return BotIdentity(
        team_id=answer.get("team_id"),
        bot_id=answer.get("bot_id"),
        bot_user_id=answer.get("user_id"),
    )


def install_scopes(settings: Settings) -> tuple[str, ...]:
    if settings.slack_scopes:
        return tuple(scope.strip() for scope in settings.slack_scopes.split(",") if scope.strip())
    return BOT_SCOPES


def build_bolt_app(
    settings: Settings,
    engine: Engine,
    inbox: Inbox,
    outbox: Outbox,
    *,
    installs: Installs | None = None,
    identity: BotIdentity | None = None,
) -> App:
    """The Slack app. Listeners run in the request and only do database work before the ack.
    With `installs`, any workspace can install it and each request uses its workspace's token;
    without, the one workspace of SLACK_BOT_TOKEN."""
    signing_secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    )
    multi_workspace: dict[str, Any] = {}
    client = build_client(settings)
    if installs is None and settings.slack_bot_token is not None:
        # The one workspace's bot, as start-up found it (or asked now, once).
        client = build_client(settings, with_token=False)
        multi_workspace = {
            "authorize": KnownBotAuthorize(
                settings.slack_bot_token.get_secret_value(),
                identity or verify_bot_token(settings),
            )
        }
    if installs is not None:
        assert settings.slack_client_id is not None
        assert settings.slack_client_secret is not None
        multi_workspace = {
            "installation_store": installs.store,
            "authorize": StoredBotAuthorize(installs.store),
            "oauth_settings": build_oauth_settings(
                client_id=settings.slack_client_id,
                client_secret=settings.slack_client_secret.get_secret_value(),
                scopes=install_scopes(settings),
                installations=installs.store,
                states=installs.states,
                on_installed=lambda team_id: engine.workspaces.installed(
                    platform="slack", workspace_id=team_id
                ),
            ),
            "before_authorize": RefuseWithoutInstall(
                installs.store, engine.content.coach.errors.not_installed
            ),
        }
    app = App(
        client=client,
        signing_secret=signing_secret,
        # The ack carries the answer and is sent as soon as the listener returns, instead of
        # Bolt polling for it every 10 ms; anything slow is handed to the outbox.
        process_before_response=True,
        logger=logging.getLogger("slack_bolt"),
        **multi_workspace,
    )

    @app.error
    def on_error(error: Exception, body: dict[str, Any]) -> BoltResponse:
        logger.error(
            "listener failed for a %s request",
            body.get("type") or body.get("command"),
            exc_info=error,
        )
        return BoltResponse(status=500, body="")

    register(
        app,
        SlackContext(
            engine=engine,
            inbox=inbox,
            outbox=outbox,
            keep_data_for=timedelta(days=settings.lantern_uninstalled_retention_days),
            forget_tokens=(
                (lambda team_id: installs.store.delete_workspace(team_id=team_id))
                if installs is not None
                else None
            ),
        ),
    )
    return app
