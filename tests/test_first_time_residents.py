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


def test_asking_for_the_phone_number_in_hiragana_gets_the_numbers(resident):
    """「でんわばんごうは？」 after the card's application was asked back 「担当の窓口」 or
    「問い合わせ先」, while 「電話番号は？」 got the list of numbers."""
    resident.say("マイナンバーカードつくりたい")
    reply = resident.say("でんわばんごうは？")
    assert "どれのことですか" not in reply.text
    assert "03-3964-1111" in reply.text


def test_turning_announcements_back_on_after_asking_to_stop_them(english_resident):
    """ "turn back on" right after how to stop the announcements got "Sorry, I could not answer
    that"; the settings' answer shows the switches to receive them again."""
    english_resident.say("how to turn off messages")
    reply = english_resident.say("turn back on")
    assert "could not answer" not in reply.text
    assert "Notification settings" in reply.text


def test_wanting_announcements_again_after_asking_to_stop_them(resident):
    """The same in Japanese: 「やっぱりまたほしい」 got 「お答えできませんでした」."""
    resident.say("お知らせを止めたい")
    reply = resident.say("やっぱりまたほしい")
    assert "お答えできませんでした" not in reply.text
    assert "お知らせの受信設定" in reply.text


def test_getting_announcements_again_is_answered_not_asked_back(resident):
    """「お知らせをまたもらいたい」 was asked 「話題を選ぶ」 or 「受信設定」: both lead to the
    same switches, so the settings' answer is given."""
    reply = resident.say("お知らせをまたもらいたい")
    assert "どれのことですか" not in reply.text
    assert "お知らせの受信設定" in reply.text


def test_paying_at_the_konbini_after_the_tax_desk_is_for_that_desk(resident):
    """「住民税はいつ払うの」 then 「コンビニで払える？」 was asked back about the konbini's
    certificates; paying a tax at a konbini is the tax desk's (its コンビニ払い)."""
    resident.say("住民税はいつ払うの")
    reply = resident.say("コンビニで払える？")
    assert "どれのことですか" not in reply.text
    assert "住民税" in reply.text and "03-3964-1111" in reply.text


def test_asking_in_hiragana_if_the_cards_pickup_needs_booking_stays_on_the_card(resident):
    """「まいなんばーかーど うけとり」 then 「よやくいるの？」 got the smartphone class
    schedule (its よやく), while 「予約いるの？」 got the pickup answer again, which says whom to
    ask about booking; 「なにもっていく」 next then got what to bring to a class."""
    resident.say("まいなんばーかーど うけとり")
    reply = resident.say("よやくいるの？")
    assert "マイナンバーカードの受け取り" in reply.text
    assert "予約を受け付けている回" not in reply.text
    reply = resident.say("なにもっていく")
    assert "交付通知書" in reply.text


def test_getting_a_residence_record_for_grandma_names_the_family_register_desk(resident):
    """「おばあちゃんの代わりに住民票を取りたい」 got 「お答えできませんでした」, while 「代理で
    住民票をとりたい」 got the desk for residence records, which handles a proxy's request."""
    reply = resident.say("おばあちゃんの代わりに住民票を取りたい")
    assert "お答えできませんでした" not in reply.text
    assert "戸籍・住民票の窓口" in reply.text


def test_when_the_konbini_service_is_closed_gets_its_hours(english_resident):
    """ "konbini" then "when is it closed?" got "Sorry, I could not answer that"; the hours
    answer lists the days it is not available."""
    english_resident.say("konbini")
    reply = english_resident.say("when is it closed?")
    assert "could not answer" not in reply.text
    assert "December 29" in reply.text


def test_where_a_locked_pin_is_fixed_gets_the_pin_answer_again(resident):
    """「暗証番号がロックされた」 then 「どこでなおせる？」 got 「お答えできませんでした」; the PIN
    answer says where (a konbini machine with the app, or the ward's counter)."""
    resident.say("マイナンバーカードの暗証番号がロックされた")
    reply = resident.say("どこでなおせる？")
    assert "お答えできませんでした" not in reply.text
    assert "暗証番号を忘れた・ロックされた" in reply.text
