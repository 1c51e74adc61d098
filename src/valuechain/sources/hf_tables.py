"""The Hugging Face connector's store tables: model metadata and lineage edges, their schema and loaders.

They live with the connector (:mod:`valuechain.sources.huggingface`), below the domains: the connector
writes them and :mod:`valuechain.ecosystem` reads them.

Tables (namespace ``hf``):

- ``hf_models``: one row per model per fetch, so that snapshots can be compared over time
  (downloads, likes, tags as the Hub reported them at ``fetched_at``).
- ``hf_lineage``: parent edges of each model, derived from the Hub's ``base_model:<relation>:<id>``
  tags (``origin = 'tag'``) and the model card's ``base_model`` field (``origin = 'card'``).
  Relations are the Hub's four: ``finetune``, ``adapter``, ``quantized``, ``merge``
  (https://huggingface.co/docs/hub/model-cards#specifying-a-base-model).
- ``hf_models_latest``: a view with the latest fetched row per model id.
- ``hf_sync_state``: the checkpoint of a resumable sync (query key → next-page cursor).

:func:`load_models` writes the model rows and the lineage derived from them in one transaction, and
optionally a sync checkpoint in the same transaction, so a killed run loses or duplicates nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import pandas as pd

from valuechain.errors import InputError
from valuechain.store import PROVENANCE_COLUMNS, Schema, Store, utcnow, with_provenance

#: The Hub's four lineage relations, in the column order of every per-relation count.
RELATIONS: tuple[str, ...] = ("finetune", "adapter", "quantized", "merge")

MODEL_COLUMNS = (
    "id",
    "author",
    "created_at",
    "last_modified",
    "downloads",
    "downloads_all_time",
    "likes",
    "pipeline_tag",
    "library_name",
    "gated",
    "tags",
    "card_data",
    "sha",
)
LINEAGE_COLUMNS = ("child", "parent", "relation", "origin")

HF_SCHEMA = Schema(
    "hf",
    migrations=(
        (
            f"""CREATE TABLE hf_models (
                id VARCHAR NOT NULL, author VARCHAR, created_at TIMESTAMP, last_modified TIMESTAMP,
                downloads BIGINT, downloads_all_time BIGINT, likes BIGINT, pipeline_tag VARCHAR,
                library_name VARCHAR, gated VARCHAR, tags VARCHAR[], card_data JSON, sha VARCHAR,
                {PROVENANCE_COLUMNS})""",
            f"""CREATE TABLE hf_lineage (
                child VARCHAR NOT NULL, parent VARCHAR NOT NULL,
                relation VARCHAR NOT NULL,  -- finetune | adapter | quantized | merge
                origin VARCHAR NOT NULL,    -- 'tag' | 'card'
                {PROVENANCE_COLUMNS})""",
            """CREATE VIEW hf_models_latest AS
                SELECT * EXCLUDE (_rank) FROM (
                    SELECT *, row_number() OVER (PARTITION BY id ORDER BY fetched_at DESC) AS _rank
                    FROM hf_models) WHERE _rank = 1""",
            """CREATE TABLE hf_sync_state (
                query VARCHAR PRIMARY KEY,   -- canonical JSON of the sync's query parameters
                next_url VARCHAR,            -- the next page to fetch; NULL when the sync finished
                pages INTEGER NOT NULL, models BIGINT NOT NULL,
                started_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL,
                done BOOLEAN NOT NULL, source VARCHAR NOT NULL)""",
        ),
        (  # v2: a deterministic latest row when two sources share a fetch time (the larger source wins)
            """CREATE OR REPLACE VIEW hf_models_latest AS
                SELECT * EXCLUDE (_rank) FROM (
                    SELECT *, row_number() OVER (PARTITION BY id ORDER BY fetched_at DESC, source DESC)
                        AS _rank
                    FROM hf_models) WHERE _rank = 1""",
        ),
    ),
)

# A Hub repo id (huggingface_hub.utils.validate_repo_id): optional namespace, then a name; each part
# 1-96 of letters, digits, '_', '-', '.', not starting or ending with '-' or '.', without '--' or '..'.
_REPO_PART = r"(?![-.])[A-Za-z0-9_.-]{1,96}(?<![-.])"
REPO_ID_PATTERN = rf"^(?:{_REPO_PART}/)?{_REPO_PART}$"
_REPO_ID_RE = re.compile(REPO_ID_PATTERN)


def is_repo_id(value: str) -> bool:
    """True when ``value`` has the shape of a Hugging Face repo id (``namespace/name`` or ``name``)."""
    return bool(_REPO_ID_RE.match(value)) and "--" not in value and ".." not in value


def parse_base_model_tags(tags: Iterable[str]) -> list[tuple[str, str]]:
    """``(relation, parent)`` pairs from ``base_model:<relation>:<id>`` tags, in order, de-duplicated.

    The Hub adds both a bare ``base_model:<id>`` tag and a typed ``base_model:<relation>:<id>`` tag;
    only the typed ones carry the relation, the bare ones are used as ``finetune`` only when no typed
    tag names the same parent. Tags whose id is not a valid repo id are ignored.
    """
    typed: dict[str, str] = {}
    bare: list[str] = []
    for tag in tags or ():
        if not isinstance(tag, str) or not tag.startswith("base_model:"):
            continue
        rest = tag[len("base_model:") :].strip()
        head, colon, tail = rest.partition(":")
        relation, parent = (head, tail.strip()) if colon and head in RELATIONS else (None, rest)
        if not is_repo_id(parent):
            continue
        if relation:
            typed.setdefault(parent, relation)
        elif parent not in bare:
            bare.append(parent)
    pairs = [(relation, parent) for parent, relation in typed.items()]
    pairs += [("finetune", parent) for parent in bare if parent not in typed]
    return pairs


def card_base_models(card: Mapping[str, Any] | None) -> list[str]:
    """The card's ``base_model`` as a list of repo ids (it may be a string or a list)."""
    if not card:
        return []
    value = card.get("base_model")
    if value is None:
        return []
    values = [value] if isinstance(value, str) else list(value) if isinstance(value, list) else []
    out: list[str] = []
    for item in values:
        if isinstance(item, str) and is_repo_id(item.strip()) and item.strip() not in out:
            out.append(item.strip())
    return out


def lineage_edges(
    model_id: str, tags: Iterable[str] | None, card: Mapping[str, Any] | None
) -> list[tuple[str, str, str, str]]:
    """``(child, parent, relation, origin)`` edges of one model.

    Typed tags give the relation; a parent named only in the card gets the card's
    ``base_model_relation`` when it is one of the four relations, else ``finetune``. Each parent appears
    once; a model naming itself is dropped (self-references must not create loops).
    """
    edges: list[tuple[str, str, str, str]] = []
    seen: set[str] = set()
    card = card if isinstance(card, Mapping) else None
    tag_list: list[str] | tuple[str, ...] = (
        tags
        if isinstance(tags, (list, tuple))
        else list(tags)
        if tags is not None and hasattr(tags, "__iter__")
        else []
    )
    for relation, parent in parse_base_model_tags(tag_list):
        if parent != model_id and parent not in seen:
            seen.add(parent)
            edges.append((model_id, parent, relation, "tag"))
    card_relation = (card or {}).get("base_model_relation")
    if card_relation not in RELATIONS:
        card_relation = "finetune"
    for parent in card_base_models(card):
        if parent != model_id and parent not in seen:
            seen.add(parent)
            edges.append((model_id, parent, card_relation, "card"))
    return edges


def _as_list(value: Any) -> list[Any]:
    """A list of tags from a list, tuple or array (as DuckDB returns them); anything else → []."""
    if isinstance(value, list):
        return value
    if value is None or isinstance(value, (str, bytes, float, int, dict)):
        return []
    try:
        return list(value)
    except TypeError:
        return []


def lineage_frame(models: pd.DataFrame, extra_columns: Iterable[str] = ()) -> pd.DataFrame:
    """The lineage rows derived from a frame of model rows (columns ``id``, ``tags``, ``card_data``;
    ``card_data`` a dict or its JSON text). ``source``/``fetched_at`` and ``extra_columns`` of each
    model row are copied onto its edges."""

    rows: list[tuple[Any, ...]] = []
    n = len(models)
    copied = [c for c in ("source", "fetched_at", *extra_columns)]
    carried = [models[c].tolist() if c in models.columns else [None] * n for c in copied]
    for position, (model_id, tags, card) in enumerate(
        zip(models["id"], models["tags"], models["card_data"], strict=True)
    ):
        if isinstance(card, str):
            card = json.loads(card) if card else None
        edges = lineage_edges(model_id, _as_list(tags), card)
        if edges:
            tail = tuple(values[position] for values in carried)
            rows.extend((*edge, *tail) for edge in edges)
    edges_frame = pd.DataFrame(rows, columns=[*LINEAGE_COLUMNS, *copied])
    return edges_frame.astype({"child": object, "parent": object, "relation": object, "origin": object})


def prepare_frames(
    frame: pd.DataFrame, *, source: str | None = None, fetched_at: datetime | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Typed ``hf_models`` rows and the ``hf_lineage`` rows derived from them, ready to insert.

    ``frame`` has the :data:`MODEL_COLUMNS` (``tags`` a list of str, ``card_data`` a dict, JSON string
    or None); ``source``/``fetched_at`` fill the provenance columns when the frame lacks them. Extra
    columns (e.g. a ``seq`` number) are kept on both frames.
    """

    frame = frame.copy()
    for column in MODEL_COLUMNS:
        if column not in frame.columns:
            frame[column] = None
    with_provenance(frame, source, fetched_at)
    extra = [c for c in frame.columns if c not in (*MODEL_COLUMNS, "source", "fetched_at")]
    edges = lineage_frame(frame, extra)  # before card_data is serialised: no JSON round trip
    edges = edges[[*extra, *LINEAGE_COLUMNS, "source", "fetched_at"]]
    frame["card_data"] = [
        None
        if c is None or (isinstance(c, float) and c != c)
        else c
        if isinstance(c, str)
        else json.dumps(c, ensure_ascii=False, default=str)
        for c in frame["card_data"]
    ]
    frame["tags"] = [_as_list(t) for t in frame["tags"]]
    for column in ("created_at", "last_modified", "fetched_at"):
        frame[column] = pd.to_datetime(
            frame[column], utc=True, errors="coerce", format="ISO8601"
        ).dt.tz_localize(None)
    for column in ("downloads", "downloads_all_time", "likes"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
    for column in ("id", "author", "pipeline_tag", "library_name", "gated", "sha", "source"):
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    frame = frame[[*extra, *MODEL_COLUMNS, "source", "fetched_at"]]
    edges["source"] = edges["source"].astype(object)
    edges["fetched_at"] = pd.to_datetime(
        edges["fetched_at"], utc=True, errors="coerce", format="ISO8601"
    ).dt.tz_localize(None)
    return frame, edges


_MODEL_SELECT = (
    "id, author, created_at, last_modified, downloads, downloads_all_time, likes, pipeline_tag, "
    "library_name, gated, CAST(tags AS VARCHAR[]), CAST(card_data AS JSON), sha, source, "
    "CAST(fetched_at AS TIMESTAMP)"
)
_LINEAGE_SELECT = "child, parent, relation, origin, source, CAST(fetched_at AS TIMESTAMP)"


def insert_frames(
    con: Any,
    models: pd.DataFrame,
    edges: pd.DataFrame,
    *,
    models_table: str = "hf_models",
    lineage_table: str = "hf_lineage",
    extra: tuple[str, ...] = (),
) -> None:
    """Insert prepared frames (see :func:`prepare_frames`) on ``con``, inside the caller's transaction."""
    lead = "".join(f"{c}, " for c in extra)
    con.register("_hf_models_in", models)
    con.register("_hf_lineage_in", edges)
    try:
        con.execute(f"INSERT INTO {models_table} SELECT {lead}{_MODEL_SELECT} FROM _hf_models_in")
        if len(edges):
            con.execute(f"INSERT INTO {lineage_table} SELECT {lead}{_LINEAGE_SELECT} FROM _hf_lineage_in")
    finally:
        con.unregister("_hf_models_in")
        con.unregister("_hf_lineage_in")


def load_models(
    store: Store,
    frame: pd.DataFrame,
    *,
    source: str | None = None,
    fetched_at: datetime | None = None,
    checkpoint: Mapping[str, Any] | None = None,
) -> tuple[int, int]:
    """Write model rows and their lineage edges (and optionally a sync checkpoint) in ONE transaction.

    ``frame`` has the :data:`MODEL_COLUMNS` (``tags`` a list of str, ``card_data`` a dict, JSON string
    or None); ``source``/``fetched_at`` fill the provenance columns when the frame lacks them.
    ``checkpoint`` is a row of ``hf_sync_state`` to upsert with the page. Returns (models, edges).
    """
    store.ensure(HF_SCHEMA)
    models, edges = prepare_frames(frame, source=source, fetched_at=fetched_at)
    with store.transaction() as con:
        insert_frames(con, models, edges)
        if checkpoint is not None:
            save_checkpoint(con, checkpoint)
    return len(models), len(edges)


def save_checkpoint(con: Any, state: Mapping[str, Any]) -> None:
    """Upsert one ``hf_sync_state`` row (call inside the transaction that writes the page)."""
    now = utcnow()
    con.execute(
        "INSERT INTO hf_sync_state VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (query) DO UPDATE SET "
        "next_url = excluded.next_url, pages = excluded.pages, models = excluded.models, "
        "updated_at = excluded.updated_at, done = excluded.done, source = excluded.source",
        [
            state["query"],
            state.get("next_url"),
            int(state.get("pages", 0)),
            int(state.get("models", 0)),
            state.get("started_at") or now,
            now,
            bool(state.get("done", False)),
            state.get("source", ""),
        ],
    )


def read_checkpoint(store: Store, query: str) -> dict[str, Any] | None:
    """The saved state of the sync with canonical query ``query``, or None."""
    store.ensure(HF_SCHEMA)
    # fetchall, not fetchone: DuckDB 2 refuses further work on a connection with an unfinished result.
    rows = store.con.execute(
        "SELECT query, next_url, pages, models, started_at, updated_at, done, source "
        "FROM hf_sync_state WHERE query = ?",
        [query],
    ).fetchall()
    if not rows:
        return None
    keys = ("query", "next_url", "pages", "models", "started_at", "updated_at", "done", "source")
    return dict(zip(keys, rows[0], strict=True))


def require_models(store: Store) -> int:
    """The number of model rows in the store; :class:`InputError` when there are none."""
    where = store.path or ":memory:"
    if not store.has_table("hf_models"):
        raise InputError(
            f"The store {where} has no Hugging Face models; run `valuechain hf sync` or "
            "`valuechain hf import` first."
        )
    count = int(store.con.execute("SELECT count(*) FROM hf_models").fetchall()[0][0])
    if count == 0:
        raise InputError(
            f"The store {where} has no Hugging Face models; run `valuechain hf sync` or "
            "`valuechain hf import` first."
        )
    return count


def snapshots(store: Store) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per snapshot (``fetched_at``): its sources (pages or files), models and edges; and the sync states."""
    require_models(store)
    table = store.query(
        "SELECT m.fetched_at, m.first_source, m.sources, m.models, coalesce(l.edges, 0) AS lineage_edges "
        "FROM (SELECT fetched_at, min(source) AS first_source, count(DISTINCT source) AS sources, "
        "count(*) AS models FROM hf_models GROUP BY fetched_at) m LEFT JOIN "
        "(SELECT fetched_at, count(*) AS edges FROM hf_lineage GROUP BY fetched_at) l "
        "USING (fetched_at) ORDER BY m.fetched_at"
    )
    syncs = store.query(
        "SELECT query, pages, models, started_at, updated_at, done FROM hf_sync_state ORDER BY updated_at"
    )
    return table, syncs
