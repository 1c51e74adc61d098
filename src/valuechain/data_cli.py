"""``valuechain data status`` and ``valuechain data fetch``: the reference snapshots on this machine."""

from __future__ import annotations

import typer

from valuechain.clitools import JSON_OPTION

app = typer.Typer(help="The reference snapshots: which are present, and fetching them.", no_args_is_help=True)


@app.command("status")
def status_command(
    verify: bool = typer.Option(False, "--verify", help="Also check every file's sha256 (slower)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Which snapshots are present in the data directory, with their source commit, date and licence."""
    from rich.table import Table

    from valuechain import config
    from valuechain.clitools import console, print_json
    from valuechain.output import source
    from valuechain.sources.snapshots import REGISTRY_PATH, status

    data, rule = config.data_dir_choice()
    rows = [s.to_dict() for s in status(data, verify=verify)]
    counts = {
        state: sum(r["state"] == state for r in rows)
        for state in ("present", "partial", "modified", "missing")
    }
    if as_json:
        print_json(
            {
                "data_dir": str(data),
                "chosen_by": rule,
                "sha256_checked": verify,
                "counts": counts,
                "snapshots": rows,
            },
            [source("valuechain snapshot registry", str(REGISTRY_PATH))],
        )
        return
    table = Table(title=f"Reference snapshots in {data} (chosen by {rule})")
    for column in ("name", "state", "files", "source", "date", "licence"):
        table.add_column(column, overflow="fold")
    for r in rows:
        table.add_row(
            r["name"],
            r["state"],
            f"{r['files_present']}/{r['files_expected']}",
            r["source"],
            r["date"],
            r["licence"],
        )
    out = console()
    out.print(table)
    checked = "sha256 checked" if verify else "sha256 not checked (use --verify)"
    out.print(", ".join(f"{n} {state}" for state, n in counts.items()) + f"; {checked}.")


@app.command("fetch")
def fetch_command(
    names: list[str] = typer.Argument(..., help="Snapshot names (see `valuechain data status`)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Only say what would be downloaded."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Download snapshots pinned to their recorded commit into $VALUECHAIN_HOME/data, verifying each sha256."""
    from valuechain import config
    from valuechain.clitools import console, print_json
    from valuechain.output import source
    from valuechain.sources.snapshots import REGISTRY_PATH, fetch, snapshot

    entries = [snapshot(n) for n in dict.fromkeys(names)]  # unknown names fail before any download
    destination = config.home() / "data"
    results = [fetch(e.name, destination, dry_run=dry_run) for e in entries]
    if as_json:
        print_json(
            {"destination": str(destination), "fetched": [r.to_dict() for r in results]},
            [source("valuechain snapshot registry", str(REGISTRY_PATH))]
            + [source(e.title, e.origin()) for e in entries],
        )
        return
    out = console()
    for r in results:
        verb = "would download" if dry_run else "downloaded and verified"
        out.print(
            f"{r.name}: {verb} {len(r.urls) if dry_run else r.downloaded} files ({r.bytes:,} bytes); "
            f"{r.already_present} already present with the right sha256 -> {r.folder}"
        )
