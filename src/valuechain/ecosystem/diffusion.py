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

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from valuechain.ecosystem.lineage import LineageResult

#: U.S. policy shocks (spec §1; 2024-04-04 and 2024-12-02 both support the paper's "2024 revision").
SHOCKS: tuple[tuple[str, str], ...] = (
    ("2022-08-09", "CHIPS and Science Act"),
    ("2022-10-07", "BIS advanced-computing export controls"),
    ("2023-10-17", "BIS rule update"),
    ("2024-04-04", "BIS rule revision (2024-04)"),
    ("2024-12-02", "BIS rule revision (2024-12)"),
    ("2025-01-13", "AI diffusion framework"),
)
#: Releases that confound any before/after comparison (shown on every timeline).
CONFOUNDERS: tuple[tuple[str, str], ...] = (
    ("2022-11-30", "ChatGPT"),
    ("2023-02-24", "LLaMA"),
    ("2023-07-18", "Llama 2"),
    ("2025-01-20", "DeepSeek-R1"),
)
GROUPS = ("CN", "US", "other", "mixed", "unknown")


def parse_date(value: str | None, option: str) -> date | None:
    """``YYYY-MM-DD`` or ``YYYY-MM`` (first of the month) to a date; an :class:`InputError` otherwise."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", text)
    if match:
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3) or 1))
        except ValueError:
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
    """Derivatives with their origin and Hub metadata, the lineage they come from, and provenance."""

    derivatives: pd.DataFrame
    lineage: LineageResult
    sources: list[dict[str, Any]] = field(default_factory=list)


def derivatives_frame(models: pd.DataFrame, lineage: LineageResult) -> pd.DataFrame:
    """One row per derivative: ``model, created_at, origin, origin_group, countries, relation,
    pipeline_tag, downloads, likes, n_roots, root`` (``root``: the first of its roots in sort order).

    ``models`` has the Hub metadata (``id, created_at, pipeline_tag, downloads, likes``); derivatives
    are the non-root models of ``lineage`` with at least one attributed root.
    """
    import pandas as pd

    from valuechain.ecosystem.origin import origin_group

    attributed = lineage.models[(~lineage.models["is_root"]) & (lineage.models["n_roots"] > 0)]
    meta = models.rename(columns={"id": "model"})
    meta = meta.drop_duplicates("model", keep="last")
    frame = attributed.merge(meta[["model", "created_at", "pipeline_tag", "downloads", "likes"]],
                             on="model", how="inner")
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True, errors="coerce").dt.tz_localize(None)
    frame = frame[frame["created_at"].notna()]
    frame["origin_group"] = frame["origin"].map(origin_group)
    frame["relation"] = frame["relation"].astype(object)
    frame["downloads"] = pd.to_numeric(frame["downloads"], errors="coerce").fillna(0).astype("int64")
    frame["likes"] = pd.to_numeric(frame["likes"], errors="coerce").fillna(0).astype("int64")
    columns = ["model", "created_at", "origin", "origin_group", "countries", "relation", "pipeline_tag",
               "downloads", "likes", "n_roots", "root"]
    return frame[columns].sort_values(["created_at", "model"]).reset_index(drop=True)


def load_from_store(store: Any, *, rules: Any = None) -> DiffusionData:
    """Lineage and Hub metadata from the store (``hf_models_latest``, ``hf_lineage``)."""
    from valuechain import output
    from valuechain.ecosystem.lineage import analyse_lineage, read_edges_store

    edges = read_edges_store(store)
    models = store.query(
        "SELECT id, author, created_at, pipeline_tag, downloads, likes, sha, source, fetched_at "
        "FROM hf_models_latest"
    )
    # The Hub's ``sha`` is the repo's commit hash: equal hashes mean an exact mirror of the repository.
    hashes = {m: h for m, h in zip(models["id"], models["sha"], strict=True) if isinstance(h, str) and h}
    lineage = analyse_lineage(edges, rules=rules, extra_models=models["id"], hashes=hashes)
    frame = derivatives_frame(models, lineage)
    if len(frame) == 0:
        raise InputError(
            f"The store {store.path or ':memory:'} has no derivative with a creation date; load models "
            "with `valuechain hf sync` or `valuechain hf import` first."
        )
    fetched = models.groupby("source")["fetched_at"].max()
    sources = [output.source("Hugging Face model records in the store", str(src), retrieved=str(when)[:19])
               for src, when in fetched.items()]
    sources.append(output.source("valuechain organisation->country table",
                                 "valuechain/ecosystem/data/org_countries.csv",
                                 note="seeded from ATOM (Apache-2.0) and Epoch AI (CC-BY-4.0)"))
    return DiffusionData(frame, lineage, sources)


def monthly_series(derivatives: pd.DataFrame, *, con: Any = None, since: date | None = None,
                   until: date | None = None, pipeline_tag: str | None = None,
                   relation: str | None = None) -> pd.DataFrame:
    """New derivatives per month × origin group × relation (Ibis; DuckDB unless ``con`` is given)."""
    from valuechain.ecosystem.pipeline import monthly_by_origin

    return monthly_by_origin(derivatives, con=con, since=since, until=until, pipeline_tag=pipeline_tag,
                             relation=relation)


def by_origin_wide(monthly: pd.DataFrame) -> pd.DataFrame:
    """Monthly counts with one column per origin group (all relations summed), months without
    derivatives filled with 0."""
    import pandas as pd

    if len(monthly) == 0:
        empty = pd.DataFrame({"month": pd.Series([], dtype="datetime64[ns]")})
        return empty.assign(**{group: pd.Series([], dtype="int64") for group in GROUPS})
    wide = monthly.pivot_table(index="month", columns="origin_group", values="derivatives", aggfunc="sum",
                               fill_value=0)
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
    lines = [(date.fromisoformat(d), label, "shock") for d, label in SHOCKS]
    lines += [(date.fromisoformat(d), label, "confounder") for d, label in CONFOUNDERS]
    return sorted(lines)


def plot_diffusion(monthly: pd.DataFrame, path: str | Path, *, title: str = "") -> Path:
    """Two panels: new derivatives per month by origin group; China vs U.S. share, with the shock
    dates (red) and confounding releases (grey) marked. Written atomically as PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    from valuechain.output import atomic_path

    wide = by_origin_wide(monthly)
    share = cn_us_share(monthly)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 7), sharex=True)
    colors = {"CN": "#d62728", "US": "#1f77b4", "other": "#2ca02c", "mixed": "#9467bd", "unknown": "#7f7f7f"}
    bottoms = pd.Series(0, index=wide.index)
    for group in GROUPS:
        top.bar(wide["month"], wide[group], width=27, align="edge", bottom=bottoms, label=group,
                color=colors[group])
        bottoms = bottoms + wide[group]
    top.set_ylabel("new derivatives per month")
    top.legend(loc="center left", fontsize=8, ncol=1)
    mid_month = share["month"] + pd.Timedelta(days=14)  # points in the middle of their month's bar
    bottom.plot(mid_month, share["share_cn"], color=colors["CN"], marker="o", ms=3, label="China")
    bottom.plot(mid_month, share["share_us"], color=colors["US"], marker="o", ms=3, label="U.S.")
    bottom.set_ylabel("share of new derivatives")
    bottom.set_ylim(0, 1)
    bottom.legend(loc="center left", fontsize=8)
    if len(wide):
        lo, hi = wide["month"].min() - pd.Timedelta(days=31), wide["month"].max() + pd.Timedelta(days=62)
        for when, label, kind in shock_lines():
            stamp = pd.Timestamp(when)
            if not (lo <= stamp <= hi):
                continue
            style = {"color": "#b00", "ls": "--"} if kind == "shock" else {"color": "#888", "ls": ":"}
            for axis in (top, bottom):
                axis.axvline(stamp, lw=1, **style)
            top.annotate(label, (stamp, 1), xycoords=("data", "axes fraction"), rotation=90, fontsize=6,
                         va="top", ha="right", color=style["color"])
    fig.suptitle(title or "Derivatives of open models by origin of the root base model")
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=110, format="png")
    plt.close(fig)
    return Path(path)


def models_from_modelinfo_csv(path: str | Path) -> pd.DataFrame:
    """Hub metadata and lineage from the DeepSeek-R1 tree snapshot's ModelInfo CSV (``model_id,
    metadata``), for when the store is not used: columns ``id, created_at, pipeline_tag, downloads,
    likes, tags``. The edges come from the ``base_model:<relation>:<id>`` tags."""
    import json

    import pandas as pd

    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError):
        raise InputError(f"The ModelInfo file {path} is not a readable CSV.") from None
    if not {"model_id", "metadata"} <= set(raw.columns):
        raise InputError(f"The ModelInfo file {path} needs the columns model_id and metadata.")
    rows = []
    for line_no, (model_id, text) in enumerate(zip(raw["model_id"], raw["metadata"], strict=True), start=2):
        try:
            meta = json.loads(text) if text else {}
        except ValueError:
            raise InputError(f"The ModelInfo file {path} row {line_no} has metadata that is not JSON.") from None
        rows.append({
            "id": meta.get("id") or meta.get("modelId") or model_id,
            "created_at": meta.get("created_at") or meta.get("createdAt"),
            "pipeline_tag": meta.get("pipeline_tag"),
            "downloads": meta.get("downloads"),
            "likes": meta.get("likes"),
            "tags": meta.get("tags") or [],
        })
    return pd.DataFrame(rows)


def edges_from_tags(models: pd.DataFrame) -> pd.DataFrame:
    """``parent, child, relation`` from each model's ``base_model:<relation>:<id>`` tags."""
    import pandas as pd

    from valuechain.ecosystem.lineage import RELATION_ALIASES

    pattern = re.compile(r"^base_model:(finetune|adapter|quantized|merge):(.+)$")
    rows = []
    for model_id, tags in zip(models["id"], models["tags"], strict=True):
        for tag in tags or ():
            match = pattern.match(str(tag))
            if match and match.group(2) != model_id:
                rows.append((match.group(2), model_id, RELATION_ALIASES[match.group(1)]))
    return pd.DataFrame(rows, columns=["parent", "child", "relation"]).drop_duplicates()
