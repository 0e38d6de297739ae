"""From unanswered to answered, in a real browser: a question the bot could not answer is
attached to an entry by staff, an admin retrains the router, and the resident gets that entry;
a retraining that would lose held-out accuracy is refused with its figures on the page."""

from __future__ import annotations

import re

import pytest

from bot.residents.phrasings import attach_cluster
from tests.browser.test_console import befriend, log_in
from tests.test_learning import GARBAGE_BY_MISTAKE

pytestmark = pytest.mark.browser

STORES = "コンビニ交付が使えるお店"  # the title of konbini_certificate's `stores` entry
TRAINING = 240_000  # ms: a quick retraining takes 15–60 s on a busy two-core machine


def ask(chat, words: str) -> str:
    """The resident types a question in /dev/chat; the bot's answer as text."""
    answers = chat.locator(".row.bot")
    before = answers.count()
    chat.get_by_label("メッセージ").fill(words)
    chat.get_by_role("button", name="送信").click()
    answers.nth(before).wait_for()
    return answers.nth(before).inner_text()


def retrain(console, demo) -> str:
    """An admin starts a quick retraining and waits for its outcome on the page."""
    console.goto(f"{demo.base_url}/admin/router")
    console.get_by_role("button", name="再学習を始める").click()
    outcome = console.locator(".run-state").first
    outcome.filter(has_text=re.compile("公開")).wait_for(timeout=TRAINING)
    return outcome.inner_text()


def test_an_attached_cluster_is_learned_and_answers_with_its_entry(demo, page):
    console, chat = page, page.context.new_page()
    befriend(chat, demo)
    assert STORES not in ask(chat, "キオスク端末の場所")
    ask(chat, "キオスク端末の場所は？")

    log_in(console, demo, "admin")
    console.goto(f"{demo.base_url}/admin/unanswered")
    cluster = console.locator("li.cluster", has_text="キオスク端末の場所")
    cluster.get_by_label("結び付ける回答").select_option("konbini_certificate/stores")
    cluster.get_by_role("button", name="この回答に結び付ける").click()
    assert "例文に加えました" in console.locator(".flash").inner_text()
    assert "キオスク端末の場所" in console.locator("#phrasings").inner_text()

    assert "公開しました" in retrain(console, demo)
    assert STORES in ask(chat, "キオスク端末の場所")


def test_a_retraining_that_loses_accuracy_is_refused_with_its_figures(demo, page):
    with demo.app.extensions["navi"].sessions() as db:
        for cluster in GARBAGE_BY_MISTAKE:
            attach_cluster(db, cluster, "konbini_certificate", "stores", "staff@example.jp")
        db.commit()
    log_in(page, demo, "admin")
    outcome = retrain(page, demo)
    assert "公開しませんでした" in outcome
    new, live = (float(x) for x in re.findall(r"(\d+\.\d)%", outcome))
    assert live - new > 0.5
    page.reload()
    assert "同梱のモデル" in page.locator("#live-model").inner_text()  # the live model stays


def test_attaching_without_choosing_an_answer_attaches_nothing(demo, page):
    """Regression: each group's list started on its first answer (コンビニで証明書を取る), so a
    click on 「この回答に結び付ける」 without choosing taught the router that 粗大ごみ is about
    konbini certificates."""
    chat, console = page, page.context.new_page()
    befriend(chat, demo)
    ask(chat, "キオスク端末の場所は？")
    log_in(console, demo, "staff")
    console.goto(f"{demo.base_url}/admin/unanswered")
    cluster = console.locator("li.cluster", has_text="キオスク端末の場所")
    chooser = cluster.get_by_label("結び付ける回答")
    assert chooser.input_value() == ""  # nothing chosen yet, and it says so
    assert "選んでください" in chooser.locator("option:checked").inner_text()
    cluster.get_by_role("button", name="この回答に結び付ける").click()
    assert "一覧から選んでください" in console.locator(".flash").inner_text()
    assert "キオスク端末の場所" not in console.locator("#phrasings").inner_text()
