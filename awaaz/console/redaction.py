"""Suggested redactions for survivors' comments, in Bengali, Hindi and English.

A suggestion, never a decision: the moderator reads the original, edits the suggestion and
approves or rejects it. What is suggested for removal:
- names from the registry: every stakeholder's name, and for people (social workers,
  panchayat members, health workers, lawyers) each part of their name; every district, block
  and gram panchayat, in all three spellings;
- any run of digits — phone numbers, ages, dates, house numbers — in Latin, Bengali or
  Devanagari script;
- a school's name: up to three words before "school", "স্কুল", "বিদ্যালয়", "स्कूल", "विद्यालय".
Matching ignores case and runs longest name first, so "Basanti police station" goes whole.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Block, District, GramPanchayat, Stakeholder, StakeholderType

MARK = "[…]"
PERSON_TYPES = ("social_worker", "panchayat", "health_worker", "lawyer")
MIN_PART = 3  # shorter name parts ("Das" is kept: 3) would match inside too many words

DIGITS = re.compile(r"[0-9০-৯०-९](?:[\s\-./]*[0-9০-৯०-९])*")
SCHOOL = re.compile(
    r"(?:\S+\s+){0,3}\S*(?:school|vidyalaya|স্কুল|বিদ্যালয়|स्कूल|विद्यालय)\S*",
    re.IGNORECASE,
)


def registry_pattern(session: Session) -> re.Pattern[str]:
    """One case-insensitive pattern for every registry name, longest first (so a whole
    "Basanti police station" wins over "Basanti")."""
    return re.compile("|".join(map(re.escape, registry_terms(session))), re.IGNORECASE)


def registry_terms(session: Session) -> list[str]:
    """Names to suggest removing, longest first."""
    terms: set[str] = set()
    places = [*session.scalars(select(District)), *session.scalars(select(Block))]
    places += list(session.scalars(select(GramPanchayat)))
    for place in places:
        terms.update(n for n in (place.name, place.name_bn, place.name_hi) if n)
    people = select(Stakeholder, StakeholderType.code).join(
        StakeholderType, StakeholderType.id == Stakeholder.type_id
    )
    for stakeholder, type_code in session.execute(people):
        for name in (stakeholder.name, stakeholder.name_bn, stakeholder.name_hi):
            if not name:
                continue
            terms.add(name)
            if type_code in PERSON_TYPES:
                person = name.split(",")[0]
                terms.add(person.strip())
                terms.update(p for p in re.split(r"\s+", person) if len(p) >= MIN_PART)
    return sorted((t for t in terms if t.strip()), key=len, reverse=True)


def suggest(text: str, names: re.Pattern[str]) -> str:
    """The comment with names, places, schools and numbers replaced by a mark."""
    out = SCHOOL.sub(MARK, text)
    if names.pattern:
        out = names.sub(MARK, out)
    out = DIGITS.sub(MARK, out)
    # "[…] […]" after neighbouring removals reads as one gap.
    return re.sub(rf"{re.escape(MARK)}(?:[\s,]*{re.escape(MARK)})+", MARK, out)
