"""The scheduler: one separate process (`python scheduler.py` or `python -m bot scheduler`).

APScheduler with its job store in the bot's own database, so jobs survive restarts and a second
scheduler started by mistake finds the same jobs. Jobs are named, registered with
`replace_existing`, `coalesce` (a backlog runs once, not once per missed run) and a misfire
grace time. Never started inside web workers: there would be one scheduler per worker.

Every job is idempotent: announcements resume from their first unrecorded batch with the same
retry keys, reminders carry a retry key derived from the reservation, and the insight snapshot
only fills in what is missing — so a job that runs twice, or after a crash, sends nothing twice.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import signal
import sys

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from bot.core.settings import Settings

log = logging.getLogger("scheduler")

JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}
# When the day-before reminders go out, in BOT_TIMEZONE (residents read them in the evening).
REMINDER_HOUR, REMINDER_MINUTE = 17, 0


@functools.lru_cache(maxsize=1)
def services():
    """The bot's services for this process, built once from the environment."""
    from bot.web.app import build_services

    return build_services(Settings.from_env())


def send_due_announcements(navi=None) -> None:
    """Every 30 s: send scheduled announcements whose time has come; resume interrupted ones."""
    from bot.announcements import AnnouncementError, due_announcements, send_announcement
    from bot.core.db import utcnow

    navi = navi or services()
    with navi.sessions() as db:
        due = due_announcements(db, utcnow())
    for announcement_id in due:
        try:
            report = send_announcement(navi.sessions, navi.gateway, announcement_id)
            log.info(
                "announcement %s: %s, %s delivered",
                announcement_id,
                report.status,
                report.delivered,
            )
        except AnnouncementError as error:
            log.warning("announcement %s not finished: %s", announcement_id, error)


def remind_tomorrow(navi=None) -> None:
    """Daily: push a reminder for every reservation of tomorrow's sessions (once each)."""
    from bot.classes.reminders import send_due_reminders
    from bot.core.db import utcnow

    navi = navi or services()
    sent = send_due_reminders(navi.sessions, navi.gateway, navi.content, navi.settings, utcnow())
    log.info("reminders sent: %s", sent)


def snapshot_insight() -> None:
    """Hourly: store LINE's follower statistics for the days of the last week not yet ready."""
    from bot.reports.insight import snapshot_follower_insight

    navi = services()
    days = snapshot_follower_insight(navi.sessions, navi.gateway)
    log.info("insight days stored: %s", [d.isoformat() for d in days])


def purge_expired_data() -> None:
    """Daily: delete what has passed its retention period."""
    from bot.core.db import utcnow
    from bot.residents.housekeeping import purge_expired

    with services().sessions() as db:
        purged = purge_expired(db, utcnow())
    log.info("retention: %s", purged)


def start_demo_scheduler(navi):
    """Demo mode only (one process, no separate scheduler): the sending jobs in a background
    thread, with an in-memory job store and a short interval so the console feels immediate."""
    from apscheduler.schedulers.background import BackgroundScheduler

    demo = BackgroundScheduler(job_defaults=JOB_DEFAULTS, timezone=navi.settings.tz)
    demo.add_job(send_due_announcements, "interval", seconds=2, args=[navi], id="announcements")
    demo.add_job(remind_tomorrow, "interval", minutes=10, args=[navi], id="reminders")
    demo.start()
    return demo


def build_scheduler(settings: Settings, kind: type[BaseScheduler] = BlockingScheduler):
    """The scheduler with its persistent job store and every named job (blocking: it is the
    process's main loop; tests use a background one)."""
    scheduler = kind(
        jobstores={"default": SQLAlchemyJobStore(url=settings.database_url)},
        job_defaults=JOB_DEFAULTS,
        timezone=settings.tz,
    )
    jobs = [
        (send_due_announcements, "interval", {"seconds": 30}, "announcements: send what is due"),
        (
            remind_tomorrow,
            "cron",
            {"hour": REMINDER_HOUR, "minute": REMINDER_MINUTE},
            "classes: remind tomorrow's participants",
        ),
        (snapshot_insight, "cron", {"minute": 20}, "insight: store LINE's follower figures"),
        (purge_expired_data, "cron", {"hour": 3, "minute": 15}, "retention: delete expired data"),
    ]
    for function, trigger, timing, name in jobs:
        scheduler.add_job(
            function, trigger, id=function.__name__, name=name, replace_existing=True, **timing
        )
    return scheduler


def main() -> int:
    """Run the scheduler until SIGTERM or Ctrl+C."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = Settings.from_env()
    if settings.demo:
        print("the scheduler needs LINE credentials (it sends through LINE)", file=sys.stderr)
        return 2
    scheduler = build_scheduler(settings)
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    log.info("scheduler starting with jobs: %s", [job.id for job in scheduler.get_jobs()])
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
