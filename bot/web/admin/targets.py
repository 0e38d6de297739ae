"""/admin/targets (admin) and /admin/figures (staff): the plan's KPIs per fiscal year.

Admins set each KPI's target for a fiscal year, with where it comes from; staff enter the
monthly figures the bot cannot count (konbini issuance, online applications), with where each
came from. Both go through bot.reports.targets, which audits every change; the dashboard shows
them against each other.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app, flash, g, redirect, render_template, request, url_for

from bot.core.db import utcnow
from bot.reports import kpi, targets
from bot.web.admin import bp
from bot.web.admin.i18n import t
from bot.web.admin.security import login_required

FIRST_YEAR, YEARS_AHEAD = 2020, 5


def chosen_year(today: dt.date) -> int:
    """?year= within the years the page offers; this fiscal year otherwise."""
    current = kpi.FiscalYear.of(today).year
    year = request.args.get("year", current, type=int)
    return year if FIRST_YEAR <= year <= current + YEARS_AHEAD else current


def errors_in_words(problems: dict[str, str]) -> dict[str, str]:
    """Each field's problem as a sentence saying what to do."""
    return {field: t(f"targets.error.{field}.{code}") for field, code in problems.items()}


@bp.route("/targets", methods=["GET", "POST"])
@login_required("admin")
def targets_page():
    """This (or a chosen) fiscal year's targets, and a form to change them."""
    today = kpi.jst_today(utcnow())
    year = chosen_year(today)
    errors: dict[str, dict[str, str]] = {}
    if request.method == "POST":
        errors = save_targets(year)
        if not errors:
            flash(t("targets.saved", year=year), "ok")
            return redirect(url_for("admin.targets_page", year=year))
    current = kpi.FiscalYear.of(today).year
    return render_template(
        "admin/targets.html",
        year=year,
        years=list(range(FIRST_YEAR, current + YEARS_AHEAD + 1)),
        current_year=current,
        rows=targets.targets_of(g.db, year),
        indicators=targets.TARGETED,
        errors=errors,
        form=request.form if errors else None,
        number_text=number_text,
        follower_default=current_app.extensions["navi"].settings.follower_target,
    ), (400 if errors else 200)


def save_targets(year: int) -> dict[str, dict[str, str]]:
    """Save every target whose value or source was changed; the problems per indicator."""
    existing = targets.targets_of(g.db, year)
    errors: dict[str, dict[str, str]] = {}
    for indicator in targets.TARGETED:
        if f"value-{indicator}" not in request.form:
            continue  # not on the form that was sent
        value = request.form.get(f"value-{indicator}", "").strip()
        source = request.form.get(f"source-{indicator}", "").strip()
        row = existing.get(indicator)
        if not value and row is None:
            continue  # no target for this indicator, and none asked for
        if row is not None and value == number_text(row.value) and source == row.source:
            continue  # unchanged: no audit entry for a field nobody touched
        try:
            targets.set_target(g.db, indicator, year, value, source, g.user.email)
        except targets.FigureError as problem:
            errors[indicator] = errors_in_words(problem.problems)
    if errors:
        g.db.rollback()
    else:
        g.db.commit()
    return errors


def number_text(value: float) -> str:
    """A stored figure as the form shows it: 33000, 40, 31.8."""
    return f"{value:.0f}" if value == int(value) else f"{value:g}"


@bp.route("/figures", methods=["GET", "POST"])
@login_required("staff")
def figures_page():
    """The monthly figures of a fiscal year, and a form to enter one."""
    today = kpi.jst_today(utcnow())
    year = chosen_year(today)
    errors: dict[str, str] = {}
    if request.method == "POST":
        errors = save_figure()
        if not errors:
            flash(t("figures.saved"), "ok")
            return redirect(url_for("admin.figures_page", year=year))
    fiscal = kpi.FiscalYear(year)
    last_month = kpi.bucket_of(today, "month") - dt.timedelta(days=1)
    return render_template(
        "admin/figures.html",
        year=year,
        years=list(range(FIRST_YEAR, kpi.FiscalYear.of(today).year + 1)),
        months=targets.months_of(fiscal),
        figures=targets.figures_of(g.db, fiscal),
        indicators=targets.MONTHLY,
        errors=errors,
        form=request.form if errors else {"month": f"{last_month:%Y-%m}"},
        number_text=number_text,
    ), (400 if errors else 200)


def save_figure() -> dict[str, str]:
    """Save the form's figure; the problems per field when it cannot be saved."""
    form = request.form
    month: dt.date | None
    try:
        month = dt.datetime.strptime(form.get("month", ""), "%Y-%m").date()
    except ValueError:
        month = None
    try:
        targets.set_figure(
            g.db,
            form.get("indicator", ""),
            month,
            form.get("value", ""),
            form.get("source", ""),
            g.user.email,
            today=kpi.jst_today(utcnow()),
        )
    except targets.FigureError as problem:
        g.db.rollback()
        return errors_in_words(problem.problems)
    g.db.commit()
    return {}
