"""`POST /api/v1/ratings` and `/api/v1/tablet/ratings`: a rating in, from a partner system
or as a sealed tablet envelope."""

from __future__ import annotations

import datetime as dt

from flask import Response, current_app, g, request
from flask_babel import gettext as _
from pydantic import ValidationError
from sqlalchemy import update

from awaaz.api import schemas
from awaaz.api.views import Invalid, bp, json_response, parse_body, problems
from awaaz.security.sealing import SealError, unseal
from awaaz.web.messages import field_message
from feedback import directory, messages
from feedback.kiosk import kiosk_district
from feedback.limits import limiter, wrong_code_limits
from feedback.services import (
    ConflictingResubmission,
    InvalidSubmission,
    Submission,
    submit_rating,
)
from models import Channel, DeviceToken
from models.codes import CodeFormatError
from models.database import db, write_transaction


def _wrong_code(response: Response) -> bool:
    if response.status_code != 422:
        return False
    return any(
        p.get("field") == "survivor_code" for p in (response.get_json() or {}).get("errors", [])
    )


def _note_use(device: DeviceToken) -> None:
    """Mark the tablet as in use, hourly: a write on every request would cost a commit each."""
    now = dt.datetime.now(dt.UTC)
    last = device.last_used_at
    if last is not None and now - last.replace(tzinfo=dt.UTC) < dt.timedelta(hours=1):
        return
    with write_transaction(db.session):
        db.session.execute(
            update(DeviceToken).where(DeviceToken.id == device.id).values(last_used_at=now)
        )


@bp.post("/ratings")
@limiter.limit(wrong_code_limits, key_func=lambda: f"device:{g.device.id}", deduct_when=_wrong_code)
def submit():
    """Store a rating once: the same client UUID again answers with what was stored."""
    payload = parse_body(schemas.RatingIn)
    response = _store(payload, g.device.district_id, Channel(payload.channel))
    _note_use(g.device)
    return response


@bp.post("/tablet/ratings")
@limiter.limit(wrong_code_limits, deduct_when=_wrong_code)  # per kiosk (feedback.limits)
def submit_sealed():
    """A rating an offline kiosk tablet sealed for this server (see awaaz/sealing.py).

    The kiosk cookie that staff set on the tablet is its credential; the custom header, which
    no cross-site form can send, stands in for a CSRF token (the survivor's session, and
    with it any token, is gone by the time the tablet is back online).
    """
    envelope = parse_body(schemas.SealedRating)
    if kiosk_district() is None or request.headers.get("X-Awaaz-Tablet") != "1":
        raise Invalid([("", _("Only a programme tablet in kiosk mode can send this."))], 403)
    try:
        opened = unseal(
            current_app.config["AWAAZ_TABLET_KEY"], envelope.key, envelope.iv, envelope.data
        )
    except SealError:
        raise Invalid([("data", _("This rating was not sealed for this server."))]) from None
    try:
        payload = schemas.RatingIn.model_validate_json(opened)
    except ValidationError as error:
        raise Invalid(problems(error)) from None
    if payload.client_uuid != envelope.client_uuid:
        raise Invalid([("client_uuid", field_message("invalid"))])
    # The server says how the rating came: a kiosk tablet's envelope is a kiosk rating,
    # whatever it claims.
    return _store(payload, kiosk_district(), Channel.KIOSK)


def _store(payload: schemas.RatingIn, district_id: int | None, channel: Channel) -> Response:
    """Store a rating from a tablet of `district_id` (None: a token for every district)."""
    try:
        survivor = directory.find_survivor(
            db.session, current_app.config["AWAAZ_CODE_KEY"], payload.survivor_code
        )
    except CodeFormatError as error:
        raise Invalid([("survivor_code", str(messages.CODE_ERRORS[error.reason]))]) from None
    if survivor is not None and district_id is not None and survivor.district_id != district_id:
        # A tablet of another district gets the answer for a code nobody holds: it may not
        # rate for her, nor learn that her code is real.
        survivor = None
    if survivor is None:
        raise Invalid([("survivor_code", str(messages.CODE_ERRORS["unknown"]))])
    year, month = (int(part) for part in payload.month.split("-"))
    submission = Submission(
        client_uuid=payload.client_uuid,
        survivor_id=survivor.id,
        stakeholder_id=payload.stakeholder_id,
        service_code=payload.service,
        month=dt.date(year, month, 1),
        channel=channel,
        answers=payload.answers,
        comment=payload.comment,
        language=payload.language,
        consent_contact=payload.consent_contact,
        felt_unsafe=payload.felt_unsafe,
    )
    try:
        result = submit_rating(db.session, submission)
    except InvalidSubmission as invalid:
        raise Invalid(
            [(name, field_message(reason)) for name, reason in invalid.errors.items()]
        ) from None
    except ConflictingResubmission:
        message = _("This UUID was already used for a different rating.")
        raise Invalid([("client_uuid", message)], status=409) from None
    rating = result.rating
    body = schemas.RatingOut(
        client_uuid=rating.client_uuid,
        stakeholder_id=rating.stakeholder_id,
        service=payload.service,
        month=rating.month.strftime("%Y-%m"),
    )
    return json_response(body, 201 if result.created else 200)


# --- what a tablet needs ----------------------------------------------------------------------
