"""The scoring method of SPEC §4 as pure, vectorised functions over small DataFrames.

Inputs are per-stakeholder sums that the database computes (`mis.queries`): for each
stakeholder its number of distinct raters `n`, the sum of the raters' mean scores `sum_s` and
the sum of their squares `sumsq_s`. Nothing here loops over ratings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

Z95 = stats.norm.ppf(0.975)  # 1.96
Z998 = stats.norm.ppf(0.999)  # 3.09
# When a type has no spread to learn from (one rater per stakeholder, say), assume the spread
# of ratings on a 0–100 scale is wide: an SD of 25 keeps intervals honest rather than narrow.
FALLBACK_VARIANCE = 25.0**2


def type_statistics(frame: pd.DataFrame, by: str = "type_id") -> pd.DataFrame:
    """Per type: μ (mean of all rater means) and the pooled within-stakeholder variance."""
    within = (frame["sumsq_s"] - frame["sum_s"] ** 2 / frame["n"]).clip(lower=0)
    grouped = frame.assign(within=within).groupby(by)
    totals = grouped[["n", "sum_s", "sumsq_s", "within"]].sum()
    stakeholders = grouped.size()
    mu = totals["sum_s"] / totals["n"]
    df = totals["n"] - stakeholders
    pooled = (totals["within"] / df.where(df > 0)).fillna(FALLBACK_VARIANCE)
    pooled = pooled.where(pooled > 0, FALLBACK_VARIANCE)
    return pd.DataFrame({"type_mean": mu, "type_variance": pooled})


def shrunk_scores(frame: pd.DataFrame, m: float, by: str = "type_id") -> pd.DataFrame:
    """Add the shrunk score S, its 95% interval, and the raw mean to per-stakeholder sums.

    S = (Σ s_i + m·μ) / (n + m), the posterior mean of a normal model whose prior is the
    type mean worth m raters. The interval is that model's 95% credible interval,
    S ± t · σ_j / √(n + m), where σ_j² shrinks the stakeholder's own spread toward the
    type's pooled spread with the same weight m, and t has n − 1 + m degrees of freedom.
    At small n both the width and the centre lean on the type, so one glowing rating
    neither tops nor sinks a league table. See docs/methodology.md.
    """
    out = frame.join(type_statistics(frame, by), on=by)
    n = out["n"].astype(float)
    out["mean_raw"] = out["sum_s"] / n
    out["score"] = (out["sum_s"] + m * out["type_mean"]) / (n + m)
    own = (out["sumsq_s"] - out["sum_s"] ** 2 / n).clip(lower=0)
    dof = (n - 1 + m).clip(lower=1)
    variance = (own + m * out["type_variance"]) / dof
    half = stats.t.ppf(0.975, dof) * np.sqrt(variance / (n + m))
    out["score_low"] = (out["score"] - half).clip(lower=0)
    out["score_high"] = (out["score"] + half).clip(upper=100)
    return out


RANK_DRAWS = 4000
RANK_SEED = 2005  # fixed: the same figures always give the same bands (releases are rebuilt)


def rank_bands(frame: pd.DataFrame, by: str = "type_id", draws: int = RANK_DRAWS) -> pd.DataFrame:
    """Rank by S within each type (1 = best), and a 95% interval for that rank.

    The rank interval comes from simulated posterior ranks (Goldstein & Spiegelhalter,
    JRSS A 1996): each stakeholder's score is drawn from its posterior, approximated as
    normal with the SD its 95% interval implies; the stakeholders are ranked within each
    draw; the 2.5% and 97.5% points of a stakeholder's ranks are its band. Unlike counting
    overlapping intervals, this weighs how far apart the scores are, so a band says how
    sure the rank is: "ranks 2–5" means the data allow any of those places.
    """
    out = frame.copy()
    out["rank"] = out.groupby(by)["score"].rank(ascending=False, method="min").astype(int)
    low_rank = np.empty(len(out), dtype=int)
    high_rank = np.empty(len(out), dtype=int)
    rng = np.random.default_rng(RANK_SEED)
    score = out["score"].to_numpy(dtype=float)
    # The interval is clipped at 0 and 100: its wider side is the honest one.
    half = np.maximum(
        score - out["score_low"].to_numpy(float), out["score_high"].to_numpy(float) - score
    )
    sd = np.maximum(half / Z95, 1e-9)
    for _, index in sorted(out.groupby(by).indices.items(), key=lambda kv: str(kv[0])):
        sample = score[index] + sd[index] * rng.standard_normal((draws, len(index)))
        # Rank 1 = highest score in each draw.
        ranks = (-sample).argsort(axis=1).argsort(axis=1) + 1
        low_rank[index] = np.floor(np.quantile(ranks, 0.025, axis=0, method="lower"))
        high_rank[index] = np.ceil(np.quantile(ranks, 0.975, axis=0, method="higher"))
    out["rank_low"] = np.minimum(low_rank, out["rank"].to_numpy())
    out["rank_high"] = np.maximum(high_rank, out["rank"].to_numpy())
    return out


WINSOR = 0.10  # each tail, as FunnelPlotR and the NHS SHMI do


def dispersion(
    y: np.ndarray, se: np.ndarray, target: float | None = None, winsor: float = WINSOR
) -> tuple[float, float]:
    """Over-dispersion of units around a target: (φ, τ²) by Spiegelhalter (Stat Med 2005).

    z_i = (y_i − θ₀)/s_i, winsorised at the `winsor` and 1 − `winsor` quantiles so that a
    few true outliers do not widen everyone's limits; φ = mean of z²; and the additive
    random-effects variance by DerSimonian–Laird,
    τ² = max(0, (I·φ − (I − 1)) / (Σw − Σw²/Σw)),  w_i = 1/s_i².
    With `winsor` 0 and θ₀ the fixed-effect mean (`target` None) this is exactly the
    DerSimonian–Laird τ² of a meta-analysis (tests compare it with statsmodels').
    """
    y, se = np.asarray(y, dtype=float), np.asarray(se, dtype=float)
    w = 1 / se**2
    theta = np.sum(w * y) / np.sum(w) if target is None else target
    z = (y - theta) / se
    if winsor > 0 and len(z) > 2:
        low, high = np.quantile(z, [winsor, 1 - winsor])
        z = np.clip(z, low, high)
    units = len(z)
    if units < 2:
        return 1.0, 0.0
    phi = float(np.mean(z**2))
    tau2 = (units * phi - (units - 1)) / (np.sum(w) - np.sum(w**2) / np.sum(w))
    return phi, float(max(0.0, tau2))


def funnel(frame: pd.DataFrame, by: str = "type_id", points: int = 60) -> tuple:
    """Funnel-plot data: each stakeholder's raw mean against n, and control limits.

    Limits are μ ± z·√(σ²/n + τ²) around the type mean, with the type's pooled SD σ and
    the type's between-stakeholder variance τ² (`dispersion`): offices differ in ordinary
    ways that no single office controls, and limits from σ alone flag those ordinary
    differences as signals (in the demo, 27 of 147 stakeholders a quarter where chance
    would put fewer than one). z at 95% and 99.8%. Returns (points, limits) DataFrames;
    points carry `z` (adjusted) and the type's `phi` and `tau2`. docs/methodology.md.
    """
    stats_by_type = type_statistics(frame, by)
    pts = frame.join(stats_by_type, on=by)
    pts = pts.assign(mean_raw=pts["sum_s"] / pts["n"])
    within = np.sqrt(pts["type_variance"] / pts["n"])
    spread = {}
    for type_id, group in pts.groupby(by):
        spread[type_id] = dispersion(
            group["mean_raw"].to_numpy(),
            within.loc[group.index].to_numpy(),
            target=float(stats_by_type.loc[type_id, "type_mean"]),
        )
    stats_by_type["phi"] = [spread.get(t, (1.0, 0.0))[0] for t in stats_by_type.index]
    stats_by_type["tau2"] = [spread.get(t, (1.0, 0.0))[1] for t in stats_by_type.index]
    pts = pts.join(stats_by_type[["phi", "tau2"]], on=by)
    distance = (pts["mean_raw"] - pts["type_mean"]) / np.sqrt(within**2 + pts["tau2"])
    pts["z"] = distance
    pts["signal"] = np.select(
        [distance > Z998, distance > Z95, distance < -Z998, distance < -Z95],
        ["above_998", "above_95", "below_998", "below_95"],
        default="within",
    )
    rows = []
    for type_id, row in stats_by_type.iterrows():
        top = max(int(pts.loc[pts[by] == type_id, "n"].max()), 2)
        grid = np.unique(np.linspace(1, top, points).round().astype(int))
        se = np.sqrt(row["type_variance"] / grid + row["tau2"])
        mean = row["type_mean"]
        rows.append(
            pd.DataFrame(
                {
                    by: type_id,
                    "n": grid,
                    "mean": mean,
                    "low_95": np.clip(mean - Z95 * se, 0, 100),
                    "high_95": np.clip(mean + Z95 * se, 0, 100),
                    "low_998": np.clip(mean - Z998 * se, 0, 100),
                    "high_998": np.clip(mean + Z998 * se, 0, 100),
                }
            )
        )
    limits = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    return pts, limits


def with_change(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Add the previous period's S, n and the change in S (NaN where there was none)."""
    before = previous.set_index("stakeholder_id")[["score", "n"]].rename(
        columns={"score": "previous_score", "n": "previous_n"}
    )
    out = current.join(before, on="stakeholder_id")
    out["change"] = out["score"] - out["previous_score"]
    return out


def best_practice(frame: pd.DataFrame, k: int) -> pd.DataFrame:
    """Stakeholders whose whole interval lies above their type's mean, with n ≥ k."""
    chosen = frame[(frame["score_low"] > frame["type_mean"]) & (frame["n"] >= k)]
    return chosen.sort_values("score", ascending=False)


def most_improved(frame: pd.DataFrame, k: int, top: int = 5) -> pd.DataFrame:
    """The largest clear rises in S against the previous period, with n ≥ k in both periods.
    A rise within the score's own uncertainty (`clear_change`) is left out: the league table
    calls it "no clear change", and a list of the most improved must not say otherwise."""
    chosen = frame[_comparable(frame, k) & (frame["change"] > 0)]
    return chosen.sort_values("change", ascending=False).groupby("type_id").head(top)


def most_declined(frame: pd.DataFrame, k: int, top: int = 5) -> pd.DataFrame:
    """The largest clear falls in S, under the same rules as `most_improved`."""
    chosen = frame[_comparable(frame, k) & (frame["change"] < 0)]
    return chosen.sort_values("change", ascending=True).groupby("type_id").head(top)


def _comparable(frame: pd.DataFrame, k: int) -> pd.Series:
    return (frame["n"] >= k) & (frame["previous_n"] >= k) & clear_change(frame)


def clear_change(frame: pd.DataFrame) -> pd.Series:
    """True where a change in S is larger than the current score's own uncertainty (half
    its 95% interval): a smaller change may be chance, and gets no arrow."""
    half = (frame["score_high"] - frame["score_low"]) / 2
    return frame["change"].abs() > half


def strongest_items(
    items: pd.DataFrame, top: int = 3, type_means: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per stakeholder, the items furthest above the type's mean for the same item.

    `items` has stakeholder_id, type_id, item_code, n and mean (raters counted once).
    `type_means` (type_id, item_code, item_type_mean) is the yardstick; without it, the
    rater-weighted mean of the stakeholders in `items` is.
    """
    if type_means is None:
        type_mean = (
            items.groupby(["type_id", "item_code"])
            .apply(lambda g: np.average(g["mean"], weights=g["n"]), include_groups=False)
            .rename("item_type_mean")
        )
    else:
        type_mean = type_means.set_index(["type_id", "item_code"])["item_type_mean"]
    out = items.join(type_mean, on=["type_id", "item_code"])
    out["lead"] = out["mean"] - out["item_type_mean"]
    out = out.sort_values(["stakeholder_id", "lead"], ascending=[True, False])
    return out.groupby("stakeholder_id").head(top)
