"""Lineage on the real snapshots: the hf-lineage edge list (30,383 edges) and the DeepSeek-R1 tree.

Counts are checked against an independent breadth-first traversal written here in plain Python,
applied to the same edges after the same re-packager map.
"""

from __future__ import annotations

import csv
from collections import defaultdict, deque

import pytest

from valuechain.ecosystem.lineage import (
    RELATION_ALIASES,
    RELATION_PRECEDENCE,
    RELATIONS,
    analyse_lineage,
    read_edges_csv,
)
from valuechain.ecosystem.repackagers import load_rules

EDGES = "ecosystem/hf-lineage/edges-text-generation-2025-06.csv"
R1_INFO = "ecosystem/hf-deepseek-r1-tree/model-info-2025-04-10.csv"
NAMED_REPACKAGERS = {"thebloke", "unsloth", "mradermacher", "bartowski", "lmstudio-community"}


def raw_edges(path):
    with open(path, encoding="utf-8") as handle:
        return [(r["source"], r["target"], RELATION_ALIASES[r["edge"]]) for r in csv.DictReader(handle)]


def independent_families(edges):
    """Plain-Python BFS per parentless node (the edge lists here are acyclic after self-loops go)."""
    children = defaultdict(list)
    nodes, has_parent = set(), set()
    for parent, child, relation in edges:
        nodes.update((parent, child))
        if parent != child:
            children[parent].append((child, relation))
            has_parent.add(child)
    order = {r: i for i, r in enumerate(RELATION_PRECEDENCE)}
    families = {}
    for root in sorted(nodes - has_parent):
        depth = {root: 0}
        best = {}
        queue = deque([root])
        while queue:
            node = queue.popleft()
            for child, relation in children[node]:
                if child not in depth:
                    depth[child] = depth[node] + 1
                    best[child] = relation
                    queue.append(child)
                elif depth[child] == depth[node] + 1 and order[relation] < order[best[child]]:
                    best[child] = relation
        counts = {r: 0 for r in RELATIONS}
        for relation in best.values():
            counts[relation] += 1
        families[root] = (len(depth) - 1, counts, max(depth.values()))
    return families


@pytest.fixture(scope="module")
def real(shared_data):
    edges = read_edges_csv(shared_data / EDGES)
    return edges, analyse_lineage(edges)


def test_raw_file_has_the_documented_parentless_repackagers(shared_data):
    edges = raw_edges(shared_data / EDGES)
    children = {c for p, c, _ in edges if p != c}
    parentless = {p for p, _, _ in edges} - children
    repack = {m for m in parentless if m.split("/")[0].lower() in NAMED_REPACKAGERS}
    assert len(repack) == 73
    assert sum(m.startswith("unsloth/") for m in repack) == 70
    family = independent_families(edges)
    assert family["unsloth/Phi-3-mini-4k-instruct-bnb-4bit"][0] == 499


def test_counts_per_root_match_an_independent_traversal(real, shared_data):
    _, result = real
    mapping = dict(zip(result.repackagers["repo"], result.repackagers["resolved_to"], strict=True))
    mapping = {k: v for k, v in mapping.items() if isinstance(v, str)}
    mapped = [(mapping.get(p, p), mapping.get(c, c), r) for p, c, r in raw_edges(shared_data / EDGES)]
    expected = independent_families(mapped)
    unresolved = set(result.unresolved["repo"])
    got = {
        row["root"]: (row["derivatives"], row["by_relation"], row["max_depth"]) for row in result.to_list()
    }
    assert set(got) == set(expected) - unresolved
    assert got == {k: v for k, v in expected.items() if k not in unresolved}


def test_no_resolvable_repackager_is_a_root(real):
    _, result = real
    rules = load_rules()
    roots = set(result.families["root"])
    resolved = set(result.repackagers.loc[result.repackagers["resolved_to"].notna(), "repo"])
    assert not roots & resolved
    assert not any(rules.is_account(r.split("/")[0]) for r in roots)
    assert "unsloth/Phi-3-mini-4k-instruct-bnb-4bit" in resolved
    phi = result.families.set_index("root").loc["microsoft/Phi-3-mini-4k-instruct"]
    assert phi["derivatives"] >= 499 and phi["origin_country"] == "US"
    # every unsloth parentless repo was traced; unresolved ones are reported, not counted
    assert not any(r.startswith("unsloth/") for r in result.unresolved["repo"])
    assert set(result.unresolved["repo"]).isdisjoint(roots)


def test_origins_of_the_largest_families(real):
    _, result = real
    top = result.families.set_index("root")
    assert top.loc["meta-llama/Llama-3.1-8B", "origin_country"] == "US"
    assert top.loc["Qwen/Qwen2.5-7B", "origin_country"] == "CN"
    assert top.loc["mistralai/Mistral-7B-v0.1", "origin_country"] == "FR"
    assert list(result.families["derivatives"]) == sorted(result.families["derivatives"], reverse=True)
    assert set(result.families["origin_country"]) <= {"unknown", "mixed"} | {
        c for c in result.families["origin_country"] if len(c) == 2 and c.isupper()
    }


def test_each_derivative_has_one_origin_label(real):
    _, result = real
    models = result.models[~result.models["is_root"]]
    multi = models[models["countries"].map(len) > 1]
    assert len(multi) > 0 and (multi["origin"] == "mixed").all()
    single = models[models["countries"].map(len) == 1]
    assert (single["origin"] == single["countries"].map(lambda c: c[0])).all()
    assert models["model"].is_unique


def test_deepseek_r1_tree_matches_an_independent_traversal(shared_data):
    """The R1 records go through ``hf import`` into a store; the expected families come from the
    stored tags and card data, parsed here independently of the importer's lineage rules."""
    import json

    from valuechain.ecosystem.hf_import import import_file
    from valuechain.ecosystem.lineage import read_edges_store
    from valuechain.store import Store

    with Store(":memory:") as store:
        import_file(store, shared_data / R1_INFO)
        result = analyse_lineage(read_edges_store(store))
        models = store.query("SELECT id, tags, CAST(card_data AS VARCHAR) AS card FROM hf_models")
    mapping = {
        r: t
        for r, t in zip(result.repackagers["repo"], result.repackagers["resolved_to"], strict=True)
        if isinstance(t, str)
    }
    tag_edges = []
    for child, tags, card in zip(models["id"], models["tags"], models["card"], strict=True):
        named = set()
        for tag in tags:
            parts = tag.split(":")
            if len(parts) == 3 and parts[0] == "base_model" and parts[1] in RELATIONS and parts[2] != child:
                named.add(parts[2])
                tag_edges.append((mapping.get(parts[2], parts[2]), mapping.get(child, child), parts[1]))
        bases = (json.loads(card) or {}).get("base_model") if card else None
        for base in [bases] if isinstance(bases, str) else bases or []:
            if base not in named and base != child:  # card-only parents: finetune (no relation given)
                named.add(base)
                tag_edges.append((mapping.get(base, base), mapping.get(child, child), "finetune"))
    expected = independent_families(tag_edges)
    got = {
        row["root"]: (row["derivatives"], row["by_relation"], row["max_depth"]) for row in result.to_list()
    }
    assert got == {k: v for k, v in expected.items() if k not in set(result.unresolved["repo"])}
    r1 = result.families.set_index("root").loc["deepseek-ai/DeepSeek-R1"]
    assert r1["origin_country"] == "CN" and r1["derivatives"] == len(models) - 1


def test_store_edges_follow_each_models_latest_fetch(tmp_path):
    """Each model's edges are those of its latest fetch: changed tags replace the old parents, and a
    model whose latest snapshot names no parent is a root (its older edges are not used)."""
    import pandas as pd

    from valuechain.ecosystem.diffusion import load_from_store
    from valuechain.ecosystem.lineage import read_edges_store
    from valuechain.sources.hf_tables import load_models
    from valuechain.store import Store

    def row(model, tags):
        return {
            "id": model,
            "author": model.split("/")[0],
            "created_at": "2025-01-02",
            "tags": tags,
            "card_data": None,
        }

    def fetch(rows, day):
        load_models(
            store, pd.DataFrame(rows), source=f"test {day}", fetched_at=pd.Timestamp(day).to_pydatetime()
        )

    with Store(tmp_path / "s.duckdb") as store:
        fetch(
            [
                row("a/child", ["base_model:finetune:Qwen/Qwen2.5-7B"]),
                row("a/orphan", ["base_model:adapter:Qwen/Qwen2.5-7B"]),
                row("a/steady", ["base_model:merge:Qwen/Qwen2.5-7B"]),
            ],
            "2025-01-03",
        )
        fetch(
            [
                row("a/child", ["base_model:quantized:meta-llama/Llama-3.1-8B"]),
                row("a/orphan", ["license:mit"]),
            ],
            "2025-02-03",
        )
        edges = read_edges_store(store)
        data = load_from_store(store)
    assert edges.sort_values("child").to_dict(orient="records") == [
        {"parent": "meta-llama/Llama-3.1-8B", "child": "a/child", "relation": "quantized"},
        {"parent": "Qwen/Qwen2.5-7B", "child": "a/steady", "relation": "merge"},
    ]
    families = {row["root"]: row["derivatives"] for row in data.lineage.to_list()}
    assert families == {"Qwen/Qwen2.5-7B": 1, "meta-llama/Llama-3.1-8B": 1, "a/orphan": 0}
    assert set(data.derivatives["model"]) == {"a/child", "a/steady"}


def test_store_edges_come_from_one_record_when_two_files_share_a_fetch_time(tmp_path):
    import pandas as pd

    from valuechain.ecosystem.lineage import read_edges_store
    from valuechain.sources.hf_tables import load_models
    from valuechain.store import Store

    day = pd.Timestamp("2025-03-01").to_pydatetime()
    with Store(tmp_path / "s.duckdb") as store:
        for source, parent in (("file-a", "Qwen/Qwen2.5-7B"), ("file-b", "meta-llama/Llama-3.1-8B")):
            load_models(
                store,
                pd.DataFrame(
                    [{"id": "a/child", "tags": [f"base_model:finetune:{parent}"], "card_data": None}]
                ),
                source=source,
                fetched_at=day,
            )
        chosen = store.query("SELECT source FROM hf_models_latest WHERE id = 'a/child'")["source"][0]
        edges = read_edges_store(store)
    assert chosen == "file-b"  # a tie in fetch time is broken by the source, the same way every time
    assert edges["parent"].tolist() == ["meta-llama/Llama-3.1-8B"]
