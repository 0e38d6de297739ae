"""Smartphone class and consultation sessions: the services the CLI, console and bot share."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import ClassSession

KINDS = ("class", "consultation")
WEEKDAYS_JA = "月火水木金土日"


class ClassError(ValueError):
    """Session details that cannot be saved; the message says what to fix."""


def add_session(
    db: Session,
    *,
    title: str,
    starts_at: dt.datetime,
    venue: str,
    capacity: int,
    kind: str = "class",
    ends_at: dt.datetime | None = None,
    description: str = "",
) -> ClassSession:
    """Create a session after checking what a resident would trip over."""
    if kind not in KINDS:
        raise ClassError(f"kind must be one of {', '.join(KINDS)} (got {kind!r})")
    if capacity < 1:
        raise ClassError(f"capacity must be at least 1 (got {capacity})")
    if starts_at.tzinfo is None:
        raise ClassError("the start time needs a time zone, e.g. 2026-12-03T10:00+09:00")
    if ends_at is not None and ends_at <= starts_at:
        raise ClassError("the end time must be after the start time")
    if not title.strip() or not venue.strip():
        raise ClassError("a session needs a title and a venue")
    session = ClassSession(
        kind=kind,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue.strip(),
        capacity=capacity,
        description=description,
    )
    db.add(session)
    db.flush()
    return session


def upcoming_sessions(db: Session, now: dt.datetime, limit: int = 12) -> list[ClassSession]:
    """Open sessions that have not started yet, soonest first."""
    query = (
        select(ClassSession)
        .where(ClassSession.status == "open", ClassSession.starts_at > now)
        .order_by(ClassSession.starts_at, ClassSession.id)
        .limit(limit)
    )
    return list(db.scalars(query))


def all_sessions(db: Session) -> list[ClassSession]:
    """Every session, soonest first (staff lists)."""
    return list(db.scalars(select(ClassSession).order_by(ClassSession.starts_at, ClassSession.id)))


def seats_left(session: ClassSession) -> int:
    """Seats still free."""
    return max(session.capacity - session.reserved, 0)


def format_when(session: ClassSession, tz: ZoneInfo, lang: str) -> str:
    """When, as residents read it: 12月3日(水) 10:00〜12:00, or Wed 3 Dec 10:00–12:00."""
    start = session.starts_at.astimezone(tz)
    end = session.ends_at.astimezone(tz) if session.ends_at else None
    if lang == "en":
        text = start.strftime("%a %-d %b %H:%M")
        return f"{text}–{end:%H:%M}" if end else text
    text = f"{start.month}月{start.day}日({WEEKDAYS_JA[start.weekday()]}) {start:%H:%M}"
    return f"{text}〜{end:%H:%M}" if end else text


def session_as_dict(session: ClassSession) -> dict:
    """The JSON shape of `classes list --json` (DESIGN §3)."""
    return {
        "id": session.id,
        "kind": session.kind,
        "title": session.title,
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat() if session.ends_at else None,
        "venue": session.venue,
        "capacity": session.capacity,
        "reserved": session.reserved,
        "status": session.status,
    }
