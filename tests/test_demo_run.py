"""`make run` as a person starts it (issue 16 §5): another port with PORT=, the console's logins
printed last and kept in instance/, and a scheduler that stays quiet while nothing happens."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[1]


def test_make_run_passes_its_port_to_the_demo():
    plan = subprocess.run(
        ["make", "-n", "run", "PORT=5123"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "-m bot demo --port 5123" in plan.stdout


def test_the_demo_prints_the_logins_last_keeps_them_and_then_stays_quiet(tmp_path):
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("LINE_")},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}",
    }
    log = tmp_path / "out.txt"
    with log.open("w") as out:
        demo = subprocess.Popen(
            [sys.executable, "-m", "bot", "demo", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 240  # a year of history on a loaded machine
            while "(also in" not in log.read_text():
                assert demo.poll() is None and time.monotonic() < deadline, log.read_text()[-2000:]
                time.sleep(0.5)
            started = log.read_text()
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10).close()
            time.sleep(6)  # three runs of the 2-second jobs
            later = log.read_text()[len(started) :]
        finally:
            demo.terminate()
            demo.wait(timeout=30)
    lines = started.strip().splitlines()
    assert lines[-1].startswith("  (also in") and lines[-1].endswith("demo-accounts.txt)")
    assert [line.split()[0] for line in lines[-4:-1]] == ["manager", "staff", "admin"]
    kept = Path(lines[-1].removeprefix("  (also in ").removesuffix(")")).read_text("utf-8")
    assert all(line.strip() in kept for line in lines[-5:-1])
    assert "Running job" not in later and "executed successfully" not in later
    assert "healthz" in later or later.strip() == ""  # our own request's line at most
