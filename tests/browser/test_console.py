"""Staff use the console in a real browser, and residents use the chat simulator, on the demo
server: every step takes the real pages, the real webhook and the LINE stand-in."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from bot.core.models import ClassSession, Follower, Reservation
from bot.residents.followers import adopt_many

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


def the_day_comes(demo, title: str) -> None:
    """Move a session (booked days ahead) to noon today in the demo's time zone: attendance is
    recorded from the session's day on. Today there whatever the hour in UTC."""
    tz = demo.app.extensions["navi"].settings.tz
    noon = dt.datetime.combine(dt.datetime.now(tz).date(), dt.time(12), tz)
    with demo.app.extensions["navi"].sessions() as db:
        session = db.scalar(select(ClassSession).where(ClassSession.title.contains(title)))
        length = session.ends_at - session.starts_at if session.ends_at else None
        session.starts_at = noon.astimezone(dt.UTC)
        session.ends_at = session.starts_at + length if length else None
        db.commit()


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
    # Tomorrow's session: who booked is listed, and attendance waits for the day.
    expect(console.locator("#attendees")).to_contain_text("出席は当日、")
    expect(console.locator("fieldset.attendance")).to_have_count(0)
    the_day_comes(demo, "写真を送ってみよう")
    console.goto(detail_url)
    attendee = console.locator("fieldset.attendance").first
    attendee.get_by_label("出席").check()
    console.get_by_role("button", name="出欠を保存する").click()
    console.get_by_text("出欠を保存しました(変更 1件)").wait_for()
    assert console.locator("fieldset.attendance").first.get_by_label("出席").is_checked()
    with demo.app.extensions["navi"].sessions() as db:
        (reservation,) = db.scalars(select(Reservation)).all()
    assert reservation.attended is True


def an_english_follower(demo) -> str:
    """A second resident, whose LINE is set to English (as sync-followers would find them)."""
    user_id = "U" + "e" * 32
    with demo.app.extensions["navi"].sessions() as db:
        adopt_many(db, [user_id], "synced")
        db.execute(update(Follower).where(Follower.line_user_id == user_id).values(language="en"))
        db.commit()
    return user_id


def test_an_announcement_in_ja_and_en_reaches_each_resident_in_their_language_after_the_check(
    demo, page
):
    chat, console = page, page.context.new_page()
    befriend(chat, demo)
    english = an_english_follower(demo)
    log_in(console, demo, "manager")
    console.get_by_role("link", name="お知らせ配信").click()
    console.get_by_role("link", name="お知らせを作成").click()

    console.get_by_label("本文(日本語・必須)").fill("12月のスマホ教室の申し込みが始まりました。")
    console.get_by_label("英語の本文(任意)").fill("Sign-ups for December's classes are open.")
    # The preview follows the typing from a script: wait for it rather than read it at once.
    console.locator("#preview-en", has_text="Sign-ups for December's classes are open.").wait_for()
    console.get_by_label("送る相手(お知らせの種類)").select_option("smartphone_class")
    console.locator("#audience-size", has_text="いま 2人 に届きます").wait_for()
    console.get_by_role("button", name="内容を確認する").click()

    # The first click only shows the check: who reads which text, and nothing sent yet.
    console.get_by_role("heading", name="送信前の確認").wait_for()
    rows = console.locator("#readers tbody tr").all_inner_texts()
    assert [r.split() for r in rows] == [["日本語", "1", "日本語"], ["英語", "1", "英語"]]
    assert not [c for c in demo.standin.calls if c.path == "/v2/bot/message/multicast"]
    console.get_by_role("button", name="この内容で送る").click()
    console.get_by_text("送信の順番に入れました").wait_for()

    # The demo process sends due announcements every few seconds, outside the web request.
    console.locator("#progress-status", has_text="送信済み").wait_for(timeout=30_000)
    assert console.locator("#outcome").inner_text() == "2人に配信しました(日本語 1人 / 英語 1人)"
    chat.get_by_text("12月のスマホ教室の申し込みが始まりました。").wait_for(timeout=15_000)
    multicasts = [c.json for c in demo.standin.calls if c.path == "/v2/bot/message/multicast"]
    received = {m["to"][0]: m["messages"][0] for m in multicasts}
    assert sorted(m["to"] for m in multicasts) == sorted([[DEMO_RESIDENT], [english]])
    assert received[english]["text"] == "Sign-ups for December's classes are open."
    assert received[english]["quickReply"]["items"][0]["action"]["label"] == "Settings"
    assert received[DEMO_RESIDENT]["text"].startswith("12月のスマホ教室")

    console.get_by_role("link", name="お知らせの一覧へ").click()
    row = console.locator("table.history tbody tr").first
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


def test_in_the_english_console_the_japanese_announcement_is_marked_japanese(demo, page):
    """Regression: with the console in English, the Japanese text and its LINE preview were
    marked English (the page's language), so a screen reader read them with an English voice
    (WCAG 3.1.2, language of parts); the answers editor already marks each language."""
    befriend(page.context.new_page(), demo)  # someone to send it to
    log_in(page, demo, "staff")
    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", name="Classes and consultations").wait_for()
    page.goto(f"{demo.base_url}/admin/announcements/new")
    body = page.get_by_label("Text in Japanese (required)")
    body.fill("12月のスマホ教室の申し込みが始まりました。")
    easy = page.get_by_label("Text in plain Japanese (optional)")
    easy.fill("12月の スマホ教室の もうしこみが はじまりました。")
    page.get_by_label("Text in English (optional)").fill("Sign-ups are open.")
    preview = page.locator("#preview-ja", has_text="12月のスマホ教室")
    preview.wait_for()

    def language(element) -> str:
        return element.evaluate("el => el.closest('[lang]').getAttribute('lang')")

    assert language(body) == "ja" and language(easy) == "ja"
    assert language(preview) == "ja" and language(page.locator("#preview-ja_easy")) == "ja"
    assert language(page.locator("#preview-en")) == "en"
    page.get_by_label("Text in English (optional)").fill("")  # its placeholder is the console's
    page.locator("#preview-en.missing").wait_for()
    assert language(page.locator("#preview-en")) == "en"

    page.get_by_role("button", name="Check before sending").click()
    page.locator("#confirm-ja").wait_for()
    assert language(page.locator("#confirm-ja")) == "ja"
    assert language(page.locator("#confirm-ja_easy")) == "ja"
