"""`python -m bot serve`: the web app under gunicorn, with defaults that suit a ward.

Workers are processes (several can share the load: nothing is kept in worker memory); threads
let one worker answer LINE while another request waits on the database. The scheduler is a
separate process (`python -m bot scheduler`), never started here.
"""

from __future__ import annotations

from gunicorn.app.base import BaseApplication

from bot.settings import Settings


class _Gunicorn(BaseApplication):
    """Gunicorn driven from Python, loading our app factory in each worker."""

    def __init__(self, settings: Settings, options: dict):
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from bot import create_app

        return create_app(self.settings)


def serve(settings: Settings, host: str, port: int, workers: int) -> int:
    """Run until stopped. Without LINE credentials this is demo mode in one process."""
    if settings.demo:
        from bot.demo import run_demo

        return run_demo(settings, host, port)
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": 4,
        "worker_class": "gthread",
        "timeout": 30,
        "graceful_timeout": 20,
        "keepalive": 5,
        # Access logs carry no bodies; the webhook path has no personal data in it.
        "accesslog": "-",
        "errorlog": "-",
    }
    _Gunicorn(settings, options).run()
    return 0
