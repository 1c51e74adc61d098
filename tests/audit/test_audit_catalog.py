"""Curated catalogue: coverage, provenance, verified flags re-checked against the snapshots, ranking, CLI."""

from __future__ import annotations

import csv

from valuechain.audit.catalog import (
    FACT_FIELDS,
    find_entry,
    load_catalog,
    organisation_matches,
    verified_facts,
    verify_catalog,
)
from valuechain.audit.ranking import audit_catalog
from valuechain.audit.release import audit

REQUIRED_FAMILIES = {
    "Llama",
    "Qwen",
    "DeepSeek",
    "Mistral",
    "Gemma",
    "OLMo",
    "Pythia",
    "Falcon",
    "BLOOM",
    "Phi",
    "GLM",
    "Yi",
    "Baichuan",
    "InternLM",
    "MiniMax",
    "Kimi",
    "GPT",
    "Claude",
    "Gemini",
    "Grok",
}


def test_catalogue_covers_the_brief():
    entries = load_catalog()
    assert len(entries) >= 60
    assert REQUIRED_FAMILIES <= {e.family for e in entries}
    regions = {e.region for e in entries}
    assert {"U.S.", "China", "Europe", "elsewhere"} <= regions
    assert {e.weights for e in entries} == {"none", "gated", "open"}
    for e in entries:
        assert len(e.country) == 2 and e.country.isupper()
        assert e.release_date[:2] in ("20",) and len(e.release_date) == 10
        for fact in ("organisation", "country", "release_date", "weights", "api"):
            assert e.sources_for(fact), f"{e.id}: no source for {fact}"
        for fact in ("licence_id", "code_open", "data_open", "platform_tied"):
            assert e.fact_source(fact), f"{e.id}: no source or default for {fact}"


def test_verified_flags_are_exactly_what_the_snapshots_confirm(shared_data):
    entries = load_catalog()
    check = verify_catalog(entries, shared_data)
    computed = verified_facts(check)
    for e in entries:
        assert e.verified == computed.get(e.id, []), e.id
        assert set(e.verified) <= set(FACT_FIELDS)
    # URL sources are never counted as verified; some facts are verified for most releases
    assert set(check.loc[check["kind"] == "url", "status"]) == {"url"}
    assert sum(1 for e in entries if e.verified) >= 60
    assert not (check["status"] == "missing").any(), check[check["status"] == "missing"]


def test_known_disagreements_are_reported_not_hidden(shared_data):
    check = verify_catalog(load_catalog(), shared_data)
    mism = check[check["status"] == "mismatch"]
    # Ecosystem Graphs gives 01.AI's nationality as France; our catalogue says CN.
    row = mism[(mism["release"] == "yi-34b") & (mism["fact"] == "country")]
    assert len(row) == 1 and row.iloc[0]["snapshot_says"] == "France"


def test_organisation_matching():
    assert organisation_matches("Meta", "Meta AI")
    assert organisation_matches("Allen Institute for AI", "Ai2")
    assert organisation_matches("Technology Innovation Institute", "UAE Technology Innovation Institute")
    assert not organisation_matches("OpenAI", "Anthropic")


def test_find_entry_by_id_name_or_repo():
    assert find_entry("Llama 3.1 405B").id == "llama-3.1-405b"
    assert find_entry("meta-llama/Llama-3.1-405B").id == "llama-3.1-405b"
    assert find_entry("no such model") is None
    # a unique prefix names its release; a shared one names none (and the error suggests the candidates)
    assert find_entry("OLMo 2").id == "olmo-2-13b" and find_entry("GPT-OSS").id == "gpt-oss-120b"
    assert find_entry("Llama") is None and find_entry("OLMo") is None
    from valuechain.audit.catalog import suggest_entries

    assert "Llama 3.1 405B" in suggest_entries("Llama")
    assert suggest_entries("Mistal 7B")[0] == "Mistral 7B"


def test_catalogue_levers_are_validated_and_used(tmp_path, shared_data):
    import pytest

    from valuechain.errors import InputError

    kimi = audit(
        "Kimi K2"
    )  # licence text not in the reference set: curated levers, with a source, unverified
    assert kimi.governance.licence_levers == ["attribution_branding", "user_or_revenue_cap"]
    assert kimi.governance.ghs_type == "Relational (captive-leaning)"
    assert any(
        "curated from https://huggingface.co/moonshotai" in n and "not verified" in n
        for n in kimi.field_notes
    )
    assert "levers" not in find_entry("kimi-k2").verified
    llama = audit("llama-3.1-405b")  # text read: the text wins, no curated levers
    assert (
        find_entry("llama-3.1-405b").levers is None
        and "user_or_revenue_cap" in llama.governance.licence_levers
    )
    bad = tmp_path / "c.yml"
    entry = (
        "releases:\n- {id: x, name: X, organisation: O, country: US, release_date: '2024-01-01', weights: open,"
        " api: none, levers: [%s], sources: [{ref: 'https://x', fields: [levers]}]}\n"
    )
    bad.write_text(entry % "world_domination", encoding="utf-8")
    with pytest.raises(InputError, match="levers other than"):
        load_catalog(bad)
    bad.write_text(entry.replace("fields: [levers]", "fields: [api]") % "use_restrictions", encoding="utf-8")
    with pytest.raises(InputError, match="without a source"):
        load_catalog(bad)


def test_catalog_ranking(shared_data):
    frame = audit_catalog()
    assert list(frame["rank"]) == list(range(1, len(frame) + 1))
    levels = list(frame["governance_level"])
    assert levels == sorted(levels, reverse=True)
    assert frame.iloc[0]["governance_model"] == "Full openness"
    assert frame.iloc[-1]["governance_model"] == "Hierarchical"
    assert set(frame["governance_model"]) == {
        "Full openness",
        "Controlled openness",
        "Open platform",
        "Captive externalised",
        "Hierarchical",
    }


def test_audit_result_has_all_frameworks_and_provenance(shared_data):
    result = audit("pythia-12b")
    assert result.solaiman["level"] == 6
    assert result.mof["mof_class"] == "Class I" and result.mof["derived_from"] == "Model Openness Tool record"
    assert result.osaid["conformant"] is True
    assert 0 < result.eosai["score"] <= 1
    assert result.sources and all("location" in s for s in result.sources)
    assert {e.method for e in result.evidence} >= {"catalogue", "mot-yaml", "epoch"}
    mot = [
        s for s in result.sources if "model-openness-tool" in s["location"]
    ]  # snapshot named, dated, pinned
    assert mot and all(s["commit"] == "8b5d30e9" and s["retrieved"] == "2026-05" for s in mot)


def test_cli_catalog_table_csv_plot(run_cli, tmp_path):
    out_csv, out_png = tmp_path / "c.csv", tmp_path / "g.png"
    res = run_cli("audit", "catalog", "--csv", out_csv, "--plot", out_png)
    assert res.returncode == 0, res.stderr
    assert "Full openness" in res.stdout and "operationalisation" in res.stdout
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8")))
    assert len(rows) >= 60 and rows[0]["rank"] == "1"
    assert out_png.read_bytes()[:4] == b"\x89PNG"


def test_cli_catalog_json(run_cli, tmp_path):
    res = run_cli("audit", "catalog", "--json", "--verify")
    assert res.returncode == 0, res.stderr
    doc = res.json()
    # issue 13 item 4: nothing is written where the user did not ask (no default figure)
    assert doc["figure"] is None and not (tmp_path / "audit_gradient.png").exists()
    assert doc["schema_version"] and doc["sources"]
    assert len(doc["releases"]) >= 60 and doc["mismatches"]
    # provenance per fact: every fact of every release names its sources (or the default it rests on)
    assert set(doc["facts"]) == {r["id"] for r in doc["releases"]}
    for facts in doc["facts"].values():
        assert all(f["sources"] for name, f in facts.items() if name not in ("hf_repo", "licence_class"))
        assert all(
            f["verified"] is False
            for f in facts.values()
            if all(s.startswith(("http", "default", "derived")) for s in f["sources"])
        )
    assert doc["facts"]["kimi-k2"]["levers"]["verified"] is False
    assert "Foster" in doc["operationalisation"]


def test_cli_model_and_bad_input(run_cli, tmp_path, shared_data):
    res = run_cli("audit", "model", "Mistral 7B", "--json")
    assert res.returncode == 0, res.stderr
    doc = res.json()
    assert doc["governance"]["label"] == "Open platform" and doc["governance"]["ghs_type"] == "Modular"
    assert doc["scores"]["solaiman"]["level"] == 5
    snap = shared_data / "fixtures" / "hf_model_info" / "meta-llama__Llama-3.1-8B-Instruct.json"
    res = run_cli("audit", "model", "meta-llama/Llama-3.1-8B-Instruct", "--snapshot", snap, "--json")
    assert res.returncode == 0, res.stderr
    assert res.json()["governance"]["label"] == "Controlled openness"
    no_weights = tmp_path / "card-only"
    no_weights.mkdir()
    (no_weights / "README.md").write_text("# a model card, no weights\n", encoding="utf-8")
    for bad in (
        "no-such-release",
        str(tmp_path / "missing-dir"),
        "nobody/does-not-exist-zzz",
        str(no_weights),
    ):
        res = run_cli("audit", "model", bad, env={"HF_HUB_OFFLINE": "1"})
        assert res.returncode == 2, (bad, res.stderr)
        assert "Traceback" not in res.stderr and res.stderr.strip().count("\n") == 0


def test_cli_bad_outputs_and_rules_fail_fast_writing_nothing(run_cli, tmp_path):
    rules = tmp_path / "rules.yml"
    for body, bad_args in (
        (None, ("--plot", str(tmp_path))),  # a directory
        (None, ("--plot", str(tmp_path / "g.xyz"))),  # unknown figure format
        (None, ("--csv", str(tmp_path))),
        ("models: [\nrules", ("--rules", str(rules))),  # malformed YAML
        ("models: {}\nrules: []\n", ("--rules", str(rules))),  # wrong schema
        (
            "models:\n  x: {number: 1, label: X, ghs_type: H}\nrules:\n  - {when: \"weights = 'open'\", model: x}\n",
            ("--rules", str(rules)),
        ),  # invalid rule expression
    ):
        if body is not None:
            rules.write_text(body, encoding="utf-8")
        out_csv = tmp_path / "out.csv"
        res = run_cli("audit", "catalog", "--no-snapshots", "--csv", out_csv, *bad_args)
        assert res.returncode == 2, (bad_args, res.stderr)
        assert "Traceback" not in res.stderr and res.stderr.strip().count("\n") == 0, res.stderr
        assert not out_csv.exists() and not (tmp_path / "audit_gradient.png").exists()
    rules.write_bytes(bytes(range(256)))
    res = run_cli("audit", "model", "Mistral 7B", "--rules", rules)
    assert res.returncode == 2 and "is a binary file, not a text." in res.stderr


def test_cli_rules_option_changes_the_classification(run_cli, tmp_path):
    from valuechain.audit.governance import RULES_PATH

    edited = tmp_path / "rules.yml"
    edited.write_text(
        RULES_PATH.read_text(encoding="utf-8").replace(
            "rules:\n", 'rules:\n  - id: all-hierarchical\n    model: hierarchical\n    when: "true"\n', 1
        ),
        encoding="utf-8",
    )
    res = run_cli("audit", "model", "Mistral 7B", "--no-snapshots", "--rules", edited, "--json")
    assert res.returncode == 0, res.stderr
    assert res.json()["governance"]["rule_id"] == "all-hierarchical"
    assert res.json()["governance"]["rules_path"] == str(edited)


def test_firm_summary_and_store(tmp_path):
    from valuechain.audit.ranking import save_catalog_audit
    from valuechain.audit.summaries import firm_summary
    from valuechain.store import Store

    frame = audit_catalog(with_snapshots=False)
    firms = firm_summary(frame)
    assert firms["releases"].sum() == len(frame)
    google = firms[firms["organisation"] == "Google DeepMind"].iloc[0]
    assert (
        google["mixed"]
        and "Controlled openness" in google["models"]
        and "Captive externalised" in google["models"]
    )
    anthropic = firms[firms["organisation"] == "Anthropic"].iloc[0]
    assert not anthropic["mixed"] and anthropic["most_open"] == "Captive externalised"
    with Store(tmp_path / "s.duckdb") as store:
        run = save_catalog_audit(store, frame, source="test")
        stored = store.query("SELECT * FROM audit_releases WHERE run_id = ?", [run])
    assert len(stored) == len(frame)
    assert set(stored["governance_model"]) == set(frame["governance_model"])
    assert stored["source"].eq("test").all() and stored["rules_sha256"].str.len().eq(16).all()


def test_cli_catalog_save(run_cli, tmp_path):
    db = tmp_path / "store.duckdb"
    res = run_cli("audit", "catalog", "--no-snapshots", "--no-plot", "--save", "--db", db, "--json")
    assert res.returncode == 0, res.stderr
    doc = res.json()
    assert doc["stored_run"].startswith("catalog@") and doc["firms"]
    assert doc["figure"] is None and not (tmp_path / "audit_gradient.png").exists()


def test_cli_without_reference_snapshots_says_so(run_cli, tmp_path):
    """A fresh clone without the shared data: the catalogue still audits (curated facts) and says so."""
    env = {"VALUECHAIN_DATA": str(tmp_path / "no-data")}
    res = run_cli("audit", "catalog", "--no-plot", "--json", env=env)
    assert res.returncode == 0, res.stderr
    doc = res.json()
    assert "not found" in doc["snapshots_missing"] and "not found" in res.stderr
    assert not any("snapshots" in s["name"] for s in doc["sources"]) and len(doc["releases"]) >= 60
    res = run_cli("audit", "downstream", "Llama", env=env)
    assert res.returncode == 2 and "VALUECHAIN_DATA" in res.stderr and "Traceback" not in res.stderr


def test_every_release_is_found_by_its_id_name_and_repo():
    entries = load_catalog()
    for e in entries:
        assert find_entry(e.id, entries) is e and find_entry(e.name, entries) is e
        assert e.hf_repo is None or find_entry(e.hf_repo, entries) is e


def test_ecosystem_graphs_evidence_needs_no_catalogue_workaround(shared_data):
    """The collector alone keeps EG 'limited' access from counting as downloadable weights and a custom or
    unknown licence from counting as open, for every catalogue release that cites an EG asset."""
    from valuechain.audit.catalog import load_catalog, resolve_ref, snapshot_evidence
    from valuechain.audit.collectors import from_ecosystem_asset
    from valuechain.audit.mof import mot_licences

    lic = mot_licences()
    cited = [e for e in load_catalog() if any(s["ref"].startswith("eg:") for s in e.sources)]
    assert len(cited) >= 20
    seen_limited = seen_custom = 0
    for entry in cited:
        evidence = [ev for ev in snapshot_evidence(entry, shared_data) if ev.method == "ecosystem-graphs"]
        ref = next(s["ref"] for s in entry.sources if s["ref"].startswith("eg:"))
        _, record, location = resolve_ref(ref, shared_data)
        if record is not None:
            assert [ev for ev in evidence if ev.source.startswith(location)] == from_ecosystem_asset(
                record, source=location
            )  # the catalogue adds nothing of its own
        for ev in evidence:
            if ev.extra.get("access") == "limited" and ev.component == "Model parameters (Final)":
                seen_limited += 1
                assert ev.status not in ("open", "partial")
            if ev.component == "Licence terms" and ev.status == "open":
                assert lic.is_open(lic.normalise(ev.licence))
            if ev.component == "Licence terms" and str(ev.licence).lower() == "custom":
                seen_custom += 1
                assert ev.status == "partial"
    assert seen_limited >= 3 and seen_custom >= 2
