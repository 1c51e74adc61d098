"""Agreement of our Index-style scoring with the European Open Source AI Index, from independent evidence."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from valuechain.audit import frameworks
from valuechain.audit.catalog import (
    CatalogEntry,
    entry_evidence,
    load_catalog,
    resolve_ref,
    snapshot_evidence,
)
from valuechain.audit.evidence import Evidence
from valuechain.audit.release import licence_evidence


def independent_evidence(entry: CatalogEntry, data_dir: Path | None = None) -> list[Evidence]:
    """An entry's evidence without anything taken from the European Open Source AI Index."""

    fact_of = {
        "Model parameters (Final)": "weights",
        "API access": "api",
        "Training code": "code_open",
        "Datasets": "data_open",
        "Licence terms": "licence_id",
    }
    curated = []
    for ev in entry_evidence(entry):
        refs = [r for r in entry.fact_source(fact_of.get(ev.component, "")) if not r.startswith("eosai:")]
        if refs:  # a curated fact stays only when some source other than the Index supports it
            curated.append(Evidence(**{**ev.to_dict(), "source": refs[0]}))
    snapshots = [ev for ev in snapshot_evidence(entry, data_dir) if ev.method != "eosai-yaml"]
    return curated + snapshots + licence_evidence(entry.licence_id)[0]


def eosai_agreement_report(
    entries: Iterable[CatalogEntry] | None = None, version: str = "v1.0.2", data_dir: Path | None = None
) -> dict[str, Any]:
    """Agreement of our Index-style scoring with the European Open Source AI Index on shared models.

    For every catalogue release that cites an Index record of ``version``, we score the 14 parameters
    from our own evidence — the curated facts, the MOT / Epoch / Ecosystem Graphs records and the licence
    text, never the Index record itself — read in the Index's parameter definitions
    (:func:`valuechain.audit.frameworks.index_parameter_evidence`, the mapping every Index-style score uses),
    and compare per parameter with the Index's open/partial/closed
    (:func:`valuechain.audit.frameworks.eosai_agreement`). Disagreements are findings and are listed;
    ``per_cell`` holds every compared cell.
    """

    items = list(entries) if entries is not None else load_catalog()
    per_model, rows, disagreements = [], [], []
    for entry in items:
        index_refs = [s["ref"] for s in entry.sources if s["ref"].startswith(f"eosai:{version}/")]
        if not index_refs:
            continue
        kind, record, location = resolve_ref(index_refs[0], data_dir)
        if record is None:
            continue
        theirs = frameworks.eosai_score(location)["per_parameter"]
        ours = frameworks.eosai_score(independent_evidence(entry, data_dir))["per_parameter"]
        result = frameworks.eosai_agreement(ours, theirs)
        per_model.append(
            {
                "release": entry.id,
                "index_record": location,
                "compared": result["compared"],
                "agree": result["agree"],
                "share": result["share"],
            }
        )
        for p in frameworks.EOSAI_PARAMETERS:
            if p in ours and p in theirs:
                rows.append(
                    {
                        "release": entry.id,
                        "parameter": p,
                        "ours": ours[p],
                        "index": theirs[p],
                        "agree": ours[p] == theirs[p],
                    }
                )
        for d in result["disagreements"]:
            disagreements.append({"release": entry.id, **d})
    cells = pd.DataFrame(rows, columns=["release", "parameter", "ours", "index", "agree"])
    per_parameter = (
        cells.groupby("parameter")["agree"]
        .agg(["count", "sum", "mean"])
        .rename(columns={"count": "compared", "sum": "agree", "mean": "share"})
        .reindex([p for p in frameworks.EOSAI_PARAMETERS if p in set(cells["parameter"])])
        if not cells.empty
        else pd.DataFrame(columns=["compared", "agree", "share"])
    )
    return {
        "index_version": version,
        "models": len(per_model),
        "cells": int(len(cells)),
        "agreement": float(cells["agree"].mean()) if len(cells) else None,
        "per_parameter": per_parameter.reset_index().to_dict(orient="records"),
        "per_model": per_model,
        "disagreements": disagreements,
        "per_cell": rows,
        "note": "Our scores come from our own evidence (catalogue facts, MOT/Epoch/Ecosystem Graphs records, "
        "licence text), never from the Index record, read in the Index's own parameter definitions "
        "(frameworks.index_parameter_evidence: licenses = OSI coverage of weights, training code and data; gated "
        "weights partial; code documentation bounded by the training code; hardware from Epoch AI); "
        "parameters our evidence does not speak to are not compared. Document parameters (modelcard, "
        "datasheet, preprint) come from MOT licence status, which says a document is released, not that "
        "it is comprehensive as the Index asks: their disagreements are largely that difference.",
    }
