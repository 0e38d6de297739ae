"""/r/<token>: an official-page button of a card, counted and sent on (issue 16 §4).

The tap is counted per day and link — a number, no user ID, no address, nothing logged — and
the resident goes on to the page content names for that token (bot.core.links). A token content
does not know gets a short page in Japanese and English saying what to do, with status 404:
this endpoint never sends anyone to an address it was handed.
"""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template

from bot.core.db import utcnow
from bot.reports.kpi import jst_today
from bot.reports.targets import record_click

bp = Blueprint("redirect", __name__)


@bp.get("/r/<path:token>")  # any path: /r/https://… is a 404 page too
def follow_link(token: str):
    """Count the tap, then go to the official page."""
    navi = current_app.extensions["navi"]
    link = navi.links.find(token)
    if link is None:
        content = navi.content
        words = {
            lang: (content.ui("link_missing_title", lang), content.ui("link_missing_text", lang))
            for lang in ("ja", "en")
        }
        return render_template("link_missing.html", words=words), 404
    with navi.sessions() as db:
        record_click(db, link.token, link.topic, jst_today(utcnow()))
        db.commit()
    response = redirect(link.url, code=302)
    response.headers["Cache-Control"] = "no-store"  # every tap reaches us to be counted
    return response
