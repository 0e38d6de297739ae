"""The dispatcher: turns one webhook event into a turn, runs its handler, sends the answer.

It owns what handlers should not: deduplication, follower bookkeeping, the answer language,
conversation context, the 5-message limit, errors (a resident always gets an answer), and the
single call to the gateway. Database work of an event commits *before* anything is sent, so a
failure leaves nothing half-done and LINE's redelivery is processed once.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from linebot.v3.webhooks import (
    Event,
    FollowEvent,
    MessageEvent,
    PostbackEvent,
    TextMessageContent,
    UnfollowEvent,
    UserSource,
)
from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation.registry import Registry
from bot.conversation.router import normalize
from bot.conversation.router.catalogue import CatalogueRouter
from bot.conversation.safety import SafetyCheck
from bot.conversation.turn import CONTEXT_LIFETIME, Push, Services, Turn
from bot.core.content import Content
from bot.core.db import per_database, utcnow
from bot.core.models import ConversationContext, Follower, ProcessedEvent
from bot.core.settings import Settings
from bot.line import messages
from bot.line.gateway import InvalidReplyToken, LineError, LineGateway
from bot.line.postback import Postback
from bot.residents import followers
from bot.residents.questions import count_question, count_safety_answer

log = logging.getLogger(__name__)

MAX_MESSAGES = 5
# Below this confidence a short message is read as a follow-up to the last answer, if it fits.
FOLLOW_UP_CONFIDENCE = 0.6


@dataclass(frozen=True)
class Outcome:
    """What happened to one event, for logs and tests (never the message text)."""

    kind: str  # duplicate | ignored | answered | silent | failed
    intent: str | None = None
    question: bool = False  # a typed question, counted by intent for the dashboard
    safety: str | None = None  # the crisis category answered with help lines, counted only


# What handling one event gives: its outcome, the reply, and the turn (for its outbox), if any.
Handled = tuple[Outcome, list[dict], Turn | None]


class Dispatcher:
    """Processes webhook events; built once by the app factory and shared by requests."""

    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker,
        gateway: LineGateway,
        content: Content,
        router: CatalogueRouter,
        registry: Registry,
        safety: SafetyCheck,
        clock: Callable = utcnow,
    ):
        self.settings = settings
        self.sessions = sessions
        self.gateway = gateway
        self.content = content
        self.router = router
        self.registry = registry
        self.safety = safety
        self.clock = clock

    # -- one event --------------------------------------------------------------------------

    def handle(self, event: Event) -> Outcome:
        """Process one event: handle it, claim it, commit, then send the answer.

        The writes every event makes (its context, the claim, today's question count) come
        together after the handler, just before the commit, so they hold SQLite's write lock
        and PostgreSQL's row locks for a few statements rather than for the whole turn. A
        redelivery is still processed once: only one delivery can claim, and the other's work
        is rolled back.
        """
        with self.sessions() as db:
            try:
                outcome, answer, turn = self._process(db, event)
                if turn is not None:
                    self._save_context(db, turn)
                if not self._claim(db, event):
                    return Outcome("duplicate")
                if outcome.question and outcome.intent:
                    count_question(db, outcome.intent, self.clock())
                if outcome.safety:
                    count_safety_answer(db, outcome.safety, self.clock())
                outbox = turn.outbox if turn else []
                db.commit()
            except Exception:
                db.rollback()
                # Not a bug of ours but the database going away must reach LINE as a 5xx,
                # so it redelivers; the caller decides. Handler bugs get an apology instead.
                if not self._database_alive(db):
                    raise
                # Another delivery of this event may have committed meanwhile, and its rows
                # made ours clash: that is a duplicate, not a failure to apologise for.
                if not self._claim(db, event):
                    return Outcome("duplicate")
                log.exception("handler failed for a %s event", event.type)
                db.commit()
                outcome, answer, outbox = Outcome("failed"), self._apology(event), []
        if self._standby(event):
            return outcome
        if answer:
            self._send(event, answer)
        for push in outbox:
            self._push(push)
        return outcome

    def _claim(self, db: Session, event: Event) -> bool:
        """Record the event id; False, with this delivery's work rolled back, when another
        delivery of it was already processed.

        One `INSERT … ON CONFLICT DO NOTHING` on the unique key: atomic across workers, and
        no savepoint to pay for on every event. RETURNING, not rowcount: psycopg reports -1.
        """
        event_id = getattr(event, "webhook_event_id", None)
        if not event_id:
            return True
        claimed = db.execute(
            _claim_event(db), {"webhook_event_id": event_id, "received_at": utcnow()}
        )
        if claimed.scalar() is None:
            db.rollback()
            return False
        return True

    @staticmethod
    def _database_alive(db: Session) -> bool:
        """Whether the database still answers (to tell a handler bug from an outage)."""
        try:
            db.execute(select(1))
            return True
        except Exception:
            return False

    @staticmethod
    def _standby(event: Event) -> bool:
        """In standby another channel answers; we record but never send."""
        return str(getattr(event, "mode", "active")).lower().endswith("standby")

    def _user_id(self, event: Event) -> str | None:
        """The resident in a 1:1 chat; None for groups and rooms (we send nothing there)."""
        source = getattr(event, "source", None)
        return source.user_id if isinstance(source, UserSource) else None

    def _process(self, db: Session, event: Event) -> Handled:
        """Route the event to its handler; return the outcome and the messages to send."""
        user_id = self._user_id(event)
        if isinstance(event, UnfollowEvent):
            if user_id:
                followers.record_unfollow(db, user_id, event.timestamp)
            return Outcome("silent"), [], None
        if user_id is None or not getattr(event, "reply_token", None):
            return Outcome("ignored"), [], None
        if isinstance(event, FollowEvent):
            return self._welcome(db, event, user_id)
        if isinstance(event, MessageEvent):
            follower, context = self._resident(db, user_id)
            if isinstance(event.message, TextMessageContent):
                return self._answer_text(db, follower, context, event.message.text)
            turn = self._turn(db, follower, follower.language)
            return Outcome("answered", "non_text"), self.registry.for_event("non_text")(turn), turn
        if isinstance(event, PostbackEvent):
            follower, context = self._resident(db, user_id)
            return self._answer_postback(db, follower, context, event.postback.data)
        return Outcome("ignored"), [], None

    def _resident(self, db: Session, user_id: str) -> tuple[Follower, ConversationContext | None]:
        """Who wrote, and the last answer's context if it is still fresh: one query."""
        found = db.execute(_FOLLOWER_WITH_CONTEXT, {"user_id": user_id}).first()
        if found is None:  # a friend whose follow we never saw
            return followers.adopt_follower(db, user_id, "seen"), None
        follower, context = found
        fresh = context is not None and context.expires_at > self.clock()
        return follower, context if fresh else None

    # -- kinds of event ---------------------------------------------------------------------

    def _welcome(self, db: Session, event: FollowEvent, user_id: str) -> Handled:
        """Count the follow, learn the resident's language, and say hello."""
        is_unblocked = bool(event.follow and event.follow.is_unblocked)
        # Ask LINE for a new friend's language *before* counting the follow: counting locks
        # the day's row of the dashboard rollup, and no lock should wait on an HTTP call.
        is_new = followers.find_follower(db, user_id) is None
        language = self._profile_language(user_id) if is_new else None
        follower, _ = followers.record_follow(
            db, user_id, event.timestamp, is_unblocked=is_unblocked
        )
        if language:
            follower.language = language
        turn = self._turn(db, follower, follower.language)
        return Outcome("answered", "follow"), self.registry.for_event("follow")(turn), turn

    def _profile_language(self, user_id: str) -> str:
        """The language of the resident's LINE profile, as the language catalogue maps it
        (the default when LINE does not say, or does not answer)."""
        languages = self.content.languages
        try:
            profile = self.gateway.profile(user_id)
        except LineError as error:
            log.warning("profile lookup failed: %s", error.status)
            return languages.default
        return languages.for_profile(profile.language if profile else None)

    def _answer_text(self, db: Session, follower, context, text: str) -> Handled:
        """Understand a typed message, with the last answer's context, and answer it.

        The safety check reads it first: a resident in crisis gets help lines, whatever else
        the message might also mean (a reset word, a command, a follow-up, a topic)."""
        crisis = self.safety.check(text)
        if crisis is not None:
            lang = self.content.languages.answer_language(follower.language, crisis.language)
            turn = self._turn(db, follower, lang, crisis=crisis)
            answer = self.registry.for_event("crisis")(turn)
            return Outcome("answered", "safety", safety=crisis.category), answer, turn
        normalized = normalize(text)
        route = self.router.route(text)
        languages = self.content.languages
        lang = languages.answer_language(follower.language, route.language)
        turn = self._turn(db, follower, lang, text=text, normalized=normalized, route=route)
        turn.context = context
        words = self.content.words
        if normalized in words.reset:
            turn.forget()
            answer = self.registry.action("menu")(turn)
            return Outcome("answered", "reset"), answer, turn
        intent = words.commands.get(normalized) or self._resolve_intent(
            route, normalized, context, lang
        )
        answer = self.registry.for_intent(intent)(turn_with_intent(turn, intent))
        if route.language in languages.answer_in_english:
            note = self.content.ui("other_language", languages.answer_in or languages.default)
            answer = [messages.text(note), *answer]
        return Outcome("answered", intent, question=True), answer, turn

    def _resolve_intent(self, route, normalized: str, context, lang: str) -> str:
        """The router's intent, unless a vague message fits the topic of the last answer."""
        if context is None or (
            route.confidence >= FOLLOW_UP_CONFIDENCE
            and route.intent
            not in (
                "unknown",
                "help",
            )
        ):
            return route.intent
        entry = self.content.pick(context.intent, normalized, lang)
        if entry.key != "overview" and entry.key != context.entry_key:
            return context.intent
        return route.intent

    def _answer_postback(self, db: Session, follower, context, data: str) -> Handled:
        """Run the handler of a button we made; anything else gets a friendly menu."""
        postback = Postback.unpack(data)
        handler = self.registry.for_action(postback.action) if postback else None
        if postback and postback.action == "topic":
            # A menu button means the same as asking about the topic in words.
            intent = postback.params.get("i", "")
            handler = self.registry.for_intent(intent) if self.registry.knows(intent) else None
        turn = self._turn(db, follower, follower.language, postback=postback)
        turn.context = context
        if handler is None or postback is None:
            answer = self.registry.action("unknown_postback")(turn)
            return Outcome("answered", "postback_unknown"), answer, turn
        answer = handler(turn)
        return Outcome("answered", f"postback:{postback.action}"), answer, turn

    # -- helpers ----------------------------------------------------------------------------

    def _turn(self, db: Session, follower, lang: str, **fields: Any) -> Turn:
        services = Services(
            db=db,
            content=self.content,
            settings=self.settings,
            now=self.clock(),
            safety=self.safety,
        )
        return Turn(follower=follower, lang=lang, services=services, **fields)

    def _save_context(self, db: Session, turn: Turn) -> None:
        """Store (or clear) what the handler asked to remember: one statement either way."""
        if turn.remembered is None:
            return
        follower_id = turn.follower.id
        if not turn.remembered:
            db.execute(
                delete(ConversationContext).where(ConversationContext.follower_id == follower_id)
            )
            return
        db.execute(
            _store_context(db),
            {
                "follower_id": follower_id,
                "intent": turn.remembered["intent"],
                "entry_key": turn.remembered["entry_key"],
                "data": turn.remembered["data"],
                "expires_at": self.clock() + CONTEXT_LIFETIME,
            },
        )

    def _push(self, push: Push) -> None:
        """Send one queued push (retried with its key by the gateway)."""
        self.gateway.push_with_retries(push.user_id, push.messages, push.retry_key)

    def _apology(self, event: Event) -> list[dict]:
        """What a resident sees when something broke on our side."""
        if self._user_id(event) is None or not getattr(event, "reply_token", None):
            return []
        default = self.content.languages.default
        return [messages.text(self.content.ui("apology", default))]

    def _send(self, event: Event, answer: list[dict]) -> None:
        """Reply with at most 5 messages; record (never raise) when LINE refuses."""
        if len(answer) > MAX_MESSAGES:
            log.error("handler returned %d messages; sending the first 5", len(answer))
            answer = answer[:MAX_MESSAGES]
        try:
            self.gateway.reply(event.reply_token, answer)
        except InvalidReplyToken:
            self._reply_by_push(event, answer)
        except LineError as error:
            log.warning("reply failed: status=%s message=%s", error.status, error.message)

    def _reply_by_push(self, event: Event, answer: list[dict]) -> None:
        """The reply token expired (we were slow, or LINE redelivered late): push the answer
        instead, but only in a 1:1 chat with someone who still follows us, and only once —
        the retry key comes from the event, so a second delivery of it cannot push again."""
        user_id = self._user_id(event)
        event_id = getattr(event, "webhook_event_id", None)
        if user_id is None or not event_id:
            log.warning("reply token expired; no 1:1 chat to push to, answer dropped")
            return
        with self.sessions() as db:
            follower = followers.find_follower(db, user_id)
            following = follower is not None and follower.following
        if not following:
            log.info("reply token expired for a non-follower; answer dropped")
            return
        retry_key = str(uuid.uuid5(uuid.NAMESPACE_URL, f"reply-fallback:{event_id}"))
        self._push(Push(user_id, answer, retry_key))


# Built once: statements cost more to build than to run (see per_database).
_FOLLOWER_WITH_CONTEXT = (
    select(Follower, ConversationContext)
    .outerjoin(ConversationContext, ConversationContext.follower_id == Follower.id)
    .where(Follower.line_user_id == bindparam("user_id"))
)


@per_database
def _claim_event(insert):
    table = ProcessedEvent.__table__
    return (
        insert(table)
        .on_conflict_do_nothing(index_elements=["webhook_event_id"])
        .returning(table.c.webhook_event_id)
    )


@per_database
def _store_context(insert):
    statement = insert(ConversationContext.__table__)
    replaced = ("intent", "entry_key", "data", "expires_at")
    return statement.on_conflict_do_update(
        index_elements=["follower_id"], set_={c: statement.excluded[c] for c in replaced}
    )


def turn_with_intent(turn: Turn, intent: str) -> Turn:
    """The turn, with the route's intent replaced by the one we settled on (for handlers)."""
    if turn.route is not None and turn.route.intent != intent:
        turn.route = replace(turn.route, intent=intent)
    return turn
