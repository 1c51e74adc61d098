"""The studies behind the ledger rows: each runs on named data and returns numbers for a verdict rule.

Every function returns a :class:`Study` — the numbers the rule reads, the sources it ran on, and notes —
and never decides a verdict itself (that is :mod:`valuechain.findings.verdicts`). A study whose data are
missing raises :class:`StudyUnavailable` with a sentence saying what is missing; the ledger reports that
row as "cannot tell with this data".
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from valuechain import config
from valuechain.errors import InputError
from valuechain.output import source
from valuechain.reference.events import CONFOUNDERS, SHOCKS


class StudyUnavailable(Exception):
    """The data a study needs are not here (the message says which, and how to get them)."""


@dataclass
class Study:
    """What a study measured: ``numbers`` for the verdict rule, the ``sources`` it read, ``notes``."""

    numbers: dict[str, Any]
    sources: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    data: str = ""  # one line: the data it ran on, with dates


# ---------------------------------------------------------------------------------------------- policy
#: Corpora per country for the policy claims (A1, A2); AGORA holds summaries of U.S. laws, not full texts.
POLICY_CORPORA: dict[str, tuple[str, ...]] = {"CN": ("cn-policy", "gwr"), "US": ("agora",)}
SUMMARY_CORPORA = frozenset({"agora"})
STRATEGY_THEMES = ("ecosystem", "standards", "resilience")


def _classified_policy() -> tuple[pd.DataFrame, tuple[dict[str, Any], ...]]:
    """Document × theme rows for every corpus of :data:`POLICY_CORPORA` (classified once a process, shared
    with the report's policy chapter through :func:`valuechain.policy.analysis.classify_named_corpus`)."""
    from valuechain.policy.analysis import classify_named_corpus

    frames, sources = [], []
    for names in POLICY_CORPORA.values():
        for name in names:
            try:
                frame, corpus = classify_named_corpus(name, str(config.data_dir()))
            except InputError as exc:  # a missing snapshot is a missing study, said in words
                raise StudyUnavailable(f"the {name} corpus could not be read ({exc})") from exc
            frames.append(frame)
            sources.extend(corpus.sources)
    return pd.concat(frames, ignore_index=True), tuple(sources)


def policy_before_controls() -> Study:
    """A1: per country, documents dated wholly before the first shock and those with open-source support."""
    themes, sources = _classified_policy()
    first = min(date.fromisoformat(d) for d in SHOCKS)
    rows = themes[(themes["theme"] == "open_source") & (themes["date_high"] < first)]
    countries: dict[str, dict[str, Any]] = {}
    for code, corpora in POLICY_CORPORA.items():
        mine = rows[rows["corpus"].isin(corpora)]
        countries[code] = {
            "documents": int(mine["doc_id"].nunique()),
            "with_theme": int(mine.loc[mine["present"], "doc_id"].nunique()),
            "summaries_only": set(corpora) <= SUMMARY_CORPORA,
            "corpora": list(corpora),
            "evidence": [e for ev in mine.loc[mine["present"], "evidence"].head(3) for e in list(ev)[:1]],
        }
    return Study(
        numbers={"countries": countries, "first_shock": first.isoformat()},
        sources=list(sources),
        data=f"policy corpora {', '.join(c for cs in POLICY_CORPORA.values() for c in cs)}, dated before "
        f"{first.isoformat()}",
        notes=[
            "AGORA holds summaries of U.S. laws, not their texts; a missing theme there is not a measured "
            "absence.",
            "The Chinese ministry texts of the scraped corpus are truncated and the 14th Five-Year Plan "
            "(2021), which names open-source communities, is in none of the corpora, so the Chinese count is "
            "a lower bound.",
        ],
    )


def policy_after_controls(placebo_years: Sequence[float] = (1.0, 1.5, 2.0)) -> Study:
    """A2: Chinese theme shares before/after each shock with BH correction, placebo dates and pre-trends.

    For theme ``t`` and shock ``s``: Fisher's exact test on documents with the theme before vs after ``s``;
    the placebo rise is the largest share change at ``s − y`` years for ``y`` in ``placebo_years`` (only
    documents before ``s``); the pre-trend change is the least-squares slope of half-yearly shares before
    ``s`` times the span between the mean dates of the after and before documents.
    """
    from valuechain.findings.verdicts import benjamini_hochberg
    from valuechain.policy.analysis import before_after

    themes, sources = _classified_policy()
    wanted = ("open_source", *STRATEGY_THEMES)
    cn = themes[themes["corpus"].isin(POLICY_CORPORA["CN"]) & themes["theme"].isin(wanted)]
    us = themes[themes["corpus"].isin(POLICY_CORPORA["US"]) & themes["theme"].isin(wanted)]
    tests: list[dict[str, Any]] = []
    for shock_text in SHOCKS:
        shock = date.fromisoformat(shock_text)
        table = before_after(cn, shock, by=()).table
        if table.empty:
            continue
        us_table = before_after(us, shock, by=()).table
        us_change = (
            dict(zip(us_table["theme"], us_table["change"], strict=True)) if not us_table.empty else {}
        )
        for record in table.to_dict(orient="records"):
            theme = record["theme"]
            series = cn[cn["theme"] == theme]
            tests.append(
                {
                    "theme": theme,
                    "shock": shock_text,
                    "share_before": record["share_before"],
                    "share_after": record["share_after"],
                    "n_before": record["n_before"],
                    "n_after": record["n_after"],
                    "change": record["change"],
                    "p": record["p_fisher"],
                    "thin": bool(record["thin"]),
                    "placebo_max_change": _placebo_max_change(series, shock, placebo_years),
                    "pretrend_change": _pretrend_change(series, shock),
                    "comparison_change": us_change.get(theme, math.nan),
                }
            )
    for test, q in zip(tests, benjamini_hochberg([t["p"] for t in tests]), strict=True):
        test["q"] = q
    return Study(
        numbers={"tests": tests},
        sources=list(sources),
        data=f"Chinese policy corpora {', '.join(POLICY_CORPORA['CN'])}, themes {', '.join(wanted)}, "
        f"{len(SHOCKS)} shocks",
        notes=[
            "Benjamini-Hochberg correction across all theme x shock tests; thin series kept and flagged.",
            "Comparison: the same theme's change in the U.S. AGORA summaries at the same shock.",
            "Ministry texts in the scraped corpus are truncated, so mentions are undercounted.",
        ],
    )


def _placebo_max_change(series: pd.DataFrame, shock: date, years: Sequence[float]) -> float:
    """The largest share change at the placebo dates ``shock − y`` (documents before ``shock`` only)."""
    pre = series[series["date_high"] < shock]
    changes = []
    for y in years:
        placebo = date.fromordinal(shock.toordinal() - int(round(y * 365.25)))
        before = pre.loc[pre["date_high"] < placebo, "present"]
        after = pre.loc[pre["date_low"] >= placebo, "present"]
        if len(before) and len(after):
            changes.append(float(after.mean() - before.mean()))
    return max(changes) if changes else math.nan


def _pretrend_change(series: pd.DataFrame, shock: date) -> float:
    before = series[series["date_high"] < shock]
    after = series[series["date_low"] >= shock]
    if before.empty or after.empty:
        return math.nan
    half = before.groupby("half").agg(share=("present", "mean"), day=("date", "min")).reset_index()
    if len(half) < 3:
        return math.nan
    x = np.array([d.toordinal() for d in half["day"]], dtype=float)
    slope = float(np.polyfit(x, half["share"].to_numpy(dtype=float), 1)[0])
    span = np.mean([d.toordinal() for d in after["date"]]) - np.mean([d.toordinal() for d in before["date"]])
    return slope * float(span)


# ---------------------------------------------------------------------------------------------- releases
EPOCH_FILE = "ecosystem/epoch/all-ai-models-2025-03.csv"
OPEN_WEIGHTS = (
    "Open weights (unrestricted)",
    "Open weights (restricted use)",
    "Open weights (non-commercial)",
)


def epoch_open_releases(data_dir: Path | None = None) -> pd.DataFrame:
    """Open-weight releases in Epoch AI's model database: month, country group (CN, US, other)."""
    path = (data_dir or config.data_dir()) / EPOCH_FILE
    if not path.is_file():
        raise StudyUnavailable(
            f"Epoch AI's model database is missing ({EPOCH_FILE} under the data directory)"
        )
    frame = pd.read_csv(
        path, usecols=["Model", "Publication date", "Model accessibility", "Country (from Organization)"]
    )
    frame = frame[frame["Model accessibility"].isin(OPEN_WEIGHTS)].dropna(subset=["Publication date"])
    countries = frame["Country (from Organization)"].fillna("").str.split(",")
    frame = frame.assign(
        month=pd.to_datetime(frame["Publication date"], errors="coerce").dt.to_period("M"),
        group=[_country_group({c.strip() for c in cs}) for cs in countries],
    )
    return frame.dropna(subset=["month"])


def _country_group(names: set[str]) -> str:
    china = "China" in names or "Hong Kong" in names
    us = "United States of America" in names
    return "mixed" if china and us else "CN" if china else "US" if us else "other"


def release_series(data_dir: Path | None = None, shock: str = "2022-10-07") -> Study:
    """A4: interrupted time series of the monthly CN − U.S. difference in open-weight releases.

    ``d_t = CN_t − US_t`` for each month from the first month either side releases to the last full
    month, fitted by :func:`valuechain.estimation.interrupted_time_series` (segmented OLS with a level and
    a slope change at the shock's month, Newey–West errors); the level change is the test. The
    snapshot's last month is dropped as partial.
    """
    from valuechain.estimation import interrupted_time_series

    releases = epoch_open_releases(data_dir)
    counts = releases.groupby(["month", "group"]).size().unstack(fill_value=0)
    months = pd.period_range(counts.index.min(), counts.index.max(), freq="M")[:-1]  # last month partial
    counts = counts.reindex(months, fill_value=0)
    for group in ("CN", "US"):
        if group not in counts.columns:
            counts[group] = 0
    diff = (counts["CN"] - counts["US"]).astype(float)
    diff.index = months.to_timestamp()
    its = interrupted_time_series(diff, [shock])
    coefficients = its.coefficients.set_index("term")
    level, slope = coefficients.loc[f"level_{shock}"], coefficients.loc[f"slope_{shock}"]
    post = counts.index >= pd.Period(shock, freq="M")
    active = counts[["CN", "US"]].sum(axis=1) > 0
    slope_ci = [float(slope["ci_low"]), float(slope["ci_high"])]
    numbers: dict[str, Any] = {
        "level_change": float(level["estimate"]),
        "ci_low": float(level["ci_low"]),
        "ci_high": float(level["ci_high"]),
        "slope_change": float(slope["estimate"]),
        "slope_ci": slope_ci,
        "months_before": int((active & ~post).sum()),
        "months_after": int((active & post).sum()),
        "cn_before": int(counts.loc[~post, "CN"].sum()),
        "cn_after": int(counts.loc[post, "CN"].sum()),
        "us_before": int(counts.loc[~post, "US"].sum()),
        "us_after": int(counts.loc[post, "US"].sum()),
        "first_month": str(months[0]),
        "last_month": str(months[-1]),
        "shock": shock,
        "hac_lags": its.design.get("hac_lags"),
    }
    first = months[0].start_time.date().isoformat()
    confounders = [f"{label} ({d})" for d, label in CONFOUNDERS.items() if first <= d]
    return Study(
        numbers=numbers,
        sources=[
            source("Epoch AI, All AI models (2025-03 snapshot; CC-BY-4.0, credit Epoch AI)", EPOCH_FILE)
        ],
        data=f"Epoch AI all-models database, open-weight releases {months[0]} to {months[-1]} (last partial "
        "month dropped)",
        notes=[
            f"Chinese open-weight releases: {numbers['cn_before']} before, {numbers['cn_after']} after the "
            f"shock; U.S.: {numbers['us_before']} before, {numbers['us_after']} after; the slope change of "
            f"the difference is {numbers['slope_change']:+.2f} a month [{slope_ci[0]:+.2f}, "
            f"{slope_ci[1]:+.2f}].",
            "Confounders inside the window: " + ", ".join(confounders) + "; the level change cannot separate "
            "the shock from ChatGPT (2022-11-30), seven weeks later.",
            "Epoch counts notable releases only; Hugging Face derivatives need a Hub-wide `hf sync`.",
        ],
    )


# ---------------------------------------------------------------------------------------------- audit
def audited_catalogue() -> pd.DataFrame:
    """The audited catalogue (one row per release, with governance model and Solaiman level), shared with
    the report's audit chapter (:func:`valuechain.audit.ranking.audited_catalogue`, once a process)."""
    from valuechain.audit.ranking import audited_catalogue as shared

    return shared()


def gradient_levels() -> Study:
    """B1: releases per level of Solaiman's release gradient."""
    frame = audited_catalogue()
    counts = frame["solaiman_level"].value_counts().sort_index()
    return Study(
        numbers={"levels": {str(k): int(v) for k, v in counts.items()}},
        sources=[source("valuechain curated catalogue", "valuechain/audit/data/catalog.yml")],
        data=f"the audited catalogue of {len(frame)} releases",
    )


GOVERNANCE_ORDER = (
    "Hierarchical",
    "Captive externalised",
    "Open platform",
    "Controlled openness",
    "Full openness",
)


def governance_outcome() -> Study:
    """B2: governance models present, and Spearman's ρ between openness level and downstream assets.

    Downstream assets per release: distinct assets linked to the release in the downstream map
    (Ecosystem Graphs, AI Stack Map, Hugging Face lineage); releases without a link count 0.
    """
    from scipy.stats import spearmanr

    from valuechain.audit.catalog import load_catalog
    from valuechain.audit.downstream import build_downstream

    frame = audited_catalogue()
    governance = dict(zip(frame["id"], frame["governance_model"], strict=True))
    links = build_downstream(load_catalog(), governance=governance).links
    per_release = (
        links.groupby("model_id")["downstream"].nunique() if not links.empty else pd.Series(dtype=int)
    )
    level = frame["governance_model"].map({m: i for i, m in enumerate(GOVERNANCE_ORDER, start=1)})
    downstream = frame["id"].map(per_release).fillna(0)
    rho, p = spearmanr(level, downstream)
    by_type = (
        pd.DataFrame({"model": frame["governance_model"], "downstream": downstream})
        .groupby("model")["downstream"]
        .agg(["count", "median", "mean"])
        .reindex([m for m in GOVERNANCE_ORDER if m in set(frame["governance_model"])])
    )
    return Study(
        numbers={
            "types_present": int(frame["governance_model"].nunique()),
            "rho": float(rho),
            "p": float(p),
            "by_type": by_type.reset_index().to_dict(orient="records"),
        },
        sources=[
            source("valuechain downstream map (Ecosystem Graphs, AI Stack Map, Hugging Face lineage)", "")
        ],
        data=f"{len(frame)} audited releases and their downstream assets",
        notes=[
            "Older releases have had longer to gather dependants; the correlation does not control for age."
        ],
    )


def licence_levers() -> Study:
    """B3: open-weight releases (open or gated weights) and those whose licence carries a control lever."""
    frame = audited_catalogue()
    weights = frame["weights"] if "weights" in frame.columns else pd.Series("", index=frame.index)
    open_weight = frame[weights.isin(["open", "gated"])]
    levers = open_weight["levers"] if "levers" in open_weight.columns else pd.Series(dtype=object)
    with_lever = int(sum(1 for v in levers if _has_lever(v)))
    return Study(
        numbers={"open_weight": len(open_weight), "with_lever": with_lever},
        sources=[
            source("valuechain curated catalogue and licence texts", "valuechain/audit/data/catalog.yml")
        ],
        data=f"{len(open_weight)} open-weight releases of the audited catalogue",
    )


def _has_lever(value: Any) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    if isinstance(value, str):
        return bool(value.strip()) and value.strip().lower() not in {"none", "-"}
    if isinstance(value, Mapping):
        return any(bool(v) for v in value.values())
    return bool(len(value))


# ---------------------------------------------------------------------------------------------- market
@lru_cache(maxsize=1)
def market_claims() -> dict[str, tuple[bool, int | None]]:
    """C1–C7 from :func:`valuechain.market.check_claims`: holds, and the violations counted."""
    from valuechain.market.claims import check_claims

    return {r.id: (r.holds, _violations(r.evidence)) for r in check_claims()}


def _violations(evidence: Any) -> int | None:
    found: list[int] = []

    def walk(node: Any) -> None:
        if isinstance(node, Mapping):
            for key, value in node.items():
                if str(key).endswith("violations") and isinstance(value, int | np.integer):
                    found.append(int(value))
                else:
                    walk(value)

    walk(evidence)
    return sum(found) if found else None


# ---------------------------------------------------------------------------------------------- engagement
def innovation_graph_study(outcomes: Sequence[str], shock: str = "2022-10-07") -> Study:
    """A3: the GitHub Innovation Graph study of China against the other economies, one per outcome
    (:func:`valuechain.engagement.innovation_graph.innovation_graph_study`)."""
    from valuechain.engagement.innovation_graph import innovation_graph_study as run
    from valuechain.sources.innovation_graph import read_innovation_graph

    try:
        graph = read_innovation_graph()
    except InputError as exc:
        raise StudyUnavailable(f"the GitHub Innovation Graph snapshot could not be read ({exc})") from exc
    numbers: dict[str, Any] = {}
    for outcome in outcomes:
        study = run(shock=shock, outcome=outcome, graph=graph)
        d = study.to_dict()
        if study.main is None:
            numbers[outcome] = {"cannot_tell": True, "reason": study.verdict, "counts": d["counts"]}
        else:
            numbers[outcome] = {
                "estimate": d["estimate"],
                "ci_low": d["ci_low"],
                "ci_high": d["ci_high"],
                "p": d["p_value"],
                "pretrend_p": d["pretrend_p"],
                "cn_vs_us": d["cn_vs_us"],
                "suppressed_cells": d["suppressed_cells"],
                "definition": d["outcome_definition"],
            }
    return Study(
        numbers={"outcomes": numbers, "shock": shock},
        sources=[
            source(
                "GitHub Innovation Graph (economy x quarter, CC0-1.0)", "ecosystem/github-innovation-graph"
            )
        ],
        data=f"GitHub Innovation Graph, economies x quarters 2020Q1-2025Q3, outcomes {', '.join(outcomes)}, "
        f"shock {shock}",
        notes=[
            "Aggregate GitHub activity by economy, not engagement with open LLM repositories: the paper's "
            "repository-level design needs the GH Archive history (`valuechain engagement ingest`).",
        ],
    )


# ---------------------------------------------------------------------------------------------- science
@lru_cache(maxsize=1)
def _cset_frame() -> pd.DataFrame:
    """CSET's open-model papers, one row per (sheet, paper), with origin and author flags."""
    from valuechain.science.cset import load_cset
    from valuechain.science.families import load_families
    from valuechain.science.usage import cset_paper_frame

    try:
        papers = load_cset()
    except InputError as exc:
        raise StudyUnavailable(f"CSET's annotated papers could not be read ({exc})") from exc
    frame = cset_paper_frame(papers, load_families())
    return frame[frame["workbook"] == "open"]


def _cset_source() -> dict[str, Any]:
    from valuechain.science.cset import CSET_SOURCE

    return source(CSET_SOURCE, "research/cset-open-models/data")


def cset_chinese_per_year() -> Study:
    """A5: open-model papers of CSET's sample per publication year, and those using a Chinese-origin
    family."""
    from valuechain.reference.origin import CHINA

    frame = _cset_frame().dropna(subset=["year"])
    frame = frame.drop_duplicates(["paper_id", "family"])
    chinese = frame["origin_country"].isin(CHINA)
    per_year = {
        int(year): {
            "papers": int(group["paper_id"].nunique()),
            "chinese": int(group.loc[chinese, "paper_id"].nunique()),
        }
        for year, group in frame.groupby("year")
    }
    sheets = sorted(frame.loc[chinese, "sheet"].unique())
    return Study(
        numbers={"per_year": per_year, "chinese_sheets": sheets},
        sources=[_cset_source()],
        data=f"CSET's hand-checked open-model papers ({frame['paper_id'].nunique()} papers, "
        f"{frame['sheet'].nunique()} sheets; Chinese-origin sheets: {', '.join(sheets) or 'none'})",
        notes=[
            "CSET chose which model versions to annotate (Qwen and Qwen-1.5 are its only Chinese-origin "
            "sheets), so the per-year counts follow its sampling, not the field.",
        ],
    )


def cset_us_company_use() -> Study:
    """A7: Chinese-origin papers of CSET's sample with a U.S. company author, as [lower, upper] bounds
    (CSET's organisation, country and type lists are not aligned); every open-model row is a use."""
    from valuechain.reference.origin import CHINA

    frame = _cset_frame()
    chinese = frame[frame["origin_country"].isin(CHINA)].drop_duplicates("paper_id")
    lower = int(chinese["us_company_author_lower"].sum())
    upper = int(chinese["us_company_author_upper"].sum())
    return Study(
        numbers={"lower": lower, "upper": upper, "chinese_papers": len(chinese)},
        sources=[_cset_source()],
        data=f"CSET's hand-checked papers using Qwen and Qwen-1.5 ({len(chinese)} papers)",
        notes=[
            "Every open-model row of CSET's workbook is a use that needed the weights, by CSET's selection."
        ],
    )


def patent_search() -> Study:
    """A6: the recorded PatentsView searches in the default store and the family-mentioning documents."""
    from valuechain.reference.origin import CHINA
    from valuechain.science.families import load_families
    from valuechain.science.usage import patent_usage
    from valuechain.store import Store

    path = config.default_db_path()
    if not path.exists():
        return Study(
            numbers={"search": None}, data=f"no store at {path.name} (no PatentsView search recorded)"
        )
    store = Store(path, read_only=True)
    try:
        result = patent_usage(store)
    except InputError:
        return Study(numbers={"search": None}, data="the store holds no PatentsView search")
    finally:
        store.con.close()
    families = load_families()
    coverage = result.tables["coverage"]
    counts = coverage.set_index("family")["total_hits"] if len(coverage) else pd.Series(dtype=int)
    chinese = sum(int(n) for f, n in counts.items() if f in families and families[f].origin_country in CHINA)
    fields = "; ".join(sorted({str(v) for v in coverage.get("fields", [])}))
    span = f"{coverage['date_from'].min()} to {coverage['date_to'].max()}" if len(coverage) else ""
    return Study(
        numbers={
            "search": {
                "documents": int(counts.sum()),
                "chinese": chinese,
                "paper_share": None,
                "coverage": f"fields {fields}; dates {span}; {len(coverage)} families searched",
            }
        },
        sources=result.sources,
        data=f"PatentsView searches recorded in the store ({len(coverage)} families)",
    )
