"""Versions of answers and the two-person rule: staff submit, a manager or admin publishes.

- `submit` keeps a change as a pending version (nothing changes for residents).
- `approve` publishes it: only a manager or an admin, never the person who wrote it, and only
  while the version it was written on is still the live one. It raises the content revision,
  which every worker watches (bot.answers.live).
- `reject` closes it with a reason; it stays in the history.
- `restore` submits an old version's fields again as a new pending version, approved like any
  other: what was true once may not be true now, so a second person looks again.

Every step is a row of the audit log, in the same transaction as the change it records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.core.db import utcnow
from bot.core.models import AnswerVersion, ContentRevision
from bot.staff import audit, role_allows

APPROVER_ROLE = "manager"


class ReviewRefused(Exception):
    """A step the two-person rule does not allow; `code` says which (answers.refused.<code>)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def subject(topic: str, key: str) -> str:
    """How the audit log names an answer."""
    return f"answer:{topic}/{key}"


def history(db: Session, topic: str, key: str) -> list[AnswerVersion]:
    """Every version of one answer, newest first."""
    query = select(AnswerVersion).where(AnswerVersion.topic == topic, AnswerVersion.key == key)
    return list(db.scalars(query.order_by(AnswerVersion.number.desc())))


def live_versions(db: Session) -> list[AnswerVersion]:
    """Each answer's live version: its published version approved last (by revision)."""
    published = db.scalars(
        select(AnswerVersion)
        .where(AnswerVersion.status == "published")
        .order_by(AnswerVersion.revision, AnswerVersion.id)
    )
    live: dict[tuple[str, str], AnswerVersion] = {}
    for version in published:
        live[(version.topic, version.key)] = version
    return list(live.values())


def live_number(db: Session, topic: str, key: str) -> int:
    """The number of the version residents see now (0: the repository's YAML)."""
    number = db.scalar(
        select(AnswerVersion.number)
        .where(
            AnswerVersion.topic == topic,
            AnswerVersion.key == key,
            AnswerVersion.status == "published",
        )
        .order_by(AnswerVersion.revision.desc())
        .limit(1)
    )
    return number or 0


def pending_count(db: Session) -> int:
    """How many changes wait for approval."""
    query = select(func.count()).where(AnswerVersion.status == "pending")
    return db.scalar(query) or 0


def submit(
    db: Session,
    author: str,
    kind: str,
    topic: str,
    key: str,
    fields: dict[str, Any],
    restored_from: int | None = None,
) -> AnswerVersion:
    """Keep a change as a pending version (validated by the caller, bot.answers.fields)."""
    last = db.scalar(
        select(func.max(AnswerVersion.number)).where(
            AnswerVersion.topic == topic, AnswerVersion.key == key
        )
    )
    version = AnswerVersion(
        kind=kind,
        topic=topic,
        key=key,
        number=(last or 0) + 1,
        status="pending",
        fields=fields,
        based_on=live_number(db, topic, key),
        restored_from=restored_from,
        author=author,
        created_at=utcnow(),
        reason="",
    )
    db.add(version)
    db.flush()
    action = "answer.restore" if restored_from is not None else "answer.submit"
    detail = {"version": version.number, "kind": kind}
    if restored_from is not None:
        detail["restored_from"] = restored_from
    audit.record(db, author, action, subject(topic, key), **detail)
    return version


def approve(db: Session, version: AnswerVersion, actor: str, role: str) -> int:
    """Publish a pending version; returns the content revision it went live in."""
    _check_reviewer(version, actor, role)
    _claim(db, version, actor)
    revision = bump_revision(db)
    # Each version holds every field, so one written on an older version than the live one
    # would silently undo what was published since. Checked under the revision's row lock,
    # so of two such approvals at once the second sees the first.
    if version.based_on != live_number(db, version.topic, version.key):
        raise ReviewRefused("stale")
    version.status, version.revision = "published", revision
    audit.record(
        db,
        actor,
        "answer.approve",
        subject(version.topic, version.key),
        version=version.number,
        revision=revision,
    )
    return revision


def reject(db: Session, version: AnswerVersion, actor: str, role: str, reason: str) -> None:
    """Close a pending version without publishing it."""
    _check_reviewer(version, actor, role)
    _claim(db, version, actor)
    version.status, version.reason = "rejected", reason.strip()[:500]
    audit.record(
        db, actor, "answer.reject", subject(version.topic, version.key), version=version.number
    )


def restore(
    db: Session, author: str, kind: str, topic: str, key: str, number: int, fields: dict[str, Any]
) -> AnswerVersion:
    """Submit version `number`'s fields (0: the repository's) again, as a new pending version."""
    return submit(db, author, kind, topic, key, fields, restored_from=number)


def _check_reviewer(version: AnswerVersion, actor: str, role: str) -> None:
    """Only a manager or admin decides, only once, and never on their own change."""
    if not role_allows(role, APPROVER_ROLE):
        raise ReviewRefused("role")
    if version.status != "pending":
        raise ReviewRefused("decided")
    if version.author == actor:
        raise ReviewRefused("own")


def _claim(db: Session, version: AnswerVersion, actor: str) -> None:
    """Mark the version decided only if it is still pending: of two managers deciding at once,
    one wins and the other is told it was decided."""
    now = utcnow()
    claimed = db.execute(
        update(AnswerVersion)
        .where(AnswerVersion.id == version.id, AnswerVersion.status == "pending")
        .values(status="deciding", decided_by=actor, decided_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        raise ReviewRefused("decided")
    version.decided_by, version.decided_at = actor, now


def bump_revision(db: Session) -> int:
    """Raise the content revision by one (a row lock: two approvals get two numbers)."""
    raised = db.execute(
        update(ContentRevision)
        .where(ContentRevision.id == 1)
        .values(number=ContentRevision.number + 1, changed_at=utcnow())
    )
    if getattr(raised, "rowcount", 1) == 0:  # a database made without the migration's row
        db.add(ContentRevision(id=1, number=1, changed_at=utcnow()))
        db.flush()
    return db.scalar(select(ContentRevision.number).where(ContentRevision.id == 1)) or 0


def read_revision(db: Session) -> int:
    """The content revision now (0 before anything was published)."""
    return db.scalar(select(ContentRevision.number).where(ContentRevision.id == 1)) or 0


@dataclass(frozen=True)
class Change:
    """One field that differs between two versions."""

    lang: str  # "" for an area
    field: str
    before: Any
    after: Any


def differences(before: dict[str, Any], after: dict[str, Any], kind: str) -> list[Change]:
    """Field by field, what `after` changes of `before` (per language for an entry)."""
    if kind == "area":
        return _field_changes("", before, after)
    changes: list[Change] = []
    for lang in dict.fromkeys([*before, *after]):
        changes += _field_changes(lang, before.get(lang) or {}, after.get(lang) or {})
    return changes


def _field_changes(lang: str, before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    return [
        Change(lang, name, before.get(name), after.get(name))
        for name in dict.fromkeys([*before, *after])
        if before.get(name) != after.get(name)
    ]
