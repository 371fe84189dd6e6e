"""What the tabs share: the dashboard cache, the release line, numbers and arrows."""

from __future__ import annotations

import pandas as pd
from dash import html
from dash.development.base_component import Component
from flask_babel import format_date, format_decimal, format_percent
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from mis import cache, published


def cached(name: str, session: Session, *args):  # type: ignore[no-untyped-def]
    """An engine result through the dashboard cache (see mis/cache.py)."""
    return cache.remember(session, name, args, lambda: getattr(published, name)(session, *args))


def release_line(session: Session, period, audience: str = "staff") -> html.P:  # type: ignore[no-untyped-def]
    """Which release the page shows, and when it was made (and approved, for funders)."""
    note = published.release_note(session, period, audience)
    if note is None:
        return html.P()
    text = _(
        "Figures for %(period)s, released on %(built)s. They do not change when new ratings "
        "arrive.",
        period=period.label,
        built=format_date(note["built_at"], "long"),
    )
    if note["approved_at"] is not None:
        text += " " + _("Approved on %(date)s.", date=format_date(note["approved_at"], "long"))
    return html.P(text, className="release", id="release-line")


def how_to_read(text: str) -> html.P:
    return html.P([html.B(_("How to read this: ")), text], className="how")


def number(value, percent: bool = False) -> str:  # type: ignore[no-untyped-def]
    if value is None or pd.isna(value):
        return "—"
    return format_percent(value, "#,##0%") if percent else format_decimal(value, "#,##0")


def change_words(  # type: ignore[no-untyped-def]
    change, percent: bool = False, higher_is_better: bool | None = True, clear: bool = True
) -> tuple[str, str]:
    """A change as she would say it, and its class: ("▲ 5 better", "better"), ("▼ 3% worse",
    "worse"). Nothing for no change, a change that rounds to 0, or one within the figure's own
    uncertainty (`clear` False): an arrow there would claim what the data do not show. The
    word carries the meaning, so "asked for money ▲" reads "worse", not like a rise in score."""
    if change is None or pd.isna(change):
        return "", ""
    size = number(abs(change), percent)
    if not clear or size in ("0", "0%"):
        return _("no clear change"), "same"
    sign = "▲" if change > 0 else "▼"
    if higher_is_better is None:  # a count: more is neither better nor worse in itself
        return f"{sign} {size} {_('more') if change > 0 else _('fewer')}", "same"
    better = (change > 0) == higher_is_better
    word = _("better") if better else _("worse")
    return f"{sign} {size} {word}", ("better" if better else "worse")


def arrow(change, percent: bool = False, higher_is_better: bool = True, clear: bool = True) -> str:  # type: ignore[no-untyped-def]
    return change_words(change, percent, higher_is_better, clear)[0]


def simple_table(frame: pd.DataFrame, columns: dict, empty: str | None = None) -> Component:
    """The rows under their headings; with no rows, a sentence saying so (`empty`), not a
    bare row of headings a reader may take for a page still loading."""
    if frame.empty:
        return html.P(empty or _("Nothing to show for these filters."), className="empty")
    head = html.Thead(html.Tr([html.Th(label) for label in columns.values()]))
    body = html.Tbody(
        [html.Tr([html.Td(row.get(c, "")) for c in columns]) for row in frame.to_dict("records")]
    )
    return html.Table([head, body], className="plain")
