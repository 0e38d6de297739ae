"""Counting questions by intent per day (JST), for the managers' "questions by topic" chart,
answers given per entry per day, for the console's answers list, and safety answers by
category per day, for their "safety answers given" table.
Each is given the event's connection: the one its unit of work writes on (bot.conversation.
unit_of_work), so the count commits or rolls back with the event.

One upsert per question: `INSERT … ON CONFLICT DO UPDATE SET count = count + 1` is atomic on
both SQLite and PostgreSQL, so simultaneous questions in several workers never lose a count.
It is prepared (bot.core.prepared): it runs on every message's path, in the event's
transaction.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection

from bot.core.models import AnswerCount, QuestionCount, SafetyCount
from bot.core.prepared import Prepared

JST = dt.timezone(dt.timedelta(hours=9))


def _add_one_to(model, *keys: str) -> Prepared:
    """The upsert adding one to today's count of `keys` in a (day, *keys, count) table."""
    table = model.__table__

    def build(insert):
        return insert(table).on_conflict_do_update(
            index_elements=["day", *keys], set_={"count": table.c.count + 1}
        )

    return Prepared(build)


_add_question = _add_one_to(QuestionCount, "intent")
_add_answer = _add_one_to(AnswerCount, "topic", "key")
_add_safety_answer = _add_one_to(SafetyCount, "category")


def count_question(connection: Connection, intent: str, now: dt.datetime) -> None:
    """Add one question of `intent` to today's count."""
    day = now.astimezone(JST).date()
    _add_question.run(connection, {"day": day, "intent": intent, "count": 1})


def count_answer(connection: Connection, topic: str, key: str, now: dt.datetime) -> None:
    """Add one to today's count of an answer: a topic's entry, or ("directory", area)."""
    day = now.astimezone(JST).date()
    _add_answer.run(connection, {"day": day, "topic": topic, "key": key, "count": 1})


def count_safety_answer(connection: Connection, category: str, now: dt.datetime) -> None:
    """Add one safety answer of `category` to today's count (nothing else is kept of it)."""
    day = now.astimezone(JST).date()
    _add_safety_answer.run(connection, {"day": day, "category": category, "count": 1})
