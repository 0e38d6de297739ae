"""The announcement composer in several languages: the check before sending, editing what is
scheduled, and outcomes worded in the console's language — through the real forms."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from sqlalchemy import update

from bot import announcements
from bot.core.db import utcnow
from bot.core.models import Announcement, Follower
from tests.admin_helpers import console_client, csrf_from, log_in, make_user
from tests.test_admin_staff import (
    audited,
    compose,
    count_announcements,
    followers,
    local,
    review,
    stored_announcements,
)


@pytest.fixture
def staff(app):
    """A logged-in staff member's browser."""
    console = console_client(app)
    log_in(console, make_user(app, "staff"))
    return console


def speaking(app, n_ja: int, n_en: int, n_easy: int) -> list[str]:
    """Followers who chose Japanese, English and やさしい日本語 (in that order of IDs)."""
    ids = followers(app, n_ja + n_en + n_easy)
    with app.extensions["navi"].sessions() as db:
        for lang, chosen in (("en", ids[n_ja : n_ja + n_en]), ("ja_easy", ids[n_ja + n_en :])):
            db.execute(
                update(Follower).where(Follower.line_user_id.in_(chosen)).values(language=lang)
            )
        db.commit()
    return ids


def send_due(app) -> None:
    """What the scheduler process does every 30 s."""
    navi = app.extensions["navi"]
    with navi.sessions() as db:
        due = announcements.due_announcements(db, utcnow())
    for announcement_id in due:
        announcements.send_announcement(
            navi.sessions, navi.gateway, announcement_id, sleep=lambda s: None
        )


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_the_first_click_shows_people_per_language_and_the_quota_and_saves_nothing(
    app, staff, standin
):
    speaking(app, 2, 1, 1)
    standin.set_quota(limit=1000, used=100)
    try:
        checked, _ = review(staff, text="窓口のお知らせ", text_en="Counter hours")
    finally:
        standin.set_quota(limit=None)
    page = text_of(checked)
    assert checked.status_code == 200 and count_announcements(app) == 0
    assert "まだ送信していません" in page
    rows = page.split('id="readers"')[1].split("<tfoot>")[0]
    cells = [c.split(">")[-1].strip() for c in rows.split("</td>")[:-1] if "data-label" in c]
    # residents' language, how many, the text they receive (no やさしい日本語: the Japanese)
    assert cells == ["日本語", "2", "日本語", "英語", "1", "英語", "やさしい日本語", "1", "日本語"]
    assert 'id="readers-total">4<' in page and "4通" in page and "900通(上限 1000通)" in page
    assert ">窓口のお知らせ</div>" in page and ">Counter hours</div>" in page
    assert "やさしい日本語を選んだ方には日本語の本文が届きます" in page  # its empty preview


def test_going_back_from_the_check_keeps_every_text(app, staff):
    followers(app)
    _, data = review(staff, text="窓口のお知らせ", text_en="Counter hours", text_ja_easy="まどぐち")
    back = staff.post("/admin/announcements/new", data=data | {"step": "edit"})
    page = text_of(back)
    assert back.status_code == 200 and 'id="composer"' in page
    for written in ("窓口のお知らせ</textarea>", "Counter hours</textarea>", "まどぐち</textarea>"):
        assert written in page
    assert count_announcements(app) == 0


def test_sending_from_the_check_stores_every_language(app, staff):
    followers(app)
    response, _ = compose(staff, text="窓口のお知らせ", text_en="Counter hours", text_ja_easy=" ")
    assert response.status_code == 302
    (announcement,) = stored_announcements(app)
    assert announcement.text == "窓口のお知らせ"
    assert announcement.translations == {"en": "Counter hours"}  # an empty one is not stored


def test_a_scheduled_announcement_can_be_edited_until_it_goes(app, staff):
    followers(app)
    at = utcnow() + dt.timedelta(days=1)
    first, _ = compose(staff, text="明日の予定", when="later", send_at=local(at))
    detail = first.headers["Location"]
    assert "/edit" in staff.get(detail).get_data(as_text=True)  # the page offers it
    edit = detail + "/edit"
    form = text_of(staff.get(edit))
    assert "明日の予定</textarea>" in form and local(at) in form

    later = at + dt.timedelta(hours=3)
    saved, _ = compose(
        staff,
        edit,
        text="明後日の予定",
        text_en="The day after",
        when="later",
        send_at=local(later),
    )
    assert saved.status_code == 302 and saved.headers["Location"].endswith(detail)
    (announcement,) = stored_announcements(app)
    assert announcement.text == "明後日の予定" and announcement.translations == {
        "en": "The day after"
    }
    assert abs(announcement.send_at - later) < dt.timedelta(minutes=1)
    assert announcement.status == "scheduled" and count_announcements(app) == 1
    (entry,) = audited(app, "announcement.edit")
    assert entry.actor == "staff@example.jp" and entry.detail["text_en"] == "The day after"


def test_once_sending_has_started_an_edit_is_refused_with_the_reason(app, staff, standin):
    followers(app)
    first, _ = compose(staff, text="窓口のお知らせ")
    edit = first.headers["Location"] + "/edit"
    checked, data = review(staff, edit, text="書き直したお知らせ")
    assert checked.status_code == 200
    send_due(app)  # the sender starts while the check is on screen
    too_late = staff.post(edit, data=data | {"step": "send"}, follow_redirects=True)
    assert "編集できません" in text_of(too_late)
    assert stored_announcements(app)[0].text == "窓口のお知らせ"
    assert "編集できません" in text_of(staff.get(edit, follow_redirects=True))
    assert audited(app, "announcement.edit") == []


def test_the_outcome_is_worded_in_the_console_language(app, staff, standin):
    speaking(app, 2, 1, 0)
    first, _ = compose(staff, text="窓口のお知らせ", text_en="Counter hours")
    send_due(app)
    detail = first.headers["Location"]
    japanese = text_of(staff.get(detail))
    assert "3人に配信しました(日本語 2人 / 英語 1人)" in japanese
    assert "delivered to" not in japanese
    staff.post("/admin/lang", data={"lang": "en", "csrf_token": csrf_from(staff, detail)})
    english = text_of(staff.get(detail))
    assert "Delivered to 3 (Japanese 2, English 1)" in english


def test_a_withdrawn_announcement_does_not_say_it_finished_sending(app, staff):
    """Its page gives the time it was withdrawn as such, not under 「送信完了」 (sending done),
    which would tell staff it went out."""
    followers(app)
    first, _ = compose(
        staff,
        text="取り消すお知らせ",
        when="later",
        send_at=local(utcnow() + dt.timedelta(hours=2)),
    )
    detail = first.headers["Location"]
    withdrawn = staff.post(detail + "/cancel", data={"csrf_token": csrf_from(staff, detail)})
    assert withdrawn.status_code == 302
    page = text_of(staff.get(detail))
    assert "送信の予約を取り消しました" in page
    assert "送信完了" not in page
    assert "<dt>取り消した日時</dt>" in page


def test_the_list_shows_when_an_announcement_was_withdrawn_not_its_send_time(app, staff):
    """The history's 「送信日時」 column gave a withdrawn announcement's planned time, as if it
    were still to go (or had gone then); it says when it was withdrawn, and names the old
    time as the plan it was."""
    followers(app)
    planned = (utcnow() + dt.timedelta(days=2)).replace(second=0, microsecond=0)
    first, _ = compose(staff, text="取り消すお知らせ", when="later", send_at=local(planned))
    detail = first.headers["Location"]
    staff.post(detail + "/cancel", data={"csrf_token": csrf_from(staff, detail)})
    (withdrawn,) = stored_announcements(app)
    at, plan = (local(x).replace("T", " ") for x in (withdrawn.finished_at, planned))
    row = text_of(staff.get("/admin/announcements")).split("<tbody>")[1]
    assert f"取り消し {at}" in row and f"（送信予定 {plan}）" in row
    assert row.count(plan) == 1
    staff.post("/admin/lang", data={"lang": "en", "csrf_token": csrf_from(staff, detail)})
    english = text_of(staff.get("/admin/announcements")).split("<tbody>")[1]
    assert f"Withdrawn {at}" in english and f"(was to go {plan})" in english


def test_the_list_shows_when_an_announcement_was_refused_not_its_send_time(app, staff, standin):
    """One the monthly quota stopped showed only its planned time in 「送信日時」, beside the badge
    送信せず, as if it had gone then: it says when it was stopped, and the plan it was."""
    followers(app, 30)
    planned = (utcnow() + dt.timedelta(minutes=2)).replace(second=0, microsecond=0)
    compose(staff, text="上限で止まるお知らせ", when="later", send_at=local(planned))
    with app.extensions["navi"].sessions() as db:
        db.execute(update(Announcement).values(send_at=utcnow() - dt.timedelta(seconds=1)))
        db.commit()
    standin.set_quota(limit=1000, used=990)
    try:
        with pytest.raises(announcements.QuotaExceeded):
            send_due(app)
    finally:
        standin.set_quota(limit=None)
    (refused,) = stored_announcements(app)
    assert refused.status == "refused"
    at, plan = (local(x).replace("T", " ") for x in (refused.finished_at, refused.send_at))
    row = text_of(staff.get("/admin/announcements")).split("<tbody>")[1]
    assert f"送信せず {at}" in row and f"（送信予定 {plan}）" in row
    token = csrf_from(staff, "/admin/announcements")
    staff.post("/admin/lang", data={"lang": "en", "csrf_token": token})
    english = text_of(staff.get("/admin/announcements")).split("<tbody>")[1]
    assert f"Not sent {at}" in english and f"(was to go {plan})" in english


def test_the_audit_log_names_an_announcements_audience_in_words(app, staff):
    """Regression: 「対象：ward_news」, the topic's id where the console names it."""
    followers(app)
    compose(staff, text="区のお知らせ", topic="ward_news")
    admin = console_client(app)
    log_in(admin, make_user(app, "admin"))
    page = text_of(admin.get("/admin/audit"))
    assert "対象：区からのお知らせ" in page and "ward_news" not in page


def test_one_resident_is_one_person_in_english_not_one_people(app, staff):
    """The composer said "Reaches 1 people now" on the English console."""
    followers(app, 1)
    staff.post("/admin/lang", data={"lang": "en", "csrf_token": csrf_from(staff, "/admin/classes")})
    assert staff.get("/admin/announcements/audience").get_json()["label"] == "Reaches 1 person now"
    assert "Reaches 1 person now" in text_of(staff.get("/admin/announcements/new"))
    followers(app, 2)  # the same first ID and one more
    assert staff.get("/admin/announcements/audience").get_json()["label"] == "Reaches 2 people now"
