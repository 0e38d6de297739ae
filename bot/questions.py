"""Counting questions by intent per day (JST), for the managers' "questions by topic" chart.

One upsert per question: `INSERT … ON CONFLICT DO UPDATE SET count = count + 1` is atomic on
both SQLite and PostgreSQL, so simultaneous questions in several workers never lose a count.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.models import QuestionCount

JST = dt.timezone(dt.timedelta(hours=9))


def count_question(db: Session, intent: str, now: dt.datetime) -> None:
    """Add one question of `intent` to today's count."""
    dialect = postgresql if db.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(QuestionCount).values(
        day=now.astimezone(JST).date(), intent=intent, count=1
    )
    db.execute(
        statement.on_conflict_do_update(
            index_elements=["day", "intent"],
            set_={"count": QuestionCount.count + 1},
        )
    )
