"""Announcements: reach exactly the residents who asked, once, even when LINE says 429 or the
process dies mid-send.

The announcement row comes first. When sending starts, its audience is snapshotted into
recipient rows numbered into batches of ≤ 500, and every batch gets its own persisted
`X-Line-Retry-Key`. Batches are then sent in order, paced under LINE's multicast limit; each
outcome is committed before the next batch, so a restarted sender resumes with the first batch
not yet recorded — and a batch LINE accepted but we never recorded is answered 409 on its retry,
which counts as delivered. Recipients are streamed from the database a batch at a time, so memory
stays flat however large the audience.

Each resident reads the announcement in their own language: the snapshot groups the audience by
the text each will receive (their language's, else the next along its fallback chain, else the
Japanese), and every batch carries one language's text.

One malformed user ID makes LINE refuse a whole multicast (400 naming `to[N]`). Such a batch is
split in two, each half a batch of its own with a retry key derived from the parent's, and so on
down to the refused IDs (about 2·log2(500) extra calls per bad ID): everyone else gets the
message, and the refused residents are marked unreachable so later sends skip them.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import cast

from sqlalchemy import exists, func, insert, literal, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session, sessionmaker

from bot.core.catalogue import load_languages, subscribable_topics
from bot.core.content import load_content
from bot.core.db import utcnow
from bot.core.models import (
    Announcement,
    AnnouncementRecipient,
    DeliveryBatch,
    Follower,
    FollowerTopic,
)
from bot.line.gateway import LineError, LineGateway
from bot.line.pacing import Pacer
from bot.line.postback import Postback
from bot.residents.followers import mark_unreachable
from bot.staff import audit

log = logging.getLogger(__name__)

BATCH_SIZE = 500  # LINE's multicast limit
PACE_PER_SECOND = 180.0  # under LINE's 200 multicast requests/s, leaving room for the console
LEASE = dt.timedelta(seconds=10)
MAX_ATTEMPTS = 8
# First retry after ~10 ms, doubling: a 5xx is usually gone at once; a 429 storm backs off.
BACKOFF = 0.01
SEND_WORKERS = 4
MAX_TEXT = 5000  # UTF-16 code units


class AnnouncementError(ValueError):
    """An announcement cannot be created or sent; the message says what to do."""


class QuotaExceeded(AnnouncementError):
    """Sending would exceed this month's message quota: the figures say by how much."""

    def __init__(self, needed: int, left: int, limit: int):
        super().__init__(
            f"this announcement needs {needed:,} messages but only {left:,} of "
            f"this month's {limit:,} are left; narrow the topic, wait for next month, or raise "
            "the plan's limit in LINE Official Account Manager"
        )
        self.needed, self.left, self.limit = needed, left, limit


class SenderBusy(AnnouncementError):
    """Another process holds the announcement's lease and is sending it."""


class NotDue(AnnouncementError):
    """The announcement is scheduled for later: only its time (the scheduler) sends it."""


@dataclass(frozen=True)
class Outcome:
    """How one multicast ended once its retries were spent."""

    status: str  # sent | failed | pending (retries ran out; the next run tries again)
    attempts: int
    line_status: int | None = None  # of LINE's last refusal; None for a network failure
    error: str = ""
    refused_recipient: bool = False


@dataclass(frozen=True)
class SendReport:
    """What a send achieved, for the terminal, the console and the audit log."""

    announcement_id: int
    status: str
    audience: int
    delivered: int
    failed: int
    seconds: float


def text_length(text: str) -> int:
    """Length as LINE counts it: UTF-16 code units (an emoji can count two)."""
    return len(text.encode("utf-16-le")) // 2


def other_languages() -> tuple[str, ...]:
    """The languages an announcement may carry a text in besides the default (Japanese)."""
    return load_languages().codes[1:]


def clean_translations(translations: dict[str, str] | None) -> dict[str, str]:
    """The non-empty texts by language, stripped; AnnouncementError for a language we do not
    speak or a text over LINE's limit."""
    cleaned = {}
    for lang, text in (translations or {}).items():
        if lang not in other_languages():
            known = ", ".join(other_languages())
            raise AnnouncementError(f"unknown language {lang!r}; other languages are: {known}")
        text = (text or "").strip()
        if text_length(text) > MAX_TEXT:
            raise AnnouncementError(
                f"the {lang} text is longer than LINE allows ({MAX_TEXT} characters)"
            )
        if text:
            cleaned[lang] = text
    return cleaned


def texts_of(announcement: Announcement) -> dict[str, str]:
    """Every text of an announcement by language, the default (Japanese) first."""
    return {load_languages().default: announcement.text, **(announcement.translations or {})}


def text_language(follower_language: str, written: set[str] | dict[str, str]) -> str:
    """The language of the text a follower receives: theirs if it was written, else the first
    written along their language's fallback chain, else the default (Japanese)."""
    languages = load_languages()
    return next((c for c in languages.chain(follower_language) if c in written), languages.default)


def create_announcement(
    db: Session,
    *,
    text: str,
    topic: str | None,
    created_by: str,
    send_at: dt.datetime | None = None,
    translations: dict[str, str] | None = None,
) -> Announcement:
    """Save an announcement to be sent now or at `send_at`; nothing is sent here. `text` is
    the Japanese (required); `translations` the optional others by language code."""
    text = text.strip()
    if not text:
        raise AnnouncementError("the announcement text is empty")
    if text_length(text) > MAX_TEXT:
        raise AnnouncementError(f"the text is longer than LINE allows ({MAX_TEXT} characters)")
    translations = clean_translations(translations)
    if topic is not None and topic not in subscribable_topics():
        topics = ", ".join(subscribable_topics())
        raise AnnouncementError(f"unknown topic {topic!r}; topics are: {topics}")
    if send_at is not None and send_at.tzinfo is None:
        raise AnnouncementError("the send time needs a time zone, e.g. 2026-12-01T09:00+09:00")
    announcement = Announcement(
        text=text,
        translations=translations,
        topic=topic,
        created_by=created_by,
        send_at=send_at or utcnow(),
        status="scheduled",
    )
    db.add(announcement)
    db.flush()
    audit.record(
        db,
        created_by,
        "announcement.create",
        f"announcement:{announcement.id}",
        topic=topic or "all",
        send_at=announcement.send_at.isoformat(),
        text=text,
        **{f"text_{lang}": translated for lang, translated in translations.items()},
    )
    return announcement


def send_time_passed(send_at: dt.datetime) -> bool:
    """Whether a time given to send later has already come. Staff who give a time mean one
    ahead, so a time passed is a slip, not "now": the console and `announce --at` refuse it."""
    return send_at <= utcnow()


def editable(announcement: Announcement) -> bool:
    """Whether it can still be changed: scheduled, and no sender has started on it."""
    lease = announcement.lease_until
    return (
        announcement.status == "scheduled"
        and announcement.audience_size is None
        and (lease is None or lease < utcnow())
    )


def edit_scheduled(
    db: Session,
    announcement_id: int,
    actor: str,
    *,
    text: str,
    topic: str | None,
    send_at: dt.datetime | None,
    translations: dict[str, str] | None = None,
) -> bool:
    """Change a scheduled announcement (its texts, topic and time; `send_at` None: now) in one
    conditional UPDATE, so a sender that started meanwhile wins and nothing half-edited goes
    out. False, with nothing changed, when it was too late; the caller commits."""
    text = text.strip()
    if not text or text_length(text) > MAX_TEXT:
        raise AnnouncementError(f"the text must have 1 to {MAX_TEXT} characters")
    translations = clean_translations(translations)
    send_at = send_at or utcnow()
    changed = cast(
        CursorResult,
        db.execute(
            update(Announcement)
            .where(
                Announcement.id == announcement_id,
                Announcement.status == "scheduled",
                Announcement.audience_size.is_(None),
                Announcement.lease_until.is_(None) | (Announcement.lease_until < utcnow()),
            )
            .values(text=text, translations=translations, topic=topic, send_at=send_at)
        ),
    )
    if changed.rowcount != 1:
        return False
    audit.record(
        db,
        actor,
        "announcement.edit",
        f"announcement:{announcement_id}",
        topic=topic or "all",
        send_at=send_at.isoformat(),
        text=text,
        **{f"text_{lang}": translated for lang, translated in translations.items()},
    )
    return True


def audience_filter(topic: str | None):
    """Followers who receive a topic (or, for "all", who accept any announcement at all)."""
    subscribed = select(FollowerTopic.follower_id).where(FollowerTopic.follower_id == Follower.id)
    if topic is not None:
        subscribed = subscribed.where(FollowerTopic.topic == topic)
    return (Follower.following.is_(True), exists(subscribed))


def audience_size(db: Session, topic: str | None) -> int:
    """How many residents an announcement on `topic` would reach now."""
    size = db.scalar(select(func.count()).select_from(Follower).where(*audience_filter(topic)))
    assert size is not None  # COUNT(*) without GROUP BY always returns one row
    return size


def audience_by_language(db: Session, topic: str | None) -> dict[str, int]:
    """How many residents an announcement on `topic` would reach now, by their language."""
    rows = db.execute(
        select(Follower.language, func.count())
        .where(*audience_filter(topic))
        .group_by(Follower.language)
        .order_by(Follower.language)
    )
    return {language: count for language, count in rows}


def readers_by_text(db: Session, topic: str | None, written: dict[str, str]) -> dict[str, int]:
    """How many residents would receive each text now, by the text's language (followers whose
    language has no text of its own count under the one they get); `written` as texts_of."""
    readers = dict.fromkeys(written, 0)
    for follower_language, count in audience_by_language(db, topic).items():
        readers[text_language(follower_language, written)] += count
    return {lang: count for lang, count in readers.items() if count}


def check_quota(gateway: LineGateway, needed: int) -> None:
    """Refuse, with figures, a send that would exceed this month's message quota."""
    limit, used = gateway.quota()
    if limit is not None and used + needed > limit:
        raise QuotaExceeded(needed, max(limit - used, 0), limit)


class Lease:
    """The right to send one announcement, held by one process at a time.

    Taken with a conditional UPDATE when free or lapsed, renewed by compare-and-swap on the
    expiry this holder set: a sender that stalled past its lease finds it gone and stops.
    """

    def __init__(self, announcement_id: int):
        self.announcement_id = announcement_id
        self.until: dt.datetime | None = None

    def _swap(self, db: Session, condition) -> bool:
        until = utcnow() + LEASE
        changed = cast(
            CursorResult,
            db.execute(
                update(Announcement)
                .where(
                    Announcement.id == self.announcement_id,
                    Announcement.status.in_(("scheduled", "sending")),
                    condition,
                )
                .values(lease_until=until)
            ),
        )
        db.commit()
        if changed.rowcount == 1:
            self.until = until
            return True
        return False

    def acquire(self, db: Session) -> bool:
        """Take the lease if nobody holds it or the holder's has lapsed."""
        lapsed = Announcement.lease_until.is_(None) | (Announcement.lease_until < utcnow())
        return self._swap(db, lapsed)

    def renew(self, db: Session) -> None:
        """Extend our lease; SenderBusy if another process took it over meanwhile."""
        if not self._swap(db, Announcement.lease_until == self.until):
            raise SenderBusy(
                f"announcement {self.announcement_id} was taken over by another sender"
            )

    def release(self, db: Session) -> None:
        """Give our lease up before it lapses (if it is still ours)."""
        db.execute(
            update(Announcement)
            .where(Announcement.id == self.announcement_id, Announcement.lease_until == self.until)
            .values(lease_until=None)
        )
        db.commit()


def _snapshot(db: Session, announcement: Announcement) -> int:
    """Freeze the audience into numbered recipient rows and one batch (with its key) per 500,
    each batch holding residents who receive the same language's text."""
    written = texts_of(announcement)
    follower_languages = set(audience_by_language(db, announcement.topic))
    first_batch, total = 0, 0
    for language in written:  # the default first: batch numbers stay in a fixed order
        readers = [c for c in follower_languages if text_language(c, written) == language]
        if not readers:
            continue
        in_group = Follower.language.in_(readers)
        numbered = select(
            literal(announcement.id),
            Follower.id,
            first_batch + (func.row_number().over(order_by=Follower.id) - 1) // BATCH_SIZE,
        ).where(*audience_filter(announcement.topic), in_group)
        db.execute(
            insert(AnnouncementRecipient).from_select(
                ["announcement_id", "follower_id", "batch_no"], numbered
            )
        )
        sizes = db.execute(
            select(AnnouncementRecipient.batch_no, func.count())
            .where(
                AnnouncementRecipient.announcement_id == announcement.id,
                AnnouncementRecipient.batch_no >= first_batch,
            )
            .group_by(AnnouncementRecipient.batch_no)
        ).all()
        db.add_all(
            DeliveryBatch(
                announcement_id=announcement.id,
                batch_no=batch_no,
                size=size,
                retry_key=str(uuid.uuid4()),
                language=language,
            )
            for batch_no, size in sizes
        )
        first_batch += len(sizes)
        total += sum(size for _, size in sizes)
    return total


def announcement_messages(text: str, lang: str) -> list[dict]:
    """The message residents receive, with a button (in their language) to change what they
    receive."""
    settings = Postback("topic", {"i": "notification_settings"})
    label = load_content().ui("topic_label.notification_settings", lang)
    action = {"type": "postback", "label": label, "data": settings.pack(), "displayText": label}
    return [
        {
            "type": "text",
            "text": text,
            "quickReply": {"items": [{"type": "action", "action": action}]},
        }
    ]


def send_announcement(
    sessions: sessionmaker,
    gateway: LineGateway,
    announcement_id: int,
    *,
    per_second: float = PACE_PER_SECOND,
    workers: int = SEND_WORKERS,
    progress: Callable[[int, int], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> SendReport:
    """Send (or resume sending) one announcement; safe to call again after any failure."""
    started = time.monotonic()
    lease = Lease(announcement_id)
    with sessions() as db:
        scheduled = db.get(Announcement, announcement_id)
        # One scheduled for later is not started (`--resume` with its id): sending would start
        # it early, and staff could no longer edit or withdraw it.
        if scheduled and scheduled.status == "scheduled" and scheduled.send_at > utcnow():
            raise NotDue(
                f"announcement {announcement_id} is not due until "
                f"{scheduled.send_at:%Y-%m-%d %H:%M} UTC; the scheduler sends it then "
                "(until then staff can edit or withdraw it in the console)"
            )
        if not lease.acquire(db):
            announcement = db.get(Announcement, announcement_id)
            if announcement is None:
                raise AnnouncementError(f"there is no announcement {announcement_id}")
            if announcement.status not in ("scheduled", "sending"):
                return _report(announcement, started)
            raise SenderBusy(
                f"announcement {announcement_id} is being sent by another process "
                f"(lease until {announcement.lease_until:%H:%M:%S} UTC); try again after it"
            )
        announcement = db.get(Announcement, announcement_id)
        if announcement.audience_size is None:
            _begin(db, gateway, announcement)
        pending = list(
            db.scalars(
                select(DeliveryBatch.id)
                .where(
                    DeliveryBatch.announcement_id == announcement_id,
                    DeliveryBatch.status == "pending",
                )
                .order_by(DeliveryBatch.batch_no)
            )
        )
        done = delivered_count(db, announcement_id)
    sender = _BatchSender(sessions, gateway, lease, announcement, Pacer(per_second), sleep)
    total = announcement.audience_size or 0
    # A few batches in flight at once hide the round trip; the pacer keeps the rate under
    # LINE's limit however many threads there are.
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for sent in pool.map(sender.send, pending):
            done += sent
            if progress:
                progress(done, total)
    if sender.stopped is not None:
        if not isinstance(sender.stopped, SenderBusy):
            # LINE stopped us and every worker has returned, so nothing is in flight: a resume
            # (staff's or the scheduler's) need not wait for the lease to lapse.
            with sessions() as db:
                lease.release(db)
        raise sender.stopped
    return _finish(sessions, announcement_id, started)


def reopen_failed_batches(sessions: sessionmaker, announcement_id: int) -> int:
    """For staff resuming a finished send: put back the failed batches that could go through
    now, reopen the announcement if there are any, and return how many.

    Those are batches LINE refused while busy or down, or for our access token or plan (which
    staff can fix), and batches recorded before refusals kept their status (one more try records
    why). A batch refused for what it holds (an ID LINE rejects, a message it will not take)
    would be refused again, so it stays failed instead of being retried on every resume. Each
    batch keeps its retry key: one LINE did accept is answered 409 and sends nothing twice.
    """
    refused = DeliveryBatch.last_status
    may_pass = refused.is_(None) | refused.in_((401, 403, 429)) | (refused >= 500)
    with sessions() as db:
        announcement = db.get(Announcement, announcement_id)
        if announcement is None or announcement.status != "partly_sent":
            return 0
        reopened = cast(
            CursorResult,
            db.execute(
                update(DeliveryBatch)
                .where(
                    DeliveryBatch.announcement_id == announcement_id,
                    DeliveryBatch.status == "failed",
                    may_pass,
                )
                .values(status="pending")
            ),
        ).rowcount
        if reopened:
            announcement.status = "sending"
        db.commit()
        return reopened


def _begin(db: Session, gateway: LineGateway, announcement: Announcement) -> None:
    """First run: check the quota against the audience, then snapshot it."""
    needed = audience_size(db, announcement.topic)
    try:
        check_quota(gateway, needed)
    except QuotaExceeded as refusal:
        announcement.status = "refused"
        announcement.outcome = str(refusal)
        announcement.audience_size = needed
        announcement.finished_at = utcnow()
        audit.record(
            db,
            "system",
            "announcement.refused",
            f"announcement:{announcement.id}",
            # Figures, not the sentence: the audit page tells them in the reader's language.
            needed=refusal.needed,
            left=refusal.left,
            limit=refusal.limit,
        )
        db.commit()
        raise
    announcement.audience_size = _snapshot(db, announcement)
    announcement.status = "sending"
    announcement.started_at = utcnow()
    db.commit()


class _BatchSender:
    """Sends batches of one announcement from worker threads; stops them all on a hard error."""

    def __init__(self, sessions, gateway, lease: Lease, announcement, pacer: Pacer, sleep):
        self.sessions = sessions
        self.gateway = gateway
        self.lease = lease
        self.messages = {
            lang: gateway.prepare_messages(announcement_messages(text, lang))
            for lang, text in texts_of(announcement).items()
        }
        self.pacer = pacer
        self.sleep = sleep
        self.lock = threading.Lock()
        self.renewed_at = time.monotonic()
        # Two workers splitting batches at once must not take the same new batch number.
        self.numbering = threading.Lock()
        self.stopped: AnnouncementError | None = None

    def _renew_lease(self) -> None:
        """About once a second, not per batch: one UPDATE instead of two hundred."""
        with self.lock:
            if time.monotonic() - self.renewed_at < 1.0:
                return
            with self.sessions() as db:
                self.lease.renew(db)
            self.renewed_at = time.monotonic()

    def send(self, batch_id: int) -> int:
        """Send one batch; return how many recipients it delivered to."""
        if self.stopped is not None:
            return 0
        try:
            self._renew_lease()
            with self.sessions() as db:
                batch = db.get_one(DeliveryBatch, batch_id)
                recipients = _batch_recipients(db, batch)
                retry_key, language = batch.retry_key, batch.language
            user_ids = [user_id for _, user_id in recipients]
            outcome = self._multicast(user_ids, self.messages[language], retry_key)
            if outcome.refused_recipient and len(recipients) > 1:
                # One bad ID spoils the whole request: each half goes on its own, and the
                # half LINE refuses again is split again, down to the bad ID itself.
                return sum(self.send(half) for half in self._split(batch_id, recipients, outcome))
            self._record(batch_id, recipients, outcome)
        except AnnouncementError as stop:
            self.stopped = stop
            return 0
        if outcome.status == "pending":
            self.stopped = AnnouncementError(
                f"LINE kept refusing a batch ({outcome.error}); nothing was lost: run "
                f"`python -m bot announce --resume {self.lease.announcement_id}` to continue"
            )
        return len(recipients) if outcome.status == "sent" else 0

    def _record(self, batch_id: int, recipients: list[tuple[int, str]], outcome: Outcome) -> None:
        """Commit a batch's outcome; a resident LINE refused as a recipient leaves the audience
        of every later announcement."""
        with self.sessions() as db:
            db.execute(
                update(DeliveryBatch)
                .where(DeliveryBatch.id == batch_id)
                .values(
                    status=outcome.status,
                    last_status=outcome.line_status,
                    last_error=outcome.error,
                    attempts=DeliveryBatch.attempts + outcome.attempts,
                    size=len(recipients),
                    sent_at=utcnow() if outcome.status == "sent" else None,
                )
            )
            if outcome.refused_recipient:
                mark_unreachable(db, [follower_id for follower_id, _ in recipients])
            db.commit()

    def _split(
        self, batch_id: int, recipients: list[tuple[int, str]], outcome: Outcome
    ) -> list[int]:
        """Replace a batch LINE refused for a recipient by its two halves, each a batch of its
        own (numbered after every other) whose recipients move to it; return their ids.

        Committed before either half is sent, so a resumed send finds the halves, never the
        whole batch again; and a half LINE accepted just before a crash answers 409 to its key.
        """
        middle = len(recipients) // 2
        halves = (recipients[:middle], recipients[middle:])
        with self.numbering, self.sessions() as db:
            parent = db.get_one(DeliveryBatch, batch_id)
            last_no = db.scalar(
                select(func.max(DeliveryBatch.batch_no)).where(
                    DeliveryBatch.announcement_id == parent.announcement_id
                )
            )
            assert last_no is not None  # the parent itself is numbered
            children = [
                DeliveryBatch(
                    announcement_id=parent.announcement_id,
                    batch_no=last_no + 1 + number,
                    size=len(half),
                    retry_key=half_key(parent.retry_key, number),
                    language=parent.language,
                )
                for number, half in enumerate(halves)
            ]
            db.add_all(children)
            for child, half in zip(children, halves, strict=True):
                db.execute(
                    update(AnnouncementRecipient)
                    .where(
                        AnnouncementRecipient.announcement_id == parent.announcement_id,
                        AnnouncementRecipient.follower_id.in_([f for f, _ in half]),
                    )
                    .values(batch_no=child.batch_no)
                )
            parent.status = "split"
            parent.attempts += outcome.attempts
            parent.last_status, parent.last_error = outcome.line_status, outcome.error
            db.flush()
            child_ids = [child.id for child in children]
            db.commit()
        return child_ids

    def _multicast(self, user_ids: list[str], messages, retry_key: str) -> Outcome:
        """Send with retries on 429/5xx/timeouts (same key); 409 means LINE already has it."""
        attempts = 0
        while user_ids:
            attempts += 1
            self.pacer.wait()
            try:
                self.gateway.multicast_prepared(user_ids, messages, retry_key)
                return Outcome("sent", attempts)
            except LineError as failure:
                if failure.already_accepted:
                    return Outcome("sent", attempts)
                if failure.retryable and attempts < MAX_ATTEMPTS:
                    self.sleep(min(BACKOFF * 2 ** (attempts - 1), 5.0) * (0.5 + random.random()))
                    continue
                return Outcome(
                    "pending" if failure.retryable else "failed",
                    attempts,
                    failure.status,
                    f"{failure.status or 'network'}: {failure.message}"[:500],
                    failure.refuses_recipient,
                )
        return Outcome("sent", attempts)


def half_key(retry_key: str, half: int) -> str:
    """The retry key of half 0 or 1 of a split batch: a UUID derived from the batch's own key,
    so splitting the same batch again yields the same keys, and LINE's 409 keeps any half it
    already accepted from reaching anyone twice."""
    return str(uuid.uuid5(uuid.UUID(retry_key), str(half)))


def _batch_recipients(db: Session, batch: DeliveryBatch) -> list[tuple[int, str]]:
    """The recipients of one batch (≤ 500) as (follower id, LINE ID), read when it is sent so
    memory stays flat, and in a fixed order so the batch splits the same way every time."""
    rows = db.execute(
        select(Follower.id, Follower.line_user_id)
        .join(AnnouncementRecipient, AnnouncementRecipient.follower_id == Follower.id)
        .where(
            AnnouncementRecipient.announcement_id == batch.announcement_id,
            AnnouncementRecipient.batch_no == batch.batch_no,
        )
        .order_by(Follower.id)
    )
    return [(follower_id, user_id) for follower_id, user_id in rows]


def delivered_count(db: Session, announcement_id: int) -> int:
    """How many residents the batches recorded as sent have reached."""
    delivered = db.scalar(
        select(func.coalesce(func.sum(DeliveryBatch.size), 0)).where(
            DeliveryBatch.announcement_id == announcement_id, DeliveryBatch.status == "sent"
        )
    )
    assert delivered is not None  # an aggregate without GROUP BY returns one row; COALESCE: no NULL
    return delivered


def delivered_by_language(db: Session, announcement_id: int) -> dict[str, int]:
    """How many residents the sent batches reached, by the language of the text they carried."""
    rows = db.execute(
        select(DeliveryBatch.language, func.sum(DeliveryBatch.size))
        .where(DeliveryBatch.announcement_id == announcement_id, DeliveryBatch.status == "sent")
        .group_by(DeliveryBatch.language)
    )
    delivered = {lang: int(count) for lang, count in rows}
    return {lang: delivered[lang] for lang in load_languages().codes if lang in delivered}


def _finish(sessions: sessionmaker, announcement_id: int, started: float) -> SendReport:
    """Record the outcome on the announcement and in the audit log."""
    with sessions() as db:
        announcement = db.get(Announcement, announcement_id)
        delivered = delivered_count(db, announcement_id)
        failed = db.scalar(
            select(func.coalesce(func.sum(DeliveryBatch.size), 0)).where(
                DeliveryBatch.announcement_id == announcement_id, DeliveryBatch.status == "failed"
            )
        )
        announcement.delivered, announcement.failed = delivered, failed
        announcement.status = "sent" if not failed else "partly_sent"
        announcement.finished_at = utcnow()
        announcement.lease_until = None
        announcement.outcome = f"delivered to {delivered:,}" + (
            f", {failed:,} failed" if failed else ""
        )
        audit.record(
            db,
            "system",
            "announcement.sent",
            f"announcement:{announcement_id}",
            delivered=delivered,
            failed=failed,
            audience=announcement.audience_size,
        )
        db.commit()
        return _report(announcement, started)


def _report(announcement: Announcement, started: float) -> SendReport:
    return SendReport(
        announcement.id,
        announcement.status,
        announcement.audience_size or 0,
        announcement.delivered,
        announcement.failed,
        time.monotonic() - started,
    )


def due_announcements(db: Session, now: dt.datetime) -> list[int]:
    """Announcements whose time has come, and sends whose sender died (lease lapsed)."""
    return list(
        db.scalars(
            select(Announcement.id)
            .where(
                Announcement.send_at <= now,
                Announcement.status.in_(("scheduled", "sending")),
                (Announcement.lease_until.is_(None)) | (Announcement.lease_until < now),
            )
            .order_by(Announcement.send_at)
        )
    )
