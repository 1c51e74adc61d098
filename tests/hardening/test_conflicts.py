"""Issue 13 item 6: conflicting sources are shown, chosen by a stated rule, and listed under ``conflicts``."""

from __future__ import annotations

from valuechain.audit.evidence import CHOICE_RULE, Evidence, conflicts, most_open


def test_a_verified_curated_fact_beats_an_unverified_more_open_record():
    curated = Evidence(
        "Model parameters (Final)", "closed", "catalogue", method="catalogue", extra={"verified": True}
    )
    mot = Evidence("Model parameters (Final)", "open", "mot.yml", licence="MIT", method="mot-yaml")
    assert most_open([mot, curated], "Model parameters (Final)") is curated
    (found,) = conflicts([mot, curated])
    assert found["chosen"]["status"] == "closed" and found["overruled"][0]["licence"] == "MIT"
    assert found["rule"] == CHOICE_RULE and "verified" in CHOICE_RULE


def test_without_a_verified_fact_the_most_open_record_counts_and_the_conflict_is_listed():
    unverified = Evidence(
        "Training code", "closed", "catalogue", method="catalogue", extra={"verified": False}
    )
    repo = Evidence("Training code", "open", "github", method="huggingface")
    assert most_open([unverified, repo], "Training code") is repo
    assert conflicts([unverified, repo])[0]["overruled"][0]["method"] == "catalogue"
    assert conflicts([repo, Evidence("Training code", "partial", "x")]) == []  # no material disagreement


def test_claude_2_is_not_downloadable_and_the_disagreement_is_shown(run_cli):
    result = run_cli("audit", "model", "Claude 2", "--json")
    assert result.returncode == 0, result.stderr
    doc = result.json()
    assert doc["scores"]["solaiman"]["level"] == 4  # was 5 "Downloadable" from the MOT record's MIT weights
    weights = [c for c in doc["conflicts"] if c["component"] == "Model parameters (Final)"]
    assert weights and weights[0]["chosen"]["method"] == "catalogue" and weights[0]["chosen"]["verified"]
    assert (
        weights[0]["overruled"][0]["method"] == "mot-yaml" and weights[0]["overruled"][0]["licence"] == "MIT"
    )
    human = run_cli("audit", "model", "Claude 2")
    assert "Sources disagree on Model parameters (Final)" in human.stdout and "rule:" in human.stdout


def test_catalog_lists_conflicts_and_every_mixed_lead_firm(run_cli):
    doc = run_cli("audit", "catalog", "--json").json()
    assert any(
        c["release"] == "claude-2" and c["component"] == "Model parameters (Final)" for c in doc["conflicts"]
    )
    mixed = [f for f in doc["firms"] if f["mixed"]]
    human = run_cli("audit", "catalog")
    line = next(ln for ln in human.stdout.splitlines() if "lead firms use more than one" in ln)
    assert line.startswith(f"{len(mixed)} of {len(doc['firms'])}")
    listed = human.stdout[human.stdout.index(line) :]
    assert all(f["organisation"] in listed for f in mixed)  # all of them, not the first eight
    assert "Sources disagree on" in human.stdout
