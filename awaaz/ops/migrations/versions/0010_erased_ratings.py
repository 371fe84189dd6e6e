"""erased ratings: the UUIDs the retention purge erased, so that a replay is not stored again

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 23:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "erased_ratings",
        sa.Column("client_uuid", sa.Uuid(), nullable=False),
        sa.Column(
            "erased_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("client_uuid", name=op.f("pk_erased_ratings")),
    )


def downgrade() -> None:
    op.drop_table("erased_ratings")
