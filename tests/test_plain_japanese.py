"""やさしい日本語 (ja_easy) end to end: a resident who chose plain Japanese reads plain Japanese in
every card, button and line of the flows they use most — never a standard-Japanese string whose
plain version exists (the register switching mid-card, or a card naming a button that is not
there)."""

from __future__ import annotations

import re

import pytest

from bot.core.content import Content, load_content
from tests.conftest import Reply, _card_actions, _flex_texts
from tests.test_classes_conversation import add_session


def plain_japanese(resident) -> None:
    """Choose やさしい日本語 in 受信設定."""
    resident.say("受信設定")
    resident.tap("やさしい日本語")


def _pieces(template: str) -> list[str]:
    """A template's literal parts (between its {placeholders}), trimmed."""
    parts = re.split(r"\{[^}]*\}", template)
    return [p.strip() for p in parts if len(p.strip()) >= 2]


def ja_only_strings(content: Content) -> set[str]:
    """The standard-Japanese strings that have a plain version: every ui string and every
    entry's label, title and lines that ja_easy rewrote (its own version differs from ja's),
    less those the plain version says word for word too (「・オンライン申請」)."""
    found: set[str] = set()
    for key in content.ui_keys():
        ja, easy = content.ui_template(key, "ja"), content.ui_template(key, "ja_easy")
        if ja != easy:
            found.update(_pieces(ja))
    for intent in content.catalogue.answered:
        own = content.own_topic(intent, "ja_easy")
        for entry in own.entries if own else ():
            ja = content.entry(intent, entry.key, "ja")
            found.update((ja.label, ja.title))
            found.update(line.strip() for line in ja.text.splitlines() if len(line.strip()) >= 2)
    return found - easy_pieces(content)


def easy_pieces(content: Content) -> set[str]:
    """What ja_easy says in its own words: ui strings' parts, entries' labels, titles, lines."""
    said = {p for key in content.ui_keys() for p in _pieces(content.ui_template(key, "ja_easy"))}
    for intent in content.catalogue.answered:
        own = content.own_topic(intent, "ja_easy")
        for e in own.entries if own else ():
            said.update((e.label, e.title))
            said.update(line.strip() for line in e.text.splitlines())
    return said


def leaks(reply: Reply, content: Content) -> list[str]:
    """The standard-Japanese strings of `reply` whose plain version exists: a button label or a
    card's text part equal to one, or one never part of the plain wording inside any text."""
    ja_only = ja_only_strings(content)
    easy = "\n".join(easy_pieces(content))
    labels = reply.labels + [a.get("label", "") for a in _card_actions(reply.messages)]
    parts = {*labels, *_flex_texts([m.get("contents") for m in reply.messages])}
    parts |= {line.strip() for line in reply.text.splitlines()}
    found = ja_only & parts
    found |= {s for s in ja_only if len(s) >= 3 and s not in easy and s in reply.text}
    return sorted(found)


@pytest.fixture
def content() -> Content:
    return load_content()


def assert_plain(reply: Reply, content: Content) -> None:
    assert reply.messages, "no reply"
    assert not leaks(reply, content), leaks(reply, content)


def test_booking_checking_and_cancelling_stay_in_plain_japanese(resident, app, content):
    add_session(app)
    plain_japanese(resident)
    assert_plain(resident.say("スマホ教室"), content)
    booked = resident.tap("よやく する")
    assert "よやく しました" in booked.text
    assert_plain(booked, content)
    for label in ("よやくを 見る", "よやくを とりけす"):
        assert label in [a["label"] for a in _card_actions(booked.messages)]
    mine = resident.tap("よやくを 見る")
    assert_plain(mine, content)
    ask = resident.tap("よやくを とりけす")
    assert "とりけしますか" in ask.text
    assert_plain(ask, content)
    yes, no = (
        next(
            a["data"]
            for a in _card_actions(ask.messages) + ask.quick_replies
            if a.get("label") == label
        )
        for label in ("とりけす", "とりけさない")
    )
    assert_plain(resident.press(no), content)
    assert_plain(resident.press(yes), content)
    assert_plain(resident.press(yes), content)  # already cancelled: not found


def test_booking_twice_and_a_full_session_stay_in_plain_japanese(resident, neighbour, app, content):
    add_session(app, capacity=1)
    neighbour.say("スマホ教室はいつありますか")
    neighbour.tap("予約する")
    plain_japanese(resident)
    resident.say("スマホ教室")
    offer = resident.say("それを予約したい")
    assert "いっぱい" in offer.text
    assert_plain(offer, content)
    add_session(app, days=5, venue="仲町ふれあい館")
    book = resident.say("スマホ教室はいつありますか").button("よやく する")["data"]
    assert "よやく しました" in resident.press(book).text
    again = resident.press(book)  # the schedule's button tapped again
    assert "もう よやく" in again.text
    assert_plain(again, content)


def test_settings_stop_all_and_receive_all_stay_in_plain_japanese(resident, content):
    plain_japanese(resident)
    panel = resident.say("受信設定")
    assert {"ぜんぶ とめる", "ぜんぶ うけとる"} <= set(panel.labels)
    assert_plain(panel, content)
    assert_plain(resident.tap("ぜんぶ とめる"), content)
    assert_plain(resident.tap("ぜんぶ うけとる"), content)
    told = resident.say("おしらせを ぜんぶ とめたい")
    assert_plain(told, content)


def test_plain_japanese_data_deletion_names_the_buttons_it_shows(resident, content):
    """Regression: the card said to tap 「削除する」 above buttons 「けす」「けさない」."""
    plain_japanese(resident)
    reply = resident.say("データ削除")
    assert set(reply.labels) == {"けす", "けさない"}
    for label in reply.labels:
        assert f"「{label}」" in reply.text
    assert "削除する" not in reply.text
    assert_plain(reply, content)
    assert_plain(resident.tap("けさない"), content)


def test_asking_back_offers_other_things_in_plain_japanese(resident, content):
    plain_japanese(resident)
    reply = resident.say("番号がわからない")  # a phone number, or a PIN?
    assert "ほかの こと" in reply.labels
    assert_plain(reply, content)


def test_a_ward_service_pointer_is_in_plain_japanese(resident, content):
    plain_japanese(resident)
    reply = resident.say("粗大ごみを出したいんだけど、どうすればいい？")
    assert "たんとう:" in reply.text
    assert_plain(reply, content)


@pytest.mark.parametrize(
    "words",
    [
        "コンビニ交付の手数料はいくら",
        "どのコンビニで使えますか",
        "マイナンバーカードの暗証番号を忘れた",
        "マイナンバーカードをなくした",
        "マイナンバーカードの受け取りに何を持っていく",
        "区役所の窓口は何時まで",
        "ありがとう",
    ],
)
def test_everyday_answers_are_in_plain_japanese_with_their_source_line(resident, content, words):
    plain_japanese(resident)
    reply = resident.say(words)
    assert_plain(reply, content)
    if "ありがとう" not in words:
        assert "出典(しゅってん):" in reply.text


def test_the_leak_check_catches_standard_japanese(resident, content):
    """The check itself: a standard-Japanese resident's booking card is full of such strings."""
    assert ja_only_strings(content) >= {"予約の確認", "取り消す", "日時", "すべて停止"}
    reply = resident.say("データ削除")
    assert leaks(reply, content)


def test_where_alone_after_the_schedule_is_its_places_in_plain_japanese(resident, content):
    """「どこ」 typed alone after the class schedule got 「ごめんなさい…こたえられません」 (and
    お答えできませんでした in Japanese) while 「どこですか」 got the schedule with its places."""
    plain_japanese(resident)
    resident.say("スマホ教室の日程")
    reply = resident.say("どこ")
    assert "ふれあい館" in reply.text and "こたえられません" not in reply.text
    assert_plain(reply, content)


def test_where_alone_after_the_schedule_in_japanese(resident):
    resident.follow()
    resident.say("スマホ教室の日程")
    reply = resident.say("どこ")
    assert "ふれあい館" in reply.text and "お答えできませんでした" not in reply.text
