"""/admin: where each role starts — managers on the dashboard, staff on their first page — and
what every console page shows around its content: the menu (`bot.web.admin.PAGES`, one ordered
list) and the outbox's banner.
"""

from __future__ import annotations

from flask import g, redirect, render_template, url_for
from sqlalchemy.exc import SQLAlchemyError

from bot.line import outbox
from bot.staff import role_allows
from bot.web.admin import PAGES, bp
from bot.web.admin.security import login_required


def visible_nav() -> list[tuple[str, str]]:
    """The pages the logged-in user may open, as (endpoint, label key)."""
    if g.get("user") is None:
        return []
    return [(endpoint, label) for endpoint, label, role in PAGES if role_allows(g.user.role, role)]


@bp.get("")
@bp.get("/")
@login_required("staff")
def home():
    """The first page of the menu this user may open."""
    pages = visible_nav()
    if pages:
        return redirect(url_for(pages[0][0]))
    return render_template("admin/home.html")


def line_backlog() -> outbox.Backlog | None:
    """What the outbox holds, for the banner of every console page (None when nobody is logged
    in): answers LINE did not take wait there, and when LINE refuses our access token or plan,
    every answer waits until someone fixes it; a log line alone was never seen."""
    if g.get("user") is None:
        return None
    try:
        return outbox.backlog(g.db)
    except SQLAlchemyError:  # an error page while the database fails: the page still shows
        return None


@bp.app_context_processor
def navigation():
    """The menu and the outbox's banner for every console template."""
    return {"nav_pages": visible_nav, "line_backlog": line_backlog}
