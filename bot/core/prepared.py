"""Statements compiled once per kind of database and run on the driver's own cursor.

For the few statements every webhook event runs (who wrote, and the turn's three writes).
SQLAlchemy builds an execution context and a result object around each statement: about 90 µs
of CPU per statement on SQLite against the driver's 8 µs (bench/webhook.py's machine), more than
the rest of the event's database work together. A `Prepared` statement is still written with
SQLAlchemy and compiled by it, for SQLite and for PostgreSQL alike; values and results are
converted by the statement's own column types, as SQLAlchemy would convert them.

It runs inside the transaction of the SQLAlchemy connection it is given (so it commits or rolls
back with everything else), and a driver error is raised as SQLAlchemy raises it (an
OperationalError is still an OperationalError, parameters hidden); a connection the database
dropped is invalidated. Anything not on the hot path goes through SQLAlchemy as usual.

On PostgreSQL each statement is a round trip, a send and a receive in this process: inside
`pipelined`, statements whose answer nobody waits for go out together (psycopg's pipeline mode),
and `Prepared.send` gives a row that is read once they are all answered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Executable, exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

_REQUIRED = object()  # a parameter the caller must give (not a literal of the statement)


@dataclass(frozen=True)
class _Compiled:
    """One statement as one database runs it: its SQL, how to turn values into its
    parameters, and how to turn a returned row back into Python values."""

    sql: str
    # per placeholder, in the SQL's order: the value's name, the statement's own value of it
    # (or _REQUIRED) and its column type's conversion
    slots: tuple[tuple[str, Any, Callable[[Any], Any] | None], ...]
    keys: tuple[str, ...]  # the placeholders' names (pyformat), or () when positional
    results: tuple[Callable[[Any], Any] | None, ...]

    def parameters(self, values: Mapping[str, Any]) -> tuple | dict:
        """The driver's parameters for these values, converted by their column types."""
        converted = []
        for name, literal, convert in self.slots:
            value = values[name] if literal is _REQUIRED else literal
            converted.append(value if convert is None or value is None else convert(value))
        return dict(zip(self.keys, converted, strict=True)) if self.keys else tuple(converted)

    def row(self, found: tuple) -> tuple:
        """A returned row, converted by its column types."""
        return tuple(
            value if convert is None else convert(value)
            for value, convert in zip(found, self.results, strict=True)
        )


class Prepared:
    """`build(insert)` (given SQLite's or PostgreSQL's `insert`, for ON CONFLICT), or a
    statement, compiled on first use on each kind of database."""

    def __init__(self, build: Callable[[Callable], Executable] | Executable):
        self._build = build
        # per database and set of values given (an INSERT names only the columns it is given)
        self._compiled: dict[tuple[str, tuple[str, ...]], _Compiled] = {}

    def run(self, connection: Connection, values: Mapping[str, Any]) -> tuple | None:
        """Execute with `values` in the connection's transaction; the first row it returns
        (converted), or None."""
        found = self._execute(connection, values, all_rows=False)
        return found[0] if found else None

    def run_all(self, connection: Connection, values: Mapping[str, Any]) -> list[tuple]:
        """Execute as `run` does; every row it returns (converted)."""
        return self._execute(connection, values, all_rows=True)

    def send(self, connection: Connection, values: Mapping[str, Any]) -> Sent:
        """Execute as `run` does, without waiting for the answer inside `pipelined` on
        PostgreSQL: `Sent.row()`, after the block, is the row `run` would have returned."""
        compiled = self._compiled_for(connection.dialect, tuple(values))
        cursor = connection.connection.cursor()
        try:
            _answered(connection, compiled.sql, cursor, lambda: _sent(cursor, compiled, values))
        except BaseException:
            cursor.close()
            raise
        return Sent(connection, compiled, cursor)

    def _execute(
        self, connection: Connection, values: Mapping[str, Any], *, all_rows: bool
    ) -> list[tuple]:
        compiled = self._compiled_for(connection.dialect, tuple(values))
        cursor = connection.connection.cursor()
        try:
            found = _answered(
                connection, compiled.sql, cursor, lambda: _rows(cursor, compiled, values, all_rows)
            )
        finally:
            cursor.close()
        return [compiled.row(row) for row in found]

    def _compiled_for(self, dialect: Dialect, given: tuple[str, ...]) -> _Compiled:
        return self._compiled.get((dialect.name, given)) or self._compile(dialect, given)

    def _compile(self, dialect: Dialect, given: tuple[str, ...]) -> _Compiled:
        statement: Any = self._build
        if not isinstance(statement, Executable):
            statement = statement(
                postgresql.insert if dialect.name == "postgresql" else sqlite.insert
            )
        compiled: Any = statement.compile(dialect=dialect, column_keys=list(given))
        if (
            compiled.insert_prefetch
            or compiled.update_prefetch
            or compiled.literal_execute_params
            or compiled.post_compile_params
        ):
            # column defaults computed in Python, or parameters SQLAlchemy expands per call
            raise ValueError(f"not a statement to prepare (give every column a value): {statement}")
        binds = compiled.binds
        if compiled.positional:
            names, keys = tuple(compiled.positiontup), ()
        else:
            names = tuple(binds)
            keys = tuple(compiled.escaped_bind_names.get(n, n) for n in names)
        prepared = _Compiled(
            sql=compiled.string,
            slots=tuple(
                (
                    name,
                    _REQUIRED if binds[name].required else binds[name].value,
                    binds[name].type.dialect_impl(dialect).bind_processor(dialect),
                )
                for name in names
            ),
            keys=keys,
            results=tuple(
                column.type.dialect_impl(dialect).result_processor(dialect, None)
                for column in statement.exported_columns
            ),
        )
        self._compiled[(dialect.name, given)] = prepared
        return prepared


class Sent:
    """A statement `Prepared.send` executed: its first row, once the database answered."""

    def __init__(self, connection: Connection, compiled: _Compiled, cursor: Any):
        self._connection = connection
        self._compiled = compiled
        self._cursor = cursor

    def row(self) -> tuple | None:
        """The first row it returned (converted), or None; read once."""
        compiled, cursor = self._compiled, self._cursor
        try:
            found = _answered(
                self._connection,
                compiled.sql,
                cursor,
                lambda: cursor.fetchone() if compiled.results else None,
            )
        finally:
            cursor.close()
        return None if found is None else compiled.row(found)


@contextmanager
def pipelined(connection: Connection) -> Iterator[None]:
    """On PostgreSQL, the statements run inside go out together and are answered at the end of
    the block: one round trip for a turn's writes, where each was one. A failure of any is
    raised there, as SQLAlchemy raises it. Elsewhere (SQLite, in this process: no round trips)
    each statement runs at once, as outside."""
    if connection.dialect.name != "postgresql" or not _PIPELINES:
        yield
        return
    driver: Any = connection.connection.dbapi_connection
    try:
        with driver.pipeline():
            yield
    except connection.dialect.loaded_dbapi.Error as error:
        raise _as_sqlalchemy_error(connection, "(statements sent together)", error) from error


def _pipelines_supported() -> bool:
    """Whether psycopg's libpq can pipeline (14 or later)."""
    try:
        import psycopg
    except ImportError:
        return False
    return bool(psycopg.Pipeline.is_supported())


_PIPELINES = _pipelines_supported()


def _sent(cursor: Any, compiled: _Compiled, values: Mapping[str, Any]) -> None:
    cursor.execute(compiled.sql, compiled.parameters(values))


def _rows(cursor: Any, compiled: _Compiled, values: Mapping[str, Any], all_rows: bool) -> list:
    """Execute, then its rows; none asked for when the statement returns none (inside
    `pipelined` its answer is not in yet, and nobody needs to wait for it)."""
    cursor.execute(compiled.sql, compiled.parameters(values))
    if not compiled.results:
        return []
    if all_rows:
        return cursor.fetchall()
    one = cursor.fetchone()
    return [] if one is None else [one]


def _answered(connection: Connection, sql: str, cursor: Any, work: Callable[[], Any]) -> Any:
    """What `work` (the driver's calls on `cursor`) returns; a driver error raised as
    SQLAlchemy raises it."""
    try:
        return work()
    except connection.dialect.loaded_dbapi.Error as error:
        raise _as_sqlalchemy_error(connection, sql, error, cursor) from error


def _as_sqlalchemy_error(
    connection: Connection, sql: str, error: Any, cursor: Any = None
) -> exc.StatementError:
    """The driver's error as SQLAlchemy's (an OperationalError stays one), with no
    parameters; the connection invalidated when the database dropped it."""
    dialect = connection.dialect
    driver = connection.connection.dbapi_connection
    gone = dialect.is_disconnect(error, driver, cursor)
    if gone:
        connection.invalidate(error)
    return exc.DBAPIError.instance(
        sql,
        None,
        error,
        dialect.loaded_dbapi.Error,
        hide_parameters=True,
        connection_invalidated=gone,
        dialect=dialect,
        ismulti=False,
    )
