"""The demo `make run` starts (issue 16 §5, §3, §6), in Chromium: a year of history puts every
figure of the dashboard on screen at once; a target an admin changes is in the audit log in
words; and the pages hold at 390 px, with labels such as 持ち物 on one line."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import running_demo
from tests.browser.test_accessibility import LOSSES, logged_in

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}}
# Labels wrapped one character a line: every character of a short label on a line of its own.
ONE_CHARACTER_LINES = """() => {
  const found = [];
  const labels = "th, dt, legend, label, .label, .dashboard-label, .box.baseline > .t";
  for (const el of document.querySelectorAll(labels)) {
    // Skip what is there for screen readers only (a 1-px box, or inside one).
    let hidden = !el.checkVisibility();
    for (let up = el; up && !hidden; up = up.parentElement) {
      const box = up.getBoundingClientRect();
      hidden = box.width <= 2 || box.height <= 2;
    }
    if (hidden) continue;
    const text = el.textContent.trim();
    if (text.length < 2 || text.length > 12) continue;
    const range = document.createRange();
    const tops = new Set();
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.length; i++) {
        if (!node.data[i].trim()) continue;
        range.setStart(node, i); range.setEnd(node, i + 1);
        const box = range.getBoundingClientRect();
        if (box.height) tops.add(Math.round(box.top));
      }
    }
    if (tops.size >= 2 && tops.size >= text.replace(/\\s/g, "").length) found.push(text);
  }
  return found;
}"""


@pytest.fixture(scope="module")
def year_demo(tmp_path_factory):
    """The demo as `make run` starts it: a year of made-up history."""
    with running_demo(tmp_path_factory.mktemp("year"), history=True) as demo:
        yield demo


def test_the_demo_dashboard_shows_every_figure_of_a_year_at_once(year_demo, browser):
    context, page = logged_in(browser, year_demo, "manager")
    try:
        page.goto(f"{year_demo.base_url}/admin/dashboard")
        assert "デモ用の架空" in page.locator("#demo-note").inner_text()
        forecast = page.locator("#forecast").inner_text()
        assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", forecast), forecast
        for figure in ("#insight-followers", "#insight-blocks", "#insight-reachable"):
            assert re.fullmatch(r"[\d,]+", page.locator(figure).inner_text()), figure
        last_year = page.locator("#last-year").inner_text()
        assert "33,000" in last_year and "46,000" in last_year and "40.0%" in last_year
        assert "板橋区DX推進計画2025 後期実施計画" in last_year
        clicks = page.locator("#clicks-online_application").inner_text()
        assert re.search(r"オンライン申請のページが [1-9][\d,]*回開かれました", clicks), clicks
        # every chart drawn: follows, count, three plan KPIs, questions, the share answered
        # (wide layout)
        assert page.locator("svg.dashboard-wide[role=img]").count() == 7
        assert page.locator("#kpi-class progress").count() == 1  # this year's demo target
    finally:
        context.close()


def test_a_target_an_admin_changes_is_in_the_audit_log_in_words(year_demo, browser):
    context, page = logged_in(browser, year_demo, "admin")
    try:
        page.goto(f"{year_demo.base_url}/admin/targets?year=2025")
        page.get_by_label("目標（件）").fill("47000")
        page.locator("#source-online_applications").fill("改定した計画")
        with page.expect_navigation():
            page.get_by_role("button", name="目標を保存").click()
        assert "2025年度の目標を保存しました" in page.locator(".flash").inner_text()
        page.goto(f"{year_demo.base_url}/admin/audit")
        first = page.locator("table.audit tbody tr").first.inner_text()
        assert "年度目標を設定" in first
        assert "「オンライン申請の件数」の目標を 47,000 にしました（変更前 46,000）" in first
        assert "{" not in first
    finally:
        context.close()


def test_pages_hold_at_390_px_with_labels_on_one_line(year_demo, browser):
    context, page = logged_in(browser, year_demo, "admin", **PHONE)
    found = []
    try:
        for path in ("/admin/dashboard", "/admin/targets", "/admin/figures", "/admin/audit"):
            page.goto(year_demo.base_url + path)
            page.evaluate(
                "() => document.querySelectorAll('details').forEach(d => (d.open = true))"
            )
            found += [f"{path}: {loss}" for loss in page.evaluate(LOSSES)]
            found += [f"{path}: {label} wraps" for label in page.evaluate(ONE_CHARACTER_LINES)]
        # A resident books a class in the chat: the confirmation card's 持ち物 stays whole.
        page.goto(f"{year_demo.base_url}/dev/chat")
        page.get_by_role("button", name="友だち追加").click()
        page.locator(".row.bot .bubble").first.wait_for()
        page.get_by_label("メッセージ").fill("スマホ教室の予定")
        page.get_by_role("button", name="送信").click()
        page.locator(".carousel .card").first.wait_for()
        page.locator(".carousel .card").first.get_by_role("button", name="予約する").click()
        page.locator(".row.bot .card", has_text="持ち物").last.wait_for()
        found += [f"/dev/chat: {loss}" for loss in page.evaluate(LOSSES)]
        found += [f"/dev/chat: {label} wraps" for label in page.evaluate(ONE_CHARACTER_LINES)]
    finally:
        context.close()
    assert not found, "\n".join(found)
