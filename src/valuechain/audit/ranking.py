"""The catalogue audit: every curated release audited and ranked, stored, and joined to diffusion data.

:func:`audit_catalog` audits each release of ``data/catalog.yml`` with
:func:`valuechain.audit.release.audit_entry` and ranks them (most open first); :func:`save_catalog_audit`
appends a ranking to the store with the hashes of the rules and catalogue used;
:func:`openness_covariates` gives the governance level per Hugging Face repository, the covariate the
diffusion analyses join on.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from valuechain import config
from valuechain.audit.catalog import CATALOG_PATH, CatalogEntry, lineage_roots, load_catalog
from valuechain.audit.governance import GovernanceRules, load_rules
from valuechain.audit.release import audit_entry
from valuechain.store import PROVENANCE_COLUMNS, Schema, utcnow


def audit_catalog(
    entries: Iterable[CatalogEntry] | None = None,
    with_snapshots: bool = True,
    data_dir: Path | None = None,
    progress: Any = None,
    rules: GovernanceRules | None = None,
) -> Any:
    """Audit every catalogue release and rank them (most open first).

    Ranking: Foster governance level (5 full openness … 1 hierarchical), then Solaiman level, then the
    European-Index-style score, then MOF class. Returns a DataFrame with a ``rank`` column.
    """

    rows = []
    disagreements: list[dict[str, Any]] = []
    items = list(entries) if entries is not None else load_catalog()
    for entry in items:
        result = audit_entry(entry, with_snapshots=with_snapshots, data_dir=data_dir, rules=rules)
        rows.append(result.summary())
        disagreements += [{"release": entry.id, **c} for c in result.conflicts()]
        if progress is not None:
            progress()
    frame = pd.DataFrame(rows)
    frame.attrs["conflicts"] = disagreements  # where sources disagree: chosen record, overruled ones, rule
    mof_rank = {"Class I": 3, "Class II": 2, "Class III": 1}
    frame["_mof"] = frame["mof_class"].map(mof_rank).fillna(0)
    frame["_eosai"] = frame["eosai_score"].astype(float).fillna(0.0)
    frame = frame.sort_values(
        ["governance_level", "solaiman_level", "_eosai", "_mof", "release_date"],
        ascending=[False, False, False, False, False],
        kind="stable",
    )
    frame = frame.drop(columns=["_mof", "_eosai"]).reset_index(drop=True)
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame


def audited_catalogue() -> Any:
    """:func:`audit_catalog` of the packaged catalogue on the current data directory, computed once a process
    (the report's audit chapter and the findings ledger read the same ranking); a copy each call."""
    return _audited_catalogue(str(config.data_dir()), str(CATALOG_PATH)).copy()


@lru_cache(maxsize=2)
def _audited_catalogue(data_dir: str, catalogue: str) -> Any:
    """Keyed by the data directory and catalogue path so that a changed directory is audited again."""
    return audit_catalog(load_catalog(catalogue), data_dir=Path(data_dir))


def openness_covariates(frame: Any | None = None, repos: Iterable[str] | None = None) -> Any:
    """Governance level and scores per Hugging Face repository, to join with diffusion data.

    One row per catalogue release repository and, when ``repos`` (e.g. the lineage roots seen in a
    dataset) are given, per repository of the same owner and release series when that is unambiguous
    (:func:`valuechain.audit.catalog.lineage_roots`). The mission's link between the audit and diffusion:
    the openness level as a covariate.
    """

    frame = frame if frame is not None else audit_catalog(with_snapshots=False)
    entries = load_catalog()
    roots = lineage_roots(entries, repos or [])
    cols = [
        "id",
        "organisation",
        "country",
        "region",
        "governance_level",
        "governance_model",
        "ghs_type",
        "solaiman_level",
        "eosai_score",
        "licence_class",
    ]
    by_id = frame.set_index("id")
    rows = []
    for entry in entries:
        if not entry.hf_repo or entry.id not in by_id.index:
            continue
        for repo in roots.get(entry.id, [entry.hf_repo]):
            row = by_id.loc[entry.id]
            rows.append(
                {
                    "hf_repo": repo,
                    "matched": "release" if repo == entry.hf_repo else "release series",
                    **{c: (entry.id if c == "id" else row[c]) for c in cols},
                }
            )
    return pd.DataFrame(rows)


#: Store tables of the catalogue audit (namespace separate from the evidence/licence tables of the audit).
_RELEASE_COLUMNS = [
    "id",
    "name",
    "organisation",
    "country",
    "region",
    "release_date",
    "governance_level",
    "governance_model",
    "ghs_type",
    "rule",
    "weights",
    "api",
    "licence_id",
    "licence_class",
    "levers",
    "code_open",
    "data_open",
    "platform_tied",
    "solaiman_level",
    "mof_class",
    "osaid_conformant",
    "eosai_score",
    "facts_verified",
    "verified",
]


def _governance_schema() -> Any:

    return Schema(
        "audit_governance",
        migrations=(
            (
                f"""CREATE TABLE audit_releases (
            run_id VARCHAR NOT NULL, rules_sha256 VARCHAR NOT NULL, catalogue_sha256 VARCHAR NOT NULL,
            id VARCHAR NOT NULL, name VARCHAR, organisation VARCHAR, country VARCHAR, region VARCHAR,
            release_date VARCHAR, governance_level INTEGER NOT NULL, governance_model VARCHAR NOT NULL,
            ghs_type VARCHAR, rule VARCHAR, weights VARCHAR, api VARCHAR, licence_id VARCHAR,
            licence_class VARCHAR, levers VARCHAR, code_open BOOLEAN, data_open BOOLEAN,
            platform_tied BOOLEAN,
            solaiman_level INTEGER, mof_class VARCHAR, osaid_conformant BOOLEAN, eosai_score DOUBLE,
            facts_verified INTEGER, verified VARCHAR,
            {PROVENANCE_COLUMNS})""",
            ),
        ),
    )


def save_catalog_audit(store: Any, frame: Any, *, source: str, rules_path: str | Path | None = None) -> str:
    """Append one ranked catalogue audit to the store (table ``audit_releases``); returns its ``run_id``.

    Rows carry the hashes of the governance rules and of the catalogue used, so a stored governance model
    can be traced to the exact (user-editable) rules that produced it.
    """

    store.ensure(_governance_schema())
    now = utcnow()
    run_id = f"catalog@{now.strftime('%Y%m%dT%H%M%S%f')}"
    rows = frame[_RELEASE_COLUMNS].copy()
    rows.insert(0, "catalogue_sha256", hashlib.sha256(CATALOG_PATH.read_bytes()).hexdigest()[:16])
    rules_file = Path(rules_path) if rules_path else Path(load_rules().path)
    rows.insert(0, "rules_sha256", hashlib.sha256(rules_file.read_bytes()).hexdigest()[:16])
    rows.insert(0, "run_id", run_id)
    rows["eosai_score"] = rows["eosai_score"].astype(float)
    store.query("SELECT 1")  # finish any pending result before register() (see policy/store.py)
    store.insert_frame("audit_releases", rows, source=source, fetched_at=now)
    return run_id
