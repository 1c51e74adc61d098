"""One mapping from evidence to the European Open Source AI Index's parameters, used by every Index-style score."""

from __future__ import annotations

import pytest

from valuechain.audit.evidence import Evidence
from valuechain.audit.frameworks import EOSAI_PARAMETERS, eosai_score, index_parameter_evidence


def _ev(component, status, **kw):
    return Evidence(component, status, kw.pop("source", "test"), **kw)


def test_architecture_and_metadata_never_speak_for_code_or_hardware():
    """MOF 'Model architecture' / 'Model metadata' are not the Index's code documentation / training hardware."""
    evidence = [
        _ev("Model architecture", "open"),
        _ev("Model metadata", "open"),
        _ev("Training code", "closed"),
    ]
    per = eosai_score(evidence)["per_parameter"]
    assert per == {"trainingcode": 0.0, "code": 0.0}
    assert "hardware_architecture" not in per


def test_licenses_is_osi_coverage_of_weights_code_and_data():
    apache = _ev("Licence terms", "open", licence="Apache-2.0")
    weights = _ev("Model parameters (Final)", "open", licence="Apache-2.0")
    closed_rest = [apache, weights, _ev("Training code", "closed"), _ev("Datasets", "closed")]
    assert eosai_score(closed_rest)["per_parameter"]["licenses"] == 0.5
    all_open = [apache, weights, _ev("Training code", "open"), _ev("Datasets", "open")]
    assert eosai_score(all_open)["per_parameter"]["licenses"] == 1.0
    bespoke = [
        _ev("Licence terms", "partial", licence="llama-3.1-license-2024"),
        _ev("Training code", "open"),
        _ev("Datasets", "open"),
    ]
    assert eosai_score(bespoke)["per_parameter"]["licenses"] == 0.0  # a bespoke licence is not "partly OSI"


def test_gated_catalogue_weights_are_partial_and_win_over_snapshot_access():
    curated = _ev("Model parameters (Final)", "partial", method="catalogue", extra={"weights": "gated"})
    snapshot = _ev("Model parameters (Final)", "open", method="ecosystem-graphs")
    per = eosai_score([snapshot, curated])["per_parameter"]
    assert per["weights_basemodel"] == per["weights_endmodel"] == 0.5


def test_index_records_pass_through_and_mapping_is_idempotent(shared_data):
    from valuechain.audit.collectors import from_eosai_yaml

    index = from_eosai_yaml(shared_data / "openness/eu-open-source-ai-index/v1.0.2/K2.yaml")
    mapped = index_parameter_evidence(index)
    assert mapped == index  # the Index's own answers are not re-read
    own = [_ev("Datasets", "open"), _ev("Training code", "partial")]
    once = index_parameter_evidence(own)
    assert {ev.extra["eosai_parameter"] for ev in once} == {
        "datasources_basemodel",
        "datasources_endmodel",
        "trainingcode",
        "code",
    }
    assert index_parameter_evidence(once) == once


def test_hardware_from_an_epoch_row():
    from valuechain.audit.collectors import from_epoch_row

    row = {
        "System": "X",
        "Model accessibility": "API access",
        "Training hardware": "NVIDIA H100 SXM5 80GB",
        "Hardware quantity": "16384",
    }
    assert eosai_score(from_epoch_row(row))["per_parameter"]["hardware_architecture"] == 1.0
    row["Hardware quantity"] = "nan"
    assert eosai_score(from_epoch_row(row))["per_parameter"]["hardware_architecture"] == 0.5
    del row["Training hardware"]
    assert "hardware_architecture" not in eosai_score(from_epoch_row(row))["per_parameter"]


@pytest.mark.parametrize("release", ["llama-3.1-405b", "olmo-2-13b", "deepseek-r1"])
def test_catalogue_column_reads_evidence_through_the_mapping(shared_data, release):
    """The catalogue's Index-score column is the mean over index_parameter_evidence of the audit's evidence."""
    from valuechain.audit.catalog import find_entry
    from valuechain.audit.frameworks import EOSAI_VALUE
    from valuechain.audit.release import audit_entry

    result = audit_entry(find_entry(release), data_dir=shared_data)
    best: dict[str, float] = {}
    for ev in index_parameter_evidence(result.evidence):
        p = ev.extra["eosai_parameter"]
        best[p] = max(best.get(p, 0.0), EOSAI_VALUE[ev.status])
    assert result.eosai["per_parameter"] == {p: best[p] for p in EOSAI_PARAMETERS if p in best}
    assert result.eosai["score"] == pytest.approx(sum(best.values()) / len(best))


def test_llama_licenses_in_the_catalogue_column(shared_data):
    """Llama 3.1's bespoke licence scores 'closed' on licenses in the catalogue column (the old component
    mapping gave the catalogue's 'Licence terms: partial' record 0.5), its gated weights 'partial'."""
    from valuechain.audit.release import audit

    per = audit("llama-3.1-405b", with_snapshots=False, data_dir=shared_data).eosai["per_parameter"]
    assert per["licenses"] == 0.0 and per["weights_basemodel"] == per["weights_endmodel"] == 0.5
