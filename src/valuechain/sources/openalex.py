"""OpenAlex connector: works whose title or abstract mention some terms, with their authorships, resumably.

What is asked.
``GET {endpoint}/works?filter=title_and_abstract.search:("qwen" OR "qwen2.5")[,from_publication_date:…]
&per-page=200&cursor=…`` (OpenAlex's search filters accept boolean ``OR`` between quoted phrases); the
filter part of the URL is built by ``pyalex`` (``Works().search_filter(...).filter(...).url``), so its quoting
rules are pyalex's. OpenAlex's ``fulltext.search`` filter finds more works but returns no full text, so a work
found only that way cannot be checked by our context rules: :func:`load_works` marks it
``text_verifiable = False``.

Paging. OpenAlex's cursor paging (``cursor=*``, then ``meta.next_cursor`` until it is null) has no
10,000-record cap (page paging has; pyalex's ``paginate`` also stops at ``n_max=10000`` by default).
Each page's works, their authorships and the next page's URL are committed in ONE store transaction, so
a killed sync resumes at the first page it had not committed, and every work is stored exactly once
per run (a replayed page would be skipped too: inserts skip a work already stored for the run).

One retry layer: ours. Pages are fetched with :class:`valuechain.sources.http.HttpClient` (429 with
``Retry-After``, 5xx, timeouts, dropped connections, truncated bodies), not with pyalex's session,
because pyalex 0.21 sends its requests without a timeout (a stalled server blocks forever), retries only
through urllib3 on ``https://`` mounts and only on status codes (a cut body or a reset is not retried),
keeps the cursor inside its ``Paginator`` and builds every URL on ``https://api.openalex.org`` whatever
``config.openalex_url`` says (so it could not be pointed at a replay server). pyalex's own retries stay
off (``config.max_retries`` is 0 unless someone changes it; :func:`openalex_client` refuses to run
with both layers on).

Identification: ``$OPENALEX_API_KEY`` (OpenAlex asks for a free key since February 2026, when it
retired the e-mail "polite pool") travels as ``Authorization: Bearer …``, as pyalex sends ``config.api_key``;
``$OPENALEX_EMAIL`` travels as ``mailto:`` in the ``User-Agent`` and as the ``From`` header (the polite-pool
convention, harmless where retired). Neither goes into a URL, so stored provenance never carries them, and
both are masked in every message. Abstracts come as OpenAlex's inverted index and are rebuilt with
``pyalex.invert_abstract`` (words placed at their positions).

Tables (namespace ``openalex``): ``openalex_works``, ``openalex_authorships`` (one row per work, author
and institution) and ``openalex_sync_state`` (one row per query: next page, counts, OpenAlex's
``meta.count``). Readers: :func:`load_works`, :func:`load_authorships`, :func:`load_openalex_coverage`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from valuechain import config
from valuechain.errors import InputError, SourceError
from valuechain.sources.fields import day_or_none, text_or_none
from valuechain.sources.http import USER_AGENT, HttpClient
from valuechain.store import PROVENANCE_COLUMNS, Schema, optional_filter, readable, utcnow

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from valuechain.store import Store

DEFAULT_ENDPOINT = "https://api.openalex.org"
PER_PAGE = 200  # OpenAlex's largest page
SEARCH_FIELDS = ("title_and_abstract", "fulltext")
SearchField = Literal["title_and_abstract", "fulltext"]
#: OpenAlex's institution types (https://docs.openalex.org/api-entities/institutions/institution-object#type).
INSTITUTION_TYPES = (
    "company",
    "education",
    "government",
    "facility",
    "nonprofit",
    "healthcare",
    "archive",
    "funder",
    "other",
)

OPENALEX_SCHEMA = Schema(
    "openalex",
    migrations=(
        (
            f"""CREATE TABLE openalex_works (
                query VARCHAR NOT NULL,          -- canonical JSON of the sync query (openalex_sync_state)
                family VARCHAR NOT NULL, search_field VARCHAR NOT NULL,
                work_id VARCHAR NOT NULL,        -- e.g. W2741809807
                doi VARCHAR, title VARCHAR, abstract VARCHAR, publication_year INTEGER,
                publication_date DATE, type VARCHAR, language VARCHAR, cited_by_count BIGINT,
                {PROVENANCE_COLUMNS})""",
            f"""CREATE TABLE openalex_authorships (
                query VARCHAR NOT NULL, family VARCHAR NOT NULL, work_id VARCHAR NOT NULL,
                author_index INTEGER NOT NULL,   -- 0-based order of the authorship in the work
                author_position VARCHAR,         -- OpenAlex's first | middle | last
                author_id VARCHAR, author_name VARCHAR, is_corresponding BOOLEAN,
                institution_id VARCHAR, ror VARCHAR, institution_name VARCHAR,
                country_code VARCHAR, institution_type VARCHAR,
                {PROVENANCE_COLUMNS})""",
            """CREATE TABLE openalex_sync_state (
                query VARCHAR PRIMARY KEY, family VARCHAR NOT NULL, search_field VARCHAR NOT NULL,
                terms VARCHAR[] NOT NULL, since INTEGER, max_works BIGINT,
                next_url VARCHAR,                -- NULL when the sync finished
                pages INTEGER NOT NULL, works BIGINT NOT NULL, total_count BIGINT,
                started_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL,
                done BOOLEAN NOT NULL, source VARCHAR NOT NULL)""",
        ),
    ),
)

#: The work fields a sync asks for (OpenAlex's ``select``): what :func:`work_to_row` and
#: :func:`authorship_rows` read.
SELECT_FIELDS = (
    "id",
    "doi",
    "title",
    "display_name",
    "publication_year",
    "publication_date",
    "type",
    "language",
    "cited_by_count",
    "authorships",
    "abstract_inverted_index",
)
WORK_COLUMNS = (
    "work_id",
    "doi",
    "title",
    "abstract",
    "publication_year",
    "publication_date",
    "type",
    "language",
    "cited_by_count",
)
AUTHORSHIP_COLUMNS = (
    "work_id",
    "author_index",
    "author_position",
    "author_id",
    "author_name",
    "is_corresponding",
    "institution_id",
    "ror",
    "institution_name",
    "country_code",
    "institution_type",
)
_OPENALEX_ID = re.compile(r"^(?:https?://openalex\.org/)?([WAISFPCT]\d+)$", re.I)


# -- one work → rows ----------------------------------------------------------------------------------
def short_id(value: Any) -> str | None:
    """``https://openalex.org/W123`` → ``W123`` (None for anything else)."""
    if not isinstance(value, str):
        return None
    match = _OPENALEX_ID.match(value.strip())
    return match.group(1).upper() if match else None


def rebuild_abstract(inverted_index: Any) -> str | None:
    """The abstract's text from OpenAlex's inverted index ``{word: [positions]}`` (pyalex's inversion).

    Words are placed at their positions and joined by single spaces; None when there is no index.
    """
    if not isinstance(inverted_index, Mapping) or not inverted_index:
        return None
    from pyalex import invert_abstract

    for word, positions in inverted_index.items():
        if (
            not isinstance(word, str)
            or not isinstance(positions, list)
            or not all(isinstance(p, int) and not isinstance(p, bool) for p in positions)
        ):
            raise SourceError("OpenAlex sent an abstract index that is not {word: [positions]}.")
    text = invert_abstract(dict(inverted_index))
    return text if text else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def work_to_row(work: Mapping[str, Any]) -> dict[str, Any]:
    """One ``openalex_works`` row (without query and provenance) from a work object.

    Raises :class:`SourceError` when the object has no OpenAlex work id.
    """
    work_id = short_id(work.get("id"))
    if work_id is None or not work_id.startswith("W"):
        raise SourceError(f"OpenAlex sent a work without a valid id ({str(work.get('id'))[:60]!r}).")
    return {
        "work_id": work_id,
        "doi": text_or_none(work.get("doi")),
        "title": text_or_none(work.get("title")) or text_or_none(work.get("display_name")),
        "abstract": rebuild_abstract(work.get("abstract_inverted_index")),
        "publication_year": _int(work.get("publication_year")),
        "publication_date": day_or_none(work.get("publication_date")),
        "type": text_or_none(work.get("type")),
        "language": text_or_none(work.get("language")),
        "cited_by_count": _int(work.get("cited_by_count")),
    }


def authorship_rows(work: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``openalex_authorships`` rows of a work: one per author and institution (one without if none).

    ``country_code`` is the institution's; for an author without institution it is the authorship's
    first ``countries`` entry (OpenAlex's country from the raw affiliation), else None.
    """
    work_id = short_id(work.get("id"))
    rows: list[dict[str, Any]] = []
    authorships = work.get("authorships") or []
    if not isinstance(authorships, list):
        raise SourceError(f"OpenAlex sent work {work_id} with authorships that are not a list.")
    for index, authorship in enumerate(authorships):
        if not isinstance(authorship, Mapping):
            raise SourceError(f"OpenAlex sent work {work_id} with an authorship that is not an object.")
        raw_author = authorship.get("author")
        author: Mapping[str, Any] = raw_author if isinstance(raw_author, Mapping) else {}
        countries = [c for c in authorship.get("countries") or [] if isinstance(c, str)]
        base = {
            "work_id": work_id,
            "author_index": index,
            "author_position": text_or_none(authorship.get("author_position")),
            "author_id": short_id(author.get("id")),
            "author_name": text_or_none(author.get("display_name"))
            or text_or_none(authorship.get("raw_author_name")),
            "is_corresponding": authorship.get("is_corresponding")
            if isinstance(authorship.get("is_corresponding"), bool)
            else None,
        }
        institutions = [i for i in authorship.get("institutions") or [] if isinstance(i, Mapping)]
        if not institutions:
            rows.append(
                {
                    **base,
                    "institution_id": None,
                    "ror": None,
                    "institution_name": None,
                    "country_code": countries[0] if countries else None,
                    "institution_type": None,
                }
            )
        for institution in institutions:
            kind = text_or_none(institution.get("type"))
            rows.append(
                {
                    **base,
                    "institution_id": short_id(institution.get("id")),
                    "ror": text_or_none(institution.get("ror")),
                    "institution_name": text_or_none(institution.get("display_name")),
                    "country_code": text_or_none(institution.get("country_code")),
                    "institution_type": kind.lower() if kind else None,
                }
            )
    return rows


# -- the query --------------------------------------------------------------------------------------
_TERM = re.compile(r"^[\w][\w .+:/-]{0,80}$", re.UNICODE)


@dataclass(frozen=True)
class WorkQuery:
    """Works of one model family whose ``search_field`` mentions any of ``terms``.

    ``since`` keeps works published from 1 January of that year; ``limit`` stops after that many works.
    """

    family: str
    terms: tuple[str, ...]
    search_field: SearchField = "title_and_abstract"
    since: int | None = None
    limit: int | None = None
    endpoint: str = DEFAULT_ENDPOINT
    per_page: int = PER_PAGE

    def __post_init__(self) -> None:
        if not re.match(r"^https?://[^/\s]+", self.endpoint or ""):
            raise InputError(f"The OpenAlex endpoint {self.endpoint!r} is not an http(s) URL.")
        if self.search_field not in SEARCH_FIELDS:
            raise InputError(
                f"The search field {self.search_field!r} is not one of {', '.join(SEARCH_FIELDS)}."
            )
        if not self.terms:
            raise InputError(f"The family {self.family!r} has no search terms.")
        for term in self.terms:
            if not isinstance(term, str) or not _TERM.match(term) or '"' in term:
                raise InputError(
                    f"The search term {term!r} is not a plain word or phrase OpenAlex can search."
                )
        if self.since is not None and not 1900 <= self.since <= 2100:
            raise InputError(f"--since {self.since} is not a year between 1900 and 2100.")
        if self.limit is not None and self.limit < 1:
            raise InputError(f"--limit must be a positive number of works, not {self.limit}.")
        if not 1 <= self.per_page <= PER_PAGE:
            raise InputError(f"The page size {self.per_page} is not between 1 and {PER_PAGE}.")

    def key(self) -> str:
        """Canonical JSON naming this query's checkpoint in ``openalex_sync_state``."""
        return json.dumps(
            {
                "endpoint": self.endpoint.rstrip("/"),
                "family": self.family,
                "search_field": self.search_field,
                "terms": sorted(self.terms),
                "since": self.since,
                "limit": self.limit,
            },
            sort_keys=True,
        )

    def search_expression(self) -> str:
        """``"qwen" OR "qwen2.5"``: the terms as quoted phrases joined by OpenAlex's boolean OR."""
        return " OR ".join(f'"{term}"' for term in sorted(self.terms))

    def first_url(self) -> str:
        """The first page's URL: pyalex builds the filter, we add paging and point it at the endpoint."""
        from pyalex import Works

        works = Works().search_filter(**{self.search_field: self.search_expression()})
        if self.since is not None:
            works = works.filter(from_publication_date=f"{self.since}-01-01")
        works = works.select(list(SELECT_FIELDS))  # only what the rows need (a full work is ~25 kB)
        built = urlsplit(works.url)
        params = parse_qsl(built.query, keep_blank_values=True)
        params += [("per-page", str(self.per_page)), ("cursor", "*")]
        base = urlsplit(self.endpoint.rstrip("/"))
        # keep pyalex's encoding of the filter (":" and "," stay literal, as OpenAlex expects)
        query = "&".join(f"{k}={_quote_keep(v)}" for k, v in params)
        return urlunsplit((base.scheme, base.netloc, base.path + built.path, query, ""))


def _quote_keep(value: str) -> str:
    from urllib.parse import quote_plus

    return quote_plus(value, safe=":,|*")


def with_cursor(url: str, cursor: str) -> str:
    """``url`` with its ``cursor`` parameter set to ``cursor``."""
    parts = urlsplit(url)
    params = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "cursor"]
    params.append(("cursor", cursor))
    query = urlencode(params, safe=":,|*")
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


# -- client and pages ---------------------------------------------------------------------------------
def openalex_client(**overrides: Any) -> HttpClient:
    """An :class:`HttpClient` for OpenAlex: ``$OPENALEX_API_KEY`` as bearer token, the e-mail in headers,
    10 requests/s.

    Raises :class:`InputError` if pyalex's own retries were switched on (one retry layer, not two).
    """
    import pyalex

    if int(pyalex.config.max_retries or 0) > 0:
        raise InputError(
            "pyalex.config.max_retries is set; valuechain retries OpenAlex requests itself, "
            "so set it back to 0."
        )
    email = config.token("OPENALEX_EMAIL")
    headers = dict(overrides.pop("headers", {}) or {})
    if email:
        headers.setdefault("User-Agent", f"{USER_AGENT} (mailto:{email})")
        headers.setdefault("From", email)
    options: dict[str, Any] = {
        "service": "OpenAlex",
        "rate_per_second": 10.0,
        "headers": headers,
        "token_variable": "OPENALEX_API_KEY",
    }
    options.update(overrides)
    return HttpClient(**options)


@dataclass
class WorkPage:
    url: str
    works: list[dict[str, Any]]
    next_cursor: str | None
    total_count: int | None


def fetch_page(client: HttpClient, url: str) -> WorkPage:
    """One page of a works listing: its ``results`` and ``meta.next_cursor`` (retried by ``client``)."""
    _, data = client.get_json(url)
    where = client.redact(url)
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("results"), list)
        or not isinstance(data.get("meta"), dict)
    ):
        raise SourceError(
            f"OpenAlex answered {where} with something other than a works list "
            "(an object with 'meta' and 'results')."
        )
    if not all(isinstance(item, dict) for item in data["results"]):
        raise SourceError(f"OpenAlex answered {where} with results that are not all work objects.")
    meta = data["meta"]
    cursor = meta.get("next_cursor")
    if cursor is not None and (not isinstance(cursor, str) or not cursor):
        raise SourceError(f"OpenAlex answered {where} with a next_cursor that is not a string.")
    count = meta.get("count")
    return WorkPage(
        url=url,
        works=data["results"],
        next_cursor=cursor,
        total_count=count if isinstance(count, int) and not isinstance(count, bool) else None,
    )


# -- store ----------------------------------------------------------------------------------------------
def read_sync_state(store: Store, key: str) -> dict[str, Any] | None:
    store.ensure(OPENALEX_SCHEMA)
    rows = store.con.execute(
        "SELECT query, next_url, pages, works, total_count, started_at, done FROM openalex_sync_state "
        "WHERE query = ?",
        [key],
    ).fetchall()
    if not rows:
        return None
    return dict(
        zip(
            ("query", "next_url", "pages", "works", "total_count", "started_at", "done"), rows[0], strict=True
        )
    )


def _frame(rows: list[dict[str, Any]], columns: Sequence[str], extra: Mapping[str, Any]) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame(rows, columns=list(columns))
    for name, value in extra.items():
        frame.insert(0, name, [value] * len(frame))
    return frame


def write_page(
    store: Store,
    query: WorkQuery,
    works: list[dict[str, Any]],
    *,
    source: str,
    fetched_at: datetime,
    checkpoint: Mapping[str, Any],
) -> int:
    """Insert a page's works and authorships and upsert the checkpoint in ONE transaction.

    A work already stored for this run (same query and ``fetched_at``) is skipped, so a replayed page
    never duplicates. Returns the number of new works.
    """
    work_rows = [work_to_row(work) for work in works]
    author_rows = [row for work in works for row in authorship_rows(work)]
    key = query.key()
    ids = [row["work_id"] for row in work_rows]
    if len(set(ids)) != len(ids):  # one page listing a work twice: keep its first appearance
        seen: set[str] = set()
        work_rows = [r for r in work_rows if not (r["work_id"] in seen or seen.add(r["work_id"]))]  # type: ignore[func-returns-value]
    lead = {"query": key, "family": query.family}
    works_frame = _frame(work_rows, WORK_COLUMNS, {"search_field": query.search_field, **lead})
    works_frame = works_frame[["query", "family", "search_field", *WORK_COLUMNS]]
    works_frame["source"], works_frame["fetched_at"] = source, fetched_at
    authors_frame = _frame(author_rows, AUTHORSHIP_COLUMNS, {})
    authors_frame.insert(0, "family", query.family)
    authors_frame.insert(0, "query", key)
    authors_frame["source"], authors_frame["fetched_at"] = source, fetched_at
    store.ensure(OPENALEX_SCHEMA)
    with store.transaction() as con:
        stored = (
            {
                row[0]
                for row in con.execute(
                    "SELECT work_id FROM openalex_works WHERE query = ? AND fetched_at = ? AND "
                    "list_contains(?, work_id)",
                    [key, fetched_at, list(works_frame["work_id"])],
                ).fetchall()
            }
            if len(works_frame)
            else set()
        )
        if stored:  # a page served again (e.g. after a crash between commit and reply): skip what we have
            works_frame = works_frame[~works_frame["work_id"].isin(stored)]
            authors_frame = authors_frame[~authors_frame["work_id"].isin(stored)]
        new = len(works_frame)
        for table, frame in (("openalex_works", works_frame), ("openalex_authorships", authors_frame)):
            if len(frame):
                con.register("_oa_rows_in", frame)
                try:
                    con.execute(f"INSERT INTO {table} SELECT * FROM _oa_rows_in")
                finally:
                    con.unregister("_oa_rows_in")
        _save_state(con, query, checkpoint)
    return int(new)


def _save_state(con: Any, query: WorkQuery, state: Mapping[str, Any]) -> None:
    """Upsert one ``openalex_sync_state`` row (inside the transaction that writes the page)."""
    con.execute(
        "INSERT INTO openalex_sync_state VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (query) DO UPDATE SET next_url = excluded.next_url, pages = excluded.pages, "
        "works = excluded.works, total_count = excluded.total_count, updated_at = excluded.updated_at, "
        "done = excluded.done, source = excluded.source, started_at = excluded.started_at",
        [
            query.key(),
            query.family,
            query.search_field,
            sorted(query.terms),
            query.since,
            query.limit,
            state.get("next_url"),
            int(state["pages"]),
            int(state["works"]),
            state.get("total_count"),
            state["started_at"],
            utcnow(),
            bool(state["done"]),
            state.get("source", ""),
        ],
    )


def discard_partial_run(store: Store, key: str, started_at: datetime) -> None:
    """Delete the rows and checkpoint of an unfinished sync (its rows share ``fetched_at``)."""
    with store.transaction() as con:
        con.execute("DELETE FROM openalex_authorships WHERE query = ? AND fetched_at = ?", [key, started_at])
        con.execute("DELETE FROM openalex_works WHERE query = ? AND fetched_at = ?", [key, started_at])
        con.execute("DELETE FROM openalex_sync_state WHERE query = ?", [key])


@dataclass
class WorkSyncResult:
    """What one query's sync wrote."""

    query: WorkQuery
    works: int = 0
    pages: int = 0
    total_count: int | None = None
    resumed: bool = False
    resumed_after_pages: int = 0
    done: bool = False
    fetched_at: datetime | None = None
    attempts: int = 0
    retries: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "family": self.query.family,
            "search_field": self.query.search_field,
            "terms": sorted(self.query.terms),
            "since": self.query.since,
            "limit": self.query.limit,
            "works_written": self.works,
            "pages": self.pages,
            "openalex_count": self.total_count,
            "done": self.done,
            "resumed": self.resumed,
            "resumed_after_pages": self.resumed_after_pages,
            "fetched_at": self.fetched_at,
            "http_attempts": self.attempts,
            "http_retries": self.retries,
            "text_verifiable": self.query.search_field == "title_and_abstract",
        }


def sync_works(
    store: Store,
    query: WorkQuery,
    *,
    client: HttpClient | None = None,
    restart: bool = False,
    on_page: Callable[[int, int, int | None], None] | None = None,
) -> WorkSyncResult:
    """Fetch the works of ``query`` into the store page by page, resuming an unfinished run.

    An unfinished checkpoint of the same query resumes where it stopped (same ``fetched_at``, so the
    run stays one snapshot); ``restart=True`` discards it and its rows first; a finished one starts a new
    snapshot. ``on_page(pages_done, works_done, total)`` is called after each committed page.
    """
    store.ensure(OPENALEX_SCHEMA)
    own = client is None
    client = client or openalex_client()
    key = query.key()
    state = read_sync_state(store, key)
    if restart and state is not None:
        if not state["done"]:
            discard_partial_run(store, key, state["started_at"])
        state = None
    result = WorkSyncResult(query=query)
    if state is not None and not state["done"] and state["next_url"]:
        url: str | None = state["next_url"]
        started_at, pages, works = state["started_at"], int(state["pages"]), int(state["works"])
        result.resumed, result.resumed_after_pages = True, pages
        result.total_count = state["total_count"]
    else:
        url, started_at, pages, works = query.first_url(), utcnow(), 0, 0
    result.fetched_at = started_at
    seen_cursors: set[str] = set()
    try:
        while url is not None and (query.limit is None or works < query.limit):
            page = fetch_page(client, url)
            records = page.works if query.limit is None else page.works[: query.limit - works]
            cursor = page.next_cursor
            if cursor is not None and (cursor in seen_cursors or with_cursor(url, cursor) == url):
                raise SourceError(f"OpenAlex sent the same next cursor twice ({client.redact(url)}).")
            if cursor is not None:
                seen_cursors.add(cursor)
            exhausted = cursor is None or not page.works
            done = exhausted or (query.limit is not None and works + len(records) >= query.limit)
            next_url = None if done else with_cursor(url, cursor)  # type: ignore[arg-type]
            total = page.total_count if page.total_count is not None else result.total_count
            source = client.redact(url)
            written = write_page(
                store,
                query,
                records,
                source=source,
                fetched_at=started_at,
                checkpoint={
                    "next_url": next_url,
                    "pages": pages + 1,
                    "works": works + len(records),
                    "total_count": total,
                    "started_at": started_at,
                    "done": done,
                    "source": source,
                },
            )
            pages, works = pages + 1, works + len(records)
            result.pages += 1
            result.works += written
            result.total_count = total
            url = next_url
            if on_page is not None:
                on_page(
                    pages, works, total if query.limit is None else min(query.limit, total or query.limit)
                )
        result.done = url is None or (query.limit is not None and works >= query.limit)
    finally:
        result.attempts, result.retries = client.attempts_made, client.retries_made
        if own:
            client.close()
    return result


# -- readers ----------------------------------------------------------------------------------------------
_LATEST_RUNS = "SELECT query, started_at, done FROM openalex_sync_state"
# The one rule for which stored copy of a work counts: its family's latest run of each query, the
# title/abstract search before full text (text-verifiable first), then the newest, then by source.
_RANKED_WORKS = (
    "row_number() OVER (PARTITION BY w.family, w.work_id ORDER BY "
    "(w.search_field = 'title_and_abstract') DESC, w.fetched_at DESC, w.source) AS _rank "
    f"FROM openalex_works w JOIN ({_LATEST_RUNS}) s ON w.query = s.query AND w.fetched_at = s.started_at"
)


def load_works(store: Store, family: str | None = None) -> pd.DataFrame:
    """Works of each family's latest sync run, one row per (family, work).

    A work found by the title/abstract search is ``text_verifiable``; one found only by OpenAlex's
    full-text search is not (OpenAlex returns no full text to check it against our context rules).
    """
    store = readable(store, OPENALEX_SCHEMA, "openalex_sync_state")
    where, params = optional_filter("w", "family", family)
    frame = store.query(
        "SELECT * EXCLUDE (_rank) FROM (SELECT w.work_id, w.family, w.search_field, "
        "w.search_field = 'title_and_abstract' AS text_verifiable, w.title, w.abstract, w.publication_year, "
        "w.publication_date, w.type, w.language, w.doi, w.cited_by_count, s.done AS sync_done, w.source, "
        f"w.fetched_at, {_RANKED_WORKS} WHERE TRUE{where}) WHERE _rank = 1 ORDER BY family, work_id",
        params,
    )
    return frame


def load_authorships(store: Store, family: str | None = None) -> pd.DataFrame:
    """Authorships → institutions of the works :func:`load_works` returns (same run per work)."""
    store = readable(store, OPENALEX_SCHEMA, "openalex_sync_state")
    where, params = optional_filter("a", "family", family)
    return store.query(
        "WITH runs AS (SELECT * EXCLUDE (_rank) FROM (SELECT w.query, w.family, w.work_id, w.fetched_at, "
        f"{_RANKED_WORKS}) WHERE _rank = 1) SELECT a.work_id, a.family, a.author_index, a.author_position, "
        "a.author_id, a.author_name, a.is_corresponding, a.institution_id, a.ror, a.institution_name, "
        "a.country_code, a.institution_type, a.source, a.fetched_at FROM openalex_authorships a JOIN runs r "
        f"ON a.query = r.query AND a.fetched_at = r.fetched_at AND a.work_id = r.work_id WHERE TRUE{where} "
        "ORDER BY a.family, a.work_id, a.author_index, a.institution_id",
        params,
    )


def load_openalex_coverage(store: Store, family: str | None = None) -> pd.DataFrame:
    """Per sync query: family, field searched, terms, since, OpenAlex's count, works stored, done."""
    store = readable(store, OPENALEX_SCHEMA, "openalex_sync_state")
    where, params = optional_filter("s", "family", family)
    return store.query(
        "SELECT s.family, s.search_field, s.terms, s.since, s.max_works AS limit_works, s.total_count, "
        "(SELECT count(*) FROM openalex_works w WHERE w.query = s.query AND w.fetched_at = s.started_at) "
        "AS works_stored, s.pages, s.done, s.started_at, s.updated_at, s.source "
        f"FROM openalex_sync_state s WHERE TRUE{where} ORDER BY s.family, s.search_field, s.started_at",
        params,
    )


def family_queries(
    family: str,
    terms: Iterable[str],
    *,
    since: int | None = None,
    limit: int | None = None,
    fulltext: bool = False,
    endpoint: str = DEFAULT_ENDPOINT,
) -> list[WorkQuery]:
    """The queries of one family: title/abstract, and OpenAlex's full text when ``fulltext``."""
    fields: tuple[SearchField, ...] = (
        ("title_and_abstract", "fulltext") if fulltext else ("title_and_abstract",)
    )
    unique = tuple(dict.fromkeys(t.strip() for t in terms if t and t.strip()))
    return [
        WorkQuery(
            family=family,
            terms=unique,
            search_field=f,
            since=since,
            limit=limit,
            endpoint=endpoint.rstrip("/"),
        )
        for f in fields
    ]
