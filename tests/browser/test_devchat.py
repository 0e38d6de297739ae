"""A person uses the chat simulator in a real browser; every step takes the real webhook path."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_resident_chats_taps_quick_replies_and_reads_cards(demo_server, page):
    base_url, standin = demo_server
    page.goto(f"{base_url}/dev/chat")

    page.get_by_role("button", name="友だち追加").click()
    page.locator(".row.bot .bubble").first.wait_for()
    assert "データ削除" in page.locator(".log").inner_text()  # the privacy line of the welcome

    page.get_by_label("メッセージ").fill("コンビニで住民票は何時まで取れますか")
    page.get_by_role("button", name="送信").click()
    page.locator(".row.bot .card").last.wait_for()
    assert "23" in page.locator(".row.bot .card").last.inner_text()

    chips = page.locator("#quick .chip")
    assert chips.count() >= 3
    page.locator("#quick .chip", has_text="スマホ教室").click()
    page.locator(".carousel .card").first.wait_for()
    assert "ふれあい館" in page.locator(".carousel").last.inner_text()

    # What the page showed went through the stand-in, as LINE would have carried it.
    replies = [c for c in standin.calls if c.path == "/v2/bot/message/reply"]
    assert len(replies) == 3 and all(c.status == 200 for c in replies)


def test_rich_menu_area_answers_its_topic(demo_server, page):
    base_url, _ = demo_server
    page.goto(f"{base_url}/dev/chat")
    page.locator("#richmenu").get_by_role("button", name="マイナンバーカード").click()
    page.locator(".row.bot .card").last.wait_for()
    assert "マイナンバーカード" in page.locator(".row.bot .card").last.inner_text()


def test_healthz_and_chat_page_answer_200(demo_server, page):
    base_url, _ = demo_server
    assert page.goto(f"{base_url}/healthz").status == 200
    assert page.goto(f"{base_url}/dev/chat").status == 200


def test_an_announcement_appears_in_the_chat_without_the_resident_asking(demo, page):
    from bot import announcements
    from bot.residents.followers import get_or_create_follower
    from bot.web.devchat import DEMO_USER

    page.goto(f"{demo.base_url}/dev/chat")
    page.get_by_role("button", name="友だち追加").click()
    page.locator(".row.bot .bubble").first.wait_for()
    navi = demo.app.extensions["navi"]
    with navi.sessions() as db:
        get_or_create_follower(db, DEMO_USER)
        announcements.create_announcement(
            db,
            text="12月のスマホ相談会の予約を始めました。",
            topic="smartphone_class",
            created_by="test",
        )
        db.commit()
    # The demo's in-process scheduler sends it; the page shows it within a few seconds.
    page.get_by_text("12月のスマホ相談会の予約を始めました。").wait_for(timeout=15000)
