"""The stand-in's in-memory state.

It is a fake external service, so memory is the right store. Every read and write happens under
``StandIn``'s lock; the functions here assume the caller holds it.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from bot.line.standin.limits import FaultRule, RetryKeys, TokenBucket
from bot.line.standin.records import Delivery, RecordedCall


@dataclass
class ReplyToken:
    """A minted reply token: who it answers and until when (monotonic seconds)."""

    user_id: str
    expires_at: float


@dataclass
class State:
    """Everything the stand-in knows. Configuration survives ``clear()``; traffic does not."""

    access_token: str
    bucket: TokenBucket | None = None
    # traffic
    calls: list[RecordedCall] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    reply_tokens: dict[str, ReplyToken] = field(default_factory=dict)
    retry_keys: RetryKeys = field(default_factory=RetryKeys)
    consumed: int = 0  # messages counted against the quota since configuration
    follower_pages: dict[str, int] = field(default_factory=dict)  # `next` token -> offset
    # configuration
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    followers: list[str] = field(default_factory=list)
    insights: dict[str, dict[str, Any]] = field(default_factory=dict)
    quota_limit: int | None = None
    quota_used: int = 0
    faults: list[FaultRule] = field(default_factory=list)
    hangs: list[FaultRule] = field(default_factory=list)
    round_trip_s: float = 0.0  # added to every call, outside the lock
    # rich menus are configuration the bot itself creates, so clear() keeps them too
    rich_menus: dict[str, dict[str, Any]] = field(default_factory=dict)
    rich_menu_images: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    default_rich_menu_id: str | None = None

    def clear_traffic(self) -> None:
        """Forget calls, deliveries and tokens, keeping configuration."""
        self.calls.clear()
        self.deliveries.clear()
        self.reply_tokens.clear()
        self.retry_keys.clear()
        self.follower_pages.clear()
        self.consumed = 0

    def known_followers(self) -> list[str]:
        """Who a broadcast reaches: the configured followers plus every user with a profile
        (LINE only serves profiles of friends, so a profile implies friendship)."""
        seen = dict.fromkeys(self.followers)
        seen.update(dict.fromkeys(self.profiles))
        return list(seen)

    def deliver(self, to: str, messages: list[dict[str, Any]], via: str) -> None:
        """Record the delivery of ``messages`` to one recipient."""
        now = time.time()
        self.deliveries.extend(Delivery(to, m, via, now) for m in messages)

    def quota_left(self) -> int | None:
        """Messages still allowed this month, or None when the plan has no limit."""
        if self.quota_limit is None:
            return None
        return self.quota_limit - self.quota_used - self.consumed

    def take_hang(self, path: str) -> FaultRule | None:
        """The hang rule that holds this call, if any; spent rules are dropped."""
        for rule in self.hangs:
            if rule.fires(path):
                if rule.spent:
                    self.hangs.remove(rule)
                return rule
        return None

    def take_fault(self, path: str) -> FaultRule | None:
        """The fault rule that fails this call, if any; spent rules are dropped."""
        for rule in self.faults:
            if rule.fires(path):
                if rule.spent:
                    self.faults.remove(rule)
                return rule
        return None


# Quote tokens and message IDs only need to look like LINE's and be unique.
def new_message_id() -> str:
    """An 18-digit numeric message ID, like LINE's."""
    return str(10**17 + secrets.randbelow(9 * 10**17))


def new_quote_token() -> str:
    """An opaque quote token."""
    return secrets.token_urlsafe(48)
