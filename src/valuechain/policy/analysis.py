"""Theme trends and before/after comparisons around the export-control shocks.

Measures (per theme, per half-year, by country and issuing body):
- share of documents with at least one hit (document share);
- mentions per 10,000 characters (hits / characters x 10,000; not comparable across languages,
  since a Chinese character carries more content than a Latin letter).

Before vs after a shock: documents dated wholly before the shock against those wholly on or after it
(documents whose date interval straddles the shock are set aside and counted), with a two-proportion
z-test and Fisher's exact test on the document shares. With fewer than 5 documents with the theme on
either side the series is flagged as thin: the tests are then descriptive at best.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from valuechain.policy.classify import PolicyClassifier, default_classifier
from valuechain.policy.corpora import DOCUMENT_COLUMNS, Corpus, Document

THIN_THRESHOLD = 5
FIGURE_FORMATS = {".png": "png", ".pdf": "pdf", ".svg": "svg"}


def check_figure_path(path: str | os.PathLike[str]) -> tuple[Path, str]:
    """The figure file and its matplotlib format (from the suffix), checked before any work is done."""
    from valuechain.output import check_destination

    target = check_destination(path, "figure file", tuple(FIGURE_FORMATS))
    return target, FIGURE_FORMATS[target.suffix.lower()]


def half_year(day: date) -> str:
    """``2022H2`` for a date in July-December 2022."""
    return f"{day.year}H{1 if day.month <= 6 else 2}"


def half_year_start(label: str) -> date:
    year, half = label.split("H")
    return date(int(year), 1 if half == "1" else 7, 1)


def classify_documents(
    documents: Sequence[Document],
    classifier: PolicyClassifier | None = None,
    on_progress: Callable[[int], None] | None = None,
    max_evidence: int = 3,
) -> Any:
    """One row per document x theme: ``present``, ``hits``, ``characters``, dates and a few evidence
    sentences."""
    import pandas as pd

    classifier = classifier or default_classifier()
    rows: list[dict[str, Any]] = []
    for doc in documents:
        result = classifier.classify(doc.text, doc.language)
        for theme, tr in result.themes.items():
            rows.append(
                {
                    "doc_id": doc.doc_id,
                    "corpus": doc.corpus,
                    "country": doc.country,
                    "issuing_body": doc.issuing_body,
                    "doc_type": doc.doc_type,
                    "title": doc.title,
                    "url": doc.url,
                    "date": doc.date,
                    "date_low": doc.date_low,
                    "date_high": doc.date_high,
                    "date_precision": doc.date_precision,
                    "half": half_year(doc.date),
                    "year": doc.date.year,
                    "characters": len(doc.text),
                    "theme": theme,
                    "present": tr.present,
                    "hits": tr.hits,
                    "evidence": tr.evidence[:max_evidence],
                }
            )
        if on_progress:
            on_progress(1)
    columns = [
        *DOCUMENT_COLUMNS,
        "half",
        "year",
        "characters",
        "theme",
        "present",
        "hits",
        "evidence",
    ]
    return pd.DataFrame(rows, columns=columns)


def classify_corpus(
    corpus: Corpus,
    classifier: PolicyClassifier | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> Any:
    return classify_documents(corpus.documents, classifier, on_progress)


@lru_cache(maxsize=8)
def classify_named_corpus(name: str, data_dir: str | None = None) -> tuple[Any, Corpus]:
    """The document x theme rows of a named corpus (``cn-policy``, ``gwr``, ``agora``, ``cpc``) with the
    default classifier, and the corpus itself; classified once a process (the report's policy chapter
    and the findings ledger read the same rows). ``data_dir`` only keys the cache."""
    from valuechain.policy.corpora import load_corpus

    corpus = load_corpus(name)
    return classify_corpus(corpus), corpus


def theme_trends(doc_themes: Any, by: Sequence[str] = ("country",), period: str = "half") -> Any:
    """Per period x group x theme: documents, documents with the theme, share, hits, characters, per 10k."""
    if period not in ("half", "year"):
        raise ValueError("period must be 'half' or 'year'")
    keys = [period, *by, "theme"]
    grouped = doc_themes.groupby(keys, sort=True)
    out = grouped.agg(
        documents=("doc_id", "nunique"),
        with_theme=("present", "sum"),
        hits=("hits", "sum"),
        characters=("characters", "sum"),
    ).reset_index()
    out["with_theme"] = out["with_theme"].astype(int)
    out["share"] = out["with_theme"] / out["documents"]
    out["per_10k_chars"] = out["hits"] / out["characters"] * 10_000
    return out


def two_proportion_z(k1: int, n1: int, k2: int, n2: int) -> tuple[float, float]:
    """Pooled two-proportion z statistic and two-sided p-value (NaN when undefined)."""
    if n1 == 0 or n2 == 0:
        return math.nan, math.nan
    pooled = (k1 + k2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return math.nan, math.nan
    z = (k2 / n2 - k1 / n1) / se
    return z, math.erfc(abs(z) / math.sqrt(2))


def fisher_exact_p(k1: int, n1: int, k2: int, n2: int) -> float:
    """Two-sided Fisher exact p-value of the 2x2 table (scipy.stats.fisher_exact)."""
    if n1 == 0 or n2 == 0:
        return math.nan
    from scipy.stats import fisher_exact

    return float(fisher_exact([[k1, n1 - k1], [k2, n2 - k2]], alternative="two-sided")[1])


@dataclass
class BeforeAfter:
    """The before/after comparison of one shock (rows per group x theme) and what was set aside."""

    shock: date
    table: Any
    straddling: int
    window_years: float | None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        records = self.table.to_dict(orient="records")
        return {
            "shock": self.shock.isoformat(),
            "window_years": self.window_years,
            "straddling_documents_set_aside": self.straddling,
            "rows": records,
            "notes": self.notes,
        }


def before_after(
    doc_themes: Any, shock: date, by: Sequence[str] = ("country",), window_years: float | None = None
) -> BeforeAfter:
    """Document shares and mention rates before vs after ``shock`` per group x theme, with tests."""
    import pandas as pd

    df = doc_themes
    if window_years is not None:
        days = int(round(window_years * 365.25))
        lo, hi = date.fromordinal(shock.toordinal() - days), date.fromordinal(shock.toordinal() + days)
        df = df[(df["date"] >= lo) & (df["date"] < hi)]
    side = pd.Series("straddles", index=df.index)
    side[df["date_high"] < shock] = "before"
    side[df["date_low"] >= shock] = "after"
    df = df.assign(side=side)
    straddling = int(df.loc[df["side"] == "straddles", "doc_id"].nunique())
    df = df[df["side"] != "straddles"]
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    for key, group in df.groupby([*by, "theme"], sort=True):
        key = key if isinstance(key, tuple) else (key,)
        record = dict(zip([*by, "theme"], key, strict=True))
        stats: dict[str, Any] = {}
        for label in ("before", "after"):
            g = group[group["side"] == label]
            n, k = int(g["doc_id"].nunique()), int(g["present"].sum())
            chars, hits = int(g["characters"].sum()), int(g["hits"].sum())
            stats[label] = (n, k, hits, chars)
            record[f"n_{label}"] = n
            record[f"k_{label}"] = k
            record[f"share_{label}"] = k / n if n else math.nan
            record[f"per_10k_{label}"] = hits / chars * 10_000 if chars else math.nan
        (n1, k1, _, _), (n2, k2, _, _) = stats["before"], stats["after"]
        record["change"] = record["share_after"] - record["share_before"]
        record["z"], record["p_z"] = two_proportion_z(k1, n1, k2, n2)
        record["p_fisher"] = fisher_exact_p(k1, n1, k2, n2)
        record["thin"] = bool(min(k1, k2) < THIN_THRESHOLD or min(n1, n2) < 2 * THIN_THRESHOLD)
        rows.append(record)
    table = pd.DataFrame(rows)
    for label, side_docs in (("before", df[df["side"] == "before"]), ("after", df[df["side"] == "after"])):
        if side_docs.empty:
            dated = doc_themes["date"]
            span = (
                f"the documents run from {min(dated).isoformat()} to {max(dated).isoformat()}"
                if len(dated)
                else "there are no documents"
            )
            notes.append(
                f"No documents are dated wholly {label} {shock.isoformat()} ({span}), so nothing is "
                "compared at this shock."
            )
    if not table.empty:
        thin = table[table["thin"]]
        if len(thin):
            listed = ", ".join(sorted({str(t) for t in thin["theme"]}))
            notes.append(
                f"Thin series at {shock.isoformat()} (fewer than {THIN_THRESHOLD} documents with the theme "
                f"on one side, or fewer than {2 * THIN_THRESHOLD} documents): {listed}; read their tests as "
                "descriptive."
            )
    if straddling:
        notes.append(
            f"{straddling} document(s) whose date interval straddles {shock.isoformat()} were set aside."
        )
    return BeforeAfter(
        shock=shock, table=table, straddling=straddling, window_years=window_years, notes=notes
    )


FIGURE_CATEGORIES = ("us_shock", "confounder")


def events_for_figure(events: Sequence[Any], countries: set[str] | Sequence[str]) -> list[Any]:
    """The events drawn on a trends figure: those of the corpus's countries plus, on every figure, the U.S.
    shocks and the confounders (model releases), so a Chinese corpus is read against the U.S. measures."""
    wanted = set(countries)
    return [e for e in events if e.country in wanted or e.category in FIGURE_CATEGORIES]


THEME_COLOURS = {
    "open_source": "#d62728",
    "ecosystem": "#2ca02c",
    "standards": "#1f77b4",
    "resilience": "#9467bd",
    "compute": "#ff7f0e",
    "free_market": "#8c564b",
    "chokepoint": "#7f7f7f",
}


def plot_timeline(
    events: Sequence[Any],
    trends: Any | None,
    path: Path,
    *,
    measure: str = "share",
    title: str = "AI-policy events and theme intensity",
    themes: Sequence[str] | None = None,
    shocks: Sequence[str] | None = None,
) -> Path:
    """A two-panel figure (PNG, PDF or SVG by the suffix of ``path``): the dated events (shocks and
    confounders as vertical lines) and theme intensity per half-year."""
    path, fmt = check_figure_path(path)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    from valuechain.output import write_output
    from valuechain.reference.colours import colour_of
    from valuechain.reference.events import CONFOUNDERS, SHOCKS
    from valuechain.reference.figures import CONFOUNDER_STYLE, SHOCK_STYLE

    shock_days = [date.fromisoformat(s) for s in (shocks or SHOCKS)]
    conf_days = {date.fromisoformat(k): v for k, v in CONFOUNDERS.items()}
    has_trends = trends is not None and len(trends) > 0
    fig, axes = plt.subplots(
        2 if has_trends else 1,
        1,
        figsize=(11, 7 if has_trends else 4),
        sharex=True,
        gridspec_kw={"height_ratios": [1, 1.4]} if has_trends else None,
    )
    axes = list(axes) if has_trends else [axes]
    lanes = {
        "us_shock": 4,
        "us_shock_candidate": 3.5,
        "us_promotion": 3,
        "us_relaxation": 3,
        "us_report": 3,
        "cn_policy": 2,
        "cn_standard": 1.3,
        "cn_regulation": 1.3,
        "confounder": 0.5,
    }
    colours = {"US": colour_of("US"), "CN": colour_of("CN")}
    ax = axes[0]
    for e in events:
        ax.scatter(
            [e.date], [lanes.get(e.category, 0)], color=colours.get(e.country, "black"), s=22, zorder=3
        )
    ax.set_yticks([4, 3.5, 3, 2, 1.3, 0.5])
    ax.set_yticklabels(
        [
            "US shocks",
            "US shock candidates",
            "US promotion / other",
            "CN policy",
            "CN standards / rules",
            "model releases",
        ],
        fontsize=8,
    )
    ax.set_ylim(0, 4.6)
    ax.set_title(title, fontsize=11)
    for a in axes:  # the shared line styles; the shock list may be the user's, so not mark_events
        for d in shock_days:
            a.axvline(d, **SHOCK_STYLE)
        for d in conf_days:
            a.axvline(d, **CONFOUNDER_STYLE)
    for d in shock_days:
        ax.annotate(d.isoformat(), (d, 4.45), fontsize=6, rotation=90, ha="right", va="top", color="#c0392b")
    for d, name in conf_days.items():
        ax.annotate(name, (d, 0.05), fontsize=6, rotation=90, ha="right", va="bottom", color="grey")
    if trends is not None and has_trends:
        ax2 = axes[1]
        column = "share" if measure == "share" else "per_10k_chars"
        data = trends.copy()
        data["x"] = [half_year_start(h) for h in data["half"]]
        wanted = list(themes) if themes else list(dict.fromkeys(data["theme"]))
        group_cols = [c for c in ("country",) if c in data.columns]
        for key, g in data.groupby(["theme", *group_cols]):
            key = key if isinstance(key, tuple) else (key,)
            theme = key[0]
            if theme not in wanted:
                continue
            g = g.groupby("x", as_index=False).agg(value=(column, "mean"), docs=("documents", "sum"))
            label = theme + (f" ({key[1]})" if len(key) > 1 else "")
            ax2.plot(
                g["x"],
                g["value"],
                marker="o",
                ms=3,
                lw=1.3,
                color=THEME_COLOURS.get(theme),
                ls="-" if len(key) < 2 or key[1] != "US" else ":",
                label=label,
            )
        ax2.set_ylabel("share of documents" if column == "share" else "mentions per 10,000 characters")
        ax2.legend(fontsize=7, ncol=4, loc="upper left")
        ax2.xaxis.set_major_locator(mdates.YearLocator())
        ax2.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    fig.tight_layout()
    try:
        # the temporary file's suffix is not trusted, hence the explicit format
        write_output(path, lambda tmp: fig.savefig(tmp, dpi=120, format=fmt), "figure file")
    finally:
        plt.close(fig)
    return Path(path)
