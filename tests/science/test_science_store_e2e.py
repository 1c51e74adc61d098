"""After a replayed sync (the connectors' replay servers), the store analyses run as a user runs them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "connectors"))
from scholarly_replay import ReplayOpenAlex, ReplayPatentsView, openalex_works, patentsview_records  # noqa: E402

from valuechain.science.matcher import load_matcher  # noqa: E402
from valuechain.sources import openalex as oa  # noqa: E402
from valuechain.store import Store  # noqa: E402

KEY = "pv-ScienceE2EKey-0123456789"


@pytest.fixture(scope="module")
def synced_db(shared_data, tmp_path_factory) -> Path:
    import os
    import subprocess

    db = tmp_path_factory.mktemp("store") / "s.duckdb"
    env = {
        **os.environ,
        "VALUECHAIN_DATA": str(shared_data),
        "OPENALEX_EMAIL": "e2e@example.org",
        "PATENTSVIEW_API_KEY": KEY,
        "VALUECHAIN_HOME": str(db.parent / "home"),
    }
    with ReplayOpenAlex(openalex_works(shared_data, 60), page_size=25) as server:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "valuechain",
                "science",
                "sync",
                "--family",
                "qwen",
                "--endpoint",
                server.endpoint,
                "--db",
                str(db),
                "--json",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stderr
    with ReplayPatentsView(patentsview_records(shared_data, 12, 6), KEY) as server:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "valuechain",
                "patents",
                "sync",
                "--family",
                "qwen",
                "--since",
                "2019",
                "--endpoint",
                server.endpoint,
                "--db",
                str(db),
                "--json",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stderr
    return db


def test_store_usage_counts_matcher_verified_works(run_cli, synced_db: Path) -> None:
    result = run_cli("science", "usage", "--source", "store", "--db", synced_db, "--json")
    assert result.returncode == 0, result.stderr
    payload = result.json()
    assert payload["kind"] == "store" and payload["sources"]
    with Store(synced_db) as store:
        works = oa.load_works(store)
    matcher = load_matcher()
    expected = sum(
        1
        for row in works.itertuples()
        if row.text_verifiable and "qwen" in matcher.families_in(f"{row.title or ''}\n{row.abstract or ''}")
    )
    assert payload["summary"]["status"]["verified"] == expected > 0
    for row in payload["rows"]:
        assert 0 < row["share"] <= 1 and row["papers"] <= row["family_papers"]


def test_compare_and_patent_usage_after_sync(run_cli, synced_db: Path) -> None:
    compare = run_cli("science", "compare", "--db", synced_db, "--json")
    assert compare.returncode == 0, compare.stderr
    (qwen,) = [row for row in compare.json()["rows"] if row["family"] == "qwen"]
    assert qwen["papers"] > 0 and qwen["us_patents"] > 0
    assert qwen["papers_per_patent"] == pytest.approx(qwen["papers"] / qwen["us_patents"])
    patents = run_cli("patents", "usage", "--db", synced_db, "--json")
    assert patents.returncode == 0, patents.stderr
    payload = patents.json()
    assert payload["tables"]["coverage"][0]["family"] == "qwen"
    assert {row["country"] for row in payload["rows"]} >= {"US"}


def test_store_commands_without_a_store_exit_2(run_cli, tmp_path: Path) -> None:
    for args in (["science", "usage", "--source", "store"], ["science", "compare"], ["patents", "usage"]):
        result = run_cli(*args, "--db", tmp_path / "none.duckdb")
        assert result.returncode == 2 and "science sync" in result.stderr or "patents sync" in result.stderr
        assert not (tmp_path / "none.duckdb").exists()
