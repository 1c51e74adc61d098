"""`valuechain report`: build the observatory report (HTML + JSON) from every domain."""

from __future__ import annotations

from pathlib import Path

import typer

from valuechain.clitools import JSON_OPTION

app = typer.Typer(help="Build the HTML report of the whole observatory.", no_args_is_help=True)


@app.command("build")
def build(
    out: Path = typer.Option(Path("build/report"), "--out", "-o", help="Directory to write the report into."),
    section: list[str] = typer.Option(
        None, "--section", "-s", help="Only these chapters (market, audit, ecosystem, policy); repeatable."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Run every analysis on the embedded default data and write index.html, report.json and figures."""
    from valuechain.clitools import console, print_json, progress
    from valuechain.errors import InputError
    from valuechain.output import check_destination
    from valuechain.report.build import SECTIONS, build_report

    keys = section or list(SECTIONS)
    unknown = [k for k in keys if k not in SECTIONS]
    if unknown:
        raise InputError(f"Unknown report section {unknown[0]!r}; choose from {', '.join(SECTIONS)}.")
    check_destination(out, "report directory", directory=True)  # before the ~11 s of work
    with progress() as bar:
        task = bar.add_task("Building report", total=len(keys))

        def advance(key: str) -> None:
            bar.update(task, description=f"Building {key}", completed=keys.index(key))

        try:
            summary = build_report(out, keys, on_section=advance)
        except OSError as exc:
            raise InputError(
                f"The report directory {out} cannot be written ({exc.strerror or exc})."
            ) from None
        bar.update(task, completed=len(keys))
    if as_json:
        print_json(
            {
                "out": str(out),
                "index": str(out / "index.html"),
                "sections": [s["key"] for s in summary["sections"]],
                "timings_seconds": summary["timings_seconds"],
            },
            summary["sources"],
        )
    else:
        console().print(
            f"Report written to [bold]{out / 'index.html'}[/bold] ({len(summary['sections'])} chapters)."
        )
