"""DiD with a single treated unit, and placebo-in-space (permutation) inference.

With one treated unit, clustered standard errors are not valid (one cluster is treated), so the
estimate is compared with the same estimate for every other unit taken as pseudo-treated
(Abadie, Diamond and Hainmueller 2010; Conley and Taber 2011).

On a balanced window (every unit observed in every period from ``-L`` to ``+K``) the two-way
fixed-effects DiD of unit ``j`` against the pool ``C`` has the closed form

    tau_j = Delta_j - mean_{i in C} Delta_i,   Delta_i = mean_{k >= 0} y_ik - mean_{k < 0} y_ik,

and the event-study coefficient ``beta_j(k) = (y_jk - y_j,-1) - mean_{i in C} (y_ik - y_i,-1)``.
(The test suite checks the closed form against pyfixest's ``feols`` on the same window.) The closed
form is used because the placebo distribution needs one fit per unit (~200 economies).

Inference: the treated unit's pool is every other unit; a placebo unit's pool is every unit except
itself and the treated unit.  Two-sided p = (1 + #{|tau_placebo| >= |tau|}) / (1 + #placebos).
The (1 - alpha) interval inverts the placebo distribution (Conley–Taber):
``[tau - q(1 - alpha/2), tau - q(alpha/2)]`` with ``q`` the placebo quantiles.  The pre-trend
statistic is the mean squared lead coefficient (k <= -2), its p the share of placebos at least as large.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from valuechain.errors import InputError
from valuechain.estimation.design import ShockLike, period_index, shock_period


@dataclass
class PermutationResult:
    """The treated unit's DiD and event study with placebo-in-space inference."""

    outcome: str
    treated_unit: str
    estimate: float
    ci_low: float
    ci_high: float
    p_value: float
    placebo: pd.DataFrame  # unit, estimate, pretrend_msq
    event_study: pd.DataFrame  # rel_period, estimate, ci_low, ci_high, p
    pretrend_p: float | None
    design: dict[str, Any] = field(default_factory=dict)

    def tidy(self) -> pd.DataFrame:
        did_row = pd.DataFrame(
            [
                {
                    "term": "post_x_treated",
                    "rel_period": np.nan,
                    "estimate": self.estimate,
                    "ci_low": self.ci_low,
                    "ci_high": self.ci_high,
                    "p": self.p_value,
                }
            ]
        )
        es = self.event_study.assign(term=[f"rel_{int(k)}" for k in self.event_study["rel_period"]])
        return pd.concat([did_row, es[did_row.columns]], ignore_index=True)

    def to_dict(self) -> dict[str, Any]:
        q = self.placebo["estimate"].quantile([0.025, 0.05, 0.25, 0.5, 0.75, 0.95, 0.975])
        return {
            "outcome": self.outcome,
            "treated": self.treated_unit,
            "did": {
                "estimate": self.estimate,
                "se": None,
                "ci_low": self.ci_low,
                "ci_high": self.ci_high,
                "p": self.p_value,
                "n_obs": self.design.get("n_obs"),
                "inference": "placebo-in-space permutation (Conley-Taber interval)",
            },
            "event_study": [
                {
                    "rel_period": int(r.rel_period),
                    "estimate": float(r.estimate),
                    "se": None,
                    "ci_low": float(r.ci_low),
                    "ci_high": float(r.ci_high),
                    "p": float(r.p),
                }
                for r in self.event_study.itertuples()
            ],
            "pretrend_p": self.pretrend_p,
            "placebo": {
                "n": len(self.placebo),
                "quantiles": {f"{k:g}": float(v) for k, v in q.items()},
                "rank_of_treated": int((self.placebo["estimate"].abs() >= abs(self.estimate)).sum()) + 1,
                "estimates": [
                    {"unit": str(r.unit), "estimate": float(r.estimate)} for r in self.placebo.itertuples()
                ],
            },
            "design": self.design,
        }

    def summary(self) -> str:
        lines = [
            f"{self.outcome}: {self.treated_unit} vs {self.design.get('n_units', 0) - 1} other units, "
            f"shock {self.design.get('shock')}",
            f"DiD = {self.estimate:.4g}, {self.design.get('confidence', 0.95):.0%} permutation interval "
            f"{self.ci_low:.4g} to {self.ci_high:.4g}, p = {self.p_value:.3g} ({len(self.placebo)} placebos)",
            f"pre-trend permutation p = {self.pretrend_p}",
        ]
        return "\n".join(lines)

    def plot(self, path: str | Path, title: str | None = None) -> Path:
        from valuechain.estimation.plots import _pyplot, event_study_figure, save_figure

        plt = _pyplot()
        fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
        event_study_figure(
            self.event_study,
            title or f"{self.treated_unit}: {self.outcome}",
            ax=left,
            band_label="95% permutation band",
        )
        right.hist(self.placebo["estimate"], bins=30, color="grey", alpha=0.7, label="placebo units")
        right.axvline(self.estimate, color="red", label=f"{self.treated_unit} {self.estimate:.3g}")
        right.set_title(f"Placebo-in-space distribution (p = {self.p_value:.3g})", fontsize=10)
        right.set_xlabel("DiD estimate")
        right.legend(fontsize=8)
        return save_figure(fig, path)


def _window_matrix(
    panel: pd.DataFrame, outcome: str, unit: str, period: str, shock: ShockLike, leads: int, lags: int
) -> tuple[pd.DataFrame, list[int], int, list[str]]:
    codes, periods = period_index(panel[period])
    s = shock_period(shock, periods)
    first, last = max(s - leads, 0), min(s + lags, len(periods) - 1)
    if first > s - 1:
        raise InputError(f"The shock {shock} has no period before it in the data.")
    frame = pd.DataFrame(
        {"unit": panel[unit].astype(str).to_numpy(), "t": codes, "y": panel[outcome].to_numpy()}
    )
    frame = frame[(frame["t"] >= first) & (frame["t"] <= last)]
    wide = frame.pivot_table(index="unit", columns="t", values="y", aggfunc="first")
    wide = wide.reindex(columns=range(first, last + 1))
    complete = wide.notna().all(axis=1)
    excluded = sorted(wide.index[~complete])
    return wide[complete], [t - s for t in range(first, last + 1)], s, excluded


def permutation_did(
    panel: pd.DataFrame,
    outcome: str,
    treated_unit: str,
    shock: ShockLike,
    *,
    unit: str,
    period: str,
    leads: int = 4,
    lags: int = 4,
    donors: list[str] | None = None,
    alpha: float = 0.05,
) -> PermutationResult:
    """DiD of ``treated_unit`` against all other units around ``shock`` with placebo-in-space inference.

    Units with a missing (suppressed) cell inside the window are left out and listed in
    ``design["excluded_units"]``; ``donors`` restricts the comparison units (default: all).
    """
    for column in (unit, period, outcome):
        if column not in panel.columns:
            raise InputError(f"Unknown column {column!r}.")
    wide, rel, _, excluded = _window_matrix(panel, outcome, unit, period, shock, leads, lags)
    if treated_unit not in wide.index:
        reason = "has a missing cell in the window" if treated_unit in excluded else "is not in the data"
        raise InputError(f"The treated unit {treated_unit!r} {reason}.")
    if donors is not None:
        wide = wide.loc[[u for u in wide.index if u in set(donors) or u == treated_unit]]
    if len(wide) < 3:
        raise InputError("Fewer than two comparison units have complete data in the window.")
    y = wide.to_numpy(dtype=float)
    rel_arr = np.asarray(rel)
    ref = int(np.flatnonzero(rel_arr == -1)[0])
    delta = y[:, rel_arr >= 0].mean(axis=1) - y[:, rel_arr < 0].mean(axis=1)
    path = y - y[:, [ref]]  # unit x rel, relative to k = -1
    units = list(wide.index)
    j = units.index(treated_unit)
    n = len(units)
    mask_placebo = np.ones(n, dtype=bool)
    mask_placebo[j] = False

    # Treated: pool = all others.  Placebo u: pool = all but u and the treated unit.
    others_delta_sum = delta[mask_placebo].sum()
    others_path_sum = path[mask_placebo].sum(axis=0)
    est = delta[j] - others_delta_sum / (n - 1)
    es = path[j] - others_path_sum / (n - 1)
    placebo_est = delta[mask_placebo] - (others_delta_sum - delta[mask_placebo]) / (n - 2)
    placebo_es = path[mask_placebo] - (others_path_sum - path[mask_placebo]) / (n - 2)

    lo_q, hi_q = np.quantile(placebo_est, [alpha / 2, 1 - alpha / 2])
    p = (1 + np.sum(np.abs(placebo_est) >= abs(est))) / (1 + len(placebo_est))
    es_lo = es - np.quantile(placebo_es, 1 - alpha / 2, axis=0)
    es_hi = es - np.quantile(placebo_es, alpha / 2, axis=0)
    es_p = (1 + (np.abs(placebo_es) >= np.abs(es)).sum(axis=0)) / (1 + len(placebo_es))
    event = pd.DataFrame(
        {"rel_period": rel_arr, "estimate": es, "ci_low": es_lo, "ci_high": es_hi, "p": es_p}
    )
    event.loc[event["rel_period"] == -1, ["ci_low", "ci_high", "p"]] = [0.0, 0.0, 1.0]
    lead_cols = rel_arr <= -2
    pre_msq = (placebo_es[:, lead_cols] ** 2).mean(axis=1) if lead_cols.any() else np.full(n - 1, np.nan)
    pretrend_p = None
    if lead_cols.any():
        treated_msq = float((es[lead_cols] ** 2).mean())
        pretrend_p = float((1 + np.sum(pre_msq >= treated_msq)) / (1 + len(pre_msq)))
    placebo = pd.DataFrame(
        {"unit": [u for u in units if u != treated_unit], "estimate": placebo_est, "pretrend_msq": pre_msq}
    )
    design = {
        "shock": str(shock),
        "leads": int(-rel_arr.min()),
        "lags": int(rel_arr.max()),
        "n_units": n,
        "n_obs": int(y.size),
        "excluded_units": excluded,
        "confidence": 1 - alpha,
        "estimator": "two-way fixed-effects DiD on a balanced window (closed form), placebo-in-space "
        "inference",
        "interval": "Conley-Taber: estimate minus the placebo quantiles",
    }
    return PermutationResult(
        outcome=outcome,
        treated_unit=treated_unit,
        estimate=float(est),
        ci_low=float(est - hi_q),
        ci_high=float(est - lo_q),
        p_value=float(p),
        placebo=placebo,
        event_study=event,
        pretrend_p=pretrend_p,
        design=design,
    )
