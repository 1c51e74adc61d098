"""A local HTTP server that replays Hugging Face Hub API responses in their real format.

- ``GET /api/models?author=&pipeline_tag=&limit=&expand=…&cursor=…`` answers a JSON array of model
  objects (``_id``, ``id`` plus the requested ``expand`` fields, camelCase as the Hub sends them) and,
  when more remain, ``Link: <http://127.0.0.1:PORT/api/models?…&cursor=…>; rel="next"`` — the Hub's
  paging. The cursor is opaque base64 (the Hub's is too).
- ``GET /api/models/{namespace}/{name}`` answers the full record (a ``model_info`` body).
- Faults are injected per page index (0-based) and consumed in order, one per request of that page: ``"429"``
  (with ``Retry-After``), ``"429-ratelimit"`` (with the Hub's IETF ``RateLimit: "api";r=0;t=N`` header
  instead), ``"last-in-window"`` (a good page whose ``RateLimit`` says ``r=0``), ``"500"``, ``"drop"`` (close
  the connection without answering), ``"truncate"`` (promise the full ``Content-Length``, send half, close),
  ``"truncate-gzip"`` (the same with a gzip-encoded body) and ``"truncate-nolength"`` (half a body without a
  length), ``"hang"`` (answer nothing until :meth:`release` — lets a test kill a client mid-sync) and
  ``"self-link"`` (a page whose next link is itself).

Records come from the real API bodies in ``fixtures/hf_model_info/`` and the real DeepSeek-R1 records
(``ModelInfo`` dumps turned back into API form by :func:`modelinfo_dump_to_api`).
"""

from __future__ import annotations

import base64
import csv
import json
import sys
import threading
from functools import partial
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import yaml

from loopback import LoopbackServer, send


def fixture_records(shared_data: Path) -> list[dict[str, Any]]:
    """The real ``GET /api/models/{id}`` bodies that carry model metadata (not the expand-only ones)."""
    folder = shared_data / "fixtures" / "hf_model_info"
    records = []
    for path in sorted(folder.glob("*.json")):
        body = json.loads(path.read_text(encoding="utf-8"))
        if "author" in body:
            records.append(body)
    return records


def _api_time(value: str | None) -> str | None:
    """``2025-03-27 04:01:59+00:00`` (ModelInfo's datetime) → ``2025-03-27T04:01:59.000Z`` (the API's)."""
    if not value:
        return None
    date, _, rest = value.partition(" ")
    time_part = rest.split("+")[0]
    if "." in time_part:
        main, frac = time_part.split(".")
        time_part = f"{main}.{frac[:3]:0<3}"
    else:
        time_part += ".000"
    return f"{date}T{time_part}Z"


def modelinfo_dump_to_api(dump: dict[str, Any]) -> dict[str, Any]:
    """A ModelInfo JSON dump (snake_case, YAML card data) in the Hub API's form (camelCase, card object)."""
    card_yaml = dump.get("card_data")
    card = yaml.safe_load(card_yaml) if card_yaml else None
    if card is not None:
        card = json.loads(json.dumps(card, default=str))
    api = {
        "_id": dump.get("_id"),
        "id": dump["id"],
        "modelId": dump["id"],
        "author": dump.get("author"),
        "sha": dump.get("sha"),
        "lastModified": _api_time(dump.get("last_modified")),
        "createdAt": _api_time(dump.get("created_at")),
        "private": dump.get("private"),
        "disabled": dump.get("disabled"),
        "gated": dump.get("gated"),
        "downloads": dump.get("downloads"),
        "likes": dump.get("likes"),
        "library_name": dump.get("library_name"),
        "tags": dump.get("tags"),
        "pipeline_tag": dump.get("pipeline_tag"),
    }
    if dump.get("downloads_all_time") is not None:
        api["downloadsAllTime"] = dump["downloads_all_time"]
    if card is not None:
        api["cardData"] = card
    return {k: v for k, v in api.items() if v is not None}


def deepseek_dumps(shared_data: Path) -> list[dict[str, Any]]:
    """The 225 ModelInfo dumps of ``hf-deepseek-r1-tree/model-info-2025-04-10.csv``."""
    csv.field_size_limit(sys.maxsize)
    path = shared_data / "ecosystem" / "hf-deepseek-r1-tree" / "model-info-2025-04-10.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        return [json.loads(row["metadata"]) for row in csv.DictReader(handle)]


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"$offset": offset}).encode()).decode().rstrip("=")


def _offset(cursor: str) -> int:
    padded = cursor + "=" * (-len(cursor) % 4)
    return int(json.loads(base64.urlsafe_b64decode(padded))["$offset"])


#: The Hub answers JSON in UTF-8 (``Content-Type: application/json; charset=utf-8``).
_send_json = partial(send, content_type="application/json; charset=utf-8")


class ReplayHub(LoopbackServer):
    """``with ReplayHub(records, page_size=10, faults={1: ["429"]}) as hub: hub.endpoint``."""

    def __init__(
        self,
        records: list[dict[str, Any]],
        page_size: int = 50,
        faults: dict[int, list[str]] | None = None,
        retry_after: str = "1",
    ):
        super().__init__()
        self.records = records
        self.page_size = page_size
        self.faults = {k: list(v) for k, v in (faults or {}).items()}
        self.retry_after = retry_after
        self.requests: list[dict[str, Any]] = []  # path, headers of every request received
        self.pages_served: list[int] = []
        self._lock = threading.Lock()

    # -- lifecycle: LoopbackServer (``with``, ``endpoint``, ``release`` lets hung requests end) -------
    def requested_pages(self) -> list[int]:
        """Page indexes of the listing requests received so far (faulty ones included)."""
        out = []
        for request in list(self.requests):
            query = parse_qs(urlparse(request["path"]).query)
            if urlparse(request["path"]).path == "/api/models":
                size = min(int(query.get("limit", [self.page_size])[0]), self.page_size)
                out.append((_offset(query["cursor"][0]) if "cursor" in query else 0) // size)
        return out

    # -- responses ------------------------------------------------------------------------------
    def handle_get(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlparse(handler.path)
        with self._lock:
            self.requests.append({"path": handler.path, "headers": dict(handler.headers)})
        if url.path == "/api/models":
            self._list(handler, parse_qs(url.query))
        elif url.path.startswith("/api/models/"):
            repo_id = url.path[len("/api/models/") :]
            match = [r for r in self.records if r["id"] == repo_id]
            if match:
                _send_json(handler, 200, json.dumps(match[0]).encode())
            else:
                _send_json(handler, 404, b'{"error":"Repository not found"}')
        else:
            _send_json(handler, 404, b'{"error":"not found"}')

    def _list(self, handler: BaseHTTPRequestHandler, query: dict[str, list[str]]) -> None:
        selected = self.records
        if "author" in query:
            selected = [r for r in selected if r.get("author") == query["author"][0]]
        if "pipeline_tag" in query:
            selected = [r for r in selected if r.get("pipeline_tag") == query["pipeline_tag"][0]]
        size = min(int(query.get("limit", [self.page_size])[0]), self.page_size)
        offset = _offset(query["cursor"][0]) if "cursor" in query else 0
        page_index = offset // size
        with self._lock:
            fault = self.faults.get(page_index, []).pop(0) if self.faults.get(page_index) else None
        expand = query.get("expand", [])
        items = [
            {"_id": r.get("_id"), "id": r["id"], **{k: r[k] for k in expand if k in r}}
            for r in selected[offset : offset + size]
        ]
        body = json.dumps(items).encode()
        headers = {}
        if offset + size < len(selected):
            params = [(k, v) for k, values in query.items() if k != "cursor" for v in values]
            params.append(("cursor", _cursor(offset + size)))
            headers["Link"] = f'<{self.endpoint}/api/models?{urlencode(params)}>; rel="next"'
        policy = {"RateLimit-Policy": '"fixed window";"api";q=500;w=300'}
        if fault == "429":
            _send_json(handler, 429, b'{"error":"rate limited"}', {"Retry-After": self.retry_after})
        elif fault == "429-ratelimit":  # the Hub's IETF draft headers only, no Retry-After
            _send_json(
                handler,
                429,
                b'{"error":"rate limited"}',
                {"RateLimit": f'"api";r=0;t={self.retry_after}', **policy},
            )
        elif fault == "last-in-window":  # a good answer that says the window is used up
            with self._lock:
                self.pages_served.append(page_index)
            _send_json(
                handler, 200, body, {**headers, "RateLimit": f'"api";r=0;t={self.retry_after}', **policy}
            )
        elif fault == "500":
            _send_json(handler, 500, b'{"error":"Internal Error"}')
        elif fault == "self-link":  # a broken server: the next page is this page again
            headers["Link"] = f'<{self.endpoint}{handler.path}>; rel="next"'
            _send_json(handler, 200, body, headers)
        elif fault == "hang":
            self.released.wait(timeout=60)
            handler.close_connection = True
        elif fault == "drop":
            handler.close_connection = True
        elif fault == "truncate":
            _send_json(handler, 200, body, headers, cut=len(body) // 2)
        elif fault == "truncate-gzip":  # a compressed body (as the Hub sends) cut short
            import gzip

            packed = gzip.compress(body)
            _send_json(handler, 200, packed, {**headers, "Content-Encoding": "gzip"}, cut=len(packed) // 2)
        elif fault == "truncate-nolength":
            _send_json(handler, 200, body, headers, cut=len(body) // 2, length=False)
        else:
            with self._lock:
                self.pages_served.append(page_index)
            _send_json(handler, 200, body, headers)
