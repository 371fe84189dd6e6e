"""releases: the protected tables every MIS output reads

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 16:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "releases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=10), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("k", sa.Integer(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("audience IN ('staff', 'funder')", name=op.f("ck_releases_audience")),
        sa.CheckConstraint(
            "status IN ('built', 'approved', 'withdrawn', 'superseded')",
            name=op.f("ck_releases_status"),
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["users.id"], name=op.f("fk_releases_approved_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_releases")),
    )
    op.create_index("ix_releases_audience_period", "releases", ["audience", "period"])
    op.create_table(
        "release_tables",
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=30), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["releases.id"],
            name=op.f("fk_release_tables_release_id_releases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("release_id", "name", name=op.f("pk_release_tables")),
    )


def downgrade() -> None:
    op.drop_table("release_tables")
    op.drop_index("ix_releases_audience_period", table_name="releases")
    op.drop_table("releases")
