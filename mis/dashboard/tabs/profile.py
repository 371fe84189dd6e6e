"""One stakeholder's profile: scores, items, comments, actions and documents."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from mis import figures, metrics, published, queries
from mis.dashboard.filters import Filters
from mis.dashboard.labels import item_names, localise_places
from mis.dashboard.tabs.common import cached, how_to_read, number
from mis.periods import Grain
from models.safeguarding import ACTION_KIND_LABELS, ACTION_STATUS_LABELS, ESCALATION_LABELS


def stakeholder_options(session: Session, filters: Filters) -> list[dict]:
    directory = localise_places(session, queries.stakeholder_directory(session, filters.scope))
    return [
        {"label": f"{r.stakeholder} · {r.district}", "value": int(r.stakeholder_id)}
        for r in directory.sort_values("stakeholder").itertuples()
    ]


def profile(session: Session, filters: Filters, stakeholder_id: int | None) -> list:
    if not stakeholder_id:
        return [html.P(_("Choose a stakeholder above, or click a row of the league table."))]
    own = queries.EVERYWHERE  # scores are relative to the whole programme's type means
    history = []
    published.preload(session, "staff", filters.period.last_quarters(8), "stakeholders")
    for quarter in filters.period.last_quarters(8):
        try:
            table = cached("league_table", session, quarter, filters.settings, own).frame
        except published.NotReleased:
            continue
        row = table[table["stakeholder_id"] == stakeholder_id]
        if not row.empty:
            history.append(
                row.iloc[0][["score", "score_low", "score_high"]].to_dict()
                | {"period": quarter.label}
            )
    parts = [
        dcc.Graph(
            figure=figures.history_figure(
                pd.DataFrame(history, columns=["period", "score", "score_low", "score_high"]),
                _("Score by quarter"),
                _("Too few survivors rated this stakeholder."),
            ),
            config={"displaylogo": False},
        ),
        how_to_read(_("The bar is the interval (95%); a quarter with too few raters is left out.")),
    ]
    table = cached("league_table", session, filters.period, filters.settings, own).frame
    row = table[table["stakeholder_id"] == stakeholder_id]
    if row.empty or row.iloc[0]["suppressed"]:
        return [
            *parts,
            html.P(
                _(
                    "Fewer than %(k)s survivors rated this stakeholder in this "
                    "period, so no figures are shown.",
                    k=filters.settings.k_staff,
                ),
                className="warn",
            ),
            *_actions(session, stakeholder_id),
        ]
    type_id = int(row.iloc[0]["type_id"])
    every_item = published.item_means(session, filters.period, filters.settings, stakeholder_id)
    own_items = every_item[~every_item["suppressed"].astype(bool)]
    compared = metrics.strongest_items(
        own_items.drop(columns=["item_type_mean"])
        .assign(type_id=type_id)
        .astype({"n": float, "mean": float}),
        top=50,
        type_means=own_items[["type_id", "item_code", "item_type_mean"]].drop_duplicates(),
    )
    names = item_names(session)
    compared = compared.assign(item=compared["item_code"].map(names))
    indicators = cached("indicators", session, filters.period, filters.settings, own).frame
    ind = indicators[indicators["stakeholder_id"] == stakeholder_id]
    comments = queries.approved_comments(session, filters.period, [stakeholder_id])
    facts = []
    if not ind.empty:
        first = ind.iloc[0]
        facts = [
            html.Li(f"{_('Fully helped')}: {number(first['share_helped'], True)}"),
            html.Li(f"{_('Asked for money')}: {number(first['share_money'], True)}"),
            html.Li(f"{_('Median days')}: {number(first['median_days'])}"),
        ]
    return [
        *parts,
        dcc.Graph(
            figure=figures.items_figure(
                compared,
                _("Each question against the type's mean"),
                _("No answers yet."),
                {"this": _("This stakeholder"), "type": _("Type mean")},
            ),
            config={"displaylogo": False},
        ),
        how_to_read(_("Blue is this stakeholder, orange the mean of its type, on a 0–100 scale.")),
        _answers(every_item, names, filters.settings.k_staff),
        html.H3(_("Service")),
        html.Ul(facts),
        html.H3(_("What survivors said")),
        html.Ul([html.Li(text) for text in comments.get("moderated", [])])
        if len(comments)
        else html.P(_("No approved comments.")),
        *_documents(filters, stakeholder_id),
        *_actions(session, stakeholder_id),
    ]


def _answers(items: pd.DataFrame, names: dict, k: int) -> html.Table:
    """How many survivors answered each question: a mean on five answers is not a mean on
    fifty. A question with too few answers says so and shows no figure."""
    rows = []
    for item in items.sort_values("item_code").itertuples():
        hidden = bool(item.suppressed) or pd.isna(item.n)
        rows.append(
            html.Tr(
                [
                    html.Td(names.get(item.item_code, item.item_code)),
                    html.Td(_("too few answers") if hidden else number(item.mean)),
                    html.Td("" if hidden else number(item.n)),
                ]
            )
        )
    return html.Table(
        [
            html.Caption(_("Each question: survivors who answered (at least %(k)s)", k=k)),
            html.Thead(html.Tr([html.Th(_("Question")), html.Th(_("Mean")), html.Th("n")])),
            html.Tbody(rows),
        ],
        className="plain answers",
    )


def _documents(filters: Filters, stakeholder_id: int) -> list:
    """Links to the scorecard and, for the quarter's best performers, the certificate."""
    period = filters.period
    if period.grain is not Grain.QUARTER:
        return [html.P(_("Choose one quarter for the meeting scorecard and the certificate."))]
    scorecard = _("Meeting scorecard")
    links = [
        html.A(
            f"{scorecard} ({name})",
            href=f"/mis/scorecard/{stakeholder_id}.pdf?period={period.label}&lang={code}",
        )
        for code, name in (("bn", "বাংলা"), ("hi", "हिंदी"), ("en", "English"))
    ]
    links.append(
        html.A(_("Recognition certificates"), href=f"/mis/certificates?period={period.label}")
    )
    return [html.H3(_("For meetings")), html.Ul([html.Li(link) for link in links])]


def _actions(session: Session, stakeholder_id: int) -> list:
    """What the programme did about this stakeholder (shown whatever the number of raters)."""
    rows = queries.actions_for(session, stakeholder_id)
    if rows.empty:
        return [html.H3(_("Actions taken")), html.P(_("No actions recorded yet."))]
    lang = str(get_locale())
    items = []
    for row in rows.itertuples():
        what = _(ACTION_KIND_LABELS[row.kind])
        if isinstance(row.escalated_to, str):
            what += f" — {_(ESCALATION_LABELS[row.escalated_to])}"
        summary = getattr(row, f"summary_{lang}", None) or row.summary_en or row.outcome or ""
        items.append(
            html.Li(
                f"{format_date(row.taken_on, 'MMM y')} · {what} · "
                f"{_(ACTION_STATUS_LABELS[row.status])}: {summary}"
            )
        )
    return [html.H3(_("Actions taken")), html.Ul(items)]
