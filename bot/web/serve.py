"""`python -m bot serve`: the web app under gunicorn, with defaults that suit a ward.

Workers are processes (several can share the load: nothing is kept in worker memory); threads
let one worker answer LINE while another request waits on the database. The scheduler is a
separate process (`python -m bot scheduler`), never started here.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from gunicorn.app.base import BaseApplication

from bot.core.db import make_engine
from bot.core.migrate import check_ready
from bot.core.settings import Settings

# gunicorn's default less the query string (%(r)s and %(f)s): address, time, method, path,
# status, bytes, seconds, user agent.
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(L)s "%(a)s"'


def gunicorn_options(host: str, port: int, workers: int) -> dict:
    """How `serve` runs gunicorn; bench/webhook.py runs its echo bot under the same options."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        # At most 6 threads may wait on LINE (bot.line.outbox); the other 2 always serve
        # /healthz, the console and webhooks that keep their answer for later.
        "threads": 8,
        "worker_class": "gthread",
        "timeout": 30,
        "graceful_timeout": 20,
        "keepalive": 5,
        # Access logs carry no bodies, no query strings and no Referer: the reception page's
        # search is a GET form whose query holds a resident's name (the path never does).
        "accesslog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "errorlog": "-",
        # gunicorn's control socket is one path per user ($HOME/.gunicorn/gunicorn.ctl), so
        # two servers on one machine would take it from each other; nothing here uses it.
        "control_socket_disable": True,
    }


class Gunicorn(BaseApplication):
    """Gunicorn driven from Python: `load_app` builds the WSGI app in each worker."""

    def __init__(self, load_app: Callable, options: dict):
        self.load_app = load_app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.load_app()


class NotConfigured(RuntimeError):
    """Production cannot start: a secret is missing (the message names it)."""


def serve(settings: Settings, host: str, port: int, workers: int) -> int:
    """Run until stopped, after checking the secrets and the database."""
    if settings.demo:
        raise NotConfigured(
            "serve is for production and needs LINE_CHANNEL_SECRET and "
            "LINE_CHANNEL_ACCESS_TOKEN; to try the bot without LINE, run `make run` "
            "(python -m bot demo)"
        )
    if not os.environ.get("SECRET_KEY"):
        raise NotConfigured(
            "serve needs SECRET_KEY (a long random string, the same for every worker and "
            "restart), e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`"
        )
    engine = make_engine(settings.database_url)
    try:
        check_ready(engine)  # fail here, clearly, rather than in every worker
    finally:
        engine.dispose()

    def load_app():
        from bot import create_app

        return create_app(settings)

    Gunicorn(load_app, gunicorn_options(host, port, workers)).run()
    return 0
