"""Handlers for the sending endpoints: reply, push, multicast, broadcast."""

from __future__ import annotations

import re
import time
from typing import Any

from werkzeug.wrappers import Response

from bot.line.standin.limits import is_retry_key
from bot.line.standin.records import Ctx, body_errors, json_response, line_error
from bot.line.standin.state import new_message_id, new_quote_token
from bot.line.standin.validation import check_messages, detail

MAX_MULTICAST_TO = 500
RETRY_HEADER = "X-Line-Retry-Key"
# What a LINE user ID looks like: "U" and 32 lowercase hex digits.
USER_ID = re.compile(r"U[0-9a-f]{32}")
# Message types LINE hands back a quoteToken for (they can be quoted later).
QUOTABLE = frozenset({"text", "sticker", "image", "video"})


def _sent_messages(messages: list[dict[str, Any]]) -> list[dict[str, str]]:
    sent = []
    for message in messages:
        item = {"id": new_message_id()}
        if message.get("type") in QUOTABLE:
            item["quoteToken"] = new_quote_token()
        sent.append(item)
    return sent


def _retry_gate(ctx: Ctx) -> tuple[str | None, Response | None]:
    """Check X-Line-Retry-Key: malformed is a 400; already accepted is a 409 sending nothing."""
    key = ctx.request.headers.get(RETRY_HEADER)
    if key is None:
        return None, None
    if not is_retry_key(key):
        return key, line_error(400, f"The value for the '{RETRY_HEADER}' header is invalid")
    earlier = ctx.state.retry_keys.accepted(key)
    if earlier is None:
        return key, None
    extra = {"sentMessages": earlier.sent_messages} if earlier.sent_messages else None
    headers = {"x-line-accepted-request-id": earlier.request_id}
    return key, line_error(409, "The retry key is already accepted", headers=headers, extra=extra)


def _recipient_refusal(to: list[str]) -> Response | None:
    """One malformed user ID makes LINE refuse the whole multicast, naming the first one."""
    for index, user_id in enumerate(to):
        if not USER_ID.fullmatch(user_id):
            prop = f"to[{index}]"
            return line_error(
                400, f"The property, '{prop}', in the request body is invalid (line: -, column: -)"
            )
    return None


def _quota_refusal(ctx: Ctx, recipients: int) -> Response | None:
    """Push, multicast and broadcast cost one message per recipient; reply is free."""
    left = ctx.state.quota_left()
    if left is not None and recipients > left:
        return line_error(429, "You have reached your monthly limit.")
    return None


def _finish(ctx: Ctx, key: str | None, to: list[str], via: str, sent: Any) -> None:
    """Deliver and count; only now does a retry key become "accepted"."""
    messages = ctx.json["messages"]
    for user_id in to:
        ctx.state.deliver(user_id, messages, via)
    ctx.state.consumed += len(to)
    if key is not None:
        ctx.state.retry_keys.accept(key, ctx.request_id, sent)


def reply(ctx: Ctx) -> Response:
    """POST /v2/bot/message/reply: single-use, expiring reply tokens."""
    if RETRY_HEADER in ctx.request.headers:
        # LINE refuses the retry key on endpoints that do not support it.
        return line_error(400, f"The '{RETRY_HEADER}' header is not supported for this API")
    body = ctx.json
    token = body.get("replyToken")
    details = [] if isinstance(token, str) and token else [detail("May not be empty", "replyToken")]
    details += check_messages(body.get("messages"))
    if details:
        return body_errors(details)
    minted = ctx.state.reply_tokens.get(token)
    if minted is None or time.monotonic() >= minted.expires_at:
        ctx.state.reply_tokens.pop(token, None)
        return line_error(400, "Invalid reply token")
    del ctx.state.reply_tokens[token]  # single use
    ctx.state.deliver(minted.user_id, body["messages"], "reply")
    return json_response({"sentMessages": _sent_messages(body["messages"])})


def push(ctx: Ctx) -> Response:
    """POST /v2/bot/message/push."""
    key, refusal = _retry_gate(ctx)
    if refusal is not None:
        return refusal
    to = ctx.json.get("to")
    details = [] if isinstance(to, str) and to else [detail("May not be empty", "to")]
    details += check_messages(ctx.json.get("messages"))
    if details:
        return body_errors(details)
    refusal = _quota_refusal(ctx, 1)
    if refusal is not None:
        return refusal
    sent = _sent_messages(ctx.json["messages"])
    _finish(ctx, key, [to], "push", sent)
    return json_response({"sentMessages": sent})


def multicast(ctx: Ctx) -> Response:
    """POST /v2/bot/message/multicast: 1-500 well-formed user IDs, optionally rate limited."""
    bucket = ctx.state.bucket
    if bucket is not None and not bucket.take():
        return line_error(429, "The API rate limit has been exceeded. Try again later.")
    key, refusal = _retry_gate(ctx)
    if refusal is not None:
        return refusal
    to = ctx.json.get("to")
    details = []
    if not isinstance(to, list) or not 1 <= len(to) <= MAX_MULTICAST_TO:
        details.append(detail(f"Size must be between 1 and {MAX_MULTICAST_TO}", "to"))
    elif not all(isinstance(u, str) and u for u in to):
        details.append(detail("May not be empty", "to"))
    details += check_messages(ctx.json.get("messages"))
    if details:
        return body_errors(details)
    refusal = _recipient_refusal(to)
    if refusal is not None:
        return refusal
    recipients = list(dict.fromkeys(to))  # a repeated ID still gets the message once
    refusal = _quota_refusal(ctx, len(recipients))
    if refusal is not None:
        return refusal
    _finish(ctx, key, recipients, "multicast", None)
    return json_response({})


def broadcast(ctx: Ctx) -> Response:
    """POST /v2/bot/message/broadcast: every known follower."""
    key, refusal = _retry_gate(ctx)
    if refusal is not None:
        return refusal
    details = check_messages(ctx.json.get("messages"))
    if details:
        return body_errors(details)
    recipients = ctx.state.known_followers()
    refusal = _quota_refusal(ctx, len(recipients))
    if refusal is not None:
        return refusal
    _finish(ctx, key, recipients, "broadcast", None)
    return json_response({})
