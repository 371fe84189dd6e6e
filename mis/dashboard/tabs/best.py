"""Best practice and most improved: what the strongest stakeholders do well."""

from __future__ import annotations

from dash import html
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from mis import cache, published
from mis.dashboard.filters import Filters
from mis.dashboard.labels import item_names, localise_places, type_names
from mis.dashboard.tabs.common import arrow, cached, how_to_read, simple_table


def best(session: Session, filters: Filters) -> list:
    names = type_names(session)
    items = item_names(session)
    key = (filters.period, filters.settings, filters.scope)
    league = cached("league_table", session, *key)
    # Keyed by the filters; the league table is passed in so it is computed once.
    good = cache.remember(
        session, "best_practice", key, lambda: published.best_practice(session, *key, table=league)
    ).frame
    good = localise_places(session, good).assign(
        type_name=good["type"].map(names),
        score=good["score"].round(0),
        strongest=[", ".join(items.get(i, i) for i in codes) for codes in good["strongest_items"]],
        quotes=[" · ".join(q) if isinstance(q, list) else "" for q in good["quotes"]],
    )

    def changed(name: str):  # type: ignore[no-untyped-def]
        """Most improved or most declined, as rows to show."""
        function = getattr(published, name)
        frame = cache.remember(
            session, name, key, lambda: function(session, *key, table=league)
        ).frame
        return localise_places(session, frame).assign(
            type_name=frame["type"].map(names),
            score=frame["score"].round(0),
            change=[arrow(c) for c in frame["change"]],
        )

    up, down = changed("most_improved"), changed("most_declined")
    changed = {
        "stakeholder": _("Stakeholder"),
        "type_name": _("Type"),
        "district": _("District"),
        "score": _("Score"),
        "change": _("Change"),
    }
    return [
        html.H3(_("Best practice")),
        how_to_read(
            _(
                "Stakeholders whose whole interval lies above their type's mean, with "
                "the questions they do best on and approved quotes."
            )
        ),
        simple_table(
            good,
            {
                "stakeholder": _("Stakeholder"),
                "type_name": _("Type"),
                "district": _("District"),
                "score": _("Score"),
                "strongest": _("Strongest on"),
                "quotes": _("What survivors said"),
            },
            _("No stakeholder stands clearly above its type this period."),
        ),
        html.H3(_("Most improved")),
        how_to_read(
            _(
                "The largest clear rises since the period before (larger than the score's "
                "own uncertainty), among stakeholders with enough raters in both."
            )
        ),
        simple_table(up, changed, _("No clear rises this period.")),
        html.H3(_("Most declined")),
        how_to_read(
            _(
                "The largest clear falls since the period before, under the same rules: "
                "where to ask what changed."
            )
        ),
        simple_table(down, changed, _("No clear falls this period.")),
    ]
