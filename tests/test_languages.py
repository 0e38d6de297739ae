"""Which language a resident is answered in: their own, unless a message is clearly in another.

Transcripts through real webhooks; the detection itself is tested in test_router.py.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.core.content import load_content
from bot.core.models import Follower
from tests.conftest import Resident

CONTENT = load_content()


def japanese(text: str) -> bool:
    """Whether a text has kana (an English answer has none)."""
    return any("\u3040" <= c <= "\u30ff" for c in text)


def first_text(reply, at: int = 0) -> str:
    """The first line of one message of a reply (a card by its alt text): English answers
    quote Japanese screen words further down ("行政サービス")."""
    message = reply.messages[at]
    return (message.get("altText") or message.get("text", "")).splitlines()[0]


@pytest.mark.parametrize("words", ["?", "👍", "7-11", "1"])
def test_an_english_resident_sending_no_words_stays_in_english(english_resident, words):
    """A message with no language's words keeps the resident's language."""
    english_resident.follow()
    assert not japanese(first_text(english_resident.say(words)))


def test_an_english_sentence_with_a_japanese_term_is_answered_in_english(english_resident):
    english_resident.follow()
    assert not japanese(first_text(english_resident.say("Can I get 住民票 at 7-11?")))


@pytest.mark.parametrize("words", ["OK", "ＯＫ"])
def test_a_japanese_resident_typing_ok_is_answered_in_japanese(resident, words):
    resident.follow()
    assert japanese(resident.say(words).text)


@pytest.mark.parametrize("words", ["谢谢", "謝謝", "便利商店"])
def test_chinese_in_han_alone_is_not_answered_in_japanese(client, standin, events, words):
    """A resident whose LINE is Chinese (answered in English) writing Chinese that uses no
    kana gets English and the multilingual desk, not a Japanese card."""
    uid = "U" + "4" * 32
    standin.add_profile(uid, "王", language="zh-Hans")
    someone = Resident(client, standin, events, uid)
    someone.follow()
    reply = someone.say(words)
    assert "03-3579-2018" in first_text(reply)  # the note: the languages we speak, the desk
    assert not japanese(first_text(reply, at=-1))  # the answer after it


@pytest.mark.parametrize("words", ["感謝", "月謝", "商店街"])
def test_kanji_only_japanese_with_the_same_characters_stays_japanese(resident, words):
    resident.follow()
    reply = resident.say(words)
    assert japanese(reply.text)
    assert "answers only in" not in reply.text


@pytest.mark.parametrize(
    "words",
    [
        "¿Dónde puedo obtener un certificado de residencia?",
        "Necesito un certificado de residencia",
        "¿Hay un médico abierto el domingo?",
        "Onde posso tirar o atestado de residência?",
    ],
)
def test_a_question_in_a_language_we_do_not_speak_gets_the_note_not_a_guess(resident, words):
    """A Spanish question got an English card about holiday medical care (or "could not
    answer", or Japanese): it gets what a new friend whose LINE is in such a language is told,
    the languages we answer in and the desk that helps in theirs, with the topics to start."""
    resident.follow()
    reply = resident.say(words)
    assert "answers only in" in first_text(reply) and "03-3579-2018" in reply.text
    assert len(reply.messages) == 1  # no guess at a ward service, no "could not answer"
    assert "Konbini certificates" in reply.labels


def test_a_choice_guessed_across_topics_from_a_language_we_do_not_speak_is_not_offered(
    resident,
):
    """A Vietnamese question on a residence certificate was offered 「Konbini hours」 or
    「Stop all」 (the notifications): answers of two topics the router guessed from words it
    cannot read. It gets the note with the topics instead."""
    resident.follow()
    reply = resident.say("Tôi muốn lấy giấy chứng nhận cư trú")
    assert "answers only in" in first_text(reply) and "03-3579-2018" in reply.text
    assert "Konbini certificates" in reply.labels
    assert not {"Stop all", "Konbini hours"} & set(reply.labels)
    assert "Which of these" not in reply.text


def test_a_choice_guessed_within_a_topic_from_a_language_we_do_not_speak_is_its_overview(
    resident,
):
    """A Korean question on getting a residence record at a konbini was offered 「Which
    certificates」 or 「iPhone」: the topic was clear, the answer within it a guess. It gets the
    note, then the topic's overview, which leads to every answer of it."""
    resident.follow()
    reply = resident.say("주민표를 편의점에서 받을 수 있나요?")
    assert "answers only in" in first_text(reply)
    assert "Certificates at convenience stores" in reply.text
    assert "iPhone" not in reply.labels and "Which of these" not in reply.text


def test_a_command_typed_with_a_phones_curly_apostrophe_is_the_command(english_resident):
    """ "I don’t want reminders" from an iPhone (a typographic apostrophe) is the same words as
    with a straight one: the reminders answer, not 「could not answer」."""
    reply = english_resident.say("I don’t want reminders anymore")
    assert "Stop class reminders" in reply.labels


@pytest.mark.parametrize("words", ["我々区民", "我々高齢者向講座"])
def test_we_in_kanji_only_japanese_stays_japanese(resident, words):
    """我 alone marks Chinese, but 我々 is Japanese: a kanji-only message with it was answered
    in English with the note that the bot does not speak the resident's language."""
    resident.follow()
    reply = resident.say(words)
    assert japanese(reply.text)
    assert "answers only in" not in reply.text


@pytest.mark.parametrize("words", ["menu", "Menu", "MENU", "help", "Help"])
def test_a_japanese_resident_typing_menu_or_help_stays_in_japanese(resident, words):
    """Typed by a Japanese resident, "menu" and "help" were answered in English, though they
    are Japanese words too (メニュー, ヘルプ)."""
    resident.follow()
    reply = resident.say(words)
    assert japanese(first_text(reply)) and japanese(first_text(reply, at=-1))
    assert "コンビニ交付" in reply.labels


@pytest.mark.parametrize("words", ["menu", "help"])
def test_an_english_resident_typing_menu_or_help_gets_english(english_resident, words):
    english_resident.follow()
    reply = english_resident.say(words)
    assert not japanese(first_text(reply)) and not japanese(first_text(reply, at=-1))
    assert "Konbini certificates" in reply.labels


@pytest.mark.parametrize(
    "words",
    [
        "juminhyo",
        "mai nanba ka-do",
        "inkan shomei",
        "mai nanba kado no ansho bango wasureta",
        "mai nanba kado no koshin",
    ],
)
def test_a_japanese_resident_typing_a_ward_word_in_romaji_is_answered_in_japanese(resident, words):
    """Romaji is Japanese in latin letters, not English: 「juminhyo」 alone from a Japanese
    resident was answered in English."""
    resident.follow()
    reply = resident.say(words)
    assert not first_text(reply).isascii() and not first_text(reply, at=-1).isascii()
    assert reply.labels and not any(label.isascii() for label in reply.labels)


@pytest.mark.parametrize("words", ["juminhyo", "mai nanba ka-do"])
def test_an_english_resident_typing_a_ward_word_in_romaji_stays_in_english(english_resident, words):
    english_resident.follow()
    reply = english_resident.say(words)
    assert not japanese(first_text(reply)) and not japanese(first_text(reply, at=-1))


def test_a_real_english_sentence_from_a_japanese_resident_is_answered_in_english(resident):
    """Only the romaji alone keeps Japanese: a sentence around it is English."""
    resident.follow()
    reply = resident.say("how do I get a juminhyo?")
    assert not japanese(first_text(reply))


def plain_japanese(resident: Resident) -> None:
    """Choose やさしい日本語 in 受信設定."""
    resident.say("受信設定")
    resident.tap("やさしい日本語")


@pytest.mark.parametrize(
    ("who", "words"),
    [
        ("en", "Japanese"),
        ("en", "easy japanese"),
        ("en", "日本語で"),
        ("ja", "ひらがなで"),
        ("ja", "かんたんな日本語で"),
        ("ja_easy", "えいご"),
    ],
)
def test_asking_for_another_language_in_words_gets_the_language_answer(
    resident, english_resident, who, words
):
    """The language (or script) named alone is a request to change it: the answer on the
    languages the bot speaks, with the 受信設定 that holds their buttons."""
    someone = english_resident if who == "en" else resident
    someone.follow()
    if who == "ja_easy":
        plain_japanese(someone)
    someone.say("menu" if who == "en" else "メニュー")  # out of any topic's context
    reply = someone.say(words)
    assert "03-3579-2018" in reply.text  # the language answer names the multilingual desk
    assert "受信設定" in reply.text or "notification settings" in reply.text.lower()


@pytest.mark.parametrize(
    ("who", "asked_first", "words"),
    [
        ("ja", "スマホ教室はいつありますか", "英語"),
        ("ja", "スマホ教室はいつありますか", "やさしい日本語"),
        ("ja", "コンビニ交付は何時まで", "英語"),
        ("en", "smartphone class schedule", "日本語"),
        ("en", "smartphone class schedule", "in Japanese"),
        ("en", "menu", "日本語"),
    ],
)
def test_a_language_named_alone_after_an_answer_is_not_read_as_its_follow_up(
    resident, english_resident, who, asked_first, words
):
    """「英語にして」 right after the class schedule got the classes' 「参加できる人」 card (its
    text mentions languages), and 「日本語」 alone got 「お答えできませんでした」: a language
    named alone asks how to change the language wherever it is typed (asked to switch, it is
    switched: test_asked_in_words_the_language_is_switched_at_once)."""
    someone = english_resident if who == "en" else resident
    someone.follow()
    someone.say(asked_first)
    reply = someone.say(words)
    assert "03-3579-2018" in reply.text  # the language answer names the multilingual desk
    assert "参加できる人" not in reply.text and "Who can join" not in reply.text
    assert "日本語" in reply.labels or "English" in reply.labels  # the language buttons


@pytest.mark.parametrize("tag", ["vi", "zh-Hant", "ko", "ne"])
def test_a_new_friend_whose_line_we_do_not_speak_learns_of_the_desk_at_follow(
    client, standin, events, tag
):
    """Welcomed in English, and told at once which languages the bot speaks and where to ask
    in theirs, before they write in it."""
    uid = "U" + "6" * 32
    standin.add_profile(uid, "Lan", language=tag)
    reply = Resident(client, standin, events, uid).follow()
    assert "Thank you for adding" in reply.text
    assert "answers only in" in reply.text and "03-3579-2018" in reply.text
    assert reply.labels  # the topics still come with the last message


@pytest.mark.parametrize("tag", ["ja", "en", None])
def test_a_new_friend_whose_line_we_speak_is_not_told_we_speak_only_three(
    client, standin, events, tag
):
    uid = "U" + "7" * 32
    standin.add_profile(uid, "板橋 花子", language=tag)
    reply = Resident(client, standin, events, uid).follow()
    assert "answers only in" not in reply.text


def test_an_english_friend_from_before_the_bot_gets_the_menu_in_english(english_resident):
    """A friend whose follow the bot never saw is adopted in their LINE profile's language."""
    reply = english_resident.press("v1|topic|i=konbini_certificate")
    assert not japanese(first_text(reply))


def test_an_english_resident_who_erased_their_data_keeps_english(english_resident):
    english_resident.follow()
    english_resident.say("delete my data")
    assert "deleted" in english_resident.tap("Delete").text
    reply = english_resident.press("v1|topic|i=konbini_certificate")
    assert not japanese(first_text(reply))


def test_a_friend_whose_profile_line_will_not_give_is_adopted_in_japanese(client, standin, events):
    """No profile (404: LINE will not say): the default language, as at a follow."""
    someone = Resident(client, standin, events, "U" + "8" * 32)
    assert japanese(first_text(someone.press("v1|topic|i=konbini_certificate")))


def test_an_english_residents_topics_are_listed_with_english_commas(english_resident):
    """受信設定 in English lists the topics received as English does ("A, B, C"), not with
    the Japanese comma 、; Japanese keeps 、."""
    english_resident.follow()
    status = english_resident.say("settings").messages[-1]["text"].splitlines()[0]
    assert status.startswith("You now receive: ")
    assert "、" not in status
    assert ", " in status


def test_a_japanese_residents_topics_are_listed_with_the_japanese_comma(resident):
    resident.follow()
    status = resident.say("受信設定").messages[-1]["text"].splitlines()[0]
    assert "スマホ教室、オンライン申請" in status


def stored_language(app, someone: Resident) -> str:
    """The language kept on the resident's row (what every later answer is written in)."""
    with app.extensions["navi"].sessions() as db:
        return db.scalar(select(Follower.language).where(Follower.line_user_id == someone.user_id))


@pytest.mark.parametrize(
    ("who", "asked_first", "words", "wanted"),
    [
        ("ja", "メニュー", "英語にして", "en"),
        ("ja", "スマホ教室はいつありますか", "英語にして", "en"),
        ("ja", "メニュー", "やさしい日本語にして", "ja_easy"),
        ("ja", "メニュー", "英語に変えてください。", "en"),
        ("en", "menu", "日本語にして", "ja"),
        ("en", "menu", "switch to Japanese", "ja"),
        ("en", "smartphone class schedule", "Japanese please", "ja"),
        ("ja", "メニュー", "English please", "en"),
        # asked with words around the request, or as wanting to talk in it
        ("en", "menu", "Can you switch to Japanese please", "ja"),
        ("en", "smartphone class schedule", "Could you change the language to Japanese?", "ja"),
        ("en", "menu", "I'd like to switch to easy Japanese, thanks", "ja_easy"),
        ("ja", "メニュー", "英語で話したい", "en"),
        ("ja", "コンビニ交付は何時まで", "えいご で はなしたい", "en"),
    ],
)
def test_asked_in_words_the_language_is_switched_at_once(
    app, resident, english_resident, who, asked_first, words, wanted
):
    """「英語にして」, 「日本語にして」, "switch to Japanese", 「やさしい日本語にして」 got the
    languages explained (「受信設定」と送ると、言語のボタンが出ます) and nothing changed: the
    language is now stored at once, said in it, with a button back labelled in the one left;
    the next answer comes in the new language, and the button goes back."""
    someone = english_resident if who == "en" else resident
    before = "en" if who == "en" else "ja"
    someone.follow()
    someone.say(asked_first)
    reply = someone.say(words)
    assert reply.text == CONTENT.ui("language_set", wanted)
    assert "03-3579-2018" not in reply.text  # not the languages explained
    assert reply.labels[0] == CONTENT.ui("language_back_button", before)
    assert stored_language(app, someone) == wanted
    topic = someone.tap(CONTENT.topic_label("konbini_certificate", wanted))
    overview = CONTENT.entry("konbini_certificate", "overview", wanted)
    assert overview.title in topic.text
    back = someone.press(reply.quick_replies[0]["data"])  # the button back, tapped later
    assert back.text == CONTENT.ui("language_set", before)
    assert stored_language(app, someone) == before


def test_asked_in_plain_japanese_to_talk_in_english_it_is_switched(app, resident):
    """「えいご で はなしたい」 from a resident reading やさしい日本語 got the languages explained
    (「受信設定」と送ると…) and nothing changed: English now, with a way back."""
    resident.follow()
    plain_japanese(resident)
    reply = resident.say("えいご で はなしたい")
    assert reply.text == CONTENT.ui("language_set", "en")
    assert reply.labels[0] == CONTENT.ui("language_back_button", "ja_easy")
    assert stored_language(app, resident) == "en"


@pytest.mark.parametrize(
    ("who", "words"),
    [
        ("en", "Do you speak Japanese?"),
        ("en", "Can you speak Japanese?"),
        ("ja", "英語で話せますか"),
    ],
)
def test_asking_whether_the_bot_speaks_a_language_explains_the_languages(
    app, resident, english_resident, who, words
):
    """A question whether the bot speaks a language is no request to switch: the languages it
    speaks are explained, with their buttons, and the resident's language is kept."""
    someone = english_resident if who == "en" else resident
    someone.follow()
    reply = someone.say(words)
    assert reply.text != CONTENT.ui("language_set", "ja")
    assert reply.text != CONTENT.ui("language_set", "en")
    assert stored_language(app, someone) == who


def test_asked_for_the_language_already_used_it_is_kept_with_no_way_back(app, resident):
    """「日本語にして」 from a resident answered in Japanese changes nothing: said so, and no
    button back to the same language."""
    resident.follow()
    reply = resident.say("日本語にして")
    assert reply.text == CONTENT.ui("language_set", "ja")
    assert CONTENT.ui("language_back_button", "ja") not in reply.labels
    assert stored_language(app, resident) == "ja"


def test_asked_in_plain_japanese_to_have_english_it_is_switched(app, resident):
    """「えいご に したい」 got the explanation of the languages, where 「英語に変えてください」
    switched at once."""
    plain_japanese(resident)
    reply = resident.say("えいご に したい")
    assert "I will answer in English from now on." in reply.text
