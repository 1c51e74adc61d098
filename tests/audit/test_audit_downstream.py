"""Downstream map: Ecosystem Graphs dependencies, AI Stack Map products, Hugging Face lineage."""

from __future__ import annotations

import pytest
import yaml

from valuechain.audit.catalog import load_catalog
from valuechain.audit.downstream import Resolver, build_downstream, downstream
from valuechain.errors import InputError


@pytest.fixture(scope="module")
def full_map(shared_data):
    return build_downstream(data_dir=shared_data)


def test_resolver_release_family_and_unresolved():
    r = Resolver(load_catalog())
    assert r.resolve("Falcon-40B")[0].id == "falcon-40b"
    entry, how = r.resolve("LLaMA 2", when="2023-09-01")
    assert (entry.family, how) == ("Llama", "family") and entry.release_date <= "2023-09-01"
    assert r.resolve("Anthropic API", when="2023-08-01")[0].family == "Claude"
    assert r.resolve("Wikipedia") == (None, "unresolved")


def test_three_sources_and_summaries(full_map):
    links = full_map.links
    assert set(links["dataset"]) == {"ecosystem-graphs", "ai-stack-map", "hf-lineage"}
    by_gov = full_map.summary("governance_model")
    assert {"Open platform", "Controlled openness", "Captive externalised"} <= set(by_gov.index)
    assert (by_gov["total"] > 0).all()
    by_country = full_map.summary("country")
    assert {"US", "CN", "FR"} <= set(by_country.index)
    assert not links["governance_model"].eq("unknown").any()


def test_ecosystem_graph_dependencies_are_all_accounted_for(full_map, shared_data):
    """Every dependency name of every asset is either linked or listed as unresolved: none dropped."""
    root = shared_data / "ecosystem" / "ecosystem-graphs" / "assets"
    total = 0
    for path in root.glob("*.yaml"):
        for asset in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            deps = asset.get("dependencies") or []
            deps = deps.get("value") if isinstance(deps, dict) else deps
            total += len([d for d in deps or [] if d not in (None, "")])
    linked = (full_map.links["dataset"] == "ecosystem-graphs").sum()
    unresolved = (full_map.unresolved["dataset"] == "ecosystem-graphs").sum()
    assert linked + unresolved == total
    assert linked > 100 and unresolved > 0


def test_known_links(full_map):
    links = full_map.links
    eg = links[links["dataset"] == "ecosystem-graphs"]
    assert ((eg["downstream"] == "FalconLite2") & (eg["model_id"] == "falcon-40b")).any()
    assert ((eg["downstream"] == "BLOOMZ") & (eg["model_id"] == "bloom-176b")).any()
    lineage = links[(links["dataset"] == "hf-lineage") & (links["model_id"] == "mistral-7b")]
    assert len(lineage) > 200 and {"finetuned", "quantized"} <= set(lineage["relation"])
    stack = links[(links["dataset"] == "ai-stack-map") & (links["resolution"] == "inferred (same firm)")]
    assert len(stack) > 0


def test_filter_and_bad_model(shared_data):
    qwen = downstream("Qwen", data_dir=shared_data)
    assert set(qwen.links["family"]) == {"Qwen"} and len(qwen.links) > 100
    one = downstream("mistral-7b", data_dir=shared_data)
    assert set(one.links["model_id"]) == {"mistral-7b"}
    assert one.unresolved.empty and any("listed only for the whole map" in n for n in one.notes)
    with pytest.raises(InputError):
        downstream("no-such-family", data_dir=shared_data)


def test_cli_downstream(run_cli):
    res = run_cli("audit", "downstream", "--json")
    assert res.returncode == 0, res.stderr
    doc = res.json()
    assert doc["links"] and doc["unresolved"] and doc["sources"]
    assert {row["governance_model"] for row in doc["summary"]["governance_model"]} >= {"Open platform"}
    res = run_cli("audit", "downstream", "OLMo")
    assert res.returncode == 0 and "Full openness" in res.stdout
    res = run_cli("audit", "downstream", "not-a-model")
    assert res.returncode == 2 and "Traceback" not in res.stderr


def test_lineage_series_roots():
    from valuechain.audit.catalog import lineage_roots, series_key

    assert series_key("meta-llama/Llama-3.1-8B-Instruct") == series_key("meta-llama/Llama-3.1-405B")
    assert series_key("Qwen/Qwen2.5-0.5B-Instruct") == ("qwen", "qwen2-5")
    assert series_key("mistralai/Mistral-7B-Instruct-v0.2") != series_key("mistralai/Mistral-7B-v0.1")
    entries = load_catalog()
    repos = [
        "meta-llama/Llama-3.1-8B",
        "Qwen/Qwen2.5-14B-Instruct",
        "someone/Llama-3.1-8B",
        "google/gemma-2-9b-it",
    ]
    roots = lineage_roots(entries, repos)
    assert "meta-llama/Llama-3.1-8B" in roots["llama-3.1-405b"]
    assert "someone/Llama-3.1-8B" not in roots["llama-3.1-405b"]  # another owner: a derivative, not a root
    assert "google/gemma-2-9b-it" in roots["gemma-2-27b"]
    # two catalogue releases share the Qwen2.5 series with different licences: no series expansion
    assert roots["qwen2.5-7b"] == ["Qwen/Qwen2.5-7B-Instruct"] and roots["qwen2.5-72b"] == [
        "Qwen/Qwen2.5-72B-Instruct"
    ]


def test_openness_covariates_for_diffusion():
    from valuechain.audit.ranking import openness_covariates

    cov = openness_covariates(repos=["meta-llama/Llama-3.1-8B", "Qwen/Qwen2.5-14B-Instruct"])
    llama = cov[cov["hf_repo"] == "meta-llama/Llama-3.1-8B"].iloc[0]
    assert llama["matched"] == "release series" and llama["governance_model"] == "Controlled openness"
    assert "Qwen/Qwen2.5-14B-Instruct" not in set(cov["hf_repo"])  # ambiguous series: not guessed
    assert cov["hf_repo"].is_unique and set(cov["country"]) >= {"US", "CN", "FR"}
