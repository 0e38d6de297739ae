"""A resident in crisis: help lines first, and nothing of what they wrote is kept.

Events: crisis (the dispatcher's safety check found one; `turn.crisis` says which).
The words, the answers and the lines are content (`content/<lang>/safety.yaml`,
`content/safety_lines.yaml`); this module only lays them out.
"""

from bot.conversation.registry import TopicRouter
from bot.conversation.turn import Turn
from bot.line import messages
from bot.line.postback import Postback
from handlers.common import help_lines_card

router = TopicRouter("safety")


@router.event("crisis")
def point_to_help_lines(turn: Turn) -> list[dict]:
    """Warm words and the lines to call, each a button that dials it; the last topic is
    forgotten, so the next message is not read as a follow-up to it. One quick reply leads to
    the menu: a resident whose question was read as a crisis had no way on but to guess that
    typing 「メニュー」 works (LINE shows it only when the card is the last message)."""
    safety = turn.services.safety
    assert safety is not None and turn.crisis is not None  # the dispatcher sets both
    answer, lines = safety.answer(turn.crisis.category, turn.lang)
    turn.forget()
    card = help_lines_card(turn, answer.title, answer.text, lines)
    menu = messages.postback_action(turn.ui("other_questions_button"), Postback("menu"))
    return [messages.with_quick_replies(card, [menu])]
