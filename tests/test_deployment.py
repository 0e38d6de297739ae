"""The deployment of the README, run for real (NAVI_E2E_SERVED=1, as in CI): 2 gunicorn workers
and one scheduler process on PostgreSQL. The conversation tests run against the same servers."""

from __future__ import annotations

import time

import pytest

from bot import announcements
from bot.residents.followers import adopt_many
from tests.conftest import SERVED

pytestmark = pytest.mark.skipif(not SERVED, reason="needs NAVI_E2E_SERVED=1 (runs in CI)")


def test_the_scheduler_process_sends_a_staff_announcement_once(app, client, standin):
    navi = app.extensions["navi"]
    with navi.sessions() as db:
        adopt_many(db, [f"U{n:032x}" for n in range(3)], "synced")
        announcements.create_announcement(
            db, text="スマホ相談会の日程を公開しました", topic="smartphone_class", created_by="e2e"
        )
        db.commit()
    deadline = time.monotonic() + 45  # the scheduler looks every 30 s
    while time.monotonic() < deadline:
        sent = [c for c in standin.calls if c.path == "/v2/bot/message/multicast"]
        if sent:
            break
        time.sleep(0.5)
    assert len(sent) == 1 and len(sent[0].json["to"]) == 3
    time.sleep(1)
    assert len([c for c in standin.calls if c.path == "/v2/bot/message/multicast"]) == 1
