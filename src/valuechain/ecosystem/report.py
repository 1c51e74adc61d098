"""Report chapter: diffusion of open models through Hugging Face, by origin of the root base model.

Runs on the reference snapshots: the Hub lineage edge list of text-generation models (mid-2025) for the
largest families and the derivatives by origin, and the DeepSeek-R1 derivative tree (2025-04) for a
monthly series with the U.S. policy shocks and confounding releases marked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from valuechain.reference.events import CONFOUNDERS, SHOCKS
from valuechain.section import Figure, Section, render_table

EDGES = "ecosystem/hf-lineage/edges-text-generation-2025-06.csv"
R1_INFO = "ecosystem/hf-deepseek-r1-tree/model-info-2025-04-10.csv"

SOURCES = {
    "edges": (
        "Hugging Face lineage edges of text-generation models (hakanotal/hf-dep-network-analysis "
        "@ 5f6e81b0; no licence stated, used for analysis only)",
        "2025-06",
    ),
    "r1": (
        "DeepSeek-R1 derivative tree, huggingface_hub ModelInfo records "
        "(hamidahoderinwale/model_metadata_analyses @ 9663336e)",
        "2025-04-10",
    ),
}


def _table(frame: Any, columns: list[str], headers: list[str]) -> str:
    """Integers with thousands separators, everything else as text."""
    rows = [
        [
            f"{v:,}" if isinstance(v, int) or (hasattr(v, "dtype") and v.dtype.kind in "iu") else str(v)
            for v in record
        ]
        for record in frame[columns].itertuples(index=False)
    ]
    return render_table(headers, rows)


def _r1_derivatives(path: Path):
    """The R1 tree through the importer into an in-memory store (the path of ``valuechain hf import``)."""
    from valuechain.ecosystem import diffusion as diff
    from valuechain.ecosystem.hf_import import import_file
    from valuechain.store import Store

    with Store(":memory:") as store:
        import_file(store, path)
        data = diff.load_from_store(store)
    return data.derivatives, data.lineage


def _origin_bar(counts: Any, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from valuechain.output import atomic_path

    fig, axis = plt.subplots(figsize=(9, 4))
    colors = [
        "#d62728"
        if o in ("CN", "HK")
        else "#1f77b4"
        if o == "US"
        else "#9467bd"
        if o == "mixed"
        else "#7f7f7f"
        if o == "unknown"
        else "#2ca02c"
        for o in counts.index
    ]
    axis.bar(counts.index, counts.to_numpy(), color=colors)
    axis.set_ylabel("derivative models (each counted once)")
    axis.set_xlabel("origin of the root base model (ISO country code; mixed: roots of several origins)")
    axis.set_title(
        f"{int(counts.sum()):,} text-generation derivatives on Hugging Face by origin of their root "
        "base model\n(Hub lineage edge list, mid-2025; re-packagers resolved)",
        fontsize=11,
    )
    for label in axis.get_xticklabels():
        label.set_rotation(45)
        label.set_horizontalalignment("right")
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=110, format="png")
    plt.close(fig)


def report_section(out_dir: Path) -> Section:
    """The diffusion chapter (lineage of the real edge list, R1 monthly series with shocks)."""
    from valuechain import config
    from valuechain.ecosystem import diffusion as diff
    from valuechain.ecosystem.lineage import analyse_lineage, read_edges_csv
    from valuechain.output import source
    from valuechain.reference.origin import load_org_countries

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    data_dir = config.data_dir()
    origins = load_org_countries()

    edges_path = data_dir / EDGES
    lineage = analyse_lineage(read_edges_csv(edges_path), origins=origins)
    derivatives = lineage.models[(~lineage.models["is_root"]) & (lineage.models["n_roots"] > 0)]
    by_origin = derivatives["origin"].value_counts()
    top_origins = by_origin.head(12)
    if len(by_origin) > 12:
        top_origins.loc["(other countries)"] = by_origin.iloc[12:].sum()
    bar_path = out_dir / "ecosystem_derivatives_by_origin.png"
    _origin_bar(top_origins, bar_path)
    families = diff.largest_families(lineage, 15)

    r1_frame, r1_lineage = _r1_derivatives(data_dir / R1_INFO)
    r1_monthly = diff.monthly_series(r1_frame)
    r1_share = diff.cn_us_share(r1_monthly)
    from valuechain.ecosystem.pipeline import origin_totals

    r1_totals = origin_totals(r1_frame)
    r1_path = out_dir / "ecosystem_r1_monthly.png"
    diff.plot_diffusion(
        r1_monthly,
        r1_path,
        title="DeepSeek-R1 derivatives per month by origin of their root base models",
        population="the DeepSeek-R1 derivative tree, huggingface_hub records of 2025-04-10 "
        "(one Chinese family by construction; April partial)",
    )

    total = int(len(derivatives))
    cn = int(derivatives["origin"].isin(["CN", "HK", "MO"]).sum())
    us = int((derivatives["origin"] == "US").sum())
    stats = lineage.stats
    families_view = families.assign(origin=families["origin_country"])
    share_rows = r1_share.assign(
        month=r1_share["month"].dt.strftime("%Y-%m"),
        china=[("–" if v != v else f"{v:.1%}") for v in r1_share["share_cn"]],
    )
    parts = [
        "<p>Every derivative (fine-tune, adapter, quantization, merge) is attributed to its root base "
        "model(s) and the root organisation's country; re-packagers (unsloth, TheBloke, mlx-community, …) "
        "are traced back to the model they copy before counting, and a merge of bases from different "
        "countries is counted once as <em>mixed</em>.</p>",
        f"<p>Hub lineage of text-generation models (mid-2025): {stats['models']:,} models, "
        f"{stats['roots']:,} root base models, {total:,} attributed derivatives; "
        f"{cn:,} ({cn / total:.1%}) built on Chinese bases and {us:,} ({us / total:.1%}) on U.S. bases. "
        f"{stats['repackagers_resolved']} parentless re-packager repos were traced to their originals, "
        f"{stats['repackagers_unresolved']} could not be traced and are not counted as origins.</p>",
        "<h4>Largest families</h4>",
        _table(
            families_view,
            ["root", "origin", "derivatives", "finetune", "adapter", "quantized", "merge", "max_depth"],
            [
                "root base model",
                "origin",
                "derivatives",
                "fine-tunes",
                "adapters",
                "quantized",
                "merges",
                "max depth",
            ],
        ),
        "<h4>DeepSeek-R1 derivatives per month</h4>",
        _table(
            share_rows,
            ["month", "CN", "US", "total", "china"],
            ["month", "Chinese roots", "U.S. roots", "all new derivatives", "China share"],
        ),
        "<h4>DeepSeek-R1 derivatives: downloads and likes by origin (snapshot 2025-04-10)</h4>",
        _table(
            r1_totals,
            ["origin", "derivatives", "downloads", "likes"],
            ["origin", "derivatives", "downloads (last 30 days)", "likes"],
        ),
    ]
    notes = [
        "The edge list covers text-generation models only and has no dates, so it gives the stock of "
        "derivatives by origin in mid-2025, not its timing; the monthly series uses the DeepSeek-R1 tree, "
        "which is one Chinese family by construction (its China share says nothing about the Hub as a "
        "whole). Run `valuechain hf sync` and `valuechain ecosystem diffusion` for the Hub-wide series.",
        "Origins come from valuechain's organisation table (ATOM regions and Epoch AI countries plus "
        "hand-curated rows, each with its source); individuals' accounts stay 'unknown'.",
        f"U.S. policy shocks (red, solid): {', '.join(d for d in SHOCKS)}; confounding releases "
        f"(grey, dashed): {', '.join(f'{label} ({d})' for d, label in CONFOUNDERS.items())}. The figure "
        "shows "
        "timing, not causal effects.",
    ]
    sources = [
        source(SOURCES["edges"][0], str(edges_path), retrieved=SOURCES["edges"][1]),
        source(SOURCES["r1"][0], str(data_dir / R1_INFO), retrieved=SOURCES["r1"][1]),
        source(
            "ATOM Project organisation regions (Interconnects-AI/tracked-models @ 3cd80206, Apache-2.0)",
            "https://github.com/Interconnects-AI/tracked-models",
        ),
        source("Epoch AI model databases (CC-BY-4.0; credit Epoch AI)", "https://epoch.ai/data"),
        source("valuechain organisation->country table", "valuechain/reference/data/org_countries.csv"),
    ]
    return Section(
        key="ecosystem",
        title="Diffusion of open models through Hugging Face",
        html="\n".join(parts),
        figures=[
            Figure(
                str(bar_path),
                "Derivatives by origin of their root base model, each counted once "
                "(Hub lineage edge list, mid-2025; re-packagers resolved).",
            ),
            Figure(
                str(r1_path),
                "DeepSeek-R1 derivatives per month by origin, with U.S. shocks (red) and "
                "confounding releases (grey) marked (snapshot 2025-04-10).",
            ),
        ],
        sources=sources,
        notes=notes,
        data={
            "lineage": {
                **stats,
                "derivatives": total,
                "cn": cn,
                "us": us,
                "by_origin": {str(k): int(v) for k, v in by_origin.items()},
                "top_families": lineage.to_list(10),
            },
            "r1_monthly": [
                {
                    "month": r.month.strftime("%Y-%m"),
                    "origin_group": r.origin_group,
                    "relation": r.relation,
                    "derivatives": int(r.derivatives),
                }
                for r in r1_monthly.itertuples(index=False)
            ],
            "r1_families": r1_lineage.to_list(5),
            "r1_by_origin": r1_totals.to_dict(orient="records"),
        },
    )
