"""Policy tables in the DuckDB store: classified documents (one row per document x theme) and the timeline."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from valuechain.policy.corpora import DOCUMENT_COLUMNS
from valuechain.store import PROVENANCE_COLUMNS, Schema, Store

POLICY_SCHEMA = Schema(
    "policy",
    migrations=(
        (
            f"""CREATE TABLE policy_document_themes (
                run_id VARCHAR NOT NULL,          -- one classification run (corpus + dictionaries + time)
                dictionaries VARCHAR NOT NULL,    -- sha256 of the dictionary files used
                doc_id VARCHAR NOT NULL, corpus VARCHAR NOT NULL, country VARCHAR NOT NULL,
                issuing_body VARCHAR, doc_type VARCHAR, title VARCHAR, url VARCHAR,
                date DATE NOT NULL, date_low DATE NOT NULL, date_high DATE NOT NULL,
                date_precision VARCHAR NOT NULL,  -- day | month | year | fiscal-year | congress
                theme VARCHAR NOT NULL, present BOOLEAN NOT NULL, hits INTEGER NOT NULL,
                characters INTEGER NOT NULL, evidence VARCHAR[],
                {PROVENANCE_COLUMNS})""",
            f"""CREATE TABLE policy_events (
                event_id VARCHAR NOT NULL, date DATE NOT NULL, publication_date DATE,
                country VARCHAR NOT NULL,
                issuing_body VARCHAR, title_original VARCHAR, title_en VARCHAR, category VARCHAR NOT NULL,
                role VARCHAR, source_url VARCHAR, source_note VARCHAR, confidence VARCHAR,
                verification VARCHAR,
                {PROVENANCE_COLUMNS})""",
        ),
    ),
)

_DOC_COLUMNS = [
    *DOCUMENT_COLUMNS,
    "theme",
    "present",
    "hits",
    "characters",
    "evidence",
]


def dictionaries_digest(files: list[str]) -> str:
    """A short sha256 over the dictionary files, so stored counts can be tied to the dictionaries used."""
    h = hashlib.sha256()
    for f in files:
        h.update(Path(f).read_bytes())
    return h.hexdigest()[:16]


def save_document_themes(store: Store, doc_themes: Any, *, source: str, dictionary_files: list[str]) -> str:
    """Append one classification run; returns its ``run_id``."""
    from valuechain.store import utcnow

    store.ensure(POLICY_SCHEMA)
    now = utcnow()
    digest = dictionaries_digest(dictionary_files)
    corpus = ",".join(sorted(set(doc_themes["corpus"]))) if len(doc_themes) else "empty"
    run_id = f"{corpus}@{now.strftime('%Y%m%dT%H%M%S%f')}"
    frame = doc_themes[_DOC_COLUMNS].copy()
    frame.insert(0, "dictionaries", digest)
    frame.insert(0, "run_id", run_id)
    frame["evidence"] = frame["evidence"].map(list)
    store.insert_frame("policy_document_themes", frame, source=source, fetched_at=now)
    return run_id


def save_events(store: Store, events: list[Any], *, source: str) -> int:
    """Replace the stored timeline by ``events`` (in one transaction)."""
    import pandas as pd

    from valuechain.store import utcnow

    store.ensure(POLICY_SCHEMA)
    frame = pd.DataFrame(
        [
            {k: v for k, v in e.to_dict().items() if k not in ("verified_locally", "verification_kind")}
            for e in events
        ]
    )
    frame["source"] = source
    frame["fetched_at"] = utcnow()
    cols = ", ".join(f'"{c}"' for c in frame.columns)
    with store.transaction() as con:
        con.execute("DELETE FROM policy_events").fetchall()
        con.register("_events", frame)
        try:
            con.execute(f"INSERT INTO policy_events ({cols}) SELECT {cols} FROM _events").fetchall()
        finally:
            con.unregister("_events")
    return len(frame)
