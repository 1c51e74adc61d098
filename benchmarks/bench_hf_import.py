"""Benchmark: `hf import` throughput on synthetic Hub records in the real API format.

Writes N JSON lines shaped like ``GET /api/models?expand=…`` items (camelCase keys, ``cardData``
objects, ``base_model:<relation>:<id>`` tags, merges with two parents) and loads them four ways:

1. valuechain ``import_file`` — parse, validate every id, normalise, derive lineage, DuckDB bulk insert
   of a registered DataFrame, one transaction (what ``valuechain hf import`` does);
2. row by row — the same parsing and lineage, then one ``INSERT … VALUES`` per row (measured on a
   subset, rate extrapolated);
3. pandas baseline — ``pd.read_json(lines=True)``, column renames, DuckDB insert; no id validation
   and no lineage (so it does less work);
4. DuckDB ``read_json`` straight into the table — no validation, no lineage (a floor for the I/O).

Run: ``python benchmarks/bench_hf_import.py [--rows 200000]``.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

RELATIONS = ("finetune", "adapter", "quantized", "merge")


def synthetic_records(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    orgs = [f"org{i}" for i in range(max(10, n // 50))]
    records = []
    for i in range(n):
        author = rng.choice(orgs)
        model_id = f"{author}/model-{i}"
        tags = ["transformers", "safetensors", "text-generation", "license:apache-2.0", "region:us"]
        card: dict = {"license": "apache-2.0", "language": ["en"], "library_name": "transformers"}
        if i > 10 and rng.random() < 0.8:
            relation = rng.choices(RELATIONS, weights=(60, 20, 15, 5))[0]
            parents = [f"org{rng.randrange(len(orgs))}/model-{rng.randrange(i)}"]
            if relation == "merge":
                parents.append(f"org{rng.randrange(len(orgs))}/model-{rng.randrange(i)}")
            for parent in parents:
                tags += [f"base_model:{parent}", f"base_model:{relation}:{parent}"]
            card["base_model"] = parents if len(parents) > 1 else parents[0]
        day = 1 + i % 28
        records.append(
            {
                "_id": f"{i:024x}",
                "id": model_id,
                "author": author,
                "sha": f"{rng.getrandbits(160):040x}",
                "createdAt": f"2024-{1 + i % 12:02d}-{day:02d}T10:00:00.000Z",
                "lastModified": f"2025-{1 + i % 12:02d}-{day:02d}T11:30:00.000Z",
                "downloads": int(rng.paretovariate(1.2) * 10),
                "downloadsAllTime": int(rng.paretovariate(1.1) * 50),
                "likes": int(rng.paretovariate(1.5)),
                "gated": rng.choice([False, False, False, "auto", "manual"]),
                "library_name": "transformers",
                "pipeline_tag": "text-generation",
                "tags": tags,
                "cardData": card,
            }
        )
    return records


def bench_valuechain(path: Path) -> tuple[float, int, int]:
    from valuechain.ecosystem.hf_import import import_file
    from valuechain.store import Store

    store = Store(":memory:")
    start = time.perf_counter()
    result = import_file(store, path)
    return time.perf_counter() - start, result.models, result.edges


def bench_row_by_row(path: Path, subset: int) -> tuple[float, int]:
    from valuechain.sources.hf_tables import HF_SCHEMA, lineage_edges
    from valuechain.sources.huggingface import record_to_row
    from valuechain.store import Store, utcnow

    store = Store(":memory:")
    store.ensure(HF_SCHEMA)
    lines = path.read_text(encoding="utf-8").splitlines()[:subset]
    now, source = utcnow(), str(path)
    start = time.perf_counter()
    with store.transaction() as con:
        for line in lines:
            row = record_to_row(json.loads(line))
            con.execute(
                "INSERT INTO hf_models VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    row["id"],
                    row["author"],
                    row["created_at"],
                    row["last_modified"],
                    row["downloads"],
                    row["downloads_all_time"],
                    row["likes"],
                    row["pipeline_tag"],
                    row["library_name"],
                    row["gated"],
                    row["tags"],
                    json.dumps(row["card_data"]),
                    row["sha"],
                    source,
                    now,
                ],
            )
            for edge in lineage_edges(row["id"], row["tags"], row["card_data"]):
                con.execute("INSERT INTO hf_lineage VALUES (?, ?, ?, ?, ?, ?)", [*edge, source, now])
    return time.perf_counter() - start, len(lines)


def bench_pandas(path: Path) -> tuple[float, int]:
    import pandas as pd

    from valuechain.sources.hf_tables import HF_SCHEMA
    from valuechain.store import Store, utcnow

    store = Store(":memory:")
    store.ensure(HF_SCHEMA)
    start = time.perf_counter()
    frame = pd.read_json(path, lines=True, dtype=False)
    out = pd.DataFrame(
        {
            "id": frame["id"],
            "author": frame["author"],
            "created_at": pd.to_datetime(frame["createdAt"], utc=True).dt.tz_localize(None),
            "last_modified": pd.to_datetime(frame["lastModified"], utc=True).dt.tz_localize(None),
            "downloads": frame["downloads"],
            "downloads_all_time": frame["downloadsAllTime"],
            "likes": frame["likes"],
            "pipeline_tag": frame["pipeline_tag"],
            "library_name": frame["library_name"],
            "gated": frame["gated"].astype(str).str.lower(),
            "tags": frame["tags"],
            "card_data": frame["cardData"].map(json.dumps),
            "sha": frame["sha"],
        }
    )
    out["source"], out["fetched_at"] = str(path), utcnow()
    with store.transaction() as con:
        con.register("_in", out)
        con.execute(
            "INSERT INTO hf_models SELECT id, author, created_at, last_modified, downloads, "
            "downloads_all_time, likes, pipeline_tag, library_name, gated, tags, "
            "CAST(card_data AS JSON), sha, source, fetched_at FROM _in"
        )
        con.unregister("_in")
    return time.perf_counter() - start, len(out)


def bench_duckdb_native(path: Path) -> tuple[float, int]:
    from valuechain.sources.hf_tables import HF_SCHEMA
    from valuechain.store import Store

    store = Store(":memory:")
    store.ensure(HF_SCHEMA)
    start = time.perf_counter()
    store.con.execute(
        "INSERT INTO hf_models SELECT id, author, CAST(createdAt AS TIMESTAMP), CAST(lastModified AS TIMESTAMP), "
        "downloads, downloadsAllTime, likes, pipeline_tag, library_name, lower(CAST(gated AS VARCHAR)), tags, "
        "CAST(cardData AS JSON), sha, ?, now()::TIMESTAMP FROM read_json(?, format='newline_delimited', "
        "columns={id: 'VARCHAR', author: 'VARCHAR', createdAt: 'VARCHAR', lastModified: 'VARCHAR', "
        "downloads: 'BIGINT', downloadsAllTime: 'BIGINT', likes: 'BIGINT', pipeline_tag: 'VARCHAR', "
        "library_name: 'VARCHAR', gated: 'VARCHAR', tags: 'VARCHAR[]', cardData: 'JSON', sha: 'VARCHAR'})",
        [str(path), str(path)],
    )
    n = store.con.execute("SELECT count(*) FROM hf_models").fetchone()[0]
    return time.perf_counter() - start, int(n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000, help="synthetic records to import")
    parser.add_argument("--subset", type=int, default=2_000, help="rows for the row-by-row method")
    args, _ = parser.parse_known_args()
    import duckdb  # noqa: F401  (imported before timing: every method pays only for its work)
    import pandas  # noqa: F401

    import valuechain.ecosystem.hf_import  # noqa: F401
    import valuechain.sources.huggingface  # noqa: F401

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "models.jsonl"
        t0 = time.perf_counter()
        with path.open("w", encoding="utf-8") as handle:
            for record in synthetic_records(args.rows):
                handle.write(json.dumps(record) + "\n")
        size_mb = path.stat().st_size / 1e6
        print(
            f"{args.rows:,} synthetic Hub records in API JSON-lines form, {size_mb:.0f} MB "
            f"(written in {time.perf_counter() - t0:.1f} s)\n"
        )
        rows = []
        seconds, models, edges = bench_valuechain(path)
        rows.append(("valuechain import (bulk, validated, + lineage)", models, seconds, f"{edges:,} edges"))
        seconds, n = bench_row_by_row(path, min(args.subset, args.rows))
        rows.append(("row-by-row INSERT (same parsing + lineage)", n, seconds, "subset, extrapolated"))
        seconds, n = bench_pandas(path)
        rows.append(("pandas read_json + insert (no validation/lineage)", n, seconds, "baseline"))
        seconds, n = bench_duckdb_native(path)
        rows.append(("DuckDB read_json (no validation/lineage)", n, seconds, "I/O floor"))
    base = rows[0][1] / rows[0][2]
    print(f"{'method':<52} {'rows':>9} {'seconds':>8} {'rows/s':>10} {'vs import':>9}  note")
    for name, n, seconds, note in rows:
        rate = n / seconds
        print(f"{name:<52} {n:>9,} {seconds:>8.2f} {rate:>10,.0f} {rate / base:>8.2f}x  {note}")


if __name__ == "__main__":
    main()
