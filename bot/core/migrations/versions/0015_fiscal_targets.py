"""fiscal targets: the plan's KPI targets per fiscal year, monthly figures staff enter, and
the bot's own button taps (counts only)

Revision ID: 0015_fiscal_targets
Revises: 0014_announcement_languages
Create Date: 2026-12-02 05:30:00
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0015_fiscal_targets"
down_revision = "0014_announcement_languages"
branch_labels = None
depends_on = None

PLAN = "板橋区DX推進計画2025 後期実施計画"
# The plan's targets for FY2025 (R7), with R4's results where the plan gives them.
SEED = [
    ("followers", 33000.0, None, None),
    ("consultation_participants", 5600.0, None, None),
    ("class_participants", 200.0, None, None),
    ("konbini_share", 40.0, 31.8, 2022),
    ("online_applications", 46000.0, 38931.0, 2022),
]


def upgrade() -> None:
    targets = op.create_table(
        "kpi_targets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("indicator", sa.String(32), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("baseline", sa.Float(), nullable=True),
        sa.Column("baseline_year", sa.Integer(), nullable=True),
        sa.Column("updated_by", sa.String(254), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("indicator", "fiscal_year"),
    )
    op.create_table(
        "kpi_figures",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("indicator", sa.String(32), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("entered_by", sa.String(254), nullable=False),
        sa.Column("entered_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("indicator", "month"),
    )
    op.create_table(
        "link_clicks",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("token", sa.String(32), primary_key=True),
        sa.Column("topic", sa.String(32), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
    )
    # Seeded from the plan, so a new installation shows FY2025's targets and its results.
    op.bulk_insert(
        targets,
        [
            {
                "indicator": indicator,
                "fiscal_year": 2025,
                "value": value,
                "source": PLAN,
                "baseline": baseline,
                "baseline_year": baseline_year,
                "updated_by": "plan",
                "updated_at": dt.datetime(2026, 12, 2),
            }
            for indicator, value, baseline, baseline_year in SEED
        ],
    )


def downgrade() -> None:
    op.drop_table("link_clicks")
    op.drop_table("kpi_figures")
    op.drop_table("kpi_targets")
