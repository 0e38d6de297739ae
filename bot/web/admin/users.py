"""/admin/users and /admin/audit (admin): console users, and the audit log with its export.

Users are made by bot.staff.create_user (the same as `python -m bot staff add`); nobody is ever
deleted — an account is deactivated, so the audit log keeps naming real people, and the user is
out at once (bot/web/admin/security.py re-reads the user on every request).
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from sqlalchemy import func, select

from bot.core.models import AuditEntry, StaffUser
from bot.staff import MIN_PASSWORD, ROLES, StaffError, create_user, set_active
from bot.web.admin import bp, found_or_404
from bot.web.admin.audit_words import describe, raw, subject_words
from bot.web.admin.classes import localtime, navi
from bot.web.admin.csvfile import csv_response
from bot.web.admin.i18n import current_lang, t, texts
from bot.web.admin.security import login_required

PAGE = 100
MAX_PAGE = 1_000_000  # 100 million audit entries: beyond that, a URL is not a real page


@bp.route("/users", methods=["GET", "POST"])
@login_required("admin")
def users():
    """Everyone who can log in, and a form to add someone."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        errors = add_user(request.form)
        if not errors:
            return redirect(url_for("admin.users"))
    people = g.db.scalars(select(StaffUser).order_by(StaffUser.active.desc(), StaffUser.email))
    return render_template(
        "admin/users.html",
        people=people.all(),
        roles=ROLES,
        errors=errors,
        form=request.form if errors else {"role": "staff"},
        min_password=MIN_PASSWORD,
    ), (400 if errors else 200)


def add_user(form) -> dict[str, str]:
    """Create the user; a message per field when it cannot be done."""
    email, role, password = (form.get(k, "") for k in ("email", "role", "password"))
    try:
        user = create_user(g.db, email, password, role, g.user.email)
    except StaffError as error:
        g.db.rollback()
        return {
            field: t(f"users.error.{code}", n=MIN_PASSWORD)
            for field, code in error.problems.items()
        }
    g.db.commit()
    flash(t("users.created", email=user.email), "ok")
    return {}


@bp.post("/users/<int:user_id>/active")
@login_required("admin")
def user_active(user_id: int):
    """Deactivate (or reactivate) a user (bot.staff.set_active)."""
    user = found_or_404(StaffUser, user_id)
    active = request.form.get("active") == "1"
    try:
        changed = set_active(g.db, user, active, g.user)
    except StaffError:
        flash(t("users.not_yourself"), "error")
        return redirect(url_for("admin.users"))
    if changed:
        g.db.commit()
        flash(t("users.activated" if active else "users.deactivated", email=user.email), "ok")
    return redirect(url_for("admin.users"))


@bp.get("/audit")
@login_required("admin")
def audit_log():
    """Who did what, newest first, a page at a time."""
    # a page number from the URL: anything odd or beyond any real log shows the nearest page
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    total = g.db.scalar(select(func.count()).select_from(AuditEntry))
    entries = g.db.scalars(
        select(AuditEntry)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .offset((page - 1) * PAGE)
        .limit(PAGE)
    ).all()
    return render_template(
        "admin/audit.html",
        entries=entries,
        page=page,
        pages=max((total + PAGE - 1) // PAGE, 1),
        total=total,
        detail=describe,
        subject=subject_words,
        action_label=action_label,
    )


@bp.get("/audit.csv")
@login_required("admin")
def audit_csv():
    """The whole audit log for a spreadsheet (UTF-8 with BOM), streamed oldest first."""
    columns = ("at", "actor", "action", "subject", "detail", "raw")
    header = [t(f"audit.col.{c}") for c in columns]

    def rows():
        # The body is sent after the request's own session has closed: it reads with its own.
        with navi().sessions() as db:
            query = select(AuditEntry).order_by(AuditEntry.at, AuditEntry.id)
            for e in db.scalars(query.execution_options(yield_per=500)):
                at = localtime(e.at, "%Y-%m-%d %H:%M:%S")
                yield [at, e.actor, e.action, e.subject, describe(e), raw(e)]

    return csv_response("audit-log.csv", header, rows())


def action_label(action: str) -> str:
    """An action in words (audit.action.<action>), or its code when it has none."""
    return texts()[current_lang()].get(f"audit.action.{action}", action)
