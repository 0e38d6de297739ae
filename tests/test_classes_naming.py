"""Residents naming a session by its day, title or a booking they hold: each test is a short
transcript of what a probe saw go wrong (named after the bug)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tests.test_classes_conversation import add_session, statuses

TZ = ZoneInfo("Asia/Tokyo")


def on(days: int, hour: int) -> dt.datetime:
    """A start `days` from today in the ward's time, at `hour`."""
    day = dt.datetime.now(TZ).date() + dt.timedelta(days=days)
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def booked_one_of_two(app, resident):
    """Two sessions a week apart; the resident books the first. Returns both."""
    first = add_session(app, starts_at=on(4, 10), venue="志村ふれあい館", bring="スマートフォン")
    second = add_session(
        app, starts_at=on(7, 10), title="マイナポータル入門", venue="高島平ふれあい館"
    )
    resident.press(f"v1|reserve|session={first.id}")
    resident.say("メニュー")
    return first, second


def test_cancelling_a_day_without_a_booking_names_none_and_cancels_nothing(resident, app):
    """「15日の予約キャンセル」 from a resident booked on the 12th listed the 12th under the
    cancelling answer, and a tap cancelled it. There is no booking that day, and the one they
    hold is shown as theirs, with its own button."""
    _, second = booked_one_of_two(app, resident)
    day = second.starts_at.astimezone(TZ).day
    reply = resident.say(f"{day}日の予約キャンセル")
    assert "その日に予約している回はありません" in reply.text
    assert "志村ふれあい館" in reply.text and "予約を取り消すとき" not in reply.text
    assert "取り消しますか" not in resident.say("はい").text
    assert statuses(app) == {resident.user_id: "reserved"}


def test_cancelling_on_a_day_in_english_without_a_booking_cancels_nothing(english_resident, app):
    _, second = booked_one_of_two(app, english_resident)
    day = second.starts_at.astimezone(TZ).day
    suffix = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}.get(day, "th")
    reply = english_resident.say(f"cancel my booking on the {day}{suffix}")
    assert "You have no booking on that day" in reply.text
    assert "Cancel this booking?" not in reply.text
    assert statuses(app) == {english_resident.user_id: "reserved"}


def test_cannot_come_on_a_weekday_without_a_booking_says_so(resident, app):
    """「火曜の教室は行けません」 with no booking that weekday asked back 予約の取り消し or
    相談会と教室の違い."""
    first, second = booked_one_of_two(app, resident)
    weekday = "月火水木金土日"[second.starts_at.astimezone(TZ).weekday()]
    if second.starts_at.astimezone(TZ).weekday() == first.starts_at.astimezone(TZ).weekday():
        return  # a week apart never share a weekday; kept for clarity
    reply = resident.say(f"{weekday}曜の教室は行けません")
    assert "その日に予約している回はありません" in reply.text
    assert "志村ふれあい館" in reply.text
    assert statuses(app) == {resident.user_id: "reserved"}


def test_a_session_named_by_its_title_is_offered_not_the_whole_schedule(resident, app):
    """「マイナポータル入門を予約したい」 got the whole schedule."""
    add_session(app, starts_at=on(4, 10), venue="志村ふれあい館")
    add_session(app, starts_at=on(7, 10), title="マイナポータル入門", venue="高島平ふれあい館")
    for said in ("マイナポータル入門を予約したい", "マイナポータルの教室に申し込みたい"):
        reply = resident.say(said)
        assert "高島平ふれあい館" in reply.text and "志村ふれあい館" not in reply.text
        assert reply.button("予約する")
        assert statuses(app) == {}  # offered, not booked
    assert "予約しました" in resident.tap("予約する").text


def test_an_english_title_word_and_a_weekday_offer_that_session(english_resident, app):
    """ "I want to join the My Number portal class on Tuesday" got the whole schedule."""
    tuesday = (1 - dt.datetime.now(TZ).weekday()) % 7 or 7
    add_session(
        app, starts_at=on(tuesday, 10), title="マイナポータル入門", venue="高島平ふれあい館"
    )
    add_session(
        app, starts_at=on(tuesday + 1, 10), title="マイナポータル入門", venue="仲町ふれあい館"
    )
    add_session(app, starts_at=on(4, 10), venue="志村ふれあい館")
    reply = english_resident.say("I want to join the My Number portal class on Tuesday")
    assert "高島平ふれあい館" in reply.text and "志村ふれあい館" not in reply.text
    assert "仲町ふれあい館" not in reply.text  # the same class on Wednesday
    assert english_resident.history[-1].button("Book")


def test_changing_to_another_day_after_booking_shows_the_booking_still_held(resident, app):
    """「土曜日の回」 booked, then 「やっぱり日曜のほうがいい」 showed Sunday's session and said
    nothing of Saturday's booking, so the resident could hold both."""
    saturday = dt.datetime.now(TZ).date() + dt.timedelta(
        days=(5 - dt.datetime.now(TZ).weekday()) % 7 or 7
    )
    add_session(
        app,
        starts_at=dt.datetime(saturday.year, saturday.month, saturday.day, 10, tzinfo=TZ),
        venue="志村ふれあい館",
    )
    sunday = saturday + dt.timedelta(days=1)
    add_session(
        app,
        starts_at=dt.datetime(sunday.year, sunday.month, sunday.day, 13, tzinfo=TZ),
        venue="徳丸ふれあい館",
    )
    resident.say("スマホ教室の予約をしたいです")
    assert "予約しました" in resident.say("土曜日の回").text
    reply = resident.say("やっぱり日曜のほうがいい")
    assert "まだ予約したままです" in reply.text
    assert "志村ふれあい館" in reply.text and "徳丸ふれあい館" in reply.text
    assert reply.button("予約を取り消す") and reply.button("予約する")


def test_what_to_bring_after_booking_is_that_sessions(english_resident, app):
    """ "what should i bring" right after booking got "it differs from session to session"."""
    session = add_session(app, starts_at=on(4, 10), bring="Your smartphone")
    english_resident.press(f"v1|reserve|session={session.id}")
    reply = english_resident.say("what should i bring")
    assert "What to bring to this session" in reply.text and "Your smartphone" in reply.text
    assert "differs from session to session" not in reply.text


def test_asking_whether_a_name_is_needed_answers_for_the_session_shown(english_resident, app):
    """ "my name is John, do you need it?" after one session shown got the What to bring card."""
    add_session(app, starts_at=on(4, 10), asks_name=True, venue="徳丸ふれあい館")
    english_resident.say("smartphone class schedule")
    english_resident.say(f"the {on(4, 10):%A} one")
    reply = english_resident.say("my name is John, do you need it?")
    assert "asks for your name when you book" in reply.text
    assert "Names are checked at the door" in english_resident.tap("Book").text


def test_checking_bookings_after_stopping_reminders_lists_them(resident, app):
    """「予約は残ってる？」 after stopping the reminders got 「このLINEが保存する情報」."""
    add_session(app, starts_at=on(4, 10), venue="仲町ふれあい館")
    resident.say("スマホ教室の日程")
    resident.tap("予約する")
    resident.say("リマインダーいらない")
    resident.tap("前日のリマインダーを止める")
    reply = resident.say("予約は残ってる？")
    assert "仲町ふれあい館" in reply.text and "このLINEが保存する情報" not in reply.text


def test_do_i_have_a_booking_answers_with_the_bookings(resident, app):
    """「予約してる回ある？」 asked back 予約の確認 or 予約のしかた."""
    reply = resident.say("予約してる回ある？")
    assert "予約している回はありません" in reply.text and "ほかのこと" not in reply.labels


def test_cancelling_a_day_in_plain_japanese_without_a_booking_cancels_nothing(resident, app):
    """「15にちの よやくを キャンセル」 (やさしい日本語) listed the booking of the 12th as the
    answer: 「15にち」 was no day."""
    _, second = booked_one_of_two(app, resident)
    reply = resident.say(f"{second.starts_at.astimezone(TZ).day}にちの よやくを キャンセル")
    assert "その日に予約している回はありません" in reply.text
    assert statuses(app) == {resident.user_id: "reserved"}
