"""Login and logout. A new session on login (no fixation); failures slow down, then lock."""

from __future__ import annotations

from flask import g, redirect, render_template, request, session, url_for

from bot.staff import LoginLocked, log_in
from bot.web.admin import bp
from bot.web.admin.i18n import t
from bot.web.admin.security import safe_next


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
            lang = session.get("lang")
            session.clear()  # a fresh session: an attacker's pre-set cookie is worthless
            session["staff_id"] = result.user.id
            if lang:
                session["lang"] = lang
            return redirect(safe_next(request.args.get("next")))
        error = t("login.failed")
        return render_template("admin/login.html", error=error), 401
    return render_template("admin/login.html", error=error)


@bp.post("/logout")
def logout():
    """End the session."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect(url_for("admin.login"))
