"""``valuechain engagement``: GH Archive ingestion, panels and the export-control event study.

A thin layer over :mod:`valuechain.engagement`; heavy libraries are imported inside the commands.
The attribution commands (``geocode``, ``users sync``, ``attribution``) live in
:mod:`valuechain.engagement.cli_attribution` and the Innovation Graph study in
:mod:`valuechain.engagement.cli_innovation`; both are registered at the bottom of this module.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import typer

from valuechain import clitools
from valuechain.errors import InputError

app = typer.Typer(
    help="Developer engagement with open LLM repositories by country (GH Archive) and the export-control "
    "event study.",
    no_args_is_help=True,
)

ATTRIBUTION_CHOICES = ("all", "utc-hour", "activity-hour", "location")
REPO_SETS = ("opendigger-llm", "model-orgs", "placebo")
FIGURE_SUFFIXES = (".png", ".svg", ".pdf")


def _iso_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"The {option} value {text!r} is not a date (YYYY-MM-DD).") from None


def _check_db_target(db: Path | None) -> None:
    if db is not None and db.is_dir():
        raise InputError(f"The --db path {db} is a directory; give a DuckDB file name.")


def _check_plot(plot: Path | None) -> None:
    if plot is None:
        return
    if plot.is_dir():
        raise InputError(
            f"The --plot path {plot} is a directory; give a file name ending in .png, .svg or .pdf."
        )
    if plot.suffix.lower() not in FIGURE_SUFFIXES:
        raise InputError(f"The --plot file {plot} must end in .png, .svg or .pdf.")
    if not plot.parent.exists():
        raise InputError(f"The folder of the --plot file {plot} does not exist.")


def _repo_set(repos: Path | None, named: str | None) -> Any:
    from valuechain.engagement import repos as repo_sets

    if repos is not None and named is not None:
        raise InputError("Give either --repos FILE or --set NAME, not both.")
    if repos is not None:
        return repo_sets.read_repo_list(repos)
    if named is None:
        return None
    if named == "opendigger-llm":
        return repo_sets.opendigger_label("ai/large_language_model")
    if named == "model-orgs":
        return repo_sets.model_orgs()
    if named == "placebo":
        return repo_sets.placebo_repos()
    raise InputError(f"Unknown repository set {named!r}; choose from {', '.join(REPO_SETS)}.")


def _store_sources(db: Path | None) -> list[dict[str, Any]]:
    from valuechain import config, output

    path = Path(db).resolve() if db is not None else config.default_db_path()
    return [
        output.source(
            "valuechain store (gh_events: GH Archive events, https://www.gharchive.org/)", str(path)
        )
    ]


@app.command("ingest")
def ingest(
    files: list[str] = typer.Argument(
        ...,
        metavar="FILES...",
        help="GH Archive hourly files (YYYY-MM-DD-H.json.gz), glob patterns or directories.",
    ),
    db: Path = clitools.DB_OPTION,
    repos: Path = typer.Option(
        None,
        "--repos",
        help="Keep only these repositories: one owner/name a line "
        "(or a numeric id, or an owner for a whole organisation). Default: every repository.",
    ),
    repo_set: str = typer.Option(
        None, "--set", help=f"A shipped repository set instead of --repos: {', '.join(REPO_SETS)}."
    ),
    users: Path = typer.Option(
        None,
        "--users",
        help="JSON lines of GitHub user objects (login, location, type); type Bot marks bots.",
    ),
    activity_cutoff: int = typer.Option(
        100,
        "--activity-cutoff",
        min=1,
        help="Drop accounts with more events than this in one UTC hour (bots).",
    ),
    json_out: bool = clitools.JSON_OPTION,
) -> None:
    """Read GH Archive hours into the store: engagement event types only, bots dropped, deduplicated by id.

    Prints events read, kept, skipped (not JSON, missing fields) and bots dropped. Ingesting the same
    files twice changes nothing; a damaged file stops the run before anything is written.
    """
    from valuechain.engagement import events as ev
    from valuechain.sources.gharchive import resolve_files

    _check_db_target(db)
    paths = resolve_files(files)  # every file checked before any work
    chosen = _repo_set(repos, repo_set)
    user_objects = ev.read_users_file(users) if users is not None else None
    store = clitools.open_store(db)
    try:
        with clitools.progress() as bar:
            task = bar.add_task("ingest", total=len(paths))
            result = ev.ingest(
                store,
                paths,
                repos=chosen,
                users=user_objects,
                activity_cutoff=activity_cutoff,
                on_file=lambda _path: bar.advance(task),
            )
        if users is not None:
            _store_user_objects(store, users)
    finally:
        store.close()
    sources = [*_store_sources(db), *[{"name": "GH Archive hour", "location": str(p)} for p in paths]]
    if json_out:
        clitools.print_json(result.to_dict(), sources)
        return
    _print_ingest(result)


def _store_user_objects(store: Any, users: Path) -> None:
    """Keep the ``--users`` profiles for attribution, when the GitHub-users connector is installed."""
    from valuechain.sources.github_users import load_users_jsonl

    load_users_jsonl(store, users)


def _print_ingest(result: Any) -> None:
    from rich import box
    from rich.table import Table

    console = clitools.console()
    view = Table(title="GH Archive ingest", box=box.SIMPLE_HEAD, show_header=False)
    view.add_column("what")
    view.add_column("events", justify="right")
    rows = [
        ("events read", result.events_read),
        ("kept", result.kept),
        ("  new in the store", result.inserted),
        ("  already stored", result.already_stored),
        ("skipped", result.skipped),
        ("  not JSON events", result.unparseable),
        ("  missing fields", result.missing_fields),
        ("bots dropped", result.bots_dropped),
        ("outside the repository set", result.outside_repos),
        ("duplicate ids in the files", result.duplicates),
    ]
    for label, value in rows:
        view.add_row(label, f"{value:,}")
    console.print(view)
    if result.bots:
        listed = ", ".join(f"{b['login']} ({b['reason']}, {b['events']:,})" for b in result.bots[:20])
        more = f" and {len(result.bots) - 20} more" if len(result.bots) > 20 else ""
        console.print(f"bots dropped: {listed}{more}", highlight=False)
    if result.unresolved_repos:
        console.print(
            f"note: {len(result.unresolved_repos)} listed repositories had no event in these files: "
            f"{', '.join(result.unresolved_repos[:10])}",
            highlight=False,
        )
    console.print(f"store: {result.db}", highlight=False)


def _repo_ids(store: Any, repos: Path | None, named: str | None, notes: list[str]) -> list[int] | None:
    """The stored repository ids of a set (its caveats appended to ``notes``)."""
    from valuechain.engagement.repos import member_mask

    chosen = _repo_set(repos, named)
    if chosen is None:
        return None
    frame = store.query("SELECT DISTINCT repo_id, repo_name FROM gh_events")
    ids = sorted({int(r) for r in frame.loc[member_mask(frame, chosen), "repo_id"]})
    if not ids:
        raise InputError(f"No stored event is on a repository of the set {chosen.name!r}.")
    notes.extend(chosen.notes)
    return ids


@app.command("estimate")
def estimate(
    db: Path = clitools.DB_OPTION,
    shock: list[str] = typer.Option(
        None,
        "--shock",
        help="Shock date YYYY-MM-DD (repeatable; default: the shared "
        "list of export-control shocks that fall inside the data).",
    ),
    outcome: str = typer.Option(
        "forks", "--outcome", help="forks, stars, issues, pull_requests, pushes or actors."
    ),
    attribution: str = typer.Option("all", "--attribution", help="all, utc-hour, activity-hour or location."),
    window: int = typer.Option(8, "--window", help="Periods before and after each shock."),
    period: str = typer.Option("week", "--period", help="day, week or month."),
    cutoff_hour: int = typer.Option(
        17, "--cutoff-hour", help="UTC-hour proxy: events before this hour count as China."
    ),
    since: str = typer.Option(None, "--since", help="Use events from this date (YYYY-MM-DD)."),
    until: str = typer.Option(None, "--until", help="Use events before this date (YYYY-MM-DD)."),
    repos: Path = typer.Option(
        None, "--repos", help="Restrict to these repositories (one owner/name a line)."
    ),
    repo_set: str = typer.Option(None, "--set", help=f"Restrict to a shipped set: {', '.join(REPO_SETS)}."),
    placebo_date: list[str] = typer.Option(
        None, "--placebo-date", help="A fake shock date for a placebo DiD (repeatable)."
    ),
    placebo_repos: Path = typer.Option(
        None,
        "--placebo-repos",
        help="A list of non-LLM repositories: the same design on them is the placebo-set check.",
    ),
    plot: Path = typer.Option(
        None, "--plot", help="Write the event-study figure (per method) to this .png/.svg/.pdf."
    ),
    json_out: bool = clitools.JSON_OPTION,
) -> None:
    """Difference-in-differences and event study of CN vs US engagement around the export-control shocks.

    One panel per attribution method (repository × group × period, zero-filled); repository×group and
    period fixed effects, standard errors clustered by repository (pyfixest). With several shocks the event
    study is stacked and overlapping windows are trimmed (see the design in the output).
    """
    from valuechain.engagement.panel import check_outcome, check_period
    from valuechain.engagement.study import METHODS, estimate_engagement

    check_outcome(outcome)
    check_period(period)
    if attribution not in ATTRIBUTION_CHOICES:
        raise InputError(
            f"Unknown attribution method {attribution!r}; choose from {', '.join(ATTRIBUTION_CHOICES)}."
        )
    if window < 1:
        raise InputError(f"The --window {window} must be at least one period.")
    _check_plot(plot)
    shocks = [_iso_date(s, "--shock") for s in shock] if shock else None
    placebos = [_iso_date(s, "--placebo-date") for s in placebo_date] if placebo_date else []
    start = _iso_date(since, "--since") if since else None
    end = _iso_date(until, "--until") if until else None
    if start is not None and end is not None and end <= start:
        raise InputError(f"The window --since {since} --until {until} is empty.")
    if db is not None and not db.exists():
        raise InputError(f"The store {db} does not exist; run `valuechain engagement ingest` first.")
    methods = METHODS if attribution == "all" else (attribution,)
    store = clitools.open_store(db)
    try:
        from valuechain.engagement.events import require_events

        require_events(store)
        set_notes: list[str] = []
        repo_ids = _repo_ids(store, repos, repo_set, set_notes)
        placebo_ids = _repo_ids(store, placebo_repos, None, []) if placebo_repos is not None else None
        study = estimate_engagement(
            store,
            outcome=outcome,
            shocks=shocks,
            methods=methods,
            window=window,
            period=period,
            cutoff_hour=cutoff_hour,
            since=start,
            until=end,
            repo_ids=repo_ids,
            placebo_dates=placebos,
            placebo_repo_ids=placebo_ids,
        )
        study.notes.extend(set_notes)
    finally:
        store.close()
    if plot is not None:
        study.plot(plot)
    if json_out:
        clitools.print_json(study.to_dict(), _store_sources(db))
        return
    console = clitools.console()
    console.print(study.summary(), highlight=False)
    for note in study.notes:
        console.print(f"note: {note}", highlight=False)
    if plot is not None:
        console.print(f"figure: {plot}", highlight=False)


@app.command("panel")
def panel(
    db: Path = clitools.DB_OPTION,
    attribution: str = typer.Option("utc-hour", "--attribution", help="utc-hour, activity-hour or location."),
    period: str = typer.Option("week", "--period", help="day, week or month."),
    outcome: str = typer.Option(
        "forks", "--outcome", help="The outcome of the figure and the printed series."
    ),
    cutoff_hour: int = typer.Option(
        17, "--cutoff-hour", help="UTC-hour proxy: events before this hour count as China."
    ),
    csv_out: Path = typer.Option(None, "--csv", help="Write the whole zero-filled panel to this CSV file."),
    plot: Path = typer.Option(
        None, "--plot", help="Write the series by group, shocks and confounders marked."
    ),
    json_out: bool = clitools.JSON_OPTION,
) -> None:
    """The repository × group × period panel (forks, stars, issues, pull requests, pushes, actors)."""
    from valuechain.engagement.panel import build_panel, check_outcome, check_period
    from valuechain.engagement.study import METHODS, actor_groups_for

    check_outcome(outcome)
    check_period(period)
    if attribution not in METHODS:
        raise InputError(f"Unknown attribution method {attribution!r}; choose from {', '.join(METHODS)}.")
    _check_plot(plot)
    if csv_out is not None and csv_out.is_dir():
        raise InputError(f"The --csv path {csv_out} is a directory; give a file name.")
    if db is not None and not db.exists():
        raise InputError(f"The store {db} does not exist; run `valuechain engagement ingest` first.")
    store = clitools.open_store(db)
    try:
        groups = None if attribution == "utc-hour" else actor_groups_for(store, attribution, cutoff_hour)
        built = build_panel(
            store, method=attribution, actor_groups=groups, cutoff_hour=cutoff_hour, period=period
        )
    finally:
        store.close()
    if csv_out is not None:
        from valuechain.output import atomic_path

        with atomic_path(csv_out) as tmp:
            built.tidy().to_csv(tmp, index=False)
    if plot is not None:
        from valuechain.engagement.figures import series_figure

        series_figure(built, outcome, plot)
    series = built.series(outcome)
    if json_out:
        records = [
            {"period": idx.date().isoformat(), **{g: int(v) for g, v in row.items()}}
            for idx, row in series.iterrows()
        ]
        clitools.print_json({**built.to_dict(), "outcome": outcome, "series": records}, _store_sources(db))
        return
    console = clitools.console()
    console.print(built.summary(), highlight=False)
    console.print(series.tail(20).to_string(), highlight=False)


from valuechain.engagement import cli_innovation  # noqa: E402  (the Innovation Graph study, estimation's module)

app.add_typer(cli_innovation.app)

# The attribution commands (geocode, users sync, attribution) of the attribution helper.
from valuechain.engagement import cli_attribution  # noqa: E402

cli_attribution.register(app)
