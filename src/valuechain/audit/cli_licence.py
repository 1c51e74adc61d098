"""Audit command ``licence`` (alias ``license``): identify a licence text and read its control levers.

Owns its Typer app; :mod:`valuechain.audit.cli` adds it to the ``audit`` group.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from valuechain import clitools

_LICENCE_PATH = typer.Argument(
    ...,
    help="A licence text file (plain text, Markdown or HTML; UTF-8, a BOM, "
    "Windows-1252 or GB18030: the output says which was read).",
)

app = typer.Typer()


def _licence(path: Path, as_json: bool) -> None:
    from valuechain.audit.licence import DISCLAIMER, FLAGS, analyse_licence, reference_set
    from valuechain.output import source
    from valuechain.textio import read_decoded, split_front_matter

    clitools.existing_file(path, "licence file")
    decoded = read_decoded(path, what="licence file")  # the project's one decoding rule, naming the encoding
    encoding = decoded.encoding or "utf-8"
    _, body = split_front_matter(decoded.text)
    report = analyse_licence(body)
    today = date.today().isoformat()
    sources = [source("licence text", str(path), today)]
    refs = reference_set()
    if refs:
        sources.append(
            source(
                "reference licence texts (ScanCode licence DB)",
                str(Path(refs[0].path).parent),
                today,
                texts=len(refs),
            )
        )
    if as_json:
        payload = report.to_dict()
        payload["note"] = DISCLAIMER
        payload["licence_class"] = report.licence_class
        payload["identified_detail"] = report.identified  # name, category and ScanCode key of the match
        payload["encoding"] = encoding
        clitools.print_json(payload, sources)
        return
    from rich.table import Table

    con = clitools.console()
    ident = report.identified
    con.print(
        f"[bold]{path}[/bold]: "
        + (
            f"identified as [bold]{ident['id']}[/bold] (similarity {ident['similarity']:.2f})"
            if ident
            else "not identified among the reference texts"
        )
    )
    if encoding not in ("utf-8", "utf-8-sig", "ascii"):
        con.print(f"read as {encoding} (the file is not UTF-8)")
    read = ", ".join(report.to_dict()["languages_read"]) or "none"
    not_read = ", ".join(report.to_dict()["languages_not_read"])
    con.print(
        f"languages read: {read}"
        + (f"; not read: {not_read} (those clauses were not assessed)" if not_read else "")
    )
    if not report.readable:
        con.print(
            f"[bold]The text is in {not_read}, which the clause rules cannot read: no flag was assessed "
            "(the flags below are unknown, not 'no').[/bold]"
        )
    table = Table("flag", "found", "supporting sentence", show_lines=False)
    for name in FLAGS:
        value = getattr(report, name)
        shown = ("yes" if value else "no") if report.readable else "not assessed"
        table.add_row(name, shown, report.evidence.get(name, ""))
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
