"""Staff phrasings: unanswered questions that staff attached to an existing entry ("residents ask
it like this"), kept as training examples for the router and the details model.

A cluster of unanswered questions (bot.residents.unanswered) is attached as a whole: each of
its wordings becomes one row, masked again for personal data (the unanswered texts were masked
when kept, but the rules may have grown since, and a phrasing outlives the 90 days of an
unanswered question). Who attached it and when are kept on the row, and each step is in the
audit log. Nothing here retrains: that is `python -m bot router train` or the console's button.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.core.models import TrainingPhrase
from bot.core.privacy import mask_personal_data
from bot.core.text import normalize
from bot.staff import audit


def attach_cluster(
    db: Session, texts: list[str], intent: str, entry_key: str, actor: str
) -> list[TrainingPhrase]:
    """Keep each wording of a cluster as a phrasing of (intent, entry); wordings already kept
    for that entry are skipped. Returns the new rows (in the caller's transaction)."""
    wanted = []
    for text in texts:
        masked = mask_personal_data(normalize(text))[: TrainingPhrase.MAX_TEXT].strip()
        if masked and masked not in wanted:
            wanted.append(masked)
    kept = set(
        db.scalars(
            select(TrainingPhrase.text).where(
                TrainingPhrase.intent == intent,
                TrainingPhrase.entry_key == entry_key,
                TrainingPhrase.text.in_(wanted),
            )
        )
    )
    added = [
        TrainingPhrase(text=text, intent=intent, entry_key=entry_key, added_by=actor)
        for text in wanted
        if text not in kept
    ]
    db.add_all(added)
    audit.record(
        db,
        actor,
        "phrasings.attach",
        f"{intent}/{entry_key}",
        added=len(added),
        example=wanted[0] if wanted else "",
    )
    return added


def detach(db: Session, phrase_id: int, actor: str) -> TrainingPhrase | None:
    """Delete one phrasing (the next retraining no longer learns it); None when it is gone."""
    phrase = db.get(TrainingPhrase, phrase_id)
    if phrase is None:
        return None
    db.execute(delete(TrainingPhrase).where(TrainingPhrase.id == phrase_id))
    audit.record(
        db, actor, "phrasings.detach", f"{phrase.intent}/{phrase.entry_key}", text=phrase.text
    )
    return phrase


def all_phrasings(db: Session) -> list[TrainingPhrase]:
    """Every phrasing, newest first."""
    query = select(TrainingPhrase).order_by(TrainingPhrase.added_at.desc(), TrainingPhrase.id)
    return list(db.scalars(query))


def phrasing_rows(db: Session) -> list[tuple[str, str, str]]:
    """(text, intent, entry) of every phrasing, oldest first: what training reads."""
    query = select(TrainingPhrase.text, TrainingPhrase.intent, TrainingPhrase.entry_key)
    return [tuple(row) for row in db.execute(query.order_by(TrainingPhrase.id))]  # type: ignore[misc]
