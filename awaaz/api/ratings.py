"""`POST /api/v1/ratings` and `/api/v1/tablet/ratings`: a rating in, from a partner system
or as a sealed tablet envelope."""

from __future__ import annotations

import datetime as dt
import uuid

from flask import Response, current_app, g, request
from flask_babel import gettext as _
from pydantic import ValidationError
from sqlalchemy import update

from awaaz.api import schemas
from awaaz.api.views import Invalid, bp, json_response, parse_body
from awaaz.security.sealing import SealError, unseal
from awaaz.web.messages import field_message
from feedback import directory, flow, messages
from feedback.kiosk import current_kiosk
from feedback.limits import limiter, wrong_code_limits
from feedback.services import (
    PROGRAMME_TIMEZONE,
    ConflictingResubmission,
    ErasedResubmission,
    InvalidSubmission,
    Submission,
    submit_rating,
)
from models import Channel, DeviceToken, Kiosk, Stakeholder, Survivor
from models.audit import record
from models.codes import CodeFormatError
from models.database import db, write_transaction


def _wrong_code(response: Response) -> bool:
    if response.status_code != 422:
        return False
    body = response.get_json() or {}
    if body.get("reason") == "code":  # a tablet's sealed rating
        return True
    return any(p.get("field") == "survivor_code" for p in body.get("errors", []))


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
    """A rating an offline kiosk tablet sealed for this server (see security/sealing.py).

    The kiosk cookie that staff set on the tablet is its credential; the custom header, which
    no cross-site form can send, stands in for a CSRF token (the survivor's session, and
    with it any token, is gone by the time the tablet is back online).

    Whoever holds a tablet holds its cookie and its outbox, so the reply says nothing of
    what the envelope holds: its UUID, stored / already stored / refused, and a refusal's
    kind. The tablet removes a rating only on such a reply for that UUID (docs/offline.md).
    """
    envelope = parse_body(schemas.SealedRating)
    kiosk = _calling_kiosk()
    ring = current_app.config["AWAAZ_TABLET_KEYRING"]
    try:
        opened = unseal(ring, envelope.kid, envelope.key, envelope.iv, envelope.data)
        payload = schemas.TabletRatingIn.model_validate_json(opened)
    except SealError:
        return _refused(envelope.client_uuid, "key", kiosk)
    except ValidationError:
        return _refused(envelope.client_uuid, "invalid", kiosk)
    if payload.client_uuid != envelope.client_uuid:
        return _refused(envelope.client_uuid, "invalid", kiosk)
    survivor = _kiosk_survivor(kiosk, payload.survivor_code)
    if survivor is None:
        return _refused(envelope.client_uuid, "code", kiosk)
    stakeholder = db.session.get(Stakeholder, payload.stakeholder_id)
    if stakeholder is None or stakeholder.district_id != kiosk.district_id:
        # A tablet rates the offices of its own district (its pack holds no others).
        return _refused(envelope.client_uuid, "stakeholder", kiosk)
    submission = _submission(
        payload,
        survivor.id,
        stakeholder.id,
        _tablet_month(payload, envelope.sent_at),
        # The server says how the rating came: a kiosk tablet's envelope is a kiosk rating,
        # whatever it claims.
        Channel.KIOSK,
        lenient=True,
        said=opened,
    )
    try:
        result = submit_rating(db.session, submission)
    except InvalidSubmission as invalid:
        reason = "invalid"
        if "survivor" in invalid.errors:  # revoked since she rated
            reason = "code"
        elif "stakeholder" in invalid.errors:
            reason = "stakeholder"
        return _refused(envelope.client_uuid, reason, kiosk)
    except ConflictingResubmission:
        return _refused(envelope.client_uuid, "conflict", kiosk, status=409)
    except ErasedResubmission:
        # Stored once and erased by the retention purge since: the tablet may let it go.
        return _reply(envelope.client_uuid, "already_stored", 200)
    if result.created:
        return _reply(envelope.client_uuid, "stored", 201)
    return _reply(envelope.client_uuid, "already_stored", 200)


@bp.post("/tablet/check-code")
@limiter.limit(wrong_code_limits, deduct_when=_wrong_code)  # per kiosk, as codes typed online
def check_code():
    """Whether a survivor of the kiosk's district holds this code: the offline tablet asks
    while it has a network, so that a wrong code is put right before her answers, not after.
    Wrong codes count against the tablet's limits like codes typed on the online pages."""
    body = parse_body(schemas.CodeCheckIn)
    survivor = _kiosk_survivor(_calling_kiosk(), body.survivor_code)
    if survivor is None:
        return json_response(schemas.CodeCheckOut(known=False, reason="code"), 422)
    forms = "boy" if survivor.masculine_forms else None
    return json_response(schemas.CodeCheckOut(known=True, forms=forms), 200)


def _calling_kiosk() -> Kiosk:
    """The kiosk tablet making this call; 403 for anyone else.

    The kiosk cookie that staff set on the tablet is its credential; the custom header, which
    no cross-site form can send, stands in for a CSRF token.
    """
    kiosk = current_kiosk()
    if kiosk is None or request.headers.get("X-Awaaz-Tablet") != "1":
        raise Invalid([("", _("Only a programme tablet in kiosk mode can send this."))], 403)
    return kiosk


def _kiosk_survivor(kiosk: Kiosk, code: str) -> Survivor | None:
    """The survivor of the kiosk's district who holds `code`; another district's survivor is
    as unknown as a code nobody holds."""
    try:
        survivor = directory.find_survivor(db.session, current_app.config["AWAAZ_CODE_KEY"], code)
    except CodeFormatError:
        return None
    return survivor if survivor is not None and survivor.district_id == kiosk.district_id else None


def _reply(client_uuid: uuid.UUID, status: str, code: int, reason: str | None = None) -> Response:
    body = schemas.TabletReply(client_uuid=client_uuid, status=status, reason=reason)
    return json_response(body, code)


def _refused(client_uuid: uuid.UUID, reason: str, kiosk: Kiosk, status: int = 422) -> Response:
    """A refusal the tablet keeps in its "needs attention" list; the kiosks page counts them."""
    db.session.rollback()
    record(
        db.session,
        "tablet.refused",
        target_type="kiosk",
        target_id=kiosk.id,
        detail={"reason": reason},
    )
    db.session.commit()
    return _reply(client_uuid, "refused", status, reason)


# Longer than this between sealing and sending, by the tablet's own clock, means the clock was
# set in between (a reset to 1970, say): the time since is then unknown, taken as none.
LONGEST_OFFLINE = dt.timedelta(days=366)


def _month(text: str) -> dt.date:
    year, month = (int(part) for part in text.split("-"))
    return dt.date(year, month, 1)


def _tablet_month(payload: schemas.TabletRatingIn, sent_at: int | None) -> dt.date:
    """The month she went, told by the server's clock: she said "this month" at a moment the
    tablet's clock places some time before it sent the rating. Only that difference is taken
    from the tablet — right however wrong its clock is (a reset to 1970, India's time on a
    server on UTC) — so "this month" is the month in India when she rated."""
    if payload.when is None or payload.sealed_at is None or sent_at is None:
        return _month(payload.month)  # an older tablet
    since = dt.timedelta(milliseconds=sent_at - payload.sealed_at)
    if not dt.timedelta(0) <= since <= LONGEST_OFFLINE:
        since = dt.timedelta(0)
    rated = (dt.datetime.now(dt.UTC) - since).astimezone(PROGRAMME_TIMEZONE).date()
    return flow.month_for(payload.when, rated)


def _submission(  # type: ignore[no-untyped-def]
    payload: schemas.RatingIn, survivor_id: int, stakeholder_id: int, month, channel, **extra
) -> Submission:
    """The write path's Submission for a rating that came through the API."""
    return Submission(
        client_uuid=payload.client_uuid,
        survivor_id=survivor_id,
        stakeholder_id=stakeholder_id,
        service_code=payload.service,
        month=month,
        channel=channel,
        answers=payload.answers,
        comment=payload.comment,
        language=payload.language,
        consent_contact=payload.consent_contact,
        felt_unsafe=payload.felt_unsafe,
        **extra,
    )


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
    submission = _submission(
        payload, survivor.id, payload.stakeholder_id, _month(payload.month), channel
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
    except ErasedResubmission:
        message = _("This rating was stored once and has since been erased.")
        raise Invalid([("client_uuid", message)], status=410) from None
    rating = result.rating
    body = schemas.RatingOut(
        client_uuid=rating.client_uuid,
        stakeholder_id=rating.stakeholder_id,
        service=payload.service,
        month=rating.month.strftime("%Y-%m"),
    )
    return json_response(body, 201 if result.created else 200)


# --- what a tablet needs ----------------------------------------------------------------------
