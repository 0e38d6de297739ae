"""Prepared statements (bot/core/prepared.py) store and read values exactly as SQLAlchemy does,
belong to the session's transaction, and fail as SQLAlchemy fails: on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import bindparam, insert, select, text
from sqlalchemy.exc import IntegrityError

from bot.core.db import make_engine, make_session_factory
from bot.core.models import ConversationContext, Follower, ProcessedEvent
from bot.core.prepared import Prepared, pipelined

CONTEXT = ConversationContext.__table__
STORE = Prepared(lambda insert: insert(CONTEXT))
READ = Prepared(
    select(CONTEXT.c.intent, CONTEXT.c.data, CONTEXT.c.expires_at).where(
        CONTEXT.c.follower_id == bindparam("follower_id")
    )
)
CLAIM = Prepared(
    lambda insert: (
        insert(ProcessedEvent.__table__)
        .on_conflict_do_nothing(index_elements=["webhook_event_id"])
        .returning(ProcessedEvent.__table__.c.webhook_event_id)
    )
)
# On the hour (no microseconds: SQLite's default adapter would drop ".000000") and not in UTC.
WHEN = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))


@pytest.fixture
def sessions(database_url):
    engine = make_engine(database_url)
    yield make_session_factory(engine)
    engine.dispose()


def a_follower(db, user: str = "U" + "0" * 32) -> int:
    values = {"line_user_id": user, "language": "ja", "following": True, "last_event_ms": 0}
    return db.execute(
        insert(Follower).values(**values, created_at=WHEN).returning(Follower.id)
    ).scalar_one()


def store_for_nobody(connection) -> None:
    """A context for a follower who does not exist: the database refuses it (a foreign key),
    with a value an error message must not repeat."""
    values = {"intent": "secret-intent-value", "entry_key": None, "data": {}, "expires_at": WHEN}
    STORE.run(connection, {"follower_id": 424242, **values})


def test_values_go_in_and_come_out_as_sqlalchemy_writes_and_reads_them(sessions):
    with sessions() as db:
        ours, theirs = a_follower(db, "U" + "1" * 32), a_follower(db, "U" + "2" * 32)
        values = {"intent": "konbini_certificate", "entry_key": "hours", "data": {"ids": [1, 2]}}
        STORE.run(db.connection(), {"follower_id": ours, **values, "expires_at": WHEN})
        db.execute(insert(CONTEXT), {"follower_id": theirs, **values, "expires_at": WHEN})
        db.commit()
        stored = db.execute(
            text("SELECT expires_at, data FROM conversation_contexts ORDER BY follower_id")
        ).all()
        assert stored[0] == stored[1]  # the same bytes in the database
        for follower_id in (ours, theirs):
            intent, data, expires_at = READ.run(db.connection(), {"follower_id": follower_id})
            assert (intent, data, expires_at) == ("konbini_certificate", {"ids": [1, 2]}, WHEN)
            assert expires_at.tzinfo is not None
        assert READ.run(db.connection(), {"follower_id": 0}) is None


def test_they_commit_and_roll_back_with_the_session(sessions):
    with sessions() as db:
        assert CLAIM.run(db.connection(), {"webhook_event_id": "a", "received_at": WHEN}) == ("a",)
        db.rollback()
        assert CLAIM.run(db.connection(), {"webhook_event_id": "a", "received_at": WHEN}) == ("a",)
        db.commit()
        assert CLAIM.run(db.connection(), {"webhook_event_id": "a", "received_at": WHEN}) is None
        db.commit()
    with sessions() as db:
        assert db.scalars(select(ProcessedEvent.webhook_event_id)).all() == ["a"]


def test_a_driver_error_is_sqlalchemys_and_names_no_values(sessions):
    with sessions() as db, pytest.raises(IntegrityError) as raised:
        store_for_nobody(db.connection())
    assert "secret-intent-value" not in str(raised.value)


def test_a_statement_that_needs_python_defaults_is_refused(sessions):
    claim_without_time = Prepared(lambda insert: insert(ProcessedEvent.__table__))
    with sessions() as db, pytest.raises(ValueError, match="give every column a value"):
        claim_without_time.run(db.connection(), {"webhook_event_id": "b"})


def test_statements_sent_together_are_all_written_and_the_claim_read_after(sessions):
    """A turn's writes go out together (one round trip on PostgreSQL): each is written, in the
    session's transaction, and the claim's row is read once they are answered."""
    with sessions() as db:
        follower_id = a_follower(db)
        connection = db.connection()
        values = {"intent": "contact", "entry_key": None, "data": {}, "expires_at": WHEN}
        with pipelined(connection):
            STORE.run(connection, {"follower_id": follower_id, **values})
            claim = CLAIM.send(connection, {"webhook_event_id": "c", "received_at": WHEN})
        assert claim.row() == ("c",)
        db.commit()
        with pipelined(db.connection()):
            again = CLAIM.send(db.connection(), {"webhook_event_id": "c", "received_at": WHEN})
        assert again.row() is None  # claimed before: the second delivery sees it
        db.rollback()
    with sessions() as db:
        assert READ.run(db.connection(), {"follower_id": follower_id})[0] == "contact"
        assert db.scalars(select(ProcessedEvent.webhook_event_id)).all() == ["c"]


def test_a_failure_among_statements_sent_together_is_sqlalchemys_and_the_rest_undone(sessions):
    """On PostgreSQL the failure comes at the end of the block, not at the statement: it is
    still SQLAlchemy's error (so an outage is still told from a bug), names no values, and the
    rollback leaves nothing of the block and a connection that works."""
    with sessions() as db:
        connection = db.connection()
        with pytest.raises(IntegrityError) as raised, pipelined(connection):
            CLAIM.send(connection, {"webhook_event_id": "d", "received_at": WHEN})
            store_for_nobody(connection)
        assert "secret-intent-value" not in str(raised.value)
        db.rollback()
        assert CLAIM.run(db.connection(), {"webhook_event_id": "e", "received_at": WHEN}) == ("e",)
        db.commit()
    with sessions() as db:
        assert db.scalars(select(ProcessedEvent.webhook_event_id)).all() == ["e"]
