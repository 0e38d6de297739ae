"""The managers' figures, each against data whose answer is known (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot.core.models import (
    ClassSession,
    FollowDaily,
    Follower,
    FollowLedgerEntry,
    InsightSnapshot,
    QuestionCount,
    Reservation,
    UnansweredQuestion,
)
from bot.reports import kpi
from bot.residents.followers import adopt_many, followers_at

JST = dt.timezone(dt.timedelta(hours=9))
TODAY = dt.date(2026, 11, 26)  # a Thursday in fiscal year 2026 (April 2026 – March 2027)


@pytest.fixture
def db(app):
    with app.extensions["navi"].sessions() as session:
        yield session


def at(day: str, time: str = "12:00", tz=JST) -> dt.datetime:
    """An aware instant from a date and a time in `tz` (JST unless said)."""
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=tz)


def ledger(db, when: dt.datetime, delta: int = 1, times: int = 1, kind: str | None = None):
    """`times` anonymous ledger rows at one instant."""
    kind = kind or ("follow" if delta > 0 else "unfollow")
    db.add_all(FollowLedgerEntry(occurred_at=when, delta=delta, kind=kind) for _ in range(times))
    db.flush()


def ten_follows_three_unfollows(db):
    """10 follows and 3 unfollows around a week and a month boundary."""
    ledger(db, at("2026-06-29", "10:00"), times=4)  # Monday
    ledger(db, at("2026-06-30", "23:30", dt.UTC))  # 08:30 JST on Wednesday July 1
    ledger(db, at("2026-07-01", "12:00"), delta=-1, times=3)
    ledger(db, at("2026-07-05", "20:00"), times=2)  # Sunday: still the week of June 29
    ledger(db, at("2026-07-05", "15:10", dt.UTC), times=3)  # 00:10 JST on Monday July 6


def test_daily_buckets_are_jst_days_with_the_count_at_each_days_end(db):
    ten_follows_three_unfollows(db)
    days = kpi.follow_buckets(db, "day", dt.date(2026, 6, 29), dt.date(2026, 7, 6))
    assert [d.start.day for d in days] == [29, 30, 1, 2, 3, 4, 5, 6]
    assert [d.follows for d in days] == [4, 0, 1, 0, 0, 0, 2, 3]
    assert [d.unfollows for d in days] == [0, 0, 3, 0, 0, 0, 0, 0]
    assert [d.total for d in days] == [4, 4, 2, 2, 2, 2, 4, 7]


def test_a_follow_at_2330_utc_counts_for_the_next_jst_day(db):
    ledger(db, at("2026-06-30", "23:30", dt.UTC))
    days = kpi.follow_buckets(db, "day", dt.date(2026, 6, 30), dt.date(2026, 7, 1))
    assert [(d.start, d.follows) for d in days] == [
        (dt.date(2026, 6, 30), 0),
        (dt.date(2026, 7, 1), 1),
    ]


def test_weekly_buckets_start_on_monday(db):
    ten_follows_three_unfollows(db)
    weeks = kpi.follow_buckets(db, "week", dt.date(2026, 7, 1), dt.date(2026, 7, 8))
    assert [w.start for w in weeks] == [dt.date(2026, 6, 29), dt.date(2026, 7, 6)]
    assert [(w.follows, w.unfollows, w.net, w.total) for w in weeks] == [(7, 3, 4, 4), (3, 0, 3, 7)]


def test_monthly_buckets_put_the_late_utc_follow_in_july(db):
    ten_follows_three_unfollows(db)
    months = kpi.follow_buckets(db, "month", dt.date(2026, 6, 15), dt.date(2026, 8, 1))
    assert [m.start for m in months] == [
        dt.date(2026, 6, 1),
        dt.date(2026, 7, 1),
        dt.date(2026, 8, 1),
    ]
    assert [(m.follows, m.unfollows, m.total) for m in months] == [(4, 0, 4), (6, 3, 7), (0, 0, 7)]


def test_counts_before_the_window_carry_into_its_totals(db):
    ten_follows_three_unfollows(db)
    days = kpi.follow_buckets(db, "day", dt.date(2026, 7, 5), dt.date(2026, 7, 6))
    assert [d.total for d in days] == [4, 7]


def test_current_followers_from_the_rollup_equal_the_ledger_sum(db):
    ten_follows_three_unfollows(db)
    adopt_many(db, [f"U{n:032d}" for n in range(25)], "synced")
    assert kpi.current_followers(db) == followers_at(db) == 32


def test_the_trigger_kept_rollup_equals_a_rebuild_from_the_raw_ledger(db):
    ten_follows_three_unfollows(db)
    adopt_many(db, [f"U{n:032d}" for n in range(25)], "synced")  # one bulk insert
    ledger(db, at("2026-07-02"), kind="seen")
    ledger(db, at("2026-07-02"), kind="refollow")
    ledger(db, at("2026-07-02"), delta=-1, kind="erased")
    kept = db.execute(select(FollowDaily).order_by(FollowDaily.day)).scalars().all()
    kept = [(r.day, r.follows, r.adopted, r.unfollows, r.erased) for r in kept]
    assert kpi.rebuild_follow_daily(db) == len(kept)
    rebuilt = db.execute(select(FollowDaily).order_by(FollowDaily.day)).scalars().all()
    assert [(r.day, r.follows, r.adopted, r.unfollows, r.erased) for r in rebuilt] == kept
    july_2 = next(row for row in kept if row[0] == dt.date(2026, 7, 2))
    # the refollow is a follow, the seen friend is adopted, a data deletion is not a block
    assert july_2[1:] == (1, 1, 0, 1)


def test_fiscal_year_begins_on_april_first():
    assert kpi.FiscalYear.of(dt.date(2027, 3, 31)).year == 2026
    assert kpi.FiscalYear.of(dt.date(2027, 4, 1)).year == 2027
    fy = kpi.FiscalYear(2026)
    assert (fy.first, fy.last) == (dt.date(2026, 4, 1), dt.date(2027, 3, 31))


def session_with(db, kind: str, starts_at: dt.datetime, attendance: list) -> ClassSession:
    """A session with one seat per `attendance` entry (True came, False absent, None unmarked,
    or a status string for an unseated row)."""
    session = ClassSession(
        kind=kind, title=kind, venue="仲町ふれあい館", capacity=10, starts_at=starts_at
    )
    db.add(session)
    db.flush()
    for n, mark in enumerate(attendance):
        follower = Follower(line_user_id=f"U{session.id:04d}{n:028d}")
        db.add(follower)
        db.flush()
        status = mark if isinstance(mark, str) else "reserved"
        attended = None if isinstance(mark, str) else mark
        db.add(
            Reservation(
                session_id=session.id, follower_id=follower.id, status=status, attended=attended
            )
        )
    db.flush()
    return session


def test_programme_kpis_count_attendance_by_kind_in_the_fiscal_year(db):
    session_with(db, "class", at("2026-05-10", "10:00"), [True, True, False, "waitlisted"])
    session_with(db, "class", at("2026-12-10", "10:00"), [None])  # future: not unmarked
    session_with(db, "consultation", at("2026-06-01", "13:00"), [True, None, "cancelled"])
    targets = {"class": 200, "consultation": 5600}
    kpis = kpi.program_kpis(db, kpi.FiscalYear(2026), at("2026-11-26"), targets)
    by_kind = {k.kind: k for k in kpis}
    assert by_kind["class"] == kpi.ProgramKpi(
        "class", 200, sessions=2, reservations=4, participants=2, no_shows=1, unmarked=0
    )
    assert by_kind["consultation"] == kpi.ProgramKpi(
        "consultation", 5600, sessions=1, reservations=2, participants=1, no_shows=0, unmarked=1
    )


def test_sessions_count_in_the_fiscal_year_of_their_jst_start(db):
    session_with(db, "class", at("2026-03-31", "23:30"), [True])  # fiscal 2025
    session_with(db, "class", at("2026-04-01", "00:30"), [True])  # fiscal 2026
    session_with(db, "class", at("2027-03-31", "23:59"), [True])  # fiscal 2026
    session_with(db, "class", at("2027-04-01", "00:00"), [True])  # fiscal 2027
    now = at("2027-05-01")
    participants = {
        year: kpi.program_kpis(db, kpi.FiscalYear(year), now)[0].participants
        for year in (2025, 2026, 2027)
    }
    assert participants == {2025: 1, 2026: 2, 2027: 1}


def daily(db, first: dt.date, days: int, delta: int, per_day: int):
    """`per_day` ledger rows of `delta` on each of `days` days from `first`."""
    for n in range(days):
        ledger(db, at((first + dt.timedelta(days=n)).isoformat()), delta=delta, times=per_day)


def test_a_steady_ten_a_day_reaches_the_target_on_the_forecast_date(db):
    daily(db, TODAY - dt.timedelta(days=90), 90, delta=1, per_day=10)
    ledger(db, at("2026-10-01"), times=300, kind="synced")  # adopted: not part of the trend
    forecast = kpi.follower_forecast(db, TODAY, target=1300)
    assert forecast.current == 1200 and forecast.gap == 100
    assert forecast.per_day == pytest.approx(10)
    assert forecast.status == "on_track"
    assert forecast.date == TODAY + dt.timedelta(days=10)
    assert forecast.fiscal_year_end == dt.date(2027, 3, 31)
    assert forecast.days_left == 126 and forecast.required_per_day == 1


def test_a_falling_trend_is_not_on_track(db):
    ledger(db, at("2026-08-01"), times=600)
    daily(db, TODAY - dt.timedelta(days=90), 90, delta=-1, per_day=5)
    forecast = kpi.follower_forecast(db, TODAY, target=33000)
    assert forecast.status == "not_on_track" and forecast.date is None
    assert forecast.per_day == pytest.approx(-5)
    assert forecast.required_per_day == -(-(33000 - 150) // 126)


def test_a_flat_trend_is_not_on_track(db):
    ledger(db, at("2026-01-01"), times=50)
    daily(db, TODAY - dt.timedelta(days=90), 90, delta=1, per_day=0)
    assert kpi.follower_forecast(db, TODAY, target=100).status == "not_on_track"


def test_a_slow_trend_reaches_the_target_after_the_fiscal_year(db):
    daily(db, TODAY - dt.timedelta(days=30), 30, delta=1, per_day=1)
    forecast = kpi.follower_forecast(db, TODAY, target=530)
    assert forecast.status == "late"
    assert forecast.date == TODAY + dt.timedelta(days=500)


def test_a_few_days_of_history_give_no_forecast(db):
    daily(db, TODAY - dt.timedelta(days=5), 5, delta=1, per_day=10)
    assert kpi.follower_forecast(db, TODAY, target=1000).status == "too_little_data"


def test_a_reached_target_says_so(db):
    ledger(db, at("2026-11-01"), times=3)
    forecast = kpi.follower_forecast(db, TODAY, target=3)
    assert forecast.status == "reached" and forecast.gap == 0


def test_latest_ready_insight_is_shown_with_followers_minus_blocks(db):
    db.add(InsightSnapshot(date=dt.date(2026, 11, 24), status="ready", followers=1500,
                           targeted_reaches=1200, blocks=260))  # fmt: skip
    db.add(InsightSnapshot(date=dt.date(2026, 11, 25), status="unready"))
    db.flush()
    insight = kpi.latest_insight(db)
    assert insight == kpi.Insight(dt.date(2026, 11, 24), 1500, 1200, 260)
    assert insight.reachable == 1240


def test_no_insight_yet_is_none(db):
    assert kpi.latest_insight(db) is None


def test_questions_by_week_sum_days_per_intent(db):
    rows = [
        ("2026-11-09", "konbini_certificate", 3),  # Monday
        ("2026-11-15", "konbini_certificate", 2),  # Sunday, same week
        ("2026-11-15", "unknown", 1),
        ("2026-11-16", "mynumber_card", 4),  # next Monday
        ("2026-10-01", "mynumber_card", 9),  # before the range
    ]
    db.add_all(QuestionCount(day=dt.date.fromisoformat(d), intent=i, count=c) for d, i, c in rows)
    db.flush()
    topics = kpi.questions_by_week(db, dt.date(2026, 11, 12), dt.date(2026, 11, 22))
    assert topics.weeks == [dt.date(2026, 11, 9), dt.date(2026, 11, 16)]
    assert topics.counts == {
        "konbini_certificate": [5, 0],
        "unknown": [1, 0],
        "mynumber_card": [0, 4],
    }
    assert [topics.total(0), topics.total(1)] == [6, 4]


def test_top_unanswered_groups_the_last_90_days(db):
    now = at("2026-11-26")
    texts = [
        ("粗大ごみの出し方", 1),
        ("粗大ごみの出し方は？", 2),
        ("粗大ごみの出し方", 3),
        ("図書館の開館時間", 4),
        ("古い質問", 120),
    ]
    db.add_all(
        UnansweredQuestion(text=text, language="ja", asked_at=now - dt.timedelta(days=days))
        for text, days in texts
    )
    db.flush()
    groups = kpi.top_unanswered(db, now)
    assert [(g.example, g.count) for g in groups] == [
        ("粗大ごみの出し方", 3),
        ("図書館の開館時間", 1),
    ]


def test_bucket_sql_refuses_an_unknown_period(db):
    with pytest.raises(ValueError):
        kpi.bucket_sql(db, FollowDaily.day, "year")
