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


def rank_bands(frame: pd.DataFrame, by: str = "type_id") -> pd.DataFrame:
    """Rank by S within each type (1 = best), and the band of ranks its interval allows.

    A stakeholder's best possible rank counts those certainly better (interval wholly
    above); its worst counts those not certainly worse. Overlapping intervals give wide
    bands, which tells staff not to over-read a rank.
    """
    out = frame.copy()
    out["rank"] = out.groupby(by)["score"].rank(ascending=False, method="min").astype(int)
    best = np.empty(len(out), dtype=int)
    worst = np.empty(len(out), dtype=int)
    for _, index in out.groupby(by).indices.items():
        low = out["score_low"].to_numpy()[index]
        high = out["score_high"].to_numpy()[index]
        best[index] = 1 + (low[None, :] > high[:, None]).sum(axis=1)
        worst[index] = len(index) - (high[None, :] < low[:, None]).sum(axis=1)
    out["rank_low"], out["rank_high"] = best, worst
    return out


def funnel(frame: pd.DataFrame, by: str = "type_id", points: int = 60) -> tuple:
    """Funnel-plot data: each stakeholder's raw mean against n, and control limits.

    Limits are μ ± z·σ/√n around the type mean with the type's pooled SD σ, for z at 95% and
    99.8% (Spiegelhalter 2005). Returns (points, limits) DataFrames.
    """
    stats_by_type = type_statistics(frame, by)
    pts = frame.join(stats_by_type, on=by)
    pts = pts.assign(mean_raw=pts["sum_s"] / pts["n"])
    sd = np.sqrt(pts["type_variance"] / pts["n"])
    distance = (pts["mean_raw"] - pts["type_mean"]) / sd
    pts["signal"] = np.select(
        [distance > Z998, distance > Z95, distance < -Z998, distance < -Z95],
        ["above_998", "above_95", "below_998", "below_95"],
        default="within",
    )
    rows = []
    for type_id, row in stats_by_type.iterrows():
        top = max(int(pts.loc[pts[by] == type_id, "n"].max()), 2)
        grid = np.unique(np.linspace(1, top, points).round().astype(int))
        se = np.sqrt(row["type_variance"] / grid)
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
    """The largest rises in S against the previous period, with n ≥ k in both periods."""
    chosen = frame[(frame["n"] >= k) & (frame["previous_n"] >= k) & (frame["change"] > 0)]
    return chosen.sort_values("change", ascending=False).groupby("type_id").head(top)


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
