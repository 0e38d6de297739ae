"""StandIn: the public face of the loopback LINE Messaging API.

Typical use::

    standin = StandIn("test-token")
    base_url = standin.start()          # serve on an ephemeral loopback port
    api = MessagingApi(ApiClient(Configuration(host=base_url, access_token="test-token")))
    ...
    standin.messages_to("U123")         # what the bot sent that user
    standin.stop()
"""

from __future__ import annotations

import copy
import secrets
import threading
import time
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from bot.line.standin.app import make_app
from bot.line.standin.limits import FAULT_MESSAGES, FaultRule, TokenBucket
from bot.line.standin.records import RecordedCall
from bot.line.standin.state import ReplyToken, State


class _QuietHandler(WSGIRequestHandler):
    """Skip werkzeug's per-request access log: tests and the demo would drown in it."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


class StandIn:
    """A strict, in-memory LINE Messaging API served over loopback HTTP."""

    reply_token_ttl_s: float = 60.0

    def __init__(self, access_token: str, *, multicast_rate_per_s: float | None = None) -> None:
        bucket = TokenBucket(multicast_rate_per_s) if multicast_rate_per_s else None
        self._state = State(access_token=access_token, bucket=bucket)
        self._lock = threading.Lock()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._base_url: str | None = None

    # --- lifecycle -------------------------------------------------------------------------
    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve in a daemon thread; returns the base URL (no trailing slash)."""
        if self._server is not None:
            raise RuntimeError("StandIn already started")
        app = make_app(self._state, self._lock)
        server = make_server(host, port, app, threaded=True, request_handler=_QuietHandler)
        self._server = server
        # A short poll interval keeps stop() fast (the default 0.5 s would dominate test time).
        self._thread = threading.Thread(
            target=server.serve_forever, args=(0.05,), name="devline-standin", daemon=True
        )
        self._thread.start()
        self._base_url = f"http://{host}:{server.server_port}"
        return self._base_url

    def stop(self) -> None:
        """Stop serving and release the port. Safe to call twice."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> StandIn:
        if self._server is None:
            self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """Where the stand-in listens, e.g. ``http://127.0.0.1:54321``."""
        if self._base_url is None:
            raise RuntimeError("StandIn not started")
        return self._base_url

    # --- playing LINE's role towards the webhook ---------------------------------------------
    def issue_reply_token(self, user_id: str) -> str:
        """Mint a reply token for an event from ``user_id``: one use, ``reply_token_ttl_s``."""
        token = secrets.token_hex(16)
        with self._lock:
            expires = time.monotonic() + self.reply_token_ttl_s
            self._state.reply_tokens[token] = ReplyToken(user_id, expires)
        return token

    def expire_reply_token(self, token: str) -> None:
        """Make ``token`` invalid now, as if a minute had passed."""
        with self._lock:
            self._state.reply_tokens.pop(token, None)

    # --- what was received -------------------------------------------------------------------
    @property
    def calls(self) -> list[RecordedCall]:
        """Every call received, refused ones included (Authorization never stored)."""
        with self._lock:
            return list(self._state.calls)

    def messages_to(self, user_id: str) -> list[dict[str, Any]]:
        """Message objects delivered to ``user_id`` by reply, push, multicast or broadcast."""
        with self._lock:
            found = [d.message for d in self._state.deliveries if d.to == user_id]
            return copy.deepcopy(found)

    def clear(self) -> None:
        """Forget calls, deliveries, reply tokens and retry keys; keep configuration."""
        with self._lock:
            self._state.clear_traffic()

    # --- configuration -----------------------------------------------------------------------
    def add_profile(
        self,
        user_id: str,
        display_name: str,
        language: str | None = "ja",
        picture_url: str | None = None,
    ) -> None:
        """Make ``user_id`` a friend with a profile (others get 404 from the profile API)."""
        profile: dict[str, Any] = {"displayName": display_name, "userId": user_id}
        # LINE leaves out fields the user has not set or consented to share.
        if language is not None:
            profile["language"] = language
        if picture_url is not None:
            profile["pictureUrl"] = picture_url
        with self._lock:
            self._state.profiles[user_id] = profile

    def set_followers(self, user_ids: list[str]) -> None:
        """The IDs served by GET /v2/bot/followers/ids; outstanding page tokens are voided."""
        with self._lock:
            self._state.followers = list(user_ids)
            self._state.follower_pages.clear()

    def set_insight(
        self,
        date_yyyymmdd: str,
        *,
        status: str = "ready",
        followers: int | None = None,
        targeted_reaches: int | None = None,
        blocks: int | None = None,
    ) -> None:
        """What GET /v2/bot/insight/followers answers for that date."""
        body = {
            "status": status,
            "followers": followers,
            "targetedReaches": targeted_reaches,
            "blocks": blocks,
        }
        with self._lock:
            self._state.insights[date_yyyymmdd] = body

    def set_quota(self, *, limit: int | None, used: int = 0) -> None:
        """Monthly quota: ``limit=None`` is type "none". Sends after this add to ``used``."""
        with self._lock:
            self._state.quota_limit = limit
            self._state.quota_used = used
            self._state.consumed = 0

    def fail(
        self,
        path_prefix: str,
        status: int,
        *,
        times: int = 1,
        every_nth: int | None = None,
        message: str | None = None,
    ) -> None:
        """Answer ``status`` for the next ``times`` calls whose path starts with
        ``path_prefix`` or, with ``every_nth``, for every nth such call until ``clear_faults``.

        A failed call changes nothing: no delivery, no reply-token use, no retry-key acceptance.
        """
        if every_nth is not None and every_nth < 1:
            raise ValueError("every_nth must be 1 or more")
        text = message or FAULT_MESSAGES.get(status, "Error")
        rule = FaultRule(path_prefix, status, text, times=times, every_nth=every_nth)
        with self._lock:
            self._state.faults.append(rule)

    def set_round_trip(self, seconds: float) -> None:
        """Make every call take ``seconds`` longer, as the way to LINE's servers and back does
        (calls still overlap: the wait is outside the lock)."""
        with self._lock:
            self._state.round_trip_s = seconds

    def hang(
        self, path_prefix: str, seconds: float, *, times: int = 1, takes_it: bool = False
    ) -> None:
        """Hold the next ``times`` calls whose path starts with ``path_prefix`` for ``seconds``,
        then fail them with 500 (a caller with a shorter timeout has given up by then). Other
        calls are served meanwhile. A hung call changes nothing; with ``takes_it`` it is
        carried out at once (delivered, its reply token spent) and only its answer is late,
        as when LINE's response is lost on the way back."""
        rule = FaultRule(
            path_prefix, 500, FAULT_MESSAGES[500], times=times, seconds=seconds, takes_it=takes_it
        )
        with self._lock:
            self._state.hangs.append(rule)

    def clear_faults(self) -> None:
        """Drop every fault and hang rule."""
        with self._lock:
            self._state.faults.clear()
            self._state.hangs.clear()

    @property
    def rich_menus(self) -> dict[str, dict[str, Any]]:
        """Rich menus created so far, by ID (a copy)."""
        with self._lock:
            return copy.deepcopy(self._state.rich_menus)

    @property
    def default_rich_menu_id(self) -> str | None:
        """The default rich menu's ID, if one is set."""
        with self._lock:
            return self._state.default_rich_menu_id
