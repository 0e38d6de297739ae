"""Rate limiting, retry-key bookkeeping and fault injection for the stand-in."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

# LINE asks for "a hexadecimal UUID" in X-Line-Retry-Key: the 8-4-4-4-12 form, any version.
_UUID_RE = re.compile(r"^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")

RETRY_KEY_TTL_S = 24 * 60 * 60


def is_retry_key(value: str) -> bool:
    """Whether ``value`` is a retry key LINE would accept."""
    return bool(_UUID_RE.match(value))


class TokenBucket:
    """Token bucket holding ``rate`` tokens, refilled at ``rate`` per second.

    It has its own lock so it stays safe even if called outside the stand-in's lock.
    """

    def __init__(self, rate_per_s: float) -> None:
        if rate_per_s <= 0:
            raise ValueError("rate_per_s must be positive")
        self.rate = rate_per_s
        # A capacity below one token would refuse everything; LINE's limits are whole requests.
        self.capacity = max(rate_per_s, 1.0)
        self._tokens = self.capacity
        self._last = time.monotonic()
        self._lock = threading.Lock()

    def take(self) -> bool:
        """Consume one token if available; False means "answer 429"."""
        with self._lock:
            now = time.monotonic()
            self._tokens = min(self.capacity, self._tokens + (now - self._last) * self.rate)
            self._last = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return True
            return False


@dataclass
class AcceptedKey:
    """A retry key whose request LINE accepted, with what it answered then."""

    request_id: str
    at: float
    sent_messages: list[dict[str, Any]] | None = None


@dataclass
class RetryKeys:
    """Accepted ``X-Line-Retry-Key`` values, forgotten after 24 hours as LINE does."""

    ttl_s: float = RETRY_KEY_TTL_S
    _accepted: dict[str, AcceptedKey] = field(default_factory=dict)

    def accepted(self, key: str) -> AcceptedKey | None:
        """The earlier acceptance of ``key``, if still within the TTL."""
        found = self._accepted.get(key.lower())
        if found is None:
            return None
        if time.monotonic() - found.at > self.ttl_s:
            del self._accepted[key.lower()]
            return None
        return found

    def accept(self, key: str, request_id: str, sent: list[dict[str, Any]] | None) -> None:
        """Remember that the request carrying ``key`` succeeded (only success counts)."""
        self._accepted[key.lower()] = AcceptedKey(request_id, time.monotonic(), sent)

    def clear(self) -> None:
        """Forget every key."""
        self._accepted.clear()


@dataclass
class FaultRule:
    """Answer ``status`` for matching calls: the next ``times`` ones, or every nth one."""

    path_prefix: str
    status: int
    message: str
    times: int = 1
    every_nth: int | None = None
    seen: int = 0
    seconds: float = 0.0  # a hang rule: how long the call waits before it fails
    takes_it: bool = False  # a hang rule: the call is carried out first, then answered late

    def fires(self, path: str) -> bool:
        """Count a call to ``path`` and say whether this rule fails it."""
        if not path.startswith(self.path_prefix):
            return False
        if self.every_nth is not None:
            self.seen += 1
            return self.seen % self.every_nth == 0
        if self.times > 0:
            self.times -= 1
            return True
        return False

    @property
    def spent(self) -> bool:
        """A ``times`` rule is done once it has fired that often; an every-nth rule never is."""
        return self.every_nth is None and self.times <= 0


# What LINE says for the statuses tests usually inject, so injected faults look real.
FAULT_MESSAGES = {
    400: "The request body has 1 error(s)",
    401: (
        "Authentication failed. Confirm that the access token in the authorization header is valid."
    ),
    403: "Access to this API is not available for your account",
    404: "Not found",
    409: "The retry key is already accepted",
    429: "The API rate limit has been exceeded. Try again later.",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service unavailable",
    504: "Gateway timeout",
}
