"""Convenience-store certificates, online applications, the My Number card, and contacts.

Intents: konbini_certificate, online_application, mynumber_card, contact.
Each answers the sub-question asked (hours, fee, PIN, stores …) from content/.
"""

from bot.turn import Turn
from handlers.common import answer_topic
from handlers.registry import TopicRouter

router = TopicRouter("certificates")


@router.intent("konbini_certificate")
def explain_konbini_certificates(turn: Turn) -> list[dict]:
    """Certificates at a convenience store: what, when, what to bring, what went wrong."""
    return answer_topic(turn, "konbini_certificate")


@router.intent("online_application")
def explain_online_applications(turn: Turn) -> list[dict]:
    """Applying online: what can be done, how to start, paying, checking status."""
    return answer_topic(turn, "online_application")


@router.intent("mynumber_card")
def explain_mynumber_card(turn: Turn) -> list[dict]:
    """The My Number card: applying, receiving, PINs, renewal, a lost card."""
    return answer_topic(turn, "mynumber_card")


@router.intent("contact")
def tell_whom_to_call(turn: Turn) -> list[dict]:
    """Desks, phone numbers and where to go in person."""
    return answer_topic(turn, "contact")
