"""Console security: who is logged in, what their role allows, CSRF on every form.

Sessions are Flask's signed cookies (HttpOnly, SameSite=Lax, Secure outside demo mode). The user
is re-read from the database on every request, with the session version the cookie was issued
under: logout, a password change and deactivation bump it, so every copy of an old cookie is
out at once. A session also ends after SESSION_IDLE_MINUTES without a request and
SESSION_MAX_HOURS after login.
"""

from __future__ import annotations

import functools
import hmac
import secrets
import time

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
    if g.user is not None and not session_alive(g.user):
        clear_session()
        g.user = None
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        sent = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER, "")
        expected = session.get(CSRF_FIELD, "")
        if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
            abort(400, description="csrf")


def clear_session() -> None:
    """Forget everything in the session but the console language the person chose."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def start_session(user: StaffUser) -> None:
    """A fresh session for a user who just logged in (an attacker's pre-set cookie is
    worthless), stamped with the user's session version and the time."""
    clear_session()
    now = int(time.time())
    session.update(staff_id=user.id, staff_version=user.session_version, since=now, seen=now)


def session_alive(user: StaffUser) -> bool:
    """Whether this cookie still speaks for the user: active, not logged out since (the version),
    used within the idle limit and younger than the absolute limit. Touches `seen`."""
    settings = current_app.extensions["navi"].settings
    now = int(time.time())
    since, seen = session.get("since", 0), session.get("seen", 0)
    alive = (
        user.active
        and session.get("staff_version") == user.session_version
        and now - seen <= settings.session_idle_minutes * 60
        and now - since <= settings.session_max_hours * 3600
    )
    if alive:
        session["seen"] = now
    return alive


def end_sessions(user: StaffUser) -> None:
    """Log the user out everywhere: every cookie of theirs stops working."""
    user.session_version += 1


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
