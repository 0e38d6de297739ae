"""Counting questions by intent per day (JST), for the managers' "questions by topic" chart,
and safety answers by category per day, for their "safety answers given" table.

One upsert per question: `INSERT … ON CONFLICT DO UPDATE SET count = count + 1` is atomic on
both SQLite and PostgreSQL, so simultaneous questions in several workers never lose a count.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from bot.core.db import per_database
from bot.core.models import QuestionCount, SafetyCount

JST = dt.timezone(dt.timedelta(hours=9))


@per_database
def _add_one(insert):
    table = QuestionCount.__table__
    return insert(table).on_conflict_do_update(
        index_elements=["day", "intent"], set_={"count": table.c.count + 1}
    )


def count_question(db: Session, intent: str, now: dt.datetime) -> None:
    """Add one question of `intent` to today's count."""
    db.execute(_add_one(db), {"day": now.astimezone(JST).date(), "intent": intent, "count": 1})


@per_database
def _add_one_safety(insert):
    table = SafetyCount.__table__
    return insert(table).on_conflict_do_update(
        index_elements=["day", "category"], set_={"count": table.c.count + 1}
    )


def count_safety_answer(db: Session, category: str, now: dt.datetime) -> None:
    """Add one safety answer of `category` to today's count (nothing else is kept of it)."""
    db.execute(
        _add_one_safety(db), {"day": now.astimezone(JST).date(), "category": category, "count": 1}
    )
