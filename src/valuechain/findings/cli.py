"""`valuechain findings`: the ledger of the three papers' claims (a thin layer over
:func:`valuechain.findings.build_ledger`)."""

from __future__ import annotations

import typer

from valuechain.clitools import JSON_OPTION, console, print_json

VERDICT_STYLE = {
    "supported": "green",
    "not supported": "red",
    "mixed": "yellow",
    "cannot tell with this data": "cyan",
    "described only": "dim",
}


def findings(
    only: list[str] = typer.Option(
        None, "--only", help="Only these claim ids (A1 … A7, B1 … B3, C1 … C7); repeatable."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Every claim of the three papers, the test that could say no, the data it ran on, and its verdict."""
    from rich.table import Table

    from valuechain.findings.ledger import build_ledger

    ledger = build_ledger(only or None)
    if as_json:
        print_json(ledger.to_dict(), ledger.sources)
        return
    table = Table(title="Findings ledger: each claim, tested on named data", show_lines=True)
    for column in ("id", "claim", "verdict", "result", "why", "command"):
        table.add_column(column, overflow="fold")
    for f in ledger.findings:
        style = VERDICT_STYLE.get(f.verdict, "")
        table.add_row(f.id, f.claim, f"[{style}]{f.verdict}[/{style}]", f.result, f.why, f.command)
    con = console()
    con.print(table)
    con.print(
        ledger.summary() + " Criteria: valuechain/findings/data/claims.yaml (fixed before the first run).",
        style="dim",
    )
