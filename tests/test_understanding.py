"""Understanding is a pure function: reset words, commands, routes and follow-ups, with plain
values and no database."""

from __future__ import annotations

import datetime as dt

from bot.conversation.router import Route
from bot.conversation.understanding import understand
from bot.core.content import load_content
from bot.core.models import ConversationContext

CONTENT = load_content()


def context(intent: str, entry_key: str | None = "overview") -> ConversationContext:
    return ConversationContext(
        follower_id=1,
        intent=intent,
        entry_key=entry_key,
        data={},
        expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5),
    )


def test_a_reset_word_alone_starts_over_whatever_the_route():
    meant = understand(Route("konbini_certificate", 0.9, "ja"), "メニュー", None, CONTENT, "ja")
    assert meant.reset


def test_a_command_the_bot_teaches_always_means_the_same():
    meant = understand(Route("unknown", 0.9, "ja"), "データ削除", None, CONTENT, "ja")
    assert (meant.intent, meant.how) == ("notification_settings", "command")


def test_a_vague_message_after_an_answer_is_a_follow_up_on_its_topic():
    route = Route("unknown", 0.4, "ja")
    meant = understand(route, "何時まで?", context("konbini_certificate"), CONTENT, "ja")
    assert (meant.intent, meant.how) == ("konbini_certificate", "follow_up")


def test_a_confident_new_question_changes_the_subject():
    route = Route("mynumber_card", 0.95, "ja")
    meant = understand(
        route, "マイナンバーカードの更新", context("konbini_certificate"), CONTENT, "ja"
    )
    assert (meant.intent, meant.how) == ("mynumber_card", "routed")


def test_the_same_sub_question_again_is_not_read_as_a_follow_up():
    route = Route("unknown", 0.4, "ja")
    meant = understand(route, "何時まで?", context("konbini_certificate", "hours"), CONTENT, "ja")
    assert meant.intent == "unknown"
