"""Answers shared by the topic modules: a content entry as a card, with likely next questions.

A topic module decides *what* to say; these functions decide how it looks, so every topic's
cards, buttons and quick replies look and behave the same.

What is built from content alone (an entry's card and buttons, the menu) is built once per
content, entry and language, and shared: content is loaded once and does not change while the
bot runs (bot.core.content.load_content), and building an answer's card, source line and dozen
buttons cost more CPU than routing the message. Shared messages are never changed in place
(`with_quick_replies` copies, the gateway only reads); each cache holds at most CACHED answers.
"""

from __future__ import annotations

import functools
from typing import Any

from bot.classes import reservations
from bot.classes.cards import reservation_card
from bot.conversation.safety.check import SafetyAnswerLine
from bot.conversation.turn import Turn
from bot.core.content import Content, Entry
from bot.core.models import Reservation
from bot.line import messages
from bot.line.postback import Postback

# Far more than content's entries × languages (a few hundred), so in use nothing is evicted;
# the bound is for processes that load many contents (tests).
CACHED = 4096


class Same:
    """A cache key standing for one object itself, not for equal ones (content's entries hold
    lists, so they have no hash of their own)."""

    __slots__ = ("value",)

    def __init__(self, value: Any):
        self.value = value

    def __hash__(self) -> int:
        return id(self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Same) and other.value is self.value


def menu_actions(turn: Turn, *, leave_out: str | None = None) -> list[dict]:
    """One quick-reply button per menu topic of the catalogue, in menu order (each shows that
    topic's overview when tapped)."""
    return list(menu_buttons(turn.content, turn.lang, leave_out))


@functools.lru_cache(maxsize=CACHED)
def menu_buttons(content: Content, lang: str, leave_out: str | None = None) -> tuple[dict, ...]:
    """`menu_actions` for a content and language, built once (shared: never change them)."""
    return tuple(
        messages.postback_action(
            content.topic_label(intent, lang), Postback("topic", {"i": intent})
        )
        for intent in content.catalogue.menu
        if intent != leave_out
    )


def next_actions(turn: Turn, intent: str, entry: Entry) -> list[dict]:
    """Buttons for the questions residents usually ask next about the same topic."""
    return _next_actions(turn.content, intent, entry, turn.lang)


def _next_actions(content: Content, intent: str, entry: Entry, lang: str) -> list[dict]:
    actions = []
    for key in entry.next:
        follow_up = content.entry(intent, key, lang)
        actions.append(
            messages.postback_action(follow_up.label, Postback("entry", {"i": intent, "k": key}))
        )
    return actions


def entry_card(turn: Turn, entry: Entry, intent: str | None = None) -> dict:
    """An answer as a card, ending with its source line when its topic states facts; larger
    text in a language that asks for it (やさしい日本語)."""
    return content_card(turn.content, entry, intent, turn.lang)


def content_card(content: Content, entry: Entry, intent: str | None, lang: str) -> dict:
    """`entry_card` for a content and language, built once (shared: never change it)."""
    return _content_card(content, Same(entry), intent, lang)


@functools.lru_cache(maxsize=CACHED)
def _content_card(content: Content, same: Same, intent: str | None, lang: str) -> dict:
    entry = same.value
    link = (entry.link.label, entry.link.url) if entry.link else None
    body = entry.text
    if intent is not None and content.states_facts(intent):
        body = f"{body}\n\n{content.source_line(entry.source, entry.checked, lang)}"
    return messages.card(entry.title, body, link, large=content.large_text(lang))


def answer_entry(
    turn: Turn, intent: str, entry: Entry, extra: list[dict] | None = None
) -> list[dict]:
    """Show one entry, remember it for follow-ups, and offer what comes next."""
    turn.remember(intent, entry.key)
    return [*(extra or []), _entry_answer(turn.content, intent, Same(entry), turn.lang)]


@functools.lru_cache(maxsize=CACHED)
def _entry_answer(content: Content, intent: str, same: Same, lang: str) -> dict:
    entry = same.value
    actions = [*_next_actions(content, intent, entry, lang), *menu_buttons(content, lang, intent)]
    return messages.with_quick_replies(content_card(content, entry, intent, lang), actions)


def answer_topic(turn: Turn, intent: str) -> list[dict]:
    """Answer the sub-question the resident asked within a topic (the overview if unclear)."""
    entry = turn.pick(intent)
    return answer_entry(turn, intent, entry)


def with_menu(turn: Turn, text: str) -> list[dict]:
    """A text answer with the topics as quick replies."""
    return [messages.with_quick_replies(messages.text(text), menu_actions(turn))]


def back_to_menu(turn: Turn) -> list[dict]:
    """The last topic forgotten, and the menu (「メニュー」, or stopping a booking midway)."""
    turn.forget()
    return with_menu(turn, turn.ui("reset_done"))


def help_lines_card(turn: Turn, title: str, text: str, lines: list[SafetyAnswerLine]) -> dict:
    """Warm words, then each help line with its number and hours and a button that dials it,
    then where the lines were checked (the crisis answer, and the lines beside a desk)."""
    safety = turn.services.safety
    assert safety is not None  # the lines come from it
    return messages.help_lines_card(
        title,
        text,
        [(line.name, f"{line.number}  {line.hours}", line.button, line.tel) for line in lines],
        safety.source_line(turn.lang),
        large=turn.content.large_text(turn.lang),
    )


def tell_promoted(turn: Turn, promoted: Reservation) -> None:
    """Queue "you got a seat" for the resident promoted from the waiting list."""
    follower = promoted.follower
    if follower is None or not follower.following:  # None: never for a waiting-list place
        return
    lang = follower.language
    heading = turn.content.ui("class_promoted", lang)
    card = reservation_card(turn.content, turn.services.settings.tz, lang, promoted, heading)
    turn.push_later(
        follower.line_user_id,
        messages.sized_for(follower, [card]),
        reservations.promotion_key(promoted),
        "promotion",
        about=reservations.booking_subject(promoted),
    )
