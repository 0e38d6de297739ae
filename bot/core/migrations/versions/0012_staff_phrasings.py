"""staff phrasings and router models: unanswered questions staff attached to an entry, and the
retrained router published from the console

Revision ID: 0012_staff_phrasings
Revises: 0011_answer_versions
Create Date: 2026-12-02 06:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_staff_phrasings"
down_revision = "0011_answer_versions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "training_phrases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("intent", sa.String(length=32), nullable=False),
        sa.Column("entry_key", sa.String(length=64), nullable=False),
        sa.Column("added_by", sa.String(length=200), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_phrases")),
        sa.UniqueConstraint("text", "intent", "entry_key", name=op.f("uq_training_phrases_text")),
    )
    op.create_table(
        "router_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("quick", sa.Boolean(), nullable=False),
        sa.Column("started_by", sa.String(length=200), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("phrases", sa.Integer(), nullable=False),
        sa.Column("live_accuracy", sa.Float(), nullable=True),
        sa.Column("new_accuracy", sa.Float(), nullable=True),
        sa.Column("router_json", sa.Text(), nullable=True),
        sa.Column("details_json", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_router_models")),
    )
    with op.batch_alter_table("router_models") as batch:
        batch.create_index(batch.f("ix_router_models_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("router_models") as batch:
        batch.drop_index(batch.f("ix_router_models_status"))
    op.drop_table("router_models")
    op.drop_table("training_phrases")
