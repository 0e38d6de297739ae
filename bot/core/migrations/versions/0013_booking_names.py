"""booking names: what to bring as staff write it, and names asked at booking for the door

Revision ID: 0013_booking_names
Revises: 0012_staff_phrasings
Create Date: 2026-12-02 05:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_booking_names"
down_revision = "0012_staff_phrasings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Sessions saved before keep their cards as they were: nothing to bring written, no names.
    with op.batch_alter_table("class_sessions") as batch:
        batch.add_column(sa.Column("bring", sa.Text(), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("asks_name", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("reservations") as batch:
        batch.add_column(sa.Column("name", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("name_kana", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reservations") as batch:
        batch.drop_column("name_kana")
        batch.drop_column("name")
    with op.batch_alter_table("class_sessions") as batch:
        batch.drop_column("asks_name")
        batch.drop_column("bring")
