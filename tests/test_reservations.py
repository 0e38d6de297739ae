"""Seats are never overbooked: simultaneous taps through the real webhook, on every database."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from bot import classes
from bot.classes import reservations
from bot.core.models import ClassSession, Follower, Reservation
from bot.line.standin import sign_body
from bot.residents.followers import get_or_create_follower
from tests.conftest import CHANNEL_SECRET


@pytest.fixture
def navi(app):
    return app.extensions["navi"]


@pytest.fixture
def server_url(app):
    """The app on a real threaded server, as gunicorn's threads would run it."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/callback"
    server.shutdown()


def add_session(navi, capacity: int, days: float = 3) -> int:
    starts = dt.datetime.now(dt.UTC) + dt.timedelta(days=days)
    with navi.sessions() as db:
        session = classes.add_session(
            db, title="はじめてのLINE", starts_at=starts, venue="志村ふれあい館", capacity=capacity
        )
        db.commit()
        return session.id


def residents(navi, count: int) -> list[int]:
    """Followers, by id."""
    with navi.sessions() as db:
        ids = [get_or_create_follower(db, f"U{n:032d}").id for n in range(count)]
        db.commit()
        return ids


def all_at_once(count: int, work) -> list:
    """Run work(i) for i in range(count) in threads released together."""
    gate = threading.Barrier(count)

    def run(i):
        gate.wait()
        return work(i)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def deliver(url: str, events, user_id: str, data: str) -> int:
    """POST one signed postback delivery, as LINE would."""
    body = events.body(events.postback(user_id, data))
    request = urllib.request.Request(
        url, data=body, headers={"X-Line-Signature": sign_body(body, CHANNEL_SECRET)}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status


def counts(navi, session_id: int) -> dict[str, int]:
    """Reservations by status, and the session's seat counter."""
    with navi.sessions() as db:
        rows = db.scalars(select(Reservation).where(Reservation.session_id == session_id)).all()
        found = {s: sum(r.status == s for r in rows) for s in ("reserved", "waitlisted")}
        found["counter"] = db.get(ClassSession, session_id).reserved
        return found


def classes_list(settings) -> list[dict]:
    """What `python -m bot classes list --json` prints for this database."""
    env = {**os.environ, "DATABASE_URL": settings.database_url}
    for name in ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "classes", "list", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_twenty_residents_tapping_book_at_once_fill_five_seats_and_wait_fifteen(
    navi, server_url, events, standin, settings
):
    session_id = add_session(navi, capacity=5)
    users = [f"U{n:032d}" for n in range(20)]
    data = f"v1|reserve|session={session_id}"
    statuses = all_at_once(20, lambda i: deliver(server_url, events, users[i], data))
    assert statuses == [200] * 20
    assert counts(navi, session_id) == {"reserved": 5, "waitlisted": 15, "counter": 5}
    answers = [standin.messages_to(u) for u in users]
    assert all(len(a) == 1 for a in answers)  # everyone was answered, once
    booked = sum("予約しました" in a[0]["altText"] for a in answers)
    waiting = sum("キャンセル待ち" in a[0]["altText"] for a in answers)
    assert (booked, waiting) == (5, 15)
    listed = next(s for s in classes_list(settings) if s["id"] == session_id)
    assert listed["reserved"] == 5 and listed["capacity"] == 5


def test_a_double_tap_gets_one_seat(navi, server_url, events, standin):
    session_id = add_session(navi, capacity=5)
    user = "U" + "0" * 32  # a resident we know: they tapped a schedule we sent them
    residents(navi, 1)
    data = f"v1|reserve|session={session_id}"
    assert all_at_once(2, lambda _: deliver(server_url, events, user, data)) == [200, 200]
    assert counts(navi, session_id) == {"reserved": 1, "waitlisted": 0, "counter": 1}
    replies = [m["altText"] for m in standin.messages_to(user)]
    assert len(replies) == 2 and sum("すでに予約" in r for r in replies) == 1


def test_two_cancels_at_once_promote_one_waiting_resident_each(navi):
    session_id = add_session(navi, capacity=2)
    people = residents(navi, 5)
    with navi.sessions() as db:
        for follower_id in people:
            reservations.reserve(db, session_id, db.get(Follower, follower_id))
            db.commit()

    def cancel(i):
        with navi.sessions() as db:
            follower = db.get(Follower, people[i])
            result = reservations.cancel(db, session_id=session_id, follower=follower)
            db.commit()
            return result.promoted.follower_id if result.promoted else None

    promoted = all_at_once(2, cancel)
    assert sorted(promoted) == people[2:4]  # the two who waited longest, one per freed seat
    assert counts(navi, session_id) == {"reserved": 2, "waitlisted": 1, "counter": 2}


def test_the_same_cancel_twice_at_once_frees_one_seat_and_promotes_one(navi):
    session_id = add_session(navi, capacity=1)
    people = residents(navi, 3)
    with navi.sessions() as db:
        for follower_id in people:
            reservations.reserve(db, session_id, db.get(Follower, follower_id))
            db.commit()
        first = db.scalar(select(Reservation).where(Reservation.follower_id == people[0])).id

    def cancel(_):
        with navi.sessions() as db:
            result = reservations.cancel(db, first)
            db.commit()
            return result.kind, result.promoted is not None

    outcomes = all_at_once(2, cancel)
    assert sorted(outcomes) == [("cancelled", True), ("not_found", False)]
    assert counts(navi, session_id) == {"reserved": 1, "waitlisted": 1, "counter": 1}


def test_waiting_list_places_follow_the_order_of_asking(navi):
    session_id = add_session(navi, capacity=1)
    people = residents(navi, 3)
    with navi.sessions() as db:
        kinds = []
        for follower_id in people:
            result = reservations.reserve(db, session_id, db.get(Follower, follower_id))
            kinds.append((result.kind, result.position, result.seats_left))
            db.commit()
    assert kinds == [("reserved", None, 0), ("waitlisted", 1, 0), ("waitlisted", 2, 0)]


def test_booking_again_after_cancelling_reuses_the_row_and_queues_at_the_back(navi):
    session_id = add_session(navi, capacity=1)
    people = residents(navi, 3)
    with navi.sessions() as db:
        for follower_id in people:
            reservations.reserve(db, session_id, db.get(Follower, follower_id))
        second = db.get(Follower, people[1])
        reservations.cancel(db, session_id=session_id, follower=second)
        again = reservations.reserve(db, session_id, second)
        db.commit()
    assert (again.kind, again.position) == ("waitlisted", 2)
    assert counts(navi, session_id) == {"reserved": 1, "waitlisted": 2, "counter": 1}


def test_a_started_or_cancelled_session_is_closed(navi):
    started = add_session(navi, capacity=5, days=-0.01)
    cancelled = add_session(navi, capacity=5)
    (person,) = residents(navi, 1)
    with navi.sessions() as db:
        db.get(ClassSession, cancelled).status = "cancelled"
        follower = db.get(Follower, person)
        assert reservations.reserve(db, started, follower).kind == "closed"
        assert reservations.reserve(db, cancelled, follower).kind == "closed"
        assert reservations.reserve(db, 12345, follower).kind == "closed"


def test_a_resident_cannot_cancel_someone_elses_booking(navi):
    session_id = add_session(navi, capacity=5)
    owner, other = residents(navi, 2)
    with navi.sessions() as db:
        booked = reservations.reserve(db, session_id, db.get(Follower, owner)).reservation
        result = reservations.cancel(db, booked.id, follower=db.get(Follower, other))
        db.commit()
    assert result.kind == "not_found"
    assert counts(navi, session_id)["reserved"] == 1


def test_my_reservations_are_upcoming_and_soonest_first_and_attendees_are_the_seated(navi):
    later, sooner, past = (add_session(navi, 1, days=d) for d in (5, 2, 1))
    person, other = residents(navi, 2)
    with navi.sessions() as db:
        me = db.get(Follower, person)
        for session_id in (later, sooner, past):
            reservations.reserve(db, session_id, me)
        reservations.reserve(db, later, db.get(Follower, other))
        db.commit()
        in_two_days = dt.datetime.now(dt.UTC) + dt.timedelta(days=1.5)
        mine = reservations.my_reservations(db, me, in_two_days)
        assert [(r.session_id, r.status) for r in mine] == [
            (sooner, "reserved"),
            (later, "reserved"),
        ]
        assert [r.follower_id for r in reservations.attendees(db, later)] == [person]


def test_cancelling_everything_a_resident_holds_frees_their_seats_for_the_waiting_list(navi):
    session_id = add_session(navi, capacity=1)
    leaving, waiting = residents(navi, 2)
    with navi.sessions() as db:
        for follower_id in (leaving, waiting):
            reservations.reserve(db, session_id, db.get(Follower, follower_id))
        results = reservations.cancel_all(db, db.get(Follower, leaving))
        db.commit()
    assert [r.promoted.follower_id for r in results] == [waiting]
    assert counts(navi, session_id) == {"reserved": 1, "waitlisted": 0, "counter": 1}


def test_a_booking_cannot_be_cancelled_once_its_session_has_begun(navi):
    session_id = add_session(navi, capacity=1)
    came, waiting = residents(navi, 2)
    with navi.sessions() as db:
        for follower_id in (came, waiting):
            reservations.reserve(db, session_id, db.get(Follower, follower_id))
        db.commit()
        begun = dt.datetime.now(dt.UTC) + dt.timedelta(days=3, minutes=5)
        result = reservations.cancel(
            db, session_id=session_id, follower=db.get(Follower, came), now=begun
        )
        db.commit()
    assert (result.kind, result.promoted) == ("started", None)
    assert counts(navi, session_id) == {"reserved": 1, "waitlisted": 1, "counter": 1}
