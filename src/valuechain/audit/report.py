"""The audit chapter of the report: ranked catalogue, gradient figure, governance by country, downstream map,
agreement with the European Open Source AI Index, and the operationalisation note (Foster, arXiv 2509.10220).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pandas as pd
from pandas.io.formats.format import format_array

from valuechain.audit.agreement import eosai_agreement_report
from valuechain.audit.catalog import CATALOG_PATH, FACT_FIELDS, load_catalog, verify_catalog
from valuechain.audit.downstream import build_downstream
from valuechain.audit.evidence import CHOICE_RULE
from valuechain.audit.figures import gradient_figure
from valuechain.audit.ranking import audited_catalogue
from valuechain.audit.summaries import firm_summary, governance_counts
from valuechain.config import data_dir
from valuechain.output import atomic_path, source
from valuechain.section import Figure, Section, render_table

NOTE = (
    "The five governance models and the nearest Gereffi-Humphrey-Sturgeon value-chain types are OUR "
    "operationalisation of Foster, “Openness in AI and downstream governance: a global value chain approach” "
    "(arXiv 2509.10220): the paper's own audit table was not available; the rules are a data file "
    "(valuechain/audit/data/governance_rules.yml) evaluated in order, first match wins."
)


def _table(frame: Any, columns: list[str] | None = None, max_rows: int = 200, name: str | None = None) -> str:
    """The first ``max_rows`` rows; numbers in pandas' per-column format, other cells as the shared renderer
    words them (``yes``/``no``, lists joined, missing values empty)."""
    data = (frame[columns] if columns else frame).head(max_rows)
    cells = []
    for column in data:
        values = data[column]
        if values.dtype.kind in "fciu":  # one number format per column, as DataFrame.to_html prints it
            with pd.option_context("display.max_colwidth", None):
                cells.append([text.strip() for text in format_array(values._values, None, na_rep="")])
        else:
            cells.append(list(values))
    return render_table(
        [str(c) for c in data.columns], list(zip(*cells, strict=True)), css_class="data", name=name
    )


def _downstream_figure(summary: Any, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = summary.drop(columns=["total"], errors="ignore")
    fig, ax = plt.subplots(figsize=(8, 4))
    left = None
    for col in data.columns:
        ax.barh(data.index.astype(str), data[col], left=left, label=str(col))
        left = data[col] if left is None else left + data[col]
    ax.set_xscale("symlog")
    ax.set_xlabel("distinct downstream assets (symlog scale)")
    ax.set_title(
        "Downstream assets by the foundation model's governance model (our operationalisation of Foster)",
        fontsize=9,
    )
    ax.legend(fontsize=8)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=120, format="png")
        tmp.chmod(0o644)
    plt.close(fig)
    return path


def _licenses_finding(agreement: dict[str, Any]) -> str:
    """How the Index scores releases with weights under an OSI licence but closed data or code."""
    partly = [c for c in agreement.get("per_cell", []) if c["parameter"] == "licenses" and c["ours"] == 0.5]
    n_open = sum(1 for c in partly if c["index"] == 1.0)
    n_partial = sum(1 for c in partly if c["index"] == 0.5)
    if not n_open:
        return ""
    return (
        f"On licenses, of the {len(partly)} releases whose weights are OSI-licensed but whose training data "
        "or "
        f"code are not released, the Index scores {n_open} 'open' — although its definition asks for all "
        "data "
        f"sources and pipeline code to be covered — and {n_partial} 'partial'."
    )


def report_section(out_dir: Path) -> Section:
    """Run the audit on the packaged catalogue and the shared snapshots; write figures into ``out_dir``."""

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    entries = load_catalog()
    frame = audited_catalogue()  # shared with the findings ledger: audited once a process
    gradient = gradient_figure(frame, out_dir / "audit_gradient.png")
    by_country = governance_counts(frame, "country").reset_index()
    by_region = governance_counts(frame, "region").reset_index()
    firms = firm_summary(frame)
    check = verify_catalog(entries)
    mismatches = check[check["status"] == "mismatch"]
    governance = dict(zip(frame["id"], frame["governance_model"], strict=True))
    dmap = build_downstream(entries, governance=governance)
    down_gov = dmap.summary("governance_model")
    down_fig = _downstream_figure(down_gov, out_dir / "audit_downstream.png")
    agreement = eosai_agreement_report(entries)

    table = frame.copy()
    table["unverified facts"] = [
        ", ".join(
            f for f in FACT_FIELDS if f not in set(v.split(", ")) and f not in ("licence_class", "hf_repo")
        )
        for v in table["verified"]
    ]
    table["EOSAI"] = table["eosai_score"].map(lambda v: "" if v is None or v != v else f"{v:.2f}")
    table["OSAID"] = table["osaid_conformant"].map({True: "yes", False: "no"})
    # The page shows what a policy analyst compares; the audit detail of each release is a second table
    # (folded) and, whole, in the CSV/Parquet files linked under each table.
    cols = [
        "rank",
        "name",
        "organisation",
        "country",
        "release_date",
        "governance_model",
        "solaiman_level",
        "licence_class",
        "OSAID",
        "EOSAI",
    ]
    detail_cols = ["rank", "name", "ghs_type", "levers", "mof_class", "verified", "unverified facts"]
    n_verified = sum(len(e.verified) for e in entries)
    n_facts = len(entries) * (len(FACT_FIELDS) - 1)
    parts = [
        f"<p>{len(entries)} foundation-model releases from the curated catalogue "
        f"({html.escape(str(CATALOG_PATH.name))}, "
        f"shipped with the package) were audited: curated facts, the snapshot records each release cites "
        "(European Open Source AI Index v1.0.2, LF Model Openness Tool, Epoch AI, Stanford Ecosystem "
        "Graphs) and "
        f"the licence text where the reference set has it. <strong>Verified</strong> lists the facts checked "
        f"programmatically against a cited snapshot ({n_verified} of about {n_facts} facts); every other "
        "fact rests "
        f"on a cited web page or a stated default and is <em>not verified</em>.</p>",
        "<h3>Ranked catalogue</h3>",
        "<p>Governance model and value-chain type are our operationalisation of Foster (arXiv 2509.10220; "
        "see the "
        "note above), not the paper's own audit table.</p>",
        _table(table, cols, name="ranked catalogue"),
        "<details class='more'><summary>Audit detail per release: value-chain type, levers, MOF class, which "
        "facts were verified</summary>",
        _table(table, detail_cols, name="catalogue detail"),
        "</details>",
        "<h3>Governance models by region</h3>",
        _table(by_region),
        "<h3>Governance models by country</h3>",
        _table(by_country),
        f"<h3>Lead firms ({int(firms['mixed'].sum())} of {len(firms)} use more than one governance "
        "model)</h3>",
        "<p>One row per release and channel above; here one row per firm (Foster: openness as a strategic "
        "choice "
        "of the lead firm).</p>",
        _table(
            firms,
            ["organisation", "country", "releases", "most_open", "most_closed", "mixed", "releases_by_model"],
        ),
        f"<h3>Catalogue facts that disagree with a cited snapshot ({len(mismatches)})</h3>",
        "<p>These are findings about the sources as much as about the catalogue (e.g. Ecosystem Graphs gives "
        "01.AI's nationality as France).</p>",
        _table(mismatches, ["release", "fact", "value", "source", "snapshot_says"]),
        f"<h3>Sources that disagree ({len(frame.attrs.get('conflicts', []))} components)</h3>",
        f"<p>Where one record says a component is released and another says it is closed, both are shown and "
        f"one is chosen by a stated rule: {html.escape(CHOICE_RULE)}.</p>",
        _table(
            _conflict_table(frame.attrs.get("conflicts", [])), ["release", "component", "chosen", "overruled"]
        ),
        "<h3>Downstream map</h3>",
        f"<p>{len(dmap.links)} links from downstream assets to catalogue releases "
        f"({', '.join(f'{k}: {v}' for k, v in dmap.links['dataset'].value_counts().items())}); "
        f"{len(dmap.unresolved)} dependency names did not resolve to a catalogue release and are listed, not "
        f"dropped (most are datasets or models outside the catalogue).</p>",
        "<h4>By the foundation model's governance model</h4>",
        _table(down_gov.reset_index()),
        "<h4>By the foundation model's country</h4>",
        _table(dmap.summary("country").reset_index()),
        "<h4>By lead firm</h4>",
        _table(dmap.summary("organisation").reset_index(), max_rows=25),
        "<h4>Unresolved dependency names (by reason)</h4>",
        _table(dmap.unresolved.groupby("why").size().rename("count").reset_index()),
        "<h3>Agreement with the European Open Source AI Index v1.0.2</h3>",
        f"<p>On the {agreement['models']} releases both cover, our Index-style scoring — computed only from "
        f"evidence independent of the Index, read in the Index's own parameter definitions (licenses: OSI "
        "coverage of weights, training code and data; gated weights partial; code documentation bounded by "
        "the "
        f"training code; hardware from Epoch AI) — agrees on {agreement['agreement']:.1%} of "
        f"{agreement['cells']} "
        "parameter cells; the same mapping gives the catalogue's EOSAI column. Disagreements are findings, "
        "listed "
        f"below. {html.escape(_licenses_finding(agreement))}</p>",
        _table(__import__("pandas").DataFrame(agreement["per_parameter"])),
        _table(__import__("pandas").DataFrame(agreement["disagreements"]), max_rows=60),
    ]
    base = data_dir()
    sources = [
        source("valuechain curated catalogue", str(CATALOG_PATH), None, releases=len(entries)),
        source(
            "European Open Source AI Index v1.0.2 (CC-BY-4.0, osai-index.eu)",
            str(base / "openness" / "eu-open-source-ai-index" / "v1.0.2"),
            "2025",
        ),
        source(
            "LF Model Openness Tool records (MIT)",
            str(base / "openness" / "model-openness-tool"),
            "2026-05",
            commit="8b5d30e9",
        ),
        source(
            "Epoch AI model databases (CC-BY-4.0, credit Epoch AI)",
            str(base / "ecosystem" / "epoch"),
            "2025-03",
        ),
        source("ScanCode licence texts", str(base / "licenses" / "license-texts"), None),
        *dmap.sources,
    ]
    return Section(
        key="audit",
        title="Openness audit and value-chain governance (Foster 2025)",
        html="\n".join(parts),
        figures=[
            Figure(
                str(gradient),
                f"Foster's gradient: {len(frame)} releases on the five governance models, coloured "
                "by country (our operationalisation).",
            ),
            Figure(
                str(down_fig),
                "Downstream assets (Ecosystem Graphs, AI Stack Map, Hugging Face lineage) by the "
                "governance model of the foundation model they depend on.",
            ),
        ],
        sources=sources,
        notes=[
            NOTE,
            "Catalogue facts not verified against a snapshot are marked in the table.",
            "Licence readings are an aid to reading the licence, not legal advice.",
            "Ecosystem Graphs dependency names are resolved by model family when no release name matches; "
            "Stack Map same-firm links are inferred.",
        ],
        data={
            "releases": len(frame),
            "governance_by_region": by_region.to_dict(orient="records"),
            "eosai_agreement": agreement["agreement"],
            "eosai_cells": agreement["cells"],
            "downstream_links": len(dmap.links),
            "unresolved": len(dmap.unresolved),
            "verified_facts": n_verified,
            "mismatches": len(mismatches),
            "firms_mixed": int(firms["mixed"].sum()),
            "firms": len(firms),
        },
    )


def _conflict_table(conflicts: list[dict[str, Any]]) -> Any:
    """One row per disagreement: the record chosen and those overruled (status, method, source)."""
    import pandas as pd

    def brief(record: dict[str, Any]) -> str:
        return f"{record['status']} ({record['method']}: {record['source']})"

    return pd.DataFrame(
        [
            {
                "release": c["release"],
                "component": c["component"],
                "chosen": brief(c["chosen"]),
                "overruled": "; ".join(brief(o) for o in c["overruled"]),
            }
            for c in conflicts
        ],
        columns=["release", "component", "chosen", "overruled"],
    )
