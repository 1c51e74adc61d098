"""The audit chapter of the report (report_section contract)."""

from __future__ import annotations

from valuechain.audit.report import report_section


def test_report_section(tmp_path, shared_data):
    section = report_section(tmp_path)
    assert section.key == "audit"
    for fig in section.figures:  # absolute paths inside out_dir: the report builder makes them relative
        path = tmp_path / fig.path
        assert path.parent == tmp_path and path.read_bytes()[:4] == b"\x89PNG"
    assert "operationalisation" in section.html and "2509.10220" in section.html
    assert "unverified facts" in section.html and "European Open Source AI Index" in section.html
    assert "Unresolved dependency names" in section.html
    assert "On licenses, of the" in section.html  # the Index's own inconsistency, computed from the cells
    assert any("operationalisation" in n for n in section.notes)
    assert section.sources and all("location" in s for s in section.sources)
    assert section.data["releases"] >= 60 and 0.5 < section.data["eosai_agreement"] < 1
    assert section.data["downstream_links"] > 1000


def test_gradient_figure_spreads_labels_over_lanes(tmp_path):
    import pandas as pd

    from valuechain.audit.figures import _label_lanes, gradient_figure

    frame = pd.DataFrame(
        {
            "name": ["A model", "B model", "C model", "D"],
            "country": ["US", "CN", "FR", "US"],
            "release_date": ["2024-01-01", "2024-01-02", "2024-01-03", "2026-01-01"],
            "governance_level": [4, 4, 4, 4],
        }
    )
    data = frame.assign(date=pd.to_datetime(frame["release_date"]))
    lanes = _label_lanes(data)
    assert (
        len(set(lanes[:3])) == 3 and lanes.iloc[3] == 0
    )  # crowded labels get their own lanes; later ones reuse
    path = gradient_figure(frame, tmp_path / "g.svg")
    svg = path.read_text(encoding="utf-8")
    assert "US United States (2)" in svg and "CN China (1)" in svg  # legend names each country and its count
