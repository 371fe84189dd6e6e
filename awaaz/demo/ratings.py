"""Synthetic ratings, generated column-wise with NumPy and stored with bulk inserts.

Each stakeholder has a latent quality, a trend over the eight quarters and a propensity to ask
for money; each rating draws its answers from those, so the MIS has real differences to find:
good and poor performers, improvers and decliners, offices that ask for money. Scores are
derived exactly as the write path derives them (a test checks a sample against it).
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from feedback.services import Submission
from models import (
    DONT_KNOW,
    Answer,
    Channel,
    Comment,
    CommentStatus,
    Dimension,
    Indicator,
    ItemKind,
    Questionnaire,
    Rating,
    Service,
    Stakeholder,
    quarter_of,
)

CHUNK = 10_000
TYPE_EFFECT = {
    "police": -10,
    "bdo": -5,
    "panchayat": -3,
    "hospital": 0,
    "cwc": 3,
    "lawyer": 3,
    "health_worker": 7,
    "social_worker": 9,
}
MONEY_PRONE = {"police", "bdo", "panchayat", "hospital"}
SERVICES_BY_TYPE = {
    "police": ["safety", "legal"],
    "hospital": ["medical"],
    "health_worker": ["medical"],
    "bdo": ["documents", "scheme", "livelihood"],
    "panchayat": ["documents", "scheme"],
    "lawyer": ["legal", "compensation"],
    "cwc": ["safety", "education"],
    "social_worker": ["documents", "compensation", "education", "livelihood", "other"],
}
CHANNELS = [Channel.KIOSK, Channel.PHONE, Channel.ASSISTED, Channel.PAPER]
COMMENTS = {
    "bn": (
        [
            "দিদি খুব ভালো করে কথা শুনেছেন।",
            "সময়মতো কাগজ পেয়েছি, ধন্যবাদ।",
            "একজন মহিলা পুলিশ ছিলেন, ভয় লাগেনি।",
        ],
        [
            "বারবার যেতে হয়েছে, কেউ কথা শোনেনি।",
            "টাকা চেয়েছিল, দিতে পারিনি।",
            "সবার সামনে আমার কথা বলে দিয়েছে।",
        ],
    ),
    "hi": (
        ["दीदी ने अच्छे से बात सुनी।", "समय पर काग़ज़ मिल गए।"],
        ["बार-बार जाना पड़ा, किसी ने नहीं सुना।", "पैसे माँगे गए।"],
    ),
    "en": (
        ["She listened and helped me quickly.", "I got my ration card in time."],
        ["They made me come back many times.", "They asked me for money."],
    ),
}


@dataclass(frozen=True)
class Traits:
    quality: np.ndarray
    trend: np.ndarray
    money: np.ndarray
    popularity: np.ndarray


def stakeholder_traits(rng: np.random.Generator, type_codes: list[str]) -> Traits:
    n = len(type_codes)
    effect = np.array([TYPE_EFFECT.get(code, 0) for code in type_codes])
    kind = rng.choice(3, size=n, p=[0.2, 0.15, 0.65])  # improving, declining, steady
    trend = np.where(
        kind == 0,
        rng.uniform(2.5, 5, n),
        np.where(kind == 1, -rng.uniform(2.5, 5, n), rng.normal(0, 0.7, n)),
    )
    prone = np.array([code in MONEY_PRONE for code in type_codes]) & (rng.random(n) < 0.3)
    return Traits(
        quality=np.clip(rng.normal(66, 11, n) + effect, 20, 95),
        trend=trend,
        money=np.where(prone, rng.uniform(0.25, 0.5, n), rng.uniform(0.0, 0.05, n)),
        popularity=rng.gamma(1.5, 1.0, n),
    )


def months_window(today: dt.date) -> list[dt.date]:
    """The months of the eight quarters that end with the current one, up to this month."""
    first_q_month = (today.month - 1) // 3 * 3 + 1
    start_index = today.year * 12 + first_q_month - 1 - 21
    end_index = today.year * 12 + today.month - 1
    return [dt.date(i // 12, i % 12 + 1, 1) for i in range(start_index, end_index + 1)]


def _choice_probabilities(stakeholders: list[Stakeholder], traits: Traits) -> dict:
    """For each block, how likely a survivor living there rates each stakeholder."""
    st_block = np.array([s.block_id or 0 for s in stakeholders])
    st_district = np.array([s.district_id for s in stakeholders])
    result = {}
    for block_id, district_id in {(s.block_id, s.district_id) for s in stakeholders if s.block_id}:
        weight = np.where(st_block == block_id, 4.0, np.where(st_block == 0, 2.0, 0.25)) * (
            st_district == district_id
        )
        weight = weight * traits.popularity
        result[block_id] = weight / weight.sum()
    return result


class _Items:
    """One questionnaire's items as parallel arrays, for column-wise generation."""

    def __init__(self, questionnaire: Questionnaire) -> None:
        self.id = questionnaire.id
        self.items = questionnaire.items
        self.codes = [i.code for i in self.items]


def _answers_for(rng: np.random.Generator, item, p: np.ndarray, money: np.ndarray):  # type: ignore[no-untyped-def]
    """Raw answers (object array of str) and normalised values (float, NaN = not scored)."""
    n = len(p)
    raw = np.empty(n, dtype=object)
    norm = np.full(n, np.nan)
    if item.kind is ItemKind.SCALE5:
        v = np.clip(np.rint(1 + 4 * p + rng.normal(0, 0.6, n)), 1, 5).astype(int)
        raw[:] = v.astype(str)
        norm[:] = (v - 1) * 25.0
        dk = rng.random(n) < 0.03
    elif item.kind is ItemKind.YESNO:
        chance = money if item.indicator is Indicator.MONEY else p
        yes = rng.random(n) < chance
        raw[:] = np.where(yes, "yes", "no")
        norm[:] = np.where(yes == (item.polarity == 1), 100.0, 0.0)
        dk = rng.random(n) < 0.05
    elif item.kind is ItemKind.CHOICE:
        options = [o for o in item.options if o.value is not None]
        values = np.array([o.value for o in options])
        target = p * 100 + rng.normal(0, 20, n)
        pick = np.abs(target[:, None] - values[None, :]).argmin(axis=1)
        raw[:] = np.array([o.code for o in options], dtype=object)[pick]
        norm[:] = values[pick]
        dk = rng.random(n) < 0.04
    elif item.kind is ItemKind.DAYS:
        days = rng.lognormal(np.log(3 + 40 * (1 - p)), 0.6).astype(int)
        raw[:] = days.astype(str)
        dk = rng.random(n) < 0.1
    else:
        return None, None
    raw[dk] = DONT_KNOW
    norm[dk] = np.nan
    return raw, norm


def _row_mean(matrix: np.ndarray) -> np.ndarray:
    """Mean of the non-NaN values of each row; NaN where a row has none (no warning)."""
    if matrix.shape[1] == 0:
        return np.full(matrix.shape[0], np.nan)
    present = ~np.isnan(matrix)
    count = present.sum(axis=1)
    total = np.where(present, matrix, 0.0).sum(axis=1)
    return np.divide(total, count, out=np.full(len(count), np.nan), where=count > 0)


def _nullable(values: np.ndarray) -> list:
    """Floats as Python values, NaN as None (SQL NULL), converted a whole array at once."""
    out = values.astype(object)
    out[np.isnan(values)] = None
    return out.tolist()


def bulk_insert(session: Session, table, rows: list[dict]) -> None:  # type: ignore[no-untyped-def]
    """Insert many rows: COPY on PostgreSQL, one Core executemany elsewhere.

    Core, not the ORM bulk path, which splits rows by which columns are None and so sends one
    statement per group. On PostgreSQL, COPY is several times faster than any INSERT.
    """
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), rows)
        return
    columns = list(rows[0])
    raw = connection.connection.driver_connection
    with (
        raw.cursor() as cursor,
        cursor.copy(
            f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"  # noqa: S608 - our own names
        ) as copy,
    ):
        for row in rows:
            copy.write_row([_copyable(row[c]) for c in columns])


def _copyable(value):  # type: ignore[no-untyped-def]
    return value.value if isinstance(value, enum.Enum) else value


def generate_ratings(
    session: Session,
    rng: np.random.Generator,
    *,
    count: int,
    stakeholders: list[Stakeholder],
    survivor_ids: np.ndarray,
    survivor_blocks: np.ndarray,
    today: dt.date,
    progress: Callable[[int], None] = lambda n: None,
) -> None:
    types = [s.type.code for s in stakeholders]
    stakeholder_ids = [s.id for s in stakeholders]
    traits = stakeholder_traits(rng, types)
    months = months_window(today)
    by_block = _choice_probabilities(stakeholders, traits)
    activity = rng.gamma(2.0, 1.0, len(survivor_ids))
    activity /= activity.sum()
    questionnaires = {
        q.type.code: _Items(q)
        for q in session.scalars(select(Questionnaire).filter_by(active=True))
    }
    services = {s.code: s.id for s in session.scalars(select(Service))}
    type_of = np.array(types)
    next_id = (session.scalar(select(Rating.id).order_by(Rating.id.desc()).limit(1)) or 0) + 1
    now = dt.datetime.now(dt.UTC)

    for start in range(0, count, CHUNK):
        n = min(CHUNK, count - start)
        who = rng.choice(len(survivor_ids), size=n, p=activity)
        st = np.empty(n, dtype=int)
        for block_id, probs in by_block.items():
            mask = survivor_blocks[who] == block_id
            st[mask] = rng.choice(len(stakeholders), size=int(mask.sum()), p=probs)
        month_idx = rng.integers(len(months), size=n)
        q_idx = month_idx // 3  # the window starts on a quarter's first month
        p = np.clip(
            (traits.quality[st] + traits.trend[st] * (q_idx - 3.5) + rng.normal(0, 10, n)) / 100,
            0.03,
            0.97,
        )
        channel = rng.choice(len(CHANNELS), size=n, p=[0.5, 0.25, 0.15, 0.1])
        consent = rng.random(n) < 0.03
        commented = rng.random(n) < 0.03
        lang = rng.choice(["bn", "hi", "en"], size=n, p=[0.7, 0.1, 0.2])
        uuids = rng.bytes(16 * n)
        day = rng.integers(0, 28, size=n)
        second = rng.integers(0, 86400, size=n)
        ids = np.arange(next_id, next_id + n)
        next_id += n
        rating_rows, answer_rows, comment_rows = [], [], []
        for type_code in np.unique(type_of[st]):
            rows = np.flatnonzero(type_of[st] == type_code)
            q = questionnaires[str(type_code)]
            raws, norms = [], []
            for item in q.items:
                raw, norm = _answers_for(rng, item, p[rows], traits.money[st[rows]])
                raws.append(raw)
                norms.append(norm)
            norm = np.column_stack(norms)
            scored = [i for i, item in enumerate(q.items) if item.scored]
            score = _row_mean(norm[:, scored])
            dims = {
                d: _row_mean(norm[:, [i for i, item in enumerate(q.items) if item.dimension is d]])
                for d in Dimension
            }
            column = {item.indicator: k for k, item in enumerate(q.items) if item.indicator}
            score_py, norm_py = _nullable(score), _nullable(norm)
            dims_py = {str(d): _nullable(v) for d, v in dims.items()}
            item_ids = [item.id for item in q.items]
            allowed = SERVICES_BY_TYPE.get(str(type_code), ["other"])
            service_pick = rng.integers(len(allowed), size=len(rows))
            for j, r in enumerate(rows):
                answers = {code: raws[k][j] for k, code in enumerate(q.codes)}
                comment_text = None
                if commented[r]:
                    good, bad = COMMENTS[lang[r]]
                    pool = good if p[r] >= 0.6 else bad
                    comment_text = pool[(ids[r] * 7) % len(pool)]
                month = months[month_idx[r]]
                sub = Submission(
                    client_uuid=uuid.UUID(bytes=uuids[16 * r : 16 * r + 16], version=4),
                    survivor_id=int(survivor_ids[who[r]]),
                    stakeholder_id=stakeholder_ids[st[r]],
                    service_code=allowed[service_pick[j]],
                    month=month,
                    channel=CHANNELS[channel[r]],
                    answers=answers,
                    comment=comment_text,
                    language=str(lang[r]),
                    consent_contact=bool(consent[r]),
                )
                helped = norm[j, column[Indicator.HELPED]] if Indicator.HELPED in column else np.nan
                money = raws[column[Indicator.MONEY]][j] if Indicator.MONEY in column else None
                days = raws[column[Indicator.DAYS]][j] if Indicator.DAYS in column else None
                created = dt.datetime.combine(month, dt.time(), dt.UTC) + dt.timedelta(
                    days=int(day[r]), seconds=int(second[r])
                )
                rating_rows.append(
                    {
                        "id": int(ids[r]),
                        "client_uuid": sub.client_uuid,
                        "survivor_id": sub.survivor_id,
                        "stakeholder_id": sub.stakeholder_id,
                        "service_id": services[sub.service_code],
                        "questionnaire_id": q.id,
                        "month": month,
                        "quarter": quarter_of(month),
                        "channel": sub.channel,
                        "consent_contact": sub.consent_contact,
                        "payload_digest": sub.digest(),
                        "entered_by_id": None,
                        "created_at": min(created, now),
                        "score": score_py[j],
                        **{d: v[j] for d, v in dims_py.items()},
                        "fully_helped": None if np.isnan(helped) else bool(helped == 100.0),
                        "asked_money": None if money in (None, DONT_KNOW) else money == "yes",
                        "days_taken": None if days in (None, DONT_KNOW) else int(days),
                    }
                )
                answer_rows.extend(
                    {
                        "rating_id": int(ids[r]),
                        "item_id": item_id,
                        "value": raws[k][j],
                        "normalised": norm_py[j][k],
                    }
                    for k, item_id in enumerate(item_ids)
                )
                if comment_text:
                    approved = bool(ids[r] % 2)
                    comment_rows.append(
                        {
                            "rating_id": int(ids[r]),
                            "original": comment_text,
                            "moderated": comment_text if approved else None,
                            "language": str(lang[r]),
                            "status": CommentStatus.APPROVED if approved else CommentStatus.PENDING,
                            "good_practice": approved and p[r] >= 0.75,
                            "moderated_at": min(created, now) if approved else None,
                        }
                    )
        rating_rows.sort(key=lambda row: row["id"])
        bulk_insert(session, Rating.__table__, rating_rows)
        bulk_insert(session, Answer.__table__, answer_rows)
        bulk_insert(session, Comment.__table__, comment_rows)
        # A commit per chunk keeps SQLite's write-ahead log and the process's memory small.
        session.commit()
        progress(n)
