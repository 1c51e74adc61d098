"""Assemble the observatory report: one HTML page (plus ``report.json``) from the domains' sections.

The page is the Jinja2 template ``report/templates/report.html.j2`` (autoescape on); tables inside the
chapters come from the one table renderer, :func:`valuechain.section.render_table`.

The data flows one way: each domain's ``report_section`` runs its analyses on the embedded default
data and returns a :class:`~valuechain.section.Section`; this module only lays them out.
The report is written to a temporary directory and moved into place at the end, so an interrupted
build leaves the previous report intact.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader

from valuechain import SCHEMA_VERSION, __version__
from valuechain.errors import InputError
from valuechain.output import dumps
from valuechain.section import Section

#: Report chapters in order: key -> module providing ``report_section(out_dir) -> Section``.
SECTIONS: dict[str, str] = {
    "findings": "valuechain.findings.report",
    "market": "valuechain.market.report",
    "audit": "valuechain.audit.report",
    "ecosystem": "valuechain.ecosystem.report",
    "policy": "valuechain.policy.report",
    "engagement": "valuechain.engagement.report",
    "science": "valuechain.science.report",
}

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
section.chapter{background:#fff;border:1px solid #e2e5ea;border-radius:8px;padding:1rem 1.5rem;margin:1.5rem 0}
section.chapter{overflow-x:auto}table{border-collapse:collapse;margin:.8rem 0;font-size:.85rem;display:block;overflow-x:auto;max-width:100%}th,td{border:1px solid #d6dae1;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#eef1f6}figure{margin:1rem 0}figure img{max-width:100%;border:1px solid #e2e5ea}
figcaption{font-size:.85rem;color:#555}.note{background:#fff8e1;border-left:4px solid #f4b400;padding:.4rem .8rem;margin:.5rem 0;font-size:.9rem}
.sources{font-size:.8rem;color:#555}.sources li{margin:.1rem 0}code{background:#f0f2f5;padding:0 .2rem}
"""


def _load_section(key: str, out_dir: Path) -> Section:
    module = importlib.import_module(SECTIONS[key])
    builder: Callable[[Path], Section] = module.report_section
    return builder(out_dir)


#: The report's templates (``report/templates/``), HTML-escaped by default.
TEMPLATES = Environment(loader=PackageLoader("valuechain.report", "templates"), autoescape=True)


def render_html(sections: Sequence[Section], generated: str, timings: dict[str, float]) -> str:
    """The report page (``templates/report.html.j2``): header, navigation, one chapter per section (notes,
    the section's own HTML fragment, figures, sources). Everything but the fragments is escaped."""
    timing = ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
    return TEMPLATES.get_template("report.html.j2").render(
        css=CSS, version=__version__, generated=generated, schema_version=SCHEMA_VERSION, sections=sections,
        timing=timing,
    )


def build_report(out_dir: str | Path, sections: Sequence[str] | None = None,
                 on_section: Callable[[str], None] | None = None) -> dict[str, Any]:
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
        for key in keys:
            if on_section:
                on_section(key)
            start = time.perf_counter()
            section = _load_section(key, figures_dir)
            for figure in section.figures:  # figures are referenced relative to the report
                path = Path(figure.path).resolve() if Path(figure.path).is_absolute() else None
                if path is not None:
                    figure.path = path.relative_to(staging).as_posix()
            timings[key] = time.perf_counter() - start
            built.append(section)
        generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        (staging / "index.html").write_text(render_html(built, generated, timings), encoding="utf-8")
        summary = {
            "schema_version": SCHEMA_VERSION,
            "generated": generated,
            "sections": [
                {"key": s.key, "title": s.title, "notes": s.notes, "figures": [asdict(f) for f in s.figures],
                 "data": s.data, "sources": s.sources}
                for s in built
            ],
            "sources": [src for s in built for src in s.sources],
            "timings_seconds": timings,
        }
        (staging / "report.json").write_text(dumps(summary), encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return json.loads(dumps(summary))
