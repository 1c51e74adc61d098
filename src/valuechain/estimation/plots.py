"""Matplotlib figures of estimation results (written only where a caller asks for a file)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from valuechain.errors import InputError


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def event_study_figure(
    coefficients: pd.DataFrame,
    title: str,
    did: Any = None,
    ax: Any = None,
    label: str | None = None,
    band_label: str = "95% CI",
) -> Any:
    """Coefficients by event time with a shaded confidence band; vertical line between -1 and 0."""
    plt = _pyplot()
    fig = None
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 4))
    data = coefficients.sort_values("rel_period")
    ax.fill_between(
        data["rel_period"], data["ci_low"], data["ci_high"], alpha=0.25, step=None, label=band_label
    )
    ax.plot(data["rel_period"], data["estimate"], marker="o", label=label or "estimate")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.axvline(-0.5, color="grey", linestyle="--", linewidth=0.8)
    ax.set_xlabel("periods relative to shock (reference -1)")
    ax.set_ylabel("effect on treated vs control")
    if did is not None:
        title = f"{title}\nDiD {did.estimate:.3g} (95% CI {did.ci_low:.3g} to {did.ci_high:.3g})"
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8)
    return fig if fig is not None else ax.figure


def save_figure(fig: Any, path: str | Path) -> Path:
    """Save atomically (PNG/SVG/PDF by suffix) and close the figure."""
    from valuechain.output import atomic_path

    target = Path(path)
    suffix = target.suffix.lower().lstrip(".")
    if suffix not in {"png", "svg", "pdf"}:
        raise InputError(f"The figure file {target} must end in .png, .svg or .pdf.")
    plt = _pyplot()
    with atomic_path(target) as tmp:
        fig.savefig(tmp, format=suffix, dpi=120, bbox_inches="tight")
    plt.close(fig)
    return target
