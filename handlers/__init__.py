"""The bot's handlers, one module per topic, assembled in one ordered list.

A new topic module adds its router here; a key claimed twice fails at start.
"""

from handlers import certificates, classes, conversation, settings
from handlers.registry import Registry

ROUTERS = [
    certificates.router,
    classes.router,
    settings.router,
    conversation.router,  # greeting, help, the menu and `unknown`: the fallback goes last
]


def build_registry() -> Registry:
    """Every handler, keyed by intent, postback action and event."""
    return Registry(ROUTERS)
