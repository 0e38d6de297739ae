"""The day-before reminder: tomorrow's bookings get exactly one push, whatever happens."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from bot import classes
from bot.classes import changes, reservations
from bot.classes.reminders import send_due_reminders
from bot.core.models import ClassSession, Follower, Reservation
from bot.residents.followers import get_or_create_follower

PUSH = "/v2/bot/message/push"
USER = "U" + "5" * 32


@pytest.fixture
def navi(app):
    return app.extensions["navi"]


@pytest.fixture
def run(navi):
    """Run the reminder job now, as the scheduler would."""
    return lambda: send_due_reminders(
        navi.sessions, navi.outbox, navi.content, navi.settings, dt.datetime.now(dt.UTC)
    )


def local_day(navi, days_ahead: int, hour: int, minute: int = 0) -> dt.datetime:
    """A time on the day `days_ahead` from today, as people in BOT_TIMEZONE count days."""
    tz = navi.settings.tz
    day = dt.datetime.now(tz).date() + dt.timedelta(days=days_ahead)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)


def book(navi, starts_at: dt.datetime, user_id: str = USER, language: str = "ja") -> int:
    """A resident with a seat in a new session starting at `starts_at`; the reservation id."""
    with navi.sessions() as db:
        session = classes.add_session(
            db, title="はじめてのLINE", starts_at=starts_at, venue="仲町ふれあい館", capacity=5
        )
        follower = get_or_create_follower(db, user_id)
        follower.language = language
        reservation = reservations.reserve(db, session.id, follower).reservation
        db.commit()
        return reservation.id


def set_reminders(navi, user_id: str, on: bool) -> None:
    """The resident's choice in 受信設定 (tests/test_settings.py taps it)."""
    with navi.sessions() as db:
        db.execute(
            update(Follower).where(Follower.line_user_id == user_id).values(class_reminders=on)
        )
        db.commit()


def reminded_at(navi, reservation_id: int):
    with navi.sessions() as db:
        return db.get(Reservation, reservation_id).reminded_at


def test_a_booking_for_tomorrow_is_reminded_once_even_when_the_job_runs_twice(navi, run, standin):
    reservation_id = book(navi, local_day(navi, 1, 10))
    assert run() == 1
    assert run() == 0
    pushed = standin.messages_to(USER)
    assert len(pushed) == 1
    assert "明日" in pushed[0]["altText"] and "仲町ふれあい館" in pushed[0]["altText"]
    assert "03-3958-0163" in pushed[0]["altText"]
    assert reminded_at(navi, reservation_id) is not None


def test_a_session_the_day_after_tomorrow_gets_no_reminder_yet(navi, run, standin):
    reservation_id = book(navi, local_day(navi, 2, 10))
    assert run() == 0
    assert standin.messages_to(USER) == []
    assert reminded_at(navi, reservation_id) is None


def test_tomorrow_ends_at_midnight_in_the_wards_time_zone(navi, run, standin):
    book(navi, local_day(navi, 1, 23, 30))
    book(navi, local_day(navi, 2, 0, 30), user_id="U" + "6" * 32)
    assert run() == 1
    assert len(standin.messages_to(USER)) == 1
    assert standin.messages_to("U" + "6" * 32) == []


def test_a_cancelled_booking_gets_no_reminder(navi, run, standin):
    reservation_id = book(navi, local_day(navi, 1, 10))
    with navi.sessions() as db:
        reservations.cancel(db, reservation_id)
        db.commit()
    assert run() == 0
    assert standin.messages_to(USER) == []


def test_a_crash_between_push_and_commit_is_answered_409_and_delivers_once(navi, run, standin):
    reservation_id = book(navi, local_day(navi, 1, 10))
    assert run() == 1
    with navi.sessions() as db:  # as if the process died before committing reminded_at
        db.execute(update(Reservation).values(reminded_at=None))
        db.commit()
    assert run() == 1  # LINE already accepted the retry key: counted as sent
    assert [c.status for c in standin.calls if c.path == PUSH] == [200, 409]
    assert len(standin.messages_to(USER)) == 1
    assert reminded_at(navi, reservation_id) is not None


def test_a_server_error_is_sent_again_within_the_day_not_at_tomorrows_run(navi, run, standin):
    reservation_id = book(navi, local_day(navi, 1, 10))
    standin.fail(PUSH, 500)
    assert run() == 1  # kept by the outbox
    assert reminded_at(navi, reservation_id) is not None
    assert standin.messages_to(USER) == []
    assert run() == 0  # the daily job does not send it a second time
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=6)
    assert navi.outbox.retry_due(now=soon).sent == 1
    assert len(standin.messages_to(USER)) == 1
    assert navi.outbox.retry_due(now=soon + dt.timedelta(hours=1)).sent == 0


def test_a_refused_push_is_marked_and_not_retried_forever(navi, run, standin):
    reservation_id = book(navi, local_day(navi, 1, 10))
    standin.fail(PUSH, 400)
    assert run() == 0
    assert reminded_at(navi, reservation_id) is not None
    assert run() == 0
    assert len([c for c in standin.calls if c.path == PUSH]) == 1


def test_an_english_follower_is_reminded_in_english(navi, run, standin):
    starts = local_day(navi, 1, 10)
    book(navi, starts, language="en")
    run()
    (pushed,) = standin.messages_to(USER)
    assert "tomorrow" in pushed["altText"]
    assert starts.strftime("%a %-d %b") in pushed["altText"]


def test_a_session_postponed_after_its_reminder_is_reminded_again_the_day_before_its_new_date(
    navi, run, standin
):
    """Reminded for tomorrow, then staff postpone the session a week (a typhoon): the evening
    before the new date brings the usual reminder, with the new date — not silence."""
    reservation_id = book(navi, local_day(navi, 1, 10))
    assert run() == 1
    new_start = local_day(navi, 8, 10)
    with navi.sessions() as db:
        session = db.get(Reservation, reservation_id).session
        details = {name: getattr(session, name) for name in changes.EDITABLE}
        now = dt.datetime.now(dt.UTC)
        changes.update_session(db, session.id, "staff", now, **details | {"starts_at": new_start})
        db.commit()
    before = len(standin.messages_to(USER))
    new_eve = new_start - dt.timedelta(days=1) + dt.timedelta(hours=7)  # 17:00 the day before
    assert send_due_reminders(navi.sessions, navi.outbox, navi.content, navi.settings, new_eve) == 1
    (reminder,) = standin.messages_to(USER)[before:]
    assert "明日" in reminder["altText"]
    assert new_start.strftime("%-m月%-d日") in reminder["altText"]


OTHER = "U" + "7" * 32


def test_a_resident_who_turned_reminders_off_gets_none_and_others_still_do(navi, run, standin):
    tomorrow = local_day(navi, 1, 10)
    mine = book(navi, tomorrow)
    book(navi, tomorrow, user_id=OTHER)
    set_reminders(navi, USER, False)
    assert run() == 1  # only the other resident's reminder is counted as sent
    assert standin.messages_to(USER) == []
    assert len(standin.messages_to(OTHER)) == 1
    assert reminded_at(navi, mine) is None  # not marked as reminded either
    assert run() == 0
    assert standin.messages_to(USER) == []


def test_reminders_turned_back_on_are_sent_again(navi, run, standin):
    first = book(navi, local_day(navi, 1, 10))
    set_reminders(navi, USER, False)
    assert run() == 0
    set_reminders(navi, USER, True)
    assert run() == 1  # the same booking, still before its day: reminded after all
    (pushed,) = standin.messages_to(USER)
    assert "明日" in pushed["altText"]
    assert reminded_at(navi, first) is not None


def test_reminders_off_leave_a_seat_from_the_waiting_list_and_the_wards_changes(navi, standin):
    """Turning reminders off stops only the reminder: a seat freed for the resident, a session
    moved and a session cancelled by the ward still reach them."""
    with navi.sessions() as db:
        session = classes.add_session(
            db,
            title="はじめてのLINE",
            starts_at=local_day(navi, 3, 10),
            venue="仲町ふれあい館",
            capacity=1,
        )
        reservations.reserve(db, session.id, get_or_create_follower(db, OTHER))
        waiting = get_or_create_follower(db, USER)
        waiting.class_reminders = False
        assert reservations.reserve(db, session.id, waiting).kind == "waitlisted"
        db.commit()
        session_id = session.id

    def staff(**change):
        with navi.sessions() as db:
            session = db.get(ClassSession, session_id)
            details = {name: getattr(session, name) for name in changes.EDITABLE}
            now = dt.datetime.now(dt.UTC)
            notices = changes.update_session(db, session_id, "staff", now, **details | change)
            db.commit()
        changes.tell(navi.sessions, navi.outbox, navi.content, navi.settings, notices, "staff")

    staff(capacity=2)  # a seat for the resident on the waiting list
    staff(venue="志村ふれあい館")  # the session moves
    with navi.sessions() as db:
        notices = changes.cancel_session(db, session_id, "staff")
        db.commit()
    changes.tell(navi.sessions, navi.outbox, navi.content, navi.settings, notices, "staff")
    told = [m["altText"] for m in standin.messages_to(USER)]
    assert len(told) == 3
    assert "席が空いた" in told[0] and "志村ふれあい館" in told[1] and "中止" in told[2]
