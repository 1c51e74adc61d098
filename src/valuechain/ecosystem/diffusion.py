"""Diffusion of open models by origin: monthly derivatives, China vs U.S. shares, downloads and likes.

The question (Jin, Kunievsky, Lou, Sun, Evans, arXiv 2606.15999, 2026; spec §3): after the U.S.
export-control shocks, did Chinese-origin open models diffuse more through the open-source community?
We measure it as the derivatives (fine-tunes, adapters, quantizations, merges) created each month on
the Hugging Face Hub, each attributed to the origin of its root base model(s) (re-packagers resolved,
see :mod:`valuechain.ecosystem.lineage`), with the shock dates and the confounding releases marked.

Timing is the derivative's ``created_at`` on the Hub. Each derivative is counted once: a merge of bases
from different countries is ``mixed``. Models whose only roots are unresolved re-packagers are left
out (reported by the lineage step), never attributed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from valuechain.errors import InputError
from valuechain.reference.events import CONFOUNDERS, SHOCKS
from valuechain.reference.figures import CONFOUNDER_STYLE, SHOCK_STYLE, mark_events

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from valuechain.ecosystem.lineage import LineageResult

GROUPS = ("CN", "US", "other", "mixed", "unknown")


def parse_date(value: str | None, option: str, *, end_of_month: bool = False) -> date | None:
    """``YYYY-MM-DD``, or ``YYYY-MM`` (the first of the month, or its last day with ``end_of_month``, so
    that ``--until 2025-01`` includes all of January) to a date; an :class:`InputError` otherwise."""
    import calendar

    if value is None or value == "":
        return None
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", text)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        try:
            if match.group(3):
                return date(year, month, int(match.group(3)))
            return date(year, month, calendar.monthrange(year, month)[1] if end_of_month else 1)
        except (ValueError, calendar.IllegalMonthError):
            pass
    raise InputError(f"The {option} date {value!r} is not a date of the form YYYY-MM-DD or YYYY-MM.")


def check_relation(relation: str | None) -> str | None:
    from valuechain.ecosystem.lineage import RELATION_ALIASES, RELATIONS

    if relation is None:
        return None
    canonical = RELATION_ALIASES.get(relation.strip().lower())
    if canonical is None:
        raise InputError(f"The relation {relation!r} is not one of {', '.join(RELATIONS)}.")
    return canonical


@dataclass
class DiffusionData:
    """Derivatives with their origin and Hub metadata, the lineage they come from, and provenance.

    ``undated`` counts attributed derivatives in the store without any creation date (left out of the
    monthly series); ``not_in_store`` counts attributed derivatives only named as a parent by another
    model (no record of their own, so no date either).
    """

    derivatives: pd.DataFrame
    lineage: LineageResult
    sources: list[dict[str, Any]] = field(default_factory=list)
    undated: int = 0
    not_in_store: int = 0


#: Columns of :func:`derivatives_frame`; ``source``/``fetched_at`` say which record the metadata comes
#: from, ``created_at_source`` which record gave the creation date, ``downloads_fetched_at`` and
#: ``likes_fetched_at`` when the counts were fetched.
DERIVATIVE_COLUMNS = (
    "model",
    "created_at",
    "origin",
    "origin_group",
    "countries",
    "relation",
    "pipeline_tag",
    "downloads",
    "likes",
    "n_roots",
    "root",
    "source",
    "fetched_at",
    "created_at_source",
    "downloads_fetched_at",
    "likes_fetched_at",
)


def derivatives_frame(models: pd.DataFrame, lineage: LineageResult) -> pd.DataFrame:
    """One row per dated derivative: the :data:`DERIVATIVE_COLUMNS` (``root``: the first of its roots in
    sort order; provenance columns are None when ``models`` lacks them).

    ``models`` has the Hub metadata (``id, created_at, pipeline_tag, downloads, likes`` and optionally
    ``source, fetched_at, created_at_source``); derivatives are the non-root models of ``lineage`` with
    at least one attributed root.
    """
    import pandas as pd

    from valuechain.reference.origin import origin_group

    attributed = lineage.models[(~lineage.models["is_root"]) & (lineage.models["n_roots"] > 0)]
    meta = models.rename(columns={"id": "model"})
    meta = meta.drop_duplicates("model", keep="last")
    for column in ("source", "fetched_at"):
        if column not in meta.columns:
            meta[column] = None
    defaults = {
        "created_at_source": "source",
        "downloads_fetched_at": "fetched_at",
        "likes_fetched_at": "fetched_at",
    }
    for column, default in defaults.items():
        if column not in meta.columns:
            meta[column] = meta[default]
    frame = attributed.merge(
        meta[
            ["model", "created_at", "pipeline_tag", "downloads", "likes", "source", "fetched_at", *defaults]
        ],
        on="model",
        how="inner",
    )
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True, errors="coerce").dt.tz_localize(None)
    frame = frame[frame["created_at"].notna()]
    frame["origin_group"] = frame["origin"].map(origin_group)
    frame["relation"] = frame["relation"].astype(object)
    frame["downloads"] = pd.to_numeric(frame["downloads"], errors="coerce").fillna(0).astype("int64")
    frame["likes"] = pd.to_numeric(frame["likes"], errors="coerce").fillna(0).astype("int64")
    return frame[list(DERIVATIVE_COLUMNS)].sort_values(["created_at", "model"]).reset_index(drop=True)


#: Each model's latest record; its creation date, downloads and likes from the latest record that has
#: them (a creation date never changes, and some snapshots omit fields: the DeepSeek-R1 model-card dump
#: has no creation date and no likes), each with the record it comes from.
_LATEST_MODELS_SQL = """
    WITH known AS (
        SELECT id,
            arg_max(created_at, fetched_at) FILTER (WHERE created_at IS NOT NULL) AS created_at,
            arg_max(source, fetched_at) FILTER (WHERE created_at IS NOT NULL) AS created_at_source,
            arg_max(downloads, fetched_at) FILTER (WHERE downloads IS NOT NULL) AS downloads,
            max(fetched_at) FILTER (WHERE downloads IS NOT NULL) AS downloads_fetched_at,
            arg_max(likes, fetched_at) FILTER (WHERE likes IS NOT NULL) AS likes,
            max(fetched_at) FILTER (WHERE likes IS NOT NULL) AS likes_fetched_at
        FROM hf_models GROUP BY id)
    SELECT m.id, m.author, k.created_at, k.created_at_source, m.pipeline_tag, k.downloads,
           k.downloads_fetched_at, k.likes, k.likes_fetched_at, m.sha, m.source, m.fetched_at
    FROM hf_models_latest m JOIN known k USING (id)
"""


def store_lineage(
    store: Any, *, rules: Any = None, origins: Any = None
) -> tuple[LineageResult, pd.DataFrame]:
    """The lineage of the store's models (each model's latest record and the edges of that record; equal
    commit hashes trace mirrors) and the models' metadata: the one reading of the store shared by
    ``ecosystem lineage store`` and ``ecosystem diffusion``."""
    from valuechain.ecosystem.lineage import analyse_lineage, read_edges_store

    edges = read_edges_store(store)
    models = store.query(_LATEST_MODELS_SQL)
    # The Hub's ``sha`` is the repo's commit hash: equal hashes mean an exact mirror of the repository.
    hashes = {m: h for m, h in zip(models["id"], models["sha"], strict=True) if isinstance(h, str) and h}
    lineage = analyse_lineage(edges, rules=rules, origins=origins, extra_models=models["id"], hashes=hashes)
    return lineage, models


def load_from_store(store: Any, *, rules: Any = None, origins: Any = None) -> DiffusionData:
    """Lineage and Hub metadata from the store (:func:`store_lineage`): each model's latest record and
    the lineage edges of that record; the creation date from the latest record that has one."""
    from valuechain import output

    lineage, models = store_lineage(store, rules=rules, origins=origins)
    frame = derivatives_frame(models, lineage)
    attributed = lineage.models[(~lineage.models["is_root"]) & (lineage.models["n_roots"] > 0)]
    in_store = attributed["model"].isin(models["id"])
    if len(frame) == 0:
        where = store.path or ":memory:"
        if len(attributed):
            raise InputError(
                f"The store {where} has {len(attributed)} derivative(s) but no record gives any of them a "
                "creation date; import records with created_at (a `hf sync`, or model_info dumps)."
            )
        raise InputError(
            f"The store {where} has no derivative models; load models with base_model tags via "
            "`valuechain hf sync` or `valuechain hf import` first."
        )
    fetched = models.groupby("source")["fetched_at"].max()
    sources = [
        output.source("Hugging Face model records in the store", str(src), retrieved=str(when)[:19])
        for src, when in fetched.items()
    ]
    sources.append(
        output.source(
            "valuechain organisation->country table",
            "valuechain/reference/data/org_countries.csv",
            note="seeded from ATOM (Apache-2.0) and Epoch AI (CC-BY-4.0)",
        )
    )
    return DiffusionData(
        frame, lineage, sources, undated=int(in_store.sum()) - len(frame), not_in_store=int((~in_store).sum())
    )


def monthly_series(
    derivatives: pd.DataFrame,
    *,
    con: Any = None,
    since: date | None = None,
    until: date | None = None,
    pipeline_tag: str | None = None,
    relation: str | None = None,
) -> pd.DataFrame:
    """New derivatives per month × origin group × relation (Ibis; DuckDB unless ``con`` is given)."""
    from valuechain.ecosystem.pipeline import monthly_by_origin

    return monthly_by_origin(
        derivatives, con=con, since=since, until=until, pipeline_tag=pipeline_tag, relation=relation
    )


def by_origin_wide(monthly: pd.DataFrame) -> pd.DataFrame:
    """Monthly counts with one column per origin group (all relations summed), months without
    derivatives filled with 0."""
    import pandas as pd

    if len(monthly) == 0:
        empty = pd.DataFrame({"month": pd.Series([], dtype="datetime64[ns]")})
        return empty.assign(**{group: pd.Series([], dtype="int64") for group in GROUPS})
    wide = monthly.pivot_table(
        index="month", columns="origin_group", values="derivatives", aggfunc="sum", fill_value=0
    )
    months = pd.date_range(wide.index.min(), wide.index.max(), freq="MS")
    wide = wide.reindex(months, fill_value=0)
    for group in GROUPS:
        if group not in wide.columns:
            wide[group] = 0
    wide = wide[list(GROUPS)].astype("int64")
    wide.index.name = "month"
    return wide.reset_index()


def cn_us_share(monthly: pd.DataFrame) -> pd.DataFrame:
    """Share of each month's new derivatives built on Chinese (CN incl. HK/MO) and U.S. bases.

    ``share_cn`` and ``share_us`` divide by all new derivatives of the month (``mixed``, ``other`` and
    ``unknown`` included, so the shares never add up to more than 1 and nothing is counted twice);
    ``cn_vs_us`` is CN / (CN + US).
    """
    wide = by_origin_wide(monthly)
    total = wide[list(GROUPS)].sum(axis=1)
    out = wide[["month", "CN", "US"]].copy()
    out["total"] = total
    out["share_cn"] = (wide["CN"] / total.where(total > 0)).astype(float)
    out["share_us"] = (wide["US"] / total.where(total > 0)).astype(float)
    pair = wide["CN"] + wide["US"]
    out["cn_vs_us"] = (wide["CN"] / pair.where(pair > 0)).astype(float)
    return out


def largest_families(lineage: LineageResult, top: int = 20) -> pd.DataFrame:
    """The largest families (root, origin, derivatives, counts per relation, max depth)."""
    return lineage.families.head(top).reset_index(drop=True)


def shock_lines() -> list[tuple[date, str, str]]:
    """(date, label, kind) of the shocks and confounders, in date order."""
    lines = [(date.fromisoformat(d), label, "shock") for d, label in SHOCKS.items()]
    lines += [(date.fromisoformat(d), label, "confounder") for d, label in CONFOUNDERS.items()]
    return sorted(lines)


def plot_diffusion(monthly: pd.DataFrame, path: str | Path, *, title: str = "", population: str = "") -> Path:
    """Two panels: new derivatives per month by origin group (stacked); the China and U.S. shares of
    each month's new derivatives. U.S. policy shocks (red, solid, labelled left of the line) and
    confounding releases (grey, dashed, labelled right of it), drawn by
    :func:`valuechain.reference.figures.mark_events`, are marked on both. ``population`` (what
    the derivatives are, e.g. the store's snapshots and the filters) goes into the title with the
    number of derivatives and the months covered. Written atomically in the format of the suffix
    (PNG, SVG or PDF)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    import pandas as pd
    from matplotlib.lines import Line2D
    from matplotlib.ticker import MaxNLocator

    from valuechain.output import atomic_path

    path = Path(path)
    wide = by_origin_wide(monthly)
    share = cn_us_share(monthly)
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(11, 7.5), sharex=True, gridspec_kw={"height_ratios": [3, 2]}
    )
    colors = {"CN": "#d62728", "US": "#1f77b4", "other": "#2ca02c", "mixed": "#9467bd", "unknown": "#7f7f7f"}
    names = {
        "CN": "China (incl. HK, MO)",
        "US": "United States",
        "other": "other countries",
        "mixed": "mixed (roots of several origins)",
        "unknown": "unknown origin",
    }
    bottoms = pd.Series(0, index=wide.index)
    for group in GROUPS:
        top.bar(
            wide["month"],
            wide[group],
            width=27,
            align="edge",
            bottom=bottoms,
            label=names[group],
            color=colors[group],
        )
        bottoms = bottoms + wide[group]
    top.set_ylabel("new derivatives per month")
    top.yaxis.set_major_locator(MaxNLocator(integer=True))
    top.set_ylim(0, max(1, int(bottoms.max())) * 1.5)  # head room for the event labels
    mid_month = share["month"] + pd.Timedelta(days=14)  # points in the middle of their month's bar
    bottom.plot(mid_month, share["share_cn"], color=colors["CN"], marker="o", ms=3, label="China share")
    bottom.plot(mid_month, share["share_us"], color=colors["US"], marker="o", ms=3, label="U.S. share")
    bottom.set_ylabel("share of the month's\nnew derivatives")
    bottom.set_ylim(0, 1.05)
    bottom.set_xlabel("month the derivative was created on the Hub")
    bottom.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=4, maxticks=12))
    bottom.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    styles = {"shock": SHOCK_STYLE, "confounder": CONFOUNDER_STYLE}
    if len(wide):
        lo, hi = wide["month"].min() - pd.Timedelta(days=31), wide["month"].max() + pd.Timedelta(days=62)
        mark_events((top, bottom), within=(lo, hi))  # the lines; the labels are placed here, below
        for when, label, kind in shock_lines():
            stamp = pd.Timestamp(when)
            if not (lo <= stamp <= hi):
                continue
            # shocks to the left of their line, confounders to the right: close pairs stay apart
            text = label.replace(f"({when:%Y-%m})", f"({when:%Y-%m-%d})")
            text = text if f"{when:%Y-%m-%d}" in text else f"{text} ({when:%Y-%m-%d})"
            top.annotate(
                text,
                (stamp, 0.98),
                xycoords=("data", "axes fraction"),
                rotation=90,
                fontsize=7.5,
                va="top",
                ha="right" if kind == "shock" else "left",
                color=styles[kind]["color"],
                xytext=(-2 if kind == "shock" else 2, 0),
                textcoords="offset points",
                bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.85},
            )
    top.legend(
        loc="upper left",
        bbox_to_anchor=(1.01, 1),
        fontsize=8,
        title="origin of the root base model",
        title_fontsize=8,
        frameon=False,
    )
    markers = [
        Line2D([], [], **SHOCK_STYLE, label="U.S. policy shock"),
        Line2D([], [], **CONFOUNDER_STYLE, label="confounding release"),
    ]
    handles, _ = bottom.get_legend_handles_labels()
    bottom.legend(
        handles=handles + markers, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False
    )
    total = int(wide[list(GROUPS)].to_numpy().sum()) if len(wide) else 0
    span = f"{wide['month'].min():%Y-%m} to {wide['month'].max():%Y-%m}" if len(wide) else "no months"
    heading = title or "New Hugging Face derivatives per month by origin of their root base model"
    subtitle = f"{total:,} derivatives (each counted once), {span}" + (
        f"; {population}" if population else ""
    )
    fig.suptitle(f"{heading}\n{subtitle}", fontsize=11)
    fig.tight_layout()
    fmt = path.suffix.lower().lstrip(".") or "png"
    if fmt not in ("png", "svg", "pdf"):
        raise InputError(f"The plot file {path} must end in .png, .svg or .pdf.")
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=110, format=fmt, bbox_inches="tight")
    plt.close(fig)
    return path
