"""`valuechain hf` (Hugging Face connector) and `valuechain ecosystem` (lineage, origin, diffusion).

Commands are defined in :mod:`valuechain.ecosystem.cli_hf` (``hf sync``, ``hf import``) and
:mod:`valuechain.ecosystem.cli_lineage` (``ecosystem lineage``, ``ecosystem diffusion``).
"""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Diffusion of open models: Hugging Face lineage, origin attribution, time series by country.",
    no_args_is_help=True,
)
hf_app = typer.Typer(help="Hugging Face connector: sync and import model metadata.", no_args_is_help=True)

from valuechain.ecosystem import cli_hf, cli_lineage  # noqa: E402,F401  (registers the commands)
