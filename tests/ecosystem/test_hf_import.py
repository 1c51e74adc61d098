"""Import of saved Hugging Face records, the lineage rules, and bad inputs (nothing half-written)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from valuechain.ecosystem.hf_import import import_file, read_records
from valuechain.errors import InputError
from valuechain.sources.hf_tables import (
    RELATIONS,
    is_repo_id,
    lineage_edges,
    load_models,
    parse_base_model_tags,
    require_models,
)
from valuechain.sources.huggingface import parse_card_yaml, record_to_row, rows_frame
from valuechain.store import Store

TREE = ("ecosystem", "hf-deepseek-r1-tree")

chunk = st.from_regex(r"[A-Za-z0-9_]{1,8}", fullmatch=True)
name_part = st.builds(
    lambda parts, sep: sep.join(parts),
    st.lists(chunk, min_size=1, max_size=3),
    st.sampled_from(["-", ".", "_"]),
)
repo_ids = st.builds(lambda a, b: f"{a}/{b}", name_part, name_part)
relations = st.sampled_from(RELATIONS)


@settings(deadline=None)  # timing varies on a shared machine; correctness does not
@given(
    st.lists(st.tuples(relations, repo_ids), max_size=8),
    st.lists(st.text(max_size=30).filter(lambda t: not t.startswith("base_model:")), max_size=8),
)
def test_typed_tags_give_each_parent_once_with_its_first_relation(pairs, other_tags):
    tags = [f"base_model:{rel}:{parent}" for rel, parent in pairs] + other_tags
    expected: dict[str, str] = {}
    for rel, parent in pairs:
        expected.setdefault(parent, rel)
    assert parse_base_model_tags(tags) == [(rel, parent) for parent, rel in expected.items()]


@settings(deadline=None)  # timing varies on a shared machine; correctness does not
@given(st.lists(st.text(max_size=60), max_size=12))
def test_the_tag_parser_never_crashes_and_returns_only_valid_ids(tags):
    for relation, parent in parse_base_model_tags(tags + [f"base_model:{t}" for t in tags]):
        assert relation in RELATIONS and is_repo_id(parent)


@settings(deadline=None)  # timing varies on a shared machine; correctness does not
@given(
    repo_ids,
    st.lists(repo_ids, max_size=4),
    st.one_of(st.none(), relations),
    st.lists(st.tuples(relations, repo_ids), max_size=4),
)
def test_lineage_edges_merge_tags_and_card_without_self_loops(child, card_parents, card_relation, typed):
    tags = [f"base_model:{rel}:{p}" for rel, p in typed] + [f"base_model:{p}" for _, p in typed]
    card = {"base_model": card_parents if len(card_parents) != 1 else card_parents[0]}
    if card_relation:
        card["base_model_relation"] = card_relation
    card_parents = card_parents + [child]  # a self-reference must be dropped
    card["base_model"] = card_parents
    edges = lineage_edges(child, tags, card)
    parents = [e[1] for e in edges]
    assert len(parents) == len(set(parents)) and child not in parents
    typed_first = {}
    for rel, p in typed:
        typed_first.setdefault(p, rel)
    for _, parent, relation, origin in edges:
        if parent in typed_first:
            assert (relation, origin) == (typed_first[parent], "tag")
        else:
            assert parent in card_parents and origin == "card"
            assert relation == (card_relation or "finetune")
    assert set(parents) == (set(typed_first) | set(card_parents)) - {child}


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**63 - 2, max_value=2**70)
    | st.floats(allow_nan=False)
    | st.sampled_from([float("inf"), -float("inf"), "2025-01-01T00:00:00Z"])
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
record_keys = st.sampled_from(
    [
        "id",
        "modelId",
        "author",
        "createdAt",
        "created_at",
        "lastModified",
        "downloads",
        "downloadsAllTime",
        "likes",
        "gated",
        "tags",
        "cardData",
        "card_data",
        "pipeline_tag",
        "library_name",
        "sha",
        "siblings",
    ]
)


@settings(deadline=None)  # timing varies on a shared machine; correctness does not
@given(st.dictionaries(record_keys, json_values, max_size=10))
def test_any_json_record_gives_a_row_or_one_input_error(record):
    try:
        row = record_to_row(record)
    except InputError as exc:
        assert "\n" not in str(exc)
    else:
        assert is_repo_id(row["id"]) and isinstance(row["tags"], list)
        assert row["card_data"] is None or isinstance(row["card_data"], dict)
        edges = lineage_edges(row["id"], row["tags"], row["card_data"])
        assert all(relation in RELATIONS for _, _, relation, _ in edges)
        assert load_models(Store(":memory:"), rows_frame([row]), source="hypothesis") == (1, len(edges))


@settings(deadline=None)  # timing varies on a shared machine; correctness does not
@given(st.text(max_size=200))
def test_card_yaml_parses_to_a_mapping_none_or_one_input_error(text):
    try:
        value = parse_card_yaml(text, "o/m")
    except InputError as exc:
        assert "not valid YAML" in str(exc)
    else:
        assert value is None or isinstance(value, dict)


def test_card_base_model_may_be_a_string():
    edges = lineage_edges(
        "a/merged",
        ["base_model:merge:x/one", "base_model:merge:y/two"],
        {"base_model": "z/three", "base_model_relation": "adapter"},
    )
    assert edges == [
        ("a/merged", "x/one", "merge", "tag"),
        ("a/merged", "y/two", "merge", "tag"),
        ("a/merged", "z/three", "adapter", "card"),
    ]
    assert lineage_edges("a/b", [], {"base_model": "a/b"}) == []


def test_modelinfo_dump_and_api_record_give_the_same_row():
    dump = {
        "id": "o/m",
        "author": "o",
        "created_at": "2025-01-20 03:46:07+00:00",
        "gated": "auto",
        "downloads_all_time": 7,
        "card_data": "base_model:\n- x/y\nlicense: mit\ndate: 2024-01-02",
    }
    api = {
        "id": "o/m",
        "author": "o",
        "createdAt": "2025-01-20T03:46:07.000Z",
        "gated": "auto",
        "downloadsAllTime": 7,
        "cardData": {"base_model": ["x/y"], "license": "mit", "date": "2024-01-02"},
    }
    a, b = record_to_row(dump), record_to_row(api)
    assert a.pop("created_at")[:10] == b.pop("created_at")[:10]
    assert a == b and a["card_data"]["date"] == "2024-01-02"
    assert parse_card_yaml("---\nlicense: mit\n---\n# Title") == {"license": "mit"}
    odd = record_to_row(
        {
            "id": "a/b",
            "downloads": float("inf"),
            "likes": 2**70,
            "tags": ["x", 3],
            "createdAt": "yesterday",
            "gated": {"x": 1},
        }
    )
    assert (odd["downloads"], odd["likes"], odd["tags"], odd["created_at"], odd["gated"]) == (
        None,
        None,
        ["x", "3"],
        None,
        None,
    )


def test_import_the_real_deepseek_tree(shared_data):
    store = Store(":memory:")
    result = import_file(store, shared_data.joinpath(*TREE, "model-info-2025-04-10.csv"))
    assert (result.layout, result.models, result.duplicates_skipped) == ("modelinfo-csv", 225, 0)
    assert str(result.fetched_at.date()) == "2025-04-10"
    children = store.query("SELECT DISTINCT child FROM hf_lineage WHERE parent = 'deepseek-ai/DeepSeek-R1'")
    assert len(children) == 209  # depth 1 of the tree, as the file's own `depth` column says
    root = store.query("SELECT * FROM hf_models WHERE id = 'deepseek-ai/DeepSeek-R1'").iloc[0]
    assert root["likes"] == 11858 and json.loads(root["card_data"]) == {
        "library_name": "transformers",
        "license": "mit",
    }
    cards = import_file(store, shared_data.joinpath(*TREE, "model-cards-2025-04-16.csv"))
    assert cards.models == 299  # the README front matter supplies the card data there
    card = store.query("SELECT card_data FROM hf_models WHERE id = 'maersee3423423/statuetka'")
    assert json.loads(card["card_data"][0]) == {"language": ["ru"], "base_model": ["deepseek-ai/DeepSeek-R1"]}
    assert require_models(store) == 524


def test_import_saved_api_bodies_as_one_object_array_and_lines(shared_data, tmp_path):
    folder = shared_data / "fixtures" / "hf_model_info"
    single = import_file(Store(":memory:"), folder / "HuggingFaceH4__zephyr-7b-beta.json")
    assert (single.layout, single.models, single.edges) == ("json", 1, 1)
    bodies = [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]
    array = tmp_path / "bodies.json"
    array.write_text(json.dumps(bodies))
    lines = tmp_path / "bodies.jsonl"
    lines.write_text("\n".join(json.dumps(b) for b in bodies + bodies[:3]))
    a, b = Store(":memory:"), Store(":memory:")
    assert import_file(a, array).models == len({b["id"] for b in bodies})
    result = import_file(b, lines)
    unique = len({b["id"] for b in bodies})  # two models have a full and an expand-only body
    assert result.duplicates_skipped == len(bodies) - unique + 3 and result.models == unique
    kept = b.query("SELECT card_data FROM hf_models WHERE id = 'meta-llama/Meta-Llama-3-8B-Instruct'")
    assert kept["card_data"][0] is not None  # the last occurrence (the full body) is the one kept


@pytest.mark.parametrize(
    "content, suffix, message",
    [
        ("", ".jsonl", "is empty"),
        ('{"id": "a/b"}\n{"id": "c/d"}\n{"id": "e/f"\n', ".jsonl", "Line 3"),
        ('{"id": "a/b"}\n[1, 2]\n', ".jsonl", "Line 2 .* not a JSON object"),
        (
            '{"id": "a/b"}\n{"id": "evil/mo del;DROP TABLE"}\n',
            ".jsonl",
            "Record 2 .*not a valid Hugging Face repo id",
        ),
        ('{"id": "a/b"}\n{"author": "x"}\n', ".jsonl", "Record 2 .*no 'id'"),
        ('{"id": "a/b", "cardData": "base_model: [unclosed"}\n', ".jsonl", "not valid YAML"),
        ("source,target,edge\na/b,c/d,finetuned\n", ".csv", "not the 'model_id' and 'metadata' columns"),
        ('model_id,metadata\na/b,"{not json"\n', ".csv", "row 2 .* not valid JSON"),
        ("model_id,metadata\n", ".csv", "holds no model records"),
        ("just some words\n", ".txt", "neither JSON lines"),
        ("[1, 2", ".json", "not valid JSON"),
        # json raises a plain ValueError (no .msg) for integers past Python's digit limit
        (
            '{"id": "a/b"}\n{"id": "c/d", "downloads": ' + "1" * 5000 + "}\n",
            ".jsonl",
            r"Line 2 .* not valid JSON \(Exceeds the limit",
        ),
        ('[{"id": "a/b", "downloads": ' + "1" * 5000 + "}]", ".json", r"not valid JSON \(Exceeds the limit"),
    ],
)
def test_bad_files_raise_one_sentence_and_write_nothing(tmp_path, shared_data, content, suffix, message):
    store = Store(tmp_path / "s.duckdb")
    import_file(store, shared_data / "fixtures" / "hf_model_info" / "gpt2.json")
    bad = tmp_path / f"bad{suffix}"
    bad.write_text(content)
    with pytest.raises(InputError, match=message) as err:
        import_file(store, bad)
    assert "\n" not in str(err.value)
    assert store.query("SELECT count(*) AS n FROM hf_models")["n"][0] == 1
    assert store.query("SELECT count(*) AS n FROM hf_lineage")["n"][0] == 0


def test_streamed_chunks_give_the_same_store_as_one_chunk_and_a_failed_import_can_be_retried(
    shared_data, tmp_path
):
    folder = shared_data / "fixtures" / "hf_model_info"
    bodies = [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]
    lines = tmp_path / "bodies.jsonl"
    lines.write_text("\n".join(json.dumps(b) for b in bodies + bodies[::-1]))  # duplicates across chunks
    when = datetime(2025, 1, 1)
    whole, chunked = Store(":memory:"), Store(":memory:")
    a = import_file(whole, lines, fetched_at=when)
    progress: list[int] = []
    b = import_file(chunked, lines, fetched_at=when, chunk_size=7, on_progress=progress.append)
    assert (a.models, a.edges, a.duplicates_skipped) == (b.models, b.edges, b.duplicates_skipped)
    assert progress == list(range(7, len(bodies) * 2, 7)) + [len(bodies) * 2]
    for sql in (
        "SELECT * EXCLUDE (card_data), CAST(card_data AS VARCHAR) FROM hf_models ORDER BY id",
        "SELECT * FROM hf_lineage ORDER BY ALL",
    ):
        assert whole.query(sql).equals(chunked.query(sql))
    bad = tmp_path / "bad.jsonl"
    bad.write_text(lines.read_text() + '\n{"id": "bad id!"}\n')
    with pytest.raises(InputError, match=f"Record {len(bodies) * 2 + 1} "):
        import_file(chunked, bad, chunk_size=7)
    assert chunked.query("SELECT count(*) AS n FROM hf_models")["n"][0] == b.models  # rolled back
    again = import_file(chunked, lines, chunk_size=7)  # staging tables did not survive the failure
    assert again.models == b.models


def test_empty_store_and_missing_file(tmp_path):
    with pytest.raises(InputError, match="no Hugging Face models"):
        require_models(Store(":memory:"))
    with pytest.raises(InputError, match="does not exist"):
        read_records(tmp_path / "nope.jsonl")
    with pytest.raises(InputError, match="directory"):
        read_records(tmp_path)


def test_rows_read_back_from_a_store_load_again_unchanged(shared_data):
    """Round trip: a frame queried from the store (tags as arrays, card data as JSON text) loads into a
    second store with the same rows and the same lineage."""
    first = Store(":memory:")
    import_file(first, shared_data.joinpath(*TREE, "model-info-2025-04-10.csv"))
    second = Store(":memory:")
    frame = first.query(
        "SELECT * EXCLUDE (card_data), CAST(card_data AS VARCHAR) AS card_data FROM hf_models"
    )
    assert load_models(second, frame) == (225, 263)
    for sql in (
        "SELECT * EXCLUDE (card_data), CAST(card_data AS VARCHAR) FROM hf_models ORDER BY id",
        "SELECT * FROM hf_lineage ORDER BY ALL",
    ):
        assert first.query(sql).equals(second.query(sql))


def test_gzipped_files_import_like_plain_ones(shared_data, tmp_path):
    import gzip

    csv_path = shared_data.joinpath(*TREE, "model-info-2025-04-10.csv")
    packed = tmp_path / "model-info-2025-04-10.csv.gz"
    packed.write_bytes(gzip.compress(csv_path.read_bytes()))
    plain, zipped = Store(":memory:"), Store(":memory:")
    a, b = import_file(plain, csv_path), import_file(zipped, packed)
    assert (a.layout, a.models, a.edges, a.fetched_at) == (b.layout, b.models, b.edges, b.fetched_at)
    lines = tmp_path / "bodies.jsonl.gz"
    body = (shared_data / "fixtures" / "hf_model_info" / "gpt2.json").read_text()
    lines.write_bytes(gzip.compress((json.dumps(json.loads(body)) + "\n").encode()))
    assert import_file(zipped, lines).models == 1
    broken = tmp_path / "broken.jsonl.gz"
    full = gzip.compress("".join(json.dumps({"id": f"a/m{i}"}) + "\n" for i in range(5000)).encode())
    broken.write_bytes(full[: len(full) // 2])
    with pytest.raises(InputError, match="gzip"):
        import_file(zipped, broken)
    assert zipped.query("SELECT count(*) AS n FROM hf_models")["n"][0] == 226


def test_a_second_import_into_a_reopened_store(shared_data, tmp_path):
    """DuckDB 2 refuses work on a connection with an unfinished result: every count and checkpoint read
    is fetched completely, so a reopened store takes a status read, a checkpoint read and a new import."""
    from valuechain.sources.hf_tables import read_checkpoint, save_checkpoint

    path = tmp_path / "store.duckdb"
    query = '{"author": "deepseek-ai"}'
    with Store(path) as store:
        first = import_file(store, shared_data.joinpath(*TREE, "model-info-2025-04-10.csv"))
        assert require_models(store) == first.models == 225
        with store.transaction() as con:
            save_checkpoint(
                con,
                {
                    "query": query,
                    "next_url": "https://hub/api/models?cursor=x",
                    "pages": 1,
                    "models": 3,
                    "source": "test",
                },
            )
    with Store(path) as store:
        assert require_models(store) == 225
        assert read_checkpoint(store, query)["pages"] == 1
        # No unfinished result is left: DuckDB 2 refuses to register a frame while one is pending.
        store.con.register("_probe", rows_frame([{"id": "a/b"}]))
        store.con.unregister("_probe")
        second = import_file(store, shared_data.joinpath(*TREE, "model-cards-2025-04-16.csv"))
        assert require_models(store) == 225 + second.models == 524
        third = import_file(store, shared_data / "fixtures" / "hf_model_info" / "gpt2.json")
        assert (third.models, require_models(store)) == (1, 525)
    with Store(path, read_only=True) as store:
        fetches = store.query("SELECT fetched_at, count(*) AS n FROM hf_models GROUP BY ALL ORDER BY n")
        assert fetches["n"].tolist() == [1, 225, 299]


def test_importing_the_same_file_again_replaces_it(shared_data, tmp_path):
    path = shared_data.joinpath(*TREE, "model-info-2025-04-10.csv")
    with Store(tmp_path / "s.duckdb") as store:
        first = import_file(store, path)
        again = import_file(store, path)
        other_day = import_file(store, path, fetched_at=datetime(2025, 4, 11))
        counts = store.query(
            "SELECT fetched_at, count(*) AS n, count(DISTINCT id) AS ids FROM hf_models "
            "GROUP BY ALL ORDER BY fetched_at"
        )
        edges = store.query("SELECT count(*) AS n FROM hf_lineage")["n"][0]
    assert (first.replaced, again.replaced, other_day.replaced) == (0, 225, 0)
    assert counts["n"].tolist() == counts["ids"].tolist() == [225, 225]  # a snapshot per date, no doubles
    assert edges == 2 * first.edges
