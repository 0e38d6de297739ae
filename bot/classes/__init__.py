"""Smartphone class and consultation sessions: the services the CLI, console and bot share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, bindparam, or_, select
from sqlalchemy.orm import Session

from bot.core.catalogue import load_languages
from bot.core.models import ClassSession
from bot.core.prepared import Prepared

KINDS = ("class", "consultation")


# The longest text and the largest class a session may have: staff see these beside the
# console's fields, and the CLI meets the same ones.
LIMITS = {
    "title": 200,
    "venue": 200,
    "title_en": 200,
    "venue_en": 200,
    "description": 2000,
    "bring": 300,
    "bring_en": 300,
    "capacity": 1000,
}
# What can be wrong with a session's details, by code; the console words each code in its own
# languages (classes.error.<code>), the CLI prints these.
PROBLEMS = {
    "title": f"a session needs a title of at most {LIMITS['title']} characters",
    "venue": f"a session needs a venue of at most {LIMITS['venue']} characters",
    "title_en": f"the English title can have at most {LIMITS['title_en']} characters",
    "venue_en": f"the English venue can have at most {LIMITS['venue_en']} characters",
    "kind": f"kind must be one of {', '.join(KINDS)}",
    "description": f"the description can have at most {LIMITS['description']} characters",
    "bring": f"what to bring can have at most {LIMITS['bring']} characters",
    "bring_en": f"what to bring in English can have at most {LIMITS['bring_en']} characters",
    "capacity": f"capacity must be a whole number from 1 to {LIMITS['capacity']}",
    "starts_at": "the start needs a date, a time and a time zone, e.g. 2026-12-03T10:00+09:00",
    "ends_at": "the end time must be after the start time",
}


class ClassError(ValueError):
    """Session details that cannot be saved, or a change that cannot be made. The message says
    what to fix; `problems` maps each field at fault to a code of PROBLEMS, for a form."""

    def __init__(self, message: str, problems: dict[str, str] | None = None):
        super().__init__(message)
        self.problems = problems or {}


def session_problems(details: dict) -> dict[str, str]:
    """What a resident would trip over in a session's details, by field ({} when nothing).

    `details` are typed values (as add_session takes them); None stands for a required
    value that could not be read, such as a start time nobody could parse.
    """
    problems = {}
    for name in ("title", "venue"):
        text = (details.get(name) or "").strip()
        if not text or len(text) > LIMITS[name]:
            problems[name] = name
    for name in ("title_en", "venue_en", "bring_en"):  # optional: empty shows the Japanese
        if len((details.get(name) or "").strip()) > LIMITS[name]:
            problems[name] = name
    if details.get("kind") not in KINDS:
        problems["kind"] = "kind"
    for name in ("description", "bring"):
        if len(details.get(name) or "") > LIMITS[name]:
            problems[name] = name
    capacity = details.get("capacity")
    if not isinstance(capacity, int) or not 1 <= capacity <= LIMITS["capacity"]:
        problems["capacity"] = "capacity"
    starts_at, ends_at = details.get("starts_at"), details.get("ends_at")
    if starts_at is None or starts_at.tzinfo is None:
        problems["starts_at"] = "starts_at"
    elif ends_at is not None and ends_at <= starts_at:
        problems["ends_at"] = "ends_at"
    return problems


def check_session(details: dict) -> None:
    """Raise ClassError naming every problem of session_problems, if there is one."""
    problems = session_problems(details)
    if problems:
        raise ClassError("; ".join(PROBLEMS[code] for code in problems.values()), problems)


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
    bring: str = "",
    asks_name: bool = False,
    title_en: str = "",
    venue_en: str = "",
    bring_en: str = "",
) -> ClassSession:
    """Create a session after checking what a resident would trip over (session_problems)."""
    check_session(
        {
            "title": title,
            "kind": kind,
            "venue": venue,
            "capacity": capacity,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "description": description,
            "bring": bring,
            "title_en": title_en,
            "venue_en": venue_en,
            "bring_en": bring_en,
        }
    )
    session = ClassSession(
        kind=kind,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue.strip(),
        capacity=capacity,
        description=description,
        bring=bring.strip(),
        asks_name=asks_name,
        title_en=(title_en or "").strip(),
        venue_en=(venue_en or "").strip(),
        bring_en=(bring_en or "").strip(),
    )
    db.add(session)
    db.flush()
    return session


@dataclass(frozen=True)
class OpenSession:
    """An upcoming session as the schedule shows it to residents: a plain row, not an ORM
    object (residents ask for the schedule often; loading ORM objects cost several times the
    query)."""

    id: int
    kind: str
    title: str
    title_en: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    venue: str
    venue_en: str
    capacity: int
    reserved: int


# Where a page of the schedule ended: the start and id of the last session it showed.
Cursor = tuple[dt.datetime, int]
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)
LONGEST_AT = 16  # digits: microseconds since 1970 reach 17 digits only in the year 5138


def cursor_of(session: OpenSession) -> Cursor:
    """The cursor after `session`."""
    return session.starts_at, session.id


def pack_cursor(cursor: Cursor) -> tuple[str, int]:
    """A cursor as a button carries it: the start in whole microseconds since 1970 UTC (exact,
    unlike a float timestamp, so the session itself compares equal) and the id."""
    return str((cursor[0] - _EPOCH) // _MICROSECOND), cursor[1]


def read_cursor(at: str, session_id: int) -> Cursor | None:
    """The cursor a button carried; None for a start we never wrote."""
    if not (at.isascii() and at.isdigit()) or len(at) > LONGEST_AT:
        return None
    return _EPOCH + int(at) * _MICROSECOND, session_id


def upcoming_sessions(
    reading: Connection,
    now: dt.datetime,
    limit: int = 12,
    start: int = 0,
    after: Cursor | None = None,
) -> list[OpenSession]:
    """Open sessions that have not started yet, soonest first: those after the cursor `after`
    (the start and id of the last session a page showed), else from the `start`-th (0: the
    soonest). `reading` is a turn's connection (Services.reading), so the seats include those
    the turn already took.

    Why a cursor: counting from the soonest, a session added or closed between two taps moves
    the next page by one, so a resident saw one session twice or never saw one. The cursor
    names where the last page ended, whatever changed before it."""
    if after is not None:
        values = {"now": now, "limit": limit, "after_at": after[0], "after_id": after[1]}
        rows = _UPCOMING_AFTER.run_all(reading, values)
    else:
        rows = _UPCOMING.run_all(reading, {"now": now, "limit": limit, "start": start})
    return [OpenSession(*row) for row in rows]


# Prepared once (bot.core.prepared): through the ORM, the statement's execution context and
# the loading of each session cost more CPU than SQLite took to run it.
_SESSIONS = ClassSession.__table__
_OPEN_SOONEST_FIRST = (
    select(*(_SESSIONS.c[field] for field in OpenSession.__dataclass_fields__))
    .where(_SESSIONS.c.status == "open", _SESSIONS.c.starts_at > bindparam("now"))
    .order_by(_SESSIONS.c.starts_at, _SESSIONS.c.id)
    .limit(bindparam("limit"))
)
_UPCOMING = Prepared(_OPEN_SOONEST_FIRST.offset(bindparam("start")))
_UPCOMING_AFTER = Prepared(
    _OPEN_SOONEST_FIRST.where(
        or_(
            _SESSIONS.c.starts_at > bindparam("after_at"),
            and_(
                _SESSIONS.c.starts_at == bindparam("after_at"),
                _SESSIONS.c.id > bindparam("after_id"),
            ),
        )
    )
)


def all_sessions(db: Session) -> list[ClassSession]:
    """Every session, soonest first (staff lists)."""
    return list(db.scalars(select(ClassSession).order_by(ClassSession.starts_at, ClassSession.id)))


# What the shared functions below read of a session: an ORM row or a schedule row alike.
Shown = ClassSession | OpenSession


def is_over(session: ClassSession, now: dt.datetime, tz: ZoneInfo | None = None) -> bool:
    """Whether a session has taken place: its end has gone — or, when it has no end time, its
    day (in `tz`; without one, its start), so that one just begun can still be called off.
    Nobody is told of anything about it any more (a cancellation, a new venue, a seat)."""
    if session.ends_at is not None:
        return session.ends_at <= now
    if tz is None:
        return session.starts_at <= now
    return _start_of_day(session, tz, days_after=1) <= now


def attendance_opens(session: Shown, tz: ZoneInfo) -> dt.datetime:
    """When attendance can first be recorded: the start of the session's day in `tz`. Before
    it nobody can have come, and a mark made days ahead (a tap on the wrong session's list)
    would count in the managers' figures as someone who came."""
    return _start_of_day(session, tz)


def _start_of_day(session: Shown, tz: ZoneInfo, days_after: int = 0) -> dt.datetime:
    """Midnight in `tz` of the session's day, or of a day `days_after` it."""
    day = session.starts_at.astimezone(tz).date() + dt.timedelta(days=days_after)
    return dt.datetime.combine(day, dt.time(0), tz)


def attendance_open(session: Shown, now: dt.datetime, tz: ZoneInfo) -> bool:
    """Whether attendance can be recorded now: from the session's day on (and after it, for
    marks made later from the paper list)."""
    return attendance_opens(session, tz) <= now


def seats_left(session: Shown) -> int:
    """Seats still free."""
    return max(session.capacity - session.reserved, 0)


def format_when(session: Shown, tz: ZoneInfo, lang: str) -> str:
    """When, as residents read it, in the language catalogue's format for `lang`:
    12月3日(水) 10:00〜12:00, or Wed 3 Dec 10:00–12:00."""
    start = session.starts_at.astimezone(tz)
    end = session.ends_at.astimezone(tz) if session.ends_at else None
    return load_languages().get(lang).format_when(start, end)


def in_language(japanese: str, english: str, lang: str) -> tuple[str, str]:
    """One of a session's texts (title, venue, what to bring) as a reader of `lang` sees it,
    and the language it is in: the English (when staff wrote one) for a language written in
    Latin letters, the Japanese otherwise. Residents' cards and the staff's door page choose
    alike."""
    if english and load_languages().get(lang).latin:
        return english, "en"
    return japanese, "ja"


def title_in(session: Shown, lang: str) -> str:
    """The title a resident reading `lang` sees (in_language)."""
    return in_language(session.title, session.title_en, lang)[0]


def venue_in(session: Shown, lang: str) -> str:
    """The venue a resident reading `lang` sees, chosen as title_in chooses the title."""
    return in_language(session.venue, session.venue_en, lang)[0]


def bring_in(session: ClassSession, lang: str) -> str:
    """What to bring as a resident reading `lang` sees it, chosen as title_in chooses the
    title ("" when staff wrote nothing: the card then says to ask the venue)."""
    return in_language(session.bring.strip(), session.bring_en.strip(), lang)[0]


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
        "bring": session.bring,
        "title_en": session.title_en,
        "venue_en": session.venue_en,
        "bring_en": session.bring_en,
        "asks_name": session.asks_name,
    }
