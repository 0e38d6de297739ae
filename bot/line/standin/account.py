"""Handlers for profile, followers, insight, quota and the loading animation."""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from werkzeug.wrappers import Response

from bot.line.standin.records import Ctx, body_errors, json_response, line_error
from bot.line.standin.validation import detail

FOLLOWERS_DEFAULT_LIMIT = 300
FOLLOWERS_MAX_LIMIT = 1000
# Insight has no data before LINE started counting.
INSIGHT_FIRST_DAY = "20161101"
_DATE_RE = re.compile(r"^\d{8}$")


def profile(ctx: Ctx, user_id: str) -> Response:
    """GET /v2/bot/profile/{userId}: 404 for anyone not configured (LINE: not a friend)."""
    found = ctx.state.profiles.get(user_id)
    if found is None:
        return line_error(404, "Not found")
    return json_response(found)


def followers(ctx: Ctx) -> Response:
    """GET /v2/bot/followers/ids?limit=&start=, paged with opaque `next` tokens."""
    raw_limit = ctx.request.args.get("limit")
    limit = FOLLOWERS_DEFAULT_LIMIT
    if raw_limit is not None:
        # ASCII digits only: 「²」 passes isdigit(), then int() raises (a 500 where LINE says 400)
        is_number = raw_limit.isascii() and raw_limit.isdigit()
        if not is_number or not 1 <= int(raw_limit) <= FOLLOWERS_MAX_LIMIT:
            return line_error(400, f"The 'limit' must be between 1 and {FOLLOWERS_MAX_LIMIT}")
        limit = int(raw_limit)
    offset = 0
    start = ctx.request.args.get("start")
    if start is not None:
        if start not in ctx.state.follower_pages:
            return line_error(400, "The 'start' continuation token is invalid")
        offset = ctx.state.follower_pages[start]
    ids = ctx.state.followers[offset : offset + limit]
    body: dict[str, object] = {"userIds": ids}
    if offset + limit < len(ctx.state.followers):
        token = secrets.token_urlsafe(24)
        ctx.state.follower_pages[token] = offset + limit
        body["next"] = token
    return json_response(body)


def insight_followers(ctx: Ctx) -> Response:
    """GET /v2/bot/insight/followers?date=yyyyMMdd."""
    date = ctx.request.args.get("date", "")
    try:
        if not _DATE_RE.match(date):
            raise ValueError(date)
        datetime.strptime(date, "%Y%m%d")
    except ValueError:
        return line_error(400, "The value for the 'date' parameter is invalid")
    configured = ctx.state.insights.get(date)
    if configured is not None:
        return json_response(configured)
    status = "out_of_service" if date < INSIGHT_FIRST_DAY else "unready"
    return json_response(
        {"status": status, "followers": None, "targetedReaches": None, "blocks": None}
    )


def quota(ctx: Ctx) -> Response:
    """GET /v2/bot/message/quota."""
    if ctx.state.quota_limit is None:
        return json_response({"type": "none"})
    return json_response({"type": "limited", "value": ctx.state.quota_limit})


def quota_consumption(ctx: Ctx) -> Response:
    """GET /v2/bot/message/quota/consumption: configured usage plus what was sent since."""
    return json_response({"totalUsage": ctx.state.quota_used + ctx.state.consumed})


def loading_start(ctx: Ctx) -> Response:
    """POST /v2/bot/chat/loading/start: 5-60 s in steps of 5, answered 202."""
    chat_id = ctx.json.get("chatId")
    details = [] if isinstance(chat_id, str) and chat_id else [detail("May not be empty", "chatId")]
    seconds = ctx.json.get("loadingSeconds", 20)
    if not isinstance(seconds, int) or isinstance(seconds, bool) or not 5 <= seconds <= 60:
        details.append(detail("Must be between 5 and 60", "loadingSeconds"))
    elif seconds % 5:
        details.append(detail("Must be a multiple of 5", "loadingSeconds"))
    if details:
        return body_errors(details)
    return json_response({}, status=202)
