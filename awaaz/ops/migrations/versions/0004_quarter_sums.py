"""quarter sums: per-dimension rater means, indicator counts, item sums and a days histogram

Derived at write time so that every dashboard view of whole quarters reads narrow per-quarter
rows instead of the ratings. Existing data is summed here. The SQL is a frozen copy of
`models.ratings.REBUILD` as of this revision, so later model changes cannot alter history.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 07:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

DIMENSIONS = ("respect", "responsiveness", "integrity", "confidentiality")
STAKEHOLDER_COUNTS = ("submitted", "helped_n", "helped_yes", "money_n", "money_yes")


def _each(template: str) -> str:
    return ", ".join(template.format(d=d) for d in DIMENSIONS)


def _zero(name: str, kind: type) -> sa.Column:
    return sa.Column(name, kind(), server_default="0", nullable=False)


REBUILD = (
    "INSERT INTO rater_quarters (quarter, stakeholder_id, survivor_id, ratings, score_sum, "  # noqa: S608
    + _each("{d}_n, {d}_sum")
    + ") SELECT quarter, stakeholder_id, survivor_id, COUNT(score), SUM(score), "
    + _each("COUNT({d}), COALESCE(SUM({d}), 0)")
    + " FROM ratings WHERE score IS NOT NULL GROUP BY quarter, stakeholder_id, survivor_id",
    "INSERT INTO stakeholder_quarters (quarter, stakeholder_id, submitted, helped_n, "  # noqa: S608
    "helped_yes, money_n, money_yes, raters, ratings, sum_s, sumsq_s, "
    + _each("{d}_raters, {d}_sum, {d}_sumsq")
    + ") SELECT r.quarter, r.stakeholder_id, r.submitted, r.helped_n, r.helped_yes, "
    "r.money_n, r.money_yes, COALESCE(a.raters, 0), COALESCE(a.ratings, 0), "
    "COALESCE(a.sum_s, 0), COALESCE(a.sumsq_s, 0), "
    + _each("COALESCE(a.{d}_raters, 0), COALESCE(a.{d}_sum, 0), COALESCE(a.{d}_sumsq, 0)")
    + " FROM (SELECT quarter, stakeholder_id, COUNT(*) AS submitted, "
    "COUNT(fully_helped) AS helped_n, "
    "SUM(CASE WHEN fully_helped THEN 1 ELSE 0 END) AS helped_yes, "
    "COUNT(asked_money) AS money_n, SUM(CASE WHEN asked_money THEN 1 ELSE 0 END) AS money_yes "
    "FROM ratings GROUP BY quarter, stakeholder_id) r LEFT JOIN (SELECT quarter, "
    "stakeholder_id, COUNT(*) AS raters, SUM(ratings) AS ratings, "
    "SUM(score_sum / ratings) AS sum_s, "
    "SUM((score_sum / ratings) * (score_sum / ratings)) AS sumsq_s, "
    + _each(
        "COUNT(NULLIF({d}_n, 0)) AS {d}_raters, "
        "SUM({d}_sum / NULLIF({d}_n, 0)) AS {d}_sum, "
        "SUM(({d}_sum / NULLIF({d}_n, 0)) * ({d}_sum / NULLIF({d}_n, 0))) AS {d}_sumsq"
    )
    + " FROM rater_quarters GROUP BY quarter, stakeholder_id) a "
    "ON a.quarter = r.quarter AND a.stakeholder_id = r.stakeholder_id",
    "INSERT INTO item_quarters (quarter, stakeholder_id, item_id, answers, total) "
    "SELECT r.quarter, r.stakeholder_id, a.item_id, COUNT(*), SUM(a.normalised) "
    "FROM answers a JOIN ratings r ON r.id = a.rating_id WHERE a.normalised IS NOT NULL "
    "GROUP BY r.quarter, r.stakeholder_id, a.item_id",
    "INSERT INTO days_quarters (quarter, stakeholder_id, days, ratings) "
    "SELECT quarter, stakeholder_id, days_taken, COUNT(*) FROM ratings "
    "WHERE days_taken IS NOT NULL GROUP BY quarter, stakeholder_id, days_taken",
)


def upgrade() -> None:
    with op.batch_alter_table("rater_quarters") as batch:
        for d in DIMENSIONS:
            batch.add_column(_zero(f"{d}_n", sa.Integer))
            batch.add_column(_zero(f"{d}_sum", sa.Float))
    with op.batch_alter_table("stakeholder_quarters") as batch:
        for name in STAKEHOLDER_COUNTS:
            batch.add_column(_zero(name, sa.Integer))
        for d in DIMENSIONS:
            batch.add_column(_zero(f"{d}_raters", sa.Integer))
            batch.add_column(_zero(f"{d}_sum", sa.Float))
            batch.add_column(_zero(f"{d}_sumsq", sa.Float))
    op.create_table(
        "item_quarters",
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("stakeholder_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_item_quarters_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["stakeholder_id"],
            ["stakeholders.id"],
            name=op.f("fk_item_quarters_stakeholder_id_stakeholders"),
        ),
        sa.PrimaryKeyConstraint(
            "quarter", "stakeholder_id", "item_id", name=op.f("pk_item_quarters")
        ),
    )
    op.create_table(
        "days_quarters",
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("stakeholder_id", sa.Integer(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("ratings", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["stakeholder_id"],
            ["stakeholders.id"],
            name=op.f("fk_days_quarters_stakeholder_id_stakeholders"),
        ),
        sa.PrimaryKeyConstraint("quarter", "stakeholder_id", "days", name=op.f("pk_days_quarters")),
    )
    op.execute("DELETE FROM stakeholder_quarters")
    op.execute("DELETE FROM rater_quarters")
    for statement in REBUILD:
        op.execute(statement)


def downgrade() -> None:
    op.drop_table("days_quarters")
    op.drop_table("item_quarters")
    with op.batch_alter_table("stakeholder_quarters") as batch:
        for d in reversed(DIMENSIONS):
            for suffix in ("sumsq", "sum", "raters"):
                batch.drop_column(f"{d}_{suffix}")
        for name in reversed(STAKEHOLDER_COUNTS):
            batch.drop_column(name)
    with op.batch_alter_table("rater_quarters") as batch:
        for d in reversed(DIMENSIONS):
            batch.drop_column(f"{d}_sum")
            batch.drop_column(f"{d}_n")
