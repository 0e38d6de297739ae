"""The dashboard's view of the plan's KPIs (issue 16 §3, §4): this fiscal year's targets and
results, last year's results against its targets, and the figures the bot cannot count —
charted month by month against the target of each month's fiscal year, with the taps on the
bot's page buttons beside them. Figures come from bot.reports.targets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from markupsafe import Markup

from bot.reports import charts, kpi, targets
from bot.web.admin.i18n import t
from bot.web.admin.tables import Formats, Table

CHART_MONTHS = 12


def follower_target(db, today: dt.date, default: int) -> int:
    """This fiscal year's follower target: the one set for it, else FOLLOWER_TARGET."""
    year = kpi.FiscalYear.of(today).year
    value = targets.target_value(db, "followers", year, year, default)
    return round(value) if value else default


def shown(result: targets.Result, value: float | None) -> int | float | None:
    """A figure as a table cell: a share stays a float (shown as %), a count is whole."""
    if value is None:
        return None
    return value if result.unit == "percent" else round(value)


def results_table(name: str, results: list[targets.Result], year: int) -> Table:
    """Each indicator's result, target and achievement; "no target set" where none is."""
    keys = ("indicator", "value", "target", "achieved", "source")
    table = Table(name, [t(f"dashboard.col.{k}") for k in keys])
    for r in results:
        target = shown(r, r.target) if r.target is not None else t("plan.no_target", year=year)
        source = r.source
        if r.baseline is not None:
            base = f"{r.baseline:g}%" if r.unit == "percent" else f"{r.baseline:,.0f}"
            source = t("plan.with_baseline", source=source, year=r.baseline_year, value=base)
        name = t(f"kpi.{r.indicator}")
        if r.left_out:  # a share entered without its count: not in the result
            name = t("plan.share_months", name=name, n=r.months)
        elif r.months is not None and 0 < r.months < 12:
            name = t("plan.months_entered", name=name, n=r.months)  # not yet a year's result
        table.rows.append([name, shown(r, r.result), target, r.achieved, source or None])
    return table


@dataclass
class Panel:
    """One staff-entered KPI on the dashboard: its chart, table and the bot's taps."""

    indicator: str
    chart: Markup
    table: Table
    clicks_this_month: int
    topic: str


def chart_months(today: dt.date) -> list[dt.date]:
    """The last twelve months, this one included (its figure comes once it is over)."""
    first = kpi.bucket_of(today, "month")
    for _ in range(CHART_MONTHS - 1):
        first = kpi.bucket_of(first - dt.timedelta(days=1), "month")
    return kpi.buckets_between(first, today, "month")


def monthly_target(db, indicator: str, month: dt.date) -> float | None:
    """The target a month is measured against: the share itself, or a year's count ÷ 12."""
    year = kpi.FiscalYear.of(month).year
    row = targets.targets_of(db, year).get(indicator)
    if row is None:
        return None
    return row.value if targets.MONTHLY[indicator] == "percent" else row.value / 12


def panels(db, today: dt.date, fmt: Formats) -> list[Panel]:
    """A chart and table for each staff-entered figure over the last twelve months."""
    months = chart_months(today)
    years = {kpi.FiscalYear.of(m).year for m in months}
    figures: dict[str, dict[dt.date, object]] = {name: {} for name in targets.MONTHLY}
    for year in sorted(years):
        for name, by_month in targets.figures_of(db, kpi.FiscalYear(year)).items():
            figures.setdefault(name, {}).update(by_month)
    made = []
    for indicator, unit in targets.MONTHLY.items():
        topic = targets.TOPIC_OF[indicator]
        taps = targets.clicks_by_month(db, topic, months)
        values = [_value(figures[indicator].get(m)) for m in months]
        goals = [monthly_target(db, indicator, m) for m in months]
        made.append(_panel(indicator, unit, topic, months, values, goals, taps, fmt))
    return made


def _value(row) -> float | None:
    return None if row is None else row.value


def _figure(value: float | None, unit: str) -> str:
    """A figure for a tooltip or sentence."""
    if value is None:
        return "—"
    return f"{value:.1f}%" if unit == "percent" else f"{round(value):,}"


def _panel(indicator, unit, topic, months, values, goals, taps, fmt: Formats) -> Panel:
    """One KPI's chart (bars against dashed targets) and its table."""
    name = t(f"kpi.{indicator}")
    tips = [
        t(
            "plan.tip",
            month=fmt.month(m),
            value=_figure(v, unit),
            target=_figure(g, unit) if g is not None else t("plan.no_target_short"),
            taps=fmt.num(n),
        )
        for m, v, g, n in zip(months, values, goals, taps, strict=True)
    ]
    entered = [v for v in values if v is not None]
    summary = t(
        "plan.chart_label",
        name=name,
        first=fmt.month(months[0]),
        last=fmt.month(months[-1]),
        months=len(entered),
        latest=_figure(entered[-1] if entered else None, unit),
    )
    labels = [fmt.axis(m, "month") for m in months]
    chart = charts.for_every_layout(charts.target_chart, labels, values, goals, tips, summary)
    keys = ("month", "value", "monthly_target", "bot_taps")
    table = Table(f"plan-{indicator}", [t(f"dashboard.col.{k}") for k in keys], period="month")
    for m, v, g, n in zip(months, values, goals, taps, strict=True):
        cell = (lambda x: x) if unit == "percent" else (lambda x: None if x is None else round(x))
        table.rows.append([m, cell(v), cell(g), n])
    table.rows.reverse()  # newest first, as the other tables on the page
    return Panel(indicator, chart, table, taps[-1], topic)
