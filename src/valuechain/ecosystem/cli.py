"""`valuechain hf` (Hugging Face connector) and `valuechain ecosystem` (lineage, origin, diffusion).

Each command module owns its Typer app: :mod:`valuechain.ecosystem.cli_hf` owns the ``hf`` group
(``sync``, ``import``, ``model``, ``status``) and :mod:`valuechain.ecosystem.cli_lineage` the ``ecosystem``
commands (``lineage``, ``diffusion``), which this group adds.
"""

from __future__ import annotations

import typer

from valuechain.ecosystem import cli_lineage
from valuechain.ecosystem.cli_hf import app as hf_app

__all__ = ["app", "hf_app"]

app = typer.Typer(
    help="Diffusion of open models: Hugging Face lineage, origin attribution, time series by country.",
    no_args_is_help=True,
)
app.add_typer(cli_lineage.app)
