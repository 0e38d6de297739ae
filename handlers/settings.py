"""A resident's own settings: which announcements they receive, their language, the size of
the cards' text, the reminder the day before a booked class, their data.

Intent: notification_settings (the text_size and reminders entries answer with their own button
first; a language asked for in words, words.yaml switch_language, is switched to at once).
Postback actions: toggle_topic, stop_all, all_topics, language, text_size, class_reminders,
delete_data. Every change answers with the new state, so the resident sees it took effect.
"""

from bot.classes import reservations
from bot.conversation.registry import TopicRouter
from bot.conversation.turn import Turn
from bot.conversation.understanding import YES_OR_NO
from bot.core.catalogue import subscribable_topics
from bot.core.content import Entry
from bot.core.models import FollowerTopic
from bot.line import messages
from bot.line.postback import Postback
from bot.residents import followers
from handlers.common import entry_card, menu_actions, tell_promoted, with_menu

router = TopicRouter("settings")
DELETE_ASKED = "delete_data"  # remembered under YES_OR_NO while 「データを消しますか？」 is open


@router.intent("notification_settings")
def manage_settings(turn: Turn) -> list[dict]:
    """Show the sub-question's answer with the resident's current settings and switches."""
    answered = deletion_answered(turn)
    if answered is not None:
        return answered
    wanted = turn.content.words.language_asked(turn.normalized)
    if wanted is not None:
        # 「英語にして」 asks for the change, not how to make it (it got the languages explained)
        turn.remember("notification_settings", "language")
        return switch_language(turn, wanted)
    entry = turn.pick("notification_settings")
    turn.remember("notification_settings", entry.key)
    if entry.key == "delete_data":
        return ask_to_delete(turn, entry)
    if entry.key == "text_size":
        return [entry_card(turn, entry), text_size_panel(turn)]
    if entry.key == "reminders":
        return [entry_card(turn, entry), reminders_panel(turn)]
    if entry.key == "language":
        # the languages to switch to first: 「えいごで はなせる ひとと はなしたい」 got the
        # languages explained with the topic switches as its buttons, English the eleventh
        choices = [*language_buttons(turn), *menu_actions(turn)]
        return [messages.with_quick_replies(entry_card(turn, entry), choices)]
    return [entry_card(turn, entry), settings_panel(turn)]


def ask_to_delete(turn: Turn, entry: Entry) -> list[dict]:
    """What deleting does, then 「消しますか？」 with 削除する / 削除しない: a question, so that
    「はい」 or 「いいえ」 typed instead of a tap answers it (deletion_answered)."""
    confirm = messages.postback_action(
        turn.ui("delete_button"), Postback("delete_data", {"confirm": "yes"})
    )
    keep = messages.postback_action(turn.ui("keep_button"), Postback("menu"))
    turn.remember("notification_settings", entry.key, **{YES_OR_NO: DELETE_ASKED})
    ask = messages.with_quick_replies(messages.text(turn.ui("delete_ask")), [confirm, keep])
    return [entry_card(turn, entry), ask]


def deletion_answered(turn: Turn) -> list[dict] | None:
    """「はい」 / 「削除する」 or 「いいえ」 / 「やっぱりやめる」 (words.yaml confirm /
    decline) typed alone right after 「データを消しますか？」: what its buttons do; None for
    anything else. (「はい」 was answered 「わかりました」 with nothing erased, 「削除しない」
    with the card again.)"""
    context = turn.context
    if context is None or (context.data or {}).get(YES_OR_NO) != DELETE_ASKED:
        return None
    answer = turn.content.words.yes_or_no(turn.normalized)
    if answer is None:
        return None
    if answer:
        return erase(turn)
    turn.forget()
    return with_menu(turn, turn.ui("delete_kept"))


def text_size_panel(turn: Turn) -> dict:
    """The cards' text size now, with the one button that changes it first (a resident who
    asked for larger text in words should not have to find it among the topic switches)."""
    large = turn.follower.large_text
    status = turn.ui("large_text_status_on" if large else "large_text_status_off")
    switch = messages.postback_action(
        turn.ui("large_text_off_button" if large else "large_text_on_button"),
        Postback("text_size", {"s": "normal" if large else "large"}),
    )
    return messages.with_quick_replies(messages.text(status), [switch, *menu_actions(turn)])


def reminders_panel(turn: Turn) -> dict:
    """Whether the day-before reminders are on, with the one button that turns them off (or on)
    first: a resident who asked to stop them should not have to find it among the topics."""
    status = turn.ui(_reminders_status(turn))
    return messages.with_quick_replies(
        messages.text(status), [_reminders_switch(turn), *menu_actions(turn)]
    )


def _reminders_status(turn: Turn) -> str:
    on = turn.follower.class_reminders
    return "class_reminders_status_on" if on else "class_reminders_status_off"


def _reminders_switch(turn: Turn) -> dict:
    on = turn.follower.class_reminders
    return messages.postback_action(
        turn.ui("class_reminders_off_button" if on else "class_reminders_on_button"),
        Postback("class_reminders", {"r": "off" if on else "on"}),
    )


def settings_panel(turn: Turn, headline: str | None = None) -> dict:
    """The current topics, text size and class reminders, with a switch per topic, stop-all,
    text size, class reminders and language buttons."""
    on = turn.follower.topic_ids
    names = [turn.content.topic_name(t, turn.lang) for t in subscribable_topics() if t in on]
    listed = names[0] if names else turn.ui("none")
    for name in names[1:]:  # 「A、B」 in Japanese, "A, B" in English
        listed = turn.ui("list_more", before=listed, item=name)
    status = turn.ui("settings_status", topics=listed)
    large = turn.follower.large_text
    status += "\n" + turn.ui("large_text_status_on" if large else "large_text_status_off")
    status += "\n" + turn.ui(_reminders_status(turn))
    switches = [
        messages.postback_action(
            turn.ui(
                "topic_switch_off" if topic in on else "topic_switch_on",
                topic=turn.content.topic_name(topic, turn.lang),
            ),
            Postback("toggle_topic", {"t": topic}),
        )
        for topic in subscribable_topics()
    ]
    switches.append(messages.postback_action(turn.ui("stop_all_button"), Postback("stop_all")))
    switches.append(messages.postback_action(turn.ui("all_on_button"), Postback("all_topics")))
    switches.append(
        messages.postback_action(
            turn.ui("large_text_off_button" if large else "large_text_on_button"),
            Postback("text_size", {"s": "normal" if large else "large"}),
        )
    )
    switches.append(_reminders_switch(turn))
    switches += language_buttons(turn)
    text = f"{headline}\n{status}" if headline else status
    return messages.with_quick_replies(messages.text(text), switches)


def language_buttons(turn: Turn) -> list[dict]:
    """A button for each language the resident does not use now, named in that language."""
    return [
        messages.postback_action(language.name, Postback("language", {"l": language.code}))
        for language in turn.content.languages.languages
        if language.code != turn.follower.language
    ]


@router.action("toggle_topic")
def toggle_topic(turn: Turn) -> list[dict]:
    """Turn one topic on or off."""
    assert turn.postback is not None  # an action handler: run only for a postback of ours
    topic = turn.postback.params.get("t")
    if topic not in subscribable_topics():
        return with_menu(turn, turn.ui("postback_unknown"))
    follower = turn.follower
    current = {t.topic: t for t in follower.topics}
    if topic in current:
        follower.topics.remove(current[topic])
        headline = turn.ui("topic_off", topic=turn.content.topic_name(topic, turn.lang))
    else:
        follower.topics.append(FollowerTopic(topic=topic))
        headline = turn.ui("topic_on", topic=turn.content.topic_name(topic, turn.lang))
    turn.services.db.flush()
    return [settings_panel(turn, headline)]


@router.action("stop_all")
def stop_all_topics(turn: Turn) -> list[dict]:
    """No more announcements of any kind (answers to questions still work)."""
    turn.follower.topics.clear()
    turn.services.db.flush()
    return [settings_panel(turn, turn.ui("stop_all_done"))]


@router.action("all_topics")
def receive_all_topics(turn: Turn) -> list[dict]:
    """Every topic on again."""
    on = turn.follower.topic_ids
    turn.follower.topics.extend(
        FollowerTopic(topic=t) for t in subscribable_topics() if t not in on
    )
    turn.services.db.flush()
    return [settings_panel(turn, turn.ui("all_on_done"))]


@router.action("language")
def change_language(turn: Turn) -> list[dict]:
    """Answer in Japanese, English or plain Japanese from now on."""
    assert turn.postback is not None  # an action handler: run only for a postback of ours
    lang = turn.postback.params.get("l")
    if lang not in turn.content.languages.codes:
        return with_menu(turn, turn.ui("postback_unknown"))
    return switch_language(turn, lang)


def switch_language(turn: Turn, lang: str) -> list[dict]:
    """Store the language, say so in it, and offer the way back first, labelled in the language
    left (a resident who chose one they cannot read must still find it)."""
    before = turn.follower.language
    turn.follower.language = lang
    turn.lang = lang
    actions = menu_actions(turn)
    if before != lang and before in turn.content.languages.codes:
        back = turn.content.ui("language_back_button", before)
        actions.insert(0, messages.postback_action(back, Postback("language", {"l": before})))
    return [messages.with_quick_replies(messages.text(turn.ui("language_set")), actions)]


@router.action("text_size")
def change_text_size(turn: Turn) -> list[dict]:
    """Larger text in every card from now on, or back to normal: said in a card, so the
    resident sees the new size at once."""
    assert turn.postback is not None  # an action handler: run only for a postback of ours
    size = turn.postback.params.get("s")
    if size not in ("large", "normal"):
        return with_menu(turn, turn.ui("postback_unknown"))
    turn.follower.large_text = size == "large"
    done = "large_text_on_done" if turn.follower.large_text else "large_text_off_done"
    large = turn.content.large_text(turn.lang)
    card = messages.card(turn.ui("large_text_title"), turn.ui(done), large=large)
    # the way back first, then the menu: the whole settings panel (nine topic switches first)
    # hid it from the older residents who ask for larger text
    return [card, text_size_panel(turn)]


@router.action("class_reminders")
def change_class_reminders(turn: Turn) -> list[dict]:
    """The reminder the day before each booked session, off or on again (the bookings stay);
    the button says which, so a second tap of an old button changes nothing."""
    assert turn.postback is not None  # an action handler: run only for a postback of ours
    wanted = turn.postback.params.get("r")
    if wanted not in ("on", "off"):
        return with_menu(turn, turn.ui("postback_unknown"))
    turn.follower.class_reminders = wanted == "on"
    done = "class_reminders_on_done" if wanted == "on" else "class_reminders_off_done"
    return [settings_panel(turn, turn.ui(done))]


@router.action("delete_data")
def delete_my_data(turn: Turn) -> list[dict]:
    """Erase everything we hold about the resident, after they confirmed."""
    assert turn.postback is not None  # an action handler: run only for a postback of ours
    if turn.postback.params.get("confirm") != "yes":
        return with_menu(turn, turn.ui("postback_unknown"))
    return erase(turn)


def erase(turn: Turn) -> list[dict]:
    """The resident's bookings cancelled (seats to whoever waits), then their row and all that
    hangs on it deleted."""
    turn.forget()
    # Their seats go to the waiting list first, so deleting data never leaves seats counted.
    for result in reservations.cancel_all(turn.services.db, turn.follower, turn.services.now):
        if result.promoted is not None:
            tell_promoted(turn, result.promoted)
    followers.delete_follower(turn.services.db, turn.follower)
    return [messages.with_quick_replies(messages.text(turn.ui("data_deleted")), menu_actions(turn))]
