"""The demo programme's people and offices: invented officials in real West Bengal places.

Nothing here describes a real person. Survivors get only what the real system keeps about
them — a code hash, a district, a block and an age band.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AgeBand, Block, District, Stakeholder, StakeholderType, Survivor
from models.codes import ALPHABET, RANDOM_LENGTH, _check_symbol, hash_code

FIRST_NAMES = [
    ("Rina", "রিনা", "रीना"),
    ("Mita", "মিতা", "मीता"),
    ("Shampa", "শম্পা", "शम्पा"),
    ("Tapasi", "তাপসী", "तापसी"),
    ("Anjali", "অঞ্জলি", "अंजलि"),
    ("Rekha", "রেখা", "रेखा"),
    ("Sujata", "সুজাতা", "सुजाता"),
    ("Putul", "পুতুল", "पुतुल"),
    ("Mousumi", "মৌসুমী", "मौसमी"),
    ("Subrata", "সুব্রত", "सुब्रत"),
    ("Tapan", "তপন", "तपन"),
    ("Bikash", "বিকাশ", "विकास"),
    ("Gopal", "গোপাল", "गोपाल"),
    ("Prasanta", "প্রশান্ত", "प्रशांत"),
    ("Sanjib", "সঞ্জীব", "संजीव"),
    ("Jayanta", "জয়ন্ত", "जयंत"),
]
SURNAMES = [
    ("Mondal", "মণ্ডল", "मंडल"),
    ("Sardar", "সরদার", "सरदार"),
    ("Naskar", "নস্কর", "नस्कर"),
    ("Halder", "হালদার", "हालदार"),
    ("Das", "দাস", "दास"),
    ("Biswas", "বিশ্বাস", "बिस्वास"),
    ("Ghosh", "ঘোষ", "घोष"),
    ("Mistri", "মিস্ত্রি", "मिस्त्री"),
    ("Gayen", "গায়েন", "गायेन"),
    ("Purkait", "পুরকাইত", "पुरकाइत"),
    ("Paik", "পাইক", "पाइक"),
    ("Molla", "মোল্লা", "मोल्ला"),
]

# (type, English, Bengali, Hindi); {p} is the place, {n} a person's name.
BLOCK_OFFICES = [
    ("bdo", "{p} BDO office", "{p} বিডিও অফিস", "{p} बीडीओ कार्यालय"),
    ("police", "{p} police station", "{p} থানা", "{p} थाना"),
    ("hospital", "{p} rural hospital", "{p} গ্রামীণ হাসপাতাল", "{p} ग्रामीण अस्पताल"),
]
BLOCK_PEOPLE = [
    ("social_worker", "{n}, social worker", "{n}, সমাজকর্মী", "{n}, सामाजिक कार्यकर्ता", 2),
    ("health_worker", "{n}, ASHA", "{n}, আশা দিদি", "{n}, आशा दीदी", 2),
    ("lawyer", "{n}, panel lawyer", "{n}, প্যানেল উকিল", "{n}, पैनल वकील", 1),
]
PANCHAYAT = (
    "panchayat",
    "{n}, panchayat member, {p}",
    "{n}, পঞ্চায়েত সদস্য, {p}",
    "{n}, पंचायत सदस्य, {p}",
)
DISTRICT_OFFICES = [
    ("cwc", "Child Welfare Committee, {p}", "শিশু কল্যাণ সমিতি, {p}", "बाल कल्याण समिति, {p}"),
    (
        "lawyer",
        "District Legal Services Authority, {p}",
        "জেলা আইনি সহায়তা কেন্দ্র, {p}",
        "जिला विधिक सेवा प्राधिकरण, {p}",
    ),
    ("hospital", "{p} district hospital", "{p} জেলা হাসপাতাল", "{p} जिला अस्पताल"),
]


def _fill(templates: tuple[str, str, str], place, person=None) -> dict[str, str]:  # type: ignore[no-untyped-def]
    names = {}
    for index, (key, template) in enumerate(
        zip(("name", "name_bn", "name_hi"), templates, strict=True)
    ):
        p = (place.name, place.name_bn or place.name, place.name_hi or place.name)[index]
        n = " ".join(part[index] for part in person) if person else ""
        names[key] = template.format(p=p, n=n)
    return names


def build_stakeholders(session: Session, rng: np.random.Generator) -> list[Stakeholder]:
    types = {t.code: t for t in session.scalars(select(StakeholderType))}
    rows: list[Stakeholder] = []

    def person() -> tuple:
        return (FIRST_NAMES[rng.integers(len(FIRST_NAMES))], SURNAMES[rng.integers(len(SURNAMES))])

    for district in session.scalars(select(District).order_by(District.id)):
        for code, *templates in DISTRICT_OFFICES:
            rows.append(
                Stakeholder(type=types[code], district=district, **_fill(templates, district))
            )
        for block in session.scalars(
            select(Block).filter_by(district_id=district.id).order_by(Block.id)
        ):
            for code, *templates in BLOCK_OFFICES:
                rows.append(
                    Stakeholder(
                        type=types[code], district=district, block=block, **_fill(templates, block)
                    )
                )
            for code, *templates, count in BLOCK_PEOPLE:
                for _ in range(count):
                    rows.append(
                        Stakeholder(
                            type=types[code],
                            district=district,
                            block=block,
                            **_fill(templates, block, person()),
                        )
                    )
            for gp in block.gram_panchayats:
                code, *templates = PANCHAYAT
                rows.append(
                    Stakeholder(
                        type=types[code],
                        district=district,
                        block=block,
                        gram_panchayat=gp,
                        **_fill(templates, gp, person()),
                    )
                )
    session.add_all(rows)
    session.flush()
    return rows


def demo_code(rng: np.random.Generator) -> str:
    body = "".join(ALPHABET[i] for i in rng.integers(len(ALPHABET), size=RANDOM_LENGTH))
    return body + _check_symbol(body)


@dataclass(frozen=True)
class DemoSurvivors:
    ids: np.ndarray
    block_ids: np.ndarray
    sample_codes: list[str]


AGE_BANDS = [AgeBand.UNDER_18, AgeBand.AGE_18_24, AgeBand.AGE_25_34, AgeBand.AGE_35_PLUS]


def build_survivors(
    session: Session,
    rng: np.random.Generator,
    count: int,
    code_key: str,
    enrolled_by: dict[int, int],
) -> DemoSurvivors:
    blocks = session.scalars(select(Block).order_by(Block.id)).all()
    where = rng.integers(len(blocks), size=count)
    ages = rng.choice(len(AGE_BANDS), size=count, p=[0.3, 0.4, 0.2, 0.1])
    codes = [demo_code(rng) for _ in range(count)]
    survivors = [
        Survivor(
            code_hash=hash_code(code_key, code),
            district_id=blocks[b].district_id,
            block_id=blocks[b].id,
            age_band=AGE_BANDS[a],
            enrolled_by_id=enrolled_by.get(blocks[b].district_id),
        )
        for code, b, a in zip(codes, where, ages, strict=True)
    ]
    session.add_all(survivors)
    session.flush()
    return DemoSurvivors(
        ids=np.array([s.id for s in survivors]),
        block_ids=np.array([s.block_id for s in survivors]),
        sample_codes=codes[:3],
    )
