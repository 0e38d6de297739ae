"""Understanding a typed message: what the resident wants, given the route and the last answer.

A pure function of the router's route, the text, the conversation context and the content: no
database, no I/O, so every rule here is tested with plain values. The safety check runs before
it (bot/conversation/answering.py); reset words, commands, follow-ups, the answer inside the
topic and the ward service of an `unknown` question are decided here; whether to ask back
instead of answering, and with which answers, in bot/conversation/asking_back.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from bot.conversation.asking_back import (
    ASK_BELOW,
    ASK_OTHER,
    ENTRY_CONFIRMS,
    ENTRY_SURE,
    entries_to_ask,
    erasing_unasked,
    intents_to_ask,
    offered,
    which_hours,
)
from bot.conversation.button_words import NAMES_IN_JAPANESE, button_named
from bot.conversation.choosing import Chooser
from bot.conversation.router import Route
from bot.conversation.router.lexicon import concepts
from bot.conversation.router.text import detect_language, fold, normalize
from bot.conversation.turn import LastAnswer
from bot.core.content import Content, SettingWords, Words, phrase_matcher, phrases_said
from bot.core.days import hours_meant, names_a_day, weekday_named
from bot.core.directory import Area
from bot.core.text import alone, only_pictographs

# The last answer was a page with a next one (the class schedule: its button's postback data
# is remembered as `next_page`), and the resident typed one of the words for more alone
# (words.yaml `more`: 「次の日程」, 「もっと見る」, "more sessions"): that page, as the tap.
NEXT_PAGE = "next_page"
# The same words with no next page to show (the schedule's last page, another answer, or none):
# nothing more, said so with a way on, not 「お答えできませんでした」 and not kept for staff.
# Unless they ask for the schedule itself (「次の日程」 routed to the classes this sure, and the
# last answer was no schedule page): the schedule from its start answers them.
NO_MORE = "no_more"
SCHEDULE_INTENT = "smartphone_class"
# The router's concepts of a class (教室, 講座, 相談会, "class") and of a kind we do not hold
# (料理教室, 日本語教室): a day missed at one of ours is about a booking, whatever the reason.
CLASS_CONCEPT = "class"
OTHER_CLASS_CONCEPT = "oos_class"
# greeting's answer to 「はい」 or "ok" typed alone (words.yaml acknowledgements)
ACKNOWLEDGED = "acknowledged"
# The sessions a class answer listed (the schedule, "which one?", a day's session), remembered
# by the classes (handlers/classes.py): a day typed next (「12月10日」, "the 8th") picks among
# them, so it is a follow-up of theirs, not 「お答えできませんでした」.
SESSIONS_SHOWN = "session_ids"
SETTINGS_INTENT = "notification_settings"
# The router's concepts of a phone or LINE (スマホ, iPhone, LINE) and of its everyday uses
# (写真を送る, ビデオ通話): what the classes teach, when a resident asks to learn it …
PHONE_CONCEPTS = {"smartphone", "phone_skill"}
# … unless it is another kind of class (パソコン, 英会話) or a phone shop's work (修理, 機種変).
NOT_OUR_LESSONS = {"oos_class", "oos_phone_shop"}
# Routes under which a message may still name a 受信設定 entry with its switching (words.yaml
# about_settings): the classes (教室の前日のリマインダー), no topic, and the contacts, whose 連絡
# is also the bot's message the day before a class (「前日に連絡ありますか」).
READ_FOR_SETTINGS = (SCHEDULE_INTENT, "unknown", "contact")
LANGUAGE_ENTRY = "language"  # 受信設定's answer on the languages, with their buttons
TEXT_SIZE_ENTRY = "text_size"  # 受信設定's answer on larger card text, with its button
# The router's concept of a language named (英語, "English", 日本語で): 受信設定's, unless the
# message names another topic it asks about (「教室は英語？」: the class's language)
LANGUAGE_CONCEPT = "language"
# What a handler remembers (in its context's data) when its answer ends with a yes-or-no question
# of its own (「データを消しますか？」): 「はい」 / 「いいえ」 (words.yaml confirm / decline) typed
# alone next are its answer, read as a follow-up of its topic, not as 「わかりました」.
YES_OR_NO = "yes_or_no"
CANCEL_ENTRY = "cancel"  # the classes' answer on cancelling a booking
MULTILINGUAL_ENTRY = "multilingual"  # the contacts' answer on help in other languages
# `unknown`'s answer to a broken phone or its repair (「スマホの修理を教えてほしい」, words.yaml
# phone_broken): this LINE cannot help with it, the shop or carrier can (ui.yaml phone_shop)
PHONE_SHOP = "phone_shop"
CONTACT_INTENT = "contact"
# Below this confidence a message may be a follow-up to the last answer, if it fits one.
FOLLOW_UP_CONFIDENCE = 0.6
# A follow-up is read inside the last topic when the details model is this sure of the entry.
FOLLOW_UP_ENTRY = 0.6
# A message the bot would not answer otherwise gets the last answer again when that answer is
# its best fit in the last topic, this sure. Follow-ups dev 0.943 at 0.4–0.6; chit-chat of
# data/residents_train.jsonl after each entry of each topic repeats the entry 2.6 % of the time
# at 0.4, 1.9 % at 0.5, 1.5 % at 0.6 (data/README.md, 2026-12-03).
ASKED_AGAIN_ENTRY = 0.6
# Words that point back at the last answer (「それってスマホでできる？」, "can I do that online?"):
# the question is about the last topic even when its words name another one.
POINTS_BACK = re.compile(r"それ|これ|そこ|その|あれ|\b(?:it|that|this|there|those)\b")
# The router's concepts that name a topic (or a service we do not answer): a message naming
# none of them, other than the last answer's own, is read in the light of the last answer.
NAMES_A_TOPIC = {
    "konbini_certificate": {"konbini"},
    "mynumber_card": {"mynumber"},
    "online_application": {"online"},
    "smartphone_class": {"class"},
    "notification_settings": {"settings", "notify", "text_size"},
    "contact": {"phone", "office"},
}
SAID_TO_THE_BOT = {"greet"}
# The contacts' concepts (窓口, 電話, "office") are words of every topic's answers too: typed
# with nothing but a button's words (「窓口は？」 with the konbini's 「窓口で取る」 on screen),
# they ask for that button, not for the list of contacts (which 「窓口は？」 got).
EVERY_TOPICS_WORDS = NAMES_A_TOPIC["contact"]
OUT_OF_SCOPE = "oos_"
# After these no message is read as a follow-up: `unknown` and `help` have nothing narrower to
# ask, and after small talk (「こんにちは」) the next words are a new question, not about hello
# (「つかいかた」 read inside the greeting was answered 「どういたしまして」).
NO_FOLLOW_UPS = {"unknown", "help", "greeting"}
# Remembered (with the earlier answer's topic and entry, nothing else of it) when a question
# could not be answered: a follow-up that fits that earlier answer (「土日は？」 after the konbini,
# then 「あいうえお」) is offered as a question back, not answered outright (the message between
# may have changed the subject) and not 「お答えできませんでした」.
UNANSWERED_SINCE = "unanswered_since"
# Remembered (the area's name) when the answer was another ward service's desk (handlers/
# conversation.py): a short follow-up that names no topic of ours and no other service
# (「いくらかかる？」 after the garbage desk, "where do i apply" after national health insurance,
# 「電話番号おしえて」 after the nursery desk) is for that desk too, which can answer it; it got
# 「お答えできませんでした」, or the list of the ward's main numbers.
DESK_SHOWN = "desk"
# The longest such follow-up, in characters of the normalised message: longer ones say more
# than "where?" or "how much?", and are read as asked.
DESK_FOLLOW_UP_LONGEST = 40
# The konbini's answer on the certificates it issues: a certificate is often needed for another
# ward service's procedure, which the message then names too (「ビザの更新に課税証明書が必要」).
CERTIFICATES = ("konbini_certificate", "certificates")


@dataclass(frozen=True)
class Understanding:
    """What to do with a message: start over, answer an intent (and which entry, or which
    ward service), or ask back which of a few answers the resident means."""

    intent: str  # the intent to answer; "" when the resident asked to start over
    how: str  # reset | command | next_page | no_more | routed | follow_up | ask
    entry: str | None = None  # the entry key to answer with (None: the handler decides)
    area: Area | None = None  # for `unknown`: the other ward service it is about
    options: tuple[tuple[str, str], ...] = ()  # for `ask`: (intent, entry key) to choose from

    @property
    def reset(self) -> bool:
        """The resident said メニュー / キャンセル: back to the start."""
        return self.how == "reset"


def understand(
    route: Route,
    normalized: str,
    context: LastAnswer | None,
    content: Content,
    lang: str,
    chooser: Chooser | None = None,
) -> Understanding:
    """Reset words first, then the commands the bot itself teaches, then a follow-up to the last
    answer if the message fits one, then the route, asking back when it is unsure."""
    chooser = chooser or Chooser(content, None)
    words = content.words
    earlier = None
    if context is not None and (context.data or {}).get(UNANSWERED_SINCE):
        earlier, context = context, None  # no last answer on screen: only offered, below
    if normalized in words.reset:
        return Understanding("", "reset")
    # a command with a mark after it (「質問があります。」, "help?") is still the command
    command = words.commands.get(normalized) or words.commands.get(alone(normalized))
    if command:
        return Understanding(command, "command", entry=chooser.rank(command, normalized)[0][0])
    if words.language_asked(normalized):
        # 「英語にして」, "switch to Japanese": 受信設定 switches the language at once
        return Understanding(SETTINGS_INTENT, "command", entry=LANGUAGE_ENTRY)
    lessons = _language_lessons(normalized, content)
    if lessons is not None:
        # 「英語の勉強がしたい」: where such classes are, not the languages this LINE speaks
        return Understanding("unknown", "routed", area=lessons)
    if _undoes_the_text_size(normalized, context, words):
        return Understanding(SETTINGS_INTENT, "follow_up", entry=TEXT_SIZE_ENTRY)
    setting = _setting_named(route, normalized, words.about_settings)
    if setting is not None:
        return Understanding(SETTINGS_INTENT, "routed", entry=setting)
    if _lost_chats(route, normalized, content):
        # 「LINEのトーク履歴が消えた」: the resident's own LINE app; the consultation helps with it
        entry = chooser.rank(SCHEDULE_INTENT, normalized)[0][0]
        return Understanding(SCHEDULE_INTENT, "routed", entry=entry)
    if _phone_broken(route, normalized, words):
        # 「スマホの修理を教えてほしい」: the classes teach the phone's use; a repair is the shop's
        return Understanding("unknown", "routed", entry=PHONE_SHOP)
    whom = _whom_to_ask(route, normalized, context, chooser)
    if whom is not None:
        return whom
    if _how_to_use_this_line(normalized, content):
        # 「このLINEってどうやってつかうの」: this bot's own how-to, as 「使い方」 gets
        return Understanding("help", "command", entry=chooser.rank("help", "")[0][0])
    if route.intent == "unknown" and _wants_to_learn_a_phone(route, normalized, chooser):
        # 「スマホのべんきょうがしたい」: the classes and consultations teach one the phone
        entry = chooser.rank(SCHEDULE_INTENT, normalized)[0][0]
        return Understanding(SCHEDULE_INTENT, "routed", entry=entry)
    if alone(normalized) in words.more:
        if _has_a_next_page(context):
            assert context is not None
            return Understanding(context.intent, NEXT_PAGE)
        if not _asks_for_the_schedule(route, context):
            return Understanding("", NO_MORE)
    if alone(normalized) in words.again and not _asked_by_the_bot(context, chooser):
        return _said_again(context, chooser)
    if alone(normalized) in words.more_detail and not _asked_by_the_bot(context, chooser):
        more = _more_on_it(context, chooser)
        if more is not None:
            return more
    if _answers_yes_or_no(normalized, context, words):
        assert context is not None
        return Understanding(context.intent, "follow_up", entry=context.entry_key)
    # Emoji alone are a reply only to an answer (👍 after the hours); sent first, they are
    # no question we answer, as the router's data labels them
    replied_with_emoji = context is not None and only_pictographs(normalized)
    acknowledged = alone(normalized) in words.acknowledgements or replied_with_emoji
    if acknowledged and not _asked_by_the_bot(context, chooser):
        # 「はい」, "ok", 「OK👍」, or emoji alone (👍, 🙏) after an answer that asked nothing:
        # not a question, so not "we cannot answer that" (nor kept for staff as one). After a
        # question of the bot's (取り消しますか？) it is the answer to it, read as a follow-up
        # below.
        return Understanding("greeting", "routed", entry=ACKNOWLEDGED)
    button = _button_typed(normalized, context, content, lang)
    if button is not None:
        assert context is not None
        return Understanding(context.intent, "follow_up", entry=button)
    follow_up = _follow_up(route, normalized, context, chooser)
    if follow_up is not None:
        return follow_up
    desk = _same_desk(route, normalized, context, chooser)
    if desk is not None:
        return Understanding("unknown", "follow_up", area=desk)
    offered_again = _earlier_topic_offered(route, normalized, earlier, chooser)
    if offered_again is not None:
        return offered_again
    if _cannot_come_on_a_day(route, normalized, words, chooser):
        # 「8日は行けません」: the only days the bot keeps are the residents' class bookings;
        # what it asks about is cancelling one (the classes answer from the bookings that day)
        return Understanding(SCHEDULE_INTENT, "routed", entry=CANCEL_ENTRY)
    if _help_in_another_language(route, normalized, chooser.content):
        # "help in nepali please": where to get help in that language, not how to use this LINE
        return Understanding("contact", "routed", entry=MULTILINGUAL_ENTRY)
    area = _another_service_named(route, normalized, chooser) or _its_desk_asked_for(
        route, normalized, chooser
    )
    if area is not None:
        return Understanding("unknown", "routed", area=area)
    day = _a_days_session_asked(route, normalized, chooser)
    if day is not None:
        # "I want to go to the class on the 13th", "Wednesday's class": that day's sessions
        # (handlers/classes.py), as 「13日の教室に行きたい」 gets, not "which of these?"
        return Understanding(SCHEDULE_INTENT, "routed", entry=day)
    options = intents_to_ask(_without_the_bots_language(route, normalized), normalized, chooser)
    if options:
        if _only_the_last_answer_offered(options, context):
            # 「やっぱりまた受け取りたい」 after 受信設定 was asked back with 受信設定 as its
            # one button: the answer on screen is the one meant, so it is given again
            intent, key = options[0]
            return Understanding(intent, "follow_up", entry=key)
        return _asked_back(route.intent, options, normalized, chooser)
    if route.intent == "unknown":
        area = chooser.area(normalized)
        again = None if area else _asked_again(normalized, context, chooser)
        if again is not None:
            return again
        if not area and alone(normalized) in words.what_to_do:
            # 「どうしたらええ」, "where?" after an answer, no narrower one of its topic fitting:
            # that answer again (it says what to do, and where), not 「お答えできませんでした」
            return _said_again(context, chooser)
        hours = which_hours(normalized, content)
        if hours:
            return Understanding("unknown", "ask", options=hours)
        # a service guessed by the details model alone (none of its phrases in the message)
        # yields to an answer of ours the message names ("I need a tax certificate")
        guessed = area is not None and _named_by_its_phrases(area, normalized, content) is None
        named = _named_in_one_topic(route, normalized, chooser) if guessed or not area else None
        if named is not None:
            return Understanding(named[0], "routed", entry=named[1])
        return Understanding("unknown", "routed", area=area)
    ranked = chooser.rank(route.intent, normalized)
    close = entries_to_ask(route.intent, ranked) or erasing_unasked(
        route, ranked, normalized, chooser
    )
    if close and _names_a_session_to_join(route, normalized, ranked, close, chooser):
        # "I'd like to join the My Number portal class on Saturday": the classes show the
        # sessions it names, not "how to book or your bookings?"
        return Understanding(route.intent, "routed", entry=ranked[0][0])
    asked_for = _named_beside_the_overview(route.intent, close, normalized, chooser.content)
    if asked_for is not None:
        # 「マイナンバーカードはいくら？」: the fee (いくら), not "the fee or the card in general?"
        return Understanding(route.intent, "routed", entry=asked_for)
    if close and not _wants_to_learn_a_phone(route, normalized, chooser):
        # an erasing answer the message does not ask for is offered as the overview (`offered`)
        sure = dict(ranked)
        shown = (offered(route.intent, k, sure[k], normalized, chooser) for k in close)
        options = tuple((route.intent, k) for k in dict.fromkeys(shown))
        return _asked_back(route.intent, options, normalized, chooser)
    return Understanding(route.intent, "routed", entry=ranked[0][0])


def _asked_back(
    intent: str, options: tuple[tuple[str, str], ...], normalized: str, chooser: Chooser
) -> Understanding:
    """ "Which of these?" with the answers to offer, or the answer itself when one alone is
    offered, of the topic routed, which the message names (NAMES_A_TOPIC), and the details
    model is sure of it (ENTRY_SURE): "what should I bring to the ward office" (routed to the
    contacts, unsure) was asked back with the contacts' answer as its one button (and
    「ほかのこと」), nothing to choose between. Any other single option is still offered, not
    given: on the held-out questions, giving every one answered three that no topic answers
    with a topic's answer (the topic not named, or its answer a guess)."""
    if len(options) == 1 and options[0][0] == intent:
        key = options[0][1]
        sure = dict(chooser.rank(intent, normalized)).get(key, 0.0)
        if sure >= ENTRY_SURE and _names_the_topic(intent, normalized):
            return Understanding(intent, "routed", entry=key)
    return Understanding(intent, "ask", options=options)


def _names_the_topic(intent: str, normalized: str) -> bool:
    """Whether a message names a topic by the router's concepts of it (NAMES_A_TOPIC: 窓口,
    "office" for the contacts), not merely a word one of its answers uses (「受け取りたい」 may
    be 受信設定's or the card's receiving)."""
    return bool(set(concepts(fold(normalized))) & NAMES_A_TOPIC.get(intent, set()))


# Answers a message asks for by their own match phrases whatever else it says, over the topic's
# overview, which never answers them: a fee (いくら, "how much"). Not every answer: "how to get
# certificate of residence at convenience store" names 証明書's phrase, but asks how it is done
# (the overview), and stays asked back.
NAMED_OVER_THE_OVERVIEW = {"fee"}


def _named_beside_the_overview(
    intent: str, close: tuple[str, ...], normalized: str, content: Content
) -> str | None:
    """The answer of two too close to choose that the message asks for by its match phrases
    (NAMED_OVER_THE_OVERVIEW), when the other is the topic's overview, which it does not name:
    「マイナンバーカードはいくら？」 and "how much is a my number card" were asked "the fee, or
    the card in general?", with いくら and "how much" the fee's own words. None otherwise."""
    if len(close) != 2 or "overview" not in close:
        return None
    matched = content.matched(intent, normalized)
    (other,) = [key for key in close if key != "overview"]
    if other not in NAMED_OVER_THE_OVERVIEW or "overview" in matched:
        return None
    return other if other in matched else None


def route_typed(route: Callable[[str], Route], text: str, chooser: Chooser) -> tuple[Route, str]:
    """The route and the normalised text of a typed message. One written in romaji with the
    ward words of words.yaml (「sumaho kyoushitsu」, 「inkan shoumei」) is routed and understood
    as its Japanese (they got 「お答えできませんでした」 and the seal-registration desk), and keeps
    the language it was written in: a brand's or a name's, answered in the resident's own."""
    words = chooser.content.words
    normalized = normalize(text)
    reading = words.read_romaji(normalized)
    if reading is None:
        return _past_the_hello(route, route(text), normalized, chooser), normalized
    routed = replace(route(reading), language=detect_language(text))
    return routed, normalize(reading)


def _past_the_hello(
    route: Callable[[str], Route], routed: Route, normalized: str, chooser: Chooser
) -> Route:
    """A greeting the message begins with yields to the question after it: the router weighs
    「おはようございます」 or "hi" over a short question beside it, and 「おはようございます。
    住民票をとりたいです」, "hi, I forgot my PIN" and 「你好，我想办理住民票」 got the hello
    card. What follows is routed alone; when it is one of our topics, or another ward service's desk
    (「こんにちは、ごみの出し方を教えてください」), that is the route, in the whole message's
    language. When it is nothing we answer ("hi how are you"), the hello stays."""
    if routed.intent != "greeting":
        return routed
    said = chooser.content.words.past_the_hello(normalized)
    if said is None:
        return routed
    beside = route(said)
    if beside.intent == "greeting" or (beside.intent == "unknown" and not chooser.area(said)):
        return routed
    return replace(beside, language=routed.language)


def _undoes_the_text_size(normalized: str, context: LastAnswer | None, words: Words) -> bool:
    """Whether 「元に戻して」 ("undo") is typed alone right after the text-size answer."""
    if context is None or (context.intent, context.entry_key) != (SETTINGS_INTENT, TEXT_SIZE_ENTRY):
        return False
    return alone(normalized) in words.undo


def _setting_named(
    route: Route, normalized: str, about_settings: dict[str, SettingWords]
) -> str | None:
    """The 受信設定 entry a message about the classes names with its switching (「教室の前日の
    リマインダーを止めたい」 was read as cancelling a booking), or one the router cannot place
    (「リマインダーは届きますか」), or one it finds may be 受信設定 (「マイナンバーの話題だけ
    受け取りたい」 was asked back, 話題を選ぶ or マイナンバーカードの受け取り), or one it reads as
    the contacts' for their 連絡 (「前の日に連絡はきますか」 got the list of phone numbers)."""
    maybe_settings = SETTINGS_INTENT in (
        route.intent,
        *(i for i, p in route.alternatives if p >= ASK_OTHER),
    )
    if route.intent not in READ_FOR_SETTINGS and not maybe_settings:
        return None
    return next((key for key, named in about_settings.items() if named.named_in(normalized)), None)


def _without_the_bots_language(route: Route, normalized: str) -> Route:
    """The route without 受信設定 among the topics to ask about when the message names a
    language (英語, "English") together with its routed topic (教室, "class": NAMES_A_TOPIC) and
    no word of 受信設定's: "Is the class taught in English?" was asked back, the classes or the
    languages this LINE answers in; it asks in what language the class is held. The bot's own
    language is asked about without naming another topic (「英語にできる？」)."""
    named_by = NAMES_A_TOPIC.get(route.intent)
    if route.intent == SETTINGS_INTENT or not named_by:
        return route
    if all(intent != SETTINGS_INTENT for intent, _ in route.alternatives):
        return route  # nothing to take out (most messages: the concepts are not needed)
    named = set(concepts(fold(normalized)))
    if LANGUAGE_CONCEPT not in named or not named & named_by:
        return route
    if named & NAMES_A_TOPIC[SETTINGS_INTENT]:
        return route
    others = tuple((i, p) for i, p in route.alternatives if i != SETTINGS_INTENT)
    return replace(route, alternatives=others)


def _lost_chats(route: Route, normalized: str, content: Content) -> bool:
    """Whether a message is about the chats of the resident's own LINE app, lost or to be backed
    up or moved (words.yaml line_chats and chats_lost, both): the smartphone consultation's.
    - Routed to 受信設定 (its 消え, "deleted" are the router's evidence for this LINE's data):
      "how do I recover deleted LINE chats" was asked which of this LINE's data answers, and
      「LINEのトーク履歴が消えた」 got what this LINE keeps, with how to erase it.
    - Routed to the classes or to no topic, when LINE itself is named (words.yaml line_app):
      「LINEのトークがなくなった」 (the classes, 0.57) got the funeral desk, for its なくなった.
    Not when the chats are said to be the ones with this LINE (words.yaml this_line), nor when
    the message names 受信設定 (設定, 通知) or one of its answers by its match phrases."""
    if route.intent not in (SETTINGS_INTENT, SCHEDULE_INTENT, "unknown"):
        return False
    words = content.words
    if not (_says(normalized, words.line_chats) and _says(normalized, words.chats_lost)):
        return False
    if route.intent != SETTINGS_INTENT and not _says(normalized, words.line_app):
        return False  # 「夫との会話がなくなった」 is no question about an app
    if _says(normalized, words.this_line):
        return False  # 「このLINEとのトークを消したら記録も消える？」: this LINE's own data
    if set(concepts(fold(normalized))) & NAMES_A_TOPIC[SETTINGS_INTENT]:
        return False
    # 機種変更 names the resident's phone, not a change of this LINE's settings (変更 is one of
    # 受信設定's match phrases): 「機種変更でLINEのトークを引き継ぎたい」 got the topics to choose
    rest = normalized
    for word in words.phone_changed:
        rest = rest.replace(word, " ")
    return not content.matched(SETTINGS_INTENT, rest)


def _how_to_use_this_line(normalized: str, content: Content) -> bool:
    """Whether a message asks how to use this LINE itself (words.yaml this_line and how_to_use,
    both) and names no answer of a topic by its match phrases: 「このLINEってどうやってつかうの」
    was asked back with the class schedule as its one button (the router unsure between this
    LINE's help, the classes and 受信設定); 「LINEってどうやってつかうの」, the LINE app, stays
    the classes', and 「このLINEの通知の使い方」 受信設定's."""
    words = content.words
    if not (_says(normalized, words.this_line) and _says(normalized, words.how_to_use)):
        return False
    rest = _without_phrases(normalized, [*words.this_line, *words.how_to_use])
    return not any(
        content.matched(intent, rest) for intent in content.catalogue.answered if intent != "help"
    )


def _wants_to_learn_a_phone(route: Route, normalized: str, chooser: Chooser) -> bool:
    """Whether a message no topic fits, or one about the classes, asks to be taught to use a
    phone or LINE (the router's concepts of them, and words.yaml learn): the classes and
    consultations answer it (their best answer, not "which of these?"). 「スマホのべんきょうが
    したい」 (no topic, 0.26 the classes) got 「お答えできませんでした」, 「スマホの勉強がしたい」
    was asked back with the classes alone, and 「LINEの使い方を習いたい」 which of two of their
    answers. Not another kind of class
    (パソコン, 英会話: oos_class), a phone shop's work (修理, 機種変: oos_phone_shop), nor a
    ward service named by its own directory phrases."""
    if route.intent not in ("unknown", SCHEDULE_INTENT):
        return False
    if not _says(normalized, chooser.content.words.learn):
        return False  # most messages: the concepts below are not needed
    named = set(concepts(fold(normalized)))
    if not named & PHONE_CONCEPTS or named & NOT_OUR_LESSONS:
        return False
    area = _named_by_its_phrases(chooser.area(normalized), normalized, chooser.content)
    return area is None


def _language_lessons(normalized: str, content: Content) -> Area | None:
    """The ward service for learning the language a message wants to learn (words.yaml
    language_lessons, with a word of learn): 「英語の勉強がしたい」 and "I want to study
    Japanese" got 言語を変える, the languages this LINE answers in; 「日本語を勉強したい」
    got 「お答えできませんでした」. A language named as the class's (「日本語で」) is not one,
    nor one learnt at a class of ours, the phone named (the smartphone classes' question)."""
    words = content.words
    key = words.language_lesson(normalized)
    directory = content.directory
    if not key or directory is None:
        return None
    rest = _without_phrases(normalized, [*words.learn, *words.language_lessons[key]])
    if _says(normalized, words.a_phone) and CLASS_CONCEPT in concepts(fold(rest)):
        return None  # "can I learn English at the smartphone class?": the classes' question
    return directory.get(key)


def _phone_broken(route: Route, normalized: str, words: Words) -> bool:
    """Whether a message about the classes, or one no topic fits, is about a phone broken or
    to be repaired (words.yaml a_phone and phone_broken, both): 「スマホの修理を教えてほしい」
    got the class schedule for its 教えてほしい, "my phone screen is broken" 「お答えできません
    でした」. Not when one of our classes or consultations is named besides the wish to learn
    (「画面が割れたスマホでも教室に参加できますか」 is the classes' question)."""
    if route.intent not in ("unknown", SCHEDULE_INTENT):
        return False
    if not (_says(normalized, words.phone_broken) and _says(normalized, words.a_phone)):
        return False
    rest = _without_phrases(normalized, words.learn)
    return CLASS_CONCEPT not in concepts(fold(rest))


def _whom_to_ask(
    route: Route, normalized: str, context: LastAnswer | None, chooser: Chooser
) -> Understanding | None:
    """Whom to call, for a message that asks whom to ask (words.yaml whom_to_ask) and names no
    topic of ours nor a ward service by its phrases: 「だれにきいたらいいの」 and "who should I
    ask?" got 「お答えできませんでした」 (or were asked back). After an answer whose topic names
    the entry that says whom to ask (topics.yaml desk: online applications' 困ったとき), that
    entry; else the contacts' answer that fits the message best."""
    if route.intent not in ("unknown", CONTACT_INTENT):
        return None
    content = chooser.content
    if not content.words.asks_whom_to_ask(normalized):
        return None
    if _named_by_its_phrases(chooser.area(normalized), normalized, content) is not None:
        return None  # 「ごみのことはだれに聞けばいい？」: that service's desk, below
    topic = content.catalogue.get(context.intent) if context is not None else None
    if topic is not None and topic.desk and context is not None:
        return Understanding(context.intent, "follow_up", entry=topic.desk)
    return Understanding(
        CONTACT_INTENT, "routed", entry=chooser.rank(CONTACT_INTENT, normalized)[0][0]
    )


def _says(normalized: str, phrases: list[str]) -> bool:
    """Whether the message contains one of the phrases, as a match phrase is found: Latin ones
    as whole words ("chat" is not in "chatbot")."""
    return phrases_said(phrases, normalized)


def _answers_yes_or_no(normalized: str, context: LastAnswer | None, words: Words) -> bool:
    """Whether the last answer asked yes or no (YES_OR_NO remembered) and the message is one of
    the words that answer it, alone."""
    if context is None or not (context.data or {}).get(YES_OR_NO):
        return False
    return words.yes_or_no(normalized) is not None


def _another_service_named(route: Route, normalized: str, chooser: Chooser) -> Area | None:
    """The ward service a message routed to one of the bot's topics is about instead, when it
    does not name that topic (NAMES_A_TOPIC) but names the service by one of its own match
    phrases (content/directory.yaml): 「在留カードの更新」 was answered with the My Number
    card's renewal, for its 「カード」 and 「更新」. Not for 受信設定 nor the contacts, whose
    questions name the news they want (「子育ての情報も届くようにして」) or the desk they
    look for ("help for foreign residents": the contacts' own answer). The topic is not named
    by a word inside the service's own phrase (「マイナ保険証」, the card as health insurance, was
    asked back about the card's overview or its loss) unless the rest of the message names one
    of the topic's answers (「マイナ保険証の暗証番号」 is the card's PIN). Nor when, the topic
    unnamed, one of its answers is named by longer phrases of its own than the service's: "I
    need tax certificate for my visa renewal" got the foreign residents' desk for its "visa",
    while the certificate it asks for is the konbini's (「在留カードの更新」 keeps its desk: its
    在留カード is longer than the renewal's 更新)."""
    named_by = NAMES_A_TOPIC.get(route.intent)
    if route.intent in (SETTINGS_INTENT, "contact") or not named_by:
        return None
    content = chooser.content
    area = _named_by_its_phrases(chooser.area(normalized), normalized, content)
    if area is None:
        return None
    rest = _without_phrases(normalized, area.words())
    if named_by & set(concepts(fold(normalized))):
        if named_by & set(concepts(fold(rest))) or content.matched(route.intent, rest):
            return None
    elif _its_answer_outweighs(
        route.intent,
        normalized,
        _outside_its_phrases(area, route.intent, normalized, chooser),
        chooser,
    ):
        return None
    return area


def _outside_its_phrases(area: Area, intent: str, normalized: str, chooser: Chooser) -> str:
    """The message without the ward service's phrases, but for those inside a longer match
    phrase of the topic's best answer that the message holds: 「非課税証明書がほしい」 names
    the konbini's certificate by its 非課税証明, and lost it with the tax desk's 非課税 cut
    out (the residence tax desk answered it)."""
    key = chooser.rank(intent, normalized)[0][0]
    ours = [p for p in chooser.content.phrases(intent, key) if phrase_matcher(p)(normalized)]
    inside = {w for w in area.words() if any(w in p and w != p for p in ours)}
    return _without_phrases(normalized, [w for w in area.words() if w not in inside])


def _its_answer_outweighs(intent: str, normalized: str, rest: str, chooser: Chooser) -> bool:
    """Whether the message asks for a certificate the konbini issues (CERTIFICATES: the details
    model's best answer, ASK_BELOW or more), named outside a ward service's own phrases by more of
    the message (the answer's match phrases' total length) than every ward service named in
    it: the service is what the certificate is for (a visa, a nursery school), not the question.
    Other answers do not outweigh a service (a question routed to the classes that names a ward
    service by a shorter phrase is still that service's)."""
    key, probability = chooser.rank(intent, normalized)[0]
    if (intent, key) != CERTIFICATES or probability < ASK_BELOW:
        return False
    ours = chooser.content.matched(intent, rest).get(key, 0)
    return ours > max(chooser.content.matched("unknown", normalized).values(), default=0)


def _named_by_its_phrases(area: Area | None, normalized: str, content: Content) -> Area | None:
    """The ward service the details model found, if one of its own directory phrases is in the
    message; None when it was only guessed (or none was found)."""
    named = area is not None and area.area in content.matched("unknown", normalized)
    return area if named else None


def _only_the_last_answer_offered(
    options: tuple[tuple[str, str], ...], context: LastAnswer | None
) -> bool:
    """Whether asking back would offer one answer only, and it is the last answer's topic's
    general answer or the last answer itself: nothing to choose between."""
    if context is None or len(options) != 1:
        return False
    intent, key = options[0]
    return intent == context.intent and key in ("overview", context.entry_key)


def _help_in_another_language(route: Route, normalized: str, content: Content) -> bool:
    """Whether a message routed to how to use this LINE (its "help") asks for help in a
    language, named by a phrase of the contacts' answer on other languages: "help in nepali
    please" got what this LINE answers and how to ask, in English, nothing on where to get
    help in Nepali (the foreign residents' desk, which that answer names)."""
    return route.intent == "help" and MULTILINGUAL_ENTRY in content.matched("contact", normalized)


def _its_desk_asked_for(route: Route, normalized: str, chooser: Chooser) -> Area | None:
    """The ward service whose desk a question routed to the contacts asks for, named by one of
    the service's own match phrases (content/directory.yaml): 「ごみのことはどこに聞けばいいで
    すか」 and 「パスポートはどこに問い合わせればいいですか」 got the list of the main phone
    numbers, none of them the service's. Not when the contacts' own answers name that service
    (外国人 → the foreign residents' desk, 介護 → the care centre in the list): theirs."""
    if route.intent != "contact":
        return None
    content = chooser.content
    area = _named_by_its_phrases(chooser.area(normalized), normalized, content)
    if area is None:
        return None
    named = " ".join(w for w in area.words() if phrase_matcher(w)(normalized))
    return None if content.matched("contact", named) else area


def _has_a_next_page(context: LastAnswer | None) -> bool:
    """Whether the last answer was a page with a next one (its button's data remembered)."""
    return context is not None and isinstance((context.data or {}).get(NEXT_PAGE), str)


def showed_a_schedule_page(context: LastAnswer | None) -> bool:
    """Whether the last answer was a page of the class schedule (its next page, if any, is
    remembered under NEXT_PAGE: None on the last page)."""
    return context is not None and NEXT_PAGE in (context.data or {})


def _describes_a_session(normalized: str, words: Words) -> bool:
    """Whether a message names a session by its day of the week, its hour or its kind
    (「土曜日の回」, 「14時からのやつ」, 「相談会のほう」, "the Saturday one"), as the classes read
    it after the schedule (handlers.classes.described)."""
    return (
        weekday_named(normalized) is not None
        or hours_meant(normalized) is not None
        or words.session_kind(normalized) is not None
    )


# The classes' answers on the sessions to join, and on the resident's own bookings: a question
# back between them is not needed when the message names the session it means.
JOINING = {"overview", "schedule", "reserve"}
BOOKINGS = {"my_reservations", "cancel"}
# The one of them that lists the sessions, for a day named with no surer answer
JOINING_DEFAULT = "schedule"


def _names_a_session_to_join(
    route: Route,
    normalized: str,
    ranked: list[tuple[str, float]],
    close: tuple[str, ...],
    chooser: Chooser,
) -> bool:
    """Whether a message about the classes, which the details model cannot place between joining
    a session and the resident's own bookings, names the session it wants by its day, day of
    the week, hour or kind ("I'd like to join the My Number portal class on Saturday", 「土曜日の
    教室に行きたい」), joining first and no word of the bookings' own: it was asked back "how to
    book, or my bookings?"; the classes show the sessions it names (handlers/classes.py)."""
    if route.intent != SCHEDULE_INTENT or ranked[0][0] not in JOINING:
        return False
    if not set(close) <= JOINING | BOOKINGS:
        return False
    words = chooser.content.words
    if not (names_a_day(normalized) or _describes_a_session(normalized, words)):
        return False
    return not set(chooser.content.matched(SCHEDULE_INTENT, normalized)) & BOOKINGS


def _a_days_session_asked(route: Route, normalized: str, chooser: Chooser) -> str | None:
    """The classes' answer on the sessions to join for a message about them that names a day
    (a date or a day of the week) and no other of their answers by its match phrases, when the
    details model is not sure of another and no other topic is as likely: "I want to go to the
    class on the 13th" and "the class on December 13" were asked back "consultation or class? /
    cancel?", and "Wednesday's class" offered the difference alone; the classes show that day's
    sessions. None otherwise ("how much is the class on the 13th" stays the fee, "can I cancel
    the class on the 13th" the cancelling)."""
    if route.intent != SCHEDULE_INTENT:
        return None
    if route.confidence < ASK_BELOW and any(p >= ASK_OTHER for _, p in route.alternatives):
        return None  # another topic as likely: asked back which, as before
    if not (names_a_day(normalized) or weekday_named(normalized) is not None):
        return None
    if not set(chooser.content.matched(SCHEDULE_INTENT, normalized)) <= JOINING:
        return None
    best, sure = chooser.rank(SCHEDULE_INTENT, normalized)[0]
    if best in JOINING:
        return best
    return None if sure >= ENTRY_SURE else JOINING_DEFAULT


def _lists_sessions(context: LastAnswer) -> bool:
    """Whether the last answer listed class sessions (the schedule, a day's session)."""
    return context.intent == SCHEDULE_INTENT and bool((context.data or {}).get(SESSIONS_SHOWN))


def _cannot_come_on_a_day(route: Route, normalized: str, words: Words, chooser: Chooser) -> bool:
    """Whether a message about the classes, or one no topic and no ward service fits, says
    the resident cannot come on a day it names (「8日は行けません」, words.yaml cannot_come):
    the classes answer it from the resident's bookings (a booking that day, or none). A ward
    service its reason names does not make it a question about that service when it names a
    class of ours: 「子どもが熱を出したので明日の教室は休みます」 got 休日・夜間の診療 (#7119)
    for its 熱. Not another kind of class (「料理教室」: oos_class), which we do not book."""
    if route.intent not in ("unknown", SCHEDULE_INTENT):
        return False
    # the words first: they are the cheapest test, and most messages have none of them
    if not any(word in normalized for word in words.cannot_come):
        return False
    if not names_a_day(normalized) and weekday_named(normalized) is None:
        return False  # 「火曜の教室は行けません」 names its day by the day of the week
    if route.intent == SCHEDULE_INTENT:
        return True
    named = set(concepts(fold(normalized)))
    names_a_class = CLASS_CONCEPT in named and OTHER_CLASS_CONCEPT not in named
    return names_a_class or chooser.area(normalized) is None


def _asks_for_the_schedule(route: Route, context: LastAnswer | None) -> bool:
    """Whether words for more (「次の日程」, "next sessions") ask for the class schedule itself:
    routed to it at ASK_BELOW or more, and not typed right after one of its pages."""
    sure = route.intent == SCHEDULE_INTENT and route.confidence >= ASK_BELOW
    return sure and not showed_a_schedule_page(context)


def _follow_up(
    route: Route, normalized: str, context: LastAnswer | None, chooser: Chooser
) -> Understanding | None:
    """The message read inside the last answer's topic, if it asks another of its questions."""
    if context is None or context.intent in NO_FOLLOW_UPS:
        return None
    points_back = POINTS_BACK.search(normalized) is not None
    vague = route.confidence < FOLLOW_UP_CONFIDENCE or route.intent in ("unknown", "help")
    if _new_subject(normalized, context, points_back, chooser.content):
        return None
    if chooser.asked_by_the_bot(context.intent, context.entry_key):
        # the last answer asked something (which session?): this is the reply to it
        return Understanding(context.intent, "follow_up")
    if (
        vague
        and _lists_sessions(context)
        and (names_a_day(normalized) or _describes_a_session(normalized, chooser.content.words))
    ):
        # a day typed right after the class schedule (「12月10日」, "Dec 10", "the 8th"), or a
        # day of the week, an hour or a kind (「土曜日の回」 got 休日・夜間の診療): one of the
        # sessions it showed, for the classes to show or book
        return Understanding(context.intent, "follow_up")
    if not (vague or points_back) and route.intent == context.intent:
        return None  # the route reads it inside the same topic anyway
    if _asks_where_or_to_book(normalized, context, chooser):
        # the last answer says where, and whether to book (or that it is not confirmed): before
        # the classes' own words are heard in 「予約いりますか」
        return Understanding(context.intent, "follow_up", entry=context.entry_key)
    if not (vague or points_back) and _named_in_the_route_alone(
        route, normalized, context, chooser
    ):
        return None  # 「予約は残ってる？」 after 受信設定: the bookings, not what the LINE keeps
    on_a_phone = points_back and _asks_if_on_a_phone(normalized, context, chooser.content.words)
    if on_a_phone and not chooser.content.matched(context.intent, normalized):
        # the last answer says whether and how it is done (on a phone or where), and where to
        # ask; the details model's guess at another answer of the topic, from words that name
        # none ("can I do it on my phone?" after the card's renewal: its receiving, 0.60 sure),
        # does not outweigh the answer pointed at
        return Understanding(context.intent, "follow_up", entry=context.entry_key)
    key, probability = chooser.rank(context.intent, normalized)[0]
    # the overview only when its own phrases ask for it (after 受信設定's stop, "turn back on"
    # and 「またほしい」 are its また受け取る); otherwise it is the details model's default
    asked_for = key != "overview" or key in chooser.content.matched(context.intent, normalized)
    if asked_for and key != context.entry_key and probability >= FOLLOW_UP_ENTRY:
        return Understanding(context.intent, "follow_up", entry=key)
    if on_a_phone:
        # the last answer says whether and how it is done (on a phone or where), and where to ask
        return Understanding(context.intent, "follow_up", entry=context.entry_key)
    return None


def _named_in_the_route_alone(
    route: Route, normalized: str, context: LastAnswer, chooser: Chooser
) -> bool:
    """Whether a message the router is sure of (another topic than the last answer's) names
    an answer of that topic by its own match phrases and none of the last topic's: 「予約は
    残ってる？」 after the reminders were stopped in 受信設定 got 「このLINEが保存する情報」,
    its best guess inside 受信設定, while 予約 names the classes' bookings."""
    if route.intent in NO_FOLLOW_UPS or route.intent == context.intent:
        return False
    content = chooser.content
    return bool(content.matched(route.intent, normalized)) and not content.matched(
        context.intent, normalized
    )


def _asks_where_or_to_book(normalized: str, context: LastAnswer, chooser: Chooser) -> bool:
    """Whether a message typed after an answer asks only where that is done or whether it needs
    an appointment (words.yaml where_or_booking): 「予約いりますか」 after the card's address
    change was asked which of the classes' booking answers, and 「どこでできますか」 got 「お答えで
    きませんでした」. Not after an overview, which says neither, nor after the classes (their
    booking is theirs), 受信設定 or the contacts, nor when a class or another ward service is
    named (「粗大ごみは予約いる？」)."""
    if context.intent in (SCHEDULE_INTENT, SETTINGS_INTENT, CONTACT_INTENT):
        return False
    if context.entry_key in (None, "overview"):  # an overview says neither
        return False
    if not _says(normalized, chooser.content.words.where_or_booking):
        return False
    if CLASS_CONCEPT in concepts(fold(normalized)):
        return False
    return chooser.area(normalized) is None and not chooser.content.matched("unknown", normalized)


def _earlier_topic_offered(
    route: Route, normalized: str, earlier: LastAnswer | None, chooser: Chooser
) -> Understanding | None:
    """A question back offering the answer a message would get as a follow-up of the answer
    before an unanswered question (UNANSWERED_SINCE): the konbini, 「あいうえお」, then 「土日は？」
    got 「お答えできませんでした」."""
    if earlier is None or chooser.asked_by_the_bot(earlier.intent, earlier.entry_key):
        return None
    found = _follow_up(route, normalized, earlier, chooser)
    if found is None and route.intent == "unknown" and chooser.area(normalized) is None:
        found = _asked_again(normalized, earlier, chooser)
    if found is None or not found.entry:
        return None
    return Understanding(found.intent, "ask", options=((found.intent, found.entry),))


def _asks_if_on_a_phone(normalized: str, context: LastAnswer, words: Words) -> bool:
    """Whether a message pointing back at an answer asks if that can be done on a smartphone
    (words.yaml on_a_phone): 「それってスマホでできる？」 after the card's application, "can I do
    it on my phone?" after its renewal were asked back about the smartphone classes (their スマホ,
    "phone"). Not after the classes' own answers, nor when a class is named (教室, "class")."""
    if context.intent == SCHEDULE_INTENT or not context.entry_key:
        return False
    if not any(phrase in normalized for phrase in words.on_a_phone):
        return False
    return CLASS_CONCEPT not in concepts(fold(normalized))


def _button_typed(
    normalized: str, context: LastAnswer | None, content: Content, lang: str
) -> str | None:
    """The button of the last answer a short message is typed with (「支払いは？」 with
    「オンラインで支払い」 on screen; button_words.py), unless it is said to the bot or names
    another topic: that is a new subject even when a button shares its words (「マイナカード」
    with 「マイナカードで本人確認」 on screen is about the card). A concept of a service the bot
    does not answer (支払 for payments) does not count: it is the button's own word here, as
    are the contacts' (窓口: EVERY_TOPICS_WORDS)."""
    if context is None or context.intent in NO_FOLLOW_UPS:
        return None
    button = button_named(normalized, context.intent, context.entry_key, content, lang)
    if button is None:  # most messages: the concepts below are not needed
        return None
    named = set(concepts(fold(normalized)))
    others = set().union(*(c for i, c in NAMES_A_TOPIC.items() if i != context.intent))
    return None if named & ((others - EVERY_TOPICS_WORDS) | SAID_TO_THE_BOT) else button


def _asked_by_the_bot(context: LastAnswer | None, chooser: Chooser) -> bool:
    """Whether the last answer asked the resident something (which session? cancel it?)."""
    return context is not None and chooser.asked_by_the_bot(context.intent, context.entry_key)


def _new_subject(normalized: str, context: LastAnswer, points_back: bool, content: Content) -> bool:
    """Whether the message is said to the bot (「ありがとう」) or names another subject
    (「マイナカードの更新は？」, 「あと粗大ごみは？」) without pointing back at the last answer.
    A service we do not answer named only by the last topic's own words is no other subject:
    「駐車場ある？」 after the classes is about their venue (its 駐車 is the router's evidence
    for the ward's parking, so it got 「お答えできませんでした」)."""
    named = set(concepts(fold(normalized)))
    if named & SAID_TO_THE_BOT:
        return True
    if points_back:
        return False
    others = set().union(*(c for i, c in NAMES_A_TOPIC.items() if i != context.intent))
    if named & others:
        return True
    if not any(c.startswith(OUT_OF_SCOPE) for c in named):
        return False
    # what is left names nothing else (「区民税の支払いは？」 after online applications keeps
    # its 区民税, a new subject however 支払 is the topic's own word)
    rest = _without_the_topics_words(normalized, context.intent, content)
    return bool(NAMES_IN_JAPANESE.search(rest)) or any(
        c.startswith(OUT_OF_SCOPE) for c in concepts(fold(rest))
    )


def _without_the_topics_words(normalized: str, intent: str, content: Content) -> str:
    """The message with the match phrases of the topic's entries it contains taken out (Latin
    ones as whole words), the longest first."""
    found = (p for key in content.matched(intent, normalized) for p in content.phrases(intent, key))
    return _without_phrases(normalized, found)


def _without_phrases(normalized: str, phrases: Iterable[str]) -> str:
    """The message with the phrases it contains taken out (Latin ones as whole words), the
    longest first."""
    rest = normalized
    for phrase in sorted(set(phrases), key=len, reverse=True):
        if not phrase:
            continue
        if phrase.isascii():
            rest = re.sub(r"(?<![a-z0-9])" + re.escape(phrase) + r"(?![a-z0-9])", " ", rest)
        else:
            rest = rest.replace(phrase, " ")
    return rest


def _named_in_one_topic(route: Route, normalized: str, chooser: Chooser) -> tuple[str, str] | None:
    """The answer a message the router could not place still plainly asks for: of the topics it
    may mean (the route's alternatives), the one whose entry its own match phrases name and the
    details model is sure of (ENTRY_CONFIRMS). "how long until my card is ready?" (the card's
    "how long", 0.33 the card) and 「ログインできない、もう限界」 (ログイン, 0.19 online
    applications) got 「お答えできませんでした」 while their answer was plain; "I need a tax
    certificate" got the taxation desk, which the details model guessed, while the konbini's
    certificates name it. None when no topic or more than one fits, or the fit is an overview
    (nothing narrower is asked)."""
    fits = []
    for intent, _ in route.alternatives:
        if intent in ("greeting", "help"):
            continue
        key, probability = chooser.rank(intent, normalized)[0]
        if key == "overview" or probability < ENTRY_CONFIRMS:
            continue
        if key in chooser.content.matched(intent, normalized):
            fits.append((intent, key))
    return fits[0] if len(fits) == 1 else None


def _said_again(context: LastAnswer | None, chooser: Chooser) -> Understanding:
    """「もう一回」, "say that again" (words.yaml again) typed alone: the last answer again (an
    older resident who lost it on screen got 「お答えできませんでした」), a ward service's desk
    too. With no answer of a topic before it (after the menu, small talk, or an answer that
    ends the topic), how to use this LINE: what it answers and how to ask, not "we cannot
    answer that"."""
    desk = _desk_shown(context, chooser.content)
    if desk is not None:
        return Understanding("unknown", "follow_up", area=desk)
    if context is not None and context.intent not in NO_FOLLOW_UPS and context.entry_key:
        return Understanding(context.intent, "follow_up", entry=context.entry_key)
    return Understanding("help", "command", entry=chooser.rank("help", "")[0][0])


def _asked_again(
    normalized: str, context: LastAnswer | None, chooser: Chooser
) -> Understanding | None:
    """The last answer again, for a message the bot would otherwise not answer at all (routed
    to `unknown`, no ward service named) whose best fit in the last topic is that very answer:
    「土日も使える？」 right after the hours, whose card says when. Not a new follow-up (the
    entry is the same), but better than 「お答えできませんでした」."""
    if context is None or context.intent in NO_FOLLOW_UPS or not context.entry_key:
        return None
    if chooser.asked_by_the_bot(context.intent, context.entry_key):
        return None
    points_back = POINTS_BACK.search(normalized) is not None
    if _new_subject(normalized, context, points_back, chooser.content):
        return None
    key, probability = chooser.rank(context.intent, normalized)[0]
    if key != context.entry_key or probability < ASKED_AGAIN_ENTRY:
        return None
    return Understanding(context.intent, "follow_up", entry=key)


def _more_on_it(context: LastAnswer | None, chooser: Chooser) -> Understanding | None:
    """「もっと詳しく」, "tell me more" (words.yaml more_detail) typed alone after an answer: its
    topic's overview, which says what the topic is and offers every answer of it with the
    ward's page (after the overview itself, the overview again: its buttons are the details);
    after a ward service's desk, that desk again (it is who knows more). They got 「お答えでき
    ませんでした」. None with no answer before it: read as any message."""
    desk = _desk_shown(context, chooser.content)
    if desk is not None:
        return Understanding("unknown", "follow_up", area=desk)
    if context is None or context.intent in NO_FOLLOW_UPS or not context.entry_key:
        return None
    return Understanding(context.intent, "follow_up", entry="overview")


def _desk_shown(context: LastAnswer | None, content: Content) -> Area | None:
    """The ward service whose desk the last answer named (DESK_SHOWN), if the directory still
    has it."""
    name = (context.data or {}).get(DESK_SHOWN) if context is not None else None
    if not isinstance(name, str) or content.directory is None:
        return None
    return content.directory.get(name)


def _same_desk(
    route: Route, normalized: str, context: LastAnswer | None, chooser: Chooser
) -> Area | None:
    """The desk the last answer named, for a short follow-up of it (DESK_SHOWN): the router
    finds no topic of ours in it (or is unsure, or reads the contacts' 電話, 窓口: the desk's
    own number is asked for), and it names no topic of ours, no other ward service by that
    service's phrases, nor one we do not answer (the router's oos_ concepts), and is not said
    to the bot (「ありがとう」). A message naming something new is answered as asked."""
    desk = _desk_shown(context, chooser.content)
    if desk is None or len(normalized) > DESK_FOLLOW_UP_LONGEST:
        return None
    if route.intent not in ("unknown", CONTACT_INTENT) and route.confidence >= FOLLOW_UP_CONFIDENCE:
        return None
    named = set(concepts(fold(normalized)))
    ours = set().union(*(c for i, c in NAMES_A_TOPIC.items() if i != CONTACT_INTENT))
    if named & (ours | SAID_TO_THE_BOT) or any(c.startswith(OUT_OF_SCOPE) for c in named):
        return None
    other = _named_by_its_phrases(chooser.area(normalized), normalized, chooser.content)
    if other is not None and other.area != desk.area:
        return None
    return desk
