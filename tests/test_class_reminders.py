"""The reminder the day before a booked class, turned off and on in 受信設定: a resident who
does not want it should not have to cancel the booking to stop one message (before this, 「リマ
インダーを止めたい」 after booking got the bookings with their 「予約を取り消す」 button)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot.classes.reminders import send_due_reminders
from bot.core.content import load_content
from bot.core.models import Follower, PendingMessage
from tests.test_classes_conversation import add_session, unanswered_kept

CONTENT = load_content()


def ui(key: str, lang: str) -> str:
    return CONTENT.ui(key, lang)


def someone_in(lang: str, resident, english_resident):
    if lang == "en":
        english_resident.follow()
        return english_resident
    resident.follow()
    return resident


def book_tomorrow(app, someone, lang: str) -> None:
    """Book a session that starts tomorrow at 10:00 (the ward's time), as a resident does."""
    tz = app.extensions["navi"].settings.tz
    day = dt.datetime.now(tz).date() + dt.timedelta(days=1)
    add_session(app, starts_at=dt.datetime.combine(day, dt.time(10), tzinfo=tz))
    someone.say("smartphone class schedule" if lang == "en" else "スマホ教室の日程")
    booked = someone.tap(ui("reserve_button", lang))
    booked.button(ui("cancel_reservation_button", lang))  # booked: the card offers cancelling


def remind(app) -> int:
    """The evening job, as the scheduler runs it."""
    navi = app.extensions["navi"]
    now = dt.datetime.now(dt.UTC)
    return send_due_reminders(navi.sessions, navi.outbox, navi.content, navi.settings, now)


def reminders_on(app, user_id: str) -> bool | None:
    with app.extensions["navi"].sessions() as db:
        follower = db.scalar(select(Follower).where(Follower.line_user_id == user_id))
        return None if follower is None else follower.class_reminders


# -- 受信設定 ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_settings_show_the_reminders_and_tapping_turns_them_off_and_on(
    resident, english_resident, app, lang
):
    someone = someone_in(lang, resident, english_resident)
    panel = someone.say("settings" if lang == "en" else "受信設定")
    assert ui("class_reminders_status_on", lang) in panel.text
    assert ui("class_reminders_off_button", lang) in panel.labels
    assert ui("class_reminders_on_button", lang) not in panel.labels

    off = someone.tap(ui("class_reminders_off_button", lang))
    assert ui("class_reminders_off_done", lang) in off.text  # says what changed
    assert ui("class_reminders_status_off", lang) in off.text  # and shows the new state
    assert ui("class_reminders_on_button", lang) in off.labels
    assert reminders_on(app, someone.user_id) is False
    assert (
        ui("class_reminders_status_off", lang)
        in someone.say("settings" if lang == "en" else "受信設定").text
    )

    on = someone.tap(ui("class_reminders_on_button", lang))
    assert ui("class_reminders_on_done", lang) in on.text
    assert ui("class_reminders_status_on", lang) in on.text
    assert ui("class_reminders_off_button", lang) in on.labels
    assert reminders_on(app, someone.user_id) is True


def test_the_words_of_the_answers(resident, english_resident):
    """What a resident reads: the reminder is off, the booking stays, the other class messages
    still come."""
    resident.follow()
    resident.say("受信設定")
    off = resident.tap("前日のリマインダーを止める")
    assert "前日のリマインダーを止めました。予約はそのままです。" in off.text
    assert "キャンセル待ちの席が空いたとき" in off.text and "中止" in off.text
    assert "予約した回の前日のリマインダー:止めています" in off.text
    english_resident.follow()
    english_resident.say("settings")
    off = english_resident.tap("Stop class reminders")
    assert "Your bookings stay as they are." in off.text
    assert "Class reminders (the day before): off" in off.text


def test_the_topic_switches_leave_the_reminders_alone(resident, app):
    """「すべて停止」 stops announcements; the reminder of a booked class is its own switch."""
    resident.say("受信設定")
    stopped = resident.tap(ui("stop_all_button", "ja"))
    assert ui("class_reminders_status_on", "ja") in stopped.text
    assert reminders_on(app, resident.user_id) is True


def test_an_old_button_tapped_twice_does_not_turn_them_back_on(resident, app):
    resident.say("受信設定")
    resident.tap("前日のリマインダーを止める")
    again = resident.press("v1|class_reminders|r=off")  # the first panel's button, once more
    assert ui("class_reminders_status_off", "ja") in again.text
    assert reminders_on(app, resident.user_id) is False


def test_plain_japanese_readers_see_it_in_plain_words(resident, app):
    resident.say("受信設定")
    panel = resident.tap("やさしい日本語")
    panel = resident.say("受信設定")
    assert ui("class_reminders_status_on", "ja_easy") in panel.text
    off = resident.tap(ui("class_reminders_off_button", "ja_easy"))
    assert ui("class_reminders_off_done", "ja_easy") in off.text
    assert reminders_on(app, resident.user_id) is False


# -- asked in words -----------------------------------------------------------------------------

ASKED = [
    ("ja", "リマインダーを止めたい"),
    ("ja", "前日のお知らせはいらない"),
    ("ja", "リマインドを止めて"),
    ("ja", "前日の通知を止めたい"),
    ("ja", "リマインダーを止めたい。"),
    ("en", "stop reminders"),
    ("en", "no reminders please"),
    ("en", "turn off class reminders"),
    ("en", "Stop reminders!"),
    # ... and said about the class: routed to the classes, they got the cancellation answer
    ("ja", "スマホ教室の前日のリマインダーを止めたいです"),
    ("en", "How do I stop the reminder the day before my class?"),
    ("en", "Can I turn off the class reminders?"),
    # other wordings of the same (they got "I cannot answer that yet", kept for staff)
    ("en", "turn off the reminder"),
    ("en", "reminders off"),
    ("en", "I don’t need reminders"),
    ("en", "stop the reminder"),
]


@pytest.mark.parametrize(("lang", "words"), ASKED)
def test_asking_to_stop_reminders_offers_the_switch_not_the_cancellation(
    resident, english_resident, app, lang, words
):
    someone = someone_in(lang, resident, english_resident)
    book_tomorrow(app, someone, lang)
    reply = someone.say(words)
    entry = CONTENT.entry("notification_settings", "reminders", lang)
    assert entry.title in reply.text
    assert reply.labels[0] == ui("class_reminders_off_button", lang)
    assert ui("class_reminders_status_on", lang) in reply.text
    assert ui("class_status.reserved", lang) not in reply.text  # not the bookings list
    with pytest.raises(AssertionError, match="no button"):  # nor its 「予約を取り消す」
        reply.button(ui("cancel_reservation_button", lang))
    assert unanswered_kept(app) == []

    done = someone.tap(ui("class_reminders_off_button", lang))
    assert ui("class_reminders_off_done", lang) in done.text
    assert reminders_on(app, someone.user_id) is False


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("ja", "リマインダーが来たけど行けなくなったので取り消したい"),
        ("en", "I got the reminder but I can't come, please cancel"),
        # ... and with the switch too: it got the switch alone, no way to cancel
        ("ja", "スマホ教室の予約を取り消したい。リマインダーも止めたい"),
        ("en", "I want to cancel my class, and stop the reminder"),
    ],
)
def test_a_reminder_named_while_cancelling_is_still_about_cancelling(
    resident, english_resident, app, lang, words
):
    """Naming the reminder without switching it (it came, the resident cannot come) is about
    the booking: the cancellation, not the reminders switch."""
    someone = someone_in(lang, resident, english_resident)
    book_tomorrow(app, someone, lang)
    reply = someone.say(words)
    assert CONTENT.entry("notification_settings", "reminders", lang).title not in reply.text
    assert reply.button(ui("cancel_reservation_button", lang))


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("ja", "リマインダーをまた受け取りたい"),
        ("ja", "リマインダーを再開したい"),
        ("en", "turn reminders back on"),
        ("en", "turn on class reminders"),
    ],
)
def test_asking_for_reminders_again_offers_the_switch_that_turns_them_on(
    resident, english_resident, app, lang, words
):
    someone = someone_in(lang, resident, english_resident)
    someone.say("settings" if lang == "en" else "受信設定")
    someone.tap(ui("class_reminders_off_button", lang))
    reply = someone.say(words)
    assert CONTENT.entry("notification_settings", "reminders", lang).title in reply.text
    assert reply.labels[0] == ui("class_reminders_on_button", lang)
    assert ui("class_reminders_status_off", lang) in reply.text
    assert unanswered_kept(app) == []
    someone.tap(ui("class_reminders_on_button", lang))
    assert reminders_on(app, someone.user_id) is True


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        # the contacts' 連絡: they got the list of phone numbers, or were asked back
        ("ja", "前の日に連絡はきますか"),
        ("ja", "前日に連絡ありますか"),
        ("ja", "教室の前の日にお知らせは来る？"),
        ("en", "will you remind me the day before the class?"),
    ],
)
def test_asking_whether_a_reminder_comes_the_day_before_gets_the_reminder(
    resident, english_resident, lang, words
):
    """Asked first, before any booking: the answer on the reminder, not the contacts' list nor
    a question back about the schedule or the bookings."""
    someone = someone_in(lang, resident, english_resident)
    reply = someone.say(words)
    assert CONTENT.entry("notification_settings", "reminders", lang).title in reply.text


def test_the_explanation_says_the_booking_stays_and_what_still_comes(resident, english_resident):
    resident.follow()
    ja = resident.say("リマインダーを止めたい").text
    assert "前日に、リマインダーのメッセージを1通" in ja
    assert "予約を取り消す必要はありません" in ja
    assert "キャンセル待ちの席が空いたとき" in ja and "中止" in ja
    english_resident.follow()
    en = english_resident.say("stop reminders").text
    assert "one reminder message the day before" in en
    assert "You do not need to cancel your booking" in en
    assert "waiting-list seat" in en and "cancels it" in en


# -- what the reminder job does with it ----------------------------------------------------------


def test_a_resident_who_turned_them_off_gets_no_reminder_and_gets_it_once_back_on(
    resident, neighbour, app, standin
):
    book_tomorrow(app, resident, "ja")
    neighbour.say("スマホ教室の日程")
    neighbour.tap("予約する")
    resident.say("受信設定")
    resident.tap("前日のリマインダーを止める")
    before = len(standin.messages_to(resident.user_id))

    assert remind(app) == 1  # the neighbour's
    assert len(standin.messages_to(resident.user_id)) == before
    assert any("明日" in m.get("altText", "") for m in standin.messages_to(neighbour.user_id))

    resident.say("受信設定")
    resident.tap("前日のリマインダーを受け取る")
    before = len(standin.messages_to(resident.user_id))
    assert remind(app) == 1
    (reminder,) = standin.messages_to(resident.user_id)[before:]
    assert "明日" in reminder["altText"]
    assert remind(app) == 0  # and only once


# -- erasing ---------------------------------------------------------------------------------------


def test_deleting_my_data_leaves_no_reminder_choice_behind(resident, app):
    resident.say("受信設定")
    resident.tap("前日のリマインダーを止める")
    ask = resident.say("データ削除")
    assert "消しました" in resident.tap(ask.labels[0]).text
    assert reminders_on(app, resident.user_id) is None  # the row went, with the choice
    panel = resident.say("受信設定")  # writing again: a new resident, with the default
    assert ui("class_reminders_status_on", "ja") in panel.text
    assert reminders_on(app, resident.user_id) is True


# -- a reminder the outbox kept ------------------------------------------------------------------

PUSH = "/v2/bot/message/push"


def kept_reminder(app, resident, standin) -> None:
    """A booking for tomorrow whose reminder LINE did not take (500): the outbox keeps it."""
    book_tomorrow(app, resident, "ja")
    standin.fail(PUSH, 500)
    assert remind(app) == 1  # kept, to be sent again by the scheduler's retry


def retry_in_a_minute(app):
    """The scheduler's retry of the kept messages, a minute on (past the first wait)."""
    navi = app.extensions["navi"]
    return navi.outbox.retry_due(now=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=60))


def pending_purposes(app) -> list[str]:
    with app.extensions["navi"].sessions() as db:
        return list(db.scalars(select(PendingMessage.purpose)))


def test_a_kept_reminder_is_dropped_when_the_resident_turned_reminders_off_meanwhile(
    resident, app, standin
):
    """17:00 LINE fails the reminder and the outbox keeps it; 17:05 the resident turns the
    reminders off in 受信設定 (「予約はそのままです」). The retry delivered it anyway: the
    message they had just said they did not want. It is dropped, and counted as dropped."""
    kept_reminder(app, resident, standin)
    resident.say("受信設定")
    resident.tap("前日のリマインダーを止める")
    before = len(standin.messages_to(resident.user_id))
    report = retry_in_a_minute(app)
    assert (report.sent, report.dropped) == (0, 1)
    assert standin.messages_to(resident.user_id)[before:] == []
    assert pending_purposes(app) == []


def test_a_kept_reminder_still_goes_when_the_reminders_were_turned_off_and_on_again(
    resident, app, standin
):
    kept_reminder(app, resident, standin)
    resident.say("受信設定")
    resident.tap("前日のリマインダーを止める")
    resident.tap("前日のリマインダーを受け取る")
    before = len(standin.messages_to(resident.user_id))
    assert retry_in_a_minute(app).sent == 1
    (reminder,) = standin.messages_to(resident.user_id)[before:]
    assert "明日" in reminder["altText"]


def test_a_kept_seat_offer_still_goes_to_a_resident_who_turned_reminders_off(
    resident, neighbour, app, standin
):
    """Only the reminder hangs on the switch: a seat from the waiting list is still told."""
    add_session(app, capacity=1)
    neighbour.say("スマホ教室の日程")
    neighbour.tap("予約する")
    resident.say("スマホ教室の日程")
    resident.tap("キャンセル待ち")
    resident.say("受信設定")
    resident.tap("前日のリマインダーを止める")
    standin.fail(PUSH, 500)
    neighbour.say("予約の確認")
    neighbour.tap("予約を取り消す")
    neighbour.tap("取り消す")
    assert pending_purposes(app) == ["promotion"]
    before = len(standin.messages_to(resident.user_id))
    assert retry_in_a_minute(app).sent == 1
    (offer,) = standin.messages_to(resident.user_id)[before:]
    assert "席が空いた" in offer["altText"]


def test_a_reminder_asked_with_the_day_before_in_plain_words_gets_its_switch(resident, app):
    """「教室の前の日に連絡ありますか」 got the schedule: it asks about the reminder."""
    add_session(app)
    resident.say("スマホ教室")
    resident.tap("予約する")
    reply = resident.say("教室の前の日に連絡ありますか")
    assert "教室の前日のリマインダー" in reply.text
    assert ui("class_reminders_off_button", "ja") in reply.labels
