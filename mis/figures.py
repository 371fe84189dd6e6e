"""Plotly figures from released results. Pure functions: a view (or frame) in, a figure out.

Colours are the Okabe–Ito palette, which stays distinguishable with colour-blindness.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
# Lines on white: Okabe–Ito without its yellow, which is too pale to read as a line (the
# police line was), and each line with its own dash and marker, so that no line is told
# from another by colour alone.
LINES = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#7F7F7F"]
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid", "dash"]
MARKERS = ["circle", "square", "diamond", "triangle-up", "x", "triangle-down", "star", "cross"]
LAYOUT = {
    "template": "plotly_white",
    "margin": {"l": 10, "r": 10, "t": 40, "b": 40},
    "font": {"family": "system-ui, 'Noto Sans Bengali', sans-serif", "size": 13},
}


def _empty(title: str, message: str) -> go.Figure:
    figure = go.Figure(layout={**LAYOUT, "title": title})
    figure.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return figure


def interval_chart(frame: pd.DataFrame, title: str, empty: str, limit: int = 30) -> go.Figure:
    """Each stakeholder's shrunk score as a dot with its interval as a bar (a forest plot)."""
    shown = frame.dropna(subset=["score"]).sort_values("score").tail(limit)
    if shown.empty:
        return _empty(title, empty)
    figure = go.Figure(
        go.Scatter(
            x=shown["score"],
            y=shown["stakeholder"],
            mode="markers",
            marker={"color": OKABE_ITO[0], "size": 9},
            error_x={
                "type": "data",
                "symmetric": False,
                "color": OKABE_ITO[4],
                "thickness": 3,
                "array": shown["score_high"] - shown["score"],
                "arrayminus": shown["score"] - shown["score_low"],
            },
            hovertemplate="%{y}: %{x:.0f}<extra></extra>",
        )
    )
    if "type_mean" in shown:
        for mean in shown["type_mean"].dropna().unique()[:1]:
            figure.add_vline(x=mean, line_dash="dash", line_color="#555")
    figure.update_layout(
        **LAYOUT,
        title=title,
        height=max(300, 22 * len(shown) + 80),
        xaxis={"range": [0, 100], "title": "0–100"},
    )
    return figure


def funnel_figure(
    points: pd.DataFrame, limits: pd.DataFrame, title: str, empty: str, labels: dict
) -> go.Figure:
    """Raw mean against number of raters, with 95% and 99.8% control limits."""
    if points.empty or limits.empty:
        return _empty(title, empty)
    figure = go.Figure()
    for level, dash, name in (("998", "dot", labels["998"]), ("95", "dash", labels["95"])):
        for side in ("low", "high"):
            figure.add_trace(
                go.Scatter(
                    x=limits["n"],
                    y=limits[f"{side}_{level}"],
                    mode="lines",
                    name=name,
                    line={"color": "#555", "dash": dash},
                    showlegend=side == "low",
                    hoverinfo="skip",
                )
            )
    figure.add_trace(
        go.Scatter(
            x=limits["n"],
            y=limits["mean"],
            mode="lines",
            name=labels["mean"],
            line={"color": "#000"},
            hoverinfo="skip",  # hover and clicks belong to the dots
        )
    )
    colours = {
        "above_998": OKABE_ITO[2],
        "above_95": OKABE_ITO[4],
        "within": "#999999",
        "below_95": OKABE_ITO[1],
        "below_998": OKABE_ITO[5],
    }
    figure.add_trace(
        go.Scatter(
            x=points["n_raters"],
            y=points["mean_raw"],
            mode="markers",
            name=labels["points"],
            text=points["stakeholder"],
            # Clicking a dot opens that stakeholder's profile (mis/dashboard/__init__.py). A
            # plain list: plotly sends a numpy array as a typed array, which its click
            # events leave out.
            customdata=[int(v) for v in points["stakeholder_id"]],
            marker={
                "size": 10,
                "color": [colours[s] for s in points["signal"]],
                "line": {"width": 1, "color": "#333"},
            },
            hovertemplate="%{text}: %{y:.0f} (n=%{x})<extra></extra>",
        )
    )
    figure.update_layout(
        **LAYOUT,
        title=title,
        xaxis_title=labels["x"],
        yaxis={"range": [0, 100], "title": labels["y"]},
        hovermode="closest",
    )
    return figure


def trend_figure(frame: pd.DataFrame, title: str, empty: str, names: dict) -> go.Figure:
    """Mean score per quarter for each type; hidden cells leave gaps, never zeros."""
    if frame.empty:
        return _empty(title, empty)
    figure = go.Figure()
    for i, (kind, part) in enumerate(frame.groupby("type")):
        part = part.sort_values("quarter")
        figure.add_trace(
            go.Scatter(
                x=[f"{q // 10}Q{q % 10}" for q in part["quarter"]],
                y=part["score"],
                mode="lines+markers",
                name=names.get(kind, kind),
                connectgaps=False,
                line={"color": LINES[i % len(LINES)], "dash": DASHES[i % len(DASHES)]},
                marker={"symbol": MARKERS[i % len(MARKERS)], "size": 8},
            )
        )
    figure.update_layout(
        **LAYOUT, title=title, yaxis={"range": [0, 100]}, legend={"orientation": "h"}
    )
    return figure


def heatmap_figure(
    frame: pd.DataFrame,
    rows: str,
    columns: str,
    value: str,
    title: str,
    empty: str,
    names: dict | None = None,
    ids: tuple[str, str] | None = None,
) -> go.Figure:
    """A rows × columns grid of scores; hidden cells stay blank. With `ids` (the id columns
    of rows and columns), each cell carries "row_id|column_id" to open what lies behind it."""
    if frame.empty:
        return _empty(title, empty)
    grid = frame.pivot_table(
        index=rows, columns=columns, values=value, aggfunc="first", dropna=False
    )
    names = names or {}
    custom = None
    if ids is not None:
        row_ids = frame.drop_duplicates(rows).set_index(rows)[ids[0]]
        column_ids = frame.drop_duplicates(columns).set_index(columns)[ids[1]]
        custom = [
            [f"{int(row_ids[r])}|{int(column_ids[c])}" for c in grid.columns] for r in grid.index
        ]
    figure = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(),
            customdata=custom,
            x=[names.get(c, c) for c in grid.columns],
            y=[names.get(r, r) for r in grid.index],
            zmin=0,
            zmax=100,
            colorscale="Cividis",
            texttemplate="%{z:.0f}",
            hovertemplate="%{y} · %{x}: %{z:.0f}<extra></extra>",
        )
    )
    figure.update_layout(**LAYOUT, title=title, height=max(300, 40 * len(grid) + 120))
    return figure


def items_figure(items: pd.DataFrame, title: str, empty: str, labels: dict) -> go.Figure:
    """A stakeholder's mean on each item beside the type's mean for the same item."""
    if items.empty:
        return _empty(title, empty)
    figure = go.Figure(
        [
            go.Bar(
                y=items["item"],
                x=items["mean"],
                orientation="h",
                name=labels["this"],
                marker_color=OKABE_ITO[0],
            ),
            go.Bar(
                y=items["item"],
                x=items["item_type_mean"],
                orientation="h",
                name=labels["type"],
                marker_color=OKABE_ITO[1],
            ),
        ]
    )
    figure.update_layout(
        **LAYOUT,
        title=title,
        barmode="group",
        xaxis={"range": [0, 100]},
        height=max(300, 50 * len(items) + 100),
    )
    return figure


def history_figure(frame: pd.DataFrame, title: str, empty: str) -> go.Figure:
    """One stakeholder's score by quarter with its interval."""
    shown = frame.dropna(subset=["score"])
    if shown.empty:
        return _empty(title, empty)
    figure = go.Figure(
        go.Scatter(
            x=shown["period"],
            y=shown["score"],
            mode="lines+markers",
            line={"color": OKABE_ITO[0]},
            error_y={
                "type": "data",
                "symmetric": False,
                "color": OKABE_ITO[4],
                "array": shown["score_high"] - shown["score"],
                "arrayminus": shown["score"] - shown["score_low"],
            },
        )
    )
    figure.update_layout(**LAYOUT, title=title, yaxis={"range": [0, 100]})
    return figure
