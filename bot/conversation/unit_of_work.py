"""One event's database work: who wrote and their context at the start; at the end the event's
claim, the context, the counts and one commit.

It runs on one pooled connection, in one transaction. The ORM session, which the few handlers
that change rows need (a booking, a setting, erasing data), is opened on that connection and in
that transaction only when one asks for it: opening, joining and committing a session cost more
CPU than the statements most events run.

The writes come together just before the commit, so they hold SQLite's write lock and
PostgreSQL's row locks for a few statements rather than for the whole turn. A redelivery is
processed once: only one delivery can claim the event id, and the other's work is rolled back.

These statements are prepared (bot.core.prepared): compiled once by SQLAlchemy and run on the
unit's connection, in its transaction, straight on the driver's cursor; SQLAlchemy's
per-statement machinery cost more CPU than the rest of the event's database work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, delete, select
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation.turn import CONTEXT_LIFETIME, LastAnswer, Resident, Turn
from bot.core.db import utcnow
from bot.core.models import ConversationContext, Follower, ProcessedEvent
from bot.core.prepared import Prepared, Sent, pipelined
from bot.residents import followers
from bot.residents.questions import count_answer, count_question, count_safety_answer


@dataclass(frozen=True)
class Outcome:
    """What happened to one event, for logs and tests (never the message text)."""

    kind: str  # duplicate | ignored | answered | silent | failed
    intent: str | None = None
    question: bool = False  # a typed question, counted by intent for the dashboard
    safety: str | None = None  # the crisis category answered with help lines, counted only


class UnitOfWork:
    """The database side of one event, on one connection."""

    def __init__(
        self, connection: Connection, sessions: sessionmaker, clock: Callable[[], dt.datetime]
    ):
        self.connection = connection
        self.clock = clock
        self._sessions = sessions
        self._session: Session | None = None

    @property
    def db(self) -> Session:
        """The ORM session, opened on first use on this unit's connection and in its
        transaction. It never commits: `finish` does, for the session's changes and the
        event's own writes together."""
        if self._session is None:
            # Bound to a connection already in a transaction, a session joins it and leaves
            # its commit to the connection's owner (SQLAlchemy's "conservative_savepoint").
            self._session = self._sessions(bind=self.transaction())
        return self._session

    def transaction(self) -> Connection:
        """The connection, in this unit's transaction (begun on first use, and again after a
        rollback)."""
        if not self.connection.in_transaction():
            self.connection.begin()
        return self.connection

    def resident(
        self, user_id: str, language_of: Callable[[str], str] | None = None
    ) -> tuple[Resident, LastAnswer | None]:
        """Who wrote, and the last answer's context if it is still fresh: one query. A friend
        whose follow we never saw is adopted in `language_of(user_id)` (their LINE profile's),
        asked once, before the row is written: no write waits on that HTTP call."""
        found = _RESIDENT.run(self.transaction(), {"user_id": user_id})
        if found is None:  # a friend whose follow we never saw
            language = language_of(user_id) if language_of else None
            follower = followers.adopt_follower(self.db, user_id, "seen", language)
            return Resident(follower.id, follower.language, follower.large_text), None
        follower_id, language, large_text, intent, entry_key, data, expires_at = found
        resident = Resident(follower_id, language, bool(large_text))
        if intent is None or not expires_at > self.clock():
            return resident, None
        return resident, LastAnswer(intent, entry_key, data or {})

    def finish(self, event_id: str | None, outcome: Outcome, turn: Turn | None) -> bool:
        """Save the context, count the event, claim it, commit; False (and nothing kept) when
        another delivery of the event was processed first."""
        # What handlers changed through the ORM is written first, as before these statements.
        connection = self.flushed()
        now = self.clock()
        # The turn's writes go out together (one round trip on PostgreSQL, where each was
        # one), the claim last: if another delivery claimed the event first, all of them are
        # rolled back with it.
        with pipelined(connection):
            if turn is not None:
                self._save_context(connection, turn)
            if outcome.question and outcome.intent:
                count_question(connection, outcome.intent, now)
                answered = _answer_given(outcome.intent, turn)
                if answered is not None:
                    count_answer(connection, *answered, now)
            if outcome.safety:
                count_safety_answer(connection, outcome.safety, now)
            claim = self._send_claim(connection, event_id)
        if not self._claimed(claim):
            return False
        self.commit()
        return True

    def claim(self, event_id: str | None) -> bool:
        """Record the event id; False, with this delivery's work rolled back, when another
        delivery of it was already processed."""
        return self._claim(self.transaction(), event_id)

    def _claim(self, connection: Connection, event_id: str | None) -> bool:
        """One `INSERT … ON CONFLICT DO NOTHING` on the unique key: atomic across workers, and
        no savepoint to pay for on every event. RETURNING, not rowcount: psycopg reports -1."""
        return self._claimed(self._send_claim(connection, event_id))

    def _claimed(self, claim: Sent | None) -> bool:
        """Whether the claim went in (or there was none to make); when another delivery of the
        event claimed it first, this delivery's work is rolled back."""
        if claim is None or claim.row() is not None:
            return True
        self.rollback()
        return False

    def _send_claim(self, connection: Connection, event_id: str | None) -> Sent | None:
        """The claim's INSERT, sent; None when the event has no id to claim."""
        if not event_id:
            return None
        return _CLAIM.send(connection, {"webhook_event_id": event_id, "received_at": utcnow()})

    def flushed(self) -> Connection:
        """The connection in this unit's transaction, with the session's pending changes (if a
        session was opened) written to it: for a prepared read that must see them, and for
        the event's own writes."""
        if self._session is not None:
            self._session.flush()
        return self.transaction()

    def commit(self) -> None:
        """Commit the unit's transaction: the session's flushed changes and the writes."""
        self.connection.commit()

    def rollback(self) -> None:
        """Undo everything the unit did; the session's objects are dropped with it (a new one
        is opened if a handler asks again)."""
        self.close()
        self.connection.rollback()

    def close(self) -> None:
        """Close the session if one was opened (the caller closes the connection)."""
        if self._session is not None:
            self._session.close()
            self._session = None

    def language_of(self, user_id: str | None) -> str | None:
        """The language a resident chose (for an apology after a handler failed), or None
        when unknown or unreadable."""
        if user_id is None:
            return None
        try:
            return self.transaction().scalar(
                select(Follower.language).where(Follower.line_user_id == user_id)
            )
        except Exception:  # an apology must still go out
            return None

    def database_alive(self) -> bool:
        """Whether the database still answers (to tell a handler bug from an outage)."""
        try:
            self.connection.execute(select(1))
            return True
        except Exception:
            return False

    def _save_context(self, connection: Connection, turn: Turn) -> None:
        """Store (or clear) what the handler asked to remember: one statement either way."""
        if turn.remembered is None:
            return
        follower_id = turn.resident.id
        if not turn.remembered:
            _FORGET_CONTEXT.run(connection, {"follower_id": follower_id})
            return
        _STORE_CONTEXT.run(
            connection,
            {
                "follower_id": follower_id,
                "intent": turn.remembered["intent"],
                "entry_key": turn.remembered["entry_key"],
                "data": turn.remembered["data"],
                "expires_at": self.clock() + CONTEXT_LIFETIME,
            },
        )


# The statements of every event, prepared once (bot.core.prepared).
_CONTEXT = ConversationContext.__table__
_FOLLOWER = Follower.__table__
_RESIDENT = Prepared(
    select(
        _FOLLOWER.c.id,
        _FOLLOWER.c.language,
        _FOLLOWER.c.large_text,
        _CONTEXT.c.intent,
        _CONTEXT.c.entry_key,
        _CONTEXT.c.data,
        _CONTEXT.c.expires_at,
    )
    .outerjoin(_CONTEXT, _CONTEXT.c.follower_id == _FOLLOWER.c.id)
    .where(_FOLLOWER.c.line_user_id == bindparam("user_id"))
)
_FORGET_CONTEXT = Prepared(
    delete(ConversationContext).where(ConversationContext.follower_id == bindparam("follower_id"))
)


def _claim_event(insert):
    table = ProcessedEvent.__table__
    return (
        insert(table)
        .on_conflict_do_nothing(index_elements=["webhook_event_id"])
        .returning(table.c.webhook_event_id)
    )


def _store_context(insert):
    statement = insert(_CONTEXT)
    replaced = ("intent", "entry_key", "data", "expires_at")
    return statement.on_conflict_do_update(
        index_elements=["follower_id"], set_={c: statement.excluded[c] for c in replaced}
    )


_CLAIM = Prepared(_claim_event)
_STORE_CONTEXT = Prepared(_store_context)


def _answer_given(intent: str, turn: Turn | None) -> tuple[str, str] | None:
    """(topic, key) of the answer a question got, for the answers list's counts: the entry
    chosen in its topic, or the directory area named for an `unknown` one; None otherwise."""
    if turn is None:
        return None
    if intent == "unknown":
        return ("directory", turn.area.area) if turn.area is not None else None
    return (intent, turn.entry_key) if turn.entry_key else None
