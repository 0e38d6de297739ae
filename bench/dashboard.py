"""Dashboard benchmark: a million follow-ledger rows, then the time of each dashboard query and
of whole pages and CSV downloads through the Flask test client. Prints; asserts nothing.

    .venv/bin/python bench/dashboard.py [--rows 1000000] [--database-url URL] [--repeat 5]

Without --database-url it uses a fresh SQLite file. With a PostgreSQL URL it empties that
database first (DROP SCHEMA public CASCADE): point it at a scratch database only.

The goal is under 200 ms a page. The raw-ledger lines show why the page reads the per-day
rollup (follow_daily, kept by a trigger) instead of grouping the ledger on every view.
"""

from __future__ import annotations

import argparse
import datetime as dt
import pathlib
import random
import statistics
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

YEARS = 3
CHUNK = 50_000
INTENTS = ("konbini_certificate", "mynumber_card", "online_application", "unknown", "help")


def fresh_database(url: str | None) -> str:
    """A migrated, empty database: SQLite in a temporary folder unless a URL is given."""
    from sqlalchemy import text

    from bot.core.db import make_engine
    from bot.core.migrate import upgrade

    if url is None:
        url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(engine)
    engine.dispose()
    return url


def seed(sessions, rows: int, now: dt.datetime) -> None:
    """`rows` ledger rows over three years (a few more follows than unfollows, more lately),
    a year of question counts, 2,000 unanswered questions, sessions with reservations and a
    ready insight snapshot — inserted in bulk."""
    from sqlalchemy import insert

    from bot.core.models import (
        ClassSession,
        Follower,
        FollowLedgerEntry,
        InsightSnapshot,
        QuestionCount,
        Reservation,
        UnansweredQuestion,
    )

    rng = random.Random(5)
    span = YEARS * 365 * 86400
    with sessions() as db:
        for start in range(0, rows, CHUNK):
            batch = []
            for _ in range(min(CHUNK, rows - start)):
                ago = span * rng.random() ** 1.3  # denser towards now
                delta = 1 if rng.random() < 0.52 else -1
                kind = "follow" if delta > 0 else "unfollow"
                at = now - dt.timedelta(seconds=ago)
                batch.append({"occurred_at": at, "delta": delta, "kind": kind})
            db.execute(insert(FollowLedgerEntry), batch)
            db.commit()
        today = now.date()
        db.execute(
            insert(QuestionCount),
            [
                {"day": today - dt.timedelta(days=d), "intent": i, "count": rng.randint(0, 40)}
                for d in range(365)
                for i in INTENTS
            ],
        )
        words = ("粗大ごみ", "図書館", "保育園", "住民税", "ワクチン", "駐輪場", "児童手当")
        asks = ("時間", "場所", "申込み", "料金")
        db.execute(
            insert(UnansweredQuestion),
            [
                {
                    "text": f"{rng.choice(words)}の{rng.choice(asks)}は？",
                    "language": "ja",
                    "asked_at": now - dt.timedelta(hours=rng.randint(1, 24 * 89)),
                }
                for _ in range(2000)
            ],
        )
        db.execute(
            insert(Follower),
            [
                {
                    "line_user_id": f"U{n:032x}",
                    "language": "ja",
                    "following": True,
                    "last_event_ms": 0,
                    "created_at": now,
                }
                for n in range(3000)
            ],
        )
        for n in range(150):
            kind = "consultation" if n % 3 else "class"
            session = ClassSession(
                kind=kind,
                title="bench",
                venue="bench",
                capacity=20,
                starts_at=now - dt.timedelta(days=n),
                reserved=20,
            )
            db.add(session)
            db.flush()
            db.execute(
                insert(Reservation),
                [
                    {
                        "session_id": session.id,
                        "follower_id": 1 + (n * 20 + k) % 3000,
                        "status": "reserved",
                        "attended": rng.choice([True, True, False, None]),
                        "created_at": now,
                    }
                    for k in range(20)
                ],
            )
        db.add(
            InsightSnapshot(
                date=today - dt.timedelta(days=1),
                status="ready",
                followers=60_000,
                targeted_reaches=30_000,
                blocks=25_000,
            )
        )
        db.commit()


def timed(label: str, function, repeat: int) -> float:
    """Run `function` once to warm up, then `repeat` times; print and return the median ms."""
    function()
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        runs.append((time.perf_counter() - start) * 1000)
    median = statistics.median(runs)
    print(f"  {label:<46} {median:8.1f} ms  (max {max(runs):.1f})")
    return median


def bench_queries(sessions, now: dt.datetime, repeat: int) -> None:
    """Each dashboard query on its own, and the raw-ledger alternatives for comparison."""
    from sqlalchemy import func, select

    from bot.core.models import FollowLedgerEntry
    from bot.reports import kpi
    from bot.residents.followers import followers_at

    today = kpi.jst_today(now)
    first = None
    with sessions() as db:
        first = kpi.first_follow_day(db)
        year = kpi.FiscalYear.of(today)
        day_sql = kpi.ledger_day_sql(db).label("day")
        queries = {
            "current_followers (rollup)": lambda: kpi.current_followers(db),
            "follow_buckets day, 90 days": lambda: kpi.follow_buckets(
                db, "day", today - dt.timedelta(days=89), today
            ),
            "follow_buckets week, 26 weeks": lambda: kpi.follow_buckets(
                db, "week", today - dt.timedelta(weeks=25), today
            ),
            "follow_buckets month, all history (CSV)": lambda: kpi.follow_buckets(
                db, "month", first, today
            ),
            "follow_buckets day, all history (CSV)": lambda: kpi.follow_buckets(
                db, "day", first, today
            ),
            "follower_forecast": lambda: kpi.follower_forecast(db, today, 33000),
            "latest_insight": lambda: kpi.latest_insight(db),
            "program_kpis": lambda: kpi.program_kpis(db, year, now),
            "questions_by_week, 12 weeks": lambda: kpi.questions_by_week(
                db, today - dt.timedelta(weeks=11), today
            ),
            "top_unanswered (2,000 texts, grouped)": lambda: kpi.top_unanswered(db, now),
            "raw ledger: SUM(delta) (followers_at)": lambda: followers_at(db),
            "raw ledger: GROUP BY JST day, all rows": lambda: db.execute(
                select(day_sql, func.sum(FollowLedgerEntry.delta)).group_by("day")
            ).all(),
        }
        for label, query in queries.items():
            timed(label, query, repeat)


def bench_pages(app, repeat: int) -> None:
    """Whole pages and downloads through the test client, as a logged-in manager."""
    from tests.admin_helpers import console_client, log_in, make_user

    client = console_client(app)
    log_in(client, make_user(app, "manager", "bench@example.jp"))
    paths = [f"/admin/dashboard?period={p}" for p in ("day", "week", "month")] + [
        "/admin/dashboard/followers-by-period.csv?period=day",
        "/admin/dashboard/kpis.csv",
        "/admin/dashboard/questions-by-topic.csv",
        "/admin/dashboard/unanswered.csv",
    ]

    def get(path):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response

    for path in paths:
        timed(f"GET {path}", lambda path=path: get(path), repeat)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from bot import create_app
    from bot.core.db import utcnow
    from bot.core.settings import Settings

    url = fresh_database(args.database_url)
    settings = Settings(
        channel_secret="bench-secret-0123456789abcdef01",
        channel_access_token="bench-token",
        api_base_url="http://127.0.0.1:9",  # nothing here talks to LINE
        database_url=url,
        secret_key="bench",
        follower_target=33000,
        timezone="Asia/Tokyo",
    )
    app = create_app(settings)
    navi = app.extensions["navi"]
    now = utcnow()
    print(f"database: {navi.engine.dialect.name}; seeding {args.rows:,} ledger rows …")
    start = time.perf_counter()
    seed(navi.sessions, args.rows, now)
    print(f"  seeded in {time.perf_counter() - start:.1f} s (the trigger fills follow_daily)")
    print("queries (median of", args.repeat, "runs):")
    bench_queries(navi.sessions, now, args.repeat)
    print("pages (test client, logged-in manager):")
    bench_pages(app, args.repeat)
    navi.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
