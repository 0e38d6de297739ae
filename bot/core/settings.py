"""One typed settings object, read from the environment once and validated at start.

Nothing here runs at import time: `Settings.from_env()` is called by the app factory, the CLI and
the scheduler, so tests can build settings of their own without touching the environment.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TypedDict, Unpack
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_API_BASE_URL = "https://api.line.me"
DEFAULT_DATABASE_URL = "sqlite:///instance/bot.db"


class SettingsError(ValueError):
    """A configuration value is missing or malformed; the message says which and how to fix it."""


class SettingsChanges(TypedDict, total=False):
    """The fields `Settings.with_overrides` may replace, with their types."""

    channel_secret: str | None
    channel_access_token: str | None
    api_base_url: str
    database_url: str
    secret_key: str
    follower_target: int
    timezone: str
    demo: bool
    session_idle_minutes: int
    session_max_hours: int
    trusted_proxies: int
    recheck_after_days: int
    public_base_url: str | None


@dataclass(frozen=True)
class Settings:
    """Everything the app needs from its environment (DESIGN §4)."""

    channel_secret: str | None
    channel_access_token: str | None
    api_base_url: str
    database_url: str
    secret_key: str
    follower_target: int
    timezone: str
    # Demo mode: started without LINE credentials, so the local stand-in plays LINE's part
    # (demo mode then fills in credentials of its own for the stand-in).
    demo: bool = False
    # Console sessions end after this long without a request, and this long after login.
    session_idle_minutes: int = 30
    session_max_hours: int = 12
    # How many proxies in front of the app may set X-Forwarded-For / -Proto (0: none is
    # trusted, and the client's address is the connection's).
    trusted_proxies: int = 0
    # An answer whose facts were checked longer ago than this is due for re-check (the
    # console's answers list and dashboard, and the weekly freshness job).
    recheck_after_days: int = 180
    # Where residents reach this app from the internet (https://navi.example.jp): cards then
    # link to official pages through /r/<token>, so the bot can count the taps. Unset: direct.
    public_base_url: str | None = None

    @property
    def tz(self) -> ZoneInfo:
        """The zone all schedules and displayed times use."""
        return ZoneInfo(self.timezone)

    def with_overrides(self, **changes: Unpack[SettingsChanges]) -> Settings:
        """A copy with some fields replaced (demo mode and tests use this)."""
        return replace(self, **changes)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read and validate DESIGN §4's variables; raise SettingsError with a clear message."""
        env = os.environ if env is None else env
        secret = env.get("LINE_CHANNEL_SECRET") or None
        token = env.get("LINE_CHANNEL_ACCESS_TOKEN") or None
        if bool(secret) != bool(token):
            missing = "LINE_CHANNEL_ACCESS_TOKEN" if secret else "LINE_CHANNEL_SECRET"
            raise SettingsError(
                f"{missing} is not set. Set both LINE_CHANNEL_SECRET and "
                "LINE_CHANNEL_ACCESS_TOKEN (from the LINE Developers console), "
                "or neither to run in demo mode."
            )
        base_url = env.get("LINE_API_BASE_URL", DEFAULT_API_BASE_URL).rstrip("/")
        if not base_url.startswith(("http://", "https://")):
            raise SettingsError(
                f"LINE_API_BASE_URL must start with http:// or https:// (got {base_url!r})."
            )
        target_text = env.get("FOLLOWER_TARGET", "33000")
        try:
            target = int(target_text)
        except ValueError:
            raise SettingsError(
                f"FOLLOWER_TARGET must be a whole number (got {target_text!r})."
            ) from None
        if target <= 0:
            raise SettingsError(f"FOLLOWER_TARGET must be positive (got {target}).")
        public_base_url = env.get("PUBLIC_BASE_URL", "").strip().rstrip("/") or None
        if public_base_url and not public_base_url.startswith(("https://", "http://")):
            raise SettingsError(
                f"PUBLIC_BASE_URL must start with https:// (got {public_base_url!r})."
            )
        timezone = env.get("BOT_TIMEZONE", "Asia/Tokyo")
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(
                f"BOT_TIMEZONE {timezone!r} is not a known time zone; try Asia/Tokyo."
            ) from None
        return cls(
            channel_secret=secret,
            channel_access_token=token,
            api_base_url=base_url,
            database_url=env.get("DATABASE_URL", DEFAULT_DATABASE_URL),
            # A random key per start is right for demo mode; production sets SECRET_KEY so
            # console sessions survive restarts and are shared between workers.
            secret_key=env.get("SECRET_KEY") or secrets.token_hex(32),
            follower_target=target,
            timezone=timezone,
            demo=not secret,
            session_idle_minutes=_whole_number(env, "SESSION_IDLE_MINUTES", 30, least=1),
            session_max_hours=_whole_number(env, "SESSION_MAX_HOURS", 12, least=1),
            trusted_proxies=_whole_number(env, "TRUSTED_PROXIES", 0, least=0),
            recheck_after_days=_whole_number(env, "RECHECK_AFTER_DAYS", 180, least=1),
            public_base_url=public_base_url,
        )


def _whole_number(env: Mapping[str, str], name: str, default: int, least: int) -> int:
    """A whole number from the environment (`default` when unset), at least `least`."""
    text = env.get(name, "").strip()
    if not text:
        return default
    # isdecimal, not isdigit: ² passes isdigit() and then int() raises a bare ValueError.
    if not text.isdecimal() or int(text) < least:
        raise SettingsError(f"{name} {text!r} must be a whole number of at least {least}.")
    return int(text)
