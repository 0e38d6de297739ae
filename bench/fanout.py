"""Fan-out benchmark: sync 100,000 followers, then announce to them through a rate-limited,
failing stand-in; print time, recipients/s, the rate-limit floor, peak memory, and whether
every subscriber received the announcement exactly once.

    .venv/bin/python bench/fanout.py [--followers 100000] [--rate 200] [--fail-every 7]
                                     [--database-url URL]

The stand-in runs in a child process (as LINE would be elsewhere), so the memory figure is the
sender's alone: it stays flat because recipients are streamed from the database 500 at a time.
"""

from __future__ import annotations

import argparse
import collections
import multiprocessing
import pathlib
import resource
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

TOKEN = "bench-token"


def run_standin(pipe, rate: float, fail_every: int, followers: int) -> None:
    """Child process: a strict stand-in, answering 'stats' questions over the pipe."""
    from bot.line.standin import StandIn

    standin = StandIn(TOKEN, multicast_rate_per_s=rate)
    pipe.send(standin.start())
    standin.set_followers([f"U{n:032x}" for n in range(followers)])
    if fail_every:
        standin.fail("/v2/bot/message/multicast", 500, every_nth=fail_every)
    while pipe.recv() == "stats":
        received = collections.Counter()
        statuses = collections.Counter()
        keyed = total = 0
        for call in standin.calls:
            if call.path != "/v2/bot/message/multicast":
                continue
            total += 1
            statuses[call.status] += 1
            keyed += "X-Line-Retry-Key" in call.headers
            if call.status == 200:
                received.update(call.json["to"])
        pipe.send(
            {
                "calls": total,
                "with_retry_key": keyed,
                "statuses": dict(statuses),
                "recipients": len(received),
                "max_per_recipient": max(received.values(), default=0),
            }
        )
    standin.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=200.0, help="stand-in multicast limit /s")
    parser.add_argument("--fail-every", type=int, default=7, help="a 500 on every Nth multicast")
    parser.add_argument("--database-url")
    args = parser.parse_args()

    from bot import announcements
    from bot.core.db import make_engine, make_session_factory
    from bot.core.migrate import upgrade
    from bot.line.gateway import LineGateway
    from bot.residents.sync import sync_followers

    parent, child = multiprocessing.Pipe()
    process = multiprocessing.Process(
        target=run_standin, args=(child, args.rate, args.fail_every, args.followers), daemon=True
    )
    process.start()
    base_url = parent.recv()
    workdir = tempfile.mkdtemp(prefix="fanout-")
    database_url = args.database_url or f"sqlite:///{workdir}/bench.db"
    engine = make_engine(database_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    gateway = LineGateway(TOKEN, base_url)

    started = time.perf_counter()
    synced = sync_followers(sessions, gateway)
    sync_seconds = time.perf_counter() - started

    with sessions() as db:
        announcement = announcements.create_announcement(
            db,
            text="スマホ教室の新しい日程を公開しました。",
            topic="smartphone_class",
            created_by="bench",
        )
        db.commit()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    report = announcements.send_announcement(sessions, gateway, announcement.id)
    seconds = time.perf_counter() - started
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before

    parent.send("stats")
    stats = parent.recv()
    parent.send("stop")
    process.join(timeout=5)

    batches = -(-report.audience // announcements.BATCH_SIZE)
    floor = batches / args.rate
    exactly_once = stats["recipients"] == report.audience and stats["max_per_recipient"] == 1
    print(f"database              {engine.url.get_backend_name()}")
    print(
        f"sync-followers        {synced.seen:,} IDs in {sync_seconds:.1f} s "
        f"({synced.seen / sync_seconds:,.0f} IDs/s)"
    )
    print(f"audience              {report.audience:,} in {batches} batches of ≤ 500")
    print(f"send time             {seconds:.2f} s")
    print(f"recipients/s          {report.audience / seconds:,.0f}")
    print(
        f"rate-limit floor      {floor:.2f} s at {args.rate:.0f} requests/s "
        f"(send time = {seconds / floor:.2f}× the floor)"
    )
    print(
        f"multicast calls       {stats['calls']} {stats['statuses']}, "
        f"with retry key: {stats['with_retry_key']}"
    )
    print(
        f"exactly once          {'yes' if exactly_once else 'NO'} "
        f"({stats['recipients']:,} recipients, at most {stats['max_per_recipient']} each)"
    )
    print(
        f"sender peak memory    +{rss_growth / 1024:.1f} MiB peak RSS while sending "
        f"({rss_before / 1024:.0f} MiB before)"
    )
    return 0 if exactly_once else 1


if __name__ == "__main__":
    sys.exit(main())
