"""Helpers shared by the domain CLIs: JSON printing, ``--db`` handling, a Rich console, progress."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from valuechain.errors import InputError

JSON_OPTION = typer.Option(False, "--json", help="Print machine-readable JSON instead of a table.")
DB_OPTION = typer.Option(None, "--db", help="DuckDB store file (default: $VALUECHAIN_HOME/valuechain.duckdb).")


def console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr)


def print_json(payload: Any, sources: list[dict[str, Any]] | None = None) -> None:
    """Print ``payload`` as JSON; objects get ``schema_version`` and ``sources`` added."""
    from valuechain.output import dumps, envelope

    if isinstance(payload, dict):
        payload = envelope(payload, sources)
    typer.echo(dumps(payload))


def progress() -> Any:
    """A Rich progress bar on stderr (so that ``--json`` on stdout stays clean), shown on terminals only."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    err = console(stderr=True)
    # Only on a terminal: piped or captured stderr gets no bar (and no stray blank line before an error).
    return Progress(
        TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=err, transient=True, disable=not err.is_terminal,
    )


def existing_file(path: Path, what: str = "file") -> Path:
    if not path.exists():
        raise InputError(f"The {what} {path} does not exist.")
    if path.is_dir():
        raise InputError(f"The {what} {path} is a directory, not a file.")
    return path


def open_store(db: Path | None, read_only: bool = False) -> Any:
    from valuechain.store import Store

    return Store(db, read_only=read_only)
