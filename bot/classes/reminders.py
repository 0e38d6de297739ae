"""The day-before reminder: one push per reservation of tomorrow's sessions, never two.

Run daily by the scheduler (job `remind_tomorrow`). Each reservation is its own unit of work:
push with a retry key derived from the reservation and its start, then set `reminded_at` and
commit. A second run skips what was marked; a crash between the push and the commit pushes
again with the same key, LINE answers 409, and that counts as sent — so the resident still gets
one message. A push LINE does not take now is kept by the outbox and retried within the day,
not left for tomorrow's run (which would be too late). A session moved to another time is
reminded again before its new date (bot.classes.changes.remind_again). A resident who turned
the reminders off in 受信設定 (Follower.class_reminders) is skipped and not marked: turned on
again before the run, they are reminded; turned off while a reminder waits in the outbox, it
is dropped there (reservations.reminder_subject). Their other class messages (a seat from the
waiting list, a session changed or cancelled: bot.classes.changes) do not depend on it.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, sessionmaker

from bot.classes.cards import reservation_card  # the card residents also see when booking
from bot.classes.reservations import reminder_key, reminder_subject
from bot.core.content import Content
from bot.core.db import utcnow
from bot.core.models import ClassSession, Follower, Reservation
from bot.core.settings import Settings
from bot.line.messages import sized_for
from bot.line.outbox import REFUSED, Outbox

log = logging.getLogger(__name__)


def send_due_reminders(
    sessions_factory: sessionmaker,
    outbox: Outbox,
    content: Content,
    settings: Settings,
    now: dt.datetime,
) -> int:
    """Remind everyone booked for a session tomorrow (BOT_TIMEZONE); return how many were sent."""
    start, end = tomorrow(now, settings)
    with sessions_factory() as db:
        due = db.scalars(due_reminders(start, end)).all()
    sent = 0
    for reservation_id in due:
        with sessions_factory() as db:
            sent += remind(db, outbox, content, settings, reservation_id, start, end)
    return sent


def tomorrow(now: dt.datetime, settings: Settings) -> tuple[dt.datetime, dt.datetime]:
    """Tomorrow's first and last instants, as residents in BOT_TIMEZONE count days."""
    tz = settings.tz
    day = now.astimezone(tz).date() + dt.timedelta(days=1)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def due_reminders(start: dt.datetime, end: dt.datetime):
    """Reservations still to remind: booked, not yet reminded, session open and in [start, end),
    the resident still a friend (LINE does not deliver to those who blocked us) who has not
    turned the reminders off (受信設定)."""
    return (
        select(Reservation.id)
        .join(Reservation.session)
        .join(Reservation.follower)
        .where(
            Reservation.status == "reserved",
            Reservation.reminded_at.is_(None),
            ClassSession.status == "open",
            ClassSession.starts_at >= start,
            ClassSession.starts_at < end,
            Follower.following.is_(True),
            Follower.class_reminders.is_(True),
        )
        .order_by(ClassSession.starts_at, Reservation.id)
    )


def remind(
    db: Session,
    outbox: Outbox,
    content: Content,
    settings: Settings,
    reservation_id: int,
    start: dt.datetime,
    end: dt.datetime,
) -> int:
    """Push one reminder and mark it; 1 if it is sent or kept for the outbox to send, 0 if
    skipped or refused."""
    query = due_reminders(start, end).where(Reservation.id == reservation_id)
    if db.scalar(query) is None:  # cancelled or reminded since the list was read
        return 0
    reservation = db.get(
        Reservation,
        reservation_id,
        options=[joinedload(Reservation.session), joinedload(Reservation.follower)],
    )
    follower = reservation.follower if reservation is not None else None
    # due_reminders just found this row, joined to its (following) resident.
    assert reservation is not None and follower is not None
    lang = follower.language
    heading = content.ui("class_reminder", lang)
    card = reservation_card(content, settings.tz, lang, reservation, heading)
    key = reminder_key(reservation)
    cards, about = sized_for(follower, [card]), reminder_subject(reservation)
    outcome = outbox.push(follower.line_user_id, cards, key, "reminder", about)
    reservation.reminded_at = utcnow()
    db.commit()
    return int(outcome != REFUSED)
