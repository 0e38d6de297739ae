"""Is each answer still true? Its status, how often residents get it, what is due for re-check.

An answer's status, in the order the console shows it:
- **due** (re-check due): some language's text was checked longer ago than RECHECK_AFTER_DAYS;
- **unverified**: it tells residents something could not be confirmed (「まだ確認できていません」),
  or cites a page that is not an official site (it then says why, in `unofficial`);
- **verified**: its facts were checked on an official page within the period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core.content import Content, Entry
from bot.core.db import utcnow
from bot.core.directory import Area
from bot.core.models import AnswerCount, FreshnessCheck, QuestionCount

# Wording residents see where a fact could not be confirmed, in each language's content.
UNVERIFIED_MARKS = ("確認できていません", "have not been able to confirm", "have not yet confirmed")
STATUSES = ("due", "unverified", "verified")


@dataclass(frozen=True)
class AnswerRow:
    """One line of the answers list."""

    topic: str
    key: str
    kind: str  # entry | area
    title: str
    checked: dt.date
    status: str


def entry_status(content: Content, intent: str, key: str, today: dt.date, days: int) -> str:
    """due, unverified or verified, over every language's own text of the entry."""
    entries = [
        found
        for code in content.languages.codes
        if (topic := content.own_topic(intent, code)) is not None
        and (found := topic.get(key)) is not None
    ]
    return _status(entries, content, today, days)


def _status(entries: list[Entry], content: Content, today: dt.date, days: int) -> str:
    oldest = min(e.checked for e in entries)
    if (today - oldest).days > days:
        return "due"
    for e in entries:
        if e.unofficial or not content.sites.official(e.source):
            return "unverified"
        if any(mark in e.text for mark in UNVERIFIED_MARKS):
            return "unverified"
    return "verified"


def area_status(content: Content, area: Area, today: dt.date, days: int) -> str:
    """due, unverified or verified for a directory area."""
    if (today - area.checked).days > days:
        return "due"
    if area.unofficial or not content.sites.official(area.source):
        return "unverified"
    return "verified"


def answer_rows(content: Content, lang: str, today: dt.date, days: int) -> list[AnswerRow]:
    """Every entry of every answering topic, then every directory area, with its status."""
    rows = []
    for intent in content.catalogue.answered:
        for entry in content.topic(intent, lang).entries:
            status = entry_status(content, intent, entry.key, today, days)
            rows.append(AnswerRow(intent, entry.key, "entry", entry.title, entry.checked, status))
    for area in content.directory.areas if content.directory else ():
        name = area.name.get(lang) or area.name[content.languages.default]
        status = area_status(content, area, today, days)
        rows.append(AnswerRow("directory", area.area, "area", name, area.checked, status))
    return rows


def due_answers(content: Content, today: dt.date, days: int) -> list[str]:
    """ "topic/key" of every answer due for re-check."""
    default = content.languages.default
    return [
        f"{row.topic}/{row.key}"
        for row in answer_rows(content, default, today, days)
        if row.status == "due"
    ]


def answered_since(db: Session, since: dt.date) -> dict[str, int]:
    """Questions answered per topic (intent) from `since` on (counts per day and intent are
    all the bot keeps: no count per entry, no text)."""
    rows = db.execute(
        select(QuestionCount.intent, func.sum(QuestionCount.count))
        .where(QuestionCount.day >= since)
        .group_by(QuestionCount.intent)
    )
    return {intent: int(total or 0) for intent, total in rows}


def answers_given_since(db: Session, since: dt.date) -> dict[str, int]:
    """How many times each answer ("topic/key") went out from `since` on."""
    rows = db.execute(
        select(AnswerCount.topic, AnswerCount.key, func.sum(AnswerCount.count))
        .where(AnswerCount.day >= since)
        .group_by(AnswerCount.topic, AnswerCount.key)
    )
    return {f"{topic}/{key}": int(total or 0) for topic, key, total in rows}


def record_due(db: Session, content: Content, today: dt.date, days: int) -> list[str]:
    """Store today's re-check list (a second run the same day replaces it) and return it."""
    due = due_answers(content, today, days)
    db.merge(FreshnessCheck(day=today, due=due, checked_at=utcnow()))
    return due


def latest_check(db: Session) -> FreshnessCheck | None:
    """The newest stored re-check list."""
    return db.scalar(select(FreshnessCheck).order_by(FreshnessCheck.day.desc()).limit(1))
