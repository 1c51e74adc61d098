"""Benchmark: root resolution and per-root family counts on a synthetic Hub-shaped lineage graph.

The graph (``valuechain.ecosystem.lineage.synthetic_hub_graph``): 2,000,000 models, 8 % roots with
heavy-tailed (Zipf) family sizes, depths 1-10, 5 % merges with two parents, plus self-loops and
cycles. Both implementations compute the same thing: each model's roots, and per root the number of
distinct descendants, the count per nearest-parent relation and the maximum depth.

- valuechain: numpy/scipy kernel (:func:`valuechain.ecosystem.lineage.resolve_roots`);
- networkx: a breadth-first search per root (``single_source_shortest_path_length``) plus the
  nearest-parent relation from the predecessors, the straightforward networkx way.

By default both implementations run side by side on the full 2,000,000-model graph (networkx takes
about 4 minutes and ~4-5 GB there); ``--quick`` compares them on a 400,000-model graph of the same
shape instead and times valuechain alone on the full graph. Each measurement runs in a fresh process
so its peak memory (max RSS, graph generation included) is its own; the two results must agree
exactly (a fingerprint of the per-root counts). Usage:
``python benchmarks/bench_lineage.py [--models N] [--quick] [--sample N]``.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import time


def _digest(*arrays) -> str:
    """A fingerprint of the per-root results, to check that both implementations agree exactly."""
    import hashlib

    import numpy as np

    digest = hashlib.sha256()
    for array in arrays:
        digest.update(np.ascontiguousarray(np.asarray(array, dtype=np.int64)).tobytes())
    return digest.hexdigest()[:16]


def _run_valuechain(n_models: int, queue) -> None:
    import scipy.sparse.csgraph  # noqa: F401  (imported before the clock, as networkx is)

    from valuechain.ecosystem.lineage import resolve_roots, synthetic_hub_graph

    graph = synthetic_hub_graph(n_models)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    result = resolve_roots(*graph)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    summary = (
        len(result.roots),
        int(result.derivatives.sum()),
        int(result.max_depth.max()),
        _digest(result.roots, result.derivatives, result.by_relation, result.max_depth),
    )
    queue.put((elapsed, peak / 1024, (peak - before) / 1024, summary))


def _run_networkx(n_models: int, queue) -> None:
    import networkx as nx
    import numpy as np

    from valuechain.ecosystem.lineage import RELATION_PRECEDENCE, RELATIONS, synthetic_hub_graph

    n, parent, child, relation = synthetic_hub_graph(n_models)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    precedence = {RELATIONS.index(r): i for i, r in enumerate(RELATION_PRECEDENCE)}
    for p, c, r in zip(parent.tolist(), child.tolist(), relation.tolist(), strict=True):
        if p == c:
            continue
        old = graph.get_edge_data(p, c)
        if old is None or precedence[r] < precedence[old["r"]]:
            graph.add_edge(p, c, r=r)
    condensed = nx.condensation(graph)
    members = condensed.graph["mapping"]
    groups: dict[int, list[int]] = {}
    for node, comp in members.items():
        groups.setdefault(comp, []).append(node)
    roots = sorted(min(groups[c]) for c in condensed if condensed.in_degree(c) == 0)
    derivatives, by_relation, max_depth = [], np.zeros((len(roots), 4), dtype=np.int64), []
    for i, root in enumerate(roots):
        lengths = nx.single_source_shortest_path_length(graph, root)
        derivatives.append(len(lengths) - 1)
        max_depth.append(max(lengths.values()))
        for node, d in lengths.items():
            if d == 0:
                continue
            best = min(
                (
                    precedence[data["r"]]
                    for u, _, data in graph.in_edges(node, data=True)
                    if lengths.get(u) == d - 1
                )
            )
            by_relation[i, RELATIONS.index(RELATION_PRECEDENCE[best])] += 1
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    summary = (
        len(roots),
        int(sum(derivatives)),
        int(max(max_depth)),
        _digest(roots, derivatives, by_relation, max_depth),
    )
    queue.put((elapsed, peak / 1024, (peak - before) / 1024, summary))


def _measure(target, n_models: int):
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(n_models, queue))
    proc.start()
    out = queue.get()
    proc.join()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=2_000_000, help="size of the full graph")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="compare with networkx on --sample models only (valuechain alone on --models)",
    )
    parser.add_argument(
        "--sample", type=int, default=400_000, help="graph size of the networkx comparison with --quick"
    )
    args = parser.parse_args(argv)

    compared = args.sample if args.quick else args.models
    vc_compared = _measure(_run_valuechain, compared)
    nx_compared = _measure(_run_networkx, compared)
    if vc_compared[3] != nx_compared[3]:
        print(f"MISMATCH on {compared:,} models: valuechain {vc_compared[3]} vs networkx {nx_compared[3]}")
        return 1
    ratio = nx_compared[0] / vc_compared[0]
    rows = [
        (compared, "valuechain (numpy/scipy)", vc_compared, f"{ratio:.0f}x faster"),
        (compared, "networkx (BFS per root)", nx_compared, "1x"),
    ]
    vc_full = vc_compared
    if compared != args.models:
        vc_full = _measure(_run_valuechain, args.models)
        rows.append((args.models, "valuechain (numpy/scipy)", vc_full, "(networkx not run)"))

    print("Root resolution + per-root counts (derivatives, by relation, max depth); synthetic Hub graph")
    print(
        f"{'models':>10}  {'implementation':<26} {'seconds':>9} {'peak RSS MB':>12} {'roots':>9} "
        f"{'derivatives':>12} {'max depth':>9}  {'vs networkx':<18}"
    )
    for size, name, (sec, peak, _delta, summary), versus in rows:
        print(
            f"{size:>10,}  {name:<26} {sec:9.2f} {peak:12.0f} {summary[0]:>9,} {summary[1]:>12,} "
            f"{summary[2]:>9}  {versus:<18}"
        )
    print(
        f"\nBoth implementations give identical per-root results on {compared:,} models "
        f"(fingerprint {vc_compared[3][3]})."
    )
    ok_time = vc_full[0] < 10
    ok_mem = vc_full[1] < 4096
    ok_ratio = ratio >= 10
    print(
        f"Targets: < 10 s on {args.models:,}: {'yes' if ok_time else 'NO'}; peak < 4 GB: "
        f"{'yes' if ok_mem else 'NO'}; >= 10x networkx on {compared:,}: {'yes' if ok_ratio else 'NO'}"
    )
    return 0 if (ok_time and ok_mem and ok_ratio) else 1


if __name__ == "__main__":
    sys.exit(main())
