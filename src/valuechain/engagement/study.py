"""The export-control event study on engagement panels, under each attribution method side by side.

:func:`estimate_engagement` builds one panel per attribution method (:mod:`valuechain.engagement.panel`)
and runs the difference-in-differences and the (stacked) event study of :mod:`valuechain.estimation`:

.. math:: y_{rgt} = \\beta\\,\\mathrm{post}_t\\,\\mathrm{CN}_g + \\alpha_{rg} + \\gamma_t + \\varepsilon_{rgt}

with repository × group and period fixed effects and standard errors clustered by repository, comparing
the ``CN`` group with the ``US`` group of each method. Shocks default to the shared list
(:data:`valuechain.reference.events.SHOCKS`) restricted to those inside the data; confounders
(:data:`~valuechain.reference.events.CONFOUNDERS`) are listed with every result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from valuechain.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from valuechain.engagement.panel import Panel
    from valuechain.store import Store

METHODS: tuple[str, ...] = ("utc-hour", "activity-hour", "location")


@dataclass
class MethodEstimate:
    """The estimate under one attribution method (or why there is none)."""

    method: str
    panel: Panel
    result: Any = None  # valuechain.estimation EventStudyResult
    error: str | None = None
    shares: dict[str, Any] = field(default_factory=dict)
    placebo_dates: list[dict[str, Any]] = field(default_factory=list)
    placebo_repos: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.result is not None:
            out.update(self.result.to_dict())
        else:
            out.update({"did": None, "event_study": [], "pretrend_p": None, "error": self.error})
        out["attribution"] = self.shares
        out["panel"] = self.panel.to_dict()
        if self.placebo_dates:
            out["placebo_dates"] = self.placebo_dates
        if self.placebo_repos is not None:
            out["placebo_repos"] = self.placebo_repos
        return out


@dataclass
class EngagementStudy:
    """Estimates per attribution method, with the shocks, confounders and sources used."""

    outcome: str
    shocks: list[str]
    window: int
    period: str
    estimates: dict[str, MethodEstimate]
    confounders: dict[str, str]
    notes: list[str] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    agreement: dict[str, Any] | None = None

    def tidy(self) -> pd.DataFrame:
        """Event-study coefficients of every method (one row per method × relative period)."""
        import pandas as pd

        frames = []
        for method, estimate in self.estimates.items():
            if estimate.result is not None:
                frames.append(estimate.result.tidy().assign(method=method))
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def summary(self) -> str:
        lines = [f"{self.outcome} per repository-{self.period}, CN vs US, shocks {', '.join(self.shocks)}:"]
        for method, estimate in self.estimates.items():
            if estimate.result is None:
                lines.append(f"  {method}: no estimate ({estimate.error})")
                continue
            did = estimate.result.to_dict()["did"]
            lines.append(
                f"  {method}: {did['estimate']:+.4f} (95% CI {did['ci_low']:+.4f} to {did['ci_high']:+.4f}, "
                f"n={did['n_obs']:,})"
            )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        common = {
            "outcome": self.outcome,
            "shocks": self.shocks,
            "window": self.window,
            "period": self.period,
            "confounders": self.confounders,
            "notes": self.notes,
        }
        if len(self.estimates) == 1:
            ((method, estimate),) = self.estimates.items()
            return {**estimate.to_dict(), "method": method, **common}
        out: dict[str, Any] = {method: estimate.to_dict() for method, estimate in self.estimates.items()}
        out["methods"] = list(self.estimates)
        if self.agreement is not None:
            out["agreement"] = self.agreement
        return {**out, **common}

    def plot(self, path: Any) -> None:
        """Event-study coefficients with 95% bands, one panel per attribution method."""
        from valuechain.engagement.figures import event_study_figure

        event_study_figure(self, path)


def shocks_in_data(panel: Panel, shocks: Sequence[date] | None, window: int) -> tuple[list[date], list[str]]:
    """The shocks to use: the given ones (each must lie inside the panel, with a period on each side),
    or the shared list's shocks that do. Returns (shocks, notes)."""
    from valuechain.engagement.panel import period_start
    from valuechain.reference.events import shock_dates

    periods = panel.frame["period"]
    first, last = periods.min(), periods.max()
    notes: list[str] = []

    def inside(day: date) -> bool:
        start = period_start(day, panel.period)
        return bool(first < start <= last)

    if shocks:
        for day in shocks:
            if not inside(day):
                raise InputError(
                    f"The shock {day.isoformat()} is outside the data: the stored events run from "
                    f"{first:%Y-%m-%d} to {last:%Y-%m-%d} ({panel.period}s), with none on one side of it."
                )
        return sorted(shocks), notes
    defaults = shock_dates()
    chosen = [d for d in defaults if inside(d)]
    if not chosen:
        raise InputError(
            f"None of the shared shocks ({', '.join(d.isoformat() for d in defaults)}) falls inside "
            f"the stored events ({first:%Y-%m-%d} to {last:%Y-%m-%d}); give --shock DATE."
        )
    skipped = [d.isoformat() for d in defaults if d not in chosen]
    if skipped:
        notes.append(f"Shared shocks outside the data were left out: {', '.join(skipped)}.")
    return chosen, notes


def pre_shock_frame(panel: Panel, shocks: Sequence[date]) -> pd.DataFrame:
    """The panel's periods before the period of the first shock: where a placebo date must find nothing."""
    from valuechain.engagement.panel import period_start

    first = period_start(min(shocks), panel.period)
    frame = panel.tidy()
    return frame[frame["period"] < first].reset_index(drop=True)


def _estimation() -> Any:
    """The shared estimators (:mod:`valuechain.estimation`; imported when used, pyfixest is heavy)."""
    from importlib import import_module

    return import_module("valuechain.estimation")


def actor_groups_for(store: Store, method: str, cutoff_hour: int) -> Any:
    """The actor → group table of one method, from :mod:`valuechain.engagement.attribution`."""
    from valuechain.engagement.attribution import actor_groups

    return actor_groups(store, method, cutoff_hour=cutoff_hour)


def method_shares(panel: Panel, attribution: Any) -> dict[str, Any]:
    """Shares of the panel's events per group, and attribution's actor shares of the method."""
    from valuechain.engagement.panel import OUTCOME_TYPES

    totals = panel.frame.groupby("group")[list(OUTCOME_TYPES)].sum().sum(axis=1)
    total = float(totals.sum())
    shares: dict[str, Any] = {
        "panel_events": {g: (float(totals.get(g, 0)) / total if total else None) for g in panel.groups},
        "panel_events_total": int(total),
    }
    shares["actors"] = attribution.to_dict()["shares"].get(panel.method, {})
    return shares


def estimate_engagement(
    store: Store,
    *,
    outcome: str = "forks",
    shocks: Sequence[date] | None = None,
    methods: Sequence[str] = METHODS,
    window: int = 8,
    period: str = "week",
    cutoff_hour: int = 17,
    since: date | None = None,
    until: date | None = None,
    repo_ids: Sequence[int] | None = None,
    placebo_dates: Sequence[date] = (),
    placebo_repo_ids: Sequence[int] | None = None,
    con: Any = None,
) -> EngagementStudy:
    """DiD and event study of ``outcome`` around ``shocks`` under each attribution method in ``methods``."""
    from valuechain.engagement.panel import build_panel, check_outcome, check_period
    from valuechain.reference.events import CONFOUNDERS

    check_outcome(outcome)
    check_period(period)
    if window < 1:
        raise InputError(f"The window {window} must be at least one period.")
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise InputError(f"Unknown attribution method {unknown[0]!r}; choose from all, {', '.join(METHODS)}.")
    if since is not None and until is not None and until <= since:
        raise InputError(f"The window from {since} to {until} is empty.")
    from valuechain.engagement.attribution import attribute_store
    from valuechain.engagement.events import require_events

    require_events(store)
    attribution = attribute_store(store, cutoff_hour=cutoff_hour)
    estimates: dict[str, MethodEstimate] = {}
    notes: list[str] = []
    chosen: list[date] | None = None
    for method in methods:
        groups = None if method == "utc-hour" else attribution.groups(method)
        panel = build_panel(
            store,
            method=method,
            actor_groups=groups,
            cutoff_hour=cutoff_hour,
            period=period,
            since=since,
            until=until,
            repo_ids=repo_ids,
            con=con,
        )
        if chosen is None:
            chosen, shock_notes = shocks_in_data(panel, shocks, window)
            notes.extend(shock_notes)
        estimate = MethodEstimate(method, panel, shares=method_shares(panel, attribution))
        estimation = _estimation()
        try:
            estimate.result = estimation.event_study(panel.tidy(), outcome, chosen, window=window)
        except InputError as exc:
            if len(methods) == 1:
                raise
            estimate.error = str(exc)
        if estimate.result is not None:
            pre_shock = pre_shock_frame(panel, chosen)
            for day in placebo_dates:
                try:
                    placebo = estimation.did(pre_shock, outcome, day, window=window)
                    estimate.placebo_dates.append({"date": day.isoformat(), **placebo.to_dict()["did"]})
                except InputError as exc:
                    estimate.placebo_dates.append({"date": day.isoformat(), "error": str(exc)})
            if placebo_repo_ids is not None:
                placebo_panel = build_panel(
                    store,
                    method=method,
                    actor_groups=groups,
                    cutoff_hour=cutoff_hour,
                    period=period,
                    since=since,
                    until=until,
                    repo_ids=placebo_repo_ids,
                    con=con,
                )
                try:
                    placebo_result = estimation.event_study(
                        placebo_panel.tidy(), outcome, chosen, window=window
                    )
                    estimate.placebo_repos = {
                        "repositories": int(placebo_panel.frame["repo_id"].nunique()),
                        "did": placebo_result.to_dict()["did"],
                    }
                except InputError as exc:
                    estimate.placebo_repos = {"error": str(exc)}
        notes.extend(n for n in panel.notes if n not in notes)
        estimates[method] = estimate
    assert chosen is not None
    agreement = attribution.to_dict()["agreement"] if len(methods) > 1 else None
    return EngagementStudy(
        outcome=outcome,
        shocks=[d.isoformat() for d in chosen],
        window=window,
        period=period,
        estimates=estimates,
        confounders=dict(CONFOUNDERS),
        notes=notes,
        agreement=agreement,
    )
