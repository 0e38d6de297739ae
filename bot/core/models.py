"""Typed SQLAlchemy 2 models. Small, no behaviour that knows about HTTP, Flask or LINE.

Personal data is kept to the minimum (README, "Personal data"): the LINE user ID, language,
topic, text-size and class-reminder settings and reservations. The follow ledger and unanswered
questions carry no user ID.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from bot.core.db import Base, UTCDateTime, utcnow
from bot.core.privacy import mask_personal_data


class Follower(Base):
    """A resident who has added the account as a friend (or once did)."""

    __tablename__ = "followers"

    id: Mapped[int] = mapped_column(primary_key=True)
    line_user_id: Mapped[str] = mapped_column(String(64), unique=True)
    language: Mapped[str] = mapped_column(String(8), default="ja")
    # Chosen in 受信設定: every card one text size up (bot.line.messages.larger).
    large_text: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Chosen in 受信設定: the push the day before each booked class (bot.classes.reminders).
    # On until the resident turns it off; the class's other messages do not depend on it.
    class_reminders: Mapped[bool] = mapped_column(default=True, server_default=true())
    following: Mapped[bool] = mapped_column(default=True)
    # Timestamp (LINE's, in ms) of the newest follow/unfollow applied: older events that arrive
    # late do not overwrite newer state.
    last_event_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    followed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    unfollowed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    topics: Mapped[list[FollowerTopic]] = relationship(
        back_populates="follower", cascade="all, delete-orphan"
    )

    @property
    def topic_ids(self) -> set[str]:
        """The topics this resident receives announcements for."""
        return {t.topic for t in self.topics}


class FollowerTopic(Base):
    """One topic a follower receives (a row per topic, so fan-out can stream by index)."""

    __tablename__ = "follower_topics"

    follower_id: Mapped[int] = mapped_column(
        ForeignKey("followers.id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(String(32), primary_key=True)

    follower: Mapped[Follower] = relationship(back_populates="topics")

    __table_args__ = (Index("ix_follower_topics_topic_follower", "topic", "follower_id"),)


class FollowLedgerEntry(Base):
    """An anonymous +1/-1 at the moment a friendship began or ended.

    The sum of deltas up to any instant is the follower count at that instant, so managers can
    chart history without the ledger holding who followed.
    """

    __tablename__ = "follow_ledger"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    delta: Mapped[int] = mapped_column(SmallInteger)
    kind: Mapped[str] = mapped_column(
        String(16)
    )  # follow | refollow | unfollow | seen | synced | erased | unreachable


class ProcessedEvent(Base):
    """A webhookEventId already handled; the unique key drops LINE's redeliveries."""

    __tablename__ = "processed_events"

    webhook_event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class PendingMessage(Base):
    """A reply or push LINE did not take (5xx, 429, a timeout, or too busy to try), kept until
    it is delivered: the scheduler retries it with the same retry key, by reply while the
    token lives and by push after. Deleted once delivered; given up after a day."""

    __tablename__ = "pending_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    line_user_id: Mapped[str] = mapped_column(String(64))
    # What the message is (reply, booking, promotion, reminder, notice…), for logs and counts.
    purpose: Mapped[str] = mapped_column(String(32))
    # What a message is about when it is true only while that stands — a reminder or a seat
    # offer names its booking (bot.classes.reservations.booking_subject) — so a retry after the
    # resident cancelled, or staff cancelled or moved the session, drops it. None: always due.
    about: Mapped[str | None] = mapped_column(String(80))
    messages: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    retry_key: Mapped[str] = mapped_column(String(64), unique=True)
    reply_token: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    # LINE's status of the last failure; 1 for a request LINE did not answer (a read timeout:
    # it may have taken it), 0 for one that never reached it.
    last_status: Mapped[int | None] = mapped_column(SmallInteger)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    given_up_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class ConversationContext(Base):
    """What the last answer was about, so a short follow-up can be understood. Expires soon."""

    __tablename__ = "conversation_contexts"

    follower_id: Mapped[int] = mapped_column(
        ForeignKey("followers.id", ondelete="CASCADE"), primary_key=True
    )
    intent: Mapped[str] = mapped_column(String(32))
    entry_key: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class UnansweredQuestion(Base):
    """A question the bot could not answer: text only, no user ID, deleted after 90 days.

    The text is masked on the way in (phone numbers, My Numbers, cards, e-mails, postal codes,
    street addresses become placeholders), whoever writes it: nothing a resident typed about
    themselves reaches the database."""

    __tablename__ = "unanswered_questions"
    MAX_TEXT = 1000

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    asked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    @validates("text")
    def _masked(self, _key: str, value: str) -> str:
        """Mask personal data first, then cut (cutting first could leave half a number)."""
        return mask_personal_data(value)[: self.MAX_TEXT]


class ClassSession(Base):
    """A smartphone class or consultation session that residents can reserve."""

    __tablename__ = "class_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="class")  # class | consultation
    title: Mapped[str] = mapped_column(String(200))
    # Shown on the cards of residents who read Latin script (English); empty: the Japanese.
    title_en: Mapped[str] = mapped_column(String(200), default="", server_default="")
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    venue: Mapped[str] = mapped_column(String(200))
    venue_en: Mapped[str] = mapped_column(String(200), default="", server_default="")
    capacity: Mapped[int] = mapped_column(Integer)
    # Kept in the row and changed only by conditional UPDATEs, so concurrent reservations in
    # several workers can never take more seats than there are.
    reserved: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(Text, default="")
    # 持ち物 as staff wrote it (「スマホをお持ちください」); empty: the card says to ask the venue.
    bring: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The same in English, for residents who read Latin script; empty: the Japanese above.
    bring_en: Mapped[str] = mapped_column(String(300), default="", server_default="")
    # Staff want names at the door: the bot asks each resident for a name (and furigana) before
    # booking. The name is kept with the reservation until 30 days after the session.
    asks_name: Mapped[bool] = mapped_column(default=False, server_default=false())
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | cancelled
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Reservation(Base):
    """A resident's seat (or place on the waitlist) in a class session.

    Its id is the 受付番号 (booking number) the resident shows at the door."""

    __tablename__ = "reservations"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("class_sessions.id", ondelete="CASCADE"), index=True
    )
    # None once the resident's data is deleted (or purged after a block): a seat in a session
    # already held stays, nameless and nobody's, so the year's attendance figures keep it
    # (bot.residents.followers.keep_held_seats_nameless). Every other booking goes with them.
    follower_id: Mapped[int | None] = mapped_column(
        ForeignKey("followers.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16))  # reserved | waitlisted | cancelled
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set when the reminder the day before was pushed; the reminder job skips rows that have it.
    reminded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Marked by staff after the session: True came, False no-show, None not marked yet.
    attended: Mapped[bool | None] = mapped_column()
    # Asked only when the session asks for names (ClassSession.asks_name); typed by the resident,
    # stored as typed (a name is what staff need, so it is not masked), never logged, and
    # deleted 30 days after the session (bot.residents.housekeeping).
    name: Mapped[str | None] = mapped_column(String(100))
    name_kana: Mapped[str | None] = mapped_column(String(100))

    session: Mapped[ClassSession] = relationship()
    follower: Mapped[Follower | None] = relationship()

    __table_args__ = (UniqueConstraint("session_id", "follower_id"),)


class Announcement(Base):
    """A message staff send to the residents subscribed to a topic (or to all who accept any).

    The row comes first; its audience is snapshotted into recipients and delivery batches, so a
    retry, a crash or a double click never sends twice and staff can see what went out.
    """

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str | None] = mapped_column(String(32))  # None: every follower with any topic
    text: Mapped[str] = mapped_column(Text)  # Japanese, the default language: always there
    # The text in other languages, by language code ({"en": …, "ja_easy": …}); a follower whose
    # language has none receives the next one along their language's fallback chain, then `text`.
    translations: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    send_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    # scheduled → sending → sent | partly_sent | refused | cancelled
    status: Mapped[str] = mapped_column(String(16), default="scheduled", index=True)
    audience_size: Mapped[int | None] = mapped_column(Integer)
    delivered: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str] = mapped_column(Text, default="")
    # Only one sender at a time: a process holds the lease and renews it after every batch; a
    # process killed mid-send lets it lapse, and the next one resumes where it stopped.
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class AnnouncementRecipient(Base):
    """One follower in an announcement's audience, as it was when sending began."""

    __tablename__ = "announcement_recipients"

    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("announcements.id", ondelete="CASCADE"), primary_key=True
    )
    # Deleting a resident's data removes them from audiences not yet sent to.
    follower_id: Mapped[int] = mapped_column(
        ForeignKey("followers.id", ondelete="CASCADE"), primary_key=True
    )
    batch_no: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_announcement_recipients_batch", "announcement_id", "batch_no"),)


class DeliveryBatch(Base):
    """Up to 500 recipients sent in one multicast, with the retry key every attempt reuses."""

    __tablename__ = "delivery_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("announcements.id", ondelete="CASCADE"), index=True
    )
    batch_no: Mapped[int] = mapped_column(Integer)
    retry_key: Mapped[str] = mapped_column(String(36), unique=True)
    size: Mapped[int] = mapped_column(Integer)
    # The language of the text this batch carries (every recipient of a batch reads the same).
    language: Mapped[str] = mapped_column(String(8), default="ja", server_default="ja")
    # pending | sent | failed | split (LINE refused a recipient: its halves are batches of
    # their own, numbered after the others, with keys derived from this one's)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("announcement_id", "batch_no"),)


class InsightSnapshot(Base):
    """LINE's follower statistics for one JST date (fetched daily by the scheduler)."""

    __tablename__ = "insight_snapshots"

    date: Mapped[dt.date] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(16))  # ready | unready | out_of_service
    followers: Mapped[int | None] = mapped_column(Integer)
    targeted_reaches: Mapped[int | None] = mapped_column(Integer)
    blocks: Mapped[int | None] = mapped_column(Integer)
    fetched_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AuditEntry(Base):
    """Who changed what, and when: every staff action and every announcement."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class StaffUser(Base):
    """A console user. Roles nest: staff < manager < admin."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))  # staff | manager | admin
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Bumped by logout and deactivation: every cookie carrying an older number is dead, even
    # a copy saved elsewhere or one from before a reactivation.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")


class LoginAttempt(Base):
    """A console login attempt, kept briefly to slow down password guessing (all workers see it)."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    ip: Mapped[str] = mapped_column(String(64), index=True)
    succeeded: Mapped[bool] = mapped_column()
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class QuestionCount(Base):
    """How many questions of each intent residents asked on a day (JST): counts only, no text,
    no user ID — what managers chart as "questions by topic"."""

    __tablename__ = "question_counts"

    day: Mapped[dt.date] = mapped_column(primary_key=True)
    intent: Mapped[str] = mapped_column(String(32), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class AnswerCount(Base):
    """How many times each answer went out on a day (JST): a topic's entry, or for `unknown`
    the directory area named (topic "directory"). A count only, no text, no user ID — what the
    console's answers list shows beside each answer."""

    __tablename__ = "answer_counts"

    day: Mapped[dt.date] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class SafetyCount(Base):
    """How many safety answers (help lines for a crisis) went out per category on a day (JST):
    a count only. What the resident wrote is never kept, nor who they are."""

    __tablename__ = "safety_counts"

    day: Mapped[dt.date] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class FollowDaily(Base):
    """Follows, adoptions, unfollows and erasures per JST day: a rollup of the follow ledger
    kept by database triggers (migrations 0005, 0006), so the dashboard reads one row per day,
    not the ledger.

    `adopted` counts friends we only learned of (kinds `synced` and `seen`): they were friends
    already, so they raise the count but are not new adds in the trend. `erased` counts friends
    who had us delete their data: still friends, but no longer known to us, and not blocks.
    """

    __tablename__ = "follow_daily"

    day: Mapped[dt.date] = mapped_column(primary_key=True)
    follows: Mapped[int] = mapped_column(Integer, default=0)
    adopted: Mapped[int] = mapped_column(Integer, default=0)
    unfollows: Mapped[int] = mapped_column(Integer, default=0)
    erased: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class AnswerVersion(Base):
    """One version of an answer staff edited in the console: an entry of a topic (all its
    languages together) or an area of the ward directory. The repository's YAML is version 0;
    a staff member's change is a pending version, which a manager or admin publishes or
    rejects. Every version is kept (who, when, what), so any can be compared and restored."""

    __tablename__ = "answer_versions"
    __table_args__ = (UniqueConstraint("topic", "key", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # entry | area
    topic: Mapped[str] = mapped_column(String(32))  # the intent, or "directory" for an area
    key: Mapped[str] = mapped_column(String(64))  # the entry key, or the area id
    number: Mapped[int] = mapped_column(Integer)  # 1, 2 … per answer (0 is the YAML)
    status: Mapped[str] = mapped_column(String(16), index=True)  # pending|published|rejected
    # The whole answer as it would be published: per language for an entry, the area's
    # mapping for an area (the shapes bot.answers.fields reads and writes).
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    based_on: Mapped[int] = mapped_column(Integer, default=0)  # the number live when written
    restored_from: Mapped[int | None] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(254))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # The content revision it went live in: the live version of an answer is its published
    # version with the highest revision (the one approved last).
    revision: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(500), default="")


class ContentRevision(Base):
    """One row: a number raised by every publication. Each worker reads it at most every
    couple of seconds and rebuilds its answers when it moved (bot.answers.live)."""

    __tablename__ = "content_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FreshnessCheck(Base):
    """The weekly re-check list: which answers were checked longer ago than allowed, as the
    scheduler found them on a JST day (one row per day; a second run that day replaces it)."""

    __tablename__ = "freshness_checks"

    day: Mapped[dt.date] = mapped_column(primary_key=True)
    due: Mapped[list[str]] = mapped_column(JSON)  # "topic/key" of each answer due
    checked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TrainingPhrase(Base):
    """A way residents ask for an entry, attached by staff from an unanswered-questions cluster
    ("residents ask it like this"): the router and the details model learn it at the next
    retraining. The text is masked like every resident text kept; no user ID, no date asked."""

    __tablename__ = "training_phrases"
    __table_args__ = (UniqueConstraint("text", "intent", "entry_key"),)
    MAX_TEXT = 500

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(MAX_TEXT))
    intent: Mapped[str] = mapped_column(String(32))
    entry_key: Mapped[str] = mapped_column(String(64))
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @validates("text")
    def _masked(self, _key: str, value: str) -> str:
        """Mask personal data first, then cut (as unanswered questions are)."""
        return mask_personal_data(value)[: self.MAX_TEXT]


class RouterModel(Base):
    """One retraining of the router: its progress while it runs, its held-out figures, and, once
    published, the weights every worker loads (the highest published id is the live model)."""

    __tablename__ = "router_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    # running → published | refused | failed
    status: Mapped[str] = mapped_column(String(16), default="running", index=True)
    stage: Mapped[str] = mapped_column(String(32), default="")
    quick: Mapped[bool] = mapped_column(default=False)
    started_by: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    phrases: Mapped[int] = mapped_column(Integer, default=0)
    # held-out intent accuracy (0..1) of the live model and of this one, on the same questions
    live_accuracy: Mapped[float | None] = mapped_column(Float)
    new_accuracy: Mapped[float | None] = mapped_column(Float)
    # the router's model.json and the details model's details.json, as written by train.py
    router_json: Mapped[str | None] = mapped_column(Text)
    details_json: Mapped[str | None] = mapped_column(Text)


class KpiTarget(Base):
    """The target of one of the plan's KPIs for one fiscal year (April–March, `fiscal_year`
    is the year it starts), set by admins with where the figure comes from. `baseline` is the
    plan's starting point (e.g. R4's result), shown beside the target."""

    __tablename__ = "kpi_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator: Mapped[str] = mapped_column(String(32))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(300), default="")
    baseline: Mapped[float | None] = mapped_column(Float)
    baseline_year: Mapped[int | None] = mapped_column(Integer)
    updated_by: Mapped[str] = mapped_column(String(254), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (UniqueConstraint("indicator", "fiscal_year"),)


class KpiFigure(Base):
    """A monthly figure the bot cannot count itself (konbini issuance, online applications),
    entered by staff with a note of where it came from. `month` is the month's first day."""

    __tablename__ = "kpi_figures"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator: Mapped[str] = mapped_column(String(32))
    month: Mapped[dt.date] = mapped_column()
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(300))
    entered_by: Mapped[str] = mapped_column(String(254), default="")
    entered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (UniqueConstraint("indicator", "month"),)


class LinkClick(Base):
    """Taps on an official-page button in a card, per JST day and link (/r/<token>): a count
    only — no user ID, nothing about who tapped."""

    __tablename__ = "link_clicks"

    day: Mapped[dt.date] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), primary_key=True)
    topic: Mapped[str] = mapped_column(String(32))
    count: Mapped[int] = mapped_column(Integer, default=0)
