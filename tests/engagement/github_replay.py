"""A local HTTP server replaying GitHub's ``GET /users/{login}`` with real user objects.

- Records are the real API bodies in ``fixtures/github_users/pygithub_user_objects.jsonl`` (the latest
  record of each login, compared case-insensitively as GitHub does); an unknown login answers 404 with
  GitHub's body ``{"message": "Not Found", ...}``.
- Every answer carries GitHub's primary rate-limit headers (``X-RateLimit-Limit``,
  ``X-RateLimit-Remaining``, ``X-RateLimit-Used``, ``X-RateLimit-Reset`` as epoch seconds,
  ``X-RateLimit-Resource: core``). With ``budget=N`` the window allows N requests; past it, GitHub's
  403 ``API rate limit exceeded`` answer with ``X-RateLimit-Remaining: 0``. The window resets
  ``window`` seconds after the first request (on the server's clock, or a test's ``clock``).
- ``faults``: per request number (0-based), ``"403-secondary"`` (403 with ``Retry-After``), ``"500"``,
  ``"hang"`` (no answer until :meth:`release`, to kill a client mid-sync).
- The ``Authorization`` header of each request is recorded (tests check the token travels only there).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from loopback import LoopbackServer, send


def fixture_users(shared_data: Path) -> list[dict[str, Any]]:
    path = shared_data / "fixtures" / "github_users" / "pygithub_user_objects.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def latest_by_login(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The record with the latest ``updated_at`` per lower-cased login (later lines win ties)."""
    out: dict[str, dict[str, Any]] = {}
    for record in records:
        key = record["login"].lower()
        stamp = record.get("updated_at") if isinstance(record.get("updated_at"), str) else ""
        old = out.get(key)
        old_stamp = old.get("updated_at") if old and isinstance(old.get("updated_at"), str) else ""
        if old is None or stamp >= old_stamp:
            out[key] = record
    return out


class ReplayGitHub(LoopbackServer):
    """``with ReplayGitHub(records, budget=10) as gh: gh.endpoint``."""

    def __init__(
        self,
        records: list[dict[str, Any]],
        budget: int = 5000,
        window: float = 3600.0,
        faults: dict[int, str] | None = None,
        clock: Callable[[], float] = time.time,
    ):
        super().__init__()
        self.users = latest_by_login(records)
        self.budget, self.window, self.clock = budget, window, clock
        self.faults = dict(faults or {})
        self.used = 0
        self.reset_at: float | None = None
        self.requests: list[dict[str, Any]] = []
        self.answered: list[str] = []  # logins answered 200
        self._lock = threading.Lock()

    def _limit_headers(self) -> dict[str, str]:
        assert self.reset_at is not None
        return {
            "X-RateLimit-Limit": str(self.budget),
            "X-RateLimit-Remaining": str(max(0, self.budget - self.used)),
            "X-RateLimit-Used": str(self.used),
            "X-RateLimit-Reset": str(int(self.reset_at)),
            "X-RateLimit-Resource": "core",
        }

    def handle_get(self, handler: BaseHTTPRequestHandler) -> None:
        path = urlparse(handler.path).path
        with self._lock:
            number = len(self.requests)
            self.requests.append({"path": handler.path, "headers": dict(handler.headers)})
            fault = self.faults.pop(number, None)
            now = self.clock()
            if self.reset_at is None or now >= self.reset_at:
                self.reset_at = now + self.window
                self.used = 0
            limited = self.used >= self.budget
            if not limited and fault is None:
                self.used += 1
            headers = self._limit_headers()
        if fault == "hang":
            self.released.wait(timeout=60)
            handler.close_connection = True
            return
        if fault == "500":
            self._send(handler, 500, {"message": "Server Error"}, headers)
            return
        if fault == "403-secondary":
            self._send(
                handler,
                403,
                {"message": "You have exceeded a secondary rate limit."},
                {**headers, "Retry-After": "1"},
            )
            return
        if limited:
            self._send(
                handler,
                403,
                {
                    "message": "API rate limit exceeded for 127.0.0.1. (But here's the good news: "
                    "Authenticated requests get a higher rate limit.)",
                    "documentation_url": "https://docs.github.com/rest/overview/resources-in-the-rest-api"
                    "#rate-limiting",
                },
                headers,
            )
            return
        if not path.startswith("/users/"):
            self._send(handler, 404, {"message": "Not Found"}, headers)
            return
        login = unquote(path[len("/users/") :])
        record = self.users.get(login.lower())
        if record is None:
            self._send(
                handler,
                404,
                {
                    "message": "Not Found",
                    "documentation_url": "https://docs.github.com/rest/users/users#get-a-user",
                    "status": "404",
                },
                headers,
            )
            return
        with self._lock:
            self.answered.append(login)
        self._send(handler, 200, record, headers)

    @staticmethod
    def _send(
        handler: BaseHTTPRequestHandler, status: int, body: dict[str, Any], headers: dict[str, str]
    ) -> None:
        send(
            handler,
            status,
            json.dumps(body).encode(),
            headers,
            content_type="application/json; charset=utf-8",
        )
