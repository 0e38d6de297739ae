"""The production path from outside: `db upgrade`, then `serve` (gunicorn, 2 workers) with
LINE credentials, talking to the strict stand-in exactly as it would talk to LINE."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from bot.line.standin import EventFactory, sign_body
from tests.conftest import ACCESS_TOKEN, CHANNEL_SECRET, start_serve


@pytest.fixture
def served(database_url, standin):
    standin.clear()
    standin.clear_faults()
    env = {
        **os.environ,
        "LINE_CHANNEL_SECRET": CHANNEL_SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN,
        "LINE_API_BASE_URL": standin.base_url,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "a-test-secret-key-the-same-for-every-worker",
    }
    subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], env=env, check=True)
    server, base = start_serve(env)
    yield base, env
    server.terminate()
    server.wait(timeout=20)


def post(base: str, body: bytes, signature: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Line-Signature"] = signature
    request = urllib.request.Request(f"{base}/callback", data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_served_bot_welcomes_answers_refuses_forgeries_and_counts(served, standin):
    base, env = served
    events = EventFactory(standin)
    user = "U" + "f" * 32
    standin.add_profile(user, "板橋 花子", language="ja")

    follow = events.body(events.follow(user))
    assert post(base, follow, sign_body(follow, CHANNEL_SECRET)) == 200
    assert "友だち追加" in standin.messages_to(user)[0]["text"]

    question = events.body(events.text(user, "コンビニで住民票を取りたいです"))
    assert post(base, question, sign_body(question, CHANNEL_SECRET)) == 200
    assert "マイナンバーカード" in json.dumps(standin.messages_to(user)[-1], ensure_ascii=False)

    before = len(standin.calls)
    forged = events.body(events.text(user, "偽物"))
    assert post(base, forged, "AAAA") == 400
    assert post(base, forged, None) == 400
    assert not [c for c in standin.calls[before:] if c.path.startswith("/v2/bot/message")]

    assert (
        post(
            base,
            b'{"destination":"U0","events":[]}',
            sign_body(b'{"destination":"U0","events":[]}', CHANNEL_SECRET),
        )
        == 200
    )

    stats = subprocess.run(
        [sys.executable, "-m", "bot", "stats", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(stats.stdout)["followers"] == 1


def test_two_servers_on_one_machine_leave_no_shared_control_socket(served, tmp_path):
    """gunicorn would otherwise put one control socket per user in $HOME or $XDG_RUNTIME_DIR,
    and a second server on the machine would take it from the first."""
    _, env = served
    home = {**env, "HOME": str(tmp_path), "XDG_RUNTIME_DIR": str(tmp_path)}
    second, base = start_serve(home)
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:
            assert response.status == 200
        assert list(tmp_path.rglob("gunicorn.ctl")) == []
    finally:
        second.terminate()
        second.wait(timeout=20)
