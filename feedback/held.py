"""Ratings of someone "not in the list": checked as any rating is, held, then stored or erased.

She typed a name the registry does not have and answered the questions anyway. Her answers
are checked now (she is told now, not later, what to fix), kept beside the suggestion, and
stored through the ordinary write path — counted, scored, alerted — once staff add the name
(`release`). If staff reject the name, they are erased (`discard`).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid

from sqlalchemy.orm import Session

from models import HeldRating, StakeholderSuggestion
from models.database import write_transaction

from .services import (
    InvalidSubmission,
    Submission,
    SubmissionError,
    _validate_answers,
    active_questionnaire,
    check_common,
    programme_today,
    submit_rating,
)

# The submission's fields kept while held: everything but the stakeholder, which is the point.
_KEPT = (
    "client_uuid",
    "survivor_id",
    "service_code",
    "month",
    "channel",
    "answers",
    "comment",
    "language",
    "consent_contact",
    "felt_unsafe",
)


def hold(session: Session, suggestion: StakeholderSuggestion, submission: Submission) -> HeldRating:
    """Check the rating as `submit_rating` would, then keep it with the suggestion; commits.

    Raises InvalidSubmission with the same reasons the ordinary path gives.
    """
    existing = session.query(HeldRating).filter_by(client_uuid=submission.client_uuid).first()
    if existing is not None:
        return existing  # a double tap: held once
    errors: dict[str, str] = {}
    check_common(session, submission, programme_today(), errors)
    questionnaire = active_questionnaire(session, suggestion.type_id)
    if questionnaire is None:
        errors["stakeholder"] = "wrong_type"
    else:
        _validate_answers(questionnaire, submission.answers, errors, lenient=False)
    if errors:
        raise InvalidSubmission(errors)
    kept = {name: getattr(submission, name) for name in _KEPT}
    kept["client_uuid"] = str(submission.client_uuid)
    kept["month"] = submission.month.isoformat()
    kept["channel"] = str(submission.channel)
    kept["answers"] = dict(submission.answers)
    asked_money = submission.answers.get("money") == "yes"
    with write_transaction(session):
        held = HeldRating(
            suggestion=suggestion,
            client_uuid=submission.client_uuid,
            payload=json.dumps(kept, ensure_ascii=False),
            flagged=bool(submission.felt_unsafe) or asked_money,
        )
        session.add(held)
    return held


def _submission(held: HeldRating, stakeholder_id: int) -> Submission:
    kept = json.loads(held.payload)
    kept["client_uuid"] = uuid.UUID(kept["client_uuid"])
    kept["month"] = dt.date.fromisoformat(kept["month"])
    # Lenient: what changed while it waited (a questionnaire's new version) drops the odd
    # answer, never her whole rating.
    return Submission(stakeholder_id=stakeholder_id, lenient=True, **kept)


def release(session: Session, suggestion: StakeholderSuggestion, stakeholder_id: int) -> int:
    """Store every rating held for this suggestion, on the stakeholder staff added; returns
    how many were stored. One that can no longer be stored (her code stopped meanwhile, or
    the month is now too old) stays held, for staff to see."""
    stored = 0
    for held in list(suggestion.held):
        try:
            submit_rating(session, _submission(held, stakeholder_id))
        except SubmissionError:
            continue  # submit_rating wrote nothing; it stays held
        with write_transaction(session):
            session.delete(held)
        stored += 1
    return stored


def discard(session: Session, suggestion: StakeholderSuggestion) -> int:
    """Erase what was held for a name staff rejected; returns how many. The caller commits."""
    count = len(suggestion.held)
    suggestion.held.clear()
    return count


__all__ = ["discard", "hold", "release"]
