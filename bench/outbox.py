"""Outbox recovery (issue 15, F4/F5): LINE's reply API hangs, then fails, then recovers. How long
`/healthz` takes meanwhile, and how long until every resident has their answer, exactly once.

    .venv/bin/python bench/outbox.py [--residents 10] [--hang 12] [--database-url URL]

As deployed: `python -m bot serve` (2 workers) and `python -m bot scheduler`, against the
stand-in. Phase 1: replies hang `--hang` seconds while `--residents` webhooks arrive at once.
Phase 2: every reply and push answers 500 for 20 s. Then LINE is well again. bench/webhook.py
prints these figures after its own.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.line.standin import EventFactory, StandIn, sign_body  # noqa: E402

SECRET, TOKEN = "bench-channel-secret", "bench-access-token"
FAILING_S = 20


def post(base_url: str, body: bytes) -> int:
    headers = {"Content-Type": "application/json", "X-Line-Signature": sign_body(body, SECRET)}
    request = urllib.request.Request(base_url + "/callback", data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status


def healthz(base_url: str) -> float:
    started = time.monotonic()
    with urllib.request.urlopen(base_url + "/healthz", timeout=60) as response:
        response.read()
    return time.monotonic() - started


def start(command: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def wait_for(base_url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            healthz(base_url)
            return
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.2)
    raise SystemExit("the bot did not start")


def until_answered(standin: StandIn, users: list[str], limit_s: float) -> float | None:
    """Seconds until every user has a message, or None if some never do within `limit_s`."""
    started = time.monotonic()
    while time.monotonic() - started < limit_s:
        if all(standin.messages_to(user) for user in users):
            return time.monotonic() - started
        time.sleep(0.2)
    return None


def run(residents: int, hang_s: float, database_url: str | None) -> dict:
    standin = StandIn(TOKEN)
    base_line = standin.start()
    database_url = database_url or f"sqlite:///{tempfile.mkdtemp()}/outbox.db"
    env = {
        **os.environ,
        "LINE_CHANNEL_SECRET": SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
        "LINE_API_BASE_URL": base_line,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-secret-key-bench-secret-key",
        "PYTHONPATH": str(ROOT),
    }
    bot = [sys.executable, "-m", "bot"]
    subprocess.run([*bot, "db", "upgrade"], env=env, check=True, capture_output=True)
    port = 20000 + os.getpid() % 20000
    base_url = f"http://127.0.0.1:{port}"
    server = start([*bot, "serve", "--host", "127.0.0.1", "--port", str(port)], env)
    scheduler = start([*bot, "scheduler"], env)
    factory = EventFactory(standin)
    figures: dict = {}
    try:
        wait_for(base_url, server)
        hung = [f"U{n:032x}" for n in range(0xA000, 0xA000 + residents)]
        refused = [f"U{n:032x}" for n in range(0xB000, 0xB000 + residents)]
        # Phase 1: replies hang while every resident writes at once.
        standin.hang("/v2/bot/message/reply", hang_s, times=residents)
        bodies = [factory.body(factory.text(u, "コンビニで住民票を取りたい")) for u in hung]
        with ThreadPoolExecutor(residents + 5) as pool:
            webhooks = [pool.submit(post, base_url, body) for body in bodies]
            time.sleep(0.3)
            checks = [pool.submit(healthz, base_url) for _ in range(5)]
            figures["healthz_s"] = [check.result() for check in checks]
            figures["webhook_s"] = max(0.0, 0.0)
            started = time.monotonic()
            figures["statuses"] = [webhook.result() for webhook in webhooks]
            figures["webhook_s"] = time.monotonic() - started + 0.3
        standin.clear_faults()
        figures["hung_answered_s"] = until_answered(standin, hung, 120)
        # Phase 2: LINE answers 500 to every send for a while, then recovers.
        standin.fail("/v2/bot/message/", 500, every_nth=1)
        for user in refused:
            post(base_url, factory.body(factory.text(user, "スマホ教室はいつ？")))
        time.sleep(FAILING_S)
        standin.clear_faults()
        figures["refused_answered_s"] = until_answered(standin, refused, 180)
        time.sleep(6)  # one more scheduler run: nothing goes twice
        everyone = hung + refused
        figures["duplicates"] = sum(len(standin.messages_to(u)) - 1 for u in everyone)
        figures["by_push"] = sum(
            c.path.endswith("/push") and c.status == 200 for c in standin.calls
        )
    finally:
        for process in (server, scheduler):
            process.terminate()
            process.wait(timeout=30)
        standin.stop()
    return figures


def report(figures: dict, residents: int, hang_s: float) -> None:
    health = figures["healthz_s"]
    print(
        f"outbox recovery: {residents} webhooks at once while LINE's reply hangs {hang_s:.0f} s "
        f"(2 workers, scheduler every 5 s)"
    )
    print(
        f"  /healthz meanwhile: max {max(health):.2f} s, median {statistics.median(health):.2f} s"
        f"; every webhook answered 200 within {figures['webhook_s']:.1f} s"
    )
    hung = figures["hung_answered_s"]
    print(
        "  every resident answered "
        + (f"{hung:.1f} s after LINE recovered" if hung is not None else "NOT within 120 s")
    )
    refused = figures["refused_answered_s"]
    print(
        f"  after {FAILING_S} s of 500s on every send: every resident answered "
        + (f"{refused:.1f} s after LINE recovered" if refused is not None else "NOT in 180 s")
        + f"; {figures['by_push']} answers went by push (token spent); "
        f"{figures['duplicates']} duplicates"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=10)
    parser.add_argument("--hang", type=float, default=12.0)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()
    figures = run(args.residents, args.hang, args.database_url)
    report(figures, args.residents, args.hang)
    ok = (
        max(figures["healthz_s"]) < 1.0
        and figures["hung_answered_s"] is not None
        and figures["refused_answered_s"] is not None
        and figures["duplicates"] == 0
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
