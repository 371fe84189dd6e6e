"""Words the dashboard shows for codes (types, dimensions, items), in the staff's language."""

from __future__ import annotations

import pandas as pd
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Block, District, Item, Service, Stakeholder, StakeholderType

DIMENSIONS = {
    "respect": _l("Respect"),
    "responsiveness": _l("Responsiveness"),
    "integrity": _l("Integrity"),
    "confidentiality": _l("Confidentiality"),
}


def type_names(session: Session) -> dict[str, str]:
    return {t.code: _(t.label) for t in session.scalars(select(StakeholderType))}


# Items where "yes" is bad are shown the way their score reads, higher is better: 100 on
# "money" means nobody was asked, and best practice must not list "asked for money" as a
# strength.
POSITIVE = {"money": _l("Not asked for money or a favour")}


def item_names(session: Session) -> dict[str, str]:
    names = {}
    for item in session.scalars(select(Item)):
        if item.polarity == -1:
            names[item.code] = str(POSITIVE.get(item.code) or _("Not: %(item)s", item=_(item.text)))
        else:
            names[item.code] = _(item.text)
    return names


def dimension_names() -> dict[str, str]:
    return {code: str(label) for code, label in DIMENSIONS.items()}


def staff_lang() -> str:
    return str(get_locale() or "en")


def localise_places(session: Session, frame: pd.DataFrame) -> pd.DataFrame:
    """Stakeholder, district and block names in the staff's language, from the registry's
    own spellings (English where a row has none). Figures are untouched."""
    lang = staff_lang()
    if lang == "en" or frame.empty:
        return frame
    out = frame.copy()
    if "stakeholder" in out and "stakeholder_id" in out:
        names = {s.id: s.display_name(lang) for s in session.scalars(select(Stakeholder))}
        out["stakeholder"] = out["stakeholder_id"].map(names).fillna(out["stakeholder"])
    for column, model in (("district", District), ("block", Block)):
        if column in out:
            names = {p.name: p.display_name(lang) for p in session.scalars(select(model))}
            out[column] = out[column].map(lambda n, names=names: names.get(n, n))
    return out


def grid_locale() -> dict[str, str]:
    """AG Grid's own words (pages, filters) in the staff's language: its `localeText`."""
    return {
        "page": _("Page"),
        "of": _("of"),
        "to": _("to"),
        "more": _("more"),
        "pageSizeSelectorLabel": _("Rows per page:"),
        "firstPage": _("First page"),
        "previousPage": _("Previous page"),
        "nextPage": _("Next page"),
        "lastPage": _("Last page"),
        "noRowsToShow": _("Nothing to show"),
        "loadingOoo": _("Loading …"),
        "filterOoo": _("Filter …"),
        "equals": _("Equals"),
        "notEqual": _("Does not equal"),
        "contains": _("Contains"),
        "notContains": _("Does not contain"),
        "startsWith": _("Begins with"),
        "endsWith": _("Ends with"),
        "blank": _("Blank"),
        "notBlank": _("Not blank"),
        "lessThan": _("Less than"),
        "greaterThan": _("Greater than"),
        "inRange": _("Between"),
        "andCondition": _("AND"),
        "orCondition": _("OR"),
        "applyFilter": _("Apply"),
        "resetFilter": _("Reset"),
        "clearFilter": _("Clear"),
        "ariaRowSelect": _("Select row"),
    }


def district_names(session: Session, lang: str | None = None) -> dict[str, str]:
    """English district name → its name in `lang` (the staff's language by default)."""
    lang = lang or staff_lang()
    return {d.name: d.display_name(lang) for d in session.scalars(select(District))}


def label_service_cells(session: Session, frame: pd.DataFrame) -> pd.DataFrame:
    """Released service cells with the service, type and district in the staff's language."""
    lang = staff_lang()
    services = {s.id: _(s.label) for s in session.scalars(select(Service))}
    kinds = {t.id: _(t.label) for t in session.scalars(select(StakeholderType))}
    districts = {d.id: d.display_name(lang) for d in session.scalars(select(District))}
    return frame.assign(
        service=frame["service_id"].astype(int).map(services),
        type_name=frame["type_id"].astype(int).map(kinds),
        district=frame["district_id"].astype(int).map(districts),
    )
