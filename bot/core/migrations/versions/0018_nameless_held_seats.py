"""nameless held seats: a reservation may outlive its resident

When a resident's data was deleted ("delete my data", or 30 days after a block) their
reservations went with them, and the classes they had attended dropped out of the year's
participants on the managers' dashboard. A seat in a session already held now stays with no
follower and no name (bot.residents.followers.keep_held_seats_nameless), so the column that
links it to the resident may be empty.

Revision ID: 0018_nameless_held_seats
Revises: 0017_pending_about
Create Date: 2026-12-03 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_nameless_held_seats"
down_revision = "0017_pending_about"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reservations") as batch:
        batch.alter_column("follower_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    # The schema before could not hold a seat without its resident: those seats go, and the
    # attendance figures they kept drop as they did then.
    op.execute("DELETE FROM reservations WHERE follower_id IS NULL")
    with op.batch_alter_table("reservations") as batch:
        batch.alter_column("follower_id", existing_type=sa.Integer(), nullable=False)
