"""What each synthetic rating is drawn from: stakeholders' latent quality, trend and
propensity to ask for money, and the answers those imply."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from models import (
    DONT_KNOW,
    Channel,
    Indicator,
    ItemKind,
    Questionnaire,
    Stakeholder,
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


def choice_probabilities(stakeholders: list[Stakeholder], traits: Traits) -> dict:
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


class ItemColumns:
    """One questionnaire's items as parallel arrays, for column-wise generation."""

    def __init__(self, questionnaire: Questionnaire) -> None:
        self.id = questionnaire.id
        self.items = questionnaire.items
        self.codes = [i.code for i in self.items]


def answers_for(rng: np.random.Generator, item, p: np.ndarray, money: np.ndarray):  # type: ignore[no-untyped-def]
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


def row_mean(matrix: np.ndarray) -> np.ndarray:
    """Mean of the non-NaN values of each row; NaN where a row has none (no warning)."""
    if matrix.shape[1] == 0:
        return np.full(matrix.shape[0], np.nan)
    present = ~np.isnan(matrix)
    count = present.sum(axis=1)
    total = np.where(present, matrix, 0.0).sum(axis=1)
    return np.divide(total, count, out=np.full(len(count), np.nan), where=count > 0)


def nullable(values: np.ndarray) -> list:
    """Floats as Python values, NaN as None (SQL NULL), converted a whole array at once."""
    out = values.astype(object)
    out[np.isnan(values)] = None
    return out.tolist()
