"""POST /callback: verify → parse → dispatch → 200. No topic logic here, and no bodies in logs."""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Blueprint, abort, current_app, request
from linebot.v3.webhook import SignatureValidator
from linebot.v3.webhooks import (
    DeliveryContext,
    Event,
    EventMode,
    MessageContent,
    MessageEvent,
    TextMessageContent,
    UserSource,
)

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
    typed = _text_from_a_resident(event)
    if typed is not None:
        return typed
    try:
        return Event.from_dict(_with_defaults(event))
    except UNREADABLE_EVENT:
        if event.get("type") == "message":
            return _message_the_sdk_cannot_model(event)
        log.info("ignored an event of unknown kind %r", str(event.get("type"))[:40])
        return None


# The one shape nearly every delivery has: a resident's text message, as LINE sends it. Its keys,
# and the Python type each value must have (StrictStr, StrictInt, StrictBool in the SDK's models).
_TEXT_EVENT_KEYS = {
    "type": str,
    "mode": str,
    "timestamp": int,
    "source": dict,
    "webhookEventId": str,
    "deliveryContext": dict,
    "replyToken": str,
    "message": dict,
}
_TEXT_MESSAGE_KEYS = {
    "id": str,
    "type": str,
    "text": str,
    "quoteToken": str,
    "markAsReadToken": str,
}
_EVENT_MODES = {mode.value: mode for mode in EventMode}


def _text_from_a_resident(event: dict[str, Any]) -> MessageEvent | None:
    """A resident's text message built straight into the SDK's models, or None for any other
    shape (which the SDK's from_dict then reads).

    The SDK validates each field through pydantic, which cost as much CPU as our whole routing
    of the message (about 60 µs of a delivery's 1.5 ms, bench/HISTORY.md). For this one shape
    the checks below are the same ones: every key present with its exact type (a bool is not a
    timestamp), nothing else in the event or message, a user as the source; then `construct`
    builds the models without checking again. tests/test_webhook.py holds the two readings
    equal on LINE's documented events and on every field made wrong or left out."""
    if event.keys() != _TEXT_EVENT_KEYS.keys() or event["type"] != "message":
        return None
    if not all(type(event[key]) is kind for key, kind in _TEXT_EVENT_KEYS.items()):
        return None
    source, delivery, message = event["source"], event["deliveryContext"], event["message"]
    mode = _EVENT_MODES.get(event["mode"])
    if (
        mode is None
        or source.keys() != {"type", "userId"}
        or source["type"] != "user"
        or type(source["userId"]) is not str
        or delivery.keys() != {"isRedelivery"}
        or type(delivery["isRedelivery"]) is not bool
        or message.get("type") != "text"
        or not message.keys() <= _TEXT_MESSAGE_KEYS.keys()
        or not {"id", "text"} <= message.keys()
        or not all(type(message[key]) is _TEXT_MESSAGE_KEYS[key] for key in message)
    ):
        return None
    return MessageEvent.construct(
        type="message",
        source=UserSource.construct(type="user", user_id=source["userId"]),
        timestamp=event["timestamp"],
        mode=mode,
        webhook_event_id=event["webhookEventId"],
        delivery_context=DeliveryContext.construct(is_redelivery=delivery["isRedelivery"]),
        reply_token=event["replyToken"],
        message=TextMessageContent.construct(
            type="text",
            id=message["id"],
            text=clean_text(message["text"]),
            emojis=None,
            mention=None,
            quote_token=message.get("quoteToken", ""),
            quoted_message_id=None,
            mark_as_read_token=message.get("markAsReadToken"),
        ),
    )


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
