"""Two-way fixed-effects DiD and (stacked) event studies with pyfixest, clustered by unit.

Model (one stack per shock ``s``; unit ``i`` × group ``g``; period ``t``; event time ``k = t - s``):

    DiD:          y_igts = a_igs + b_ts + tau * D_g * 1[k >= 0] + e_igts
    event study:  y_igts = a_igs + b_ts + sum_{k != -1} beta_k * D_g * 1[rel = k] + e_igts

``D_g`` is 1 for the treated group.  Standard errors are cluster-robust (CRV1) by unit ``i``; with
one stack per shock the unit is the same cluster in every stack.  The joint pre-trend test is the
Wald statistic ``W = beta_L' V_L^{-1} beta_L`` over the leads ``k <= -2``, referred to chi2(#leads).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from valuechain.errors import InputError
from valuechain.estimation.design import (
    TRIMMING_RULES,
    PanelColumns,
    ShockLike,
    StackedSample,
    stacked_sample,
)

ESTIMATOR = "pyfixest feols, unit x group x stack and period x stack fixed effects, CRV1 by unit"


def _term(k: int) -> str:
    return f"rel_m{-k}" if k < 0 else f"rel_p{k}"


@dataclass
class Coefficient:
    """One estimate with its standard error and confidence interval."""

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p: float
    n_obs: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "estimate": self.estimate,
            "se": self.se,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "p": self.p,
            "n_obs": self.n_obs,
        }


@dataclass
class EventStudyResult:
    """A DiD estimate, event-study coefficients and the pre-trend test on one (stacked) sample."""

    outcome: str
    did: Coefficient
    event_study: pd.DataFrame  # rel_period, estimate, se, ci_low, ci_high, p (reference row included)
    pretrend: dict[str, Any]
    design: dict[str, Any] = field(default_factory=dict)

    @property
    def pretrend_p(self) -> float | None:
        p = self.pretrend.get("p")
        return None if p is None else float(p)

    def tidy(self) -> pd.DataFrame:
        """One row per term: ``post_x_treated`` then one per event time (the reference has se 0)."""
        did_row = pd.DataFrame([{"term": "post_x_treated", "rel_period": np.nan, **self.did.to_dict()}]).drop(
            columns="n_obs"
        )
        rows = self.event_study.assign(term=[_term(int(k)) for k in self.event_study["rel_period"]])
        return pd.concat([did_row, rows[did_row.columns]], ignore_index=True)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``did``, ``event_study``, ``pretrend_p``, ``pretrend``, ``design``."""
        return {
            "outcome": self.outcome,
            "did": self.did.to_dict(),
            "event_study": [
                {k: (int(v) if k == "rel_period" else float(v)) for k, v in row.items()}
                for row in self.event_study[
                    ["rel_period", "estimate", "se", "ci_low", "ci_high", "p"]
                ].to_dict("records")
            ],
            "pretrend_p": self.pretrend_p,
            "pretrend": self.pretrend,
            "design": self.design,
        }

    def summary(self) -> str:
        d = self.did
        lines = [
            f"{self.outcome}: {self.design.get('treated')} vs {self.design.get('control')}, "
            f"shocks {', '.join(s['shock'] for s in self.design.get('shocks', []))}",
            f"DiD post x treated = {d.estimate:.4g} (se {d.se:.4g}, 95% CI {d.ci_low:.4g} to "
            f"{d.ci_high:.4g}), n = {d.n_obs}, clusters = {self.design.get('n_clusters')}",
        ]
        p = self.pretrend_p
        lines.append(
            "pre-trend test: no leads"
            if p is None
            else f"pre-trend Wald p = {p:.3g} ({self.pretrend['df']} leads)"
        )
        for row in self.event_study.itertuples():
            lines.append(
                f"  k={int(row.rel_period):+d}: {row.estimate: .4g} [{row.ci_low: .4g}, {row.ci_high: .4g}]"
            )
        if self.design.get("dropped_shocks"):
            lines.append(
                "dropped: "
                + "; ".join(f"{d['shock']} ({d['reason']})" for d in self.design["dropped_shocks"])
            )
        return "\n".join(lines)

    def plot(self, path: str | Path, title: str | None = None) -> Path:
        """Event-study coefficients with their confidence band; the reference period sits at 0."""
        from valuechain.estimation.plots import event_study_figure, save_figure

        fig = event_study_figure(self.event_study, title or f"Event study: {self.outcome}", self.did)
        return save_figure(fig, path)


def single_blas_thread() -> Any:
    """Run BLAS on one thread (``$VALUECHAIN_BLAS_THREADS`` overrides).

    The design matrices are tall and thin (a million rows, a few dozen columns), where a multithreaded
    OpenBLAS gains little and, on a busy machine, loses a lot: on the 2-core development machine under
    load, ``X'X`` for 200,000 x 49 took 3-7 s with OpenBLAS's 2 threads and 0.1-0.2 s with one
    (``benchmarks/bench_event_study.py``).
    """
    import os

    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=int(os.environ.get("VALUECHAIN_BLAS_THREADS", "1")), user_api="blas")


def _fit(formula: str, frame: pd.DataFrame) -> Any:
    import pyfixest as pf

    with warnings.catch_warnings(), single_blas_thread():
        warnings.simplefilter("ignore")
        return pf.feols(formula, data=frame, vcov={"CRV1": "cluster"}, copy_data=False, store_data=False)


def _coef_table(fit: Any, alpha: float) -> pd.DataFrame:
    table = fit.tidy(alpha=alpha)
    lo, hi = table.columns[-2], table.columns[-1]
    return pd.DataFrame(
        {
            "estimate": table["Estimate"],
            "se": table["Std. Error"],
            "ci_low": table[lo],
            "ci_high": table[hi],
            "p": table["Pr(>|t|)"],
        }
    )


def estimate_sample(
    sample: StackedSample, outcome: str, *, reference: int = -1, alpha: float = 0.05, event_study: bool = True
) -> EventStudyResult:
    """Fit the DiD and (optionally) the event study on a prepared sample."""
    frame = sample.frame
    frame["post_x_treated"] = (frame["treated"] * (frame["rel"] >= 0)).astype(np.int8)
    treated_rel = frame.loc[frame["treated"] == 1, "rel"]
    if not ((treated_rel >= 0).any() and (treated_rel < 0).any()):
        del frame["post_x_treated"]
        raise InputError("The treated group has no rows both before and after the shock inside the window.")
    did_fit = _fit("y ~ post_x_treated | fe_unit + fe_period", frame)
    did_table = _coef_table(did_fit, alpha)
    if "post_x_treated" not in did_table.index:
        del frame["post_x_treated"]
        raise InputError("The DiD cannot be estimated: post x treated is collinear with the fixed effects.")
    did_row = did_table.loc["post_x_treated"]
    did = Coefficient(
        float(did_row["estimate"]),
        float(did_row["se"]),
        float(did_row["ci_low"]),
        float(did_row["ci_high"]),
        float(did_row["p"]),
        int(did_fit._N),
    )
    rels = sorted(int(k) for k in frame["rel"].unique())
    if reference not in rels:
        raise InputError(f"The reference period {reference} is not inside the window.")
    es = pd.DataFrame(columns=["rel_period", "estimate", "se", "ci_low", "ci_high", "p"])
    pretrend: dict[str, Any] = {"wald": None, "df": 0, "p": None, "leads": []}
    if event_study:
        terms = []
        treated = frame["treated"].to_numpy()
        rel = frame["rel"].to_numpy()
        for k in rels:
            if k == reference:
                continue
            frame[_term(k)] = (treated * (rel == k)).astype(np.int8)
            terms.append(_term(k))
        es_fit = _fit(f"y ~ {' + '.join(terms)} | fe_unit + fe_period", frame)
        table = _coef_table(es_fit, alpha)
        estimated = [t for t in terms if t in table.index]
        rows = [
            {"rel_period": reference, "estimate": 0.0, "se": 0.0, "ci_low": 0.0, "ci_high": 0.0, "p": 1.0}
        ]
        for t in estimated:
            k = int(t[5:]) * (-1 if t.startswith("rel_m") else 1)
            rows.append({"rel_period": k, **table.loc[t].astype(float).to_dict()})
        es = pd.DataFrame(rows).sort_values("rel_period", ignore_index=True)
        leads = [t for t in estimated if t.startswith("rel_m") and int(t[5:]) >= 2]
        if leads:
            coef_names = list(es_fit.coef().index)
            restriction = np.zeros((len(leads), len(coef_names)))
            for r, t in enumerate(leads):
                restriction[r, coef_names.index(t)] = 1.0
            test = es_fit.wald_test(R=restriction, distribution="chi2")
            pretrend = {
                "wald": float(test["statistic"]),
                "df": len(leads),
                "p": float(test["pvalue"]),
                "leads": sorted(-int(t[5:]) for t in leads),
                "test": "joint Wald test that all leads k <= -2 are zero, chi2, CRV1 covariance",
            }
        for t in terms:
            del frame[t]
    del frame["post_x_treated"]
    return EventStudyResult(outcome=outcome, did=did, event_study=es, pretrend=pretrend)


def event_study(
    panel: pd.DataFrame,
    outcome: str,
    shocks: Sequence[ShockLike] | ShockLike,
    *,
    treated: str = "CN",
    control: str | Sequence[str] | None = "US",
    window: int | None = 8,
    reference: int = -1,
    overlap: str = "cut",
    unit: str = "repo_id",
    group: str = "group",
    period: str = "period",
    alpha: float = 0.05,
) -> EventStudyResult:
    """DiD and event study of ``outcome`` for ``treated`` against ``control`` around one or more shocks.

    Several shocks are stacked (one stack per shock, trimmed by ``overlap``: see
    :data:`valuechain.estimation.design.TRIMMING_RULES`). ``control=None`` uses every other group.
    """
    if isinstance(shocks, (str, int, pd.Timestamp)) or not isinstance(shocks, Sequence):
        shocks = [shocks]  # type: ignore[list-item]
    if not 0 < alpha < 1:
        raise InputError(f"alpha must be between 0 and 1, not {alpha}.")
    columns = PanelColumns(unit, group, period)
    sample = stacked_sample(
        panel,
        outcome,
        list(shocks),
        treated=treated,
        control=control,
        window=window,
        columns=columns,
        overlap=overlap,
    )
    result = estimate_sample(sample, outcome, reference=reference, alpha=alpha)
    result.design = _design(sample, treated, control, window, reference, overlap, alpha)
    return result


def did(
    panel: pd.DataFrame,
    outcome: str,
    shock: ShockLike,
    *,
    treated: str = "CN",
    control: str | Sequence[str] | None = "US",
    window: int | None = None,
    unit: str = "repo_id",
    group: str = "group",
    period: str = "period",
    alpha: float = 0.05,
) -> EventStudyResult:
    """Post × treated DiD around one shock (``window=None``: all periods), with the event study."""
    return event_study(
        panel,
        outcome,
        [shock],
        treated=treated,
        control=control,
        window=window,
        unit=unit,
        group=group,
        period=period,
        alpha=alpha,
    )


def placebo_dates(
    panel: pd.DataFrame,
    outcome: str,
    dates: Sequence[ShockLike],
    *,
    treated: str = "CN",
    control: str | Sequence[str] | None = "US",
    window: int | None = 8,
    unit: str = "repo_id",
    group: str = "group",
    period: str = "period",
    alpha: float = 0.05,
) -> list[EventStudyResult]:
    """The same DiD at each placebo date, one at a time (a real shock inside the window biases it)."""
    return [
        event_study(
            panel,
            outcome,
            [d],
            treated=treated,
            control=control,
            window=window,
            unit=unit,
            group=group,
            period=period,
            alpha=alpha,
        )
        for d in dates
    ]


def _design(
    sample: StackedSample,
    treated: str,
    control: str | Sequence[str] | None,
    window: int | None,
    reference: int,
    overlap: str,
    alpha: float,
) -> dict[str, Any]:
    frame = sample.frame
    return {
        "treated": treated,
        "control": "all other groups"
        if control is None
        else (control if isinstance(control, str) else list(control)),
        "shocks": sample.shocks,
        "dropped_shocks": sample.dropped,
        "window": window,
        "reference": reference,
        "trimming": TRIMMING_RULES[overlap],
        "stacked": len(sample.shocks) > 1,
        "n_obs": len(frame),
        "n_units": int(frame["fe_unit"].nunique()),
        "n_clusters": int(frame["cluster"].nunique()),
        "n_periods": int(frame["t"].nunique()),
        "confidence": 1 - alpha,
        "estimator": ESTIMATOR,
    }
