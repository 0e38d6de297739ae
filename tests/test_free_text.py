"""Free text residents type that the bot misread: each test is what the resident sees."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.core.models import UnansweredQuestion

CLASS_TITLES = ("スマホ相談会・教室", "相談会と教室の違い", "スマホ相談会・教室の日程")
COULD_NOT_ANSWER = "お答えできませんでした"
ASKED_WHICH = "次のどれのことですか"


def _about_the_classes(text: str) -> bool:
    """Whether the reply's title is one of the smartphone classes' answers."""
    return text.split("\n")[0].strip() in CLASS_TITLES


@pytest.mark.parametrize(
    "message",
    [
        "スマホのべんきょうがしたい",  # hiragana 勉強: routed to no topic (0.26 the classes)
        "スマホの勉強がしたい",  # asked back with one button
        "LINEの使い方を習いたい",  # asked back: the classes, or the consultation and the class
        "スマホの使い方をおしえてほしい",
        "スマホの使い方を教えてほしい",
        "すまほきょうしつ",
    ],
)
def test_wanting_to_learn_the_phone_gets_the_smartphone_classes(resident, message):
    reply = resident.say(message)
    assert COULD_NOT_ANSWER not in reply.text
    assert _about_the_classes(reply.text), reply.text[:80]


@pytest.mark.parametrize(
    "message", ["パソコンの勉強がしたい", "英会話を習いたい", "料理を習いたい"]
)
def test_learning_something_else_is_not_the_smartphone_classes(resident, message):
    reply = resident.say(message)
    assert not _about_the_classes(reply.text), reply.text[:80]


def _title(reply) -> str:
    return reply.text.split("\n")[0].strip()


@pytest.mark.parametrize(
    ("message", "titles"),
    [
        ("konbini de juminhyo", ("コンビニで証明書を取る",)),
        ("mainanbaa kaado", ("マイナンバーカードのこと",)),
        ("mai nanba kado no ansho bango wasureta", ("暗証番号を忘れた・ロックされた",)),
        ("sumaho kyoushitsu", CLASS_TITLES),
        ("inkan shoumei", ("コンビニで取れる証明書",)),
        ("konbini de inkan shomei", ("コンビニで取れる証明書",)),
        ("denshi shinsei", ("オンライン申請(電子申請)",)),
        ("mainanbaa kaado nakushita", ("マイナンバーカードをなくしたとき",)),
    ],
)
def test_ward_words_in_romaji_get_their_topics_answer(resident, message, titles):
    """Residents without a Japanese keyboard: 「sumaho kyoushitsu」 got 「お答えできませんでした」,
    「inkan shoumei」 the seal-registration desk, 「mainanbaa kaado」 a question back."""
    reply = resident.say(message)
    assert _title(reply) in titles, reply.text[:80]


def test_romaji_is_answered_in_the_residents_own_language(english_resident):
    reply = english_resident.say("sumaho kyoushitsu")
    assert _title(reply) in ("Schedule", "Smartphone consultations and classes"), reply.text[:80]


@pytest.mark.parametrize("message", ["my number card", "no", "juminhyo by post please"])
def test_english_around_ward_words_is_still_read_as_english(english_resident, message):
    reply = english_resident.say(message)
    assert not any("\u3040" <= c <= "\u30ff" for c in _title(reply)), reply.text[:80]


def test_a_follow_up_after_an_unanswered_question_offers_the_earlier_topic(resident):
    """The konbini answer, a message the bot cannot answer, then 「土日は？」: it got
    「お答えできませんでした」, the konbini forgotten. The earlier topic is offered as a question
    back (the message between may have changed the subject), one tap from its answer."""
    resident.say("コンビニで住民票を取りたい")
    assert COULD_NOT_ANSWER in resident.say("あいうえお").text
    reply = resident.say("土日は？")
    assert ASKED_WHICH in reply.text and COULD_NOT_ANSWER not in reply.text
    assert "コンビニの利用時間" in reply.labels
    assert "午後11時" in resident.tap("コンビニの利用時間").text


def test_a_new_subject_after_an_unanswered_question_is_answered_as_asked(resident):
    resident.say("コンビニで住民票を取りたい")
    resident.say("うちの猫が元気ない")
    assert (
        _title(resident.say("マイナンバーカードをなくした")) == "マイナンバーカードをなくしたとき"
    )


def test_with_no_earlier_topic_a_follow_up_is_still_not_answered(resident):
    resident.say("あいうえお")
    assert COULD_NOT_ANSWER in resident.say("土日は？").text


@pytest.mark.parametrize(
    "message", ["what documents can I get at 7-11", "can I print my juminhyo at 7/11?"]
)
def test_seven_eleven_written_7_11_is_the_konbini(english_resident, message):
    """ "7-11" was no store to the router: 「お答えできませんでした」 (and a question kept)."""
    reply = english_resident.say(message)
    assert "could not answer" not in reply.text
    assert "Which stores" in reply.text or "Which certificates" in reply.text


def test_who_to_ask_in_hiragana_gets_the_contacts(resident):
    """「だれに きけば いいですか」 was asked back about the classes' 持ち物; in kanji (誰に聞けば)
    it got the desks to call."""
    reply = resident.say("だれに きけば いいですか")
    assert "問い合わせ先" in reply.text and "03-3964-1111" in reply.text


# -- a broken phone, learning a language, whom to ask ------------------------------------------


@pytest.mark.parametrize(
    "message",
    [
        "スマホの修理を教えてほしい",  # the class schedule, for its 教えてほしい
        "スマホが壊れた",  # 「お答えできませんでした」
        "スマホのがめんがわれた",
        "スマホの料金プランを変えたい",  # the classes' fee
        "けいたいが こわれました",
        "スマホが われました",  # やさしい日本語: asked back about the classes
    ],
)
def test_a_broken_phone_is_sent_to_its_shop_not_to_the_class_schedule(resident, app, message):
    """The classes teach the phone's use; they do not mend it. The resident is told so, with
    whom to ask (no number, no fee: the ward has none to give), and nothing is kept as a
    question the bot could not answer."""
    reply = resident.say(message)
    assert not _about_the_classes(reply.text), reply.text[:80]
    assert COULD_NOT_ANSWER not in reply.text
    assert "携帯電話会社" in reply.text and "使い方" in reply.text
    assert "スマホ教室" in reply.labels  # the way to the classes, for learning the phone
    with app.extensions["navi"].sessions() as db:
        assert db.scalar(select(func.count(UnansweredQuestion.id))) == 0


@pytest.mark.parametrize(
    "message", ["my phone screen is broken, where can I get it fixed", "can you fix my phone"]
)
def test_a_broken_phone_in_english_is_sent_to_its_shop(english_resident, message):
    reply = english_resident.say(message)
    assert "carrier" in reply.text and "could not answer" not in reply.text
    assert "Sessions" not in reply.text.split("\n")[0]


def test_a_broken_phone_at_a_class_is_still_the_classes_question(resident):
    """「画面が割れたスマホでも教室に参加できますか」 names our class: who can join."""
    assert _title(resident.say("画面が割れたスマホでも教室に参加できますか")) == "参加できる人"


@pytest.mark.parametrize(
    ("message", "desk"),
    [
        ("英語の勉強がしたい", "イベント・講座・生涯学習・文化"),  # got 言語を変える
        ("英会話を習いたい", "イベント・講座・生涯学習・文化"),
        ("日本語を勉強したい", "文化・国際交流課"),  # got 「お答えできませんでした」
        ("にほんごを べんきょう したい", "文化・国際交流課"),
    ],
)
def test_wanting_to_learn_a_language_gets_where_such_classes_are(resident, message, desk):
    reply = resident.say(message)
    assert _title(reply) != "言語を変える" and COULD_NOT_ANSWER not in reply.text
    assert desk in reply.text
    assert "I will answer in English" not in reply.text


def test_learning_a_language_at_the_smartphone_class_is_the_classes_question(english_resident):
    """ "can i learn english at the smartphone class?" got the ward's lifelong learning."""
    reply = english_resident.say("can i learn english at the smartphone class?")
    assert "lifelong learning" not in reply.text


def test_wanting_to_study_japanese_in_english_is_not_the_bots_languages(english_resident):
    reply = english_resident.say("I want to study Japanese")
    assert "Changing the language" not in reply.text
    assert "Culture and International Exchange" in reply.text and "03-3579-2018" in reply.text


@pytest.mark.parametrize(
    ("message", "title"),
    [("英語にして", "I will answer in English"), ("言語を変えたい", "言語を変える")],
)
def test_asking_for_the_bots_language_still_changes_or_offers_it(resident, message, title):
    assert title in resident.say(message).text


@pytest.mark.parametrize(
    "message", ["だれにきいたらいいの", "どこにきけばいいですか", "誰に聞けばいいですか"]
)
def test_asking_whom_to_ask_gets_the_contacts(resident, message):
    """「だれにきいたらいいの」 got 「お答えできませんでした」."""
    reply = resident.say(message)
    assert COULD_NOT_ANSWER not in reply.text
    assert _title(reply) == "おもな問い合わせ先" and "03-3964-1111" in reply.text


def test_asking_whom_to_ask_in_english_gets_the_contacts(english_resident):
    """ "who should I ask?" was asked back, 「Departments」 or something else."""
    reply = english_resident.say("who should I ask?")
    assert _title(reply) == "Main contacts" and "Which of these" not in reply.text


def test_whom_to_ask_after_the_konbini_gets_the_contacts(resident):
    resident.say("コンビニ交付")
    reply = resident.say("だれにきいたらいいの")
    assert _title(reply) == "おもな問い合わせ先"


def test_whom_to_ask_after_online_applications_gets_their_own_desks(resident):
    """Online applications say whom to ask in their 困ったとき (the ward, or the national
    free dial for マイナポータル), which the list of contacts does not."""
    resident.say("オンライン申請")
    reply = resident.say("だれに相談すればいい")
    assert _title(reply) == "オンライン申請で困ったとき" and "0120-95-0178" in reply.text


def test_whom_to_ask_about_a_ward_service_gets_its_desk(resident):
    assert "清掃事務所" in resident.say("ごみのことはだれに聞けばいいですか").text
