"""Issue 13 item 9, the smaller ones: policy corpus in words, lineage cycles named with their rule,
diffusion warnings about one family's tree and mixed snapshot dates."""

from __future__ import annotations

R1_INFO = "ecosystem/hf-deepseek-r1-tree/model-info-2025-04-10.csv"


def test_policy_corpus_prints_words_not_a_python_dict(run_cli):
    result = run_cli("policy", "corpus", "cn-policy")
    assert result.returncode == 0, result.stderr
    assert "{" not in result.stdout and "'" not in result.stdout.split("date precision")[1]
    assert "date precision: day 375" in result.stdout and "MIIT 229 documents" in result.stdout


def test_lineage_names_the_models_of_each_cycle_and_the_rule(run_cli, tmp_path):
    edges = tmp_path / "edges.csv"
    edges.write_text(
        "source,target,edge\norg/b,org/a,finetune\norg/a,org/b,finetune\norg/a,org/c,quantized\n"
        "base/x,org/y,finetune\norg/y,org/z,finetune\norg/z,org/y,merge\n",
        encoding="utf-8",
    )
    human = run_cli("ecosystem", "lineage", edges)
    assert human.returncode == 0, human.stderr
    assert "cycle of 2 models (org/a, org/b): rooted at org/a" in human.stdout
    assert "cycle of 2 models (org/y, org/z): part of the family that points into it" in human.stdout
    assert (
        "rule: a cycle that nothing outside points into is rooted at its first model in sort order"
        in human.stdout
    )
    stats = run_cli("ecosystem", "lineage", edges, "--json").json()["stats"]
    assert {"models": ["org/a", "org/b"], "size": 2, "root": "org/a"} in stats["cycles"]
    assert stats["cycle_rule"]


def test_diffusion_warns_about_one_family_and_mixed_snapshot_dates(run_cli, shared_data, tmp_path):
    db = tmp_path / "r1.duckdb"
    assert run_cli("hf", "import", shared_data / R1_INFO, "--db", db).returncode == 0
    single = run_cli("ecosystem", "diffusion", "--db", db, "--json").json()
    assert any("belong to one family (deepseek-ai/DeepSeek-R1)" in w for w in single["warnings"])
    assert not any("mixes snapshots" in w for w in single["warnings"])
    gpt2 = shared_data / "fixtures" / "hf_model_info" / "gpt2.json"
    assert run_cli("hf", "import", gpt2, "--db", db, "--fetched-at", "2026-01-02").returncode == 0
    mixed = run_cli("ecosystem", "diffusion", "--db", db)
    assert "note: the store mixes snapshots fetched on 2025-04-10, 2026-01-02" in mixed.stderr
