"""`valuechain ecosystem` commands (being built; see the issue)."""

from __future__ import annotations

import typer

app = typer.Typer(help="ecosystem commands.", no_args_is_help=True)
hf_app = typer.Typer(help="Hugging Face connector: sync and import model metadata.", no_args_is_help=True)
