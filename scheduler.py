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
import logging
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from bot.core.settings import Settings

if TYPE_CHECKING:
    from bot.residents.housekeeping import Purged
    from bot.web.app import Navi

log = logging.getLogger("scheduler")

JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}
# When the day-before reminders go out, in BOT_TIMEZONE (residents read them in the evening).
REMINDER_HOUR, REMINDER_MINUTE = 17, 0


# The services jobs run with, for this process: set by main() (or the demo) before any job
# runs. APScheduler's persistent store keeps `run_job` and a job id, which must be a module-level
# function and plain data, so the services cannot travel with the job.
_services: list[Navi] = []


def use_services(navi: Navi) -> None:
    """The services every job of this process runs with."""
    _services[:] = [navi]


def current_services() -> Navi:
    """This process's services (built from the environment the first time when none were set)."""
    if not _services:
        from bot.web.app import build_services

        use_services(build_services(Settings.from_env()))
    return _services[0]


# -- the jobs: each a function of the services ------------------------------------------------


def send_due_announcements(navi: Navi) -> None:
    """Send scheduled announcements whose time has come; resume interrupted ones."""
    from bot.announcements import AnnouncementError, due_announcements, send_announcement
    from bot.core.db import utcnow

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


def deliver_pending_messages(navi: Navi) -> None:
    """Send again the replies and pushes LINE did not take (bot.line.outbox)."""
    report = navi.outbox.retry_due()
    if report.sent or report.given_up or report.dropped:
        log.info(
            "pending messages: %s sent, %s given up, %s dropped, %s waiting",
            report.sent,
            report.given_up,
            report.dropped,
            report.waiting,
        )


def remind_tomorrow(navi: Navi) -> None:
    """Push a reminder for every reservation of tomorrow's sessions (once each)."""
    from bot.classes.reminders import send_due_reminders
    from bot.core.db import utcnow

    sent = send_due_reminders(navi.sessions, navi.outbox, navi.content, navi.settings, utcnow())
    if sent:
        log.info("reminders sent: %s", sent)


def snapshot_insight(navi: Navi) -> None:
    """Store LINE's follower statistics for the days of the last week not yet ready."""
    from bot.reports.insight import snapshot_follower_insight

    days = snapshot_follower_insight(navi.sessions, navi.gateway)
    if days:
        log.info("insight days stored: %s", [d.isoformat() for d in days])


def purge_expired_data(navi: Navi) -> None:
    """Delete what has passed its retention period (and tell who got a freed seat)."""
    purged = purge_and_tell(navi)
    if any(vars(purged).values()):
        log.info("retention: %s", purged)


def purge_and_tell(navi: Navi) -> Purged:
    """The retention rules, then the pushes they owe: whoever got a seat a purged resident held
    is told through the outbox, as a cancellation's promotion is told (`python -m bot purge`
    runs this too)."""
    from bot.classes.changes import Notice, tell
    from bot.core.db import utcnow
    from bot.residents.housekeeping import purge_expired

    with navi.sessions() as db:
        purged = purge_expired(db, utcnow())
    notices = [Notice("promotion", reservation_id) for reservation_id in purged.promoted]
    tell(navi.sessions, navi.outbox, navi.content, navi.settings, notices, "system")
    return purged


def list_answers_due(navi: Navi) -> None:
    """Store this week's list of answers due for re-check (the dashboard links to it); a
    second run the same day replaces that day's list."""
    from bot.answers.freshness import record_due
    from bot.core.db import utcnow

    today = utcnow().astimezone(navi.settings.tz).date()
    with navi.sessions() as db:
        due = record_due(db, navi.content, today, navi.settings.recheck_after_days)
        db.commit()
    log.info("answers due for re-check: %s", len(due))


@dataclass(frozen=True)
class Job:
    """A named job: what it does, when the scheduler runs it, and when the demo does (None: the
    demo does not)."""

    run: Callable[[Navi], None]
    name: str
    trigger: str
    timing: dict[str, int | str]
    demo_timing: dict[str, int] | None = None

    @property
    def id(self) -> str:
        """The job's id in the job store: its function's name."""
        return self.run.__name__


# Every job, in one table: the scheduler and the demo both read it.
JOBS = (
    Job(
        send_due_announcements,
        "announcements: send what is due",
        "interval",
        {"seconds": 30},
        demo_timing={"seconds": 2},  # the demo's console should feel immediate
    ),
    Job(
        deliver_pending_messages,
        "outbox: send again what LINE did not take",
        "interval",
        {"seconds": 5},  # a kept reply still goes out as a reply, within its token's minute
        demo_timing={"seconds": 2},
    ),
    Job(
        remind_tomorrow,
        "classes: remind tomorrow's participants",
        "cron",
        {"hour": REMINDER_HOUR, "minute": REMINDER_MINUTE},
        demo_timing={"minutes": 10},
    ),
    Job(snapshot_insight, "insight: store LINE's follower figures", "cron", {"minute": 20}),
    Job(purge_expired_data, "retention: delete expired data", "cron", {"hour": 3, "minute": 15}),
    Job(
        list_answers_due,
        "freshness: list answers due for re-check",
        "cron",
        {"day_of_week": "mon", "hour": 8, "minute": 30},
    ),
)


def run_job(job_id: str) -> None:
    """Run one job of JOBS with this process's services (what the job store calls)."""
    job = next(job for job in JOBS if job.id == job_id)
    job.run(current_services())


def start_demo_scheduler(navi: Navi):
    """Demo mode only (one process, no separate scheduler): the jobs with a demo timing, in a
    background thread with an in-memory job store, quiet unless a job did something."""
    from apscheduler.schedulers.background import BackgroundScheduler

    use_services(navi)
    # One line per job that did something (the jobs log that), not APScheduler's two lines
    # per run ("Running job …", "… executed successfully") every two seconds.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    demo = BackgroundScheduler(job_defaults=JOB_DEFAULTS, timezone=navi.settings.tz)
    for job in JOBS:
        if job.demo_timing is not None:
            demo.add_job(
                run_job, "interval", args=[job.id], id=job.id, name=job.name, **job.demo_timing
            )
    demo.start()
    return demo


def build_scheduler(settings: Settings, kind: type[BaseScheduler] = BlockingScheduler):
    """The scheduler with its persistent job store and every job of JOBS (blocking: it is the
    process's main loop; tests use a background one)."""
    scheduler = kind(
        jobstores={"default": SQLAlchemyJobStore(url=settings.database_url)},
        job_defaults=JOB_DEFAULTS,
        timezone=settings.tz,
    )
    for job in JOBS:
        scheduler.add_job(
            run_job,
            job.trigger,
            args=[job.id],
            id=job.id,
            name=job.name,
            replace_existing=True,
            **job.timing,
        )
    return scheduler


def main() -> int:
    """Run the scheduler until SIGTERM or Ctrl+C."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = Settings.from_env()
    if settings.demo:
        print("the scheduler needs LINE credentials (it sends through LINE)", file=sys.stderr)
        return 2
    from bot.web.app import build_services

    use_services(build_services(settings))
    scheduler = build_scheduler(settings)
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    log.info("scheduler starting with jobs: %s", [job.id for job in scheduler.get_jobs()])
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
