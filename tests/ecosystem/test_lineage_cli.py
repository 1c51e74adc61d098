"""`valuechain ecosystem lineage` and `diffusion` end to end, and their bad inputs (exit 2, one sentence)."""

from __future__ import annotations

import pytest

EDGES = "ecosystem/hf-lineage/edges-text-generation-2025-06.csv"
R1_INFO = "ecosystem/hf-deepseek-r1-tree/model-info-2025-04-10.csv"


def test_lineage_on_the_real_edge_list_prints_the_top_families(run_cli, shared_data, tmp_path):
    decisions = tmp_path / "repack.csv"
    result = run_cli(
        "ecosystem", "lineage", shared_data / EDGES, "--top", "5", "--json", "--unresolved", decisions
    )
    assert result.returncode == 0, result.stderr
    doc = result.json()  # one object: provenance at the top, the families under a named key
    assert doc["schema_version"] == "2.0" and doc["sources"][0]["name"] == "lineage edge file"
    rows = doc["families"]
    assert [r["root"] for r in rows][:3] == [
        "meta-llama/Llama-3.1-8B",
        "meta-llama/Meta-Llama-3-8B",
        "Qwen/Qwen2.5-7B",
    ]
    assert len(rows) == 5
    for row in rows:
        assert set(row) == {"root", "origin_country", "derivatives", "by_relation", "max_depth"}
        assert sum(row["by_relation"].values()) == row["derivatives"]
        assert set(row["by_relation"]) == {"finetune", "adapter", "quantized", "merge"}
    assert [r["derivatives"] for r in rows] == sorted((r["derivatives"] for r in rows), reverse=True)
    assert "mradermacher/Glowing-Forest-12B-GGUF" in result.stderr  # unresolved re-packager reported
    text = decisions.read_text()
    assert "unsloth/Phi-3-mini-4k-instruct-bnb-4bit,microsoft/Phi-3-mini-4k-instruct,name" in text


def test_lineage_human_table_names_sources(run_cli, shared_data):
    result = run_cli("ecosystem", "lineage", shared_data / EDGES, "--top", "3")
    assert result.returncode == 0, result.stderr
    assert "meta-llama/Llama-3.1-8B" in result.stdout
    assert "source:" in result.stdout and "org_countries.csv" in result.stdout


def test_import_then_lineage_and_diffusion_from_the_store(run_cli, shared_data, tmp_path):
    db = tmp_path / "vc.duckdb"
    assert run_cli("hf", "import", shared_data / R1_INFO, "--db", db).returncode == 0
    lineage = run_cli("ecosystem", "lineage", db, "--json")
    assert lineage.returncode == 0, lineage.stderr
    families = lineage.json()["families"]
    assert len(families) > 20  # --json lists every family unless --top is given
    top = families[0]
    assert top["root"] == "deepseek-ai/DeepSeek-R1" and top["origin_country"] == "CN"
    assert top["derivatives"] == 224
    figure = tmp_path / "out" / "diffusion.png"
    diffusion = run_cli("ecosystem", "diffusion", "--db", db, "--plot", figure, "--json")
    assert diffusion.returncode == 0, diffusion.stderr
    payload = diffusion.json()
    assert payload["derivatives"] == 224
    assert (payload["undated_derivatives"], payload["derivatives_without_a_record"]) == (0, 0)
    assert sum(r["derivatives"] for r in payload["monthly"]) == 224
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert payload["sources"] and any("model-info-2025-04-10" in s["location"] for s in payload["sources"])
    assert {s["date"] for s in payload["shocks"]} >= {"2022-10-07", "2025-01-13"}
    rows_path = tmp_path / "rows.csv"
    since = run_cli(
        "ecosystem",
        "diffusion",
        "--db",
        db,
        "--since",
        "2025-02",
        "--until",
        "2025-02",
        "--relation",
        "finetune",
        "--pipeline-tag",
        "text-generation",
        "--json",
        "--rows",
        rows_path,
    ).json()
    import pandas as pd

    rows = pd.read_csv(rows_path)  # every counted derivative, traceable to its record
    assert len(rows) == since["derivatives"] and rows["model"].is_unique
    assert rows["source"].str.endswith("model-info-2025-04-10.csv").all()
    assert (rows["fetched_at"].str[:10] == "2025-04-10").all() and rows["created_at"].str[:7].eq(
        "2025-02"
    ).all()
    assert {r["month"] for r in since["monthly"]} == {"2025-02"}
    whole_month = run_cli(
        "ecosystem",
        "diffusion",
        "--db",
        db,
        "--since",
        "2025-02-01",
        "--until",
        "2025-02-28",
        "--relation",
        "finetune",
        "--pipeline-tag",
        "text-generation",
        "--json",
    ).json()
    assert whole_month["derivatives"] == since["derivatives"]  # --until YYYY-MM is the whole month
    assert {r["relation"] for r in since["monthly"]} == {"finetune"}
    assert 0 < since["derivatives"] < payload["derivatives"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('source,target,edge\n"a/b,c/d,finetuned\n', "well-formed"),
        ("from,to,kind\na/b,c/d,finetuned\n", "not a known edge layout"),
        ("source,target,edge\na/b,c d/e f,finetuned\n", "not a Hugging Face repo id"),
        ("source,target,edge\na/b,c/d,cloned\n", "unknown relation"),
        ("source,target,edge\n", "no edges"),
        ("", "empty"),
        ("\x00\x01\x02source,target\n", "binary"),
        ("source,target,edge\na/b,c/d,finetuned\nx/y\n", "row 3 has no child"),
    ],
)
def test_bad_edge_files_exit_2_with_one_sentence_and_write_nothing(run_cli, tmp_path, content, message):
    path = tmp_path / "edges.csv"
    path.write_text(content)
    out = tmp_path / "decisions.csv"
    result = run_cli("ecosystem", "lineage", path, "--unresolved", out, "--json")
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert not out.exists() and result.stdout == ""


def test_empty_and_missing_stores_exit_2(run_cli, tmp_path):
    import duckdb

    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    for args in (
        ("ecosystem", "lineage", empty),
        ("ecosystem", "diffusion", "--db", empty),
        ("ecosystem", "diffusion", "--db", tmp_path / "missing.duckdb"),
        ("ecosystem", "lineage", "store"),
    ):
        result = run_cli(*args)
        assert result.returncode == 2, args
        assert "store" in result.stderr and "Traceback" not in result.stderr


def test_bad_diffusion_options_exit_2_before_writing(run_cli, tmp_path):
    figure = tmp_path / "fig.png"
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a directory is expected")
    for args, message in (
        (("--since", "2025-13"), "--since"),
        (("--relation", "copy"), "relation"),
        (("--since", "2025-03", "--until", "2025-01"), "after"),
        (("--until", "yesterday"), "--until"),
        (("--plot", tmp_path / "fig.txt"), "must end in"),
        (("--plot", tmp_path), "is a directory"),
        (("--plot", blocker / "x.png"), "is a file"),
        (("--rows", tmp_path / "rows.txt"), "--rows"),
    ):
        result = (
            run_cli("ecosystem", "diffusion", *args, "--plot", figure)
            if args[0] != "--plot"
            else run_cli("ecosystem", "diffusion", *args)
        )
        assert result.returncode == 2 and message in result.stderr, args
        assert result.stderr.count("\n") == 1
        assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker"]


def test_lineage_of_a_store_names_the_store_file_and_checks_the_output_path(run_cli, shared_data, tmp_path):
    """`lineage STORE` names the store file as its source and refuses a directory as --unresolved."""
    db = tmp_path / "vc.duckdb"
    assert run_cli("hf", "import", shared_data / R1_INFO, "--db", db).returncode == 0
    table = run_cli("ecosystem", "lineage", db, "--top", "2")
    assert table.returncode == 0 and str(db.resolve()) in table.stdout.replace("\n", "")
    assert "lineage edge file" not in table.stdout
    refused = run_cli("ecosystem", "lineage", db, "--unresolved", tmp_path)
    assert refused.returncode == 2 and "is a directory" in refused.stderr
