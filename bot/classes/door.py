"""At the door: staff find a booking by its 受付番号 or by the name the resident gave, and mark
who came. Built on bot.classes.changes (attendance is recorded, and audited, there).

Names are matched the way staff type them on a phone: full- or half-width, with or without
spaces, in hiragana or katakana (「いたばし」 finds 「イタバシ ハナコ」). A number is read only
from the digits a keyboard types (0-9, ０-９), so 「²」 is not booking 2.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.classes import changes, reservations
from bot.core.db import typed_id
from bot.core.models import Reservation

# Katakana → hiragana: the two scripts are one code-point block apart.
_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}


def folded(text: str) -> str:
    """Text as searched: NFKC (full-width digits and half-width kana made plain), no spaces,
    case-folded, katakana as hiragana."""
    plain = "".join(unicodedata.normalize("NFKC", text).split()).casefold()
    return plain.translate(_TO_HIRAGANA)


# A typed 受付番号: digits as a keyboard gives them (0-9, full-width ０-９), with what the
# resident's card shows around them or staff add (「受付番号 12」, 「No.12」, 「#12」, 「12番」),
# in either width. Not \d, which takes every script's digits.
_NUMBER = re.compile(r"(?P<prefix>\D*?)(?P<digits>[0-9０-９]+)(?P<suffix>\D*)")
_PREFIXES = {"", "no", "no.", "#", "no.#", "受付番号", "うけつけばんごう", "番号"}
_SUFFIXES = {"", "番"}


def typed_number(query: str) -> int | None:
    """The booking number in a search, or None when it is not one. Only the digits staff type
    count: 「²」, 「₂」, 「②」 (which NFKC makes 2) are text, or a search by name would find
    booking 2 instead of nobody."""
    match = _NUMBER.fullmatch("".join(query.split()))
    if match is None:
        return None
    prefix = folded(match["prefix"]).rstrip(":")  # 「受付番号：12」
    if prefix not in _PREFIXES or folded(match["suffix"]) not in _SUFFIXES:
        return None
    return typed_id(match["digits"])


def find(db: Session, session_id: int, query: str) -> list[Reservation]:
    """The session's bookings (seats, then the waiting list) whose number is `query`, or whose
    name or furigana contains it; all of them when `query` is empty."""
    holders = changes.active_reservations(db, session_id)
    wanted = folded(query)
    if not wanted:
        return holders
    number = typed_number(query)
    if number is not None:
        return [r for r in holders if r.id == number]
    # Text: a name (digits past any booking, which typed_id refuses, find none this way too).
    return [
        r
        for r in holders
        if any(wanted in folded(name) for name in (r.name or "", r.name_kana or ""))
    ]


def check_in(
    db: Session,
    session_id: int,
    reservation_id: int,
    came: bool | None,
    actor: str,
    *,
    now: dt.datetime,
    tz: ZoneInfo,
) -> bool:
    """Mark one seat as come (True) or unmark it (None), audited; False when the number is not
    a seat of this session (a waiting-list place, a cancelled booking, another session's).
    Before the session's day: ClassError (changes.mark_attendance)."""
    if all(r.id != reservation_id for r in reservations.attendees(db, session_id)):
        return False
    changes.mark_attendance(db, session_id, {reservation_id: came}, actor, now=now, tz=tz)
    return True
