"""Turning a long panel into an estimation sample: period index, shock periods, stacked windows.

The panel is long: one row per unit × group × period with numeric outcome columns. Periods are mapped
to consecutive integers ``0 … T-1`` in date order (the panel's own periods, so a week panel counts
weeks and a quarter panel counts quarters). A shock falls in the period that contains it: the last
period whose start is on or before the shock date; that period is event time 0.

Stacking several shocks (Cengiz, Dube, Lindner and Zipperer 2019): each shock gets its own copy of
the sample within its window, with its own unit and period fixed effects; coefficients on the
event-time dummies are pooled across stacks and standard errors are clustered by unit, which also
accounts for the same unit appearing in several stacks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from valuechain.errors import InputError

#: How overlapping windows are trimmed (quoted in every result's ``design``).
TRIMMING_RULES = {
    "cut": (
        "each shock's window is [-window, +window] periods around the period containing the shock, cut "
        "so that it never contains another shock: leads start the period after the previous shock, lags "
        "end the period before the next shock; a shock left without the reference period -1 or without "
        "lag 0 is dropped"
    ),
    "drop": (
        "shocks are taken in date order; a shock whose full [-window, +window] window overlaps the window "
        "of the last kept shock is dropped (kept windows never overlap, but a kept window may hold the date "
        "of a dropped shock)"
    ),
}

ShockLike: TypeAlias = date | datetime | str | int | pd.Timestamp


@dataclass(frozen=True)
class PanelColumns:
    """Which columns of the long panel hold the unit, the group and the period."""

    unit: str = "repo_id"
    group: str = "group"
    period: str = "period"


@dataclass
class StackedSample:
    """The estimation sample: one row per unit × group × period × stack within the windows."""

    frame: pd.DataFrame  # columns: y, unit, treated, rel, stack, fe_unit, fe_period, cluster
    shocks: list[dict[str, Any]]  # the kept shocks: label, period, leads, lags
    dropped: list[dict[str, Any]] = field(default_factory=list)
    periods: list[Any] = field(default_factory=list)


def check_outcome(panel: pd.DataFrame, outcome: str, columns: PanelColumns) -> None:
    """Raise :class:`InputError` unless ``outcome`` is a numeric column and the id columns exist."""
    missing = [c for c in (columns.unit, columns.group, columns.period) if c not in panel.columns]
    if missing:
        raise InputError(f"The panel has no column {missing[0]!r} (expected unit, group and period columns).")
    if outcome not in panel.columns or outcome in (columns.unit, columns.group, columns.period):
        numeric = [
            c
            for c in panel.columns
            if c not in (columns.unit, columns.group, columns.period)
            and pd.api.types.is_numeric_dtype(panel[c])
        ]
        raise InputError(
            f"Unknown outcome {outcome!r}; the panel has {', '.join(numeric) or 'no numeric column'}."
        )
    if not pd.api.types.is_numeric_dtype(panel[outcome]):
        raise InputError(f"The outcome column {outcome!r} is not numeric.")


def period_index(values: pd.Series) -> tuple[np.ndarray, list[Any]]:
    """Map period values to ``0 … T-1`` in sorted order; returns (codes, sorted distinct periods)."""
    if pd.api.types.is_numeric_dtype(values):
        uniques = np.sort(values.dropna().unique())
    else:
        values = pd.to_datetime(values)
        uniques = np.sort(values.dropna().unique())
    codes = np.searchsorted(uniques, values.to_numpy())
    return codes, list(uniques)


def shock_period(shock: ShockLike, periods: list[Any]) -> int:
    """Index of the period containing ``shock``: the last period starting on or before it.

    Raises :class:`InputError` when the shock is before the first period or after the end of the last
    one (the last period is taken to be as long as the one before it).
    """
    if not periods:
        raise InputError("The panel has no periods.")
    if isinstance(periods[0], (int, np.integer, float, np.floating)):
        if not isinstance(shock, (int, np.integer, float, np.floating)):
            raise InputError(
                f"The shock {shock!r} is not a period number, but the panel's periods are numbers."
            )
        key: Any = shock
        end: Any = periods[-1] + (periods[-1] - periods[-2] if len(periods) > 1 else 1)
    else:
        try:
            key = np.datetime64(pd.Timestamp(str(shock) if isinstance(shock, date) else shock))
        except (ValueError, TypeError) as exc:
            raise InputError(f"The shock date {shock!r} is not a date (use YYYY-MM-DD).") from exc
        step = periods[-1] - periods[-2] if len(periods) > 1 else np.timedelta64(7, "D")
        end = periods[-1] + step
    position = int(np.searchsorted(np.asarray(periods), key, side="right")) - 1
    if position < 0 or key >= end:
        first, last = _show(periods[0]), _show(end)
        raise InputError(f"The shock {_show(key)} is outside the data, which cover {first} to {last}.")
    return position


def _show(value: Any) -> str:
    if isinstance(value, np.datetime64):
        return str(pd.Timestamp(value).date())
    return str(value)


def windows(
    shock_periods: Sequence[int], window: int, n_periods: int, overlap: str = "cut"
) -> tuple[list[tuple[int, int, int]], list[tuple[int, str]]]:
    """Per shock (in order) the kept window ``(shock, first, last)`` in period indices, and the dropped.

    ``overlap="cut"``: leads start after the previous shock, lags stop before the next one;
    ``overlap="drop"``: a shock whose window overlaps the last kept window is dropped.
    A kept window always contains event times -1 and 0.
    """
    if overlap not in TRIMMING_RULES:
        raise InputError(f"Unknown overlap rule {overlap!r}; use 'cut' or 'drop'.")
    ordered = sorted(set(shock_periods))
    kept: list[tuple[int, int, int]] = []
    dropped: list[tuple[int, str]] = []
    for i, s in enumerate(ordered):
        first, last = max(s - window, 0), min(s + window, n_periods - 1)
        if overlap == "cut":
            if i > 0:
                first = max(first, ordered[i - 1] + 1)
            if i + 1 < len(ordered):
                last = min(last, ordered[i + 1] - 1)
        elif kept and first <= kept[-1][2]:
            dropped.append((s, "its window overlaps the window of the previous kept shock"))
            continue
        if first > s - 1:
            dropped.append((s, "no period -1 before it inside the data or after the previous shock"))
            continue
        if last < s:
            dropped.append((s, "no period 0 inside the data"))
            continue
        kept.append((s, first, last))
    return kept, dropped


def stacked_sample(
    panel: pd.DataFrame,
    outcome: str,
    shocks: Sequence[ShockLike],
    *,
    treated: str,
    control: str | Sequence[str] | None,
    window: int | None,
    columns: PanelColumns,
    overlap: str = "cut",
) -> StackedSample:
    """Build the stacked estimation sample (see the module docstring). ``window=None``: all periods."""
    check_outcome(panel, outcome, columns)
    if not shocks:
        raise InputError("No shock date given.")
    groups = panel[columns.group].astype(str)
    if not (groups == treated).any():
        raise InputError(f"The panel has no rows of the treated group {treated!r}.")
    if control is None:
        keep = np.ones(len(panel), dtype=bool)
    else:
        wanted = [control] if isinstance(control, str) else list(control)
        keep = groups.isin([treated, *wanted]).to_numpy()
        if not groups.isin(wanted).any():
            raise InputError(f"The panel has no rows of the control group {', '.join(map(repr, wanted))}.")
    codes, periods = period_index(panel[columns.period])
    shock_positions = [shock_period(s, periods) for s in shocks]
    width = window if window is not None else len(periods)
    if width < 1:
        raise InputError(f"The window must be at least 1 period, not {window}.")
    kept, dropped = windows(shock_positions, width, len(periods), overlap)
    if not kept:
        raise InputError("Every shock was dropped: no shock has a period before and after it in the data.")
    label = {pos: s for pos, s in zip(shock_positions, shocks, strict=True)}

    base = pd.DataFrame(
        {
            "y": panel[outcome].to_numpy(dtype=float)[keep],
            "unit": panel[columns.unit].to_numpy()[keep],
            "group": groups.to_numpy()[keep],
            "t": codes[keep],
        }
    )
    base = base[np.isfinite(base["y"])]
    base["treated"] = (base["group"] == treated).astype(np.int8)
    cluster_codes = pd.factorize(base["unit"])[0]
    group_codes, group_levels = pd.factorize(base["group"])
    # unit x group as one integer code (a MultiIndex factorize is ~10x slower on a million rows)
    unit_group = pd.factorize(cluster_codes.astype(np.int64) * len(group_levels) + group_codes)[0]
    base["unit_group"] = unit_group
    base["cluster"] = cluster_codes
    n_unit_groups = int(unit_group.max()) + 1 if len(base) else 0

    pieces = []
    for k, (s, first, last) in enumerate(kept):
        piece = base[(base["t"] >= first) & (base["t"] <= last)]
        piece = piece.assign(rel=(piece["t"] - s).astype(np.int32), stack=np.int32(k))
        piece["fe_unit"] = piece["unit_group"].to_numpy() + k * n_unit_groups
        piece["fe_period"] = piece["t"].to_numpy() + k * len(periods)
        pieces.append(piece)
    frame = pd.concat(pieces, ignore_index=True) if len(pieces) > 1 else pieces[0].reset_index(drop=True)
    if frame.empty or frame["treated"].nunique() < 2:
        raise InputError("The window holds no rows of both the treated and the control group.")
    kept_info = [
        {
            "shock": _show_shock(label[s]),
            "period": _show(periods[s]),
            "first_rel": first - s,
            "last_rel": last - s,
        }
        for s, first, last in kept
    ]
    dropped_info = [
        {"shock": _show_shock(label[s]), "period": _show(periods[s]), "reason": why} for s, why in dropped
    ]
    return StackedSample(frame=frame, shocks=kept_info, dropped=dropped_info, periods=periods)


def _show_shock(shock: ShockLike) -> str:
    if isinstance(shock, (datetime, pd.Timestamp)):
        return shock.date().isoformat()
    if isinstance(shock, date):
        return shock.isoformat()
    return str(shock)
