"""Import follower IDs from LINE (`GET /v2/bot/followers/ids`, paged) into the database.

Idempotent: IDs we know are left alone, new ones get a row with every topic on. A synced ID
is someone who followed before the bot was listening: their follow has no known date, so the
ledger counts them from the sync (kind "synced").

Each new ID's language comes from their LINE profile (as at a follow), asked once, paced well
under LINE's limit on profile requests, which the webhook's own look-ups share. Without the
language catalogue (`sync-followers --no-languages`) the new IDs get the default language.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import sessionmaker

from bot.core.catalogue import LanguageCatalogue
from bot.line.gateway import LineError, LineGateway
from bot.line.pacing import Pacer
from bot.residents.followers import adopt_many, unknown_ids

log = logging.getLogger(__name__)

# LINE answers 2,000 profile requests a second for a channel; the sync takes at most half.
PROFILES_PER_S = 1000
# Waits after a 429 before asking for the same profile again; then the default language.
RATE_LIMITED_WAITS_S = (1.0, 2.0, 4.0)


@dataclass(frozen=True)
class SyncResult:
    """How many IDs LINE listed and how many were new to us."""

    seen: int
    added: int


def sync_followers(
    sessions: sessionmaker,
    gateway: LineGateway,
    progress: Callable[[int, int], None] | None = None,
    languages: LanguageCatalogue | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> SyncResult:
    """Read every page of follower IDs and add the unknown ones, one transaction per page; with
    `languages`, each in their LINE profile's language (asked outside the transaction)."""
    seen = added = 0
    start: str | None = None
    pace = Pacer(PROFILES_PER_S, sleep=sleep)
    while True:
        user_ids, start = gateway.follower_ids(start, limit=1000)
        spoken: dict[str, str] = {}
        if languages is not None:
            with sessions() as db:
                new_ids = unknown_ids(db, user_ids)
            for user_id in new_ids:
                spoken[user_id] = languages.for_profile(_profile_tag(gateway, user_id, pace))
        with sessions() as db:
            added += adopt_many(db, user_ids, "synced", spoken)
            db.commit()
        seen += len(user_ids)
        if progress:
            progress(seen, added)
        if not start:
            return SyncResult(seen, added)


def _profile_tag(gateway: LineGateway, user_id: str, pace: Pacer) -> str | None:
    """The language tag of one friend's profile; None when LINE does not say or will not
    answer (after waiting out a few 429s): they get the default language, as at a follow."""
    for wait in (*RATE_LIMITED_WAITS_S, None):
        pace.wait()
        try:
            profile = gateway.profile(user_id)
        except LineError as error:
            if error.status == 429 and wait is not None:
                pace.sleep(wait)
                continue
            log.warning("profile lookup failed: %s", error.status)
            return None
        return profile.language if profile else None
    return None
