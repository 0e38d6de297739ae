"""What staff do to class sessions from the console: create, edit, cancel, mark attendance.

Built on bot.classes (the session itself) and bot.classes.reservations (seats, waiting list,
retry keys); every change is audited in the caller's transaction. Residents are told by push
only after that transaction has committed (`tell`), each push with a retry key derived from
the reservation, so pressing the button twice — or sending again after a failure — never gives
anyone the same message twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session, joinedload, sessionmaker

from bot import classes
from bot.classes import ClassError, reservations
from bot.core.content import Content
from bot.core.models import ClassSession, Reservation
from bot.core.settings import Settings
from bot.line import messages
from bot.line.outbox import KEPT, SENT, Outbox
from bot.line.postback import Postback
from bot.staff import audit

log = logging.getLogger(__name__)

EDITABLE = (
    "kind",
    "title",
    "title_en",
    "starts_at",
    "ends_at",
    "venue",
    "venue_en",
    "capacity",
    "description",
    "bring",
    "bring_en",
    "asks_name",
)
# Changes a booked resident must hear about: they decide whether they can still come.
WHEN_AND_WHERE = ("starts_at", "ends_at", "venue")


@dataclass(frozen=True)
class Notice:
    """A push owed to one resident about one reservation: `purpose` names the message."""

    purpose: str  # session-cancelled | session-changed | promotion
    reservation_id: int
    # Tells one change from the next in the retry key (the same reservation can be told of
    # several changes); empty for notices that happen once per reservation.
    change: str = ""


@dataclass
class NoticeReport:
    """How the pushes of one staff action went (LINE's 409 on a retry key counts as sent)."""

    sent: int = 0
    kept: int = 0  # LINE did not take it now: the outbox sends it when LINE is back
    failed: int = 0  # LINE refused it for good
    skipped: int = 0  # the resident has blocked the account: LINE would not deliver
    failures: list[int] = field(default_factory=list)  # reservation ids


def create_session(db: Session, actor: str, **details) -> ClassSession:
    """Add a session (bot.classes checks it) and audit who did."""
    session = classes.add_session(db, **details)
    audit.record(db, actor, "class.create", f"class:{session.id}", **_audited(session))
    return session


def update_session(
    db: Session,
    session_id: int,
    actor: str,
    now: dt.datetime,
    tz: ZoneInfo | None = None,
    **details,
) -> list[Notice]:
    """Change a session's details; return the pushes owed after commit.

    The capacity cannot drop below the seats already taken (nobody loses a booking by an
    edit); a larger capacity seats the waiting list at once, longest-waiting first. A new time
    or venue is told to everyone holding a seat or waiting (the newly seated hear it in their
    "you got a seat" card). A session that is over keeps its record correctable, but nobody
    is told of a change to a day gone by, nor seated from its waiting list.
    """
    classes.check_session(details)
    session = db.get(ClassSession, session_id, populate_existing=True)
    if session is None or session.status != "open":
        raise ClassError("only an open session can be changed")
    if details["capacity"] < session.reserved:
        raise ClassError(f"{session.reserved} seats are taken: the capacity cannot be lower")
    before = _audited(session)
    for name in EDITABLE:
        setattr(session, name, details[name])
    db.flush()
    db.refresh(session)  # our UPDATE holds the row: a seat taken meanwhile shows here
    if session.capacity < session.reserved:
        raise ClassError(f"{session.reserved} seats are taken: the capacity cannot be lower")
    after = _audited(session)
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    audit.record(db, actor, "class.update", f"class:{session.id}", **changed)
    if classes.is_over(session, now, tz):
        return []
    if "starts_at" in changed:
        remind_again(db, session_id)
    notices = [Notice("promotion", r.id) for r in seat_waiting_list(db, session_id, now)]
    if any(name in changed for name in WHEN_AND_WHERE):
        seated_now = {notice.reservation_id for notice in notices}
        notices += [
            Notice("session-changed", r.id, change=now.isoformat())
            for r in active_reservations(db, session_id)
            if r.id not in seated_now
        ]
    return notices


def remind_again(db: Session, session_id: int) -> None:
    """Forget the reminders of a session whose start moved: a reminder sent for the old date
    says nothing of the new one, so the evening before the new date reminds everyone again
    (bot.classes.reminders; its retry key names the start, so LINE does not take it for a
    repeat of the first)."""
    db.execute(
        update(Reservation)
        .where(Reservation.session_id == session_id, Reservation.reminded_at.is_not(None))
        .values(reminded_at=None)
        .execution_options(synchronize_session=False)
    )


def seat_waiting_list(db: Session, session_id: int, now: dt.datetime) -> list[Reservation]:
    """Give every free seat to the waiting list, in order (reservations.promote_next)."""
    promoted = []
    while (reservation := reservations.promote_next(db, session_id, now)) is not None:
        promoted.append(reservation)
    return promoted


def cancel_session(db: Session, session_id: int, actor: str) -> list[Notice]:
    """Cancel a session; return the pushes owed to everyone holding a seat or waiting.

    Reservations keep their status, so residents' 予約の確認 shows the session as cancelled
    (handlers/classes.py) and reminders skip it. Cancelling twice owes nothing more.
    """
    cancelled = cast(
        CursorResult,
        db.execute(
            update(ClassSession)
            .where(ClassSession.id == session_id, ClassSession.status == "open")
            .values(status="cancelled")
            .execution_options(synchronize_session=False)
        ),
    )
    if cancelled.rowcount != 1:
        return []
    holders = active_reservations(db, session_id)
    audit.record(
        db,
        actor,
        "class.cancel",
        f"class:{session_id}",
        reserved=sum(r.status == "reserved" for r in holders),
        waitlisted=sum(r.status == "waitlisted" for r in holders),
    )
    return cancellation_notices(db, session_id)


def cancellation_notices(db: Session, session_id: int) -> list[Notice]:
    """The "this session is cancelled" pushes of a cancelled session (to send them again after
    a failure: the retry keys make a second delivery impossible)."""
    return [Notice("session-cancelled", r.id) for r in active_reservations(db, session_id)]


def active_reservations(db: Session, session_id: int) -> list[Reservation]:
    """Seats then waiting list, each in booking order, with their followers."""
    query = (
        select(Reservation)
        .options(joinedload(Reservation.follower))
        .where(
            Reservation.session_id == session_id,
            Reservation.status.in_(reservations.ACTIVE),
        )
        .order_by(Reservation.status, Reservation.created_at, Reservation.id)
        .execution_options(populate_existing=True)
    )
    return list(db.scalars(query))


def mark_attendance(
    db: Session,
    session_id: int,
    marks: dict[int, bool | None],
    actor: str,
    *,
    now: dt.datetime,
    tz: ZoneInfo,
) -> int:
    """Record who came (True), who did not (False) or unmark (None); seats of this session
    only. Returns how many changed. Before the session's day (in `tz`) nothing is recorded:
    ClassError (bot.classes.attendance_open)."""
    session = db.get(ClassSession, session_id)
    if session is not None and not classes.attendance_open(session, now, tz):
        raise ClassError("attendance is recorded from the day of the session")
    changed = {}
    for reservation in reservations.attendees(db, session_id):
        if reservation.id in marks and reservation.attended != marks[reservation.id]:
            reservation.attended = marks[reservation.id]
            changed[str(reservation.id)] = marks[reservation.id]
    if changed:
        audit.record(db, actor, "class.attendance", f"class:{session_id}", marks=changed)
    return len(changed)


# -- telling residents (after commit) ----------------------------------------------------------


def tell(
    sessions: sessionmaker,
    outbox: Outbox,
    content: Content,
    settings: Settings,
    notices: list[Notice],
    actor: str,
) -> NoticeReport:
    """Push each notice (kept and retried with the same key if LINE does not take it) and
    audit the outcome."""
    report = NoticeReport()
    if not notices:
        return report
    subjects = set()
    with sessions() as db:
        for notice in notices:
            reservation = db.get(
                Reservation,
                notice.reservation_id,
                options=[joinedload(Reservation.session), joinedload(Reservation.follower)],
            )
            follower = reservation.follower if reservation is not None else None
            # Gone, blocked, or a held seat kept nameless after its resident's data was deleted.
            if reservation is None or follower is None or not follower.following:
                report.skipped += 1
                continue
            subjects.add(f"class:{reservation.session_id}")
            card = notice_card(content, settings, notice.purpose, reservation, follower.language)
            if notice.purpose == "promotion":
                key = reservations.promotion_key(reservation)
            else:
                purpose = f"{notice.purpose}:{notice.change}" if notice.change else notice.purpose
                key = reservations.retry_key(purpose, reservation)
            cards = messages.sized_for(follower, [card])
            about = about_booking(notice, reservation)
            sent = outbox.push(follower.line_user_id, cards, key, notice.purpose, about)
            if sent == SENT:
                report.sent += 1
            elif sent == KEPT:
                report.kept += 1
            else:
                report.failed += 1
                report.failures.append(reservation.id)
        audit.record(
            db,
            actor,
            "class.notify",
            ",".join(sorted(subjects)),
            purposes=sorted({n.purpose for n in notices}),
            sent=report.sent,
            kept=report.kept,
            failed=report.failed,
            skipped=report.skipped,
        )
        db.commit()
    return report


def about_booking(notice: Notice, reservation: Reservation) -> str | None:
    """What a notice is about, for the outbox should LINE not take it now: a seat offer or a
    change is only true while the booking stands (a retry after the resident cancelled drops
    it); a cancellation is true for good, and must still arrive."""
    if notice.purpose == "session-cancelled":
        return None
    return reservations.booking_subject(reservation)


def notice_card(
    content: Content, settings: Settings, purpose: str, reservation: Reservation, lang: str
):
    """The card a resident gets, in their language: the booking card they saw when booking
    (handlers), headed by what happened. A change or cancellation is our doing: it apologises,
    and offers 予約の確認 and 別の回を見る (a changed booking can also be cancelled from it)."""
    from bot.classes.cards import bubble_message, reservation_card, session_rows, venue_phone

    session = reservation.session
    if purpose == "promotion":
        heading = content.ui("class_promoted", lang)
        return reservation_card(content, settings.tz, lang, reservation, heading)
    bookings = messages.postback_action(
        content.ui("my_reservations_button", lang), Postback("my_reservations")
    )
    others = messages.postback_action(
        content.ui("other_sessions_button", lang), Postback("class_entry", {"k": "schedule"})
    )
    if purpose == "session-changed":
        cancel = messages.postback_action(
            content.ui("cancel_reservation_button", lang),
            Postback("cancel_ask", {"reservation": str(reservation.id)}),
        )
        heading = content.ui("class_changed", lang)
        buttons = [bookings, cancel, others]
        return reservation_card(content, settings.tz, lang, reservation, heading, buttons=buttons)
    rows = session_rows(content, settings.tz, lang, session, brief=True)
    rows.append((content.ui("class_row.phone", lang), venue_phone(content, lang, session)))
    heading = content.ui("class_cancelled_notice", lang)
    return bubble_message(heading, classes.title_in(session, lang), rows, [bookings, others])


def _audited(session: ClassSession) -> dict:
    """A session's editable details as plain values for the audit log."""
    values = {name: getattr(session, name) for name in EDITABLE}
    for name in ("starts_at", "ends_at"):
        values[name] = values[name].isoformat() if values[name] else None
    return values
