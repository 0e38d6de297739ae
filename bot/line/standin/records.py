"""Records the stand-in keeps, the handler context, and LINE's response shapes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

if TYPE_CHECKING:
    from bot.line.standin.state import State

# Headers that must never be stored: a recorded call may end up in logs, test output or the
# chat simulator's screen, and the channel access token is a secret.
REDACTED_HEADERS = frozenset({"authorization", "cookie"})


@dataclass(frozen=True)
class RecordedCall:
    """One HTTP call the stand-in received, with the status it answered."""

    method: str
    path: str
    headers: dict[str, str]
    json: Any
    status: int
    at: float
    query: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Delivery:
    """One message object delivered to one user (or group/room) ID."""

    to: str
    message: dict[str, Any]
    via: str  # "reply" | "push" | "multicast" | "broadcast"
    at: float


@dataclass
class Ctx:
    """What a handler gets: the request, its parsed JSON body and our request ID.

    Handlers run with the stand-in's lock held, so they may read and change ``state`` freely.
    """

    request: Request
    body: bytes
    json: Any
    request_id: str
    state: State


def safe_headers(headers: Any) -> dict[str, str]:
    """Copy request headers, dropping the ones that carry secrets."""
    return {k: v for k, v in headers.items() if k.lower() not in REDACTED_HEADERS}


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON response in LINE's style (compact UTF-8)."""
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return Response(text, status=status, headers=headers, content_type="application/json")


def line_error(
    status: int,
    message: str,
    details: list[dict[str, str]] | None = None,
    *,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response:
    """LINE's error body: ``{"message": ..., "details": [{"message", "property"}]}``.

    ``details`` is omitted when empty, as LINE does.
    """
    body: dict[str, Any] = {"message": message}
    if details:
        body["details"] = details
    if extra:
        body.update(extra)
    return json_response(body, status, headers)


def body_errors(details: list[dict[str, str]]) -> Response:
    """The 400 LINE answers for a request body that fails validation."""
    return line_error(400, f"The request body has {len(details)} error(s)", details)
