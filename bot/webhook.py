"""POST /callback: verify → parse → dispatch → 200. No topic logic here, and no bodies in logs."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, request
from linebot.v3 import WebhookParser
from linebot.v3.exceptions import InvalidSignatureError
from sqlalchemy.exc import OperationalError

bp = Blueprint("webhook", __name__)
log = logging.getLogger(__name__)


def _parser() -> WebhookParser:
    """The SDK's parser for this app's channel secret (cheap to build; holds only the key)."""
    return WebhookParser(current_app.extensions["navi"].settings.channel_secret)


@bp.post("/callback")
def callback():
    """LINE's webhook. 400 for anything not signed by LINE or not parsable, else 200."""
    signature = request.headers.get("X-Line-Signature", "")
    raw = request.get_data()
    try:
        body = raw.decode("utf-8")
        events = _parser().parse(body, signature)
    except InvalidSignatureError:
        log.warning("refused a webhook with a bad or missing signature")
        abort(400, "invalid signature")
    except (ValueError, TypeError, KeyError, AttributeError):
        # Signed but not a webhook body (or a non-ASCII signature header): nothing to process.
        log.warning("refused an unparsable webhook body (%d bytes)", len(raw))
        abort(400, "unparsable body")
    dispatcher = current_app.extensions["navi"].dispatcher
    # LINE numbers events by when they happened, not by when they arrive.
    for event in sorted(events, key=lambda e: getattr(e, "timestamp", 0) or 0):
        try:
            dispatcher.handle(event)
        except OperationalError:
            # The database is down: answer 5xx so LINE redelivers; processed events are
            # remembered, so the redelivery handles only what is left.
            log.exception("database unavailable while handling a webhook")
            abort(503, "database unavailable")
    return "OK"
