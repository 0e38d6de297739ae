"""Import follower IDs from LINE (`GET /v2/bot/followers/ids`, paged) into the database.

Idempotent: IDs we know are left alone, new ones get a row with every topic on. A synced ID
is someone who followed before the bot was listening: their follow has no known date, so the
ledger counts them from the sync (kind "synced").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import sessionmaker

from bot.line.gateway import LineGateway
from bot.residents.followers import adopt_many


@dataclass(frozen=True)
class SyncResult:
    """How many IDs LINE listed and how many were new to us."""

    seen: int
    added: int


def sync_followers(
    sessions: sessionmaker,
    gateway: LineGateway,
    progress: Callable[[int, int], None] | None = None,
) -> SyncResult:
    """Read every page of follower IDs and add the unknown ones, one transaction per page."""
    seen = added = 0
    start: str | None = None
    while True:
        user_ids, start = gateway.follower_ids(start, limit=1000)
        with sessions() as db:
            added += adopt_many(db, user_ids, "synced")
            db.commit()
        seen += len(user_ids)
        if progress:
            progress(seen, added)
        if not start:
            return SyncResult(seen, added)
