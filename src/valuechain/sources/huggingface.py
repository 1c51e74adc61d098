"""Hugging Face Hub connector: list models with expanded fields, page by page, resumably.

The Hub's model listing (``GET {endpoint}/api/models``, the endpoint behind
``huggingface_hub.HfApi.list_models``) returns a JSON array per page and the next page as an
RFC 8288 ``Link: <…&cursor=…>; rel="next"`` header. ``list_models`` hides that cursor (huggingface_hub issues
#2741 and #4257: no offset, no next-page token), so a killed run could only start over; this connector
requests the same URL with the same parameters (``author``, ``filter``, ``pipeline_tag``, ``limit``,
``expand`` — the fields of ``huggingface_hub.hf_api.ExpandModelProperty_T`` listed in :data:`EXPAND_FIELDS`)
through :class:`valuechain.sources.http.HttpClient`, which retries 429 (honouring ``Retry-After``), 5xx,
dropped connections and truncated bodies, and checkpoints the cursor: every page's rows and the next cursor
are committed in one store transaction (:func:`valuechain.sources.hf_tables.load_models`), so a killed sync
resumes at the first page it had not committed and no row is lost or duplicated.

The endpoint is ``huggingface_hub.constants.ENDPOINT`` (``$HF_ENDPOINT``, default
https://huggingface.co) unless given; the token is ``$HF_TOKEN``, sent as a header, never printed.

:func:`record_to_row` maps one model record to a store row. It accepts both spellings of a record:
the API's camelCase JSON (``createdAt``, ``cardData`` as an object, ``downloadsAllTime``) and a dump of
``huggingface_hub.ModelInfo`` (snake_case ``created_at``, ``card_data`` as a YAML string), the same
key mapping ``ModelInfo.__init__`` applies.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import pandas as pd
import yaml

from valuechain.errors import InputError, SourceError
from valuechain.sources.hf_tables import (
    HF_SCHEMA,
    MODEL_COLUMNS,
    is_repo_id,
    lineage_edges,
    load_models,
    read_checkpoint,
)
from valuechain.sources.http import HttpClient
from valuechain.store import utcnow

if TYPE_CHECKING:  # pragma: no cover
    from valuechain.store import Store

EXPAND_FIELDS = (
    "author",
    "cardData",
    "createdAt",
    "downloads",
    "downloadsAllTime",
    "gated",
    "lastModified",
    "library_name",
    "likes",
    "pipeline_tag",
    "sha",
    "tags",
)

_ISO_DATE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}")
MAX_PAGE_SIZE = 1000  # the most we ask for in one page when --limit is given (the Hub pages the rest)


def default_endpoint() -> str:
    """The Hub endpoint huggingface_hub uses (``$HF_ENDPOINT`` or https://huggingface.co)."""
    from huggingface_hub import constants

    return constants.ENDPOINT.rstrip("/")


def hf_client(**overrides: Any) -> HttpClient:
    """An :class:`HttpClient` for the Hub: ``$HF_TOKEN`` as bearer token, 5 requests/s by default."""
    options: dict[str, Any] = {
        "service": "The Hugging Face Hub",
        "token_variable": "HF_TOKEN",
        "rate_per_second": 5.0,
    }
    options.update(overrides)
    return HttpClient(**options)


# -- one record → one row -----------------------------------------------------------------------
class _StringDateLoader:
    """A YAML SafeLoader that keeps dates as strings (as the Hub's JSON ``cardData`` does)."""

    _cls: Any = None

    @classmethod
    def get(cls) -> Any:
        if cls._cls is None:

            class Loader(yaml.SafeLoader):
                pass

            Loader.yaml_implicit_resolvers = {
                key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
                for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
            }
            cls._cls = Loader
        return cls._cls


def parse_card_yaml(text: str, model_id: str = "") -> dict[str, Any] | None:
    """Card metadata from a YAML string (optionally wrapped in ``---`` front-matter fences)."""

    body = text.strip()
    if body.startswith("---"):
        match = re.match(r"^---\s*\n(.*?)\n---", body + "\n", re.S)
        if not match:
            return None
        body = match.group(1)
    if not body:
        return None
    try:
        value = yaml.load(body, Loader=_StringDateLoader.get())  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise InputError(f"The card data of model {model_id or '?'} is not valid YAML{where}.") from None
    return value if isinstance(value, dict) else None


def _first(record: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        value = record.get(key)
        if value is not None:
            return value
    return None


def _gated(value: Any) -> str | None:
    """The Hub's ``gated``: ``false``, ``"auto"`` or ``"manual"`` → ``"false"``/``"auto"``/``"manual"``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _time(value: Any) -> str | datetime | None:
    """An ISO 8601 timestamp string or datetime, else None (the store parses it as UTC)."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        return value.strip()
    return None


_INT64 = (-(2**63), 2**63 - 1)


def _int(value: Any) -> int | None:
    """An integer count that fits a BIGINT, else None."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if _INT64[0] <= number <= _INT64[1] else None


def record_to_row(record: Mapping[str, Any]) -> dict[str, Any]:
    """One store row (``hf_models`` columns) from a model record in API or ``ModelInfo``-dump form.

    Raises :class:`InputError` when the record has no id or an id that is not a Hub repo id.
    """
    model_id = _first(record, "id", "modelId", "model_id")
    if not isinstance(model_id, str) or not model_id.strip():
        raise InputError("A model record has no 'id' (or 'modelId') field.")
    model_id = model_id.strip()
    if not is_repo_id(model_id):
        raise InputError(f"The model id {model_id!r} is not a valid Hugging Face repo id.")
    card = _first(record, "cardData", "card_data")
    if isinstance(card, str):
        card = parse_card_yaml(card, model_id)
    elif card is not None and not isinstance(card, dict):
        card = None
    tags = record.get("tags")
    if not isinstance(tags, list):
        tags = []
    elif not all(isinstance(t, str) for t in tags):
        tags = [str(t) for t in tags]
    author = _first(record, "author")
    if author is None and "/" in model_id:
        author = model_id.split("/", 1)[0]
    return {
        "id": model_id,
        "author": _str(author),
        "created_at": _time(_first(record, "createdAt", "created_at")),
        "last_modified": _time(_first(record, "lastModified", "last_modified")),
        "downloads": _int(record.get("downloads")),
        "downloads_all_time": _int(_first(record, "downloadsAllTime", "downloads_all_time")),
        "likes": _int(record.get("likes")),
        "pipeline_tag": _str(record.get("pipeline_tag")),
        "library_name": _str(_first(record, "library_name", "libraryName")),
        "gated": _gated(record.get("gated")),
        "tags": tags,
        "card_data": card,
        "sha": _str(record.get("sha")),
    }


def rows_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A DataFrame with the ``hf_models`` columns (without provenance) from normalised rows."""

    return pd.DataFrame(rows, columns=list(MODEL_COLUMNS))


# -- listing and paging ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ModelQuery:
    """Which models to list (the parameters of ``HfApi.list_models`` this connector supports)."""

    author: str | None = None
    pipeline_tag: str | None = None
    filter: str | None = None
    limit: int | None = None
    endpoint: str = field(default_factory=default_endpoint)

    def __post_init__(self) -> None:
        if not re.match(r"^https?://[^/\s]+", self.endpoint or ""):
            raise InputError(f"The Hub endpoint {self.endpoint!r} is not an http(s) URL.")
        if self.limit is not None and self.limit < 1:
            raise InputError(f"--limit must be a positive number of models, not {self.limit}.")
        for name in ("author", "pipeline_tag", "filter"):
            value = getattr(self, name)
            if value is not None and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,200}", value):
                raise InputError(
                    f"The {name.replace('_', '-')} {value!r} has characters the Hub does not allow."
                )

    def key(self) -> str:
        """The canonical form used to find this query's checkpoint in ``hf_sync_state``."""
        return json.dumps(
            {
                "endpoint": self.endpoint.rstrip("/"),
                "author": self.author,
                "pipeline_tag": self.pipeline_tag,
                "filter": self.filter,
                "limit": self.limit,
            },
            sort_keys=True,
        )

    def first_url(self) -> str:
        params: list[tuple[str, Any]] = []
        if self.filter:
            params.append(("filter", self.filter))
        if self.author:
            params.append(("author", self.author))
        if self.pipeline_tag:
            params.append(("pipeline_tag", self.pipeline_tag))
        if self.limit is not None:
            params.append(("limit", min(self.limit, MAX_PAGE_SIZE)))
        params += [("expand", name) for name in EXPAND_FIELDS]
        return f"{self.endpoint.rstrip('/')}/api/models?{urlencode(params)}"


@dataclass
class Page:
    url: str
    records: list[dict[str, Any]]
    next_url: str | None


def fetch_page(client: HttpClient, url: str) -> Page:
    """One page of the model listing (retried by ``client``), with the ``rel="next"`` link if any."""
    response, data = client.get_json(url)
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise SourceError(
            f"The Hugging Face Hub answered {client.redact(url)} with something other than a list of models."
        )
    next_url = response.links.get("next", {}).get("url")
    return Page(url=url, records=data, next_url=next_url)


def iter_pages(client: HttpClient, url: str) -> Iterator[Page]:
    """Pages from ``url`` on, following ``Link: rel="next"`` until there is none."""
    next_url: str | None = url
    seen: set[str] = set()
    while next_url is not None:
        if next_url in seen:  # a server looping on the same cursor must not hang the sync
            raise SourceError(
                f"The Hugging Face Hub sent the same next page twice ({client.redact(next_url)})."
            )
        seen.add(next_url)
        page = fetch_page(client, next_url)
        yield page
        next_url = page.next_url


def model_info(
    repo_id: str,
    *,
    endpoint: str | None = None,
    client: HttpClient | None = None,
    expand: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    """The Hub's ``GET /api/models/{repo_id}`` body (what ``HfApi.model_info`` parses), with retries."""
    if not is_repo_id(repo_id):
        raise InputError(f"The model id {repo_id!r} is not a valid Hugging Face repo id.")
    own = client is None
    client = client or hf_client()
    base = (endpoint or default_endpoint()).rstrip("/")
    params = [("expand", name) for name in expand] if expand else None
    try:
        _, data = client.get_json(f"{base}/api/models/{repo_id}", params=params)
    finally:
        if own:
            client.close()
    if not isinstance(data, dict):
        raise SourceError(
            f"The Hugging Face Hub answered model {repo_id} with something other than an object."
        )
    return data


def fetch_model(
    store: Store, repo_id: str, *, endpoint: str | None = None, client: HttpClient | None = None
) -> dict[str, Any]:
    """Fetch one model's ``model_info`` (the sync's expanded fields) and store it as a one-row snapshot.

    Returns the stored row with its ``parents`` (lineage edges), ``source`` and ``fetched_at``.
    """

    base = (endpoint or default_endpoint()).rstrip("/")
    ModelQuery(endpoint=base)  # validates the endpoint
    record = model_info(repo_id, endpoint=base, client=client, expand=EXPAND_FIELDS)
    row = record_to_row(record)
    if row["id"] != repo_id:
        raise SourceError(f"The Hugging Face Hub answered {repo_id} with the record of {row['id']}.")
    source, fetched_at = f"{base}/api/models/{repo_id}", utcnow()
    load_models(store, rows_frame([row]), source=source, fetched_at=fetched_at)
    parents = [
        {"parent": parent, "relation": relation, "origin": origin}
        for _, parent, relation, origin in lineage_edges(row["id"], row["tags"], row["card_data"])
    ]
    return {**row, "parents": parents, "source": source, "fetched_at": fetched_at}


# -- resumable sync into the store --------------------------------------------------------------
@dataclass
class SyncResult:
    """What a sync wrote: counts, pages, whether it resumed, and provenance."""

    query: ModelQuery
    models: int = 0
    edges: int = 0
    pages: int = 0
    resumed: bool = False
    resumed_after_pages: int = 0
    fetched_at: datetime | None = None
    attempts: int = 0
    retries: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "models": self.models,
            "lineage_edges": self.edges,
            "pages": self.pages,
            "resumed": self.resumed,
            "resumed_after_pages": self.resumed_after_pages,
            "fetched_at": self.fetched_at,
            "http_attempts": self.attempts,
            "http_retries": self.retries,
            "query": {
                "author": self.query.author,
                "pipeline_tag": self.query.pipeline_tag,
                "filter": self.query.filter,
                "limit": self.query.limit,
                "endpoint": self.query.endpoint,
            },
        }


def discard_partial_run(store: Store, key: str, started_at: datetime) -> None:
    """Delete the rows and the checkpoint of an unfinished sync (its rows share ``fetched_at``)."""
    with store.transaction() as con:
        con.execute("DELETE FROM hf_lineage WHERE fetched_at = ?", [started_at])
        con.execute("DELETE FROM hf_models WHERE fetched_at = ?", [started_at])
        con.execute("DELETE FROM hf_sync_state WHERE query = ?", [key])


def sync_models(
    store: Store,
    query: ModelQuery,
    *,
    client: HttpClient | None = None,
    restart: bool = False,
    on_page: Callable[[int, int, int | None], None] | None = None,
) -> SyncResult:
    """Fetch the models of ``query`` into ``hf_models``/``hf_lineage``, resuming a killed run.

    Each page's rows, lineage edges and the next cursor are committed together; an unfinished
    checkpoint for the same query is resumed (``restart=True`` discards it and the rows that run had
    written, so no partial snapshot is left). A finished one starts a
    new snapshot (a new ``fetched_at``). ``on_page(pages_done, models_done, limit)`` is called after
    each committed page (progress bars; tests inject failures there).
    """

    store.ensure(HF_SCHEMA)
    own = client is None
    client = client or hf_client()
    key = query.key()
    state = read_checkpoint(store, key)
    if restart and state is not None:
        if not state["done"]:
            discard_partial_run(store, key, state["started_at"])
        state = None
    result = SyncResult(query=query)
    if state is not None and not state["done"] and state["next_url"]:
        url: str | None = state["next_url"]
        started_at = state["started_at"]
        pages, models = int(state["pages"]), int(state["models"])
        result.resumed, result.resumed_after_pages = True, pages
    else:
        url, started_at, pages, models = query.first_url(), utcnow(), 0, 0
    result.fetched_at = started_at
    try:
        while url is not None and (query.limit is None or models < query.limit):
            page = fetch_page(client, url)
            records = page.records
            if query.limit is not None:
                records = records[: query.limit - models]
            rows = [record_to_row(record) for record in records]
            next_url = page.next_url
            if next_url is not None and next_url == url:  # a server looping on one cursor must not hang us
                raise SourceError(f"The Hugging Face Hub sent {client.redact(url)} as its own next page.")
            done = next_url is None or (query.limit is not None and models + len(rows) >= query.limit)
            checkpoint = {
                "query": key,
                "next_url": None if done else next_url,
                "pages": pages + 1,
                "models": models + len(rows),
                "started_at": started_at,
                "done": done,
                "source": client.redact(page.url),
            }
            written, edges = load_models(
                store,
                rows_frame(rows),
                source=client.redact(page.url),
                fetched_at=started_at,
                checkpoint=checkpoint,
            )
            pages, models = pages + 1, models + written
            result.pages += 1
            result.models += written
            result.edges += edges
            url = None if done else next_url
            if on_page is not None:
                on_page(pages, models, query.limit)
    finally:
        result.attempts, result.retries = client.attempts_made, client.retries_made
        if own:
            client.close()
    return result
