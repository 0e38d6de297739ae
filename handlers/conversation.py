"""Small talk, help, the menu, and what we cannot answer.

Intents: greeting, help, unknown. Postback actions: menu, entry, unknown_postback
(a "topic" button runs its intent's handler).
Events: follow (the welcome), non_text (stickers, photos, audio, locations …).
"""

from bot.conversation.registry import TopicRouter
from bot.conversation.turn import Turn
from bot.core.models import UnansweredQuestion
from bot.line import messages
from handlers.common import answer_entry, answer_topic, menu_actions, with_menu

router = TopicRouter("conversation")


@router.event("follow")
def welcome_new_friend(turn: Turn) -> list[dict]:
    """Hello, what the bot can do, what we store, and the topics to start from."""
    return [
        messages.text(turn.ui("welcome")),
        *with_menu(turn, turn.ui("privacy_notice")),
    ]


@router.event("non_text")
def answer_non_text(turn: Turn) -> list[dict]:
    """We cannot read stickers or photos; say so kindly and show the menu."""
    return with_menu(turn, turn.ui("non_text"))


@router.intent("greeting")
def greet(turn: Turn) -> list[dict]:
    """Hello / thanks / bye back, with the topics."""
    return answer_topic(turn, "greeting")


@router.intent("help")
def explain_what_i_can_do(turn: Turn) -> list[dict]:
    """How to use the bot."""
    return answer_topic(turn, "help")


@router.intent("unknown")
def admit_not_knowing(turn: Turn) -> list[dict]:
    """Say what we can do and whom to call; keep the question (text only, personal data
    masked by the model) for staff."""
    if turn.text.strip():
        turn.services.db.add(UnansweredQuestion(text=turn.text, language=turn.lang))
    turn.forget()
    entry = turn.content.topic("unknown", turn.lang).overview()
    return answer_entry(turn, "unknown", entry)


@router.action("menu")
def show_menu(turn: Turn) -> list[dict]:
    """Back to the start ("メニュー", "キャンセル")."""
    turn.forget()
    return with_menu(turn, turn.ui("reset_done"))


@router.action("entry")
def show_entry(turn: Turn) -> list[dict]:
    """One sub-question's answer, from a quick reply."""
    assert turn.postback is not None  # an action handler: run only for a postback of ours
    params = turn.postback.params
    try:
        entry = turn.content.entry(params.get("i", ""), params.get("k", ""), turn.lang)
    except KeyError:
        return show_unknown_postback(turn)
    return answer_entry(turn, params["i"], entry)


@router.action("unknown_postback")
def show_unknown_postback(turn: Turn) -> list[dict]:
    """A button from an old menu or another tool: no error, just the menu."""
    return [
        messages.with_quick_replies(messages.text(turn.ui("postback_unknown")), menu_actions(turn))
    ]
