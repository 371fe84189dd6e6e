"""The admin console: staff users, the stakeholder registry and survivors' suggestions,
geography, programme settings, spoken prompts, and the audit log.

Plain Flask-WTF forms and server-rendered pages: they need no script, so they live under the
same strict Content-Security-Policy as everything else (Flask-Admin's pages load inline
script and third-party assets, and do not know our role rules). Every change is audited.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/staff/admin")
PAGE = 100

# The pages add their routes to `bp` when imported.
from awaaz.console.admin import audit, devices, registry, settings, users, voice  # noqa: E402

__all__ = ["audit", "bp", "devices", "registry", "settings", "users", "voice"]
