"""Helpers shared by the domain CLIs: JSON printing, ``--db`` handling, a Rich console, progress."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from valuechain.errors import InputError

JSON_OPTION = typer.Option(False, "--json", help="Print machine-readable JSON instead of a table.")
DB_OPTION = typer.Option(
    None, "--db", help="DuckDB store file (default: $VALUECHAIN_HOME/valuechain.duckdb)."
)


#: Width of tables written to a file or a pipe (Rich would wrap them at 80 columns and cut cells).
PIPE_WIDTH = 160


def console(stderr: bool = False) -> Any:
    """A Rich console; on a terminal it uses the terminal's width, in a pipe or file ``PIPE_WIDTH``
    (unless ``COLUMNS`` is set), so that saved tables stay readable."""
    import os

    from rich.console import Console

    out = Console(stderr=stderr)
    if not out.is_terminal and not os.environ.get("COLUMNS"):
        out.width = PIPE_WIDTH
    return out


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
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
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
