"""The ``valuechain`` command line: a thin layer over the library.

One sub-command group per domain; each group lives in its domain's ``cli.py`` and imports heavy
libraries inside its commands, so that ``valuechain --help`` starts fast. Errors raised as
:class:`valuechain.errors.ValuechainError` are printed as one sentence with exit code 2.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from valuechain.audit.cli import app as audit_app
from valuechain.data_cli import app as data_app
from valuechain.ecosystem.cli import app as ecosystem_app
from valuechain.ecosystem.cli import hf_app
from valuechain.engagement.cli import app as engagement_app
from valuechain.errors import ValuechainError
from valuechain.findings.cli import findings as findings_command
from valuechain.market.cli import app as market_app
from valuechain.policy.cli import app as policy_app
from valuechain.report.cli import app as report_app
from valuechain.science.cli import app as science_app
from valuechain.science.cli import patents_app

app = typer.Typer(
    name="valuechain",
    help="Measure, audit and simulate the AI value chain.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(market_app, name="market")
app.add_typer(audit_app, name="audit")
app.add_typer(hf_app, name="hf")
app.add_typer(ecosystem_app, name="ecosystem")
app.add_typer(policy_app, name="policy")
app.add_typer(engagement_app, name="engagement")
app.add_typer(report_app, name="report")
app.add_typer(science_app, name="science")
app.add_typer(patents_app, name="patents")
app.add_typer(data_app, name="data")
app.command("findings")(findings_command)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit.", is_eager=True),
    data: str = typer.Option(
        None,
        "--data",
        help="Directory of the reference snapshots (default: "
        "$VALUECHAIN_DATA, else $VALUECHAIN_HOME/data, else ../shared/data next to a checkout).",
    ),
) -> None:
    """Measure, audit and simulate the AI value chain (openness audits, diffusion, policy, regulation)."""
    if data is not None:
        from valuechain.config import set_data_dir

        if not Path(data).expanduser().is_dir():
            raise ValuechainError(f"The --data directory {data} does not exist or is not a directory.")
        set_data_dir(data)
    if version:
        from valuechain import __version__

        typer.echo(__version__)
        raise typer.Exit()


@app.command("serve")
def serve(
    port: int = typer.Option(8765, "--port", help="TCP port on 127.0.0.1."),
    report: str = typer.Option(
        "build/report", "--report", help="Directory of a built report to serve at /report/."
    ),
) -> None:
    """Start the interactive dashboard on http://127.0.0.1:PORT (Ctrl-C to stop)."""
    from pathlib import Path

    from valuechain.app.server import make_server

    server = make_server(port=port, report_dir=Path(report), warm=True)
    typer.echo(
        f"Dashboard on http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C to stop; the catalogue and "
        "lineage views are computed once in the background)"
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def main() -> None:
    """Entry point: run the CLI, turning user errors into one sentence and exit code 2."""
    try:
        app()
    except ValuechainError as exc:
        from valuechain.config import redact

        message = redact(str(exc)).strip().replace("\n", " ")
        sys.stderr.write(f"Error: {message}\n")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted; nothing half-written was kept.\n")
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()
