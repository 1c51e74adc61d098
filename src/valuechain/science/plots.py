"""Figures of the usage analyses (matplotlib, written atomically)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from valuechain.errors import InputError
from valuechain.output import atomic_path

TOP_GROUPS = 6


def plot_usage(result: Any, path: Path) -> Path:  # a science.usage.UsageResult (no import back)
    """Bar chart: papers per sheet/family by the top groups (country or type); the other groups' counts are
    summed into one bar (a paper with authors in two of them counts twice there)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    table = result.table
    if table.empty:
        raise InputError("There is nothing to plot: the usage table is empty.")
    label = "sheet" if "sheet" in table.columns else "family"
    top = table.groupby("group")["papers"].sum().sort_values(ascending=False).head(TOP_GROUPS).index.tolist()
    other = "other groups (sum of per-group counts)"
    wide = table.assign(group=table["group"].where(table["group"].isin(top), other))
    wide = wide.groupby([label, "group"])["papers"].sum().unstack(fill_value=0)
    wide = wide[[g for g in [*top, other] if g in wide.columns]]
    fig, ax = plt.subplots(figsize=(10, 4.8))
    wide.plot(kind="bar", ax=ax, width=0.85)
    by = "author-institution country" if result.by == "country" else "author-institution type"
    where = "CSET's hand-annotated sample" if result.kind == "cset" else "OpenAlex works in the store"
    ax.set_title(f"Papers with at least one author in each group ({by}), {where}")
    ax.set_ylabel("papers")
    ax.set_xlabel("")
    ax.legend(fontsize=8, ncols=2)
    fig.autofmt_xdate(rotation=30)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format=path.suffix.lstrip(".").lower(), dpi=130)
    plt.close(fig)
    return path
