"""Smartphone classes and consultation sessions.

Intent: smartphone_class. The schedule comes from the database (staff add sessions with the CLI
or the console); everything else (cost, what to bring, who may join) from content/.
"""

from bot import classes, messages
from bot.turn import Turn
from handlers.common import answer_entry, answer_topic
from handlers.registry import TopicRouter

router = TopicRouter("classes")

SCHEDULE_ENTRIES = {"overview", "schedule"}


@router.intent("smartphone_class")
def explain_smartphone_classes(turn: Turn) -> list[dict]:
    """The live schedule when the resident asks when; otherwise the sub-question's answer."""
    entry = turn.content.pick("smartphone_class", turn.normalized, turn.lang)
    if entry.key not in SCHEDULE_ENTRIES:
        return answer_topic(turn, "smartphone_class")
    upcoming = classes.upcoming_sessions(turn.services.db, turn.services.now)
    if not upcoming:
        schedule = turn.content.entry("smartphone_class", "schedule", turn.lang)
        return answer_entry(turn, "smartphone_class", schedule)
    schedule_card = schedule_carousel(turn, upcoming)
    overview = turn.content.entry("smartphone_class", "overview", turn.lang)
    turn_messages = answer_entry(turn, "smartphone_class", overview, extra=[schedule_card])
    turn.remember("smartphone_class", "schedule", session_ids=[s.id for s in upcoming])
    return turn_messages


def schedule_carousel(turn: Turn, upcoming) -> dict:
    """Upcoming sessions side by side: when, where, seats left."""
    tz = turn.services.settings.tz
    bubbles = []
    lines = []
    for session in upcoming:
        when = classes.format_when(session, tz, turn.lang)
        seats = turn.ui("seats_left", seats=classes.seats_left(session))
        bubbles.append(session_bubble(session.title, when, session.venue, seats))
        lines.append(f"{when} {session.title} @{session.venue} ({seats})")
    return messages.carousel(turn.ui("schedule_alt") + "\n" + "\n".join(lines), bubbles)


def session_bubble(title: str, when: str, venue: str, seats: str) -> dict:
    """One session as a card with large, plain text."""
    rows = [
        {"type": "text", "text": title, "weight": "bold", "size": "lg", "wrap": True},
        {"type": "text", "text": when, "size": "md", "wrap": True},
        {"type": "text", "text": venue, "size": "md", "wrap": True},
        {"type": "text", "text": seats, "size": "md", "color": "#1A7F37"},
    ]
    return {
        "type": "bubble",
        "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": rows},
    }
