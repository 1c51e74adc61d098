"""Agreement of our Index-style scoring (from our own evidence) with the European Open Source AI Index v1.0.2."""

from __future__ import annotations

from valuechain.audit.audit import eosai_agreement_report
from valuechain.audit.frameworks import EOSAI_PARAMETERS

#: Measured on 2026-11-28 with the shipped catalogue: 0.590 over 161 parameter cells of 27 releases.
#: The floor guards against regressions; disagreements are findings, not errors.
AGREEMENT_FLOOR = 0.55


def test_agreement_is_computed_and_above_floor(shared_data):
    report = eosai_agreement_report(data_dir=shared_data)
    assert report["index_version"] == "v1.0.2"
    assert report["models"] >= 20 and report["cells"] >= 120
    assert AGREEMENT_FLOOR <= report["agreement"] < 1.0
    params = {row["parameter"] for row in report["per_parameter"]}
    assert params <= set(EOSAI_PARAMETERS) and {"weights_endmodel", "trainingcode", "licenses"} <= params
    for row in report["per_parameter"]:
        assert 0 <= row["agree"] <= row["compared"]
    n_dis = sum(row["compared"] - row["agree"] for row in report["per_parameter"])
    assert n_dis == len(report["disagreements"]) > 0
    assert all(d["ours"] != d["index"] for d in report["disagreements"])


def test_our_scores_are_independent_of_the_index(shared_data):
    """Our side never uses the Index record, even where the catalogue cites it for a fact."""
    from valuechain.audit.audit import independent_evidence
    from valuechain.audit.catalog import find_entry

    report = eosai_agreement_report(data_dir=shared_data)
    olmo = next(m for m in report["per_model"] if m["release"] == "olmo-2-13b")
    assert olmo["compared"] >= 4 and olmo["share"] >= 0.75  # fully open model: our evidence agrees
    for release in ("olmo-2-13b", "llama-3.1-405b", "deepseek-r1"):
        entry = find_entry(release)
        assert any(s["ref"].startswith("eosai:") for s in entry.sources)
        evidence = independent_evidence(entry, shared_data)
        assert evidence
        assert not any(ev.method == "eosai-yaml" or "eosai" in ev.source or "eu-open-source-ai-index" in ev.source
                       for ev in evidence)


def test_cli_agreement(run_cli):
    res = run_cli("audit", "agreement", "--json")
    assert res.returncode == 0, res.stderr
    doc = res.json()
    assert doc["agreement"] >= AGREEMENT_FLOOR and doc["sources"] and doc["disagreements"]
    res = run_cli("audit", "agreement")
    assert res.returncode == 0 and "Per parameter" in res.stdout
