"""`valuechain science sync` and `valuechain patents sync` end to end, in subprocesses, against replay
servers."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from scholarly_replay import ReplayOpenAlex, ReplayPatentsView, openalex_works, patentsview_records

from valuechain.sources import openalex as oa
from valuechain.sources import patentsview as pv
from valuechain.store import Store

EMAIL = "cli.polite@example.org"
KEY = "pv-CliSecretKey-9876543210"


@pytest.fixture(scope="module")
def works(shared_data):
    return openalex_works(shared_data, 160)


def qwen_ids(works):
    out = set()
    for work in works:
        words = sorted((p, w) for w, ps in work["abstract_inverted_index"].items() for p in ps)
        if "qwen" in f"{work['title']} {' '.join(w for _, w in words)}".lower():
            out.add(work["id"].rsplit("/", 1)[1])
    return out


def test_science_sync_prints_one_json_object_and_fills_the_store(run_cli, works, tmp_path):
    db = tmp_path / "s.duckdb"
    with ReplayOpenAlex(works, page_size=40, faults={1: ["500"]}) as server:
        result = run_cli(
            "science",
            "sync",
            "--family",
            "Qwen",
            "--since",
            "2023",
            "--endpoint",
            server.endpoint,
            "--db",
            db,
            "--json",
            env={"OPENALEX_EMAIL": EMAIL},
        )
        froms = {r["headers"].get("From") for r in server.requests}
    assert result.returncode == 0, result.stderr
    payload = result.json()
    assert payload["schema_version"] and payload["sources"][0]["location"] == f"{server.endpoint}/works"
    assert payload["family"] == "qwen" and "qwen2.5" in payload["terms"]
    (search,) = payload["searches"]
    assert search["search_field"] == "title_and_abstract" and search["done"] and search["http_retries"] == 1
    expected = {
        w
        for w in qwen_ids(works)
        if next(x for x in works if x["id"].endswith(w))["publication_year"] >= 2023
    }
    assert search["openalex_count"] == search["works_written"] == payload["works_in_store"] == len(expected)
    assert froms == {EMAIL} and EMAIL not in result.stdout + result.stderr
    with Store(db) as store:
        assert set(oa.load_works(store)["work_id"]) == expected


def test_science_sync_table_and_help(run_cli, works, tmp_path):
    with ReplayOpenAlex(works, page_size=100) as server:
        result = run_cli(
            "science",
            "sync",
            "--family",
            "qwen",
            "--limit",
            "30",
            "--endpoint",
            server.endpoint,
            "--db",
            tmp_path / "t.duckdb",
        )
    assert result.returncode == 0, result.stderr
    assert "OpenAlex works mentioning qwen" in result.stdout and "title_and_abstract" in result.stdout
    for group in ("science", "patents"):
        helped = run_cli(group, "sync", "--help")
        assert helped.returncode == 0 and "--family" in helped.stdout and "--db" in helped.stdout


def test_a_killed_science_sync_process_resumes_with_every_work_once(works, tmp_path, shared_data):
    db = tmp_path / "k.duckdb"
    env = {**os.environ, "VALUECHAIN_DATA": str(shared_data), "VALUECHAIN_HOME": str(tmp_path / "home")}
    command = [
        sys.executable,
        "-m",
        "valuechain",
        "science",
        "sync",
        "--family",
        "qwen",
        "--db",
        str(db),
        "--json",
    ]
    with ReplayOpenAlex(works, page_size=20, faults={2: ["kill"]}) as server:
        proc = subprocess.Popen(
            [*command, "--endpoint", server.endpoint], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        assert server.blocked.wait(timeout=120), "the sync never reached page 3"
        proc.kill()
        proc.communicate(timeout=60)
        with Store(db) as store:
            assert len(oa.load_works(store)) == 40 and not oa.load_openalex_coverage(store)["done"].iloc[0]
        again = subprocess.run(
            [*command, "--endpoint", server.endpoint], env=env, capture_output=True, text=True, timeout=300
        )
    assert again.returncode == 0, again.stderr
    search = json.loads(again.stdout)["searches"][0]
    assert search["resumed"] and search["resumed_after_pages"] == 2
    with Store(db) as store:
        stored = store.query("SELECT work_id FROM openalex_works")["work_id"].tolist()
    assert sorted(stored) == sorted(qwen_ids(works)) and len(stored) == len(set(stored))


def test_patents_sync_reports_every_search_with_its_coverage(run_cli, shared_data, tmp_path):
    records = patentsview_records(shared_data, 24, 12)
    db = tmp_path / "p.duckdb"
    with ReplayPatentsView(records, KEY) as server:
        result = run_cli(
            "patents",
            "sync",
            "--family",
            "qwen",
            "--since",
            "2019",
            "--endpoint",
            server.endpoint,
            "--db",
            db,
            "--json",
            env={"PATENTSVIEW_API_KEY": KEY},
        )
    assert result.returncode == 0, result.stderr
    assert KEY not in result.stdout + result.stderr
    payload = result.json()
    assert payload["schema_version"] and payload["sources"][0]["api_version"] == pv.API_VERSION
    searches = {(s["kind"], tuple(s["fields_searched"])): s for s in payload["searches"]}
    assert set(searches) == {
        ("granted", ("patent_title", "patent_abstract")),
        ("granted", ("claim_text",)),
        ("pre-grant", ("publication_title", "publication_abstract")),
        ("pre-grant", ("claim_text",)),
    }
    assert all(s["done"] and str(s["date_from"]).startswith("2019-01-01") for s in searches.values())
    with Store(db) as store:
        loaded = pv.load_patents(store)
    assert payload["documents_in_store"] == {
        k: int((loaded["kind"] == k).sum()) for k in ("granted", "pre-grant")
    }
    assert payload["documents_in_store"]["granted"] > 0 and payload["documents_in_store"]["pre-grant"] > 0


@pytest.mark.parametrize(
    ("args", "env", "needle"),
    [
        (("patents", "sync", "--family", "qwen"), {"PATENTSVIEW_API_KEY": ""}, "PATENTSVIEW_API_KEY"),
        (("science", "sync", "--family", "notafamily"), {}, "Unknown model family 'notafamily'"),
        (("patents", "sync", "--family", "alpaca-7"), {"PATENTSVIEW_API_KEY": KEY}, "Unknown model family"),
        (("science", "sync", "--family", "qwen", "--since", "23"), {}, "--since 23"),
        (("science", "sync", "--family", "qwen", "--limit", "0"), {}, "--limit"),
        (
            ("patents", "sync", "--family", "qwen", "--since", "1900"),
            {"PATENTSVIEW_API_KEY": KEY},
            "--since 1900",
        ),
        (("science", "sync", "--family", "qwen", "--endpoint", "nonsense"), {}, "endpoint"),
        (("science", "sync", "--family", "qwen", "--dict", "missing.yaml"), {}, "missing.yaml"),
    ],
)
def test_bad_input_is_one_sentence_exit_2_and_no_store(run_cli, tmp_path, args, env, needle):
    db = tmp_path / "never.duckdb"
    result = run_cli(*args, "--db", db, env=env)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and needle in lines[0] and "Traceback" not in result.stderr
    assert not db.exists()


def test_a_malformed_api_body_is_exit_2_with_nothing_written(run_cli, works, shared_data, tmp_path):
    db = tmp_path / "m.duckdb"
    with ReplayOpenAlex(works, page_size=40, faults={0: ["malformed"]}) as server:
        result = run_cli("science", "sync", "--family", "qwen", "--endpoint", server.endpoint, "--db", db)
    assert result.returncode == 2 and "works list" in result.stderr and "Traceback" not in result.stderr
    with Store(db) as store:
        assert oa.load_works(store).empty and oa.load_openalex_coverage(store).empty
    records = patentsview_records(shared_data, 10, 0)
    with ReplayPatentsView(records, KEY, faults={0: ["malformed"]}) as server:
        result = run_cli(
            "patents",
            "sync",
            "--family",
            "qwen",
            "--endpoint",
            server.endpoint,
            "--db",
            db,
            env={"PATENTSVIEW_API_KEY": KEY},
        )
    assert result.returncode == 2 and "PatentsView answered" in result.stderr and KEY not in result.stderr
    with Store(db) as store:
        assert pv.load_patent_coverage(store).empty and pv.load_patents(store).empty
