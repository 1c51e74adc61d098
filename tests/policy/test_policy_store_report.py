"""Policy tables in the DuckDB store, the report chapter, and grouping by issuing body."""

from __future__ import annotations

from pathlib import Path

from valuechain.policy.analysis import classify_documents, theme_trends
from valuechain.policy.classify import default_classifier
from valuechain.policy.corpora import load_agora, load_cn_policy
from valuechain.policy.store import save_document_themes, save_events
from valuechain.policy.timeline import events_path, load_events
from valuechain.store import Store


def test_save_runs_and_events_twice(tmp_path, shared_data):
    agora = load_agora(shared_data / "policy" / "us-agora-congress" / "ai_laws_enacted_by_congress.csv")
    frame = classify_documents(agora.documents)
    files = default_classifier().dictionaries.files
    with Store(tmp_path / "p.duckdb") as store:
        first = save_document_themes(store, frame, source="agora", dictionary_files=files)
        second = save_document_themes(store, frame, source="agora", dictionary_files=files)
        assert first != second
        counts = store.query(
            "SELECT run_id, count(*) AS n, count(DISTINCT doc_id) AS docs "
            "FROM policy_document_themes GROUP BY 1 ORDER BY 1"
        )
        assert counts["n"].tolist() == [147 * 7, 147 * 7] and counts["docs"].tolist() == [147, 147]
        assert save_events(store, load_events(), source=str(events_path())) == len(load_events())
        assert save_events(store, load_events(), source=str(events_path())) == len(load_events())
        assert int(store.query("SELECT count(*) AS n FROM policy_events")["n"][0]) == len(load_events())
        prov = store.query("SELECT DISTINCT source FROM policy_document_themes")
        assert prov["source"].tolist() == ["agora"]
    # a reopened store (schema already at the current version) takes two more runs without a workaround
    with Store(tmp_path / "p.duckdb") as store:
        save_document_themes(store, frame.head(70), source="agora-part", dictionary_files=files)
        save_document_themes(store, frame.head(70), source="agora-part", dictionary_files=files)
        save_events(store, load_events(), source=str(events_path()))
        runs = store.query(
            "SELECT source, count(DISTINCT run_id) AS runs, count(*) AS n FROM policy_document_themes "
            "GROUP BY 1 ORDER BY 1"
        )
        assert runs.to_dict(orient="list") == {
            "source": ["agora", "agora-part"],
            "runs": [2, 2],
            "n": [2058, 140],
        }


def test_trends_by_issuing_body(shared_data):
    cn = load_cn_policy(shared_data / "policy" / "cn-ai-policy-platform" / "all_policies_unified.csv")
    trends = theme_trends(classify_documents(cn.documents), ["country", "issuing_body"], period="year")
    assert set(trends["issuing_body"]) == {"MIIT", "CAC", "TC260"}
    per_body = trends[trends["theme"] == "standards"].groupby("issuing_body")["documents"].sum().to_dict()
    assert sum(per_body.values()) == 375


def test_report_section(tmp_path):
    from valuechain.policy.report import report_section

    section = report_section(tmp_path)
    assert section.key == "policy"
    for figure in section.figures:
        data = Path(figure.path).read_bytes()
        assert data[:4] == b"\x89PNG" and len(data) > 10_000
    assert "<table>" in section.html and "2022-10-07" in section.html
    assert any("开源节流" in n for n in section.notes)
    assert any("Thin series at 2022-10-07" in n for n in section.notes)
    assert any(f"{section.data['cn_policy_documents']} MIIT/CAC/TC260 documents" in n for n in section.notes)
    assert section.sources and all("location" in s for s in section.sources)
    ba = section.data["before_after_cn_policy"]
    assert {r["theme"] for r in ba["rows"]} >= {"open_source", "standards"}
