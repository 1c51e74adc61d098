"""The contract between the domains and the report.

Each domain exposes ``valuechain.<domain>.report.report_section(out_dir: Path) -> Section``: it runs its
analyses on the embedded default data (the package's curated tables and the reference snapshots in
``$VALUECHAIN_DATA``), writes its figures into ``out_dir`` (PNG or SVG for print, and optionally a
self-contained Plotly HTML fragment for interaction), and returns a :class:`Section`. The report
(:mod:`valuechain.report.build`) assembles the sections into one HTML page. Sections build their tables
with :func:`render_table`, the one table renderer of the report (a Jinja2 template with autoescape).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
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
    #: Every table of the chapter by name (filled by :func:`render_table` while the report collects them);
    #: the report writes each one as CSV and Parquet next to the page.
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


#: Column headers written as words where a code name or symbol is shorter than its meaning.
#: Any other ``snake_case`` header is shown with spaces (``release_date`` -> ``release date``).
HEADER_WORDS: dict[str, str] = {
    "rho_s": "ρ_s",
    "rho": "ρ",
    "ghs_type": "value-chain type (GHS)",
    "mof_class": "MOF class",
    "solaiman_level": "Solaiman level",
    "licence_class": "licence class",
    "eosai_score": "EOSAI score",
    "osaid_conformant": "OSAID conformant",
    "hf_repo": "Hugging Face repository",
    "most_open": "most open",
    "most_closed": "most closed",
    "releases_by_model": "releases by governance model",
    "why": "reason",
    "n_obs": "observations",
    "ci_low": "95% CI low",
    "ci_high": "95% CI high",
    "p_value": "p-value",
}
_SNAKE = re.compile(r"^[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+$")
_CODE_WORD = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)+$")
#: Strings that are Python's or pandas' spelling of yes, no or nothing (some callers pass them
#: pre-formatted).
_REPR_WORDS = {"True": "yes", "False": "no", "None": "", "nan": "", "NaN": "", "<NA>": "", "NaT": ""}


def header_words(header: Any) -> str:
    """A column header as words: :data:`HEADER_WORDS` first, then ``snake_case`` with spaces."""
    text = str(header)
    if text in HEADER_WORDS:
        return HEADER_WORDS[text]
    return text.replace("_", " ") if _SNAKE.match(text) else text


def is_missing(value: Any) -> bool:
    """``None``, NaN, ``pd.NA`` and ``NaT`` (not an empty list)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def cell_words(value: Any) -> str:
    """A cell as a reader reads it: ``yes``/``no`` for booleans, empty for missing values, collections
    joined with ``", "`` (sets sorted), integers from 10,000 with thousands separators (years stay as
    they are), floats to 3 significant digits below 1,000 and to the unit above; strings as given, except
    Python's spellings ``True``, ``False``, ``None`` and ``nan`` and lower-case code names (``osi_open`` ->
    ``osi open``)."""
    if is_missing(value):
        return ""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "yes" if value else "no"
    if isinstance(value, (set, frozenset)):
        return ", ".join(sorted(cell_words(v) for v in value))
    if isinstance(value, (list, tuple)) or type(value).__name__ == "ndarray":
        return ", ".join(cell_words(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{cell_words(k)}: {cell_words(v)}" for k, v in value.items())
    if isinstance(value, int) or type(value).__name__.startswith(("int", "uint")):
        return f"{int(value):,}" if abs(int(value)) >= 10_000 else str(int(value))  # years stay 2026
    if isinstance(value, float) or type(value).__name__.startswith("float"):
        number = float(value)
        if number.is_integer() and abs(number) < 1e15:
            return f"{number:,.0f}"
        return f"{number:,.0f}" if abs(number) >= 1000 else f"{number:.3g}"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.strftime("%Y-%m-%d %H:%M")
    text = str(value)
    if text.strip() in _REPR_WORDS:
        return _REPR_WORDS[text.strip()]
    parts = text.split(", ")  # code names (``osi_open``, ``release_date, weights``) read as words
    if all(_CODE_WORD.match(part) or part.isalpha() and part.islower() for part in parts) and "_" in text:
        return ", ".join(part.replace("_", " ") for part in parts)
    return text


@dataclass
class _Collector:
    section: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


_COLLECTOR: ContextVar[_Collector | None] = ContextVar("valuechain_table_collector", default=None)


@contextmanager
def collect_tables(section_key: str) -> Iterator[dict[str, pd.DataFrame]]:
    """While active, every :func:`render_table` call registers its table (under its ``name``, else
    ``table-N``) in the yielded dict and links its CSV and Parquet files ``tables/<section>-<name>.*``
    (which the report builder writes)."""
    collector = _Collector(section_key)
    token = _COLLECTOR.set(collector)
    try:
        yield collector.tables
    finally:
        _COLLECTOR.reset(token)


def _export_column(values: list[Any]) -> list[Any]:
    """A column for CSV/Parquet: numbers and booleans kept as they are when the whole column is of that kind
    (missing values allowed), everything else as the words the page shows."""
    present = [v for v in values if not is_missing(v)]
    if present and all(isinstance(v, bool) or type(v).__name__ == "bool_" for v in present):
        return [None if is_missing(v) else bool(v) for v in values]
    if present and all(
        isinstance(v, (int, float))
        and not isinstance(v, bool)
        or type(v).__name__.startswith(("int", "uint", "float"))
        for v in present
    ):
        return [None if is_missing(v) else v for v in values]
    return [cell_words(v) for v in values]


def table_frame(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> pd.DataFrame:
    """The exported form of a table: headers in words, one column per header (see :func:`_export_column`)."""
    columns: list[str] = []
    for header in headers:  # a header shown twice keeps both columns in the file
        name, n = header, 2
        while name in columns:
            name, n = f"{header} ({n})", n + 1
        columns.append(name)
    data = {col: _export_column([row[i] for row in rows]) for i, col in enumerate(columns)}
    return pd.DataFrame(data, columns=columns)


#: Characters of an unbroken token above which a cell may wrap inside words.
LONG_TOKEN = 24


def _data_roots() -> tuple[str, ...]:
    """The data directory as given and resolved, each with a trailing slash."""
    from valuechain.config import data_dir

    base = data_dir()
    return tuple(
        sorted({f"{str(base).rstrip('/')}/", f"{str(base.resolve()).rstrip('/')}/"}, key=len, reverse=True)
    )


def _relative_to_data(text: str, roots: tuple[str, ...]) -> str:
    """A file of the data directory named relative to it (no absolute path of this machine in the report)."""
    for root in roots:
        text = text.replace(root, "")
    return text


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "table"


def render_table(
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    css_class: str | None = None,
    name: str | None = None,
) -> str:
    """An HTML table (``<thead>`` with ``headers``, ``<tbody>`` with one ``<tr>`` per row) on one line.

    Headers are shown as words (:func:`header_words`) and cells as words (:func:`cell_words`), HTML-escaped;
    callers may pass raw values or pre-formatted strings. ``css_class`` sets the table's ``class``
    attribute. Inside :func:`collect_tables` the table is registered under ``name`` (default ``table-N``)
    and a line linking its CSV and Parquet files follows it.
    """
    words = [header_words(h) for h in headers]
    raw = [list(row) for row in rows]
    roots = _data_roots()
    texts = [[_relative_to_data(cell_words(v), roots) for v in row] for row in raw]
    # a cell holding a long unbroken token (a path, a URL) may break inside it, so the table fits the page
    cells = [[(text, max(map(len, text.split()), default=0) > LONG_TOKEN) for text in row] for row in texts]
    html = TEMPLATES.get_template("table.html.j2").render(headers=words, rows=cells, css_class=css_class)
    collector = _COLLECTOR.get()
    if collector is None:
        return html
    key = _slug(name or f"table-{len(collector.tables) + 1}")
    base, n = key, 2
    while key in collector.tables:
        key, n = f"{base}-{n}", n + 1
    collector.tables[key] = table_frame(
        words, [[_relative_to_data(v, roots) if isinstance(v, str) else v for v in row] for row in raw]
    )
    stem = f"tables/{collector.section}-{key}"
    return html + TEMPLATES.get_template("table_files.html.j2").render(stem=stem, rows=len(raw))
