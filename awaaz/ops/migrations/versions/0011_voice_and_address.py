"""voice clips (spoken prompts), the masculine forms of address for a boy survivor, and
ratings held until staff add the name a survivor typed

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 02:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(
        *values,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(v) for v in values) + 8,
    )


def upgrade() -> None:
    op.create_table(
        "voice_clips",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("prompt_key", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source", _enum("clipsource", "machine", "recording"), nullable=False),
        sa.Column("status", _enum("clipstatus", "pending", "approved", "rejected"), nullable=False),
        sa.Column("audio", sa.LargeBinary(), nullable=False),
        sa.Column("audio_sha256", sa.String(length=64), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_voice_clips_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_voice_clips_decided_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voice_clips")),
        sa.UniqueConstraint("prompt_key", "audio_sha256", name=op.f("uq_voice_clips_prompt_key")),
    )
    op.create_index(op.f("ix_voice_clips_audio_sha256"), "voice_clips", ["audio_sha256"])
    op.create_index("ix_voice_clips_lang_status", "voice_clips", ["lang", "status"])
    op.create_index(op.f("ix_voice_clips_prompt_key"), "voice_clips", ["prompt_key"])
    op.create_table(
        "held_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("suggestion_id", sa.Integer(), nullable=False),
        sa.Column("client_uuid", sa.Uuid(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["suggestion_id"],
            ["stakeholder_suggestions.id"],
            name=op.f("fk_held_ratings_suggestion_id_stakeholder_suggestions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_held_ratings")),
        sa.UniqueConstraint("client_uuid", name=op.f("uq_held_ratings_client_uuid")),
    )
    op.create_index(op.f("ix_held_ratings_suggestion_id"), "held_ratings", ["suggestion_id"])
    with op.batch_alter_table("survivors") as batch:
        batch.add_column(
            sa.Column("masculine_forms", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    op.drop_index(op.f("ix_held_ratings_suggestion_id"), table_name="held_ratings")
    op.drop_table("held_ratings")
    with op.batch_alter_table("survivors") as batch:
        batch.drop_column("masculine_forms")
    op.drop_index(op.f("ix_voice_clips_prompt_key"), table_name="voice_clips")
    op.drop_index(op.f("ix_voice_clips_audio_sha256"), table_name="voice_clips")
    op.drop_index("ix_voice_clips_lang_status", table_name="voice_clips")
    op.drop_table("voice_clips")
