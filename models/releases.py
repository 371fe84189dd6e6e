"""Releases: the protected tables every MIS output reads (SPEC §2.1).

A release is one audience's complete table for one closed period, suppressed once and
stored. Outputs select rows from it and never compute a figure of their own from ratings, so
a cell hidden in one view is hidden in every view and a download made today shows the same
figures as one made next month. Funder releases start as `built` and reach funders only once
an admin approves them (the DHIS2 data-approval idea); staff releases are usable when built.
A rebuild of the same period (late paper forms) adds a new row; the older one stays readable
until the new one is usable, and is then marked `superseded`.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, intpk


class ReleaseStatus(enum.StrEnum):
    BUILT = "built"
    APPROVED = "approved"
    WITHDRAWN = "withdrawn"
    SUPERSEDED = "superseded"


class Release(Base):
    __tablename__ = "releases"
    __table_args__ = (
        CheckConstraint("audience IN ('staff', 'funder')", name="audience"),
        CheckConstraint(
            "status IN ('built', 'approved', 'withdrawn', 'superseded')", name="status"
        ),
        Index("ix_releases_audience_period", "audience", "period"),
    )

    id: Mapped[intpk]
    audience: Mapped[str] = mapped_column(String(10))
    period: Mapped[str] = mapped_column(String(10))  # 2026-08 or 2026Q3
    status: Mapped[str] = mapped_column(String(12), default=ReleaseStatus.BUILT.value)
    k: Mapped[int] = mapped_column(Integer)
    built_at: Mapped[dt.datetime]
    approved_at: Mapped[dt.datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawn_at: Mapped[dt.datetime | None]


class ReleaseTable(Base):
    """One table of a release, stored by column ({column: [values]}), already rounded.

    Kept apart from its release so that an output reads only the table it shows: the trend
    over eight quarters needs eight stakeholder tables, not eight releases' item tables.
    """

    __tablename__ = "release_tables"

    release_id: Mapped[int] = mapped_column(
        ForeignKey("releases.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(30), primary_key=True)
    data: Mapped[dict] = mapped_column(JSON)
