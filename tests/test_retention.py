"""Retention: what the README promises to delete is deleted on time, and nothing earlier."""

import datetime as dt

from sqlalchemy import select

from bot.core.db import utcnow
from bot.core.models import (
    ConversationContext,
    Follower,
    LoginAttempt,
    ProcessedEvent,
    UnansweredQuestion,
)
from bot.residents.followers import adopt_follower
from bot.residents.housekeeping import purge_expired


def test_purge_deletes_only_what_is_past_its_retention_period(app):
    now = utcnow()
    with app.extensions["navi"].sessions() as db:
        db.add_all(
            [
                UnansweredQuestion(
                    text="91日前の質問", language="ja", asked_at=now - dt.timedelta(days=91)
                ),
                UnansweredQuestion(
                    text="89日前の質問", language="ja", asked_at=now - dt.timedelta(days=89)
                ),
                ProcessedEvent(webhook_event_id="OLD", received_at=now - dt.timedelta(days=8)),
                ProcessedEvent(webhook_event_id="NEW", received_at=now - dt.timedelta(days=1)),
                LoginAttempt(
                    email="a@example.jp",
                    ip="192.0.2.1",
                    succeeded=False,
                    at=now - dt.timedelta(minutes=20),
                ),
                LoginAttempt(
                    email="b@example.jp",
                    ip="192.0.2.2",
                    succeeded=False,
                    at=now - dt.timedelta(minutes=5),
                ),
            ]
        )
        gone = adopt_follower(db, "U" + "a" * 32, "seen")
        gone.following, gone.unfollowed_at = False, now - dt.timedelta(days=31)
        recent = adopt_follower(db, "U" + "b" * 32, "seen")
        recent.following, recent.unfollowed_at = False, now - dt.timedelta(days=29)
        staying = adopt_follower(db, "U" + "c" * 32, "seen")
        db.flush()
        db.add(
            ConversationContext(
                follower_id=staying.id,
                intent="contact",
                entry_key=None,
                data={},
                expires_at=now - dt.timedelta(minutes=1),
            )
        )
        db.commit()
        purged = purge_expired(db, now)
        assert (purged.unanswered, purged.event_ids, purged.contexts, purged.unfollowed) == (
            1,
            1,
            1,
            1,
        )
        assert db.scalars(select(UnansweredQuestion.text)).all() == ["89日前の質問"]
        assert db.scalars(select(ProcessedEvent.webhook_event_id)).all() == ["NEW"]
        remaining = set(db.scalars(select(Follower.line_user_id)))
        assert remaining == {"U" + "b" * 32, "U" + "c" * 32}
