"""Asking back: when the bot offers a few answers to choose from instead of answering one.

The understanding (bot/conversation/understanding.py) asks here whether the route is too unsure
of the topic (`intents_to_ask`), whether two answers of the topic are too close to choose
(`entries_to_ask`, swept by bench/details_cv.py), whether a question of opening hours names no
service (`which_hours`), and which answer to offer where erasing something was not asked for
(`offered`). Pure functions of the route, the text and the details model's ranking.
"""

from __future__ import annotations

import re

from bot.conversation.choosing import Chooser
from bot.conversation.router import Route
from bot.core.content import Content
from bot.core.text import alone

# Ask back instead of answering when the routed intent is below UNSURE, or below ASK_BELOW and
# another intent has at least ASK_OTHER; or when nothing is routed but an intent has UNKNOWN_ASK.
UNSURE = 0.5
ASK_BELOW = 0.6
ASK_OTHER = 0.2
UNKNOWN_ASK = 0.3
# Two entries of the routed topic this close (the best below ENTRY_SURE, the second within
# ENTRY_CLOSE of it): ask which, the overview being one of the two when it is (ENTRY_ASK_OVERVIEW:
# 「オンライン申請とは / できる手続き」). Swept with `bench/details_cv.py --ask` (2,898 in-scope
# questions of the training files, never the held-out ones; data/README.md): leaving one author
# out, the entries answered are right 0.908 when never asking, 0.913 with the old rule (0.5,
# 0.15, overview never offered: 1.2 % asked), 0.952 with this one (10.3 % asked, the right entry
# among the two buttons for 0.80 of those); 4-fold 0.948 with 12.3 % asked. The overview has to
# be offerable: the commonest confusions are an entry against it, and without it no setting
# passed 0.935. 0.70 / 0.45 just reaches 0.950 with 9.5 % asked; 0.5 keeps a margin. Small talk
# (greeting) and `help` have nothing to choose between: never asked.
ENTRY_SURE = 0.7
ENTRY_CLOSE = 0.5
ENTRY_ASK_OVERVIEW = True
NOT_ASKED_WHICH = {"greeting", "help", "unknown"}
ASKED_AT_MOST = 3
# A question of opening hours that names nothing else (「営業時間」, 「何時まで？」, "opening
# hours") may be about any service: unless the last answer says which, ask, offering each menu
# topic's `hours` entry (konbini, the ward's windows), rather than guess one (「営業時間」 was
# answered with 体育館・集会所, "opening hours" with the holiday clinic).
HOURS_ALONE = re.compile(
    r"(?:営業|受付|利用|開館|開いてる|開いている|やってる|やっている)?時間(?:帯)?"
    r"(?:は|を?教えて(?:ください)?|が?知りたい)?"
    r"|何時(?:から|まで)(?:何時まで)?(?:ですか|やって(?:い)?ますか|開いて(?:い)?ますか|やってる|開いてる)?"
    r"|(?:what are (?:the|your) )?(?:opening|business|office) hours(?: please)?|hours"
)
HOURS_ENTRY = "hours"
# A plain sub-question (this sure) confirms a single unsure topic: no need to ask.
ENTRY_CONFIRMS = 0.8
# Answers that lead to erasing something: offered on a question back only when the message
# says so (their own match phrases) or the details model is this sure; else the topic's
# overview is offered in their place (「孫とLINEしたい」 was offered 「データを消す」 alone).
# Answered outright only when the message says so, however sure the route: else asked back
# with the topic's next best (a bare 「データ」 opened the deletion card, and so did 「消えたLINEの
# トークを戻したい」, a resident who wants lost chats back, with the route sure of 受信設定).
ONLY_WHEN_ASKED = {("notification_settings", "delete_data")}
ONLY_WHEN_SURE = 0.6


def entries_to_ask(
    intent: str,
    ranked: list[tuple[str, float]],
    sure: float = ENTRY_SURE,
    close: float = ENTRY_CLOSE,
    overview: bool = ENTRY_ASK_OVERVIEW,
) -> tuple[str, ...]:
    """The two best entries of `intent` when they are too close to choose (the best below `sure`
    and the second within `close` of it), else nothing. With `overview` False the overview,
    which answers everything in general, is never one of the two. A menu button (no text) ranks
    the overview alone: never asked. bench/details_cv.py sweeps the arguments; the
    understanding uses the defaults."""
    if len(ranked) < 2 or intent in NOT_ASKED_WHICH:
        return ()
    (best, p_best), (second, p_second) = ranked[0], ranked[1]
    if not overview and "overview" in (best, second):
        return ()
    if p_best < sure and p_best - p_second < close:
        return (best, second)
    return ()


def erasing_unasked(
    route: Route, ranked: list[tuple[str, float]], normalized: str, chooser: Chooser
) -> tuple[str, ...]:
    """The two best entries when the best leads to erasing something (ONLY_WHEN_ASKED) that
    the message does not name (its match phrases): 「データ」 alone asks 「データを消す」 or what
    is kept, never erases."""
    if len(ranked) < 2 or (route.intent, ranked[0][0]) not in ONLY_WHEN_ASKED:
        return ()
    if ranked[0][0] in chooser.content.matched(route.intent, normalized):
        return ()
    return (ranked[0][0], ranked[1][0])


def which_hours(normalized: str, content: Content) -> tuple[tuple[str, str], ...]:
    """Each menu topic's hours, for a question of opening hours alone (HOURS_ALONE) routed to
    `unknown`; nothing for any other message."""
    if not HOURS_ALONE.fullmatch(alone(normalized)):
        return ()
    lang, catalogue = content.languages.default, content.catalogue
    menu = [i for i in catalogue.menu if i in catalogue.answered]
    return tuple((i, HOURS_ENTRY) for i in menu if content.topic(i, lang).get(HOURS_ENTRY))


def intents_to_ask(route: Route, normalized: str, chooser: Chooser) -> tuple[tuple[str, str], ...]:
    """The answers to offer when the route is unsure (empty when it is sure enough): the routed
    intent below UNSURE, or below ASK_BELOW with another intent close; or, for a message routed
    to `unknown` that names no ward service, an intent that still has UNKNOWN_ASK."""
    if route.intent != "unknown":
        close = [i for i, p in route.alternatives if p >= ASK_OTHER]
        if route.confidence >= ASK_BELOW or (route.confidence >= UNSURE and not close):
            return ()
        candidates = [route.intent, *close]
    elif chooser.area(normalized) is None:
        candidates = [i for i, p in route.alternatives if p >= UNKNOWN_ASK]
    else:
        return ()
    candidates = [i for i in candidates if i not in ("greeting", "help")][:ASKED_AT_MOST]
    options = [(i, *chooser.rank(i, normalized)[0]) for i in candidates]
    if len(options) == 1 and options[0][1] != "overview":
        intent, key, probability = options[0]
        if (intent, key) in ONLY_WHEN_ASKED and probability >= ONLY_WHEN_SURE:
            # never erase on an unsure topic, nor offer erasing alone: which of its two best
            # (「データ」 alone, whether the entry is 0.80 sure or 0.79: a retrained model
            # moved it across ENTRY_CONFIRMS and 「データを消す」 was offered alone)
            return tuple((intent, k) for k, _ in chooser.rank(intent, normalized)[:2])
        if probability >= ENTRY_CONFIRMS:
            return ()  # one plausible topic whose narrower question is plain: answer it
    return tuple((i, offered(i, key, p, normalized, chooser)) for i, key, p in options)


def offered(intent: str, key: str, probability: float, normalized: str, chooser: Chooser) -> str:
    """The entry to offer for `intent` on a question back: its best fit, unless that leads to
    erasing something the message did not ask about (ONLY_WHEN_ASKED): then the overview."""
    if (intent, key) not in ONLY_WHEN_ASKED or probability >= ONLY_WHEN_SURE:
        return key
    return key if key in chooser.content.matched(intent, normalized) else "overview"
