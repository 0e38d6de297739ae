"""Playing LINE's part towards the bot's webhook: signatures and event objects.

Events carry every field LINE sends (mode, timestamp, webhookEventId, deliveryContext,
quoteToken, follow.isUnblocked): the SDK's parser silently turns an event missing a required
field into ``UnknownEvent``, which would make a test pass for the wrong reason.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.line.standin.standin import StandIn

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
DEFAULT_DESTINATION = "U" + "deadbeef" * 4
# Itabashi City Office, so a location event lands inside the ward by default.
ITABASHI_OFFICE = (35.7512, 139.7094)


def sign_body(body: bytes, channel_secret: str) -> str:
    """The X-Line-Signature LINE would send: base64(HMAC-SHA256(secret, body))."""
    digest = hmac.new(channel_secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def new_ulid(now_ms: int | None = None) -> str:
    """A ULID: 48-bit millisecond time + 80 random bits, 26 Crockford base32 characters."""
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    value = (ms << 80) | secrets.randbits(80)
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def _message_id() -> str:
    return str(10**17 + secrets.randbelow(9 * 10**17))


class EventFactory:
    """Builds webhook events in LINE's exact shape.

    With a ``StandIn``, reply tokens are minted by it (so the bot's reply is accepted); without
    one they are random and only good for parsing. ``**overrides`` replace top-level event keys,
    e.g. ``mode="standby"`` or ``deliveryContext={"isRedelivery": True}``.
    """

    def __init__(self, standin: StandIn | None = None) -> None:
        self.standin = standin

    def _reply_token(self, user_id: str) -> str:
        if self.standin is not None:
            return self.standin.issue_reply_token(user_id)
        return secrets.token_hex(16)

    def _event(
        self,
        kind: str,
        user_id: str,
        overrides: dict[str, Any],
        *,
        reply: bool = True,
        **extra: Any,
    ) -> dict[str, Any]:
        now_ms = int(time.time() * 1000)
        event: dict[str, Any] = {
            "type": kind,
            "mode": "active",
            "timestamp": now_ms,
            "source": {"type": "user", "userId": user_id},
            "webhookEventId": new_ulid(now_ms),
            "deliveryContext": {"isRedelivery": False},
        }
        if reply:
            event["replyToken"] = self._reply_token(user_id)
        event.update(extra)
        event.update(overrides)
        return event

    def _message(self, user_id: str, message: dict[str, Any], overrides: dict) -> dict[str, Any]:
        return self._event("message", user_id, overrides, message={"id": _message_id(), **message})

    def text(self, user_id: str, text: str, **overrides: Any) -> dict[str, Any]:
        """A text message event."""
        body = {"type": "text", "quoteToken": secrets.token_urlsafe(16), "text": text}
        return self._message(user_id, body, overrides)

    def follow(self, user_id: str, is_unblocked: bool = False, **overrides: Any) -> dict[str, Any]:
        """A follow (friend added, or unblocked when ``is_unblocked``) event."""
        return self._event("follow", user_id, overrides, follow={"isUnblocked": is_unblocked})

    def unfollow(self, user_id: str, **overrides: Any) -> dict[str, Any]:
        """An unfollow (blocked) event; LINE sends no reply token with it."""
        return self._event("unfollow", user_id, overrides, reply=False)

    def postback(
        self, user_id: str, data: str, params: dict[str, Any] | None = None, **overrides: Any
    ) -> dict[str, Any]:
        """A postback event; ``params`` only for date pickers and rich menu switches."""
        postback: dict[str, Any] = {"data": data}
        if params is not None:
            postback["params"] = params
        return self._event("postback", user_id, overrides, postback=postback)

    def sticker(
        self, user_id: str, package_id: str = "446", sticker_id: str = "1988", **overrides: Any
    ) -> dict[str, Any]:
        """A sticker message event."""
        body = {
            "type": "sticker",
            "quoteToken": secrets.token_urlsafe(16),
            "packageId": package_id,
            "stickerId": sticker_id,
            "stickerResourceType": "STATIC",
            "keywords": [],
        }
        return self._message(user_id, body, overrides)

    def image(self, user_id: str, **overrides: Any) -> dict[str, Any]:
        """An image message event (content held by LINE)."""
        body = {
            "type": "image",
            "quoteToken": secrets.token_urlsafe(16),
            "contentProvider": {"type": "line"},
        }
        return self._message(user_id, body, overrides)

    def audio(self, user_id: str, duration_ms: int = 3000, **overrides: Any) -> dict[str, Any]:
        """An audio message event (no quoteToken: LINE does not allow quoting audio)."""
        body = {"type": "audio", "duration": duration_ms, "contentProvider": {"type": "line"}}
        return self._message(user_id, body, overrides)

    def location(
        self,
        user_id: str,
        latitude: float = ITABASHI_OFFICE[0],
        longitude: float = ITABASHI_OFFICE[1],
        title: str = "板橋区役所",
        address: str = "東京都板橋区板橋2-66-1",
        **overrides: Any,
    ) -> dict[str, Any]:
        """A location message event."""
        body = {
            "type": "location",
            "title": title,
            "address": address,
            "latitude": latitude,
            "longitude": longitude,
        }
        return self._message(user_id, body, overrides)

    @staticmethod
    def body(*events: dict[str, Any], destination: str = DEFAULT_DESTINATION) -> bytes:
        """The webhook request body: compact UTF-8 JSON ``{"destination", "events"}``."""
        payload = {"destination": destination, "events": list(events)}
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
