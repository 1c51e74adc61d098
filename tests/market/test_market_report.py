"""The market chapter of the report: figures written, claims table, presets, the reconstruction note."""

from __future__ import annotations

import time
from pathlib import Path

from valuechain.market.report import report_section


def test_report_section(tmp_path):
    start = time.perf_counter()
    section = report_section(tmp_path)
    assert time.perf_counter() - start < 60
    assert section.key == "market"
    for fig in section.figures:
        assert Path(fig.path).is_absolute() and Path(fig.path).parent == tmp_path
        assert Path(fig.path).stat().st_size > 10_000
    assert (tmp_path / "market_map_subsidy.html").exists()
    assert any("reconstruction" in note for note in section.notes)
    assert any("assumption" in note for note in section.notes)
    assert "C7" in section.html and "win-win-win" in section.html and "CN" in section.html
    assert all(c["holds"] for c in section.data["claims"])
    presets = section.data["country_presets"]
    assert presets["CN"]["C"] > presets["US"]["C"]
    assert section.data["numeric_check"]["points"] >= 3
    assert section.data["numeric_check"]["max_relative_error"] < 1e-6
    assert any("arxiv.org/abs/2603.12630" in s["location"] for s in section.sources)
