"""Fixtures: a strict LINE stand-in, the app on SQLite (and PostgreSQL when CI provides it),
and residents who talk to the bot through real signed webhooks.

Conversation tests read like a conversation:

    reply = resident.say("コンビニで住民票を取りたい")
    assert "マイナンバーカード" in reply.text
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, make_url, text

from bot import create_app
from bot.core.db import Base, make_engine
from bot.core.migrate import upgrade
from bot.core.settings import Settings
from bot.line.standin import EventFactory, StandIn, sign_body

CHANNEL_SECRET = "test-channel-secret-0123456789ab"
ACCESS_TOKEN = "test-access-token"
# `make test` runs the suite on every core (pytest-xdist): each worker gets a database of its
# own beside CI's (navi_test → navi_test_gw0, navi_test_gw1…), created on first use.
SHARED_POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
POSTGRES_URL = (
    make_url(SHARED_POSTGRES_URL)
    .set(database=f"{make_url(SHARED_POSTGRES_URL).database}_{XDIST_WORKER}")
    .render_as_string(hide_password=False)
    if SHARED_POSTGRES_URL and XDIST_WORKER
    else SHARED_POSTGRES_URL
)
# NAVI_E2E_SERVED=1: conversations go over HTTP to `python -m bot serve` (gunicorn, 2 workers)
# on PostgreSQL, as deployed — proof that nothing depends on one process's memory.
SERVED = os.environ.get("NAVI_E2E_SERVED") == "1"
DATABASES = ["postgresql"] if SERVED else ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


def pytest_collection_modifyitems(config, items):
    """In CI, a missing PostgreSQL or browser is a failure, never a quiet skip."""
    if os.environ.get("REQUIRE_POSTGRES") and not POSTGRES_URL:
        raise pytest.UsageError("REQUIRE_POSTGRES is set but TEST_POSTGRES_URL is not")


@pytest.fixture(scope="session")
def standin():
    """One strict stand-in of the Messaging API for the whole run (cleared for every test)."""
    with StandIn(access_token=ACCESS_TOKEN) as running:
        yield running


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """An SQLite file migrated once; each test gets a copy (migrations are tested on their own)."""
    path = tmp_path_factory.mktemp("template") / "bot.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def migrated_postgres():
    """The CI PostgreSQL database, migrated once from an empty schema."""
    if not POSTGRES_URL:
        pytest.skip("TEST_POSTGRES_URL not set")
    if POSTGRES_URL != SHARED_POSTGRES_URL:
        create_database_once(SHARED_POSTGRES_URL, make_url(POSTGRES_URL).database)
    engine = make_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(engine)
    # What the migrations seed (the plan's targets, the content revision…): put back after each
    # test's TRUNCATE, so every test starts from a freshly migrated database, as on SQLite.
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            rows = [dict(row._mapping) for row in connection.execute(table.select())]
            if rows:
                MIGRATION_SEEDS[table.name] = rows
    engine.dispose()
    return POSTGRES_URL


MIGRATION_SEEDS: dict[str, list[dict]] = {}


def create_database_once(server_url: str, name: str) -> None:
    """This worker's own database on the test server, made if it is not there yet."""
    server = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()


@pytest.fixture(params=DATABASES)
def database_url(request, tmp_path) -> str:
    """A migrated, empty database of each kind under test."""
    if request.param == "sqlite":
        copy = tmp_path / "bot.db"
        shutil.copy(request.getfixturevalue("migrated_sqlite"), copy)
        return f"sqlite:///{copy}"
    url = request.getfixturevalue("migrated_postgres")
    engine = make_engine(url)
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        for table in Base.metadata.sorted_tables:
            if table.name in MIGRATION_SEEDS:
                connection.execute(table.insert(), MIGRATION_SEEDS[table.name])
                if "id" in table.c and table.c.id.autoincrement:  # the next id follows them
                    connection.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"(SELECT max(id) FROM {table.name}))"
                        )
                    )
    engine.dispose()
    return url


@pytest.fixture
def settings(database_url, standin) -> Settings:
    """Settings of a production-like bot pointed at the stand-in."""
    return Settings(
        channel_secret=CHANNEL_SECRET,
        channel_access_token=ACCESS_TOKEN,
        api_base_url=standin.base_url,
        database_url=database_url,
        secret_key="test-secret-key",
        follower_target=33000,
        timezone="Asia/Tokyo",
    )


@pytest.fixture
def app(settings, standin):
    """The app, built by the same factory as production."""
    standin.clear()
    standin.clear_faults()
    app = create_app(settings)
    app.config["TESTING"] = True
    yield app
    navi = app.extensions["navi"]
    navi.gateway.close()
    navi.engine.dispose()


@pytest.fixture
def client(app, request):
    """Requests to the bot: through Flask's test client, or over HTTP to gunicorn (SERVED)."""
    if SERVED:
        return HttpClient(request.getfixturevalue("served_bot"))
    return app.test_client()


class HttpClient:
    """The part of Flask's test client the conversation tests use, over real HTTP."""

    def __init__(self, base_url: str):
        self.base_url = base_url

    def post(self, path: str, data: bytes, headers: dict):
        request = urllib.request.Request(
            self.base_url + path, data=data, headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return SimpleNamespace(status_code=response.status)
        except urllib.error.HTTPError as error:
            return SimpleNamespace(status_code=error.code)


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_serve(env: dict, *serve_args: str) -> tuple[subprocess.Popen, str]:
    """`python -m bot serve` on a free port, once it answers /healthz: the process and its
    base URL. Its stderr goes to a file (a pipe nobody reads could fill and stall it) and is
    shown if it does not start."""
    port = free_port()
    command = [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port)]
    base_url = f"http://127.0.0.1:{port}"
    # The server keeps its own handle on the file once started; ours only reads it on failure.
    with tempfile.TemporaryFile() as errors:
        server = subprocess.Popen(
            [*command, *serve_args], env=env, stdout=subprocess.DEVNULL, stderr=errors
        )
        deadline = time.monotonic() + 90  # a loaded machine imports slowly
        while True:
            try:
                urllib.request.urlopen(base_url + "/healthz", timeout=1).close()
                return server, base_url
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    errors.seek(0)
                    stderr = errors.read().decode(errors="replace")[-2000:]
                    raise RuntimeError(f"`python -m bot serve` did not start:\n{stderr}") from None
                time.sleep(0.2)


@pytest.fixture(scope="session")
def served_bot(standin, migrated_postgres):
    """`python -m bot serve` with 2 gunicorn workers and `python -m bot scheduler`, on the test
    PostgreSQL database."""
    env = {
        **os.environ,
        "LINE_CHANNEL_SECRET": CHANNEL_SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN,
        "LINE_API_BASE_URL": standin.base_url,
        "DATABASE_URL": migrated_postgres,
        "SECRET_KEY": "e2e-secret-key-shared-by-both-workers",
    }
    server, base_url = start_serve(env, "--workers", "2")
    # …and exactly one scheduler process beside them, as the README's deployment says.
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "bot", "scheduler"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield base_url
    for process in (server, scheduler):
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def events(standin) -> EventFactory:
    """Webhook events as LINE sends them, with reply tokens the stand-in will accept."""
    return EventFactory(standin)


def post_webhook(client, body: bytes, signature: str | None = "sign"):
    """POST a body to /callback, signed correctly unless told otherwise."""
    headers = {"Content-Type": "application/json"}
    if signature == "sign":
        headers["X-Line-Signature"] = sign_body(body, CHANNEL_SECRET)
    elif signature is not None:
        headers["X-Line-Signature"] = signature
    return client.post("/callback", data=body, headers=headers)


@dataclass
class Reply:
    """What the bot sent back for one thing the resident did."""

    messages: list[dict]
    status: int = 200

    @property
    def text(self) -> str:
        """Everything a resident can read in the reply, as one string."""
        return "\n".join(_readable(m) for m in self.messages)

    @property
    def quick_replies(self) -> list[dict]:
        """The quick-reply actions of the last message that has them."""
        for message in reversed(self.messages):
            if "quickReply" in message:
                return [item["action"] for item in message["quickReply"]["items"]]
        return []

    @property
    def labels(self) -> list[str]:
        """The labels of the quick-reply buttons."""
        return [a["label"] for a in self.quick_replies]

    def button(self, label: str) -> dict:
        """The quick-reply or card button whose label contains `label`."""
        for action in self.quick_replies + _card_actions(self.messages):
            if label in action.get("label", ""):
                return action
        raise AssertionError(f"no button {label!r} in {self.labels}")


def _readable(message: dict) -> str:
    if message["type"] == "text":
        return message["text"]
    if message["type"] == "flex":
        return message["altText"] + "\n" + "\n".join(_flex_texts(message["contents"]))
    return f"[{message['type']}]"


def _flex_texts(node) -> list[str]:
    if isinstance(node, dict):
        found = [node["text"]] if node.get("type") == "text" else []
        for value in node.values():
            found += _flex_texts(value)
        return found
    if isinstance(node, list):
        return [t for item in node for t in _flex_texts(item)]
    return []


def _card_actions(messages: list[dict]) -> list[dict]:
    actions = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "button":
                actions.append(node["action"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(messages)
    return actions


@dataclass
class Resident:
    """A resident on LINE: everything they do goes through a real signed webhook."""

    client: object
    standin: StandIn
    events: EventFactory
    user_id: str
    history: list[Reply] = field(default_factory=list)

    def _deliver(self, event: dict) -> Reply:
        before = len(self.standin.messages_to(self.user_id))
        response = post_webhook(self.client, self.events.body(event))
        reply = Reply(self.standin.messages_to(self.user_id)[before:], response.status_code)
        self.history.append(reply)
        return reply

    def say(self, words: str) -> Reply:
        """Type a message."""
        return self._deliver(self.events.text(self.user_id, words))

    def tap(self, label: str) -> Reply:
        """Tap a button of the bot's last reply."""
        action = self.history[-1].button(label)
        if action["type"] == "postback":
            return self._deliver(self.events.postback(self.user_id, action["data"]))
        if action["type"] == "message":
            return self.say(action["text"])
        raise AssertionError(f"button {label!r} opens {action.get('uri')}, it does not talk")

    def press(self, data: str) -> Reply:
        """Tap a button by its postback data: a rich menu tile, or a button of an older
        message (what `tap` finds by label in the last reply)."""
        return self._deliver(self.events.postback(self.user_id, data))

    def follow(self, *, is_unblocked: bool = False) -> Reply:
        """Add the account as a friend."""
        return self._deliver(self.events.follow(self.user_id, is_unblocked=is_unblocked))

    def unfollow(self) -> Reply:
        """Block the account."""
        return self._deliver(self.events.unfollow(self.user_id))

    def send(self, kind: str) -> Reply:
        """Send a sticker, image, audio or location."""
        return self._deliver(getattr(self.events, kind)(self.user_id))


@pytest.fixture
def resident(client, standin, events) -> Resident:
    """A resident with a Japanese LINE profile."""
    user_id = "U" + "1" * 32
    standin.add_profile(user_id, "板橋 花子", language="ja")
    return Resident(client, standin, events, user_id)


@pytest.fixture
def neighbour(client, standin, events) -> Resident:
    """A second resident, to compete for seats."""
    user_id = "U" + "3" * 32
    standin.add_profile(user_id, "板橋 次郎", language="ja")
    return Resident(client, standin, events, user_id)


@pytest.fixture
def english_resident(client, standin, events) -> Resident:
    """A resident whose LINE is set to English."""
    user_id = "U" + "2" * 32
    standin.add_profile(user_id, "Alex Smith", language="en")
    return Resident(client, standin, events, user_id)
