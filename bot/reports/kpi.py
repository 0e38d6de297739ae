"""The managers' figures: followers and their trend, the plan's other KPIs, questions by topic.

Every query aggregates in the database. Follower history comes from `follow_daily`, the per-day
rollup of the ledger that a trigger keeps (migration 0005): one row per JST day, so the page is
as fast on a million ledger rows as on ten. Weeks (Monday first) and months are buckets of those
days, computed by the database with a small helper per dialect (SQLite or PostgreSQL).

Days are JST. Stored times are naive UTC, so a time is shifted by nine hours before its date is
taken: a follow at 23:30 UTC belongs to the next JST day. The fiscal year runs April 1 – March 31.

Which number counts toward FOLLOWER_TARGET: our ledger's current friends. LINE's insight
`followers` is cumulative first-time adds and never decreases, so it is shown beside it only.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypedDict

from sqlalchemy import (
    Date,
    DateTime,
    case,
    cast,
    delete,
    func,
    insert,
    literal_column,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from bot.core.models import (
    ClassSession,
    FollowDaily,
    FollowLedgerEntry,
    InsightSnapshot,
    QuestionCount,
    Reservation,
    SafetyCount,
)
from bot.residents.unanswered import QuestionGroup, group_questions, recent_unanswered

JST = dt.timezone(dt.timedelta(hours=9))
PERIODS = ("day", "week", "month")
ADOPTED_KINDS = ("synced", "seen")  # friends already: they raise the count, not the trend
TREND_DAYS = 90
MIN_TREND_DAYS = 14  # fewer days of history than this give no forecast
LONGEST_FORECAST = dt.timedelta(days=3650)  # beyond ten years "on track" means nothing


# -- days, buckets and fiscal years ----------------------------------------------------------


def jst_today(now: dt.datetime) -> dt.date:
    """The JST date of an aware instant."""
    return now.astimezone(JST).date()


def jst_midnight(day: dt.date) -> dt.datetime:
    """The instant a JST day begins, as aware UTC (for comparing with stored times)."""
    return dt.datetime.combine(day, dt.time(), JST).astimezone(dt.UTC)


@dataclass(frozen=True)
class FiscalYear:
    """A Japanese fiscal year: April 1 of `year` to March 31 of the next year (inclusive)."""

    year: int

    @classmethod
    def of(cls, day: dt.date) -> FiscalYear:
        """The fiscal year a day belongs to."""
        return cls(day.year if day.month >= 4 else day.year - 1)

    @property
    def first(self) -> dt.date:
        """April 1."""
        return dt.date(self.year, 4, 1)

    @property
    def last(self) -> dt.date:
        """March 31 of the next calendar year."""
        return dt.date(self.year + 1, 3, 31)


def bucket_of(day: dt.date, period: str) -> dt.date:
    """The first day of the day's bucket: itself, its week's Monday, or its month's 1st."""
    if period == "week":
        return day - dt.timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day


def next_bucket(start: dt.date, period: str) -> dt.date:
    """The first day of the bucket after the one starting on `start`."""
    if period == "week":
        return start + dt.timedelta(days=7)
    if period == "month":
        return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start + dt.timedelta(days=1)


def buckets_between(first: dt.date, last: dt.date, period: str) -> list[dt.date]:
    """Every bucket start from the bucket of `first` to the bucket of `last`."""
    starts, start = [], bucket_of(first, period)
    while start <= last:
        starts.append(start)
        start = next_bucket(start, period)
    return starts


def bucket_sql(db: Session, day_column, period: str):
    """SQL for the first day of a date column's bucket, on SQLite or PostgreSQL."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}, not {period!r}")
    if period == "day":
        return day_column
    if db.get_bind().dialect.name == "postgresql":
        truncated = func.date_trunc(literal_column(f"'{period}'"), cast(day_column, DateTime()))
        return cast(truncated, Date)
    modifiers = ("'weekday 0'", "'-6 days'") if period == "week" else ("'start of month'",)
    return type_coerce(func.date(day_column, *map(literal_column, modifiers)), Date)


def ledger_day_sql(db: Session):
    """SQL for the JST date of a ledger row (stored naive UTC, shifted by nine hours)."""
    column = FollowLedgerEntry.occurred_at
    if db.get_bind().dialect.name == "postgresql":
        return cast(column.op("+")(literal_column("INTERVAL '9 hours'")), Date)
    return type_coerce(func.date(column, literal_column("'+9 hours'")), Date)


# -- followers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowBucket:
    """One day, week or month of the follower history."""

    start: dt.date
    follows: int
    adopted: int
    unfollows: int
    erased: int  # friends who had their data deleted: no longer known, not blocks
    total: int  # friends at the end of the bucket

    @property
    def net(self) -> int:
        """The change in friends over the bucket."""
        return self.follows + self.adopted - self.unfollows - self.erased


def _sum(column):
    """SUM that is 0, not NULL, over no rows."""
    return func.coalesce(func.sum(column), 0)


# What a day did to the friend count.
_NET_CHANGE = FollowDaily.follows + FollowDaily.adopted - FollowDaily.unfollows - FollowDaily.erased


def current_followers(db: Session) -> int:
    """Friends now, from the ledger's rollup: what counts toward FOLLOWER_TARGET."""
    return int(db.execute(select(_sum(_NET_CHANGE))).scalar_one())


def first_follow_day(db: Session) -> dt.date | None:
    """The first JST day in the ledger (None when it is empty)."""
    return db.scalar(select(func.min(FollowDaily.day)))


def follow_buckets(db: Session, period: str, first: dt.date, last: dt.date) -> list[FollowBucket]:
    """Follows, adoptions and unfollows per bucket from `first`'s bucket to `last`'s, with the
    friend count at the end of each (empty buckets included)."""
    starts = buckets_between(first, last, period)
    if not starts:
        return []
    bucket = bucket_sql(db, FollowDaily.day, period).label("bucket")
    rows = db.execute(
        select(
            bucket,
            _sum(FollowDaily.follows),
            _sum(FollowDaily.adopted),
            _sum(FollowDaily.unfollows),
            _sum(FollowDaily.erased),
        )
        .where(FollowDaily.day >= starts[0], FollowDaily.day <= last)
        .group_by("bucket")
    ).all()
    found = {_as_date(start): [int(n) for n in counts] for start, *counts in rows}
    total = int(
        db.execute(select(_sum(_NET_CHANGE)).where(FollowDaily.day < starts[0])).scalar_one()
    )
    buckets = []
    for start in starts:
        follows, adopted, unfollows, erased = found.get(start, (0, 0, 0, 0))
        total += follows + adopted - unfollows - erased
        buckets.append(FollowBucket(start, follows, adopted, unfollows, erased, total))
    return buckets


def _as_date(value) -> dt.date:
    """Bucket values come back as dates (or, from some drivers, ISO strings or datetimes)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


def rebuild_follow_daily(db: Session) -> int:
    """Recompute the rollup from the whole ledger (a repair tool; the trigger keeps it exact).
    Returns the number of days."""
    day = ledger_day_sql(db).label("day")
    delta, kind = FollowLedgerEntry.delta, FollowLedgerEntry.kind
    adopted, erased = kind.in_(ADOPTED_KINDS), kind == "erased"
    rows = select(
        day,
        _sum(case(((delta > 0) & ~adopted, delta), else_=0)),
        _sum(case(((delta > 0) & adopted, delta), else_=0)),
        _sum(case(((delta < 0) & ~erased, -delta), else_=0)),
        _sum(case(((delta < 0) & erased, -delta), else_=0)),
    ).group_by("day")
    db.execute(delete(FollowDaily))
    columns = ["day", "follows", "adopted", "unfollows", "erased"]
    db.execute(insert(FollowDaily).from_select(columns, rows))
    days = db.scalar(select(func.count()).select_from(FollowDaily))
    assert days is not None  # COUNT(*) without GROUP BY always returns one row
    return int(days)


@dataclass(frozen=True)
class Insight:
    """LINE's figures for one JST day. `followers` is cumulative adds (never decreases)."""

    date: dt.date
    followers: int
    targeted_reaches: int
    blocks: int

    @property
    def reachable(self) -> int:
        """Adds minus blocks: LINE's nearest figure to current friends."""
        return self.followers - self.blocks


def latest_insight(db: Session) -> Insight | None:
    """The newest ready insight snapshot."""
    row = db.scalar(
        select(InsightSnapshot)
        .where(InsightSnapshot.status == "ready")
        .order_by(InsightSnapshot.date.desc())
        .limit(1)
    )
    if row is None:
        return None
    return Insight(row.date, row.followers or 0, row.targeted_reaches or 0, row.blocks or 0)


@dataclass(frozen=True)
class Forecast:
    """Where the follower count is heading.

    status: reached | on_track (by the fiscal year's end) | late (after it) | not_on_track
    (flat or falling) | too_little_data.
    """

    status: str
    current: int
    target: int
    per_day: float | None  # the trend of new adds minus blocks, friends per day
    date: dt.date | None  # when the trend reaches the target
    fiscal_year_end: dt.date
    days_left: int  # days until the fiscal year's end, today included
    required_per_day: int  # net adds a day needed to reach the target by then

    @property
    def gap(self) -> int:
        """Friends still missing to the target (0 once reached)."""
        return max(self.target - self.current, 0)


def slope(values: Sequence[float]) -> float:
    """The least-squares slope of values at x = 0, 1, 2, …"""
    n = len(values)
    mean_x, mean_y = (n - 1) / 2, sum(values) / n
    spread = sum((x - mean_x) ** 2 for x in range(n))
    return sum((x - mean_x) * (y - mean_y) for x, y in enumerate(values)) / spread


class _ForecastFacts(TypedDict):
    """The fields of a Forecast that every status has."""

    current: int
    target: int
    fiscal_year_end: dt.date
    days_left: int
    required_per_day: int


def follower_forecast(db: Session, today: dt.date, target: int) -> Forecast:
    """The trend of the last 90 complete days (least squares over the day-end count of new
    adds minus blocks; adopted and erased friends are not a trend) and when it reaches
    `target`."""
    current = current_followers(db)
    fy_end = FiscalYear.of(today).last
    days_left = (fy_end - today).days + 1
    gap = max(target - current, 0)
    facts: _ForecastFacts = {
        "current": current,
        "target": target,
        "fiscal_year_end": fy_end,
        "days_left": days_left,
        "required_per_day": math.ceil(gap / days_left),
    }
    if gap == 0:
        return Forecast("reached", per_day=None, date=None, **facts)
    first = max(today - dt.timedelta(days=TREND_DAYS), first_follow_day(db) or today)
    days = follow_buckets(db, "day", first, today - dt.timedelta(days=1))
    if len(days) < MIN_TREND_DAYS:
        return Forecast("too_little_data", per_day=None, date=None, **facts)
    organic, running = [], 0
    for day in days:
        running += day.follows - day.unfollows
        organic.append(running)
    per_day = slope(organic)
    if per_day <= 0 or dt.timedelta(days=gap / per_day) > LONGEST_FORECAST:
        return Forecast("not_on_track", per_day=per_day, date=None, **facts)
    reached = today + dt.timedelta(days=math.ceil(gap / per_day))
    status = "on_track" if reached <= fy_end else "late"
    return Forecast(status, per_day=per_day, date=reached, **facts)


# -- classes and consultations ---------------------------------------------------------------


@dataclass(frozen=True)
class ProgramKpi:
    """One kind of session (class or consultation) over a fiscal year."""

    kind: str
    target: int | None  # the year's target (None: none set for that year)
    sessions: int
    reservations: int  # seats held (waitlisted and cancelled not counted)
    participants: int  # marked as attended
    no_shows: int  # marked as absent
    unmarked: int  # seats in past sessions nobody has marked yet


def program_kpis(
    db: Session,
    year: FiscalYear,
    now: dt.datetime,
    targets: dict[str, int | None] | None = None,
) -> list[ProgramKpi]:
    """Participants, reservations and no-shows by kind, for sessions starting in the year,
    with each kind's target for the year (`targets`, by kind; bot.reports.targets).

    A cancelled session was never held: it counts nowhere. Its reservations keep their status
    (so residents see the cancellation in 予約の確認), and counting them would leave seats as
    bookings and as attendance staff can never record."""
    seated = Reservation.status == "reserved"
    rows = db.execute(
        select(
            ClassSession.kind,
            func.count(func.distinct(ClassSession.id)),
            _sum(case((seated, 1), else_=0)),
            _sum(case((Reservation.attended.is_(True), 1), else_=0)),
            _sum(case((Reservation.attended.is_(False), 1), else_=0)),
            _sum(
                case(
                    (seated & Reservation.attended.is_(None) & (ClassSession.starts_at < now), 1),
                    else_=0,
                )
            ),
        )
        .outerjoin(Reservation, Reservation.session_id == ClassSession.id)
        .where(
            ClassSession.status != "cancelled",
            ClassSession.starts_at >= jst_midnight(year.first),
            ClassSession.starts_at < jst_midnight(year.last + dt.timedelta(days=1)),
        )
        .group_by(ClassSession.kind)
    ).all()
    found = {kind: [int(v) for v in values] for kind, *values in rows}
    targets = targets or {}
    return [
        ProgramKpi(kind, targets.get(kind), *found.get(kind, [0] * 5))
        for kind in ("class", "consultation")
    ]


# -- questions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicWeeks:
    """Questions per intent per week: `counts[intent][i]` is the week starting `weeks[i]`."""

    weeks: list[dt.date]
    counts: dict[str, list[int]]

    def total(self, i: int) -> int:
        """All questions in week i."""
        return sum(values[i] for values in self.counts.values())


def questions_by_week(db: Session, first: dt.date, last: dt.date) -> TopicWeeks:
    """Questions by intent in each week (Monday first) from `first`'s week to `last`'s."""
    return _weekly(db, QuestionCount.day, QuestionCount.intent, QuestionCount.count, first, last)


def safety_answers_by_week(db: Session, first: dt.date, last: dt.date) -> TopicWeeks:
    """Safety answers (help lines for a crisis) by category in each week: counts only."""
    return _weekly(db, SafetyCount.day, SafetyCount.category, SafetyCount.count, first, last)


def _weekly(db: Session, day, key, count, first: dt.date, last: dt.date) -> TopicWeeks:
    """A daily (day, key, count) table summed per key per week, from `first`'s week to `last`'s."""
    weeks = buckets_between(first, last, "week")
    if not weeks:
        return TopicWeeks([], {})
    week = bucket_sql(db, day, "week").label("week")
    rows = db.execute(
        select(week, key, func.sum(count)).where(day >= weeks[0], day <= last).group_by("week", key)
    ).all()
    index = {start: i for i, start in enumerate(weeks)}
    counts: dict[str, list[int]] = {}
    for start, name, total in rows:
        counts.setdefault(name, [0] * len(weeks))[index[_as_date(start)]] += int(total)
    return TopicWeeks(weeks, counts)


def first_question_day(db: Session) -> dt.date | None:
    """The first day any question was counted."""
    return db.scalar(select(func.min(QuestionCount.day)))


def top_unanswered(db: Session, now: dt.datetime, days: int = 90) -> list[QuestionGroup]:
    """Unanswered questions of the last `days` days, grouped, most asked first."""
    return group_questions(recent_unanswered(db, since=now - dt.timedelta(days=days)))
