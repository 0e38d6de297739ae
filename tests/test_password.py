"""Changing a console password: the user's own change on the console, an administrator's reset
on the command line. Either ends every other copy of the user's cookie (issue 15, F1)."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import select

from bot.core.models import AuditEntry, StaffUser
from bot.staff import verify_password
from tests.admin_helpers import PASSWORD, console_client, csrf_from, log_in, make_user

NEW = "a brand new long password"


def copy_of_cookie(app, client):
    """Another browser holding a saved copy of the client's console cookie."""
    other = console_client(app)
    saved = client.get_cookie("navi_session", domain="localhost")
    other.set_cookie("navi_session", saved.value, domain="localhost")
    return other


def change(client, current=PASSWORD, new=NEW, confirm=NEW):
    token = csrf_from(client, "/admin/password")
    return client.post(
        "/admin/password",
        data={"current": current, "new": new, "confirm": confirm, "csrf_token": token},
    )


def test_every_console_page_links_to_the_password_change(app):
    client = console_client(app)
    log_in(client, make_user(app, "staff"))
    page = client.get("/admin/classes").get_data(as_text=True)
    assert 'href="/admin/password"' in page and "パスワード変更" in page


def test_a_password_change_logs_out_every_other_browser_and_keeps_this_one(app):
    email = make_user(app, "staff")
    client = console_client(app)
    log_in(client, email)
    elsewhere = copy_of_cookie(app, client)  # the same login, saved on another machine
    assert elsewhere.get("/admin/classes").status_code == 200

    done = change(client)
    assert done.status_code == 302
    home = client.get(done.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "パスワードを変更しました" in home
    assert client.get("/admin/classes").status_code == 200  # this browser carries on
    assert elsewhere.get("/admin/classes").status_code == 302  # the saved copy is out

    fresh = console_client(app)
    assert log_in(fresh, email).status_code == 401  # the old password no longer opens it
    assert log_in(fresh, email, NEW).status_code == 302
    with app.extensions["navi"].sessions() as db:
        entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "staff.password"))
        assert entry is not None and entry.actor == email
        assert NEW not in str(entry.detail) and PASSWORD not in str(entry.detail)


def test_a_wrong_current_password_short_new_one_and_mismatch_are_each_named(app):
    email = make_user(app, "manager")
    client = console_client(app)
    log_in(client, email)
    refused = change(client, current="not my password", new="short", confirm="other")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "いまのパスワードが違います" in page
    assert "12文字以上にしてください" in page
    assert "同じものを2回入力してください" in page
    assert page.count('aria-invalid="true"') == 3
    with app.extensions["navi"].sessions() as db:
        user = db.scalar(select(StaffUser).where(StaffUser.email == email))
        assert verify_password(PASSWORD, user.password_hash)  # nothing changed
    assert client.get("/admin/classes").status_code == 200  # and nobody was logged out


def test_guessing_the_current_password_is_slowed_as_logins_are(app):
    """A browser left logged in is no way to guess the password at leisure: wrong current
    passwords count as failed logins, and the account's backoff stops the next check."""
    email = make_user(app, "staff")
    client = console_client(app)
    log_in(client, email)
    for guess in ("guess one", "guess two", "guess three"):
        assert change(client, current=guess).status_code == 400
    slowed = change(client)  # even the right password waits out the backoff
    assert slowed.status_code == 429
    assert "分間ログインできません" in slowed.get_data(as_text=True)
    with app.extensions["navi"].sessions() as db:
        user = db.scalar(select(StaffUser).where(StaffUser.email == email))
        assert verify_password(PASSWORD, user.password_hash)
    assert log_in(console_client(app), email).status_code == 429  # the login is slowed too


def test_the_new_password_must_differ_from_the_current_one(app):
    client = console_client(app)
    log_in(client, make_user(app, "staff"))
    refused = change(client, new=PASSWORD, confirm=PASSWORD)
    assert refused.status_code == 400
    assert "いまのものと同じです" in refused.get_data(as_text=True)


def test_the_password_page_is_in_english_for_english_staff(app):
    client = console_client(app)
    log_in(client, make_user(app, "staff"))
    client.post(
        "/admin/lang", data={"lang": "en", "csrf_token": csrf_from(client, "/admin/classes")}
    )
    refused = change(client, current="nope").get_data(as_text=True)
    assert "The current password is not right" in refused
    assert "Change your password" in refused


def test_a_logged_out_visitor_is_sent_to_the_login_page(app):
    response = console_client(app).get("/admin/password")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_the_login_error_says_what_to_do_next(app):
    client = console_client(app)
    make_user(app, "staff")
    page = log_in(client, "staff@example.jp", "wrong password").get_data(as_text=True)
    assert "もう一度お試しください" in page and "システム管理者に再設定を頼んでください" in page


def test_an_administrator_sets_a_new_password_on_the_command_line(app, settings):
    email = make_user(app, "staff")
    client = console_client(app)
    log_in(client, email)
    env = {**os.environ, "DATABASE_URL": settings.database_url}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "staff", "password", "--email", email.upper()],
        input=NEW + "\n",
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "new password set for staff@example.jp" in result.stdout
    assert NEW not in result.stdout + result.stderr
    assert client.get("/admin/classes").status_code == 302  # their old session has ended
    assert log_in(console_client(app), email, NEW).status_code == 302


def test_the_command_refuses_an_unknown_email_and_a_short_password(app, settings):
    make_user(app, "staff")
    env = {**os.environ, "DATABASE_URL": settings.database_url}

    def run(email, password):
        return subprocess.run(
            [sys.executable, "-m", "bot", "staff", "password", "--email", email],
            input=password + "\n",
            env=env,
            capture_output=True,
            text=True,
        )

    unknown = run("nobody@example.jp", NEW)
    assert unknown.returncode == 1 and "no console user has the email" in unknown.stderr
    short = run("staff@example.jp", "short")
    assert short.returncode == 1 and "at least 12 characters" in short.stderr
