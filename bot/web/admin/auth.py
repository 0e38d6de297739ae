"""Login and logout. A new session on login (no fixation); failures slow down, then lock."""

from __future__ import annotations

from flask import g, redirect, render_template, request, session, url_for

from bot.staff import LoginLocked, log_in
from bot.web.admin import bp
from bot.web.admin.i18n import t
from bot.web.admin.security import end_sessions, safe_next, start_session


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The login form; on success, to where the user was going."""
    error = None
    if request.method == "POST":
        ip = request.remote_addr or "unknown"
        try:
            result = log_in(
                g.db, request.form.get("email", ""), request.form.get("password", ""), ip
            )
        except LoginLocked as locked:
            minutes = max(1, int(locked.retry_after.total_seconds() // 60) + 1)
            error = t("login.locked", minutes=minutes)
            return render_template("admin/login.html", error=error), 429
        g.db.commit()
        if result.user is not None:
            start_session(result.user)
            return redirect(safe_next(request.args.get("next")))
        error = t("login.failed")
        return render_template("admin/login.html", error=error), 401
    return render_template("admin/login.html", error=error)


@bp.post("/logout")
def logout():
    """End the session, and every other copy of its cookie."""
    if g.user is not None:
        end_sessions(g.user)
        g.db.commit()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect(url_for("admin.login"))
