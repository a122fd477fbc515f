"""Settings from the environment (pydantic-settings); a bad value stops start-up with one line."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from storage.crypto import Keyring


class ConfigError(Exception):
    """A setting is missing or malformed; the message names it and says what to do."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str | None = None
    # Installs into any workspace (OAuth): both set. Unset: one workspace, SLACK_BOT_TOKEN.
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    # Comma-separated bot scopes asked for at install (default: the manifest's).
    slack_scopes: str | None = None
    # Fernet keys, comma-separated, newest first: the first encrypts, all decrypt.
    lantern_encryption_keys: SecretStr | None = None
    # Encrypt reflections, answers and check-in notes at rest (needs LANTERN_ENCRYPTION_KEYS).
    lantern_encrypt_text: bool = False
    # Days a workspace's data is kept after it uninstalls Lantern (0: deleted at once), so a
    # reinstall by mistake loses nothing.
    lantern_uninstalled_retention_days: int = Field(default=30, ge=0, le=3650)
    # "json" (one object per line, for a platform's log search), "text", or "auto": json when
    # the output is not a terminal.
    log_format: str = "auto"
    # When set, the web's /metrics answers only a scrape with "Authorization: Bearer <token>".
    lantern_metrics_token: SecretStr | None = None
    # The worker serves /metrics on this port when set (the web process serves its own).
    lantern_worker_metrics_port: int | None = Field(default=None, ge=1, le=65535)
    database_url: str = "sqlite:///lantern.db"
    port: int = Field(default=3000, ge=1, le=65535)
    web_concurrency: int = Field(default=2, ge=1, le=64)
    web_threads: int = Field(default=8, ge=1, le=256)
    # A web process is replaced (drained first) after about this many requests; 0: never.
    web_max_requests: int = Field(default=5000, ge=0, le=10_000_000)
    log_level: str = "INFO"
    # Where the terminal chat keeps its own files (each person's typed commands, its log):
    # default $XDG_DATA_HOME/lantern, or ~/.local/share/lantern.
    lantern_data_dir: Path | None = None
    # Where `lantern chat` writes its log (default: lantern-chat.log in the data folder), or
    # "stderr" to have it on the standard error at LOG_LEVEL; never on the chat screen itself.
    lantern_log_file: str | None = None
    # The worker: seconds between ticks, threads sending at once, and how many messages per
    # second one workspace may receive from one worker process (Slack allows about one per
    # second per conversation and several hundred a minute per workspace).
    lantern_worker_interval: float = Field(default=30.0, ge=1, le=3600)
    lantern_worker_threads: int = Field(default=16, ge=1, le=256)
    lantern_rate_per_workspace: int = Field(default=4, ge=1, le=100)
    # How long a claim holds before another worker may take the item (a crashed worker's).
    lantern_worker_lease: float = Field(default=300.0, ge=2, le=3600)
    # "i/n": this worker serves every n-th workspace from the i-th (0-based), so n worker
    # processes share the sending and each workspace's rate still holds. Unset: all of them.
    lantern_worker_shard: str | None = None
    # What people send is kept in the inbox before the ack: how long a process's claim on a
    # person's turns (or replies) holds before another process may take them (a process that
    # died), and how often each web process looks for such turns and for replies to retry.
    lantern_inbox_lease: float = Field(default=30.0, ge=1, le=3600)
    lantern_inbox_sweep_interval: float = Field(default=1.0, gt=0, le=600)

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb-")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp-")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_shape(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL, like https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _database_url_shape(cls, value: str) -> str:
        if not value.startswith(("sqlite:", "postgresql", "postgres:")):
            raise ValueError("must start with sqlite:/// or postgresql://")
        return value

    @field_validator("lantern_worker_shard")
    @classmethod
    def _shard_shape(cls, value: str | None) -> str | None:
        if value is None or value.strip() == "":
            return None
        index, slash, count = value.strip().partition("/")
        if not (slash and index.isdigit() and count.isdigit() and int(index) < int(count) <= 64):
            raise ValueError("must be i/n with 0 <= i < n <= 64, like 0/2 and 1/2 for two workers")
        return f"{int(index)}/{int(count)}"

    @property
    def worker_shard(self) -> tuple[int, int] | None:
        if self.lantern_worker_shard is None:
            return None
        index, _, count = self.lantern_worker_shard.partition("/")
        return int(index), int(count)

    @field_validator("log_format")
    @classmethod
    def _log_format_shape(cls, value: str) -> str:
        if value.lower() not in {"auto", "json", "text"}:
            raise ValueError("must be json, text or auto")
        return value.lower()

    @field_validator("lantern_encryption_keys")
    @classmethod
    def _keys_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        Keyring.from_setting(value.get_secret_value())  # raises BadKey (a ValueError) naming it
        return value

    @property
    def keyring(self) -> Keyring | None:
        keys = self.lantern_encryption_keys
        return Keyring.from_setting(keys.get_secret_value()) if keys is not None else None

    @property
    def oauth_mode(self) -> bool:
        return self.slack_client_id is not None and self.slack_client_secret is not None

    def require_storage_keys(self) -> None:
        """Tokens and (when asked) private text are never written in the clear."""
        if self.lantern_encrypt_text and self.lantern_encryption_keys is None:
            raise ConfigError(
                "LANTERN_ENCRYPT_TEXT is on but LANTERN_ENCRYPTION_KEYS is not set: make a key "
                "with `lantern keys generate` and set it."
            )
        if self.oauth_mode and self.lantern_encryption_keys is None:
            raise ConfigError(
                "LANTERN_ENCRYPTION_KEYS is not set: installs through Slack store each "
                "workspace's bot token encrypted; make a key with `lantern keys generate`."
            )

    @property
    def data_dir(self) -> Path:
        if self.lantern_data_dir is not None:
            return self.lantern_data_dir.expanduser()
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        return Path(base) / "lantern"

    @property
    def chat_log_file(self) -> Path | None:
        """The chat's log file; None when the log goes to the standard error."""
        chosen = (self.lantern_log_file or "").strip()
        if chosen.lower() == "stderr":
            return None
        if chosen:
            return Path(chosen).expanduser()
        return self.data_dir / "lantern-chat.log"

    @field_validator("log_level")
    @classmethod
    def _log_level_shape(cls, value: str) -> str:
        if value.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR")
        return value.upper()

    def require_http_mode(self) -> None:
        """HTTP mode verifies every request, so it cannot start without the signing secret."""
        if (self.slack_client_id is None) != (self.slack_client_secret is None):
            missing = "SLACK_CLIENT_ID" if self.slack_client_id is None else "SLACK_CLIENT_SECRET"
            raise ConfigError(
                f"{missing} is not set: installing through Slack needs both the client id and "
                "the client secret (your app's Basic Information page)."
            )
        self.require_storage_keys()
        if self.slack_bot_token is None and not self.oauth_mode:
            raise ConfigError(
                "SLACK_BOT_TOKEN is not set: `lantern serve` needs the bot token from your "
                "Slack app's OAuth page, or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET to install "
                "into any workspace (or run `lantern chat` to try the coach in a terminal)."
            )
        if self.slack_signing_secret is None:
            raise ConfigError(
                "SLACK_SIGNING_SECRET is not set: HTTP mode verifies every request's signature, so "
                "it will not start without the signing secret (your app's Basic Information page)."
            )


def load_settings() -> Settings:
    """Read settings, turning validation errors into one clear line per bad setting."""
    try:
        return Settings()
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = str(error["loc"][0]).upper() if error["loc"] else "setting"
            lines.append(f"{name} {error['msg'].removeprefix('Value error, ')}")
        raise ConfigError("; ".join(lines)) from None
