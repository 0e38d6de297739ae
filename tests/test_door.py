"""Staff run the room (issue 16): the session form's 持ち物 and name setting, the attendee page and
CSV with numbers, names and status, and the reception page at the door — through the real
forms, with their CSRF tokens."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.core.models import AuditEntry, ClassSession, Reservation
from tests.admin_helpers import console_client, csrf_from, log_in, make_user
from tests.test_admin_staff import a_session, a_session_today, booked, post_form, session_form

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def staff(app):
    """A logged-in staff member's browser."""
    console = console_client(app)
    log_in(console, make_user(app, "staff"))
    return console


def name(app, reservation_id: int, full: str, kana: str) -> None:
    """Give a booking the name a resident typed (what the chat stores)."""
    with app.extensions["navi"].sessions() as db:
        reservation = db.get(Reservation, reservation_id)
        reservation.name, reservation.name_kana = full, kana
        reservation.session.asks_name = True
        db.commit()


def attended(app, reservation_id: int) -> bool | None:
    with app.extensions["navi"].sessions() as db:
        return db.get(Reservation, reservation_id).attended


def audit(app, action: str) -> list[AuditEntry]:
    with app.extensions["navi"].sessions() as db:
        return list(db.scalars(select(AuditEntry).where(AuditEntry.action == action)))


# -- the session form ----------------------------------------------------------------------------


def test_staff_write_what_to_bring_and_ask_for_names_and_residents_see_it(app, staff, resident):
    form = session_form(bring="スマホをお持ちください", asks_name="1", description="")
    assert post_form(staff, "/admin/classes/new", **form).status_code == 302
    with app.extensions["navi"].sessions() as db:
        session = db.scalar(select(ClassSession))
    assert (session.bring, session.asks_name) == ("スマホをお持ちください", True)
    page = staff.get(f"/admin/classes/{session.id}").get_data(as_text=True)
    assert "スマホをお持ちください" in page and "予約のときに氏名を聞く" in page
    resident.say("スマホ教室の日程")
    assert "お名前" in resident.tap("予約する").text  # the chat asks before booking


def test_a_long_what_to_bring_is_explained_beside_its_field(staff):
    response = post_form(staff, "/admin/classes/new", **session_form(bring="あ" * 301))
    assert response.status_code == 400
    assert "持ち物は300文字までにしてください" in response.get_data(as_text=True)


def test_the_cli_adds_a_session_with_what_to_bring_that_asks_names(app, settings):
    start = (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).isoformat()
    details = ["--title", "はじめてのLINE", "--venue", "志村ふれあい館", "--capacity", "8"]
    extra = ["--starts-at", start, "--bring", "スマホをお持ちください", "--ask-name"]
    result = subprocess.run(
        [sys.executable, "-m", "bot", "classes", "add", *details, *extra],
        env={**os.environ, "DATABASE_URL": settings.database_url},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    added = json.loads(result.stdout)
    assert (added["bring"], added["asks_name"]) == ("スマホをお持ちください", True)


# -- the attendee page and CSV -------------------------------------------------------------------


def test_attendees_show_number_name_and_status_on_the_page_and_in_the_csv(app, staff):
    session_id = a_session(app, capacity=1)
    seat, waiting = booked(app, session_id, "U" + "c" * 32, "U" + "d" * 32)
    name(app, seat, "板橋 花子", "いたばし はなこ")
    page = staff.get(f"/admin/classes/{session_id}").get_data(as_text=True)
    assert f"受付番号 {seat}" in page and "板橋 花子 (いたばし はなこ)" in page
    assert f"受付番号 {waiting}" in page
    response = staff.get(f"/admin/classes/{session_id}/attendees.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:4] == ["受付番号", "お名前", "ふりがな", "状態"]
    assert rows[1][:4] == [str(seat), "板橋 花子", "いたばし はなこ", "予約"]
    assert rows[2][:4] == [str(waiting), "", "", "キャンセル待ち"]


def test_a_session_without_names_has_no_name_columns(app, staff):
    session_id = a_session(app)
    booked(app, session_id, "U" + "c" * 32)
    response = staff.get(f"/admin/classes/{session_id}/attendees.csv")
    header = next(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert "お名前" not in header and header[0] == "受付番号"


# -- the reception page --------------------------------------------------------------------------


def door(staff, session_id: int, query: str = "") -> str:
    return staff.get(f"/admin/classes/{session_id}/door", query_string={"q": query}).get_data(
        as_text=True
    )


def check_in(staff, session_id: int, reservation_id: int, came: str = "1"):
    path = f"/admin/classes/{session_id}/door"
    return post_form(staff, path, reservation=str(reservation_id), came=came)


def test_the_classes_list_leads_to_each_upcoming_sessions_reception_page(app, staff):
    session_id = a_session(app)
    listing = staff.get("/admin/classes").get_data(as_text=True)
    door_path = f"/admin/classes/{session_id}/door"
    assert f'href="{door_path}"' in listing
    assert '当日の受付<span class="visually-hidden">: スマホ相談会</span>' in listing
    assert staff.get(door_path).status_code == 200
    with app.extensions["navi"].sessions() as db:
        db.get(ClassSession, session_id).title_en = "Smartphone help"
        db.commit()
    detail = staff.get(f"/admin/classes/{session_id}").get_data(as_text=True)
    assert '英語での題名</dt><dd lang="en">Smartphone help</dd>' in detail


def english_console(staff) -> None:
    """Switch the console to English, as the language switch does."""
    token = csrf_from(staff, "/admin/classes")
    staff.post("/admin/lang", data={"lang": "en", "csrf_token": token})


def bring(app, session_id: int, japanese: str, english: str = "") -> None:
    with app.extensions["navi"].sessions() as db:
        session = db.get(ClassSession, session_id)
        session.bring, session.bring_en = japanese, english
        db.commit()


def test_the_door_shows_what_to_bring_in_the_consoles_language(app, staff):
    """At the door staff could not see what residents were told to bring: it shows, in English
    on an English console where staff wrote it in English, else the Japanese."""
    session_id = a_session(app)
    bring(app, session_id, "スマホをお持ちください", "Please bring your smartphone")
    assert '持ち物: <span lang="ja">スマホをお持ちください</span>' in door(staff, session_id)
    english_console(staff)
    page = door(staff, session_id)
    assert 'What to bring: <span lang="en">Please bring your smartphone</span>' in page
    assert "スマホをお持ちください" not in page


def test_the_door_in_english_shows_the_japanese_to_bring_when_no_english_was_written(app, staff):
    session_id = a_session(app)
    bring(app, session_id, "スマホをお持ちください")
    english_console(staff)
    assert 'What to bring: <span lang="ja">スマホをお持ちください</span>' in door(staff, session_id)


def title_and_venue(app, session_id: int, title_en: str = "", venue_en: str = "") -> None:
    with app.extensions["navi"].sessions() as db:
        session = db.get(ClassSession, session_id)
        session.title, session.title_en = "はじめてのLINE", title_en
        session.venue, session.venue_en = "志村ふれあい館", venue_en
        db.commit()


def test_the_door_in_english_shows_the_sessions_english_title_and_venue(app, staff):
    """The English console's reception page showed the session's title and venue in Japanese,
    though staff wrote them in English."""
    session_id = a_session(app)
    title_and_venue(app, session_id, "First steps with LINE", "Shimura Fureaikan")
    assert '<strong lang="ja">はじめてのLINE</strong>' in door(staff, session_id)
    english_console(staff)
    page = door(staff, session_id)
    assert '<strong lang="en">First steps with LINE</strong>' in page
    assert '<span lang="en">Shimura Fureaikan</span>' in page
    assert "はじめてのLINE" not in page


def test_the_door_in_english_shows_the_japanese_title_when_no_english_was_written(app, staff):
    session_id = a_session(app)
    title_and_venue(app, session_id)
    english_console(staff)
    page = door(staff, session_id)
    assert '<strong lang="ja">はじめてのLINE</strong>' in page
    assert '<span lang="ja">志村ふれあい館</span>' in page


def test_a_door_with_no_bookings_says_nobody_booked_not_that_a_search_found_nothing(app, staff):
    """Opened before anyone booked, the reception page said 「見つかりませんでした。番号をもう一度
    確かめるか…」 — though nobody had typed a number."""
    session_id = a_session(app)
    page = door(staff, session_id)
    assert "この回の予約:0件" in page and "まだ予約はありません。" in page
    assert "見つかりませんでした" not in page
    searched = door(staff, session_id, "12")
    assert "見つかりませんでした" in searched and "まだ予約はありません。" not in searched


def test_staff_find_a_booking_by_number_and_mark_it_as_come_audited(app, staff):
    session_id = a_session_today(app, capacity=3)
    first, second = booked(app, session_id, "U" + "c" * 32, "U" + "d" * 32)
    found = door(staff, session_id, str(second))
    assert f"受付番号 {second} を出席にする" in found
    assert f"受付番号 {first} を出席にする" not in found
    response = check_in(staff, session_id, second)
    assert response.status_code == 302
    assert attended(app, second) is True and attended(app, first) is None
    after = door(staff, session_id)
    assert f"受付番号 {second} の方を出席にしました" in after and "出席 1人 / 予約 2人" in after
    assert f"受付番号 {second} の出席を取り消す" in after
    assert audit(app, "class.attendance")[0].detail == {"marks": {str(second): True}}


def test_a_full_width_number_and_a_name_in_either_kana_find_the_booking(app, staff):
    session_id = a_session(app, capacity=3)
    first, second = booked(app, session_id, "U" + "c" * 32, "U" + "d" * 32)
    name(app, first, "板橋 花子", "いたばし はなこ")
    name(app, second, "志村 一郎", "シムラ イチロウ")
    wide = str(first).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert f"受付番号 {first} を出席にする" in door(staff, session_id, wide)
    by_kana = door(staff, session_id, "ハナコ")
    assert "板橋 花子" in by_kana and "志村 一郎" not in by_kana
    assert "志村 一郎" in door(staff, session_id, "しむら")
    assert "志村 一郎" in door(staff, session_id, "志村")
    assert "見つかりませんでした" in door(staff, session_id, "やまだ")


def test_a_wrong_tap_is_undone(app, staff):
    session_id = a_session_today(app)
    (seat,) = booked(app, session_id, "U" + "c" * 32)
    check_in(staff, session_id, seat)
    check_in(staff, session_id, seat, came="")
    assert attended(app, seat) is None
    assert f"受付番号 {seat} の方の出席を取り消しました" in door(staff, session_id)


def test_a_waiting_list_place_or_another_sessions_number_cannot_be_checked_in(app, staff):
    session_id, other_id = a_session_today(app, capacity=1), a_session_today(app)
    _, waiting = booked(app, session_id, "U" + "c" * 32, "U" + "d" * 32)
    (elsewhere,) = booked(app, other_id, "U" + "e" * 32)
    assert "キャンセル待ちの方です" in door(staff, session_id, str(waiting))
    for number in (waiting, elsewhere, "abc", "9" * 30):
        response = check_in(staff, session_id, number)
        assert response.status_code == 302
        assert "この回の予約ではありません" in door(staff, session_id)
    assert attended(app, waiting) is None and attended(app, elsewhere) is None
    assert audit(app, "class.attendance") == []


def test_a_circled_number_posted_to_the_door_is_not_a_seat(app, staff):
    """① passed str.isdigit() and then failed int(): a 500 at the reception desk."""
    session_id = a_session_today(app)
    (seat,) = booked(app, session_id, "U" + "c" * 32)
    assert check_in(staff, session_id, "①").status_code == 302
    assert "この回の予約ではありません" in door(staff, session_id)
    assert attended(app, seat) is None


def test_a_number_in_full_width_digits_is_checked_in(app, staff):
    session_id = a_session_today(app)
    (seat,) = booked(app, session_id, "U" + "c" * 32)
    wide = str(seat).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert check_in(staff, session_id, wide).status_code == 302
    assert attended(app, seat) is True


WIDE = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.parametrize("number", [str(2**31), str(2**31).translate(WIDE), "9" * 18])
def test_a_number_past_any_booking_at_the_door_is_not_a_seat(app, staff, number):
    """The door read 受付番号 with its own reader (full-width digits, up to 18 of them) and
    handed a number past PostgreSQL's integer on as a booking id (only a comparison in Python
    kept it from the database); it is now read as a row id, and names no booking."""
    session_id = a_session_today(app)
    (seat,) = booked(app, session_id, "U" + "c" * 32)
    assert check_in(staff, session_id, number).status_code == 302
    assert "この回の予約ではありません" in door(staff, session_id)
    assert attended(app, seat) is None
    assert audit(app, "class.attendance") == []


def test_the_door_reads_a_typed_number_as_a_row_id():
    """One reader for numbers staff type: NFKC to ASCII digits, then the row-id reader."""
    from bot.core.db import MAX_ID, typed_id

    assert typed_id("１２") == 12 and typed_id(" 12　") == 12
    assert typed_id(str(MAX_ID).translate(WIDE)) == MAX_ID
    for odd in (str(MAX_ID + 1), str(MAX_ID + 1).translate(WIDE), "①", "²", "١٢", "", "1 2"):
        assert typed_id(odd) is None, odd


# -- attendance before the day ------------------------------------------------------------------


def session_day(app, session_id: int) -> dt.date:
    with app.extensions["navi"].sessions() as db:
        return db.get(ClassSession, session_id).starts_at.astimezone(TOKYO).date()


def test_before_the_day_the_door_lists_who_booked_with_its_buttons_disabled(app, staff):
    """Staff could mark people as come days before a session: they counted in the managers'
    figures as participants before anyone had come."""
    session_id = a_session(app, capacity=3)
    first, second = booked(app, session_id, "U" + "c" * 32, "U" + "d" * 32)
    day = session_day(app, session_id)
    page = door(staff, session_id)
    weekday = "月火水木金土日"[day.weekday()]
    note = f"出席は当日、{day.year}年{day.month}月{day.day}日({weekday})から記録できます。"
    assert note in page and f"受付番号 {first}" in page and f"受付番号 {second}" in page
    buttons = re.findall(r"<button [^>]*class=\"door-button[^>]*>", page)
    assert len(buttons) == 2 and all(" disabled" in b for b in buttons), buttons
    assert all('aria-describedby="door-too-early"' in b for b in buttons)
    staff.post("/admin/lang", data={"lang": "en", "csrf_token": csrf_from(staff, "/admin/classes")})
    english = door(staff, session_id)
    assert "Attendance can be recorded from the day of the session, " in english


def test_the_english_note_names_the_sessions_day_with_its_weekday_as_the_japanese_does(app, staff):
    """The Japanese note said 「2026年12月5日(土)から」, the English one only "5 Dec 2026"."""
    session_id = a_session(app)
    booked(app, session_id, "U" + "c" * 32)
    day = session_day(app, session_id)
    staff.post("/admin/lang", data={"lang": "en", "csrf_token": csrf_from(staff, "/admin/classes")})
    weekday = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][day.weekday()]
    expected = f"from the day of the session, {weekday} {day.day} {day:%b} {day.year}."
    assert expected in door(staff, session_id)
    assert expected in staff.get(f"/admin/classes/{session_id}").get_data(as_text=True)


def test_a_check_in_posted_before_the_day_is_refused_and_nothing_recorded(app, staff):
    session_id = a_session(app)
    (seat,) = booked(app, session_id, "U" + "c" * 32)
    response = check_in(staff, session_id, seat)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/classes/{session_id}/door")
    page = door(staff, session_id)
    assert "まだ記録していません。出席は当日、" in page
    assert attended(app, seat) is None and audit(app, "class.attendance") == []
    for odd in ("①", "abc", "9" * 30, ""):  # a refusal whatever the number, never a 500
        assert check_in(staff, session_id, odd).status_code == 302


def test_before_the_day_the_session_page_lists_attendees_without_the_attendance_form(app, staff):
    session_id = a_session(app)
    (seat,) = booked(app, session_id, "U" + "c" * 32)
    detail = f"/admin/classes/{session_id}"
    page = staff.get(detail).get_data(as_text=True)
    assert f"受付番号 {seat}" in page and "出席は当日、" in page
    assert f'name="attended-{seat}"' not in page and "出欠を保存する" not in page
    response = post_form(
        staff, f"{detail}/attendance", form_page=detail, **{f"attended-{seat}": "came"}
    )
    assert response.status_code == 302
    assert "まだ記録していません。" in staff.get(detail).get_data(as_text=True)
    assert attended(app, seat) is None and audit(app, "class.attendance") == []


def test_on_the_day_the_session_page_offers_the_attendance_form(app, staff):
    session_id = a_session_today(app)
    (seat,) = booked(app, session_id, "U" + "c" * 32)
    page = staff.get(f"/admin/classes/{session_id}").get_data(as_text=True)
    assert f'name="attended-{seat}"' in page and "出席は当日、" not in page
    assert "disabled" not in door(staff, session_id)


def test_attendance_opens_at_midnight_in_tokyo_not_in_utc(app):
    """10:00 on 5 December in Tokyo is 01:00 UTC that day; its day begins at 15:00 UTC on the
    4th. A mark before that is refused by the domain itself (the CLI, the door, the form)."""
    from bot import classes
    from bot.classes import ClassError
    from bot.classes.changes import mark_attendance

    starts = dt.datetime(2026, 12, 5, 10, tzinfo=TOKYO)
    midnight = dt.datetime(2026, 12, 4, 15, tzinfo=dt.UTC)
    with app.extensions["navi"].sessions() as db:
        session = classes.add_session(db, title="相談会", starts_at=starts, venue="館", capacity=2)
        db.flush()
        assert classes.attendance_opens(session, TOKYO) == midnight
        assert classes.attendance_open(session, midnight, TOKYO)
        assert classes.attendance_open(session, midnight + dt.timedelta(days=30), TOKYO)
        before = midnight - dt.timedelta(seconds=1)
        assert not classes.attendance_open(session, before, TOKYO)
        with pytest.raises(ClassError):
            mark_attendance(db, session.id, {}, "staff@example.jp", now=before, tz=TOKYO)
        assert mark_attendance(db, session.id, {}, "staff@example.jp", now=midnight, tz=TOKYO) == 0


def test_checking_in_needs_the_pages_csrf_token_and_a_login(app, staff):
    session_id = a_session(app)
    (seat,) = booked(app, session_id, "U" + "c" * 32)
    forged = staff.post(
        f"/admin/classes/{session_id}/door",
        data={"reservation": str(seat), "came": "1", "csrf_token": "forged"},
    )
    assert forged.status_code == 400
    anonymous = console_client(app)
    assert anonymous.get(f"/admin/classes/{session_id}/door").status_code == 302
    assert attended(app, seat) is None


@pytest.mark.parametrize("typed", ["²", "₂", "②", "Ⅱ", "２", "٢"])
def test_only_digits_search_as_a_booking_number(app, staff, typed):
    """The search applied NFKC before it asked whether it had a number, so 「²」 (or 「₂」, 「②」)
    found booking 2. Only 0-9 and full-width ０-９ are read as a number; anything else is a name
    (and finds none here)."""
    session_id = a_session_today(app, capacity=3)
    seats = booked(app, session_id, *(f"U{n:032x}" for n in range(1, 4)))
    assert 2 in seats
    page = door(staff, session_id, typed)
    assert page.count("を出席にする") == (1 if typed == "２" else 0), typed
    assert ("見つかりませんでした" in page) != (typed == "２")


def test_a_number_with_its_prefix_or_in_full_width_still_finds_the_booking(app, staff):
    session_id = a_session_today(app, capacity=3)
    first, second = booked(app, session_id, "U" + "c" * 32, "U" + "d" * 32)
    wide = str(second).translate(WIDE)
    card = f"受付番号 {second}"  # as the resident's booking card shows it
    for typed in (
        *(f"No.{second}", f"Ｎｏ．{wide}", f"#{second}", f"＃{wide}", f" 0{second} "),
        *(card, f"受付番号：{wide}", f"{second}番", f"No{second}", f"no. {second}"),
    ):
        page = door(staff, session_id, typed)
        assert f"受付番号 {second} を出席にする" in page, typed
        assert f"受付番号 {first} を出席にする" not in page, typed


def test_a_name_holding_a_superscript_is_still_found_by_it(app, staff):
    """What is not a number searches as text, folded as names are (NFKC, kana)."""
    session_id = a_session_today(app, capacity=3)
    first, second = booked(app, session_id, "U" + "c" * 32, "U" + "d" * 32)
    name(app, first, "板橋 花子²", "いたばし はなこ")
    page = door(staff, session_id, "花子²")
    assert "板橋 花子²" in page and f"受付番号 {second} を出席にする" not in page


def test_odd_searches_and_unknown_sessions_never_give_a_500(app, staff):
    session_id = a_session(app)
    for query in ("\x00", "あ" * 500, "<script>", "%", "No.1", "²", "No.²", "#①", "9" * 99):
        assert (
            staff.get(f"/admin/classes/{session_id}/door", query_string={"q": query}).status_code
            == 200
        )
    assert staff.get("/admin/classes/999999/door").status_code == 404
