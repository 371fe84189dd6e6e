"""safeguarding alerts and their notes, the danger-word list, actions taken, and the
"did anyone frighten or threaten you?" answer on ratings

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 10:45:57.210588
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "danger_words",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("word", sa.String(length=60), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_danger_words")),
        sa.UniqueConstraint("language", "word", name=op.f("uq_danger_words_language")),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rating_id", sa.Integer(), nullable=True),
        sa.Column("stakeholder_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("reasons", sa.String(length=80), nullable=False),
        sa.Column("matched_words", sa.String(length=300), nullable=True),
        sa.Column("survivor_id", sa.Integer(), nullable=True),
        sa.Column("field_worker_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "new",
                "in_progress",
                "closed",
                name="alertstatus",
                native_enum=False,
                create_constraint=True,
                length=19,
            ),
            nullable=False,
        ),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["users.id"], name=op.f("fk_alerts_assignee_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["field_worker_id"], ["users.id"], name=op.f("fk_alerts_field_worker_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["rating_id"],
            ["ratings.id"],
            name=op.f("fk_alerts_rating_id_ratings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["stakeholder_id"],
            ["stakeholders.id"],
            name=op.f("fk_alerts_stakeholder_id_stakeholders"),
        ),
        sa.ForeignKeyConstraint(
            ["survivor_id"], ["survivors.id"], name=op.f("fk_alerts_survivor_id_survivors")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("rating_id", name=op.f("uq_alerts_rating_id")),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_alerts_field_worker_id"), ["field_worker_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_alerts_stakeholder_id"), ["stakeholder_id"], unique=False
        )

    op.create_table(
        "actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stakeholder_id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "meeting",
                "letter",
                "escalation",
                "training",
                "recognition",
                name="actionkind",
                native_enum=False,
                create_constraint=True,
                length=19,
            ),
            nullable=False,
        ),
        sa.Column(
            "escalated_to",
            sa.Enum(
                "dm",
                "sp",
                "dlsa",
                "scpcr",
                name="escalatedto",
                native_enum=False,
                create_constraint=True,
                length=13,
            ),
            nullable=True,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "agreed",
                "done",
                name="actionstatus",
                native_enum=False,
                create_constraint=True,
                length=14,
            ),
            nullable=False,
        ),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("summary_bn", sa.String(length=300), nullable=True),
        sa.Column("summary_hi", sa.String(length=300), nullable=True),
        sa.Column("summary_en", sa.String(length=300), nullable=True),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_actions_alert_id_alerts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_actions_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["stakeholder_id"],
            ["stakeholders.id"],
            name=op.f("fk_actions_stakeholder_id_stakeholders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actions")),
    )
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_actions_stakeholder_id"), ["stakeholder_id"], unique=False
        )

    op.create_table(
        "alert_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_alert_notes_alert_id_alerts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_alert_notes_author_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_notes")),
    )
    with op.batch_alter_table("alert_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_notes_alert_id"), ["alert_id"], unique=False)

    # A plain ADD COLUMN: a batch operation would copy the whole ratings table on SQLite.
    op.add_column("ratings", sa.Column("felt_unsafe", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.drop_column("felt_unsafe")

    with op.batch_alter_table("alert_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_notes_alert_id"))

    op.drop_table("alert_notes")
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actions_stakeholder_id"))

    op.drop_table("actions")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alerts_stakeholder_id"))
        batch_op.drop_index(batch_op.f("ix_alerts_field_worker_id"))

    op.drop_table("alerts")
    op.drop_table("danger_words")
