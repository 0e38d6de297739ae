"""/admin: the staff console and the managers' dashboard (login required).

A blueprint package: security (CSRF, roles), auth (login/logout), i18n (Japanese by default,
English on request), and one module per area. Views are thin: they call the same services as
the bot and the CLI (bot.classes, bot.announcements, bot.staff, bot.reports …).
"""

from __future__ import annotations

from typing import Any, TypeVar

from flask import Blueprint, abort, g

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="../templates")

# A name in a console address (a topic, an answer's key…) is short, printable text: anything
# else names nothing, and PostgreSQL refuses NUL outright, so it is "not found" before a view
# queries with it.
LONGEST_NAME_IN_A_PATH = 200


@bp.url_value_preprocessor
def refuse_odd_names(_endpoint: str | None, values: dict | None) -> None:
    for value in (values or {}).values():
        if isinstance(value, str) and (
            len(value) > LONGEST_NAME_IN_A_PATH or not value.isprintable()
        ):
            abort(404)


Row = TypeVar("Row")


def found_or_404(model: type[Row], key: int, **options: Any) -> Row:
    """The row of `model` with this primary key, or 404 (options go to Session.get)."""
    row = g.db.get(model, key, **options)
    if row is None:
        abort(404)
    return row


# The console's menu, in order: (endpoint, label key, role needed). Managers land on the first
# page they may open, staff on theirs.
PAGES: list[tuple[str, str, str]] = [
    ("admin.dashboard", "dashboard.nav", "manager"),
    ("admin.classes_list", "classes.nav", "staff"),
    ("admin.announcements_list", "announcements.nav", "staff"),
    ("admin.answers_list", "answers.nav", "staff"),
    ("admin.unanswered", "unanswered.nav", "staff"),
    ("admin.router", "router.nav", "admin"),
    ("admin.figures_page", "figures.nav", "staff"),
    ("admin.targets_page", "targets.nav", "admin"),
    ("admin.users", "users.nav", "admin"),
    ("admin.audit_log", "audit.nav", "admin"),
]


def register(app) -> None:
    """Attach the console to the app (called by the app factory): its view modules, listed
    here, add their routes to `bp`; a page in PAGES whose view is missing fails at start."""
    from bot.web.admin import (  # noqa: F401  (views register on bp)
        announcements,
        answers,
        auth,
        classes,
        dashboard,
        door,
        home,
        i18n,
        learning,
        security,
        targets,
        users,
    )

    security.init_app(app)
    i18n.init_app(app)
    app.register_blueprint(bp)
    missing = [e for e, _, _ in PAGES if e not in app.view_functions]
    if missing:
        raise RuntimeError(f"console pages without a view: {missing}")
