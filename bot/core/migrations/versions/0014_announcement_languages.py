"""announcement languages: announcements in English and やさしい日本語 beside Japanese, each
delivery batch in one language, and English titles and venues for class sessions

Revision ID: 0014_announcement_languages
Revises: 0013_booking_names
Create Date: 2026-12-02 05:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_announcement_languages"
down_revision = "0013_booking_names"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Announcements written before this revision were Japanese only: no translations, and every
    # batch already recorded carried the Japanese text.
    with op.batch_alter_table("announcements") as batch:
        batch.add_column(
            sa.Column("translations", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
    with op.batch_alter_table("delivery_batches") as batch:
        batch.add_column(
            sa.Column("language", sa.String(length=8), nullable=False, server_default="ja")
        )
    with op.batch_alter_table("class_sessions") as batch:
        batch.add_column(
            sa.Column("title_en", sa.String(length=200), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("venue_en", sa.String(length=200), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("class_sessions") as batch:
        batch.drop_column("venue_en")
        batch.drop_column("title_en")
    with op.batch_alter_table("delivery_batches") as batch:
        batch.drop_column("language")
    with op.batch_alter_table("announcements") as batch:
        batch.drop_column("translations")
