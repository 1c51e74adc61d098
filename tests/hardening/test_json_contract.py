"""Issue 13 item 3: every command with ``--json`` prints ONE object with ``schema_version`` and ``sources``.

The commands are enumerated from the Typer app, so a command added later is covered automatically: it
must have an entry in ``SAMPLE_ARGUMENTS`` (the test fails loudly if it has ``--json`` and no entry).
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any

import pytest

from valuechain import SCHEMA_VERSION

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ecosystem"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "connectors"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engagement"))
from github_replay import ReplayGitHub, fixture_users  # noqa: E402
from hf_replay import ReplayHub, fixture_records  # noqa: E402
from scholarly_replay import ReplayOpenAlex, ReplayPatentsView, openalex_works, patentsview_records  # noqa: E402

R1_INFO = "ecosystem/hf-deepseek-r1-tree/model-info-2025-04-10.csv"
EDGES = "ecosystem/hf-lineage/edges-text-generation-2025-06.csv"

GH_HOUR = "fixtures/gharchive/2015-01-01-12.head300.json.gz"
PV_KEY = "pv-ContractKey-0123456789"

#: Sample arguments per command path. Placeholders: {data} (the snapshots), {tmp} (a scratch directory),
#: {db} (a store holding the DeepSeek-R1 tree), {gh_db} (a store with one GH Archive hour), {sch_db} (a
#: store filled by `science sync` and `patents sync`), {hub} / {openalex} / {patentsview} / {github} (replay
#: servers).
#: A command that cannot produce a result on the shared test data goes in NO_SAMPLE with the reason.
SAMPLE_ARGUMENTS: dict[str, list[str]] = {
    "audit agreement": [],
    "audit catalog": ["--no-snapshots"],
    "audit downstream": ["OLMo"],
    "audit licence": ["{data}/licenses/license-texts/apache-2.0.LICENSE"],
    "audit license": ["{data}/licenses/license-texts/apache-2.0.LICENSE"],
    "audit model": ["Llama 3.1 405B"],
    "audit mof": ["{data}/openness/model-openness-tool/models/Amber.yml"],
    "ecosystem diffusion": ["--db", "{db}"],
    "ecosystem lineage": ["{db}", "--top", "3"],
    "hf import": ["{data}/fixtures/hf_model_info/gpt2.json", "--db", "{tmp}/import.duckdb"],
    "hf model": ["openai-community/gpt2", "--endpoint", "{hub}"],
    "hf status": ["--db", "{db}"],
    "hf sync": ["--endpoint", "{hub}", "--db", "{tmp}/sync.duckdb", "--limit", "5"],
    "market claims": [],
    "market effects": [],
    "market map": ["--n", "10"],
    "market solve": [],
    "policy classify": ["推广开源技术，建设开源社区。"],
    "policy corpus": ["agora"],
    "policy timeline": [],
    "policy trends": ["--corpus", "agora"],
    "report build": ["--out", "{tmp}/report", "--section", "market"],
    "data status": [],
    "findings": ["--only", "C4", "--only", "B1"],
    "data fetch": ["--dry-run", "mot"],
    "engagement ingest": ["{data}/" + GH_HOUR, "--db", "{tmp}/gh.duckdb"],
    "engagement panel": ["--db", "{gh_db}"],
    "engagement users sync": ["--db", "{gh_db}", "--api-url", "{github}", "--limit", "5"],
    "engagement attribution": ["--db", "{gh_db}"],
    "engagement geocode": ["Beijing, China", "Paris, TX"],
    "engagement innovation-graph": ["--shock", "2022-10-07", "--outcome", "developers"],
    "patents sync": ["--family", "qwen", "--endpoint", "{patentsview}", "--db", "{tmp}/pv.duckdb"],
    "patents usage": ["--db", "{sch_db}"],
    "science compare": ["--db", "{sch_db}"],
    "science families": [],
    "science match": ["We fine-tune Qwen2.5-7B on clinical notes"],
    "science sync": ["--family", "qwen", "--endpoint", "{openalex}", "--db", "{tmp}/oa.duckdb"],
    "science usage": [],
    "science validate": [],
}
NO_SAMPLE = {
    "engagement estimate": "an event study needs weeks of GH Archive events around a shock; the shared data has "
    "one hour (tests/engagement covers its errors)",
}


def json_commands() -> list[str]:
    """Every leaf command of the CLI that has a ``--json`` option, as ``"group command"``."""
    import typer.main

    from valuechain.cli import app

    found: list[str] = []

    def walk(command: Any, path: list[str]) -> None:
        if hasattr(command, "commands"):
            for name, sub in sorted(command.commands.items()):
                walk(sub, [*path, name])
        elif any("--json" in getattr(p, "opts", ()) for p in command.params):
            found.append(" ".join(path))

    walk(typer.main.get_command(app), [])
    return found


def test_every_json_command_has_sample_arguments():
    missing = [c for c in json_commands() if c not in SAMPLE_ARGUMENTS and c not in NO_SAMPLE]
    assert not missing, f"commands with --json but no entry in SAMPLE_ARGUMENTS: {missing}"
    assert len(json_commands()) >= 20


def _run(*args: str, env: dict[str, str] | None = None) -> None:
    import os
    import subprocess

    proc = subprocess.run(
        [sys.executable, "-m", "valuechain", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )
    assert proc.returncode == 0, proc.stderr


@pytest.fixture(scope="module")
def r1_store(tmp_path_factory, shared_data):
    db = tmp_path_factory.mktemp("store") / "r1.duckdb"
    _run("hf", "import", str(shared_data / R1_INFO), "--db", str(db))
    return db


@pytest.fixture(scope="module")
def gh_store(tmp_path_factory, shared_data):
    db = tmp_path_factory.mktemp("store") / "gh.duckdb"
    _run("engagement", "ingest", str(shared_data / GH_HOUR), "--db", str(db))
    return db


@pytest.fixture(scope="module")
def sch_store(tmp_path_factory, shared_data):
    db = tmp_path_factory.mktemp("store") / "sch.duckdb"
    with ReplayOpenAlex(openalex_works(shared_data, 40)) as server:
        _run(
            "science",
            "sync",
            "--family",
            "qwen",
            "--endpoint",
            server.endpoint,
            "--db",
            str(db),
            env={"OPENALEX_EMAIL": "contract@example.org"},
        )
    with ReplayPatentsView(patentsview_records(shared_data, 10, 4), PV_KEY) as server:
        _run(
            "patents",
            "sync",
            "--family",
            "qwen",
            "--endpoint",
            server.endpoint,
            "--db",
            str(db),
            env={"PATENTSVIEW_API_KEY": PV_KEY},
        )
    return db


@pytest.mark.slow
@pytest.mark.parametrize("command", json_commands())
def test_json_output_is_one_object_with_schema_version_and_sources(
    command, run_cli, request, shared_data, tmp_path
):
    if command in NO_SAMPLE:
        pytest.skip(f"{command}: {NO_SAMPLE[command]}")
    if command not in SAMPLE_ARGUMENTS:
        pytest.fail(f"{command} has --json but no sample arguments in SAMPLE_ARGUMENTS")
    template = " ".join(SAMPLE_ARGUMENTS[command])
    values = {"data": str(shared_data), "tmp": str(tmp_path)}
    for name, fixture in (("db", "r1_store"), ("gh_db", "gh_store"), ("sch_db", "sch_store")):
        if "{" + name + "}" in template:
            values[name] = str(request.getfixturevalue(fixture))
    env = {"OPENALEX_EMAIL": "contract@example.org", "PATENTSVIEW_API_KEY": PV_KEY}
    with contextlib.ExitStack() as servers:
        if "{hub}" in template:
            values["hub"] = servers.enter_context(ReplayHub(fixture_records(shared_data))).endpoint
        if "{openalex}" in template:
            values["openalex"] = servers.enter_context(
                ReplayOpenAlex(openalex_works(shared_data, 40))
            ).endpoint
        if "{github}" in template:
            values["github"] = servers.enter_context(ReplayGitHub(fixture_users(shared_data))).endpoint
        if "{patentsview}" in template:
            records = patentsview_records(shared_data, 10, 4)
            values["patentsview"] = servers.enter_context(ReplayPatentsView(records, PV_KEY)).endpoint
        args = [a.format(**values) for a in SAMPLE_ARGUMENTS[command]]
        result = run_cli(*command.split(), *args, "--json", env=env)
    assert result.returncode == 0, f"{command}: {result.stderr[-2000:]}"
    doc = result.json()
    assert isinstance(doc, dict), f"{command} --json printed a {type(doc).__name__}, not one object"
    assert doc.get("schema_version") == SCHEMA_VERSION == "2.0", command
    assert isinstance(doc.get("sources"), list), command
    assert list(doc)[:2] == ["schema_version", "sources"], f"{command}: provenance is not at the top"


def test_schema_version_is_two(run_cli):
    assert SCHEMA_VERSION == "2.0"
