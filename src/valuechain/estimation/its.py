"""Interrupted time series: segmented regression with Newey–West (HAC) standard errors.

    y_t = a + b t + sum_j [ c_j 1(t >= T_j) + d_j (t - T_j) 1(t >= T_j) ] + e_t

``c_j`` is the level change at break ``j`` and ``d_j`` the change in slope (per period); ``t`` counts
periods from the start of the series.  Fitted with statsmodels OLS, HAC covariance with
``hac_lags`` (default ``floor(4 (T/100)^(2/9))``, the Newey–West rule of thumb).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from valuechain.errors import InputError
from valuechain.estimation.design import ShockLike, shock_period


@dataclass
class ItsResult:
    """Level and slope changes at each break, with HAC standard errors."""

    series: pd.Series
    fitted: pd.Series
    coefficients: pd.DataFrame  # term, break, estimate, se, ci_low, ci_high, p
    design: dict[str, Any] = field(default_factory=dict)

    def tidy(self) -> pd.DataFrame:
        return self.coefficients.copy()

    def to_dict(self) -> dict[str, Any]:
        return {"coefficients": self.coefficients.to_dict("records"), "design": self.design}

    def summary(self) -> str:
        rows = [
            f"  {r.term}: {r.estimate:.4g} (se {r.se:.4g}, p {r.p:.3g})"
            for r in self.coefficients.itertuples()
        ]
        return "\n".join(
            [
                f"Interrupted time series, {len(self.series)} periods, HAC lags {self.design['hac_lags']}",
                *rows,
            ]
        )

    def plot(self, path: str | Path, title: str = "Interrupted time series") -> Path:
        from valuechain.estimation.plots import _pyplot, save_figure

        plt = _pyplot()
        fig, ax = plt.subplots(figsize=(8, 4))
        ax.plot(self.series.index, self.series.to_numpy(), marker=".", label="observed")
        ax.plot(self.fitted.index, self.fitted.to_numpy(), label="segmented fit")
        for b in self.design["breaks"]:
            ax.axvline(
                pd.Timestamp(b["period"]) if not str(b["period"]).isdigit() else b["period"],
                color="grey",
                linestyle="--",
                linewidth=0.8,
            )
        ax.set_title(title, fontsize=10)
        ax.legend(fontsize=8)
        return save_figure(fig, path)


def interrupted_time_series(
    series: pd.Series, breaks: Sequence[ShockLike], *, hac_lags: int | None = None, alpha: float = 0.05
) -> ItsResult:
    """Segmented regression of ``series`` (index = period start or period number) on ``breaks``."""
    import statsmodels.api as sm

    if not len(breaks):
        raise InputError("No break date given.")
    s = series.dropna().sort_index()
    if len(s) < 4 + 2 * len(breaks):
        raise InputError(f"The series has {len(s)} periods, too few for {len(breaks)} break(s).")
    index = s.index
    periods = list(np.asarray(index if pd.api.types.is_numeric_dtype(index) else pd.to_datetime(index)))
    t = np.arange(len(s), dtype=float)
    columns: dict[str, np.ndarray] = {"const": np.ones(len(s)), "trend": t}
    info = []
    for b in breaks:
        pos = shock_period(b, periods)
        if pos == 0:
            raise InputError(f"The break {b} is at the first period; nothing before it to compare.")
        columns[f"level_{b}"] = (t >= pos).astype(float)
        columns[f"slope_{b}"] = np.where(t >= pos, t - pos, 0.0)
        info.append(
            {
                "break": str(b),
                "period": str(pd.Timestamp(periods[pos]).date())
                if not isinstance(periods[pos], (int, np.integer))
                else int(periods[pos]),
            }
        )
    X = pd.DataFrame(columns, index=index)
    lags = hac_lags if hac_lags is not None else int(np.floor(4 * (len(s) / 100) ** (2 / 9)))
    fit = sm.OLS(s.to_numpy(dtype=float), X).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    ci = fit.conf_int(alpha=alpha)
    coefficients = pd.DataFrame(
        {
            "term": list(X.columns),
            "estimate": fit.params.to_numpy(),
            "se": fit.bse.to_numpy(),
            "ci_low": ci.iloc[:, 0].to_numpy(),
            "ci_high": ci.iloc[:, 1].to_numpy(),
            "p": fit.pvalues.to_numpy(),
        }
    )
    fitted = pd.Series(fit.fittedvalues.to_numpy(), index=index)
    design = {
        "breaks": info,
        "hac_lags": lags,
        "n_obs": len(s),
        "estimator": "statsmodels OLS, Newey-West HAC",
    }
    return ItsResult(series=s, fitted=fitted, coefficients=coefficients, design=design)
