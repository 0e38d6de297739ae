"""Retention: what the README promises to delete is deleted on time, and nothing earlier."""

import datetime as dt

from sqlalchemy import select

import scheduler
from bot.core.db import utcnow
from bot.core.models import (
    ClassSession,
    ConversationContext,
    Follower,
    LoginAttempt,
    PendingMessage,
    ProcessedEvent,
    Reservation,
    UnansweredQuestion,
)
from bot.reports import kpi
from bot.residents.followers import adopt_follower
from bot.residents.housekeeping import purge_expired
from tests.test_classes_conversation import add_session, statuses


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


# -- a blocked resident's upcoming seat goes to the waiting list, as a cancellation's does ------

PUSH = "/v2/bot/message/push"


def one_seat_booked_by(app, holder):
    """A one-seat class, and `holder` books it through the chat."""
    session = add_session(app, capacity=1)
    holder.say("スマホ教室はいつありますか")
    holder.tap("予約する")
    return session


def waits(resident) -> None:
    resident.say("スマホ教室はいつありますか")
    resident.tap("キャンセル待ち")


def block_long_ago(app, resident, days: int = 31) -> None:
    """The resident blocks the account, `days` ago (the purge deletes them after 30)."""
    resident.unfollow()
    with app.extensions["navi"].sessions() as db:
        follower = db.scalar(select(Follower).where(Follower.line_user_id == resident.user_id))
        follower.unfollowed_at = utcnow() - dt.timedelta(days=days)
        db.commit()


def seats_taken(app, session_id: int) -> int:
    with app.extensions["navi"].sessions() as db:
        return db.get(ClassSession, session_id).reserved


def test_the_purge_gives_a_blocked_residents_seat_to_the_first_waiting_and_tells_them(
    app, resident, neighbour, standin
):
    """The purge deleted the seat with its holder but kept it counted as taken: the session
    stayed 'full' and the waiting resident never heard. It frees it as a cancellation does."""
    session = one_seat_booked_by(app, neighbour)
    waits(resident)
    block_long_ago(app, neighbour)
    before = len(standin.messages_to(resident.user_id))
    scheduler.purge_expired_data(app.extensions["navi"])
    assert statuses(app) == {resident.user_id: "reserved"}
    assert seats_taken(app, session.id) == 1  # theirs now, not a ghost of the purged booking
    pushed = standin.messages_to(resident.user_id)[before:]
    assert len(pushed) == 1 and "席が空いた" in pushed[0]["altText"]
    assert "予約" in resident.say("予約の確認").text


def test_a_seat_freed_by_the_purge_is_kept_for_later_when_line_fails(
    app, resident, neighbour, standin
):
    """The seat offer goes through the outbox: LINE down at 03:15 does not lose it."""
    one_seat_booked_by(app, neighbour)
    waits(resident)
    block_long_ago(app, neighbour)
    standin.fail(PUSH, 500, times=1)
    navi = app.extensions["navi"]
    scheduler.purge_expired_data(navi)
    with navi.sessions() as db:
        (kept,) = db.scalars(select(PendingMessage)).all()
    assert (kept.line_user_id, kept.purpose) == (resident.user_id, "promotion")
    navi.outbox.retry_due(now=utcnow() + dt.timedelta(seconds=6))
    assert "席が空いた" in standin.messages_to(resident.user_id)[-1]["altText"]


def test_a_purged_residents_seat_skips_a_waiting_resident_who_also_left(
    app, resident, neighbour, english_resident, standin
):
    """As on cancelling: the first waiting resident who still follows gets it."""
    session = one_seat_booked_by(app, neighbour)
    english_resident.say("When are the smartphone classes?")
    english_resident.tap("Join waiting list")
    waits(resident)
    english_resident.unfollow()  # waiting first, but blocked last week: cannot be told
    block_long_ago(app, neighbour)
    scheduler.purge_expired_data(app.extensions["navi"])
    assert statuses(app) == {english_resident.user_id: "waitlisted", resident.user_id: "reserved"}
    assert seats_taken(app, session.id) == 1
