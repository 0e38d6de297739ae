"""Importing LINE's follower list: paged, idempotent, counted, every topic on."""

import os
import subprocess
import sys

from sqlalchemy import func, select

from bot.core.catalogue import subscribable_topics
from bot.core.models import Follower, FollowerTopic
from bot.residents.followers import followers_at
from bot.residents.sync import sync_followers
from tests.conftest import ACCESS_TOKEN, CHANNEL_SECRET


def test_sync_imports_every_page_once_and_a_second_run_adds_nothing(app, standin):
    ids = [f"U{n:032x}" for n in range(2500)]
    standin.set_followers(ids)
    navi = app.extensions["navi"]
    first = sync_followers(navi.sessions, navi.gateway)
    second = sync_followers(navi.sessions, navi.gateway)
    assert (first.seen, first.added) == (2500, 2500)
    assert (second.seen, second.added) == (2500, 0)
    with navi.sessions() as db:
        assert db.scalar(select(func.count()).select_from(Follower)) == 2500
        assert db.scalar(select(func.count()).select_from(FollowerTopic)) == 2500 * len(
            subscribable_topics()
        )
        assert followers_at(db) == 2500


def test_a_synced_follower_who_then_follows_is_not_counted_twice(app, standin, resident):
    standin.set_followers([resident.user_id])
    navi = app.extensions["navi"]
    sync_followers(navi.sessions, navi.gateway)
    resident.follow()
    with navi.sessions() as db:
        assert followers_at(db) == 1


def test_cli_shows_progress_and_a_summary(app, standin, settings):
    standin.set_followers([f"U{n:032x}" for n in range(1200)])
    env = {
        **os.environ,
        "LINE_CHANNEL_SECRET": CHANNEL_SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN,
        "LINE_API_BASE_URL": standin.base_url,
        "DATABASE_URL": settings.database_url,
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "sync-followers"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "1,000 IDs read" in result.stderr and "1,200 IDs read" in result.stderr
    assert "synced 1,200 follower IDs: 1,200 new" in result.stdout


def test_sync_gives_each_new_friend_their_profile_language(app, standin):
    """Asked once per new ID; no profile (404) or LINE refusing (500) → the default."""
    ids = [f"U{n:032x}" for n in range(6)]
    standin.set_followers(ids)
    standin.add_profile(ids[0], "Alex", language="en")
    standin.add_profile(ids[1], "Lan", language="vi")  # a language we do not speak: English
    standin.add_profile(ids[2], "花子", language="ja")
    standin.add_profile(ids[3], "次郎", language="ja")
    standin.fail("/v2/bot/profile/" + ids[3], 500)
    navi = app.extensions["navi"]
    sync_followers(navi.sessions, navi.gateway, languages=navi.content.languages)
    with navi.sessions() as db:
        rows = dict(db.execute(select(Follower.line_user_id, Follower.language)).all())
    assert [rows[u] for u in ids] == ["en", "en", "ja", "ja", "ja", "ja"]


def test_sync_waits_out_a_rate_limit_on_profiles(app, standin):
    user_id = "U" + "e" * 32
    standin.set_followers([user_id])
    standin.add_profile(user_id, "Alex", language="en")
    standin.fail("/v2/bot/profile/", 429, times=2)
    waits: list[float] = []
    navi = app.extensions["navi"]
    sync_followers(
        navi.sessions, navi.gateway, languages=navi.content.languages, sleep=waits.append
    )
    with navi.sessions() as db:
        assert db.scalar(select(Follower.language)) == "en"
    assert waits[:1] == [1.0] and 2.0 in waits


def test_sync_without_languages_asks_no_profile(app, standin):
    user_id = "U" + "f" * 32
    standin.set_followers([user_id])
    standin.add_profile(user_id, "Alex", language="en")
    navi = app.extensions["navi"]
    sync_followers(navi.sessions, navi.gateway)
    assert not [c for c in standin.calls if "/profile/" in c.path]
    with navi.sessions() as db:
        assert db.scalar(select(Follower.language)) == "ja"
