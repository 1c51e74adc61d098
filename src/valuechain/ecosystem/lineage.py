"""Hugging Face model lineage: every model resolved to its root base model(s), per-root family counts.

A lineage edge ``parent -> child`` says that ``child`` declares ``parent`` as its base model (the
Hub's ``base_model:{finetune,adapter,quantized,merge}:<id>`` tags and the card's ``base_model``,
https://huggingface.co/docs/hub/model-cards#specifying-a-base-model). A model may have several parents
(merges), so it may belong to several families. Definitions used throughout:

- **root**: a model with no parent. A cycle in the tags that nothing points into is rooted at its
  first member in sort order (so cycles neither hang nor vanish); self-references are dropped.
- **family of a root**: all models reachable from it; ``derivatives`` counts each of them once.
- **depth**: breadth-first distance from the root (the length of the shortest declared chain).
- **relation within a family**: the relation of the edge from the model's *nearest* parent in that
  family (a parent at depth - 1). When several parents are equally near, the first relation in
  :data:`RELATION_PRECEDENCE` wins (merge, finetune, adapter, quantized): a model with two parents at
  the same depth is a merge.

The kernel (:func:`resolve_roots`) works on integer ids with numpy only: strongly connected
components with :func:`scipy.sparse.csgraph.connected_components` find the roots, then one
level-synchronous breadth-first search runs from all roots at once, each level a vectorised join of the
frontier with a CSR adjacency. There is no per-node Python loop, so 2,000,000 models take seconds
(``benchmarks/bench_lineage.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from valuechain.errors import InputError

# The Hub's relations and its repo-id rule are defined once, with the store's tables.
from valuechain.sources.hf_tables import RELATIONS, REPO_ID_PATTERN

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

    from valuechain.ecosystem.repackagers import RepackagerResolution

#: Tie-break among equally near parents: the first listed wins.
RELATION_PRECEDENCE: tuple[str, ...] = ("merge", "finetune", "adapter", "quantized")
#: Spellings of the relation accepted in edge files (the hf-lineage file uses past participles).
RELATION_ALIASES = {
    "finetune": "finetune",
    "finetuned": "finetune",
    "fine-tune": "finetune",
    "fine-tuned": "finetune",
    "adapter": "adapter",
    "adapters": "adapter",
    "lora": "adapter",
    "quantized": "quantized",
    "quantization": "quantized",
    "quantised": "quantized",
    "quant": "quantized",
    "merge": "merge",
    "merged": "merge",
    "merges": "merge",
}
#: Column layouts of an edge file: (parent column, child column, relation column).
EDGE_LAYOUTS = (
    ("source", "target", "edge"),
    ("parent", "child", "relation"),
    ("base_model", "model", "relation"),
    ("parent", "child", "edge"),
)

_PRECEDENCE_OF_CODE = [RELATION_PRECEDENCE.index(r) for r in RELATIONS]


def relation_code(name: str) -> int:
    """The index of a relation in :data:`RELATIONS` (aliases such as ``finetuned`` accepted)."""
    canonical = RELATION_ALIASES.get(str(name).strip().lower())
    if canonical is None:
        raise InputError(f"Unknown lineage relation '{name}'; expected one of {', '.join(RELATIONS)}.")
    return RELATIONS.index(canonical)


# ---------------------------------------------------------------------------------------------------
# Integer kernel
# ---------------------------------------------------------------------------------------------------
@dataclass
class RootResolution:
    """The families of a graph over integer node ids ``0..n-1``.

    ``roots`` are node ids; the membership arrays hold one entry per (family, member) pair, the root
    itself included at depth 0 (``member_relation`` is -1 there). ``member_family`` indexes ``roots``.
    """

    n_nodes: int
    roots: np.ndarray
    member_family: np.ndarray
    member_node: np.ndarray
    member_depth: np.ndarray
    member_relation: np.ndarray
    derivatives: np.ndarray
    by_relation: np.ndarray  # shape (len(roots), 4), columns in RELATIONS order
    max_depth: np.ndarray
    node_relation: np.ndarray  # per node: relation to its own parent(s), -1 for roots
    self_loops: int = 0
    cycle_nodes: int = 0
    levels: int = 0
    #: the first :data:`MAX_CYCLES_LISTED` cycles: (member nodes in id order, root node or -1 when the cycle
    #: is entered from outside and so belongs to another family)
    cycles: list[tuple[list[int], int]] = field(default_factory=list)


MAX_CYCLES_LISTED = 20
CYCLE_RULE = (
    "a cycle that nothing outside points into is rooted at its first model in sort order; a cycle "
    "entered from outside belongs to the family of the model that points into it"
)


def _dedupe_edges(parent: np.ndarray, child: np.ndarray, relation: np.ndarray, n: int):
    """Drop self-loops and duplicate (parent, child) pairs, keeping the highest-precedence relation."""
    import numpy as np

    keep = parent != child
    self_loops = int((~keep).sum())
    parent, child, relation = parent[keep], child[keep], relation[keep]
    if len(parent) == 0:
        return parent, child, relation, self_loops
    precedence = np.asarray(_PRECEDENCE_OF_CODE, dtype=np.int8)[relation]
    key = parent.astype(np.int64) * n + child
    order = np.lexsort((precedence, key))
    key = key[order]
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    idx = order[first]
    return parent[idx], child[idx], relation[idx], self_loops


def resolve_roots(n_nodes: int, parent: Any, child: Any, relation: Any) -> RootResolution:
    """Resolve every node of a lineage graph to its root(s) and count each family.

    ``parent``/``child``/``relation`` are equal-length integer arrays (relation codes index
    :data:`RELATIONS`). Runs in O((V + E) log E) with numpy; cycles and self-loops are safe.
    """
    import numpy as np
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    n = int(n_nodes)
    parent = np.asarray(parent, dtype=np.int64)
    child = np.asarray(child, dtype=np.int64)
    relation = np.asarray(relation, dtype=np.int8)
    if not (len(parent) == len(child) == len(relation)):
        raise ValueError("parent, child and relation must have the same length")
    if len(parent) and (parent.min() < 0 or child.min() < 0 or max(parent.max(), child.max()) >= n):
        raise ValueError("node ids must lie in 0..n_nodes-1")
    if len(relation) and (relation.min() < 0 or relation.max() >= len(RELATIONS)):
        raise ValueError("relation codes must index RELATIONS")
    parent, child, relation, self_loops = _dedupe_edges(parent, child, relation, n)

    # Each node's own relation (to its direct parents): the highest-precedence one.
    precedence_table = np.asarray(_PRECEDENCE_OF_CODE, dtype=np.int8)
    node_precedence = np.full(n, 127, dtype=np.int8)
    if len(child):
        np.minimum.at(node_precedence, child, precedence_table[relation])
    code_of_precedence = np.asarray([RELATIONS.index(r) for r in RELATION_PRECEDENCE], dtype=np.int8)
    node_relation = np.where(node_precedence == 127, -1, code_of_precedence[np.minimum(node_precedence, 3)])
    node_relation = node_relation.astype(np.int8)

    # Roots: one representative (smallest id) of every strongly connected component with no edge
    # coming in from another component. A parentless node is such a component of size one.
    has_parent = np.zeros(n, dtype=bool)
    has_parent[child] = True
    cycle_nodes = 0
    cycles: list[tuple[list[int], int]] = []
    if len(parent):
        graph = csr_matrix((np.ones(len(parent), dtype=np.int8), (parent, child)), shape=(n, n))
        n_comp, comp = connected_components(graph, directed=True, connection="strong")
        comp_size = np.bincount(comp, minlength=n_comp)
        cycle_nodes = int((comp_size[comp] > 1).sum())
        entered = np.zeros(n_comp, dtype=bool)
        cross = comp[parent] != comp[child]
        entered[comp[child[cross]]] = True
        rep = np.full(n_comp, n, dtype=np.int64)
        np.minimum.at(rep, comp, np.arange(n, dtype=np.int64))
        roots = np.sort(rep[~entered])
        for component in np.flatnonzero(comp_size > 1)[:MAX_CYCLES_LISTED]:
            members = np.flatnonzero(comp == component).tolist()
            cycles.append((members, -1 if entered[component] else int(rep[component])))
    else:
        roots = np.flatnonzero(~has_parent).astype(np.int64)

    # CSR adjacency parent -> children.
    order = np.argsort(parent, kind="stable")
    adj_child = child[order]
    adj_relation = relation[order]
    degree = np.bincount(parent, minlength=n).astype(np.int64)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(degree, out=indptr[1:])

    n_roots = len(roots)
    family_ids = [np.arange(n_roots, dtype=np.int64)]
    node_ids = [roots]
    depths = [np.zeros(n_roots, dtype=np.int32)]
    relations = [np.full(n_roots, -1, dtype=np.int8)]
    max_depth = np.zeros(n_roots, dtype=np.int32)
    # Visited (family, node) pairs: the first family that reached a node sits in ``first_family``;
    # further families of the same node (merges, shared descendants) in the sorted ``extra_keys``.
    first_family = np.full(n, -1, dtype=np.int64)
    first_family[roots] = np.arange(n_roots, dtype=np.int64)
    extra_keys = np.empty(0, dtype=np.int64)

    frontier_family = family_ids[0]
    frontier_node = roots
    level = 0
    while len(frontier_node):
        level += 1
        counts = degree[frontier_node]
        total = int(counts.sum())
        if total == 0:
            break
        fam = np.repeat(frontier_family, counts)
        offsets = np.repeat(indptr[frontier_node] - (np.cumsum(counts) - counts), counts)
        edge_idx = offsets + np.arange(total, dtype=np.int64)
        nodes = adj_child[edge_idx]
        rels = adj_relation[edge_idx]
        # Drop pairs already visited.
        seen_first = first_family[nodes]
        fresh = seen_first == -1
        other = (~fresh) & (seen_first != fam)
        if other.any() and len(extra_keys):
            other_idx = np.flatnonzero(other)
            other_keys = fam[other_idx] * n + nodes[other_idx]
            pos = np.searchsorted(extra_keys, other_keys)
            pos[pos >= len(extra_keys)] = 0
            other[other_idx[extra_keys[pos] == other_keys]] = False
        keep = fresh | other
        fam, nodes, rels = fam[keep], nodes[keep], rels[keep]
        if len(nodes) == 0:
            break
        # One pair per (family, node), the nearest parent's relation by precedence.
        keys = fam * n + nodes
        sort = np.lexsort((precedence_table[rels], keys))
        keys = keys[sort]
        first = np.ones(len(keys), dtype=bool)
        first[1:] = keys[1:] != keys[:-1]
        sel = sort[first]
        fam, nodes, rels, keys = fam[sel], nodes[sel], rels[sel], keys[first]
        # Record: nodes seen for the first time take the slot; the rest go to extra_keys.
        unclaimed = first_family[nodes] == -1
        claim_nodes, claim_idx = np.unique(nodes[unclaimed], return_index=True)
        claim_rows = np.flatnonzero(unclaimed)[claim_idx]
        first_family[claim_nodes] = fam[claim_rows]
        is_extra = np.ones(len(nodes), dtype=bool)
        is_extra[claim_rows] = False
        if is_extra.any():
            extra_keys = np.sort(np.concatenate([extra_keys, keys[is_extra]]))
        family_ids.append(fam)
        node_ids.append(nodes)
        depths.append(np.full(len(nodes), level, dtype=np.int32))
        relations.append(rels.astype(np.int8))
        max_depth[fam] = level
        frontier_family, frontier_node = fam, nodes

    member_family = np.concatenate(family_ids)
    member_node = np.concatenate(node_ids)
    member_depth = np.concatenate(depths)
    member_relation = np.concatenate(relations)
    descendants = member_depth > 0
    derivatives = np.bincount(member_family[descendants], minlength=n_roots).astype(np.int64)
    by_relation = (
        np.bincount(
            member_family[descendants] * len(RELATIONS) + member_relation[descendants].astype(np.int64),
            minlength=n_roots * len(RELATIONS),
        )
        .reshape(n_roots, len(RELATIONS))
        .astype(np.int64)
    )
    return RootResolution(
        n_nodes=n,
        roots=roots,
        member_family=member_family,
        member_node=member_node,
        member_depth=member_depth,
        member_relation=member_relation,
        derivatives=derivatives,
        by_relation=by_relation,
        max_depth=max_depth,
        node_relation=node_relation,
        self_loops=self_loops,
        cycle_nodes=cycle_nodes,
        levels=level,
        cycles=cycles,
    )


# ---------------------------------------------------------------------------------------------------
# Edge input
# ---------------------------------------------------------------------------------------------------
def normalise_edges(frame: pd.DataFrame, where: str) -> pd.DataFrame:
    """Validate and normalise an edge frame with columns ``parent, child, relation``.

    Raises :class:`InputError` (one sentence naming ``where`` and the row) on an empty id, an id that
    is not a Hub repo id, or an unknown relation.
    """
    import pandas as pd

    out = pd.DataFrame(
        {
            "parent": frame["parent"].astype(str).str.strip(),
            "child": frame["child"].astype(str).str.strip(),
            "relation": frame["relation"].astype(str).str.strip().str.lower(),
        }
    )
    for column in ("parent", "child"):
        bad = (
            ~out[column].str.match(REPO_ID_PATTERN)
            | out[column].str.contains("..", regex=False)
            | out[column].str.contains("--", regex=False)
        )
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0])
            value = out[column].iloc[row]
            raise InputError(
                f"{where} row {row + 2} has a {column} model id {value!r} that is not a Hugging Face "
                "repo id (namespace/name of letters, digits, '-', '_', '.', at most 96 characters)."
            )
    mapped = out["relation"].map(RELATION_ALIASES)
    if mapped.isna().any():
        row = int(mapped.isna().to_numpy().nonzero()[0][0])
        raise InputError(
            f"{where} row {row + 2} has an unknown relation {out['relation'].iloc[row]!r}; expected one of "
            f"{', '.join(sorted(RELATION_ALIASES))}."
        )
    out["relation"] = mapped
    return out


def read_edges_csv(path: str | Path) -> pd.DataFrame:
    """Read an edge file: columns ``source,target,edge`` (as in the hf-dep-network-analysis export) or
    ``parent,child,relation``. Returns a frame ``parent, child, relation`` with canonical relations."""
    import pandas as pd

    path = Path(path)
    if not path.exists():
        raise InputError(f"The edge file {path} does not exist.")
    if path.is_dir():
        raise InputError(f"The edge file {path} is a directory, not a CSV file.")
    if not path.is_file():
        raise InputError(f"The edge file {path} is not a regular file (a device or a pipe?).")
    try:
        with path.open("rb") as handle:
            head = handle.read(1 << 16)
    except OSError as exc:
        raise InputError(f"The edge file {path} cannot be read ({exc.strerror}).") from None
    if b"\x00" in head:
        raise InputError(f"The edge file {path} is a binary file, not a CSV text file.")
    try:
        frame = pd.read_csv(
            path, dtype=str, keep_default_na=False, skipinitialspace=True, encoding="utf-8-sig"
        )
    except UnicodeDecodeError:
        raise InputError(f"The edge file {path} is not UTF-8 text.") from None
    except pd.errors.EmptyDataError:
        raise InputError(f"The edge file {path} is empty.") from None
    except pd.errors.ParserError as exc:
        first = str(exc).strip().splitlines()[0].rstrip(".")
        raise InputError(f"The edge file {path} is not a well-formed CSV ({first}).") from None
    columns = {c.strip().lower(): c for c in frame.columns}
    for parent_col, child_col, relation_col in EDGE_LAYOUTS:
        if {parent_col, child_col, relation_col} <= set(columns):
            frame = frame.rename(
                columns={
                    columns[parent_col]: "parent",
                    columns[child_col]: "child",
                    columns[relation_col]: "relation",
                }
            )
            break
    else:
        layouts = "; ".join(",".join(layout) for layout in EDGE_LAYOUTS)
        raise InputError(
            f"The edge file {path} has columns {','.join(map(ascii, map(str, frame.columns)))}, not a known edge "
            f"layout ({layouts})."
        )
    if len(frame) == 0:
        raise InputError(f"The edge file {path} has a header but no edges.")
    for column in ("parent", "child", "relation"):
        empty = frame[column].isna() | (frame[column].astype(str).str.strip() == "")
        if empty.any():
            raise InputError(
                f"The edge file {path} row {int(empty.to_numpy().nonzero()[0][0]) + 2} has no "
                f"{column} (an empty field, or fewer fields than the header)."
            )
    return normalise_edges(frame, f"The edge file {path}")


def read_edges_store(store: Any) -> pd.DataFrame:
    """Lineage edges from the store's ``hf_lineage`` as of each child's latest record (same fetch time
    and source as its ``hf_models_latest`` row): a model whose tags changed is read as it is now, and a
    model whose latest record names no parent has no edges, whatever older records said. Returns
    ``parent, child, relation``."""
    if not store.has_table("hf_lineage") or not store.has_table("hf_models"):
        raise InputError(
            f"The store {store.path or ':memory:'} has no Hugging Face tables; run `valuechain hf sync` "
            "or `valuechain hf import` first."
        )
    frame = store.query(
        """
        SELECT DISTINCT l.parent, l.child, l.relation
        FROM hf_lineage l JOIN hf_models_latest m
            ON l.child = m.id AND l.fetched_at = m.fetched_at AND l.source = m.source
        ORDER BY l.child, l.parent
        """
    )
    if len(frame) == 0:
        raise InputError(
            f"The store {store.path or ':memory:'} has no lineage edges; load models with base_model tags "
            "via `valuechain hf sync` or `valuechain hf import` first."
        )
    return normalise_edges(frame, f"The store {store.path or ':memory:'}")


# ---------------------------------------------------------------------------------------------------
# String-level analysis
# ---------------------------------------------------------------------------------------------------
@dataclass
class LineageResult:
    """Families per root, each model's roots and origin, and the re-packager decisions."""

    families: pd.DataFrame  # root, origin_country, derivatives, finetune..merge, max_depth
    membership: pd.DataFrame  # root, model, depth, relation (depth 0 rows are the roots)
    models: pd.DataFrame  # model, relation, roots, origin, countries
    repackagers: pd.DataFrame  # repo, resolved_to, method, descendants
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def unresolved(self) -> pd.DataFrame:
        """Re-packager repos that could not be traced to an original (never counted as origins)."""
        return self.repackagers[self.repackagers["resolved_to"].isna()].reset_index(drop=True)

    def to_list(self, top: int | None = None) -> list[dict[str, Any]]:
        """The ``valuechain ecosystem lineage --json`` list, largest family first."""
        frame = self.families if top is None else self.families.head(top)
        return [
            {
                "root": row.root,
                "origin_country": row.origin_country,
                "derivatives": int(row.derivatives),
                "by_relation": {r: int(getattr(row, r)) for r in RELATIONS},
                "max_depth": int(row.max_depth),
            }
            for row in frame.itertuples(index=False)
        ]


def analyse_lineage(
    edges: pd.DataFrame,
    *,
    rules: Any = None,
    catalogue: Any = None,
    hashes: dict[str, str] | None = None,
    origins: Any = None,
    extra_models: Any = None,
) -> LineageResult:
    """Resolve every model of ``edges`` (``parent, child, relation``) to its root base model(s).

    Re-packager repos without a parent are first traced to the original they re-package
    (:mod:`valuechain.ecosystem.repackagers`); those that cannot be traced are kept out of the root
    list (reported in ``.repackagers`` with ``resolved_to`` empty). Each root gets its organisation's
    country (:mod:`valuechain.reference.origin`); each model gets the origin of its roots, ``mixed`` when
    they differ. ``extra_models`` adds parentless models without edges (e.g. bases known from a store).
    """
    import numpy as np
    import pandas as pd

    from valuechain.ecosystem.repackagers import load_rules, resolve_repackagers
    from valuechain.reference import origin as origin_mod

    rules = rules or load_rules()
    origins = origins if origins is not None else origin_mod.load_org_countries()
    edges = edges[["parent", "child", "relation"]]
    node_series = [edges["parent"], edges["child"]]
    if extra_models is not None:
        node_series.append(pd.Series(list(extra_models), dtype=object))
    codes, all_nodes = pd.factorize(pd.concat(node_series, ignore_index=True).to_numpy(dtype=object))
    all_nodes = np.asarray(all_nodes, dtype=object)
    n_edges = len(edges)
    parent_codes, child_codes = codes[:n_edges], codes[n_edges : 2 * n_edges]
    has_parent = np.zeros(len(all_nodes), dtype=bool)
    has_parent[child_codes[parent_codes != child_codes]] = True
    parentless = all_nodes[~has_parent]
    out_degree = edges.groupby("parent").size()
    resolution: RepackagerResolution = resolve_repackagers(
        parentless,
        known=all_nodes,
        rules=rules,
        catalogue=catalogue,
        hashes=hashes,
        out_degree=out_degree,
        origins=origins,
    )
    mapping = resolution.mapping
    if mapping:
        remap = pd.Series(mapping, dtype=object)

        def apply(values: Any) -> Any:
            values = np.asarray(values, dtype=object)
            mapped = pd.Series(values, dtype=object).map(remap).to_numpy(dtype=object)
            return np.where(pd.isna(mapped), values, mapped)

        edges = edges.assign(parent=apply(edges["parent"]), child=apply(edges["child"]))
        all_nodes = pd.unique(apply(all_nodes))
    names = pd.Index(
        np.sort(
            pd.unique(
                np.concatenate(
                    [edges["parent"].to_numpy(dtype=object), edges["child"].to_numpy(dtype=object), all_nodes]
                )
            )
        )
    )
    parent_ids = names.get_indexer(edges["parent"])
    child_ids = names.get_indexer(edges["child"])
    relation_ids = edges["relation"].map({r: i for i, r in enumerate(RELATIONS)}).to_numpy(np.int8)
    res = resolve_roots(len(names), parent_ids, child_ids, relation_ids)

    root_names = names[res.roots]
    unresolved = set(resolution.unresolved)
    counted = ~root_names.isin(list(unresolved))
    root_country = np.array([origins.country_of(r) for r in root_names], dtype=object)
    families = pd.DataFrame(
        {
            "root": root_names,
            "origin_country": root_country,
            "derivatives": res.derivatives,
            **{r: res.by_relation[:, i] for i, r in enumerate(RELATIONS)},
            "max_depth": res.max_depth,
        }
    )
    families_all = families
    families = families[counted].sort_values(["derivatives", "root"], ascending=[False, True])
    families = families.reset_index(drop=True)

    membership = pd.DataFrame(
        {
            "root": root_names[res.member_family],
            "model": names[res.member_node],
            "depth": res.member_depth,
            "relation": pd.Categorical.from_codes(
                np.where(res.member_relation < 0, -1, res.member_relation), categories=list(RELATIONS)
            ),
        }
    )
    models = _model_origins(names, res, counted, root_country)
    models["relation"] = pd.Categorical.from_codes(
        res.node_relation.astype(np.int64), categories=list(RELATIONS)
    )
    models["is_root"] = False
    models.loc[res.roots, "is_root"] = True

    repack = resolution.frame()
    if len(repack):
        desc = dict(zip(families_all["root"], families_all["derivatives"], strict=True))
        repack["descendants"] = [
            int(desc.get(repo, 0)) if pd.isna(target) else None
            for repo, target in zip(repack["repo"], repack["resolved_to"], strict=True)
        ]
    stats = {
        "edges": int(len(edges)),
        "models": int(len(names)),
        "roots": int(len(families)),
        "self_loops_dropped": int(res.self_loops),
        "models_in_cycles": int(res.cycle_nodes),
        "repackagers_resolved": int(len(mapping)),
        "repackagers_unresolved": int(len(unresolved)),
        "unattributed_models": int((models["n_roots"] == 0).sum()),
        "levels": int(res.levels),
        "cycles": [
            {
                "models": [str(names[m]) for m in members[:10]],
                "size": len(members),
                "root": str(names[root]) if root >= 0 else None,
            }
            for members, root in res.cycles
        ],
        "cycle_rule": CYCLE_RULE,
    }
    return LineageResult(
        families=families, membership=membership, models=models, repackagers=repack, stats=stats
    )


def _model_origins(names: Any, res: RootResolution, counted: Any, root_country: Any) -> pd.DataFrame:
    """Per model: the number of counted roots, the first of them, the distinct root countries (a tuple)
    and the origin label (one code, ``mixed`` or ``unknown``), all vectorised over the membership."""
    import numpy as np
    import pandas as pd

    from valuechain.reference.origin import MIXED, UNKNOWN

    n = len(names)
    keep = np.asarray(counted)[res.member_family]
    fam = res.member_family[keep]
    node = res.member_node[keep]
    n_roots = np.bincount(node, minlength=n)
    first_family = np.full(n, len(res.roots), dtype=np.int64)
    np.minimum.at(first_family, node, fam)
    codes, labels = pd.factorize(pd.Series(root_country, dtype=object), sort=True)
    pair = np.unique(node.astype(np.int64) * max(len(labels), 1) + codes[fam])
    pair_node, pair_code = pair // max(len(labels), 1), pair % max(len(labels), 1)
    n_countries = np.bincount(pair_node, minlength=n)
    single_code = np.full(n, -1, dtype=np.int64)
    single_code[pair_node] = pair_code  # meaningful where n_countries == 1
    label_array = np.asarray(labels, dtype=object)
    origin = np.full(n, UNKNOWN, dtype=object)
    one = n_countries == 1
    origin[one] = label_array[single_code[one]]
    origin[n_countries > 1] = MIXED
    countries = pd.Series([()] * n, dtype=object)
    singles = pd.Series({i: (str(label),) for i, label in enumerate(label_array)}, dtype=object)
    one_idx = np.flatnonzero(one)
    countries.iloc[one_idx] = singles.reindex(single_code[one_idx]).to_numpy()
    multi = np.flatnonzero(n_countries > 1)
    if len(multi):
        in_multi = np.isin(pair_node, multi)
        m_nodes, m_codes = pair_node[in_multi], pair_code[in_multi]
        groups = np.split(m_codes, np.flatnonzero(np.diff(m_nodes)) + 1)
        multi_values = pd.Series([tuple(str(label_array[c]) for c in g) for g in groups], dtype=object)
        countries.iloc[np.unique(m_nodes)] = multi_values.to_numpy()
    root_names = np.asarray(names[res.roots], dtype=object)
    no_root = np.full(n, None, dtype=object)
    first_root = (
        np.where(n_roots > 0, root_names[np.minimum(first_family, len(res.roots) - 1)], no_root)
        if len(res.roots)
        else no_root
    )
    return pd.DataFrame(
        {
            "model": names,
            "n_roots": n_roots,
            "root": first_root,
            "countries": countries.to_numpy(),
            "origin": origin,
        }
    )


def is_store_path(value: str | Path) -> bool:
    """True for ``store`` or a DuckDB database file (checked by its magic bytes, not its name)."""
    if str(value) == "store":
        return True
    path = Path(value)
    if path.suffix.lower() in {".duckdb", ".ddb", ".db"}:
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(12)
    except OSError:
        return False
    return head[8:12] == b"DUCK"


def synthetic_hub_graph(
    n_models: int,
    *,
    seed: int = 0,
    root_share: float = 0.08,
    merge_share: float = 0.05,
    max_depth: int = 10,
    zipf_exponent: float = 1.1,
    self_loops: int = 50,
    back_edges: int = 50,
):
    """A synthetic graph shaped like the Hub's lineage, for benchmarks and property tests.

    Heavy-tailed families (root popularity ~ 1 / rank^``zipf_exponent``), each non-root model at a
    depth 1..``max_depth`` drawn geometrically, its parent a random model of the same family one level
    up; ``merge_share`` of the models get a second parent from another family (both edges ``merge``);
    a few self-loops and back edges (cycles) as in real tags. Returns ``(n, parent, child, relation)``
    integer arrays with node ids shuffled.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    n = int(n_models)
    n_roots = max(1, int(n * root_share))
    n_rest = n - n_roots
    weights = 1.0 / np.arange(1, n_roots + 1) ** zipf_exponent
    family = np.concatenate([np.arange(n_roots), rng.choice(n_roots, size=n_rest, p=weights / weights.sum())])
    depth_p = 0.5 ** np.arange(1, max_depth + 1)
    depth = np.concatenate(
        [
            np.zeros(n_roots, dtype=np.int64),
            rng.choice(np.arange(1, max_depth + 1), size=n_rest, p=depth_p / depth_p.sum()),
        ]
    )
    # Group the models by (family, depth); a model's parent is drawn from its family one level up.
    key = family * (max_depth + 1) + depth
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    want = key[n_roots:] - 1
    start = np.searchsorted(sorted_key, want, side="left")
    stop = np.searchsorted(sorted_key, want, side="right")
    size = stop - start
    pick = start + np.floor(rng.random(n_rest) * np.maximum(size, 1)).astype(np.int64)
    parent = np.where(size > 0, order[np.minimum(pick, n - 1)], family[n_roots:])
    child = np.arange(n_roots, n, dtype=np.int64)
    relation = rng.choice(np.array([0, 1, 2], dtype=np.int8), size=n_rest, p=[0.58, 0.06, 0.36])
    # Merges: a second parent anywhere one level up (keeps the graph acyclic).
    n_merge = int(n_rest * merge_share)
    merged = rng.choice(child, size=n_merge, replace=False)
    by_depth = np.argsort(depth, kind="stable")
    depth_sorted = depth[by_depth]
    lo = np.searchsorted(depth_sorted, depth[merged] - 1, side="left")
    hi = np.searchsorted(depth_sorted, depth[merged] - 1, side="right")
    second = by_depth[lo + np.floor(rng.random(n_merge) * (hi - lo)).astype(np.int64)]
    relation[merged - n_roots] = 3
    parent = np.concatenate([parent, second])
    child = np.concatenate([child, merged])
    relation = np.concatenate([relation, np.full(n_merge, 3, dtype=np.int8)])
    # Noise seen in real tags: self-references and cycles.
    loops = rng.choice(n, size=min(self_loops, n), replace=False)
    deep = np.flatnonzero(depth >= 2)
    back_children = rng.choice(deep, size=min(back_edges, len(deep)), replace=False) if len(deep) else deep
    back_parents = parent[back_children - n_roots] if len(back_children) else back_children
    parent = np.concatenate([parent, loops, back_children])
    child = np.concatenate([child, loops, back_parents])
    relation = np.concatenate([relation, np.zeros(len(loops) + len(back_children), dtype=np.int8)])
    perm = rng.permutation(n)
    return n, perm[parent], perm[child], relation
