"""Retention: what the README promises to delete is deleted on time, and nothing earlier."""

import datetime as dt

from sqlalchemy import select

from bot.core.db import utcnow
from bot.core.models import (
    ClassSession,
    ConversationContext,
    Follower,
    LoginAttempt,
    ProcessedEvent,
    Reservation,
    UnansweredQuestion,
)
from bot.reports import kpi
from bot.residents.followers import adopt_follower
from bot.residents.housekeeping import purge_expired


def test_purge_deletes_only_what_is_past_its_retention_period(app):
    now = utcnow()
    with app.extensions["navi"].sessions() as db:
        db.add_all(
            [
                UnansweredQuestion(
                    text="91日前の質問", language="ja", asked_at=now - dt.timedelta(days=91)
                ),
                UnansweredQuestion(
                    text="89日前の質問", language="ja", asked_at=now - dt.timedelta(days=89)
                ),
                ProcessedEvent(webhook_event_id="OLD", received_at=now - dt.timedelta(days=8)),
                ProcessedEvent(webhook_event_id="NEW", received_at=now - dt.timedelta(days=1)),
                LoginAttempt(
                    email="a@example.jp",
                    ip="192.0.2.1",
                    succeeded=False,
                    at=now - dt.timedelta(minutes=20),
                ),
                LoginAttempt(
                    email="b@example.jp",
                    ip="192.0.2.2",
                    succeeded=False,
                    at=now - dt.timedelta(minutes=5),
                ),
            ]
        )
        gone = adopt_follower(db, "U" + "a" * 32, "seen")
        gone.following, gone.unfollowed_at = False, now - dt.timedelta(days=31)
        recent = adopt_follower(db, "U" + "b" * 32, "seen")
        recent.following, recent.unfollowed_at = False, now - dt.timedelta(days=29)
        staying = adopt_follower(db, "U" + "c" * 32, "seen")
        db.flush()
        db.add(
            ConversationContext(
                follower_id=staying.id,
                intent="contact",
                entry_key=None,
                data={},
                expires_at=now - dt.timedelta(minutes=1),
            )
        )
        db.commit()
        purged = purge_expired(db, now)
        assert (purged.unanswered, purged.event_ids, purged.contexts, purged.unfollowed) == (
            1,
            1,
            1,
            1,
        )
        assert db.scalars(select(UnansweredQuestion.text)).all() == ["89日前の質問"]
        assert db.scalars(select(ProcessedEvent.webhook_event_id)).all() == ["NEW"]
        remaining = set(db.scalars(select(Follower.line_user_id)))
        assert remaining == {"U" + "b" * 32, "U" + "c" * 32}


def test_names_given_when_booking_go_30_days_after_the_session_and_the_booking_stays(app):
    now = utcnow()
    with app.extensions["navi"].sessions() as db:
        old = ClassSession(
            title="31日前の回",
            starts_at=now - dt.timedelta(days=31),
            venue="志村ふれあい館",
            capacity=5,
            asks_name=True,
        )
        recent = ClassSession(
            title="29日前の回",
            starts_at=now - dt.timedelta(days=29),
            venue="志村ふれあい館",
            capacity=5,
            asks_name=True,
        )
        resident = adopt_follower(db, "U" + "d" * 32, "seen")
        db.add_all([old, recent])
        db.flush()
        for session in (old, recent):
            db.add(
                Reservation(
                    session_id=session.id,
                    follower_id=resident.id,
                    status="reserved",
                    attended=True,
                    name="板橋 花子",
                    name_kana="いたばし はなこ",
                )
            )
        db.commit()
        purged = purge_expired(db, now)
        assert purged.booking_names == 1
        names = {
            r.session.title: (r.name, r.name_kana, r.attended)
            for r in db.scalars(select(Reservation))
        }
        assert names == {
            "31日前の回": (None, None, True),  # the attendance still counts, nameless
            "29日前の回": ("板橋 花子", "いたばし はなこ", True),
        }
        assert purge_expired(db, now).booking_names == 0


def test_a_blocked_residents_attended_seats_stay_nameless_when_their_data_goes(app):
    """Regression: 30 days after a block the resident's row went with every booking, and the
    classes they had attended dropped out of the year's participants. Their seats in sessions
    already held stay, with no follower and no name; the rest of their bookings go."""
    now = utcnow()
    with app.extensions["navi"].sessions() as db:
        held = ClassSession(
            title="40日前の回",
            starts_at=now - dt.timedelta(days=40),
            venue="志村ふれあい館",
            capacity=5,
            asks_name=True,
        )
        missed = ClassSession(
            title="35日前の回",
            starts_at=now - dt.timedelta(days=35),
            venue="志村ふれあい館",
            capacity=5,
        )
        gone = adopt_follower(db, "U" + "e" * 32, "seen")
        gone.following, gone.unfollowed_at = False, now - dt.timedelta(days=31)
        db.add_all([held, missed])
        db.flush()
        db.add_all(
            [
                Reservation(
                    session_id=held.id,
                    follower_id=gone.id,
                    status="reserved",
                    attended=True,
                    name="板橋 花子",
                    name_kana="いたばし はなこ",
                ),
                Reservation(session_id=missed.id, follower_id=gone.id, status="waitlisted"),
            ]
        )
        db.commit()
        year = kpi.FiscalYear.of(kpi.jst_today(held.starts_at))
        participants = kpi.program_kpis(db, year, now)[0].participants
        assert purge_expired(db, now).unfollowed == 1
        assert kpi.program_kpis(db, year, now)[0].participants == participants == 1
        assert db.scalars(select(Follower)).all() == []
        kept = [
            (r.session.title, r.follower_id, r.name, r.name_kana, r.attended)
            for r in db.scalars(select(Reservation))
        ]
        assert kept == [("40日前の回", None, None, None, True)]
