"""Staff use the console in a real browser, and residents use the chat simulator, on the demo
server: every step takes the real pages, the real webhook and the LINE stand-in."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot.core.models import Reservation

pytestmark = pytest.mark.browser

DEMO_RESIDENT = "U00000000000000000000000000de0001"


def account(demo, role: str) -> tuple[str, str]:
    """The demo console account of a role (made with a fresh password at each start)."""
    return next((e, p) for e, r, p in demo.app.extensions["demo_users"] if r == role)


def log_in(page, demo, role: str) -> None:
    email, password = account(demo, role)
    page.goto(f"{demo.base_url}/admin/login")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    page.get_by_role("button", name="ログアウト").wait_for()


def befriend(page, demo) -> None:
    """The demo resident adds the account as a friend in the simulator."""
    page.goto(f"{demo.base_url}/dev/chat")
    page.get_by_role("button", name="友だち追加").click()
    page.locator(".row.bot .bubble").first.wait_for()


def test_staff_add_a_session_a_resident_books_it_and_staff_mark_attendance(demo, page):
    console, chat = page, page.context.new_page()
    log_in(console, demo, "staff")

    console.get_by_role("link", name="教室・相談会").first.click()
    console.get_by_role("link", name="新しい回を追加").click()
    start = dt.datetime.now(demo.app.extensions["navi"].settings.tz) + dt.timedelta(days=1)
    console.get_by_label("名前").fill("スマホ教室 写真を送ってみよう")
    console.get_by_label("開始日時").fill(start.strftime("%Y-%m-%dT10:00"))
    console.get_by_label("終了時刻").fill("12:00")
    console.get_by_label("会場", exact=True).fill("志村ふれあい館")
    console.get_by_label("定員(人)").fill("8")
    console.get_by_role("button", name="追加する").click()
    console.get_by_text("回を追加しました").wait_for()
    detail_url = console.url

    befriend(chat, demo)
    chat.locator("#quick .chip", has_text="スマホ教室").click()
    card = chat.locator(".carousel .card", has_text="写真を送ってみよう")
    card.get_by_role("button", name="予約する").click()
    chat.locator(".row.bot .card", has_text="予約しました").wait_for()

    console.goto(detail_url)
    assert "1人 予約 / 定員 8人" in console.locator(".facts").inner_text()
    attendee = console.locator("fieldset.attendance").first
    attendee.get_by_label("出席").check()
    console.get_by_role("button", name="出欠を保存する").click()
    console.get_by_text("出欠を保存しました(変更 1件)").wait_for()
    assert console.locator("fieldset.attendance").first.get_by_label("出席").is_checked()
    with demo.app.extensions["navi"].sessions() as db:
        (reservation,) = db.scalars(select(Reservation)).all()
    assert reservation.attended is True


def test_staff_compose_an_announcement_see_it_sent_and_reach_the_resident(demo, page):
    befriend(page, demo)
    log_in(page, demo, "manager")
    page.get_by_role("link", name="お知らせ配信").click()
    page.get_by_role("link", name="お知らせを作成").click()

    page.get_by_label("本文").fill("12月のスマホ教室の申し込みが始まりました。")
    assert (
        page.locator("#preview-text").inner_text() == "12月のスマホ教室の申し込みが始まりました。"
    )
    page.get_by_label("送る相手(お知らせの種類)").select_option("smartphone_class")
    page.locator("#audience-size", has_text="いま 1人 に届きます").wait_for()
    page.get_by_role("button", name="お知らせを送る").click()
    page.get_by_text("送信の順番に入れました").wait_for()

    # The demo process sends due announcements every few seconds, outside the web request.
    page.locator("#progress-status", has_text="送信済み").wait_for(timeout=30_000)
    assert page.locator("#progress-bar").get_attribute("value") == "1"
    assert page.locator("#progress-summary").inner_text() == "1人中 1人に配信"
    multicasts = [c for c in demo.standin.calls if c.path == "/v2/bot/message/multicast"]
    assert [c.json["to"] for c in multicasts] == [[DEMO_RESIDENT]]
    assert multicasts[0].json["messages"][0]["text"].startswith("12月のスマホ教室")

    page.get_by_role("link", name="お知らせの一覧へ").click()
    row = page.locator("table.history tbody tr").first
    assert "送信済み" in row.inner_text() and "12月のスマホ教室" in row.inner_text()


def test_console_pages_switch_to_english_and_work_from_the_keyboard(demo, page):
    log_in(page, demo, "staff")
    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", name="Classes and consultations").wait_for()
    page.goto(f"{demo.base_url}/admin/classes/new")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.get_by_role("button", name="Add", exact=True).click()
    assert page.get_by_text("Enter a name (up to 200 characters).").is_visible()
    errors = page.locator(".field-error")
    assert errors.count() >= 3
