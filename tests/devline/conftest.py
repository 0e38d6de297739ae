"""Fixtures for the stand-in's tests: a running StandIn and real SDK clients pointed at it."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# The project is not installed into the venv; make `import bot` work however pytest is invoked.
ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from linebot.v3.insight import ApiClient as InsightApiClient  # noqa: E402
from linebot.v3.insight import Configuration as InsightConfiguration  # noqa: E402
from linebot.v3.insight import Insight  # noqa: E402
from linebot.v3.messaging import (  # noqa: E402
    ApiClient,
    Configuration,
    MessagingApi,
    MessagingApiBlob,
)

from bot.line.standin import StandIn  # noqa: E402

ACCESS_TOKEN = "devline-test-channel-access-token"


@pytest.fixture
def access_token() -> str:
    """The channel access token the stand-in accepts."""
    return ACCESS_TOKEN


@pytest.fixture
def standin() -> Iterator[StandIn]:
    """A started stand-in on an ephemeral loopback port."""
    instance = StandIn(ACCESS_TOKEN)
    instance.start()
    yield instance
    instance.stop()


def messaging_api(base_url: str, token: str = ACCESS_TOKEN) -> MessagingApi:
    """A real SDK client aimed at the stand-in."""
    return MessagingApi(ApiClient(Configuration(host=base_url, access_token=token)))


@pytest.fixture
def api(standin: StandIn) -> MessagingApi:
    """MessagingApi with the right token."""
    return messaging_api(standin.base_url)


@pytest.fixture
def make_api() -> Callable[..., MessagingApi]:
    """Build a MessagingApi for any base URL / token (e.g. a wrong token)."""
    return messaging_api


@pytest.fixture
def blob(standin: StandIn) -> MessagingApiBlob:
    """MessagingApiBlob; with host set it uses the same host as MessagingApi."""
    return MessagingApiBlob(
        ApiClient(Configuration(host=standin.base_url, access_token=ACCESS_TOKEN))
    )


@pytest.fixture
def insight(standin: StandIn) -> Insight:
    """The Insight API client (its own module, its own Configuration)."""
    config = InsightConfiguration(host=standin.base_url, access_token=ACCESS_TOKEN)
    return Insight(InsightApiClient(config))


@pytest.fixture
def raw(standin: StandIn) -> Callable[..., tuple[int, Any, dict[str, str]]]:
    """Send a hand-made request (for what the SDK cannot send): returns status, JSON, headers."""

    def send(
        method: str,
        path: str,
        body: bytes | dict[str, Any] | None = None,
        *,
        token: str | None = ACCESS_TOKEN,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any, dict[str, str]]:
        data = json.dumps(body).encode() if isinstance(body, dict) else body
        request = urllib.request.Request(standin.base_url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if token is not None:
            request.add_header("Authorization", f"Bearer {token}")
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                status, text, got = response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as err:
            status, text, got = err.code, err.read(), dict(err.headers)
        return status, json.loads(text) if text else None, {k.lower(): v for k, v in got.items()}

    return send
