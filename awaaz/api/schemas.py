"""The API's request and response bodies, as pydantic models.

The same models validate requests and generate the OpenAPI document (pydantic's JSON Schema
is the 2020-12 dialect that OpenAPI 3.1 uses), so the document cannot drift from the code.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Language = Literal["bn", "hi", "en"]
# Years 1900–2999: year 0 is no date (the write path refuses months in the future anyway).
Month = Annotated[str, StringConstraints(pattern=r"^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])$")]
ShortText = Annotated[str, StringConstraints(max_length=40)]
# A quarter (2026Q3), a rolling year (2026Q3R), a year (2026) or a month (2026-08).
PeriodText = Annotated[
    str, StringConstraints(pattern=r"^[0-9]{4}(Q[1-4]R?|-(0[1-9]|1[0-2]))?$", max_length=8)
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RatingIn(Strict):
    """One survivor's rating of one stakeholder, as a field tablet sends it."""

    client_uuid: uuid.UUID = Field(
        description="Made by the device for this rating; sending it again stores nothing new."
    )
    survivor_code: Annotated[str, StringConstraints(min_length=1, max_length=24)] = Field(
        description="The code on her card (spaces, dashes and case do not matter)."
    )
    stakeholder_id: int = Field(ge=1, le=2_147_483_647)
    service: ShortText = Field(description="The help she went for, e.g. `documents`.")
    month: Month = Field(description="When she went, as YYYY-MM.")
    answers: dict[ShortText, Annotated[str, StringConstraints(max_length=20)]] = Field(
        max_length=20,
        description="Item code → answer: 1–5, yes/no, an option code, a number of days, or dk.",
    )
    comment: Annotated[str, StringConstraints(max_length=2000)] | None = None
    language: Language = "bn"
    consent_contact: bool = False
    felt_unsafe: bool | None = None
    # Paper forms are entered through /staff/paper, which records who typed them in; a
    # tablet's sealed rating is always "kiosk", whatever it says here.
    channel: Literal["kiosk", "assisted"] = "kiosk"


B64 = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9+/]+={0,2}$", max_length=12000)]


# A tablet clock reading in milliseconds since 1970 (anything a broken clock may say).
ClockMs = Annotated[int, Field(ge=0, le=2**53)]


class TabletRatingIn(RatingIn):
    """What a tablet seals: a RatingIn, with when she went as she said it ("this month")
    and the tablet's clock when it sealed, so the server can tell the month by its own
    clock, whatever the tablet's says."""

    when: Literal["this_month", "last_month", "earlier"] | None = None
    sealed_at: ClockMs | None = None


class SealedRating(Strict):
    """A TabletRatingIn sealed by an offline kiosk tablet for this server (ECDH P-256,
    AES-GCM), padded to a fixed size (8,192 bytes) before sealing."""

    client_uuid: uuid.UUID
    kid: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{16}$")] | None = Field(
        default=None,
        description="The server key it was sealed for (from the pack); absent: an old tablet.",
    )
    key: B64 = Field(description="The tablet's one-time public key (raw point, base64).")
    iv: B64
    data: B64 = Field(description="The rating as JSON, padded and encrypted (base64).")
    sent_at: ClockMs | None = Field(
        default=None,
        description="The tablet's clock when it sent this; with the sealed time, how long ago "
        "she finished, which no clock's error changes.",
    )


class CodeCheckIn(Strict):
    """A code typed on an offline tablet, checked while it has a network."""

    survivor_code: Annotated[str, StringConstraints(min_length=1, max_length=24)]


class CodeCheckOut(BaseModel):
    """Whether a survivor of this tablet's district holds the code, and, for a known code, how
    the pages address its holder; nothing more."""

    known: bool
    reason: Literal["code"] | None = None
    # "boy": the survivor reads the masculine forms (feedback/wording.py). Said only to the
    # tablet she is typing her own code into, which shows her these words anyway.
    forms: Literal["boy"] | None = None


class TabletReply(BaseModel):
    """All the server says about a sealed rating: nothing of what it holds."""

    client_uuid: uuid.UUID
    status: Literal["stored", "already_stored", "refused"]
    reason: Literal["code", "stakeholder", "conflict", "invalid", "key"] | None = Field(
        default=None,
        description="Why it was refused: the card's code, the office (not of this tablet's "
        "district), the UUID used for another rating, the contents, or a key this server "
        "does not hold.",
    )


class RatingOut(BaseModel):
    client_uuid: uuid.UUID
    stakeholder_id: int
    service: str
    month: Month
    stored: Literal[True] = True


class Problem(BaseModel):
    field: str = Field(description="The field the message is about, e.g. `answers.respect`.")
    message: str


class Errors(BaseModel):
    errors: list[Problem]


class StakeholderOut(BaseModel):
    id: int
    name: str
    type: str
    district_id: int
    district: str
    block_id: int | None
    block: str | None


class StakeholderList(BaseModel):
    stakeholders: list[StakeholderOut]


class OptionOut(BaseModel):
    code: str
    label: str


class ItemOut(BaseModel):
    code: str
    kind: Literal["scale5", "yesno", "choice", "days", "text"]
    text: str
    required: bool
    options: list[OptionOut]


class QuestionnaireOut(BaseModel):
    type: str
    version: int
    language: Language
    items: list[ItemOut]


class LeagueRow(BaseModel):
    stakeholder_id: int
    stakeholder: str
    type: str
    district: str
    block: str | None
    n_raters: int | None = Field(description="Empty where fewer than k_staff survivors rated.")
    score: float | None
    score_low: float | None
    score_high: float | None
    rank: int | None
    rank_low: int | None
    rank_high: int | None
    change: float | None
    suppressed: bool


class LeagueTable(BaseModel):
    period: str
    released: str = Field(description="the day the release these figures come from was made")
    k: int
    rows: list[LeagueRow]


class FunderRow(BaseModel):
    district: str
    type: str
    n_raters: int | None
    score: float | None
    share_helped: float | None
    share_money: float | None
    median_days: float | None
    suppressed: bool


class FunderSummary(BaseModel):
    period: str
    released: str = Field(description="the day the release these figures come from was made")
    k: int
    rows: list[FunderRow]


class Query(Strict):
    lang: Language | None = Field(default=None, description="The language of messages.")


class StakeholderQuery(Query):
    district: int | None = Field(default=None, ge=1, le=2_147_483_647)
    block: int | None = Field(default=None, ge=1, le=2_147_483_647)
    type: ShortText | None = None


class PeriodQuery(Query):
    period: PeriodText = Field(examples=["2026Q3", "2026Q3R", "2026"])
    type: ShortText | None = None
    district: int | None = Field(default=None, ge=1, le=2_147_483_647)
