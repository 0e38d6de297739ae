"""Headless Chromium (Debian's package) driven by Playwright's Python package.

Playwright's own browser download cannot work here, so we hand it Debian's executable. Outside CI
a machine without Chromium skips these tests with the reason; in CI (REQUIRE_BROWSER=1) it fails.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail("REQUIRE_BROWSER is set but Debian's chromium is not installed")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@dataclass(frozen=True)
class Demo:
    """A running demo: where it answers, its LINE stand-in, and the app (for its database)."""

    base_url: str
    standin: object
    app: object


@contextmanager
def running_demo(folder: Path, history: bool = False) -> Iterator[Demo]:
    """The demo app (stand-in, migrated SQLite in `folder`, sample sessions, in-process
    scheduler; with `history`, the year `make run` seeds) on a real local port, until the block
    ends."""
    from bot.cli.demo import build_demo_app
    from bot.core.settings import Settings

    settings = Settings.from_env({"DATABASE_URL": f"sqlite:///{folder / 'demo.db'}"})
    app, standin = build_demo_app(settings, history=history)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield Demo(f"http://127.0.0.1:{server.server_port}", standin, app)
    finally:
        server.shutdown()
        app.extensions["demo_scheduler"].shutdown(wait=False)
        standin.stop()
        app.extensions["navi"].engine.dispose()


@pytest.fixture
def demo(tmp_path):
    """A fresh demo for one test."""
    with running_demo(tmp_path) as running:
        yield running


@pytest.fixture
def demo_server(demo):
    """(base URL, stand-in) of the running demo."""
    return demo.base_url, demo.standin


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="ja-JP", viewport={"width": 420, "height": 860})
    page = context.new_page()
    yield page
    context.close()
