"""The scheduler: one separate process (`python scheduler.py` or `python -m bot scheduler`).

APScheduler with its job store in the bot's own database, so jobs survive restarts and a second
scheduler started by mistake finds the same jobs. Jobs are named, registered with
`replace_existing`, `coalesce` (a backlog runs once, not once per missed run) and a misfire
grace time. Never started inside web workers: there would be one scheduler per worker.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import sys

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.blocking import BlockingScheduler

from bot.db import make_engine, make_session_factory, utcnow
from bot.housekeeping import purge_expired
from bot.settings import Settings

log = logging.getLogger("scheduler")

JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}


def purge_expired_data(database_url: str) -> None:
    """Daily: delete what has passed its retention period."""
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as db:
            purged = purge_expired(db, utcnow())
        log.info("retention: %s", purged)
    finally:
        engine.dispose()


def build_scheduler(settings: Settings) -> BlockingScheduler:
    """The scheduler with its persistent job store and every named job."""
    scheduler = BlockingScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=settings.database_url)},
        job_defaults=JOB_DEFAULTS,
        timezone=settings.tz,
    )
    scheduler.add_job(
        purge_expired_data,
        "cron",
        hour=3,
        minute=15,
        id="purge_expired_data",
        name="retention: delete expired personal data",
        replace_existing=True,
        args=[settings.database_url],
    )
    return scheduler


def main() -> int:
    """Run the scheduler until SIGTERM or Ctrl+C."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = Settings.from_env()
    scheduler = build_scheduler(settings)
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    log.info("scheduler started with jobs: %s", [job.id for job in scheduler.get_jobs()])
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
