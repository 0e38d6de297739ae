"""A normal (non-editable) `pip install .` runs the bot from any directory: content, templates,
static files, models and migrations are found through the package, not the checkout."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, dict]:
    """A fresh venv with the bot's wheel installed (its dependencies come from the test venv
    through PYTHONPATH, which adds no editable hook: `bot` is the installed copy)."""
    where = tmp_path_factory.mktemp("installed")
    run = dict(check=True, capture_output=True, text=True, timeout=300)
    wheels = where / "dist"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    subprocess.run(
        [*pip, "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", wheels, ROOT], **run
    )
    subprocess.run([sys.executable, "-m", "venv", where / "venv"], **run)
    python = where / "venv" / "bin" / "python"
    wheel = next(wheels.glob("*.whl"))
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel], **run)
    env = {"PYTHONPATH": sysconfig.get_path("purelib"), "PATH": "/usr/bin:/bin", "HOME": str(where)}
    return python, env


def test_route_runs_from_any_directory(installed, tmp_path):
    python, env = installed
    done = subprocess.run(
        [python, "-m", "bot", "route"],
        input="コンビニで住民票を取りたい\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["intent"] == "konbini_certificate"
    where = subprocess.run(
        [python, "-c", "import bot; print(bot.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert "site-packages" in where.stdout  # the installed copy, not the checkout


def test_the_installed_bot_names_other_ward_services(installed, tmp_path):
    python, env = installed
    code = (
        "from bot.conversation.choosing import Chooser; "
        "from bot.conversation.router import load_details; "
        "from bot.core.content import load_content; "
        "print(Chooser(load_content(), load_details()).area('粗大ごみの出し方').area)"
    )
    done = subprocess.run(
        [python, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "garbage"


def test_the_demo_starts_from_any_directory(installed, tmp_path):
    python, env = installed
    port = free_port()
    demo = subprocess.Popen(
        [python, "-m", "bot", "demo", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert r.status == 200
                break
            except OSError:
                assert demo.poll() is None and time.monotonic() < deadline, "demo did not start"
                time.sleep(0.3)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/dev/chat", timeout=5) as page:
            assert "チャットシミュレーター" in page.read().decode()
        assert (tmp_path / "instance" / "bot.db").exists()  # migrated from the package
    finally:
        demo.terminate()
        demo.wait(timeout=20)
