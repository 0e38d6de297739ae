"""safety counts: help-line answers per category per day, counts only

The safety check answers a resident in crisis with help lines and keeps nothing of what they
wrote; managers see only how many such answers went out, per category and week.

Revision ID: 0007_safety_counts
Revises: 0006_follow_daily_erased
Create Date: 2026-12-01 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_safety_counts"
down_revision = "0006_follow_daily_erased"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "safety_counts",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "category", name=op.f("pk_safety_counts")),
    )


def downgrade() -> None:
    op.drop_table("safety_counts")
