"""GET /healthz: 200 when the app and its database answer and accept a write, 503 otherwise."""

import uuid

from flask import Blueprint, current_app
from sqlalchemy import delete, insert

from bot.core.db import utcnow
from bot.core.models import ProcessedEvent

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """For load balancers and `make run`'s first check."""
    # A database that answers reads but refuses writes (disk full, read-only) cannot take a
    # booking: write a probe row and delete it, in one committed transaction.
    probe = f"healthz-{uuid.uuid4().hex}"
    try:
        with current_app.extensions["navi"].engine.begin() as connection:
            connection.execute(
                insert(ProcessedEvent).values(webhook_event_id=probe, received_at=utcnow())
            )
            connection.execute(
                delete(ProcessedEvent).where(ProcessedEvent.webhook_event_id == probe)
            )
    except Exception:
        return {"status": "database unavailable"}, 503
    return {"status": "ok"}


@bp.get("/favicon.ico")
def favicon():
    """The tab icon (browsers ask for it at the root even where a page names it)."""
    response = current_app.send_static_file("favicon.ico")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
