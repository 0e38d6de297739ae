"""A daily copy of LINE's follower statistics, for the managers' dashboard.

LINE computes a day's figures about a day later: asking for yesterday (JST) may answer `unready`.
The job therefore fills in every missing or unready day of the last week each time it runs, and
runs hourly, so a late day is picked up without anyone noticing. 60 requests/hour is LINE's
limit for this endpoint; a normal run makes one.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.core.db import utcnow
from bot.core.models import InsightSnapshot
from bot.line.gateway import LineError, LineGateway

log = logging.getLogger(__name__)
JST = dt.timezone(dt.timedelta(hours=9))  # LINE's statistics days are JST, whatever BOT_TIMEZONE
LOOKBACK_DAYS = 7


def snapshot_follower_insight(
    sessions: sessionmaker, gateway: LineGateway, now: dt.datetime | None = None
) -> list[dt.date]:
    """Fetch every day of the last week not yet stored as ready; return the days now ready."""
    today = (now or utcnow()).astimezone(JST).date()
    days = [today - dt.timedelta(days=n) for n in range(1, LOOKBACK_DAYS + 1)]
    with sessions() as db:
        ready = set(
            db.scalars(
                select(InsightSnapshot.date).where(
                    InsightSnapshot.date.in_(days), InsightSnapshot.status != "unready"
                )
            )
        )
        fetched = []
        for day in sorted(set(days) - ready):
            try:
                figures = gateway.follower_insight(day.strftime("%Y%m%d"))
            except LineError as error:
                log.warning("insight for %s not fetched: %s", day, error.status)
                break  # LINE is unhappy (often 429); the next hourly run tries again
            snapshot = db.get(InsightSnapshot, day) or InsightSnapshot(date=day)
            snapshot.status = figures["status"]
            snapshot.followers = figures["followers"]
            snapshot.targeted_reaches = figures["targetedReaches"]
            snapshot.blocks = figures["blocks"]
            snapshot.fetched_at = utcnow()
            db.merge(snapshot)
            if figures["status"] == "ready":
                fetched.append(day)
        db.commit()
    return fetched
