"""The one helper that marks shocks and confounders on a figure."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from valuechain.reference.events import CONFOUNDERS, SHOCKS  # noqa: E402
from valuechain.reference.figures import CONFOUNDER_STYLE, SHOCK_STYLE, mark_events  # noqa: E402


def _lines(axis: object) -> list[tuple[pd.Timestamp, str]]:
    return [
        (pd.Timestamp(line.get_xdata()[0]), line.get_color())
        for line in axis.get_lines()  # type: ignore[attr-defined]
    ]


def test_every_event_is_drawn_in_its_style() -> None:
    figure, axis = plt.subplots()
    axis.plot(pd.to_datetime(["2018-01-01", "2026-01-01"]), [0, 1])
    drawn = mark_events(axis)
    lines = _lines(axis)[1:]
    plt.close(figure)
    assert drawn == len(SHOCKS) + len(CONFOUNDERS) == len(lines)
    assert sorted(d for d, c in lines if c == SHOCK_STYLE["color"]) == sorted(map(pd.Timestamp, SHOCKS))
    assert sorted(d for d, c in lines if c == CONFOUNDER_STYLE["color"]) == sorted(
        map(pd.Timestamp, CONFOUNDERS)
    )


def test_within_keeps_only_the_events_inside_the_range_on_every_axis() -> None:
    days = sorted(pd.Timestamp(d) for d in [*SHOCKS, *CONFOUNDERS])
    first, last = days[1], days[-2]
    figure, axes = plt.subplots(1, 2)
    drawn = mark_events(axes, within=(first, last), labels=True)
    inside = [d for d in days if first <= d <= last]
    for axis in axes:
        assert sorted(d for d, _ in _lines(axis)) == inside
        assert len(axis.texts) == len(inside)
    plt.close(figure)
    assert drawn == len(inside)
