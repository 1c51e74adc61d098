"""`valuechain audit`: the openness audit (licence reading, framework scores, governance map).

Each command module owns its Typer app and this group adds them, in the order of ``audit --help``:
:mod:`valuechain.audit.cli_catalog` (``model``, ``catalog``, ``downstream``, ``agreement``),
:mod:`valuechain.audit.cli_licence` (``licence``, alias ``license``) and :mod:`valuechain.audit.cli_mof`
(``mof``).
"""

from __future__ import annotations

import typer

from valuechain.audit import cli_catalog, cli_licence, cli_mof

app = typer.Typer(
    help="Openness audit of foundation models: evidence, licence terms, framework scores, governance type.",
    no_args_is_help=True,
)
app.add_typer(cli_catalog.app)
app.add_typer(cli_licence.app)
app.add_typer(cli_mof.app)
