"""Answers shared by the topic modules: a content entry as a card, with likely next questions.

A topic module decides *what* to say; these functions decide how it looks, so every topic's
cards, buttons and quick replies look and behave the same.
"""

from __future__ import annotations

from bot.classes import reservations
from bot.classes.cards import reservation_card
from bot.conversation.turn import Turn
from bot.core.models import Reservation
from bot.line import messages
from bot.line.postback import Postback


def menu_actions(turn: Turn, *, leave_out: str | None = None) -> list[dict]:
    """One quick-reply button per menu topic of the catalogue, in menu order (each shows that
    topic's overview when tapped)."""
    content = turn.content
    return [
        messages.postback_action(
            content.topic_label(intent, turn.lang), Postback("topic", {"i": intent})
        )
        for intent in content.catalogue.menu
        if intent != leave_out
    ]


def next_actions(turn: Turn, intent: str, entry) -> list[dict]:
    """Buttons for the questions residents usually ask next about the same topic."""
    actions = []
    for key in entry.next:
        follow_up = turn.content.entry(intent, key, turn.lang)
        actions.append(
            messages.postback_action(follow_up.label, Postback("entry", {"i": intent, "k": key}))
        )
    return actions


def entry_card(turn: Turn, entry, intent: str | None = None) -> dict:
    """An answer as a card, ending with its source line when its topic states facts; larger
    text in a language that asks for it (やさしい日本語)."""
    content = turn.content
    link = (entry.link.label, entry.link.url) if entry.link else None
    body = entry.text
    if intent is not None and content.states_facts(intent):
        body = f"{body}\n\n{content.source_line(entry.source, entry.checked, turn.lang)}"
    return messages.card(entry.title, body, link, large=content.large_text(turn.lang))


def answer_entry(turn: Turn, intent: str, entry, extra: list[dict] | None = None) -> list[dict]:
    """Show one entry, remember it for follow-ups, and offer what comes next."""
    turn.remember(intent, entry.key)
    actions = next_actions(turn, intent, entry) + menu_actions(turn, leave_out=intent)
    return [*(extra or []), messages.with_quick_replies(entry_card(turn, entry, intent), actions)]


def answer_topic(turn: Turn, intent: str) -> list[dict]:
    """Answer the sub-question the resident asked within a topic (the overview if unclear)."""
    entry = turn.pick(intent)
    return answer_entry(turn, intent, entry)


def with_menu(turn: Turn, text: str) -> list[dict]:
    """A text answer with the topics as quick replies."""
    return [messages.with_quick_replies(messages.text(text), menu_actions(turn))]


def tell_promoted(turn: Turn, promoted: Reservation) -> None:
    """Queue "you got a seat" for the resident promoted from the waiting list."""
    follower = promoted.follower
    if not follower.following:
        return
    lang = follower.language
    heading = turn.content.ui("class_promoted", lang)
    card = reservation_card(turn.content, turn.services.settings.tz, lang, promoted, heading)
    turn.push_later(
        follower.line_user_id,
        messages.sized_for(follower, [card]),
        reservations.promotion_key(promoted),
        "promotion",
    )
