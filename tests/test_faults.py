"""Faults, each a test: the database away at start or mid-request, LINE refusing or slow, a
reply token that expired. The bot says what is wrong, loses nothing and sends nothing twice."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from bot.core import db
from bot.core.db import make_engine
from tests.conftest import ACCESS_TOKEN, CHANNEL_SECRET, post_webhook

DEAD_DATABASE = "postgresql+psycopg://navi@127.0.0.1:9/nowhere"  # port 9: nothing listens


def run_bot(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "LINE_CHANNEL_SECRET": CHANNEL_SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN,
        "SECRET_KEY": "k" * 32,
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_serve_with_the_database_down_says_so_and_exits_non_zero():
    result = run_bot("serve", "--port", "0", DATABASE_URL=DEAD_DATABASE)
    assert result.returncode == 2
    assert "cannot reach the database" in result.stderr and "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_on_a_database_without_migrations_says_which_command_to_run(tmp_path):
    result = run_bot("serve", "--port", "0", DATABASE_URL=f"sqlite:///{tmp_path / 'new.db'}")
    assert result.returncode == 2
    assert "python -m bot db upgrade" in result.stderr


def test_serve_refuses_to_start_production_without_its_secrets(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.db'}"
    no_line = run_bot(
        "serve", DATABASE_URL=url, LINE_CHANNEL_SECRET="", LINE_CHANNEL_ACCESS_TOKEN=""
    )
    assert no_line.returncode == 1 and "LINE_CHANNEL_SECRET" in no_line.stderr
    no_key = run_bot("serve", DATABASE_URL=url, SECRET_KEY="")
    assert no_key.returncode == 1 and "SECRET_KEY" in no_key.stderr


def test_database_down_mid_request_gets_503_and_the_redelivery_is_answered_once(
    app, client, events, standin
):
    dispatcher = app.extensions["navi"].dispatcher
    working = dispatcher.engine, dispatcher.sessions
    event = events.text("U" + "5" * 32, "コンビニで住民票を取りたい")
    dead = make_engine(DEAD_DATABASE)
    dispatcher.engine, dispatcher.sessions = dead, sessionmaker(bind=dead)
    try:
        assert post_webhook(client, events.body(event)).status_code == 503
    finally:
        dispatcher.engine, dispatcher.sessions = working
    assert standin.messages_to(event["source"]["userId"]) == []
    redelivery = {**event, "deliveryContext": {"isRedelivery": True}}
    assert post_webhook(client, events.body(redelivery)).status_code == 200
    assert post_webhook(client, events.body(redelivery)).status_code == 200
    replies = [c for c in standin.calls if c.path == "/v2/bot/message/reply" and c.status == 200]
    assert len(replies) == 1


def test_an_expired_reply_token_is_answered_by_push_once(resident, standin, events):
    resident.follow()
    event = events.text(resident.user_id, "スマホ教室はいつですか")
    standin.expire_reply_token(event["replyToken"])
    post_webhook(resident.client, events.body(event))
    pushes = [c for c in standin.calls if c.path == "/v2/bot/message/push" and c.status == 200]
    assert len(pushes) == 1 and pushes[0].json["to"] == resident.user_id
    assert "X-Line-Retry-Key" in pushes[0].headers


def test_an_expired_reply_token_of_someone_who_never_followed_sends_nothing(
    standin, events, client
):
    event = events.text("U" + "6" * 32, "こんにちは")
    standin.expire_reply_token(event["replyToken"])
    # They wrote without a follow we saw; they count as following (adopted), so they get a push.
    # A group chat, by contrast, never gets one:
    group = {**event, "source": {"type": "group", "groupId": "C1", "userId": "U" + "6" * 32}}
    post_webhook(client, events.body({**group, "webhookEventId": "01GROUPEVENT0000000000000X"}))
    assert [c for c in standin.calls if c.path == "/v2/bot/message/push"] == []


def test_line_failing_on_reply_is_kept_and_the_webhook_still_answers_200(resident, standin, caplog):
    standin.fail("/v2/bot/message/reply", 500, times=1)
    reply = resident.say("こんにちは")
    assert reply.status == 200
    assert "a reply was kept for retry (status=500)" in caplog.text  # tests/test_outbox.py


def cut_every_other_connection(database_url: str) -> int:
    """What a database restart or a firewall's idle timeout does to the app's pooled
    connections: their server ends go away. Returns how many were cut."""
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        cut = connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
    admin.dispose()
    return cut


def test_a_connection_that_died_while_idle_is_replaced_before_a_resident_needs_it(
    app, resident, database_url, monkeypatch
):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no server end to lose")
    assert resident.say("こんにちは").status == 200  # the pool now holds a connection
    assert cut_every_other_connection(database_url) >= 1
    monkeypatch.setattr(db, "IDLE_BEFORE_PING_S", 0.0)  # it has been idle "long enough"
    reply = resident.say("コンビニで住民票を取りたい")
    assert reply.status == 200 and "コンビニ" in reply.text


def test_a_connection_used_a_moment_ago_is_lent_without_a_round_trip_to_ask(
    app, resident, database_url, monkeypatch
):
    """One webhook event costs one round trip less on PostgreSQL than a ping on every
    checkout (SQLAlchemy's pool_pre_ping) did."""
    engine = app.extensions["navi"].engine
    asked = []
    ping = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda c: asked.append(c) or ping(c))
    for words in ("こんにちは", "コンビニで住民票を取りたい", "スマホ教室はいつ？"):
        assert resident.say(words).status == 200
    assert asked == []
