"""``valuechain ecosystem lineage`` and ``valuechain ecosystem diffusion``.

Owns its Typer app; :mod:`valuechain.ecosystem.cli` adds it to the ``ecosystem`` group.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from valuechain import clitools, output
from valuechain.errors import InputError

FIGURE_SUFFIXES = (".png", ".svg", ".pdf")

app = typer.Typer()


def _edge_sources(target: str, store_path: Path | None) -> list[dict]:
    """The store (``store_path``; None for an edge file) or the edge file (retrieved: the date in its
    name, as the snapshots are named, else its modification time)."""
    import re
    from datetime import UTC, datetime

    from valuechain import config

    if store_path is not None or target == "store":
        return [
            output.source(
                "valuechain store (hf_lineage, each model's latest fetch)",
                str(Path(store_path).resolve() if store_path else config.default_db_path()),
            )
        ]
    path = Path(target)
    named = re.search(r"(\d{4}-\d{2}(?:-\d{2})?)", path.name)
    if named:
        return [output.source("lineage edge file", str(path.resolve()), retrieved=named.group(1))]
    when = datetime.fromtimestamp(path.stat().st_mtime, UTC).date().isoformat()
    return [
        output.source("lineage edge file", str(path.resolve()), retrieved=when, note="file modification date")
    ]


@app.command("lineage")
def lineage(
    edges_or_store: str = typer.Argument(
        ...,
        metavar="EDGES_OR_STORE",
        help="A CSV of lineage edges (source,target,edge or parent,child,relation), a DuckDB store file, "
        "or the word 'store' for the default store (or --db).",
    ),
    top: int = typer.Option(
        None,
        "--top",
        min=1,
        help="How many families to print, largest first (default: 20 in the table, all with --json).",
    ),
    rules: Path = typer.Option(
        None,
        "--rules",
        help="A YAML file of extra re-packager rules (same keys as the packaged repackagers.yml).",
    ),
    orgs: Path = typer.Option(
        None,
        "--orgs",
        help="A CSV overriding organisation countries (columns hf_org,country,source,verified).",
    ),
    unresolved_out: Path = typer.Option(
        None, "--unresolved", help="Write the re-packager decisions (resolved and unresolved) to this CSV."
    ),
    db: Path = clitools.DB_OPTION,
    json_out: bool = clitools.JSON_OPTION,
) -> None:
    """Resolve every model to its root base model(s) and print the largest families with their origin.

    Re-packagers (TheBloke, unsloth, mradermacher, …) are traced to the original before counting;
    those that cannot be traced are reported and never counted as origins.
    """
    from valuechain.ecosystem.lineage import analyse_lineage, is_store_path, read_edges_csv
    from valuechain.ecosystem.repackagers import load_rules
    from valuechain.output import check_destination, write_output
    from valuechain.reference.origin import load_org_countries

    if unresolved_out is not None:
        check_destination(unresolved_out, "--unresolved CSV file", (".csv",))
    rule_set = load_rules(rules)
    origins = load_org_countries(orgs)
    store_path = None
    if is_store_path(edges_or_store):
        store_path = db if edges_or_store == "store" else Path(edges_or_store)
        if store_path is not None and not Path(store_path).exists():
            raise InputError(
                f"The store {store_path} does not exist; run `valuechain hf sync` or `hf import` first."
            )
        from valuechain.ecosystem.diffusion import store_lineage

        store = clitools.open_store(store_path, read_only=True)
        try:
            result, _ = store_lineage(store, rules=rule_set, origins=origins)
        finally:
            store.close()
    else:
        result = analyse_lineage(read_edges_csv(edges_or_store), rules=rule_set, origins=origins)
    if unresolved_out is not None:
        write_output(
            unresolved_out, lambda tmp: result.repackagers.to_csv(tmp, index=False), "--unresolved CSV file"
        )
    sources = _edge_sources(edges_or_store, store_path if is_store_path(edges_or_store) else None)
    unresolved = result.unresolved
    if len(unresolved):
        names = ", ".join(unresolved["repo"].head(5))
        more = f" and {len(unresolved) - 5} more" if len(unresolved) > 5 else ""
        clitools.console(stderr=True).print(
            f"note: {len(unresolved)} re-packager repo(s) could not be traced to an original ({names}{more}); "
            f"their {result.stats['unattributed_models']} exclusive derivative(s) are not attributed.",
            highlight=False,
        )
    if json_out:
        unresolved_rows = unresolved.to_dict(orient="records") if len(unresolved) else []
        clitools.print_json(
            {
                "families": result.to_list(top),
                "stats": result.stats,
                "unresolved_repackagers": unresolved_rows,
            },
            sources,
        )
        return
    _print_families(result, top or 20, sources, origins.source, rule_set.source)


def _print_families(result, top: int, sources: list[dict], origins_source: str, rules_source: str) -> None:
    from rich import box
    from rich.table import Table

    from valuechain.ecosystem.lineage import RELATIONS

    view = Table(
        title=f"Largest model families ({result.stats['roots']:,} roots, {result.stats['models']:,} models)",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    # Short headers and no vertical rules keep all nine columns on an 80-column terminal.
    headers = {"finetune": "tune", "adapter": "adapt", "quantized": "quant", "merge": "merge"}
    view.add_column("root", overflow="fold", min_width=20)
    view.add_column("origin")
    view.add_column("deriv.", justify="right")
    for relation in RELATIONS:
        view.add_column(headers[relation], justify="right")
    view.add_column("depth", justify="right")
    for row in result.to_list(top):
        view.add_row(
            row["root"],
            row["origin_country"],
            f"{row['derivatives']:,}",
            *[f"{row['by_relation'][r]:,}" for r in RELATIONS],
            str(row["max_depth"]),
        )
    console = clitools.console()
    console.print(view)
    console.print(
        "deriv.: distinct descendants, each counted once under the relation to its nearest parent "
        "in the family (tune, adapt, quant, merge); depth: the farthest member's distance from the root",
        highlight=False,
    )
    stats = result.stats
    console.print(
        f"re-packagers resolved: {stats['repackagers_resolved']}, unresolved: {stats['repackagers_unresolved']}; "
        f"self-references dropped: {stats['self_loops_dropped']}; models in cycles: {stats['models_in_cycles']}",
        highlight=False,
    )
    for cycle in stats.get("cycles", []):
        more = (
            f" and {cycle['size'] - len(cycle['models'])} more"
            if cycle["size"] > len(cycle["models"])
            else ""
        )
        rooted = f"rooted at {cycle['root']}" if cycle["root"] else "part of the family that points into it"
        console.print(
            f"cycle of {cycle['size']} models ({', '.join(cycle['models'])}{more}): {rooted}", highlight=False
        )
    if stats.get("cycles"):
        console.print(f"rule: {stats['cycle_rule']}", highlight=False)
    for src in sources:
        console.print(f"source: {src['location']} ({src.get('retrieved', 'date unknown')})", highlight=False)
    console.print(f"origins: {origins_source}; re-packager rules: {rules_source}", highlight=False)


@app.command("diffusion")
def diffusion(
    since: str = typer.Option(
        None, "--since", help="Only derivatives created on or after this date (YYYY-MM-DD or YYYY-MM)."
    ),
    until: str = typer.Option(
        None,
        "--until",
        help="Only derivatives created on or before this date (YYYY-MM-DD, or YYYY-MM for the whole month).",
    ),
    pipeline_tag: str = typer.Option(
        None, "--pipeline-tag", help="Only derivatives with this pipeline tag, e.g. text-generation."
    ),
    relation: str = typer.Option(
        None, "--relation", help="Only derivatives of this relation: finetune, adapter, quantized or merge."
    ),
    plot: Path = typer.Option(
        None,
        "--plot",
        help="Write the figure (monthly counts and China/U.S. shares, shocks marked) to this PNG/SVG/PDF file.",
    ),
    rows_out: Path = typer.Option(
        None,
        "--rows",
        help="Write the derivatives counted (after the filters) to this CSV, each with its origin, root and provenance (source and fetch time of its record, its creation date and its counts).",
    ),
    rules: Path = typer.Option(None, "--rules", help="A YAML file of extra re-packager rules."),
    spark_master: str = typer.Option(
        None,
        "--spark-master",
        help="Run the aggregation on Spark with this master URL (e.g. local[2], spark://host:7077) instead of DuckDB; needs valuechain[spark].",
    ),
    db: Path = clitools.DB_OPTION,
    json_out: bool = clitools.JSON_OPTION,
) -> None:
    """New derivatives per month by origin of their root base model, from the store (timing: created_at).

    Each derivative is counted once (a merge of bases from different countries is 'mixed').
    """
    from datetime import date

    from valuechain.ecosystem import diffusion as diff
    from valuechain.ecosystem.repackagers import load_rules
    from valuechain.output import source
    from valuechain.reference.events import CONFOUNDERS, SHOCKS

    since_date = diff.parse_date(since, "--since")
    until_date = diff.parse_date(until, "--until", end_of_month=True)
    if since_date and until_date and since_date > until_date:
        raise InputError(f"The --since date {since} is after the --until date {until}.")
    relation_name = diff.check_relation(relation)
    if plot is not None:
        _check_plot_path(plot)
    if rows_out is not None:
        output.check_destination(rows_out, "--rows file", (".csv",))
    if db is not None and not Path(db).exists():
        raise InputError(f"The store {db} does not exist; run `valuechain hf sync` or `hf import` first.")
    rule_set = load_rules(rules)
    store = clitools.open_store(db, read_only=True)
    try:
        data = diff.load_from_store(store, rules=rule_set)
    finally:
        store.close()
    from valuechain.ecosystem.pipeline import as_table, origin_totals, spark_backend

    con = spark_backend(spark_master) if spark_master else None
    table = as_table(data.derivatives)
    filters: dict[str, date | str | None] = {
        "since": since_date,
        "until": until_date,
        "pipeline_tag": pipeline_tag,
        "relation": relation_name,
    }
    monthly = diff.monthly_series(
        table, con=con, since=since_date, until=until_date, pipeline_tag=pipeline_tag, relation=relation_name
    )
    share = diff.cn_us_share(monthly)
    totals = origin_totals(table, con=con, **filters)
    if rows_out is not None:
        from valuechain.ecosystem.pipeline import rows

        selected = rows(data.derivatives, **filters)
        output.write_output(rows_out, lambda tmp: selected.to_csv(tmp, index=False), "--rows file")
    if plot is not None:
        if len(monthly) == 0:
            raise InputError("No derivative matches the filters, so there is nothing to plot.")
        try:
            diff.plot_diffusion(monthly, plot, population=_population(data, filters))
        except OSError as exc:
            raise InputError(f"The plot file {plot} cannot be written ({exc.strerror or exc}).") from None
    sources = data.sources + [source("shock and confounder dates", "specs/ecosystem-measurement.md §1")]
    warnings = _diffusion_warnings(data)
    if json_out:
        clitools.print_json(
            {
                "filters": {k: (v.isoformat() if isinstance(v, date) else v) for k, v in filters.items()},
                "derivatives": int(monthly["derivatives"].sum()) if len(monthly) else 0,
                "unattributed_models": data.lineage.stats["unattributed_models"],
                "undated_derivatives": data.undated,
                "derivatives_without_a_record": data.not_in_store,
                "monthly": _records(monthly),
                "share": _records(share),
                "by_origin": _records(totals),
                "shocks": [{"date": d, "label": label} for d, label in SHOCKS.items()],
                "confounders": [{"date": d, "label": label} for d, label in CONFOUNDERS.items()],
                "plot": str(plot) if plot else None,
                "rows": str(rows_out) if rows_out else None,
                "engine": f"spark ({spark_master})" if spark_master else "duckdb",
                "warnings": warnings,
            },
            sources,
        )
        return
    _print_diffusion(diff.by_origin_wide(monthly), share, totals, sources, plot)
    for warning in warnings:
        clitools.console(stderr=True).print(f"note: {warning}", highlight=False)
    if data.undated or data.not_in_store:
        clitools.console(stderr=True).print(
            f"note: {data.undated} derivative(s) in the store have no creation date in any snapshot and "
            f"{data.not_in_store} are only named as a parent (no record of their own); neither is in the "
            "monthly series.",
            highlight=False,
        )


#: Above this share of all derivatives in one family, the series describes that family's tree, not the Hub.
ONE_FAMILY_SHARE = 0.8


def _diffusion_warnings(data: Any) -> list[str]:
    """What the reader must know about the store behind the series: one family's tree; mixed snapshot dates."""
    warnings = []
    families = data.lineage.families
    total = int(families["derivatives"].sum()) if len(families) else 0
    if total:
        top = families.sort_values("derivatives", ascending=False).iloc[0]
        share = int(top["derivatives"]) / total
        if share >= ONE_FAMILY_SHARE:
            warnings.append(
                f"{share:.0%} of the store's derivatives belong to one family ({top['root']}): the "
                "series and the China/U.S. shares describe that family's tree, not the Hub."
            )
    dates = sorted(
        {
            str(s.get("retrieved", ""))[:10]
            for s in data.sources
            if str(s.get("name", "")).startswith("Hugging Face model records") and s.get("retrieved")
        }
    )
    if len(dates) > 1:
        warnings.append(
            f"the store mixes snapshots fetched on {', '.join(dates)}; each model's latest record is "
            "used, so counts and dates come from different days."
        )
    return warnings


def _check_plot_path(plot: Path) -> None:
    """Refuse a figure path that cannot be written, before any work (see :func:`output.check_destination`)."""
    output.check_destination(plot, "plot file", tuple(FIGURE_SUFFIXES))


def _population(data, filters: dict) -> str:
    """What the figure covers: the store's snapshots and the filters."""
    fetched = sorted(
        {
            str(s.get("retrieved", ""))[:10]
            for s in data.sources
            if s["name"].startswith("Hugging Face model records")
        }
    )
    applied = ", ".join(
        f"{k.replace('_', ' ')} {v:%Y-%m-%d}" if hasattr(v, "strftime") else f"{k.replace('_', ' ')} {v}"
        for k, v in filters.items()
        if v is not None
    )
    where = (
        f"Hub records in the store fetched {', '.join(fetched)}" if fetched else "Hub records in the store"
    )
    missing = data.undated + data.not_in_store
    return (
        where
        + (f"; filters: {applied}" if applied else "; no filters")
        + (f"; {missing} derivatives without a creation date not shown" if missing else "")
    )


def _records(frame) -> list[dict]:
    import pandas as pd

    out = frame.copy()
    if "month" in out.columns:
        out["month"] = pd.to_datetime(out["month"]).dt.strftime("%Y-%m")
    return out.to_dict(orient="records")


def _print_diffusion(wide, share, totals, sources: list[dict], plot: Path | None) -> None:
    from rich.table import Table

    view = Table(title="New derivatives per month by origin of the root base model")
    view.add_column("month")
    for column in ("CN", "US", "other", "mixed", "unknown"):
        view.add_column(column, justify="right")
    view.add_column("China share", justify="right")
    view.add_column("U.S. share", justify="right")
    for row, (_, sh) in zip(wide.itertuples(index=False), share.iterrows(), strict=True):
        fmt = lambda v: "" if v != v else f"{v:.0%}"  # noqa: E731
        view.add_row(
            row.month.strftime("%Y-%m"),
            *(f"{getattr(row, c):,}" for c in ("CN", "US", "other", "mixed", "unknown")),
            fmt(sh["share_cn"]),
            fmt(sh["share_us"]),
        )
    console = clitools.console()
    console.print(view)
    by_origin = Table(title="Derivatives, downloads and likes by origin")
    for column in ("origin", "derivatives", "downloads", "likes"):
        by_origin.add_column(column, justify="left" if column == "origin" else "right")
    for row in totals.itertuples(index=False):
        by_origin.add_row(row.origin, f"{row.derivatives:,}", f"{row.downloads:,}", f"{row.likes:,}")
    console.print(by_origin)
    if plot is not None:
        console.print(f"figure written to {plot}", highlight=False)
    for src in sources:
        console.print(f"source: {src['location']} ({src.get('retrieved', 'date unknown')})", highlight=False)
