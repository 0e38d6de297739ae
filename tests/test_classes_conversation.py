"""Booking smartphone classes, as residents do it: each test is a short transcript."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot import classes
from bot.classes import changes
from bot.core.db import utcnow
from bot.core.models import ClassSession, Follower, Reservation, UnansweredQuestion
from tests.admin_helpers import console_client, log_in, make_user
from tests.conftest import Resident, _card_actions
from tests.test_languages import plain_japanese


def add_session(app, *, days: float = 3, venue: str = "志村ふれあい館", capacity: int = 10, **kw):
    """A session `days` from now (or at `starts_at`), saved the way staff add one."""
    starts = kw.pop("starts_at", None) or dt.datetime.now(dt.UTC) + dt.timedelta(days=days)
    fields = {"title": "はじめてのLINE", "kind": "class", **kw}
    with app.extensions["navi"].sessions() as db:
        session = classes.add_session(
            db, starts_at=starts, venue=venue, capacity=capacity, **fields
        )
        db.commit()
        return session


def statuses(app) -> dict[str, str]:
    """Every reservation's status, by LINE user id."""
    with app.extensions["navi"].sessions() as db:
        rows = db.scalars(select(Reservation)).all()
        return {r.follower.line_user_id: r.status for r in rows}


def test_schedule_shows_sessions_with_seats_kind_and_a_booking_button(resident, app):
    add_session(app, title="はじめてのLINE", capacity=10)
    add_session(app, days=4, title="個別相談", kind="consultation", venue="仲町ふれあい館")
    reply = resident.say("スマホ教室はいつありますか")
    carousel = next(m for m in reply.messages if m["type"] == "flex")
    assert len(carousel["contents"]["contents"]) == 2
    assert "残り10席" in reply.text and "仲町ふれあい館" in reply.text
    assert "スマホ教室" in reply.text and "スマホ相談会" in reply.text
    assert reply.button("予約する")["data"].startswith("v1|reserve|session=")
    assert "はじめてのLINE" in carousel["altText"] and "個別相談" in carousel["altText"]


def test_tapping_book_confirms_the_date_venue_and_whom_to_ask(resident, app):
    session = add_session(app, venue="志村ふれあい館")
    resident.say("スマホ教室はいつありますか")
    reply = resident.tap("予約する")
    assert "予約しました" in reply.text
    tz = app.extensions["navi"].settings.tz
    assert classes.format_when(session, tz, "ja") in reply.text
    assert "志村ふれあい館" in reply.text and "03-3960-5885" in reply.text  # the venue's phone
    assert reply.button("予約の確認") and reply.button("予約を取り消す")
    assert statuses(app) == {resident.user_id: "reserved"}


def test_my_bookings_lists_what_the_resident_booked(resident, app):
    add_session(app, title="はじめてのLINE")
    add_session(app, days=5, title="写真の送り方")
    resident.say("スマホ教室はいつありますか")
    resident.tap("予約する")
    reply = resident.say("予約の確認")
    assert "はじめてのLINE" in reply.text and "予約しています" in reply.text
    assert "写真の送り方" not in reply.text
    assert reply.button("予約を取り消す")


def test_cancelling_asks_first_then_frees_the_seat(resident, app):
    session = add_session(app, capacity=3)
    resident.say("スマホ教室はいつありますか")
    resident.tap("予約する")
    question = resident.tap("予約を取り消す")
    assert "取り消しますか" in question.text
    done = resident.tap("取り消す")
    assert "取り消しました" in done.text
    assert statuses(app) == {resident.user_id: "cancelled"}
    with app.extensions["navi"].sessions() as db:
        assert db.get(ClassSession, session.id).reserved == 0


def test_keeping_a_booking_changes_nothing(resident, app):
    add_session(app)
    resident.say("スマホ教室はいつありますか")
    resident.tap("予約する")
    resident.tap("予約を取り消す")
    assert "そのまま" in resident.tap("取り消さない").text
    assert statuses(app) == {resident.user_id: "reserved"}


@pytest.mark.parametrize(
    ("typed", "status", "said"),
    [
        ("はい", "cancelled", "取り消しました"),
        ("お願いします。", "cancelled", "取り消しました"),
        ("いいえ", "reserved", "そのまま"),
        ("取り消さない", "reserved", "そのまま"),
        ("「はい」", "cancelled", "取り消しました"),
        ("『いいえ』", "reserved", "そのまま"),
    ],
)
def test_yes_or_no_typed_to_the_cancel_question_does_what_its_buttons_do(
    resident, app, typed, status, said
):
    """「はい」 typed at 「この予約を取り消しますか？」 got an unrelated class answer (相談会と
    教室の違い) and cancelled nothing."""
    add_session(app)
    resident.say("スマホ教室はいつありますか")
    resident.tap("予約する")
    assert "取り消しますか" in resident.tap("予約を取り消す").text
    assert said in resident.say(typed).text
    assert statuses(app) == {resident.user_id: status}


def test_yes_typed_in_english_to_the_cancel_question_cancels(english_resident, app):
    add_session(app)
    english_resident.follow()
    english_resident.say("When are the smartphone classes?")
    english_resident.tap("Book")
    english_resident.tap("Cancel booking")
    assert "cancelled" in english_resident.say("Yes").text.lower()
    assert statuses(app) == {english_resident.user_id: "cancelled"}


@pytest.mark.parametrize(
    ("typed", "status"), [("no thanks", "reserved"), ("yes please", "cancelled")]
)
def test_yes_or_no_said_politely_in_english_to_the_cancel_question_is_its_answer(
    english_resident, app, typed, status
):
    """ "no thanks" typed at "Cancel this booking?" got "You're welcome" (read as thanks): the
    question is remembered as the bot's yes-or-no question, as the cancel answer's is."""
    add_session(app)
    english_resident.follow()
    english_resident.say("When are the smartphone classes?")
    english_resident.tap("Book")
    english_resident.tap("Cancel booking")
    reply = english_resident.say(typed)
    assert "welcome" not in reply.text.lower()
    assert statuses(app) == {english_resident.user_id: status}


def test_yes_typed_later_about_something_else_cancels_nothing(resident, app):
    """Only right after the question: 「はい」 after another answer is not a cancellation."""
    add_session(app)
    resident.say("スマホ教室はいつありますか")
    resident.tap("予約する")
    resident.tap("予約を取り消す")
    resident.say("コンビニで住民票は取れますか")
    resident.say("はい")
    assert statuses(app) == {resident.user_id: "reserved"}


def test_full_session_offers_the_waitlist_and_a_cancel_pushes_the_seat_to_it(
    resident, neighbour, app, standin
):
    add_session(app, capacity=1)
    neighbour.say("スマホ教室はいつありますか")
    neighbour.tap("予約する")
    schedule = resident.say("スマホ教室はいつありますか")
    assert "満席" in schedule.text
    joined = resident.tap("キャンセル待ち")
    assert "キャンセル待ち" in joined.text and "順番" in joined.text
    assert "1" in joined.messages[0]["altText"].split("順番")[-1]
    before = len(standin.messages_to(resident.user_id))
    neighbour.say("予約の確認")
    neighbour.tap("予約を取り消す")
    neighbour.tap("取り消す")
    pushed = standin.messages_to(resident.user_id)[before:]
    assert len(pushed) == 1 and "席が空いた" in pushed[0]["altText"]
    assert statuses(app) == {resident.user_id: "reserved", neighbour.user_id: "cancelled"}


def test_book_it_after_a_one_session_schedule_books_that_session(resident, app):
    add_session(app)
    resident.say("スマホ教室はいつありますか")
    reply = resident.say("それを予約したい")
    assert "予約しました" in reply.text
    assert statuses(app) == {resident.user_id: "reserved"}


def test_book_it_after_a_schedule_of_several_asks_which(resident, app):
    add_session(app, venue="仲町ふれあい館")
    add_session(app, days=4, venue="徳丸ふれあい館")
    resident.say("スマホ教室はいつありますか")
    question = resident.say("予約したい")
    assert "どの回" in question.text
    assert len(question.labels) == 2 and "仲町" in question.labels[0]
    assert "(" in question.labels[0] and "/" in question.labels[0]  # 12/3(水)10:00 …
    assert "予約しました" in resident.tap("徳丸").text
    with app.extensions["navi"].sessions() as db:
        booked = db.scalar(select(Reservation))
        assert booked.session.venue == "徳丸ふれあい館"


def test_asking_which_to_book_names_each_session_whole(resident, app):
    """「12/10(木)13:00 高島平ふれあい館」 is over LINE's 20 characters: its button read
    「…高島平ふれあ」. Now the buttons say what fits whole (the date and 「高島平」) and the
    question names each session with its venue."""
    add_session(app, venue="高島平ふれあい館")
    add_session(app, days=4, venue="志村ふれあい館")
    resident.say("スマホ教室はいつありますか")
    question = resident.say("予約したい")
    assert "どの回" in question.text and "・" in question.text
    assert "高島平ふれあい館" in question.text and "志村ふれあい館" in question.text
    for label in question.labels:
        assert len(label) <= 20
        assert "ふれあ" not in label or label.endswith("ふれあい館"), label
    assert "予約しました" in resident.tap(question.labels[0]).text
    with app.extensions["navi"].sessions() as db:
        assert db.scalar(select(Reservation)).session.venue == "高島平ふれあい館"


def test_asking_which_to_book_leaves_out_the_sessions_already_booked(resident, app):
    """「予約したい」 after a schedule of two, one of them booked already: only the other is
    offered (booking the first again only said it was booked), and 「1番目」 then means it."""
    add_session(app, venue="仲町ふれあい館")
    add_session(app, days=4, venue="徳丸ふれあい館")
    resident.say("スマホ教室はいつありますか")
    assert "予約しました" in resident.say("1番目を予約").text
    resident.say("スマホ教室はいつありますか")
    question = resident.say("予約したい")
    assert "どの回" in question.text
    # one button, and the list names only the other venue (the button's label holds the venue
    # only where date and venue fit in 20 characters: not beside a two-digit day)
    assert len(question.labels) == 1
    assert "徳丸" in question.text and "仲町" not in question.text
    assert "予約しました" in resident.say("1番目").text
    with app.extensions["navi"].sessions() as db:
        venues = sorted(r.session.venue for r in db.scalars(select(Reservation)))
    assert venues == ["仲町ふれあい館", "徳丸ふれあい館"]


def test_asking_which_to_book_when_every_session_is_booked_shows_the_bookings(resident, app):
    add_session(app, venue="仲町ふれあい館")
    add_session(app, days=4, venue="徳丸ふれあい館")
    resident.say("スマホ教室はいつありますか")
    resident.say("1番目を予約")
    resident.say("スマホ教室はいつありますか")
    resident.say("2番目を予約")
    resident.say("スマホ教室はいつありますか")
    reply = resident.say("予約したい")
    assert "どの回" not in reply.text
    assert "仲町" in reply.text and "徳丸" in reply.text and "キャンセル" in reply.text
    with app.extensions["navi"].sessions() as db:
        assert len(db.scalars(select(Reservation)).all()) == 2  # nothing booked twice


def asked_which_of_two(app, someone: Resident, lang: str = "ja") -> dt.datetime:
    """Two sessions (仲町 in three days, 徳丸 in four), the schedule asked for and then a booking:
    the bot asks which. The later session's start in Tokyo, whose date the tests type."""
    add_session(app, venue="仲町ふれあい館")
    later = add_session(app, days=4, venue="徳丸ふれあい館")
    if lang == "en":
        someone.follow()
        someone.say("When are the smartphone classes?")
        someone.say("I want to book")
    else:
        someone.say("スマホ教室はいつありますか")
        assert "どの回" in someone.say("予約したい").text
    return later.starts_at.astimezone(ZoneInfo("Asia/Tokyo"))


@pytest.mark.parametrize(
    "form",
    [
        "{m}月{d}日の回",
        "{m}/{d}",
        "{d}日でお願いします",
        "{m}月{d}日",
        "{y}/{m}/{d}",
        "{d}日でお願いできますか？",
    ],
)
def test_a_date_typed_in_answer_to_which_one_books_that_session(resident, app, form):
    """「12月10日の回」 typed after 「どの回を予約しますか？」 books the session of that day (it
    showed the schedule again)."""
    day = asked_which_of_two(app, resident)
    reply = resident.say(form.format(y=day.year, m=day.month, d=day.day))
    assert "予約しました" in reply.text
    with app.extensions["navi"].sessions() as db:
        assert db.scalar(select(Reservation)).session.venue == "徳丸ふれあい館"


@pytest.mark.parametrize(
    "form", ["{month} {d}", "{mon} {d}th", "{d} {month}", "the {d}th of {month}"]
)
def test_an_english_date_typed_in_answer_to_which_one_books_that_session(
    english_resident, app, form
):
    """ "December 10" after "Which session would you like to book?" asked again."""
    day = asked_which_of_two(app, english_resident, "en")
    month = day.strftime("%B")
    reply = english_resident.say(form.format(month=month, mon=month[:3], d=day.day))
    assert "You are booked" in reply.text
    with app.extensions["navi"].sessions() as db:
        assert db.scalar(select(Reservation)).session.venue == "徳丸ふれあい館"


def test_tomorrow_typed_in_answer_to_which_one_books_tomorrows_session(resident, app):
    """「明日の回」 asked again: a day counted from today is a date too."""
    tz = ZoneInfo("Asia/Tokyo")
    today = dt.datetime.now(tz).date()
    noon = dt.time(12, 0, tzinfo=tz)
    add_session(
        app,
        starts_at=dt.datetime.combine(today + dt.timedelta(days=1), noon),
        venue="仲町ふれあい館",
    )
    add_session(
        app,
        starts_at=dt.datetime.combine(today + dt.timedelta(days=3), noon),
        venue="徳丸ふれあい館",
    )
    resident.say("スマホ教室はいつありますか")
    assert "どの回" in resident.say("予約したい").text
    assert "予約しました" in resident.say("明日の回").text
    with app.extensions["navi"].sessions() as db:
        assert db.scalar(select(Reservation)).session.venue == "仲町ふれあい館"


@pytest.mark.parametrize(
    ("typed", "venue"),
    [("14時の回", "徳丸ふれあい館"), ("10時", "仲町ふれあい館"), ("午後2時の回", "徳丸ふれあい館")],
)
def test_a_time_beside_the_date_picks_between_two_sessions_of_one_day(resident, app, typed, venue):
    """Two sessions on one day: 「7日の14時の回」 asked again, the time unread."""
    tz = ZoneInfo("Asia/Tokyo")
    day = dt.datetime.now(tz).date() + dt.timedelta(days=3)
    add_session(
        app, starts_at=dt.datetime.combine(day, dt.time(10, 0, tzinfo=tz)), venue="仲町ふれあい館"
    )
    add_session(
        app, starts_at=dt.datetime.combine(day, dt.time(14, 0, tzinfo=tz)), venue="徳丸ふれあい館"
    )
    resident.say("スマホ教室はいつありますか")
    assert "どの回" in resident.say("予約したい").text
    assert "予約しました" in resident.say(f"{day.day}日の{typed}").text
    with app.extensions["navi"].sessions() as db:
        assert db.scalar(select(Reservation)).session.venue == venue


@pytest.mark.parametrize(
    "form", ["{d}日は何時からですか？", "{m}/{d}はどこでやりますか", "{d}日は何時まで?"]
)
def test_a_date_in_a_question_after_which_one_books_nothing(resident, app, form):
    """「10日は何時からですか？」 after 「どの回を予約しますか？」 asks about the session: it
    booked it."""
    day = asked_which_of_two(app, resident)
    reply = resident.say(form.format(m=day.month, d=day.day))
    assert "予約しました" not in reply.text
    assert statuses(app) == {}


@pytest.mark.parametrize(
    "form", ["{d}日は満席ですか？", "{d}日ってまだ空いてる？", "{d}日の回は持ち物ありますか"]
)
def test_a_date_in_a_question_without_a_question_word_books_nothing(resident, app, form):
    """「10日は満席ですか？」 after 「どの回を予約しますか？」 booked that session: only 何 /
    いつ / どこ… made a question."""
    day = asked_which_of_two(app, resident)
    assert "予約しました" not in resident.say(form.format(d=day.day)).text
    assert statuses(app) == {}


@pytest.mark.parametrize(
    ("typed", "books"),
    [
        ("Where is the {month} {d} session?", False),
        ("Is the {month} {d} one full?", False),
        ("How much is the {month} {d} class?", False),
        ("When is the 2nd one?", False),
        ("What time is the second one?", False),
        ("May I book the second one?", True),
        ("Can I have the {month} {d} one?", True),
    ],
)
def test_an_english_question_about_a_session_after_which_one_books_nothing(
    english_resident, app, typed, books
):
    """ "Where is the December 10 session?" after "Which session would you like to book?"
    booked it: the question words were Japanese only."""
    day = asked_which_of_two(app, english_resident, "en")
    reply = english_resident.say(typed.format(month=day.strftime("%B"), d=day.day))
    assert ("You are booked" in reply.text) is books
    assert statuses(app) == ({english_resident.user_id: "reserved"} if books else {})


@pytest.mark.parametrize("form", ["{d}日以外で", "{d}日はダメです", "{d}日は無理です", "2番目以外"])
def test_a_session_turned_down_after_which_one_is_not_booked(resident, app, form):
    """「10日以外で」 or 「10日はダメです」 after 「どの回を予約しますか？」 booked the 10th, the
    very session turned down."""
    day = asked_which_of_two(app, resident)
    assert "予約しました" not in resident.say(form.format(d=day.day)).text
    assert statuses(app) == {}


@pytest.mark.parametrize("typed", ["Not the {month} {d} one", "Any day other than {month} {d}"])
def test_a_session_turned_down_in_english_after_which_one_is_not_booked(
    english_resident, app, typed
):
    day = asked_which_of_two(app, english_resident, "en")
    reply = english_resident.say(typed.format(month=day.strftime("%B"), d=day.day))
    assert "You are booked" not in reply.text
    assert statuses(app) == {}


def test_a_date_that_names_no_session_shown_books_nothing_and_asks_again(resident, app):
    add_session(app, venue="仲町ふれあい館")
    add_session(app, days=4, venue="徳丸ふれあい館")
    resident.say("スマホ教室はいつありますか")
    resident.say("予約したい")
    far = (dt.datetime.now(ZoneInfo("Asia/Tokyo")) + dt.timedelta(days=10)).date()
    reply = resident.say(f"{far.month}月{far.day}日の回")
    assert "予約しました" not in reply.text and "どの回" in reply.text
    assert statuses(app) == {}


def test_an_ordinal_picks_that_session_from_the_schedule(resident, app):
    add_session(app, venue="仲町ふれあい館")
    add_session(app, days=4, venue="徳丸ふれあい館")
    add_session(app, days=5, venue="志村ふれあい館")
    resident.say("スマホ教室はいつありますか")
    reply = resident.say("2番目を予約")
    assert "予約しました" in reply.text and "徳丸ふれあい館" in reply.text
    with app.extensions["navi"].sessions() as db:
        assert db.scalar(select(Reservation)).session.venue == "徳丸ふれあい館"


@pytest.mark.parametrize("words", ["2番目を予約", "3番目", "2番目の回を予約したい"])
def test_an_ordinal_past_the_end_of_the_schedule_books_nothing_and_asks_which(resident, app, words):
    """「2番目」 after a schedule of one session: no second session, so nothing is booked (it
    booked the only one, a session the resident never chose); which one is asked instead."""
    session = add_session(app, venue="仲町ふれあい館")
    resident.say("スマホ教室はいつありますか")
    reply = resident.say(words)
    assert "予約しました" not in reply.text and "どの回" in reply.text
    # its one button books that session (the label names its venue only beside a one-digit day)
    assert len(reply.labels) == 1
    assert reply.button(reply.labels[0])["data"] == f"v1|reserve|session={session.id}"
    assert statuses(app) == {}


@pytest.mark.parametrize("words", ["2番目は何時からですか？", "2番目はどこでやるの"])
def test_a_question_about_the_second_session_books_nothing(resident, app, words):
    """「2番目は何時から？」 after the schedule booked the second session: a question about a
    session is answered (the schedule), not taken as a booking."""
    add_session(app, venue="仲町ふれあい館")
    add_session(app, days=4, venue="徳丸ふれあい館")
    resident.say("スマホ教室はいつありますか")
    reply = resident.say(words)
    assert "予約しました" not in reply.text
    assert statuses(app) == {}


def test_an_ordinal_answers_which_one(resident, app):
    add_session(app, venue="仲町ふれあい館")
    add_session(app, days=4, venue="徳丸ふれあい館")
    resident.say("スマホ教室はいつありますか")
    resident.say("予約したい")
    reply = resident.say("最初のでお願いします")
    assert "予約しました" in reply.text and "仲町ふれあい館" in reply.text


def test_an_ordinal_with_a_word_that_holds_a_day_still_answers_which_one(resident, app):
    """「2ばんめの きょうしつ」: きょう (today) is inside きょうしつ, and no session is today; the
    place in the list still picks the session."""
    add_session(app, venue="仲町ふれあい館")
    add_session(app, days=4, venue="徳丸ふれあい館")
    resident.say("スマホ教室はいつありますか")
    resident.say("予約したい")
    reply = resident.say("2番目のきょうしつ")
    assert "予約しました" in reply.text and "徳丸ふれあい館" in reply.text


@pytest.mark.parametrize("number", ["2", "２", "2番でお願いします"])
def test_typing_the_number_answers_which_one(resident, app, number):
    """Asked 「どの回を予約しますか？」, a senior types 2: that session is booked (it used to get
    the card 「相談会と教室の違い」 and nothing was booked)."""
    add_session(app, venue="仲町ふれあい館")
    add_session(app, days=4, venue="徳丸ふれあい館")
    resident.say("スマホ教室はいつありますか")
    assert "どの回" in resident.say("予約したい").text
    reply = resident.say(number)
    assert "予約しました" in reply.text and "徳丸ふれあい館" in reply.text
    assert statuses(app) == {resident.user_id: "reserved"}


def test_a_number_alone_after_the_schedule_books_nothing(resident, app):
    """Only the question 「どの回を？」 makes a bare number a choice."""
    add_session(app, venue="仲町ふれあい館")
    add_session(app, days=4, venue="徳丸ふれあい館")
    resident.say("スマホ教室はいつありますか")
    resident.say("2")
    assert statuses(app) == {}


def test_booking_a_full_session_in_words_offers_the_waitlist_first(resident, neighbour, app):
    add_session(app, capacity=1)
    neighbour.say("スマホ教室はいつありますか")
    neighbour.tap("予約する")
    resident.say("スマホ教室はいつありますか")
    offer = resident.say("それを予約したい")
    assert "満席" in offer.text and resident.user_id not in statuses(app)
    assert "キャンセル待ち" in resident.tap("キャンセル待ち").text
    assert statuses(app)[resident.user_id] == "waitlisted"


def test_sub_questions_still_work_after_the_schedule(resident, app):
    add_session(app)
    resident.say("スマホ教室はいつありますか")
    assert "お知らせ" in resident.say("持ち物は？").text
    assert "無料" in resident.say("いくらかかりますか").text
    assert resident.user_id not in statuses(app)


def test_an_old_button_for_a_cancelled_session_gets_a_friendly_answer(resident, app):
    session = add_session(app)
    other = add_session(app, days=6, title="写真の送り方")
    resident.say("スマホ教室はいつありますか")
    with app.extensions["navi"].sessions() as db:
        db.get(ClassSession, session.id).status = "cancelled"
        db.commit()
    reply = resident.tap("予約する")
    assert reply.status == 200
    assert "受け付けていません" in reply.text
    assert other.title in reply.text  # the current schedule
    assert resident.user_id not in statuses(app)


def test_an_old_button_for_a_deleted_session_gets_a_friendly_answer(resident):
    reply = resident._deliver(resident.events.postback(resident.user_id, "v1|reserve|session=999"))
    assert reply.status == 200 and "受け付けていません" in reply.text
    assert "ふれあい館" in reply.text  # no sessions: the venues to call


def test_english_resident_books_in_english(english_resident, app):
    session = add_session(app, venue="志村ふれあい館")
    english_resident.follow()
    schedule = english_resident.say("When are the smartphone classes?")
    assert "Seats left: 10" in schedule.text
    reply = english_resident.tap("Book")
    tz = app.extensions["navi"].settings.tz
    assert "You are booked" in reply.text
    assert session.starts_at.astimezone(tz).strftime("%a %-d %b") in reply.text
    assert "My bookings" in [b["label"] for b in _buttons(reply)]


def _buttons(reply) -> list[dict]:
    """The card buttons of a reply."""
    found = []
    for message in reply.messages:
        if message["type"] == "flex":
            footer = message["contents"].get("footer", {"contents": []})
            found += [c["action"] for c in footer["contents"]]
    return found


def test_asking_for_my_bookings_out_of_the_blue_lists_them(resident, app):
    add_session(app, title="はじめてのLINE")
    resident.say("スマホ教室はいつありますか")
    resident.tap("予約する")
    resident.say("メニュー")  # no context left
    assert "はじめてのLINE" in resident.say("予約の確認").text


def test_deleting_my_data_gives_my_seat_to_the_waitlist(resident, neighbour, app, standin):
    session = add_session(app, capacity=1)
    resident.say("スマホ教室はいつありますか")
    resident.tap("予約する")
    neighbour.say("スマホ教室はいつありますか")
    neighbour.tap("キャンセル待ち")
    before = len(standin.messages_to(neighbour.user_id))
    ask = resident.say("データ削除")
    resident.tap(ask.labels[0])
    pushed = standin.messages_to(neighbour.user_id)[before:]
    assert len(pushed) == 1 and "席が空いた" in pushed[0]["altText"]
    assert statuses(app) == {neighbour.user_id: "reserved"}
    with app.extensions["navi"].sessions() as db:
        assert db.get(ClassSession, session.id).reserved == 1


def test_deleting_my_data_keeps_the_class_i_attended_in_the_managers_figures_without_me(
    resident, app
):
    """Regression: a resident who came to a class (staff marked 参加) and then sent
    「データ削除」 took their booking with them, and the year's class participants on the
    managers' dashboard dropped by one. The seat now stays, with nobody's name or LINE ID."""
    session = add_session(app, asks_name=True)
    resident.say("スマホ教室はいつありますか")
    resident.tap("予約する")
    resident.say("板橋 花子")
    resident.say("いたばし はなこ")
    with app.extensions["navi"].sessions() as db:  # the class took place; staff marked them
        db.get(ClassSession, session.id).starts_at = utcnow() - dt.timedelta(hours=3)
        (seat,) = db.scalars(select(Reservation)).all()
        assert seat.name == "板橋 花子"
        seat.attended, number = True, seat.id
        db.commit()
    manager = console_client(app)
    log_in(manager, make_user(app, "manager"))

    def class_participants() -> str:
        page = manager.get("/admin/dashboard").get_data(as_text=True)
        figure = page[page.index('id="kpi-class"') : page.index('id="kpi-consultation"')]
        return figure[figure.index('class="value"') :][:40]

    before = class_participants()
    assert before.startswith('class="value">1<')
    ask = resident.say("データ削除")
    assert "消しました" in resident.tap(ask.labels[0]).text
    assert class_participants() == before
    with app.extensions["navi"].sessions() as db:
        assert db.scalars(select(Follower)).all() == []
        kept = [(r.id, r.follower_id, r.name, r.name_kana) for r in db.scalars(select(Reservation))]
    assert kept == [(number, None, None, None)]  # a number, an attendance mark: nobody's
    door_list = manager.get(f"/admin/classes/{session.id}").get_data(as_text=True)
    assert f"受付番号 {number}" in door_list
    assert "データ削除済み" in door_list
    assert "板橋 花子" not in door_list and "いたばし はなこ" not in door_list


def test_help_lines_asked_for_while_the_bot_waits_for_a_name_leave_the_booking_waiting(
    resident, app
):
    """A crisis message in the middle of a booking gets the help lines; the name typed next is
    still the booking's name, not an unanswered question kept for staff."""
    add_session(app, asks_name=True)
    resident.say("スマホ教室はいつありますか")
    resident.tap("予約する")
    assert "tel:" in str(resident.say("もう死にたい").messages)
    reply = resident.say("板橋 花子")
    assert "ふりがな" in reply.text  # the booking goes on: the name's reading is asked next
    with app.extensions["navi"].sessions() as db:
        assert db.scalars(select(UnansweredQuestion)).all() == []


@pytest.mark.parametrize("opening", ["すみません", "質問があります。", "もしもし", "使い方"])
def test_an_opening_typed_while_the_bot_waits_for_a_name_leaves_the_booking_waiting(
    resident, app, opening
):
    """「すみません」 typed when the bot asked for a name gets the greeting, and the name typed
    next is still the booking's name: it was the end of the booking, the name answered
    「お答えできませんでした」 and kept for staff as an unanswered question."""
    add_session(app, asks_name=True)
    resident.say("スマホ教室はいつありますか")
    resident.tap("予約する")
    resident.say(opening)
    reply = resident.say("板橋 花子")
    assert "ふりがな" in reply.text and "お答えできませんでした" not in reply.text
    assert "予約しました" in resident.say("いたばし はなこ").text
    with app.extensions["navi"].sessions() as db:
        assert db.scalars(select(UnansweredQuestion)).all() == []
        assert [r.name for r in db.scalars(select(Reservation))] == ["板橋 花子"]


def test_an_old_keep_button_does_not_say_a_cancelled_booking_is_still_on(resident, app):
    add_session(app)
    resident.say("スマホ教室はいつありますか")
    resident.tap("予約する")
    asked = resident.tap("予約を取り消す")
    resident.tap("取り消す")
    reply = resident.press(asked.button("取り消さない")["data"])
    assert "予約はそのままです" not in reply.text
    assert reply.text.startswith(app.extensions["navi"].content.ui("cancel_not_found", "ja"))


def test_the_schedule_chosen_on_an_ask_back_is_the_live_one(resident, app):
    """「日程」 tapped on "which do you mean?" shows the sessions open now, as the question
    typed does, not the text for when none is published."""
    add_session(app, title="はじめてのLINE")
    asked = resident.say("教室")
    assert "日程" in asked.labels
    reply = resident.tap("日程")
    assert "はじめてのLINE" in reply.text and "まだ公開されていません" not in reply.text


@pytest.mark.parametrize(
    "typed",
    [
        "コンビニで住民票は何時まで取れますか",
        "What are the konbini hours",
        "😀",
        "コンビニは何時まで",  # asked plainly: it was taken as the name, and furigana asked
        "マイナンバーカードの更新を教えて",
        "住民票を取りたいのでやり方を知りたい",
    ],
)
def test_a_question_or_an_emoji_typed_for_the_name_is_not_booked_as_one(resident, app, typed):
    add_session(app, asks_name=True)
    resident.say("スマホ教室はいつありますか")
    resident.tap("予約する")
    reply = resident.say(typed)
    assert "お名前だけを" in reply.text
    with app.extensions["navi"].sessions() as db:
        assert db.scalars(select(Reservation)).all() == []


@pytest.mark.parametrize("name", ["Will Smith", "Do Van An"])
def test_names_that_begin_like_a_question_word_are_names(english_resident, app, name):
    add_session(app, asks_name=True)
    english_resident.follow()
    english_resident.say("When are the smartphone classes?")
    english_resident.tap("Book")
    english_resident.say(name)
    with app.extensions["navi"].sessions() as db:
        assert [r.name for r in db.scalars(select(Reservation))] == [name]


# -- a freed seat goes to someone who can be told -----------------------------------------------


def waiting_then_blocked(app, client, standin, events, session_id: int) -> Resident:
    """A resident who joined the waiting list of a session, then blocked the account."""
    gone = Resident(client, standin, events, "U" + "4" * 32)
    standin.add_profile(gone.user_id, "板橋 三郎", language="ja")
    gone.follow()
    gone.press(f"v1|reserve|session={session_id}")
    gone.unfollow()
    return gone


def test_a_freed_seat_goes_to_the_next_who_still_follows_not_to_one_who_blocked_us(
    resident, neighbour, app, standin, client, events
):
    """The first on the waiting list blocked the account: a seat given to them would stay
    empty on the day, since nobody can tell them. It goes to the next, who is told; the one who
    blocked keeps their place on the list."""
    session = add_session(app, capacity=1)
    resident.say("スマホ教室はいつありますか")
    resident.tap("予約する")
    gone = waiting_then_blocked(app, client, standin, events, session.id)
    neighbour.say("スマホ教室はいつありますか")
    neighbour.tap("キャンセル待ち")
    before = len(standin.messages_to(neighbour.user_id))
    resident.say("予約の確認")
    resident.tap("予約を取り消す")
    resident.tap("取り消す")
    pushed = standin.messages_to(neighbour.user_id)[before:]
    assert len(pushed) == 1 and "席が空いた" in pushed[0]["altText"]
    assert statuses(app) == {
        resident.user_id: "cancelled",
        gone.user_id: "waitlisted",
        neighbour.user_id: "reserved",
    }


def test_seats_staff_add_go_to_those_waiting_who_still_follow(
    resident, neighbour, app, standin, client, events
):
    session = add_session(app, capacity=1)
    resident.say("スマホ教室はいつありますか")
    resident.tap("予約する")
    gone = waiting_then_blocked(app, client, standin, events, session.id)
    neighbour.say("スマホ教室はいつありますか")
    neighbour.tap("キャンセル待ち")
    before = len(standin.messages_to(neighbour.user_id))
    navi = app.extensions["navi"]
    with navi.sessions() as db:  # staff raise the capacity by one (the console's edit)
        details = {name: getattr(session, name) for name in changes.EDITABLE}
        now = dt.datetime.now(dt.UTC)
        notices = changes.update_session(db, session.id, "staff", now, **details | {"capacity": 2})
        db.commit()
    changes.tell(navi.sessions, navi.outbox, navi.content, navi.settings, notices, "staff")
    pushed = standin.messages_to(neighbour.user_id)[before:]
    assert len(pushed) == 1 and "席が空いた" in pushed[0]["altText"]
    assert statuses(app)[gone.user_id] == "waitlisted"


# -- a booking cannot be cancelled once its session has begun -----------------------------------


def started_hours_ago(app, session_id: int, hours: float) -> None:
    """Move a session's start into the past, as time passing would."""
    with app.extensions["navi"].sessions() as db:
        db.get(ClassSession, session_id).starts_at = dt.datetime.now(dt.UTC) - dt.timedelta(
            hours=hours
        )
        db.commit()


def test_a_booking_card_tapped_after_the_class_began_says_it_is_too_late_to_cancel(resident, app):
    """The confirmation card's 予約を取り消す still works the day after: the booking of a
    resident who came would turn 'cancelled' and vanish from the door list. The bot says
    the class has begun and whom to call instead, and the booking stays."""
    session = add_session(app, venue="志村ふれあい館")
    resident.say("スマホ教室はいつありますか")
    card = resident.tap("予約する")
    ask = card.button("予約を取り消す")["data"]
    started_hours_ago(app, session.id, 20)
    reply = resident.press(ask)
    assert "すでに始まっているか終わっている" in reply.text and "03-3960-5885" in reply.text
    assert "取り消す" not in [b["label"] for b in _buttons(reply)]
    reservation_id = ask.rpartition("=")[2]
    late = resident.press(f"v1|cancel_reservation|reservation={reservation_id}")  # an old 取り消す
    assert "すでに始まっているか終わっている" in late.text
    assert statuses(app) == {resident.user_id: "reserved"}


def test_too_late_to_cancel_is_said_in_english_too(english_resident, app):
    session = add_session(app)
    english_resident.follow()
    english_resident.say("When are the smartphone classes?")
    card = english_resident.tap("Book")
    ask = card.button("Cancel booking")["data"]
    started_hours_ago(app, session.id, 1)
    assert "already started" in english_resident.press(ask).text


# -- two bookings at the same time ----------------------------------------------------------------


def test_booking_a_session_at_the_same_time_as_another_says_so_and_offers_to_cancel_it(
    resident, app
):
    """Two halls hold the class at the same hour. The second booking goes through (the
    resident may be moving to the other hall), but the bot names the first and offers to cancel
    it, so the seat they will leave empty goes to someone waiting."""
    starts = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    shimura = add_session(app, venue="志村ふれあい館", starts_at=starts)
    nakacho = add_session(app, venue="仲町ふれあい館", starts_at=starts)
    resident.press(f"v1|reserve|session={shimura.id}")
    second = resident.press(f"v1|reserve|session={nakacho.id}")
    assert "予約しました" in second.text
    assert (
        "時間が重なる" in second.text and "志村ふれあい館" in second.text.split("時間が重なる")[1]
    )
    assert "志村ふれあい館" in resident.tap("重なる予約を取り消す").text  # asks about the first
    resident.tap("取り消す")
    with app.extensions["navi"].sessions() as db:
        held = {r.session_id: r.status for r in db.scalars(select(Reservation))}
    assert held == {shimura.id: "cancelled", nakacho.id: "reserved"}


def test_a_session_starting_as_another_ends_is_no_clash(resident, app):
    morning = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    noon = morning + dt.timedelta(hours=2)
    first = add_session(app, starts_at=morning, ends_at=noon)
    then = add_session(app, venue="仲町ふれあい館", starts_at=noon)
    resident.press(f"v1|reserve|session={first.id}")
    assert "時間が重なる" not in resident.press(f"v1|reserve|session={then.id}").text


def fourteen_sessions(app) -> None:
    """Next month's sessions, one a day at fourteen halls; 徳丸ふれあい館's is the 14th."""
    halls = [f"ふれあい館{n:02d}" for n in range(1, 14)] + ["徳丸ふれあい館"]
    for n, hall in enumerate(halls):
        add_session(app, days=2 + n, venue=hall)


def carousel_cards(reply) -> list[dict]:
    """The cards of a reply's carousel."""
    return next(m for m in reply.messages if m["type"] == "flex")["contents"]["contents"]


def test_sessions_after_the_twelfth_are_shown_by_the_next_dates_button(resident, app):
    """Regression: with fourteen sessions open the carousel stopped at twelve cards (LINE's
    limit) and nothing a resident could tap or ask showed the 13th and 14th."""
    fourteen_sessions(app)
    first = resident.say("スマホ教室の日程")
    cards = carousel_cards(first)
    assert len(cards) == 12 and "徳丸ふれあい館" not in first.text
    assert "ふれあい館11" in first.text and "ふれあい館12" not in first.text  # 11 + "more"
    more = cards[-1]["footer"]["contents"][0]["action"]
    assert more["label"] == "次の日程を見る" and more["data"].startswith("v1|schedule_after|")
    assert "次の日程を見る" in first.labels  # also a quick reply, without scrolling to the end
    later = resident.tap("次の日程を見る")
    assert len(carousel_cards(later)) == 3
    assert "ふれあい館12" in later.text and "徳丸ふれあい館" in later.text
    assert "ふれあい館11" not in later.text and "次の日程を見る" not in later.text
    booked = resident.say("3番目を予約したい")  # the third of the page they are looking at
    assert "予約しました" in booked.text and "徳丸ふれあい館" in booked.text


def test_a_session_added_before_the_page_shown_does_not_show_its_last_one_again(resident, app):
    """Regression: the next page counted from the soonest session, so a session added between
    the two taps pushed the 11th onto the next page too: shown twice."""
    fourteen_sessions(app)
    resident.say("スマホ教室の日程")
    add_session(app, days=1.5, venue="赤塚ふれあい館")  # sooner than any on the page shown
    later = resident.tap("次の日程を見る")
    assert "ふれあい館11" not in later.text and "赤塚ふれあい館" not in later.text
    assert "ふれあい館12" in later.text and "徳丸ふれあい館" in later.text


def test_a_session_closed_before_the_next_tap_does_not_hide_the_next_one(resident, app):
    """Regression: a session cancelled between the two taps pulled the 12th back onto the page
    already shown, so the next page began at the 13th: the 12th was never shown."""
    fourteen_sessions(app)
    resident.say("スマホ教室の日程")
    with app.extensions["navi"].sessions() as db:
        first = db.scalar(select(ClassSession).order_by(ClassSession.starts_at))
        changes.cancel_session(db, first.id, "staff@example.jp")
        db.commit()
    later = resident.tap("次の日程を見る")
    assert "ふれあい館12" in later.text and "徳丸ふれあい館" in later.text
    assert "ふれあい館11" not in later.text


@pytest.mark.parametrize(
    ("language", "asked", "typed"),
    [
        (None, "スマホ教室の日程", "次の日程"),
        (None, "スマホ教室の日程", "もっと見る"),
        (None, "スマホ教室の日程", "次の日程を見る"),
        (None, "スマホ教室の日程", "次"),
        ("English", "When are the smartphone classes?", "more sessions"),
        ("English", "When are the smartphone classes?", "Show more"),
        ("やさしい日本語", "スマホ教室の日程", "つぎの 日にち"),
        # 「次」 alone pages on: so do its English and its hiragana (やさしい日本語 residents
        # write つぎ), which showed the first page again as if it were the next
        ("English", "When are the smartphone classes?", "next"),
        ("English", "When are the smartphone classes?", "Next"),
        ("やさしい日本語", "スマホ教室の日程", "つぎ"),
        ("やさしい日本語", "スマホ教室の日程", "つぎは？"),
        # and these got 「お答えできませんでした」, kept for staff as an unanswered question
        ("やさしい日本語", "スマホ教室の日程", "もっと みる"),
        (None, "スマホ教室の日程", "次は？"),
        (None, "スマホ教室の日程", "もっと見て"),
        # "more please" got "could not answer", "next please" a question back about settings
        ("English", "When are the smartphone classes?", "more please"),
        ("English", "When are the smartphone classes?", "Next please."),
    ],
)
def test_typing_for_more_dates_after_a_schedule_page_pages_on_as_the_button_does(
    resident, app, language, asked, typed
):
    """Regression: only the button and the quick reply showed the next page; 「次の日程」 typed
    showed the first page again, 「もっと見る」 and "more sessions" got "could not answer"."""
    fourteen_sessions(app)
    if language:
        resident.say("受信設定")
        resident.tap(language)
    resident.say(asked)
    later = resident.say(typed)
    assert len(carousel_cards(later)) == 3
    assert "ふれあい館12" in later.text and "徳丸ふれあい館" in later.text
    assert "ふれあい館11" not in later.text


def test_a_next_dates_button_from_before_the_cursor_still_shows_the_later_sessions(resident, app):
    """Postback data is a contract: a schedule residents received before still pages."""
    fourteen_sessions(app)
    later = resident.press("v1|schedule_page|start=11")
    assert len(carousel_cards(later)) == 3 and "徳丸ふれあい館" in later.text
    assert "ふれあい館11" not in later.text


@pytest.mark.parametrize("at", ["x", "9" * 30, "１２"])
def test_a_next_dates_button_with_a_start_we_never_wrote_shows_the_first_page(resident, app, at):
    fourteen_sessions(app)
    reply = resident.press(f"v1|schedule_after|after=1&at={at}")
    assert "ふれあい館01" in reply.text and len(carousel_cards(reply)) == 12


def test_typing_more_without_a_next_page_is_not_a_page(resident, app):
    """「もっと見る」 with nothing more to show (no schedule just seen) is no page turn."""
    add_session(app, days=3)
    resident.say("マイナンバーカードの申請")
    reply = resident.say("次の日程")
    assert "ふれあい館" in reply.text  # the schedule, from its first session


def unanswered_kept(app) -> list[UnansweredQuestion]:
    with app.extensions["navi"].sessions() as db:
        return list(db.scalars(select(UnansweredQuestion)).all())


@pytest.mark.parametrize("typed", ["もっと見る", "次", "次の日程"])
def test_typing_more_after_the_last_page_says_there_is_no_more(resident, app, typed):
    """Regression: after the schedule's last page, 「もっと見る」 and 「次」 got 「お答えできません
    でした」 (kept for staff as a question the bot could not answer), and 「次の日程」 showed the
    same page again as if it were the next. Now: nothing more, and the schedule from its start
    one tap away; the page shown still books by its number."""
    add_session(app, days=3, venue="仲町ふれあい館")
    add_session(app, days=4, venue="徳丸ふれあい館")
    resident.say("スマホ教室の日程")
    reply = resident.say(typed)
    assert "これより後の日程はありません" in reply.text
    assert "お答えできませんでした" not in reply.text and "ふれあい館" not in reply.text
    assert "日程を最初から見る" in reply.labels and "コンビニ交付" in reply.labels
    assert unanswered_kept(app) == []
    again = resident.tap("日程を最初から見る")
    assert "仲町ふれあい館" in again.text and "徳丸ふれあい館" in again.text
    resident.say("スマホ教室の日程")
    resident.say(typed)
    assert "予約しました" in resident.say("2番目を予約したい").text


@pytest.mark.parametrize(
    ("english", "typed", "said"),
    [
        (False, "もっと見る", "続きはありません"),
        (False, "次", "続きはありません"),
        (True, "more", "nothing more to show"),
        (True, "Show more", "nothing more to show"),
    ],
)
def test_typing_more_with_nothing_before_says_there_is_no_more(
    resident, english_resident, app, english, typed, said
):
    """Regression: 「もっと見る」 with no answer before it got 「お答えできませんでした」 and
    was kept as an unanswered question; it is navigation with nowhere to go: said so, with the
    topics."""
    someone = english_resident if english else resident
    someone.follow()
    reply = someone.say(typed)
    assert said in reply.text
    assert "could not answer" not in reply.text and "お答えできませんでした" not in reply.text
    assert ("Konbini certificates" if english else "コンビニ交付") in reply.labels
    assert unanswered_kept(app) == []


def test_typing_more_in_english_after_the_last_page_offers_the_schedule_again(
    english_resident, app
):
    add_session(app, days=3)
    english_resident.follow()
    english_resident.say("When are the smartphone classes?")
    reply = english_resident.say("more sessions")
    assert "no later sessions" in reply.text and "Schedule from start" in reply.labels
    assert "志村ふれあい館" in english_resident.tap("Schedule from start").text


def test_typing_more_in_plain_japanese_after_the_last_page_points_to_the_other_buttons(
    resident, app
):
    """The Japanese and English say where anything else is (the topics below); the やさしい
    日本語 named only the button back to the first sessions, the others left unexplained."""
    add_session(app, days=3)
    resident.say("受信設定")
    resident.tap("やさしい日本語")
    resident.say("スマホ教室の日程")
    reply = resident.say("つぎの 日にち")
    assert "これより あとの 日にちは ありません" in reply.text
    assert "ほかの ことは 下の ボタン" in reply.text
    assert "はじめの 日にちから 見る" in reply.labels and "といあわせ" in reply.labels


def test_twelve_sessions_fit_one_carousel_without_a_next_button(resident, app):
    for n in range(12):
        add_session(app, days=2 + n, venue=f"ふれあい館{n + 1:02d}")
    reply = resident.say("スマホ教室の日程")
    assert len(carousel_cards(reply)) == 12 and "ふれあい館12" in reply.text
    assert "次の日程" not in str(reply.messages)


@pytest.mark.parametrize(
    ("language", "asked", "button"),
    [
        ("English", "When are the smartphone classes?", "Later sessions"),
        ("やさしい日本語", "スマホ教室の日程", "つぎの 日にちを 見る"),
    ],
)
def test_the_next_dates_button_speaks_the_residents_language(
    resident, app, language, asked, button
):
    fourteen_sessions(app)
    resident.say("受信設定")
    resident.tap(language)
    first = resident.say(asked)
    assert carousel_cards(first)[-1]["footer"]["contents"][0]["action"]["label"] == button
    assert "徳丸ふれあい館" in resident.tap(button).text


# -- a day typed right after the schedule ----------------------------------------------------------


def schedule_of_two(app, someone: Resident, lang: str = "ja") -> dt.datetime:
    """Two sessions (仲町 in three days, 徳丸 in four) and the schedule asked for, nothing more.
    The later session's start in Tokyo, whose date the tests type."""
    add_session(app, venue="仲町ふれあい館")
    later = add_session(app, days=4, venue="徳丸ふれあい館")
    if lang == "en":
        someone.follow()
        someone.say("When are the smartphone classes?")
    else:
        someone.say("スマホ教室の日程")
    return later.starts_at.astimezone(ZoneInfo("Asia/Tokyo"))


@pytest.mark.parametrize("form", ["{m}月{d}日", "{d}日", "{m}/{d}", "{d}日の回"])
def test_a_date_typed_alone_after_the_schedule_shows_that_session_to_book(resident, app, form):
    """「12月10日」 typed right after the schedule got 「お答えできませんでした」. It is most
    likely "that one": its card with its 予約する button, one tap from booked (not booked on
    a guess: the resident asked to look, not to book)."""
    day = schedule_of_two(app, resident)
    reply = resident.say(form.format(m=day.month, d=day.day))
    assert "お答えできませんでした" not in reply.text
    assert "徳丸ふれあい館" in reply.text and "仲町ふれあい館" not in reply.text
    assert statuses(app) == {}
    assert "予約しました" in resident.tap("予約する").text
    with app.extensions["navi"].sessions() as db:
        assert db.scalar(select(Reservation)).session.venue == "徳丸ふれあい館"


@pytest.mark.parametrize("form", ["{mon} {d}", "{month} {d}", "the {d}th"])
def test_an_english_date_typed_alone_after_the_schedule_shows_that_session(
    english_resident, app, form
):
    day = schedule_of_two(app, english_resident, "en")
    month = day.strftime("%B")
    reply = english_resident.say(form.format(month=month, mon=month[:3], d=day.day))
    assert "could not answer" not in reply.text
    assert "徳丸ふれあい館" in reply.text and "仲町ふれあい館" not in reply.text
    assert reply.button("Book") and statuses(app) == {}


WEEKDAYS_JA = "月火水木金土日"


def test_a_weekday_typed_after_the_schedule_shows_that_session_to_book(resident, app):
    """「土曜日の回」 typed right after the schedule (asked for to look at, not 「予約したい」)
    got 休日・夜間の診療: the router read a weekend. It is that session, its card with its
    予約する button, as a date typed there is."""
    day = schedule_of_two(app, resident)
    reply = resident.say(f"{WEEKDAYS_JA[day.weekday()]}曜日の回")
    assert "当てはまる回です" in reply.text
    assert "徳丸ふれあい館" in reply.text and "仲町ふれあい館" not in reply.text
    assert statuses(app) == {}
    assert "予約しました" in resident.tap("予約する").text


def test_a_weekday_in_english_after_the_schedule_shows_that_session(english_resident, app):
    day = schedule_of_two(app, english_resident, "en")
    reply = english_resident.say(f"the {day.strftime('%A')} one")
    assert "the session that fits" in reply.text
    assert "徳丸ふれあい館" in reply.text and "仲町ふれあい館" not in reply.text
    assert reply.button("Book") and statuses(app) == {}


def test_a_weekday_with_no_session_after_the_schedule_says_so(resident, app):
    day = schedule_of_two(app, resident)
    other = (day.weekday() + 3) % 7  # neither session's (they are a day apart)
    reply = resident.say(f"{WEEKDAYS_JA[other]}曜日の回")
    assert "当てはまる回は、この日程にはありません" in reply.text
    assert statuses(app) == {}


@pytest.mark.parametrize(
    "form", ["{d}日の教室に行きたい", "{m}月{d}日の教室に行きたい", "{w}曜日の教室に行きたい"]
)
def test_a_day_asked_about_first_shows_that_days_session(resident, app, form):
    """「13日の教室に行きたい」 as the first message got the whole schedule: that day's
    session, one tap from booking (as a day typed after the schedule shows it)."""
    add_session(app, venue="仲町ふれあい館")
    later = add_session(app, days=4, venue="徳丸ふれあい館")
    day = later.starts_at.astimezone(ZoneInfo("Asia/Tokyo"))
    reply = resident.say(form.format(m=day.month, d=day.day, w=WEEKDAYS_JA[day.weekday()]))
    assert "徳丸ふれあい館" in reply.text and "仲町ふれあい館" not in reply.text
    assert statuses(app) == {}
    assert "予約しました" in resident.tap("予約する").text


def english_day(day: dt.datetime, form: str) -> str:
    """A day as a resident writing English names it: "the 13th", "December 13", "Saturday"."""
    suffix = (
        "th" if 10 <= day.day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
    )
    return form.format(
        nth=f"{day.day}{suffix}", month=day.strftime("%B"), d=day.day, w=day.strftime("%A")
    )


@pytest.mark.parametrize(
    "form", ["I want to go to the class on the {nth}", "the class on {month} {d}", "{w}'s class"]
)
def test_a_day_asked_about_first_in_english_shows_that_days_session(english_resident, app, form):
    """ "I want to go to the class on the 13th" was asked back "Consult vs class / Cancel a
    booking" ("Wednesday's class" offered the first alone), where 「13日の教室に行きたい」 shows
    that day's session: so does the English, one tap from booking."""
    english_resident.follow()
    add_session(app, venue="仲町ふれあい館")
    later = add_session(app, days=4, venue="徳丸ふれあい館")
    reply = english_resident.say(
        english_day(later.starts_at.astimezone(ZoneInfo("Asia/Tokyo")), form)
    )
    assert "Which of these" not in reply.text
    assert "徳丸ふれあい館" in reply.text and "仲町ふれあい館" not in reply.text
    assert "You are booked" in english_resident.tap("Book").text


def test_the_fee_of_a_class_on_a_day_is_still_the_fee(english_resident, app):
    english_resident.follow()
    later = add_session(app, days=4)
    day = english_day(later.starts_at.astimezone(ZoneInfo("Asia/Tokyo")), "{nth}")
    reply = english_resident.say(f"how much is the class on the {day}")
    assert "Book" not in reply.labels and statuses(app) == {}


def test_a_day_asked_about_first_with_no_session_says_so_with_the_schedule(resident, app):
    session = add_session(app, venue="仲町ふれあい館")
    other = session.starts_at.astimezone(ZoneInfo("Asia/Tokyo")) + dt.timedelta(days=1)
    reply = resident.say(f"{other.day}日の教室に行きたい")
    assert "その日の回は、この日程にはありません" in reply.text
    assert "仲町ふれあい館" in reply.text and reply.button("予約する")


@pytest.mark.parametrize("form", ["{d}日を予約したい", "{d}日でお願いします"])
def test_a_date_asked_for_after_the_schedule_books_that_session(resident, app, form):
    """「10日を予約したい」 after a schedule of two asked 「どの回を予約しますか？」 as if no day
    had been named: the day was read only in answer to that question."""
    day = schedule_of_two(app, resident)
    reply = resident.say(form.format(d=day.day))
    assert "予約しました" in reply.text and "徳丸ふれあい館" in reply.text
    assert statuses(app) == {resident.user_id: "reserved"}


def test_a_date_typed_after_asking_to_book_books_that_session(resident, app):
    """「予約したい」 answered with the schedule, then 「10日」: the resident asked to book and
    named the session, as in answer to 「どの回を予約しますか？」."""
    add_session(app, venue="仲町ふれあい館")
    later = add_session(app, days=4, venue="徳丸ふれあい館")
    day = later.starts_at.astimezone(ZoneInfo("Asia/Tokyo"))
    assert "仲町ふれあい館" in resident.say("予約したい").text  # the schedule, to book from
    reply = resident.say(f"{day.day}日")
    assert "予約しました" in reply.text and "徳丸ふれあい館" in reply.text


@pytest.mark.parametrize("typed", ["{far}日", "{far}日を予約したい"])
def test_a_date_with_no_session_after_the_schedule_says_so_and_books_nothing(resident, app, typed):
    schedule_of_two(app, resident)
    far = (dt.datetime.now(ZoneInfo("Asia/Tokyo")) + dt.timedelta(days=10)).day
    reply = resident.say(typed.format(far=far))
    assert "その日の回は、この日程にはありません" in reply.text
    assert "どの回" in reply.text and len(reply.labels) == 2
    assert statuses(app) == {}


# -- "the 8th" in English: a day when a session shown is on it, else a place in the list -------


def three_sessions_next_month(app) -> None:
    """Sessions on the 5th (仲町), 8th (徳丸) and 12th (志村) of next month, at 10:00."""
    tz = ZoneInfo("Asia/Tokyo")
    first = (dt.datetime.now(tz).date().replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    for day, venue in [(5, "仲町ふれあい館"), (8, "徳丸ふれあい館"), (12, "志村ふれあい館")]:
        starts = dt.datetime.combine(first.replace(day=day), dt.time(10), tzinfo=tz)
        add_session(app, starts_at=starts, venue=venue)


@pytest.mark.parametrize(
    ("typed", "venue"),
    [
        ("Book the 8th", "徳丸ふれあい館"),  # a day: it was the 8th in a list of three, none
        ("Book the 12th", "志村ふれあい館"),
        ("Book the 2nd one", "徳丸ふれあい館"),  # "one": a place in the list
        ("Book the 3rd", "志村ふれあい館"),  # no session on the 3rd: the third
    ],
)
def test_an_english_ordinal_after_the_schedule_is_a_day_when_a_session_is_on_it(
    english_resident, app, typed, venue
):
    """ "Book the 8th" after a schedule of dates asked which session (the 8th of a list of
    three): in English "the 8th" after dates is the 8th of the month."""
    three_sessions_next_month(app)
    english_resident.follow()
    english_resident.say("When are the smartphone classes?")
    reply = english_resident.say(typed)
    assert "You are booked" in reply.text and venue in reply.text


def test_the_8th_typed_in_answer_to_which_one_books_the_session_on_the_8th(english_resident, app):
    three_sessions_next_month(app)
    english_resident.follow()
    english_resident.say("When are the smartphone classes?")
    assert "Which session" in english_resident.say("I want to book").text
    reply = english_resident.say("the 8th")
    assert "You are booked" in reply.text and "徳丸ふれあい館" in reply.text


# -- 「8日は行けません」 ---------------------------------------------------------------------


def booked_the_earlier_of_two(app, resident: Resident) -> tuple[int, int]:
    """仲町 in three days, booked; 徳丸 in four, not. Their days of the month in Tokyo."""
    tz = ZoneInfo("Asia/Tokyo")
    earlier = add_session(app, venue="仲町ふれあい館")
    later = add_session(app, days=4, venue="徳丸ふれあい館")
    resident.press(f"v1|reserve|session={earlier.id}")
    resident.say("メニュー")
    return earlier.starts_at.astimezone(tz).day, later.starts_at.astimezone(tz).day


@pytest.mark.parametrize("form", ["{d}日は行けません", "{d}日の教室に行けなくなりました"])
def test_cannot_come_on_the_day_of_a_booking_asks_to_cancel_that_booking(resident, app, form):
    """「8日は行けません」 got 「お答えできませんでした」, or the list of every booking with the
    text on how to cancel. The booking of that day is named and its cancelling asked; 「はい」
    cancels it."""
    booked_day, _ = booked_the_earlier_of_two(app, resident)
    question = resident.say(form.format(d=booked_day))
    assert "取り消しますか" in question.text and "仲町ふれあい館" in question.text
    assert statuses(app) == {resident.user_id: "reserved"}
    assert "取り消しました" in resident.say("はい").text
    assert statuses(app) == {resident.user_id: "cancelled"}


@pytest.mark.parametrize(
    "form",
    [
        "I can't come on {month} {d}",
        "Sorry, I can't make it on the {d}th",
        # the model alone was sure these were despair, so a near miss could not overrule it
        "I can't make it on the {d}th.",
        "I won't be able to come on the {d}th",
    ],
)
def test_cannot_come_in_english_on_a_date_asks_to_cancel_not_the_suicide_lines(
    english_resident, app, form
):
    """ "I can't come on December 9" got the suicide help lines (the model alone read "can't
    come" as despair; only "… tomorrow" was a near miss): the booking's cancelling is asked."""
    booked_day, _ = booked_the_earlier_of_two(app, english_resident)
    in_three_days = dt.datetime.now(ZoneInfo("Asia/Tokyo")) + dt.timedelta(days=3)
    assert in_three_days.day == booked_day
    month = f"{in_three_days:%B}"
    question = english_resident.say(form.format(month=month, d=booked_day))
    assert "Cancel this booking?" in question.text
    assert "tel:" not in str(question.messages)
    assert "Your booking is cancelled" in english_resident.say("yes").text
    assert statuses(app) == {english_resident.user_id: "cancelled"}


@pytest.mark.parametrize("form", ["{d}日は行けません", "{d}日のスマホ教室に行けません"])
def test_cannot_come_on_a_day_with_no_booking_offers_no_cancelling_but_the_other_days(
    resident, app, form
):
    """No booking on that day: it offered the other day's booking for cancelling (or asked
    back between the classes and 予約の取り消し). Said there is none, then the booking they do
    hold, as its own card (its button asks before it cancels), not presented as that day's."""
    _, free_day = booked_the_earlier_of_two(app, resident)
    reply = resident.say(form.format(d=free_day))
    assert "その日に予約している回はありません" in reply.text
    assert "予約している回は、こちらです" in reply.text
    assert "取り消しますか" not in reply.text and "予約を取り消すとき" not in reply.text
    assert "仲町ふれあい館" in reply.text and "徳丸ふれあい館" not in reply.text
    assert "取り消しますか" not in resident.say("はい").text  # 「はい」 cancels nothing
    assert statuses(app) == {resident.user_id: "reserved"}


def test_cannot_come_typed_after_the_schedule_without_bookings_shows_the_other_days(resident, app):
    day = schedule_of_two(app, resident)
    reply = resident.say(f"{day.day}日は行けません")
    assert "お答えできませんでした" not in reply.text and "取り消" not in reply.text
    assert "仲町ふれあい館" in reply.text and "徳丸ふれあい館" not in reply.text
    assert "予約しました" in resident.tap("予約する").text


@pytest.mark.parametrize(
    "form",
    [
        "子どもが熱を出したので{d}日の教室は休みます",
        "孫が風邪をひいたので{d}日の講座は欠席します",
        "腰を痛めたので{d}日の相談会は休ませてください",
    ],
)
def test_missing_a_class_for_an_illness_asks_to_cancel_not_the_night_clinics(resident, app, form):
    """「子どもが熱を出したので明日の教室は休みます」 got 休日・夜間の診療 (#7119) for its 熱
    or 風邪: a resident saying they will miss a class on a day is asked whether to cancel the
    booking of that day, as 「8日は行けません」 is."""
    booked_day, _ = booked_the_earlier_of_two(app, resident)
    question = resident.say(form.format(d=booked_day))
    assert "取り消しますか" in question.text and "仲町ふれあい館" in question.text
    assert "#7119" not in question.text
    assert "取り消しました" in resident.say("はい").text
    assert statuses(app) == {resident.user_id: "cancelled"}


def test_missing_tomorrows_class_for_a_childs_fever_asks_to_cancel_it(resident, app):
    tomorrow = add_session(app, days=1, venue="中台ふれあい館")
    resident.press(f"v1|reserve|session={tomorrow.id}")
    resident.say("メニュー")
    question = resident.say("子どもが熱を出したので明日の教室は休みます")
    assert "取り消しますか" in question.text and "中台ふれあい館" in question.text


def test_missing_a_class_on_a_day_with_no_booking_says_so_not_the_night_clinics(resident, app):
    _, free_day = booked_the_earlier_of_two(app, resident)
    reply = resident.say(f"子どもが熱を出したので{free_day}日の教室は休みます")
    assert "その日に予約している回はありません" in reply.text and "#7119" not in reply.text
    assert statuses(app) == {resident.user_id: "reserved"}


@pytest.mark.parametrize(
    ("typed", "answered"),
    [
        ("明日は区役所休み？", "窓口の時間"),  # whether the office is closed: not a booking of ours
        ("子どもが熱でぐったりして意識がない", "119"),  # the safety check still comes first
    ],
)
def test_a_day_off_that_is_no_missed_class_of_ours_keeps_its_answer(resident, app, typed, answered):
    booked_the_earlier_of_two(app, resident)
    reply = resident.say(typed)
    assert answered in reply.text
    assert "取り消しますか" not in reply.text and "予約している回はありません" not in reply.text
    assert statuses(app) == {resident.user_id: "reserved"}


@pytest.mark.parametrize(
    ("words", "venues"),
    [
        ("明日はありますか", ["志村ふれあい館"]),  # the day's session alone
        ("午後の回はありますか", ["志村ふれあい館", "仲町ふれあい館"]),
        ("来週はありますか", ["志村ふれあい館", "仲町ふれあい館"]),
    ],
)
def test_a_day_or_time_asked_after_the_schedule_gets_the_sessions(resident, app, words, venues):
    """After the schedule, 「明日はありますか」 got what to bring and 「午後の回はありますか」
    「お答えできませんでした」: both ask for sessions, which the schedule lists."""
    # at 2 p.m. local time, so that they are afternoon sessions whenever the test runs
    tz = app.extensions["navi"].settings.tz
    today = dt.datetime.now(tz).date()
    afternoon = dt.time(14, 0, tzinfo=tz)
    add_session(app, starts_at=dt.datetime.combine(today + dt.timedelta(days=1), afternoon))
    add_session(
        app,
        starts_at=dt.datetime.combine(today + dt.timedelta(days=3), afternoon),
        venue="仲町ふれあい館",
    )
    resident.say("スマホ教室")
    reply = resident.say(words)
    assert "予約を受け付けている回の一覧" in reply.text
    assert all(venue in reply.text for venue in venues)
    assert "持ち物" not in reply.text and "お答えできませんでした" not in reply.text


def test_what_happens_when_a_session_is_full_is_the_waiting_list(resident, app):
    """「満席だったらどうなる」 after the schedule got 「お答えできませんでした」."""
    add_session(app)
    resident.say("スマホ教室")
    reply = resident.say("満席だったらどうなる")
    assert "キャンセル待ち" in reply.text
    assert "お答えできませんでした" not in reply.text


@pytest.mark.parametrize("typed", ["2番", "2ばん", "2", "2番め"])
def test_a_number_typed_after_asking_to_book_books_that_session(resident, app, typed):
    """「予約したい」 showed the schedule; 「2番」 typed next got お答えできませんでした (a number
    counted only after 「どの回を予約しますか？」), and 「1ばん」 the same in hiragana."""
    add_session(app, days=3)
    second = add_session(app, days=5, title="写真の送り方")
    resident.say("予約したい")
    assert "予約しました" in resident.say(typed).text
    with app.extensions["navi"].sessions() as db:
        assert db.get(ClassSession, second.id).reserved == 1


def test_the_first_one_typed_after_asking_to_book_in_english_books_it(english_resident, app):
    """ "the first one" after "I want to book a class" got the schedule again."""
    add_session(app, days=3)
    add_session(app, days=5)
    english_resident.say("I want to book a class")
    assert "You are booked" in english_resident.say("the first one").text


@pytest.mark.parametrize("step", ["name", "furigana"])
def test_changing_ones_mind_at_the_name_question_books_nothing(resident, app, step):
    """「やっぱりやめる」 typed to the furigana question was booked as the furigana
    (板橋花子(やっぱりやめる)), and typed to the name question was taken as the name."""
    add_session(app, asks_name=True)
    resident.say("スマホ教室はいつありますか")
    resident.tap("予約する")
    if step == "furigana":
        resident.say("板橋花子")
    reply = resident.say("やっぱりやめる")
    assert "予約しました" not in reply.text and "ふりがな" not in reply.text
    assert statuses(app) == {}
    assert "予約しました" not in resident.say("いたばしはなこ").text


def test_stop_typed_to_the_name_question_is_not_booked_as_a_name(english_resident, app):
    add_session(app, asks_name=True)
    english_resident.say("When are the smartphone classes?")
    english_resident.tap("Book")
    assert "You are booked" not in english_resident.say("stop").text
    assert statuses(app) == {}


@pytest.mark.parametrize(
    ("words", "yes", "no"),
    [("キャンセルしたい", "はい", "いいえ"), ("予約を取り消したい", "お願いします", "いいえ")],
)
def test_yes_typed_after_asking_to_cancel_the_one_booking_asks_then_cancels(
    resident, app, words, yes, no
):
    """「キャンセルしたい」 showed the one booking; 「はい」 typed next got 「わかりました」 and
    cancelled nothing, which a resident reads as done."""
    add_session(app)
    resident.say("スマホ教室はいつありますか")
    resident.tap("予約する")
    resident.say(words)
    assert "取り消しますか" in resident.say(yes).text
    assert statuses(app) == {resident.user_id: "reserved"}
    assert "取り消しました" in resident.say(yes).text
    assert statuses(app) == {resident.user_id: "cancelled"}


def test_no_typed_after_asking_to_cancel_the_one_booking_keeps_it(resident, app):
    add_session(app)
    resident.say("スマホ教室はいつありますか")
    resident.tap("予約する")
    resident.say("キャンセルしたい")
    assert "そのまま" in resident.say("いいえ").text
    assert statuses(app) == {resident.user_id: "reserved"}


def test_yes_or_no_to_the_booking_schedule_asks_which_or_stops(resident, app):
    """「はい」 typed after the schedule shown for 「予約したい」 (which asks which session) got
    相談会と教室の違い; with two sessions it now asks which, and 「いいえ」 books nothing."""
    add_session(app)
    add_session(app, days=4)
    resident.say("予約したい")
    reply = resident.say("はい")
    assert "どの回を予約しますか" in reply.text and "相談会と教室の違い" not in reply.text
    assert statuses(app) == {}
    resident.say("予約したい")
    reply = resident.say("いいえ")
    assert "最初のメニューに戻りました" in reply.text and statuses(app) == {}


def test_yes_to_a_full_sessions_offer_puts_the_resident_on_its_waiting_list(
    resident, neighbour, app
):
    """「はい」 after 「この回は満席です。キャンセル待ちに登録すると…」 got 相談会と教室の違い:
    it now does what the offer's button does."""
    add_session(app, capacity=1)
    neighbour.say("スマホ教室はいつありますか")
    neighbour.tap("予約する")
    resident.say("予約したい")
    offer = resident.say("1番")
    assert "満席です" in offer.text
    reply = resident.say("はい")
    assert "キャンセル待ちに登録しました" in reply.text
    assert statuses(app)[resident.user_id] == "waitlisted"


@pytest.mark.parametrize(
    ("english", "words"),
    [
        (False, "{day}日の予約をキャンセル"),
        (False, "{day}日の予約を取り消したい"),
        (True, "cancel my booking on the {day}th"),
    ],
)
def test_cancelling_a_days_booking_in_words_asks_to_cancel_it(
    resident, english_resident, app, english, words
):
    """「8日の予約をキャンセル」 showed that day's session to book (「この日の回です。予約する
    ときは…」) and 「はい」 then got わかりました; it now asks to cancel that day's booking, as
    「8日は行けなくなった」 does."""
    session = add_session(app)
    someone = english_resident if english else resident
    someone.follow()
    someone.say("I want to book" if english else "予約したい")
    someone.say("1" if english else "1番")
    day = session.starts_at.astimezone(dt.timezone(dt.timedelta(hours=9))).day
    reply = someone.say(words.format(day=day))
    assert ("Cancel this booking?" if english else "この予約を取り消しますか") in reply.text
    someone.say("yes" if english else "はい")
    assert statuses(app)[someone.user_id] == "cancelled"


def test_cancelling_in_hiragana_with_a_space_shows_the_booking_to_cancel(resident, app):
    """「よやくを けしたい」 got the schedule to book from."""
    add_session(app)
    resident.follow()
    resident.say("予約したい")
    resident.say("1番")
    reply = resident.say("よやくを けしたい")
    assert "予約している回の一覧" in reply.text


@pytest.mark.parametrize(
    ("who", "typed", "menu"),
    [
        ("ja", "やめます", "最初のメニューに戻りました"),
        ("ja", "やめとく", "最初のメニューに戻りました"),
        ("ja", "また今度にします", "最初のメニューに戻りました"),
        ("ja", "予約はやめます", "最初のメニューに戻りました"),
        ("ja", "予約をやめたい", "最初のメニューに戻りました"),
        ("ja", "キャンセルしたい", "最初のメニューに戻りました"),
        ("ja", "予約しません", "最初のメニューに戻りました"),
        ("ja", "今回はやめておきます", "最初のメニューに戻りました"),
        ("en", "I don't want to book", "Back to the main menu"),
        ("easy", "やめます", "はじめの メニューに もどりました"),
        ("easy", "やめて おきます", "はじめの メニューに もどりました"),
        ("en", "never mind", "Back to the main menu"),
        ("en", "not now", "Back to the main menu"),
        ("en", "no thanks", "Back to the main menu"),
    ],
)
def test_stopping_at_the_booking_schedule_goes_back_to_the_menu(
    resident, english_resident, app, who, typed, menu
):
    """「やめます」 typed after the schedule shown for 「予約したい」 got how to cancel a booking
    (「いま、このLINEで予約している回はありません」) to a resident who holds none; "no thanks"
    got "You're welcome". Each now stops the booking, as 「いいえ」 does."""
    add_session(app)
    add_session(app, days=4)
    someone = english_resident if who == "en" else resident
    if who == "easy":
        plain_japanese(resident)
    someone.say("I want to book a class" if who == "en" else "予約したい")
    reply = someone.say(typed)
    assert menu in reply.text
    assert "予約している回はありません" not in reply.text and "You have no" not in reply.text
    assert statuses(app) == {}


@pytest.mark.parametrize("typed", ["予約をやめたい", "キャンセルしたい"])
def test_cancelling_at_the_booking_schedule_still_cancels_a_booking_held(resident, app, typed):
    """…but a resident who holds a booking and asks to cancel one after 「予約したい」 gets that
    booking with its cancel button, as anywhere else."""
    add_session(app, venue="仲町ふれあい館")
    add_session(app, days=4, venue="徳丸ふれあい館")
    resident.say("スマホ教室はいつありますか")
    resident.say("1番目を予約")
    resident.say("予約したい")
    reply = resident.say(typed)
    assert "予約を取り消す" in [a["label"] for a in _card_actions(reply.messages)]
    assert "仲町ふれあい館" in reply.text and "最初のメニュー" not in reply.text
    assert statuses(app) == {resident.user_id: "reserved"}


def test_stop_typed_to_the_name_question_books_nothing(resident, app):
    """「やめます」 typed to 「お名前を送ってください」 was taken as the name."""
    add_session(app, asks_name=True)
    resident.say("スマホ教室はいつありますか")
    resident.tap("予約する")
    reply = resident.say("やめます")
    assert "最初のメニューに戻りました" in reply.text and "ふりがな" not in reply.text
    assert statuses(app) == {}


def on_weekday(weekday: int, hour: int) -> dt.datetime:
    """The next `weekday` (0 Monday … 6 Sunday) after today at `hour`, in Tokyo."""
    tokyo = ZoneInfo("Asia/Tokyo")
    today = dt.datetime.now(tokyo).date()
    day = today + dt.timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=tokyo)


def three_sessions_to_book(app, someone: Resident, asked: str = "予約したい") -> None:
    """A Saturday class at 10:00 (志村), a Tuesday class at 14:00 (仲町) and a Thursday
    consultation at 13:00 (高島平), and the schedule shown for a booking request."""
    add_session(app, starts_at=on_weekday(5, 10), title="はじめてのLINE", venue="志村ふれあい館")
    add_session(app, starts_at=on_weekday(1, 14), title="写真の送り方", venue="仲町ふれあい館")
    add_session(
        app,
        starts_at=on_weekday(3, 13),
        title="個別相談",
        kind="consultation",
        venue="高島平ふれあい館",
    )
    someone.say(asked)


def booked_titles(app) -> list[str]:
    """The titles of the sessions booked, in any order."""
    with app.extensions["navi"].sessions() as db:
        return sorted(r.session.title for r in db.scalars(select(Reservation)))


@pytest.mark.parametrize(
    ("typed", "title"),
    [
        ("10時の", "はじめてのLINE"),
        ("土曜日の回", "はじめてのLINE"),
        ("土曜の", "はじめてのLINE"),
        ("午前の回", "はじめてのLINE"),
        ("14時からのやつ", "写真の送り方"),
        ("2時の回", "写真の送り方"),
        ("火曜日でお願いします", "写真の送り方"),
        ("相談会", "個別相談"),
        ("個別相談のほう", "個別相談"),
        ("木曜の相談会", "個別相談"),
        ("やっぱり相談会にします", "個別相談"),
    ],
)
def test_a_time_or_weekday_or_kind_typed_after_asking_to_book_books_that_session(
    resident, app, typed, title
):
    """「10時の」, 「土曜日の回」 or 「相談会」 typed after 「予約したい」 showed the schedule got
    相談会と教室の違い or the schedule again: the one session it fits is booked."""
    three_sessions_to_book(app, resident)
    reply = resident.say(typed)
    assert "予約しました" in reply.text
    assert booked_titles(app) == [title]


@pytest.mark.parametrize(
    ("typed", "offered", "left_out"),
    [("午後の", ["仲町", "高島平"], "志村"), ("教室のほう", ["志村", "仲町"], "高島平")],
)
def test_a_description_several_sessions_fit_asks_which_of_them(
    resident, app, typed, offered, left_out
):
    three_sessions_to_book(app, resident)
    reply = resident.say(typed)
    assert "どの回を予約しますか" in reply.text and "当てはまる回" in reply.text
    assert len(reply.labels) == 2 and all(any(v in x for x in reply.labels) for v in offered)
    assert not any(left_out in label for label in reply.labels)
    assert statuses(app) == {}
    assert "予約しました" in resident.tap(offered[1]).text


@pytest.mark.parametrize("typed", ["日曜日の回", "夜の回", "11時の"])
def test_a_description_no_session_fits_says_so_and_offers_them_all(resident, app, typed):
    three_sessions_to_book(app, resident)
    reply = resident.say(typed)
    assert "当てはまる回は、この日程にはありません" in reply.text
    assert "どの回を予約しますか" in reply.text and len(reply.labels) == 3
    assert statuses(app) == {}


@pytest.mark.parametrize(
    "typed", ["相談会は何をしますか", "相談会の持ち物は", "土曜の回は駐車場ありますか"]
)
def test_a_question_about_a_kind_or_day_after_asking_to_book_books_nothing(resident, app, typed):
    three_sessions_to_book(app, resident)
    reply = resident.say(typed)
    assert "予約しました" not in reply.text
    assert statuses(app) == {}


def test_a_weekday_with_a_booking_request_after_the_schedule_books_that_session(resident, app):
    three_sessions_to_book(app, resident, asked="スマホ教室はいつありますか")
    assert "予約しました" in resident.say("土曜日の回を予約したい").text
    assert booked_titles(app) == ["はじめてのLINE"]


@pytest.mark.parametrize(
    ("typed", "title"),
    [
        ("the Saturday one", "はじめてのLINE"),
        ("the 2pm one", "写真の送り方"),
        ("the morning one", "はじめてのLINE"),
        ("Tuesday please", "写真の送り方"),
        ("the consultation", "個別相談"),
    ],
)
def test_a_time_or_weekday_or_kind_in_english_books_that_session(
    english_resident, app, typed, title
):
    three_sessions_to_book(app, english_resident, asked="I want to book a class")
    assert "You are booked" in english_resident.say(typed).text
    assert booked_titles(app) == [title]


def test_an_english_description_several_sessions_fit_asks_which(english_resident, app):
    three_sessions_to_book(app, english_resident, asked="I want to book a class")
    reply = english_resident.say("the afternoon one")
    assert "Which session" in reply.text and len(reply.labels) == 2
    assert statuses(app) == {}


@pytest.mark.parametrize(
    ("typed", "title"),
    [("どようびの", "はじめてのLINE"), ("10じの", "はじめてのLINE"), ("そうだんかい", "個別相談")],
)
def test_a_time_or_weekday_or_kind_in_plain_japanese_books_that_session(
    resident, app, typed, title
):
    plain_japanese(resident)
    three_sessions_to_book(app, resident)
    assert "よやく しました" in resident.say(typed).text
    assert booked_titles(app) == [title]


def test_a_plain_japanese_description_no_session_fits_says_so_plainly(resident, app):
    plain_japanese(resident)
    three_sessions_to_book(app, resident)
    reply = resident.say("にちようびの")
    assert "あてはまる 回は" in reply.text and len(reply.labels) == 3
    assert statuses(app) == {}


def test_what_to_bring_asked_first_in_english_gets_the_classes_answer(english_resident):
    """ "what should i bring" as the first message got "could not answer", while
    「何を持っていけばいい」 got the classes' 持ち物: the same answer in English."""
    english_resident.follow()
    reply = english_resident.say("what should i bring")
    assert "What to bring" in reply.text and "could not answer" not in reply.text


@pytest.mark.parametrize("words", ["予約はどうするんじゃ", "予約はどうするの"])
def test_how_to_book_in_any_register_gets_how_to_book(resident, app, words):
    """「予約はどうするんじゃ」 was asked back: 予約の確認 or 予約のしかた. How to book, with
    the sessions to book."""
    add_session(app)
    reply = resident.say(words)
    assert "相談会・教室の予約" in reply.text and "どれのことですか" not in reply.text
    assert reply.button("予約する")


def test_how_to_use_line_asked_plainly_gets_the_consultations_help(resident):
    """「LINEってどうやってつかうの」 was asked back (相談会と教室の違い or 日程), while
    「LINEの使い方を習いたいです」 got the consultations' answer: the same answer."""
    reply = resident.say("LINEってどうやってつかうの")
    assert "どれのことですか" not in reply.text
    assert "スマートフォン個別相談会" in reply.text and "日程" in reply.labels


def test_a_class_named_by_title_and_weekday_in_english_shows_that_session(english_resident, app):
    """ "I'd like to join the My Number portal class on Saturday" was asked back ("How to
    book" or "My bookings"): the sessions it names, each one tap from booking."""
    tz = ZoneInfo("Asia/Tokyo")
    today = dt.datetime.now(tz).replace(hour=10, minute=0, second=0, microsecond=0)
    saturday = today + dt.timedelta(days=(5 - today.weekday()) % 7 or 7)
    add_session(app, starts_at=saturday, title="マイナポータル入門", venue="徳丸ふれあい館")
    add_session(app, starts_at=saturday + dt.timedelta(days=2), title="マイナポータル入門")
    add_session(app, starts_at=saturday + dt.timedelta(days=1), venue="仲町ふれあい館")
    english_resident.follow()
    reply = english_resident.say("I'd like to join the My Number portal class on Saturday")
    assert "Which of these do you mean" not in reply.text
    assert "徳丸ふれあい館" in reply.text and "志村ふれあい館" not in reply.text
    assert "仲町ふれあい館" not in reply.text
    assert reply.button("Book") and statuses(app) == {}
