"""Configuration mistakes are caught at start with a message that says what to do."""

import os
import subprocess
import sys

import pytest

from bot.core.settings import Settings, SettingsError


def test_no_credentials_means_demo_mode_with_the_documented_defaults():
    settings = Settings.from_env({})
    assert settings.demo
    assert settings.api_base_url == "https://api.line.me"
    assert settings.database_url == "sqlite:///instance/bot.db"
    assert settings.follower_target == 33000
    assert settings.timezone == "Asia/Tokyo"


def test_both_credentials_mean_production_mode():
    settings = Settings.from_env({"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t"})
    assert not settings.demo


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"LINE_CHANNEL_SECRET": "s"}, "LINE_CHANNEL_ACCESS_TOKEN is not set"),
        ({"LINE_CHANNEL_ACCESS_TOKEN": "t"}, "LINE_CHANNEL_SECRET is not set"),
        ({"FOLLOWER_TARGET": "lots"}, "FOLLOWER_TARGET must be a whole number"),
        ({"FOLLOWER_TARGET": "0"}, "FOLLOWER_TARGET must be positive"),
        ({"SESSION_IDLE_MINUTES": "²"}, "SESSION_IDLE_MINUTES '²' must be a whole number"),
        ({"TRUSTED_PROXIES": "-1"}, "TRUSTED_PROXIES '-1' must be a whole number of at least 0"),
        ({"BOT_TIMEZONE": "Mars/Olympus"}, "not a known time zone"),
        ({"LINE_API_BASE_URL": "api.line.me"}, "must start with http"),
    ],
)
def test_bad_configuration_is_refused_with_a_clear_message(env, says):
    with pytest.raises(SettingsError, match=says):
        Settings.from_env(env)


def test_the_command_line_reports_bad_configuration_and_exits_2():
    env = {**os.environ, "LINE_CHANNEL_SECRET": "only-half"}
    env.pop("LINE_CHANNEL_ACCESS_TOKEN", None)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "stats"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "LINE_CHANNEL_ACCESS_TOKEN is not set" in result.stderr
    assert "only-half" not in result.stderr  # a secret is never echoed back
