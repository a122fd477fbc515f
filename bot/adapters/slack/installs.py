"""Installs through Slack (OAuth): Bolt's flow with Lantern's stores, and each request's token."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import BoltContext, BoltRequest, BoltResponse
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize
from slack_bolt.middleware import Middleware
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings

from bot.adapters.slack.install_store import AtomicOAuthStateStore, EncryptedInstallationStore
from bot.adapters.slack.web import INSTALL_PATH, OAUTH_REDIRECT_PATH

logger = logging.getLogger(__name__)

STATE_EXPIRATION_SECONDS = 600


# Events Slack sends once the token is already gone; Bolt lets them through unauthorized.
NEEDS_NO_INSTALL = frozenset({"app_uninstalled", "tokens_revoked", "team_access_revoked"})
FOUND_BOT = "lantern_installed_bot"


class RefuseWithoutInstall(Middleware):
    """Before Bolt authorizes: a request from a workspace with no install (never installed, or
    uninstalled) is answered at once with a kind sentence, in the HTTP answer. Bolt's own
    refusal would post to the request's response_url before the ack. The bot found is kept
    for the authorize step, so the install is read once per request."""

    def __init__(self, store: EncryptedInstallationStore, message: str) -> None:
        self.store = store
        self.message = message

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        body = req.body or {}
        event = body.get("event") if isinstance(body.get("event"), dict) else None
        if (
            body.get("type") == "url_verification"
            or body.get("ssl_check")
            or (event or {}).get("type") in NEEDS_NO_INSTALL
        ):
            return next()
        context = req.context
        bot = self.store.find_bot(
            enterprise_id=context.enterprise_id,
            team_id=context.team_id,
            is_enterprise_install=context.is_enterprise_install,
        )
        if bot is None:
            logger.warning("a request from a workspace with no install; refused")
            return BoltResponse(status=200, body=self.message)
        context[FOUND_BOT] = bot
        return next()


class StoredBotAuthorize(Authorize):
    """The request's workspace's bot token, from the store, with no call to Slack: the bot's
    ids were stored at install, so Bolt's `auth.test` on every request is not needed."""

    def __init__(self, store: EncryptedInstallationStore) -> None:
        self.store = store

    def __call__(
        self,
        *,
        context: BoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        **_: Any,
    ) -> AuthorizeResult | None:
        bot = context.get(FOUND_BOT) or self.store.find_bot(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=context.is_enterprise_install,
        )
        if bot is None:
            return None
        return AuthorizeResult(
            enterprise_id=bot.enterprise_id,
            team_id=bot.team_id,
            bot_token=bot.bot_token,
            bot_id=bot.bot_id,
            bot_user_id=bot.bot_user_id,
            bot_scopes=bot.bot_scopes,
            user_id=user_id,
        )


def build_oauth_settings(
    *,
    client_id: str,
    client_secret: str,
    scopes: tuple[str, ...],
    installations: EncryptedInstallationStore,
    states: AtomicOAuthStateStore,
    on_installed: Callable[[str], None],
) -> OAuthSettings:
    """Bolt's OAuth flow at /slack/install and /slack/oauth_redirect. A finished install
    marks the workspace installed (sends resume after a reinstall)."""

    def success(args: SuccessArgs) -> BoltResponse:
        team_id = args.installation.team_id
        if team_id:
            on_installed(team_id)
        logger.info("a workspace installed Lantern")
        response: BoltResponse = args.default.success(args)
        return response

    def failure(args: FailureArgs) -> BoltResponse:
        # The reason is Slack's or Bolt's code (invalid_state, access_denied...): no secrets.
        logger.warning("an install did not complete (%s)", args.reason)
        response: BoltResponse = args.default.failure(args)
        return response

    return OAuthSettings(
        client_id=client_id,
        client_secret=client_secret,
        scopes=list(scopes),
        install_path=INSTALL_PATH,
        redirect_uri_path=OAUTH_REDIRECT_PATH,
        installation_store=installations,
        state_store=states,
        state_expiration_seconds=STATE_EXPIRATION_SECONDS,
        callback_options=CallbackOptions(success=success, failure=failure),
    )


@dataclass(frozen=True)
class Installs:
    """Where installs are kept: each workspace's bot token, and the OAuth states in flight."""

    store: EncryptedInstallationStore
    states: AtomicOAuthStateStore
