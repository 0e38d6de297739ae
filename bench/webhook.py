"""Webhook benchmark: deliveries/s and p50/p99 latency of this bot against the smallest
correct line-bot-sdk echo bot, both under the same gunicorn options (bot.web.serve.gunicorn_options)
and the same stand-in.

    .venv/bin/python bench/webhook.py [--requests 500] [--concurrency 8] [--workers 2]
                                      [--rounds 20] [--database-url URL]

Each delivery is one signed text event with a fresh reply token; both bots must answer every
one with a reply the stand-in accepts. The stand-in runs in its own process; the load comes
from this one. "CPU ms" is the server's own CPU time (all its processes) per delivery, the
median round's: a figure the machine's other load moves far less than deliveries/s.

Many short rounds rather than a few long ones, the two bots taking turns in an A-B-B-A order:
a shared machine's speed drifts over seconds (one bot's CPU per delivery moved by a third from
one 5-second round to the next on 2026-12-02), so the bots' rounds must sit close together in
time, and a median of twenty moves less with one slow moment than a median of five.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import pathlib
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.web.serve import gunicorn_options  # noqa: E402  (after the path is set)

SECRET, TOKEN = "bench-channel-secret", "bench-access-token"
RESIDENTS = 500  # who write, each many times over the rounds
QUESTIONS = ["こんにちは", "コンビニで住民票を取りたい", "スマホ教室はいつ？", "What can you do?"]


def run_standin(pipe) -> None:
    """Child process: the stand-in; mints reply tokens and counts accepted replies on request."""
    from bot.line.standin import StandIn

    standin = StandIn(TOKEN)
    pipe.send(standin.start())
    while True:
        command, argument = pipe.recv()
        if command == "tokens":
            pipe.send([standin.issue_reply_token(user) for user in argument])
        elif command == "replies":
            calls = [c for c in standin.calls if c.path == "/v2/bot/message/reply"]
            pipe.send(sum(c.status == 200 for c in calls))
        else:
            standin.stop()
            return


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(command: list[str], env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 90  # a loaded machine imports slowly
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit(f"server on port {port} did not start: {' '.join(command)}")


def load(port: int, bodies: list[bytes], concurrency: int) -> tuple[float, list[float], int]:
    """POST every body (signed) with `concurrency` keep-alive connections; time each."""
    from bot.line.standin import sign_body

    chunks = [bodies[i::concurrency] for i in range(concurrency)]

    def worker(chunk: list[bytes]) -> tuple[list[float], int]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        latencies, failures = [], 0
        for body in chunk:
            headers = {
                "Content-Type": "application/json",
                "X-Line-Signature": sign_body(body, SECRET),
            }
            started = time.perf_counter()
            connection.request("POST", "/callback", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            latencies.append(time.perf_counter() - started)
            failures += response.status != 200
        connection.close()
        return latencies, failures

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(worker, chunks))
    elapsed = time.perf_counter() - started
    return elapsed, [lat for lats, _ in results for lat in lats], sum(f for _, f in results)


def signed_bodies(pipe, requests: int) -> list[bytes]:
    """`requests` text events from 500 residents, each with a reply token the stand-in minted."""
    from bot.line.standin import EventFactory

    users = [f"U{n % RESIDENTS:032x}" for n in range(requests)]
    pipe.send(("tokens", users))
    tokens = pipe.recv()
    factory = EventFactory()
    return [
        factory.body({**factory.text(u, QUESTIONS[n % len(QUESTIONS)]), "replyToken": t})
        for n, (u, t) in enumerate(zip(users, tokens, strict=True))
    ]


def cpu_seconds(pid: int) -> float:
    """CPU time used so far by a process and its children (gunicorn's workers), from /proc;
    0.0 where there is no /proc."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = pathlib.Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime of this process
            for task in pathlib.Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return total / ticks


def measure_round(server, port, pipe, requests, concurrency) -> dict:
    """One round against one running server: rate, latencies, errors, accepted replies, and
    the server's CPU time per delivery (what the bot itself costs, whatever else runs)."""
    bodies = signed_bodies(pipe, requests)
    pipe.send(("replies", None))
    before = pipe.recv()
    cpu_before = cpu_seconds(server.pid)
    elapsed, latencies, failures = load(port, bodies, concurrency)
    cpu_used = cpu_seconds(server.pid) - cpu_before
    pipe.send(("replies", None))
    return {
        "rate": requests / elapsed,
        "latencies": latencies,
        "failures": failures,
        "replies": pipe.recv() - before,
        "cpu_ms": cpu_used / requests * 1000,
    }


def summary(name: str, rounds: list[dict]) -> dict:
    """The median round's rate; latencies and counts over every round."""
    latencies = sorted(lat for r in rounds for lat in r["latencies"])
    return {
        "name": name,
        "rate": statistics.median(r["rate"] for r in rounds),
        "cpu_ms": statistics.median(r["cpu_ms"] for r in rounds),
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "failures": sum(r["failures"] for r in rounds),
        "replies": sum(r["replies"] for r in rounds),
        "deliveries": len(latencies),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500, help="deliveries per round")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    # Twenty of 500 (10,000 deliveries a bot, as five of 2,000 were): one bot's CPU per
    # delivery moves by a third from round to round on a shared machine (2.1–4.6 ms for this
    # bot on 2026-12-02), and the ratio of five-round medians ranged 0.57–0.68 over ten runs.
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--database-url")
    parser.add_argument(
        "--no-outbox", dest="outbox", action="store_false", help="skip the recovery figures"
    )
    args = parser.parse_args()

    parent, child = multiprocessing.Pipe()
    standin = multiprocessing.Process(target=run_standin, args=(child,), daemon=True)
    standin.start()
    base_url = parent.recv()
    database_url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    env = {
        **os.environ,
        "LINE_CHANNEL_SECRET": SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
        "LINE_API_BASE_URL": base_url,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-secret-key-bench-secret-key",
        "PYTHONPATH": str(ROOT),
    }
    subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    ours_port, echo_port = free_port(), free_port()
    servers = {
        "this bot": (
            [
                *[sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1"],
                *["--port", str(ours_port), "--workers", str(args.workers)],
            ],
            env,
            ours_port,
        ),
        "SDK echo bot": (
            [sys.executable, "bench/echo_bot.py", str(echo_port), str(args.workers)],
            env,
            echo_port,
        ),
    }
    running = {name: start_server(cmd, e, port) for name, (cmd, e, port) in servers.items()}
    rounds: dict[str, list[dict]] = {name: [] for name in servers}
    try:
        for _, _, port in servers.values():
            # Warm-up: imports, pools, models, and one message from each of the 500 residents,
            # who follow (and so are known) before they write in a real channel.
            load(port, signed_bodies(parent, RESIDENTS), args.concurrency)
        # The bots take turns, round after round, so a busy moment of the machine falls on
        # both rather than on whichever happened to run then; which goes first alternates
        # (A-B, B-A, …), so a steady drift does not favour the one always measured first.
        order = list(servers.items())
        for number in range(1, args.rounds + 1):
            for name, (_, _, port) in order if number % 2 else reversed(order):
                rounds[name].append(
                    measure_round(running[name], port, parent, args.requests, args.concurrency)
                )
            print(
                f"  round {number}/{args.rounds}: "
                + ", ".join(
                    f"{name} {rounds[name][-1]['rate']:,.0f} deliveries/s "
                    f"({rounds[name][-1]['cpu_ms']:.2f} CPU ms)"
                    for name in servers
                ),
                flush=True,
            )
    finally:
        for server in running.values():
            server.terminate()
            server.wait(timeout=20)
        parent.send(("stop", None))
    ours, echo = (summary(name, rounds[name]) for name in servers)
    threads = gunicorn_options("127.0.0.1", 0, args.workers)["threads"]

    print(
        f"webhook: {args.rounds} rounds of {args.requests} signed text deliveries per bot, "
        f"{args.concurrency} connections, gunicorn {args.workers} workers x {threads} threads, "
        f"{os.cpu_count()} cores, database {database_url.split(':')[0]}"
    )
    print(
        f"{'':14}{'deliveries/s':>14}{'p50 ms':>10}{'p99 ms':>10}{'CPU ms':>9}"
        f"{'replies':>10}{'errors':>8}"
    )
    for row in (ours, echo):
        print(
            f"{row['name']:<14}{row['rate']:>14,.0f}{row['p50']:>10.1f}{row['p99']:>10.1f}"
            f"{row['cpu_ms']:>9.2f}{row['replies']:>10}{row['failures']:>8}"
        )
    ratios = sorted(a["rate"] / b["rate"] for a, b in zip(*rounds.values(), strict=True))
    print(
        f"ratio (this bot / echo bot, median round): {ours['rate'] / echo['rate']:.2f}x "
        f"deliveries/s; single rounds {ratios[0]:.2f}–{ratios[-1]:.2f}x"
    )
    # Per round too: the two bots of a round ran back to back, so a busy moment of the machine
    # (which moves both CPU figures by a third) weighs on both of them.
    cpu_ratios = [b["cpu_ms"] / a["cpu_ms"] for a, b in zip(*rounds.values(), strict=True)]
    print(
        f"CPU ratio (echo bot / this bot, the CPU ms column): "
        f"{echo['cpu_ms'] / ours['cpu_ms']:.2f} (goal ≥ 0.62); median of the rounds' own "
        f"ratios {statistics.median(cpu_ratios):.2f}, single rounds "
        f"{min(cpu_ratios):.2f}–{max(cpu_ratios):.2f}"
    )
    if args.outbox:
        # The outbox's recovery figures, under the same deployment (bench/outbox.py).
        sys.path.insert(0, str(ROOT / "bench"))
        import outbox

        outbox.report(outbox.run(10, 12.0, args.database_url), 10, 12.0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
