"""Announcements reach exactly the residents who asked for the topic, once, whatever LINE says."""

from __future__ import annotations

import collections
import datetime as dt
import math
import os
import subprocess
import sys
import time
import uuid

import pytest
from sqlalchemy import delete, select, update

from bot import announcements
from bot.core.db import utcnow
from bot.core.models import Announcement, AuditEntry, DeliveryBatch, Follower, FollowerTopic
from bot.residents.followers import adopt_many
from tests.admin_helpers import console_client, csrf_from, log_in, make_user
from tests.conftest import ACCESS_TOKEN, CHANNEL_SECRET


def user_ids(n: int, first: int = 0) -> list[str]:
    """`n` well-formed LINE user IDs ("U" and 32 hex digits), numbered from `first`."""
    return [f"U{i:032x}" for i in range(first, first + n)]


def seed(app, ids: list[str], *, only_topic: str | None = None) -> None:
    """Followers with every topic on (the default), or with just one."""
    with app.extensions["navi"].sessions() as db:
        for start in range(0, len(ids), 5000):
            adopt_many(db, ids[start : start + 5000], "synced")
        if only_topic:
            follower_ids = select(Follower.id).where(Follower.line_user_id.in_(ids))
            db.execute(
                delete(FollowerTopic).where(
                    FollowerTopic.follower_id.in_(follower_ids), FollowerTopic.topic != only_topic
                )
            )
        db.commit()


def announce(app, topic, text="スマホ教室の新しい日程を公開しました", **options):
    navi = app.extensions["navi"]
    with navi.sessions() as db:
        announcement = announcements.create_announcement(
            db, text=text, topic=topic, created_by="test:staff"
        )
        db.commit()
    return announcements.send_announcement(
        navi.sessions, navi.gateway, announcement.id, sleep=lambda s: None, **options
    )


def deliveries(standin) -> collections.Counter:
    """How many times each resident received an announcement."""
    received = collections.Counter()
    for call in standin.calls:
        if call.path == "/v2/bot/message/multicast" and call.status == 200:
            received.update(call.json["to"])
    return received


def test_only_subscribers_of_the_topic_who_still_follow_receive_it(app, standin):
    seed(app, user_ids(3, first=100), only_topic="smartphone_class")
    seed(app, user_ids(2, first=200), only_topic="ward_news")
    with app.extensions["navi"].sessions() as db:
        db.execute(
            Follower.__table__.update()
            .where(Follower.line_user_id == user_ids(3, first=100)[0])
            .values(following=False)
        )
        db.commit()
    report = announce(app, "smartphone_class")
    assert report.status == "sent" and report.delivered == 2
    assert set(deliveries(standin)) == set(user_ids(3, first=100)[1:])


def test_all_reaches_everyone_who_accepts_any_topic_but_not_those_who_stopped_all(app, standin):
    seed(app, user_ids(4))
    with app.extensions["navi"].sessions() as db:
        stopped = db.scalar(select(Follower).where(Follower.line_user_id == user_ids(4)[0]))
        stopped.topics.clear()
        db.commit()
    assert announce(app, None).delivered == 3
    assert user_ids(4)[0] not in deliveries(standin)


def test_every_subscriber_gets_it_exactly_once_through_rate_limits_and_server_errors(app, standin):
    ids = user_ids(5200)
    seed(app, ids)
    standin.fail("/v2/bot/message/multicast", 500, every_nth=7)
    standin.fail("/v2/bot/message/multicast", 429, times=2)
    report = announce(app, "smartphone_class")
    received = deliveries(standin)
    assert report.status == "sent" and report.delivered == 5200
    assert set(received) == set(ids) and set(received.values()) == {1}
    calls = [c for c in standin.calls if c.path == "/v2/bot/message/multicast"]
    assert all(uuid.UUID(c.headers["X-Line-Retry-Key"]) for c in calls)
    assert all(len(c.json["to"]) <= 500 for c in calls)


def test_a_batch_line_already_accepted_counts_as_delivered_and_is_not_resent(app, standin):
    seed(app, user_ids(10))
    navi = app.extensions["navi"]
    with navi.sessions() as db:
        announcement = announcements.create_announcement(
            db, text="お知らせ", topic=None, created_by="test:staff"
        )
        db.commit()
    # A first sender reached LINE but died before recording the batch as sent.
    with navi.sessions() as db:
        announcements._begin(db, navi.gateway, db.get(announcements.Announcement, announcement.id))
        batch = db.scalar(select(DeliveryBatch))
        ids = user_ids(10)
        navi.gateway.multicast(ids, [{"type": "text", "text": "お知らせ"}], batch.retry_key)
    report = announcements.send_announcement(navi.sessions, navi.gateway, announcement.id)
    assert report.delivered == 10
    assert set(deliveries(standin).values()) == {1}


def test_a_refusal_that_retrying_cannot_fix_is_recorded_not_retried(app, standin):
    seed(app, user_ids(3))
    standin.fail("/v2/bot/message/multicast", 400, times=1)
    report = announce(app, "ward_news")
    assert report.status == "partly_sent" and report.failed == 3
    with app.extensions["navi"].sessions() as db:
        batch = db.scalar(select(DeliveryBatch))
        assert (
            batch.status == "failed" and batch.attempts == 1 and batch.last_error.startswith("400")
        )


# IDs LINE refuses as recipients, as an old import or a bug might have stored them: seeded
# straight into the database, past the webhook's check of what a user ID looks like.
MALFORMED_IDS = ["Unot-a-line-user-id", "U" + "F" * 32]


def seed_with_two_malformed(app) -> list[str]:
    """18 residents with the two malformed IDs among them, in one batch; returns the 18."""
    good = user_ids(18)
    for group in (good[:5], MALFORMED_IDS[:1], good[5:13], MALFORMED_IDS[1:], good[13:]):
        seed(app, group)
    return good


def test_two_malformed_ids_in_a_batch_of_20_cost_only_those_two(app, standin):
    good = seed_with_two_malformed(app)
    report = announce(app, "ward_news")
    assert deliveries(standin) == collections.Counter(good)  # each of the 18 exactly once
    assert (report.status, report.delivered, report.failed) == ("partly_sent", 18, 2)
    with app.extensions["navi"].sessions() as db:
        unreachable = db.scalars(select(Follower.line_user_id).where(~Follower.following))
        assert set(unreachable) == set(MALFORMED_IDS)


def test_the_next_announcement_skips_the_residents_line_refused(app, standin):
    good = seed_with_two_malformed(app)
    announce(app, "ward_news")
    standin.clear()
    report = announce(app, "ward_news", text="次のお知らせ")
    calls = [c for c in standin.calls if c.path == "/v2/bot/message/multicast"]
    assert [c.status for c in calls] == [200] and sorted(calls[0].json["to"]) == good
    assert (report.status, report.delivered, report.failed) == ("sent", 18, 0)


def test_one_malformed_id_among_500_costs_a_few_extra_calls_not_500(app, standin):
    seed(app, user_ids(250))
    seed(app, MALFORMED_IDS[:1])
    seed(app, user_ids(249, first=250))
    report = announce(app, None)
    calls = [c for c in standin.calls if c.path == "/v2/bot/message/multicast"]
    assert report.delivered == 499 and report.failed == 1
    assert len(calls) <= 1 + 2 * math.ceil(math.log2(500))  # the whole batch, then two halves
    keys = [c.headers["X-Line-Retry-Key"] for c in calls]  # per level, down to the bad ID
    assert len(set(keys)) == len(keys)


def test_a_half_line_accepted_before_a_crash_is_not_sent_again(app, standin):
    good = user_ids(19)
    for group in (good[:10], MALFORMED_IDS[:1], good[10:]):
        seed(app, group)
    navi = app.extensions["navi"]
    with navi.sessions() as db:
        announcement = announcements.create_announcement(
            db, text="お知らせ", topic=None, created_by="test:staff"
        )
        announcements._begin(db, navi.gateway, announcement)
        batch = db.scalar(select(DeliveryBatch))
        # A sender died right after LINE accepted the clean first half under its derived key.
        first_half = announcements.half_key(batch.retry_key, 0)
        navi.gateway.multicast(good[:10], [{"type": "text", "text": "お知らせ"}], first_half)
    report = announcements.send_announcement(navi.sessions, navi.gateway, announcement.id)
    assert deliveries(standin) == collections.Counter(good)
    assert (report.delivered, report.failed) == (19, 1)


def test_a_send_over_the_monthly_quota_is_refused_with_figures(app, standin):
    seed(app, user_ids(30))
    standin.set_quota(limit=1000, used=980)
    try:
        with pytest.raises(announcements.QuotaExceeded, match="needs 30 messages but only 20"):
            announce(app, "mynumber_card")
    finally:
        standin.set_quota(limit=None)
    assert deliveries(standin) == {}
    # The audit log tells the refusal with its figures in the reader's language.
    admin = console_client(app)
    log_in(admin, make_user(app, "admin"))
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert "今月の送信数の上限のため送りませんでした：必要30通、残り20通（上限1,000通）" in page
    assert "needs 30 messages" not in page
    admin.post("/admin/lang", data={"lang": "en", "csrf_token": csrf_from(admin, "/admin/audit")})
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert "30 messages needed, 20 left (limit 1,000)" in page


def test_a_resident_who_deleted_their_data_is_not_sent_to(app, standin):
    ids = user_ids(3)
    seed(app, ids)
    with app.extensions["navi"].sessions() as db:
        db.delete(db.scalar(select(Follower).where(Follower.line_user_id == ids[1])))
        db.commit()
    announce(app, "ward_news")
    assert ids[1] not in deliveries(standin)


def test_every_announcement_leaves_an_audit_record(app, standin):
    seed(app, user_ids(2))
    announce(app, "ward_news", text="区からのお知らせです")
    with app.extensions["navi"].sessions() as db:
        actions = [
            (e.actor, e.action) for e in db.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]
        created = db.scalar(select(AuditEntry).where(AuditEntry.action == "announcement.create"))
    assert actions == [("test:staff", "announcement.create"), ("system", "announcement.sent")]
    assert created.detail["text"] == "区からのお知らせです"


def test_a_scheduled_announcement_waits_for_its_time(app, standin):
    seed(app, user_ids(2))
    navi = app.extensions["navi"]
    with navi.sessions() as db:
        later = announcements.create_announcement(
            db, text="あとで", topic=None, created_by="t", send_at=utcnow() + dt.timedelta(hours=1)
        )
        now = announcements.create_announcement(db, text="いま", topic=None, created_by="t")
        db.commit()
        assert announcements.due_announcements(db, utcnow()) == [now.id]
        assert later.id in announcements.due_announcements(db, utcnow() + dt.timedelta(hours=2))


def cli_env(settings, standin) -> dict:
    return {
        **os.environ,
        "LINE_CHANNEL_SECRET": CHANNEL_SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN,
        "LINE_API_BASE_URL": standin.base_url,
        "DATABASE_URL": settings.database_url,
    }


def test_cli_announce_prints_a_summary(app, settings, standin):
    seed(app, user_ids(700))
    result = subprocess.run(
        [sys.executable, "-m", "bot", "announce", "--topic", "smartphone_class", "--text", "日程"],
        env=cli_env(settings, standin),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "delivered to 700 of 700" in result.stdout
    assert "sent 700 / 700 (100%)" in result.stderr


def test_cli_schedules_a_later_announcement_without_sending(app, settings, standin):
    seed(app, user_ids(2))
    later = (utcnow() + dt.timedelta(days=1)).isoformat()
    result = subprocess.run(
        [sys.executable, "-m", "bot", "announce", "--all", "--text", "明日", "--at", later],
        env=cli_env(settings, standin),
        capture_output=True,
        text=True,
        check=True,
    )
    assert "scheduled for" in result.stdout and "2 residents" in result.stdout
    assert deliveries(standin) == {}


def kill_the_sender_after(delivered: int, settings, standin, tmp_path) -> str:
    """Start `announce --all` at 4 batches a second, SIGKILL it (no cleanup: its lease is left
    to lapse) once `delivered` residents have it or it has exited; what it wrote to stderr.

    Patient: on a CI machine busy with browsers, the sender's start and its snapshot of the
    audience once took over 30 s."""
    sender_says = tmp_path / "sender.err"
    with sender_says.open("w") as stderr:
        sender = subprocess.Popen(
            [sys.executable, "-m", "bot", "announce", "--all", "--text", "緊急", "--pace", "4"],
            env=cli_env(settings, standin),
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    deadline = time.monotonic() + 180
    while (
        sum(deliveries(standin).values()) < delivered
        and sender.poll() is None
        and time.monotonic() < deadline
    ):
        time.sleep(0.02)
    sender.kill()
    sender.wait()
    return sender_says.read_text()


def test_killed_mid_send_and_resumed_sends_to_nobody_twice_and_misses_nobody(
    app, settings, standin, tmp_path
):
    ids = user_ids(10_000)
    seed(app, ids)
    env = cli_env(settings, standin)
    # At 4 batches of 500 a second, the sender needs 4 s more after the 2,000th delivery to
    # reach the 10,000th: time enough to kill it.
    sender_says = kill_the_sender_after(2000, settings, standin, tmp_path)
    sent_before_the_kill = sum(deliveries(standin).values())
    assert 0 < sent_before_the_kill < 10_000, sender_says
    resumed = subprocess.run(
        [sys.executable, "-m", "bot", "announce", "--resume", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert resumed.returncode == 0, resumed.stderr
    received = deliveries(standin)
    assert set(received) == set(ids) and set(received.values()) == {1}


def resume(settings, standin, announcement_id: int = 1) -> subprocess.CompletedProcess:
    """`python -m bot announce --resume ID`, as staff run it."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "announce", "--resume", str(announcement_id)],
        env=cli_env(settings, standin),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_resume_does_not_send_an_announcement_before_its_time(app, settings, standin):
    """Given the id of one scheduled for next week (a typo, the wrong row), `--resume` sent it
    at once: a week early, and staff could no longer edit or withdraw it."""
    seed(app, user_ids(3))
    with app.extensions["navi"].sessions() as db:
        later = announcements.create_announcement(
            db,
            text="来週のお知らせ",
            topic=None,
            created_by="t",
            send_at=utcnow() + dt.timedelta(days=7),
        )
        db.commit()
    result = resume(settings, standin, later.id)
    assert result.returncode != 0
    assert "Error: announcement 1 is not due until" in result.stderr, result.stderr
    assert deliveries(standin) == {}
    with app.extensions["navi"].sessions() as db:
        assert announcements.editable(db.get(Announcement, later.id))


def test_cli_refuses_a_send_time_that_has_passed(app, settings, standin):
    """As the console refuses it: a time already past is a typo, not "send now"."""
    seed(app, user_ids(2))
    earlier = (utcnow() - dt.timedelta(hours=1)).isoformat()
    result = subprocess.run(
        [sys.executable, "-m", "bot", "announce", "--all", "--text", "明日", "--at", earlier],
        env=cli_env(settings, standin),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "Error: --at" in result.stderr and "has passed" in result.stderr, result.stderr
    assert deliveries(standin) == {}


@pytest.mark.parametrize(
    "args",
    [
        ["--resume", "9" * 20],
        ["--resume", "2147483648"],
        ["--resume", "0"],
        ["--all", "--text", "お知らせ", "--at", "0001-01-01T00:00:00+09:00"],
        ["--all", "--text", "お知らせ", "--at", "9999-12-31T23:59:59-09:00"],
    ],
)
def test_cli_refuses_odd_ids_and_times_with_its_error_line(app, settings, standin, args):
    """They gave a traceback (an overflow in the database driver or in the time zone
    arithmetic) instead of the command's own "Error: …" line."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "announce", *args],
        env=cli_env(settings, standin),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr[-400:]
    assert "Error: " in result.stderr or "error: " in result.stderr, result.stderr


def test_resume_after_line_kept_failing_delivers_once_line_recovers(app, settings, standin):
    ids = user_ids(1200)
    seed(app, ids)
    standin.fail("/v2/bot/message/multicast", 500, times=1000)  # LINE down all through the send
    with pytest.raises(announcements.AnnouncementError, match="--resume 1"):
        announce(app, None)
    assert deliveries(standin) == {}
    standin.clear_faults()  # LINE is back
    resumed = resume(settings, standin)
    assert resumed.returncode == 0, resumed.stderr
    assert "delivered to 1,200 of 1,200" in resumed.stdout
    # The stopped sender let go of its lease: staff are not kept waiting for it to lapse.
    assert "waiting" not in resumed.stderr
    assert deliveries(standin) == collections.Counter(ids)


def test_resume_retries_a_batch_refused_for_a_reason_staff_have_fixed(app, settings, standin):
    ids = user_ids(1200)
    seed(app, ids)
    standin.fail("/v2/bot/message/multicast", 401, times=1)  # e.g. a token reissued mid-send
    first = announce(app, None)
    assert first.status == "partly_sent" and first.failed > 0
    resumed = resume(settings, standin)
    assert resumed.returncode == 0, resumed.stderr
    assert "delivered to 1,200 of 1,200" in resumed.stdout
    assert deliveries(standin) == collections.Counter(ids)


def test_resume_does_not_retry_ids_line_refused(app, settings, standin):
    seed_with_two_malformed(app)
    announce(app, "ward_news")
    standin.clear()
    resumed = resume(settings, standin)
    assert "delivered to 18 of 20, 2 failed" in resumed.stdout and resumed.returncode == 1
    assert deliveries(standin) == {} and not standin.calls


def test_resume_finishes_a_send_one_bad_id_spoiled_before_batches_were_split(
    app, settings, standin
):
    good = seed_with_two_malformed(app)
    navi = app.extensions["navi"]
    with navi.sessions() as db:
        announcement = announcements.create_announcement(
            db, text="お知らせ", topic=None, created_by="test:staff"
        )
        announcements._begin(db, navi.gateway, announcement)
        # What the sender recorded before this fix: the whole batch failed, LINE's status lost.
        db.execute(
            update(DeliveryBatch).values(
                status="failed",
                attempts=1,
                last_error="400: The property, 'to[5]', in the request body is invalid",
            )
        )
        announcement.status, announcement.failed = "partly_sent", 20
        db.commit()
    resumed = resume(settings, standin, announcement.id)
    assert "delivered to 18 of 20, 2 failed" in resumed.stdout, resumed.stderr
    assert deliveries(standin) == collections.Counter(good)


def test_killed_while_splitting_batches_and_resumed_sends_to_nobody_twice(
    app, settings, standin, tmp_path
):
    good = user_ids(3000)
    for group in (good[:250], MALFORMED_IDS[:1], good[250:1750], MALFORMED_IDS[1:], good[1750:]):
        seed(app, group)
    # SIGKILL, most likely while the first batch is being split
    sender_says = kill_the_sender_after(700, settings, standin, tmp_path)
    assert 0 < sum(deliveries(standin).values()) < 3000, sender_says
    resumed = resume(settings, standin)
    assert "delivered to 3,000 of 3,002, 2 failed" in resumed.stdout, resumed.stderr
    assert deliveries(standin) == collections.Counter(good)


def speak(app, language: str, ids: list[str]) -> None:
    """The residents `ids` chose `language` (in 受信設定, or through their LINE profile)."""
    with app.extensions["navi"].sessions() as db:
        db.execute(update(Follower).where(Follower.line_user_id.in_(ids)).values(language=language))
        db.commit()


def received(standin) -> dict[str, dict]:
    """The message each resident received (the last one multicast to them)."""
    out = {}
    for call in standin.calls:
        if call.path == "/v2/bot/message/multicast" and call.status == 200:
            out.update(dict.fromkeys(call.json["to"], call.json["messages"][0]))
    return out


def announce_in(app, translations: dict[str, str]):
    """An announcement to everyone, in Japanese and the given languages, sent at once."""
    navi = app.extensions["navi"]
    with navi.sessions() as db:
        announcement = announcements.create_announcement(
            db, text="年末の窓口の予定です", topic=None, created_by="t", translations=translations
        )
        db.commit()
    return announcements.send_announcement(
        navi.sessions, navi.gateway, announcement.id, sleep=lambda s: None
    )


def test_each_resident_reads_their_language_and_japanese_where_theirs_was_not_written(app, standin):
    japanese, english, easy = user_ids(2), user_ids(2, first=10), user_ids(2, first=20)
    seed(app, japanese + english + easy)
    speak(app, "en", english)
    speak(app, "ja_easy", easy)
    report = announce_in(app, {"en": "Counter hours at the year end"})
    assert report.status == "sent" and report.delivered == 6
    got = received(standin)
    for resident in japanese + easy:  # no やさしい日本語 text: the Japanese one
        assert got[resident]["text"] == "年末の窓口の予定です"
        assert got[resident]["quickReply"]["items"][0]["action"]["label"] == "受信設定"
    for resident in english:
        assert got[resident]["text"] == "Counter hours at the year end"
        assert got[resident]["quickReply"]["items"][0]["action"]["label"] == "Settings"
    with app.extensions["navi"].sessions() as db:
        assert announcements.delivered_by_language(db, report.announcement_id) == {
            "ja": 4,
            "en": 2,
        }


def test_a_yasashii_text_reaches_the_residents_who_chose_it_and_english_falls_back_to_japanese(
    app, standin
):
    seed(app, user_ids(3))
    speak(app, "ja_easy", user_ids(1))
    speak(app, "en", user_ids(1, first=1))
    announce_in(app, {"ja_easy": "まどぐちの よてい です"})
    got = received(standin)
    assert got[user_ids(1)[0]]["text"] == "まどぐちの よてい です"
    assert got[user_ids(1, first=1)[0]]["text"] == "年末の窓口の予定です"
    assert got[user_ids(1, first=2)[0]]["text"] == "年末の窓口の予定です"


def test_every_language_is_sent_in_batches_of_500_of_its_own(app, standin):
    seed(app, user_ids(501) + user_ids(3, first=1000))
    speak(app, "en", user_ids(501))
    report = announce_in(app, {"en": "Counter hours"})
    assert report.delivered == 504 and max(deliveries(standin).values()) == 1
    sent = [c.json for c in standin.calls if c.path == "/v2/bot/message/multicast"]
    assert sorted((len(s["to"]), s["messages"][0]["text"]) for s in sent) == [
        (1, "Counter hours"),
        (3, "年末の窓口の予定です"),
        (500, "Counter hours"),
    ]


def test_a_translation_in_a_language_the_bot_does_not_speak_is_refused(app):
    with app.extensions["navi"].sessions() as db, pytest.raises(announcements.AnnouncementError):
        announcements.create_announcement(
            db, text="予定", topic=None, created_by="t", translations={"fr": "Horaires"}
        )


def test_cli_sends_each_resident_the_text_in_their_language(app, settings, standin):
    seed(app, user_ids(3))
    speak(app, "en", user_ids(1))
    speak(app, "ja_easy", user_ids(1, first=1))
    command = [sys.executable, "-m", "bot", "announce", "--all", "--text", "予定"]
    command += ["--text-en", "Schedule", "--text-easy", "よてい"]
    result = subprocess.run(command, env=cli_env(settings, standin), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "delivered to 3 of 3 (ja 1, en 1, ja_easy 1)" in result.stdout
    got = received(standin)
    assert [got[u]["text"] for u in user_ids(3)] == ["Schedule", "よてい", "予定"]


def test_an_english_batch_split_around_a_malformed_id_stays_english(app, standin):
    good = seed_with_two_malformed(app)
    speak(app, "en", good + MALFORMED_IDS)
    report = announce_in(app, {"en": "Counter hours"})
    assert (report.delivered, report.failed) == (18, 2)
    assert deliveries(standin) == collections.Counter(good)
    assert {message["text"] for message in received(standin).values()} == {"Counter hours"}
