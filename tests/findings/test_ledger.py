"""The ledger end to end: every claim of MISSION.md, a command that exists, the JSON contract."""

from __future__ import annotations

import json
import shlex

import pytest
import typer

from valuechain import findings
from valuechain.cli import app
from valuechain.findings import studies
from valuechain.findings.ledger import RUNNERS, build_ledger, load_claims

CLAIM_IDS = [*(f"A{i}" for i in range(1, 8)), "B1", "B2", "B3", *(f"C{i}" for i in range(1, 8))]


def test_all_seventeen_claims_have_a_criterion_a_rule_and_a_runner():
    spec = load_claims()
    assert list(spec.claims) == CLAIM_IDS
    assert set(RUNNERS) == set(CLAIM_IDS)
    for claim in spec.claims.values():
        assert claim.criterion and claim.command.startswith("valuechain ")


@pytest.mark.parametrize("claim_id", CLAIM_IDS)
def test_every_row_names_a_command_that_exists(claim_id):
    command = load_claims().claims[claim_id].command
    words = [w for w in shlex.split(command)[1:] if not w.startswith("-")]
    group = typer.main.get_command(app)
    for word in words:
        commands = getattr(group, "commands", None)
        if commands is None:
            break  # arguments of a leaf command
        assert word in commands, f"{claim_id}: {command!r} names no command {word!r}"
        group = commands[word]


def test_market_rows_are_computed_and_flip_when_the_model_says_no(monkeypatch):
    ledger = build_ledger(["C1", "C4"])
    assert [f.verdict for f in ledger.findings] == ["supported", "supported"]
    assert "reconstruction" in ledger["C1"].why
    studies.market_claims.cache_clear()
    monkeypatch.setattr(studies, "market_claims", lambda: {"C1": (False, 7), "C4": (True, 0)})
    assert build_ledger(["C1"])["C1"].verdict == "not supported"


def test_a_missing_study_is_cannot_tell_not_a_crash(monkeypatch):
    def missing():
        raise studies.StudyUnavailable("the PatentsView store has no recorded search")

    monkeypatch.setattr(studies, "patent_search", missing)
    row = build_ledger(["A6"])["A6"]
    assert row.verdict == "cannot tell with this data" and "recorded search" in row.why


def test_unknown_claim_is_one_sentence(run_cli):
    result = run_cli("findings", "--only", "Z9")
    assert result.returncode == 2 and "Z9" in result.stderr and "Traceback" not in result.stderr


def test_json_contract_from_the_cli(run_cli):
    result = run_cli("findings", "--only", "C2", "--only", "B1", "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert "schema_version" in payload and "sources" in payload
    rows = payload["claims"]
    assert [r["id"] for r in rows] == ["C2", "B1"]
    for row in rows:
        assert set(row) >= {"id", "claim", "command", "data", "criterion", "result", "verdict", "why"}
        assert row["verdict"] in findings.verdicts.VERDICTS
