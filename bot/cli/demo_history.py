"""A year of made-up history for the demo (`make run`), so every chart, the forecast and every
KPI of the dashboard show at once (issue 16 §5).

Everything here is invented and labelled so: the figures' sources say 「デモ用の架空の数字」, the
console shows a demo banner, and nothing is written unless the follow ledger is empty (a demo
database that already has history keeps it). Written straight to the database, in bulk.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from bot.conversation.safety import CATEGORIES
from bot.core.links import Link, LinkTable
from bot.core.models import (
    ClassSession,
    Follower,
    FollowLedgerEntry,
    InsightSnapshot,
    KpiFigure,
    KpiTarget,
    LinkClick,
    QuestionCount,
    Reservation,
    SafetyCount,
    UnansweredQuestion,
)
from bot.reports import kpi

DAYS = 365
DEMO_SOURCE = "デモ用の架空の数字"
DEMO_ACTOR = "demo"
FRIENDS_AT_START = 11_800  # friends from before the bot: adopted on its first day
# Follows and blocks on an ordinary day a year ago and today: the ward's reach grows.
FOLLOWS_PER_DAY = (38, 62)
BLOCKS_PER_DAY = (11, 16)
QUESTIONS = {
    "konbini_certificate": 14,
    "online_application": 11,
    "mynumber_card": 9,
    "smartphone_class": 6,
    "contact": 4,
    "unknown": 5,
}
UNANSWERED = {
    "粗大ごみの申し込みはどこですか": 9,
    "粗大ごみの出し方を教えて": 6,
    "図書館の返却ポストはどこ": 5,
    "保育園の空き状況を知りたい": 4,
    "住民税の納付書をなくした": 3,
    "Where can I park my bicycle?": 2,
}
# The demo's targets for this fiscal year (the plan's FY2025 ones come from migration 0015).
THIS_YEAR_TARGETS = {
    "consultation_participants": 5600.0,
    "class_participants": 200.0,
    "konbini_share": 42.0,
    "online_applications": 48000.0,
}
# A past session is added this many days before it; its bookings come in between.
BOOKED_UP_TO_DAYS = 28
PAST_SESSIONS = [
    # (title, kind, venue, every how many days, capacity)
    ("スマホ教室 はじめてのLINE", "class", "志村ふれあい館", 30, 10),
    ("シニアのスマートフォン個別相談会", "consultation", "仲町ふれあい館", 14, 6),
]


def has_history(db: Session) -> bool:
    """Whether the follow ledger already holds anything."""
    return db.scalar(select(func.count()).select_from(FollowLedgerEntry)) != 0


def seed_history(db: Session, links: LinkTable, now: dt.datetime) -> bool:
    """Write a year of demo history (once); True when it was written."""
    if has_history(db):
        return False
    today = kpi.jst_today(now)
    rng = random.Random(16)
    followers(db, today, rng)
    insight(db, today)
    questions(db, today, rng)
    sessions(db, now, rng)
    figures(db, today, rng)
    clicks(db, today, links, rng)
    db.commit()
    return True


def _ramp(pair: tuple[int, int], day: int) -> float:
    """A value growing from pair[0] a year ago to pair[1] today."""
    return pair[0] + (pair[1] - pair[0]) * day / DAYS


def followers(db: Session, today: dt.date, rng: random.Random) -> None:
    """Friends adopted on the first day, then a year of follows and blocks (one ledger row
    each, as LINE's events would give)."""
    first = dt.datetime.combine(today - dt.timedelta(days=DAYS), dt.time(1), dt.UTC)
    rows = [{"occurred_at": first, "delta": 1, "kind": "synced"}] * FRIENDS_AT_START
    for day in range(1, DAYS):
        at = first + dt.timedelta(days=day)
        busy = 1.3 if at.weekday() < 5 else 0.8
        for kind, delta, pair in (("follow", 1, FOLLOWS_PER_DAY), ("unfollow", -1, BLOCKS_PER_DAY)):
            n = max(0, round(_ramp(pair, day) * busy + rng.uniform(-4, 4)))
            rows += [{"occurred_at": at, "delta": delta, "kind": kind}] * n
    db.execute(insert(FollowLedgerEntry), rows)


def insight(db: Session, today: dt.date) -> None:
    """LINE's daily figures for the year: adds are cumulative, blocks too."""
    adds, blocks = FRIENDS_AT_START + 2_300, 1_900
    for day in range(DAYS, 0, -1):
        date = today - dt.timedelta(days=day)
        adds += round(_ramp(FOLLOWS_PER_DAY, DAYS - day) * 1.05)
        blocks += round(_ramp(BLOCKS_PER_DAY, DAYS - day))
        reaches = round((adds - blocks) * 0.86)
        db.add(
            InsightSnapshot(
                date=date, status="ready", followers=adds, targeted_reaches=reaches, blocks=blocks
            )
        )


def questions(db: Session, today: dt.date, rng: random.Random) -> None:
    """Questions by topic every day, a few safety answers a week, unanswered questions."""
    rows = []
    for day in range(DAYS):
        date = today - dt.timedelta(days=day)
        for intent, usual in QUESTIONS.items():
            rows.append(
                {"day": date, "intent": intent, "count": max(0, usual + rng.randint(-4, 4))}
            )
    db.execute(insert(QuestionCount), rows)
    for week in range(52):
        date = today - dt.timedelta(weeks=week)
        db.add(SafetyCount(day=date, category=CATEGORIES[week % len(CATEGORIES)], count=1))
    asked = dt.datetime.combine(today, dt.time(2), dt.UTC)
    for text, times in UNANSWERED.items():
        for n in range(times):
            when = asked - dt.timedelta(days=rng.randint(1, 80), hours=n)
            db.add(
                UnansweredQuestion(
                    text=text, language="en" if text.isascii() else "ja", asked_at=when
                )
            )


def sessions(db: Session, now: dt.datetime, rng: random.Random) -> None:
    """A year of past classes and consultations, with the attendance staff marked. Each
    session is added four weeks before it and booked in the weeks between, as residents book:
    left to the defaults, every row would be dated the day the demo was seeded."""
    first = now - dt.timedelta(days=DAYS + BOOKED_UP_TO_DAYS)
    people = [
        Follower(
            line_user_id=f"Udemo{n:028d}",
            language="ja",
            following=True,
            followed_at=first,
            created_at=first,
        )
        for n in range(40)
    ]
    db.add_all(people)
    db.flush()
    # Their own generator, so the figures drawn after them are the ones the demo always had.
    when = random.Random(BOOKED_UP_TO_DAYS)
    for title, kind, venue, every, capacity in PAST_SESSIONS:
        for days_ago in range(every, DAYS, every):
            starts = (now - dt.timedelta(days=days_ago)).replace(minute=0, second=0, microsecond=0)
            session = ClassSession(
                kind=kind,
                title=title,
                venue=venue,
                capacity=capacity,
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=2),
                description="（デモ用の過去の回）",
                created_at=starts - dt.timedelta(days=BOOKED_UP_TO_DAYS),
            )
            db.add(session)
            db.flush()
            seated = rng.sample(people, rng.randint(capacity - 3, capacity))
            for person in seated:
                db.add(
                    Reservation(
                        session_id=session.id,
                        follower_id=person.id,
                        status="reserved",
                        attended=rng.random() < 0.86,
                        created_at=booked_at(starts, when),
                    )
                )
            session.reserved = len(seated)


def booked_at(starts: dt.datetime, rng: random.Random) -> dt.datetime:
    """When a demo booking was made: one to BOOKED_UP_TO_DAYS - 1 days before its session,
    between 09:00 and 21:00 in Tokyo (00:00–11:59 UTC)."""
    day = starts - dt.timedelta(days=rng.randint(1, BOOKED_UP_TO_DAYS - 1))
    return day.replace(hour=rng.randint(0, 11), minute=rng.randrange(60), second=0)


def figures(db: Session, today: dt.date, rng: random.Random) -> None:
    """The ward's monthly statistics for the last twelve months, and this year's targets."""
    month = kpi.bucket_of(today, "month")
    for n in range(12, 0, -1):
        start = month
        for _ in range(n):
            start = kpi.bucket_of(start - dt.timedelta(days=1), "month")
        share = 33.0 + (12 - n) * 0.5 + rng.uniform(-0.8, 0.8)
        count = 9_000 + rng.randint(-600, 600)
        online = 3_650 + (12 - n) * 25 + rng.randint(-250, 250)
        for indicator, value in (
            ("konbini_count", count),
            ("konbini_share", round(share, 1)),
            ("online_applications", online),
        ):
            db.add(
                KpiFigure(
                    indicator=indicator,
                    month=start,
                    value=float(value),
                    source=DEMO_SOURCE,
                    entered_by=DEMO_ACTOR,
                )
            )
    year = kpi.FiscalYear.of(today).year
    for indicator, value in THIS_YEAR_TARGETS.items():
        db.add(
            KpiTarget(
                indicator=indicator,
                fiscal_year=year,
                value=value,
                source="デモ用の架空の目標",
                updated_by=DEMO_ACTOR,
            )
        )


def clicks(db: Session, today: dt.date, links: LinkTable, rng: random.Random) -> None:
    """Taps on the bot's page buttons, per day, for the topics the plan's KPIs are about."""
    usual = {"online_application": 9, "konbini_certificate": 12, "mynumber_card": 5}
    chosen: dict[str, Link] = {}
    for link in links.by_token.values():
        chosen.setdefault(link.topic, link)
    rows = []
    for day in range(DAYS):
        date = today - dt.timedelta(days=day)
        for topic, per_day in usual.items():
            if topic in chosen:
                n = max(0, per_day + rng.randint(-4, 4))
                rows.append({"day": date, "token": chosen[topic].token, "topic": topic, "count": n})
    db.execute(insert(LinkClick), rows)
