"""The deployment of the README, run for real (NAVI_E2E_SERVED=1, as in CI): 2 gunicorn workers
and one scheduler process on PostgreSQL. The conversation tests run against the same servers."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot import announcements
from bot.residents.followers import adopt_many
from tests.conftest import SERVED

pytestmark = pytest.mark.skipif(not SERVED, reason="needs NAVI_E2E_SERVED=1 (runs in CI)")


# The scheduler process imports the bot and connects before it adds its jobs: on a loaded
# machine that took longer than the whole 45 s the test used to wait from its first line.
SCHEDULER_STARTS_S = 120
ANNOUNCEMENT_EVERY_S = 30  # scheduler.JOBS: send_due_announcements
A_RUN_TAKES_S = 30  # one run that sends three residents a multicast, on a loaded machine


def announcements_job_next_run(navi) -> float | None:
    """When the scheduler process will next look for due announcements (epoch seconds, from
    its job store in the same database), or None before it has started."""
    try:
        with navi.engine.connect() as connection:
            return connection.execute(
                text("SELECT next_run_time FROM apscheduler_jobs WHERE id = :id"),
                {"id": "send_due_announcements"},
            ).scalar()
    except DBAPIError:  # no job store yet: the process is still starting
        return None


def multicasts(standin) -> list:
    return [c for c in standin.calls if c.path == "/v2/bot/message/multicast"]


def test_the_scheduler_process_sends_a_staff_announcement_once(app, client, standin):
    navi = app.extensions["navi"]
    with navi.sessions() as db:
        adopt_many(db, [f"U{n:032x}" for n in range(3)], "synced")
        announcements.create_announcement(
            db, text="スマホ相談会の日程を公開しました", topic="smartphone_class", created_by="e2e"
        )
        db.commit()
    started = time.monotonic() + SCHEDULER_STARTS_S
    while (next_run := announcements_job_next_run(navi)) is None and time.monotonic() < started:
        time.sleep(0.5)
    assert next_run is not None, f"the scheduler did not start in {SCHEDULER_STARTS_S} s"
    # Its next run sees the announcement, or, if that run had begun before our commit, the
    # one after; then the run itself may be slow.
    wall_deadline = next_run + ANNOUNCEMENT_EVERY_S + A_RUN_TAKES_S
    deadline = time.monotonic() + max(wall_deadline - time.time(), 0)
    while not (sent := multicasts(standin)) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert len(sent) == 1 and len(sent[0].json["to"]) == 3
    time.sleep(1)
    assert len(multicasts(standin)) == 1
