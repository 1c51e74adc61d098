"""The snapshot registry, ``data status`` / ``data fetch`` (against a local replay server), and the
data-directory rule that every output reports (issue 13 item 5, issue 8 item 6)."""

from __future__ import annotations

import importlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from valuechain.errors import InputError, SourceError
from valuechain.sources import snapshots


class RawReplay:
    """Serves ``/{owner}/{repo}/{commit}/{path}`` like raw.githubusercontent.com, from the local snapshot
    folders of the registry (only at the recorded commit; anything else is a 404). ``tamper`` names files
    whose body is altered."""

    def __init__(self, data: Path, tamper: tuple[str, ...] = ()):
        self.data, self.tamper = data, tamper
        self.requests: list[str] = []
        routes: dict[str, Path] = {}
        for entry in snapshots.registry().values():
            if entry.fetchable:
                for file in entry.files:
                    routes[f"/{entry.source.repository}/{entry.source.commit}/{file.path}"] = (
                        data / entry.path / file.path
                    )
        self.routes = routes

    def __enter__(self) -> RawReplay:
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                path = unquote(self.path)
                replay.requests.append(path)
                file = replay.routes.get(path)
                if file is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                body = file.read_bytes()
                if any(path.endswith(t) for t in replay.tamper):
                    body = body + b"\n# tampered"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


def test_registry_matches_the_shared_data(shared_data):
    states = snapshots.status(shared_data, verify=True)
    assert len(states) >= 30
    bad = [(s.name, s.state, s.modified[:3]) for s in states if s.state != "present"]
    assert not bad, bad


def test_registry_entries_name_source_licence_and_a_real_reader():
    for name, entry in snapshots.registry().items():
        assert entry.licence and entry.files and entry.path, name
        if entry.source.kind == "github":
            assert entry.source.repository and entry.source.commit, name
        if entry.reader:
            module, _, attribute = entry.reader.partition(":")
            assert callable(getattr(importlib.import_module(module), attribute)), (name, entry.reader)


def test_fetch_downloads_pinned_files_and_verifies_each_sha256(shared_data, tmp_path):
    with RawReplay(shared_data) as server:
        result = snapshots.fetch("hf-lineage", tmp_path / "data", base_url=server.url)
        again = snapshots.fetch("hf-lineage", tmp_path / "data", base_url=server.url)
    entry = snapshots.snapshot("hf-lineage")
    assert (
        result.downloaded == len(entry.files)
        and again.downloaded == 0
        and again.already_present == len(entry.files)
    )
    assert all(f"/{entry.source.commit}/" in r for r in server.requests)
    assert snapshots.snapshot_status("hf-lineage", tmp_path / "data", verify=True).state == "present"


def test_a_file_with_the_wrong_sha256_keeps_nothing(shared_data, tmp_path):
    with RawReplay(shared_data, tamper=("SOURCE-README.md",)) as server:
        with pytest.raises(SourceError, match="does not match its recorded sha256"):
            snapshots.fetch("hf-lineage", tmp_path / "data", base_url=server.url)
    leftovers = [p for p in (tmp_path / "data").rglob("*") if p.is_file()]
    assert leftovers == []


def test_fetch_cli_against_the_replay_server(run_cli, shared_data, tmp_path):
    home = tmp_path / "vhome"
    with RawReplay(shared_data) as server:
        result = run_cli(
            "data",
            "fetch",
            "hf-lineage",
            "--json",
            env={"VALUECHAIN_HOME": str(home), "VALUECHAIN_SNAPSHOT_URL": server.url},
        )
    assert result.returncode == 0, result.stderr
    doc = result.json()
    assert doc["fetched"][0]["downloaded"] == 2 and doc["fetched"][0]["sha256_checked"] is True
    status = run_cli("data", "status", "--json", env={"VALUECHAIN_HOME": str(home), "VALUECHAIN_DATA": ""})
    by_name = {s["name"]: s for s in status.json()["snapshots"]}
    assert status.json()["chosen_by"] == "VALUECHAIN_HOME/data"
    assert by_name["hf-lineage"]["state"] == "present" and by_name["mot"]["state"] == "missing"


def test_non_repository_snapshots_cannot_be_fetched():
    with pytest.raises(InputError, match="cannot be fetched"):
        snapshots.fetch("spdx", Path("/nonexistent"), dry_run=True)


def test_audit_model_reports_missing_snapshots_and_claims_no_verification(run_cli, tmp_path):
    """Issue 13 item 5: without the snapshots the JSON says which are missing, does not list them as sources
    and says the verified marks were not re-checked; with them, the same answer from any directory."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    missing = run_cli(
        "audit",
        "model",
        "Llama 3.1 405B",
        "--json",
        cwd=elsewhere,
        env={"VALUECHAIN_DATA": str(tmp_path / "no-data")},
    )
    assert missing.returncode == 0, missing.stderr
    doc = missing.json()
    assert doc["snapshots"]["used"] == [] and "eosai" in doc["snapshots"]["missing"]
    assert doc["verification"]["cited_snapshots_read_in_this_run"] is False
    assert not any(str(s["location"]).startswith("eosai:") for s in doc["sources"])
    assert "Snapshots missing" in missing.stderr
    with_data = [
        run_cli("audit", "model", "Llama 3.1 405B", "--json", cwd=cwd) for cwd in (elsewhere, tmp_path)
    ]
    first, second = (r.json() for r in with_data)
    assert first["snapshots"]["used"] and first["snapshots"]["missing"] == []
    assert first["verification"]["cited_snapshots_read_in_this_run"] is True
    assert first["scores"] == second["scores"]


def test_audit_catalog_json_says_which_snapshots_were_used_and_missing(run_cli, tmp_path):
    missing = run_cli("audit", "catalog", "--json", env={"VALUECHAIN_DATA": str(tmp_path / "no-data")})
    assert missing.returncode == 0, missing.stderr
    doc = missing.json()
    assert doc["snapshots"]["used"] == [] and {"eosai", "mot"} <= set(doc["snapshots"]["missing"])
    assert "Reference snapshots not found" in missing.stderr
    assert not any("reference snapshots cited" in s["name"] for s in doc["sources"])
