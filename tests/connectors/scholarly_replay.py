"""Local HTTP servers replaying the OpenAlex and PatentsView (PatentSearch) APIs in their real formats.

The recorded bodies in ``fixtures/openalex/`` and ``fixtures/patentsview/`` are single entities (no
OpenAlex list page, no document mentioning a model family), so the records served here are the real
bodies copied and given model-family texts (:func:`openalex_works`, :func:`patentsview_records`), and the
list envelopes are the APIs' own: OpenAlex ``{"meta": {"count", "next_cursor", …}, "results": […]}``
with cursor paging; PatentSearch ``{"error": false, "count", "total_hits", "<entity>s": […]}`` with
``o.after`` paging on the sort fields (as in ``patents_2000-01-04_page{1,2}…json``).

Faults are injected per page index (0-based) and consumed in order, one per request of that page, as in
``tests/ecosystem/hf_replay.py``: ``"429"`` (with ``Retry-After``), ``"500"``, ``"drop"`` (close without
answering), ``"truncate"`` (promise the full ``Content-Length``, send half), ``"truncate-nolength"``,
``"hang"`` (answer nothing for ``hang_seconds``: a client timeout), ``"malformed"`` (a 200 whose JSON is
not the API's envelope) and ``"kill"`` (block until :meth:`release`: a test kills the client meanwhile).
"""

from __future__ import annotations

import base64
import copy
import json
import random
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from loopback import LoopbackServer, send

FAMILY_SENTENCES = {
    "qwen": [
        "We fine-tune Qwen2.5-7B on clinical notes",
        "Qwen-VL answers chart questions",
        "a distilled Qwen 1.5 model",
    ],
    "deepseek": ["DeepSeek-R1 reasoning traces", "we compare DeepSeek-V3 with dense baselines"],
    "llama": ["Llama 2 as a baseline", "LLaMA-3 8B adapted with LoRA"],
}
NEUTRAL = (
    "Graph neural networks for traffic forecasting",
    "A survey of soil moisture sensing",
    "Open access citation advantage revisited",
    "Protein folding with diffusion models",
)
INSTITUTIONS = [
    ("I1", "https://ror.org/00aaaaa01", "Alibaba Group (China)", "CN", "company"),
    ("I2", "https://ror.org/00aaaaa02", "Tsinghua University", "CN", "education"),
    ("I3", "https://ror.org/00aaaaa03", "Google (United States)", "US", "company"),
    ("I4", "https://ror.org/00aaaaa04", "Stanford University", "US", "education"),
    ("I5", "https://ror.org/00aaaaa05", "National Institutes of Health", "US", "government"),
    ("I6", "https://ror.org/00aaaaa06", "Max Planck Society", "DE", "facility"),
]


def inverted_index(text: str) -> dict[str, list[int]]:
    """OpenAlex's ``abstract_inverted_index`` of ``text`` (words split on spaces)."""
    index: dict[str, list[int]] = {}
    for position, word in enumerate(text.split(" ")):
        index.setdefault(word, []).append(position)
    return index


# -- OpenAlex ----------------------------------------------------------------------------------------
def openalex_works(
    shared_data: Path,
    n: int,
    family: str = "qwen",
    seed: int = 0,
    fulltext_only_every: int = 0,
    authors: bool = True,
) -> list[dict[str, Any]]:
    """``n`` work objects in the real format of ``W2741809807.json`` whose title or abstract mention
    ``family`` (three in four; every ``fulltext_only_every``-th mentions it only in a hidden ``_fulltext``;
    ``authors=False`` leaves authorships empty, for large page counts)."""
    real = json.loads(
        (shared_data / "fixtures" / "openalex" / "W2741809807.json").read_text(encoding="utf-8")
    )
    template_authorship = real["authorships"][0]
    rng = random.Random(seed)
    keep = (
        "id",
        "doi",
        "title",
        "display_name",
        "publication_year",
        "publication_date",
        "language",
        "type",
        "authorships",
        "cited_by_count",
        "abstract_inverted_index",
        "updated_date",
        "created_date",
    )
    works = []
    for i in range(n):
        work = {k: real[k] for k in keep if k != "authorships"}
        sentence = rng.choice(FAMILY_SENTENCES[family])
        neutral = rng.choice(NEUTRAL)
        hidden = fulltext_only_every and i % fulltext_only_every == fulltext_only_every - 1
        # i % 4: 0 → the abstract mentions the family, 1 and 2 → the title, 3 → neither
        title = f"{sentence}: {neutral}" if i % 4 in (1, 2) and not hidden else f"{neutral} ({i})"
        abstract = (
            f"In this study {sentence} and {neutral.lower()} are examined."
            if i % 4 == 0 and not hidden
            else f"In this study {neutral.lower()} is examined."
        )
        year = 2022 + i % 4
        work.update(
            {
                "id": f"https://openalex.org/W{4000000000 + i}",
                "doi": f"https://doi.org/10.9999/test.{i}",
                "title": title,
                "display_name": title,
                "publication_year": year,
                "publication_date": f"{year}-0{1 + i % 9}-1{i % 10}",
                "cited_by_count": i % 37,
                "abstract_inverted_index": inverted_index(abstract),
            }
        )
        if hidden:
            work["_fulltext"] = f"Methods: {sentence}."
        authorships = []
        for position in range(1 + i % 3 if authors else 0):
            authorship = copy.deepcopy(template_authorship)
            authorship["author"] = {
                "id": f"https://openalex.org/A{5000000000 + i * 3 + position}",
                "display_name": f"Author {i}-{position}",
                "orcid": None,
            }
            authorship["author_position"] = "first" if position == 0 else "middle"
            if (i + position) % 7 == 6:  # an author without institution: OpenAlex's countries only
                authorship["institutions"], authorship["countries"] = [], ["FR"]
            else:
                iid, ror, name, country, kind = INSTITUTIONS[(i + position) % len(INSTITUTIONS)]
                authorship["institutions"] = [
                    {
                        "id": f"https://openalex.org/{iid}",
                        "display_name": name,
                        "ror": ror,
                        "country_code": country,
                        "type": kind,
                        "lineage": [f"https://openalex.org/{iid}"],
                    }
                ]
                authorship["countries"] = [country]
            authorships.append(authorship)
        work["authorships"] = authorships
        works.append(work)
    return works


def _words(index: dict[str, list[int]] | None) -> str:
    if not index:
        return ""
    pairs = sorted((p, w) for w, ps in index.items() for p in ps)
    return " ".join(w for _, w in pairs)


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def _offset(cursor: str) -> int:
    return int(json.loads(base64.urlsafe_b64decode(cursor))["offset"])


class FaultyServer(LoopbackServer):
    """A loopback replay server whose subclasses answer ``GET`` and inject faults."""

    def __init__(
        self, faults: dict[int, list[str]] | None = None, retry_after: str = "1", hang_seconds: float = 3.0
    ):
        super().__init__()
        self.faults = {k: list(v) for k, v in (faults or {}).items()}
        self.retry_after = retry_after
        self.hang_seconds = hang_seconds
        self.requests: list[dict[str, Any]] = []
        self.pages_served: list[int] = []
        self._lock = threading.Lock()
        self.blocked = threading.Event()

    def handle_get(self, handler: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self.requests.append({"path": handler.path, "headers": dict(handler.headers)})
        self.handle(handler)

    def handle(self, handler: BaseHTTPRequestHandler) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def take_fault(self, page: int) -> str | None:
        with self._lock:
            pending = self.faults.get(page)
            return pending.pop(0) if pending else None

    def answer(
        self, handler: BaseHTTPRequestHandler, page: int, body: bytes, malformed: Callable[[], bytes]
    ) -> None:
        """Send ``body`` for page ``page``, unless a fault is pending for it."""
        fault = self.take_fault(page)
        if fault == "429":
            send(handler, 429, b'{"error":"Too Many Requests"}', {"Retry-After": self.retry_after})
        elif fault == "500":
            send(handler, 500, b'{"error":"Internal Server Error"}')
        elif fault == "drop":
            handler.close_connection = True
        elif fault == "truncate":
            send(handler, 200, body, cut=len(body) // 2)
        elif fault == "truncate-nolength":
            send(handler, 200, body, cut=len(body) // 2, length=False)
        elif fault == "hang":
            self.released.wait(timeout=self.hang_seconds)
            handler.close_connection = True
        elif fault == "kill":
            self.blocked.set()
            self.released.wait(timeout=60)
            handler.close_connection = True
        elif fault == "malformed":
            send(handler, 200, malformed())
        else:
            with self._lock:
                self.pages_served.append(page)
            send(handler, 200, body)


class ReplayOpenAlex(FaultyServer):
    """``GET /works?filter=title_and_abstract.search:…|fulltext.search:…[,from_publication_date:…]
    &per-page=N&cursor=…`` over ``works`` (substring match of the quoted terms, case-insensitive)."""

    def __init__(
        self, works: list[dict[str, Any]], page_size: int = 200, api_key: str | None = None, **kwargs: Any
    ):
        super().__init__(**kwargs)
        self.api_key = api_key  # when set, requests need ``Authorization: Bearer <key>`` (else 401)
        self.works = works
        self.page_size = page_size
        self._selections: dict[str, list[dict[str, Any]]] = {}

    def select(self, filter_value: str) -> list[dict[str, Any]]:
        selected = self.works
        for part in filter_value.split(","):
            name, _, value = part.partition(":")
            if name in ("title_and_abstract.search", "fulltext.search"):
                terms = [t.strip().strip('"').lower() for t in value.split(" OR ")]

                def text(work: dict[str, Any], name: str = name) -> str:
                    body = f"{work.get('title') or ''} {_words(work.get('abstract_inverted_index'))}"
                    if name == "fulltext.search":
                        body += " " + work.get("_fulltext", "")
                    return body.lower()

                selected = [w for w in selected if any(t in text(w) for t in terms)]
            elif name == "from_publication_date":
                selected = [w for w in selected if (w.get("publication_date") or "") >= value]
            else:
                raise ValueError(name)
        return selected

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlparse(handler.path)
        if self.api_key is not None and handler.headers.get("Authorization") != f"Bearer {self.api_key}":
            send(
                handler,
                401,
                b'{"error":"Invalid or missing API key","message":"Get a free key at openalex.org"}',
            )
            return
        if url.path != "/works":
            send(handler, 404, b'{"error":"Not found"}')
            return
        query = parse_qs(url.query)
        per_page = int(query.get("per-page", ["25"])[0])
        if per_page > 200:
            send(handler, 400, b'{"error":"Invalid query parameters error.","message":"per-page is 1-200"}')
            return
        size = min(per_page, self.page_size)
        try:
            filter_value = query.get("filter", [""])[0]
            if filter_value not in self._selections:
                self._selections[filter_value] = self.select(filter_value)
            selected = self._selections[filter_value]
        except ValueError:
            send(handler, 400, b'{"error":"Invalid query parameters error."}')
            return
        cursor = query.get("cursor", [None])[0]
        offset = 0 if cursor in (None, "*") else _offset(cursor)
        page = offset // size
        wanted = query["select"][0].split(",") if "select" in query else None  # OpenAlex's field selection
        items = [
            {k: v for k, v in w.items() if not k.startswith("_") and (wanted is None or k in wanted)}
            for w in selected[offset : offset + size]
        ]
        more = offset + size < len(selected)
        body = {
            "meta": {
                "count": len(selected),
                "db_response_time_ms": 12,
                "page": None,
                "per_page": per_page,
                "next_cursor": _cursor(offset + size) if more else None,
                "groups_count": None,
            },
            "results": items,
            "group_by": [],
        }
        self.answer(
            handler,
            page,
            json.dumps(body).encode(),
            lambda: json.dumps({"meta": {"count": 1}, "results": "not a list"}).encode(),
        )


# -- PatentsView ----------------------------------------------------------------------------------------
def patentsview_records(
    shared_data: Path, n_patents: int, n_publications: int, family_term: str = "Qwen", seed: int = 0
) -> dict[str, list[dict[str, Any]]]:
    """Records per resource (``patent``, ``publication``, ``g_claim``, ``pg_claim``) in the real formats of
    ``patent_5116621_all_fields.json``, ``publication_20010000002.json`` and the recorded claim bodies.

    Every third patent mentions ``family_term`` in its title, every third (shifted) in its abstract, some
    only in a claim; patents are dated 2019-2024 and assigned to companies of several countries."""
    folder = shared_data / "fixtures" / "patentsview"
    patent = json.loads((folder / "patent_5116621_all_fields.json").read_text(encoding="utf-8"))["patents"][0]
    publication = json.loads((folder / "publication_20010000002.json").read_text(encoding="utf-8"))[
        "publications"
    ][0]
    assignee = patent["assignees"][0]
    rng = random.Random(seed)
    companies = [
        ("Alibaba Group Holding Limited", "CN", "3"),
        ("Google LLC", "US", "2"),
        ("Samsung Electronics Co., Ltd.", "KR", "3"),
        ("International Business Machines Corporation", "US", "2"),
    ]
    out: dict[str, list[dict[str, Any]]] = {"patent": [], "publication": [], "g_claim": [], "pg_claim": []}

    def texts(i: int) -> tuple[str, str, list[str]]:
        title = f"System for ranking documents {i}"
        abstract = "A method selects candidate passages and scores them with a neural network."
        claims = [
            "1. A method comprising receiving a query.",
            "2. The method of claim 1, further comprising ranking.",
        ]
        if i % 3 == 0:
            title = f"Serving a {family_term} language model on edge devices {i}"
        elif i % 3 == 1:
            abstract = f"A method fine-tunes a {family_term}-7B model to rank passages."
        elif i % 6 == 2:
            claims.append(f"3. The method of claim 1, wherein the model is a {family_term} model.")
        return title, abstract, claims

    for i in range(n_patents):
        record = copy.deepcopy(
            {
                k: patent[k]
                for k in (
                    "patent_id",
                    "patent_title",
                    "patent_abstract",
                    "patent_date",
                    "patent_year",
                    "application",
                    "assignees",
                )
            }
        )
        title, abstract, claims = texts(i)
        year = 2019 + i % 6
        pid = str(11000000 + i * 7)
        company, country, code = companies[rng.randrange(len(companies))]
        record.update(
            {
                "patent_id": pid,
                "patent_title": title,
                "patent_abstract": abstract,
                "patent_date": f"{year}-03-1{i % 10}",
                "patent_year": year,
            }
        )
        record["application"][0]["filing_date"] = f"{year - 2}-06-01"
        record["assignees"] = [
            dict(
                assignee,
                assignee_organization=company,
                assignee_country=country,
                assignee_type=code,
                assignee_sequence=0,
                assignee_id=f"assignee-{i}",
            )
        ]
        out["patent"].append(record)
        for seq, text in enumerate(claims):
            out["g_claim"].append(
                {
                    "patent_id": pid,
                    "claim_number": f"{seq + 1:05d}",
                    "claim_dependent": None,
                    "claim_text": text,
                    "claim_sequence": seq,
                    "exemplary": "0",
                }
            )
    for i in range(n_publications):
        record = copy.deepcopy(
            {
                k: publication[k]
                for k in (
                    "document_number",
                    "publication_title",
                    "publication_abstract",
                    "publication_date",
                    "publication_year",
                )
            }
        )
        title, abstract, claims = texts(i + 1)
        year = 2020 + i % 5
        number = 20200000000 + i * 11
        company, country, code = companies[(i + 1) % len(companies)]
        record.update(
            {
                "document_number": number,
                "publication_title": title,
                "publication_abstract": abstract,
                "publication_date": f"{year}-07-0{1 + i % 9}",
                "publication_year": year,
                "assignees": [
                    dict(
                        assignee,
                        assignee_organization=company,
                        assignee_country=country,
                        assignee_type=code,
                        assignee_sequence=0,
                    )
                ],
            }
        )
        out["publication"].append(record)
        for seq, text in enumerate(claims):
            out["pg_claim"].append(
                {
                    "document_number": number,
                    "claim_number": f"{seq + 1:05d}",
                    "claim_text": text,
                    "claim_sequence": seq,
                    "claim_dependent": None,
                }
            )
    return out


RESULT_KEYS = {
    "patent": "patents",
    "publication": "publications",
    "g_claim": "g_claims",
    "pg_claim": "pg_claims",
}


def _matches(record: dict[str, Any], criterion: dict[str, Any]) -> bool:
    """Evaluate the PatentSearch query language (the operators the connector sends) on one record."""
    ((op, value),) = criterion.items()
    if op == "_or":
        return any(_matches(record, c) for c in value)
    if op == "_and":
        return all(_matches(record, c) for c in value)
    if op == "_text_phrase":
        ((field, phrase),) = value.items()
        return phrase.lower() in str(record.get(field) or "").lower()
    if op in ("_gte", "_lte"):
        ((field, bound),) = value.items()
        current = str(record.get(field) or "")
        return current >= bound if op == "_gte" else current <= bound
    if op.startswith("_"):
        raise ValueError(op)
    wanted = value if isinstance(value, list) else [value]
    return any(str(record.get(op)) == str(w) for w in wanted)


def _sort_key(value: Any) -> Any:
    return str(value).zfill(12) if isinstance(value, (str, int)) else value


class ReplayPatentsView(FaultyServer):
    """``GET /{patent,publication,g_claim,pg_claim}/?q=&f=&s=&o=`` with ``X-Api-Key`` required.

    Faults are keyed by ``(resource, page)`` through :meth:`fault_page`: page 0 of ``patent`` is index 0,
    other resources add 100 per resource in the order of :data:`RESULT_KEYS`."""

    def __init__(
        self, records: dict[str, list[dict[str, Any]]], api_key: str, page_size: int = 1000, **kwargs: Any
    ):
        super().__init__(**kwargs)
        self.records = records
        self.api_key = api_key
        self.page_size = page_size

    @staticmethod
    def fault_page(resource: str, page: int) -> int:
        return list(RESULT_KEYS).index(resource) * 100 + page

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlparse(handler.path)
        resource = url.path.strip("/")
        if resource not in RESULT_KEYS:
            send(handler, 404, b'{"detail":"Not found."}')
            return
        if handler.headers.get("X-Api-Key") != self.api_key:
            send(handler, 403, b'{"detail":"You do not have permission to perform this action."}')
            return
        params = parse_qs(url.query)
        try:
            query = json.loads(params["q"][0])
            fields = json.loads(params.get("f", ["[]"])[0])
            sort = [next(iter(s)) for s in json.loads(params.get("s", ["[]"])[0])]
            options = json.loads(params.get("o", ["{}"])[0])
            selected = [r for r in self.records[resource] if _matches(r, query)]
        except (KeyError, ValueError, TypeError):
            send(handler, 400, b"", {"X-Status-Reason": "Invalid query"})
            return
        size = min(int(options.get("size", 100)), self.page_size)
        if sort:
            selected.sort(key=lambda r: [_sort_key(r.get(s)) for s in sort])
        offset = 0
        after = options.get("after")
        if after is not None:
            after_key = [_sort_key(a) for a in (after if isinstance(after, list) else [after])]
            offset = sum(1 for r in selected if [_sort_key(r.get(s)) for s in sort] <= after_key)
        page = offset // size if size else 0
        items = []
        for record in selected[offset : offset + size]:
            item = {}
            for field in fields:
                top, _, sub = field.partition(".")
                if top not in record:
                    continue
                if sub and isinstance(record[top], list):
                    item[top] = [{sub: e.get(sub)} for e in record[top]]
                else:
                    item[top] = record[top]
            items.append(item)
        body = {
            "error": False,
            "count": len(items),
            "total_hits": len(selected),
            RESULT_KEYS[resource]: items,
        }
        self.answer(
            handler,
            self.fault_page(resource, page),
            json.dumps(body).encode(),
            lambda: json.dumps({"error": False, "count": 1, RESULT_KEYS[resource]: "x"}).encode(),
        )
