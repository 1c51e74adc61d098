"""Assemble the observatory report: one HTML page (plus ``report.json``) from the domains' sections.

The page is the Jinja2 template ``report/templates/report.html.j2`` (autoescape on); tables inside the
chapters come from the one table renderer, :func:`valuechain.section.render_table`.

The data flows one way: each domain's ``report_section`` runs its analyses on the embedded default
data and returns a :class:`~valuechain.section.Section`; this module only lays them out.
The report is written to a temporary directory and moved into place at the end, so an interrupted
build leaves the previous report intact.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader

import valuechain
from valuechain import SCHEMA_VERSION, __version__
from valuechain.config import data_dir
from valuechain.errors import InputError
from valuechain.output import dumps
from valuechain.section import Figure, Section, collect_tables

#: Report chapters in order: key -> module providing ``report_section(out_dir) -> Section``.
SECTIONS: dict[str, str] = {
    "findings": "valuechain.findings.report",
    "market": "valuechain.market.report",
    "audit": "valuechain.audit.report",
    "ecosystem": "valuechain.ecosystem.report",
    "policy": "valuechain.policy.report",
    "engagement": "valuechain.engagement.report",
    "science": "valuechain.science.report",
    "appendix": "valuechain.report.appendix",
}

#: The installed package's directory: package files are cited relative to its parent (``valuechain/...``).
PACKAGE_ROOT = Path(valuechain.__file__).parent

CSS = """
.verdict{display:inline-block;padding:.1rem .45rem;border-radius:.8rem;font-weight:600;white-space:nowrap}
.verdict-supported{background:#d8f0dc;color:#1b5e20}.verdict-not-supported{background:#fbdcdc;color:#8e1b1b}
.verdict-mixed{background:#fff0c2;color:#6b4e00}.verdict-cannot-tell-with-this-data{background:#e3ecf7;color:#1d3557}
.verdict-described-only{background:#eceff1;color:#37474f}table.ledger{display:table;width:100%}.lead{font-size:1.05rem}
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2330;background:#f7f8fa}
header{background:#1d3557;color:#fff;padding:1.5rem 2rem}header h1{margin:0 0 .3rem}
header p{margin:.2rem 0;opacity:.9}nav{background:#fff;border-bottom:1px solid #dde;padding:.6rem 2rem}
nav a{margin-right:1.2rem;color:#1d3557;text-decoration:none;font-weight:600}
main{max-width:1150px;margin:0 auto;padding:1rem 2rem 3rem}
section.chapter{background:#fff;border:1px solid #e2e5ea;border-radius:8px;padding:1rem 1.5rem;
margin:1.5rem 0}
table{border-collapse:collapse;margin:.8rem 0 .2rem;font-size:.85rem;max-width:100%}
th,td{border:1px solid #d6dae1;padding:.25rem .5rem;text-align:left;vertical-align:top;
overflow-wrap:break-word}
td{hyphens:auto}td.long{overflow-wrap:anywhere}
.table-files{font-size:.75rem;color:#667;margin:0 0 .8rem}details.more>summary{cursor:pointer;color:#1d3557}
th{background:#eef1f6}figure{margin:1rem 0}figure img{max-width:100%;border:1px solid #e2e5ea}
figcaption{font-size:.85rem;color:#555}
.note{background:#fff8e1;border-left:4px solid #f4b400;padding:.4rem .8rem;margin:.5rem 0;font-size:.9rem}
.sources{font-size:.8rem;color:#555}.sources li{margin:.1rem 0}code{background:#f0f2f5;padding:0 .2rem}
"""


def _load_section(key: str, out_dir: Path) -> Section:
    """Build one chapter; its tables are collected by the shared table renderer and its matplotlib
    figures get SVG twins (see :func:`_vector_twins`)."""
    module = importlib.import_module(SECTIONS[key])
    builder: Callable[[Path], Section] = module.report_section
    with collect_tables(key) as tables, _vector_twins() as svgs:
        section = builder(out_dir)
    for name, frame in tables.items():
        section.tables.setdefault(name, frame)
    for figure in section.figures:
        _write_svg_twin(figure, svgs)
    return section


@contextmanager
def _vector_twins() -> Iterator[dict[str, bytes]]:
    """While a chapter is built, every matplotlib figure saved as PNG is also rendered as SVG in memory,
    keyed by the sha256 of the PNG bytes written, so that the builder can put an SVG next to each PNG the
    chapter lists, whatever temporary name the chapter saved it under. Chapters keep one ``savefig`` call."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure as MplFigure

    svgs: dict[str, bytes] = {}
    original = MplFigure.savefig

    def savefig(self: MplFigure, fname: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(self, fname, *args, **kwargs)
        is_file = isinstance(fname, (str, os.PathLike)) and Path(fname).is_file()
        fmt = kwargs.get("format") or (Path(fname).suffix.lstrip(".") if is_file else "")
        if str(fmt).lower() == "png" and is_file:
            digest = hashlib.sha256(Path(fname).read_bytes()).hexdigest()
            buffer = io.BytesIO()
            svg_kwargs = {
                k: v for k, v in kwargs.items() if k not in ("format", "dpi", "pil_kwargs", "metadata")
            }
            original(self, buffer, *args, format="svg", **svg_kwargs)
            svgs[digest] = buffer.getvalue()
        return result

    MplFigure.savefig = savefig  # type: ignore[method-assign]
    try:
        yield svgs
    finally:
        MplFigure.savefig = original  # type: ignore[method-assign]


def _write_svg_twin(figure: Figure, svgs: dict[str, bytes]) -> None:
    path = Path(figure.path)
    if path.suffix.lower() != ".png" or not path.is_file():
        return
    svg = svgs.get(hashlib.sha256(path.read_bytes()).hexdigest())
    if svg is not None:
        path.with_suffix(".svg").write_bytes(svg)


def _relative_location(location: str, data: Path) -> str:
    """A source location as the reader should see it: a file under the data directory relative to it
    (``data: openness/...``), a file inside the package relative to the package (``valuechain/...``), a URL
    or anything else unchanged. No absolute path of this machine reaches the report."""
    if not location.startswith("/"):
        return location
    path = Path(location)
    for root, label in ((data, "data: "), (PACKAGE_ROOT.parent, "")):
        try:
            return label + path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            continue
    home = Path.home()
    try:
        return "~/" + path.relative_to(home).as_posix()
    except ValueError:
        return path.name


def _without_data_dir(value: Any, data: Path) -> Any:
    """``value`` (JSON-ready) with every string's data-directory prefix dropped: report.json names files
    relative to the data directory, as the page does."""
    if isinstance(value, str):
        for root in sorted(
            {f"{str(data).rstrip('/')}/", f"{str(data.resolve()).rstrip('/')}/"}, key=len, reverse=True
        ):
            value = value.replace(root, "")
        return value
    if isinstance(value, list):
        return [_without_data_dir(v, data) for v in value]
    if isinstance(value, dict):
        return {k: _without_data_dir(v, data) for k, v in value.items()}
    return value


def _export(section: Section, staging: Path) -> list[dict[str, Any]]:
    """Write the chapter's tables (CSV and Parquet) and list every exported file of the chapter."""
    files: list[dict[str, Any]] = []
    tables_dir = staging / "tables"
    for name, frame in section.tables.items():
        tables_dir.mkdir(exist_ok=True)
        stem = tables_dir / f"{section.key}-{name}"
        frame.to_csv(stem.with_suffix(".csv"), index=False)
        frame.to_parquet(stem.with_suffix(".parquet"), index=False)
        for suffix in (".csv", ".parquet"):
            files.append(
                {
                    "kind": "table",
                    "name": name,
                    "format": suffix[1:],
                    "rows": len(frame),
                    "path": stem.with_suffix(suffix).relative_to(staging).as_posix(),
                }
            )
    for figure in section.figures:
        path = staging / figure.path
        for twin in (path.with_suffix(".png"), path.with_suffix(".svg"), path):
            entry = {
                "kind": "figure",
                "name": path.stem,
                "format": twin.suffix[1:],
                "path": twin.relative_to(staging).as_posix(),
            }
            if twin.is_file() and entry not in files:
                files.append(entry)
    return files


#: The report's templates (``report/templates/``), HTML-escaped by default.
TEMPLATES = Environment(loader=PackageLoader("valuechain.report", "templates"), autoescape=True)


def render_html(sections: Sequence[Section], generated: str, timings: dict[str, float]) -> str:
    """The report page (``templates/report.html.j2``): header, navigation, one chapter per section (notes,
    the section's own HTML fragment, figures, sources). Everything but the fragments is escaped."""
    timing = ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
    return TEMPLATES.get_template("report.html.j2").render(
        css=CSS,
        version=__version__,
        generated=generated,
        schema_version=SCHEMA_VERSION,
        sections=sections,
        timing=timing,
    )


def build_report(
    out_dir: str | Path,
    sections: Sequence[str] | None = None,
    on_section: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Build the report into ``out_dir`` (``index.html``, ``report.json``, ``figures/``).

    Returns the machine-readable summary (also written as ``report.json``).
    """
    keys = list(sections or SECTIONS)
    unknown = [k for k in keys if k not in SECTIONS]
    if unknown:
        raise InputError(f"Unknown report section {unknown[0]!r}; choose from {', '.join(SECTIONS)}.")
    target = Path(out_dir).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp makes a private directory; the report is for reading
    try:
        figures_dir = staging / "figures"
        figures_dir.mkdir()
        built: list[Section] = []
        timings: dict[str, float] = {}
        cpu_timings: dict[str, float] = {}  # this process's CPU time: the machine may be shared
        for key in keys:
            if on_section:
                on_section(key)
            start, start_cpu = time.perf_counter(), time.process_time()
            section = _load_section(key, figures_dir)
            for figure in section.figures:  # figures are referenced relative to the report
                path = Path(figure.path).resolve() if Path(figure.path).is_absolute() else None
                if path is not None:
                    figure.path = path.relative_to(staging).as_posix()
            data = data_dir()
            for record in section.sources:
                if isinstance(record.get("location"), str):
                    record["location"] = _relative_location(record["location"], data)
            timings[key] = time.perf_counter() - start
            cpu_timings[key] = time.process_time() - start_cpu
            built.append(section)
        if "appendix" in keys:
            from valuechain.report.appendix import BIBTEX_FILE, bibtex

            (staging / BIBTEX_FILE).write_text(bibtex(), encoding="utf-8")
        exports = {s.key: _export(s, staging) for s in built}
        listed = {entry["path"] for files in exports.values() for entry in files}
        for path in sorted(figures_dir.iterdir()):  # e.g. a chapter's interactive Plotly fragment
            relative = path.relative_to(staging).as_posix()
            if path.is_file() and relative not in listed:
                owner = next((s.key for s in built if path.name.startswith(s.key)), "report")
                exports.setdefault(owner, []).append(
                    {"kind": "figure", "name": path.stem, "format": path.suffix[1:], "path": relative}
                )
        generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        (staging / "index.html").write_text(render_html(built, generated, timings), encoding="utf-8")
        summary = {
            "schema_version": SCHEMA_VERSION,
            "generated": generated,
            "sections": [
                {
                    "key": s.key,
                    "title": s.title,
                    "notes": s.notes,
                    "figures": [asdict(f) for f in s.figures],
                    "data": s.data,
                    "sources": s.sources,
                    "exports": exports[s.key],
                }
                for s in built
            ],
            "sources": [src for s in built for src in s.sources],
            "exports": [entry for key in exports for entry in exports[key]]
            + (
                [{"kind": "bibliography", "name": "references", "format": "bib", "path": "references.bib"}]
                if "appendix" in keys
                else []
            ),
            "timings_seconds": timings,
            "cpu_seconds": cpu_timings,
        }
        summary = _without_data_dir(json.loads(dumps(summary)), data_dir())
        (staging / "report.json").write_text(dumps(summary), encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return json.loads(dumps(summary))
