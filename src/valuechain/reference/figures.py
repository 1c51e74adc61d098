"""The shocks and confounders drawn the same way in every figure that marks them.

Every domain that plots a time series marks the export-control shocks and the confounding releases of
:mod:`valuechain.reference.events`; this is the one place that says how: a shock is a solid red line,
a confounder a dashed grey line. Callers pass the matplotlib axes they draw on (no backend is chosen here).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

#: Line style of an export-control shock.
SHOCK_STYLE: Mapping[str, Any] = {"color": "#c0392b", "linewidth": 1, "linestyle": "-"}
#: Line style of a confounding release.
CONFOUNDER_STYLE: Mapping[str, Any] = {"color": "#7f8c8d", "linewidth": 1, "linestyle": "--"}
#: How a figure's caption names the lines.
LEGEND_TEXT = "red: export-control shocks; grey dashed: confounders"


def mark_events(
    axes: Any | Iterable[Any], *, within: tuple[Any, Any] | None = None, labels: bool = False
) -> int:
    """Draw every shock and confounder as a vertical line on each of ``axes``; return how many were drawn.

    ``within=(first, last)`` keeps the events with first ≤ date ≤ last (anything ``pandas.Timestamp``
    compares with); ``labels`` writes each event's label along its line, at the top of the axis.
    """
    import pandas as pd

    from valuechain.reference.events import CONFOUNDERS, SHOCKS

    targets = list(axes) if isinstance(axes, Iterable) else [axes]
    drawn = 0
    for events, style in ((SHOCKS, SHOCK_STYLE), (CONFOUNDERS, CONFOUNDER_STYLE)):
        for day, label in events.items():
            stamp = pd.Timestamp(day)
            if within is not None and not pd.Timestamp(within[0]) <= stamp <= pd.Timestamp(within[1]):
                continue
            drawn += 1
            for axis in targets:
                axis.axvline(stamp, **style)
                if labels:
                    axis.text(
                        stamp,
                        axis.get_ylim()[1],
                        label,
                        rotation=90,
                        va="top",
                        ha="right",
                        fontsize=7,
                        color=style["color"],
                    )
    return drawn
