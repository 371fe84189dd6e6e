"""Small helpers shared by the staff forms."""

from __future__ import annotations

from collections.abc import Iterable

from wtforms import SelectChoice


def options(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices (tuples are deprecated in WTForms 3.3)."""
    return [SelectChoice(value, label) for value, label in pairs]
