"""`valuechain audit`: the openness audit (licence reading, framework scores, governance map).

Commands are defined in :mod:`valuechain.audit.cli_evidence` (``licence``, ``mof``) and
:mod:`valuechain.audit.cli_catalog` (``model``, ``catalog``, ``downstream``), registered on this app.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Openness audit of foundation models: evidence, licence terms, framework scores, governance type.",
    no_args_is_help=True,
)

from valuechain.audit import cli_catalog, cli_evidence  # noqa: E402,F401  (registers the commands)
