"""No lost message (issue 15, F4/F5): what LINE does not take — a 5xx, a 429, a timeout, or a
process whose LINE calls are all stuck — is kept in the database and sent again by the
scheduler with the same retry key, by reply while the token lives and by push after, for a day.
Each test failed before the outbox: the reply or push was logged and lost."""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid

import pytest
from sqlalchemy import func, select

from bot.classes import changes
from bot.classes.reminders import send_due_reminders
from bot.core.models import ClassSession, Follower, PendingMessage
from bot.line.gateway import LineGateway
from bot.line.outbox import (
    DROPPED,
    KEPT,
    NO_ANSWER,
    SENT,
    STUCK_AFTER_S,
    WAIT_FOR_A_CALL_S,
    Outbox,
)
from bot.residents.followers import delete_follower
from tests.admin_helpers import console_client, csrf_from, log_in, make_user
from tests.conftest import ACCESS_TOKEN
from tests.test_classes_conversation import add_session, statuses

REPLY, PUSH = "/v2/bot/message/reply", "/v2/bot/message/push"
KEY_1, KEY_2, KEY_3, KEY_4 = (str(uuid.uuid4()) for _ in range(4))


@pytest.fixture
def navi(app):
    return app.extensions["navi"]


def later(seconds: float) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)


def pending(navi) -> list[PendingMessage]:
    with navi.sessions() as db:
        return list(db.scalars(select(PendingMessage).order_by(PendingMessage.id)))


def sent_by(standin, path: str) -> list:
    return [c for c in standin.calls if c.path == path and c.status == 200]


@pytest.mark.parametrize("status", [500, 503, 429])
def test_an_answer_line_did_not_take_reaches_the_resident_by_reply_soon_after(
    resident, standin, navi, status
):
    standin.fail(REPLY, status)
    answer = resident.say("こんにちは")
    assert answer.status == 200 and answer.messages == []  # LINE did not take it…
    (kept,) = pending(navi)
    assert kept.purpose == "reply" and kept.last_status == status
    assert navi.outbox.retry_due(now=later(6)).sent == 1  # …the scheduler's next run does
    (delivered,) = sent_by(standin, REPLY)
    assert delivered.json["messages"] == standin.messages_to(resident.user_id)
    assert pending(navi) == []
    assert navi.outbox.retry_due(now=later(60)).sent == 0  # and never twice


def test_an_answer_kept_past_its_reply_token_goes_by_push_once(resident, standin, navi):
    standin.fail(REPLY, 500)
    resident.say("コンビニで住民票を取りたい")
    assert navi.outbox.retry_due(now=later(120)).sent == 1
    assert sent_by(standin, REPLY) == []
    (pushed,) = sent_by(standin, PUSH)
    assert pushed.headers.get("X-Line-Retry-Key")
    assert len(standin.messages_to(resident.user_id)) == 1


def test_a_reply_line_took_but_whose_answer_was_lost_is_not_sent_twice(
    resident, standin, navi, monkeypatch
):
    """LINE delivered the reply, but its answer did not come back within the read timeout:
    the retry's reply finds the token spent, by our own first try. It used to push the answer
    again, and the resident read it twice."""
    monkeypatch.setattr(navi.gateway, "timeout", (2.05, 0.3))
    standin.hang(REPLY, 1.0, takes_it=True)
    resident.say("コンビニで住民票を取りたい")
    (kept,) = pending(navi)
    assert kept.last_status == NO_ANSWER
    delivered = standin.messages_to(resident.user_id)
    assert delivered  # the resident has the answer already
    assert navi.outbox.retry_due(now=later(6)).sent == 1
    assert sent_by(standin, PUSH) == [] and pending(navi) == []
    assert standin.messages_to(resident.user_id) == delivered  # once, not twice


def test_a_booking_confirmation_line_refused_with_500_still_reaches_the_resident(
    resident, standin, navi, app
):
    add_session(app)
    resident.say("スマホ教室はいつありますか")
    standin.fail(REPLY, 500)
    assert resident.tap("予約する").messages == []
    assert statuses(app) == {resident.user_id: "reserved"}  # the seat is theirs…
    navi.outbox.retry_due(now=later(6))
    assert "予約しました" in str(standin.messages_to(resident.user_id)[-1])  # …and they know


def test_a_promotion_whose_push_fails_three_times_is_delivered_when_line_recovers(
    resident, neighbour, standin, navi, app
):
    add_session(app, capacity=1)
    neighbour.say("スマホ教室はいつありますか")
    neighbour.tap("予約する")
    resident.say("スマホ教室はいつありますか")
    resident.tap("キャンセル待ち")
    before = len(standin.messages_to(resident.user_id))
    standin.fail(PUSH, 500, times=3)
    neighbour.say("予約の確認")
    neighbour.tap("予約を取り消す")
    neighbour.tap("取り消す")
    assert statuses(app)[resident.user_id] == "reserved"
    assert standin.messages_to(resident.user_id)[before:] == []
    (kept,) = pending(navi)
    assert kept.purpose == "promotion"
    for seconds in (6, 20, 60, 600):  # two more failures, then LINE is back
        navi.outbox.retry_due(now=later(seconds))
    pushed = standin.messages_to(resident.user_id)[before:]
    assert len(pushed) == 1 and "席が空いた" in pushed[0]["altText"]
    keys = {c.headers["X-Line-Retry-Key"] for c in standin.calls if c.path == PUSH}
    assert len(keys) == 1  # every try carried the same retry key


def test_retries_back_off_and_give_up_after_a_day(resident, standin, navi, caplog):
    standin.fail("/v2/bot/message/", 500, every_nth=1)  # replies and pushes
    resident.say("こんにちは")
    assert navi.outbox.retry_due(now=later(6)).waiting == 1
    (kept,) = pending(navi)
    assert kept.attempts == 2 and kept.next_attempt_at > later(6 + 9)  # 10 s after that try
    assert navi.outbox.retry_due(now=later(8)).sent == 0  # not due yet: no call
    tries = len(standin.calls)
    assert navi.outbox.retry_due(now=later(25 * 3600)).given_up == 1
    assert len(standin.calls) == tries + 1
    assert "gave up a reply after 3 attempts: status=500" in caplog.text
    navi.outbox.retry_due(now=later(26 * 3600))
    assert len(standin.calls) == tries + 1  # given up means no more calls
    standin.clear_faults()


def test_once_line_is_back_everything_still_backing_off_goes_in_the_same_run(
    resident, neighbour, standin, navi
):
    standin.fail("/v2/bot/message/", 500, every_nth=1)
    resident.say("こんにちは")
    assert navi.outbox.retry_due(now=later(6)).waiting == 1  # resident's: now waits 10 s
    neighbour.say("こんにちは")  # kept later: due first
    standin.clear_faults()
    report = navi.outbox.retry_due(now=later(12))
    assert (report.sent, report.waiting) == (2, 0)
    assert standin.messages_to(resident.user_id) and standin.messages_to(neighbour.user_id)


def test_a_message_line_refuses_for_good_is_not_retried(resident, standin, navi):
    standin.fail(REPLY, 500)
    resident.say("こんにちは")
    standin.fail(PUSH, 400)
    assert navi.outbox.retry_due(now=later(120)).given_up == 1
    assert navi.outbox.retry_due(now=later(3600)).sent == 0
    assert len([c for c in standin.calls if c.path == PUSH]) == 1


def test_nothing_is_sent_to_a_resident_who_left_or_had_their_data_deleted(resident, standin, navi):
    standin.fail(REPLY, 500, times=2)
    resident.say("こんにちは")
    resident.say("コンビニで住民票を取りたい")
    assert len(pending(navi)) == 2
    with navi.sessions() as db:
        follower = db.scalar(select(Follower).where(Follower.line_user_id == resident.user_id))
        delete_follower(db, follower)
        db.commit()
        assert db.scalar(select(func.count()).select_from(PendingMessage)) == 0
    assert navi.outbox.retry_due(now=later(6)).sent == 0
    assert standin.messages_to(resident.user_id) == []


def test_a_resident_who_blocked_us_meanwhile_is_not_pushed(resident, standin, navi):
    resident.follow()
    standin.fail(REPLY, 500)
    resident.say("こんにちは")
    resident.unfollow()
    assert navi.outbox.retry_due(now=later(120)).dropped == 1
    assert sent_by(standin, PUSH) == [] and pending(navi) == []


def test_a_class_cancellation_line_refused_is_sent_again_and_staff_are_told(
    resident, standin, navi, app
):
    session = add_session(app)
    resident.say("スマホ教室はいつありますか")
    resident.tap("予約する")
    before = len(standin.messages_to(resident.user_id))
    standin.fail(PUSH, 503)
    console = console_client(app)
    log_in(console, make_user(app, "staff"))
    cancel = f"/admin/classes/{session.id}/cancel"
    console.post(cancel, data={"csrf_token": csrf_from(console, cancel)})
    page = console.get(f"/admin/classes/{session.id}").get_data(as_text=True)
    assert "1人分はLINEが混み合っていたため、自動で送り直します" in page
    assert standin.messages_to(resident.user_id)[before:] == []
    navi.outbox.retry_due(now=later(6))
    (notice,) = standin.messages_to(resident.user_id)[before:]
    assert "中止" in notice["altText"]


def test_when_every_line_call_is_stuck_the_next_answer_is_kept_at_once(
    settings, standin, app, events, resident
):
    navi = app.extensions["navi"]
    slow = LineGateway(ACCESS_TOKEN, standin.base_url, (1, STUCK_AFTER_S + 2))
    outbox = Outbox(slow, navi.sessions, calls_at_once=1)
    resident.follow()
    standin.hang(REPLY, STUCK_AFTER_S + 3)
    hello = [{"type": "text", "text": "こんにちは"}]
    stuck = threading.Thread(
        target=outbox.reply,
        args=(resident.user_id, standin.issue_reply_token(resident.user_id), hello, KEY_1),
    )
    stuck.start()
    time.sleep(0.2)
    started = time.monotonic()
    token = standin.issue_reply_token(resident.user_id)
    assert outbox.reply(resident.user_id, token, hello, KEY_2) == KEPT
    assert time.monotonic() - started < WAIT_FOR_A_CALL_S + 0.3  # not queued behind it
    time.sleep(STUCK_AFTER_S)  # the call has now been stuck that long: LINE is stuck
    started = time.monotonic()
    token = standin.issue_reply_token(resident.user_id)
    assert outbox.reply(resident.user_id, token, hello, KEY_3) == KEPT
    assert time.monotonic() - started < WAIT_FOR_A_CALL_S  # without even the short wait
    stuck.join()
    kept = [m.retry_key for m in pending(navi)]
    assert kept == [KEY_2, KEY_3, KEY_1]  # the timeout was kept too
    assert outbox.retry_due(now=later(6)).sent == 3
    assert standin.messages_to(resident.user_id)[-3:] == hello * 3
    slow.close()


def test_a_reply_already_taken_by_line_counts_as_sent_and_a_group_failure_is_not_kept(
    standin, navi
):
    hello = [{"type": "text", "text": "hi"}]
    standin.fail(REPLY, 500)
    assert navi.outbox.reply(None, "any-token", hello, KEY_3) == DROPPED
    assert pending(navi) == []
    user = "U" + "7" * 32
    assert navi.outbox.push(user, hello, KEY_4, "test") == SENT
    assert navi.outbox.push(user, hello, KEY_4, "test") == SENT  # 409: LINE has it
    assert len(standin.messages_to(user)) == 1


# -- a kept message about a booking goes only while the booking stands ---------------------------


def remind_tomorrows_bookings(navi) -> int:
    """The day-before reminder job, run now."""
    now = dt.datetime.now(dt.UTC)
    return send_due_reminders(navi.sessions, navi.outbox, navi.content, navi.settings, now)


def test_a_kept_reminder_is_not_delivered_after_the_resident_cancelled(
    resident, standin, navi, app
):
    """17:00: LINE fails the reminder, so it is kept. 17:10: the resident cancels. When LINE is
    back, "tomorrow is your class, show this card at reception" would speak of a booking that
    no longer exists (its seat perhaps someone else's now): it is dropped instead."""
    add_session(app, days=1)
    resident.say("スマホ教室はいつありますか")
    resident.tap("予約する")
    standin.fail(PUSH, 500)
    assert remind_tomorrows_bookings(navi) == 1  # kept by the outbox
    resident.say("予約の確認")
    resident.tap("予約を取り消す")
    assert "取り消しました" in resident.tap("取り消す").text
    before = len(standin.messages_to(resident.user_id))
    report = navi.outbox.retry_due(now=later(60))
    assert (report.sent, report.dropped) == (0, 1)
    assert standin.messages_to(resident.user_id)[before:] == []
    assert pending(navi) == []


def test_a_kept_seat_offer_is_dropped_when_the_session_is_cancelled_but_the_notice_goes(
    resident, neighbour, standin, navi, app
):
    """A seat from the waiting list LINE did not take, then staff cancel the session: the
    resident is told it is cancelled, and never that they got a seat in it."""
    session = add_session(app, capacity=1)
    neighbour.say("スマホ教室はいつありますか")
    neighbour.tap("予約する")
    resident.say("スマホ教室はいつありますか")
    resident.tap("キャンセル待ち")
    before = len(standin.messages_to(resident.user_id))
    standin.fail(PUSH, 500)
    neighbour.say("予約の確認")
    neighbour.tap("予約を取り消す")
    neighbour.tap("取り消す")
    assert [m.purpose for m in pending(navi)] == ["promotion"]
    with navi.sessions() as db:
        notices = changes.cancel_session(db, session.id, "staff@example.jp")
        db.commit()
    changes.tell(navi.sessions, navi.outbox, navi.content, navi.settings, notices, "staff")
    navi.outbox.retry_due(now=later(60))
    (told,) = standin.messages_to(resident.user_id)[before:]
    assert "中止" in told["altText"] and "席が空いた" not in told["altText"]


def test_a_kept_reminder_is_dropped_when_staff_move_the_session_and_the_change_goes(
    resident, standin, navi, app
):
    """ "Tomorrow is your class" kept while LINE was down, then staff postpone the class a week:
    the resident hears of the new date, not the old reminder (a new one comes before the new
    date)."""
    session = add_session(app, days=1)
    resident.say("スマホ教室はいつありますか")
    resident.tap("予約する")
    before = len(standin.messages_to(resident.user_id))
    standin.fail(PUSH, 500)
    assert remind_tomorrows_bookings(navi) == 1  # kept by the outbox
    with navi.sessions() as db:
        moved = db.get(ClassSession, session.id)
        details = {name: getattr(moved, name) for name in changes.EDITABLE}
        week_on = moved.starts_at + dt.timedelta(days=7)
        now = dt.datetime.now(dt.UTC)
        notices = changes.update_session(
            db, session.id, "staff", now, **details | {"starts_at": week_on}
        )
        db.commit()
    changes.tell(navi.sessions, navi.outbox, navi.content, navi.settings, notices, "staff")
    navi.outbox.retry_due(now=later(60))
    (told,) = standin.messages_to(resident.user_id)[before:]
    assert "変わりました" in told["altText"] and "明日は" not in told["altText"]


@pytest.mark.parametrize("status", [401, 403])
def test_an_answer_refused_for_our_access_token_is_kept_until_staff_fix_it(
    resident, standin, navi, app, status
):
    """401 (an access token expired or reissued) or 403 (the plan) is ours to fix, not a
    message LINE will never take: the booking confirmation was logged as refused and lost."""
    add_session(app)
    resident.say("スマホ教室はいつありますか")
    standin.fail("/v2/bot/message/", status, times=2)  # the reply, and the first retry's push
    assert resident.tap("予約する").messages == []
    assert statuses(app) == {resident.user_id: "reserved"}
    assert navi.outbox.retry_due(now=later(120)).waiting == 1  # still refused: kept
    assert navi.outbox.retry_due(now=later(600)).sent == 1  # the token was fixed
    assert "予約しました" in str(standin.messages_to(resident.user_id)[-1])


def staff_console(app):
    """A member of staff's console, logged in; `page()` reads a page as they see it."""
    console = console_client(app)
    log_in(console, make_user(app, "staff"))
    return lambda path="/admin/classes": console.get(path).get_data(as_text=True)


@pytest.mark.parametrize(("status", "says"), [(401, "(401)"), (403, "(403")])
def test_every_console_page_says_when_line_refuses_our_token_and_what_to_do(
    resident, standin, navi, app, status, says
):
    """A booking confirmation LINE refused for our access token (401) or plan (403) waits in
    the outbox, and so does every answer after it, until someone fixes the token; after a day
    it is given up. Only a log line said so. Every console page now does, with what to do, and
    the banner goes once LINE takes what waited."""
    add_session(app)
    resident.say("スマホ教室はいつありますか")
    standin.fail("/v2/bot/message/", status, times=1)
    resident.tap("予約する")
    page = staff_console(app)
    assert says in page() and 'role="alert"' in page()
    assert "LINE Developers" in page()  # where to fix it
    assert navi.outbox.retry_due(now=later(120)).sent == 1  # fixed: LINE takes it
    assert 'id="line-backlog"' not in page()


def test_console_pages_say_how_many_answers_wait_and_how_many_were_given_up(
    resident, standin, navi, app
):
    """LINE busy (500): staff see that answers wait and are sent again by themselves; after a
    day of refusals, that some never arrived (for 30 days)."""
    add_session(app)
    resident.say("スマホ教室はいつありますか")
    standin.fail("/v2/bot/message/", 500, times=100)
    resident.tap("予約する")
    page = staff_console(app)
    assert "自動で送り直しています" in page() and 'role="alert"' not in page()
    navi.outbox.retry_due(now=later(25 * 3600))  # a day of 500s: given up
    assert 'id="line-backlog"' not in page()
    assert "届かなかった返信・通知が1件" in page()
