"""Answers edited in the console, in a real browser: a staff member's change waits for a
manager, then reaches a resident in /dev/chat; an old version comes back the same way."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.core.models import AnswerVersion
from tests.browser.test_console import log_in

pytestmark = pytest.mark.browser

HOURS = "/admin/answers/konbini_certificate/hours"
QUESTION = "コンビニ交付は何時まで使えますか"
ORIGINAL = "午前6時30分〜午後11時"
NEW_TEXT = "コンビニ交付は毎日、午前6時30分から午後11時まで使えます(職員が更新しました)。"


def ask(chat, words: str) -> str:
    """The resident types a question; the text of the card the bot answers with."""
    before = chat.locator(".row.bot .card").count()
    chat.get_by_label("メッセージ").fill(words)
    chat.get_by_role("button", name="送信").click()
    chat.locator(".row.bot .card").nth(before).wait_for()
    return chat.locator(".row.bot .card").last.inner_text()


@pytest.fixture
def tabs(browser):
    """New tabs, each with cookies of its own (a person each); closed after the test."""
    contexts = []

    def open_tab():
        contexts.append(
            browser.new_context(locale="ja-JP", viewport={"width": 1100, "height": 900})
        )
        return contexts[-1].new_page()

    yield open_tab
    for context in contexts:
        context.close()


def logged_in(tabs, demo, role: str):
    """A console tab logged in as the demo's user of `role`."""
    page = tabs()
    log_in(page, demo, role)
    return page


def approve_newest(manager) -> None:
    manager.goto(manager.url)
    manager.get_by_role("button", name=re.compile("承認して公開")).first.click()
    manager.get_by_text("公開しました").wait_for()


def test_a_staff_edit_waits_for_a_manager_reaches_the_chat_and_an_old_version_returns(demo, tabs):
    staff = logged_in(tabs, demo, "staff")
    staff.get_by_role("link", name="回答", exact=True).click()
    row = staff.locator("#answer-konbini_certificate-hours")
    row.get_by_role("link", name=re.compile("編集")).click()
    staff.locator("#ja-text").fill(NEW_TEXT)
    # The LINE preview follows the typing from a script: wait for it, then read it whole.
    staff.locator("#preview-ja-text", has_text=NEW_TEXT).wait_for()
    assert staff.locator("#preview-ja-text").inner_text() == NEW_TEXT
    staff.get_by_role("button", name="承認を依頼する").click()
    staff.get_by_text("変更を受け付けました").wait_for()

    # Staff cannot publish: no button, and the request itself is refused.
    assert staff.get_by_role("button", name=re.compile("承認して公開")).count() == 0
    with demo.app.extensions["navi"].sessions() as db:
        pending = db.scalar(select(AnswerVersion.id).where(AnswerVersion.status == "pending"))
    token = staff.locator('input[name="csrf_token"]').first.get_attribute("value")
    forged = staff.request.post(
        f"{demo.base_url}/admin/answers/versions/{pending}/approve", form={"csrf_token": token}
    )
    assert forged.status == 403

    chat = tabs()
    chat.goto(f"{demo.base_url}/dev/chat")
    chat.get_by_role("button", name="友だち追加").click()
    chat.locator(".row.bot .bubble").first.wait_for()
    assert ORIGINAL in ask(chat, QUESTION)  # not published yet

    manager = logged_in(tabs, demo, "manager")
    manager.goto(demo.base_url + HOURS)
    approve_newest(manager)
    assert NEW_TEXT in ask(chat, QUESTION)

    # The repository's text (version 0) comes back as a new version, approved like any other.
    staff.goto(demo.base_url + HOURS)
    staff.locator("#version-0").get_by_role("button", name=re.compile("この版に戻す")).click()
    staff.get_by_text("新しい版として提出しました").wait_for()
    approve_newest(manager)
    answer = ask(chat, QUESTION)
    assert ORIGINAL in answer and NEW_TEXT not in answer
    assert "第2版" in manager.locator("#live-version").inner_text()
