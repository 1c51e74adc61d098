"""The report by Jinja2 templates gives the HTML the string-built report gave.

The string-concatenating renderers the templates replaced are kept below as the reference. Their output
and the templates' must be equal after one normalisation: Jinja2's escaping spells a double quote
``&#34;`` and an apostrophe ``&#39;`` where ``html.escape`` wrote ``&quot;`` and ``&#x27;`` (the same
characters). Audit tables were ``DataFrame.to_html`` output and now come from the shared table renderer:
their markup changes by design (no indentation, no ``border``/``style`` attributes), their headers and
cell texts must not — with one fix: for a frame whose columns carry a name (the pivot tables "by region" and
"by country"), ``to_html(index=False)`` printed that name as a phantom first header over an empty ``<th>`` in
every row; the shared renderer prints the real columns only, so the reference gets the frame without the
columns' name. The build time and per-chapter timings are passed in, so they cannot differ.
"""

from __future__ import annotations

import html
import importlib
import math
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from valuechain import SCHEMA_VERSION, __version__
from valuechain.report import build
from valuechain.section import (
    Figure,
    Section,
    _data_roots,
    _relative_to_data,
    cell_words,
    header_words,
    render_table,
)


def canonical(text: str) -> str:
    return text.replace("&#34;", "&quot;").replace("&#39;", "&#x27;")


# ------------------------------------------------------------------ the renderers the templates replaced


def old_sources(sources: list[dict[str, Any]]) -> str:
    if not sources:
        return ""
    items = []
    for src in sources:
        name = html.escape(str(src.get("name", "")))
        location = str(src.get("location", ""))
        loc = html.escape(location)
        link = f'<a href="{loc}">{loc}</a>' if location.startswith("http") else f"<code>{loc}</code>"
        when = f" (retrieved {html.escape(str(src['retrieved']))})" if src.get("retrieved") else ""
        items.append(f"<li>{name}: {link}{when}</li>")
    return '<details class="sources"><summary>Sources</summary><ul>' + "".join(items) + "</ul></details>"


def old_render_html(sections: list[Section], generated: str, timings: dict[str, float]) -> str:
    nav = "".join(f'<a href="#{s.key}">{html.escape(s.title)}</a>' for s in sections)
    chapters = []
    for section in sections:
        notes = "".join(f'<p class="note">{html.escape(n)}</p>' for n in section.notes)
        figures = "".join(
            f'<figure><img src="{html.escape(f.path)}" alt="{html.escape(f.caption)}">'
            f"<figcaption>{html.escape(f.caption)}</figcaption></figure>"
            for f in section.figures
        )
        chapters.append(
            f'<section class="chapter" id="{section.key}"><h2>{html.escape(section.title)}</h2>'
            f"{notes}{section.html}{figures}{old_sources(section.sources)}</section>"
        )
    timing = ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>valuechain report</title><style>{build.CSS}</style></head><body>"
        "<header><h1>The AI value chain: openness, diffusion, policy and regulation</h1>"
        f"<p>valuechain {__version__} &middot; generated {html.escape(generated)} &middot; "
        f"schema {SCHEMA_VERSION}</p><p>Built from the curated tables shipped with valuechain and the "
        "public snapshots listed under each chapter's sources.</p></header>"
        f"<nav>{nav}</nav><main>{''.join(chapters)}"
        f"<p class='sources'>Build time per chapter: {html.escape(timing)}.</p></main></body></html>"
    )


def old_market_table(headers: list[str], rows: list[list[Any]]) -> str:
    from valuechain.market.report import _fmt

    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_fmt(v))}</td>" for v in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def old_ecosystem_table(frame: Any, columns: list[str], headers: list[str]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    rows = []
    for record in frame[columns].itertuples(index=False):
        cells = "".join(
            f"<td>{v:,}</td>"
            if isinstance(v, int) or (hasattr(v, "dtype") and v.dtype.kind in "iu")
            else f"<td>{html.escape(str(v))}</td>"
            for v in record
        )
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def old_policy_table(frame: Any, columns: list[tuple[str, str]], fmt: dict[str, str] | None = None) -> str:
    fmt = fmt or {}
    head = "".join(f"<th>{html.escape(label)}</th>" for _, label in columns)
    body = []
    for _, row in frame.iterrows():
        cells = []
        for key, _ in columns:
            value = row[key]
            text = fmt[key].format(value) if key in fmt and value == value else str(value)
            cells.append(f"<td>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def old_audit_table(frame: Any, columns: list[str] | None = None, max_rows: int = 200) -> str:
    data = frame[columns] if columns else frame
    return data.head(max_rows).to_html(index=False, escape=True, border=0, classes="data", na_rep="")


def fixed_audit_table(frame: Any, columns: list[str] | None = None, max_rows: int = 200) -> str:
    """The reference for the shared renderer: the old table without the phantom columns-name header."""
    return old_audit_table(frame.rename_axis(columns=None), columns, max_rows)


OLD_TABLES = {
    "market": old_market_table,
    "ecosystem": old_ecosystem_table,
    "policy": old_policy_table,
    "audit": fixed_audit_table,
}


class _Cells(HTMLParser):
    """Header and cell texts of every table, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def table_cells(fragment: str) -> list[list[str]]:
    parser = _Cells()
    parser.feed(fragment)
    return parser.rows


def in_words(rows: list[list[str]]) -> list[list[str]]:
    """An old renderer's texts as the shared renderer now words them (headers by ``header_words``, cells by
    ``cell_words``: ``True`` -> ``yes``, ``nan`` -> empty, ``osi_open`` -> ``osi open``); by design since the
    report reads in words (issue 12, item 3)."""
    roots = _data_roots()  # and data-directory paths relative to it
    body = [[_relative_to_data(cell_words(c), roots) for c in row] for row in rows[1:]]
    return [[header_words(c) for c in rows[0]], *body] if rows else []


# --------------------------------------------------------------------------------- fast, tricky inputs

TRICKY = [
    'a "quoted" <b>name</b> & co',
    "l'apostrophe",
    "中文 — ü",
    None,
    1234567,
    0.333333333,
    math.nan,
    True,
]


def test_page_matches_on_escaping_edge_cases():
    sections = [
        Section(
            key="one",
            title='Openness "audit" <&>',
            html="<p>fragment <b>kept</b></p>",
            figures=[Figure(path="figures/a b.png", caption="it's <a> figure & more")],
            sources=[
                {"name": "EOSAI <index>", "location": "https://x.org/?a=1&b='2'", "retrieved": "2025-01"},
                {"name": None, "location": '/data/file"x".csv'},
            ],
            notes=['note with "quotes" & <tags>'],
        ),
        Section(key="two", title="Empty", html=""),
    ]
    timings = {"one": 1.25, "two": 0.04}
    new = build.render_html(sections, "2026-12-07 03:00 UTC", timings)
    assert canonical(new) == old_render_html(sections, "2026-12-07 03:00 UTC", timings)


def test_tables_match_on_escaping_edge_cases():
    rows = [TRICKY, list(reversed(TRICKY))]
    headers = [f"h{i} <&>" for i in range(len(TRICKY))]
    from valuechain.ecosystem.report import _table as ecosystem_table
    from valuechain.market.report import _table as market_table
    from valuechain.policy.report import _table as policy_table

    new = market_table(headers, rows)
    assert table_cells(new) == in_words(table_cells(old_market_table(headers, rows)))
    assert "&lt;b&gt;name&lt;/b&gt; &amp; co" in new and "h0 &lt;&amp;&gt;" in new  # escaped once
    frame = pd.DataFrame({"name": ['a "b" <c>', "d'e"], "count": [1234, 5], "share": [0.5, math.nan]})
    cols = ["name", "count", "share"]
    assert table_cells(ecosystem_table(frame, cols, ["Name", "n", "%"])) == in_words(
        table_cells(old_ecosystem_table(frame, cols, ["Name", "n", "%"]))
    )
    spec = [("name", "Name <x>"), ("share", "Share")]
    assert table_cells(policy_table(frame, spec, {"share": "{:.1%}"})) == in_words(
        table_cells(old_policy_table(frame, spec, {"share": "{:.1%}"}))
    )
    assert render_table([], []) == "<table><thead><tr></tr></thead><tbody></tbody></table>"


def test_audit_tables_keep_headers_and_cell_texts():
    from valuechain.audit.report import _table as audit_table

    frame = pd.DataFrame(
        {
            "name": ['a "b" <c>', None, "x" * 80],
            "score": [1 / 3, 0.75, math.nan],
            "share": [0.5, 0.25, 1.0],
            "n": [1, 2, 3],
            "ok": [True, False, True],
        }
    )
    new = audit_table(frame)
    assert new.startswith('<table class="data"><thead>')
    assert table_cells(new) == in_words(table_cells(old_audit_table(frame)))
    pivot = frame.pivot_table(index="ok", columns="n", values="share", aggfunc="sum").reset_index()
    assert pivot.columns.name == "n"
    assert table_cells(old_audit_table(pivot))[0][0] == "n"  # the phantom header the fix removes
    assert table_cells(audit_table(pivot)) == in_words(table_cells(fixed_audit_table(pivot)))
    assert table_cells(audit_table(frame, ["share", "n"], max_rows=2)) == in_words(
        table_cells(old_audit_table(frame, ["share", "n"], max_rows=2))
    )


# ------------------------------------------------------------------------ the real report, every chapter


@pytest.mark.slow
def test_every_chapter_renders_as_before(tmp_path, monkeypatch, shared_data):
    """Build every chapter once; each table call is rendered by both renderers, then the page by both."""
    pairs: list[tuple[str, str, str]] = []
    for key, old in OLD_TABLES.items():
        module = importlib.import_module(f"valuechain.{key}.report")
        new = module._table

        def both(*args: Any, _key: str = key, _new: Any = new, _old: Any = old, **kwargs: Any) -> str:
            rendered = _new(*args, **kwargs)
            kwargs.pop("name", None)  # the table's export name, which the old renderers did not have
            pairs.append((_key, rendered, _old(*args, **kwargs)))
            return rendered

        monkeypatch.setattr(module, "_table", both)
    figures = tmp_path / "figures"
    figures.mkdir()
    sections = [build._load_section(key, figures) for key in build.SECTIONS]
    assert {key for key, _, _ in pairs} == set(OLD_TABLES), "every domain's tables were rendered"
    for _key, new, old in pairs:
        assert table_cells(new) == in_words(table_cells(old))
    timings = {key: float(i) for i, key in enumerate(build.SECTIONS)}
    page = build.render_html(sections, "2026-12-07 03:00 UTC", timings)
    # canonical on both sides: a chapter's own fragment may already spell entities either way
    assert canonical(page) == canonical(old_render_html(sections, "2026-12-07 03:00 UTC", timings))
    assert Path(figures).is_dir()
