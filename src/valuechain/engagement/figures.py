"""Engagement figures: event-study coefficients per attribution method, weekly series by group.

Figures are written only where the caller asks (``--plot FILE``), atomically, with matplotlib's Agg
backend (no display needed). Shocks come from :data:`valuechain.reference.events.SHOCKS` and are drawn
as solid red lines; confounders (:data:`~valuechain.reference.events.CONFOUNDERS`) as dashed grey lines
(both by :func:`valuechain.reference.figures.mark_events`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from valuechain.engagement.panel import Panel

GROUP_COLOURS = {"CN": "#c0392b", "US": "#1f4e79", "other": "#7f8c8d", "unknown": "#bdc3c7"}


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(figure: Any, path: str | Path) -> None:
    from valuechain.output import atomic_path

    target = Path(path)
    with atomic_path(target) as tmp:
        figure.savefig(tmp, format=target.suffix.lstrip(".").lower() or "png", dpi=130, bbox_inches="tight")


def event_study_figure(study: Any, path: str | Path) -> Path:  # an engagement.study.EngagementStudy
    """One panel per attribution method: coefficient per period relative to the shock, 95% band,
    reference period −1 at zero."""
    plt = _pyplot()
    methods = list(study.estimates)
    figure, axes = plt.subplots(
        1, len(methods), figsize=(4.2 * len(methods), 3.4), sharey=True, squeeze=False
    )
    for axis, method in zip(axes[0], methods, strict=True):
        estimate = study.estimates[method]
        axis.axhline(0, color="black", linewidth=0.8)
        axis.axvline(-0.5, color="#c0392b", linewidth=1, linestyle="--")
        axis.set_title(method)
        axis.set_xlabel(f"{study.period}s relative to the shock")
        if estimate.result is None:
            axis.text(
                0.5,
                0.5,
                f"no estimate:\n{estimate.error}",
                transform=axis.transAxes,
                ha="center",
                va="center",
                fontsize=8,
                wrap=True,
            )
            continue
        rows = estimate.result.to_dict()["event_study"]
        rel = [r["rel_period"] for r in rows]
        axis.fill_between(
            rel,
            [r["ci_low"] for r in rows],
            [r["ci_high"] for r in rows],
            color="#1f4e79",
            alpha=0.2,
            label="95% CI",
        )
        axis.plot(rel, [r["estimate"] for r in rows], marker="o", color="#1f4e79", label="CN − US")
    axes[0][0].set_ylabel(f"{study.outcome} per repository-{study.period}")
    figure.suptitle(f"Event study, shocks {', '.join(study.shocks)}", fontsize=10)
    figure.tight_layout()
    _save(figure, path)
    plt.close(figure)
    return Path(path)


def series_figure(panel: Panel, outcome: str, path: str | Path, title: str | None = None) -> Path:
    """The outcome summed over repositories per period, one line per group, shocks and confounders marked."""
    from valuechain.reference.figures import mark_events

    plt = _pyplot()
    series = panel.series(outcome)
    figure, axis = plt.subplots(figsize=(8.5, 3.6))
    for group in series.columns:
        axis.plot(series.index, series[group], label=group, color=GROUP_COLOURS.get(group), linewidth=1.4)
    mark_events(axis, within=(series.index.min(), series.index.max()), labels=True)
    axis.set_ylabel(f"{outcome} per {panel.period}")
    axis.set_title(title or f"{outcome} by group ({panel.method} attribution)", fontsize=10)
    axis.legend(fontsize=8)
    figure.autofmt_xdate()
    figure.tight_layout()
    _save(figure, path)
    plt.close(figure)
    return Path(path)
