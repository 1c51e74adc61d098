"""The observatory report, built end to end by the CLI as `make demo` does, and looked at in a browser."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("VALUECHAIN_CHROMIUM", "/usr/bin/chromium")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def report(tmp_path_factory, shared_data):
    import subprocess
    import sys

    # A relative --out, as `make demo` gives it: figure links must still be relative to the report.
    work = tmp_path_factory.mktemp("demo")
    out = work / "build" / "report"
    env = dict(
        os.environ, VALUECHAIN_DATA=str(shared_data), VALUECHAIN_HOME=str(tmp_path_factory.mktemp("home"))
    )
    proc = subprocess.run(
        [sys.executable, "-m", "valuechain", "report", "build", "--out", "build/report", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
        cwd=work,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return out, json.loads(proc.stdout)


def test_report_has_every_chapter_with_sources(report):
    out, summary = report
    assert summary["sections"][0] == "findings"
    assert {"market", "audit", "ecosystem", "policy"} <= set(summary["sections"])
    assert summary["schema_version"] and summary["sources"]
    data = json.loads((out / "report.json").read_text())
    for section in data["sections"]:
        assert section["sources"], f"chapter {section['key']} cites no source"
        if section["key"] not in (
            "findings",
            "appendix",
        ):  # ledger and appendix are tables; others have figures
            assert section["figures"], f"chapter {section['key']} has no figure"
    page = (out / "index.html").read_text()
    for key in summary["sections"]:
        assert f'id="{key}"' in page


def test_the_ledger_opens_the_report_and_links_to_the_evidence(report):
    out, summary = report
    page = (out / "index.html").read_text()
    chapters = [m.start() for m in re.finditer(r'<section class="chapter" id="', page)]
    assert page.index('id="findings"') < min(page.index(f'id="{k}"') for k in summary["sections"][1:])
    assert page.index('id="findings"') <= chapters[0] + len('<section class="chapter" ')
    data = json.loads((out / "report.json").read_text())
    ledger = next(s for s in data["sections"] if s["key"] == "findings")["data"]
    assert [row["id"] for row in ledger["claims"]][:3] == ["A1", "A2", "A3"] and len(ledger["claims"]) == 17
    for row in ledger["claims"]:
        assert row["verdict"] in {
            "supported",
            "not supported",
            "mixed",
            "cannot tell with this data",
            "described only",
        }
        if row["section"] in summary["sections"]:
            assert f'href="#{row["section"]}"' in page


def test_report_says_what_is_reconstruction_and_operationalisation(report):
    out, _ = report
    page = (out / "index.html").read_text().lower()
    assert "reconstruction" in page
    assert "operationalisation" in page


def test_every_figure_file_exists_and_is_an_image(report):
    out, _ = report
    page = (out / "index.html").read_text()
    sources = re.findall(r'<img src="([^"]+)"', page)
    assert len(sources) >= 4
    for src in sources:
        path = out / src
        assert path.is_file(), src
        head = path.read_bytes()[:8]
        assert head == PNG_MAGIC or path.suffix == ".svg", src


def test_report_renders_in_a_browser_with_every_image_loaded(report):
    from playwright.sync_api import sync_playwright

    out, _ = report
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--allow-file-access-from-files",
            ],
        )
        page = browser.new_page()
        page.goto((out / "index.html").as_uri())
        page.wait_for_load_state("load")
        broken = page.evaluate(
            "() => [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"
        )
        count = page.evaluate("() => document.images.length")
        browser.close()
    assert count >= 4 and broken == []


def test_failed_build_keeps_the_previous_report(run_cli, tmp_path):
    out = tmp_path / "rep"
    out.mkdir()
    (out / "index.html").write_text("previous")
    result = run_cli("report", "build", "--out", str(out), "--section", "nonsense")
    assert result.returncode == 2
    assert "nonsense" in result.stderr and "Traceback" not in result.stderr
    assert (out / "index.html").read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["rep"]  # no staging directory left behind


def test_report_json_is_the_same_as_the_cli_summary(report):
    out, summary = report
    data = json.loads((out / "report.json").read_text())
    assert [s["key"] for s in data["sections"]] == summary["sections"]
    assert Path(summary["index"]).name == "index.html"


def test_report_is_readable_by_others(report):
    out, _ = report
    assert out.stat().st_mode & 0o005 == 0o005  # not a private mkdtemp directory
    assert all(
        src.startswith("figures/")
        for src in re.findall(r'<img src="([^"]+)"', (out / "index.html").read_text())
    )


# ------------------------------------------------------------------ reader first: page, words, paths, exports

BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--allow-file-access-from-files",
]
SNAKE_CASE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)+$")
PYTHON_WORDS = {"True", "False", "None", "nan", "NaN", "<NA>", "NaT"}


@pytest.fixture(scope="module")
def rendered(report):
    """The page as Chromium lays it out at 1280 px: the widths of every table and the visible texts."""
    from playwright.sync_api import sync_playwright

    out, _ = report
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto((out / "index.html").as_uri())
        page.wait_for_load_state("load")
        layout = page.evaluate("""() => {
            for (const d of document.querySelectorAll('details')) d.open = true;  // hidden tables count too
            const tables = [...document.querySelectorAll('table')].map(t => {
                const box = t.getBoundingClientRect(), parent = t.parentElement.getBoundingClientRect();
                return {chapter: t.closest('section') ? t.closest('section').id : '', right: box.right,
                        parentRight: parent.right, scroll: t.scrollWidth, client: t.clientWidth,
                        head: [...t.querySelectorAll('th')].map(h => h.innerText.trim())};
            });
            return {pageWidth: document.documentElement.scrollWidth, viewport: window.innerWidth, tables,
                    headers: [...document.querySelectorAll('th')].map(h => h.innerText.trim()),
                    cells: [...document.querySelectorAll('td')].map(c => c.innerText.trim()),
                    text: document.body.innerText};
        }""")
        browser.close()
    return layout


def test_every_chapter_is_in_the_page_and_the_appendix_is_last(report):
    out, summary = report
    page = (out / "index.html").read_text()
    assert summary["sections"][-1] == "appendix"
    positions = [page.index(f'<section class="chapter" id="{key}"') for key in summary["sections"]]
    assert positions == sorted(positions)
    data = json.loads((out / "report.json").read_text())
    for section in data["sections"]:
        for figure in section["figures"]:
            assert f'src="{figure["path"]}"' in page


def test_no_table_is_wider_than_the_page_at_1280_px(rendered):
    assert rendered["viewport"] == 1280
    assert rendered["pageWidth"] <= 1280, "the page scrolls sideways"
    assert len(rendered["tables"]) >= 10
    for table in rendered["tables"]:
        where = f"table {table['head'][:3]} in {table['chapter']}"
        assert table["scroll"] <= table["client"] + 1, f"{where} scrolls sideways"
        assert table["right"] <= table["parentRight"] + 1, f"{where} overflows its chapter"


def test_headers_and_cells_are_words_not_code(rendered):
    snake = [h for h in rendered["headers"] if SNAKE_CASE.match(h)]
    assert snake == [], f"snake_case headers: {snake[:10]}"
    reprs = [c for c in rendered["cells"] + rendered["headers"] if c in PYTHON_WORDS]
    assert reprs == [], f"Python reprs in cells: {sorted(set(reprs))}"
    for pattern in (r"\bnan\b", r"\{'", r"\['", r"\bTrue\b(?!-)", r"\bFalse\b(?!-)"):  # not "False-friend"
        found = re.findall(rf".{{0,40}}{pattern}.{{0,40}}", rendered["text"])
        assert found == [], f"{pattern} in the page: {found[:3]}"


def test_no_absolute_path_of_this_machine(report, shared_data):
    out, _ = report
    absolute = re.compile(r"(?<![\w.:/~-])/(?:work|home|root|tmp|usr|opt|var|srv|mnt|private|Users)/")
    for name in ("index.html", "report.json", "references.bib"):
        text = (out / name).read_text()
        assert str(shared_data) not in text and str(out) not in text, name
        found = [m.group(0) for m in re.finditer(rf".{{0,40}}{absolute.pattern}.{{0,40}}", text)]
        assert found == [], f"{name}: {found[:3]}"


def test_every_export_is_listed_exists_and_reads_back(report):
    import pandas as pd

    out, _ = report
    data = json.loads((out / "report.json").read_text())
    exports = data["exports"]
    assert exports == [e for s in data["sections"] for e in s["exports"]] + [
        e for e in exports if e["kind"] == "bibliography"
    ]
    tables = [e for e in exports if e["kind"] == "table"]
    figures = [e for e in exports if e["kind"] == "figure"]
    assert {e["format"] for e in tables} == {"csv", "parquet"}
    assert {"png", "svg"} <= {e["format"] for e in figures}  # plus interactive HTML where a chapter has it
    for entry in tables:
        path = out / entry["path"]
        frame = pd.read_csv(path) if entry["format"] == "csv" else pd.read_parquet(path)
        assert len(frame) == entry["rows"], entry["path"]
    for entry in figures:
        head = (out / entry["path"]).read_bytes()[:400]
        if entry["format"] in ("png", "svg"):
            assert head.startswith(PNG_MAGIC) if entry["format"] == "png" else b"<svg" in head, entry["path"]
    listed = {e["path"] for e in exports}
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {
        "index.html",
        "report.json",
    }
    assert on_disk == listed, on_disk ^ listed
    page = (out / "index.html").read_text()
    for entry in tables:  # every table links its files
        assert f'href="{entry["path"]}"' in page
    for section in data["sections"]:  # every PNG figure has its SVG twin
        for figure in section["figures"]:
            if figure["path"].endswith(".png"):
                assert figure["path"][:-4] + ".svg" in listed


def test_appendix_cites_every_source_with_date_and_licence_and_links_the_bibtex(report):
    from valuechain.report.appendix import PAPERS, citation_key, is_report_source
    from valuechain.sources.snapshots import registry

    out, _ = report
    page = (out / "index.html").read_text()
    appendix = page[page.index('id="appendix"') :]
    assert 'href="references.bib"' in appendix
    bib = (out / "references.bib").read_text()
    for paper in PAPERS:
        assert f"@misc{{{paper.key}," in bib and paper.arxiv in bib and paper.arxiv in appendix
    snapshots = [e for e in registry().values() if is_report_source(e)]
    assert len(snapshots) >= 20
    for entry in snapshots:
        assert f"@misc{{{citation_key(entry)}," in bib
        assert citation_key(entry) in appendix and entry.licence.replace("'", "&#39;") in appendix
        if entry.source.date:
            assert entry.source.date in appendix
    assert bib.count("{") == bib.count("}")
