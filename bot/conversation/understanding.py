"""Understanding a typed message: what the resident wants, given the route and the last answer.

A pure function of the router's route, the text, the conversation context and the content: no
database, no I/O, so every rule here is tested with plain values. The safety check runs before
it (bot/conversation/answering.py); reset words, commands and follow-ups are decided here.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.conversation.router import Route
from bot.core.content import Content
from bot.core.models import ConversationContext

# Below this confidence a short message is read as a follow-up to the last answer, if it fits.
FOLLOW_UP_CONFIDENCE = 0.6


@dataclass(frozen=True)
class Understanding:
    """What to do with a message: start over, or answer an intent (and why that intent)."""

    intent: str  # the intent to answer; "" when the resident asked to start over
    how: str  # reset | command | routed | follow_up

    @property
    def reset(self) -> bool:
        """The resident said メニュー / キャンセル: back to the start."""
        return self.how == "reset"


def understand(
    route: Route,
    normalized: str,
    context: ConversationContext | None,
    content: Content,
    lang: str,
) -> Understanding:
    """Reset words first, then the commands the bot itself teaches, then the route, unless a
    vague message fits a sub-question of the last answer's topic (「何時まで？」)."""
    words = content.words
    if normalized in words.reset:
        return Understanding("", "reset")
    command = words.commands.get(normalized)
    if command:
        return Understanding(command, "command")
    if context is None or (
        route.confidence >= FOLLOW_UP_CONFIDENCE and route.intent not in ("unknown", "help")
    ):
        return Understanding(route.intent, "routed")
    entry = content.pick(context.intent, normalized, lang)
    if entry.key != "overview" and entry.key != context.entry_key:
        return Understanding(context.intent, "follow_up")
    return Understanding(route.intent, "routed")
