"""follow_daily.erased: data deletions apart from blocks

A resident who asks us to delete their data stays a LINE friend, but we no longer know them, so
the ledger takes them off the count (kind "erased", -1) until they write again. The rollup
counted that -1 as an unfollow: the dashboard showed a block that never happened, and the
forecast's trend read it as one. Here the rollup gets its own `erased` column, is recounted
from the ledger once, and the trigger sorts new rows the same way.
bot.reports.kpi.rebuild_follow_daily repeats this classification.

Revision ID: 0006_follow_daily_erased
Revises: 0005_dashboard_indexes
Create Date: 2026-11-26 19:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_follow_daily_erased"
down_revision = "0005_dashboard_indexes"
branch_labels = None
depends_on = None

ADOPTED = "('synced', 'seen')"


def classified(row: str, erased_apart: bool) -> list[str]:
    """SQL for follows, adopted, unfollows (and erased) of a ledger row: `row` is "NEW." in a
    row trigger, "" over a table."""
    delta, kind = f"{row}delta", f"{row}kind"
    columns = [
        f"CASE WHEN {delta} > 0 AND {kind} NOT IN {ADOPTED} THEN {delta} ELSE 0 END",
        f"CASE WHEN {delta} > 0 AND {kind} IN {ADOPTED} THEN {delta} ELSE 0 END",
    ]
    if erased_apart:
        columns += [
            f"CASE WHEN {delta} < 0 AND {kind} <> 'erased' THEN -{delta} ELSE 0 END",
            f"CASE WHEN {delta} < 0 AND {kind} = 'erased' THEN -{delta} ELSE 0 END",
        ]
    else:
        columns.append(f"CASE WHEN {delta} < 0 THEN -{delta} ELSE 0 END")
    return columns


def summed(erased_apart: bool) -> str:
    """The same, summed over a table's rows."""
    return ", ".join(f"SUM({column})" for column in classified("", erased_apart))


def names(erased_apart: bool) -> list[str]:
    """The rollup's counting columns."""
    return ["follows", "adopted", "unfollows"] + (["erased"] if erased_apart else [])


def sqlite_trigger(erased_apart: bool) -> str:
    """A row trigger (SQLite has no statement triggers) adding each ledger row to its day."""
    added = ", ".join(f"{n} = follow_daily.{n} + excluded.{n}" for n in names(erased_apart))
    return f"""
CREATE TRIGGER follow_ledger_daily AFTER INSERT ON follow_ledger
BEGIN
  INSERT INTO follow_daily (day, {", ".join(names(erased_apart))})
  VALUES (date(NEW.occurred_at, '+9 hours'), {", ".join(classified("NEW.", erased_apart))})
  ON CONFLICT (day) DO UPDATE SET {added};
END
"""


def postgres_function(erased_apart: bool) -> str:
    """The statement trigger's function: each day of the inserted rows once, days in order."""
    added = ", ".join(f"{n} = follow_daily.{n} + excluded.{n}" for n in names(erased_apart))
    return f"""
CREATE OR REPLACE FUNCTION follow_daily_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO follow_daily (day, {", ".join(names(erased_apart))})
  SELECT CAST(occurred_at + INTERVAL '9 hours' AS DATE), {summed(erased_apart)}
  FROM new_rows GROUP BY 1 ORDER BY 1
  ON CONFLICT (day) DO UPDATE SET {added};
  RETURN NULL;
END
$$
"""


DAY = {
    "sqlite": "date(occurred_at, '+9 hours')",
    "postgresql": "CAST(occurred_at + INTERVAL '9 hours' AS DATE)",
}


def recount(erased_apart: bool) -> None:
    """Rebuild the rollup from the ledger in one pass (as migration 0005 first filled it)."""
    dialect = op.get_bind().dialect.name
    op.execute("DELETE FROM follow_daily")
    op.execute(
        f"INSERT INTO follow_daily (day, {', '.join(names(erased_apart))}) "
        f"SELECT {DAY[dialect]}, {summed(erased_apart)} FROM follow_ledger GROUP BY 1"
    )


def install_trigger(erased_apart: bool) -> None:
    """Point the ledger's trigger at the rollup's columns."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(postgres_function(erased_apart))  # the trigger itself stays
    else:
        op.execute("DROP TRIGGER IF EXISTS follow_ledger_daily")
        op.execute(sqlite_trigger(erased_apart))


def upgrade() -> None:
    op.add_column(
        "follow_daily", sa.Column("erased", sa.Integer(), nullable=False, server_default="0")
    )
    recount(erased_apart=True)
    install_trigger(erased_apart=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite drops a column by rebuilding the table, which fails while a trigger names it.
        op.execute("DROP TRIGGER IF EXISTS follow_ledger_daily")
    with op.batch_alter_table("follow_daily") as table:
        table.drop_column("erased")
    recount(erased_apart=False)
    install_trigger(erased_apart=False)
