"""The report section: matching quality and CSET tables always; store tables only after a sync."""

from __future__ import annotations

from pathlib import Path

import pytest

from valuechain.science.report import report_section


def test_section_without_a_store_says_which_command_fills_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VALUECHAIN_HOME", str(tmp_path / "home"))
    section = report_section(tmp_path)
    assert section.key == "science"
    assert "Matching quality" in section.html and "CSET" in section.html
    assert "valuechain science sync --family" in section.html
    assert "valuechain patents sync --family" in section.html
    assert "papers per patent" not in section.html  # no store numbers without a sync
    assert Path(section.figures[0].path).stat().st_size > 1000
    assert section.data["validation"]["cset_sheets_at_target"] == 11
    assert not (tmp_path / "home" / "valuechain.duckdb").exists()  # the report created no store
