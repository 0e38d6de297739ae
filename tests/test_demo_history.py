"""The year of made-up history `make run` seeds (bot.cli.demo_history): its past sessions'
bookings are dated before each session, the same way at every start."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from bot.cli.demo_history import seed_history, sessions
from bot.core.models import ClassSession, Reservation

NOW = dt.datetime(2026, 12, 3, 5, 30, tzinfo=dt.UTC)  # 14:30 in Tokyo


def bookings(db) -> list[tuple[dt.datetime, dt.datetime, dt.datetime]]:
    """(session created, booking made, session starts) of every seeded booking."""
    rows = db.execute(
        select(ClassSession.created_at, Reservation.created_at, ClassSession.starts_at)
        .join(Reservation, Reservation.session_id == ClassSession.id)
        .order_by(Reservation.id)
    )
    return [tuple(row) for row in rows]


def test_each_seeded_booking_is_dated_before_its_session(app):
    """The demo's past sessions were booked on the day `make run` seeded them — a year of
    sessions each booked "today", so the attendee lists and the CSV read wrong."""
    navi = app.extensions["navi"]
    with navi.sessions() as db:
        assert seed_history(db, navi.links, NOW)
        seeded = bookings(db)
    assert len(seeded) > 100
    for created, booked, starts in seeded:
        assert created < booked < starts, (created, booked, starts)
        assert starts - booked <= dt.timedelta(days=30)  # booked within weeks, not at random
    assert len({booked.date() for _, booked, _ in seeded}) > 100  # not one day for all


def test_the_seeded_booking_dates_are_the_same_at_every_start(app):
    with app.extensions["navi"].sessions() as db:
        sessions(db, NOW, random.Random(16))
        first = bookings(db)
        db.rollback()
        sessions(db, NOW, random.Random(16))
        assert bookings(db) == first
