"""``valuechain engagement geocode | users sync | attribution``: where each actor is, by three methods.

A thin layer over :mod:`valuechain.engagement.geocode`, :mod:`valuechain.engagement.attribution` and
:mod:`valuechain.sources.github_users`. :func:`register` adds the commands to the ``engagement`` group
(``engagement/cli.py`` calls it at its bottom).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from valuechain import clitools
from valuechain.errors import InputError

users_app = typer.Typer(
    help="GitHub user objects of the panel's actors (profiles for location attribution).",
    no_args_is_help=True,
)


def register(engagement_app: typer.Typer) -> None:
    """Add ``geocode``, ``users`` (with ``sync``) and ``attribution`` to the ``engagement`` group."""
    engagement_app.command("geocode")(geocode)
    engagement_app.command("attribution")(attribution)
    engagement_app.add_typer(users_app, name="users")


def _store_path(db: Path | None) -> Path:
    from valuechain import config

    path = Path(db) if db is not None else config.default_db_path()
    if path.is_dir():
        raise InputError(f"The --db path {path} is a directory; give a DuckDB file name.")
    return path


def _read_locations(file: Path) -> list[str]:
    clitools.existing_file(file, "locations file")
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"The locations file {file} is not UTF-8 text.") from None
    return [line.strip() for line in text.splitlines() if line.strip()]


def geocode(
    locations: list[str] = typer.Argument(None, help="Profile location strings, e.g. 'Hangzhou, China'."),
    file: Path = typer.Option(None, "--file", help="A UTF-8 file with one location string per line."),
    json_out: bool = clitools.JSON_OPTION,
) -> None:
    """Geocode GitHub profile locations to ISO 3166-1 alpha-2 countries, with the evidence for each.

    Hong Kong, Macao and Taiwan keep their own codes (HK, MO, TW); map them to CN to group them.
    """
    from valuechain.engagement.geocode import DOMINANCE, GROUPING_NOTE, default_geocoder

    given = list(locations or [])
    if file is not None:
        given += _read_locations(file)
    if not given:
        raise InputError("Give at least one LOCATION or a --file with one location a line.")
    geocoder = default_geocoder()
    results = [geocoder.geocode(text) for text in given]
    if json_out:
        payload = {
            "results": [
                {
                    "location": r.location,
                    "country": r.country,
                    "evidence": [e.to_dict() for e in r.evidence],
                    "rule": r.rule,
                }
                for r in results
            ],
            "located": sum(r.country is not None for r in results),
            "unknown": sum(r.country is None for r in results),
            "grouping": GROUPING_NOTE,
            "method": "gazetteer matching (our reconstruction; see valuechain.engagement.geocode): flags and "
            "country names first, then the country most matched places agree on, then city population "
            f"when one country's city is at least {DOMINANCE:g}x the next; otherwise unknown",
        }
        clitools.print_json(payload, geocoder.sources)
        return
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD)
    for column in ("location", "country", "evidence", "rule"):
        table.add_column(column)
    for r in results:
        evidence = "; ".join(
            f"{e.text!r} → {e.kind} {','.join(sorted(e.countries)) or '-'}" for e in r.evidence
        )
        table.add_row(r.location or "", r.country or "unknown", evidence, r.rule)
    console = clitools.console()
    console.print(table)
    console.print(GROUPING_NOTE, highlight=False)


@users_app.command("sync")
def users_sync(
    db: Path = clitools.DB_OPTION,
    limit: int = typer.Option(None, "--limit", help="Ask for at most N users in this run."),
    no_wait: bool = typer.Option(
        False, "--no-wait", help="Stop (resumably) at the rate limit instead of waiting."
    ),
    max_wait: float = typer.Option(
        3700.0, "--max-wait", help="Longest wait for a rate-limit reset, seconds."
    ),
    api_url: str = typer.Option("https://api.github.com", "--api-url", help="GitHub REST API base URL."),
    json_out: bool = clitools.JSON_OPTION,
) -> None:
    """Fetch the GitHub user objects of the store's actors (GET /users/{login}) into the store.

    Uses GITHUB_TOKEN when set (never printed). Respects the X-RateLimit-* headers: waits for the reset or,
    with --no-wait, stops and says when to resume. Resumable: each user is asked for once.
    """
    from valuechain.sources.github_users import GitHubUsersClient, panel_logins, sync_users

    if limit is not None and limit < 0:
        raise InputError(f"The --limit {limit} must be zero or more.")
    if not api_url.startswith(("http://", "https://")):
        raise InputError(f"The --api-url {api_url} is not an http(s) URL.")
    path = _store_path(db)
    if not path.exists():
        raise InputError(f"The store {path} does not exist; run `valuechain engagement ingest` first.")
    store = clitools.open_store(path)
    try:
        logins = panel_logins(store)
        client = GitHubUsersClient(api_url, wait_for_reset=not no_wait, max_wait=max_wait)
        with clitools.progress() as bar:
            task = bar.add_task("GitHub users", total=None)

            def advance(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            result = sync_users(store, logins, client=client, limit=limit, progress=advance)
    finally:
        store.close()
    sources = [
        {"name": "GitHub REST API GET /users/{login}", "location": api_url},
        {"name": "valuechain store (gh_users)", "location": str(path.resolve())},
    ]
    if json_out:
        clitools.print_json(result.to_dict(), sources)
        return
    console = clitools.console()
    console.print(
        f"{result.fetched} users fetched, {result.not_found} not found (404), {result.already_stored} "
        f"already stored, {result.remaining} still to fetch; {result.requests} requests.",
        highlight=False,
    )
    if result.stopped_at_rate_limit:
        console.print(
            f"Stopped at the rate limit; run again after {result.resume_after} to resume.", highlight=False
        )


def attribution(
    db: Path = clitools.DB_OPTION,
    cutoff_hour: int = typer.Option(
        17, "--cutoff-hour", help="UTC-hour method: an event before this hour is CN."
    ),
    min_events: int = typer.Option(10, "--min-events", help="Activity-hour method: fewer events → unknown."),
    profile_method: str = typer.Option("likelihood", "--profile-method", help="likelihood or modal."),
    greater_china: bool = typer.Option(False, "--greater-china", help="Count HK, MO and TW as CN."),
    actors_csv: Path = typer.Option(
        None, "--actors", help="Also write each actor's groups to this CSV file."
    ),
    json_out: bool = clitools.JSON_OPTION,
) -> None:
    """Each actor's country by the UTC-hour cut-off, the activity-hour profile and the profile location:
    the shares (CN, US, other, unknown) per method and the agreement between methods."""
    from valuechain.engagement.attribution import attribute_store

    if not 0 <= cutoff_hour <= 24:
        raise InputError(f"The --cutoff-hour {cutoff_hour} is not an hour between 0 and 24.")
    if actors_csv is not None and (actors_csv.is_dir() or not actors_csv.parent.exists()):
        raise InputError(
            f"The --actors file {actors_csv} cannot be written (a directory, or its folder is missing)."
        )
    path = _store_path(db)
    if not path.exists():
        raise InputError(f"The store {path} does not exist; run `valuechain engagement ingest` first.")
    store = clitools.open_store(path)
    try:
        result = attribute_store(
            store,
            cutoff_hour=cutoff_hour,
            min_events=min_events,
            profile_method=profile_method,
            greater_china=greater_china,
        )
    finally:
        store.close()
    if actors_csv is not None:
        from valuechain.output import atomic_path

        with atomic_path(actors_csv) as tmp:
            result.per_actor.to_csv(tmp, index=False)
    sources: list[dict[str, Any]] = [
        {"name": "valuechain store (gh_events, gh_users)", "location": str(path.resolve())},
        *result.sources[1:],
    ]
    if json_out:
        clitools.print_json(result.to_dict(), sources)
        return
    console = clitools.console()
    console.print(result.summary(), highlight=False)
    console.print(result.to_dict()["grouping"], highlight=False)
