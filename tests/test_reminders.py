"""The day-before reminder: tomorrow's bookings get exactly one push, whatever happens."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from bot import classes
from bot.classes import changes, reservations
from bot.classes.reminders import send_due_reminders
from bot.core.models import Reservation
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
