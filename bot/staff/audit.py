"""The audit log: one row per staff action or announcement, readable and exportable by admins."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot.core.models import AuditEntry


def record(db: Session, actor: str, action: str, subject: str = "", **detail: Any) -> None:
    """Add an audit row to the caller's transaction (it commits with the change it describes)."""
    db.add(AuditEntry(actor=actor, action=action, subject=subject, detail=detail))
