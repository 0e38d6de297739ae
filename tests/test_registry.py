"""Handlers are registered by intent once; every intent of DESIGN §2 has a handler."""

import pytest

from bot.conversation.registry import DuplicateHandlerError, Registry, TopicRouter
from bot.conversation.router import INTENTS
from handlers import build_registry


def test_every_intent_has_an_answer_of_its_own():
    registry = build_registry()
    assert all(registry.knows(intent) for intent in INTENTS)
    unknown = registry.intents["unknown"]
    assert all(registry.for_intent(i) is not unknown for i in INTENTS if i != "unknown")


def test_a_module_handling_a_topic_the_catalogue_does_not_name_fails_at_start():
    from bot.core.catalogue import load_topics
    from handlers import CatalogueMismatch, check_catalogue

    stray = TopicRouter("stray")
    stray.intent("konbini_certificate")(lambda turn: [])
    with pytest.raises(CatalogueMismatch, match="handler is None"):
        check_catalogue([stray], load_topics())


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
