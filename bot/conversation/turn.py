"""A turn: everything a handler needs to answer one resident's message or button tap.

Handlers are small functions of a Turn that return messages; they never call HTTP. What they
want remembered for the next message goes through `remember()`, which lands in the database
(several workers serve one conversation, so nothing is kept in memory).

Who wrote and their last answer arrive as plain values, read with one Core query: most answers
need no more than the resident's id and language, and loading ORM objects for every message
cost more CPU than the rest of the database work. `Turn.follower` loads the row when a handler
needs it (a booking, a setting, erasing data).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from bot.conversation.choosing import Chooser
from bot.conversation.router import Route
from bot.conversation.safety import Crisis, SafetyCheck
from bot.core.content import Content, Entry
from bot.core.directory import Area
from bot.core.models import Follower
from bot.core.settings import Settings
from bot.line.postback import Postback

# Long enough to ask "何時まで？" after reading an answer, short enough that tomorrow's question
# is not read in the light of today's.
CONTEXT_LIFETIME = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class Resident:
    """Who wrote: their follower row's id, the language they chose and whether they asked for
    larger text (read with the context in one query, so most turns never load the row)."""

    id: int
    language: str
    large_text: bool = False


@dataclass(frozen=True)
class LastAnswer:
    """What the resident's last answer was about, while it is fresh (conversation_contexts)."""

    intent: str
    entry_key: str | None
    data: dict[str, Any]


@dataclass(frozen=True)
class Push:
    """A message for a resident other than the one who wrote, with its retry key."""

    user_id: str
    messages: list[dict]
    retry_key: str
    purpose: str = "push"  # what it is, for the outbox's logs (promotion, notice…)
    # What it is about, when it is true only while that stands (bot.line.outbox).
    about: str | None = None


@dataclass
class Services:
    """What a handler may use: the database session, the content, settings and the clock."""

    open_db: Callable[[], Session]  # the event's session, opened on first use (most need none)
    open_reading: Callable[[], Connection]  # its connection, for prepared reads
    content: Content
    settings: Settings
    now: dt.datetime
    safety: SafetyCheck | None = None
    chooser: Chooser | None = None  # which entry answers a message (phrases alone when None)

    @property
    def db(self) -> Session:
        """The database session of this event (its changes commit with the event)."""
        return self.open_db()

    @property
    def reading(self) -> Connection:
        """The event's connection for a prepared read (bot.core.prepared), which sees what
        this turn changed: cheaper than opening the session for a read."""
        return self.open_reading()


@dataclass
class Turn:
    """One resident's message (or button tap) on its way to an answer."""

    resident: Resident
    lang: str
    services: Services
    text: str = ""
    normalized: str = ""
    route: Route | None = None
    postback: Postback | None = None
    context: LastAnswer | None = None
    crisis: Crisis | None = None  # what the safety check found, before anything else ran
    entry_key: str | None = None  # the entry understanding chose for the routed intent
    area: Area | None = None  # for `unknown`: the other ward service it is about
    options: tuple[tuple[str, str], ...] = ()  # when asking back: (intent, entry key) offered
    # What the handler asked to remember; the dispatcher saves it with the turn.
    remembered: dict[str, Any] | None = field(default=None, repr=False)
    # Pushes to other residents (e.g. a waitlisted resident who got a seat), sent by the
    # dispatcher only after the turn's database work has committed.
    outbox: list[Push] = field(default_factory=list, repr=False)
    _follower: Follower | None = field(default=None, init=False, repr=False)

    @property
    def follower(self) -> Follower:
        """The resident's row, loaded on first use (from the session's identity map when this
        turn's work already has it)."""
        if self._follower is None:
            self._follower = self.services.db.get_one(Follower, self.resident.id)
        return self._follower

    @property
    def large_text(self) -> bool:
        """Whether this turn's cards go out larger: the row's value once a handler has loaded
        it (受信設定 may have just changed it), else what was read with the resident."""
        if self._follower is not None:
            return bool(self._follower.large_text)
        return self.resident.large_text

    @property
    def content(self) -> Content:
        """Shortcut: the bot's words."""
        return self.services.content

    def pick(self, intent: str) -> Entry:
        """The entry of `intent` that answers this message: the one understanding chose, else
        the best fit of the text (the overview for a button or an empty text)."""
        content = self.services.content
        route_intent = self.route.intent if self.route else None
        # A button names its entry (no route); typed words, the entry of the routed topic.
        if self.entry_key and (route_intent == intent or self.route is None):
            entry = content.topic(intent, self.lang).get(self.entry_key)
            if entry is not None:
                return entry
        chooser = self.services.chooser or Chooser(content, None)
        return chooser.entry(intent, self.normalized, self.lang)

    def ui(self, key: str, **fields: Any) -> str:
        """A fixed UI string in the resident's language."""
        return self.services.content.ui(key, self.lang, **fields)

    def remember(self, intent: str, entry_key: str | None = None, **data: Any) -> None:
        """Keep what this answer was about, so a short follow-up can be understood."""
        self.remembered = {"intent": intent, "entry_key": entry_key, "data": data}

    def push_later(
        self,
        user_id: str,
        messages: list[dict],
        retry_key: str,
        purpose: str = "push",
        about: str | None = None,
    ) -> None:
        """Send to another resident once this turn has committed (never before: a rollback
        must not leave a message behind). The retry key makes a repeated push harmless;
        `about` lets the outbox drop it, should it be kept, once that no longer stands."""
        self.outbox.append(Push(user_id, messages, retry_key, purpose, about))

    def forget(self) -> None:
        """Drop the conversation context ("メニュー", "キャンセル")."""
        self.remembered = {}

    def keep_context(self) -> None:
        """Leave the stored context as it was, whatever this turn's handlers remembered or
        forgot (help lines given while the bot waits for a name)."""
        self.remembered = None
