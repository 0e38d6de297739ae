"""pending messages: replies and pushes LINE did not take, retried until delivered

Revision ID: 0009_pending_messages
Revises: 0008_staff_session_version
Create Date: 2026-12-02 02:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_pending_messages"
down_revision = "0008_staff_session_version"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("line_user_id", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("messages", sa.JSON(), nullable=False),
        sa.Column("retry_key", sa.String(64), nullable=False, unique=True),
        sa.Column("reply_token", sa.String(64), nullable=True),
        sa.Column("attempts", sa.SmallInteger(), nullable=False),
        sa.Column("last_status", sa.SmallInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("given_up_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_pending_messages_next_attempt_at", "pending_messages", ["next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_pending_messages_next_attempt_at", table_name="pending_messages")
    op.drop_table("pending_messages")
