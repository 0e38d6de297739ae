"""Large webhook bodies (issue 15, F11): one body of 1,000 message events from 1,000 residents,
as LINE may send after an outage. Every event must be answered by reply (free) within 30 s,
before the reply tokens expire; what misses goes out as a paid push.

    .venv/bin/python bench/big_body.py [--events 1000] [--round-trip-ms 30] [--database-url URL]

The stand-in adds a round trip to every call (LINE's servers are not on this machine). The bot
answers several chats at a time (bot.conversation.dispatch.CHATS_AT_ONCE); the peer is the
same bot answering one chat after another, as it did before.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402  (after the path is set)

from bot import create_app  # noqa: E402
from bot.conversation import dispatch  # noqa: E402
from bot.core.db import make_engine  # noqa: E402
from bot.core.migrate import upgrade  # noqa: E402
from bot.core.models import PendingMessage  # noqa: E402
from bot.core.settings import Settings  # noqa: E402
from bot.line.standin import StandIn  # noqa: E402
from bot.line.standin.webhook import EventFactory, sign_body  # noqa: E402

SECRET, TOKEN = "bench-channel-secret", "bench-access-token"
QUESTIONS = ["こんにちは", "コンビニで住民票を取りたい", "スマホ教室はいつ？", "What can you do?"]
GOAL_S = 30


def one_run(standin: StandIn, database_url: str, events: int, chats_at_once: int) -> dict:
    """Post one body of `events` text events; time it and count how each answer went out."""
    standin.clear()
    settings = Settings(
        channel_secret=SECRET,
        channel_access_token=TOKEN,
        api_base_url=standin.base_url,
        database_url=database_url,
        secret_key="bench",
        follower_target=33000,
        timezone="Asia/Tokyo",
    )
    app = create_app(settings)
    navi = app.extensions["navi"]
    navi.dispatcher._chats = ThreadPoolExecutor(chats_at_once)  # the one thing compared
    factory = EventFactory(standin)
    users = [f"U{n:032x}" for n in range(1, events + 1)]
    body = factory.body(
        *(factory.text(user, QUESTIONS[n % len(QUESTIONS)]) for n, user in enumerate(users))
    )
    headers = {"Content-Type": "application/json", "X-Line-Signature": sign_body(body, SECRET)}
    started = time.monotonic()
    status = app.test_client().post("/callback", data=body, headers=headers).status_code
    seconds = time.monotonic() - started
    calls = standin.calls
    with navi.sessions() as db:
        kept = db.scalar(select(func.count()).select_from(PendingMessage)) or 0
    navi.gateway.close()
    navi.engine.dispose()
    return {
        "status": status,
        "seconds": seconds,
        "replied": sum(c.path.endswith("/reply") and c.status == 200 for c in calls),
        "pushed": sum(c.path.endswith("/push") and c.status == 200 for c in calls),
        "kept": kept,
    }


def fresh_database(url: str | None, directory: str, name: str) -> str:
    url = url or f"sqlite:///{directory}/{name}.db"
    engine = make_engine(url)
    if url.startswith("postgresql"):
        from sqlalchemy import text

        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(engine)
    engine.dispose()
    return url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--round-trip-ms", type=float, default=30.0)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()
    standin = StandIn(TOKEN)
    standin.start()
    standin.set_round_trip(args.round_trip_ms / 1000)
    print(
        f"{args.events:,} message events in one body, a {args.round_trip_ms:.0f} ms round trip "
        f"to LINE, {'PostgreSQL' if args.database_url else 'SQLite'}"
    )
    results = {}
    with tempfile.TemporaryDirectory() as directory:
        compared = (("one chat at a time", 1), ("chats at once", dispatch.CHATS_AT_ONCE))
        for label, at_once in compared:
            url = fresh_database(args.database_url, directory, f"run{at_once}")
            results[label] = run = one_run(standin, url, args.events, at_once)
            print(
                f"  {label} ({at_once}): {run['seconds']:.1f} s, {run['replied']:,} by reply, "
                f"{run['pushed']:,} by push, {run['kept']:,} kept for retry, HTTP {run['status']}"
            )
    standin.stop()
    before, after = results["one chat at a time"], results["chats at once"]
    print(f"  → {before['seconds'] / after['seconds']:.2f}× faster")
    met = after["replied"] == args.events and after["seconds"] <= GOAL_S
    print(f"  goal (all {args.events:,} by reply within {GOAL_S} s): {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
