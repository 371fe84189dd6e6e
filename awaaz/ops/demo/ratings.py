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

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from awaaz.ops.demo.draws import (
    CHANNELS,
    CHUNK,
    COMMENTS,
    SERVICES_BY_TYPE,
    ItemColumns,
    answers_for,
    choice_probabilities,
    months_window,
    nullable,
    row_mean,
    stakeholder_traits,
)
from feedback.services import Submission
from models import (
    DONT_KNOW,
    Answer,
    Comment,
    CommentStatus,
    Dimension,
    Indicator,
    Questionnaire,
    Rating,
    Service,
    Stakeholder,
    quarter_of,
)


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
    by_block = choice_probabilities(stakeholders, traits)
    activity = rng.gamma(2.0, 1.0, len(survivor_ids))
    activity /= activity.sum()
    questionnaires = {
        q.type.code: ItemColumns(q)
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
                raw, norm = answers_for(rng, item, p[rows], traits.money[st[rows]])
                raws.append(raw)
                norms.append(norm)
            norm = np.column_stack(norms)
            scored = [i for i, item in enumerate(q.items) if item.scored]
            score = row_mean(norm[:, scored])
            dims = {
                d: row_mean(norm[:, [i for i, item in enumerate(q.items) if item.dimension is d]])
                for d in Dimension
            }
            column = {item.indicator: k for k, item in enumerate(q.items) if item.indicator}
            score_py, norm_py = nullable(score), nullable(norm)
            dims_py = {str(d): nullable(v) for d, v in dims.items()}
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
