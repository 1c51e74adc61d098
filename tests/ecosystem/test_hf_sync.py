"""The Hub connector against a local server replaying real API responses: paging, faults, resume."""

from __future__ import annotations

import json
import logging

import pytest
from hf_replay import ReplayHub, deepseek_dumps, fixture_records, modelinfo_dump_to_api

from valuechain.ecosystem.hf_import import import_file
from valuechain.errors import InputError, SourceError
from valuechain.sources import huggingface as hf
from valuechain.sources.hf_tables import read_checkpoint
from valuechain.store import Store

TOKEN = "hf_TestSecretToken0123456789"


@pytest.fixture(scope="module")
def records(shared_data):
    """Real model_info bodies (35) + the DeepSeek-R1 tree's 225 records in API form: 260 models."""
    fixtures = fixture_records(shared_data)
    deepseek = [modelinfo_dump_to_api(d) for d in deepseek_dumps(shared_data)]
    out = fixtures + deepseek
    assert len({r["id"] for r in out}) == len(out) == len(fixtures) + 225
    return out


def fast_client(sleeps=None):
    """A Hub client whose waits are recorded instead of slept (no rate limit, quick backoff)."""
    return hf.hf_client(
        sleep=(sleeps.append if sleeps is not None else (lambda s: None)),
        rate_per_second=None,
        max_attempts=5,
    )


def stored_ids(store):
    return store.query("SELECT id FROM hf_models")["id"].tolist()


def test_sync_with_every_fault_stores_every_row_exactly_once(records, monkeypatch, caplog):
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    faults = {
        0: ["429"],
        1: ["500", "drop"],
        2: ["truncate"],
        3: ["truncate-nolength", "429", "500"],
        5: ["truncate-gzip", "429-ratelimit"],
    }
    sleeps: list[float] = []
    caplog.set_level(logging.DEBUG)
    with ReplayHub(records, page_size=40, faults=faults, retry_after="7") as hub:
        store = Store(":memory:")
        result = hf.sync_models(store, hf.ModelQuery(endpoint=hub.endpoint), client=fast_client(sleeps))
        pages_served = list(hub.pages_served)
        sent_auth = {r["headers"].get("Authorization") for r in hub.requests}
    ids = stored_ids(store)
    assert sorted(ids) == sorted(r["id"] for r in records)
    assert len(ids) == len(set(ids)) == 260
    assert result.pages == 7 and pages_served == list(range(7))  # ceil(260 / 40)
    assert result.retries == 9 and result.attempts == 7 + 9  # 1 + 2 + 1 + 3 + 2 faults
    assert sum(1 for s in sleeps if s >= 7) == 3  # every 429 waited the 7 s the server asked for
    assert sent_auth == {f"Bearer {TOKEN}"}
    assert TOKEN not in caplog.text and "retry" in caplog.text
    assert store.query("SELECT count(*) AS n FROM hf_models_latest")["n"][0] == 260
    state = read_checkpoint(store, hf.ModelQuery(endpoint=hub.endpoint).key())
    assert state["done"] and state["next_url"] is None and state["models"] == 260


def test_rows_carry_the_expanded_fields_of_the_api(records):
    with ReplayHub(records, page_size=100) as hub:
        store = Store(":memory:")
        hf.sync_models(
            store, hf.ModelQuery(endpoint=hub.endpoint, author="HuggingFaceH4"), client=fast_client()
        )
    row = store.query("SELECT * FROM hf_models WHERE id = 'HuggingFaceH4/zephyr-7b-beta'").iloc[0]
    body = next(r for r in records if r["id"] == "HuggingFaceH4/zephyr-7b-beta")
    assert row["downloads"] == body["downloads"] and row["likes"] == body["likes"]
    assert row["sha"] == body["sha"] and row["gated"] == "false"
    assert str(row["created_at"]).startswith(body["createdAt"][:10])
    assert list(row["tags"]) == body["tags"]
    assert json.loads(row["card_data"]) == body["cardData"]
    assert set(store.query("SELECT author FROM hf_models")["author"]) == {"HuggingFaceH4"}
    edges = store.query(
        "SELECT parent, relation, origin FROM hf_lineage WHERE child = 'HuggingFaceH4/zephyr-7b-beta'"
    )
    assert edges.values.tolist() == [["mistralai/Mistral-7B-v0.1", "finetune", "tag"]]


@pytest.mark.parametrize("fail_inside_transaction", [False, True])
def test_killed_sync_resumes_and_ends_with_every_row_exactly_once(
    records, monkeypatch, fail_inside_transaction
):
    from valuechain.sources import hf_tables

    query_pages = 9  # 260 records, 30 a page
    with ReplayHub(records, page_size=30) as hub:
        query = hf.ModelQuery(endpoint=hub.endpoint)
        store = Store(":memory:")

        class Killed(Exception):
            pass

        if fail_inside_transaction:  # dies after inserting page 4's rows, before its checkpoint
            original = hf_tables.save_checkpoint

            def dying(con, state):
                if state["pages"] == 4:
                    raise Killed()
                original(con, state)

            monkeypatch.setattr(hf_tables, "save_checkpoint", dying)
            with pytest.raises(Killed):
                hf.sync_models(store, query, client=fast_client())
            monkeypatch.setattr(hf_tables, "save_checkpoint", original)
        else:  # dies after page 4 was committed

            def kill(pages, models, limit):
                if pages == 4:
                    raise Killed()

            with pytest.raises(Killed):
                hf.sync_models(store, query, client=fast_client(), on_page=kill)
        assert len(stored_ids(store)) == 90 if fail_inside_transaction else 120
        first_fetch = store.query("SELECT DISTINCT fetched_at FROM hf_models")["fetched_at"].tolist()
        resumed = hf.sync_models(store, query, client=fast_client())
    ids = stored_ids(store)
    assert sorted(ids) == sorted(r["id"] for r in records) and len(ids) == len(set(ids))
    assert resumed.resumed and resumed.resumed_after_pages == (3 if fail_inside_transaction else 4)
    assert resumed.pages == query_pages - resumed.resumed_after_pages
    # a resumed run is one snapshot: the same fetched_at as the pages written before the kill
    assert store.query("SELECT DISTINCT fetched_at FROM hf_models")["fetched_at"].tolist() == first_fetch
    n_edges = store.query("SELECT count(*) AS n FROM hf_lineage")["n"][0]
    unique_edges = store.query("SELECT count(*) AS n FROM (SELECT DISTINCT child, parent FROM hf_lineage)")
    assert n_edges == unique_edges["n"][0]


def test_restart_discards_the_partial_run_and_its_rows(records):
    with ReplayHub(records[:90], page_size=20) as hub:
        store = Store(":memory:")
        query = hf.ModelQuery(endpoint=hub.endpoint)
        hf.sync_models(
            store, hf.ModelQuery(endpoint=hub.endpoint, author="deepseek-ai"), client=fast_client()
        )  # another query's snapshot must survive the restart
        other = len(stored_ids(store))
        assert other >= 1

        def kill(pages, models, limit):
            if pages == 2:
                raise RuntimeError("killed")

        with pytest.raises(RuntimeError):
            hf.sync_models(store, query, client=fast_client(), on_page=kill)
        assert len(stored_ids(store)) == other + 40
        result = hf.sync_models(store, query, client=fast_client(), restart=True)
    assert not result.resumed and result.models == 90
    assert len(stored_ids(store)) == other + 90
    assert store.query("SELECT count(DISTINCT fetched_at) AS n FROM hf_models")["n"][0] == 2


def test_a_finished_sync_run_again_is_a_new_snapshot(records):
    with ReplayHub(records[:50], page_size=20) as hub:
        store = Store(":memory:")
        query = hf.ModelQuery(endpoint=hub.endpoint)
        hf.sync_models(store, query, client=fast_client())
        second = hf.sync_models(store, query, client=fast_client())
    assert not second.resumed and second.models == 50
    assert store.query("SELECT count(*) AS n FROM hf_models")["n"][0] == 100
    assert store.query("SELECT count(*) AS n FROM hf_models_latest")["n"][0] == 50
    assert store.query("SELECT count(DISTINCT fetched_at) AS n FROM hf_models")["n"][0] == 2


def test_limit_stops_after_that_many_models_and_resumes_within_it(records):
    with ReplayHub(records, page_size=25) as hub:
        store = Store(":memory:")
        query = hf.ModelQuery(endpoint=hub.endpoint, limit=60)

        def kill(pages, models, limit):
            if pages == 1:
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            hf.sync_models(store, query, client=fast_client(), on_page=kill)
        result = hf.sync_models(store, query, client=fast_client())
    ids = stored_ids(store)
    assert len(ids) == len(set(ids)) == 60 and result.resumed
    assert ids == [r["id"] for r in records[:60]]


def test_exhausted_retries_end_in_one_sentence_without_the_token(records, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    with ReplayHub(records, page_size=100, faults={1: ["500"] * 10}) as hub:
        store = Store(":memory:")
        with pytest.raises(SourceError) as err:
            hf.sync_models(store, hf.ModelQuery(endpoint=hub.endpoint), client=fast_client())
    message = str(err.value)
    assert "after 5 attempts" in message and "HTTP 500" in message and TOKEN not in message
    assert message.count(".") >= 1 and "\n" not in message
    assert len(stored_ids(store)) == 100  # page 0 kept, resumable from page 1


def test_a_server_looping_on_one_cursor_stops_the_sync_with_a_sentence(records):
    with ReplayHub(records, page_size=100, faults={1: ["self-link"]}) as hub:
        store = Store(":memory:")
        with pytest.raises(SourceError, match="as its own next page"):
            hf.sync_models(store, hf.ModelQuery(endpoint=hub.endpoint), client=fast_client())
    assert len(stored_ids(store)) == 100  # page 0 only; the looping page was not stored


def test_model_info_and_bad_ids(records):
    with ReplayHub(records) as hub:
        body = hf.model_info(
            "meta-llama/Meta-Llama-3-8B-Instruct", endpoint=hub.endpoint, client=fast_client()
        )
        assert body["id"] == "meta-llama/Meta-Llama-3-8B-Instruct" and "cardData" in body
        with pytest.raises(InputError, match="HTTP 404"):
            hf.model_info("nobody/nothing", endpoint=hub.endpoint, client=fast_client())
    with pytest.raises(InputError, match="not a valid Hugging Face repo id"):
        hf.model_info("../../etc/passwd")
    with pytest.raises(InputError, match="author"):
        hf.ModelQuery(author="bad author&x=1", endpoint="http://127.0.0.1:1")


def test_import_of_csv_and_json_lines_equals_a_sync_of_the_same_records(shared_data, tmp_path):
    dumps = deepseek_dumps(shared_data)
    api_records = [modelinfo_dump_to_api(d) for d in dumps]
    columns = (
        "id, author, created_at, last_modified, downloads, downloads_all_time, likes, pipeline_tag, "
        "library_name, gated, tags, CAST(card_data AS VARCHAR) AS card_data, sha"
    )

    def rows(store):
        return store.query(f"SELECT {columns} FROM hf_models ORDER BY id").to_json(
            orient="records", date_format="iso"
        )

    def edges(store):
        return store.query(
            "SELECT child, parent, relation, origin FROM hf_lineage ORDER BY ALL"
        ).values.tolist()

    with ReplayHub(api_records, page_size=50) as hub:
        synced = Store(":memory:")
        hf.sync_models(synced, hf.ModelQuery(endpoint=hub.endpoint), client=fast_client())
    from_csv = Store(":memory:")
    import_file(from_csv, shared_data / "ecosystem" / "hf-deepseek-r1-tree" / "model-info-2025-04-10.csv")
    jsonl = tmp_path / "records.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in api_records) + "\n", encoding="utf-8")
    from_jsonl = Store(":memory:")
    import_file(from_jsonl, jsonl)
    assert rows(synced) == rows(from_csv) == rows(from_jsonl)
    assert edges(synced) == edges(from_csv) == edges(from_jsonl)
    assert len(edges(synced)) > 225


def test_huggingface_hub_reads_the_replay_server_as_the_hub_and_agrees_with_our_rows(records):
    """Fidelity: huggingface_hub's own list_models (paging via Link) parses the replayed listing into
    ModelInfo objects whose fields equal the rows our connector stores."""
    from huggingface_hub import HfApi

    with ReplayHub(records, page_size=60) as hub:
        infos = list(HfApi(endpoint=hub.endpoint, token=False).list_models(expand=list(hf.EXPAND_FIELDS)))
        store = Store(":memory:")
        hf.sync_models(store, hf.ModelQuery(endpoint=hub.endpoint), client=fast_client())
    assert len(infos) == 260
    stored = store.query("SELECT * FROM hf_models").set_index("id")
    for info in infos:
        row = stored.loc[info.id]
        assert (row["author"], row["sha"], row["downloads"], row["likes"]) == (
            info.author,
            info.sha,
            info.downloads,
            info.likes,
        )
        for column in ("pipeline_tag", "library_name"):
            value = row[column] if isinstance(row[column], str) else None  # NULL comes back as NaN
            assert value == getattr(info, column)
        assert list(row["tags"]) == info.tags
        assert row["created_at"] == info.created_at.replace(tzinfo=None)
        assert row["gated"] == (str(info.gated).lower() if isinstance(info.gated, bool) else info.gated)
        card = json.loads(row["card_data"]) if isinstance(row["card_data"], str) else None
        assert (card or {}).get("base_model") == (
            info.card_data.to_dict().get("base_model") if info.card_data else None
        )


def test_iter_pages_follows_link_headers_to_the_end(records):
    with ReplayHub(records, page_size=70) as hub:
        pages = list(
            hf.iter_pages(
                fast_client(), hf.ModelQuery(endpoint=hub.endpoint, author="deepseek-ai").first_url()
            )
        )
        everything = list(hf.iter_pages(fast_client(), hf.ModelQuery(endpoint=hub.endpoint).first_url()))
    deepseek_ai = [r["id"] for r in records if r.get("author") == "deepseek-ai"]
    assert [m["id"] for page in pages for m in page.records] == deepseek_ai
    assert [len(p.records) for p in everything] == [70, 70, 70, 50] and everything[-1].next_url is None
    assert all(set(m) <= {"_id", "id", *hf.EXPAND_FIELDS} for page in everything for m in page.records)
