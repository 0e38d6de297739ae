"""The outbox: no answer is lost when LINE fails, and a slow LINE cannot stall the web app.

Every reply and push the bot sends goes through `Outbox`. It tries LINE once, at once. When
LINE does not take the message (5xx, 429, a timeout, or 401/403 for our access token or plan,
which staff can fix), or when this process already has as many calls waiting on LINE as it
allows, the message is kept in the database (`PendingMessage`) and the scheduler's
`retry_due` sends it later with the same retry key: by reply while the reply token can still
be used, by push after, for up to a day. A message LINE refuses for good (400: our message is
wrong) is not retried; that is a bug to fix, and logged as one.

A message true only while something stands (a reminder of a booking, a seat offered from the
waiting list) is kept with what it is about (`about`); before each retry the outbox asks
`still_meant` — given by the domain that knows, bot.classes — and drops it once the resident
cancelled (or, for a reminder, turned the reminders off), or staff cancelled or moved the
session. Everything else (answers, confirmations,
cancellation notices) is about nothing that can lapse: it is always delivered.

Why a cap on calls: gunicorn serves webhooks, `/healthz` and the console from a few threads
per worker. If every thread waited on a hung LINE API, nothing else would be answered. At most
`LINE_CALLS_AT_ONCE` threads wait on LINE; the others keep their message and move on.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.core.db import per_database, utcnow
from bot.core.models import Follower, PendingMessage
from bot.line.gateway import (
    REFUSED_PLAN,
    REFUSED_TOKEN,
    InvalidReplyToken,
    LineError,
    LineGateway,
)

log = logging.getLogger(__name__)

# Of a `serve` worker's 8 threads (bot.web.serve), 2 never wait on LINE.
LINE_CALLS_AT_ONCE = 6
# How long a thread waits for a free call before keeping its message: calls take milliseconds
# when LINE is well, so only a stalled LINE makes anyone wait this long.
WAIT_FOR_A_CALL_S = 0.25
# A call this old means LINE is stuck (it answers in well under a second, even on a busy
# machine): the next thread keeps its message without waiting.
STUCK_AFTER_S = 2.0
# LINE takes a reply token for about a minute; after this, retry by push.
REPLY_TOKEN_USABLE = dt.timedelta(seconds=50)
# LINE remembers a retry key for a day; past that a retry could deliver twice.
KEEP_TRYING = dt.timedelta(hours=24)
FIRST_RETRY = dt.timedelta(seconds=5)
LONGEST_WAIT = dt.timedelta(minutes=30)
# A retry run claims a message for this long, so a second scheduler cannot send it too.
CLAIM = dt.timedelta(minutes=2)
RETRIES_PER_RUN = 200

# `last_status` of a request sent that LINE did not answer (a read timeout, a dropped
# connection): it may have taken it. 0 is a failure that never reached LINE.
NO_ANSWER = 1

# What became of a message handed to the outbox.
SENT, KEPT, REFUSED, DROPPED = "sent", "kept", "refused", "dropped"


# Whether what a kept message is about still stands: (db, about, now) → bool.
StillMeant = Callable[[Session, str, dt.datetime], bool]


def always_meant(db: Session, about: str, now: dt.datetime) -> bool:
    """The check of an outbox told of no subjects: every message goes."""
    return True


class Busy(Exception):
    """Every call this process allows is already waiting on LINE."""


@dataclass
class RetryReport:
    """One retry run: delivered, still waiting, given up, dropped (the resident left, or what
    the message was about no longer stands)."""

    sent: int = 0
    waiting: int = 0
    given_up: int = 0
    dropped: int = 0


class Outbox:
    """Replies and pushes that reach the resident, now or later."""

    def __init__(
        self,
        gateway: LineGateway,
        sessions: sessionmaker,
        clock: Callable[[], dt.datetime] = utcnow,
        calls_at_once: int = LINE_CALLS_AT_ONCE,
        still_meant: StillMeant = always_meant,
    ):
        self.gateway = gateway
        self.sessions = sessions
        self.clock = clock
        self.still_meant = still_meant
        self._calls = threading.BoundedSemaphore(calls_at_once)
        self._started: dict[int, float] = {}  # thread → when its LINE call began

    # -- sending now -------------------------------------------------------------------------

    def reply(
        self,
        user_id: str | None,
        reply_token: str,
        messages: list[dict[str, Any]],
        retry_key: str | Callable[[], str],
        purpose: str = "reply",
    ) -> str:
        """Reply; if the token is spent, push instead (to a follower); keep what LINE did not
        take. `retry_key` is the key of that push, now or later: a function giving it is
        called only then, since almost every reply goes through and needs none."""
        try:
            with self._a_call():
                self.gateway.reply(reply_token, messages)
            return SENT
        except InvalidReplyToken:
            if user_id is None or not self._following(user_id):
                log.info("reply token expired; no follower to push to, %s dropped", purpose)
                return DROPPED
            return self.push(user_id, messages, _key(retry_key), purpose)
        except (Busy, LineError) as failure:
            return self._failed(failure, user_id, messages, _key(retry_key), purpose, reply_token)

    def push(
        self,
        user_id: str,
        messages: list[dict[str, Any]],
        retry_key: str,
        purpose: str,
        about: str | None = None,
    ) -> str:
        """Push with its retry key; keep it if LINE did not take it — with what it is `about`,
        when it is true only while that stands (a booking: see the module's docstring)."""
        try:
            with self._a_call():
                self.gateway.push(user_id, messages, retry_key)
            return SENT
        except (Busy, LineError) as failure:
            return self._failed(failure, user_id, messages, retry_key, purpose, None, about)

    @contextmanager
    def _a_call(self) -> Iterator[None]:
        """Hold one of the process's LINE calls, or raise Busy: at once when every call has
        been waiting on LINE for a while (LINE is stuck), else after a short wait."""
        if not self._calls.acquire(blocking=False):
            stuck = min(self._started.values(), default=time.monotonic())
            if time.monotonic() - stuck > STUCK_AFTER_S:
                raise Busy
            if not self._calls.acquire(timeout=WAIT_FOR_A_CALL_S):
                raise Busy
        me = threading.get_ident()
        self._started[me] = time.monotonic()
        try:
            yield
        finally:
            self._started.pop(me, None)
            self._calls.release()

    def _failed(
        self,
        failure: Exception,
        user_id: str | None,
        messages: list[dict[str, Any]],
        retry_key: str,
        purpose: str,
        reply_token: str | None,
        about: str | None = None,
    ) -> str:
        """Decide what a failed send becomes: delivered (409), kept, or refused for good."""
        if isinstance(failure, LineError) and failure.already_accepted:
            return SENT  # a retry of a push LINE already took
        if isinstance(failure, LineError) and not _worth_keeping(failure):
            log.error(
                "LINE refused a %s: status=%s message=%s", purpose, failure.status, failure.message
            )
            return REFUSED
        if user_id is None:
            log.warning("a %s to a group or room failed and cannot be kept", purpose)
            return DROPPED
        status = _status_of(failure) if isinstance(failure, LineError) else None
        self._keep(user_id, messages, retry_key, purpose, reply_token, status, about)
        why = "every LINE call of this process busy" if status is None else f"status={status}"
        log.warning("a %s was kept for retry (%s)", purpose, why)
        return KEPT

    def _keep(
        self,
        user_id: str,
        messages: list[dict[str, Any]],
        retry_key: str,
        purpose: str,
        reply_token: str | None,
        status: int | None,
        about: str | None,
    ) -> None:
        now = self.clock()
        with self.sessions() as db:
            db.execute(
                _keep_once(db),
                {
                    "line_user_id": user_id,
                    "purpose": purpose,
                    "about": about,
                    "messages": messages,
                    "retry_key": retry_key,
                    "reply_token": reply_token,
                    "attempts": 0 if status is None else 1,
                    "last_status": status,
                    "created_at": now,
                    # Busy: LINE is not known to fail, so try again at the next run.
                    "next_attempt_at": now if status is None else now + FIRST_RETRY,
                },
            )
            db.commit()

    def _following(self, user_id: str, db: Session | None = None) -> bool:
        query = select(Follower.following).where(Follower.line_user_id == user_id)
        if db is not None:
            return bool(db.scalar(query))
        with self.sessions() as session:
            return bool(session.scalar(query))

    # -- sending later (the scheduler) --------------------------------------------------------

    def retry_due(
        self, now: dt.datetime | None = None, limit: int = RETRIES_PER_RUN
    ) -> RetryReport:
        """Send the kept messages that are due, oldest first.

        A run stops at the first message LINE still fails: the rest wait for the next run
        instead of each waiting out a timeout against an API that is down. Once a message goes
        through and none fails, LINE is back: the messages still backing off are sent in the
        same run rather than each at the end of its own wait.
        """
        report = RetryReport()
        now = now or self.clock()
        pending = select(PendingMessage).where(PendingMessage.given_up_at.is_(None))
        with self.sessions() as db:
            due = db.scalars(
                pending.where(PendingMessage.next_attempt_at <= now)
                .order_by(PendingMessage.id)
                .limit(limit)
            ).all()
            line_is_back = self._send_each(db, due, now, report) and report.sent > 0
            if line_is_back and len(due) < limit:
                tried = [m.id for m in due]
                backing_off = db.scalars(
                    pending.where(
                        PendingMessage.next_attempt_at > now, PendingMessage.id.not_in(tried)
                    )
                    .order_by(PendingMessage.id)
                    .limit(limit - len(due))
                ).all()
                self._send_each(db, backing_off, now, report)
            report.waiting = waiting(db)
        return report

    def _send_each(
        self, db: Session, messages: Sequence[PendingMessage], now: dt.datetime, report: RetryReport
    ) -> bool:
        """Try each message in turn; False if LINE failed one (the rest are left for later)."""
        for message in messages:
            if not self._claim(db, message, now):
                continue  # another run has it
            outcome = self._retry(db, message, now)
            db.commit()
            if outcome == SENT:
                report.sent += 1
            elif outcome == DROPPED:
                report.dropped += 1
            elif outcome == REFUSED:
                report.given_up += 1
            else:
                return False
        return True

    def _claim(self, db: Session, message: PendingMessage, now: dt.datetime) -> bool:
        claimed = db.execute(
            update(PendingMessage)
            .where(
                PendingMessage.id == message.id,
                PendingMessage.next_attempt_at == message.next_attempt_at,
            )
            .values(next_attempt_at=now + CLAIM)
            .execution_options(synchronize_session=False)
        )
        db.commit()
        return bool(getattr(claimed, "rowcount", 0))

    def _retry(self, db: Session, message: PendingMessage, now: dt.datetime) -> str:
        """One more try: reply while the token lives, else push; delete once delivered."""
        if not self._following(message.line_user_id, db):
            db.delete(message)  # they left, or had us delete their data
            return DROPPED
        if message.about is not None and not self.still_meant(db, message.about, now):
            log.info("a kept %s was about what no longer stands: dropped", message.purpose)
            db.delete(message)
            return DROPPED
        try:
            self._send_again(message, now)
        except LineError as failure:
            if failure.already_accepted:
                db.delete(message)
                return SENT
            return self._not_yet(message, failure, now)
        db.delete(message)
        return SENT

    def _send_again(self, message: PendingMessage, now: dt.datetime) -> None:
        token = message.reply_token
        if token and now - message.created_at < REPLY_TOKEN_USABLE:
            try:
                self.gateway.reply(token, message.messages)
                return
            except InvalidReplyToken:
                if message.last_status == NO_ANSWER:
                    # A live token already spent, after a reply LINE did not answer: that
                    # reply reached the resident. A push now would say it all twice.
                    log.info("a kept %s had arrived after all: not pushed", message.purpose)
                    return
                # spent or expired otherwise: push
        self.gateway.push(message.line_user_id, message.messages, message.retry_key)

    def _not_yet(self, message: PendingMessage, failure: LineError, now: dt.datetime) -> str:
        """Schedule the next try with backoff, or give up: refused for good, or a day gone."""
        message.attempts += 1
        message.last_status = _status_of(failure)
        if not _worth_keeping(failure) or now - message.created_at >= KEEP_TRYING:
            message.given_up_at = now
            log.error(
                "gave up a %s after %d attempts: status=%s",
                message.purpose,
                message.attempts,
                failure.status,
            )
            return REFUSED
        wait = min(FIRST_RETRY * 2 ** (message.attempts - 1), LONGEST_WAIT)
        message.next_attempt_at = now + wait
        return KEPT


def _worth_keeping(failure: LineError) -> bool:
    """Whether the same request could go through later: LINE busy or down, or refusing our
    access token or plan, which staff can fix (a reply or booking confirmation refused for
    the token was lost); not a request LINE refuses for what it holds (400)."""
    return failure.retryable or failure.ours_to_fix


def _status_of(failure: LineError) -> int:
    """What `last_status` keeps of a failure: LINE's status, NO_ANSWER or 0."""
    return failure.status or (NO_ANSWER if failure.may_have_arrived else 0)


def waiting(db: Session) -> int:
    """How many kept messages are still to be delivered."""
    query = select(func.count()).where(PendingMessage.given_up_at.is_(None))
    return int(db.scalar(query.select_from(PendingMessage)) or 0)


@dataclass(frozen=True)
class Backlog:
    """What the outbox holds, for the console's banner (bot/web/admin/home.py): staff see that
    answers are waiting, and, when LINE refuses our access token or plan, that only they can
    end it: until then every reply waits, and after a day it is given up."""

    waiting: int = 0  # still to be delivered
    refused_token: int = 0  # of those, last refused with 401
    refused_plan: int = 0  # … or with 403
    given_up: int = 0  # not delivered in a day (kept 30 days, then purged)


def backlog(db: Session) -> Backlog:
    """The outbox's messages counted by whether they still wait and LINE's last answer: one
    query (every console page asks it)."""
    still_waiting = case((PendingMessage.given_up_at.is_(None), 1), else_=0)
    query = select(still_waiting, PendingMessage.last_status, func.count()).group_by(
        still_waiting, PendingMessage.last_status
    )
    waiting = refused_token = refused_plan = given = 0
    for is_waiting, status, count in db.execute(query):
        if not is_waiting:
            given += count
            continue
        waiting += count
        refused_token += count if status == REFUSED_TOKEN else 0
        refused_plan += count if status == REFUSED_PLAN else 0
    return Backlog(waiting, refused_token, refused_plan, given)


@per_database
def _keep_once(insert):
    # A message already kept under this retry key (a second run of the same notice) stays one.
    return insert(PendingMessage.__table__).on_conflict_do_nothing(index_elements=["retry_key"])


def _key(retry_key: str | Callable[[], str]) -> str:
    """A retry key given as it is, or as the function that derives it."""
    return retry_key if isinstance(retry_key, str) else retry_key()
