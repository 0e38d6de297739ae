"""The LINE gateway: the one module that talks to the Messaging API.

Built from settings and handed to whoever needs it. It speaks in plain message dicts (LINE's own
JSON), sends them with line-bot-sdk v3 (replies and pushes through its HTTP client as they are,
everything else as the SDK's requests), puts a timeout on every call, and maps the SDK's errors
(ApiException, urllib3 timeouts) onto our own, so callers decide retry-or-record without
knowing the SDK.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any

import urllib3.exceptions
from linebot.v3.insight import ApiClient as InsightApiClient
from linebot.v3.insight import ApiException as InsightApiException
from linebot.v3.insight import Configuration as InsightConfiguration
from linebot.v3.insight import Insight
from linebot.v3.messaging import ApiClient as MessagingApiClient
from linebot.v3.messaging import ApiException as MessagingApiException
from linebot.v3.messaging import (
    BroadcastRequest,
    MessagingApi,
    MessagingApiBlob,
    MulticastRequest,
    RichMenuRequest,
    ShowLoadingAnimationRequest,
)
from linebot.v3.messaging import Configuration as MessagingConfiguration

log = logging.getLogger(__name__)

# (connect, read) seconds. LINE answers in well under a second; a hung call must not hold a
# thread for long: what times out is kept by the outbox and sent again (bot.line.outbox).
REQUEST_TIMEOUT = (2.05, 5)

Message = dict[str, Any]

# LINE's refusals that only staff can end: an access token LINE no longer takes (expired,
# reissued), and a plan or permission that does not allow the call.
REFUSED_TOKEN = 401
REFUSED_PLAN = 403

# How LINE names the field it refused: in the message ("The property, 'to[3]', in the request
# body is invalid") or, for "The request body has N error(s)", in each detail's "property".
_PROPERTY_IN_MESSAGE = re.compile(r"The property, '([^']*)'")
_RECIPIENT_PROPERTY = re.compile(r"to(\[\d+\])?")


class LineError(Exception):
    """A Messaging API call failed. `status` is the HTTP status, or None for a network failure."""

    def __init__(
        self,
        status: int | None,
        message: str,
        *,
        request_id: str | None = None,
        properties: tuple[str, ...] = (),
        may_have_arrived: bool = False,
    ):
        super().__init__(f"LINE API {status or 'network'} error: {message}")
        self.status = status
        self.message = message
        self.request_id = request_id
        self.properties = properties  # the request fields LINE named as invalid
        # The request was sent and no answer came (a read timeout, a dropped connection):
        # LINE may have taken it. A failure to connect never reached LINE.
        self.may_have_arrived = may_have_arrived

    @property
    def retryable(self) -> bool:
        """429, 5xx and network failures are worth another try with the same retry key."""
        return self.status is None or self.status == 429 or self.status >= 500

    @property
    def ours_to_fix(self) -> bool:
        """401 or 403: LINE refused our access token (expired, reissued) or our plan, not the
        request; once staff fix that, the same request goes through."""
        return self.status in (REFUSED_TOKEN, REFUSED_PLAN)

    @property
    def already_accepted(self) -> bool:
        """409 on a retry key: LINE already took this request, so it counts as delivered."""
        return self.status == 409

    @property
    def refuses_recipient(self) -> bool:
        """400 naming `to` or `to[N]`: LINE refused a recipient's ID, not the message, so the
        same request without that ID would go through."""
        return self.status == 400 and any(
            _RECIPIENT_PROPERTY.fullmatch(name) for name in self.properties
        )


class InvalidReplyToken(LineError):
    """The reply token was used, expired or unknown; the caller may fall back to push."""


@dataclass(frozen=True)
class Profile:
    """The parts of a LINE profile we use: the name to greet and the language to answer in."""

    user_id: str
    display_name: str
    language: str | None


def _error_from(exc: Exception) -> LineError:
    """Turn an SDK or network exception into a LineError without losing status or message."""
    if isinstance(exc, MessagingApiException | InsightApiException):
        message, properties = _error_body(exc.body)
        message = message or str(exc.reason)
        headers = exc.headers or {}
        request_id = headers.get("x-line-request-id") or headers.get("X-Line-Request-Id")
        if exc.status == 400 and "reply token" in message.lower():
            return InvalidReplyToken(exc.status, message, request_id=request_id)
        return LineError(exc.status, message, request_id=request_id, properties=properties)
    reason = exc.reason if isinstance(exc, urllib3.exceptions.MaxRetryError) else exc
    return LineError(
        None,
        type(reason).__name__,
        may_have_arrived=isinstance(reason, _SENT_WITHOUT_AN_ANSWER),
    )


def _error_body(body: str | bytes | None) -> tuple[str, tuple[str, ...]]:
    """LINE's error JSON: its human message and the fields it names as invalid; nothing if the
    body is not JSON."""
    try:
        error = json.loads(body or "")
        message = str(error.get("message", ""))
        details = error.get("details") or []
        named = [str(d.get("property", "")) for d in details if isinstance(d, dict)]
    except (ValueError, AttributeError, TypeError):
        return "", ()
    return message, tuple(_PROPERTY_IN_MESSAGE.findall(message) + [n for n in named if n])


_NETWORK_ERRORS = (urllib3.exceptions.HTTPError, OSError)
_SENT_WITHOUT_AN_ANSWER = (urllib3.exceptions.ReadTimeoutError, urllib3.exceptions.ProtocolError)


class LineGateway:
    """Reply, push, multicast, broadcast, profile, followers, insight, quota and rich menus."""

    def __init__(self, access_token: str, base_url: str, timeout=REQUEST_TIMEOUT):
        self.timeout = timeout
        messaging_config = MessagingConfiguration(access_token=access_token, host=base_url)
        insight_config = InsightConfiguration(access_token=access_token, host=base_url)
        self._messaging_client = MessagingApiClient(messaging_config)
        self._insight_client = InsightApiClient(insight_config)
        self._messaging = MessagingApi(self._messaging_client)
        self._blob = MessagingApiBlob(self._messaging_client)
        self._insight = Insight(self._insight_client)

    def _call(self, operation, *args, **kwargs):
        """Run one SDK call with our timeout and our errors."""
        try:
            return operation(*args, _request_timeout=self.timeout, **kwargs)
        except (MessagingApiException, InsightApiException, *_NETWORK_ERRORS) as exc:
            raise _error_from(exc) from exc

    def _post_json(self, path: str, body: dict[str, Any], headers: dict[str, str] | None = None):
        """POST a body of LINE's own JSON through the SDK's HTTP client (auth, pool, errors).

        Replies and pushes skip `MessagingApi`: it turns our dicts into pydantic models and
        back, which cost more than the HTTP round trip itself for a Flex answer (measured in
        bench/webhook.py). They skip the client's `call_api` too, which walks every value of
        the body to make it JSON-ready (about 0.1 ms of CPU for a card): ours is JSON already.
        LINE validates the body either way, as the stand-in does in tests.
        """
        client = self._messaging_client
        header_params = {
            "Accept": "application/json",
            "Content-Type": "application/json",
            **(headers or {}),
            **client.default_headers,
        }
        client.update_params_for_auth(header_params, None, ["Bearer"], path, "POST", body)
        url = client.configuration.host + path
        return self._call(client.request, "POST", url, headers=header_params, body=body)

    def reply(self, reply_token: str, messages: list[Message]) -> None:
        """Answer a webhook event (free of charge; the token works once, for about a minute)."""
        self._post_json("/v2/bot/message/reply", {"replyToken": reply_token, "messages": messages})

    def push(self, user_id: str, messages: list[Message], retry_key: str) -> None:
        """Send to one resident outside a reply; the retry key makes a retry safe."""
        self._post_json(
            "/v2/bot/message/push",
            {"to": user_id, "messages": messages},
            headers={"X-Line-Retry-Key": retry_key},
        )

    def multicast(self, user_ids: list[str], messages: list[Message], retry_key: str) -> None:
        """Send to up to 500 residents in one request."""
        request = MulticastRequest.from_dict({"to": user_ids, "messages": messages})
        self._call(self._messaging.multicast, request, x_line_retry_key=retry_key)

    def prepare_messages(self, messages: list[Message]) -> list:
        """Validate messages once, for many multicasts of the same announcement."""
        return MulticastRequest.from_dict({"to": ["U0"], "messages": messages}).messages

    def multicast_prepared(self, user_ids: list[str], prepared: list, retry_key: str) -> None:
        """Multicast already-validated messages; skips re-validating 500 of our own IDs per
        call, which otherwise costs more than the HTTP round trip."""
        request = MulticastRequest.construct(to=user_ids, messages=prepared)
        self._call(self._messaging.multicast, request, x_line_retry_key=retry_key)

    def broadcast(self, messages: list[Message], retry_key: str) -> None:
        """Send to every friend of the account (staff use topics instead, see announcements)."""
        request = BroadcastRequest.from_dict({"messages": messages})
        self._call(self._messaging.broadcast, request, x_line_retry_key=retry_key)

    def profile(self, user_id: str) -> Profile | None:
        """The resident's profile, or None when LINE will not give it (blocked, no consent)."""
        try:
            found = self._call(self._messaging.get_profile, user_id)
        except LineError as error:
            if error.status == 404:
                return None
            raise
        return Profile(found.user_id, found.display_name, found.language)

    def follower_ids(
        self, start: str | None = None, limit: int = 1000
    ) -> tuple[list[str], str | None]:
        """One page of follower IDs and the token of the next page (None on the last)."""
        page = self._call(self._messaging.get_followers, start=start, limit=limit)
        return list(page.user_ids), page.next

    def follower_insight(self, date_yyyymmdd: str) -> dict[str, Any]:
        """LINE's follower figures for one JST date: status, followers, targetedReaches, blocks."""
        found = self._call(self._insight.get_number_of_followers, var_date=date_yyyymmdd)
        return {
            "status": found.status,
            "followers": found.followers,
            "targetedReaches": found.targeted_reaches,
            "blocks": found.blocks,
        }

    def quota(self) -> tuple[int | None, int]:
        """This month's message limit (None when unlimited) and how many have been used."""
        limit = self._call(self._messaging.get_message_quota)
        used = self._call(self._messaging.get_message_quota_consumption)
        return (limit.value if limit.type == "limited" else None), used.total_usage

    def show_loading(self, user_id: str, seconds: int = 5) -> None:
        """Show the typing indicator while slow work runs (5–60 s, in steps of 5)."""
        request = ShowLoadingAnimationRequest(chatId=user_id, loadingSeconds=seconds)
        self._call(self._messaging.show_loading_animation, request)

    def create_rich_menu(self, menu: dict[str, Any], image: bytes, content_type: str) -> str:
        """Create a rich menu with its image; return its id."""
        created = self._call(self._messaging.create_rich_menu, RichMenuRequest.from_dict(menu))
        self._call(
            self._blob.set_rich_menu_image,
            created.rich_menu_id,
            body=image,
            _headers={"Content-Type": content_type},
        )
        return created.rich_menu_id

    def set_default_rich_menu(self, rich_menu_id: str) -> None:
        """Show this menu to every friend who has no menu of their own."""
        self._call(self._messaging.set_default_rich_menu, rich_menu_id)

    def close(self) -> None:
        """Release the HTTP connection pools."""
        self._messaging_client.close()
        self._insight_client.close()
