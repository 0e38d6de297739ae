"""Reservations of class sessions: the services the bot, the CLI and the staff console share.

Seats live in `class_sessions.reserved` and change only through conditional UPDATEs whose row
count says whether they happened, so any number of workers on SQLite or PostgreSQL can never hand
out more seats than a session has — no process-local lock, no read-then-write:

- a seat is taken by ``UPDATE … SET reserved = reserved + 1 WHERE … reserved < capacity``;
- a resident holds at most one row per session (the unique constraint; a cancelled row is reused);
- every status change is ``UPDATE … WHERE status = <the status we saw>``, so two workers cannot
  both cancel, or both promote, the same row.

On PostgreSQL the UPDATE locks the session row until commit; on SQLite the first write takes the
database's write lock. Either way, concurrent reservations of one session queue behind each
other for the few milliseconds they take. Functions flush within the caller's transaction; the
caller commits (the dispatcher, once per event).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import cast

from sqlalchemy import func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from bot.core.db import utcnow
from bot.core.models import ClassSession, Follower, Reservation

# Retry keys of pushes about reservations are uuid5 names in this namespace, so a retried job or
# a redelivered event sends the same key and LINE answers 409 instead of sending twice.
NAMESPACE = uuid.UUID("6f1d4c1e-2b7a-5a52-9c55-1ab0a5e1c0de")
ACTIVE = ("reserved", "waitlisted")
# When looking for a resident's bookings at the same time, a session staff gave no end time is
# taken to last an hour: enough to catch two at the same hour, without guessing a longer class.
ASSUMED_LENGTH = dt.timedelta(hours=1)


@dataclass(frozen=True)
class ReservationResult:
    """What `reserve` did: kind is reserved | waitlisted | already | closed."""

    kind: str
    reservation: Reservation | None
    seats_left: int
    position: int | None = None  # place on the waiting list, when waitlisted


@dataclass(frozen=True)
class CancelResult:
    """What `cancel` did: kind is cancelled | not_found | started (too late: the session has
    begun); who got the freed seat, if anyone."""

    kind: str
    reservation: Reservation | None = None
    was: str | None = None  # reserved | waitlisted: what the resident held before
    promoted: Reservation | None = None


def retry_key(purpose: str, reservation: Reservation) -> str:
    """A deterministic X-Line-Retry-Key for one push about one reservation."""
    return str(uuid.uuid5(NAMESPACE, f"{purpose}:{reservation.id}"))


def promotion_key(reservation: Reservation) -> str:
    """The retry key of "you got a seat": stable per waiting-list entry (re-joining the list
    later makes a new entry, with a new created_at, so that promotion is announced again)."""
    return retry_key(f"promotion:{reservation.created_at.isoformat()}", reservation)


def reminder_key(reservation: Reservation) -> str:
    """The retry key of the day-before reminder: stable per reservation and start, so a rerun
    of the job cannot remind twice, while a session moved to another time is reminded again
    (LINE answers a key it has seen within a day with 409, and would drop the new reminder)."""
    start = reservation.session.starts_at.astimezone(dt.UTC).isoformat()
    return retry_key(f"reminder:{start}", reservation)


def booking_subject(reservation: Reservation) -> str:
    """What a push about this booking is `about` in the outbox (bot.line.outbox): the booking
    as it is now — its row, when it was made (a cancelled row booked again is another booking)
    and its session's start (the words of a reminder are wrong once the session moved)."""
    made = int(reservation.created_at.timestamp())
    start = int(reservation.session.starts_at.timestamp())
    return f"booking:{reservation.id}:{made}:{start}"


# The outbox subject of the day-before reminder: "reminder:" and its booking's own subject.
REMINDER = "reminder"


def reminder_subject(reservation: Reservation) -> str:
    """What the day-before reminder is `about` in the outbox: its booking (booking_subject),
    marked as a reminder, which is wanted only while the resident keeps the reminders on."""
    return f"{REMINDER}:{booking_subject(reservation)}"


def booking_stands(db: Session, about: str, now: dt.datetime) -> bool:
    """Whether a kept push about a booking (booking_subject) is still true: the booking is
    active, its session open and not started, and neither was remade or moved since; for a
    reminder (reminder_subject), also that the resident still wants reminders (受信設定: off
    after it was kept means they said they do not want it). The outbox asks before each retry,
    so a reminder or a seat offer never reaches a resident after the booking lapsed; subjects
    of other kinds are not ours to judge."""
    kind, _, rest = about.partition(":")
    reminder = kind == REMINDER
    if reminder:  # "reminder:" and its booking's own subject
        about = rest
        kind, _, rest = about.partition(":")
    if kind != "booking":
        return True
    reservation = _load(db, int(rest.split(":")[0]))
    return (
        reservation is not None
        and reservation.status in ACTIVE
        and _is_open(reservation.session, now)
        and booking_subject(reservation) == about
        and (not reminder or _wants_reminders(reservation.follower))
    )


def _wants_reminders(follower: Follower | None) -> bool:
    """Whether a booking's resident still has the day-before reminders on (受信設定); a seat
    kept without its resident (keep_held_seats_nameless) has nobody to remind."""
    return follower is not None and follower.class_reminders


def reserve(
    db: Session,
    session_id: int,
    follower: Follower,
    now: dt.datetime | None = None,
    *,
    name: str | None = None,
    name_kana: str | None = None,
) -> ReservationResult:
    """Give the resident a seat, or a place on the waiting list when the session is full;
    `name` and `name_kana` are kept with it when the session asks for names."""
    now = now or utcnow()
    session = db.get(ClassSession, session_id, populate_existing=True)
    if not _is_open(session, now):
        return ReservationResult("closed", None, 0)
    existing = _reservation_of(db, session_id, follower.id)
    if existing is not None and existing.status in ACTIVE:
        return _result(db, "already", existing)
    seated = take_seat(db, session_id, now)
    if not seated and not _is_open(db.get(ClassSession, session_id, populate_existing=True), now):
        return ReservationResult("closed", None, 0)
    status = "reserved" if seated else "waitlisted"
    named = {"name": name, "name_kana": name_kana}
    reservation = _claim_row(db, session_id, follower.id, existing, status, named)
    if reservation is None:  # the same resident, a moment earlier, in another worker
        if seated:
            give_back_seat(db, session_id)
        return _result(db, "already", _reservation_of(db, session_id, follower.id))
    return _result(db, status, reservation)


def cancel(
    db: Session,
    reservation_id: int | None = None,
    *,
    session_id: int | None = None,
    follower: Follower | None = None,
    now: dt.datetime | None = None,
) -> CancelResult:
    """Cancel by reservation id (staff; or a resident's own, when `follower` is given) or by
    (session_id, follower). A freed seat goes to the first on the waiting list, in the same
    transaction, so nobody can take it in between.

    Once the session has begun it is too late: the seat can no longer go to anyone, and the
    booking is what staff check at the door and mark attendance on (a resident who came and
    tapped an old card's button the next day would vanish from the attendance)."""
    now = now or utcnow()
    reservation = _find(db, reservation_id, session_id, follower)
    if reservation is None:
        return CancelResult("not_found")
    if _has_started(db, reservation.session_id, now):
        return CancelResult("started", reservation)
    was = _mark_cancelled(db, reservation.id)
    db.refresh(reservation)
    if was is None:
        return CancelResult("not_found", reservation)
    promoted = None
    if was == "reserved":
        give_back_seat(db, reservation.session_id)
        promoted = promote_next(db, reservation.session_id, now)
    return CancelResult("cancelled", reservation, was, promoted)


def cancel_all(
    db: Session, follower: Follower, now: dt.datetime | None = None
) -> list[CancelResult]:
    """Cancel every upcoming reservation of a resident (before their data is deleted), so their
    seats go to the waiting list instead of staying counted."""
    return [
        cancel(db, r.id, follower=follower, now=now)
        for r in my_reservations(db, follower, now or utcnow())
    ]


def take_seat(db: Session, session_id: int, now: dt.datetime) -> bool:
    """Take one seat if the session is open, not started and not full (one conditional UPDATE)."""
    result = cast(
        CursorResult,
        db.execute(
            update(ClassSession)
            .where(
                ClassSession.id == session_id,
                ClassSession.status == "open",
                ClassSession.reserved < ClassSession.capacity,
                ClassSession.starts_at > now,
            )
            .values(reserved=ClassSession.reserved + 1)
            .execution_options(synchronize_session=False)
        ),
    )
    return result.rowcount == 1


def give_back_seat(db: Session, session_id: int) -> None:
    """Return one seat (never below zero)."""
    db.execute(
        update(ClassSession)
        .where(ClassSession.id == session_id, ClassSession.reserved > 0)
        .values(reserved=ClassSession.reserved - 1)
        .execution_options(synchronize_session=False)
    )


def promote_next(db: Session, session_id: int, now: dt.datetime) -> Reservation | None:
    """Seat the longest-waiting resident who still follows us, if a seat can be taken; None
    when nobody is waiting.

    One who blocked the account cannot be told of the seat, so it would stay empty on the day
    while others wait: they keep their place (and have it back if they unblock), but the seat
    goes to the next.
    """
    if not take_seat(db, session_id, now):
        return None
    waiting = db.scalars(
        select(Reservation.id)
        .join(Reservation.follower)
        .where(
            Reservation.session_id == session_id,
            Reservation.status == "waitlisted",
            Follower.following.is_(True),
        )
        .order_by(Reservation.created_at, Reservation.id)
        .limit(20)
    ).all()
    for candidate in waiting:
        if _change_status(db, candidate, "waitlisted", "reserved"):
            return _load(db, candidate)
    give_back_seat(db, session_id)
    return None


def my_reservations(db: Session, follower: Follower, now: dt.datetime) -> list[Reservation]:
    """The resident's upcoming seats and waiting-list places, soonest first."""
    query = (
        select(Reservation)
        .join(Reservation.session)
        .options(joinedload(Reservation.session))
        .where(
            Reservation.follower_id == follower.id,
            Reservation.status.in_(ACTIVE),
            ClassSession.starts_at > now,
        )
        .order_by(ClassSession.starts_at, ClassSession.id)
        .execution_options(populate_existing=True)
    )
    return list(db.scalars(query))


def clashing(db: Session, reservation: Reservation, now: dt.datetime) -> list[Reservation]:
    """The resident's other upcoming bookings (seats or waiting-list places, in open sessions)
    whose time overlaps this booking's session, soonest first."""
    session, follower = reservation.session, reservation.follower
    if follower is None:  # a held seat kept nameless after its resident's data was deleted
        return []
    return [
        other
        for other in my_reservations(db, follower, now)
        if other.id != reservation.id
        and other.session.status == "open"
        and _overlap(other.session, session)
    ]


def attendees(db: Session, session_id: int) -> list[Reservation]:
    """Who holds a seat in a session (with their follower), in booking order, for staff."""
    query = (
        select(Reservation)
        .options(joinedload(Reservation.follower))
        .where(Reservation.session_id == session_id, Reservation.status == "reserved")
        .order_by(Reservation.created_at, Reservation.id)
    )
    return list(db.scalars(query))


def waitlist_position(db: Session, reservation: Reservation) -> int | None:
    """1 for the first on the waiting list; None if the reservation is not waitlisted."""
    if reservation.status != "waitlisted":
        return None
    ahead = db.scalar(
        select(func.count())
        .select_from(Reservation)
        .where(
            Reservation.session_id == reservation.session_id,
            Reservation.status == "waitlisted",
            (Reservation.created_at < reservation.created_at)
            | (
                (Reservation.created_at == reservation.created_at)
                & (Reservation.id < reservation.id)
            ),
        )
    )
    return int(ahead or 0) + 1


# -- helpers ---------------------------------------------------------------------------------


def _is_open(session: ClassSession | None, now: dt.datetime) -> bool:
    """Open for booking: exists, not cancelled, not started."""
    return session is not None and session.status == "open" and session.starts_at > now


def _has_started(db: Session, session_id: int, now: dt.datetime) -> bool:
    """Whether the session's start has come (read fresh: staff may have moved it)."""
    starts_at = db.scalar(select(ClassSession.starts_at).where(ClassSession.id == session_id))
    return starts_at is not None and starts_at <= now


def _overlap(one: ClassSession, other: ClassSession) -> bool:
    """Whether two sessions share any time (one ending as the other starts does not)."""
    return one.starts_at < _ends(other) and other.starts_at < _ends(one)


def _ends(session: ClassSession) -> dt.datetime:
    """When a session ends: as staff gave it, else ASSUMED_LENGTH after its start."""
    return session.ends_at or session.starts_at + ASSUMED_LENGTH


def _reservation_of(db: Session, session_id: int, follower_id: int) -> Reservation | None:
    """The resident's row for a session, whatever its status (fresh from the database)."""
    query = (
        select(Reservation)
        .where(Reservation.session_id == session_id, Reservation.follower_id == follower_id)
        .execution_options(populate_existing=True)
    )
    return db.scalar(query)


def _claim_row(
    db: Session,
    session_id: int,
    follower_id: int,
    existing: Reservation | None,
    status: str,
    named: dict[str, str | None],
) -> Reservation | None:
    """Insert the resident's row, or reuse their cancelled one; None if another request of the
    same resident got there first (the unique constraint, or the conditional UPDATE, says so)."""
    if existing is not None:
        reused = cast(
            CursorResult,
            db.execute(
                update(Reservation)
                .where(Reservation.id == existing.id, Reservation.status == "cancelled")
                .values(status=status, created_at=utcnow(), attended=None, **named)
                .execution_options(synchronize_session=False)
            ),
        )
        return _load(db, existing.id) if reused.rowcount == 1 else None
    row = Reservation(session_id=session_id, follower_id=follower_id, status=status, **named)
    try:
        with db.begin_nested():
            db.add(row)
    except IntegrityError:
        return None
    return row


def _find(
    db: Session, reservation_id: int | None, session_id: int | None, follower: Follower | None
) -> Reservation | None:
    """The reservation to cancel; a resident can only ever find their own."""
    if reservation_id is not None:
        found = _load(db, reservation_id)
        if found is not None and follower is not None and found.follower_id != follower.id:
            return None
        return found
    if session_id is not None and follower is not None:
        return _reservation_of(db, session_id, follower.id)
    raise ValueError("cancel needs a reservation id, or a session id and a follower")


def _mark_cancelled(db: Session, reservation_id: int) -> str | None:
    """Cancel the row if it is active; the status it had, or None if it was not active.

    The UPDATE only applies to the status just read, so a concurrent promotion or cancellation
    makes it miss and we read again, instead of freeing a seat twice.
    """
    for _ in range(5):
        status = db.scalar(select(Reservation.status).where(Reservation.id == reservation_id))
        if status not in ACTIVE:
            return None
        if _change_status(db, reservation_id, status, "cancelled"):
            return status
    return None


def _change_status(db: Session, reservation_id: int, old: str, new: str) -> bool:
    """Move one row from `old` to `new`; False if it no longer had `old`. A cancelled booking
    needs no name: it goes at once."""
    forgotten = {"name": None, "name_kana": None} if new == "cancelled" else {}
    result = cast(
        CursorResult,
        db.execute(
            update(Reservation)
            .where(Reservation.id == reservation_id, Reservation.status == old)
            .values(status=new, **forgotten)
            .execution_options(synchronize_session=False)
        ),
    )
    return result.rowcount == 1


def _load(db: Session, reservation_id: int) -> Reservation | None:
    """A reservation with its session and follower, as the database has it now."""
    return db.get(
        Reservation,
        reservation_id,
        options=[joinedload(Reservation.session), joinedload(Reservation.follower)],
        populate_existing=True,
    )


def _result(db: Session, kind: str, reservation: Reservation | None) -> ReservationResult:
    """A ReservationResult with the session's seats and the waiting-list place, read fresh."""
    if reservation is None:
        return ReservationResult(kind, None, 0)
    session = db.get(ClassSession, reservation.session_id, populate_existing=True)
    seats = max(session.capacity - session.reserved, 0) if session else 0
    return ReservationResult(kind, reservation, seats, waitlist_position(db, reservation))
