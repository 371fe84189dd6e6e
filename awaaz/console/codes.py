"""Enrolling survivors: new codes for a district, code cards, and revoking a code.

A code is shown once — on the card page or the command line — and only its keyed hash is
kept. A field worker works in her own district; only admins choose another.
"""

from __future__ import annotations

import datetime as dt

import segno
from sqlalchemy.orm import Session

from models import AgeBand, Block, District, Survivor
from models.audit import record
from models.codes import generate_code, hash_code

MAX_CODES = 200  # a printable batch; the command line allows more


def issue_codes(
    session: Session,
    key: str,
    district: District,
    count: int,
    *,
    block: Block | None = None,
    age_band: AgeBand | None = None,
    masculine_forms: bool = False,
    actor=None,  # type: ignore[no-untyped-def]
    via: str = "web",
) -> list[tuple[int, str]]:
    """Enrol `count` survivors in `district`; returns (enrolment no., code) pairs.

    The code is stored only as a hash. The enrolment number is not secret: it is printed on
    the card beside the code, so a field worker can match a safeguarding alert (which shows
    the number, never the code) to the survivor on her own paper list.
    """
    codes = [generate_code() for _ in range(count)]
    survivors = [
        Survivor(
            code_hash=hash_code(key, code.replace("-", "")),
            district=district,
            block=block,
            age_band=age_band,
            masculine_forms=masculine_forms,
            enrolled_by_id=getattr(actor, "id", None),
        )
        for code in codes
    ]
    session.add_all(survivors)
    session.flush()
    record(
        session,
        "codes.issued",
        actor=actor,
        target_type="district",
        target_id=district.id,
        detail={"count": count, "via": via},
    )
    return [(s.id, code) for s, code in zip(survivors, codes, strict=True)]


def revoke(session: Session, survivor: Survivor, actor) -> None:  # type: ignore[no-untyped-def]
    """Stop a code from working (lost card, or a code that someone else has learnt)."""
    if survivor.revoked_at is None:
        survivor.revoked_at = dt.datetime.now(dt.UTC)
        record(session, "code.revoked", actor=actor, target_type="survivor", target_id=survivor.id)


def qr_svg(code: str) -> str:
    """The code as a QR code in inline SVG: the code alone, no address, nothing to explain it."""
    return segno.make(code, error="m").svg_inline(scale=4, title=None)
