"""follower large text: a resident's choice of larger text in every card (受信設定)

Revision ID: 0010_follower_large_text
Revises: 0009_pending_messages
Create Date: 2026-12-03 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_follower_large_text"
down_revision = "0009_pending_messages"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Every resident who follows today keeps the cards they know until they choose otherwise.
    with op.batch_alter_table("followers") as batch:
        batch.add_column(
            sa.Column("large_text", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("followers") as batch:
        batch.drop_column("large_text")
