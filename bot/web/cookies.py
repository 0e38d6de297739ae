"""The console's signed-cookie sessions: Flask's own, minus the work every request repeated.

Flask builds its itsdangerous signer on every request, the webhook's included, and itsdangerous
serialises a test value to learn what kind of serializer it was given; then, for an empty
session, it reads seven cookie settings before deciding to write nothing. LINE sends no cookie,
so each delivery paid for both. The cookies themselves are unchanged.
"""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from itsdangerous import URLSafeTimedSerializer


class SignedCookieSessions(SecureCookieSessionInterface):
    """Flask's SecureCookieSessionInterface with its signer built once per secret key."""

    def __init__(self) -> None:
        # Only the current keys' signer is kept: a changed SECRET_KEY replaces it.
        self._signer: tuple[tuple, URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Flask's signer for the app's current secret key (and fallbacks), built once."""
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        kept = self._signer
        if kept is None or kept[0] != keys:
            kept = (keys, super().get_signing_serializer(app))
            self._signer = kept
        return kept[1]

    def save_session(self, app: Flask, session: SessionMixin, response) -> None:
        """Nothing to write, delete or vary for a session nobody touched (the webhook's)."""
        if not session and not session.modified and not session.accessed:
            return
        super().save_session(app, session, response)
