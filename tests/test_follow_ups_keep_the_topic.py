"""Short follow-ups keep the topic of the answer before them: another ward service's desk, a
"which of these?" between one topic's answers, 「もっと詳しく」, and a fee or a day asked next."""

from __future__ import annotations

from sqlalchemy import select

from bot.core.models import UnansweredQuestion
from tests.test_languages import plain_japanese


def unanswered(app) -> list[str]:
    """The questions kept for staff as unanswered."""
    with app.extensions["navi"].sessions() as db:
        return list(db.scalars(select(UnansweredQuestion.text)))


def test_phone_number_asked_after_the_nursery_desk_is_that_desks(resident):
    resident.say("保育園に入りたいんですけど4月入園の申し込みいつまで")
    reply = resident.say("電話番号おしえて")
    assert "保育サービス課" in reply.text  # not the list of the ward's main numbers
    assert "03-3964-1111" in reply.text  # its own number is not confirmed: the main line


def test_how_much_after_the_garbage_desk_is_the_garbage_desk_again(resident, app):
    resident.say("ごみの日ってどうやって調べるの")
    resident.say("粗大ごみは？")
    reply = resident.say("いくらかかる？")
    assert "清掃事務所" in reply.text
    assert "お答えできませんでした" not in reply.text
    assert "いくらかかる？" not in unanswered(app)


def test_english_where_and_how_long_after_a_desk_is_that_desk(english_resident):
    english_resident.say("Do I need to join national health insurance? I'm self employed")
    assert "National Health Insurance" in english_resident.say("where do i apply").text
    english_resident.say("Where do I register my address after moving in?")
    reply = english_resident.say("How many days do I have?")
    assert "change of address" in reply.text and "could not answer" not in reply.text


def test_plain_japanese_what_day_after_the_garbage_desk_is_that_desk(resident):
    plain_japanese(resident)
    resident.say("ごみの だしかた おしえて")
    reply = resident.say("なんようび ですか")
    assert "清掃事務所" in reply.text


def test_a_new_topic_after_a_desk_is_answered_as_asked(resident):
    resident.say("ごみの日ってどうやって調べるの")
    reply = resident.say("マイナンバーカードを作りたい")
    assert "清掃事務所" not in reply.text
    assert "マイナンバーカード" in reply.text
    assert "パスポート" in resident.say("パスポートは？").text


def test_fee_asked_after_the_konbini_answers_were_offered_is_the_konbini_fee(english_resident):
    asked = english_resident.say("how to get certificate of residence at convenience store")
    assert "Which of these" in asked.text
    reply = english_resident.say("what is the fee")
    assert "konbini issuance" in reply.text  # not the smartphone classes' cost
    assert "Events without a stated fee are free" not in reply.text


def test_how_much_then_what_to_bring_after_asking_which_konbini_answer(english_resident):
    english_resident.say("I need a copy of my juminhyo for my new job. can I get it at 7-eleven?")
    assert "konbini issuance" in english_resident.say("how much").text
    assert "4-digit PIN" in english_resident.say("what do i need").text


def test_tell_me_more_after_an_answer_is_its_topics_overview(resident, english_resident):
    resident.press("v1|topic|i=konbini_certificate")
    resident.say("それはいくら？")
    resident.say("土日もやってる？")
    reply = resident.say("もっと詳しく")
    assert "コンビニで証明書を取る" in reply.text
    assert "使えるお店" in reply.labels
    english_resident.press("v1|topic|i=konbini_certificate")
    english_resident.say("open on weekends?")
    assert "Certificates at convenience stores" in english_resident.say("tell me more").text


def test_tell_me_more_after_a_desk_is_that_desk_again(resident):
    resident.say("保育園に入りたいんですけど4月入園の申し込みいつまで")
    assert "保育サービス課" in resident.say("もっと詳しく").text


def test_card_fee_is_said_to_be_unconfirmed_with_the_main_line(resident):
    resident.press("v1|topic|i=mynumber_card")
    reply = resident.say("それはいくら？")
    assert "手数料" in reply.text and "確認できていません" in reply.text
    assert "03-3964-1111" in reply.text
    plain_japanese(resident)
    resident.press("v1|topic|i=mynumber_card")
    assert "03-3964-1111" in resident.say("いくら ですか").text


def test_online_application_on_weekends_then_its_fee_then_more(resident):
    resident.press("v1|topic|i=online_application")
    resident.say("それって土日もできる？")
    reply = resident.say("いくら？")
    assert "オンライン申請の手数料" in reply.text
    assert "オンライン申請(電子申請)" in resident.say("もっと詳しく").text


def test_weekends_asked_after_the_class_cost_is_the_class_schedule(resident, english_resident):
    resident.press("v1|topic|i=smartphone_class")
    resident.say("それはいくら？")
    reply = resident.say("土日もやってる？")
    assert "窓口の時間" not in reply.text  # not the ward office's counters
    assert "日程" in reply.text
    english_resident.press("v1|topic|i=smartphone_class")
    english_resident.say("how much?")
    assert "Schedule" in english_resident.say("any on weekends?").text


def test_what_day_after_the_classes_is_their_schedule(resident):
    resident.say("すまほ きょうしつ ある？")
    assert "日程" in resident.say("なんようび").text
