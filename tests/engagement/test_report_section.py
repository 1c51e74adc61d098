"""The report chapter: the real Innovation Graph study and the labelled generated demonstration."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_engagement_section_labels_generated_data_and_shows_the_bias(tmp_path):
    from valuechain.engagement.report import report_section

    section = report_section(tmp_path)
    assert section.key == "engagement" and section.sources
    assert "GENERATED" in section.html and "not from GitHub" in section.html
    assert any("generated data" in note for note in section.notes)
    assert any("only 24 repositories" in note for note in section.notes)
    for figure in section.figures:
        assert (tmp_path / figure.path.split("/")[-1]).stat().st_size > 1000
    demo = section.data["demonstration"]
    assert demo["generated"] is True
    biased = demo["europe-india"]
    assert abs(biased["utc-hour"]["bias"]) > abs(biased["location"]["bias"])
    ig = section.data["innovation_graph"]["developers"]
    assert ig["ci_low"] is not None and ig["ci_low"] <= ig["estimate"] <= ig["ci_high"]
