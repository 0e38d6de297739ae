"""The app factory: settings → database → content → router → handlers → gateway → web app.

The web app, the CLI, the scheduler and the tests all build through here, so each runs the same
wiring. Nothing happens at import time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask, current_app, request
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from bot.answers.live import LiveContent
from bot.classes.reservations import booking_stands
from bot.conversation.answering import Answerer
from bot.conversation.choosing import Chooser
from bot.conversation.dispatch import Dispatcher
from bot.conversation.live_models import LiveModels
from bot.conversation.replier import Replier
from bot.conversation.router import load_details, load_router
from bot.conversation.router.catalogue import CatalogueRouter
from bot.conversation.safety import SafetyCheck, load_safety
from bot.core.content import Content, load_content
from bot.core.db import MAX_ID, make_engine, make_session_factory, utcnow
from bot.core.links import LinkTable
from bot.core.migrate import check_ready
from bot.core.settings import Settings
from bot.line.gateway import LineGateway
from bot.line.outbox import Outbox
from bot.web.cookies import SignedCookieSessions
from bot.web.forms import CleanRequest
from handlers import build_registry


@dataclass
class Navi:
    """The services of one running app, kept on `app.extensions["navi"]`."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker
    live: LiveContent
    safety: SafetyCheck
    router: CatalogueRouter
    gateway: LineGateway
    outbox: Outbox
    dispatcher: Dispatcher
    live_models: LiveModels

    @property
    def content(self) -> Content:
        """The content residents get now: the repository's, with published answers over it."""
        return self.live.current()

    @property
    def links(self) -> LinkTable:
        """The official pages residents' cards link to, by /r/ token (of the newest content)."""
        self.dispatcher.answerer.refresh_content()
        return self.dispatcher.answerer.links


def build_services(settings: Settings) -> Navi:
    """Wire the bot's services (used by the web app, the CLI and the scheduler)."""
    if not (settings.channel_secret and settings.channel_access_token):
        raise RuntimeError(
            "No LINE credentials: set LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN, "
            "or run `python -m bot demo`, which starts a local stand-in of LINE."
        )
    engine = make_engine(settings.database_url)
    check_ready(engine)
    sessions = make_session_factory(engine)
    live = LiveContent(load_content(), sessions)
    content = live.refresh()
    safety = load_safety()
    router = CatalogueRouter(load_router(), content.catalogue.answered, content.examples())
    gateway = LineGateway(settings.channel_access_token, settings.api_base_url)
    chooser = Chooser(content, load_details())
    live_models = LiveModels(engine, router, chooser)
    answerer = Answerer(
        settings,
        gateway,
        content,
        router,
        build_registry(),
        safety,
        utcnow,
        chooser,
        live.current,
        refresh_models=live_models.refresh,
        links=LinkTable(content, settings.public_base_url),
    )
    # A kept reminder or seat offer is dropped once its booking lapsed (bot.line.outbox).
    outbox = Outbox(gateway, sessions, still_meant=booking_stands)
    dispatcher = Dispatcher(engine, sessions, answerer, Replier(outbox))
    return Navi(
        settings, engine, sessions, live, safety, router, gateway, outbox, dispatcher, live_models
    )


class DatabaseId(IntegerConverter):
    """`<int:…>` in every route: a non-negative id no larger than the database's keys."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def create_app(settings: Settings | None = None, **overrides) -> Flask:
    """Build the web app: webhook, health check, and the chat simulator in demo mode."""
    settings = settings or Settings.from_env()
    if overrides:
        settings = settings.with_overrides(**overrides)
    app = Flask(__name__, instance_relative_config=True)
    app.session_interface = SignedCookieSessions()
    # Form and query values reach the views without control characters (NUL was a 500 on
    # PostgreSQL): cleaned once here, not in every view.
    app.request_class = CleanRequest
    # A database id in a URL fits a 32-bit key: /admin/classes/99999999999999999999 is a 404,
    # not an overflow in the database driver.
    app.url_map.converters["int"] = DatabaseId
    app.config.update(SECRET_KEY=settings.secret_key, MAX_CONTENT_LENGTH=2 * 1024 * 1024)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    navi = build_services(settings)
    app.extensions["navi"] = navi
    if settings.trusted_proxies:
        # Behind a load balancer every staff member would share its address: take the
        # client's from X-Forwarded-For, but only as many hops as there are trusted proxies.
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n)  # type: ignore[method-assign]

    from bot.web import admin, errors, health, redirect, webhook

    app.register_blueprint(errors.bp)
    app.register_blueprint(webhook.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(redirect.bp)
    admin.register(app)
    app.after_request(security_headers)
    if settings.demo:
        from bot.web import devchat

        app.register_blueprint(devchat.bp)
    return app


# Our pages load scripts and styles only from our own origin: no inline script, no CDN.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
)


def security_headers(response):
    """Headers every response carries (HSTS only where HTTPS is in use: not in demo mode)."""
    headers = response.headers
    # Set only where a view has not: compared by name, since werkzeug's `setdefault` and `in`
    # raise and catch an HTTP exception for every header that is missing.
    present = {name.lower() for name, _ in headers}
    for name, value in SECURITY_HEADERS:
        if name.lower() not in present:
            headers[name] = value
    if request.path.startswith("/admin"):
        # Console pages hold residents' bookings and staff data: never kept by a shared
        # browser's cache or a proxy (the back button after logout shows nothing).
        headers["Cache-Control"] = "no-store"
    if (
        not current_app.extensions["navi"].settings.demo
        and "strict-transport-security" not in present
    ):
        headers["Strict-Transport-Security"] = "max-age=31536000"
    return response


def navi_of(app: Flask) -> Navi:
    """The services of an app built by create_app."""
    return app.extensions["navi"]
