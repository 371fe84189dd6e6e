"""Reference data every installation starts with: types, services, the question bank, places.

Loaded by `awaaz init-db` and safe to load again: rows are matched by their code or name, so
a later version of this file adds what is new without touching what admins have changed.
Questionnaire versions are immutable: when a type's item list here differs from its active
questionnaire, a new version is created and becomes the active one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from .base import N_
from .geography import Block, District, GramPanchayat, State
from .questionnaires import (
    Dimension,
    Indicator,
    Item,
    ItemKind,
    ItemOption,
    Questionnaire,
    QuestionnaireItem,
)
from .safeguarding import load_default_danger_words
from .stakeholders import Service, StakeholderType

# (code, label, icon)
STAKEHOLDER_TYPES = [
    ("social_worker", N_("Social worker"), "social_worker"),
    ("panchayat", N_("Panchayat member"), "panchayat"),
    ("bdo", N_("Block office (BDO)"), "office"),
    ("health_worker", N_("Health worker (ASHA / ANM)"), "health_worker"),
    ("hospital", N_("Hospital"), "hospital"),
    ("police", N_("Police station"), "police"),
    ("lawyer", N_("Lawyer / legal aid (DLSA)"), "lawyer"),
    ("cwc", N_("Child Welfare Committee (CWC)"), "cwc"),
]

SERVICES = [
    ("documents", N_("Papers: ration card, voter card, Aadhaar"), "documents"),
    ("compensation", N_("Victim compensation money"), "money"),
    ("medical", N_("Medical care"), "medical"),
    ("legal", N_("Court case"), "legal"),
    ("scheme", N_("Government scheme"), "scheme"),
    ("safety", N_("Safety and protection"), "safety"),
    ("education", N_("School or study"), "education"),
    ("livelihood", N_("Work or training"), "livelihood"),
    ("other", N_("Something else"), "other"),
]


@dataclass(frozen=True)
class BankItem:
    code: str
    kind: ItemKind
    text: str
    dimension: Dimension | None = None
    indicator: Indicator | None = None
    polarity: int | None = None
    options: tuple[tuple[str, str, float | None], ...] = field(default=())


HELP_OPTIONS = (
    ("yes", N_("Yes, fully"), 100.0),
    ("partly", N_("Partly"), 50.0),
    ("no", N_("No"), 0.0),
    ("dk", N_("Don't know yet"), None),
)

RESP, RESPONS, INTEG, CONF = (
    Dimension.RESPECT,
    Dimension.RESPONSIVENESS,
    Dimension.INTEGRITY,
    Dimension.CONFIDENTIALITY,
)

BANK = [
    # The common bank, asked about every type.
    BankItem("respect", ItemKind.SCALE5, N_("Did they treat you with respect?"), RESP),
    BankItem("listened", ItemKind.SCALE5, N_("Did they listen to you?"), RESP),
    BankItem(
        "private", ItemKind.YESNO, N_("Did they keep what you told them secret?"), CONF, polarity=1
    ),
    BankItem(
        "money",
        ItemKind.YESNO,
        N_("Did they ask you for money or a favour?"),
        INTEG,
        Indicator.MONEY,
        polarity=-1,
    ),
    BankItem(
        "helped",
        ItemKind.CHOICE,
        N_("Did you get the help you went for?"),
        RESPONS,
        Indicator.HELPED,
        options=HELP_OPTIONS,
    ),
    BankItem("days", ItemKind.DAYS, N_("How many days did it take?"), indicator=Indicator.DAYS),
    BankItem("overall", ItemKind.SCALE5, N_("All in all, how was it?")),
    # Type-specific items.
    BankItem(
        "complaint_written",
        ItemKind.YESNO,
        N_("Did they write down your complaint?"),
        RESPONS,
        polarity=1,
    ),
    BankItem(
        "woman_officer",
        ItemKind.YESNO,
        N_("Was a woman police officer with you?"),
        RESP,
        polarity=1,
    ),
    BankItem(
        "private_exam",
        ItemKind.YESNO,
        N_("Were you checked by the doctor in a closed, private place?"),
        CONF,
        polarity=1,
    ),
    BankItem(
        "free_medicine", ItemKind.YESNO, N_("Did you get the medicines free?"), INTEG, polarity=1
    ),
    BankItem(
        "papers_help",
        ItemKind.YESNO,
        N_("Did they help you get papers or a scheme?"),
        RESPONS,
        polarity=1,
    ),
    BankItem(
        "came_when_needed",
        ItemKind.YESNO,
        N_("Did she come when you needed her?"),
        RESPONS,
        polarity=1,
    ),
    BankItem(
        "explained_case",
        ItemKind.SCALE5,
        N_("Did they explain your case so you understood?"),
        RESPONS,
    ),
    BankItem("heard_wishes", ItemKind.SCALE5, N_("Did they ask what you want for yourself?"), RESP),
]

COMMON = ["respect", "private", "money", "helped", "days", "overall"]
# Each type's list stays within 4–8 questions: a survivor should finish in two minutes.
QUESTIONNAIRES = {
    "social_worker": ["respect", "listened", "came_when_needed", *COMMON[1:]],
    "panchayat": [*COMMON[:4], "papers_help", *COMMON[4:]],
    "bdo": [*COMMON[:4], "papers_help", *COMMON[4:]],
    "health_worker": [*COMMON[:4], "came_when_needed", *COMMON[4:]],
    "hospital": ["respect", "private_exam", "free_medicine", *COMMON[1:]],
    "police": ["respect", "complaint_written", "woman_officer", *COMMON[1:]],
    "lawyer": ["respect", "explained_case", *COMMON[1:]],
    "cwc": ["respect", "heard_wishes", *COMMON[1:]],
}

# Real West Bengal districts, blocks and gram panchayats where community-based rehabilitation
# programmes work: (English, Bengali, Hindi) for districts and blocks, (English, Bengali)
# for gram panchayats.
STATE = ("West Bengal", "পশ্চিমবঙ্গ", "पश्चिम बंगाल")
GEOGRAPHY = {
    ("South 24 Parganas", "দক্ষিণ ২৪ পরগনা", "दक्षिण 24 परगना"): {
        ("Basanti", "বাসন্তী", "बसंती"): [
            ("Bharatgarh", "ভরতগড়"),
            ("Jharkhali", "ঝড়খালি"),
            ("Chunakhali", "চুনাখালি"),
            ("Phulmalancha", "ফুলমালঞ্চ"),
        ],
        ("Gosaba", "গোসাবা", "गोसाबा"): [
            ("Kumirmari", "কুমিরমারি"),
            ("Satjelia", "সাতজেলিয়া"),
            ("Rangabelia", "রাঙাবেলিয়া"),
            ("Pathankhali", "পাঠানখালি"),
        ],
        ("Canning I", "ক্যানিং ১", "कैनिंग 1"): [
            ("Matla I", "মাতলা ১"),
            ("Taldi", "তালদি"),
            ("Itkhola", "ইটখোলা"),
            ("Dighirpar", "দিঘিরপাড়"),
        ],
        ("Canning II", "ক্যানিং ২", "कैनिंग 2"): [
            ("Deuli I", "দেউলি ১"),
            ("Matherdighi", "মঠেরদিঘি"),
            ("Sarengabad", "সারেঙ্গাবাদ"),
            ("Narayanpur", "নারায়ণপুর"),
        ],
        ("Kultali", "কুলতলি", "कुलतली"): [
            ("Gopalganj", "গোপালগঞ্জ"),
            ("Jalaberia I", "জালাবেড়িয়া ১"),
            ("Meriganj I", "মেরিগঞ্জ ১"),
            ("Maipith-Baikunthapur", "মৈপীঠ-বৈকুণ্ঠপুর"),
        ],
        ("Baruipur", "বারুইপুর", "बरुईपुर"): [
            ("Madarat", "মদারাট"),
            ("Mallickpur", "মল্লিকপুর"),
            ("Dhopagachhi", "ধোপাগাছি"),
            ("Kalyanpur", "কল্যাণপুর"),
        ],
    },
    ("North 24 Parganas", "উত্তর ২৪ পরগনা", "उत्तर 24 परगना"): {
        ("Barasat I", "বারাসত ১", "बारासात 1"): [
            ("Chhotojagulia", "ছোট জাগুলিয়া"),
            ("Dattapukur I", "দত্তপুকুর ১"),
            ("Kadambagachhi", "কদম্বগাছি"),
            ("Paschim Khilkapur", "পশ্চিম খিলকাপুর"),
        ],
        ("Barasat II", "বারাসত ২", "बारासात 2"): [
            ("Shasan", "শাসন"),
            ("Kirtipur I", "কীর্তিপুর ১"),
            ("Dadpur", "দাদপুর"),
            ("Falti Beliaghata", "ফলতি বেলিয়াঘাটা"),
        ],
        ("Amdanga", "আমডাঙা", "आमडांगा"): [
            ("Adhata", "আধাটা"),
            ("Amdanga", "আমডাঙা"),
            ("Maricha", "মরিচা"),
            ("Boda", "বোদা"),
        ],
        ("Habra I", "হাবড়া ১", "हाबड़ा 1"): [
            ("Kumra", "কুমড়া"),
            ("Machhlandapur I", "মছলন্দপুর ১"),
            ("Prithiba", "পৃথিবা"),
            ("Rautara", "রাউতারা"),
        ],
        ("Basirhat I", "বসিরহাট ১", "बसीरहाट 1"): [
            ("Chaita", "চৈতা"),
            ("Pifa", "পিফা"),
            ("Nimdaria Kodalia", "নিমদাড়িয়া কোদালিয়া"),
            ("Sankchura Bagundi", "শাঁকচুড়া বাগুন্ডি"),
        ],
        ("Hingalganj", "হিঙ্গলগঞ্জ", "हिंगलगंज"): [
            ("Hingalganj", "হিঙ্গলগঞ্জ"),
            ("Dulduli", "দুলদুলি"),
            ("Jogeshganj", "যোগেশগঞ্জ"),
            ("Kalitala", "কালীতলা"),
        ],
    },
}


def _get_or_add(session: Session, model: type, lookup: dict, **values: object) -> object:
    row = session.scalars(select(model).filter_by(**lookup)).first()
    if row is None:
        row = model(**lookup, **values)
        session.add(row)
    return row


# Bengali and Devanagari are parallel Unicode blocks, letter for letter, 0x80 apart.
_BENGALI = range(0x0980, 0x0A00)
_NO_PARALLEL = {"\u09ce": "\u0924\u094d", "\u09d7": ""}  # ৎ → त्; the au length mark


def bengali_to_devanagari(text: str) -> str:
    """A Bengali name written letter by letter in Devanagari ("দিঘিরপাড়" → "दिघिरपाड़"): how a
    Hindi reader finds a Bengali place name, for places with no Hindi spelling of their own."""
    out = []
    for ch in text:
        if ch in _NO_PARALLEL:
            out.append(_NO_PARALLEL[ch])
        elif ord(ch) in _BENGALI:
            out.append(chr(ord(ch) - 0x80))
        else:
            out.append(ch)
    return "".join(out)


def load_geography(session: Session) -> None:
    en, bn, hi = STATE
    state = _get_or_add(session, State, {"name": en}, name_bn=bn, name_hi=hi)
    for (d_en, d_bn, d_hi), blocks in GEOGRAPHY.items():
        district = _get_or_add(
            session, District, {"name": d_en, "state": state}, name_bn=d_bn, name_hi=d_hi
        )
        for (b_en, b_bn, b_hi), panchayats in blocks.items():
            block = _get_or_add(
                session, Block, {"name": b_en, "district": district}, name_bn=b_bn, name_hi=b_hi
            )
            for gp_en, gp_bn in panchayats:
                gp = _get_or_add(
                    session, GramPanchayat, {"name": gp_en, "block": block}, name_bn=gp_bn
                )
                if gp.name_hi is None:  # also in databases loaded before Hindi names
                    gp.name_hi = bengali_to_devanagari(gp_bn)


def load_bank(session: Session) -> None:
    for order, (code, label, icon) in enumerate(STAKEHOLDER_TYPES):
        _get_or_add(
            session, StakeholderType, {"code": code}, label=label, icon=icon, sort_order=order
        )
    for order, (code, label, icon) in enumerate(SERVICES):
        _get_or_add(session, Service, {"code": code}, label=label, icon=icon, sort_order=order)
    for spec in BANK:
        item = _get_or_add(
            session,
            Item,
            {"code": spec.code},
            kind=spec.kind,
            text=spec.text,
            dimension=spec.dimension,
            indicator=spec.indicator,
            polarity=spec.polarity,
        )
        if not item.options:
            item.options = [
                ItemOption(code=c, label=label, value=v, position=i)
                for i, (c, label, v) in enumerate(spec.options)
            ]
    session.flush()
    items = {i.code: i for i in session.scalars(select(Item))}
    for type_code, item_codes in QUESTIONNAIRES.items():
        stype = session.scalars(select(StakeholderType).filter_by(code=type_code)).one()
        _ensure_questionnaire(session, stype, [items[c] for c in item_codes])


def _ensure_questionnaire(session: Session, stype: StakeholderType, items: list[Item]) -> None:
    versions = session.scalars(
        select(Questionnaire).filter_by(type_id=stype.id).order_by(Questionnaire.version)
    ).all()
    active = next((q for q in reversed(versions) if q.active), None)
    if active is not None and [i.code for i in active.items] == [i.code for i in items]:
        return
    for old in versions:
        old.active = False
    session.add(
        Questionnaire(
            type=stype,
            version=(versions[-1].version + 1) if versions else 1,
            active=True,
            entries=[
                QuestionnaireItem(item=item, position=pos, required=item.kind != ItemKind.DAYS)
                for pos, item in enumerate(items)
            ],
        )
    )


def load_reference_data(session: Session) -> None:
    """Load (or top up) geography, types, services, the question bank, questionnaires and the
    starting danger-word list."""
    load_geography(session)
    load_bank(session)
    load_default_danger_words(session)
    session.flush()
