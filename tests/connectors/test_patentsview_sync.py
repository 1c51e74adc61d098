"""The PatentsView connector against a local server replaying the PatentSearch API: paging, faults, resume,
coverage (a zero is a measured zero)."""

from __future__ import annotations

import json
import logging
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scholarly_replay import ReplayPatentsView, patentsview_records

from valuechain.errors import InputError, SourceError
from valuechain.sources import patentsview as pv
from valuechain.store import Store

KEY = "pv-TestSecretKey-0123456789"


def fast_client(sleeps=None, timeout=5.0):
    return pv.patentsview_client(
        KEY,
        sleep=(sleeps.append if sleeps is not None else (lambda s: None)),
        rate_per_second=None,
        max_attempts=5,
        timeout=timeout,
    )


def expected(records, term="qwen", since=None):
    """Document ids per (kind, group) computed from the served records, independently of the connector."""
    term = term.lower()

    def dated(day):
        return since is None or day >= f"{since}-01-01"

    patents = {r["patent_id"]: r for r in records["patent"]}
    pubs = {str(r["document_number"]): r for r in records["publication"]}
    return (
        {
            ("granted", "title_abstract"): {
                p
                for p, r in patents.items()
                if dated(r["patent_date"])
                and (term in r["patent_title"].lower() or term in r["patent_abstract"].lower())
            },
            ("granted", "claims"): {
                c["patent_id"] for c in records["g_claim"] if term in c["claim_text"].lower()
            },
            ("pre-grant", "title_abstract"): {
                d
                for d, r in pubs.items()
                if dated(r["publication_date"])
                and (term in r["publication_title"].lower() or term in r["publication_abstract"].lower())
            },
            ("pre-grant", "claims"): {
                str(c["document_number"]) for c in records["pg_claim"] if term in c["claim_text"].lower()
            },
        },
        patents,
        pubs,
    )


def test_the_real_patent_body_gives_its_document_and_assignees(shared_data):
    folder = shared_data / "fixtures" / "patentsview"
    body = json.loads((folder / "patent_5116621_all_fields.json").read_text(encoding="utf-8"))["patents"][0]
    spec = pv.SPECS[0]
    row = pv.document_row(body, spec)
    assert row == {
        "document_id": "5116621",
        "title": "Anti-inflammatory analgesic patch",
        "abstract": body["patent_abstract"],
        "date": date(1992, 5, 26),
        "year": 1992,
        "filing_date": date(1990, 12, 24),
    }
    assignees = pv.assignee_rows(body, spec)
    assert [(a["organization"], a["country"], a["type_code"], a["sequence"]) for a in assignees] == [
        ("TEIKOKU SEIYAKU CO., LTD.", "JP", "3", 1),
        ("Lederle (Japan), Ltd.", "JP", "3", 0),
    ]
    assert pv.assignee_type("3") == "foreign company or corporation"
    assert pv.assignee_type("2") == "US company or corporation" and pv.assignee_type("12").startswith(
        "part interest"
    )
    raytheon = json.loads((folder / "patent_10000000_assignees.json").read_text(encoding="utf-8"))["patents"][
        0
    ]
    assert [(a["country"], a["type_code"]) for a in pv.assignee_rows(raytheon, spec)] == [("US", "2")]
    publication = json.loads((folder / "publication_20010000002.json").read_text(encoding="utf-8"))
    pub_row = pv.document_row(publication["publications"][0], pv.SPECS[2])
    assert pub_row["document_id"] == "20010000002" and pub_row["date"] == date(2001, 3, 15)
    empty = json.loads((folder / "withdrawn_patent_empty.json").read_text(encoding="utf-8"))
    assert empty == {"error": False, "count": 0, "total_hits": 0, "patents": []}


def test_real_paging_bodies_chain_through_after():
    """The recorded page 2 was asked with ``after`` = page 1's last patent_id, which is what we send."""
    from valuechain.config import data_dir

    folder = data_dir() / "fixtures" / "patentsview"
    page1 = json.loads((folder / "patents_2000-01-04_page1.json").read_text(encoding="utf-8"))
    page2 = json.loads((folder / "patents_2000-01-04_page2_after_6009654.json").read_text(encoding="utf-8"))
    spec = pv.SearchSpec(
        "granted",
        "title_abstract",
        "patent",
        "patents",
        "patent_id",
        ("patent_title",),
        "patent_date",
        ("patent_id",),
        ("patent_id",),
    )
    assert pv._after(page1["patents"][-1], spec) == "6009654"
    assert int(page2["patents"][0]["patent_id"]) == int(page1["patents"][-1]["patent_id"]) + 1
    assert page1["total_hits"] == page2["total_hits"] == 3001


def run_family(store, server, term="Qwen", since=None, page_size=1000, client=None):
    searches = pv.family_searches("qwen", [term], since=since, endpoint=server.endpoint, page_size=page_size)
    return [pv.sync_search(store, s, client or fast_client()) for s in searches]


def test_sync_through_every_fault_stores_each_document_once(shared_data, caplog):
    records = patentsview_records(shared_data, 90, 60)
    wanted, patents, pubs = expected(records)
    page = ReplayPatentsView.fault_page
    faults = {
        page("patent", 0): ["429"],
        page("patent", 1): ["500", "drop"],
        page("g_claim", 0): ["truncate"],
        page("publication", 1): ["truncate-nolength", "hang"],
        page("pg_claim", 0): ["429"],
    }
    sleeps: list[float] = []
    caplog.set_level(logging.DEBUG)
    with ReplayPatentsView(
        records, KEY, page_size=8, faults=faults, retry_after="5", hang_seconds=3
    ) as server:
        store = Store(":memory:")
        results = run_family(store, server, client=fast_client(sleeps, timeout=0.5))
        keys = {r["headers"].get("X-Api-Key") for r in server.requests}
    assert keys == {KEY}
    assert KEY not in caplog.text and "retry" in caplog.text
    assert sum(1 for s in sleeps if s >= 5) == 2
    stored = store.query("SELECT kind, document_id FROM patentsview_hits")
    assert len(stored) == len(stored.drop_duplicates())
    loaded = pv.load_patents(store, family="qwen")
    for kind in ("granted", "pre-grant"):
        union = wanted[(kind, "title_abstract")] | wanted[(kind, "claims")]
        got = loaded[loaded["kind"] == kind]
        assert set(got["document_id"]) == union and len(got) == len(union)
    claims_only = wanted[("granted", "claims")] - wanted[("granted", "title_abstract")]
    assert claims_only  # some patents mention the family only in a claim
    granted = loaded[loaded["kind"] == "granted"].set_index("document_id")
    assert all(list(granted.loc[p, "matched_fields"]) == ["claims"] for p in claims_only)
    sample = next(iter(wanted[("granted", "title_abstract")]))
    assert granted.loc[sample, "title"] == patents[sample]["patent_title"]
    assert str(granted.loc[sample, "date"])[:10] == patents[sample]["patent_date"]
    assignees = pv.load_patent_assignees(store, family="qwen")
    assert set(assignees["document_id"]) == set(loaded["document_id"])
    assert set(assignees["country"]) <= {"CN", "US", "KR"} and "US company or corporation" in set(
        assignees["type"]
    )
    coverage = pv.load_patent_coverage(store).set_index(["kind", "field_group"])
    assert coverage["done"].all() and (coverage["api_version"] == pv.API_VERSION).all()
    for (kind, group), ids in wanted.items():
        row = coverage.loc[(kind, group)]
        if group == "title_abstract":
            assert row["total_hits"] == row["hits_stored"] == row["documents_stored"] == len(ids)
            assert row["hit_unit"] == "documents"
        else:
            claims = [
                c
                for c in records["g_claim" if kind == "granted" else "pg_claim"]
                if "qwen" in c["claim_text"].lower()
            ]
            assert row["total_hits"] == row["hits_stored"] == len(claims) and row["hit_unit"] == "claims"
    assert list(coverage.loc[("granted", "title_abstract"), "fields_searched"]) == [
        "patent_title",
        "patent_abstract",
    ]
    assert {r.search.spec.kind for r in results} == {"granted", "pre-grant"}


def test_a_family_nobody_patents_is_a_measured_zero(shared_data):
    records = patentsview_records(shared_data, 30, 20)
    with ReplayPatentsView(records, KEY, page_size=10) as server:
        store = Store(":memory:")
        results = run_family(store, server, term="Baichuan", since=2021)
    assert all(r.total_hits == 0 and r.done for r in results)
    coverage = pv.load_patent_coverage(store, family="qwen")
    assert len(coverage) == 4 and (coverage["total_hits"] == 0).all() and coverage["done"].all()
    assert set(coverage["date_from"].astype(str)) == {"2021-01-01"}
    assert pv.load_patents(store).empty


def test_since_limits_the_search_and_the_documents_of_claim_hits(shared_data):
    records = patentsview_records(shared_data, 60, 0)
    wanted, patents, _ = expected(records, since=2022)
    with ReplayPatentsView(records, KEY, page_size=7) as server:
        store = Store(":memory:")
        run_family(store, server, since=2022)
        first = server.requests[0]["path"]
    assert "patent_date" in first and "2022-01-01" in first
    loaded = pv.load_patents(store, family="qwen")
    in_range_claims = {p for p in wanted[("granted", "claims")] if patents[p]["patent_date"] >= "2022-01-01"}
    assert set(loaded["document_id"]) == wanted[("granted", "title_abstract")] | in_range_claims
    assert (loaded["date"].astype(str) >= "2022-01-01").all()
    coverage = pv.load_patent_coverage(store).set_index(["kind", "field_group"])
    assert coverage.loc[("granted", "claims"), "date_applied_to"].startswith("documents found")


@pytest.mark.parametrize("fail_inside_transaction", [False, True])
def test_killed_sync_resumes_with_every_record_exactly_once(
    shared_data, monkeypatch, fail_inside_transaction
):
    records = patentsview_records(shared_data, 120, 0)
    wanted, _, _ = expected(records)
    with ReplayPatentsView(records, KEY, page_size=9) as server:
        store = Store(":memory:")
        search = pv.family_searches("qwen", ["Qwen"], endpoint=server.endpoint)[0]

        class Killed(Exception):
            pass

        if fail_inside_transaction:
            original = pv._save_search

            def dying(con, s, state):
                if state["pages"] == 3:
                    raise Killed()
                original(con, s, state)

            monkeypatch.setattr(pv, "_save_search", dying)
            with pytest.raises(Killed):
                pv.sync_search(store, search, fast_client())
            monkeypatch.setattr(pv, "_save_search", original)
        else:

            def kill(pages, hits, total):
                if pages == 3:
                    raise Killed()

            with pytest.raises(Killed):
                pv.sync_search(store, search, fast_client(), on_page=kill)
        assert store.query("SELECT count(*) AS n FROM patentsview_hits")["n"][0] == (
            18 if fail_inside_transaction else 27
        )
        assert not pv.load_patent_coverage(store)["done"].iloc[0]
        resumed = pv.sync_search(store, search, fast_client())
    hits = store.query("SELECT document_id FROM patentsview_hits")["document_id"].tolist()
    assert sorted(hits) == sorted(wanted[("granted", "title_abstract")]) and len(hits) == len(set(hits))
    docs = store.query("SELECT document_id FROM patentsview_documents")["document_id"].tolist()
    assert len(docs) == len(set(docs)) == len(hits)
    assert (
        resumed.resumed
        and store.query("SELECT count(DISTINCT fetched_at) AS n FROM patentsview_hits")["n"][0] == 1
    )


def test_a_killed_claim_search_resumes_its_document_fetches(shared_data, monkeypatch):
    records = patentsview_records(shared_data, 300, 0)
    wanted, _, _ = expected(records)
    monkeypatch.setattr(pv, "DETAIL_BATCH", 10)
    with ReplayPatentsView(records, KEY, page_size=50) as server:
        store = Store(":memory:")
        search = pv.family_searches("qwen", ["Qwen"], endpoint=server.endpoint)[1]  # granted claims
        original = pv.write_documents
        calls = []

        def dying(con, s, recs, **kwargs):
            calls.append(1)
            if len(calls) == 2:
                raise RuntimeError("killed")
            return original(con, s, recs, **kwargs)

        monkeypatch.setattr(pv, "write_documents", dying)
        with pytest.raises(RuntimeError):
            pv.sync_search(store, search, fast_client())
        monkeypatch.setattr(pv, "write_documents", original)
        assert store.query("SELECT count(*) AS n FROM patentsview_documents")["n"][0] == 10
        pv.sync_search(store, search, fast_client())
    docs = store.query("SELECT document_id FROM patentsview_documents")["document_id"].tolist()
    assert sorted(docs) == sorted(wanted[("granted", "claims")]) and len(docs) == len(set(docs))


def test_missing_key_bad_input_and_malformed_bodies(shared_data, monkeypatch):
    monkeypatch.delenv("PATENTSVIEW_API_KEY", raising=False)
    with pytest.raises(InputError, match="set PATENTSVIEW_API_KEY"):
        pv.patentsview_client()
    with pytest.raises(InputError, match="--since"):
        pv.family_searches("qwen", ["Qwen"], since=1900)
    with pytest.raises(InputError, match="search term"):
        pv.family_searches("qwen", ['Qwen"}'])
    records = patentsview_records(shared_data, 20, 0)
    with ReplayPatentsView(records, KEY, faults={0: ["malformed"]}) as server:
        store = Store(":memory:")
        search = pv.family_searches("qwen", ["Qwen"], endpoint=server.endpoint)[0]
        with pytest.raises(SourceError, match="is not a list of records|PatentSearch result"):
            pv.sync_search(store, search, fast_client())
    assert store.query("SELECT count(*) AS n FROM patentsview_searches")["n"][0] == 0
    assert store.query("SELECT count(*) AS n FROM patentsview_hits")["n"][0] == 0
    with ReplayPatentsView(records, "another-key") as server:  # a key the API refuses: one sentence
        search = pv.family_searches("qwen", ["Qwen"], endpoint=server.endpoint)[0]
        with pytest.raises(SourceError, match="refused access") as refused:
            pv.sync_search(Store(":memory:"), search, fast_client())
    assert KEY not in str(refused.value)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 .+:/-]{0,20}", fullmatch=True), min_size=1, max_size=5),
    st.one_of(st.none(), st.integers(min_value=1976, max_value=2030)),
    st.one_of(st.none(), st.text(min_size=1, max_size=12), st.integers(min_value=0, max_value=10**11)),
)
def test_request_urls_carry_the_query_as_json_that_round_trips(terms, since, after):
    from urllib.parse import parse_qs, urlparse

    search = pv.family_searches("f", terms, since=since, endpoint="http://127.0.0.1:9/api/v1")[2]
    url = search.url(after)
    params = {k: json.loads(v[0]) for k, v in parse_qs(urlparse(url).query).items()}
    assert urlparse(url).path == "/api/v1/publication/"
    assert params["q"] == search.query() and params["f"] == list(pv.SPECS[2].return_fields)
    assert params["s"] == [{"document_number": "asc"}]
    assert params["o"] == ({"size": 1000} if after is None else {"size": 1000, "after": after})
    phrases = [c["_text_phrase"] for c in (params["q"]["_and"][0] if since else params["q"])["_or"]]
    assert {p.get("publication_title") or p.get("publication_abstract") for p in phrases} == {
        t.strip() for t in terms
    }
