"""Agreement of our Index-style scoring (from our own evidence) with the European Open Source AI Index v1.0.2."""

from __future__ import annotations

from valuechain.audit.agreement import eosai_agreement_report
from valuechain.audit.frameworks import EOSAI_PARAMETERS

#: Measured on 2026-11-28 with the shipped catalogue: 0.683 over 167 cells of 27 releases, our evidence read in
#: the Index's own parameter definitions (frameworks.index_parameter_evidence, the one mapping every Index-style
#: score uses). The floor guards against regressions; disagreements are findings, not errors.
AGREEMENT_FLOOR = 0.65


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
    from valuechain.audit.agreement import independent_evidence
    from valuechain.audit.catalog import find_entry

    report = eosai_agreement_report(data_dir=shared_data)
    olmo = next(m for m in report["per_model"] if m["release"] == "olmo-2-13b")
    assert olmo["compared"] >= 4 and olmo["share"] >= 0.75  # fully open model: our evidence agrees
    for release in ("olmo-2-13b", "llama-3.1-405b", "deepseek-r1"):
        entry = find_entry(release)
        assert any(s["ref"].startswith("eosai:") for s in entry.sources)
        evidence = independent_evidence(entry, shared_data)
        assert evidence
        assert not any(
            ev.method == "eosai-yaml" or "eosai" in ev.source or "eu-open-source-ai-index" in ev.source
            for ev in evidence
        )


def test_cli_agreement(run_cli):
    res = run_cli("audit", "agreement", "--json")
    assert res.returncode == 0, res.stderr
    doc = res.json()
    assert doc["agreement"] >= AGREEMENT_FLOOR and doc["sources"] and doc["disagreements"]
    res = run_cli("audit", "agreement")
    assert res.returncode == 0 and "Per parameter" in res.stdout


def _cells(report):
    return {(d["release"], d["parameter"]): (d["ours"], d["index"]) for d in report["disagreements"]}


def test_index_semantics_of_our_evidence(shared_data):
    """licenses, weights, code and hardware read as the Index defines them (its _parameters-descriptions.yml)."""
    from valuechain.audit.agreement import independent_evidence
    from valuechain.audit.catalog import find_entry
    from valuechain.audit.frameworks import eosai_score, index_parameter_evidence

    def ours(release):
        evidence = independent_evidence(find_entry(release), shared_data)
        mapped = index_parameter_evidence(evidence)
        assert all(ev.extra["eosai_parameter"] in EOSAI_PARAMETERS for ev in mapped)
        assert not any(
            ev.component in ("Model architecture", "Model metadata") and ev.method != "index-semantics"
            for ev in mapped
        )
        return eosai_score(evidence)["per_parameter"]

    llama = ours("llama-3.1-405b")  # bespoke licence: not covered by OSI licences at all; gated download
    assert llama["licenses"] == 0.0 and llama["weights_basemodel"] == 0.5 == llama["weights_endmodel"]
    assert llama["hardware_architecture"] == 1.0  # Epoch names the hardware and its quantity
    r1 = ours("deepseek-r1")  # MIT weights, closed data and training code: partly covered
    assert r1["licenses"] == 0.5 and r1["weights_endmodel"] == 1.0 and r1["code"] == 0.0
    olmo = ours("olmo-2-13b")  # Apache-2.0 with open code and data: fully covered
    assert olmo["licenses"] == 1.0 and olmo["code"] == 1.0


def test_disagreements_that_remain_are_findings(shared_data):
    report = eosai_agreement_report(data_dir=shared_data)
    cells = _cells(report)
    # The Index scores MIT-licensed Phi-4 'open' on licenses though data and pipeline are not released,
    # contrary to its own definition, while it gives DeepSeek-R1 (MIT, same situation) 'partial'.
    assert cells[("phi-4", "licenses")] == (0.5, 1.0)
    assert ("deepseek-r1", "licenses") not in cells
    # The Index's GPT-SW3 record describes the open 6.7B v2 model; the catalogue's 40B release is gated.
    assert cells[("gpt-sw3-40b", "weights_endmodel")] == (0.5, 1.0)
