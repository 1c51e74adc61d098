"""`valuechain report` commands (being built; see the issue)."""

from __future__ import annotations

import typer

app = typer.Typer(help="report commands.", no_args_is_help=True)
