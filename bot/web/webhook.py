"""POST /callback: verify → parse → dispatch → 200. No topic logic here, and no bodies in logs."""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Blueprint, abort, current_app, request
from linebot.v3.webhook import SignatureValidator
from linebot.v3.webhooks import Event, MessageContent, TextMessageContent

from bot.conversation.dispatch import DATABASE_REFUSED
from bot.core.text import clean_text

bp = Blueprint("webhook", __name__)
log = logging.getLogger(__name__)


class UnparsableBody(ValueError):
    """Signed by LINE's secret, but not a webhook body."""


# What the SDK's models raise on an event whose fields are not LINE's shape (a message without
# its type, a source that is not an object): that one event is ignored, not the whole body,
# which after an outage holds many residents' messages.
UNREADABLE_EVENT = (ValueError, KeyError, TypeError, AttributeError)


def parse_events(raw: bytes, signature: str, channel_secret: str) -> list[Event]:
    """Verify the signature over the raw bytes, then parse every event with the SDK's models.

    The SDK's own WebhookParser turns an event that lacks a field added to LINE's format later
    (`message.quoteToken`, `follow`) into an UnknownEvent, so a resident's message in an older
    shape would go unanswered. We fill those fields with LINE's documented defaults first.
    """
    try:
        valid = SignatureValidator(channel_secret).validate(raw.decode("utf-8"), signature)
    except (UnicodeDecodeError, TypeError):  # garbled bytes, or a non-ASCII signature header
        valid = False
    if not valid:
        raise PermissionError("invalid signature")
    try:
        payload = json.loads(raw)
        raw_events = payload["events"]
        if not isinstance(raw_events, list):
            raise TypeError("events is not a list")
        parsed = [_parse_event(event) for event in raw_events]
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as error:
        # RecursionError: JSON nested thousands deep (signed, so from LINE or a leaked secret)
        raise UnparsableBody(type(error).__name__) from None
    # Event kinds this SDK does not know (LINE adds new ones) are ignored, as LINE advises.
    return [event for event in parsed if event is not None]


def _parse_event(event: dict[str, Any]) -> Event | None:
    """One event; None for a kind the SDK does not know."""
    if not isinstance(event, dict):
        raise TypeError("event is not an object")
    try:
        return Event.from_dict(_with_defaults(event))
    except UNREADABLE_EVENT:
        if event.get("type") == "message":
            return _message_the_sdk_cannot_model(event)
        log.info("ignored an event of unknown kind %r", str(event.get("type"))[:40])
        return None


def _message_the_sdk_cannot_model(event: dict[str, Any]) -> Event | None:
    """A resident's message of a kind, or with a field value, newer than this SDK (a poll, a
    sticker of a new resource type). Every 1:1 message gets an answer (DESIGN), so it is read
    as a message of that kind with only its id, or its text, which is what an answer needs."""
    message = event.get("message")
    if not isinstance(message, dict):
        return None
    message_id = str(message.get("id", ""))
    placeholder = {"type": "file", "id": message_id, "fileName": "", "fileSize": 0}
    try:
        parsed = Event.from_dict(_with_defaults({**event, "message": placeholder}))
    except UNREADABLE_EVENT:  # the event around the message is broken too
        log.info("ignored a message event the SDK cannot read")
        return None
    text = message.get("text")
    if message.get("type") == "text" and isinstance(text, str):
        parsed.message = TextMessageContent(
            id=message_id, text=clean_text(text), quoteToken=str(message.get("quoteToken", ""))
        )
    else:
        parsed.message = MessageContent(type=str(message.get("type"))[:40], id=message_id)
    log.info("read a message of a kind the SDK does not know as %r", parsed.message.type)
    return parsed


def _with_defaults(event: dict[str, Any]) -> dict[str, Any]:
    """Fill fields the SDK requires but older payloads (and LINE's own examples) omit, and
    clean what the resident typed or tapped (see _cleaned)."""
    event = dict(event)
    message = event.get("message")
    if isinstance(message, dict) and message.get("type") in {"text", "image", "video", "sticker"}:
        event["message"] = {"quoteToken": "", **_cleaned(message, "text")}
    postback = event.get("postback")
    if isinstance(postback, dict):
        event["postback"] = _cleaned(postback, "data")
    if event.get("type") == "follow" and "follow" not in event:
        event["follow"] = {"isUnblocked": False}
    return event


def _cleaned(part: dict[str, Any], field: str) -> dict[str, Any]:
    """`part` with its `field` cleaned, if a string: a lone surrogate (half an emoji, which
    JSON can carry) or a NUL made storing the words fail, and the resident got the apology
    instead of the answer (an unanswered question, a booking name)."""
    value = part.get(field)
    return {**part, field: clean_text(value)} if isinstance(value, str) else part


@bp.post("/callback")
def callback():
    """LINE's webhook. 400 for anything not signed by LINE or not parsable, else 200."""
    navi = current_app.extensions["navi"]
    raw = request.get_data()
    try:
        events = parse_events(
            raw, request.headers.get("X-Line-Signature", ""), navi.settings.channel_secret
        )
    except PermissionError:
        log.warning("refused a webhook with a bad or missing signature")
        abort(400, "invalid signature")
    except UnparsableBody as error:
        log.warning("refused an unparsable webhook body (%d bytes, %s)", len(raw), error)
        abort(400, "unparsable body")
    try:
        navi.dispatcher.handle_all(events)
    except DATABASE_REFUSED:
        # The database is down: answer 5xx so LINE redelivers; processed events are
        # remembered, so the redelivery handles only what is left.
        log.exception("database unavailable while handling a webhook")
        abort(503, "database unavailable")
    return "OK"
