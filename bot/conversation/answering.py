"""From one event to its answer: which handler, in which language, with which turn.

Kinds of event: a follow (welcome, in the language of the resident's LINE profile), a typed
message (the safety check first, then `understanding.understand`), a button (typed postbacks,
parsed in bot.line.postback), stickers and photos, an unfollow. The database work goes through
the event's unit of work; nothing here sends.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from linebot.v3.webhooks import (
    Event,
    FollowEvent,
    MessageEvent,
    PostbackEvent,
    TextMessageContent,
    UnfollowEvent,
)

from bot.conversation.choosing import Chooser
from bot.conversation.registry import Registry
from bot.conversation.replier import MAX_MESSAGES, user_of
from bot.conversation.router import UNDETERMINED, detect_language
from bot.conversation.router.catalogue import CatalogueRouter
from bot.conversation.safety import SafetyCheck
from bot.conversation.turn import LastAnswer, Resident, Services, Turn
from bot.conversation.understanding import (
    ACKNOWLEDGED,
    NEXT_PAGE,
    NO_MORE,
    Understanding,
    route_typed,
    understand,
)
from bot.conversation.unit_of_work import Outcome, UnitOfWork
from bot.core.content import Content
from bot.core.links import LinkTable
from bot.core.settings import Settings
from bot.line import messages
from bot.line.gateway import LineError, LineGateway
from bot.line.postback import Postback
from bot.residents import followers

log = logging.getLogger(__name__)
# Commands that open a conversation and change nothing (「すみません」, 「質問があります」,
# 「使い方」): typed while the bot waits for words (a name for a booking), they leave it waiting.
OPENINGS = frozenset({"greeting", "help"})

# What handling one event gives: its outcome, the reply, and the turn (for its outbox), if any.
Handled = tuple[Outcome, list[dict], Turn | None]


class Answerer:
    """Turns events into answers; built once with the bot's services."""

    def __init__(
        self,
        settings: Settings,
        gateway: LineGateway,
        content: Content,
        router: CatalogueRouter,
        registry: Registry,
        safety: SafetyCheck,
        clock: Callable[[], dt.datetime],
        chooser: Chooser | None = None,
        latest: Callable[[], Content] | None = None,
        refresh_models: Callable[[], None] | None = None,
        links: LinkTable | None = None,
    ):
        self.settings = settings
        self.gateway = gateway
        self.content = content
        self.router = router
        self.registry = registry
        self.safety = safety
        self.clock = clock
        self.chooser = chooser or Chooser(content, None)
        self.links = links or LinkTable(content, None)
        # Picks up a retrained model published in the database (bot.conversation.live_models)
        self.refresh_models = refresh_models or (lambda: None)
        # Where newly published answers come from (bot.answers.live): asked once per webhook
        # body, it costs a clock reading except every couple of seconds.
        self.latest = latest

    def refresh_content(self) -> None:
        """Answer with the newest published content (swapped whole: a turn in progress keeps
        the content it started with)."""
        if self.latest is None:
            return
        content = self.latest()
        if content is not self.content:
            # The same chooser, so that a retrained details model (bot.conversation.live_models)
            # and newer answers each find it.
            self.content = content
            self.chooser.use_content(content)
            # Buttons of newly published answers get their counted /r/ links too.
            self.links = LinkTable(content, self.links.base_url)

    def answer(self, work: UnitOfWork, event: Event) -> Handled:
        """The outcome and the messages for one event, in larger text for a resident who chose
        it (受信設定): read here, before the commit, so every handler's cards honour it."""
        outcome, answer, turn = self._answer(work, event)
        if turn is not None and turn.large_text:
            answer = messages.larger(answer)
        # Page buttons through /r/<token>, counted per topic (when a public base URL is set).
        return outcome, self.links.tracked(answer, outcome.intent), turn

    def _answer(self, work: UnitOfWork, event: Event) -> Handled:
        user_id = user_of(event)
        if isinstance(event, UnfollowEvent):
            if user_id:
                followers.record_unfollow(work.db, user_id, event.timestamp)
            return Outcome("silent"), [], None
        if user_id is None or not getattr(event, "reply_token", None):
            return Outcome("ignored"), [], None
        if isinstance(event, FollowEvent):
            return self._welcome(work, event, user_id)
        if isinstance(event, MessageEvent):
            resident, context = work.resident(user_id, self._profile_language)
            if isinstance(event.message, TextMessageContent):
                return self._text(work, resident, context, event.message.text)
            turn = self._turn(work, resident, resident.language)
            return Outcome("answered", "non_text"), self.registry.for_event("non_text")(turn), turn
        if isinstance(event, PostbackEvent):
            resident, context = work.resident(user_id, self._profile_language)
            return self._button(work, resident, context, event.postback.data)
        return Outcome("ignored"), [], None

    def apology(self, event: Event, language: str | None = None) -> list[dict]:
        """What a resident sees when something broke on our side, in their language."""
        if user_of(event) is None or not getattr(event, "reply_token", None):
            return []
        languages = self.content.languages
        lang = language if language in languages.codes else languages.default
        return [messages.text(self.content.ui("apology", lang))]

    # -- kinds of event ---------------------------------------------------------------------

    def _welcome(self, work: UnitOfWork, event: FollowEvent, user_id: str) -> Handled:
        """Count the follow, learn the resident's language, and say hello."""
        is_unblocked = bool(event.follow and event.follow.is_unblocked)
        # Ask LINE for a new friend's language *before* counting the follow: counting locks
        # the day's row of the dashboard rollup, and no lock should wait on an HTTP call.
        is_new = followers.find_follower(work.db, user_id) is None
        tag = self._profile_tag(user_id) if is_new else None
        follower, _ = followers.record_follow(
            work.db, user_id, event.timestamp, is_unblocked=is_unblocked
        )
        languages = self.content.languages
        if is_new:
            follower.language = languages.for_profile(tag)
        turn = self._turn(
            work, Resident(follower.id, follower.language, follower.large_text), follower.language
        )
        answer = self.registry.for_event("follow")(turn)
        if is_new and not languages.speaks(tag):
            # LINE in a language we do not speak (Vietnamese, Chinese …): say at once which
            # languages we do, and where to ask in theirs, after the hello.
            note = messages.text(self.content.other_language_note())
            answer = [*answer[:1], note, *answer[1:]]
        return Outcome("answered", "follow"), answer, turn

    def _profile_language(self, user_id: str) -> str:
        """The language of the LINE profile of a resident we never saw follow (before the bot
        listened, or after they erased their data), as the language catalogue maps it."""
        return self.content.languages.for_profile(self._profile_tag(user_id))

    def _profile_tag(self, user_id: str) -> str | None:
        """The language tag of the resident's LINE profile ("en", "zh-Hant"), or None when
        LINE does not say, or does not answer."""
        try:
            profile = self.gateway.profile(user_id)
        except LineError as error:
            log.warning("profile lookup failed: %s", error.status)
            return None
        return profile.language if profile else None

    def _text(
        self, work: UnitOfWork, resident: Resident, context: LastAnswer | None, text: str
    ) -> Handled:
        """A typed message: help lines first if it expresses a crisis, else what it means."""
        languages = self.content.languages
        crisis = self.safety.check(text)
        if crisis is not None:
            # A message with no language's words ("help", "119") is answered in the resident's
            # own language, not in the language of the patterns that caught it.
            written_in = crisis.language if detect_language(text) != UNDETERMINED else ""
            lang = languages.answer_language(resident.language, written_in)
            turn = self._turn(work, resident, lang, crisis=crisis)
            answer = self.registry.for_event("crisis")(turn)
            if self.safety.asks_for_menu_too(text):
                # "help" may be a cry for help or the word for the menu: lines first, then
                # what the bot can do. The context stays forgotten, as after any crisis.
                answer = [*answer, *self.registry.for_intent("help")(turn)]
                turn.forget()
            elif crisis.beside_answer:
                answer = [*answer, *self._beside_the_lines(work, resident, text)]
            if self._awaiting(context) is not None:
                # The bot was waiting for the resident's words (a name for a booking): the
                # help lines come first, and it still waits, so the name typed next is taken
                # as a name, not kept for staff as an unanswered question.
                turn.keep_context()
            return Outcome("answered", "safety", safety=crisis.category), answer, turn
        self.refresh_models()
        route, normalized = route_typed(self.router.route, text, self.chooser)
        lang = languages.answer_language(resident.language, route.language)
        turn = self._turn(work, resident, lang, text=text, normalized=normalized, route=route)
        turn.context = context
        meant = understand(route, normalized, context, self.content, lang, self.chooser)
        if meant.reset:
            turn.forget()
            return Outcome("answered", "reset"), self.registry.action("menu")(turn), turn
        if meant.how == NEXT_PAGE and context is not None:
            # 「次の日程」 typed after a page with a next one: what its button does
            return self._button(work, resident, context, context.data[NEXT_PAGE])
        if meant.how == NO_MORE:
            # 「もっと見る」 with no next page: navigation, not a question (neither counted nor
            # kept as unanswered); the last answer stays remembered
            return Outcome("answered", NO_MORE), self.registry.for_event(NO_MORE)(turn), turn
        awaited = self._awaited(context, meant.how)
        if awaited is not None:
            # The bot asked for this (a name for a booking): it is an answer, not a question,
            # so it is neither counted nor kept as unanswered, and a name in Latin letters does
            # not switch the answer to English.
            turn.lang = resident.language
            return Outcome("answered", awaited), self.registry.for_event(awaited)(turn), turn
        if route.language not in languages.answer_in_english:
            answer = self._answer_meant(turn, meant)
        elif (meant.intent == "unknown" and meant.how == "routed") or _guessed_across_topics(meant):
            # In a language we do not speak, and nothing we answer (or only a choice of answers
            # from different topics, guessed from words we cannot read: 「iPhone」 for a Korean
            # question on certificates): the note a new friend in such a language gets, with
            # the topics to choose from.
            meant = replace(meant, intent="unknown")
            answer = self.registry.for_event("other_language")(turn)
        else:  # answered, after the note on the languages we speak
            if meant.how == "ask":
                # "which of these?" between one topic's answers, read from words we cannot
                # read (a Korean question on certificates offered 「iPhone」): the topic's
                # overview, which leads to them all
                overview = self.content.topic(meant.intent, lang).overview().key
                meant = replace(meant, how="routed", entry=overview, options=())
            note = messages.text(self.content.other_language_note())
            answer = [note, *self._answer_meant(turn, meant)]
        if meant.entry == ACKNOWLEDGED:
            # 「はい」 after the hours: the next 「土日は？」 is still about them
            turn.keep_context()
        elif meant.how == "command" and meant.intent in OPENINGS and self._awaiting(context):
            # 「すみません」 or 「使い方」 typed while the bot waits for a name: answered, and it
            # still waits, so the name typed next is the booking's, not an unanswered question
            turn.keep_context()
        return Outcome("answered", meant.intent, question=True), answer, turn

    def _beside_the_lines(self, work: UnitOfWork, resident: Resident, text: str) -> list[dict]:
        """The answer to the question a message the safety check was less sure of may also
        ask, sent after the help lines: as a fresh question (no follow-up, no reset words),
        and nothing for a question the bot cannot answer, whose text would be kept for staff.
        Its turn is not the event's: what it would remember or push is dropped."""
        self.refresh_models()
        route, normalized = route_typed(self.router.route, text, self.chooser)
        lang = self.content.languages.answer_language(resident.language, route.language)
        meant = understand(route, normalized, None, self.content, lang, self.chooser)
        if meant.intent in ("unknown", "") or meant.how == "command":
            return []
        turn = self._turn(work, resident, lang, text=text, normalized=normalized, route=route)
        return self._answer_meant(turn, meant)[: MAX_MESSAGES - 1]

    def _answer_meant(self, turn: Turn, meant: Understanding) -> list[dict]:
        """The answer to what a typed message was understood to ask: its topic's handler, or
        "which of these?" when two answers are too close to choose."""
        if turn.route is not None and turn.route.intent != meant.intent:
            turn.route = replace(turn.route, intent=meant.intent)
        turn.entry_key, turn.area, turn.options = meant.entry, meant.area, meant.options
        if meant.how == "ask":
            return self.registry.for_event("ask_back")(turn)
        return self.registry.for_intent(meant.intent)(turn)

    def _awaited(self, context: LastAnswer | None, how: str) -> str | None:
        """The event handler waiting for the resident's next typed words, unless they sent
        a command the bot teaches (予約の確認 …), which is run as the command."""
        return None if how == "command" else self._awaiting(context)

    def _awaiting(self, context: LastAnswer | None) -> str | None:
        """The event handler the last answer left waiting for typed words (it remembered
        `awaits`: a name for a booking), if the bot still has that handler."""
        awaits = (context.data or {}).get("awaits") if context else None
        return awaits if isinstance(awaits, str) and awaits in self.registry.events else None

    def _button(
        self, work: UnitOfWork, resident: Resident, context: LastAnswer | None, data: str
    ) -> Handled:
        """Run the handler of a button we made; anything else gets a friendly menu."""
        postback = Postback.unpack(data)
        handler = self.registry.for_action(postback.action) if postback else None
        if postback and postback.action == "topic":
            # A menu button means the same as asking about the topic in words.
            intent = postback.params.get("i", "")
            handler = self.registry.for_intent(intent) if self.registry.knows(intent) else None
        entry_key = self._entry_of_a_topic(postback)
        if postback and entry_key is not None:
            # One answer of a topic, tapped on an ask-back: the topic's own handler answers it,
            # as it would the question typed (the class schedule and the settings are live).
            handler = self.registry.for_intent(postback.params["i"])
        turn = self._turn(work, resident, resident.language, postback=postback)
        turn.context = context
        turn.entry_key = entry_key
        if handler is None or postback is None:
            answer = self.registry.action("unknown_postback")(turn)
            return Outcome("answered", "postback_unknown"), answer, turn
        return Outcome("answered", f"postback:{postback.action}"), handler(turn), turn

    def _entry_of_a_topic(self, postback: Postback | None) -> str | None:
        """The entry an `entry` button names, when its topic answers through a handler of its
        own (not `unknown`, whose entries are only content) and the entry exists."""
        if postback is None or postback.action != "entry":
            return None
        intent, key = postback.params.get("i", ""), postback.params.get("k", "")
        if intent == "unknown" or not self.registry.knows(intent):
            return None
        try:
            self.content.entry(intent, key, self.content.languages.default)
        except KeyError:
            return None
        return key

    def _turn(self, work: UnitOfWork, resident: Resident, lang: str, **fields: Any) -> Turn:
        services = Services(
            open_db=lambda: work.db,
            open_reading=work.flushed,
            content=self.content,
            settings=self.settings,
            now=self.clock(),
            safety=self.safety,
            chooser=self.chooser,
        )
        return Turn(resident=resident, lang=lang, services=services, **fields)


def _guessed_across_topics(meant: Understanding) -> bool:
    """Whether the bot would ask "which of these?" between answers of different topics: for
    a message in a language it does not read, a sign of guessing, not of two close readings."""
    return meant.how == "ask" and len({intent for intent, _ in meant.options}) > 1
