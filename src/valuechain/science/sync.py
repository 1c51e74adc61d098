"""Domain glue between the family dictionary and the OpenAlex / PatentsView connectors.

The connectors (``valuechain.sources.openalex``, ``valuechain.sources.patentsview``) take search terms
as arguments and know nothing of model families; this module turns a family name into its terms (the
science dictionary's ``Family.search_terms``, or ``--term`` values given by the user) and runs the syncs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from valuechain.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from valuechain.sources.http import HttpClient
    from valuechain.sources.openalex import WorkSyncResult
    from valuechain.sources.patentsview import SearchResult
    from valuechain.store import Store


def family_terms(
    family: str, terms: Sequence[str] | None = None, dictionary: str | Path | None = None
) -> tuple[str, list[str]]:
    """The family's dictionary key and its search terms: ``terms`` if given, else the dictionary's.

    ``dictionary`` is an extra dictionary file (``--dict``). An unknown family is an :class:`InputError`
    naming the known ones, unless ``terms`` are given (a family of the user's own).
    """
    from valuechain.science.families import load_families, resolve_family

    name = (family or "").strip()
    if not name:
        raise InputError("--family is empty; name a model family such as qwen.")
    given = list(dict.fromkeys(t.strip() for t in terms or [] if t and t.strip()))
    table = load_families(dictionary)
    try:
        found = resolve_family(name, table)
    except InputError:
        if given:
            return name.lower(), given
        raise
    key = next(k for k, f in table.items() if f is found)
    return key, given or list(found.search_terms)


def sync_openalex(
    store: Store,
    family: str,
    terms: Sequence[str],
    *,
    since: int | None = None,
    limit: int | None = None,
    fulltext: bool = False,
    restart: bool = False,
    endpoint: str | None = None,
    client: HttpClient | None = None,
    on_page: Callable[[str, int, int, int | None], None] | None = None,
) -> list[WorkSyncResult]:
    """Sync one family's OpenAlex works (title/abstract, and OpenAlex's full text if ``fulltext``)."""
    from valuechain.sources import openalex

    queries = openalex.family_queries(
        family,
        terms,
        since=since,
        limit=limit,
        fulltext=fulltext,
        endpoint=endpoint or openalex.DEFAULT_ENDPOINT,
    )
    own = client is None
    client = client or openalex.openalex_client()
    results = []
    try:
        for query in queries:

            def page_done(pages: int, works: int, total: int | None, field: str = query.search_field) -> None:
                if on_page is not None:
                    on_page(field, pages, works, total)

            results.append(
                openalex.sync_works(store, query, client=client, restart=restart, on_page=page_done)
            )
    finally:
        if own:
            client.close()
    return results


def sync_patents(
    store: Store,
    family: str,
    terms: Sequence[str],
    *,
    since: int | None = None,
    until: int | None = None,
    limit: int | None = None,
    endpoint: str | None = None,
    client: HttpClient | None = None,
    page_size: int | None = None,
    on_page: Callable[[str, int, int, int | None], None] | None = None,
) -> list[SearchResult]:
    """Sync one family's granted patents and pre-grant publications (title, abstract, claims)."""
    from valuechain.sources import patentsview

    searches = patentsview.family_searches(
        family,
        terms,
        since=since,
        until=until,
        limit=limit,
        endpoint=endpoint or patentsview.DEFAULT_ENDPOINT,
        page_size=page_size or patentsview.MAX_PAGE_SIZE,
    )
    own = client is None
    client = client or patentsview.patentsview_client()
    results = []
    try:
        for search in searches:
            label = f"{search.spec.kind} {search.spec.group}"

            def page_done(pages: int, hits: int, total: int | None, label: str = label) -> None:
                if on_page is not None:
                    on_page(label, pages, hits, total)

            results.append(patentsview.sync_search(store, search, client, on_page=page_done))
    finally:
        if own:
            client.close()
    return results
