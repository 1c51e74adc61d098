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
    assert any("operationalisation" in n for n in section.notes)
    assert section.sources and all("location" in s for s in section.sources)
    assert section.data["releases"] >= 60 and 0.5 < section.data["eosai_agreement"] < 1
    assert section.data["downstream_links"] > 1000
