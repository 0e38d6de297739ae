"""The bot's handlers, one module per topic, assembled in one ordered list.

A new topic module adds its router here; a key claimed twice fails at start.
"""

from handlers import certificates, classes, conversation, safety, settings
from handlers.registry import Registry

ROUTERS = [
    safety.router,  # help lines for a resident in crisis
    certificates.router,
    classes.router,
    settings.router,
    conversation.router,  # greeting, help, the menu and `unknown`: the fallback goes last
]


def build_registry() -> Registry:
    """Every handler, keyed by intent, postback action and event."""
    return Registry(ROUTERS)
