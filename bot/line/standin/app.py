"""The WSGI app: authentication, fault injection, routing, recording.

One lock guards all state and is held for the whole of a request's handling. Handlers only touch
memory, so requests stay fast, and holding the lock makes check-then-act sequences (reply token
use, retry-key acceptance, rate-limit tokens) atomic across the threaded server.
"""

from __future__ import annotations

import hmac
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from bot.line.standin import account, richmenu, send
from bot.line.standin.records import (
    Ctx,
    RecordedCall,
    body_errors,
    line_error,
    safe_headers,
)
from bot.line.standin.state import State
from bot.line.standin.validation import detail

MAX_JSON_BODY = 2 * 1024 * 1024
AUTH_FAILED = (
    "Authentication failed. Confirm that the access token in the authorization header is valid."
)
AUTH_MISSING = (
    "Authorization header required. Must follow the scheme, 'Authorization: Bearer <ACCESS TOKEN>'"
)

Handler = Callable[..., Response]
# endpoint -> (handler, whether the body must be a JSON object)
HANDLERS: dict[str, tuple[Handler, bool]] = {
    "reply": (send.reply, True),
    "push": (send.push, True),
    "multicast": (send.multicast, True),
    "broadcast": (send.broadcast, True),
    "profile": (account.profile, False),
    "followers": (account.followers, False),
    "insight_followers": (account.insight_followers, False),
    "quota": (account.quota, False),
    "quota_consumption": (account.quota_consumption, False),
    "loading_start": (account.loading_start, True),
    "richmenu_create": (richmenu.create, True),
    "richmenu_list": (richmenu.listing, False),
    "richmenu_get": (richmenu.get, False),
    "richmenu_delete": (richmenu.delete, False),
    "richmenu_upload": (richmenu.upload, False),
    "richmenu_download": (richmenu.download, False),
    "default_set": (richmenu.set_default, False),
    "default_get": (richmenu.get_default, False),
    "default_cancel": (richmenu.cancel_default, False),
}

URLS = Map(
    [
        Rule("/v2/bot/message/reply", methods=["POST"], endpoint="reply"),
        Rule("/v2/bot/message/push", methods=["POST"], endpoint="push"),
        Rule("/v2/bot/message/multicast", methods=["POST"], endpoint="multicast"),
        Rule("/v2/bot/message/broadcast", methods=["POST"], endpoint="broadcast"),
        Rule("/v2/bot/message/quota", methods=["GET"], endpoint="quota"),
        Rule("/v2/bot/message/quota/consumption", methods=["GET"], endpoint="quota_consumption"),
        Rule("/v2/bot/profile/<user_id>", methods=["GET"], endpoint="profile"),
        Rule("/v2/bot/followers/ids", methods=["GET"], endpoint="followers"),
        Rule("/v2/bot/insight/followers", methods=["GET"], endpoint="insight_followers"),
        Rule("/v2/bot/chat/loading/start", methods=["POST"], endpoint="loading_start"),
        Rule("/v2/bot/richmenu", methods=["POST"], endpoint="richmenu_create"),
        Rule("/v2/bot/richmenu/list", methods=["GET"], endpoint="richmenu_list"),
        Rule("/v2/bot/richmenu/<menu_id>", methods=["GET"], endpoint="richmenu_get"),
        Rule("/v2/bot/richmenu/<menu_id>", methods=["DELETE"], endpoint="richmenu_delete"),
        Rule("/v2/bot/richmenu/<menu_id>/content", methods=["POST"], endpoint="richmenu_upload"),
        Rule("/v2/bot/richmenu/<menu_id>/content", methods=["GET"], endpoint="richmenu_download"),
        Rule("/v2/bot/user/all/richmenu/<menu_id>", methods=["POST"], endpoint="default_set"),
        Rule("/v2/bot/user/all/richmenu", methods=["GET"], endpoint="default_get"),
        Rule("/v2/bot/user/all/richmenu", methods=["DELETE"], endpoint="default_cancel"),
    ],
    strict_slashes=False,
)


def _parse_json(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None


def _authenticate(state: State, request: Request) -> Response | None:
    header = request.headers.get("Authorization", "")
    if not header:
        return line_error(401, AUTH_MISSING)
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip(), state.access_token):
        return line_error(401, AUTH_FAILED)
    return None


def _dispatch(ctx: Ctx) -> Response:
    refused = _authenticate(ctx.state, ctx.request)
    if refused is not None:
        return refused
    fault = ctx.state.take_fault(ctx.request.path)
    if fault is not None:
        return line_error(fault.status, fault.message)
    try:
        endpoint, args = URLS.bind_to_environ(ctx.request.environ).match()
    except (NotFound, MethodNotAllowed):
        return line_error(404, "Not found")
    handler, wants_json = HANDLERS[endpoint]
    if wants_json:
        if len(ctx.body) > MAX_JSON_BODY:
            return line_error(400, "The request body must be 2 MB or less")
        if not isinstance(ctx.json, dict):
            return body_errors([detail("The request body must be a JSON object", "")])
    return handler(ctx, **args)


def make_app(state: State, lock: threading.Lock) -> Callable[..., Iterable[bytes]]:
    """Build the WSGI callable serving ``state`` under ``lock``."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        body = request.get_data(cache=True)  # read the socket before taking the lock
        is_json = request.mimetype == "application/json"
        ctx = Ctx(request, body, _parse_json(body) if is_json else None, str(uuid.uuid4()), state)
        with lock:
            hang = state.take_hang(request.path)
        if state.round_trip_s:
            time.sleep(state.round_trip_s)  # the way to LINE and back, for benchmarks
        if hang is not None and not hang.takes_it:
            # LINE hanging: the caller waits (and usually gives up first); the call then fails
            # and, like any failed call, changes nothing. Slept outside the lock, so other
            # calls are served meanwhile.
            time.sleep(hang.seconds)
        with lock:
            if hang is not None and not hang.takes_it:
                response = line_error(hang.status, hang.message)
            else:
                response = _dispatch(ctx)
            state.calls.append(
                RecordedCall(
                    method=request.method,
                    path=request.path,
                    headers=safe_headers(request.headers),
                    json=ctx.json,
                    status=response.status_code,
                    at=time.time(),
                    query=dict(request.args.items()),
                )
            )
        if hang is not None and hang.takes_it:
            # LINE took the call, and its answer is lost or late on the way back.
            time.sleep(hang.seconds)
        # Every LINE response carries its request ID, errors included.
        response.headers["x-line-request-id"] = ctx.request_id
        return response(environ, start_response)

    return app
