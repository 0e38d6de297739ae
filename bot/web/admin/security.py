"""Console security: who is logged in, what their role allows, CSRF on every form.

Sessions are Flask's signed cookies (HttpOnly, SameSite=Lax, Secure outside demo mode). The user
id is re-read from the database on every request, so a deactivated user is out at once.
"""

from __future__ import annotations

import functools
import hmac
import secrets

from flask import abort, current_app, g, redirect, request, session, url_for

from bot.core.models import StaffUser
from bot.staff import role_allows
from bot.web.admin import bp

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


def init_app(app) -> None:
    """Cookie flags and the CSRF token in every template."""
    demo = app.extensions["navi"].settings.demo
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=not demo,
        SESSION_COOKIE_NAME="navi_session",
    )
    app.jinja_env.globals["csrf_token"] = csrf_token


def csrf_token() -> str:
    """This session's CSRF token (made on first use)."""
    if CSRF_FIELD not in session:
        session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return session[CSRF_FIELD]


@bp.before_request
def load_user_and_check_csrf():
    """Every console request: who is this, and is a state-changing request really from our form."""
    g.db = current_app.extensions["navi"].sessions()
    user_id = session.get("staff_id")
    g.user = g.db.get(StaffUser, user_id) if user_id else None
    if g.user is not None and not g.user.active:
        session.clear()
        g.user = None
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        sent = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER, "")
        expected = session.get(CSRF_FIELD, "")
        if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
            abort(400, description="csrf")


@bp.teardown_request
def close_db(_error=None):
    """Each request has its own database session."""
    db = g.pop("db", None)
    if db is not None:
        db.close()


def login_required(role: str = "staff"):
    """Anonymous → the login page (and back afterwards); a lower role → 403."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if g.user is None:
                return redirect(url_for("admin.login", next=request.full_path))
            if not role_allows(g.user.role, role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def safe_next(target: str | None) -> str:
    """Only redirect to our own console after login (no open redirects)."""
    if (
        target
        and target.startswith("/admin")
        and not target.startswith("//")
        and target.isprintable()  # no CR/LF (header injection), NUL or other controls
        and "\\" not in target
    ):
        return target
    return url_for("admin.home")
