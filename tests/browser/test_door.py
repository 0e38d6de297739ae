"""At the door (issue 16), in a real browser on the demo: a resident books a class in the chat
simulator, giving a name because the class asks for one, and reads the 受付番号 on the card;
on the day, a staff member on a 390-px-wide phone types that number on the reception page and
marks them as come."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_console import account, befriend, the_day_comes

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def say(chat, words: str) -> None:
    """Type a message and wait for the bot's answer to it."""
    answers = chat.locator(".row.bot").count()
    chat.get_by_label("メッセージ").fill(words)
    chat.get_by_role("button", name="送信").click()
    expect(chat.locator(".row.bot")).not_to_have_count(answers)


def test_a_resident_books_and_staff_check_them_in_by_number_on_a_phone(demo, browser, page):
    chat = page
    befriend(chat, demo)
    chat.locator("#quick .chip", has_text="スマホ教室").click()
    card = chat.locator(".carousel .card", has_text="はじめてのLINE")
    card.get_by_role("button", name="予約する").click()
    chat.get_by_text("参加する方のお名前(フルネーム)を送ってください").wait_for()
    say(chat, "板橋 花子")
    say(chat, "いたばし はなこ")
    booked = chat.locator(".row.bot .card", has_text="予約しました").last
    booked.wait_for()
    text = booked.inner_text()
    number = re.search(r"受付番号 (\d+)", text).group(1)
    assert "スマホをお持ちください" in text and "板橋 花子" in text

    the_day_comes(demo, "はじめてのLINE")  # booked days ahead; attendance opens on the day
    phone = browser.new_context(locale="ja-JP", viewport=PHONE, is_mobile=True, has_touch=True)
    staff = phone.new_page()
    try:
        email, password = account(demo, "staff")
        staff.goto(f"{demo.base_url}/admin/login")
        staff.get_by_label("メールアドレス").fill(email)
        staff.get_by_label("パスワード").fill(password)
        staff.get_by_role("button", name="ログイン").click()
        staff.get_by_role("link", name=re.compile("はじめてのLINE")).first.click()
        staff.get_by_role("link", name="当日の受付").click()

        staff.get_by_label("受付番号かお名前で探す").fill(number)
        staff.get_by_role("button", name="探す").click()
        check_in = staff.get_by_role("button", name=f"受付番号 {number} を出席にする")
        check_in.wait_for()
        # Measured once the page's stylesheet has loaded: on a busy machine the button was
        # measured unstyled (25 px) a moment before the sheet arrived.
        staff.wait_for_load_state("load")
        box = check_in.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 300  # a thumb's target, full width
        check_in.click()
        expect(staff.get_by_role("status")).to_contain_text(
            f"受付番号 {number} の方を出席にしました"
        )
        row = staff.locator(".door-list li", has_text=f"受付番号 {number}")
        expect(row).to_contain_text("出席済み")
        expect(staff.locator(".door-count")).to_contain_text("出席 1人")
        # Nothing wider than the phone: no sideways scrolling at the door.
        assert staff.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        phone.close()
