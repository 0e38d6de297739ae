"""Handlers registered by intent, postback action or event, one router per topic module.

Modeled on aiogram's Router: each topic module makes a `TopicRouter`, decorates its small
functions, and `handlers/__init__.py` includes the routers in one ordered list. Registering the
same key twice is an error at start, not a silent override.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.conversation.turn import Turn

Message = dict[str, Any]
Handler = Callable[[Turn], list[Message]]


class DuplicateHandlerError(RuntimeError):
    """Two handlers claim the same intent, action or event."""


class TopicRouter:
    """The handlers of one topic module."""

    def __init__(self, name: str):
        self.name = name
        self.intents: dict[str, Handler] = {}
        self.actions: dict[str, Handler] = {}
        self.events: dict[str, Handler] = {}

    def _register(self, table: dict[str, Handler], keys: tuple[str, ...]):
        def decorator(handler: Handler) -> Handler:
            for key in keys:
                if key in table:
                    raise DuplicateHandlerError(f"{self.name}: {key!r} registered twice")
                table[key] = handler
            return handler

        return decorator

    def intent(self, *names: str):
        """Handle messages routed to these intents."""
        return self._register(self.intents, names)

    def action(self, *names: str):
        """Handle postbacks with these action names."""
        return self._register(self.actions, names)

    def event(self, *names: str):
        """Handle non-text events: "follow", "non_text"."""
        return self._register(self.events, names)


class Registry:
    """All routers merged; a key claimed by two routers is a DuplicateHandlerError.

    A topic of the catalogue that no router claims is answered from its content by
    `content_answer(intent)`: a topic made only of content needs no Python.
    """

    def __init__(
        self,
        routers: list[TopicRouter],
        answered: tuple[str, ...] = (),
        content_answer: Callable[[str], Handler] | None = None,
    ):
        self.answered = answered
        self.content_answer = content_answer
        self.intents: dict[str, Handler] = {}
        self.actions: dict[str, Handler] = {}
        self.events: dict[str, Handler] = {}
        for router in routers:
            for mine, theirs in (
                (self.intents, router.intents),
                (self.actions, router.actions),
                (self.events, router.events),
            ):
                clash = mine.keys() & theirs.keys()
                if clash:
                    raise DuplicateHandlerError(f"{router.name}: {sorted(clash)} already handled")
                mine.update(theirs)

    def for_intent(self, intent: str) -> Handler:
        """The handler of an intent: its router's, else the content answer of a catalogue
        topic, else the `unknown` handler."""
        handler = self.intents.get(intent)
        if handler is not None:
            return handler
        if intent in self.answered and self.content_answer is not None:
            return self.content_answer(intent)
        return self.intents["unknown"]

    def knows(self, intent: str) -> bool:
        """Whether the intent has an answer of its own (a router's or the catalogue's)."""
        return intent in self.intents or intent in self.answered

    def for_action(self, action: str) -> Handler | None:
        """The handler of a postback action, if any."""
        return self.actions.get(action)

    def action(self, name: str) -> Handler:
        """A postback action the bot cannot run without ("menu", "unknown_postback")."""
        return self.actions[name]

    def for_event(self, name: str) -> Handler:
        """The handler of an event kind."""
        return self.events[name]
