"""class bring in English: what to bring to a session, for residents who read English (beside
its English title and venue)

Revision ID: 0020_class_bring_in_english
Revises: 0019_follower_class_reminders
Create Date: 2026-12-04 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_class_bring_in_english"
down_revision = "0019_follower_class_reminders"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Sessions saved before show English readers the Japanese 持ち物, as they did.
    with op.batch_alter_table("class_sessions") as batch:
        batch.add_column(
            sa.Column("bring_en", sa.String(length=300), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("class_sessions") as batch:
        batch.drop_column("bring_en")
