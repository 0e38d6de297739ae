"""The database: engine and session factory built from settings, and the declarative base.

SQLite is the embedded default (demo mode, one-machine wards); PostgreSQL is production. The code
relies only on what both guarantee: unique constraints, transactions, conditional updates.
"""

from __future__ import annotations

import datetime as dt
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import DateTime, Engine, Executable, MetaData, create_engine, event, exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

# Stable constraint names make Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every model; models import nothing from Flask."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# The largest id (or other Integer column) both databases hold: PostgreSQL's `integer` is 32-bit.
# A larger number from outside (a URL, a button, a form, the command line) names no row; handed
# to the driver it would raise instead of finding nothing.
MAX_ID = 2**31 - 1


def as_id(text: str) -> int | None:
    """`text` as a row id or row number (ASCII digits, at most MAX_ID); None for anything else,
    such as '²' (a digit to str.isdigit, not to int) or a number past a database integer."""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if number <= MAX_ID else None


def typed_id(text: str) -> int | None:
    """A number a person typed (a 受付番号 at the door, a capacity) as as_id reads it: digits
    only (isdecimal: ①, ⑤ and ², which phone keyboards offer beside the digits, are refused
    before NFKC would make them 1, 5 and 2), spaces around them dropped, then NFKC so full-width
    digits from a Japanese keyboard become ASCII. Digits NFKC leaves non-ASCII (Arabic-Indic…)
    and numbers past MAX_ID are None, so they never reach an integer column."""
    digits = text.strip()
    return as_id(unicodedata.normalize("NFKC", digits)) if digits.isdecimal() else None


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Stores naive UTC, returns aware UTC, so SQLite and PostgreSQL round-trip the same value."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        """Refuse naive datetimes: a time without a zone is a bug waiting to happen."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        """Mark what comes back as UTC."""
        return None if value is None else value.replace(tzinfo=dt.UTC)


def utcnow() -> dt.datetime:
    """The current time, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


def make_engine(database_url: str) -> Engine:
    """Build an engine; for SQLite, create the folder and make concurrent writers wait, not fail.

    `hide_parameters`: a failing statement's error names no values, so a resident's words, a
    LINE user ID or a staff e-mail never reach a log through an exception (APPI).
    """
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": 30, "check_same_thread": False},
            # The connection used last is lent out next: its page cache is the one still
            # valid (SQLite drops a connection's cache when another connection has written).
            pool_use_lifo=True,
            hide_parameters=True,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:
            # WAL lets readers work while a writer commits; the busy timeout queues writers
            # (simultaneous webhook deliveries) instead of failing them. synchronous=NORMAL is
            # WAL's recommended setting: no corruption on any crash, and only a power cut can
            # lose the last commits — webhook events LINE then redelivers. It saves an fsync
            # per commit, the largest cost of a webhook request.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    engine = create_engine(url, pool_size=10, max_overflow=10, hide_parameters=True)
    _ping_after_idling(engine)
    return engine


# A pooled connection unused for this long is asked whether it is alive before it is lent out.
IDLE_BEFORE_PING_S = 30.0


def _ping_after_idling(engine: Engine) -> None:
    """Ask a pooled connection `SELECT 1` before lending it only when it has sat idle a while.

    SQLAlchemy's `pool_pre_ping` asks on every checkout: one more round trip to PostgreSQL for
    every webhook event. Connections die while idle (a database restart, a firewall's idle
    timeout), and those are still asked first and replaced if dead. One in use a moment ago is
    lent as it is; if it has died since, its statement fails, it is invalidated, and the event
    gets a 503 that LINE redelivers (the same as any statement failing mid-event).
    """

    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_connection, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _alive(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < IDLE_BEFORE_PING_S:
            return  # new, or lent out a moment ago
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error:
            alive = False
        if not alive:
            # The pool discards this connection and lends a new one.
            raise exc.DisconnectionError("a pooled connection died while idle")


def make_session_factory(engine: Engine) -> sessionmaker:
    """Sessions that keep loaded values after commit (handlers read rows after saving them)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def per_database(build: Callable[[Callable], Executable]) -> Callable[[Session], Executable]:
    """Turn `build(insert)` into a statement made once per kind of database, for hot paths.

    `build` gets the `insert` of SQLite or of PostgreSQL (both can say ON CONFLICT) and returns a
    statement without values; callers pass values when they execute it. Building a statement
    costs more than running it on SQLite, and a webhook event runs three.
    """
    built: dict[str, Executable] = {}

    def statement_for(session: Session) -> Executable:
        name = session.get_bind().dialect.name
        if name not in built:
            built[name] = build(postgresql.insert if name == "postgresql" else sqlite.insert)
        return built[name]

    return statement_for
