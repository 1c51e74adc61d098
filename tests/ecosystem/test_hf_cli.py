"""`valuechain hf sync | import | status` end to end, in subprocesses, against the replay server."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import duckdb
import pytest
from hf_replay import ReplayHub, deepseek_dumps, fixture_records, modelinfo_dump_to_api

TOKEN = "hf_CliSecretToken9876543210"


@pytest.fixture(scope="module")
def records(shared_data):
    return fixture_records(shared_data) + [modelinfo_dump_to_api(d) for d in deepseek_dumps(shared_data)]


def count(db, sql="SELECT count(*), count(DISTINCT id) FROM hf_models"):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchone()
    finally:
        con.close()


def test_sync_through_faults_prints_counts_and_never_the_token(run_cli, records, tmp_path):
    db = tmp_path / "hub.duckdb"
    faults = {0: ["429"], 1: ["500"], 2: ["drop"], 3: ["truncate"]}
    with ReplayHub(records, page_size=100, faults=faults, retry_after="1") as hub:
        result = run_cli(
            "hf", "sync", "--db", db, "--json", env={"HF_ENDPOINT": hub.endpoint, "HF_TOKEN": TOKEN}
        )
        auth = {r["headers"].get("Authorization") for r in hub.requests}
    assert result.returncode == 0, result.stderr
    payload = result.json()
    assert payload["models"] == 260 and payload["pages"] == 3 and payload["http_retries"] == 3
    assert payload["lineage_edges"] > 225 and payload["sources"][0]["location"].endswith("/api/models")
    assert TOKEN not in result.stdout + result.stderr and auth == {f"Bearer {TOKEN}"}
    assert count(db) == (260, 260)
    status = run_cli("hf", "status", "--db", db, "--json")
    assert status.returncode == 0 and status.json()["snapshots"][0]["models"] == 260


def test_a_killed_sync_process_resumes_with_every_row_once(records, tmp_path, shared_data):
    db = tmp_path / "hub.duckdb"
    env = {**os.environ, "VALUECHAIN_HOME": str(tmp_path / "home"), "VALUECHAIN_DATA": str(shared_data)}
    with ReplayHub(records, page_size=30, faults={4: ["hang"]}) as hub:
        env["HF_ENDPOINT"] = hub.endpoint
        proc = subprocess.Popen(
            [sys.executable, "-m", "valuechain", "hf", "sync", "--db", str(db), "--json"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while 4 not in hub.requested_pages() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert 4 in hub.requested_pages()
        proc.kill()  # SIGKILL while page 4 is in flight: no cleanup code runs
        proc.wait(timeout=30)
        hub.release()
        assert count(db) == (120, 120)  # pages 0-3 committed
        status = subprocess.run(
            [sys.executable, "-m", "valuechain", "hf", "status", "--db", str(db)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert status.returncode == 0 and "1 unfinished sync" in status.stdout
        again = subprocess.run(
            [sys.executable, "-m", "valuechain", "hf", "sync", "--db", str(db), "--json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert again.returncode == 0, again.stderr
    payload = __import__("json").loads(again.stdout)
    assert payload["resumed"] and payload["resumed_after_pages"] == 4 and payload["models"] == 140
    assert count(db) == (260, 260)
    assert count(db, "SELECT count(DISTINCT fetched_at) FROM hf_models") == (1,)


def test_import_then_bad_inputs_exit_2_and_leave_the_store_as_it_was(run_cli, shared_data, tmp_path):
    db = tmp_path / "imp.duckdb"
    csv_path = shared_data / "ecosystem" / "hf-deepseek-r1-tree" / "model-info-2025-04-10.csv"
    ok = run_cli("hf", "import", csv_path, "--db", db, "--json")
    assert ok.returncode == 0, ok.stderr
    assert ok.json()["models"] == 225 and ok.json()["sources"][0]["retrieved"].startswith("2025-04-10")
    human = run_cli("hf", "import", shared_data / "fixtures" / "hf_model_info" / "gpt2.json", "--db", db)
    assert human.returncode == 0 and "models written" in human.stdout
    odd = tmp_path / "odd.jsonl"
    odd.write_text('{"id": "ok/model"}\n{"id": "bad id/<script>"}\n')
    malformed = tmp_path / "broken.jsonl"
    malformed.write_text('{"id": "ok/model"}\n{"id": \n')
    edges = shared_data / "ecosystem" / "hf-lineage" / "edges-text-generation-2025-06.csv"
    for args in (
        ["hf", "import", odd],
        ["hf", "import", malformed],
        ["hf", "import", edges],
        ["hf", "import", csv_path, "--fetched-at", "soon"],
    ):
        result = run_cli(*args, "--db", db)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
        assert "Traceback" not in result.stderr
    assert count(db) == (226, 226)


def test_empty_store_and_bad_options_exit_2(run_cli, tmp_path):
    empty = run_cli("hf", "status", "--db", tmp_path / "none.duckdb")
    assert empty.returncode == 2 and "does not exist" in empty.stderr
    assert not (tmp_path / "none.duckdb").exists()
    duckdb.connect(str(tmp_path / "other.duckdb")).close()  # a store without Hugging Face tables
    fresh = run_cli("hf", "status", "--db", tmp_path / "other.duckdb")
    assert fresh.returncode == 0 and "(0)" in fresh.stdout  # issue 13 item 9: zero snapshots, not an error
    bad = run_cli(
        "hf",
        "sync",
        "--author",
        "x y;rm",
        "--db",
        tmp_path / "s.duckdb",
        env={"HF_ENDPOINT": "http://127.0.0.1:9"},
    )
    assert bad.returncode == 2 and "author" in bad.stderr
    endpoint = run_cli("hf", "sync", "--endpoint", "garbage", "--db", tmp_path / "s.duckdb")
    assert endpoint.returncode == 2 and "not an http(s) URL" in endpoint.stderr
    zero = run_cli(
        "hf", "sync", "--limit", "0", "--db", tmp_path / "s.duckdb", env={"HF_ENDPOINT": "http://127.0.0.1:9"}
    )
    assert zero.returncode == 2 and "--limit" in zero.stderr


def test_model_fetches_one_model_info_into_the_store(run_cli, records, tmp_path):
    db = tmp_path / "one.duckdb"
    with ReplayHub(records, faults={}) as hub:
        env = {"HF_ENDPOINT": hub.endpoint, "HF_TOKEN": TOKEN}
        result = run_cli("hf", "model", "HuggingFaceH4/zephyr-7b-beta", "--db", db, "--json", env=env)
        missing = run_cli("hf", "model", "nobody/nothing", "--db", db, env=env)
        odd = run_cli("hf", "model", "bad id/../x", "--db", db, env=env)
    assert result.returncode == 0, result.stderr
    payload = result.json()
    assert payload["id"] == "HuggingFaceH4/zephyr-7b-beta" and payload["likes"] == 1355
    assert payload["parents"] == [
        {"parent": "mistralai/Mistral-7B-v0.1", "relation": "finetune", "origin": "tag"}
    ]
    assert payload["sources"][0]["location"].endswith("/api/models/HuggingFaceH4/zephyr-7b-beta")
    assert TOKEN not in result.stdout + result.stderr + missing.stderr
    assert missing.returncode == 2 and "HTTP 404" in missing.stderr
    assert odd.returncode == 2 and "not a valid Hugging Face repo id" in odd.stderr
    assert count(db) == (1, 1)
