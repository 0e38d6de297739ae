"""Bookings a ward can run a room with (issue 16): what a resident sees, as short transcripts.

A seat's card shows 「受付番号 N」 and what staff wrote to bring, and 予約の確認 shows it again; a
session that asks for names asks in the chat (and 「やめる」 stops it); the notices of a change or
a cancellation apologise and offer 予約の確認 and 別の回を見る; a schedule answer is one answer;
「ありがとう」 is answered with one 「どういたしまして」.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from sqlalchemy import select

from bot import classes
from bot.classes import changes
from bot.core.models import ClassSession, Reservation, UnansweredQuestion
from bot.line.postback import Postback
from tests.conftest import Reply


def add_session(app, *, days: float = 3, **fields) -> int:
    """A session `days` from now, saved the way staff add one."""
    details = {"title": "はじめてのLINE", "venue": "志村ふれあい館", "capacity": 10, **fields}
    with app.extensions["navi"].sessions() as db:
        session = classes.add_session(
            db, starts_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=days), **details
        )
        db.commit()
        return session.id


def the_reservation(app) -> Reservation:
    """The one reservation in the database (with its session)."""
    with app.extensions["navi"].sessions() as db:
        reservation = db.scalars(select(Reservation)).one()
        reservation.session  # noqa: B018  (loaded before the session closes)
        return reservation


def card_texts(message: dict) -> list[dict]:
    """The text components of a card's body, in order."""
    return [c for c in message["contents"]["body"]["contents"] if c["type"] == "text"]


def book(resident, session_id: int):
    """Tap 予約する on a session's card."""
    return resident.press(Postback("reserve", {"session": str(session_id)}).pack())


# -- the booking card ---------------------------------------------------------------------------


def test_the_booking_card_shows_the_booking_number_large_and_what_staff_wrote_to_bring(
    resident, app
):
    add_session(app, bring="スマホをお持ちください")
    resident.say("スマホ教室はいつありますか")
    reply = resident.tap("予約する")
    number = the_reservation(app).id
    card = next(m for m in reply.messages if m["type"] == "flex")
    big = [t for t in card_texts(card) if t["text"] == f"受付番号 {number}"]
    assert big and big[0]["size"] == "xxl"  # the largest text on the card, to show at the door
    assert "持ち物: スマホをお持ちください" in card["altText"]
    assert "各回のお知らせ" not in reply.text
    assert "受付でこのカードをお見せください" in reply.text


def test_a_forgotten_booking_number_is_offered_my_bookings_where_it_is(resident, app):
    """「受付番号を忘れた」 got the My Number card's forgotten-PIN answer (暗証番号): the router
    did not know 受付番号 as a booking word. 予約の確認, which shows it, is now offered."""
    add_session(app)
    resident.say("スマホ教室はいつありますか")
    resident.tap("予約する")
    question = resident.say("受付番号を忘れた")
    assert "予約の確認" in question.labels
    number = the_reservation(app).id
    assert f"受付番号 {number}" in resident.tap("予約の確認").text


def test_my_bookings_shows_the_booking_number_again(resident, app):
    add_session(app, bring="スマホをお持ちください")
    resident.say("スマホ教室はいつありますか")
    resident.tap("予約する")
    reply = resident.say("予約の確認")
    number = the_reservation(app).id
    assert f"受付番号 {number}" in reply.text and "スマホをお持ちください" in reply.text
    assert reply.button("予約を取り消す")


def test_a_waiting_list_place_has_no_booking_number_to_show(resident, neighbour, app):
    session_id = add_session(app, capacity=1)
    book(neighbour, session_id)
    reply = book(resident, session_id)
    assert "キャンセル待ち" in reply.text and "受付番号" not in reply.text


def test_an_english_resident_reads_booking_number(english_resident, app):
    add_session(app, bring="スマホをお持ちください")
    english_resident.follow()
    english_resident.say("When are the smartphone classes?")
    reply = english_resident.tap("Book")
    assert f"Booking number {the_reservation(app).id}" in reply.text
    assert "受付番号" not in reply.text


# -- names, when staff ask for them ---------------------------------------------------------------


def test_a_session_that_asks_names_asks_then_books_with_the_name_and_furigana(resident, app):
    session_id = add_session(app, asks_name=True)
    ask = book(resident, session_id)
    assert "お名前" in ask.text and ask.labels == ["やめる"]
    assert app_reservations(app) == []  # nothing is booked before the name
    kana = resident.say("板橋 花子")
    assert "ふりがな" in kana.text
    done = resident.say("いたばし はなこ")
    assert "予約しました" in done.text
    reservation = the_reservation(app)
    assert (reservation.name, reservation.name_kana) == ("板橋 花子", "いたばし はなこ")
    assert f"受付番号 {reservation.id}" in done.text
    assert "お名前: 板橋 花子(いたばし はなこ)" in done.text


def test_stopping_while_asked_for_a_name_books_nothing_and_forgets_the_name(resident, app):
    session_id = add_session(app, asks_name=True)
    book(resident, session_id)
    resident.say("板橋 花子")
    stopped = resident.tap("やめる")
    assert "最初のメニュー" in stopped.text
    assert app_reservations(app) == []
    assert "ふりがな" not in resident.say("いたばし はなこ").text  # no longer asked


def test_something_that_is_not_a_name_is_asked_again(resident, app):
    session_id = add_session(app, asks_name=True)
    book(resident, session_id)
    again = resident.say("電話は03-1234-5678です")
    assert "お名前だけを" in again.text
    assert "お名前だけを" in resident.say("板橋区板橋２丁目６６").text  # full-width digits
    resident.say("板橋 花子")
    assert "ひらがなかカタカナだけ" in resident.say("Hanako").text
    assert "予約しました" in resident.say("イタバシ ハナコ").text


def test_a_typed_name_is_neither_logged_nor_kept_as_an_unanswered_question(resident, app, caplog):
    session_id = add_session(app, asks_name=True)
    book(resident, session_id)
    with caplog.at_level(logging.DEBUG):
        resident.say("板橋 花子")
        resident.say("いたばし はなこ")
    assert "花子" not in caplog.text and "はなこ" not in caplog.text
    with app.extensions["navi"].sessions() as db:
        assert db.scalars(select(UnansweredQuestion)).all() == []


def test_an_english_resident_gives_a_name_and_is_not_asked_for_furigana(english_resident, app):
    session_id = add_session(app, asks_name=True)
    english_resident.follow()
    ask = book(english_resident, session_id)
    assert "full name" in ask.text and ask.labels == ["Cancel"]
    done = english_resident.say("Alex Smith")
    assert "You are booked" in done.text and "Name: Alex Smith" in done.text
    assert the_reservation(app).name == "Alex Smith"


def test_cancelling_a_booking_forgets_the_name(resident, app):
    session_id = add_session(app, asks_name=True)
    book(resident, session_id)
    resident.say("板橋 花子")
    resident.say("いたばし はなこ")
    resident.tap("予約を取り消す")
    resident.tap("取り消す")
    reservation = the_reservation(app)
    assert reservation.status == "cancelled" and reservation.name is None
    assert reservation.name_kana is None


def app_reservations(app) -> list[Reservation]:
    with app.extensions["navi"].sessions() as db:
        return list(db.scalars(select(Reservation)))


# -- notices of staff's changes -------------------------------------------------------------------


def tell(app, notices) -> None:
    navi = app.extensions["navi"]
    changes.tell(navi.sessions, navi.outbox, navi.content, navi.settings, notices, "staff")


def test_a_cancelled_session_notice_apologises_and_offers_my_bookings_and_other_sessions(
    resident, app, standin
):
    session_id = add_session(app)
    add_session(app, days=6, title="写真の送り方")
    book(resident, session_id)
    with app.extensions["navi"].sessions() as db:
        notices = changes.cancel_session(db, session_id, "staff@example.jp")
        db.commit()
    tell(app, notices)
    notice = standin.messages_to(resident.user_id)[-1]
    assert notice["altText"].startswith("申し訳ありません。")
    labels = [b["action"]["label"] for b in notice["contents"]["footer"]["contents"]]
    assert labels == ["予約の確認", "別の回を見る"]
    resident.history.append(Reply([notice]))  # the push is the resident's latest message
    others = resident.tap("別の回を見る")
    assert "写真の送り方" in others.text and others.button("予約する")


def test_a_changed_session_notice_apologises_and_can_cancel(resident, app, standin):
    session_id = add_session(app)
    book(resident, session_id)
    with app.extensions["navi"].sessions() as db:
        session = db.get(ClassSession, session_id)
        details = {name: getattr(session, name) for name in changes.EDITABLE}
        notices = changes.update_session(
            db,
            session_id,
            "staff",
            dt.datetime.now(dt.UTC),
            **details | {"venue": "仲町ふれあい館"},
        )
        db.commit()
    tell(app, notices)
    notice = standin.messages_to(resident.user_id)[-1]
    assert (
        notice["altText"].startswith("申し訳ありません。") and "仲町ふれあい館" in notice["altText"]
    )
    labels = [b["action"]["label"] for b in notice["contents"]["footer"]["contents"]]
    assert labels == ["予約の確認", "予約を取り消す", "別の回を見る"]
    assert f"受付番号 {the_reservation(app).id}" in notice["altText"]


# -- one schedule answer, one thank-you -----------------------------------------------------------


def test_a_schedule_answer_does_not_also_say_dates_are_not_yet_set(resident, app):
    add_session(app)
    reply = resident.say("スマホ教室の日程を教えて")
    assert "はじめてのLINE" in reply.text and reply.button("予約する")
    assert "決まりしだい" not in reply.text and "まだ公開されていません" not in reply.text
    assert "令和7年2月" not in reply.text and "2025" not in reply.text


def test_without_sessions_the_schedule_says_none_are_open_yet(resident):
    reply = resident.say("スマホ教室の日程を教えて")
    assert "まだ公開されていません" in reply.text


def seen(reply) -> str:
    """What the chat shows: texts and the cards' words (not the altText of notifications)."""
    return "\n".join(
        m["text"] if m["type"] == "text" else json.dumps(m["contents"], ensure_ascii=False)
        for m in reply.messages
    )


def test_thanks_is_answered_with_one_youre_welcome(resident, english_resident):
    assert seen(resident.say("ありがとう")).count("どういたしまして") == 1
    english_resident.follow()
    assert seen(english_resident.say("Thank you!")).count("You're welcome") == 1
