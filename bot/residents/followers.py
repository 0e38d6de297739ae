"""The follower ledger: who follows now (for sending) and how many followed when (for managers).

Follow, unfollow and re-follow change a follower's row and, only when the state really changes,
append an anonymous +1/-1 to the ledger. Events are applied by LINE's timestamp, so a late,
older event never overwrites a newer one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import cast

from sqlalchemy import Select, delete, func, insert, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from bot.core.catalogue import load_languages, subscribable_topics
from bot.core.db import per_database, utcnow
from bot.core.models import (
    ClassSession,
    Follower,
    FollowerTopic,
    FollowLedgerEntry,
    PendingMessage,
    Reservation,
)


def _from_ms(timestamp_ms: int) -> dt.datetime:
    """LINE's event time (ms since the epoch) as an aware UTC datetime."""
    return dt.datetime.fromtimestamp(timestamp_ms / 1000, dt.UTC)


def find_follower(session: Session, line_user_id: str) -> Follower | None:
    """The follower with this LINE user ID, if we know them."""
    return session.scalar(select(Follower).where(Follower.line_user_id == line_user_id))


def adopt_follower(
    session: Session, line_user_id: str, kind: str, language: str | None = None
) -> Follower:
    """A row for a friend whose follow we never saw (they added the account before the bot
    listened, or erased their data and wrote again): counted from now, with every topic on, as
    any new follower (README), in `language` (their LINE profile's, as the language catalogue
    maps it; the default language when not given).

    Two first messages of one resident can arrive at once (a double tap): ON CONFLICT lets one
    insert win without an error (or a savepoint); the other gets the winner's row.
    """
    now = utcnow()
    adopted_id = session.execute(
        _insert_follower(session),
        {
            "line_user_id": line_user_id,
            "language": language or load_languages().default,
            "following": True,
            "followed_at": now,
            "last_event_ms": 0,
            "created_at": now,
        },
    ).scalar()
    if adopted_id is None:
        # ON CONFLICT skipped our insert: the row that won the conflict exists.
        winner = find_follower(session, line_user_id)
        assert winner is not None
        return winner
    session.execute(
        insert(FollowerTopic),
        [{"follower_id": adopted_id, "topic": t} for t in subscribable_topics()],
    )
    session.execute(insert(FollowLedgerEntry), {"occurred_at": now, "delta": 1, "kind": kind})
    return session.get_one(Follower, adopted_id)


@per_database
def _insert_follower(insert):
    table = Follower.__table__
    return (
        insert(table).on_conflict_do_nothing(index_elements=["line_user_id"]).returning(table.c.id)
    )


def unknown_ids(session: Session, line_user_ids: list[str]) -> list[str]:
    """The IDs of this list that have no row yet, in order, each once."""
    known = set(
        session.scalars(
            select(Follower.line_user_id).where(Follower.line_user_id.in_(line_user_ids))
        )
    )
    return [u for u in dict.fromkeys(line_user_ids) if u not in known]


def adopt_many(
    session: Session,
    line_user_ids: list[str],
    kind: str,
    languages: Mapping[str, str] | None = None,
) -> int:
    """`adopt_follower` for a page of IDs at once (sync-followers), with bulk inserts; IDs we
    already know are skipped. `languages`: each ID's language where known (the default
    language for the others). Returns how many were new."""
    new_ids = unknown_ids(session, line_user_ids)
    if not new_ids:
        return 0
    now = utcnow()
    default = load_languages().default
    languages = languages or {}
    session.execute(
        insert(Follower),
        [
            {
                "line_user_id": u,
                "language": languages.get(u, default),
                "following": True,
                "followed_at": now,
                "last_event_ms": 0,
                "created_at": now,
            }
            for u in new_ids
        ],
    )
    rows = (
        session.execute(select(Follower.id).where(Follower.line_user_id.in_(new_ids)))
        .scalars()
        .all()
    )
    topics = subscribable_topics()  # every topic until they choose (README)
    session.execute(
        insert(FollowerTopic),
        [{"follower_id": f, "topic": t} for f in rows for t in topics],
    )
    session.execute(
        insert(FollowLedgerEntry),
        [{"occurred_at": now, "delta": 1, "kind": kind} for _ in new_ids],
    )
    return len(new_ids)


def get_or_create_follower(session: Session, line_user_id: str) -> Follower:
    """The follower who wrote; adopted if we never saw their follow."""
    return find_follower(session, line_user_id) or adopt_follower(session, line_user_id, "seen")


def record_follow(
    session: Session, line_user_id: str, timestamp_ms: int, *, is_unblocked: bool
) -> tuple[Follower, bool]:
    """Apply a follow event; return the follower and whether the count went up."""
    follower = find_follower(session, line_user_id)
    occurred_at = _from_ms(timestamp_ms)
    if follower is None:
        follower = Follower(line_user_id=line_user_id, following=False, last_event_ms=0)
        follower.topics = [FollowerTopic(topic=t) for t in subscribable_topics()]
        session.add(follower)
    if timestamp_ms < follower.last_event_ms or follower.following:
        return follower, False
    follower.following = True
    follower.followed_at = occurred_at
    follower.last_event_ms = timestamp_ms
    kind = "refollow" if is_unblocked or follower.unfollowed_at else "follow"
    session.add(FollowLedgerEntry(occurred_at=occurred_at, delta=1, kind=kind))
    session.flush()
    return follower, True


def record_unfollow(session: Session, line_user_id: str, timestamp_ms: int) -> bool:
    """Apply an unfollow (block) event; return whether the count went down."""
    follower = find_follower(session, line_user_id)
    if follower is None or not follower.following or timestamp_ms < follower.last_event_ms:
        return False
    follower.following = False
    follower.unfollowed_at = _from_ms(timestamp_ms)
    follower.last_event_ms = timestamp_ms
    session.add(FollowLedgerEntry(occurred_at=follower.unfollowed_at, delta=-1, kind="unfollow"))
    session.flush()
    return True


def mark_unreachable(session: Session, follower_ids: list[int]) -> None:
    """LINE refused these IDs as recipients (malformed: they can never be reached), so they
    leave future audiences and the follower count as a block would take them out; a follow
    event from the same ID would bring it back."""
    now = utcnow()
    refused = session.scalars(
        select(Follower).where(Follower.id.in_(follower_ids), Follower.following.is_(True))
    )
    for follower in refused:
        follower.following = False
        follower.unfollowed_at = now  # and the data goes after the same 30 days as a block's
        session.add(FollowLedgerEntry(occurred_at=now, delta=-1, kind="unreachable"))
    session.flush()


def followers_at(session: Session, when: dt.datetime | None = None) -> int:
    """How many residents followed the account at `when` (now when None), from the ledger."""
    query = select(func.coalesce(func.sum(FollowLedgerEntry.delta), 0))
    if when is not None:
        query = query.where(FollowLedgerEntry.occurred_at <= when)
    return int(session.scalar(query) or 0)


def delete_follower(session: Session, follower: Follower) -> None:
    """Erase a resident's personal data ("delete my data"): their row and all that hangs on it.

    The anonymous ledger keeps its history, and their seats in sessions already held stay,
    nameless and nobody's (keep_held_seats_nameless). A resident who still follows leaves the
    count with an "erased" -1: we no longer know them, and if they write again they are counted
    afresh ("seen") — never twice.
    """
    now = utcnow()
    if follower.following:
        session.add(FollowLedgerEntry(occurred_at=now, delta=-1, kind="erased"))
    keep_held_seats_nameless(session, [follower.id], now)
    # Messages still waiting to reach them carry their user ID: they go too.
    session.execute(
        delete(PendingMessage).where(PendingMessage.line_user_id == follower.line_user_id)
    )
    session.delete(follower)
    session.flush()


def keep_held_seats_nameless(
    session: Session, follower_ids: list[int] | Select[int], now: dt.datetime
) -> int:
    """Unlink these residents' seats in sessions already held from them, and drop the names
    given when booking; return how many seats were kept.

    Why: the managers' attendance figures (bot.reports.kpi) count those rows, and a resident
    leaving must not rewrite last month's class. What stays is a booking number, a session and
    an attendance mark: nothing that says who. Their other bookings (upcoming ones the caller
    has cancelled, waiting-list places, cancellations) go with their row (ON DELETE CASCADE).
    """
    held = select(ClassSession.id).where(
        ClassSession.status == "open", ClassSession.starts_at <= now
    )
    kept = session.execute(
        update(Reservation)
        .where(
            Reservation.follower_id.in_(follower_ids),
            Reservation.status == "reserved",
            Reservation.session_id.in_(held),
        )
        .values(follower_id=None, name=None, name_kana=None)
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult, kept).rowcount or 0
