"""The managers' dashboard and its CSV downloads, through the test client (SQLite and
PostgreSQL): who may see it, the figures it shows, and what the CSV files hold."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import select

from bot.classes import add_session
from bot.classes.reservations import reserve
from bot.core.db import utcnow
from bot.core.models import (
    ClassSession,
    Follower,
    FollowLedgerEntry,
    InsightSnapshot,
    QuestionCount,
    Reservation,
    UnansweredQuestion,
)
from bot.reports import charts, targets
from bot.reports.kpi import FiscalYear, jst_today
from bot.residents import followers
from tests.admin_helpers import console_client, csrf_from, log_in, make_user

CSV_NAMES = ("followers-by-period", "kpis", "questions-by-topic", "coverage", "unanswered")


@pytest.fixture
def console(app):
    return console_client(app)


@pytest.fixture
def manager(app, console):
    log_in(console, make_user(app, "manager"))
    return console


def add(app, *rows):
    with app.extensions["navi"].sessions() as db:
        db.add_all(rows)
        db.commit()


def known_figures(app) -> dt.datetime:
    """1,250 follows ten days ago, 17 unfollows two days ago (1,233 friends), LINE's insight,
    a class with three participants and a no-show, questions and unanswered questions."""
    now = utcnow()
    add(app, *ledger(now - dt.timedelta(days=10), 1, 1250))
    add(app, *ledger(now - dt.timedelta(days=2), -1, 17))
    add(
        app,
        InsightSnapshot(
            date=jst_today(now) - dt.timedelta(days=1),
            status="ready",
            followers=1500,
            targeted_reaches=1200,
            blocks=260,
        ),
    )
    session = ClassSession(
        kind="class",
        title="はじめてのLINE",
        venue="志村ふれあい館",
        capacity=10,
        starts_at=now - dt.timedelta(hours=3),
    )
    people = [Follower(line_user_id=f"U{n:032d}") for n in range(4)]
    add(app, session, *people)
    add(
        app,
        *[
            Reservation(session_id=session.id, follower_id=p.id, status="reserved", attended=mark)
            for p, mark in zip(people, (True, True, True, False), strict=True)
        ],
    )
    today = jst_today(now)
    add(
        app,
        QuestionCount(day=today, intent="konbini_certificate", count=7),
        QuestionCount(day=today, intent="unknown", count=2),
    )
    add(
        app,
        *[
            UnansweredQuestion(text=text, language="ja", asked_at=now - dt.timedelta(days=1))
            for text in ("粗大ごみの出し方", "粗大ごみの出し方", "=1+2")
        ],
    )
    return now


def ledger(when: dt.datetime, delta: int, times: int) -> list[FollowLedgerEntry]:
    kind = "follow" if delta > 0 else "unfollow"
    return [FollowLedgerEntry(occurred_at=when, delta=delta, kind=kind) for _ in range(times)]


def rows_of(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


# -- who may see it --------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(console):
    for path in ["/admin/dashboard", *(f"/admin/dashboard/{n}.csv" for n in CSV_NAMES)]:
        response = console.get(path)
        assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_staff_may_not_open_the_dashboard_or_any_csv(app, console):
    log_in(console, make_user(app, "staff"))
    assert console.get("/admin/dashboard").status_code == 403
    for name in CSV_NAMES:
        assert console.get(f"/admin/dashboard/{name}.csv").status_code == 403
    assert "/admin/dashboard" not in console.get("/admin/", follow_redirects=True).get_data(
        as_text=True
    )


def test_a_manager_lands_on_the_dashboard(manager):
    response = manager.get("/admin/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")


def test_an_admin_may_open_it_too(app, console):
    log_in(console, make_user(app, "admin"))
    assert console.get("/admin/dashboard").status_code == 200


# -- what it shows ---------------------------------------------------------------------------


def test_manager_sees_followers_target_gap_and_insight_side_by_side(app, manager):
    known_figures(app)
    page = manager.get("/admin/dashboard").get_data(as_text=True)
    assert 'id="followers-current">1,233<' in page
    assert "目標 33,000人 への達成率" in page and "3.7%" in page
    assert "目標まで あと 31,767人" in page
    for figure, value in [
        ("insight-followers", "1,500"),
        ("insight-reaches", "1,200"),
        ("insight-blocks", "260"),
        ("insight-reachable", "1,240"),
    ]:
        assert f'id="{figure}">{value}<' in page
    assert "目標に数える数" in page and "ブロックされても減りません" in page
    assert '<progress id="target-progress" max="33000" value="1233">' in page


def set_targets(app, **values):
    """Targets for this fiscal year, set as an admin would."""
    year = FiscalYear.of(jst_today(utcnow())).year
    with app.extensions["navi"].sessions() as db:
        for indicator, value in values.items():
            targets.set_target(
                db, indicator, year, str(value), "テスト用の計画", "admin@example.jp"
            )
        db.commit()


def test_manager_sees_this_years_class_kpis_from_attendance(app, manager):
    known_figures(app)
    set_targets(app, class_participants=200, consultation_participants=5600)
    page = manager.get("/admin/dashboard").get_data(as_text=True)
    kpi_class = page[page.index('id="kpi-class"') :][:1200]
    assert ">3<small> / 200人</small>" in kpi_class
    assert "予約 4件・不参加 1件" in kpi_class
    assert '<progress id="progress-consultation" max="5600" value="0">' in page


def test_a_cancelled_class_is_not_counted_as_held_booked_or_awaiting_attendance(app, manager):
    """Regression: staff cancelled a class two residents had booked; once its date had passed,
    the dashboard still counted it as held, its two seats as bookings and as attendance nobody
    had recorded — a to-do staff could never clear (a cancelled class has no attendance)."""
    with app.extensions["navi"].sessions() as db:
        session = add_session(
            db,
            title="はじめてのLINE",
            venue="志村ふれあい館",
            capacity=2,
            starts_at=utcnow() + dt.timedelta(days=2),
        )
        followers.adopt_many(db, ["U" + "1" * 32, "U" + "2" * 32], "synced")
        for person in db.scalars(select(Follower)):
            reserve(db, session.id, person)
        db.commit()
        session_id = session.id
    cancel_page = f"/admin/classes/{session_id}/cancel"
    form = {"csrf_token": csrf_from(manager, cancel_page)}
    assert manager.post(cancel_page, data=form).status_code == 302
    with app.extensions["navi"].sessions() as db:  # the day it was meant for has passed
        db.get(ClassSession, session_id).starts_at = utcnow() - dt.timedelta(days=1)
        db.commit()
    page = manager.get("/admin/dashboard").get_data(as_text=True)
    kpi_class = page[page.index('id="kpi-class"') : page.index('id="kpi-consultation"')]
    assert "開催 0回・予約 0件・不参加 0件・出欠未記録 0件" in kpi_class


def test_the_charts_are_inline_svg_with_a_text_summary(app, manager):
    known_figures(app)
    page = manager.get("/admin/dashboard").get_data(as_text=True)
    assert page.count('role="img"') == 14  # seven charts, each in a wide and a narrow layout
    assert "追加 1,250人、取り込み 0人、ブロック 17人、データ削除 0人、純増 +1,233人" in page
    assert "<title>" in page and "<script" not in page
    assert " style=" not in page  # the Content-Security-Policy forbids inline styles


@pytest.mark.parametrize(
    "fill",
    [*charts.FLOW_FILLS, *(charts.Fill(f"topic-{i}", c) for i, c in enumerate(charts.PALETTE))],
    ids=lambda fill: f"{fill.key}-{fill.colour}",
)
def test_every_bar_stands_out_from_the_white_chart_by_3_to_1(fill):
    # WCAG 1.4.11: the bar's colour does, or its outline does where the colour is too pale.
    assert charts.contrast_with_white(fill.edge or fill.colour) >= 3


def test_periods_switch_by_links(app, manager):
    known_figures(app)
    week = manager.get("/admin/dashboard?period=week").get_data(as_text=True)
    assert "週ごとの追加・ブロック（過去26週）" in week
    assert 'href="/admin/dashboard?period=week#flow" aria-current="page"' in week
    month = manager.get("/admin/dashboard?period=month").get_data(as_text=True)
    assert "月ごとの追加・ブロック（過去24か月）" in month
    odd = manager.get("/admin/dashboard?period=year").get_data(as_text=True)
    assert "日ごとの追加・ブロック（過去90日）" in odd


def test_a_falling_trend_says_plainly_it_will_not_reach_the_target(app, manager):
    now = utcnow()
    add(app, *ledger(now - dt.timedelta(days=120), 1, 300))
    add(app, *[e for d in range(1, 60) for e in ledger(now - dt.timedelta(days=d), -1, 1)])
    page = manager.get("/admin/dashboard").get_data(as_text=True)
    assert "このままでは目標に届きません" in page
    assert "1日あたり" in page and "純増が必要です" in page


def test_questions_by_topic_and_top_unanswered_are_listed(app, manager):
    known_figures(app)
    page = manager.get("/admin/dashboard").get_data(as_text=True)
    assert "コンビニ交付" in page and "答えられなかった質問" in page
    unanswered = page[page.index('id="unanswered"') :]
    assert "粗大ごみの出し方" in unanswered and "=1+2" in unanswered


def test_an_empty_database_shows_zeros_not_errors(manager):
    page = manager.get("/admin/dashboard").get_data(as_text=True)
    assert 'id="followers-current">0<' in page
    assert "LINEの統計はまだありません" in page
    assert "予測には14日分以上の記録が必要です" in page


def test_english_shows_english_words_and_dates(app, manager):
    now = known_figures(app)
    manager.post("/admin/lang", data={"lang": "en", "csrf_token": csrf_from(manager)})
    page = manager.get("/admin/dashboard").get_data(as_text=True)
    assert "Current followers (our ledger)" in page and "1,233" in page
    yesterday = jst_today(now) - dt.timedelta(days=1)
    assert f"LINE&#39;s statistics ({yesterday.day} {yesterday:%b} {yesterday.year})" in page


# -- the CSV files ---------------------------------------------------------------------------


def test_every_csv_is_an_attachment_in_utf8_with_a_bom(app, manager):
    known_figures(app)
    for name in CSV_NAMES:
        response = manager.get(f"/admin/dashboard/{name}.csv")
        assert response.status_code == 200
        assert response.mimetype == "text/csv"
        assert response.headers["Content-Disposition"].startswith(
            f'attachment; filename="dashboard-{name}'
        )
        assert response.data.startswith("\ufeff".encode())


def test_followers_csv_has_japanese_headers_and_a_row_per_day(app, manager):
    now = known_figures(app)
    rows = rows_of(manager.get("/admin/dashboard/followers-by-period.csv?period=day"))
    assert rows[0] == [
        "期間",
        "追加",
        "取り込み",
        "ブロック",
        "データ削除",
        "純増",
        "期末の友だち数",
    ]
    assert len(rows) == 1 + 11  # ten days ago to today
    follow_day = jst_today(now - dt.timedelta(days=10)).isoformat()
    unfollow_day = jst_today(now - dt.timedelta(days=2)).isoformat()
    assert rows[1] == [follow_day, "1250", "0", "0", "0", "1250", "1250"]
    assert [unfollow_day, "0", "0", "17", "0", "-17", "1233"] in rows
    assert rows[-1][-1] == "1233"


def test_a_friend_who_had_their_data_deleted_is_not_shown_as_a_block(app, manager):
    navi = app.extensions["navi"]
    with navi.sessions() as db:
        now_ms = int(utcnow().timestamp() * 1000)
        friends = [
            followers.record_follow(db, f"U{n:032x}", now_ms, is_unblocked=False)[0]
            for n in range(3)
        ]
        followers.delete_follower(db, friends[0])  # "delete my data", still a friend on LINE
        db.commit()
    page = manager.get("/admin/dashboard").get_data(as_text=True)
    assert "追加 3人、取り込み 0人、ブロック 0人、データ削除 1人、純増 +2人" in page
    rows = rows_of(manager.get("/admin/dashboard/followers-by-period.csv?period=day"))
    assert rows[-1][1:] == ["3", "0", "0", "1", "2", "2"]


def test_followers_csv_by_month(app, manager):
    now = known_figures(app)
    rows = rows_of(manager.get("/admin/dashboard/followers-by-period.csv?period=month"))
    assert rows[-1][0] == jst_today(now).isoformat()[:7] and rows[-1][-1] == "1233"
    assert sum(int(r[1]) for r in rows[1:]) == 1250


def test_kpis_csv_lists_every_figure_against_its_target(app, manager):
    known_figures(app)
    set_targets(app, class_participants=200)
    rows = rows_of(manager.get("/admin/dashboard/kpis.csv"))
    assert rows[0] == ["指標", "実績", "目標", "達成率（%）"]
    assert ["現在の友だち数（台帳・目標の対象）", "1233", "33000", "3.7"] in rows
    assert ["スマホ教室の参加者数", "3", "200", "1.5"] in rows
    year = FiscalYear.of(jst_today(utcnow())).year
    assert ["スマホ個別相談会の参加者数", "0", f"{year}年度の目標は未設定です", ""] in rows
    assert ["スマホ教室 不参加", "1", "", ""] in rows
    assert any(r[0].startswith("LINE 追加数 − ブロック数") and r[1] == "1240" for r in rows)


def test_questions_csv_has_a_column_per_topic(app, manager):
    known_figures(app)
    rows = rows_of(manager.get("/admin/dashboard/questions-by-topic.csv"))
    assert rows[0] == ["週", "コンビニ交付", "答えられなかった質問", "合計"]
    assert rows[-1][1:] == ["7", "2", "9"]


def test_coverage_shows_the_share_answered_each_week_as_a_chart_and_its_table(app, manager):
    known_figures(app)
    today = jst_today(utcnow())
    add(app, QuestionCount(day=today - dt.timedelta(days=7), intent="unknown", count=4))
    add(app, QuestionCount(day=today - dt.timedelta(days=7), intent="contact", count=1))
    page = manager.get("/admin/dashboard").get_data(as_text=True)
    coverage = page[page.index('id="coverage"') :][:20000]
    # 1 of 5 the week before, 7 of 9 this week: the chart's summary names both ends
    assert (
        "回答できた質問の割合の週ごとのグラフ（2週）。最初の週 20.0%、最新の週 77.8%。" in coverage
    )
    assert 'href="#table-coverage"' in coverage and "77.8%" in coverage
    rows = rows_of(manager.get("/admin/dashboard/coverage.csv"))
    assert rows[0] == ["週", "回答できた質問", "質問の数", "回答できた割合"]
    assert rows[-2][1:] == ["1", "5", "20.0"] and rows[-1][1:] == ["7", "9", "77.8"]


def test_unanswered_csv_defuses_formulas_typed_by_residents(app, manager):
    known_figures(app)
    rows = rows_of(manager.get("/admin/dashboard/unanswered.csv"))
    assert rows[0] == ["順位", "質問", "件数", "似た言い方"]
    assert rows[1][1:3] == ["粗大ごみの出し方", "2"]
    assert rows[2][1] == "'=1+2"


def test_csv_headers_follow_the_console_language(app, manager):
    known_figures(app)
    manager.post("/admin/lang", data={"lang": "en", "csrf_token": csrf_from(manager)})
    rows = rows_of(manager.get("/admin/dashboard/kpis.csv"))
    assert rows[0] == ["Indicator", "Value", "Target", "Achieved (%)"]


def test_an_unknown_table_is_404(manager):
    assert manager.get("/admin/dashboard/secrets.csv").status_code == 404
