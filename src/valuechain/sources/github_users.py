"""GitHub user objects (``GET /users/{login}``) into the store: from the REST API or a JSON-lines file.

Tables (namespace ``github_users``, :data:`USERS_SCHEMA`):

- ``gh_users``: one row per user record seen (never updated in place): ``login, id, type, name,
  location, company, created_at, updated_at, seq`` plus provenance ``source`` (the API URL or the file)
  and ``fetched_at``. ``seq`` is the order of arrival.
- ``gh_users_latest``: one row per login (GitHub logins are case-insensitive, so per ``lower(login)``):
  the most recent record wins — latest ``updated_at``, then latest ``fetched_at``, then latest arrival.
- ``gh_users_missing``: logins the API answered 404 for, so that a resumed sync never asks twice.

:func:`sync_users` asks the API for each login not yet stored, one request per login, each answer
committed on its own: a killed sync resumes where it stopped and asks for each user once. The token
comes from ``GITHUB_TOKEN`` (sent only as a request header, masked in every message). The primary rate
limit (5,000 requests an hour with a token, 60 without) is read from the ``X-RateLimit-Remaining`` and
``X-RateLimit-Reset`` headers of every answer: when none remain, the sync waits until the reset (up to
``max_wait`` seconds) or stops, saying when to resume. A 403/429 rate-limit answer is handled the same
way; a secondary-limit answer with ``Retry-After`` waits that long. Retries of transient failures are
:class:`valuechain.sources.http.HttpClient`'s.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from valuechain.errors import InputError, SourceError
from valuechain.sources.fields import text_or_none
from valuechain.sources.http import HttpClient, parse_retry_after
from valuechain.store import PROVENANCE_COLUMNS, Schema, Store, utcnow

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import requests

API_URL = "https://api.github.com"
USER_COLUMNS = ("login", "id", "type", "name", "location", "company", "created_at", "updated_at")

USERS_SCHEMA = Schema(
    "github_users",
    migrations=(
        (
            f"""CREATE TABLE gh_users (
                login VARCHAR NOT NULL, id BIGINT, type VARCHAR, name VARCHAR, location VARCHAR,
                company VARCHAR, created_at TIMESTAMP, updated_at TIMESTAMP, seq BIGINT NOT NULL,
                {PROVENANCE_COLUMNS})""",
            f"""CREATE TABLE gh_users_missing (
                login VARCHAR NOT NULL, status VARCHAR NOT NULL, {PROVENANCE_COLUMNS})""",
            """CREATE VIEW gh_users_latest AS
                SELECT * EXCLUDE (_rank) FROM (
                    SELECT *, row_number() OVER (PARTITION BY lower(login)
                        ORDER BY updated_at DESC NULLS LAST, fetched_at DESC, seq DESC) AS _rank
                    FROM gh_users) WHERE _rank = 1""",
        ),
    ),
)

LATEST_RULE = (
    "one record per login (case-insensitive): the most recent wins (updated_at, then fetched_at, "
    "then arrival order)"
)


def _timestamp(value: Any) -> datetime | None:
    """An ISO 8601 timestamp (``2013-05-17T11:20:54Z``) as naive UTC, or None when absent or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def user_row(record: dict[str, Any]) -> dict[str, Any]:
    """The stored columns of one GitHub user object (unreadable fields become NULL)."""
    raw_id = record.get("id")
    return {
        "login": record["login"],
        "id": raw_id if isinstance(raw_id, int) and not isinstance(raw_id, bool) else None,
        "type": text_or_none(record.get("type")),
        "name": text_or_none(record.get("name")),
        "location": text_or_none(record.get("location")),
        "company": text_or_none(record.get("company")),
        "created_at": _timestamp(record.get("created_at")),
        "updated_at": _timestamp(record.get("updated_at")),
    }


def read_users_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """The user objects of a JSON-lines file (one object with a string ``login`` per line; blank lines
    skipped). A line that is not such an object is an :class:`InputError` naming the file and line."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"The users file {path} does not exist.")
    records = []
    try:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except ValueError:
                    raise InputError(f"Line {number} of the users file {path} is not JSON.") from None
                if (
                    not isinstance(record, dict)
                    or not isinstance(record.get("login"), str)
                    or not record["login"].strip()
                ):
                    raise InputError(
                        f"Line {number} of the users file {path} is not a GitHub user object with a login."
                    )
                records.append(record)
    except UnicodeDecodeError:
        raise InputError(f"The users file {path} is not UTF-8 text.") from None
    return records


def _next_seq(store: Store) -> int:
    rows = store.con.execute("SELECT coalesce(max(seq), 0) FROM gh_users").fetchall()
    return int(rows[0][0]) + 1


def _insert_users(store: Store, rows: list[dict[str, Any]], source: str, fetched_at: datetime) -> int:
    """Append ``rows`` not already stored identically (same login and fields); returns rows written."""
    import pandas as pd

    if not rows:
        return 0
    frame = pd.DataFrame(rows, columns=list(USER_COLUMNS))
    frame["id"] = frame["id"].astype("Int64")
    for column in ("created_at", "updated_at"):
        frame[column] = pd.to_datetime(frame[column])
    frame = frame.drop_duplicates()
    first = _next_seq(store)
    frame["seq"] = range(first, first + len(frame))
    frame["source"] = source
    frame["fetched_at"] = fetched_at
    store.con.register("_incoming_users", frame)
    try:
        with store.transaction() as con:
            before = con.execute("SELECT count(*) FROM gh_users").fetchall()[0][0]
            con.execute(
                "INSERT INTO gh_users SELECT i.login, i.id, i.type, i.name, i.location, i.company, "
                "i.created_at, i.updated_at, i.seq, i.source, i.fetched_at FROM _incoming_users i WHERE NOT "
                "EXISTS (SELECT 1 FROM gh_users u WHERE lower(u.login) = lower(i.login) AND u.id IS NOT "
                "DISTINCT FROM i.id AND u.type IS NOT DISTINCT FROM i.type AND u.name IS NOT DISTINCT FROM "
                "i.name AND u.location IS NOT DISTINCT FROM i.location AND u.company IS NOT DISTINCT FROM "
                "i.company AND u.created_at IS NOT DISTINCT FROM i.created_at AND u.updated_at IS NOT "
                "DISTINCT FROM i.updated_at)"
            )
            after = con.execute("SELECT count(*) FROM gh_users").fetchall()[0][0]
    finally:
        store.con.unregister("_incoming_users")
    return int(after - before)


def load_users_jsonl(store: Store, path: str | Path) -> int:
    """Store the user objects of a JSON-lines file in one transaction; returns the rows written.

    Loading the same file again writes nothing (records identical to stored ones are skipped)."""
    records = read_users_jsonl(path)
    store.ensure(USERS_SCHEMA)
    return _insert_users(store, [user_row(r) for r in records], f"file:{Path(path).resolve()}", utcnow())


def latest_users(store: Store) -> pd.DataFrame:
    """The ``gh_users_latest`` view (empty frame with the columns when nothing is stored)."""
    store.ensure(USERS_SCHEMA)
    return store.query("SELECT * FROM gh_users_latest ORDER BY lower(login)")


def bot_logins(store: Store) -> set[str]:
    """Lower-case logins whose latest user record has ``type == "Bot"``."""
    store.ensure(USERS_SCHEMA)
    rows = store.con.execute("SELECT lower(login) FROM gh_users_latest WHERE type = 'Bot'").fetchall()
    return {row[0] for row in rows}


# -- the REST API -----------------------------------------------------------------------------------------


class RateLimited(Exception):
    """The rate limit is used up and waiting is not allowed (or too long)."""

    def __init__(self, reset_at: float | None):
        super().__init__("rate limit reached")
        self.reset_at = reset_at


@dataclass
class SyncResult:
    """What one ``sync_users`` run did."""

    to_fetch: int
    fetched: int = 0
    not_found: int = 0
    already_stored: int = 0
    remaining: int = 0
    requests: int = 0
    waited_seconds: float = 0.0
    stopped_at_rate_limit: bool = False
    resume_after: str | None = None  # ISO UTC time when the rate limit resets
    source: str = API_URL
    logins_not_found: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "to_fetch": self.to_fetch,
            "fetched": self.fetched,
            "not_found": self.not_found,
            "already_stored": self.already_stored,
            "remaining": self.remaining,
            "requests": self.requests,
            "waited_seconds": round(self.waited_seconds, 3),
            "stopped_at_rate_limit": self.stopped_at_rate_limit,
            "resume_after": self.resume_after,
            "source": self.source,
        }


class GitHubUsersClient:
    """``GET /users/{login}`` with the rate limit read from ``X-RateLimit-*`` headers."""

    def __init__(
        self,
        base_url: str = API_URL,
        *,
        http: HttpClient | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        wait_for_reset: bool = True,
        max_wait: float = 3700.0,
        rate_per_second: float | None = 10.0,
        backoff_base: float = 0.5,
    ):
        self.base_url = base_url.rstrip("/")
        self.http = http or HttpClient(
            service="the GitHub API",
            token_variable="GITHUB_TOKEN",
            rate_per_second=rate_per_second,
            backoff_base=backoff_base,
            sleep=sleep,
            headers={"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"},
        )
        self.clock, self.sleep = clock, sleep
        self.wait_for_reset, self.max_wait = wait_for_reset, max_wait
        self.remaining: int | None = None
        self.reset_at: float | None = None
        self.last_status: int | None = None
        self.last_retry_after: float | None = None
        self.requests = 0
        self.waited = 0.0
        self.http.session.hooks["response"].append(self._remember)

    def _remember(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        """A requests response hook: keep the status and the rate-limit headers of every answer."""
        self.requests += 1
        self.last_status = response.status_code
        headers = response.headers
        remaining, reset = headers.get("X-RateLimit-Remaining"), headers.get("X-RateLimit-Reset")
        if remaining is not None and remaining.strip().isdigit():
            self.remaining = int(remaining)
        if reset is not None and reset.strip().isdigit():
            self.reset_at = float(reset)
        self.last_retry_after = parse_retry_after(headers.get("Retry-After"))

    def _wait_for_window(self) -> None:
        if self.remaining != 0 or self.reset_at is None:
            return
        wait = self.reset_at - self.clock() + 1.0
        if wait <= 0:
            self.remaining = None
            return
        if not self.wait_for_reset or wait > self.max_wait:
            raise RateLimited(self.reset_at)
        self.sleep(wait)
        self.waited += wait
        self.remaining = None

    def user(self, login: str) -> dict[str, Any] | None:
        """The user object of ``login``, or None when GitHub answers 404."""
        url = f"{self.base_url}/users/{quote(login, safe='')}"
        for _ in range(5):
            self._wait_for_window()
            try:
                _, data = self.http.get_json(url)
            except InputError:
                if self.last_status == 404:
                    return None
                raise
            except SourceError:
                if self.last_status in (403, 429):
                    if self.remaining == 0 and self.reset_at is not None:
                        continue  # primary limit: wait for the reset (or stop) and ask again
                    if self.last_retry_after is not None:  # secondary limit
                        if not self.wait_for_reset or self.last_retry_after > self.max_wait:
                            raise RateLimited(self.clock() + self.last_retry_after) from None
                        self.sleep(self.last_retry_after)
                        self.waited += self.last_retry_after
                        continue
                raise
            if not isinstance(data, dict) or not isinstance(data.get("login"), str):
                raise SourceError(f"The GitHub API answered {url} with something that is not a user object.")
            return data
        raise SourceError(f"The GitHub API kept refusing {url} for its rate limit after several waits.")

    def close(self) -> None:
        self.http.close()


def pending_logins(store: Store, logins: Iterable[str]) -> tuple[list[str], int]:
    """Logins (first spelling, in order, de-duplicated case-insensitively) not stored yet, and how many
    were."""
    store.ensure(USERS_SCHEMA)
    done = {
        row[0]
        for row in store.con.execute(
            "SELECT lower(login) FROM gh_users UNION SELECT lower(login) FROM gh_users_missing"
        ).fetchall()
    }
    seen: set[str] = set()
    pending: list[str] = []
    already = 0
    for login in logins:
        lowered = login.lower()
        if lowered in seen:
            continue
        seen.add(lowered)
        if lowered in done:
            already += 1
        else:
            pending.append(login)
    return pending, already


def panel_logins(store: Store) -> list[str]:
    """The actors of the store's ``gh_events`` (engagement's table), most active first, bots excluded."""
    if not store.has_table("gh_events"):
        raise InputError(
            f"The store {store.path or ':memory:'} has no GH Archive events (table gh_events); run "
            "`valuechain engagement ingest` first."
        )
    rows = store.con.execute(
        "SELECT any_value(actor_login) AS login, count(*) AS n FROM gh_events "
        "WHERE actor_login IS NOT NULL AND NOT lower(actor_login) LIKE '%[bot]' "
        "GROUP BY lower(actor_login) ORDER BY n DESC, lower(actor_login)"
    ).fetchall()
    return [row[0] for row in rows]


def sync_users(
    store: Store,
    logins: Iterable[str] | None = None,
    *,
    client: GitHubUsersClient | None = None,
    base_url: str = API_URL,
    limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SyncResult:
    """Fetch the user objects of ``logins`` (default: the panel's actors) not yet stored, each committed
    as it arrives. ``limit`` caps the requests of this run. Stops (resumably) at the rate limit when
    waiting is not allowed; ``result.resume_after`` says when to run again."""
    if limit is not None and limit < 0:
        raise InputError(f"The limit {limit} must be zero or more.")
    store.ensure(USERS_SCHEMA)
    wanted = list(logins) if logins is not None else panel_logins(store)
    pending, already = pending_logins(store, wanted)
    batch = pending if limit is None else pending[:limit]
    own_client = client is None
    client = client or GitHubUsersClient(base_url)
    result = SyncResult(to_fetch=len(batch), already_stored=already, source=client.base_url)
    try:
        for index, login in enumerate(batch):
            try:
                record = client.user(login)
            except RateLimited as stop:
                result.stopped_at_rate_limit = True
                if stop.reset_at is not None:
                    result.resume_after = datetime.fromtimestamp(stop.reset_at, UTC).isoformat()
                break
            now = utcnow()
            url = f"{client.base_url}/users/{quote(login, safe='')}"
            if record is None:
                with store.transaction() as con:
                    con.execute(
                        "INSERT INTO gh_users_missing VALUES (?, 'not_found', ?, ?)", [login, url, now]
                    )
                result.not_found += 1
                result.logins_not_found.append(login)
            else:
                _insert_users(store, [user_row(record)], url, now)
                result.fetched += 1
            if progress:
                progress(index + 1, len(batch))
    finally:
        result.requests = client.requests
        result.waited_seconds = client.waited
        if own_client:
            client.close()
    result.remaining = len(pending) - result.fetched - result.not_found
    return result
