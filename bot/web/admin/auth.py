"""Login and logout. A new session on login (no fixation); failures slow an account down (a
device that logged in before is not slowed by others' failures)."""

from __future__ import annotations

from flask import (
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from itsdangerous import BadSignature, URLSafeTimedSerializer

from bot.staff import MIN_PASSWORD, LoginLocked, StaffError, change_password, log_in
from bot.web.admin import bp
from bot.web.admin.i18n import t
from bot.web.admin.security import (
    clear_session,
    end_sessions,
    login_required,
    safe_next,
    start_session,
)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The login form; on success, to where the user was going."""
    error = None
    email = request.form.get("email", "").strip()  # shown again after a failure
    if request.method == "POST":
        ip = request.remote_addr or "unknown"
        try:
            result = log_in(
                g.db,
                request.form.get("email", ""),
                request.form.get("password", ""),
                ip,
                device_user=remembered_device(),
            )
        except LoginLocked as locked:
            minutes = max(1, int(locked.retry_after.total_seconds() // 60) + 1)
            error = t("login.locked", minutes=minutes)
            return render_template("admin/login.html", error=error, email=email), 429
        g.db.commit()
        if result.user is not None:
            start_session(result.user)
            response = make_response(redirect(safe_next(request.args.get("next"))))
            remember_device(response, result.user.id)
            return response
        error = t("login.failed")
        return render_template("admin/login.html", error=error, email=email), 401
    return render_template("admin/login.html", error=error, email=email)


@bp.post("/logout")
def logout():
    """End the session, and every other copy of its cookie."""
    if g.user is not None:
        end_sessions(g.user)
        g.db.commit()
    clear_session()
    # said on the login page: staff on a shared computer see that it worked
    flash(t("logout.done"), "ok")
    return redirect(url_for("admin.login"))


# bot.staff names the new password "password"; the form calls it "new" beside "current"
FIELDS = {"password": "new"}


@bp.route("/password", methods=["GET", "POST"])
@login_required("staff")
def password():
    """Change one's own password. Every other browser logged in as this user is logged out;
    this one carries on in a fresh session."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        current, new, confirm = (request.form.get(k, "") for k in ("current", "new", "confirm"))
        try:
            change_password(g.db, g.user, current, new, confirm, request.remote_addr or "unknown")
        except LoginLocked as locked:
            minutes = max(1, int(locked.retry_after.total_seconds() // 60) + 1)
            errors = {"current": t("login.locked", minutes=minutes)}
            return render_template(
                "admin/password.html", errors=errors, min_password=MIN_PASSWORD
            ), 429
        except StaffError as error:
            g.db.commit()  # nothing changed but a wrong current password, counted as a failure
            errors = {
                FIELDS.get(field, field): t(f"password.error.{code}", n=MIN_PASSWORD)
                for field, code in error.problems.items()
            }
        else:
            g.db.commit()
            start_session(g.user)
            flash(t("password.changed"), "ok")
            return redirect(url_for("admin.home"))
    return render_template("admin/password.html", errors=errors, min_password=MIN_PASSWORD), (
        400 if errors else 200
    )


DEVICE_COOKIE = "navi_device"
DEVICE_DAYS = 30


def _devices() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="navi-device")


def remembered_device() -> int | None:
    """The staff id this browser logged in as within DEVICE_DAYS (signed), if any."""
    token = request.cookies.get(DEVICE_COOKIE)
    if not token:
        return None
    try:
        user_id = _devices().loads(token, max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        return None
    return user_id if isinstance(user_id, int) else None


def remember_device(response, user_id: int) -> None:
    """Mark this browser as one the user logs in from (it grants nothing by itself: the
    password is still checked, only others' failures no longer slow it down)."""
    response.set_cookie(
        DEVICE_COOKIE,
        _devices().dumps(user_id),
        max_age=DEVICE_DAYS * 86400,
        httponly=True,
        secure=current_app.config.get("SESSION_COOKIE_SECURE", True),
        samesite="Lax",
        path="/admin",
    )
