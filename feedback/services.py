"""The rating write path: validate, normalise, score, store once.

Every channel (survivor pages, the JSON API, paper import) stores ratings through
`submit_rating`, so a rating's derived scores mean the same whichever way it arrived.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import (
    DONT_KNOW,
    Alert,
    Answer,
    Channel,
    Comment,
    ErasedRating,
    ItemKind,
    Questionnaire,
    Rating,
    Service,
    Stakeholder,
    Survivor,
    quarter_of,
)
from models.database import write_transaction
from models.questionnaires import InvalidAnswer, derive_scores, normalise
from models.ratings import count_rating, rebuild_derived
from models.safeguarding import raise_alert

MAX_COMMENT_LENGTH = 2000
# Paper forms can arrive late, but not years late: older months are most likely typos.
OLDEST_MONTH_AGE_DAYS = 3 * 366
# The programme's months are India's: at 00:30 on the 1st in West Bengal "this month" has
# begun, though a server on UTC still counts the last day of the month before.
PROGRAMME_TIMEZONE = ZoneInfo("Asia/Kolkata")


def programme_today() -> dt.date:
    return dt.datetime.now(PROGRAMME_TIMEZONE).date()


@dataclass(frozen=True)
class Submission:
    """One rating as it arrives from any channel, before validation."""

    client_uuid: uuid.UUID
    survivor_id: int
    stakeholder_id: int
    service_code: str
    month: dt.date
    channel: Channel | str
    answers: Mapping[str, str]
    comment: str | None = None
    language: str = "en"
    consent_contact: bool = False
    entered_by_id: int | None = None
    felt_unsafe: bool | None = None
    # A sealed tablet rating was finished long before it arrives: what changed meanwhile (a
    # deactivated or merged office, a new questionnaire version, an odd answer an older
    # tablet accepted) drops the odd part, never the survivor's whole rating.
    lenient: bool = False
    # What the client said, when it is more than the fields above: a tablet's sealed rating
    # is judged (its month above all) when it arrives, so a resend must match on what the
    # tablet sealed, not on what the server made of it.
    said: bytes | None = None

    def digest(self) -> str:
        """A fingerprint of what was said, to tell a resubmission from a clash of UUIDs."""
        if self.said is not None:
            return hashlib.sha256(self.said).hexdigest()
        canonical = {
            "survivor": self.survivor_id,
            "stakeholder": self.stakeholder_id,
            "service": self.service_code,
            "month": self.month.isoformat(),
            "channel": str(self.channel),
            "answers": dict(sorted(self.answers.items())),
            "comment": (self.comment or "").strip(),
            "consent": bool(self.consent_contact),
        }
        if self.felt_unsafe is not None:  # absent from older clients' payloads
            canonical["unsafe"] = bool(self.felt_unsafe)
        blob = json.dumps(canonical, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(blob).hexdigest()


class SubmissionError(Exception):
    """Base of the errors a caller turns into a message for the person who submitted."""


@dataclass
class InvalidSubmission(SubmissionError):
    """The submission breaks a rule; `errors` maps each field to a stable reason key.

    Reasons: required, invalid, unknown, revoked, wrong_type, future, too_old, too_long.
    Answers are reported as `answers.<item code>`.
    """

    errors: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return ", ".join(f"{name}: {reason}" for name, reason in self.errors.items())


@dataclass
class ConflictingResubmission(SubmissionError):
    """The client UUID is already stored with a different payload (HTTP 409)."""

    client_uuid: uuid.UUID

    def __str__(self) -> str:
        return f"rating {self.client_uuid} was already stored with different content"


@dataclass
class ErasedResubmission(SubmissionError):
    """The client UUID belonged to a rating the retention purge erased: not stored again."""

    client_uuid: uuid.UUID

    def __str__(self) -> str:
        return f"rating {self.client_uuid} was stored and has since been erased"


@dataclass(frozen=True)
class SubmitResult:
    rating: Rating
    created: bool


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def active_questionnaire(session: Session, type_id: int) -> Questionnaire | None:
    return session.scalars(select(Questionnaire).filter_by(type_id=type_id, active=True)).first()


def submit_rating(session: Session, submission: Submission, *, today: dt.date | None = None):
    """Validate and store a rating once; commits. Returns the stored rating either way.

    Raises InvalidSubmission (nothing written), ConflictingResubmission or
    ErasedResubmission.
    """
    digest = submission.digest()
    try:
        with write_transaction(session):
            existing = _find(session, submission.client_uuid)
            if existing is not None:
                return _replay(existing, digest, submission.client_uuid)
            if session.get(ErasedRating, submission.client_uuid) is not None:
                raise ErasedResubmission(submission.client_uuid)
            rating = _build_rating(session, submission, digest, today or programme_today())
            session.add(rating)
            session.flush()
            count_rating(session, rating)
            raise_alert(session, rating, rating.survivor)
    except IntegrityError as exc:
        # Two copies of the same rating raced (e.g. a phone retrying on a bad network): the
        # loser's insert fails on the unique client UUID once the winner commits.
        if "client_uuid" not in str(exc.orig):
            raise
        existing = _find(session, submission.client_uuid)
        if existing is None:
            raise
        return _replay(existing, digest, submission.client_uuid)
    return SubmitResult(rating, created=True)


@dataclass
class InvalidBatch(SubmissionError):
    """Some submissions of a batch break a rule; nothing of the batch was written.

    `errors` maps each failing submission's index to its field → reason map.
    """

    errors: dict[int, dict[str, str]] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{len(self.errors)} submissions are invalid"


# Ratings stored per write transaction in a batch: each holds SQLite's one write lock for a
# fraction of a second, so tablets' submissions get their turn in between.
BATCH_CHUNK = 10


def submit_batch(
    session: Session, submissions: list[Submission], *, today: dt.date | None = None
) -> tuple[int, int]:
    """Store a batch all or nothing; returns (stored, already stored).

    A submission whose UUID is stored with the same content counts as already stored (so a
    file sent twice stores nothing twice); with other content it is an error of its own.
    Raises InvalidBatch, having written nothing.

    The whole batch is checked first, reading only — no lock held. It is then stored in
    short write transactions of BATCH_CHUNK ratings, each checked again (another writer may
    have stored a UUID or revoked a code in between); should one fail, the ratings this batch
    already stored are taken out again before InvalidBatch is raised.
    """
    today = today or programme_today()
    errors = _check(session, submissions, today)[1]
    if session.in_transaction():
        session.commit()  # end the reading transaction: nothing was written
    if errors:
        raise InvalidBatch(errors)
    stored: list[uuid.UUID] = []
    alert_ids: list[int] = []  # without consent an alert names no rating: keep them by hand
    replayed = 0
    try:
        for start in range(0, len(submissions), BATCH_CHUNK):
            chunk_uuids, chunk_alerts = [], []
            with write_transaction(session):
                built, errors = _check(session, submissions[start : start + BATCH_CHUNK], today)
                if errors:
                    raise InvalidBatch({start + i: e for i, e in errors.items()})
                for rating in built:
                    if rating is None:
                        replayed += 1
                        continue
                    session.add(rating)
                    session.flush()
                    count_rating(session, rating)
                    alert = raise_alert(session, rating, rating.survivor)
                    if alert is not None:
                        chunk_alerts.append(alert)
                    chunk_uuids.append(rating.client_uuid)
            # Committed: only now are these part of what a failure must take back.
            stored += chunk_uuids
            alert_ids += [alert.id for alert in chunk_alerts]
    except BaseException:
        if stored:
            _take_back(session, stored, alert_ids)
        raise
    return len(stored), replayed


def _take_back(session: Session, client_uuids: list[uuid.UUID], alert_ids: list[int]) -> None:
    """Remove ratings this batch stored, with their answers, comments and alerts, and the
    sums derived from them: a batch is stored whole or not at all."""
    if session.in_transaction():
        session.rollback()
    bulk = {"synchronize_session": False}
    with write_transaction(session):
        ids = select(Rating.id).where(Rating.client_uuid.in_(client_uuids)).scalar_subquery()
        session.execute(delete(Alert).where(Alert.id.in_(alert_ids)), execution_options=bulk)
        session.execute(delete(Answer).where(Answer.rating_id.in_(ids)), execution_options=bulk)
        session.execute(delete(Comment).where(Comment.rating_id.in_(ids)), execution_options=bulk)
        session.execute(
            delete(Rating).where(Rating.client_uuid.in_(client_uuids)), execution_options=bulk
        )
        rebuild_derived(session)
    session.expire_all()


def check_batch(
    session: Session, submissions: list[Submission], *, today: dt.date | None = None
) -> dict[int, dict[str, str]]:
    """Every rule a batch breaks, by submission index; writes nothing."""
    return _check(session, submissions, today or programme_today())[1]


def _check(session: Session, submissions: list[Submission], today: dt.date):  # type: ignore[no-untyped-def]
    """Each submission's new rating (None when already stored) and the batch's errors."""
    errors: dict[int, dict[str, str]] = {}
    built: list[Rating | None] = []
    seen: set[uuid.UUID] = set()
    for index, submission in enumerate(submissions):
        if submission.client_uuid in seen:
            errors[index] = {"client_uuid": "duplicate"}
            continue
        seen.add(submission.client_uuid)
        existing = _find(session, submission.client_uuid)
        if existing is not None:
            if existing.payload_digest != submission.digest():
                errors[index] = {"client_uuid": "conflict"}
            built.append(None)
            continue
        if session.get(ErasedRating, submission.client_uuid) is not None:
            built.append(None)  # stored once and since erased: as good as already stored
            continue
        try:
            # Built, not added: nothing reaches the session until the whole batch is valid.
            built.append(_build_rating(session, submission, submission.digest(), today))
        except InvalidSubmission as invalid:
            errors[index] = invalid.errors
    return built, errors


def _find(session: Session, client_uuid: uuid.UUID) -> Rating | None:
    return session.scalars(select(Rating).filter_by(client_uuid=client_uuid)).first()


def _replay(existing: Rating, digest: str, client_uuid: uuid.UUID) -> SubmitResult:
    if existing.payload_digest != digest:
        raise ConflictingResubmission(client_uuid)
    return SubmitResult(existing, created=False)


def check_common(session: Session, sub: Submission, today: dt.date, errors: dict):  # type: ignore[no-untyped-def]
    """What every rating is checked for, whoever it is about: her code, the service, the
    month, the channel and the comment's length. Adds to `errors`; returns (survivor,
    service, month, channel, comment) as they will be stored."""
    survivor = session.get(Survivor, sub.survivor_id)
    if survivor is None:
        errors["survivor"] = "unknown"
    elif not survivor.active:
        errors["survivor"] = "revoked"
    service = session.scalars(select(Service).filter_by(code=sub.service_code)).first()
    if service is None:
        errors["service"] = "unknown"
    month = first_of_month(sub.month)
    if month > first_of_month(today):
        if sub.lenient:  # a tablet's clock ahead of ours: it cannot be later than now
            month = first_of_month(today)
        else:
            errors["month"] = "future"
    elif (today - month).days > OLDEST_MONTH_AGE_DAYS:
        errors["month"] = "too_old"
    channel = None
    try:
        channel = Channel(sub.channel)
    except ValueError:
        errors["channel"] = "invalid"
    comment = (sub.comment or "").strip()
    if len(comment) > MAX_COMMENT_LENGTH:
        if sub.lenient:
            comment = comment[:MAX_COMMENT_LENGTH]
        else:
            errors["comment"] = "too_long"
    return survivor, service, month, channel, comment


def _build_rating(session: Session, sub: Submission, digest: str, today: dt.date) -> Rating:
    errors: dict[str, str] = {}
    survivor, service, month, channel, comment = check_common(session, sub, today, errors)
    stakeholder = _stakeholder(session, sub)
    if stakeholder is None:
        errors["stakeholder"] = "unknown"
    questionnaire = stakeholder and active_questionnaire(session, stakeholder.type_id)
    if stakeholder is not None and questionnaire is None:
        errors["stakeholder"] = "wrong_type"
    answers = (
        _validate_answers(questionnaire, sub.answers, errors, lenient=sub.lenient)
        if questionnaire
        else []
    )
    if errors:
        raise InvalidSubmission(errors)

    derived = derive_scores(answers)
    return Rating(
        client_uuid=sub.client_uuid,
        survivor=survivor,
        stakeholder=stakeholder,
        service=service,
        questionnaire=questionnaire,
        month=month,
        quarter=quarter_of(month),
        channel=channel,
        consent_contact=bool(sub.consent_contact),
        payload_digest=digest,
        entered_by_id=sub.entered_by_id,
        score=derived.score,
        **{str(d): v for d, v in derived.dimensions.items()},
        fully_helped=derived.fully_helped,
        asked_money=derived.asked_money,
        days_taken=derived.days_taken,
        felt_unsafe=sub.felt_unsafe,
        answers=[Answer(item=i, value=raw, normalised=v) for i, raw, v in answers],
        comment=Comment(original=comment, language=sub.language) if comment else None,
    )


def _stakeholder(session: Session, sub: Submission) -> Stakeholder | None:
    """The office rated; for a lenient (tablet) rating also one deactivated since, or the
    one it was merged into."""
    stakeholder = session.get(Stakeholder, sub.stakeholder_id)
    if not sub.lenient:
        return stakeholder if stakeholder is not None and stakeholder.active else None
    for _hop in range(5):  # merges do not chain far; a cycle must not hang the request
        if stakeholder is None or stakeholder.merged_into_id is None:
            break
        stakeholder = session.get(Stakeholder, stakeholder.merged_into_id)
    return stakeholder


def _validate_answers(
    questionnaire: Questionnaire, given: Mapping[str, str], errors: dict, *, lenient: bool
):
    """Answers to store; in lenient mode what does not fit is left out, not refused."""
    entries = {entry.item.code: entry for entry in questionnaire.entries}
    for code in given:
        if code not in entries and not lenient:
            errors[f"answers.{code}"] = "unknown"
    answers = []
    for code, entry in entries.items():
        raw = (given.get(code) or "").strip()
        if not raw:
            if entry.required and not lenient:
                errors[f"answers.{code}"] = "required"
            continue
        try:
            value = normalise(entry.item, raw)
        except InvalidAnswer:
            if not lenient:
                errors[f"answers.{code}"] = "invalid"
            continue
        if entry.item.kind is ItemKind.DAYS and raw != DONT_KNOW:
            raw = str(int(raw))  # Bengali or Devanagari digits are stored as ASCII
        answers.append((entry.item, raw, value))
    return answers


__all__ = [
    "ConflictingResubmission",
    "ErasedResubmission",
    "InvalidBatch",
    "InvalidSubmission",
    "Submission",
    "SubmissionError",
    "SubmitResult",
    "active_questionnaire",
    "programme_today",
    "check_batch",
    "check_common",
    "submit_batch",
    "submit_rating",
]
