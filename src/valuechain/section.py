"""The contract between the domains and the report.

Each domain exposes ``valuechain.<domain>.report.report_section(out_dir: Path) -> Section``: it runs its
analyses on the embedded default data (the package's curated tables and the reference snapshots in
``$VALUECHAIN_DATA``), writes its figures into ``out_dir`` (PNG or SVG for print, and optionally a
self-contained Plotly HTML fragment for interaction), and returns a :class:`Section`. The report
(:mod:`valuechain.report.build`) assembles the sections into one HTML page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Figure:
    """A figure file and its caption.

    ``path`` is the absolute path of a file the section wrote inside its ``out_dir``; the report builder
    turns it into a path relative to the report directory. A relative path is kept as given.
    """

    path: str
    caption: str


@dataclass
class Section:
    """One chapter of the report.

    ``html`` is an HTML fragment (tables, text; no <html>/<body>); ``figures`` are shown after it;
    ``sources`` are provenance records (see :func:`valuechain.output.source`); ``notes`` are caveats
    shown to the reader (e.g. "this mapping is our operationalisation of Foster (2025)").
    """

    key: str
    title: str
    html: str
    figures: list[Figure] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)  # machine-readable summary for report.json
