"""Audit command ``licence`` (alias ``license``): identify a licence text and read its control levers.

Owns its Typer app; :mod:`valuechain.audit.cli` adds it to the ``audit`` group.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from valuechain import clitools

_LICENCE_PATH = typer.Argument(..., help="A licence text file (plain text, Markdown or HTML; any encoding "
                                         "with a BOM, UTF-8 or Latin-1).")

app = typer.Typer()


def _licence(path: Path, as_json: bool) -> None:
    from valuechain.audit.collectors import read_text, split_front_matter
    from valuechain.audit.licence import DISCLAIMER, FLAGS, analyse_licence, reference_set
    from valuechain.output import source

    clitools.existing_file(path, "licence file")
    _, body = split_front_matter(read_text(path, what="licence file"))
    report = analyse_licence(body)
    today = date.today().isoformat()
    sources = [source("licence text", str(path), today)]
    refs = reference_set()
    if refs:
        sources.append(source("reference licence texts (ScanCode licence DB)", str(Path(refs[0].path).parent),
                              today, texts=len(refs)))
    if as_json:
        payload = report.to_dict()
        payload["note"] = DISCLAIMER
        payload["licence_class"] = report.licence_class
        payload["identified_detail"] = report.identified  # name, category and ScanCode key of the match
        clitools.print_json(payload, sources)
        return
    from rich.table import Table

    con = clitools.console()
    ident = report.identified
    con.print(f"[bold]{path}[/bold]: " + (f"identified as [bold]{ident['id']}[/bold] "
                                          f"(similarity {ident['similarity']:.2f})" if ident
                                          else "not identified among the reference texts"))
    table = Table("flag", "found", "supporting sentence", show_lines=False)
    for name in FLAGS:
        value = getattr(report, name)
        table.add_row(name, "yes" if value else "no", report.evidence.get(name, ""))
    table.add_row("governing_law", report.governing_law or "-", report.evidence.get("governing_law", ""))
    con.print(table)
    con.print(f"licence class (for the governance map): {report.licence_class}")
    con.print(f"[italic]{DISCLAIMER}[/italic]")


@app.command("licence")
def licence(
    path: Path = _LICENCE_PATH,
    as_json: bool = clitools.JSON_OPTION,
) -> None:
    """Identify a licence text and read its control levers (caps, use restrictions, branding...).

    An aid to reading the licence, not legal advice.
    """
    _licence(path, as_json)


@app.command("license", hidden=True)
def license_alias(
    path: Path = _LICENCE_PATH,
    as_json: bool = clitools.JSON_OPTION,
) -> None:
    """Alias of ``licence``: identify a licence text and read its control levers (not legal advice)."""
    _licence(path, as_json)
