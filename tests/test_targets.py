"""Targets per fiscal year and the figures the bot cannot count (issue 16 §3, §4): what admins
and staff enter, what the dashboard shows from it, and the audit log's account of each change."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot.core.db import utcnow
from bot.core.models import AuditEntry, FollowLedgerEntry, KpiTarget, LinkClick
from bot.reports import targets
from bot.reports.kpi import FiscalYear, jst_today
from tests.admin_helpers import console_client, csrf_from, log_in, make_user

THIS_YEAR = FiscalYear.of(jst_today(utcnow())).year


def logged_in(app, role: str):
    console = console_client(app)
    log_in(console, make_user(app, role))
    return console


def post(console, path: str, form: dict):
    return console.post(path, data={**form, "csrf_token": csrf_from(console, path)})


def rows(app, model):
    with app.extensions["navi"].sessions() as db:
        return db.scalars(select(model)).all()


def test_the_plans_fy2025_targets_are_there_from_the_start_with_their_source(app):
    seeded = {r.indicator: r for r in rows(app, KpiTarget) if r.fiscal_year == 2025}
    assert {k: v.value for k, v in seeded.items()} == {
        "followers": 33000,
        "consultation_participants": 5600,
        "class_participants": 200,
        "konbini_share": 40,
        "online_applications": 46000,
    }
    assert {r.source for r in seeded.values()} == {"板橋区DX推進計画2025 後期実施計画"}
    assert (seeded["konbini_share"].baseline, seeded["konbini_share"].baseline_year) == (31.8, 2022)
    assert seeded["online_applications"].baseline == 38931


def test_an_admin_sets_a_target_and_the_audit_log_says_so_in_words(app):
    admin = logged_in(app, "admin")
    page = admin.get("/admin/targets?year=2025").get_data(as_text=True)
    assert 'value="33000"' in page and "基準値：2022年度 31.8%" in page
    form = {"value-online_applications": "47,000", "source-online_applications": "区の改定計画"}
    response = post(admin, "/admin/targets?year=2025", form)
    assert response.status_code == 302
    saved = [r for r in rows(app, KpiTarget) if r.indicator == "online_applications"]
    assert [(r.fiscal_year, r.value, r.source) for r in saved] == [(2025, 47000, "区の改定計画")]
    audit = admin.get("/admin/audit").get_data(as_text=True)
    assert (
        "2025年度の「オンライン申請の件数」の目標を 47,000 にしました（変更前 46,000）。"
        "出典：区の改定計画" in audit
    )
    assert "目標 オンライン申請の件数 2025" in audit
    assert '{"' not in audit  # no raw JSON on the page
    # only the changed target was written: one entry, not five
    assert [e.action for e in rows(app, AuditEntry)].count("target.set") == 1


def test_a_target_without_a_number_or_source_is_refused_and_nothing_changes(app):
    admin = logged_in(app, "admin")
    form = {"value-followers": "たくさん", "source-followers": ""}
    response = post(admin, f"/admin/targets?year={THIS_YEAR}", form)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "数字で入れてください" in page
    assert not [r for r in rows(app, KpiTarget) if r.fiscal_year == THIS_YEAR]
    share = {"value-konbini_share": "140", "source-konbini_share": "計画"}
    assert "0〜100の間" in post(admin, "/admin/targets", share).get_data(as_text=True)


@pytest.mark.parametrize("role", ["staff", "manager"])
def test_only_admins_change_targets(app, role):
    assert logged_in(app, role).get("/admin/targets").status_code == 403


def test_this_year_without_targets_says_so_and_followers_fall_back_to_the_setting(app):
    manager = logged_in(app, "manager")
    page = manager.get("/admin/dashboard").get_data(as_text=True)
    assert f"{THIS_YEAR}年度の目標は未設定です" in page
    assert 'max="33000"' in page  # FOLLOWER_TARGET, not last year's row reused
    with app.extensions["navi"].sessions() as db:
        targets.set_target(db, "followers", THIS_YEAR, "40000", "新しい計画", "admin@example.jp")
        db.commit()
    page = manager.get("/admin/dashboard").get_data(as_text=True)
    assert 'max="40000"' in page


def test_last_years_results_are_shown_against_last_years_targets(app):
    fy_end = dt.datetime(THIS_YEAR, 3, 31, 3, tzinfo=dt.UTC)  # JST noon on 31 March
    with app.extensions["navi"].sessions() as db:
        db.add_all(
            FollowLedgerEntry(occurred_at=fy_end, delta=1, kind="follow") for _ in range(1650)
        )
        db.add(FollowLedgerEntry(occurred_at=fy_end + dt.timedelta(days=2), delta=1, kind="follow"))
        for month in (dt.date(THIS_YEAR - 1, 4, 1), dt.date(THIS_YEAR, 3, 1)):
            targets.set_figure(db, "konbini_count", month, "3,550", "月報", "staff@example.jp")
            targets.set_figure(db, "konbini_share", month, "35.5", "月報", "staff@example.jp")
            targets.set_figure(db, "online_applications", month, "3,900", "月報", "s@example.jp")
        db.commit()
    manager = logged_in(app, "manager")
    csv = manager.get("/admin/dashboard/last-year.csv").get_data(as_text=True)
    if THIS_YEAR - 1 == 2025:  # the plan's year: its targets are seeded
        assert "LINE友だち数,1650,33000,5.0,板橋区DX推進計画2025 後期実施計画" in csv
        # two months of twelve entered: the sum so far, and said to be so
        assert "コンビニ交付の割合（12か月のうち2か月分の入力）,35.5,40.0,88.8" in csv
        assert "オンライン申請の件数（12か月のうち2か月分の入力）,7800,46000,17.0" in csv
    page = manager.get("/admin/dashboard").get_data(as_text=True)
    assert f"{THIS_YEAR - 1}年度の結果（目標に対して）" in page


def test_a_year_with_every_month_entered_is_not_marked_partial(app):
    with app.extensions["navi"].sessions() as db:
        for n in range(12):
            month = dt.date(THIS_YEAR - 1 + (n + 3) // 12, (n + 3) % 12 + 1, 1)  # April to March
            targets.set_figure(db, "online_applications", month, "4,000", "月報", "s@example.jp")
        targets.set_figure(db, "konbini_count", dt.date(THIS_YEAR - 1, 4, 1), "3,500", "月報", "s")
        targets.set_figure(db, "konbini_share", dt.date(THIS_YEAR - 1, 4, 1), "35", "月報", "s")
        db.commit()
    manager = logged_in(app, "manager")
    csv = manager.get("/admin/dashboard/last-year.csv").get_data(as_text=True)
    assert "オンライン申請の件数,48000," in csv  # all twelve: a year's result
    assert "コンビニ交付の割合（12か月のうち1か月分の入力）,35.0," in csv
    manager.post(
        "/admin/lang", data={"lang": "en", "csrf_token": csrf_from(manager, "/admin/dashboard")}
    )
    english = manager.get("/admin/dashboard").get_data(as_text=True)
    assert "(1 of 12 months entered)" in english


def konbini_months(app, *months: tuple[int, str | None, str]) -> targets.Result:
    """Last fiscal year's konbini figures, (month, count or None, share) each; its share."""
    with app.extensions["navi"].sessions() as db:
        for number, count, share in months:
            month = dt.date(THIS_YEAR - 1 + (number < 4), number, 1)
            if count is not None:
                targets.set_figure(db, "konbini_count", month, count, "月報", "s@example.jp")
            targets.set_figure(db, "konbini_share", month, share, "月報", "s@example.jp")
        db.commit()
        results = targets.year_results(db, FiscalYear(THIS_YEAR - 1), jst_today(utcnow()), 1)
    return next(r for r in results if r.indicator == "konbini_share")


def test_the_konbini_share_of_several_months_is_their_share_of_all_issuance(app):
    """The year's share was the plain mean of the months' shares: a quiet month at 10 % and a
    busy one at 60 % made 35 %, when 10,000 of the 25,000 certificates issued (40 %) came from
    convenience stores — the plan's measure, and the year's target met, not missed."""
    share = konbini_months(app, (4, "1,000", "10"), (5, "9,000", "60"))
    assert share.result == pytest.approx(40.0) and share.months == 2
    csv = logged_in(app, "manager").get("/admin/dashboard/last-year.csv").get_data(as_text=True)
    assert "コンビニ交付の割合（12か月のうち2か月分の入力）,40.0," in csv
    if THIS_YEAR - 1 == 2025:  # the plan's year: its 40 % target is seeded
        assert "コンビニ交付の割合（12か月のうち2か月分の入力）,40.0,40.0,100.0" in csv


def test_a_month_with_a_share_but_no_count_is_left_out_of_the_years_share_and_said_so(app):
    """Without the month's count its issuance is unknown: it cannot be weighed, so it is not
    guessed at (nor averaged in), and the table says which months the share is from."""
    share = konbini_months(app, (4, "1,000", "10"), (5, None, "60"))
    assert share.result == pytest.approx(10.0) and share.months == 1
    manager = logged_in(app, "manager")
    csv = manager.get("/admin/dashboard/last-year.csv").get_data(as_text=True)
    note = "件数のない月と0%の月の割合は含みません"
    assert f"コンビニ交付の割合（12か月のうち1か月分。{note}）,10.0," in csv
    manager.post(
        "/admin/lang", data={"lang": "en", "csrf_token": csrf_from(manager, "/admin/dashboard")}
    )
    english = manager.get("/admin/dashboard").get_data(as_text=True)
    note = "a month&#39;s share without its count, or of 0 %, is left out"
    assert f"(1 of 12 months; {note})" in english


def test_a_month_at_zero_percent_is_left_out_and_the_note_says_so(app):
    """A share of 0 % says nothing of the month's issuance (count ÷ share): it is left out like
    a share without its count, and the note named only that case."""
    share = konbini_months(app, (4, "1,000", "10"), (5, "0", "0"))
    assert share.result == pytest.approx(10.0) and share.months == 1
    csv = logged_in(app, "manager").get("/admin/dashboard/last-year.csv").get_data(as_text=True)
    assert "（12か月のうち1か月分。件数のない月と0%の月の割合は含みません）,10.0," in csv


def test_a_share_without_any_count_shows_no_result_rather_than_a_mean(app):
    share = konbini_months(app, (4, None, "10"), (5, None, "60"))
    assert share.result is None and share.months == 0
    csv = logged_in(app, "manager").get("/admin/dashboard/last-year.csv").get_data(as_text=True)
    note = "件数のない月と0%の月の割合は含みません"
    assert f"コンビニ交付の割合（12か月のうち0か月分。{note}）,," in csv


def test_staff_enter_a_monthly_figure_with_its_source_and_the_dashboard_charts_it(app):
    staff = logged_in(app, "staff")
    last_month = (jst_today(utcnow()).replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    form = {
        "indicator": "online_applications",
        "month": f"{last_month:%Y-%m}",
        "value": "4,120",
        "source": "電子申請システムの月次集計",
    }
    assert post(staff, "/admin/figures", form).status_code == 302
    page = staff.get("/admin/figures").get_data(as_text=True)
    if FiscalYear.of(last_month).year == THIS_YEAR:
        assert "4,120" in page and "出典：電子申請システムの月次集計" in page
    future = {**form, "month": f"{jst_today(utcnow()) + dt.timedelta(days=40):%Y-%m}"}
    refused = post(staff, "/admin/figures", future)
    assert refused.status_code == 400 and "終わった月を選んでください" in refused.get_data(
        as_text=True
    )
    with app.extensions["navi"].sessions() as db:
        db.add(LinkClick(day=jst_today(utcnow()), token="t", topic="online_application", count=7))
        db.commit()
    dashboard = logged_in(app, "manager").get("/admin/dashboard").get_data(as_text=True)
    assert "今月、ボットのボタンからオンライン申請のページが 7回開かれました。" in dashboard
    assert "案内しました" not in dashboard  # taps, not people: one resident may tap twice
    panel = dashboard[dashboard.index('id="panel-online_applications"') :]
    assert "実績 4,120" in panel  # the month's tooltip in the chart
    entries = [e for e in rows(app, AuditEntry) if e.action == "figure.set"]
    assert [e.detail["source"] for e in entries] == ["電子申請システムの月次集計"]


def test_stats_measures_followers_against_this_years_target_once_one_is_set(app, settings):
    from tests.test_followers import stats

    assert stats(settings)["target"] == 33000  # none set: FOLLOWER_TARGET
    with app.extensions["navi"].sessions() as db:
        targets.set_target(db, "followers", THIS_YEAR, "36000", "新しい計画", "admin@example.jp")
        db.commit()
    assert stats(settings)["target"] == 36000


def test_a_count_is_a_whole_number_and_a_month_is_entered_once_it_is_over(app):
    """Regression: 12.5 applications were saved (shown as 12, summed as 12.5 into the year),
    and this month's figure was taken while the month still ran, though the page asks for a
    finished month — a partial month the chart then showed as a fall against its target.
    Every mistake of the form is named at once."""
    staff = logged_in(app, "staff")
    today = jst_today(utcnow())
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    form = {"indicator": "online_applications", "month": f"{last_month:%Y-%m}", "source": "月報"}

    fraction = post(staff, "/admin/figures", {**form, "value": "12.5"})
    assert fraction.status_code == 400
    assert "整数で入れてください" in fraction.get_data(as_text=True)
    share = post(staff, "/admin/figures", {**form, "indicator": "konbini_share", "value": "37.5"})
    assert share.status_code == 302  # a share may have decimals

    running = post(staff, "/admin/figures", {**form, "month": f"{today:%Y-%m}", "value": "900"})
    assert running.status_code == 400
    assert "終わった月を選んでください" in running.get_data(as_text=True)

    everything = post(staff, "/admin/figures", {"indicator": "online_applications"})
    page = everything.get_data(as_text=True)
    assert 'id="month-error"' in page and 'id="value-error"' in page
    assert 'id="source-error"' in page
    assert [r.indicator for r in rows(app, targets.KpiFigure)] == ["konbini_share"]


def test_a_target_of_people_or_applications_is_a_whole_number(app):
    admin = logged_in(app, "admin")
    form = {"value-class_participants": "200.5", "source-class_participants": "計画"}
    refused = post(admin, f"/admin/targets?year={THIS_YEAR + 1}", form)
    assert refused.status_code == 400 and "整数で入れてください" in refused.get_data(as_text=True)
