"""Itabashi LINE Navi: the resident-facing LINE bot of Itabashi City.

`create_app()` builds everything. It is imported lazily so that light entry points (the router's
command line, the scheduler) do not pay for Flask and the SDK when they do not need them.
"""


def create_app(settings=None, **overrides):
    """Build the Flask app; see bot.web.app.create_app."""
    from bot.web.app import create_app as _create_app

    return _create_app(settings, **overrides)
