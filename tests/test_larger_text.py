"""Larger text, chosen in 受信設定: a resident who reads small print badly asks once, and every
card after that is one size up (tests/test_card_accessibility.py checks every kind of card)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.core.content import load_content
from bot.core.models import Follower
from bot.line import messages

CONTENT = load_content()

# A question with a card for its answer, as a resident of each language writes it.
QUESTION = {
    "ja": "コンビニで住民票の手数料はいくら？",
    "en": "How much is a residence certificate at a konbini?",
    "ja_easy": "コンビニで住民票の手数料はいくら？",
}


def sizes(reply) -> list[str]:
    """The text sizes of the reply's cards, in order."""
    return [
        node.get("size", "md")
        for message in reply.messages
        if message["type"] == "flex"
        for node in components(message["contents"])
        if node.get("type") == "text"
    ]


def components(node) -> list[dict]:
    if isinstance(node, list):
        return [c for item in node for c in components(item)]
    if not isinstance(node, dict):
        return []
    return [node] + [c for value in node.values() for c in components(value)]


def choose(someone, lang: str, *, larger: bool):
    """Open 受信設定 and tap the text-size button, as the resident reads it."""
    someone.say("settings" if lang == "en" else "受信設定")
    return someone.tap(
        CONTENT.ui("large_text_on_button" if larger else "large_text_off_button", lang)
    )


def assert_the_way_back_works(someone, app, lang: str, reply) -> None:
    """The reply's first button goes back to normal text, and tapping it does so."""
    button = CONTENT.ui("large_text_off_button", lang)
    assert reply.labels[0] == button
    assert CONTENT.ui("large_text_off_done", lang) in someone.tap(button).text
    with app.extensions["navi"].sessions() as db:
        follower = db.scalar(select(Follower).where(Follower.line_user_id == someone.user_id))
        assert follower.large_text is False


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_resident_who_chooses_larger_text_gets_larger_cards(resident, english_resident, lang):
    someone = english_resident if lang == "en" else resident
    someone.follow()
    before = someone.say(QUESTION[lang])
    assert sizes(before)[:2] == ["xl", "md"]  # the title, the answer

    chosen = choose(someone, lang, larger=True)
    assert CONTENT.ui("large_text_on_done", lang) in chosen.text
    assert sizes(chosen)[:2] == ["xxl", "lg"]  # the answer to choosing is itself larger

    after = someone.say(QUESTION[lang])
    assert sizes(after)[:2] == ["xxl", "lg"]
    assert after.text == before.text  # the same words, only bigger


def test_plain_japanese_readers_can_choose_it_too_and_their_cards_grow_further(resident):
    resident.say("受信設定")
    resident.tap("やさしい日本語")
    before = resident.say(QUESTION["ja_easy"])
    assert sizes(before)[:2] == ["xl", "lg"]  # やさしい日本語 is already set larger
    choose(resident, "ja_easy", larger=True)
    assert sizes(resident.say(QUESTION["ja_easy"]))[:2] == ["xxl", "xl"]


def test_switching_larger_text_off_returns_to_normal_cards(resident):
    before = resident.say(QUESTION["ja"])
    choose(resident, "ja", larger=True)
    done = choose(resident, "ja", larger=False)
    assert CONTENT.ui("large_text_off_done", "ja") in done.text
    assert resident.say(QUESTION["ja"]).messages == before.messages


def test_the_setting_is_kept_and_shown_in_the_settings(resident, app):
    panel = resident.say("受信設定")
    assert "カードの文字:標準" in panel.text
    assert "文字を大きくする" in panel.labels
    choose(resident, "ja", larger=True)
    with app.extensions["navi"].sessions() as db:
        assert db.scalar(select(Follower)).large_text is True
    panel = resident.say("受信設定")
    assert "カードの文字:大きい" in panel.text
    assert "文字を元の大きさに" in panel.labels and "文字を大きくする" not in panel.labels


def test_larger_text_leaves_plain_text_to_lines_own_setting_and_the_card_it_came_from():
    card = messages.card("手数料", "住民票 1通200円", ("区のページ", "https://example.jp/"))
    plain = messages.text("こんにちは")
    bigger = messages.larger([card, plain])
    assert bigger[1] == plain  # LINE's own font size setting governs plain text
    body = bigger[0]["contents"]["body"]["contents"]
    assert [c["size"] for c in body] == ["xxl", "lg"]
    assert card["contents"]["body"]["contents"][1]["size"] == "md"  # the original is untouched


def test_the_largest_size_stays_the_largest():
    card = messages.flex(
        {
            "type": "bubble",
            "body": {
                "type": "box",
                "layout": "vertical",
                "contents": [{"type": "text", "text": "大", "size": "5xl"}],
            },
        }
    )
    assert messages.larger([card])[0]["contents"]["body"]["contents"][0]["size"] == "5xl"


def test_a_resident_with_larger_text_can_still_erase_their_data(resident, app):
    choose(resident, "ja", larger=True)
    ask = resident.say("データ削除")
    done = resident.tap(ask.labels[0])
    assert "消しました" in done.text
    with app.extensions["navi"].sessions() as db:
        assert db.scalar(select(Follower)) is None


# Asked in words: the resident most in need of larger cards rarely finds the button in 受信設定.
ASKED_IN_WORDS = [
    ("ja", "文字を大きくしたい"),
    ("ja", "字が小さくて読めない"),
    ("ja", "字を大きくしたい"),
    ("ja_easy", "もじをおおきく"),
    ("ja_easy", "字を大きくしたい"),
    ("en", "bigger text please"),
    ("en", "make the text larger"),
    ("en", "the letters are too small, bigger text please"),
]


@pytest.mark.parametrize(("lang", "words"), ASKED_IN_WORDS)
def test_asking_for_larger_text_in_words_offers_the_button_that_does_it(
    resident, english_resident, lang, words
):
    """Regression: these got 「お答えできませんでした」 / "Sorry, I could not answer that"."""
    someone = english_resident if lang == "en" else resident
    someone.follow()
    if lang == "ja_easy":
        someone.say("受信設定")
        someone.tap("やさしい日本語")
    reply = someone.say(words)
    entry = CONTENT.entry("notification_settings", "text_size", lang)
    assert entry.title in reply.text
    button = CONTENT.ui("large_text_on_button", lang)
    quoted = f'"{button}"' if lang == "en" else f"「{button}」"
    assert reply.labels[0] == button and quoted in reply.text  # the card names the button
    assert CONTENT.ui("large_text_status_off", lang) in reply.text

    chosen = someone.tap(button)
    assert CONTENT.ui("large_text_on_done", lang) in chosen.text


def test_asking_again_with_larger_text_on_offers_the_way_back(resident, app):
    resident.follow()
    choose(resident, "ja", larger=True)
    reply = resident.say("文字の大きさを変えたい")
    assert reply.labels[0] == "文字を元の大きさに"
    assert "カードの文字:大きい" in reply.text


@pytest.mark.parametrize(
    ("lang", "words"),
    [("ja", "文字を元に戻して"), ("ja", "文字を小さくして"), ("en", "back to normal text size")],
)
def test_asking_for_normal_text_again_in_words_offers_the_way_back(
    resident, english_resident, app, lang, words
):
    """「文字を元に戻して」 was asked back between 話題を選ぶ and 言語を変える: it now gets the
    text-size answer, its first button the way back to normal size, which does it."""
    someone = english_resident if lang == "en" else resident
    someone.follow()
    choose(someone, lang, larger=True)
    reply = someone.say(words)
    assert CONTENT.entry("notification_settings", "text_size", lang).title in reply.text
    assert CONTENT.ui("large_text_status_on", lang) in reply.text
    assert_the_way_back_works(someone, app, lang, reply)


@pytest.mark.parametrize(
    ("lang", "asked", "undo"),
    [
        ("ja", "文字を大きくしたい", "元に戻して"),
        ("ja", "字を大きくしたい", "もとにもどしたい"),
        ("en", "bigger text please", "undo"),
    ],
)
def test_undo_right_after_the_text_size_answer_offers_the_way_back(
    resident, english_resident, app, lang, asked, undo
):
    """「元に戻して」 typed right after choosing larger text was asked back about choosing
    topics, and 「もとにもどしたい」 got 「お答えできませんでした」: an older resident who made the
    cards too big had no way back in words. The text-size answer comes again, its first button
    the way back, which does it."""
    someone = english_resident if lang == "en" else resident
    someone.follow()
    someone.say(asked)
    someone.tap(CONTENT.ui("large_text_on_button", lang))
    reply = someone.say(undo)
    assert CONTENT.entry("notification_settings", "text_size", lang).title in reply.text
    assert_the_way_back_works(someone, app, lang, reply)


def test_undo_after_another_answer_is_not_read_as_the_text_size(resident):
    resident.say("コンビニ交付の時間")
    reply = resident.say("元に戻して")
    assert CONTENT.entry("notification_settings", "text_size", "ja").title not in reply.text
