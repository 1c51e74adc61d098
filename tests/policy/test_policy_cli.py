"""End-to-end `valuechain policy ...` commands, including bad input (one sentence, exit code 2)."""

from __future__ import annotations

import pytest


def _one_sentence_error(result) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.stderr


def test_timeline_json(run_cli):
    r = run_cli("policy", "timeline", "--country", "US", "--since", "2022-01-01", "--json")
    assert r.returncode == 0, r.stderr
    data = r.json()
    assert data["count"] == len(data["events"]) > 10
    assert all(e["country"] == "US" and e["date"] >= "2022-01-01" for e in data["events"])
    assert {"date", "title_en", "category", "source_url", "verification"} <= set(data["events"][0])
    assert data["sources"] and data["schema_version"]
    assert "2022-10-07" in data["shocks"]


def test_classify_text_and_file(run_cli, tmp_path):
    r = run_cli("policy", "classify", "推广开源技术，建设开源社区。中央财政要开源节流。", "--json")
    assert r.returncode == 0, r.stderr
    data = r.json()
    assert data["language"] == "zh"
    assert set(data["themes"]) >= {
        "open_source",
        "ecosystem",
        "standards",
        "resilience",
        "compute",
        "free_market",
        "chokepoint",
    }
    assert data["themes"]["open_source"] == {
        "present": True,
        "hits": 2,
        "evidence": ["推广开源技术，建设开源社区。"],
        "discarded": [
            {"term": "开源", "reason": "false friend: 开源节流", "sentence": "中央财政要开源节流。"}
        ],
    }
    page = tmp_path / "rule.html"
    page.write_text(
        "<html><body><p>The rule imposes export controls on advanced computing chips.</p></body></html>",
        encoding="utf-8",
    )
    r = run_cli("policy", "classify", str(page), "--lang", "auto", "--json")
    assert r.returncode == 0, r.stderr
    themes = r.json()["themes"]
    assert themes["chokepoint"]["present"] and themes["compute"]["present"]
    assert themes["chokepoint"]["evidence"] == [
        "The rule imposes export controls on advanced computing chips."
    ]


def test_trends_cn_policy_shock_and_plot(run_cli, tmp_path):
    plot = tmp_path / "fig.png"
    r = run_cli(
        "policy", "trends", "--corpus", "cn-policy", "--shock", "2022-10-07", "--plot", str(plot), "--json"
    )
    assert r.returncode == 0, r.stderr
    data = r.json()
    assert data["documents"] == 375
    (ba,) = data["before_after"]
    rows = {row["theme"]: row for row in ba["rows"]}
    assert rows["open_source"]["k_after"] == 4 and rows["open_source"]["thin"] is True
    assert any("thin" in n.lower() for n in data["notes"])
    assert plot.exists() and plot.read_bytes()[:4] == b"\x89PNG"
    r = run_cli("policy", "trends", "--corpus", "cn-policy", "--shock", "2022-10-07")
    assert r.returncode == 0 and "before vs after 2022-10-07" in r.stdout


def test_corpus_summary(run_cli):
    r = run_cli("policy", "corpus", "gwr", "--json")
    assert r.returncode == 0, r.stderr
    data = r.json()
    assert data["documents"] == 71 and sum(data["dropped"].values()) == 1


def test_bad_input_is_one_sentence(run_cli, tmp_path):
    r = run_cli("policy", "classify", "")
    _one_sentence_error(r)
    assert "The text to classify is empty." in r.stderr
    r = run_cli(
        "policy",
        "classify",
        "Die Bundesregierung fördert Open-Source-Software in allen öffentlichen Verwaltungen des Landes.",
    )
    _one_sentence_error(r)
    assert "does not read as English" in r.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("negation: {zh: {window: abc}}\n", encoding="utf-8")
    r = run_cli("policy", "classify", "开源社区", "--dict", str(bad))
    _one_sentence_error(r)
    assert "negation.zh.window" in r.stderr
    r = run_cli("policy", "trends", "--corpus", "cn-policy", "--plot", str(tmp_path))
    _one_sentence_error(r)
    assert "is a directory" in r.stderr
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "note.txt").write_text("Export controls on advanced chips.", encoding="utf-8")
    r = run_cli(
        "policy",
        "trends",
        "--corpus",
        str(folder),
        "--country",
        "US",
        "--date",
        "2023-11-01",
        "--shock",
        "2030-01-01",
    )
    _one_sentence_error(r)
    assert "2030-01-01" in r.stderr


@pytest.mark.parametrize("case", ["empty", "binary", "russian", "missing"])
def test_classify_bad_input(run_cli, tmp_path, case):
    if case == "empty":
        target = tmp_path / "empty.txt"
        target.write_bytes(b"")
    elif case == "binary":
        target = tmp_path / "blob.txt"
        target.write_bytes(bytes(range(256)) * 8)
    elif case == "russian":
        target = tmp_path / "ru.txt"
        target.write_text(
            "Правительство поддерживает открытое программное обеспечение и экосистему.", encoding="utf-8"
        )
    else:
        target = tmp_path / "nothere.txt"
    _one_sentence_error(run_cli("policy", "classify", str(target)))


def test_bad_dates_and_corpora(run_cli, tmp_path):
    _one_sentence_error(run_cli("policy", "trends", "--corpus", "cn-policy", "--shock", "2022-13-45"))
    _one_sentence_error(run_cli("policy", "timeline", "--since", "last year"))
    _one_sentence_error(run_cli("policy", "trends", "--corpus", "no-such-corpus"))
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "note.txt").write_text("Export controls on advanced chips.", encoding="utf-8")
    _one_sentence_error(
        run_cli("policy", "trends", "--corpus", str(folder), "--country", "US", "--date", "soon")
    )
    r = run_cli(
        "policy", "trends", "--corpus", str(folder), "--country", "US", "--date", "2023-11-01", "--json"
    )
    assert r.returncode == 0, r.stderr
    assert r.json()["documents"] == 1


def test_trends_save_to_store_and_corpus_listing(run_cli, tmp_path):
    db = tmp_path / "policy.duckdb"
    r = run_cli("policy", "trends", "--corpus", "agora", "--by", "body", "--save", "--db", str(db), "--json")
    assert r.returncode == 0, r.stderr
    assert r.json()["stored_run_id"].startswith("agora@")
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(DISTINCT doc_id) FROM policy_document_themes").fetchone()[0] == 147
    con.close()
    r = run_cli("policy", "corpus", "agora", "--list", "--json")
    docs = r.json()["document_list"]
    assert len(docs) == 147 and {d["date_precision"] for d in docs} == {"fiscal-year", "congress", "year"}


def test_trends_defaults_to_each_shock(run_cli):
    r = run_cli("policy", "trends", "--corpus", "gwr", "--since", "2010-01-01", "--json")
    assert r.returncode == 0, r.stderr
    data = r.json()
    assert [b["shock"] for b in data["before_after"]] == [
        "2022-08-09",
        "2022-10-07",
        "2023-10-17",
        "2024-04-04",
        "2024-12-02",
        "2025-01-13",
    ]
    # the 2025 report is dated to the year only: it straddles the 2025-01-13 shock and is set aside
    assert data["before_after"][-1]["straddling_documents_set_aside"] >= 1
