"""Safeguarding alerts and the actions taken on stakeholders and alerts.

Programme staff and admins see every alert; a field worker sees only the alerts of survivors
she enrolled who asked to be contacted. The survivor's enrolment number is shown only to her
enrolling field worker and to admins, and only when she asked to be contacted; every view of
an alert is on the audit log, with whether the survivor was shown.
"""

from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from models import AlertReason, AlertStatus
from models.safeguarding import ACTION_KIND_LABELS, ACTION_STATUS_LABELS, ESCALATION_LABELS

bp = Blueprint("alerts", __name__, url_prefix="/staff")
PAGE = 50

REASONS = {
    AlertReason.MONEY: _l("Money or a favour was asked"),
    AlertReason.UNSAFE: _l("She felt unsafe or was threatened"),
    AlertReason.LOW_SCORE: _l("Very low score"),
    AlertReason.DANGER_WORDS: _l("Words of danger in the comment"),
}
STATUSES = {
    AlertStatus.NEW: _l("New"),
    AlertStatus.IN_PROGRESS: _l("In progress"),
    AlertStatus.CLOSED: _l("Closed"),
}
KINDS = {kind: _l(label) for kind, label in ACTION_KIND_LABELS.items()}
ESCALATIONS = {to: _l(label) for to, label in ESCALATION_LABELS.items()}
ACTION_STATUSES = {status: _l(label) for status, label in ACTION_STATUS_LABELS.items()}


# The pages add their routes to `bp` when imported.
from awaaz.console.alerts import actions, pages  # noqa: E402

__all__ = ["actions", "bp", "pages"]
