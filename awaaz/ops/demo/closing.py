"""Demo actions with "you said, we did" summaries, and a few safeguarding alerts.

Synthetic, like the rest of the demo: the summaries follow what community-based
rehabilitation programmes report doing after survivors' feedback, about demo stakeholders.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import (
    Action,
    ActionKind,
    ActionStatus,
    EscalatedTo,
    Rating,
    Stakeholder,
    Survivor,
)
from models import settings as programme
from models.safeguarding import raise_alert

# (type, kind, escalated to, Bengali, Hindi, English); {name} is the stakeholder's own name.
DONE = [
    (
        "police",
        ActionKind.MEETING,
        None,
        "{name}: থানায় এখন সবসময় একজন মহিলা পুলিশ থাকেন।",
        "{name}: थाने में अब हमेशा एक महिला पुलिस रहती है।",
        "{name}: a woman officer is now always at the station.",
    ),
    (
        "bdo",
        ActionKind.LETTER,
        None,
        "{name}: রেশন কার্ডের আবেদন এখন এক সপ্তাহের মধ্যে দেখা হয়।",
        "{name}: राशन कार्ड की अर्ज़ी अब एक हफ़्ते में देखी जाती है।",
        "{name}: ration card applications are now seen within a week.",
    ),
    (
        "hospital",
        ActionKind.TRAINING,
        None,
        "{name}: ডাক্তার আর নার্সদের গোপনীয়তা রক্ষা নিয়ে প্রশিক্ষণ হয়েছে।",
        "{name}: डॉक्टरों और नर्सों को बातें गुप्त रखने का प्रशिक्षण दिया गया।",
        "{name}: doctors and nurses were trained to keep patients' matters private.",
    ),
    (
        "lawyer",
        ActionKind.ESCALATION,
        EscalatedTo.DLSA,
        "{name}: মামলার দেরির কথা DLSA-কে জানানো হয়েছে; এখন প্রতি মাসে শুনানি হচ্ছে।",
        "{name}: मुक़दमे में देरी की बात DLSA को बताई गई; अब हर महीने सुनवाई होती है।",
        "{name}: delays were taken to the DLSA; hearings now happen every month.",
    ),
    (
        "panchayat",
        ActionKind.MEETING,
        None,
        "{name}: পঞ্চায়েত অফিসে এখন টাকা ছাড়াই কাগজ দেওয়া হয়, নোটিশ লাগানো হয়েছে।",
        "{name}: पंचायत दफ़्तर में अब बिना पैसे के कागज़ मिलते हैं, नोटिस लगाया गया है।",
        "{name}: papers are now given free at the panchayat office; a notice is up.",
    ),
    (
        "social_worker",
        ActionKind.RECOGNITION,
        None,
        "{name}: ভালো কাজের জন্য সম্মান জানানো হয়েছে।",
        "{name}: अच्छे काम के लिए सम्मान दिया गया।",
        "{name}: recognised for good work.",
    ),
]
DEMO_ALERTS = 25


def build_actions(
    session: Session, rng: np.random.Generator, stakeholders: list[Stakeholder], today: dt.date
) -> int:
    """Published actions in each district, and one agreed at a meeting and not yet done."""
    by_place: dict[tuple[int, str], list[Stakeholder]] = {}
    for s in stakeholders:
        by_place.setdefault((s.district_id, s.type.code), []).append(s)
    actions = []
    for district_id in sorted({s.district_id for s in stakeholders}):
        for type_code, kind, to, bn, hi, en in DONE:
            group = by_place.get((district_id, type_code))
            if not group:
                continue
            s = group[int(rng.integers(len(group)))]
            actions.append(
                Action(
                    stakeholder_id=s.id,
                    kind=kind,
                    escalated_to=to,
                    status=ActionStatus.DONE,
                    taken_on=today - dt.timedelta(days=int(rng.integers(10, 200))),
                    outcome="Demo: agreed with the office after survivors' feedback.",
                    summary_bn=bn.format(name=s.display_name("bn")),
                    summary_hi=hi.format(name=s.display_name("hi")),
                    summary_en=en.format(name=s.name),
                    published=True,
                )
            )
        police = by_place.get((district_id, "police"))
        if police:
            actions.append(
                Action(
                    stakeholder_id=police[0].id,
                    kind=ActionKind.MEETING,
                    status=ActionStatus.AGREED,
                    taken_on=today - dt.timedelta(days=20),
                    outcome="Demo: interface meeting agreed a help desk at the gate.",
                )
            )
    session.add_all(actions)
    return len(actions)


def raise_demo_alerts(session: Session, today: dt.date) -> int:
    """Alerts for the latest ratings that meet a trigger, as the write path would raise them."""
    low = programme.read_int(session, programme.ALERT_SCORE)
    recent = session.scalars(
        select(Rating)
        .where(
            Rating.month >= today.replace(day=1) - dt.timedelta(days=62),
            (Rating.asked_money.is_(True)) | (Rating.score <= low),
        )
        .options(selectinload(Rating.comment))
        .order_by(Rating.id.desc())
        .limit(DEMO_ALERTS)
    ).all()
    raised = 0
    for rating in recent:
        survivor = session.get(Survivor, rating.survivor_id)
        raised += raise_alert(session, rating, survivor) is not None
    return raised
