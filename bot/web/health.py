"""GET /healthz: 200 when the app and its database answer, 503 otherwise."""

from flask import Blueprint, current_app
from sqlalchemy import text

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """For load balancers and `make run`'s first check."""
    try:
        with current_app.extensions["navi"].engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        return {"status": "database unavailable"}, 503
    return {"status": "ok"}
