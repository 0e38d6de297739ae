"""follower class reminders: a resident's choice to receive the push the day before each
booked class (受信設定)

Revision ID: 0019_follower_class_reminders
Revises: 0018_nameless_held_seats
Create Date: 2026-12-03 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_follower_class_reminders"
down_revision = "0018_nameless_held_seats"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Every resident who follows today keeps the reminders they get until they choose otherwise.
    with op.batch_alter_table("followers") as batch:
        batch.add_column(
            sa.Column("class_reminders", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    with op.batch_alter_table("followers") as batch:
        batch.drop_column("class_reminders")
