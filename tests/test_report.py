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
    env = dict(os.environ, VALUECHAIN_DATA=str(shared_data),
               VALUECHAIN_HOME=str(tmp_path_factory.mktemp("home")))
    proc = subprocess.run([sys.executable, "-m", "valuechain", "report", "build", "--out", "build/report", "--json"],
                          capture_output=True, text=True, env=env, timeout=900, cwd=work)
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
        if section["key"] != "findings":  # the ledger is a table, every other chapter has a figure
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
        assert row["verdict"] in {"supported", "not supported", "mixed", "cannot tell with this data",
                                  "described only"}
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
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--allow-file-access-from-files"])
        page = browser.new_page()
        page.goto((out / "index.html").as_uri())
        page.wait_for_load_state("load")
        broken = page.evaluate("() => [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)")
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
    assert all(src.startswith("figures/") for src in re.findall(r'<img src="([^"]+)"', (out / "index.html").read_text()))
