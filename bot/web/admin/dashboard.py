"""/admin/dashboard: the first page a manager sees (issue 5 §2), and its tables as CSV.

Followers against FOLLOWER_TARGET (our ledger, with LINE's insight beside it), the forecast, a
chart of follows and unfollows by day, week or month (`?period=`, links, no script), this fiscal
year's class and consultation KPIs, questions by topic, and the questions the bot could not
answer. Every figure comes from bot.reports.kpi; every table is a `Table`, drawn as HTML here and
downloaded from /admin/dashboard/<name>.csv (UTF-8 with BOM, so Excel reads the Japanese).
"""

from __future__ import annotations

import datetime as dt

from flask import abort, current_app, g, render_template, request
from sqlalchemy import func, select

from bot.answers.freshness import due_answers
from bot.conversation.safety import CATEGORIES as SAFETY_CATEGORIES
from bot.core.catalogue import load_topics
from bot.core.db import utcnow
from bot.core.models import SafetyCount
from bot.reports import charts, kpi, targets
from bot.web.admin import bp, plan
from bot.web.admin.csvfile import csv_response
from bot.web.admin.i18n import current_lang, t
from bot.web.admin.security import login_required
from bot.web.admin.tables import Formats, Table, percent

WINDOWS = {"day": 90, "week": 26, "month": 24}  # buckets on the page (CSV: all history)
QUESTION_WEEKS = 12
TOP_UNANSWERED = 10


# -- the figures -----------------------------------------------------------------------------


def window_start(today: dt.date, period: str) -> dt.date:
    """The first day of the page's window for a period."""
    size = WINDOWS[period]
    if period == "day":
        return today - dt.timedelta(days=size - 1)
    if period == "week":
        return kpi.bucket_of(today, "week") - dt.timedelta(weeks=size - 1)
    months = today.year * 12 + today.month - 1 - (size - 1)
    return dt.date(months // 12, months % 12 + 1, 1)


def followers_table(buckets: list[kpi.FollowBucket], period: str) -> Table:
    """Follows, adoptions, unfollows, erasures, net and the count at the end, per bucket."""
    keys = ("period_start", "follows", "adopted", "unfollows", "erased", "net", "total_end")
    table = Table("followers-by-period", [t(f"dashboard.col.{k}") for k in keys], period=period)
    table.rows = [
        [b.start, b.follows, b.adopted, b.unfollows, b.erased, b.net, b.total] for b in buckets
    ]
    return table


def kpis_table(db, now: dt.datetime, target: int) -> Table:
    """Every figure against its target, in one list (the page's KPI table and kpis.csv):
    friends now, LINE's insight, this fiscal year's indicators (a target only where one is set
    for this year) and the sessions behind the participant counts."""
    keys = ("indicator", "value", "target", "achieved")
    table = Table("kpis", [t(f"dashboard.col.{k}") for k in keys])
    current = kpi.current_followers(db)
    table.rows.append([t("dashboard.kpi.followers"), current, target, percent(current, target)])
    insight = kpi.latest_insight(db)
    if insight is not None:
        when = Formats(current_lang()).date(insight.date)
        for key, value in (
            ("insight_followers", insight.followers),
            ("insight_reaches", insight.targeted_reaches),
            ("insight_blocks", insight.blocks),
            ("insight_reachable", insight.reachable),
        ):
            table.rows.append([t(f"dashboard.kpi.{key}", date=when), value, None, None])
    today = kpi.jst_today(now)
    year = kpi.FiscalYear.of(today)
    results = [
        r for r in targets.year_results(db, year, today, target) if r.indicator != "followers"
    ]
    table.rows += [row[:4] for row in plan.results_table("kpis", results, year.year).rows]
    for p in kpi.program_kpis(db, year, now):
        kind = t(f"dashboard.kind.{p.kind}")
        rows = [
            ("sessions", p.sessions),
            ("reservations", p.reservations),
            ("no_shows", p.no_shows),
            ("unmarked", p.unmarked),
        ]
        table.rows += [[t(f"dashboard.kpi.{k}", kind=kind), n, None, None] for k, n in rows]
    return table


def questions_table(topics: kpi.TopicWeeks) -> tuple[Table, list[str]]:
    """Questions per topic per week; also the intents shown, in legend order."""
    catalogue = load_topics()
    intents = [i for i in catalogue.answered if i in topics.counts]
    intents += sorted(set(topics.counts) - set(catalogue.answered))
    headers = [t("dashboard.col.week"), *map(intent_name, intents), t("dashboard.col.total")]
    table = Table("questions-by-topic", headers, period="week")
    for i, week in enumerate(topics.weeks):
        table.rows.append([week, *(topics.counts[n][i] for n in intents), topics.total(i)])
    return table, intents


def coverage_table(weeks: kpi.TopicWeeks) -> Table:
    """Per week: questions answered (any intent but `unknown`), all questions, and the share
    (None in a week without questions)."""
    keys = ("week", "answered", "questions", "coverage")
    table = Table("coverage", [t(f"dashboard.col.{k}") for k in keys], period="week")
    unknown = weeks.counts.get("unknown", [0] * len(weeks.weeks))
    for i, week in enumerate(weeks.weeks):
        total = weeks.total(i)
        answered = total - unknown[i]
        table.rows.append([week, answered, total, percent(answered, total) if total else None])
    return table


def safety_table(answers: kpi.TopicWeeks) -> Table:
    """Safety answers per category per week: every category always, so a quiet week shows 0."""
    headers = [
        t("dashboard.col.week"),
        *(t(f"dashboard.safety.{c}") for c in SAFETY_CATEGORIES),
        t("dashboard.col.total"),
    ]
    table = Table("safety-answers", headers, period="week")
    for i, week in enumerate(answers.weeks):
        counts = [answers.counts.get(c, [0] * len(answers.weeks))[i] for c in SAFETY_CATEGORIES]
        table.rows.append([week, *counts, answers.total(i)])
    return table


def intent_name(intent: str) -> str:
    """A topic's name for people: the console's own word for it, else the topic's menu label
    in the console's language, else its id."""
    key = f"dashboard.intent.{intent}"
    name = t(key)
    if name != key:
        return name
    try:
        return current_app.extensions["navi"].content.topic_label(intent, current_lang())
    except KeyError:
        return intent


def unanswered_table(groups, limit: int | None) -> Table:
    """The most asked unanswered questions (all of them when `limit` is None)."""
    keys = ("rank", "question", "count", "variants")
    table = Table("unanswered", [t(f"dashboard.col.{k}") for k in keys])
    for rank, group in enumerate(groups[:limit], start=1):
        table.rows.append([rank, group.example, group.count, " / ".join(group.variants[:5])])
    return table


def db_and_today():
    """This request's database session, the time, and today's JST date."""
    now = utcnow()
    return g.db, now, kpi.jst_today(now)


def navi_settings():
    """The running app's settings."""
    return current_app.extensions["navi"].settings


def fmt_now() -> Formats:
    """Formats in the console's language."""
    return Formats(current_lang())


def chosen_period() -> str:
    """?period=day|week|month (day when missing or unknown)."""
    period = request.args.get("period", "day")
    return period if period in kpi.PERIODS else "day"


# -- the page --------------------------------------------------------------------------------


def follows_charts(buckets: list[kpi.FollowBucket], period: str, fmt: Formats):
    """The follows/unfollows chart and the follower-count chart of the window."""
    first, last = fmt.bucket(buckets[0].start, period), fmt.bucket(buckets[-1].start, period)
    tips = [
        t(
            "dashboard.chart.flow_tip",
            when=fmt.bucket(b.start, period),
            follows=fmt.num(b.follows),
            adopted=fmt.num(b.adopted),
            unfollows=fmt.num(b.unfollows),
            erased=fmt.num(b.erased),
            net=f"{b.net:+,}",
        )
        for b in buckets
    ]
    columns = [
        charts.Flow(fmt.axis(b.start, period), b.follows, b.adopted, b.unfollows, b.erased, tip)
        for b, tip in zip(buckets, tips, strict=True)
    ]
    summary = t(
        f"dashboard.chart.flow_label.{period}",
        first=first,
        last=last,
        follows=fmt.num(sum(b.follows for b in buckets)),
        adopted=fmt.num(sum(b.adopted for b in buckets)),
        unfollows=fmt.num(sum(b.unfollows for b in buckets)),
        erased=fmt.num(sum(b.erased for b in buckets)),
        net=f"{sum(b.net for b in buckets):+,}",
    )
    count_tips = [
        t("dashboard.chart.count_tip", when=fmt.bucket(b.start, period), total=fmt.num(b.total))
        for b in buckets
    ]
    count_summary = t(
        "dashboard.chart.count_label",
        first=first,
        last=last,
        start=fmt.num(buckets[0].total),
        end=fmt.num(buckets[-1].total),
    )
    flow = charts.for_every_layout(charts.flow_chart, columns, summary)
    labels = [fmt.axis(b.start, period) for b in buckets]
    totals = [b.total for b in buckets]
    count = charts.for_every_layout(charts.line_chart, labels, totals, count_tips, count_summary)
    return flow, count


def questions_chart(table: Table, intents: list[str], fmt: Formats):
    """The stacked weekly chart of questions by topic, and its legend."""
    catalogue = load_topics()
    textures = charts.TEXTURES
    series = [
        charts.Series(
            intent_name(n),
            charts.Fill(f"topic-{i}", catalogue.colour(n), textures[i % len(textures)]),
            [row[1 + i] for row in table.rows],
        )
        for i, n in enumerate(intents)
    ]
    tips = [
        t("dashboard.chart.questions_tip", week=fmt.bucket(row[0], "week"), total=fmt.num(row[-1]))
        + "".join(f"\n{s.name}: {fmt.num(s.values[j])}" for s in series if s.values[j])
        for j, row in enumerate(table.rows)
    ]
    summary = t(
        "dashboard.chart.questions_label",
        weeks=len(table.rows),
        total=fmt.num(sum(row[-1] for row in table.rows)),
        top=max(series, key=lambda s: sum(s.values)).name if series else "—",
    )
    labels = [fmt.axis(row[0], "week") for row in table.rows]
    legend = [(charts.swatch(s.fill), s.name) for s in series]
    chart = charts.for_every_layout(charts.stacked_chart, labels, series, tips, summary)
    return chart, legend, [s.fill for s in series]


def coverage_chart(table: Table, fmt: Formats):
    """The weekly share answered as a line (weeks without questions left out), or None."""
    rows = [row for row in table.rows if row[3] is not None]
    if not rows:
        return None
    tips = [
        t(
            "dashboard.chart.coverage_tip",
            week=fmt.bucket(row[0], "week"),
            share=f"{row[3]:.1f}%",
            answered=fmt.num(row[1]),
            total=fmt.num(row[2]),
        )
        for row in rows
    ]
    summary = t(
        "dashboard.chart.coverage_label",
        weeks=len(rows),
        first=f"{rows[0][3]:.1f}%",
        last=f"{rows[-1][3]:.1f}%",
    )
    labels = [fmt.axis(row[0], "week") for row in rows]
    values = [round(row[3], 1) for row in rows]
    return charts.for_every_layout(charts.line_chart, labels, values, tips, summary)


def page_context(db, now, today, period, target, fmt: Formats) -> dict:
    """Everything the dashboard template shows."""
    # The window, or less when the ledger is younger than it (no run of empty bars).
    first = min(max(window_start(today, period), kpi.first_follow_day(db) or today), today)
    buckets = kpi.follow_buckets(db, period, first, today)
    flow, count = follows_charts(buckets, period, fmt)
    followers = followers_table(buckets, period)
    followers.rows.reverse()  # newest first on the page; the CSV reads oldest first
    year = kpi.FiscalYear.of(today)
    weeks = kpi.questions_by_week(db, today - dt.timedelta(weeks=QUESTION_WEEKS - 1), today)
    topics, intents = questions_table(weeks)
    coverage = coverage_table(weeks)
    questions, legend, question_fills = questions_chart(topics, intents, fmt)
    forecast = kpi.follower_forecast(db, today, target)
    results = targets.year_results(db, year, today, target)
    last_year = kpi.FiscalYear(year.year - 1)
    program_targets = {
        targets.PROGRAM_OF[r.indicator]: round(r.target) if r.target is not None else None
        for r in results
        if r.indicator in targets.PROGRAM_OF
    }
    month_start = kpi.bucket_of(today, "month")
    return {
        "fmt": fmt,
        "today": today,
        "period": period,
        "periods": kpi.PERIODS,
        "year": year,
        "forecast": forecast,
        "insight": kpi.latest_insight(db),
        "chart_textures": charts.textures([*charts.FLOW_FILLS, *question_fills]),
        "flow_chart": flow,
        "flow_legend": [
            *((charts.swatch(fill), t(f"dashboard.col.{fill.key}")) for fill in charts.FLOW_FILLS),
            (charts.line_swatch(charts.NET), t("dashboard.col.net")),
        ],
        "count_chart": count,
        "followers": followers,
        "programs": kpi.program_kpis(db, year, now, program_targets),
        "this_year": plan.results_table("this-year", results, year.year),
        "last_year": last_year,
        "last_year_results": plan.results_table(
            "last-year", targets.year_results(db, last_year, today, target), last_year.year
        ),
        "plan_panels": plan.panels(db, today, fmt),
        "figure_swatch": charts.swatch(charts.FIGURE_FILL),
        "target_swatch": charts.dashed_swatch(charts.TARGET),
        "clicks_this_month": targets.clicks_by_topic(db, month_start, today),
        "kpis": kpis_table(db, now, target),
        "questions_chart": questions,
        "questions_legend": legend,
        "questions": topics,
        "coverage_chart": coverage_chart(coverage, fmt),
        "coverage": coverage,
        "unanswered": unanswered_table(kpi.top_unanswered(db, now), TOP_UNANSWERED),
        "safety": safety_table(
            kpi.safety_answers_by_week(db, today - dt.timedelta(weeks=QUESTION_WEEKS - 1), today)
        ),
    }


# -- views -----------------------------------------------------------------------------------


@bp.get("/dashboard")
@login_required("manager")
def dashboard():
    """The managers' dashboard."""
    db, now, today = db_and_today()
    target = plan.follower_target(db, today, navi_settings().follower_target)
    context = page_context(db, now, today, chosen_period(), target, Formats(current_lang()))
    navi = current_app.extensions["navi"]
    due = due_answers(navi.content, today, navi.settings.recheck_after_days)
    return render_template("admin/dashboard.html", answers_due=len(due), **context)


@bp.get("/dashboard/<name>.csv")
@login_required("manager")
def dashboard_csv(name: str):
    """One of the dashboard's tables as CSV (all of its history, not only the page's window)."""
    db, now, today = db_and_today()
    target = plan.follower_target(db, today, navi_settings().follower_target)
    if name == "followers-by-period":
        period = chosen_period()
        first = kpi.first_follow_day(db) or today
        table = followers_table(kpi.follow_buckets(db, period, first, today), period)
    elif name == "kpis":
        table = kpis_table(db, now, target)
    elif name in ("this-year", "last-year"):
        year = kpi.FiscalYear.of(today)
        year = kpi.FiscalYear(year.year - 1) if name == "last-year" else year
        table = plan.results_table(name, targets.year_results(db, year, today, target), year.year)
    elif name.startswith("plan-") and name.removeprefix("plan-") in targets.MONTHLY:
        # only the name its link gives: "konbini_count.csv" found no table here (a 500)
        panels = plan.panels(db, today, fmt_now())
        table = next(p.table for p in panels if p.table.name == name)
    elif name == "questions-by-topic":
        first = kpi.first_question_day(db) or today
        table, _ = questions_table(kpi.questions_by_week(db, first, today))
    elif name == "coverage":
        first = kpi.first_question_day(db) or today
        table = coverage_table(kpi.questions_by_week(db, first, today))
    elif name == "unanswered":
        table = unanswered_table(kpi.top_unanswered(db, now), None)
    elif name == "safety-answers":
        first = db.scalar(select(func.min(SafetyCount.day))) or today
        table = safety_table(kpi.safety_answers_by_week(db, first, today))
    else:
        abort(404)
    suffix = f"-{table.period}" if table.name == "followers-by-period" else ""
    filename = f"dashboard-{table.name}{suffix}-{today:%Y%m%d}.csv"
    rows = ([table.csv_cell(v) for v in row] for row in table.rows)
    return csv_response(filename, table.headers, rows)
