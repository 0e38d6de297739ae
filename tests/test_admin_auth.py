"""The console's doors: login, roles, CSRF, lockout, session fixation, headers."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from sqlalchemy import select

from bot.core.models import AuditEntry, StaffUser
from bot.staff import hash_password, verify_password
from tests.admin_helpers import PASSWORD, console_client, csrf_from, log_in, make_user


@pytest.fixture
def console(app):
    return console_client(app)


def test_anonymous_visitor_is_sent_to_the_login_page(console):
    response = console.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login" in response.headers["Location"]


def test_staff_logs_in_and_reaches_the_console(app, console):
    email = make_user(app, "staff")
    response = log_in(console, email)
    assert response.status_code == 302
    home = console.get("/admin/", follow_redirects=True)
    assert home.status_code == 200 and email in home.get_data(as_text=True)


def test_wrong_password_is_refused_with_a_clear_message(app, console):
    email = make_user(app, "staff")
    response = log_in(console, email, "not the password")
    assert response.status_code == 401
    assert "メールアドレスかパスワードが違います" in response.get_data(as_text=True)


def test_a_wrong_password_keeps_the_email_typed_and_puts_the_cursor_in_the_password(app, console):
    """After a mistyped password the login form came back empty: staff typed their address
    again each time."""
    email = make_user(app, "staff")
    page = log_in(console, email, "not the password").get_data(as_text=True)
    assert f'name="email" type="email" value="{email}"' in page
    assert re.search(r'<input id="password"[^>]* autofocus', page)
    assert not re.search(r'<input id="email"[^>]* autofocus', page)


def test_repeated_failures_slow_the_account_with_a_message_saying_for_how_long(app, console):
    email = make_user(app, "manager")
    for _ in range(4):
        log_in(console, email, "guess")
    slowed = log_in(console, email)  # even the right password waits out the backoff
    assert slowed.status_code == 429
    assert "分間ログインできません" in slowed.get_data(as_text=True)


def test_a_forged_csrf_token_is_refused(app, console):
    email = make_user(app, "staff")
    csrf_from(console)
    response = console.post(
        "/admin/login", data={"email": email, "password": PASSWORD, "csrf_token": "forged"}
    )
    assert response.status_code == 400
    assert "再読み込み" in response.get_data(as_text=True)


def test_login_starts_a_new_session_so_a_planted_cookie_is_useless(app, console):
    email = make_user(app, "staff")
    csrf_from(console)
    before = console.get_cookie("navi_session", domain="localhost").value
    log_in(console, email)
    after = console.get_cookie("navi_session", domain="localhost").value
    assert before != after


def test_session_cookie_is_httponly_samesite_and_secure(app, console):
    email = make_user(app, "staff")
    response = log_in(console, email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_logins_are_audited(app, console):
    email = make_user(app, "staff")
    log_in(console, email)
    with app.extensions["navi"].sessions() as db:
        actions = db.scalars(select(AuditEntry.action)).all()
    assert "staff.login" in actions


def test_console_pages_carry_security_headers(console):
    headers = console.get("/admin/login").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Strict-Transport-Security"].startswith("max-age=")


def test_the_console_speaks_english_when_asked(console):
    token = csrf_from(console)
    console.post("/admin/lang", data={"lang": "en", "csrf_token": token})
    assert "Log in" in console.get("/admin/login").get_data(as_text=True)


def test_passwords_are_stored_as_salted_scrypt_hashes():
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first.startswith("scrypt$") and first != second and PASSWORD not in first
    assert verify_password(PASSWORD, first) and not verify_password("wrong", first)


def test_staff_add_reads_the_password_from_stdin(settings):
    env = {**os.environ, "DATABASE_URL": settings.database_url}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "staff",
            "add",
            "--email",
            "kanri@example.jp",
            "--role",
            "manager",
        ],
        input="a long enough password\n",
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "created manager kanri@example.jp" in result.stdout
    from bot.core.db import make_engine, make_session_factory

    engine = make_engine(settings.database_url)
    with make_session_factory(engine)() as db:
        user = db.scalar(select(StaffUser))
        assert verify_password("a long enough password", user.password_hash)
    engine.dispose()


def test_staff_add_refuses_a_short_password(settings):
    env = {**os.environ, "DATABASE_URL": settings.database_url}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "staff", "add", "--email", "a@example.jp", "--role", "staff"],
        input="short\n",
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1 and "at least 12 characters" in result.stderr
