"""The figure of the catalogue audit: releases on Foster's five governance levels over time, by country.

matplotlib is imported inside :func:`gradient_figure`, which selects the non-interactive Agg backend:
importing this module must not change the backend of a program that imports it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pycountry

from valuechain.output import atomic_path

#: Distinct colours for countries, most frequent first (U.S. blue and China red stay far apart).
COUNTRY_COLOURS = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
    "#000000",
    "#f2c12e",
    "#66c2a5",
    "#fc8d62",
)


def _country_label(code: str, count: int) -> str:
    try:
        country = pycountry.countries.get(alpha_2=code)
        name = getattr(country, "common_name", None) or country.name if country else code
    except (LookupError, KeyError):
        name = code
    return f"{code} {name} ({count})"


def _label_lanes(data: Any, lanes: int = 8, chars_across: float = 150.0) -> Any:
    """A lane (0..lanes-1) per release so that labels on the same level do not run into each other.

    Greedy by date: each label goes to the first lane whose previous label has ended (label length in
    characters times the days one character spans), else to the lane that frees up first.
    """

    dates = data["date"]
    span = max((dates.max() - dates.min()).days, 1) if dates.notna().any() else 1
    days_per_char = span / chars_across
    out = pd.Series(0, index=data.index)
    for _, group in data.groupby("governance_level"):
        ends = [pd.Timestamp.min] * lanes
        for idx, row in group.iterrows():
            if pd.isna(row["date"]):
                continue
            free = [i for i in range(lanes) if ends[i] < row["date"]]
            lane = free[0] if free else min(range(lanes), key=lambda i: ends[i])
            out[idx] = lane
            ends[lane] = row["date"] + pd.Timedelta(days=(len(str(row["name"])) + 4) * days_per_char)
    return out


def gradient_figure(frame: Any, path: str | Path) -> Path:
    """Models placed on Foster's five levels (x: release date; y: level), coloured by country, each labelled."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = {
        1: "1 Hierarchical",
        2: "2 Captive externalised",
        3: "3 Open platform",
        4: "4 Controlled openness",
        5: "5 Full openness",
    }
    data = frame.copy()
    data["date"] = pd.to_datetime(data["release_date"], errors="coerce")
    counts = data["country"].value_counts()
    countries = list(counts.index)
    colours = {c: COUNTRY_COLOURS[i % len(COUNTRY_COLOURS)] for i, c in enumerate(countries)}
    fig, ax = plt.subplots(figsize=(14, 8))
    data = data.sort_values("date")
    data["y"] = data["governance_level"] + (_label_lanes(data) - 3.5) * 0.1  # eight lanes per level
    for country in countries:
        sub = data[data["country"] == country]
        ax.scatter(
            sub["date"],
            sub["y"],
            s=52,
            color=colours[country],
            label=_country_label(country, counts[country]),
            edgecolor="black",
            linewidth=0.4,
            zorder=3,
        )
    for row in data.itertuples(index=False):
        ax.annotate(
            row.name,
            (row.date, row.y),
            fontsize=6.5,
            xytext=(5, -2.5),
            textcoords="offset points",
            color="#333333",
        )
    for level in labels:
        ax.axhspan(level - 0.42, level + 0.42, color="#f2f2f2" if level % 2 else "#e6eef7", zorder=0)
    ax.set_yticks(list(labels), [labels[k] for k in labels], fontsize=10)
    ax.set_ylim(0.5, 5.5)
    ax.set_xlabel("release date")
    ax.set_title(
        f"Foster's gradient of openness: {len(data)} foundation-model releases, coloured by country\n"
        "(governance model: our operationalisation of Foster 2025, arXiv 2509.10220)",
        fontsize=11,
    )
    ax.legend(
        title="country (releases)", fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False
    )
    fig.tight_layout()
    target = Path(path)
    with atomic_path(target) as tmp:
        fig.savefig(tmp, dpi=130, format=target.suffix.lstrip(".").lower() or "png")
        tmp.chmod(0o644)
    plt.close(fig)
    return target
