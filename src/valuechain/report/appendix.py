"""The report's last chapter: methods and provenance.

Every reference snapshot the toolkit reads, with its origin (repository and commit), date, licence and
a citation key, the three papers the toolkit implements, and ``references.bib`` (written next to the page
by :func:`valuechain.report.build.build_report`) with one BibTeX entry per paper and per source. The
snapshot facts come from the snapshot registry (:mod:`valuechain.sources.snapshots`), their one home.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from valuechain.output import source
from valuechain.section import Section, render_table
from valuechain.sources.snapshots import REGISTRY_PATH, Snapshot, registry, snapshot_status

#: The file the report builder writes next to ``index.html``.
BIBTEX_FILE = "references.bib"


@dataclass(frozen=True)
class Paper:
    key: str
    authors: tuple[str, ...]
    title: str
    year: int
    arxiv: str
    chapters: str


#: The three papers the toolkit implements (see MISSION.md); arXiv identifiers as the papers give them.
PAPERS: tuple[Paper, ...] = (
    Paper(
        "jin2026policies",
        ("Jin", "Kunievsky", "Lou", "Sun", "Evans"),
        "U.S. Policies Unintentionally Accelerated China's Open AI Ecosystems",
        2026,
        "2606.15999",
        "ecosystem, policy, engagement, science",
    ),
    Paper(
        "foster2025openness",
        ("Foster",),
        "Openness in AI and downstream governance: a global value chain approach",
        2025,
        "2509.10220",
        "audit",
    ),
    Paper(
        "qian2026economics",
        ("Qian", "Mehra", "Liu"),
        "The Economics of AI Supply Chain Regulation",
        2026,
        "2603.12630",
        "market",
    ),
)


def is_report_source(entry: Snapshot) -> bool:
    """Snapshots of public data; the recorded API responses under ``fixtures/`` serve the tests only."""
    return not entry.path.startswith("fixtures")


def citation_key(entry: Snapshot) -> str:
    """A BibTeX key from the snapshot's registry name (``eosai-v1.0.1`` -> ``snapshot-eosai-v1.0.1``)."""
    return "snapshot-" + re.sub(r"[^a-z0-9.]+", "-", entry.name.lower()).strip("-")


def _origin_url(entry: Snapshot) -> str:
    if entry.source.kind == "github" and entry.source.repository:
        commit = f"/tree/{entry.source.commit}" if entry.source.commit else ""
        return f"https://github.com/{entry.source.repository}{commit}"
    return ""


def _bib_escape(text: str) -> str:
    return re.sub(r"([&%$#_{}])", r"\\\1", text)


def bibtex() -> str:
    """One ``@misc`` entry per paper (arXiv) and per snapshot (repository, commit, date, licence)."""
    entries = []
    for paper in PAPERS:
        entries.append(
            f"@misc{{{paper.key},\n  author = {{{' and '.join(paper.authors)}}},\n"
            f"  title = {{{{{_bib_escape(paper.title)}}}}},\n  year = {{{paper.year}}},\n"
            f"  eprint = {{{paper.arxiv}}},\n  archivePrefix = {{arXiv}},\n"
            f"  url = {{https://arxiv.org/abs/{paper.arxiv}}}\n}}\n"
        )
    for entry in registry().values():
        if not is_report_source(entry):
            continue
        fields = [f"  title = {{{{{_bib_escape(entry.title)}}}}}"]
        if entry.source.repository:
            fields.append(f"  author = {{{{{_bib_escape(entry.source.repository.split('/')[0])}}}}}")
        year = entry.source.date[:4]
        if year.isdigit():
            fields.append(f"  year = {{{year}}}")
        if _origin_url(entry):
            fields.append(f"  url = {{{_origin_url(entry)}}}")
        note = [f"snapshot {entry.origin()}"]
        if entry.source.date:
            note.append(f"dated {entry.source.date}")
        note.append(f"licence: {entry.licence}")
        fields.append(f"  note = {{{_bib_escape('; '.join(note))}}}")
        entries.append(f"@misc{{{citation_key(entry)},\n" + ",\n".join(fields) + "\n}\n")
    return "\n".join(entries)


def report_section(out_dir: Path) -> Section:
    """The methods-and-provenance chapter (writes no figure; ``references.bib`` is the builder's)."""
    snapshots = [e for e in registry().values() if is_report_source(e)]
    rows = []
    for entry in snapshots:
        state = snapshot_status(entry.name).state
        origin = entry.origin().replace("@", " @ ")  # a place to break the line
        rows.append(
            [
                entry.title,
                f"{entry.path}/",
                origin,
                entry.source.date,
                entry.licence,
                citation_key(entry),
                state,
            ]
        )
    papers = [[", ".join(p.authors), p.title, p.year, f"arXiv {p.arxiv}", p.chapters, p.key] for p in PAPERS]
    parts = [
        "<h3>Methods</h3>",
        "<p>Every number in this report is computed when the report is built, from the curated tables "
        "shipped "
        "with valuechain and the public snapshots listed below (folders are relative to the data directory; "
        "the registry pins each to a repository commit and the sha256 of every file, so "
        "<code>valuechain data status --verify</code> says whether the data on this machine are the ones "
        "cited). Where a model, a mapping or a threshold is ours rather than the paper's, the chapter says "
        "so "
        "in a note at its top. Every table of the report can be downloaded as CSV and Parquet (link under "
        "the "
        "table) and every figure as PNG and SVG; <code>report.json</code> lists them all.</p>",
        "<h3>Papers</h3>",
        render_table(
            ["authors", "title", "year", "identifier", "chapters", "BibTeX key"], papers, name="papers"
        ),
        f"<h3>Data sources ({len(snapshots)} snapshots)</h3>",
        render_table(
            [
                "source",
                "folder",
                "origin (repository@commit)",
                "date",
                "licence",
                "BibTeX key",
                "on this machine",
            ],
            rows,
            name="sources",
        ),
        f'<p>Citations: <a href="{BIBTEX_FILE}">{BIBTEX_FILE}</a> (BibTeX, one entry per paper and per data '
        "source). Licences are as the upstream repositories state them.</p>",
    ]
    return Section(
        key="appendix",
        title="Methods and provenance",
        html="\n".join(parts),
        sources=[
            source(
                "valuechain snapshot registry",
                f"valuechain/sources/data/{REGISTRY_PATH.name}",
                None,
                snapshots=len(snapshots),
            )
        ],
        data={"papers": [p.key for p in PAPERS], "snapshots": len(snapshots), "bibtex": BIBTEX_FILE},
    )
