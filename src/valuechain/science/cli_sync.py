"""``valuechain science sync`` and ``valuechain patents sync``: fill the store from OpenAlex and PatentsView.

The groups belong to :mod:`valuechain.science.cli`; :func:`register` adds the two ``sync`` commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from valuechain import clitools

FAMILY_OPTION = typer.Option(..., "--family", help="Model family, e.g. qwen (see the family dictionary).")
TERM_OPTION = typer.Option(
    None, "--term", help="A search term (repeatable); replaces the dictionary's terms."
)
DICT_OPTION = typer.Option(
    None, "--dict", help="An extra family dictionary file (YAML/JSON) extending the shipped one."
)


def register(science_app: typer.Typer, patents_app: typer.Typer) -> None:
    """Add ``sync`` to the ``science`` and ``patents`` groups."""
    science_app.command("sync")(science_sync)
    patents_app.command("sync")(patents_sync)


def _family_terms(family: str, term: list[str], dictionary: Path | None) -> tuple[str, list[str]]:
    """The family's key and search terms (from ``--term``, or the dictionary, extended by ``--dict``)."""
    from valuechain.science.sync import family_terms

    return family_terms(
        family, term, clitools.existing_file(dictionary, "dictionary") if dictionary else None
    )


def science_sync(
    family: str = FAMILY_OPTION,
    term: list[str] = TERM_OPTION,
    dictionary: Path = DICT_OPTION,
    since: int = typer.Option(None, "--since", help="Only works published from 1 January of this year."),
    limit: int = typer.Option(None, "--limit", help="Stop after this many works per search."),
    fulltext: bool = typer.Option(
        False,
        "--fulltext",
        help="Also OpenAlex's full-text search (its hits cannot be checked by our context rules).",
    ),
    restart: bool = typer.Option(
        False, "--restart", help="Discard an unfinished run of the same search and start over."
    ),
    endpoint: str = typer.Option(
        None, "--endpoint", help="OpenAlex API base URL (default https://api.openalex.org)."
    ),
    db: Path = clitools.DB_OPTION,
    json_out: bool = clitools.JSON_OPTION,
) -> None:
    """Fetch OpenAlex works whose title or abstract mention a family, with authors' institutions (uses $OPENALEX_API_KEY and $OPENALEX_EMAIL; a killed run resumes)."""  # noqa: E501 (one line: Typer lists commands by this line)
    from valuechain import output
    from valuechain.science.sync import sync_openalex
    from valuechain.sources import openalex

    key, terms = _family_terms(family, term, dictionary)
    base = (endpoint or openalex.DEFAULT_ENDPOINT).rstrip("/")
    openalex.family_queries(
        key, terms, since=since, limit=limit, fulltext=fulltext, endpoint=base
    )  # validates
    client = openalex.openalex_client()
    store = clitools.open_store(db)
    try:
        with clitools.progress() as bar:  # shown on a terminal only
            task = bar.add_task(f"OpenAlex works ({key})", total=None)

            def on_page(field: str, pages: int, works: int, total: int | None) -> None:
                bar.update(task, completed=works, total=total, description=f"OpenAlex {field} (page {pages})")

            results = sync_openalex(
                store,
                key,
                terms,
                since=since,
                limit=limit,
                fulltext=fulltext,
                restart=restart,
                endpoint=base,
                client=client,
                on_page=on_page,
            )
        stored = openalex.load_works(store, family=key)
    finally:
        client.close()
        store.close()
    retrieved = min((r.fetched_at for r in results if r.fetched_at), default=None)
    sources = [
        output.source(
            "OpenAlex works API", f"{base}/works", retrieved=retrieved.isoformat() if retrieved else None
        )
    ]
    payload: dict[str, Any] = {
        "family": key,
        "terms": sorted(terms),
        "searches": [r.to_dict() for r in results],
        "works_in_store": int(len(stored)),
        "works_text_verifiable": int(stored["text_verifiable"].sum()) if len(stored) else 0,
    }
    if json_out:
        clitools.print_json(payload, sources)
        return
    rows = [
        [
            r.query.search_field,
            r.total_count,
            r.works,
            r.pages,
            "yes" if r.done else "no",
            "yes" if r.resumed else "no",
        ]
        for r in results
    ]
    _print_table(
        f"OpenAlex works mentioning {key} ({', '.join(sorted(terms))})",
        ["field searched", "OpenAlex count", "works written", "pages", "done", "resumed"],
        rows,
        sources,
    )


def patents_sync(
    family: str = FAMILY_OPTION,
    term: list[str] = TERM_OPTION,
    dictionary: Path = DICT_OPTION,
    since: int = typer.Option(None, "--since", help="Only documents dated from 1 January of this year."),
    until: int = typer.Option(None, "--until", help="Only documents dated up to 31 December of this year."),
    limit: int = typer.Option(None, "--limit", help="Stop after this many records per search."),
    endpoint: str = typer.Option(
        None, "--endpoint", help="PatentSearch API base URL (default https://search.patentsview.org/api/v1)."
    ),
    db: Path = clitools.DB_OPTION,
    json_out: bool = clitools.JSON_OPTION,
) -> None:
    """Fetch US granted patents and pre-grant publications whose title, abstract or claims mention a family, with each search's coverage ($PATENTSVIEW_API_KEY)."""  # noqa: E501 (one line: Typer lists commands by this line)
    from valuechain import output
    from valuechain.science.sync import sync_patents
    from valuechain.sources import patentsview

    key, terms = _family_terms(family, term, dictionary)
    base = (endpoint or patentsview.DEFAULT_ENDPOINT).rstrip("/")
    patentsview.family_searches(key, terms, since=since, until=until, limit=limit, endpoint=base)  # validates
    client = patentsview.patentsview_client()  # a missing key stops here, before the store is touched
    store = clitools.open_store(db)
    try:
        with clitools.progress() as bar:  # shown on a terminal only
            task = bar.add_task(f"PatentsView ({key})", total=None)

            def on_page(label: str, pages: int, hits: int, total: int | None) -> None:
                bar.update(
                    task, completed=hits, total=total, description=f"PatentsView {label} (page {pages})"
                )

            results = sync_patents(
                store,
                key,
                terms,
                since=since,
                until=until,
                limit=limit,
                endpoint=base,
                client=client,
                on_page=on_page,
            )
        stored = patentsview.load_patents(store, family=key)
    finally:
        client.close()
        store.close()
    retrieved = min((r.fetched_at for r in results if r.fetched_at), default=None)
    sources = [
        output.source(
            "PatentsView PatentSearch API",
            base,
            retrieved=retrieved.isoformat() if retrieved else None,
            api_version=patentsview.API_VERSION,
        )
    ]
    payload: dict[str, Any] = {
        "family": key,
        "terms": sorted(terms),
        "searches": [r.to_dict() for r in results],
        "documents_in_store": {
            kind: int((stored["kind"] == kind).sum()) for kind in ("granted", "pre-grant")
        },
    }
    if json_out:
        clitools.print_json(payload, sources)
        return
    rows = [
        [
            r.search.spec.kind,
            ", ".join(r.search.spec.text_fields),
            f"{r.total_hits} {r.search.spec.hit_unit}",
            r.hits,
            r.documents,
            "yes" if r.done else "no",
        ]
        for r in results
    ]
    _print_table(
        f"PatentsView documents mentioning {key} ({', '.join(sorted(terms))})",
        ["kind", "fields searched", "API total", "hits written", "documents written", "done"],
        rows,
        sources,
    )


def _print_table(title: str, header: list[str], rows: list[list[Any]], sources: list[dict[str, Any]]) -> None:
    from rich.table import Table

    view = Table(title=title)
    for name in header:
        view.add_column(name)
    for row in rows:
        view.add_row(*["" if v is None else str(v) for v in row])
    out = clitools.console()
    out.print(view)
    for source in sources:
        out.print(
            f"Source: {source['name']} ({source['location']}), retrieved {source.get('retrieved', '?')}"
        )
