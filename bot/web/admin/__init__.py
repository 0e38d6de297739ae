"""/admin: the staff console and the managers' dashboard (login required).

A blueprint package: security (CSRF, roles), auth (login/logout), i18n (Japanese by default,
English on request), and one module per area. Views are thin: they call the same services as
the bot and the CLI (bot.classes, bot.reservations, bot.announcements, bot.staff …).
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="../templates")


def register(app) -> None:
    """Attach the console to the app (called by the app factory)."""
    from bot.web.admin import (  # noqa: F401  (views register)
        announcements,
        auth,
        classes,
        dashboard,
        home,
        i18n,
        security,
        users,
    )

    security.init_app(app)
    i18n.init_app(app)
    app.register_blueprint(bp)
