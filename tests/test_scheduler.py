"""The scheduler keeps its named jobs in the bot's database and runs due work once."""

import datetime as dt

import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

import scheduler
from bot import announcements
from bot.core.db import utcnow
from bot.residents.followers import adopt_many

JOB_IDS = {
    "send_due_announcements",
    "deliver_pending_messages",
    "remind_tomorrow",
    "snapshot_insight",
    "purge_expired_data",
    "list_answers_due",
}


def test_jobs_are_stored_in_the_database_once_however_often_the_scheduler_starts(settings):
    for _ in range(2):
        built = scheduler.build_scheduler(settings, BackgroundScheduler)
        built.start(paused=True)
        built.shutdown(wait=False)
    store = SQLAlchemyJobStore(url=settings.database_url)
    store.start(None, "default")
    jobs = store.get_all_jobs()
    assert {job.id for job in jobs} == JOB_IDS
    assert all(job.coalesce and job.misfire_grace_time == 3600 for job in jobs)


@pytest.fixture
def scheduler_services(app):
    scheduler.use_services(app.extensions["navi"])
    return app.extensions["navi"]


def test_due_announcement_job_sends_once_even_when_run_twice(scheduler_services, standin):
    navi = scheduler_services
    with navi.sessions() as db:
        adopt_many(db, ["U" + "a" * 32, "U" + "b" * 32], "synced")
        announcements.create_announcement(
            db, text="お知らせ", topic="ward_news", created_by="t", send_at=utcnow()
        )
        announcements.create_announcement(
            db,
            text="来週",
            topic="ward_news",
            created_by="t",
            send_at=utcnow() + dt.timedelta(days=7),
        )
        db.commit()
    scheduler.run_job("send_due_announcements")  # as the job store calls it
    scheduler.run_job("send_due_announcements")
    multicasts = [c for c in standin.calls if c.path == "/v2/bot/message/multicast"]
    assert len(multicasts) == 1 and multicasts[0].json["messages"][0]["text"] == "お知らせ"


def test_weekly_freshness_job_stores_one_list_a_day_however_often_it_runs(scheduler_services):
    from bot.core.models import FreshnessCheck

    navi = scheduler_services
    navi.settings = navi.settings.with_overrides(recheck_after_days=0)
    scheduler.run_job("list_answers_due")
    scheduler.run_job("list_answers_due")  # a rerun the same day replaces that day's list
    with navi.sessions() as db:
        checks = db.query(FreshnessCheck).all()
    assert len(checks) == 1
    # with no days allowed, every answer checked before today is due
    assert "konbini_certificate/hours" in checks[0].due
    assert len(checks[0].due) > 50
