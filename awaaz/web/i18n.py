"""Locale selection for Flask-Babel.

Survivor pages carry their language in the URL (/bn/, /hi/, /en/), so a shared tablet never
"remembers" the previous survivor's language. Staff pages follow the staff member's choice
kept in the session, then the browser's preference.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request, session
from flask_babel import Babel, get_locale

LANGUAGES = ("bn", "hi", "en")
STAFF_LANGUAGES = ("en", "bn")
TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"

babel = Babel()


def select_locale() -> str:
    lang = (request.view_args or {}).get("lang")
    if lang in LANGUAGES:
        return lang
    first = request.path.split("/")[1]
    if first in LANGUAGES:  # a survivor's address that matched no page: still her language
        return first
    if request.path in ("/", "/calm"):
        # The survivors' start page (where every kiosk reset lands), before she chooses: the
        # programme's language, or Hindi where the device asks for it — never the English
        # of a tablet's factory settings. Each language is offered in its own script.
        return request.accept_languages.best_match(("bn", "hi")) or "bn"
    if request.path.startswith("/api/"):
        # API clients name their language in ?lang= or Accept-Language; no session needed.
        asked = request.args.get("lang")
        if asked in LANGUAGES:
            return asked
        return request.accept_languages.best_match(LANGUAGES) or "en"
    chosen = session.get("staff_lang")
    if chosen in STAFF_LANGUAGES:
        return chosen
    return request.accept_languages.best_match(STAFF_LANGUAGES) or "en"


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Kolkata")
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
