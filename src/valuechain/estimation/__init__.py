"""Estimators shared by the domains: DiD, (stacked) event studies, Callaway–Sant'Anna, ETWFE,
interrupted time series and placebo-in-space permutation inference.

Plumbing: imports no domain. Every public verb returns a result object with ``.tidy()``,
``.summary()``, ``.to_dict()`` (JSON-ready) and ``.plot(path)``.
"""

from __future__ import annotations

from valuechain.estimation.design import TRIMMING_RULES, PanelColumns
from valuechain.estimation.event_study import Coefficient, EventStudyResult, did, event_study, placebo_dates
from valuechain.estimation.its import ItsResult, interrupted_time_series
from valuechain.estimation.permutation import PermutationResult, permutation_did
from valuechain.estimation.staggered import (
    Aggregate,
    CallawaySantAnnaResult,
    EtwfeResult,
    callaway_santanna,
    etwfe,
)

__all__ = [
    "ItsResult",
    "PermutationResult",
    "interrupted_time_series",
    "permutation_did",
    "Aggregate",
    "CallawaySantAnnaResult",
    "EtwfeResult",
    "callaway_santanna",
    "etwfe",
    "TRIMMING_RULES",
    "Coefficient",
    "EventStudyResult",
    "PanelColumns",
    "did",
    "event_study",
    "placebo_dates",
]
