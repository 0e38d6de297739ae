"""The official-page buttons of the bot's cards, each behind a short token (/r/<token>), so the
bot can count how many residents it sent to each page (issue 16 §4) without knowing who.

Only URLs written in content are in the table: a token is a hash of a topic and one of those
URLs, so /r/<token> can only ever lead to a page content names — never an open redirect — and
the same link keeps its token across restarts (cards already in residents' chats keep working).
Without a public base URL (PUBLIC_BASE_URL) cards link to the pages directly.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any

from bot.core.content import Content

# Counted as "other" when a URL is not one of a topic's own (the directory of other services).
DIRECTORY_TOPIC = "unknown"


@dataclass(frozen=True)
class Link:
    """Where a token leads, and the topic whose card carried it."""

    token: str
    url: str
    topic: str


def token_of(topic: str, url: str) -> str:
    """A short, stable token for a topic's link (16 letters of base32 of SHA-256)."""
    digest = hashlib.sha256(f"{topic}\n{url}".encode()).digest()
    return base64.b32encode(digest[:10]).decode().lower()


class LinkTable:
    """Every http(s) link content gives a card, by token and by (topic, URL)."""

    def __init__(self, content: Content, public_base_url: str | None):
        self.base_url = (public_base_url or "").rstrip("/")
        self.by_token: dict[str, Link] = {}
        self._by_url: dict[tuple[str, str], Link] = {}
        self._first_topic: dict[str, str] = {}
        for topic, url in content_links(content):
            link = Link(token_of(topic, url), url, topic)
            self.by_token[link.token] = link
            self._by_url[topic, url] = link
            self._first_topic.setdefault(url, topic)

    def find(self, token: str) -> Link | None:
        """The link behind a token (None for anything content does not name)."""
        return self.by_token.get(token)

    def tracked(self, answer: list[dict], topic: str | None) -> list[dict]:
        """The messages with each known page button going through /r/<token> (copies; the
        originals may be cached cards). Unchanged without a public base URL."""
        if not self.base_url:
            return answer
        return [self._rewrite(message, topic) for message in answer]

    def _rewrite(self, node: Any, topic: str | None) -> Any:
        if isinstance(node, list):
            return [self._rewrite(item, topic) for item in node]
        if not isinstance(node, dict):
            return node
        if node.get("type") == "uri" and isinstance(node.get("uri"), str):
            url = node["uri"]
            link = self._by_url.get((topic or "", url))
            if link is None and url in self._first_topic:
                link = self._by_url[self._first_topic[url], url]
            if link is not None:
                return {**node, "uri": f"{self.base_url}/r/{link.token}"}
            return node
        return {key: self._rewrite(value, topic) for key, value in node.items()}


def content_links(content: Content) -> list[tuple[str, str]]:
    """(topic, URL) of every page button content defines, in every language."""
    found: dict[tuple[str, str], None] = {}
    for code in content.languages.codes:
        for intent in content.catalogue.answered:
            try:
                topic = content.topic(intent, code)
            except KeyError:
                continue
            for entry in topic.entries:
                if entry.link and entry.link.url.startswith(("https://", "http://")):
                    found[intent, entry.link.url] = None
    if content.directory is not None:
        for area in content.directory.areas:
            if area.url:
                found[DIRECTORY_TOPIC, area.url] = None
        found[DIRECTORY_TOPIC, content.directory.fallback.url] = None
    return list(found)
