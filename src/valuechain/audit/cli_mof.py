"""Audit command ``mof``: the Model Openness Framework class of a Model Openness Tool YAML.

Owns its Typer app; :mod:`valuechain.audit.cli` adds it to the ``audit`` group.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from valuechain import clitools

_MOF_PATH = typer.Argument(..., help="A Model Openness Tool model YAML (release + components).")

app = typer.Typer()


@app.command("mof")
def mof(
    path: Path = _MOF_PATH,
    normalized: bool = typer.Option(
        False, "--normalized", help="Headline the normalised class (non-SPDX spellings mapped to SPDX ids)."
    ),
    as_json: bool = clitools.JSON_OPTION,
) -> None:
    """Model Openness Framework class of a MOT YAML, exactly as the Model Openness Tool computes it."""
    from valuechain.audit.mof import mof_class, mot_licences
    from valuechain.output import source

    clitools.existing_file(path, "Model Openness Tool YAML")
    result = mof_class(path, normalized=normalized)
    today = date.today().isoformat()
    sources = [
        source("Model Openness Tool YAML", str(path), today),
        source(
            "MOT licence lists (SPDX " + mot_licences().spdx_list_version + ")",
            "https://github.com/lfai/model_openness_tool/tree/main/web/modules/mof",
            "2026-05",
        ),
    ]
    if as_json:
        clitools.print_json(result.to_dict(), sources)
        return
    from rich.table import Table

    con = clitools.console()
    con.print(
        f"[bold]{result.name}[/bold]: {result.mof_class} (MOT-exact); normalised: "
        f"{result.mof_class_normalized}"
    )
    con.print("progress: " + ", ".join(f"{k} {v:.0%}" for k, v in result.progress.items()))
    table = Table("component", "class", "required", "included", "licence", "open", "open (normalised)")
    for c in result.components:
        table.add_row(
            c.name,
            c.mof_class,
            "yes" if c.required else "no",
            "yes" if c.included else "no",
            c.licence or "-",
            "yes" if c.open else "no",
            "yes" if c.open_normalized else "no",
        )
    con.print(table)
    for w in result.warnings:
        con.print(f"[yellow]warning:[/yellow] {w}")
