"""Errors for the whole app: console pages get a page that says what to do next (never a stack
trace); the webhook and health keep their short plain answers."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request

bp = Blueprint("errors", __name__)


@bp.app_errorhandler(400)
@bp.app_errorhandler(403)
@bp.app_errorhandler(404)
@bp.app_errorhandler(500)
def friendly_error(error):
    """A console error as a page in the console's language; anything else as plain text."""
    from bot.web.admin.i18n import t

    code = getattr(error, "code", 500) or 500
    if not request.path.startswith("/admin"):
        return (getattr(error, "description", "error"), code)
    if "user" not in g:
        g.user = None
    return (
        render_template(
            "admin/error.html", title=t(f"error.{code}.title"), message=t(f"error.{code}.message")
        ),
        code,
    )
