"""The survivor-facing pages. Views are thin: validate → service → render or redirect."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint(
    "feedback",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/s",
)

LANGUAGE_CHOICES = (("bn", "বাংলা"), ("hi", "हिंदी"), ("en", "English"))


@bp.get("/")
def choose_language():
    """Offer the three languages, each in its own script."""
    return render_template("feedback/choose_language.html", choices=LANGUAGE_CHOICES)
