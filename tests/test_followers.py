"""Counting residents: follows, unfollows, re-follows, redeliveries, and simultaneous deliveries."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from werkzeug.serving import make_server

from bot.line.standin import sign_body
from bot.residents.followers import followers_at
from tests.conftest import CHANNEL_SECRET, post_webhook


def stats(settings) -> dict:
    """What `python -m bot stats --json` prints for this database."""
    env = {**os.environ, "DATABASE_URL": settings.database_url, "FOLLOWER_TARGET": "33000"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "stats", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_a_follow_counts_once_even_when_redelivered(client, events, settings):
    follow = events.follow("U" + "1" * 32)
    post_webhook(client, events.body(follow))
    post_webhook(client, events.body({**follow, "deliveryContext": {"isRedelivery": True}}))
    assert stats(settings) == {"followers": 1, "target": 33000, "gap": 32999, "progress": 0.0}


def test_unfollow_and_refollow_move_the_count_and_keep_history(client, events, app):
    user = "U" + "2" * 32
    day = 86_400_000
    base = (int(time.time() * 1000) // day - 3) * day  # midnight three days ago (UTC)
    post_webhook(client, events.body({**events.follow(user), "timestamp": base}))
    post_webhook(client, events.body({**events.unfollow(user), "timestamp": base + day}))
    refollow = {**events.follow(user, is_unblocked=True), "timestamp": base + 2 * day}
    post_webhook(client, events.body(refollow))
    at = lambda ms: dt.datetime.fromtimestamp(ms / 1000, dt.UTC)  # noqa: E731
    with app.extensions["navi"].sessions() as db:
        assert followers_at(db, at(base + day // 2)) == 1
        assert followers_at(db, at(base + day + 1)) == 0
        assert followers_at(db, at(base + 2 * day + 1)) == 1
        assert followers_at(db) == 1


def test_a_late_old_unfollow_does_not_undo_a_newer_follow(client, events, app):
    user = "U" + "3" * 32
    now = int(time.time() * 1000)
    post_webhook(client, events.body({**events.follow(user), "timestamp": now}))
    post_webhook(client, events.body({**events.unfollow(user), "timestamp": now - 3_600_000}))
    with app.extensions["navi"].sessions() as db:
        assert followers_at(db) == 1


def test_forty_follows_in_eight_simultaneous_deliveries_are_all_counted(app, events, settings):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/callback"

    def deliver(batch: int) -> int:
        users = [f"U{batch:02d}{n:030d}" for n in range(5)]
        body = events.body(*(events.follow(u) for u in users))
        request = urllib.request.Request(
            url,
            data=body,
            headers={"X-Line-Signature": sign_body(body, CHANNEL_SECRET)},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(deliver, range(8)))
    finally:
        server.shutdown()
    assert statuses == [200] * 8
    assert stats(settings)["followers"] == 40


def test_someone_who_writes_without_a_follow_we_saw_is_counted_once(resident, app):
    resident.say("こんにちは")
    resident.say("ありがとう")
    with app.extensions["navi"].sessions() as db:
        assert followers_at(db) == 1


def test_two_first_messages_at_once_make_one_follower_and_two_answers(app, events, standin):
    from sqlalchemy import func, select

    from bot.core.models import Follower

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/callback"
    user = "U" + "9" * 32

    def deliver(text: str) -> int:
        body = events.body(events.text(user, text))
        request = urllib.request.Request(
            url, data=body, headers={"X-Line-Signature": sign_body(body, CHANNEL_SECRET)}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status

    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            assert list(pool.map(deliver, ["こんにちは", "コンビニ交付"])) == [200, 200]
    finally:
        server.shutdown()
    with app.extensions["navi"].sessions() as db:
        assert db.scalar(select(func.count()).select_from(Follower)) == 1
    replies = [c for c in standin.calls if c.path == "/v2/bot/message/reply"]
    assert len(replies) == 2
    assert not any("エラーが起きました" in str(c.json) for c in replies)  # no apology


def test_a_resident_who_erases_their_data_and_writes_again_is_counted_once(resident, app):
    resident.follow()
    ask = resident.say("データ削除")
    resident.tap(ask.labels[0])
    resident.say("こんにちは")  # still a friend, now unknown to us: counted afresh
    with app.extensions["navi"].sessions() as db:
        assert followers_at(db) == 1
