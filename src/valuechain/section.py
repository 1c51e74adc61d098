"""The contract between the domains and the report.

Each domain exposes ``valuechain.<domain>.report.report_section(out_dir: Path) -> Section``: it runs its
analyses on the embedded default data (the package's curated tables and the reference snapshots in
``$VALUECHAIN_DATA``), writes its figures into ``out_dir`` (PNG or SVG for print, and optionally a
self-contained Plotly HTML fragment for interaction), and returns a :class:`Section`. The report
(:mod:`valuechain.report.build`) assembles the sections into one HTML page. Sections build their tables
with :func:`render_table`, the one table renderer of the report (a Jinja2 template with autoescape).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment, PackageLoader

#: Templates shared by every chapter (``valuechain/templates/``), HTML-escaped by default.
TEMPLATES = Environment(loader=PackageLoader("valuechain", "templates"), autoescape=True)


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


def render_table(
    headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, css_class: str | None = None
) -> str:
    """An HTML table (``<thead>`` with ``headers``, ``<tbody>`` with one ``<tr>`` per row) on one line.

    Every header and cell is shown as ``str()`` and HTML-escaped, so callers format numbers first and never
    escape; ``css_class`` sets the table's ``class`` attribute.
    """
    return TEMPLATES.get_template("table.html.j2").render(headers=headers, rows=rows, css_class=css_class)
