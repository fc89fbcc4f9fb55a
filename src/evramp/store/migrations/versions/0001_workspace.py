"""The workspace: scenarios, revisions as deltas, plans.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scenario",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("created", sa.String(32), nullable=False),
    )
    op.create_table(
        "revision",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("scenario_id", sa.Integer, sa.ForeignKey("scenario.id"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("revision.id"), nullable=True),
        sa.Column("full", sa.Boolean, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False, index=True),
        sa.Column("header", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("stored_rows", sa.Integer, nullable=False),
        sa.Column("created", sa.String(32), nullable=False),
        sa.Column("evramp_version", sa.String(40), nullable=False),
        sa.UniqueConstraint("scenario_id", "number"),
    )
    op.create_table(
        "revision_table",
        sa.Column("revision_id", sa.Integer, sa.ForeignKey("revision.id"), primary_key=True),
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("columns", sa.Text, nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
    )
    op.create_table(
        "revision_row",
        sa.Column("revision_id", sa.Integer, sa.ForeignKey("revision.id"), primary_key=True),
        sa.Column("table_name", sa.String(40), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("content", sa.Text, nullable=True),
    )
    op.create_table(
        "plan",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("revision_id", sa.Integer, sa.ForeignKey("revision.id"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("options", sa.Text, nullable=False),
        sa.Column("status", sa.String(80), nullable=False),
        sa.Column("objective", sa.Float, nullable=False),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("created", sa.String(32), nullable=False),
        sa.Column("evramp_version", sa.String(40), nullable=False),
        sa.Column("highs_version", sa.String(40), nullable=False),
        sa.UniqueConstraint("revision_id", "number"),
    )
    op.create_index("ix_plan_revision_id", "plan", ["revision_id"])
    op.create_table(
        "plan_part",
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("plan.id"), primary_key=True),
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    for name in ("plan_part", "plan", "revision_row", "revision_table", "revision", "scenario"):
        op.drop_table(name)
