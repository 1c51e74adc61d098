"""Summaries of a ranked catalogue audit: releases per governance model, and per lead firm."""

from __future__ import annotations

from typing import Any

import pandas as pd


def governance_counts(frame: Any, by: str = "country") -> Any:
    """Count releases per governance model and ``by`` (country, region, organisation)."""
    table = frame.pivot_table(
        index=by, columns="governance_model", values="id", aggfunc="count", fill_value=0
    )
    order = [
        m
        for m in (
            "Full openness",
            "Controlled openness",
            "Open platform",
            "Captive externalised",
            "Hierarchical",
        )
        if m in table.columns
    ]
    table = table[order]
    table["total"] = table.sum(axis=1)
    return table.sort_values("total", ascending=False)


def firm_summary(frame: Any) -> Any:
    """One row per lead firm: its releases, the governance models it uses and whether it mixes them.

    Foster's claim is that lead firms use openness strategically (e.g. open weights for a small model and a
    closed API for the frontier one); ``mixed`` marks firms with releases on more than one governance model.
    """

    rows = []
    for (org, country), group in frame.groupby(["organisation", "country"], sort=False):
        levels = sorted(set(group["governance_level"]), reverse=True)
        models = [group.loc[group["governance_level"] == lv, "governance_model"].iloc[0] for lv in levels]
        rows.append(
            {
                "organisation": org,
                "country": country,
                "releases": len(group),
                "most_open": models[0],
                "most_closed": models[-1],
                "models": ", ".join(models),
                "mixed": len(levels) > 1,
                "releases_by_model": "; ".join(
                    f"{m}: {', '.join(group.loc[group['governance_model'] == m, 'name'])}" for m in models
                ),
            }
        )
    out = pd.DataFrame(rows)
    return out.sort_values(["releases", "organisation"], ascending=[False, True]).reset_index(drop=True)
