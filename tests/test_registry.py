"""Handlers are registered by intent once; every intent of DESIGN §2 has a handler."""

import pytest

from bot.router import INTENTS
from handlers import build_registry
from handlers.registry import DuplicateHandlerError, Registry, TopicRouter


def test_every_intent_has_a_handler():
    registry = build_registry()
    assert set(INTENTS) <= set(registry.intents)


def test_an_intent_registered_twice_in_one_module_fails_at_start():
    router = TopicRouter("twice")
    router.intent("greeting")(lambda turn: [])
    with pytest.raises(DuplicateHandlerError):
        router.intent("greeting")(lambda turn: [])


def test_an_intent_claimed_by_two_modules_fails_at_start():
    first, second = TopicRouter("first"), TopicRouter("second")
    first.intent("contact")(lambda turn: [])
    second.intent("contact")(lambda turn: [])
    with pytest.raises(DuplicateHandlerError, match="contact"):
        Registry([first, second])
