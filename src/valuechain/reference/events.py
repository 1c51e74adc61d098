"""The export-control shocks and the confounding releases, dated once for every domain.

``data/events.csv`` is the one home of these dates (the spec's dates,
``shared/specs/ecosystem-measurement.md`` §1); each row names the policy-timeline event that gives its
official source. The policy trends, the Hugging Face diffusion series, the engagement event study and the
science series all import them from here.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from importlib import resources

EVENTS_FILE = "valuechain/reference/data/events.csv"


@dataclass(frozen=True)
class DatedEvent:
    """A shock or a confounder: its date, a short label and the policy-timeline event that sources it."""

    kind: str  # "shock" | "confounder"
    day: date
    label: str
    timeline_id: str


def _load() -> tuple[DatedEvent, ...]:
    text = resources.files("valuechain.reference").joinpath("data", "events.csv").read_text(encoding="utf-8")
    lines = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    return tuple(
        DatedEvent(row["kind"], date.fromisoformat(row["date"]), row["label"], row["timeline_id"])
        for row in csv.DictReader(io.StringIO(lines))
    )


EVENTS: tuple[DatedEvent, ...] = _load()
#: ISO date -> label of the U.S. export-control shocks, in date order.
SHOCKS: dict[str, str] = {e.day.isoformat(): e.label for e in EVENTS if e.kind == "shock"}
#: ISO date -> label of the releases that confound any before/after comparison (shown on every timeline).
CONFOUNDERS: dict[str, str] = {e.day.isoformat(): e.label for e in EVENTS if e.kind == "confounder"}


def shock_dates() -> list[date]:
    """The shock dates as :class:`datetime.date`, in order."""
    return [date.fromisoformat(d) for d in SHOCKS]


def confounder_dates() -> dict[date, str]:
    """Confounder date -> label."""
    return {date.fromisoformat(d): label for d, label in CONFOUNDERS.items()}
