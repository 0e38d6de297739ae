"""Staff pages of the console: class sessions, attendance, announcements — through the real
forms (with their CSRF tokens), the real services and the LINE stand-in."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from bot import announcements, create_app
from bot.classes import ClassError, add_session
from bot.classes import changes as sessions_admin
from bot.classes.reservations import reserve
from bot.core.db import utcnow
from bot.core.models import Announcement, AuditEntry, ClassSession, Follower, Reservation
from bot.line.postback import Postback
from bot.residents.followers import adopt_many
from tests.admin_helpers import console_client, csrf_from, log_in, make_user

TZ = dt.timezone(dt.timedelta(hours=9))


@pytest.fixture
def staff(app):
    """A logged-in staff member's browser."""
    console = console_client(app)
    log_in(console, make_user(app, "staff"))
    return console


def local(when: dt.datetime) -> str:
    """A time as a datetime-local input sends it (Asia/Tokyo)."""
    return when.astimezone(TZ).strftime("%Y-%m-%dT%H:%M")


def post_form(console, path: str, form_page: str | None = None, **data):
    """Submit a form the way a browser does: with the token the page carries."""
    data["csrf_token"] = csrf_from(console, form_page or path)
    return console.post(path, data=data)


def session_form(**changes) -> dict:
    # 10:00–12:00 three days on, whatever the time of day the tests run: "two hours from now"
    # crossed midnight after 22:00 in Tokyo, and the form (rightly) refuses an end before the start.
    day = (utcnow() + dt.timedelta(days=3)).astimezone(TZ).date()
    start = dt.datetime.combine(day, dt.time(10, 0), TZ)
    form = {
        "title": "スマホ教室 LINEのはじめ方",
        "kind": "class",
        "starts_at": local(start),
        "ends_at": (start + dt.timedelta(hours=2)).astimezone(TZ).strftime("%H:%M"),
        "venue": "志村ふれあい館",
        "capacity": "2",
        "description": "スマホをお持ちください",
    }
    return form | changes


def a_session(app, capacity: int = 2, days: int = 3) -> int:
    with app.extensions["navi"].sessions() as db:
        session = add_session(
            db,
            title="スマホ相談会",
            starts_at=utcnow() + dt.timedelta(days=days),
            venue="仲町ふれあい館",
            capacity=capacity,
        )
        db.commit()
        return session.id


def a_session_today(app, capacity: int = 2) -> int:
    """A session at noon today in Tokyo, the day attendance can be recorded — today in Tokyo
    whatever the hour in UTC (from 15:00 UTC, Tokyo's date is UTC's tomorrow), begun already
    when the tests run after noon there."""
    day = utcnow().astimezone(TZ).date()
    noon = dt.datetime.combine(day, dt.time(12, 0), TZ).astimezone(dt.UTC)
    with app.extensions["navi"].sessions() as db:
        session = add_session(
            db, title="スマホ相談会", starts_at=noon, venue="仲町ふれあい館", capacity=capacity
        )
        db.commit()
        return session.id


def booked(app, session_id: int, *user_ids: str) -> list[int]:
    """Residents who book a session (seats first, then the waiting list) — a day before it
    starts when that is earlier than now (a session today that has begun)."""
    with app.extensions["navi"].sessions() as db:
        adopt_many(db, list(user_ids), "synced")
        starts_at = db.get(ClassSession, session_id).starts_at
        when = min(utcnow(), starts_at - dt.timedelta(days=1))
        ids = []
        for user_id in user_ids:
            follower = db.scalar(select(Follower).where(Follower.line_user_id == user_id))
            ids.append(reserve(db, session_id, follower, when).reservation.id)
        db.commit()
        return ids


def audited(app, action: str) -> list[AuditEntry]:
    with app.extensions["navi"].sessions() as db:
        return list(db.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def stored(app, model, key):
    with app.extensions["navi"].sessions() as db:
        return db.get(model, key)


# -- class sessions ----------------------------------------------------------------------------


def test_staff_add_a_session_that_residents_then_see_in_the_schedule(app, staff, resident):
    response = post_form(staff, "/admin/classes/new", **session_form())
    assert response.status_code == 302
    with app.extensions["navi"].sessions() as db:
        session = db.scalar(select(ClassSession))
    assert session.title == "スマホ教室 LINEのはじめ方" and session.capacity == 2
    assert session.ends_at - session.starts_at == dt.timedelta(hours=2)
    assert audited(app, "class.create")[0].actor == "staff@example.jp"
    listing = staff.get("/admin/classes").get_data(as_text=True)
    assert "スマホ教室 LINEのはじめ方" in listing and "0 / 2" in listing
    assert "LINEのはじめ方" in resident.say("スマホ教室の日程").text


def test_mistakes_are_explained_beside_their_fields(staff):
    form = session_form(title=" ", capacity="0", starts_at="12月3日", venue="")
    response = post_form(staff, "/admin/classes/new", **form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="title-error"' in page and "名前を入れてください" in page
    assert "定員は1から1000までの数字で入れてください" in page
    assert "開始日時を入れてください(日付と時刻の両方)" in page
    assert 'aria-invalid="true"' in page
    assert "Traceback" not in page


# Japanese keyboards offer ①, ⑤ and ² when typing a digit: str.isdigit() passed them and
# int() refused them, a 500 that lost the whole form. A number too long for int() did the same.
@pytest.mark.parametrize("capacity", ["①⓪", "²", "9" * 5000])
def test_a_capacity_in_circled_or_endless_digits_is_explained_beside_its_field(staff, capacity):
    response = post_form(staff, "/admin/classes/new", **session_form(capacity=capacity))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="capacity-error"' in page and "定員は1から1000までの数字で入れてください" in page
    assert "スマホ教室 LINEのはじめ方" in page  # what they typed is still there


def test_an_edit_with_a_circled_capacity_is_explained_and_changes_nothing(app, staff):
    session_id = a_session(app, capacity=2)
    response = post_form(staff, f"/admin/classes/{session_id}/edit", **session_form(capacity="⑤"))
    assert response.status_code == 400
    assert "定員は1から1000までの数字で入れてください" in response.get_data(as_text=True)
    assert stored(app, ClassSession, session_id).capacity == 2


def test_a_capacity_in_full_width_digits_is_read_as_typed(app, staff):
    response = post_form(staff, "/admin/classes/new", **session_form(capacity="１０"))
    assert response.status_code == 302
    with app.extensions["navi"].sessions() as db:
        assert db.scalar(select(ClassSession.capacity)) == 10


def test_an_end_before_the_start_and_a_start_in_the_past_are_refused(staff):
    early = post_form(staff, "/admin/classes/new", **session_form(ends_at="00:00"))
    assert "終了時刻は、開始時刻より後の時刻にしてください" in early.get_data(as_text=True)
    yesterday = (utcnow() - dt.timedelta(days=1)).astimezone(TZ).date()
    past = local(dt.datetime.combine(yesterday, dt.time(10, 0), TZ))  # before the form's 12:00
    late = post_form(staff, "/admin/classes/new", **session_form(starts_at=past))
    assert "開始日時が過ぎています" in late.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/admin/classes/new", "edit"])
def test_a_start_in_the_past_is_named_with_the_other_mistakes_not_after_them(app, staff, path):
    """A past start beside a zero capacity was named only once the capacity was fixed: staff
    sent the form twice to learn of the second mistake."""
    path = f"/admin/classes/{a_session(app)}/edit" if path == "edit" else path
    last_year = local(utcnow() - dt.timedelta(days=365))
    page = post_form(staff, path, **session_form(starts_at=last_year, capacity="0"))
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "開始日時が過ぎています" in text and "定員は1から1000までの数字で" in text


@pytest.mark.parametrize(
    ("typo", "explained"),
    [
        (lambda start: local(start.replace(year=start.year - 1)), "開始日時が過ぎています"),
        # no UTC time to store (it would be in year 0): not a time at all
        (lambda start: "0001-01-01T00:00", "開始日時を入れてください"),
    ],
    ids=["last year", "year 1"],
)
def test_an_edit_cannot_move_a_booked_session_into_the_past(app, staff, standin, typo, explained):
    """A year typed wrong was saved, and everyone booked was told of a day already gone (year
    1 gave a 500 instead)."""
    session_id = a_session(app)
    resident = "U" + "b" * 32
    booked(app, session_id, resident)
    start = stored(app, ClassSession, session_id).starts_at
    form = session_form(starts_at=typo(start), ends_at="")
    response = post_form(staff, f"/admin/classes/{session_id}/edit", **form)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="starts_at-error"' in page and explained in page
    assert standin.messages_to(resident) == []
    assert stored(app, ClassSession, session_id).starts_at == start


def test_a_session_whose_time_has_come_can_still_have_its_details_fixed(app, staff):
    session_id = a_session(app, days=-1)
    start = stored(app, ClassSession, session_id).starts_at
    form = session_form(starts_at=local(start), ends_at="", title="スマホ相談会(午前)")
    assert post_form(staff, f"/admin/classes/{session_id}/edit", **form).status_code == 302
    assert stored(app, ClassSession, session_id).title == "スマホ相談会(午前)"


@pytest.fixture
def staff_west_of_greenwich(settings, standin):
    """A staff member's browser on a bot whose BOT_TIMEZONE is behind UTC."""
    app = create_app(settings.with_overrides(timezone="America/New_York"))
    app.config["TESTING"] = True
    console = console_client(app)
    log_in(console, make_user(app, "staff"))
    yield console
    app.extensions["navi"].gateway.close()
    app.extensions["navi"].engine.dispose()


def test_a_time_past_the_calendars_end_in_utc_is_explained_not_a_500(staff_west_of_greenwich):
    """9999-12-31 23:30 in New York is in the year 10000 in UTC, which the database columns
    cannot hold: saving it gave a 500 and lost the form."""
    console = staff_west_of_greenwich
    last = "9999-12-31T23:30"
    session = post_form(console, "/admin/classes/new", **session_form(starts_at=last, ends_at=""))
    assert session.status_code == 400
    assert "開始日時を入れてください" in session.get_data(as_text=True)
    announcement, _ = compose(console, text="お知らせ", topic="all", when="later", send_at=last)
    assert announcement.status_code == 400
    assert "送信日時を入れてください" in announcement.get_data(as_text=True)


def test_the_cli_meets_the_consoles_limits_and_names_every_problem(app, settings):
    env = {**os.environ, "DATABASE_URL": settings.database_url}
    start = (utcnow() + dt.timedelta(days=3)).astimezone(TZ)
    details = ["--title", "長" * 201, "--venue", "会場", "--capacity", "0"]
    result = subprocess.run(
        [sys.executable, "-m", "bot", "classes", "add", *details, "--starts-at", start.isoformat()],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "a title of at most 200 characters" in result.stderr
    assert "capacity must be a whole number from 1 to 1000" in result.stderr
    with app.extensions["navi"].sessions() as db:
        assert db.scalar(select(func.count()).select_from(ClassSession)) == 0


def test_an_edit_is_checked_like_a_new_session_whoever_makes_it(app):
    navi = app.extensions["navi"]
    start = utcnow() + dt.timedelta(days=3)
    with navi.sessions() as db:
        session = add_session(db, title="教室", starts_at=start, venue="会場", capacity=5)
        db.commit()
        details = {name: getattr(session, name) for name in sessions_admin.EDITABLE}
        details["ends_at"] = start - dt.timedelta(hours=1)
        with pytest.raises(ClassError) as refused:
            sessions_admin.update_session(db, session.id, "cli:test", utcnow(), **details)
    assert refused.value.problems == {"ends_at": "ends_at"}


def test_edit_changes_the_session_and_is_audited(app, staff):
    session_id = a_session(app)
    path = f"/admin/classes/{session_id}/edit"
    form = session_form(title="スマホ相談会(午後)", capacity="5", kind="consultation")
    assert post_form(staff, path, **form).status_code == 302
    session = stored(app, ClassSession, session_id)
    assert (session.title, session.capacity, session.kind) == (
        "スマホ相談会(午後)",
        5,
        "consultation",
    )
    change = audited(app, "class.update")[0]
    assert change.detail["capacity"] == [2, 5] and change.subject == f"class:{session_id}"


def test_the_audit_log_names_every_changed_field_in_the_consoles_language(app, staff):
    session_id = a_session(app)
    form = session_form(bring="充電器", asks_name="1", title_en="Smartphone class")
    assert post_form(staff, f"/admin/classes/{session_id}/edit", **form).status_code == 302
    admin = console_client(app)
    log_in(admin, make_user(app, "admin"))
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert "持ち物： → 充電器" in page and "氏名の確認：いいえ → はい" in page
    assert "英語での題名： → Smartphone class" in page
    assert not {"bring", "asks_name", "title_en"} & set(re.findall(r"\w+", page))
    admin.post("/admin/lang", data={"lang": "en", "csrf_token": csrf_from(admin, "/admin/audit")})
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert "what to bring:  → 充電器" in page and "asks for names: no → yes" in page
    assert "title in English:  → Smartphone class" in page


def test_the_audit_log_gives_times_in_japan_time_as_staff_read_them(app, staff):
    """An announcement sent at once read 「送信予定：2026-12-04T23:52:51.375122+00:00」 in the
    audit log: a UTC time with microseconds, the day before in Tokyo."""
    followers(app)
    compose(staff)
    assert post_form(staff, "/admin/classes/new", **session_form()).status_code == 302
    (announcement,) = stored_announcements(app)
    admin = console_client(app)
    log_in(admin, make_user(app, "admin"))
    page = admin.get("/admin/audit").get_data(as_text=True)
    sent_at = announcement.send_at.astimezone(TZ).strftime("%Y-%m-%d %H:%M")
    assert f"送信予定：{sent_at}" in page
    assert f"開始：{session_form()['starts_at'].replace('T', ' ')}" in page
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", page)


def test_a_larger_capacity_seats_the_waiting_list_and_tells_them(app, staff, standin):
    session_id = a_session(app, capacity=1)
    _seated, waiting = booked(app, session_id, "U" + "a" * 32, "U" + "b" * 32)
    path = f"/admin/classes/{session_id}/edit"
    post_form(staff, path, **session_form(capacity="2"))
    assert stored(app, Reservation, waiting).status == "reserved"
    told = standin.messages_to("U" + "b" * 32)
    assert len(told) == 1 and "席が空いた" in told[0]["altText"]


def test_a_new_time_or_venue_is_told_to_everyone_booked_or_waiting_once(app, staff, standin):
    session_id = a_session(app, capacity=1)
    seated, waiting = "U" + "e" * 32, "U" + "f" * 32
    booked(app, session_id, seated, waiting)
    path = f"/admin/classes/{session_id}/edit"
    moved = session_form(venue="志村ふれあい館", capacity="1")
    assert post_form(staff, path, **moved).status_code == 302
    for user_id in (seated, waiting):
        told = standin.messages_to(user_id)
        assert len(told) == 1, user_id
        assert "の回の日時か会場が変わりました" in told[0]["altText"]
        assert "志村ふれあい館" in told[0]["altText"]
    assert audited(app, "class.notify")[-1].detail["sent"] == 2

    post_form(staff, path, **moved)  # saved again unchanged: nothing new to tell
    post_form(staff, path, **moved | {"title": "スマホ相談会(午後)"})  # not when or where
    assert len(standin.messages_to(seated)) == 1


def test_capacity_cannot_drop_below_the_seats_taken(app, staff):
    session_id = a_session(app, capacity=2)
    booked(app, session_id, "U" + "a" * 32, "U" + "b" * 32)
    response = post_form(staff, f"/admin/classes/{session_id}/edit", **session_form(capacity="1"))
    assert response.status_code == 400
    assert "いま2人が予約しています。定員は2人以上にしてください" in response.get_data(as_text=True)
    assert stored(app, ClassSession, session_id).capacity == 2


def test_cancelling_a_session_tells_everyone_booked_or_waiting(app, staff, standin, resident):
    session_id = a_session(app, capacity=1)
    resident.follow()
    resident.say("スマホ教室の日程")
    booking = resident.tap("予約する")
    assert "予約しました" in booking.text
    booked(app, session_id, "U" + "c" * 32)  # full: on the waiting list
    confirm = staff.get(f"/admin/classes/{session_id}/cancel").get_data(as_text=True)
    assert "合わせて2人" in confirm

    response = post_form(staff, f"/admin/classes/{session_id}/cancel")
    assert response.status_code == 302
    assert stored(app, ClassSession, session_id).status == "cancelled"
    notice = standin.messages_to(resident.user_id)[-1]
    assert notice["altText"].startswith("申し訳ありません。")  # our doing: we apologise
    assert "中止になりました" in notice["altText"] and "仲町ふれあい館" in notice["altText"]
    labels = [b["action"]["label"] for b in notice["contents"]["footer"]["contents"]]
    assert labels == ["予約の確認", "別の回を見る"]
    pushed = [c for c in standin.calls if c.path == "/v2/bot/message/push"]
    assert {c.json["to"] for c in pushed} == {resident.user_id, "U" + "c" * 32}
    page = staff.get(f"/admin/classes/{session_id}").get_data(as_text=True)
    assert "中止のお知らせを2人に送りました" in page
    assert audited(app, "class.cancel")[0].detail == {"reserved": 1, "waitlisted": 1}
    assert audited(app, "class.notify")[0].detail["sent"] == 2


def test_cancellation_pushes_carry_retry_keys_so_sending_again_sends_nothing_new(
    app, staff, standin
):
    session_id = a_session(app)
    booked(app, session_id, "U" + "d" * 32)
    post_form(staff, f"/admin/classes/{session_id}/cancel")
    detail = f"/admin/classes/{session_id}"
    post_form(staff, f"/admin/classes/{session_id}/notify", form_page=detail)
    pushes = [c for c in standin.calls if c.path == "/v2/bot/message/push"]
    assert [c.status for c in pushes] == [200, 409]
    assert pushes[0].headers["X-Line-Retry-Key"] == pushes[1].headers["X-Line-Retry-Key"]
    assert len(standin.messages_to("U" + "d" * 32)) == 1


def test_a_session_already_held_cannot_be_cancelled(app, staff, standin):
    """Regression: 「この回を中止する」 on a session held last month sent everyone who came a
    cancellation notice, and took their attendance out of the managers' figures."""
    session_id = a_session(app)
    booked(app, session_id, "U" + "e" * 32)
    with app.extensions["navi"].sessions() as db:  # it took place yesterday
        held = db.get(ClassSession, session_id)
        held.starts_at = utcnow() - dt.timedelta(days=1)
        held.ends_at = held.starts_at + dt.timedelta(hours=2)
        db.commit()
    detail = f"/admin/classes/{session_id}"
    assert f"{detail}/cancel" not in staff.get(detail).get_data(as_text=True)

    for response in (
        staff.get(f"{detail}/cancel"),
        post_form(staff, f"{detail}/cancel", form_page=detail),
    ):
        assert response.status_code == 302 and response.headers["Location"].endswith(detail)
    page = staff.get(detail).get_data(as_text=True)
    assert "すでに終わっているため、中止できません" in page
    assert "開催済み" in page and "受付中" not in page  # it takes no bookings any more
    listed = staff.get("/admin/classes").get_data(as_text=True)
    assert "開催済み" in listed and "受付中" not in listed
    assert stored(app, ClassSession, session_id).status == "open"
    assert standin.messages_to("U" + "e" * 32) == []
    assert audited(app, "class.cancel") == []


def test_fixing_the_record_of_a_session_already_held_tells_nobody(app, staff, standin):
    """Regression: correcting the venue (or capacity) of a session held weeks ago pushed "the
    venue has changed" to everyone who came, and a larger capacity seated the waiting list
    of a day gone by, each told they had a seat."""
    session_id = a_session(app, capacity=1)
    came, waited = "U" + "e" * 32, "U" + "f" * 32
    booked(app, session_id, came, waited)
    with app.extensions["navi"].sessions() as db:  # it took place last week
        held = db.get(ClassSession, session_id)
        # 10:00–12:00 in Tokyo a week ago: the form gives the end as a time of the start's
        # day, so a start after 22:00 would end "before" it
        ten = dt.datetime.combine(utcnow().astimezone(TZ).date(), dt.time(10), TZ)
        held.starts_at = ten - dt.timedelta(days=7)
        held.ends_at = held.starts_at + dt.timedelta(hours=2)
        db.commit()
        form = {
            "title": held.title,
            "kind": held.kind,
            "starts_at": held.starts_at.astimezone(TZ).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": held.ends_at.astimezone(TZ).strftime("%H:%M"),
            "venue": "仲町ふれあい館 2階",
            "capacity": "2",
        }
    saved = post_form(staff, f"/admin/classes/{session_id}/edit", **form)
    assert saved.status_code == 302
    assert stored(app, ClassSession, session_id).venue == "仲町ふれあい館 2階"
    assert standin.messages_to(came) == [] and standin.messages_to(waited) == []
    assert "お知らせした人数：0人" in staff.get(saved.headers["Location"]).get_data(as_text=True)


def test_a_cancelled_session_can_no_longer_be_edited(app, staff):
    session_id = a_session(app)
    post_form(staff, f"/admin/classes/{session_id}/cancel")
    response = staff.get(f"/admin/classes/{session_id}/edit")
    assert response.status_code == 302


def test_marking_attendance_stores_came_and_no_show(app, staff):
    session_id = a_session_today(app)
    came, absent = booked(app, session_id, "U" + "e" * 32, "U" + "f" * 32)
    detail = f"/admin/classes/{session_id}"
    page = staff.get(detail).get_data(as_text=True)
    assert f"受付番号 {came}" in page and f"受付番号 {absent}" in page
    marks = {f"attended-{came}": "came", f"attended-{absent}": "absent"}
    post_form(staff, f"{detail}/attendance", form_page=detail, **marks)
    assert stored(app, Reservation, came).attended is True
    assert stored(app, Reservation, absent).attended is False
    assert audited(app, "class.attendance")[0].detail["marks"] == {
        str(came): True,
        str(absent): False,
    }
    post_form(staff, f"{detail}/attendance", form_page=detail, **{f"attended-{came}": ""})
    assert stored(app, Reservation, came).attended is None


def test_attendance_of_another_sessions_reservation_is_ignored(app, staff):
    mine, other = a_session_today(app), a_session(app, days=4)
    (theirs,) = booked(app, other, "U" + "9" * 32)
    detail = f"/admin/classes/{mine}"
    post_form(staff, f"{detail}/attendance", form_page=detail, **{f"attended-{theirs}": "came"})
    assert stored(app, Reservation, theirs).attended is None


def test_an_attendance_field_with_a_circled_number_is_ignored_and_the_rest_saved(app, staff):
    session_id = a_session_today(app)
    (came,) = booked(app, session_id, "U" + "e" * 32)
    detail = f"/admin/classes/{session_id}"
    marks = {"attended-①": "came", f"attended-{came}": "came"}
    response = post_form(staff, f"{detail}/attendance", form_page=detail, **marks)
    assert response.status_code == 302
    assert "出欠を保存しました(変更 1件)" in staff.get(detail).get_data(as_text=True)
    assert stored(app, Reservation, came).attended is True


def test_attendee_csv_is_utf8_with_bom_and_lists_every_booking(app, staff):
    session_id = a_session(app, capacity=1)
    seat, waiting = booked(app, session_id, "U" + "1" * 32, "U" + "2" * 32)
    response = staff.get(f"/admin/classes/{session_id}/attendees.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["受付番号", "状態", "予約日時", "言語", "出欠"]
    assert [(r[0], r[1]) for r in rows[1:]] == [
        (str(seat), "予約"),
        (str(waiting), "キャンセル待ち"),
    ]


def test_sessions_are_listed_upcoming_first_with_seats(app, staff):
    later, sooner = a_session(app, days=9), a_session(app, days=2)
    booked(app, sooner, "U" + "3" * 32)
    page = staff.get("/admin/classes").get_data(as_text=True)
    assert page.index(f"/admin/classes/{sooner}") < page.index(f"/admin/classes/{later}")
    assert "1 / 2" in page and "受付中" in page


def test_a_session_in_another_year_shows_its_year_and_one_this_year_does_not(app, staff):
    """The past list reaches back past New Year: 「12月3日(水)」 alone could be either year."""
    last_year, this_year = utcnow().year - 1, utcnow().year
    with app.extensions["navi"].sessions() as db:
        for year, title in ((last_year, "去年の相談会"), (this_year, "今年の相談会")):
            starts = dt.datetime(year, 6, 10, 1, tzinfo=dt.UTC)  # 10:00 in Tokyo
            db.add(ClassSession(title=title, starts_at=starts, venue="仲町ふれあい館", capacity=5))
        db.commit()
    page = staff.get("/admin/classes").get_data(as_text=True)
    assert f"{last_year}年6月10日" in page
    assert "6月10日" in page.replace(f"{last_year}年6月10日", "")  # this year's, no year
    assert f"{this_year}年6月10日" not in page
    staff.post("/admin/lang", data={"lang": "en", "csrf_token": csrf_from(staff, "/admin/classes")})
    assert f"10 Jun 10:00 ({last_year})" in staff.get("/admin/classes").get_data(as_text=True)


# -- announcements -----------------------------------------------------------------------------


def followers(app, n: int = 3) -> list[str]:
    ids = [f"U{i:032x}" for i in range(n)]
    with app.extensions["navi"].sessions() as db:
        adopt_many(db, ids, "synced")
        db.commit()
    return ids


def compose(console, url="/admin/announcements/new", **fields):
    """Open the composer, submit it, and send it from the check before sending (the form id
    comes with the page, as in a browser). Returns the last response and the data sent; when
    the composer refuses the form, that refusal."""
    checked, data = review(console, url, **fields)
    if checked.status_code != 200:
        return checked, data
    data = data | {"step": "send"}
    return console.post(url, data=data), data


def review(console, url="/admin/announcements/new", **fields):
    """The composer's first click: the check before sending, nothing saved yet."""
    page = console.get(url).get_data(as_text=True)
    form_id = re.search(r'name="form_id" value="([^"]+)"', page).group(1)
    data = {"text": "板橋区からのお知らせです", "topic": "all", "when": "now"} | fields
    data |= {"form_id": form_id, "csrf_token": csrf_from(console, url), "step": "review"}
    return console.post(url, data=data), data


def count_announcements(app) -> int:
    with app.extensions["navi"].sessions() as db:
        return db.scalar(select(func.count()).select_from(Announcement))


def test_composing_creates_one_announcement_to_be_sent_now(app, staff):
    followers(app)
    response, _ = compose(staff, topic="smartphone_class")
    assert response.status_code == 302
    (announcement,) = stored_announcements(app)
    assert announcement.topic == "smartphone_class" and announcement.status == "scheduled"
    assert announcement.send_at <= utcnow() and announcement.created_by == "staff@example.jp"
    assert response.headers["Location"].endswith(f"/admin/announcements/{announcement.id}")
    assert [e.subject for e in audited(app, "announcement.create")] == [
        f"announcement:{announcement.id}"
    ]


def stored_announcements(app) -> list[Announcement]:
    with app.extensions["navi"].sessions() as db:
        return list(db.scalars(select(Announcement)))


def test_a_double_submit_creates_exactly_one_announcement(app, staff):
    followers(app)
    first, data = compose(staff)
    again = staff.post("/admin/announcements/new", data=data)
    assert count_announcements(app) == 1
    assert again.status_code == 302 and again.headers["Location"] == first.headers["Location"]
    assert "すでに受け付けています" in staff.get(again.headers["Location"]).get_data(as_text=True)


def test_a_scheduled_announcement_waits_for_its_time(app, staff):
    followers(app)
    at = utcnow() + dt.timedelta(days=1)
    compose(staff, when="later", send_at=local(at))
    (announcement,) = stored_announcements(app)
    assert abs(announcement.send_at - at) < dt.timedelta(minutes=1)
    with app.extensions["navi"].sessions() as db:
        assert announcements.due_announcements(db, utcnow()) == []


def test_empty_text_and_a_past_time_are_explained(app, staff):
    followers(app)
    response, _ = compose(staff, text="  ", when="later", send_at="2020-01-01T09:00")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "本文を入れてください" in page and "送信日時が過ぎています" in page
    assert count_announcements(app) == 0


def test_audience_size_endpoint_counts_who_receives_the_topic(app, staff):
    followers(app, 4)
    assert staff.get("/admin/announcements/audience?topic=ward_news").json["size"] == 4
    assert staff.get("/admin/announcements/audience?topic=all").json == {
        "topic": "all",
        "size": 4,
        "label": "いま 4人 に届きます",
    }
    assert staff.get("/admin/announcements/audience?topic=nope").status_code == 400


def test_the_composer_shows_the_audience_and_the_quota_left(app, staff, standin):
    followers(app, 2)
    standin.set_quota(limit=1000, used=100)
    try:
        page = staff.get("/admin/announcements/new").get_data(as_text=True)
    finally:
        standin.set_quota(limit=None)
    assert "いま 2人 に届きます" in page and "900通(上限 1000通)" in page
    # A preview per language, each with the settings button its readers see.
    for lang in ("ja", "en", "ja_easy"):
        assert f'id="preview-{lang}"' in page
    assert '<span class="line-chip" lang="ja">受信設定</span>' in page
    assert '<span class="line-chip" lang="en">Settings</span>' in page


def test_a_send_over_the_quota_is_refused_with_the_figures(app, staff, standin):
    followers(app, 30)
    standin.set_quota(limit=1000, used=980)
    try:
        response, _ = compose(staff)
    finally:
        standin.set_quota(limit=None)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "このお知らせには30通が必要ですが、今月の残りは20通です(上限 1000通)" in page
    assert count_announcements(app) == 0


def test_nobody_to_send_to_is_refused(app, staff):
    response, _ = compose(staff)
    assert "受け取る方は、いまいません" in response.get_data(as_text=True)
    assert count_announcements(app) == 0


def test_progress_and_history_show_the_outcome_once_sent(app, staff, standin):
    ids = followers(app, 3)
    response, _ = compose(staff, text="明日は区役所の窓口が混み合います")
    detail = response.headers["Location"]
    progress = staff.get(detail + "/progress").json
    assert progress["status"] == "scheduled" and progress["audience"] == 3
    assert progress["final"] is False

    navi = app.extensions["navi"]  # what the scheduler process does every 30 s
    with navi.sessions() as db:
        (due,) = announcements.due_announcements(db, utcnow())
    announcements.send_announcement(navi.sessions, navi.gateway, due, sleep=lambda s: None)

    progress = staff.get(detail + "/progress").json
    assert progress | {"status_label": None, "summary": None, "outcome": None} == {
        "status": "sent",
        "status_label": None,
        "audience": 3,
        "delivered": 3,
        "failed": 0,
        "final": True,
        "summary": None,
        "outcome": None,
    }
    multicast = [c for c in standin.calls if c.path == "/v2/bot/message/multicast"]
    assert sorted(multicast[0].json["to"]) == ids
    history = staff.get("/admin/announcements").get_data(as_text=True)
    assert "送信済み" in history and "明日は区役所の窓口が混み合います" in history
    assert "staff@example.jp" in history
    page = staff.get(detail).get_data(as_text=True)
    assert "<progress" in page and 'value="3"' in page


def test_a_scheduled_announcement_can_be_withdrawn_before_it_goes(app, staff):
    followers(app)
    response, _ = compose(staff, when="later", send_at=local(utcnow() + dt.timedelta(hours=2)))
    detail = response.headers["Location"]
    post_form(staff, detail + "/cancel", form_page=detail)
    (announcement,) = stored_announcements(app)
    assert announcement.status == "cancelled"
    assert audited(app, "announcement.cancel")[0].actor == "staff@example.jp"


def test_every_staff_change_is_in_the_audit_log(app, staff):
    followers(app)
    post_form(staff, "/admin/classes/new", **session_form())
    with app.extensions["navi"].sessions() as db:
        session_id = db.scalar(select(ClassSession.id))
    detail = f"/admin/classes/{session_id}"
    post_form(staff, f"{detail}/edit", **session_form(capacity="3"))
    post_form(staff, f"{detail}/attendance", form_page=detail)  # nothing to mark: no entry
    post_form(staff, f"{detail}/cancel")
    compose(staff)
    with app.extensions["navi"].sessions() as db:
        actions = set(
            db.scalars(select(AuditEntry.action).where(AuditEntry.actor == "staff@example.jp"))
        )
    assert {
        "staff.login",
        "class.create",
        "class.update",
        "class.cancel",
        "announcement.create",
        "announcement.submit",
    } <= actions


def test_postback_made_by_the_bot_still_books_after_a_staff_edit(app, staff, resident):
    session_id = a_session(app)
    post_form(staff, f"/admin/classes/{session_id}/edit", **session_form(venue="徳丸ふれあい館"))
    resident.follow()
    data = Postback("reserve", {"session": str(session_id)}).pack()
    reply = resident._deliver(resident.events.postback(resident.user_id, data))
    assert "徳丸ふれあい館" in reply.text


def test_two_simultaneous_clicks_create_one_announcement(app, staff):
    """A double click sends two requests with the same cookie at once: the database decides."""
    followers(app)
    page = staff.get("/admin/announcements/new").get_data(as_text=True)
    data = {
        "text": "同時に二回押されたお知らせ",
        "topic": "all",
        "when": "now",
        "step": "send",
        "form_id": re.search(r'name="form_id" value="([^"]+)"', page).group(1),
        "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1),
    }
    cookie = staff.get_cookie("navi_session", domain="localhost").value
    clicks = []
    for _ in range(2):
        click = console_client(app)
        click.set_cookie("navi_session", cookie, domain="localhost")
        clicks.append(click)
    start = threading.Barrier(2)

    def submit(click):
        start.wait()
        return click.post("/admin/announcements/new", data=data)

    with ThreadPoolExecutor(2) as pool:
        responses = list(pool.map(submit, clicks))
    assert [r.status_code for r in responses] == [302, 302]
    assert count_announcements(app) == 1
    assert responses[0].headers["Location"] == responses[1].headers["Location"]


def test_csv_cells_that_excel_would_run_are_kept_as_text(app):
    from bot.web.admin.classes import csv_response

    with app.test_request_context("/admin/audit.csv"):
        response = csv_response("x.csv", ["名前"], [["=HYPERLINK(1)"], ["@SUM(A1)"], [12]])
        body = "".join(response.response).lstrip("\ufeff")
    assert body.splitlines() == ["名前", "'=HYPERLINK(1)", "'@SUM(A1)", "12"]


def test_a_session_without_an_end_time_can_be_called_off_on_its_day(app, staff, standin):
    """A session just begun (no end time given) may still be cancelled that day — the teacher
    did not come — and everyone booked is told; the next day it is over."""
    session_id = a_session(app)
    booked(app, session_id, "U" + "e" * 32)
    with app.extensions["navi"].sessions() as db:
        begun = db.get(ClassSession, session_id)
        begun.starts_at, begun.ends_at = utcnow() - dt.timedelta(minutes=5), None
        db.commit()
    local_start = stored(app, ClassSession, session_id).starts_at.astimezone(TZ)
    if local_start.date() != (local_start + dt.timedelta(minutes=5)).date():
        pytest.skip("run at midnight in Tokyo: the session's day has just ended")
    detail = f"/admin/classes/{session_id}"
    assert f"{detail}/cancel" in staff.get(detail).get_data(as_text=True)
    post_form(staff, f"{detail}/cancel")
    assert stored(app, ClassSession, session_id).status == "cancelled"
    assert "中止" in standin.messages_to("U" + "e" * 32)[-1]["altText"]
