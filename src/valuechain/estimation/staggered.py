"""Staggered adoption: Callaway–Sant'Anna (via the maintained ``csdid`` port of R ``did``) and
Wooldridge's extended TWFE (ETWFE, a saturated cohort × period regression fitted with pyfixest).

Callaway–Sant'Anna: ``ATT(g,t)`` is the DiD between cohort ``g`` and the comparison group (never
treated, or not yet treated) from the base period (``g-1`` for post periods; the period before ``t``
for pre periods, R's ``base_period='varying'``) to ``t``; standard errors are the analytical ones
from the influence functions (``bstrap=False``).  Aggregations (R ``aggte``):
simple = sum_{g,t>=g} w_g ATT(g,t) / sum w_g with ``w_g`` the cohort's share;
dynamic(e) = sum_g w_g ATT(g, g+e) / sum_g w_g over cohorts observed at ``g+e``.

ETWFE (Wooldridge 2021; R ``etwfe`` defaults): ``y_it = a_g + b_t + sum_{g,t>=g} tau_gt D_gt
[+ tau_gt D_gt (x_i - xbar_g) + x_i b_t' + x_i a_g']``, cohort and period fixed effects, clustered by
unit; the not-yet and never treated are the implicit controls.  Aggregates average ``tau_gt`` over
treated observations; their standard errors are ``sqrt(w' V w)``.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from valuechain.errors import InputError

AGGREGATIONS = ("simple", "dynamic", "group", "calendar")


def _check_columns(data: pd.DataFrame, outcome: str, names: Sequence[str]) -> None:
    for name in (outcome, *names):
        if name not in data.columns:
            raise InputError(f"The data have no column {name!r}.")
    if not pd.api.types.is_numeric_dtype(data[outcome]):
        raise InputError(f"The outcome column {outcome!r} is not numeric.")


@dataclass
class Aggregate:
    """An aggregated ATT and, by event time / cohort / period, its components."""

    kind: str
    overall_att: float
    overall_se: float
    by: pd.DataFrame  # key, att, se

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "overall_att": self.overall_att,
            "overall_se": self.overall_se,
            "by": [
                {"key": float(r.key), "att": float(r.att), "se": float(r.se)} for r in self.by.itertuples()
            ],
        }


@dataclass
class CallawaySantAnnaResult:
    """Group-time ATTs, their analytical SEs and the Wald pre-test (R ``did`` semantics)."""

    outcome: str
    att_gt: pd.DataFrame  # group, time, att, se, ci_low, ci_high, post
    pretest_wald: float | None
    pretest_p: float | None
    design: dict[str, Any]
    _fitted: Any = field(repr=False, default=None)

    def aggregate(self, kind: str = "simple") -> Aggregate:
        """R ``aggte(type=kind, bstrap=FALSE)``: ``simple``, ``dynamic``, ``group`` or ``calendar``."""
        if kind not in AGGREGATIONS:
            raise InputError(f"Unknown aggregation {kind!r}; use one of {', '.join(AGGREGATIONS)}.")
        with _quiet():
            out = self._fitted.aggte(typec=kind, bstrap=False, cband=False).atte
        if kind == "simple":
            by = pd.DataFrame(columns=["key", "att", "se"])
        else:
            by = pd.DataFrame(
                {
                    "key": np.asarray(out["egt"], dtype=float),
                    "att": np.asarray(out["att_egt"], dtype=float),
                    "se": np.asarray(out["se_egt"], dtype=float).ravel(),
                }
            )
        return Aggregate(kind, float(out["overall_att"]), float(out["overall_se"]), by)

    def tidy(self) -> pd.DataFrame:
        return self.att_gt.copy()

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "att_gt": self.att_gt.to_dict("records"),
            "aggregations": {k: self.aggregate(k).to_dict() for k in AGGREGATIONS},
            "pretrend_p": self.pretest_p,
            "pretest": {"wald": self.pretest_wald, "p": self.pretest_p},
            "design": self.design,
        }

    def summary(self) -> str:
        simple = self.aggregate("simple")
        lines = [
            f"Callaway-Sant'Anna ATT(g,t) for {self.outcome} ({self.design['control_group']}, "
            f"{self.design['est_method']}): simple ATT {simple.overall_att:.4g} (se {simple.overall_se:.4g})",
            f"pre-test Wald {self.pretest_wald} (p = {self.pretest_p})",
        ]
        lines += [f"  g={r.group} t={r.time}: {r.att:.4g} (se {r.se:.4g})" for r in self.att_gt.itertuples()]
        return "\n".join(lines)

    def plot(self, path: str | Path) -> Path:
        """The dynamic aggregation (event-time ATTs) with pointwise 95% bands."""
        from valuechain.estimation.plots import event_study_figure, save_figure

        table = _event_time_table(self.aggregate("dynamic").by)
        return save_figure(event_study_figure(table, f"Callaway-Sant'Anna dynamic ATT: {self.outcome}"), path)


def _event_time_table(dynamic: pd.DataFrame) -> pd.DataFrame:
    """Event-time ATTs (``key``, ``att``, ``se``) as the plot's table: estimate ± z₀.₉₇₅·se (pointwise 95%)."""
    z = stats.norm.ppf(0.975)
    return pd.DataFrame(
        {
            "rel_period": dynamic["key"],
            "estimate": dynamic["att"],
            "ci_low": dynamic["att"] - z * dynamic["se"],
            "ci_high": dynamic["att"] + z * dynamic["se"],
        }
    )


@contextlib.contextmanager
def _quiet() -> Any:
    """csdid prints its tables and warns about pandas idioms; keep our stdout clean."""
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def callaway_santanna(
    data: pd.DataFrame,
    outcome: str,
    *,
    unit: str,
    time: str,
    cohort: str,
    control_group: str = "nevertreated",
    est_method: str = "dr",
    covariates: Sequence[str] | None = None,
    alpha: float = 0.05,
) -> CallawaySantAnnaResult:
    """Callaway–Sant'Anna group-time ATTs with ``csdid`` (cohort 0 = never treated)."""
    from csdid.att_gt import ATTgt

    _check_columns(data, outcome, [unit, time, cohort, *(covariates or [])])
    if control_group not in ("nevertreated", "notyettreated"):
        raise InputError(f"Unknown control group {control_group!r}; use 'nevertreated' or 'notyettreated'.")
    if est_method not in ("dr", "reg", "ipw"):
        raise InputError(f"Unknown estimation method {est_method!r}; use 'dr', 'reg' or 'ipw'.")
    formula = f"{outcome} ~ {' + '.join(covariates)}" if covariates else None
    try:
        with _quiet():
            fitted = ATTgt(
                yname=outcome,
                tname=time,
                idname=unit,
                gname=cohort,
                data=data,
                control_group=[control_group],
                xformla=formula,
                alp=alpha,
            ).fit(est_method=est_method, bstrap=False)
    except ValueError as exc:
        raise InputError(f"Callaway-Sant'Anna could not be estimated on these data: {exc}") from exc
    res = fitted.results
    z = stats.norm.ppf(1 - alpha / 2)
    att = np.asarray(res["att"], dtype=float)
    se = np.asarray(res["se"], dtype=float)
    table = pd.DataFrame(
        {
            "group": np.asarray(res["group"]).astype(int),
            "time": np.asarray(res["year"]).astype(int),
            "att": att,
            "se": se,
            "ci_low": att - z * se,
            "ci_high": att + z * se,
            "post": np.asarray(res["post"]).astype(bool),
        }
    )
    mp = fitted.MP
    design = {
        "control_group": control_group,
        "est_method": est_method,
        "covariates": list(covariates or []),
        "base_period": "varying",
        "standard_errors": "analytical (influence function), no bootstrap",
        "estimator": "csdid (Python port of R did)",
    }
    return CallawaySantAnnaResult(
        outcome=outcome,
        att_gt=table,
        pretest_wald=None if mp["W"] is None else float(mp["W"]),
        pretest_p=None if mp["Wpval"] is None else float(mp["Wpval"]),
        design=design,
        _fitted=fitted,
    )


@dataclass
class EtwfeResult:
    """ETWFE cohort × period effects ``tau_gt`` with their covariance, and their aggregates."""

    outcome: str
    coefficients: pd.DataFrame  # group, time, estimate, se, n_treated
    vcov: np.ndarray
    design: dict[str, Any]
    fit_stats: dict[str, float]

    def aggregate(self, kind: str = "simple") -> Aggregate:
        """Average of ``tau_gt`` over treated observations: overall (``simple``), by event time
        (``dynamic``), by cohort (``group``) or by period (``calendar``); se = sqrt(w' V w)."""
        if kind not in AGGREGATIONS:
            raise InputError(f"Unknown aggregation {kind!r}; use one of {', '.join(AGGREGATIONS)}.")
        c = self.coefficients
        post = (c["time"] >= c["group"]).to_numpy()

        def combine(mask: np.ndarray) -> tuple[float, float]:
            w = np.where(mask & post, c["n_treated"].to_numpy(dtype=float), 0.0)
            w = w / w.sum()
            return float(w @ c["estimate"].to_numpy()), float(np.sqrt(w @ self.vcov @ w))

        overall = combine(np.ones(len(c), dtype=bool))
        if kind == "simple":
            return Aggregate(kind, *overall, pd.DataFrame(columns=["key", "att", "se"]))
        key = {"dynamic": c["time"] - c["group"], "group": c["group"], "calendar": c["time"]}[kind].to_numpy()
        rows = [(k, *combine(key == k)) for k in sorted(set(key[post].tolist()))]
        # ``overall`` stays the simple ATT (every treated observation weighted equally), as in emfx.
        return Aggregate(kind, overall[0], overall[1], pd.DataFrame(rows, columns=["key", "att", "se"]))

    def tidy(self) -> pd.DataFrame:
        return self.coefficients.copy()

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "coefficients": self.coefficients.to_dict("records"),
            "aggregations": {
                k: self.aggregate(k).to_dict() for k in ("simple", "dynamic", "group", "calendar")
            },
            "design": self.design,
            "fit": self.fit_stats,
        }

    def summary(self) -> str:
        simple = self.aggregate("simple")
        lines = [f"ETWFE {self.outcome}: simple ATT {simple.overall_att:.4g} (se {simple.overall_se:.4g})"]
        lines += [
            f"  g={r.group} t={r.time}: {r.estimate:.4g} (se {r.se:.4g})"
            for r in self.coefficients.itertuples()
        ]
        return "\n".join(lines)

    def plot(self, path: str | Path) -> Path:
        from valuechain.estimation.plots import event_study_figure, save_figure

        table = _event_time_table(self.aggregate("dynamic").by)
        return save_figure(event_study_figure(table, f"ETWFE event-time ATT: {self.outcome}"), path)


def etwfe(
    data: pd.DataFrame,
    outcome: str,
    *,
    unit: str,
    time: str,
    cohort: str,
    covariates: Sequence[str] | None = None,
    control_group: str = "notyettreated",
) -> EtwfeResult:
    """Extended TWFE with pyfixest (cohort 0 = never treated; time-invariant covariates only).

    ``control_group="notyettreated"`` (R ``etwfe`` default): effects for ``t >= g`` only;
    ``"nevertreated"``: effects for every ``t != g-1`` of each treated cohort.
    """
    import pyfixest as pf

    covariates = list(covariates or [])
    _check_columns(data, outcome, [unit, time, cohort, *covariates])
    if control_group not in ("nevertreated", "notyettreated"):
        raise InputError(f"Unknown control group {control_group!r}; use 'nevertreated' or 'notyettreated'.")
    frame = pd.DataFrame(
        {"y": data[outcome].astype(float), "unit": data[unit], "t": data[time], "g": data[cohort]}
    ).reset_index(drop=True)
    for i, x in enumerate(covariates):
        frame[f"x{i}"] = data[x].to_numpy(dtype=float)
    cohorts = sorted(int(g) for g in frame["g"].unique() if g > 0)
    times = sorted(int(t) for t in frame["t"].unique())
    if not cohorts:
        raise InputError(f"No unit is ever treated (every {cohort!r} is 0).")
    cells: list[tuple[int, int]] = []
    columns: dict[str, np.ndarray] = {}
    g_arr, t_arr = frame["g"].to_numpy(), frame["t"].to_numpy()
    for g in cohorts:
        for t in times:
            if (control_group == "notyettreated" and t < g) or (
                control_group == "nevertreated" and t == g - 1
            ):
                continue
            name = f"tau_{g}_{t}".replace("-", "m")
            columns[name] = ((g_arr == g) & (t_arr == t)).astype(float)
            cells.append((g, t))
    slopes: dict[str, np.ndarray] = {}
    for i, _ in enumerate(covariates):
        x = frame[f"x{i}"].to_numpy()
        x_dm = x - frame.groupby("g")[f"x{i}"].transform("mean").to_numpy()
        for name, d in list(columns.items()):
            slopes[f"{name}_x{i}"] = d * x_dm
        for t in times[1:]:
            slopes[f"x{i}_t{t}"] = x * (t_arr == t)
        for g in sorted(int(v) for v in frame["g"].unique()):
            slopes[f"x{i}_g{g}"] = x * (g_arr == g)
    frame = pd.concat([frame, pd.DataFrame({**columns, **slopes})], axis=1)
    formula = f"y ~ {' + '.join([*columns, *slopes])} | g + t"
    from valuechain.estimation.event_study import single_blas_thread

    with warnings.catch_warnings(), single_blas_thread():
        warnings.simplefilter("ignore")
        fit = pf.feols(formula, data=frame, vcov={"CRV1": "unit"})
    names = list(fit.coef().index)
    keep = [n for n in columns if n in names]
    idx = [names.index(n) for n in keep]
    table = fit.tidy()
    coefficients = pd.DataFrame(
        {
            "group": [g for (g, t), n in zip(cells, columns, strict=True) if n in keep],
            "time": [t for (g, t), n in zip(cells, columns, strict=True) if n in keep],
            "estimate": table.loc[keep, "Estimate"].to_numpy(),
            "se": table.loc[keep, "Std. Error"].to_numpy(),
            "n_treated": [int(columns[n].sum()) for n in keep],
        }
    )
    vcov = np.asarray(fit._vcov)[np.ix_(idx, idx)]
    design = {
        "control_group": control_group,
        "covariates": covariates,
        "fixed_effects": "cohort + period (R etwfe default, ivar=NULL)",
        "covariate_terms": "cohort-demeaned covariate x each tau_gt, covariate x period, covariate x cohort",
        "vcov": "CRV1 by unit",
        "estimator": "pyfixest feols",
    }
    fit_stats = {"n_obs": int(fit._N), "rmse": float(fit._rmse), "adj_r2": float(fit._adj_r2)}
    return EtwfeResult(outcome, coefficients, vcov, design, fit_stats)
