"""The diffusion chapter of the report, built on the real snapshots."""

from __future__ import annotations

import time
from pathlib import Path

from valuechain.ecosystem.report import report_section


def test_report_section_runs_on_the_snapshots_and_cites_them(tmp_path):
    start = time.perf_counter()
    section = report_section(tmp_path)
    assert time.perf_counter() - start < 60
    assert section.key == "ecosystem"
    assert len(section.figures) == 2
    for figure in section.figures:
        assert Path(figure.path).read_bytes()[:4] == b"\x89PNG"
    assert "meta-llama/Llama-3.1-8B" in section.html and "Qwen/Qwen2.5-7B" in section.html
    locations = " ".join(s["location"] for s in section.sources)
    assert "edges-text-generation-2025-06.csv" in locations and "model-info-2025-04-10.csv" in locations
    lineage = section.data["lineage"]
    assert lineage["cn"] + lineage["us"] < lineage["derivatives"]
    assert sum(lineage["by_origin"].values()) == lineage["derivatives"]
    assert sum(r["derivatives"] for r in section.data["r1_monthly"]) == 224
    assert section.data["r1_families"][0]["root"] == "deepseek-ai/DeepSeek-R1"
    assert any("2025-01-13" in note for note in section.notes)
