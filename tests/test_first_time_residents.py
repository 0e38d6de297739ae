"""Residents writing to the bot for the first time, as they type: short follow-ups after an
answer, in dialect, hiragana or plain English, that got 「お答えできませんでした」 or a question
back that helped nobody."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("said", ["どうしたらええ", "どうすればいいですか"])
def test_what_to_do_after_the_lost_card_gets_that_answer_again(resident, said):
    """「マイナンバーカードなくしてしもうた」 then 「どうしたらええ」 got 「お答えできません
    でした」; the lost-card answer says what to do (the free dial), so it is given again."""
    resident.say("マイナンバーカードなくしてしもうた")
    reply = resident.say(said)
    assert "お答えできませんでした" not in reply.text
    assert "マイナンバーカードをなくしたとき" in reply.text


def test_where_after_the_cards_application_gets_that_answer_again(english_resident):
    """ "I want to make My Number card" then "where?" got "Sorry, I could not answer that";
    the application answer says where (online, or the ward's line to ask)."""
    english_resident.say("I want to make My Number card")
    reply = english_resident.say("where?")
    assert "could not answer" not in reply.text
    assert "Applying for the card" in reply.text


def test_what_to_do_with_no_answer_before_it_explains_how_to_ask(resident):
    """Sent first, nothing to repeat: how to use this LINE, not 「お答えできませんでした」."""
    assert "このLINEの使い方" in resident.say("どうしたらいい？").text
