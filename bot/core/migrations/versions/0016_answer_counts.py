"""answer counts: how many times each answer (a topic's entry, or a directory area) was given
per day, counts only

The console's answers list shows how often each answer went out in the last 30 days; the bot
kept questions per topic only.

Revision ID: 0016_answer_counts
Revises: 0015_fiscal_targets
Create Date: 2026-12-02 07:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_answer_counts"
down_revision = "0015_fiscal_targets"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "answer_counts",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("topic", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "topic", "key", name=op.f("pk_answer_counts")),
    )


def downgrade() -> None:
    op.drop_table("answer_counts")
