"""answer versions: answers staff edit in the console, approved before residents see them

Revision ID: 0011_answer_versions
Revises: 0010_follower_large_text
Create Date: 2026-12-02 05:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_answer_versions"
down_revision = "0010_follower_large_text"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "answer_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("topic", sa.String(32), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("based_on", sa.Integer(), nullable=False),
        sa.Column("restored_from", sa.Integer(), nullable=True),
        sa.Column("author", sa.String(254), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by", sa.String(254), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.UniqueConstraint("topic", "key", "number", name=op.f("uq_answer_versions_topic")),
    )
    op.create_index("ix_answer_versions_status", "answer_versions", ["status"])
    op.create_table(
        "content_revision",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
    )
    # The one row every worker reads; publishing raises its number.
    op.execute(
        "INSERT INTO content_revision (id, number, changed_at) VALUES (1, 0, CURRENT_TIMESTAMP)"
    )
    op.create_table(
        "freshness_checks",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("due", sa.JSON(), nullable=False),
        sa.Column("checked_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("freshness_checks")
    op.drop_table("content_revision")
    op.drop_index("ix_answer_versions_status", table_name="answer_versions")
    op.drop_table("answer_versions")
