"""/admin: where each role starts — managers on the dashboard, staff on their first page.

The menu is `bot.web.admin.PAGES`, one ordered list.
"""

from __future__ import annotations

from flask import g, redirect, render_template, url_for

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


@bp.app_context_processor
def navigation():
    """The menu for every console template."""
    return {"nav_pages": visible_nav}
