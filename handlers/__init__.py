"""The bot's handlers, one module per topic with behaviour, assembled in one ordered list.

Topics made only of content (konbini_certificate, online_application, mynumber_card, contact,
and any topic a content editor adds) have no module: the registry answers them from content.
A module here handles what content alone cannot (bookings, settings, small talk, safety); the
catalogue (content/topics.yaml) names it in `handler`, and the two must agree at start.
"""

from bot.conversation.registry import Handler, Registry, TopicRouter
from bot.core.catalogue import TopicCatalogue, load_topics
from handlers import classes, conversation, safety, settings
from handlers.common import answer_topic

ROUTERS = [
    safety.router,  # help lines for a resident in crisis
    classes.router,
    settings.router,
    conversation.router,  # greeting, help, the menu and `unknown`: the fallback goes last
]


class CatalogueMismatch(RuntimeError):
    """The handlers and content/topics.yaml disagree about who answers a topic."""


def content_answer(intent: str) -> Handler:
    """The answer of a topic made only of content: the entry that fits the question."""
    return lambda turn: answer_topic(turn, intent)


def build_registry(catalogue: TopicCatalogue | None = None) -> Registry:
    """Every handler, keyed by intent, postback action and event, checked against the catalogue."""
    catalogue = catalogue or load_topics()
    check_catalogue(ROUTERS, catalogue)
    return Registry(ROUTERS, catalogue.answered, content_answer)


def check_catalogue(routers: list[TopicRouter], catalogue: TopicCatalogue) -> None:
    """Each intent a module handles is a catalogue topic naming that module, and each topic
    that names a module is handled by it."""
    for router in routers:
        for intent in router.intents:
            entry = catalogue.get(intent)
            if entry is None or not entry.answers:
                raise CatalogueMismatch(
                    f"handlers/{router.name}: handles {intent!r}, which content/topics.yaml "
                    "does not list as a topic that answers"
                )
            if entry.handler != router.name:
                raise CatalogueMismatch(
                    f"content/topics.yaml: {intent}: handler is {entry.handler!r}, but "
                    f"handlers/{router.name} handles it"
                )
    named = {router.name: router for router in routers}
    for entry in catalogue.topics:
        if entry.handler and entry.id not in named.get(entry.handler, TopicRouter("")).intents:
            raise CatalogueMismatch(
                f"content/topics.yaml: {entry.id}: handler {entry.handler!r} does not handle it"
            )
