"""``valuechain hf sync | import | model | status``: fetch or load Hugging Face model metadata into the store.

This module owns the ``hf`` group's Typer app; :mod:`valuechain.cli` adds it as ``valuechain hf``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer

from valuechain import clitools
from valuechain.errors import InputError

app = typer.Typer(help="Hugging Face connector: sync and import model metadata.", no_args_is_help=True)


@app.command("sync")
def sync(
    author: str = typer.Option(None, "--author", help="Only models of this user or organisation."),
    pipeline_tag: str = typer.Option(
        None, "--pipeline-tag", help="Only models with this pipeline tag, e.g. text-generation."
    ),
    filter: str = typer.Option(
        None, "--filter", help="Only models with this tag (library, language, licence, base_model:…)."
    ),
    limit: int = typer.Option(None, "--limit", help="Stop after this many models."),
    restart: bool = typer.Option(
        False, "--restart", help="Discard an unfinished checkpoint of the same query and start over."
    ),
    endpoint: str = typer.Option(
        None, "--endpoint", help="Hub endpoint (default: $HF_ENDPOINT or https://huggingface.co)."
    ),
    db: Path = clitools.DB_OPTION,
    json_out: bool = clitools.JSON_OPTION,
) -> None:
    """Fetch model metadata from the Hugging Face Hub into the store (resumes a killed run; uses $HF_TOKEN)."""  # noqa: E501 (one line: Typer lists commands by this line)
    from valuechain import output
    from valuechain.sources.huggingface import ModelQuery, default_endpoint, sync_models

    query = ModelQuery(
        author=author,
        pipeline_tag=pipeline_tag,
        filter=filter,
        limit=limit,
        endpoint=(endpoint or default_endpoint()).rstrip("/"),
    )
    from valuechain.config import default_db_path
    from valuechain.sources.http import OfflineError

    store_path = Path(db) if db is not None else default_db_path()
    created = not store_path.exists()
    store = clitools.open_store(db)
    try:
        with clitools.progress() as bar:
            task = bar.add_task("Hugging Face models", total=limit)

            def on_page(pages: int, models: int, total: int | None) -> None:
                bar.update(task, completed=models, description=f"Hugging Face models (page {pages})")

            result = sync_models(store, query, restart=restart, on_page=on_page)
    except OfflineError:
        store.close()
        if created:  # no network: leave no store file that was not there before
            for leftover in (store_path, store_path.with_name(store_path.name + ".wal")):
                leftover.unlink(missing_ok=True)
        raise
    finally:
        store.close()
    payload = result.to_dict()
    sources = [
        output.source(
            "Hugging Face Hub model listing",
            f"{query.endpoint}/api/models",
            retrieved=result.fetched_at.isoformat() if result.fetched_at else None,
        )
    ]
    if json_out:
        clitools.print_json(payload, sources)
        return
    _print_counts(
        "hf sync",
        {
            "models written": result.models,
            "lineage edges": result.edges,
            "pages": result.pages,
            "resumed after pages": result.resumed_after_pages if result.resumed else 0,
            "HTTP retries": result.retries,
        },
        sources,
    )


@app.command("import")
def import_(
    file: Path = typer.Argument(
        ..., help="JSON lines of model_info records, or a ModelInfo CSV (model_id, metadata)."
    ),
    fetched_at: str = typer.Option(
        None,
        "--fetched-at",
        help="When the records were fetched (YYYY-MM-DD); default: the date in the file name, else its "
        "modification time.",
    ),
    db: Path = clitools.DB_OPTION,
    json_out: bool = clitools.JSON_OPTION,
) -> None:
    """Load saved Hugging Face model records into the store exactly as a sync would."""
    from valuechain import output
    from valuechain.ecosystem.hf_import import import_file, open_records

    when = None
    if fetched_at:
        try:
            when = datetime.fromisoformat(fetched_at)
        except ValueError:
            raise InputError(f"--fetched-at {fetched_at!r} is not a date like 2025-04-10.") from None
        if when.tzinfo is not None:  # the store keeps naive UTC
            when = when.astimezone(UTC).replace(tzinfo=None)
    open_records(file)  # check the layout before creating or opening the store
    store = clitools.open_store(db)
    try:
        with clitools.progress() as bar:
            task = bar.add_task("Importing model records", total=None)
            result = import_file(
                store, file, fetched_at=when, on_progress=lambda done: bar.update(task, completed=done)
            )
    finally:
        store.close()
    sources = [
        output.source(
            "Saved Hugging Face model records",
            str(file.resolve()),
            retrieved=result.fetched_at.isoformat(),
            layout=result.layout,
        )
    ]
    if json_out:
        clitools.print_json(result.to_dict(), sources)
        return
    _print_counts(
        "hf import",
        {
            "layout": result.layout,
            "models written": result.models,
            "lineage edges": result.edges,
            "duplicates skipped": result.duplicates_skipped,
            "replaced (same file imported before)": result.replaced,
            "fetched at": result.fetched_at.isoformat(),
        },
        sources,
    )


@app.command("model")
def model(
    repo_id: str = typer.Argument(..., help="A Hub model id, e.g. deepseek-ai/DeepSeek-R1."),
    endpoint: str = typer.Option(
        None, "--endpoint", help="Hub endpoint (default: $HF_ENDPOINT or https://huggingface.co)."
    ),
    db: Path = clitools.DB_OPTION,
    json_out: bool = clitools.JSON_OPTION,
) -> None:
    """Fetch one model's metadata (model_info) into the store and show it with its parents."""
    from valuechain import output
    from valuechain.sources.huggingface import fetch_model

    store = clitools.open_store(db)
    try:
        row = fetch_model(store, repo_id, endpoint=endpoint)
    finally:
        store.close()
    sources = [
        output.source("Hugging Face Hub model_info", row["source"], retrieved=row["fetched_at"].isoformat())
    ]
    if json_out:
        clitools.print_json({k: v for k, v in row.items() if k != "source"}, sources)
        return
    parents = (
        ", ".join(f"{p['parent']} ({p['relation']}, from {p['origin']})" for p in row["parents"]) or "none"
    )
    _print_counts(
        row["id"],
        {
            "author": row["author"],
            "created": row["created_at"],
            "downloads": row["downloads"],
            "likes": row["likes"],
            "pipeline tag": row["pipeline_tag"],
            "gated": row["gated"],
            "parents": parents,
        },
        sources,
    )


@app.command("status")
def status(
    db: Path = clitools.DB_OPTION,
    json_out: bool = clitools.JSON_OPTION,
) -> None:
    """Show the Hugging Face snapshots in the store (models and edges per fetch) and unfinished syncs."""
    import pandas as pd

    from valuechain.sources.hf_tables import snapshots

    store = clitools.open_store(db, read_only=True)  # a status never creates or changes a store
    try:
        if store.has_table("hf_models"):
            table, syncs = snapshots(store)
        else:  # an empty store has zero snapshots (not an error), but may hold an unfinished sync
            table = pd.DataFrame(columns=["fetched_at", "first_source", "sources", "models", "lineage_edges"])
            syncs = (
                store.query(
                    "SELECT query, pages, models, started_at, updated_at, done FROM hf_sync_state "
                    "ORDER BY updated_at"
                )
                if store.has_table("hf_sync_state")
                else pd.DataFrame(columns=["query", "pages", "models", "started_at", "updated_at", "done"])
            )
    finally:
        store.close()
    sources = [{"name": "valuechain store", "location": str(db or "default store")}]
    if json_out:
        clitools.print_json(
            {"snapshots": table.to_dict(orient="records"), "syncs": syncs.to_dict(orient="records")}, sources
        )
        return
    from rich.table import Table

    view = Table(title=f"Hugging Face snapshots in the store ({len(table)})")
    for column in table.columns:
        view.add_column(str(column))
    for row in table.itertuples(index=False):
        view.add_row(*(str(v) for v in row))
    clitools.console().print(view)
    unfinished = syncs[~syncs["done"].astype(bool)] if len(syncs) else syncs
    if len(unfinished):
        clitools.console().print(
            f"{len(unfinished)} unfinished sync(s); run the same `hf sync` to resume "
            "(or add --restart to start over)."
        )


def _print_counts(title: str, counts: dict[str, object], sources: list[dict]) -> None:
    from rich.table import Table

    view = Table(title=title)
    view.add_column("what")
    view.add_column("value", justify="right")
    for key, value in counts.items():
        view.add_row(key, str(value))
    console = clitools.console()
    console.print(view)
    for src in sources:
        console.print(f"source: {src['location']} ({src.get('retrieved', 'date unknown')})")
