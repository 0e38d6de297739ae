"""The plan's KPIs per fiscal year: their targets, the monthly figures staff enter for what the
bot cannot count, the bot's own button taps, and each year's result against its target.

Targets live in `kpi_targets`, one row per indicator and fiscal year (seeded from the plan for
FY2025 by migration 0015). A year without a row has no target: the dashboard says so rather
than reusing an older year's, except that FOLLOWER_TARGET is the follower target of the current
year when none is set. Every change is audited (bot.staff.audit).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core.db import utcnow
from bot.core.models import KpiFigure, KpiTarget, LinkClick
from bot.reports import kpi
from bot.staff import audit

# Every indicator a target can be set for, in the order the console lists them, with its unit
# ("people", "percent", "count") — the console words both.
TARGETED = {
    "followers": "people",
    "consultation_participants": "people",
    "class_participants": "people",
    "konbini_share": "percent",
    "online_applications": "count",
}
# Figures staff enter per month (the bot cannot count them), and the topic whose button taps
# the bot sent toward each.
MONTHLY = {
    "konbini_count": "count",
    "konbini_share": "percent",
    "online_applications": "count",
}
TOPIC_OF = {
    "konbini_count": "konbini_certificate",
    "konbini_share": "konbini_certificate",
    "online_applications": "online_application",
}
# A share staff enter per month, and the count it is a share of issuance of: the month's
# issuance is that count ÷ the share, so a period's share is the period's count ÷ its issuance.
COUNT_OF_SHARE = {"konbini_share": "konbini_count"}
PROGRAM_OF = {"consultation_participants": "consultation", "class_participants": "class"}
MAX_VALUE = 10_000_000
MAX_SOURCE = 300


class FigureError(ValueError):
    """A target or figure cannot be saved; `problems` maps each field at fault to a code."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(", ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


def read_value(indicator: str, text: str, units: dict[str, str]) -> float | str:
    """A figure typed by a person (commas and % allowed; a share within 0–100), or the code of
    what is wrong with it."""
    cleaned = text.replace(",", "").replace("，", "").replace("%", "").strip()
    try:
        value = float(cleaned)
    except ValueError:
        return "number"
    highest = 100 if units.get(indicator) == "percent" else MAX_VALUE
    if not 0 <= value <= highest:  # NaN fails this too
        return "range"
    if units.get(indicator) in ("people", "count") and not value.is_integer():
        return "whole"  # 12.5 applications: a typo, shown as 12 and summed as 12.5
    return value


def checked(
    indicator: str,
    value_text: str,
    source: str,
    units: dict[str, str],
    problems: dict[str, str] | None = None,
) -> float:
    """The value of a target or figure, or FigureError naming every field at fault (with
    `problems` the caller found in its own fields)."""
    problems = dict(problems or {})
    if indicator not in units:
        problems["indicator"] = "unknown"
    value = read_value(indicator, value_text, units)
    if isinstance(value, str):
        problems["value"] = value
    if not source or len(source) > MAX_SOURCE:
        problems["source"] = "missing" if not source else "long"
    if problems or isinstance(value, str):
        raise FigureError(problems)
    return value


# -- targets ---------------------------------------------------------------------------------


def targets_of(db: Session, year: int) -> dict[str, KpiTarget]:
    """The targets set for a fiscal year, by indicator."""
    rows = db.scalars(select(KpiTarget).where(KpiTarget.fiscal_year == year))
    return {row.indicator: row for row in rows}


def set_target(
    db: Session, indicator: str, year: int, value_text: str, source: str, actor: str
) -> KpiTarget:
    """Set (or change) one target, audited; raises FigureError when it cannot be saved."""
    if not 2000 <= year <= 2100:
        raise FigureError({"year": "range"})
    source = source.strip()
    value = checked(indicator, value_text, source, TARGETED)
    row = targets_of(db, year).get(indicator)
    before = row.value if row else None
    if row is None:
        row = KpiTarget(indicator=indicator, fiscal_year=year, value=value, source=source)
        db.add(row)
    row.value, row.source, row.updated_by, row.updated_at = value, source, actor, utcnow()
    audit.record(
        db,
        actor,
        "target.set",
        f"target:{indicator}:{year}",
        indicator=indicator,
        fiscal_year=year,
        value=value,
        before=before,
        source=source,
    )
    return row


def target_value(
    db: Session, indicator: str, year: int, current_year: int, follower_default: int
) -> float | None:
    """The target of an indicator for a year; FOLLOWER_TARGET for followers in the current
    year when none is set; None when there is none (never an older year's)."""
    row = targets_of(db, year).get(indicator)
    if row is not None:
        return row.value
    if indicator == "followers" and year == current_year:
        return float(follower_default)
    return None


# -- monthly figures -------------------------------------------------------------------------


def set_figure(
    db: Session,
    indicator: str,
    month: dt.date | None,
    value_text: str,
    source: str,
    actor: str,
    today: dt.date | None = None,
) -> KpiFigure:
    """Record (or correct) a month's figure with its source, audited. A month is entered once
    it is over (`today` given): a running month's figure would be taken for the whole month.
    `month` None: the form's month could not be read (named with the other mistakes)."""
    source = source.strip()
    month_problem = {}
    if month is None:
        month_problem = {"month": "format"}
    elif today is not None and month.replace(day=1) > today.replace(day=1) - dt.timedelta(days=1):
        month_problem = {"month": "future"}
    value = checked(indicator, value_text, source, MONTHLY, month_problem)
    if month is None:  # refused just above, with the form's other mistakes
        raise FigureError(month_problem)
    month = month.replace(day=1)
    row = db.scalar(
        select(KpiFigure).where(KpiFigure.indicator == indicator, KpiFigure.month == month)
    )
    before = row.value if row else None
    if row is None:
        row = KpiFigure(indicator=indicator, month=month, value=value, source=source)
        db.add(row)
    row.value, row.source, row.entered_by, row.entered_at = value, source, actor, utcnow()
    audit.record(
        db,
        actor,
        "figure.set",
        f"figure:{indicator}:{month:%Y-%m}",
        indicator=indicator,
        month=f"{month:%Y-%m}",
        value=value,
        before=before,
        source=source,
    )
    return row


def figures_of(db: Session, year: kpi.FiscalYear) -> dict[str, dict[dt.date, KpiFigure]]:
    """The figures entered for a fiscal year's months: indicator → month → figure."""
    rows = db.scalars(
        select(KpiFigure).where(KpiFigure.month >= year.first, KpiFigure.month <= year.last)
    )
    found: dict[str, dict[dt.date, KpiFigure]] = {name: {} for name in MONTHLY}
    for row in rows:
        found.setdefault(row.indicator, {})[row.month] = row
    return found


def months_of(year: kpi.FiscalYear) -> list[dt.date]:
    """April to March of a fiscal year, as first days."""
    return kpi.buckets_between(year.first, year.last, "month")


def year_figure(
    indicator: str, figures: dict[str, dict[dt.date, KpiFigure]]
) -> tuple[float | None, int]:
    """A period's figure from its months, and how many months it is from. A count is the sum
    of its months. A share is the share of all issuance in the period, as the plan measures
    it (period_share), not the mean of the months' shares: a quiet month would weigh as much
    as a busy one. None without a month to go on."""
    if indicator in COUNT_OF_SHARE:
        counts = figures.get(COUNT_OF_SHARE[indicator], {})
        return period_share(counts, figures.get(indicator, {}))
    months = figures.get(indicator, {})
    values = [row.value for row in months.values()]
    return (sum(values) if values else None), len(values)


def period_share(
    counts: dict[dt.date, KpiFigure], shares: dict[dt.date, KpiFigure]
) -> tuple[float | None, int]:
    """Σ count ÷ Σ issuance, in percent, over the months that have both figures (a month's
    issuance is its count ÷ its share); and how many months those are. A month with a share
    but no count (or a share of 0, which says nothing of its issuance) cannot be weighed, so it
    is left out rather than guessed at; None when no month can be weighed."""
    weighed = [
        (counts[month].value, share.value)
        for month, share in shares.items()
        if month in counts and share.value > 0
    ]
    part = sum(count for count, _ in weighed)
    issued = sum(count * 100 / share for count, share in weighed)
    return (100 * part / issued if issued else None), len(weighed)


# -- the bot's own taps ----------------------------------------------------------------------


def record_click(db: Session, token: str, topic: str, day: dt.date) -> None:
    """Count one tap on a link: a number per day and link, nothing about who tapped."""
    row = db.get(LinkClick, (day, token))
    if row is None:
        db.add(LinkClick(day=day, token=token, topic=topic, count=1))
    else:
        row.count += 1


def clicks_by_topic(db: Session, first: dt.date, last: dt.date) -> dict[str, int]:
    """Taps per topic between two JST days (inclusive)."""
    rows = db.execute(
        select(LinkClick.topic, func.sum(LinkClick.count))
        .where(LinkClick.day >= first, LinkClick.day <= last)
        .group_by(LinkClick.topic)
    )
    return {topic: int(total) for topic, total in rows}


def clicks_by_month(db: Session, topic: str, months: list[dt.date]) -> list[int]:
    """Taps on one topic's links in each month."""
    counts = []
    for start in months:
        end = kpi.next_bucket(start, "month") - dt.timedelta(days=1)
        counts.append(clicks_by_topic(db, start, end).get(topic, 0))
    return counts


# -- a year against its targets --------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """One indicator over a fiscal year: its result so far (None: nothing to show) and its
    target (None: none set for that year)."""

    indicator: str
    unit: str
    result: float | None
    target: float | None
    baseline: float | None = None
    baseline_year: int | None = None
    source: str = ""
    # For a figure staff enter each month: how many of the year's twelve it sums (a year with
    # four months entered is not a year's result, and must not look like one).
    months: int | None = None
    # For a share: months whose share was entered without the count it needs to be weighed,
    # left out of the result (and said so).
    left_out: int = 0

    @property
    def achieved(self) -> float | None:
        """Percent of the target reached."""
        if self.result is None or not self.target:
            return None
        return 100.0 * self.result / self.target


def year_results(
    db: Session, year: kpi.FiscalYear, today: dt.date, follower_default: int
) -> list[Result]:
    """Every targeted indicator over a fiscal year against that year's target."""
    current = kpi.FiscalYear.of(today).year
    set_for_year = targets_of(db, year.year)
    end = min(year.last, today)
    programs = {p.kind: p.participants for p in kpi.program_kpis(db, year, kpi.jst_midnight(end))}
    figures = figures_of(db, year)
    results = []
    for indicator, unit in TARGETED.items():
        months: int | None = None
        left_out = 0
        if indicator == "followers":
            value: float | None = followers_on(db, end)
        elif indicator in PROGRAM_OF:
            value = programs[PROGRAM_OF[indicator]]
        else:
            value, months = year_figure(indicator, figures)
            left_out = len(figures.get(indicator, {})) - months
        row = set_for_year.get(indicator)
        results.append(
            Result(
                indicator,
                unit,
                value,
                target_value(db, indicator, year.year, current, follower_default),
                row.baseline if row else None,
                row.baseline_year if row else None,
                row.source if row else "",
                months,
                left_out,
            )
        )
    return results


def followers_on(db: Session, day: dt.date) -> int:
    """Friends at the end of a JST day (the ledger's count then)."""
    buckets = kpi.follow_buckets(db, "day", day, day)
    return buckets[-1].total if buckets else 0
