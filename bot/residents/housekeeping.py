"""Retention: data is deleted when its time is up (README, "Personal data").

- unanswered questions (text only): 90 days
- processed webhook event ids (for deduplication): 7 days — LINE redelivers within a day
- conversation contexts: when they expire (15 minutes)
- followers who blocked the account: 30 days after the unfollow (their reservations go too,
  but for seats in sessions already held, which stay nameless for the attendance figures;
  their upcoming seats are cancelled first, so each goes to the waiting list as a
  cancellation's does — the caller tells whoever got one)
- console login attempts (email, address): after the 15-minute lockout window
- messages LINE never took (bot.line.outbox), once given up: 30 days, for staff to see
- names given when booking a session that asks for them: 30 days after the session (the
  booking itself stays, nameless, for the attendance figures)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Select, delete, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from bot.classes import reservations
from bot.core.models import (
    ClassSession,
    ConversationContext,
    Follower,
    PendingMessage,
    ProcessedEvent,
    Reservation,
    UnansweredQuestion,
)
from bot.residents.followers import keep_held_seats_nameless
from bot.staff import forget_old_attempts

UNANSWERED_DAYS = 90
EVENT_ID_DAYS = 7
UNFOLLOWED_DAYS = 30
GIVEN_UP_DAYS = 30
BOOKING_NAME_DAYS = 30


@dataclass(frozen=True)
class Purged:
    """How many rows of each kind were deleted."""

    unanswered: int
    event_ids: int
    contexts: int
    unfollowed: int
    login_attempts: int
    given_up_messages: int
    booking_names: int
    # Reservations that got a seat a purged resident held: the caller tells them, after commit
    # (bot.classes.changes.tell), as a cancellation's promotion is told.
    promoted: tuple[int, ...] = ()


def purge_expired(db: Session, now: dt.datetime) -> Purged:
    """Delete everything past its retention period; return the counts."""

    def purge(statement) -> int:
        return cast(CursorResult, db.execute(statement)).rowcount or 0

    blocked_long_ago = select(Follower.id).where(
        Follower.following.is_(False),
        Follower.unfollowed_at < now - dt.timedelta(days=UNFOLLOWED_DAYS),
    )
    # Their seats in sessions already held stay, nameless, for the attendance figures; their
    # upcoming seats are freed for the waiting list before their row (and bookings) go.
    keep_held_seats_nameless(db, blocked_long_ago, now)
    promoted = free_upcoming_seats(db, blocked_long_ago, now)

    purged = Purged(
        unanswered=purge(
            delete(UnansweredQuestion).where(
                UnansweredQuestion.asked_at < now - dt.timedelta(days=UNANSWERED_DAYS)
            )
        ),
        event_ids=purge(
            delete(ProcessedEvent).where(
                ProcessedEvent.received_at < now - dt.timedelta(days=EVENT_ID_DAYS)
            )
        ),
        contexts=purge(delete(ConversationContext).where(ConversationContext.expires_at < now)),
        unfollowed=purge(delete(Follower).where(Follower.id.in_(blocked_long_ago))),
        login_attempts=forget_old_attempts(db, now),
        given_up_messages=purge(
            delete(PendingMessage).where(
                PendingMessage.given_up_at < now - dt.timedelta(days=GIVEN_UP_DAYS)
            )
        ),
        booking_names=purge(
            update(Reservation)
            .where(
                Reservation.session_id.in_(
                    select(ClassSession.id).where(
                        ClassSession.starts_at < now - dt.timedelta(days=BOOKING_NAME_DAYS)
                    )
                ),
                or_(Reservation.name.is_not(None), Reservation.name_kana.is_not(None)),
            )
            .values(name=None, name_kana=None)
            .execution_options(synchronize_session=False)
        ),
        promoted=tuple(promoted),
    )
    db.commit()
    return purged


def free_upcoming_seats(db: Session, follower_ids: Select[int], now: dt.datetime) -> list[int]:
    """Cancel these residents' upcoming bookings the way a cancellation does
    (reservations.cancel_all): each seat goes to the first on the waiting list who still
    follows. Deleting their rows alone dropped the bookings but left the seats counted as
    taken, so the session looked full while others waited. Returns who got a seat."""
    promoted = []
    for follower in db.scalars(select(Follower).where(Follower.id.in_(follower_ids))).all():
        for result in reservations.cancel_all(db, follower, now):
            if result.promoted is not None:
                promoted.append(result.promoted.id)
    return promoted
