"""Issue 13 item 3: every command with ``--json`` prints ONE object with ``schema_version`` and ``sources``.

The commands are enumerated from the Typer app, so a command added later is covered automatically: it
must have an entry in ``SAMPLE_ARGUMENTS`` (the test fails loudly if it has ``--json`` and no entry).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from valuechain import SCHEMA_VERSION

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ecosystem"))
from hf_replay import ReplayHub, fixture_records  # noqa: E402

R1_INFO = "ecosystem/hf-deepseek-r1-tree/deepseek_r1_model_info.json"
EDGES = "ecosystem/hf-lineage/edges-text-generation-2025-06.csv"

#: Sample arguments per command path. Placeholders: {data} (the snapshots), {db} (a store holding the
#: DeepSeek-R1 tree), {tmp} (a scratch directory), {hub} (a replay Hub endpoint). ``None`` = needs the Hub.
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
    "data fetch": ["--dry-run", "mot"],
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
    missing = [c for c in json_commands() if c not in SAMPLE_ARGUMENTS]
    assert not missing, f"commands with --json but no entry in SAMPLE_ARGUMENTS: {missing}"
    assert len(json_commands()) >= 20


@pytest.fixture(scope="module")
def r1_store(tmp_path_factory, shared_data):
    import subprocess

    db = tmp_path_factory.mktemp("store") / "r1.duckdb"
    proc = subprocess.run([sys.executable, "-m", "valuechain", "hf", "import", str(shared_data / R1_INFO),
                           "--db", str(db)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return db


@pytest.mark.slow
@pytest.mark.parametrize("command", json_commands())
def test_json_output_is_one_object_with_schema_version_and_sources(command, run_cli, r1_store, shared_data,
                                                                   tmp_path):
    if command not in SAMPLE_ARGUMENTS:
        pytest.fail(f"{command} has --json but no sample arguments in SAMPLE_ARGUMENTS")
    with ReplayHub(fixture_records(shared_data)) as hub:
        values = {"data": str(shared_data), "db": str(r1_store), "tmp": str(tmp_path), "hub": hub.endpoint}
        args = [a.format(**values) for a in SAMPLE_ARGUMENTS[command]]
        result = run_cli(*command.split(), *args, "--json", env={"HF_ENDPOINT": hub.endpoint})
    assert result.returncode == 0, f"{command}: {result.stderr[-2000:]}"
    doc = result.json()
    assert isinstance(doc, dict), f"{command} --json printed a {type(doc).__name__}, not one object"
    keys = list(doc)
    assert doc.get("schema_version") == SCHEMA_VERSION == "2.0", command
    assert isinstance(doc.get("sources"), list), command
    assert {"schema_version", "sources"} <= set(keys), command


def test_schema_version_is_two(run_cli):
    assert SCHEMA_VERSION == "2.0"
