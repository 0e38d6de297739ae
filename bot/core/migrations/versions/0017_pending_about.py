"""pending about: what a kept message is about, so one about a cancelled booking is dropped

A reminder or a seat offer kept while LINE was down was sent later even when the resident had
cancelled the booking (or staff the session) meanwhile.

Revision ID: 0017_pending_about
Revises: 0016_answer_counts
Create Date: 2026-12-03 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_pending_about"
down_revision = "0016_answer_counts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Messages kept before are about nothing in particular: sent as they would have been.
    with op.batch_alter_table("pending_messages") as batch:
        batch.add_column(sa.Column("about", sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pending_messages") as batch:
        batch.drop_column("about")
