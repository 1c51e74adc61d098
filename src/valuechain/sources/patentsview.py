"""PatentsView connector (PatentSearch API): patents and pre-grant publications that mention some terms.

Four searches per family, each stored with its coverage so that a zero is a measured zero:

====================  ================  ===============================================  =============
kind                  fields            endpoint (``{endpoint}/…/``)                      counted in
====================  ================  ===============================================  =============
granted               title, abstract   ``patent/`` (``patent_title``, ``patent_abstract``)  documents
granted               claims            ``g_claim/`` (``claim_text``)                       claims
pre-grant             title, abstract   ``publication/`` (``publication_title``, …)         documents
pre-grant             claims            ``pg_claim/`` (``claim_text``)                      claims
====================  ================  ===============================================  =============

Requests follow the API's documented GET form (``q``, ``f``, ``s``, ``o`` as JSON parameters; query
language ``_or``/``_and``/``_text_phrase``/``_gte``/``_lte``) with the key in the ``X-Api-Key`` header
(``$PATENTSVIEW_API_KEY``, never logged or stored). Paging is the API's: results sorted on the primary key
(plus ``claim_sequence`` for claims), the next page asked with ``o.after`` set to the last record's sort
values, as in the recorded bodies ``patents_2000-01-04_page1.json`` → ``…page2_after_6009654.json``
(sent as the API returned it: the recorded request used the unpadded ``6009654``); reaching the API's
``total_hits`` (or an empty page) ends the search. Claims carry no dates, so the
documents a claim search finds are fetched from ``patent/`` or ``publication/`` in batches of ids (the
"details" step) and the date range is applied to them there (coverage says so).

Each page's rows and the search's ``after`` checkpoint are committed in ONE store transaction, so a
killed sync resumes with every record exactly once. Retries (429 with ``Retry-After``, 5xx, timeouts,
dropped connections, truncated bodies) are :class:`valuechain.sources.http.HttpClient`'s; the client
spaces requests to stay under the documented 45 requests a minute.

Tables (namespace ``patentsview``): ``patentsview_searches`` (coverage and checkpoint, one row per
search), ``patentsview_hits`` (document ids a search found and which fields matched),
``patentsview_documents`` and ``patentsview_assignees``. Readers: :func:`load_patents`,
:func:`load_patent_assignees`, :func:`load_patent_coverage`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlencode

from valuechain import config
from valuechain.errors import InputError, SourceError
from valuechain.sources.fields import day_or_none, text_or_none
from valuechain.sources.http import HttpClient
from valuechain.store import PROVENANCE_COLUMNS, Schema, optional_filter, readable, utcnow

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from valuechain.store import Store

DEFAULT_ENDPOINT = "https://search.patentsview.org/api/v1"
API_VERSION = "PatentSearch API v1"
MAX_PAGE_SIZE = 1000  # the API's largest ``o.size``
DETAIL_BATCH = 100
KEY_VARIABLE = "PATENTSVIEW_API_KEY"
#: PatentsView's assignee type codes (USPTO classification); a leading "1" on a two-digit code marks a
#: part interest (e.g. "12" = part interest of a US company).
ASSIGNEE_TYPES = {
    "1": "unassigned",
    "2": "US company or corporation",
    "3": "foreign company or corporation",
    "4": "US individual",
    "5": "foreign individual",
    "6": "US federal government",
    "7": "foreign government",
    "8": "US county government",
    "9": "US state government",
}

Kind = Literal["granted", "pre-grant"]
FieldGroup = Literal["title_abstract", "claims"]


@dataclass(frozen=True)
class SearchSpec:
    """Where and how one kind of document is searched in one group of fields."""

    kind: Kind
    group: FieldGroup
    endpoint: str
    result_key: str
    id_field: str
    text_fields: tuple[str, ...]
    date_field: str | None
    return_fields: tuple[str, ...]
    sort: tuple[str, ...]

    @property
    def hit_unit(self) -> str:
        return "claims" if self.group == "claims" else "documents"


_GRANTED_FIELDS = (
    "patent_id",
    "patent_title",
    "patent_abstract",
    "patent_date",
    "patent_year",
    "application.filing_date",
    "assignees",
)
_PREGRANT_FIELDS = (
    "document_number",
    "publication_title",
    "publication_abstract",
    "publication_date",
    "publication_year",
    "assignees",
)
SPECS: tuple[SearchSpec, ...] = (
    SearchSpec(
        "granted",
        "title_abstract",
        "patent",
        "patents",
        "patent_id",
        ("patent_title", "patent_abstract"),
        "patent_date",
        _GRANTED_FIELDS,
        ("patent_id",),
    ),
    SearchSpec(
        "granted",
        "claims",
        "g_claim",
        "g_claims",
        "patent_id",
        ("claim_text",),
        None,
        ("patent_id", "claim_sequence"),
        ("patent_id", "claim_sequence"),
    ),
    SearchSpec(
        "pre-grant",
        "title_abstract",
        "publication",
        "publications",
        "document_number",
        ("publication_title", "publication_abstract"),
        "publication_date",
        _PREGRANT_FIELDS,
        ("document_number",),
    ),
    SearchSpec(
        "pre-grant",
        "claims",
        "pg_claim",
        "pg_claims",
        "document_number",
        ("claim_text",),
        None,
        ("document_number", "claim_sequence"),
        ("document_number", "claim_sequence"),
    ),
)
_DETAILS = {"granted": SPECS[0], "pre-grant": SPECS[2]}

PATENTSVIEW_SCHEMA = Schema(
    "patentsview",
    migrations=(
        (
            """CREATE TABLE patentsview_searches (
                search VARCHAR PRIMARY KEY,      -- canonical JSON of the search
                family VARCHAR NOT NULL, kind VARCHAR NOT NULL, field_group VARCHAR NOT NULL,
                endpoint VARCHAR NOT NULL, fields_searched VARCHAR[] NOT NULL, terms VARCHAR[] NOT NULL,
                date_field VARCHAR, date_from DATE, date_to DATE, date_applied_to VARCHAR NOT NULL,
                api_version VARCHAR NOT NULL, hit_unit VARCHAR NOT NULL, max_hits BIGINT,
                total_hits BIGINT, after_value VARCHAR, pages INTEGER NOT NULL, hits BIGINT NOT NULL,
                started_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL,
                done BOOLEAN NOT NULL, details_done BOOLEAN NOT NULL, source VARCHAR NOT NULL)""",
            f"""CREATE TABLE patentsview_hits (
                search VARCHAR NOT NULL, family VARCHAR NOT NULL, kind VARCHAR NOT NULL,
                document_id VARCHAR NOT NULL, matched_fields VARCHAR[] NOT NULL,
                {PROVENANCE_COLUMNS})""",
            f"""CREATE TABLE patentsview_documents (
                search VARCHAR NOT NULL, family VARCHAR NOT NULL, kind VARCHAR NOT NULL,
                document_id VARCHAR NOT NULL,
                found BOOLEAN NOT NULL,          -- FALSE: a claim hit whose document the API did not return
                in_date_range BOOLEAN NOT NULL,
                title VARCHAR, abstract VARCHAR, date DATE, year INTEGER, filing_date DATE,
                {PROVENANCE_COLUMNS})""",
            f"""CREATE TABLE patentsview_assignees (
                search VARCHAR NOT NULL, family VARCHAR NOT NULL, kind VARCHAR NOT NULL,
                document_id VARCHAR NOT NULL, sequence INTEGER, organization VARCHAR,
                individual_name VARCHAR, city VARCHAR, state VARCHAR, country VARCHAR, type_code VARCHAR,
                {PROVENANCE_COLUMNS})""",
        ),
    ),
)


# -- key and client --------------------------------------------------------------------------------
def api_key() -> str:
    """``$PATENTSVIEW_API_KEY``, or an :class:`InputError` saying how to set it."""
    key = config.token(KEY_VARIABLE)
    if not key:
        raise InputError(
            f"PatentsView's PatentSearch API needs a key: set {KEY_VARIABLE} to the key "
            "PatentsView sent you (request one at https://patentsview.org/apis/keyrequest)."
        )
    return key


def patentsview_client(key: str | None = None, **overrides: Any) -> HttpClient:
    """An :class:`HttpClient` sending the key as ``X-Api-Key``, at most 45 requests a minute."""
    headers = {"X-Api-Key": key or api_key(), **dict(overrides.pop("headers", {}) or {})}
    options: dict[str, Any] = {"service": "PatentsView", "rate_per_second": 0.75, "headers": headers}
    options.update(overrides)
    return HttpClient(**options)


# -- one search ---------------------------------------------------------------------------------------
_TERM = re.compile(r"^[\w][\w .+:/-]{0,80}$", re.UNICODE)


def _check_date(value: str | None, what: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{what} {value!r} is not a date like 2023-01-01.") from None


@dataclass(frozen=True)
class PatentSearch:
    """One search: a family's ``terms`` in one kind of document and one group of fields."""

    family: str
    terms: tuple[str, ...]
    spec: SearchSpec
    date_from: date | None = None
    date_to: date | None = None
    limit: int | None = None
    endpoint: str = DEFAULT_ENDPOINT
    page_size: int = MAX_PAGE_SIZE

    def __post_init__(self) -> None:
        if not re.match(r"^https?://[^/\s]+", self.endpoint or ""):
            raise InputError(f"The PatentsView endpoint {self.endpoint!r} is not an http(s) URL.")
        if not self.terms:
            raise InputError(f"The family {self.family!r} has no search terms.")
        for term in self.terms:
            if not isinstance(term, str) or not _TERM.match(term):
                raise InputError(
                    f"The search term {term!r} is not a plain word or phrase PatentsView can search."
                )
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise InputError(f"The date range {self.date_from} to {self.date_to} is empty.")
        if self.limit is not None and self.limit < 1:
            raise InputError(f"--limit must be a positive number of records, not {self.limit}.")
        if not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise InputError(f"The page size {self.page_size} is not between 1 and {MAX_PAGE_SIZE}.")

    def key(self) -> str:
        return json.dumps(
            {
                "endpoint": self.endpoint.rstrip("/"),
                "family": self.family,
                "kind": self.spec.kind,
                "group": self.spec.group,
                "terms": sorted(self.terms),
                "date_from": str(self.date_from) if self.date_from else None,
                "date_to": str(self.date_to) if self.date_to else None,
                "limit": self.limit,
            },
            sort_keys=True,
        )

    def date_criteria(self, field: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        if self.date_from:
            out.append({"_gte": {field: str(self.date_from)}})
        if self.date_to:
            out.append({"_lte": {field: str(self.date_to)}})
        return out

    def query(self) -> dict[str, Any]:
        """The ``q`` object: any term as a phrase in any searched field, within the dates if any."""
        text: dict[str, Any] = {
            "_or": [
                {"_text_phrase": {name: term}}
                for name in self.spec.text_fields
                for term in sorted(self.terms)
            ]
        }
        dates = self.date_criteria(self.spec.date_field) if self.spec.date_field else []
        return {"_and": [text, *dates]} if dates else text

    def url(self, after: Any = None) -> str:
        options: dict[str, Any] = {"size": self.page_size}
        if after is not None:
            options["after"] = after
        return request_url(
            self.endpoint,
            self.spec.endpoint,
            self.query(),
            list(self.spec.return_fields),
            [{name: "asc"} for name in self.spec.sort],
            options,
        )


def request_url(
    endpoint: str,
    resource: str,
    query: Mapping[str, Any],
    fields: Sequence[str],
    sort: Sequence[Mapping[str, str]],
    options: Mapping[str, Any],
) -> str:
    """A PatentSearch GET URL: ``{endpoint}/{resource}/?q=…&f=…&s=…&o=…`` with compact JSON values."""

    def compact(value: Any) -> str:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)

    params = [
        ("q", compact(query)),
        ("f", compact(list(fields))),
        ("s", compact(list(sort))),
        ("o", compact(dict(options))),
    ]
    return f"{endpoint.rstrip('/')}/{resource}/?{urlencode(params)}"


@dataclass
class ResultPage:
    url: str
    records: list[dict[str, Any]]
    total_hits: int


def fetch_page(client: HttpClient, url: str, result_key: str) -> ResultPage:
    """One page of a PatentSearch answer (``error``, ``count``, ``total_hits``, ``{result_key}``)."""
    _, data = client.get_json(url)
    where = client.redact(url)
    if (
        not isinstance(data, dict)
        or data.get("error") not in (False, None)
        or not isinstance(data.get("total_hits"), int)
        or isinstance(data.get("total_hits"), bool)
    ):
        raise SourceError(
            f"PatentsView answered {where[:160]} with something other than a PatentSearch "
            "result (an object with error false and total_hits)."
        )
    records = data.get(result_key, [])
    if records is None:
        records = []
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise SourceError(
            f"PatentsView answered {where[:160]} with '{result_key}' that is not a list of records."
        )
    return ResultPage(url=url, records=records, total_hits=int(data["total_hits"]))


# -- records → rows ------------------------------------------------------------------------------------
def document_id(record: Mapping[str, Any], id_field: str) -> str:
    value = record.get(id_field)
    if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value).strip() == "":
        raise SourceError(f"PatentsView sent a record without '{id_field}'.")
    return str(value).strip()


def document_row(record: Mapping[str, Any], spec: SearchSpec) -> dict[str, Any]:
    """Title, abstract, dates of a ``patent`` or ``publication`` record."""
    prefix = "patent" if spec.kind == "granted" else "publication"
    year = record.get(f"{prefix}_year")
    filing = None
    applications = record.get("application")
    if isinstance(applications, list) and applications and isinstance(applications[0], Mapping):
        filing = day_or_none(applications[0].get("filing_date"))
    return {
        "document_id": document_id(record, spec.id_field),
        "title": text_or_none(record.get(f"{prefix}_title")),
        "abstract": text_or_none(record.get(f"{prefix}_abstract")),
        "date": day_or_none(record.get(f"{prefix}_date")),
        "year": year if isinstance(year, int) and not isinstance(year, bool) else None,
        "filing_date": filing,
    }


def assignee_rows(record: Mapping[str, Any], spec: SearchSpec) -> list[dict[str, Any]]:
    """The record's ``assignees``: organisation (or person), country, PatentsView type code."""
    doc = document_id(record, spec.id_field)
    assignees = record.get("assignees") or []
    if not isinstance(assignees, list):
        raise SourceError(f"PatentsView sent document {doc} with assignees that are not a list.")
    rows = []
    for index, item in enumerate(a for a in assignees if isinstance(a, Mapping)):
        first, last = (
            text_or_none(item.get("assignee_individual_name_first")),
            text_or_none(item.get("assignee_individual_name_last")),
        )
        sequence = item.get("assignee_sequence")
        code = item.get("assignee_type")
        rows.append(
            {
                "document_id": doc,
                "sequence": sequence
                if isinstance(sequence, int) and not isinstance(sequence, bool)
                else index,
                "organization": text_or_none(item.get("assignee_organization")),
                "individual_name": " ".join(p for p in (first, last) if p) or None,
                "city": text_or_none(item.get("assignee_city")),
                "state": text_or_none(item.get("assignee_state")),
                "country": text_or_none(item.get("assignee_country")),
                "type_code": str(code).strip()
                if isinstance(code, (str, int)) and not isinstance(code, bool)
                else None,
            }
        )
    return rows


def matched_fields(row: Mapping[str, Any], terms: Iterable[str]) -> list[str]:
    """Which of title and abstract contain a term (case-insensitive); both unknown → ``title_or_abstract``.

    The API matches phrases on analysed text (tokens, stemming), so a hit may contain no literal term.
    """
    lowered = [t.casefold() for t in terms]
    found = [
        name
        for name in ("title", "abstract")
        if row.get(name) and any(t in str(row[name]).casefold() for t in lowered)
    ]
    return found or ["title_or_abstract"]


def assignee_type(code: str | None) -> str | None:
    """The label of a PatentsView assignee type code ("2" → "US company or corporation")."""
    if not code:
        return None
    if len(code) == 2 and code.startswith("1") and code[1] in ASSIGNEE_TYPES:
        return f"part interest: {ASSIGNEE_TYPES[code[1]]}"
    return ASSIGNEE_TYPES.get(code)


# -- store ---------------------------------------------------------------------------------------------
def read_search_state(store: Store, key: str) -> dict[str, Any] | None:
    store.ensure(PATENTSVIEW_SCHEMA)
    names = ("search", "after_value", "pages", "hits", "total_hits", "started_at", "done", "details_done")
    rows = store.con.execute(
        f"SELECT {', '.join(names)} FROM patentsview_searches WHERE search = ?", [key]
    ).fetchall()
    return dict(zip(names, rows[0], strict=True)) if rows else None


def _save_search(con: Any, search: PatentSearch, state: Mapping[str, Any]) -> None:
    spec = search.spec
    con.execute(
        "INSERT INTO patentsview_searches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?, ?) ON CONFLICT (search) DO UPDATE SET total_hits = excluded.total_hits, after_value = "
        "excluded.after_value, pages = excluded.pages, hits = excluded.hits, started_at = "
        "excluded.started_at, updated_at = excluded.updated_at, done = excluded.done, details_done = "
        "excluded.details_done, source = excluded.source",
        [
            search.key(),
            search.family,
            spec.kind,
            spec.group,
            f"{search.endpoint.rstrip('/')}/{spec.endpoint}/",
            list(spec.text_fields),
            sorted(search.terms),
            spec.date_field,
            search.date_from,
            search.date_to,
            "search" if spec.date_field else "documents found (claims carry no date)",
            API_VERSION,
            spec.hit_unit,
            search.limit,
            state.get("total_hits"),
            json.dumps(state.get("after")) if state.get("after") is not None else None,
            int(state["pages"]),
            int(state["hits"]),
            state["started_at"],
            utcnow(),
            bool(state["done"]),
            bool(state["details_done"]),
            state.get("source", ""),
        ],
    )


def _insert(con: Any, table: str, frame: pd.DataFrame, unique: Sequence[str]) -> int:
    """Insert the rows of ``frame`` not already in ``table`` (same values in ``unique``); return how many."""
    if frame.empty:
        return 0
    name = f"_pv_{table}_in"
    con.register(name, frame)
    try:
        match = " AND ".join(f"t.{c} = i.{c}" for c in unique)
        columns = ", ".join(frame.columns)
        new = con.execute(
            f"SELECT count(*) FROM {name} i WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {match})"
        ).fetchall()[0][0]
        con.execute(
            f"INSERT INTO {table} ({columns}) SELECT {', '.join('i.' + c for c in frame.columns)} "
            f"FROM {name} i WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {match})"
        )
    finally:
        con.unregister(name)
    return int(new)


def _frame(
    rows: list[dict[str, Any]], lead: Mapping[str, Any], source: str, fetched_at: datetime
) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame([{**lead, **row, "source": source, "fetched_at": fetched_at} for row in rows])
    return frame


def _in_range(day: date | None, search: PatentSearch) -> bool:
    if day is None:
        return search.date_from is None and search.date_to is None
    return (search.date_from is None or day >= search.date_from) and (
        search.date_to is None or day <= search.date_to
    )


def write_documents(
    con: Any,
    search: PatentSearch,
    records: list[dict[str, Any]],
    *,
    source: str,
    fetched_at: datetime,
    requested: Sequence[str] = (),
) -> int:
    """Documents and assignees of ``records`` (and not-found rows for ``requested`` ids missing)."""
    spec = _DETAILS[search.spec.kind]
    lead = {"search": search.key(), "family": search.family, "kind": search.spec.kind}
    documents = [document_row(r, spec) for r in records]
    for row in documents:
        row["found"], row["in_date_range"] = True, _in_range(row["date"], search)
    returned = {row["document_id"] for row in documents}
    documents += [
        {
            "document_id": doc,
            "found": False,
            "in_date_range": False,
            "title": None,
            "abstract": None,
            "date": None,
            "year": None,
            "filing_date": None,
        }
        for doc in requested
        if doc not in returned
    ]
    written = _insert(
        con,
        "patentsview_documents",
        _frame(documents, lead, source, fetched_at),
        ("search", "fetched_at", "document_id"),
    )
    assignees = [row for record in records for row in assignee_rows(record, spec)]
    _insert(
        con,
        "patentsview_assignees",
        _frame(assignees, lead, source, fetched_at),
        ("search", "fetched_at", "document_id", "sequence"),
    )
    return written


def _after(record: Mapping[str, Any], spec: SearchSpec) -> Any:
    values = [record.get(name) for name in spec.sort]
    if any(v is None for v in values):
        raise SourceError(f"PatentsView sent a record without its sort field(s) {', '.join(spec.sort)}.")
    return values[0] if len(values) == 1 else values


@dataclass
class SearchResult:
    """What one search wrote, with its coverage."""

    search: PatentSearch
    total_hits: int | None = None
    hits: int = 0
    documents: int = 0
    pages: int = 0
    detail_requests: int = 0
    resumed: bool = False
    done: bool = False
    fetched_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        spec = self.search.spec
        return {
            "family": self.search.family,
            "kind": spec.kind,
            "fields_searched": list(spec.text_fields),
            "endpoint": f"{self.search.endpoint.rstrip('/')}/{spec.endpoint}/",
            "api_version": API_VERSION,
            "terms": sorted(self.search.terms),
            "date_from": self.search.date_from,
            "date_to": self.search.date_to,
            "date_applied_to": "search" if spec.date_field else "documents found (claims carry no date)",
            "total_hits": self.total_hits,
            "hit_unit": spec.hit_unit,
            "hits_written": self.hits,
            "documents_written": self.documents,
            "pages": self.pages,
            "resumed": self.resumed,
            "done": self.done,
            "fetched_at": self.fetched_at,
        }


def sync_search(
    store: Store,
    search: PatentSearch,
    client: HttpClient,
    *,
    on_page: Callable[[int, int, int | None], None] | None = None,
) -> SearchResult:
    """Run (or resume) one search: pages of hits, then the documents of claim hits, all checkpointed."""
    store.ensure(PATENTSVIEW_SCHEMA)
    spec, key = search.spec, search.key()
    state = read_search_state(store, key)
    result = SearchResult(search=search)
    if state is not None and not (state["done"] and state["details_done"]):
        after = json.loads(state["after_value"]) if state["after_value"] else None
        started_at, pages, hits = state["started_at"], int(state["pages"]), int(state["hits"])
        total, done = state["total_hits"], bool(state["done"])
        result.resumed = True
    else:
        after, started_at, pages, hits, total, done = None, utcnow(), 0, 0, None, False
    result.fetched_at = started_at
    lead = {"search": key, "family": search.family, "kind": spec.kind}
    while not done:
        url = search.url(after)
        page = fetch_page(client, url, spec.result_key)
        records = page.records if search.limit is None else page.records[: search.limit - hits]
        total = page.total_hits
        new_after = _after(records[-1], spec) if records else None
        if records and after is not None and new_after == after:
            raise SourceError(f"PatentsView sent the same page twice ({client.redact(url)[:160]}).")
        # the API's total_hits ends the search (an empty page too, should the total be stale)
        done = (
            not page.records
            or hits + len(records) >= total
            or (search.limit is not None and hits + len(records) >= search.limit)
        )
        source = client.redact(url)
        with store.transaction() as con:
            if spec.group == "title_abstract":
                result.documents += write_documents(
                    con, search, records, source=source, fetched_at=started_at
                )
                hit_rows = [
                    {"document_id": row["document_id"], "matched_fields": matched_fields(row, search.terms)}
                    for row in (document_row(r, spec) for r in records)
                ]
            else:
                hit_rows = [
                    {"document_id": doc, "matched_fields": ["claims"]}
                    for doc in dict.fromkeys(document_id(r, spec.id_field) for r in records)
                ]
            written = _insert(
                con,
                "patentsview_hits",
                _frame(hit_rows, lead, source, started_at),
                ("search", "fetched_at", "document_id"),
            )
            _save_search(
                con,
                search,
                {
                    "total_hits": total,
                    "after": new_after if not done else None,
                    "pages": pages + 1,
                    "hits": hits + len(records),
                    "started_at": started_at,
                    "done": done,
                    "details_done": spec.group == "title_abstract" and done,
                    "source": source,
                },
            )
        pages, hits, after = pages + 1, hits + len(records), new_after
        result.pages += 1
        result.hits += written
        if on_page is not None:
            on_page(pages, hits, total)
    result.total_hits = total
    if spec.group == "claims":
        result.detail_requests, documents = _fetch_details(
            store, search, client, started_at, total, pages, hits
        )
        result.documents += documents
    result.done = True
    return result


def _fetch_details(
    store: Store,
    search: PatentSearch,
    client: HttpClient,
    started_at: datetime,
    total: int | None,
    pages: int,
    hits: int,
) -> tuple[int, int]:
    """Fetch the documents of a claim search's hits that have none yet, a batch per transaction."""
    key, detail = search.key(), _DETAILS[search.spec.kind]
    missing = [
        row[0]
        for row in store.con.execute(
            "SELECT h.document_id FROM patentsview_hits h WHERE h.search = ? AND h.fetched_at = ? AND NOT "
            "EXISTS (SELECT 1 FROM patentsview_documents d WHERE d.search = h.search AND d.fetched_at = "
            "h.fetched_at AND d.document_id = h.document_id) ORDER BY h.document_id",
            [key, started_at],
        ).fetchall()
    ]
    finished = {  # the checkpoint of a search whose pages and details are all stored
        "total_hits": total,
        "after": None,
        "pages": pages,
        "hits": hits,
        "started_at": started_at,
        "done": True,
        "details_done": True,
    }
    requests_made = documents = 0
    for start in range(0, len(missing), DETAIL_BATCH):
        batch = missing[start : start + DETAIL_BATCH]
        ids: list[Any] = [
            int(d) if detail.id_field == "document_number" and d.isdigit() else d for d in batch
        ]
        found: list[dict[str, Any]] = []
        after: Any = None
        while True:  # a batch is one request unless the server pages it (then follow o.after)
            options: dict[str, Any] = (
                {"size": DETAIL_BATCH} if after is None else {"size": DETAIL_BATCH, "after": after}
            )
            url = request_url(
                search.endpoint,
                detail.endpoint,
                {detail.id_field: ids},
                list(detail.return_fields),
                [{detail.id_field: "asc"}],
                options,
            )
            page = fetch_page(client, url, detail.result_key)
            requests_made += 1
            found += page.records
            if not page.records or len(found) >= page.total_hits:
                break
            after = _after(page.records[-1], detail)
        last = start + DETAIL_BATCH >= len(missing)
        with store.transaction() as con:
            documents += write_documents(
                con, search, found, source=client.redact(url), fetched_at=started_at, requested=batch
            )
            if last:
                _save_search(con, search, {**finished, "source": client.redact(url)})
    if not missing:
        with store.transaction() as con:
            _save_search(con, search, {**finished, "source": ""})
    return requests_made, documents


def family_searches(
    family: str,
    terms: Iterable[str],
    *,
    since: int | None = None,
    until: int | None = None,
    limit: int | None = None,
    endpoint: str = DEFAULT_ENDPOINT,
    page_size: int = MAX_PAGE_SIZE,
) -> list[PatentSearch]:
    """The four searches of one family (granted/pre-grant × title+abstract/claims)."""
    for year, what in ((since, "--since"), (until, "--until")):
        if year is not None and not 1976 <= year <= 2100:
            raise InputError(
                f"{what} {year} is not a year between 1976 and 2100 (PatentsView starts in 1976)."
            )
    date_from = date(since, 1, 1) if since else None
    date_to = date(until, 12, 31) if until else None
    unique = tuple(dict.fromkeys(t.strip() for t in terms if t and t.strip()))
    return [
        PatentSearch(
            family=family,
            terms=unique,
            spec=spec,
            date_from=date_from,
            date_to=date_to,
            limit=limit,
            endpoint=endpoint.rstrip("/"),
            page_size=page_size,
        )
        for spec in SPECS
    ]


# -- readers -------------------------------------------------------------------------------------------
_RUNS = "SELECT search, started_at FROM patentsview_searches"


def load_patents(store: Store, family: str | None = None) -> pd.DataFrame:
    """One row per (family, kind, document) found by each search's latest run, in its date range.

    ``matched_fields`` lists "title", "abstract" (or "title_or_abstract") and "claims".
    """
    store = readable(store, PATENTSVIEW_SCHEMA, "patentsview_searches")
    where, params = optional_filter("d", "family", family)
    return store.query(
        f"WITH runs AS ({_RUNS}), "
        "hits AS (SELECT h.* FROM patentsview_hits h JOIN runs r ON h.search = r.search "
        "AND h.fetched_at = r.started_at), "
        "docs AS (SELECT d.* FROM patentsview_documents d JOIN runs r ON d.search = r.search "
        f"AND d.fetched_at = r.started_at WHERE d.found AND d.in_date_range{where}) "
        "SELECT d.document_id, d.kind, d.family, list_sort(list_distinct(flatten(list(h.matched_fields)))) "
        "AS matched_fields, any_value(d.title) AS title, any_value(d.abstract) AS abstract, "
        "any_value(d.date) AS date, any_value(d.year) AS year, any_value(d.filing_date) AS filing_date, "
        "min(d.source) AS source, max(d.fetched_at) AS fetched_at "
        "FROM docs d JOIN hits h ON h.search = d.search AND h.document_id = d.document_id "
        "GROUP BY d.family, d.kind, d.document_id ORDER BY d.family, d.kind, d.document_id",
        params,
    )


def load_patent_assignees(store: Store, family: str | None = None) -> pd.DataFrame:
    """Assignees of the documents :func:`load_patents` returns, with the type code's label."""
    store = readable(store, PATENTSVIEW_SCHEMA, "patentsview_searches")
    where, params = optional_filter("a", "family", family)
    frame = store.query(
        f"WITH runs AS ({_RUNS}), docs AS (SELECT DISTINCT d.search, d.fetched_at, d.document_id FROM "
        "patentsview_documents d JOIN runs r ON d.search = r.search AND d.fetched_at = r.started_at WHERE "
        "d.found AND d.in_date_range) SELECT * EXCLUDE (_rank) FROM (SELECT a.document_id, a.kind, a.family, "
        "a.sequence, a.organization, a.individual_name, a.city, a.state, a.country, a.type_code, a.source, "
        "a.fetched_at, row_number() OVER (PARTITION BY a.family, a.kind, a.document_id, a.sequence ORDER BY "
        "a.fetched_at DESC, a.source) AS _rank FROM patentsview_assignees a JOIN docs d ON a.search = "
        f"d.search AND a.fetched_at = d.fetched_at AND a.document_id = d.document_id WHERE TRUE{where}) "
        "WHERE _rank = 1 ORDER BY family, kind, document_id, sequence",
        params,
    )
    frame.insert(
        frame.columns.get_loc("type_code") + 1, "type", [assignee_type(c) for c in frame["type_code"]]
    )
    return frame


def load_patent_coverage(store: Store, family: str | None = None) -> pd.DataFrame:
    """Each search's coverage: fields, terms, dates, API version, the API's total and what was stored."""
    store = readable(store, PATENTSVIEW_SCHEMA, "patentsview_searches")
    where, params = optional_filter("s", "family", family)
    return store.query(
        "SELECT s.family, s.kind, s.field_group, s.endpoint, s.fields_searched, s.terms, s.date_field, "
        "s.date_from, s.date_to, s.date_applied_to, s.api_version, s.total_hits, s.hit_unit, s.max_hits AS "
        "limit_hits, s.hits AS hits_stored, (SELECT count(*) FROM patentsview_documents d WHERE d.search = "
        "s.search AND d.fetched_at = s.started_at AND d.found AND d.in_date_range) AS documents_stored, "
        "s.pages, s.done AND s.details_done AS done, s.started_at, s.updated_at, s.source FROM "
        f"patentsview_searches s WHERE TRUE{where} ORDER BY s.family, s.kind, s.field_group",
        params,
    )
