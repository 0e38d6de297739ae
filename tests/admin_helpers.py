"""Helpers for console tests: users of each role, and logging in through the real form."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from bot.staff import create_user


class HttpsClient(FlaskClient):
    """A test client on https: the console's cookies are Secure outside demo mode."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("base_url", "https://localhost")
        return super().open(*args, **kwargs)


def console_client(app) -> HttpsClient:
    """A browser-like client for /admin."""
    app.test_client_class = HttpsClient
    return app.test_client()


PASSWORD = "correct horse battery"


def make_user(app, role: str, email: str | None = None) -> str:
    """A console user of `role`; returns the email."""
    email = email or f"{role}@example.jp"
    with app.extensions["navi"].sessions() as db:
        create_user(db, email, PASSWORD, role, "test")
        db.commit()
    return email


def csrf_from(client, path: str = "/admin/login") -> str:
    """The CSRF token a page's form carries."""
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def log_in(client, email: str, password: str = PASSWORD):
    """Log in through the login form (with its CSRF token)."""
    token = csrf_from(client)
    return client.post(
        "/admin/login", data={"email": email, "password": password, "csrf_token": token}
    )
