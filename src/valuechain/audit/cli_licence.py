"""Audit command ``licence`` (alias ``license``): identify a licence text and read its control levers.

Owns its Typer app; :mod:`valuechain.audit.cli` adds it to the ``audit`` group.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import typer

from valuechain import clitools

_LICENCE_PATH = typer.Argument(..., help="A licence text file (plain text, Markdown or HTML; any encoding "
                                         "with a BOM, UTF-8 or Latin-1).")

app = typer.Typer()


def _licence(path: Path, as_json: bool) -> None:
    from valuechain.audit.licence import DISCLAIMER, FLAGS, analyse_licence, reference_set
    from valuechain.output import source
    from valuechain.textio import read_text, split_front_matter

    clitools.existing_file(path, "licence file")
    text, encoding = _read_licence_text(path, read_text)
    _, body = split_front_matter(text)
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
        payload["encoding"] = encoding
        clitools.print_json(payload, sources)
        return
    from rich.table import Table

    con = clitools.console()
    ident = report.identified
    con.print(f"[bold]{path}[/bold]: " + (f"identified as [bold]{ident['id']}[/bold] "
                                          f"(similarity {ident['similarity']:.2f})" if ident
                                          else "not identified among the reference texts"))
    if encoding not in ("utf-8", "ascii"):
        con.print(f"read as {encoding} (the file is not UTF-8)")
    read = ", ".join(report.to_dict()["languages_read"]) or "none"
    not_read = ", ".join(report.to_dict()["languages_not_read"])
    con.print(f"languages read: {read}" + (f"; not read: {not_read} (those clauses were not assessed)" if not_read
                                            else ""))
    if not report.readable:
        con.print(f"[bold]The text is in {not_read}, which the clause rules cannot read: no flag was assessed "
                  "(the flags below are unknown, not 'no').[/bold]")
    table = Table("flag", "found", "supporting sentence", show_lines=False)
    for name in FLAGS:
        value = getattr(report, name)
        shown = ("yes" if value else "no") if report.readable else "not assessed"
        table.add_row(name, shown, report.evidence.get(name, ""))
    table.add_row("governing_law", report.governing_law or "-", report.evidence.get("governing_law", ""))
    con.print(table)
    con.print(f"licence class (for the governance map): {report.licence_class}")
    con.print(f"[italic]{DISCLAIMER}[/italic]")


def _read_licence_text(path: Path, read_text: Callable[..., str]) -> tuple[str, str]:
    """The licence text and the encoding it was read in.

    UTF-8 (and files with a byte-order mark) as the project's reader decodes them; any other encoding is
    detected with charset-normalizer (a GB18030 Chinese licence is read as GB18030, not as Latin-1).
    Hand-wired here until ``valuechain.textio`` (one decoding rule returning the encoding) is on main.
    """
    from charset_normalizer import from_bytes

    text = read_text(path, what="licence file")  # size limit, binaries refused, BOMs
    raw = path.read_bytes()
    try:
        raw.decode("utf-8")
        return text, "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(raw).best()
    if best is None:
        return text, "cp1252"
    return str(best), best.encoding


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
