"""A manager opens the dashboard in a real browser: logs in through the form, reads the figures
of data we know, sees the charts, switches to English and downloads a CSV."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.core.db import utcnow
from bot.core.models import FollowLedgerEntry, InsightSnapshot
from bot.reports.kpi import jst_today

pytestmark = pytest.mark.browser


@pytest.fixture
def known(demo):
    """2,468 follows twelve days ago and 35 unfollows three days ago (2,433 friends), and
    LINE's figures for yesterday, in the demo's database."""
    now = utcnow()
    rows = [(now - dt.timedelta(days=12), 1)] * 2468 + [(now - dt.timedelta(days=3), -1)] * 35
    with demo.app.extensions["navi"].sessions() as db:
        db.add_all(
            FollowLedgerEntry(occurred_at=at, delta=d, kind="follow" if d > 0 else "unfollow")
            for at, d in rows
        )
        db.add(
            InsightSnapshot(
                date=jst_today(now) - dt.timedelta(days=1),
                status="ready",
                followers=2900,
                targeted_reaches=2100,
                blocks=410,
            )
        )
        db.commit()
    return demo


def log_in_as_manager(page, demo):
    """Log in through the real form with the demo manager's printed credentials."""
    email, _, password = next(u for u in demo.app.extensions["demo_users"] if u[1] == "manager")
    page.goto(f"{demo.base_url}/admin/login")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url("**/admin/dashboard")


def test_manager_reads_the_figures_and_sees_the_charts(known, page):
    log_in_as_manager(page, known)
    assert page.locator("#followers-current").inner_text().startswith("2,433")
    assert "あと 30,567人" in page.locator("#followers-gap").inner_text()
    assert page.locator("#insight-followers").inner_text() == "2,900"
    assert page.locator("#insight-reachable").inner_text() == "2,490"
    assert page.locator("#target-progress").get_attribute("value") == "2433"
    # On a phone the narrow layout of each chart shows, the wide one waits for a wider screen.
    flow = page.locator("#flow svg.dashboard-narrow").first
    assert flow.is_visible() and not page.locator("#flow svg.dashboard-wide").first.is_visible()
    assert "追加 2,468人" in flow.get_attribute("aria-label")
    assert flow.bounding_box()["width"] > 300


def test_wide_screen_shows_the_wide_charts(known, browser):
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        log_in_as_manager(page, known)
        assert page.locator("#flow svg.dashboard-wide").first.is_visible()
        page.get_by_role("link", name="月", exact=True).click()
        page.wait_for_url("**period=month**")
        assert "月ごとの追加・ブロック" in page.locator("#flow h3").first.inner_text()
    finally:
        context.close()


def test_manager_switches_to_english(known, page):
    log_in_as_manager(page, known)
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Followers and the target").is_visible()
    assert page.locator("#followers-current").inner_text().startswith("2,433")
    assert "30,567 to go" in page.locator("#followers-gap").inner_text()


def test_manager_downloads_a_csv(known, page):
    log_in_as_manager(page, known)
    with page.expect_download() as info:
        page.locator('#kpis a.dashboard-csv[href$="/kpis.csv"]').click()
    download = info.value
    assert download.suggested_filename.startswith("dashboard-kpis-")
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text.startswith("\ufeff指標,実績,目標,達成率（%）")
    assert "現在の友だち数（台帳・目標の対象）,2433,33000,7.4" in text
