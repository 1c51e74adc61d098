"""The integer lineage kernel against networkx: random DAGs, merges, cycles and self-loops."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from valuechain.ecosystem.lineage import (
    RELATION_PRECEDENCE,
    RELATIONS,
    resolve_roots,
    synthetic_hub_graph,
)

PRECEDENCE = {RELATIONS.index(r): i for i, r in enumerate(RELATION_PRECEDENCE)}


def networkx_families(n, parent, child, relation):
    """The reference: roots from the condensation, then one BFS per root with networkx."""
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    for p, c, r in zip(parent, child, relation, strict=True):
        if p == c:
            continue
        old = graph.get_edge_data(p, c)
        if old is None or PRECEDENCE[r] < PRECEDENCE[old["r"]]:
            graph.add_edge(p, c, r=r)
    condensed = nx.condensation(graph)
    groups = {}
    for node, comp in condensed.graph["mapping"].items():
        groups.setdefault(comp, []).append(node)
    roots = sorted(min(groups[c]) for c in condensed if condensed.in_degree(c) == 0)
    out = {}
    for root in roots:
        lengths = nx.single_source_shortest_path_length(graph, root)
        by_relation = [0, 0, 0, 0]
        for node, d in lengths.items():
            if d:
                best = min(
                    PRECEDENCE[data["r"]]
                    for u, _, data in graph.in_edges(node, data=True)
                    if lengths.get(u) == d - 1
                )
                by_relation[RELATIONS.index(RELATION_PRECEDENCE[best])] += 1
        out[root] = (len(lengths) - 1, tuple(by_relation), max(lengths.values()))
    return out


def kernel_families(n, parent, child, relation):
    res = resolve_roots(n, parent, child, relation)
    return {
        int(r): (int(res.derivatives[i]), tuple(int(x) for x in res.by_relation[i]), int(res.max_depth[i]))
        for i, r in enumerate(res.roots)
    }


@st.composite
def random_graphs(draw, acyclic: bool):
    n = draw(st.integers(1, 40))
    m = draw(st.integers(0, 90))
    edges = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.integers(0, 3)), min_size=m, max_size=m
        )
    )
    if acyclic:  # orient every edge from the smaller to the larger id: a DAG with merges
        edges = [(min(a, b), max(a, b), r) for a, b, r in edges if a != b]
    parent = [e[0] for e in edges]
    child = [e[1] for e in edges]
    relation = [e[2] for e in edges]
    return n, parent, child, relation


@settings(max_examples=150, deadline=None)
@given(random_graphs(acyclic=True))
def test_random_dags_match_networkx(graph):
    assert kernel_families(*graph) == networkx_families(*graph)


@settings(max_examples=150, deadline=None)
@given(random_graphs(acyclic=False))
def test_random_graphs_with_cycles_and_self_loops_match_networkx(graph):
    assert kernel_families(*graph) == networkx_families(*graph)


@settings(max_examples=60, deadline=None)
@given(random_graphs(acyclic=False))
def test_every_node_belongs_to_a_family_and_counts_are_consistent(graph):
    n, parent, child, relation = graph
    res = resolve_roots(n, parent, child, relation)
    assert set(res.member_node.tolist()) == set(range(n))
    assert (res.by_relation.sum(axis=1) == res.derivatives).all()
    pairs = res.member_family.astype(np.int64) * n + res.member_node
    assert len(np.unique(pairs)) == len(pairs)  # each model once per family


def test_pure_cycle_is_rooted_at_its_first_member_and_terminates():
    # 0 -> 1 -> 2 -> 0, plus 2 -> 3 and a self-loop on 3
    res = resolve_roots(4, [0, 1, 2, 2, 3], [1, 2, 0, 3, 3], [0, 0, 0, 2, 0])
    assert res.roots.tolist() == [0]
    assert res.derivatives.tolist() == [3]
    assert res.cycle_nodes == 3 and res.self_loops == 1
    assert res.by_relation.tolist() == [[2, 0, 1, 0]]


def test_merge_child_counts_once_in_each_family_and_is_a_merge_when_parents_tie():
    # roots 0 and 1; 2 = merge(0, 1); 3 = finetune(2); 4 has two parents at the same depth in family 0
    parent = [0, 1, 2, 0, 2]
    child = [2, 2, 3, 4, 4]
    relation = [3, 3, 0, 0, 3]
    fam = kernel_families(5, parent, child, relation)
    # node 4: nearest parent in family 0 is 0 (depth 1, finetune) -> finetune
    assert fam[0] == (3, (2, 0, 0, 1), 2)
    assert fam[1] == (3, (1, 0, 0, 2), 2)


def test_equally_near_parents_resolve_by_precedence_merge_first():
    # 0 -> 1, 0 -> 2 (finetune); 3 has parents 1 (finetune) and 2 (merge), both at depth 1
    fam = kernel_families(4, [0, 0, 1, 2], [1, 2, 3, 3], [0, 0, 0, 3])
    assert fam == {0: (3, (2, 0, 0, 1), 2)}


def test_synthetic_hub_graph_matches_networkx():
    graph = synthetic_hub_graph(3000, seed=7)
    assert kernel_families(*graph) == networkx_families(
        *[np.asarray(a).tolist() if i else a for i, a in enumerate(graph)]
    )


def test_bad_kernel_input_is_rejected():
    with pytest.raises(ValueError):
        resolve_roots(2, [0, 5], [1, 1], [0, 0])
    with pytest.raises(ValueError):
        resolve_roots(2, [0], [1], [9])
