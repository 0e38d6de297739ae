"""Moving house with a My Number card, the residence card, and the desks residents asked for by
other words (kana, "just moved", a hearing disability, a certificate for a visa): transcripts of
what an outside probe found on 2026-12-05."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from bot.core.models import Follower


def speaks_plain_japanese(resident, app) -> None:
    """The resident reads やさしい日本語 from now on."""
    resident.follow()
    with app.extensions["navi"].sessions() as db:
        db.execute(
            update(Follower)
            .where(Follower.line_user_id == resident.user_id)
            .values(language="ja_easy")
        )
        db.commit()


@pytest.mark.parametrize(
    "text",
    [
        "ﾏｲﾅﾝﾊﾞｰｶｰﾄﾞの住所変更はどうすれば",
        "マイナンバーカード住所変更したいです",
        "転居届を出したらマイナンバーカードも一緒に住所変えてもらえる？",
        "住民票うつしたらマイナカードも持ってくの？",
    ],
)
def test_the_cards_address_after_a_move_is_answered_not_the_cards_menu(resident, text):
    """They got the card's general menu, or a question back with it."""
    reply = resident.say(text)
    assert "引っ越したときのマイナンバーカード" in reply.text
    assert "転入届・転居届" in reply.text and "暗証番号(数字4桁)" in reply.text
    assert "03-3964-1111" in reply.text
    assert "暗証番号" in reply.labels


def test_where_and_whether_to_book_after_it_are_that_answer_not_the_classes(resident):
    """「予約いりますか」 was asked which of the classes' booking answers, and 「どこでできますか」
    got 「お答えできませんでした」: the answer says where, and that booking is not confirmed."""
    resident.say("マイナンバーカード住所変更したいです")
    for text in ("どこでできますか", "予約いりますか"):
        reply = resident.say(text)
        assert "引っ越したときのマイナンバーカード" in reply.text
        assert "予約がいるかは、このLINEではまだ確認できていません" in reply.text


def test_booking_asked_after_the_konbini_overview_is_not_answered_by_it(resident):
    """An overview says nothing of booking: 「予約いりますか」 after it is read as before."""
    resident.say("コンビニで住民票")
    reply = resident.say("予約いりますか")
    assert "コンビニで証明書を取る" not in reply.text


def test_an_english_resident_who_moved_gets_the_desk_then_the_card(english_resident):
    reply = english_resident.say("We just moved to Itabashi")
    assert "Moving in, moving out and change of address" in reply.text
    reply = english_resident.say("how about my my number card address?")
    assert "Your card after you move" in reply.text and "4-digit PIN" in reply.text


def test_an_english_question_on_what_to_do_after_moving_in_gets_the_moving_desk(
    english_resident,
):
    """It was asked back with the contacts alone."""
    reply = english_resident.say(
        "We just moved to Itabashi from Osaka. What do I need to do at the ward office?"
    )
    assert "Moving in, moving out and change of address" in reply.text


def test_the_residence_card_and_the_my_number_card_are_told_apart(english_resident):
    """Both turns got the card's general menu, then "could not answer"."""
    reply = english_resident.say("is residence card same as my number card?")
    assert "are different cards" in reply.text and "03-3579-2018" in reply.text
    reply = english_resident.say("do i need both")
    assert "are different cards" in reply.text


def test_the_residence_card_in_plain_japanese_is_told_apart(resident, app):
    speaks_plain_japanese(resident, app)
    reply = resident.say("ざいりゅうカードと マイナンバーカードは ちがいますか")
    assert "べつの カードです" in reply.text and "03-3579-2018" in reply.text


@pytest.mark.parametrize("text", ["てんにゅうとどけ 必要なもの", "てんきょとどけ どこ"])
def test_the_moving_notifications_in_kana_name_the_moving_desk(resident, text):
    """They got 「お答えできませんでした」."""
    reply = resident.say(text)
    assert "転入・転出・転居・引っ越し" in reply.text


def test_turning_75_in_kana_names_the_late_elderly_medical_desk(resident):
    """It named the National Health Insurance desk."""
    reply = resident.say("75さいになったら ほけんしょう かわるの")
    assert "後期高齢者医療" in reply.text and "国民健康保険" not in reply.text


def test_a_tax_certificate_for_a_visa_is_the_konbinis_certificates(english_resident):
    """It got the foreign residents' desk for its "visa"."""
    reply = english_resident.say("I need tax certificate for my visa renewal. where can i get it")
    assert "Which certificates you can get" in reply.text


def test_a_tax_certificate_for_a_visa_in_plain_japanese_is_not_the_foreign_desk(resident, app):
    speaks_plain_japanese(resident, app)
    reply = resident.say("ビザの こうしんで ぜいきんの しょうめいしょが ひつようです")
    assert "がいこくじんの そうだん" not in reply.text
    assert "取れる証明書" in reply.text or "取れる証明書" in reply.labels


def test_the_childcare_allowance_names_the_child_allowance_desk(english_resident):
    """It named the nursery schools' desk."""
    reply = english_resident.say("How do I get the childcare allowance?")
    assert "Child allowance" in reply.text and "03-3579-2477" in reply.text


@pytest.mark.parametrize(
    "text",
    [
        "手話で相談できる窓口ありますか",
        "耳が聞こえないので電話ができません。FAXかメールで問い合わせできますか",
    ],
)
def test_a_resident_who_cannot_phone_is_not_told_to_call(resident, text):
    """The first was asked back (外国語での相談 / 担当の窓口), the second told 「お電話で」."""
    reply = resident.say(text)
    assert "電話ができない方の問い合わせ" in reply.text
    assert "FAX番号" in reply.text and "まだ確認できていません" in reply.text
    assert "障がい福祉" in reply.text
    assert "お電話でお問い合わせください" not in reply.text


def test_a_locked_four_digit_pin_and_then_the_other_one_get_the_pin_answer(english_resident):
    """Both turns got "could not answer"."""
    reply = english_resident.say("my 4 digit pin is locked")
    assert "PIN" in reply.text and "7-Eleven" in reply.text
    reply = english_resident.say("I also forgot the other one")
    assert "If you know neither PIN" in reply.text


def test_plain_japanese_where_after_the_address_change_is_that_answer(resident, app):
    """「どこで しますか」 (with its space) after it got 「ごめんなさい」."""
    speaks_plain_japanese(resident, app)
    reply = resident.say("マイナンバーカードの じゅうしょを かえたい")
    assert "ひっこした ときの マイナンバーカード" in reply.text
    reply = resident.say("どこで しますか")
    assert "ひっこした ときの マイナンバーカード" in reply.text


def test_the_addresses_written_on_the_back_is_the_address_change(resident):
    """「住所の裏書き」 was asked back with the card's menu."""
    reply = resident.say("マイナンバーカードの住所の裏書きはどこで")
    assert "引っ越したときのマイナンバーカード" in reply.text


@pytest.mark.parametrize("text", ["耳が不自由です。問い合わせ方法は？", "耳が遠いので電話が苦手"])
def test_hard_of_hearing_in_other_words_is_not_sent_to_a_phone(resident, text):
    """「耳が不自由です。問い合わせ方法は？」 named the disability desk with 「代表にお電話」."""
    reply = resident.say(text)
    assert "電話ができない方の問い合わせ" in reply.text


def test_a_sign_language_interpreter_is_not_the_foreign_languages_answer(english_resident):
    """It got the answer on foreign languages (its "interpreter")."""
    reply = english_resident.say("is there a sign language interpreter at the city office?")
    assert "If you cannot use the phone" in reply.text
