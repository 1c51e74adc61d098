"""The OpenAlex connector against a local server replaying OpenAlex's list format: paging, faults, resume."""

from __future__ import annotations

import json
import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scholarly_replay import ReplayOpenAlex, inverted_index, openalex_works

from valuechain.errors import InputError, SourceError
from valuechain.sources import openalex as oa
from valuechain.store import Store

EMAIL = "researcher.polite@example.org"


def fast_client(sleeps=None, timeout=5.0):
    """An OpenAlex client whose waits are recorded instead of slept (no rate limit)."""
    return oa.openalex_client(
        sleep=(sleeps.append if sleeps is not None else (lambda s: None)),
        rate_per_second=None,
        max_attempts=5,
        timeout=timeout,
    )


def expected_ids(works, field="title_and_abstract", term="qwen"):
    """Ids of the works whose title/abstract (or hidden full text) mention ``term``, computed
    independently."""
    out = []
    for work in works:
        words = sorted((p, w) for w, ps in work["abstract_inverted_index"].items() for p in ps)
        text = f"{work['title']} {' '.join(w for _, w in words)}"
        if field == "fulltext":
            text += " " + work.get("_fulltext", "")
        if term in text.lower():
            out.append(work["id"].rsplit("/", 1)[1])
    return out


def test_the_real_work_body_gives_its_work_row_and_authorships(shared_data):
    body = json.loads(
        (shared_data / "fixtures" / "openalex" / "W2741809807.json").read_text(encoding="utf-8")
    )
    row = oa.work_to_row(body)
    assert row["work_id"] == "W2741809807" and row["publication_year"] == 2018
    assert row["abstract"].startswith("Despite growing interest in Open Access (OA) to scholarly literature,")
    assert len(row["abstract"].split(" ")) == sum(len(p) for p in body["abstract_inverted_index"].values())
    rows = oa.authorship_rows(body)
    # one row per (author, institution): every institution of every authorship, in order
    assert len(rows) == sum(max(1, len(a["institutions"])) for a in body["authorships"])
    assert [r["author_index"] for r in rows] == sorted(r["author_index"] for r in rows)
    first = rows[0]
    assert (first["author_name"], first["institution_type"], first["country_code"], first["ror"]) == (
        "Heather Piwowar",
        "company",
        "US",
        "https://ror.org/05ppvf150",
    )
    # the real quirk kept as OpenAlex says it: Université de Montréal typed "funder"
    montreal = [r for r in rows if r["institution_name"] and "Montréal" in r["institution_name"]]
    assert montreal and {r["institution_type"] for r in montreal} == {"funder"}
    assert {r["institution_type"] for r in rows} <= set(oa.INSTITUTION_TYPES)


def test_abstract_rebuilt_from_positions_and_gaps():
    assert oa.rebuild_abstract(inverted_index("a b a c")) == "a b a c"
    assert oa.rebuild_abstract({"world": [1], "hello": [0], "again": [5]}) == "hello world again"
    assert oa.rebuild_abstract(None) is None and oa.rebuild_abstract({}) is None
    with pytest.raises(SourceError):
        oa.rebuild_abstract({"word": "0"})


def test_sync_through_every_fault_stores_each_work_once(shared_data, monkeypatch, caplog):
    monkeypatch.setenv("OPENALEX_EMAIL", EMAIL)
    works = openalex_works(shared_data, 450)
    wanted = expected_ids(works)
    faults = {0: ["429"], 1: ["500", "drop"], 2: ["truncate"], 3: ["truncate-nolength", "429"], 4: ["hang"]}
    sleeps: list[float] = []
    caplog.set_level(logging.DEBUG)
    with ReplayOpenAlex(works, page_size=50, faults=faults, retry_after="7", hang_seconds=3) as server:
        store = Store(":memory:")
        query = oa.WorkQuery(family="qwen", terms=("qwen",), endpoint=server.endpoint)
        result = oa.sync_works(store, query, client=fast_client(sleeps, timeout=0.5))
        requests = list(server.requests)
    stored = store.query("SELECT work_id FROM openalex_works")["work_id"].tolist()
    assert len(wanted) == 338  # 3 in 4 of 450 mention the family
    assert sorted(stored) == sorted(wanted) and len(stored) == len(set(stored))
    assert result.pages == 7 and result.total_count == 338 and result.done  # ceil(338 / 50)
    assert result.retries == 7  # 1 + 2 + 1 + 2 + 1 faults
    assert sum(1 for s in sleeps if s >= 7) == 2  # both 429s waited the 7 s the server asked for
    assert all("per-page=200" in r["path"] for r in requests)
    assert {r["headers"].get("From") for r in requests} == {EMAIL}
    assert all(f"mailto:{EMAIL}" in r["headers"]["User-Agent"] for r in requests)
    sources = store.query("SELECT DISTINCT source FROM openalex_works")["source"].tolist()
    assert sources and not any(EMAIL in s for s in sources) and all("cursor=" in s for s in sources)
    assert EMAIL not in caplog.text and "retry" in caplog.text
    loaded = oa.load_works(store, family="qwen")
    assert len(loaded) == 338 and loaded["text_verifiable"].all() and loaded["sync_done"].all()
    assert loaded["abstract"].notna().all()
    authors = oa.load_authorships(store)
    expected_rows = sum(len(w["authorships"]) for w in works if w["id"].rsplit("/", 1)[1] in set(wanted))
    assert len(authors) == expected_rows
    assert set(authors["institution_type"].dropna()) <= set(oa.INSTITUTION_TYPES)
    no_institution = authors[authors["institution_id"].isna()]
    assert len(no_institution) and set(no_institution["country_code"]) == {"FR"}


def test_cursor_paging_goes_past_ten_thousand_works(shared_data):
    works = openalex_works(shared_data, 13_600, authors=False)
    with ReplayOpenAlex(works, page_size=200) as server:
        store = Store(":memory:")
        result = oa.sync_works(
            store,
            oa.WorkQuery(family="qwen", terms=("qwen",), endpoint=server.endpoint),
            client=fast_client(),
        )
    n = store.query("SELECT count(*) AS n, count(DISTINCT work_id) AS d FROM openalex_works").iloc[0]
    assert n["n"] == n["d"] == 10_200 > 10_000
    assert result.pages == 51 and result.total_count == 10_200


@pytest.mark.parametrize("fail_inside_transaction", [False, True])
def test_killed_sync_resumes_with_every_work_exactly_once(shared_data, monkeypatch, fail_inside_transaction):
    works = openalex_works(shared_data, 264)
    wanted = expected_ids(works)  # 198 works, 8 pages of 25
    with ReplayOpenAlex(works, page_size=25) as server:
        query = oa.WorkQuery(family="qwen", terms=("qwen",), endpoint=server.endpoint)
        store = Store(":memory:")

        class Killed(Exception):
            pass

        if fail_inside_transaction:  # dies after page 4's rows were inserted, before its checkpoint
            original = oa._save_state

            def dying(con, q, state):
                if state["pages"] == 4:
                    raise Killed()
                original(con, q, state)

            monkeypatch.setattr(oa, "_save_state", dying)
            with pytest.raises(Killed):
                oa.sync_works(store, query, client=fast_client())
            monkeypatch.setattr(oa, "_save_state", original)
        else:

            def kill(pages, works_done, total):
                if pages == 4:
                    raise Killed()

            with pytest.raises(Killed):
                oa.sync_works(store, query, client=fast_client(), on_page=kill)
        before = store.query("SELECT count(*) AS n FROM openalex_works")["n"][0]
        assert before == (75 if fail_inside_transaction else 100)
        assert not oa.load_openalex_coverage(store)["done"].iloc[0]
        resumed = oa.sync_works(store, query, client=fast_client())
    stored = store.query("SELECT work_id FROM openalex_works")["work_id"].tolist()
    assert sorted(stored) == sorted(wanted) and len(stored) == len(set(stored))
    assert resumed.resumed and resumed.resumed_after_pages == (3 if fail_inside_transaction else 4)
    assert resumed.pages == 8 - resumed.resumed_after_pages
    assert store.query("SELECT count(DISTINCT fetched_at) AS n FROM openalex_works")["n"][0] == 1
    authors = store.query(
        "SELECT count(*) AS n FROM (SELECT DISTINCT work_id, author_index, institution_id "
        "FROM openalex_authorships)"
    )["n"][0]
    assert store.query("SELECT count(*) AS n FROM openalex_authorships")["n"][0] == authors


def test_fulltext_only_hits_are_marked_unverifiable(shared_data):
    works = openalex_works(shared_data, 120, fulltext_only_every=5)
    in_text, in_fulltext = expected_ids(works), expected_ids(works, "fulltext")
    only_fulltext = set(in_fulltext) - set(in_text)
    assert only_fulltext
    with ReplayOpenAlex(works, page_size=40) as server:
        store = Store(":memory:")
        for query in oa.family_queries("qwen", ["qwen"], fulltext=True, endpoint=server.endpoint):
            oa.sync_works(store, query, client=fast_client())
    loaded = oa.load_works(store, family="qwen").set_index("work_id")
    assert set(loaded.index) == set(in_fulltext)  # each work once, whichever searches found it
    assert set(loaded.index[~loaded["text_verifiable"]]) == only_fulltext
    assert (loaded.loc[list(only_fulltext), "search_field"] == "fulltext").all()
    coverage = oa.load_openalex_coverage(store).set_index("search_field")
    assert coverage.loc["fulltext", "total_count"] == len(in_fulltext)
    assert coverage.loc["title_and_abstract", "works_stored"] == len(in_text)


def test_since_filters_on_publication_date_and_limit_stops(shared_data):
    works = openalex_works(shared_data, 200)
    with ReplayOpenAlex(works, page_size=30) as server:
        store = Store(":memory:")
        oa.sync_works(
            store,
            oa.WorkQuery(family="qwen", terms=("qwen",), since=2024, endpoint=server.endpoint),
            client=fast_client(),
        )
        limited = oa.sync_works(
            store,
            oa.WorkQuery(family="qwen", terms=("qwen",), limit=45, endpoint=server.endpoint),
            client=fast_client(),
        )
        path = server.requests[0]["path"]
    assert "from_publication_date:2024-01-01" in path and "title_and_abstract.search:" in path
    years = store.query("SELECT DISTINCT publication_year FROM openalex_works WHERE query LIKE '%2024%'")
    assert set(years["publication_year"]) <= {2024, 2025}
    assert limited.works == 45 and limited.done and limited.pages == 2


def test_a_malformed_body_stops_with_a_sentence_and_writes_nothing(shared_data):
    works = openalex_works(shared_data, 60)
    with ReplayOpenAlex(works, page_size=10, faults={0: ["malformed"]}) as server:
        store = Store(":memory:")
        with pytest.raises(SourceError, match="works list"):
            oa.sync_works(
                store,
                oa.WorkQuery(family="qwen", terms=("qwen",), endpoint=server.endpoint),
                client=fast_client(),
            )
    assert store.query("SELECT count(*) AS n FROM openalex_works")["n"][0] == 0
    assert store.query("SELECT count(*) AS n FROM openalex_sync_state")["n"][0] == 0


def test_bad_queries_and_two_retry_layers_are_refused():
    with pytest.raises(InputError, match="endpoint"):
        oa.WorkQuery(family="qwen", terms=("qwen",), endpoint="ftp://x")
    with pytest.raises(InputError, match="search term"):
        oa.WorkQuery(family="qwen", terms=('qwen" OR "x',))
    with pytest.raises(InputError, match="no search terms"):
        oa.WorkQuery(family="qwen", terms=())
    with pytest.raises(InputError, match="--since"):
        oa.WorkQuery(family="qwen", terms=("qwen",), since=23)
    import pyalex

    pyalex.config["max_retries"] = 3
    try:
        with pytest.raises(InputError, match="max_retries"):
            oa.openalex_client()
    finally:
        pyalex.config["max_retries"] = 0


def test_the_first_url_is_pyalex_filter_syntax_on_our_endpoint():
    query = oa.WorkQuery(family="qwen", terms=("qwen2.5", "qwen"), since=2023, endpoint="http://127.0.0.1:9")
    url = query.first_url()
    assert url.startswith("http://127.0.0.1:9/works?filter=title_and_abstract.search:")
    assert "%22qwen%22+OR+%22qwen2.5%22" in url and ",from_publication_date:2023-01-01" in url
    assert url.endswith("&per-page=200&cursor=*")
    assert "&select=id,doi,title,display_name," in url and "authorships,abstract_inverted_index" in url
    assert oa.with_cursor(url, "IlsxNiwgIlcxIl0i").endswith("cursor=IlsxNiwgIlcxIl0i")


def test_readers_of_a_never_synced_read_only_store_return_empty_frames_and_write_nothing(tmp_path):
    from valuechain.sources import patentsview as pv

    path = tmp_path / "empty.duckdb"
    Store(path).close()
    with Store(path, read_only=True) as store:
        for reader in (
            oa.load_works,
            oa.load_authorships,
            oa.load_openalex_coverage,
            pv.load_patents,
            pv.load_patent_assignees,
            pv.load_patent_coverage,
        ):
            frame = reader(store)
            assert frame.empty and len(frame.columns) > 3
        assert "family" in oa.load_works(store).columns and "type" in pv.load_patent_assignees(store).columns
        assert not store.has_table("openalex_works") and not store.has_table("patentsview_searches")


def test_the_api_key_goes_as_a_bearer_header_never_into_urls_or_messages(shared_data, monkeypatch, caplog):
    key = "oa-TestSecretKey-0123456789"
    works = openalex_works(shared_data, 40)
    monkeypatch.setenv("OPENALEX_API_KEY", key)
    caplog.set_level(logging.DEBUG)
    with ReplayOpenAlex(works, page_size=20, api_key=key) as server:
        store = Store(":memory:")
        query = oa.WorkQuery(family="qwen", terms=("qwen",), endpoint=server.endpoint)
        result = oa.sync_works(store, query, client=fast_client())
        assert result.done and result.works == len(expected_ids(works))
        assert {r["headers"].get("Authorization") for r in server.requests} == {f"Bearer {key}"}
        assert not any(key in r["path"] for r in server.requests)
        monkeypatch.setenv("OPENALEX_API_KEY", "a-wrong-key-000")
        with pytest.raises(SourceError, match="refused access.*OPENALEX_API_KEY") as refused:
            oa.sync_works(Store(":memory:"), query, client=fast_client())
    assert key not in caplog.text and "a-wrong-key-000" not in str(refused.value)
    assert not store.query("SELECT count(*) AS n FROM openalex_works WHERE source LIKE ?", [f"%{key}%"])["n"][
        0
    ]


def test_a_finished_sync_run_again_is_a_new_snapshot_and_restart_discards_a_partial_run(shared_data):
    works = openalex_works(shared_data, 80)
    wanted = expected_ids(works)
    with ReplayOpenAlex(works, page_size=20) as server:
        store = Store(":memory:")
        query = oa.WorkQuery(family="qwen", terms=("qwen",), endpoint=server.endpoint)
        first = oa.sync_works(store, query, client=fast_client())
        second = oa.sync_works(store, query, client=fast_client())
        assert first.done and second.done and not second.resumed and second.fetched_at > first.fetched_at
        runs = store.query("SELECT fetched_at, count(*) AS n FROM openalex_works GROUP BY 1 ORDER BY 1")
        assert runs["n"].tolist() == [len(wanted), len(wanted)]  # history kept, one row per run and work
        loaded = oa.load_works(store)
        assert (
            sorted(loaded["work_id"]) == sorted(wanted) and (loaded["fetched_at"] == second.fetched_at).all()
        )

        def kill(pages, done, total):
            if pages == 2:
                raise RuntimeError("killed")

        with pytest.raises(RuntimeError):
            oa.sync_works(store, query, client=fast_client(), on_page=kill)
        restarted = oa.sync_works(store, query, client=fast_client(), restart=True)
    assert not restarted.resumed and restarted.pages == 3
    runs = store.query("SELECT fetched_at, count(*) AS n FROM openalex_works GROUP BY 1 ORDER BY 1")
    assert runs["n"].tolist() == [len(wanted)] * 3  # the killed run's 40 rows were discarded


_word = st.text(st.characters(blacklist_categories=("Cs", "Zs", "Cc")), min_size=1, max_size=8)


@settings(max_examples=200, deadline=None)
@given(st.lists(_word, min_size=1, max_size=60))
def test_an_abstract_survives_the_inverted_index_round_trip(words):
    text = " ".join(words)
    assert oa.rebuild_abstract(inverted_index(text)) == text


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=3), min_size=0, max_size=6))
def test_one_authorship_row_per_institution_or_one_without(institutions_per_author):
    work = {
        "id": "https://openalex.org/W1",
        "authorships": [
            {
                "author": {"id": f"https://openalex.org/A{i}", "display_name": f"a{i}"},
                "countries": ["JP"],
                "institutions": [
                    {"id": f"https://openalex.org/I{i}{j}", "country_code": "US", "type": "Education"}
                    for j in range(n)
                ],
            }
            for i, n in enumerate(institutions_per_author)
        ],
    }
    rows = oa.authorship_rows(work)
    assert len(rows) == sum(max(1, n) for n in institutions_per_author)
    for row, n in ((r, institutions_per_author[r["author_index"]]) for r in rows):
        if n == 0:
            assert row["institution_id"] is None and row["country_code"] == "JP"
        else:
            assert row["country_code"] == "US" and row["institution_type"] == "education"
