"""Messages for API errors: one per pydantic error type or submission reason, translated."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

MESSAGES = {
    # The write path's reasons (feedback.services.InvalidSubmission).
    "required": _l("This is needed."),
    "invalid": _l("This is not one of the allowed answers."),
    "unknown": _l("There is no such record."),
    "revoked": _l("This code no longer works. Please ask your didi for a new card."),
    "wrong_type": _l("This stakeholder has no questionnaire."),
    "future": _l("This month has not come yet."),
    "too_old": _l("This month is too long ago."),
    "too_long": _l("This is too long."),
    # pydantic's error types.
    "missing": _l("This is needed."),
    "extra_forbidden": _l("This field is not part of the request."),
    "string_too_long": _l("This is too long."),
    "string_too_short": _l("This is needed."),
    "string_pattern_mismatch": _l("This is not in the right form."),
    "literal_error": _l("This is not one of the allowed values."),
    "greater_than_equal": _l("This number is out of range."),
    "less_than_equal": _l("This number is out of range."),
}
DEFAULT = _l("This is not the right kind of value.")


def field_message(kind: str) -> str:
    return str(MESSAGES.get(kind, DEFAULT))
