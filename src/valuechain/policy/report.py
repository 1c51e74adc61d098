"""The policy chapter of the report (timeline, theme shares, before/after the 2022-10-07 rules)."""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path
from typing import Any

from valuechain.section import Figure, Section, render_table

REPORT_SHOCK = date(2022, 10, 7)


def _table(frame: Any, columns: list[tuple[str, str]], fmt: dict[str, str] | None = None) -> str:
    """``fmt``: a format string per column key (not applied to NaN)."""
    fmt = fmt or {}
    rows = [
        [
            fmt[key].format(row[key]) if key in fmt and row[key] == row[key] else str(row[key])
            for key, _ in columns
        ]
        for _, row in frame.iterrows()
    ]
    return render_table([label for _, label in columns], rows)


def report_section(out_dir: Path) -> Section:
    """Run the policy analyses on the shipped timeline and the reference corpora; write the figures."""
    import pandas as pd

    from valuechain.policy.analysis import (
        before_after,
        classify_named_corpus,
        events_for_figure,
        plot_timeline,
        theme_trends,
    )
    from valuechain.policy.classify import default_dictionary_path
    from valuechain.policy.timeline import load_events, timeline_sources
    from valuechain.reference.events import CONFOUNDERS, SHOCKS

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    events = load_events()
    from valuechain.config import data_dir

    classified = {
        name: classify_named_corpus(name, str(data_dir())) for name in ("cn-policy", "gwr", "agora")
    }
    frames = {name: frame for name, (frame, _) in classified.items()}
    cn_policy, gwr, agora = (classified[name][1] for name in ("cn-policy", "gwr", "agora"))
    cn = frames["cn-policy"]
    gwr_reports = frames["gwr"][frames["gwr"]["doc_type"] == "government_work_report"]
    recent = pd.concat([frames["cn-policy"], gwr_reports[gwr_reports["year"] >= 2015], frames["agora"]])

    figure_path = out_dir / "policy-timeline.png"
    plot_timeline(
        events,
        theme_trends(cn, ["country"]),
        figure_path,
        title="Policy events and theme share of Chinese MIIT/CAC/TC260 documents per half-year",
    )
    rate_path = out_dir / "policy-gwr-rates.png"
    gwr_recent = gwr_reports[gwr_reports["year"] >= 2010]
    gwr_span = f"{int(gwr_recent['year'].min())}-{int(gwr_recent['year'].max())}"
    plot_timeline(
        events_for_figure(events, {"CN"}),
        theme_trends(gwr_recent, ["country"]),
        rate_path,
        measure="per_10k",
        title=f"Government Work Reports {gwr_span}: mentions per 10,000 characters",
    )

    ba = before_after(cn, REPORT_SHOCK, ["country"])
    ba_gwr = before_after(gwr_recent, REPORT_SHOCK, ["country"])
    shares = theme_trends(recent, ["corpus"], period="year")
    shares = shares[shares["year"] >= 2018]
    pivot = shares.pivot_table(index=["corpus", "year"], columns="theme", values="share").reset_index()
    themes = [c for c in pivot.columns if c not in ("corpus", "year")]

    counts = pd.Series([e.category for e in events]).value_counts()
    verified = sum(e.verified_locally for e in events)
    web_checked = sum(e.verification_kind == "web" for e in events)
    parts = [
        f"<p>A curated timeline of <b>{len(events)}</b> dated U.S. and Chinese AI-policy events ({verified} "
        f"found in the local corpora, {web_checked} checked against stored public copies of their source; "
        "the "
        "rest carry their named source and a confidence), and a "
        "transparent bilingual dictionary classifier (jieba segmentation for Chinese, suffix-stripping "
        "lemmas for "
        f"English) applied to {len(cn_policy.documents)} Chinese ministry documents, {len(gwr.documents)} "
        f"Government Work Reports and NPC resolutions and {len(agora.documents)} U.S. AGORA laws. Every "
        "count "
        "can be traced to the sentences returned as evidence by <code>valuechain policy classify</code>.</p>",
        "<p>Shocks: "
        + "; ".join(f"{d} ({html.escape(n)})" for d, n in SHOCKS.items())
        + ". Confounders: "
        + "; ".join(f"{d} ({html.escape(n)})" for d, n in CONFOUNDERS.items())
        + ". Events by category: "
        + ", ".join(f"{html.escape(str(k))} {v}" for k, v in counts.items())
        + ".</p>",
        f"<h3>Chinese ministry documents before vs after {REPORT_SHOCK.isoformat()}</h3>",
        _table(
            ba.table,
            [
                ("theme", "theme"),
                ("k_before", "docs with theme (before)"),
                ("n_before", "docs before"),
                ("share_before", "share before"),
                ("k_after", "docs with theme (after)"),
                ("n_after", "docs after"),
                ("share_after", "share after"),
                ("p_z", "p (z-test)"),
                ("p_fisher", "p (Fisher)"),
                ("thin", "thin series"),
            ],
            {"share_before": "{:.3f}", "share_after": "{:.3f}", "p_z": "{:.3g}", "p_fisher": "{:.3g}"},
        ),
        f"<h3>Government Work Reports {gwr_span} before vs after {REPORT_SHOCK.isoformat()} (mentions per "
        "10,000 characters)</h3>",
        _table(
            ba_gwr.table,
            [
                ("theme", "theme"),
                ("n_before", "reports before"),
                ("per_10k_before", "per 10k before"),
                ("n_after", "reports after"),
                ("per_10k_after", "per 10k after"),
                ("k_before", "reports with theme (before)"),
                ("k_after", "with theme (after)"),
            ],
            {"per_10k_before": "{:.2f}", "per_10k_after": "{:.2f}"},
        ),
        "<h3>Share of documents with each theme, per year (2018 onwards; gwr = the reports only)</h3>",
        _table(
            pivot,
            [("corpus", "corpus"), ("year", "year"), *[(t, t) for t in themes]],
            dict.fromkeys(themes, "{:.2f}"),
        ),
    ]
    open_docs = cn[(cn["theme"] == "open_source") & cn["present"]]
    n_open, n_cn = int(open_docs["doc_id"].nunique()), len(cn_policy.documents)
    after = int((open_docs["date_low"] >= REPORT_SHOCK).sum())
    timing = (
        f"all after the {REPORT_SHOCK.isoformat()} rules"
        if n_open and after == n_open
        else f"{after} of them after the {REPORT_SHOCK.isoformat()} rules"
    )
    notes = [
        f"Only {n_open} of the {n_cn} MIIT/CAC/TC260 documents count as open-source support ({timing}), and "
        "the "
        "scraper truncated their texts: the open-source series is thin and its tests are descriptive.",
        "The 2019 Government Work Report's 开源节流 ('increase revenue, cut spending') is rejected "
        "as a false friend, "
        "as are 高标准 ('high standard'), 生态环境 (natural environment), 'open market' and 'open source "
        "intelligence'.",
        "AGORA laws carry no date: they are dated by the Congress in their link, refined by a year in the "
        "name "
        "(fiscal-year names can be off by one); their text is ETO's summary, not the statute.",
        "Government Work Reports are annual: the before/after comparison at a single shock compares a few "
        "reports "
        "per side and cannot separate the export controls from other events of 2022-2023 (ChatGPT, LLaMA).",
        *ba.notes,
    ]
    sources = [*cn_policy.sources, *gwr.sources, *agora.sources, *timeline_sources()]
    from valuechain.output import source

    sources.append(source("theme dictionaries", str(default_dictionary_path())))
    return Section(
        key="policy",
        title="Policy: U.S. shocks and Chinese open-source policy",
        html="".join(parts),
        figures=[
            Figure(
                str(figure_path),
                "Dated events (U.S. shocks in red lines, model releases dashed) and the share "
                "of Chinese ministry documents with each theme per half-year.",
            ),
            Figure(
                str(rate_path), f"Government Work Reports {gwr_span}: theme mentions per 10,000 characters."
            ),
        ],
        sources=sources,
        notes=notes,
        data={
            "events": len(events),
            "events_verified_locally": verified,
            "cn_policy_documents": n_cn,
            "cn_policy_open_source_documents": n_open,
            "events_checked_web": web_checked,
            "before_after_cn_policy": ba.to_dict(),
            "before_after_gwr": ba_gwr.to_dict(),
        },
    )
