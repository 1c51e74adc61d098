"""GH Archive events into the store: filtered to the engagement event types, bots dropped, deduplicated.

:func:`ingest` reads hourly files with DuckDB (:mod:`valuechain.sources.gharchive`), one file at a time
into a temporary staging table of seven small columns, then writes the kept events to ``gh_events`` in
one transaction (all files or none). The rules, in order:

1. a line that is not a JSON event object is *unparseable*, an event without ``id``, ``type``,
   ``actor.id``, ``actor.login``, ``repo.id``, ``repo.name`` or a parseable ``created_at`` has *missing
   fields*: both are skipped and counted;
2. only :data:`KEPT_TYPES` are kept;
3. bots are dropped: logins ending in ``[bot]``, logins whose ``--users`` object has ``type: Bot``, and
   actors with more than ``activity_cutoff`` events (of any type, on any repository) in one UTC hour.
   GH Archive actors carry no ``type``, hence the three rules. Bots are listed in ``gh_bots`` and their
   events are removed from the store too (an actor found to be a bot in a later file loses its earlier
   events), so the store never depends on the order of ingestion;
4. with a repository set, only events on its repositories (matched by id; names are resolved to ids
   through the events that carry them);
5. each event id is kept once: within the files and against the store. Ingesting the same files twice
   changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from valuechain.errors import InputError
from valuechain.store import PROVENANCE_COLUMNS, Schema, Store, utcnow

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from valuechain.engagement.repos import RepoSet

#: Event types kept: forks, stars (WatchEvent), issues, pull requests, pushes, comments, creations.
KEPT_TYPES: tuple[str, ...] = (
    "ForkEvent",
    "WatchEvent",
    "IssuesEvent",
    "PullRequestEvent",
    "PushEvent",
    "IssueCommentEvent",
    "CreateEvent",
)

#: Default activity cut-off: more events than this in one UTC hour marks an account as automated.
#: (In the real hour 2015-01-01 12:00 the busiest account has 97 events, a mirror bot.)
DEFAULT_ACTIVITY_CUTOFF = 100

EVENTS_SCHEMA = Schema(
    "engagement",
    [
        [
            # event_id is unique by construction (the ingest deduplicates against the store); no PRIMARY KEY
            # index, whose upkeep would cost a third of the ingest time.
            "CREATE TABLE gh_events (event_id BIGINT NOT NULL, type VARCHAR NOT NULL, "
            "created_at TIMESTAMP NOT NULL, actor_id BIGINT NOT NULL, actor_login VARCHAR NOT NULL, "
            f"repo_id BIGINT NOT NULL, repo_name VARCHAR NOT NULL, {PROVENANCE_COLUMNS})",
            "CREATE TABLE gh_bots (file VARCHAR NOT NULL, actor_id BIGINT, actor_login VARCHAR NOT NULL, "
            f"reason VARCHAR NOT NULL, events BIGINT NOT NULL, {PROVENANCE_COLUMNS}, "
            "PRIMARY KEY (file, actor_login))",
            "CREATE TABLE gh_ingest_files (file VARCHAR NOT NULL, repo_filter VARCHAR NOT NULL, "
            "events_read BIGINT, unparseable BIGINT, missing_fields BIGINT, kept_types BIGINT, "
            "bots_dropped BIGINT, outside_repos BIGINT, kept BIGINT, "
            f"{PROVENANCE_COLUMNS}, PRIMARY KEY (file, repo_filter))",
        ]
    ],
)

_STAGE = "_gh_stage"
#: Files parsed per DuckDB scan (one scan reads its files in parallel).
FILES_PER_SCAN = 256


@dataclass
class IngestResult:
    """What an ingest read, skipped, dropped and kept (totals and per file)."""

    files: list[dict[str, Any]]
    events_read: int
    unparseable: int
    missing_fields: int
    by_type: dict[str, int]
    kept_types: int
    bots_dropped: int
    bots: list[dict[str, Any]]
    outside_repos: int
    duplicates: int
    kept: int
    inserted: int
    already_stored: int
    removed_from_store: int
    activity_cutoff: int
    repo_filter: str
    unresolved_repos: list[str] = field(default_factory=list)
    db: str = ""

    @property
    def skipped(self) -> int:
        return self.unparseable + self.missing_fields

    def summary(self) -> str:
        return (
            f"{self.events_read:,} events read from {len(self.files)} file(s); {self.kept:,} kept "
            f"({self.inserted:,} new, {self.already_stored:,} already stored); {self.skipped:,} skipped "
            f"({self.unparseable:,} not JSON events, {self.missing_fields:,} missing fields); "
            f"{self.bots_dropped:,} events of {len(self.bots)} bot account(s) dropped; "
            f"{self.outside_repos:,} outside the repository set; {self.duplicates:,} duplicate ids."
        )

    def tidy(self) -> pd.DataFrame:
        """One row per file with its counts."""
        import pandas as pd

        return pd.DataFrame(self.files)

    def to_dict(self) -> dict[str, Any]:
        return {
            "events_read": self.events_read,
            "kept": self.kept,
            "inserted": self.inserted,
            "already_stored": self.already_stored,
            "skipped": {
                "total": self.skipped,
                "unparseable": self.unparseable,
                "missing_fields": self.missing_fields,
            },
            "by_type": self.by_type,
            "kept_types": self.kept_types,
            "bots_dropped": self.bots_dropped,
            "bots": self.bots,
            "removed_from_store": self.removed_from_store,
            "activity_cutoff": self.activity_cutoff,
            "outside_repos": self.outside_repos,
            "duplicates": self.duplicates,
            "repo_filter": self.repo_filter,
            "unresolved_repos": self.unresolved_repos,
            "files": self.files,
            "db": self.db,
        }


def read_users_file(path: str | Path) -> list[dict[str, Any]]:
    """GitHub user objects from a JSON-lines file (:func:`valuechain.sources.github_users.read_users_jsonl`)."""
    from valuechain.sources.github_users import read_users_jsonl

    return read_users_jsonl(path)


def bot_logins(users: Iterable[dict[str, Any]]) -> set[str]:
    """Lower-cased logins whose user object says ``type: Bot``."""
    return {u["login"].lower() for u in users if str(u.get("type", "")).lower() == "bot"}


def ingest(
    store: Store,
    files: Sequence[str | Path],
    *,
    repos: RepoSet | None = None,
    users: Iterable[dict[str, Any]] | None = None,
    activity_cutoff: int = DEFAULT_ACTIVITY_CUTOFF,
    on_file: Any = None,
) -> IngestResult:
    """Ingest GH Archive ``files`` (paths, globs, directories) into ``store``; see the module docstring.

    ``repos``: a :class:`~valuechain.engagement.repos.RepoSet` (None: every repository);
    ``users``: GitHub user objects (their ``type: Bot`` marks bots); ``on_file(path)``: progress callback.
    Nothing is written unless every file was read.
    """
    from valuechain.sources.gharchive import resolve_files

    if activity_cutoff < 1:
        raise InputError(
            f"The activity cut-off {activity_cutoff} must be a positive number of events per hour."
        )
    paths = resolve_files(files)
    store.ensure(EVENTS_SCHEMA)
    con = store.con
    con.execute(f"DROP TABLE IF EXISTS {_STAGE}")
    con.execute(
        f"CREATE TEMP TABLE {_STAGE} (file VARCHAR, parsed BOOLEAN, event_id BIGINT, type VARCHAR, "
        "actor_id BIGINT, actor_login VARCHAR, repo_id BIGINT, repo_name VARCHAR, created_at TIMESTAMP, "
        "valid BOOLEAN)"
    )
    try:
        for start in range(0, len(paths), FILES_PER_SCAN):
            batch = paths[start : start + FILES_PER_SCAN]
            _stage_files(con, batch)
            if on_file is not None:
                for path in batch:
                    on_file(path)
        from valuechain.sources import github_users

        # Bots known from user objects: those given now, and the latest stored record of each login.
        known = bot_logins(users or []) | github_users.bot_logins(store)
        return _finish(store, paths, repos, known, activity_cutoff)
    finally:
        for name in ("_gh_kept", "_gh_valid", _STAGE, "_gh_bots_new", "_gh_user_bots", "_gh_repo_ids"):
            _drop(con, name)


def _drop(con: Any, name: str) -> None:
    """Drop the temporary view or table ``name`` if it exists."""
    kinds = con.execute(
        "SELECT 'VIEW' FROM duckdb_views() WHERE view_name = ? UNION ALL "
        "SELECT 'TABLE' FROM duckdb_tables() WHERE table_name = ?",
        [name, name],
    ).fetchall()
    for (kind,) in kinds:
        con.execute(f"DROP {kind} IF EXISTS {name}")


def _stage_files(con: Any, paths: list[Path]) -> None:
    """Parse ``paths`` (one DuckDB scan, files read in parallel) into the staging table."""
    import duckdb

    from valuechain.sources.gharchive import read_json_sql, truncation_point

    try:
        con.execute(
            f"INSERT INTO {_STAGE} SELECT *, parsed AND event_id IS NOT NULL AND type IS NOT NULL AND "
            "actor_id IS NOT NULL AND actor_login IS NOT NULL AND repo_id IS NOT NULL AND repo_name IS NOT NULL "
            "AND created_at IS NOT NULL FROM ("
            "SELECT filename, (id IS NOT NULL OR type IS NOT NULL OR actor IS NOT NULL OR repo IS NOT NULL OR "
            "created_at IS NOT NULL) AS parsed, try_cast(id AS BIGINT) AS event_id, type, actor.id AS actor_id, "
            "actor.login AS actor_login, repo.id AS repo_id, repo.name AS repo_name, "
            # GH Archive's own form first (fast), any other ISO 8601 time with an offset second.
            "coalesce(try_strptime(created_at, '%Y-%m-%dT%H:%M:%SZ'), "
            "timezone('UTC', try_cast(created_at AS TIMESTAMPTZ))) AS created_at "
            f"FROM {read_json_sql(paths)})"
        )
    except duckdb.Error as exc:
        text = str(exc)
        for path in paths:
            if path.name.endswith(".gz") and ("gzip" in text.lower() or "zlib" in text.lower()):
                lines, size, broken = truncation_point(path)
                if broken:
                    raise InputError(
                        f"The file {path} is a truncated or damaged gzip: it breaks after {lines:,} complete "
                        f"lines ({size:,} bytes decompressed); nothing was ingested."
                    ) from None
        first = (text.strip().splitlines() or [type(exc).__name__])[0][:200]
        names = (
            str(paths[0])
            if len(paths) == 1
            else f"{paths[0]} (or one of the {len(paths)} files read with it)"
        )
        raise InputError(f"The file {names} could not be read as GH Archive JSON lines ({first}).") from None


def _repo_filter_label(repos: RepoSet | None) -> str:
    if repos is None:
        return "all"
    digest = hashlib.sha1("\n".join(sorted(repos.keys())).encode()).hexdigest()[:12]
    return f"{repos.name}:{digest}"


def _finish(
    store: Store, paths: list[Path], repos: RepoSet | None, user_bots: set[str], activity_cutoff: int
) -> IngestResult:
    import pandas as pd

    con = store.con
    kept_list = ", ".join(f"'{t}'" for t in KEPT_TYPES)
    con.execute(f"CREATE TEMP VIEW _gh_valid AS SELECT * FROM {_STAGE} WHERE valid")
    con.register("_gh_user_bots_df", pd.DataFrame({"login": sorted(user_bots)}, dtype=object))
    con.execute(
        "CREATE TEMP TABLE _gh_user_bots AS SELECT CAST(login AS VARCHAR) AS login FROM _gh_user_bots_df"
    )
    con.unregister("_gh_user_bots_df")
    # Bots of this ingest, one reason each (login pattern, then the users file, then activity).
    con.execute(
        "CREATE TEMP TABLE _gh_bots_new AS "
        "WITH flagged AS ("
        "  SELECT actor_id, actor_login, 'login' AS reason, 1 AS rank FROM _gh_valid "
        "  WHERE lower(actor_login) LIKE '%[bot]' "
        "  UNION ALL SELECT actor_id, actor_login, 'users-type', 2 FROM _gh_valid "
        "  WHERE lower(actor_login) IN (SELECT login FROM _gh_user_bots) "
        "  UNION ALL SELECT actor_id, any_value(actor_login), 'activity', 3 FROM _gh_valid "
        "  GROUP BY actor_id, date_trunc('hour', created_at) HAVING count(*) > ?"
        "  UNION ALL SELECT actor_id, actor_login, 'store', 4 FROM gh_bots WHERE actor_id IS NOT NULL"
        ") SELECT actor_id, arg_min(actor_login, rank) AS actor_login, arg_min(reason, rank) AS reason "
        "FROM flagged GROUP BY actor_id",
        [activity_cutoff],
    )
    stats = con.execute(
        f"SELECT file, type, count(*) AS events_read, count(*) FILTER (WHERE NOT parsed) AS unparseable, "
        f"count(*) FILTER (WHERE parsed AND NOT valid) AS missing_fields FROM {_STAGE} GROUP BY file, type"
    ).df()
    events_read, unparseable = int(stats["events_read"].sum()), int(stats["unparseable"].sum())
    missing_fields = int(stats["missing_fields"].sum())
    typed = stats.dropna(subset=["type"]).groupby("type")["events_read"].sum()
    by_type = {str(k): int(v) for k, v in sorted(typed.items(), key=lambda kv: (-kv[1], kv[0]))}
    per_file = stats.groupby("file")[["events_read", "unparseable", "missing_fields"]].sum()
    # The repository set: ids given, plus ids of the events carrying a listed name (in the files or store).
    unresolved: list[str] = []
    if repos is not None:
        ids = set(repos.ids())
        names = repos.names_without_id()
        if names:
            con.register("_gh_names_df", pd.DataFrame({"name": sorted(names)}, dtype=object))
            found = con.execute(
                "SELECT DISTINCT lower(repo_name), repo_id FROM (SELECT repo_name, repo_id FROM _gh_valid "
                "UNION ALL SELECT repo_name, repo_id FROM gh_events) "
                "WHERE lower(repo_name) IN (SELECT CAST(name AS VARCHAR) FROM _gh_names_df)"
            ).fetchall()
            con.unregister("_gh_names_df")
            ids.update(int(repo_id) for _, repo_id in found)
            unresolved = sorted(names - {name for name, _ in found})
        con.register("_gh_repo_ids_df", pd.DataFrame({"repo_id": sorted(ids)}, dtype="int64"))
        con.execute("CREATE TEMP TABLE _gh_repo_ids AS SELECT repo_id FROM _gh_repo_ids_df")
        con.unregister("_gh_repo_ids_df")
        in_set = "repo_id IN (SELECT repo_id FROM _gh_repo_ids)"
    else:
        in_set = "TRUE"
    # One row per event id. GH Archive repeats an event byte for byte, so any copy will do; when no id
    # repeats (the usual case, checked on the ids alone) the candidates are kept as they are.
    candidates = (
        f"FROM _gh_valid WHERE type IN ({kept_list}) AND actor_id NOT IN (SELECT actor_id FROM "
        f"_gh_bots_new) AND {in_set}"
    )
    repeated = _one(con, f"SELECT count(*) - count(DISTINCT event_id) {candidates}")[0]
    if repeated:
        con.execute(
            "CREATE TEMP TABLE _gh_kept AS SELECT event_id, any_value(type) AS type, min(created_at) AS created_at, "
            "any_value(actor_id) AS actor_id, any_value(actor_login) AS actor_login, any_value(repo_id) AS repo_id, "
            f"any_value(repo_name) AS repo_name, min(file) AS file {candidates} GROUP BY event_id"
        )
    else:
        con.execute(
            "CREATE TEMP VIEW _gh_kept AS SELECT event_id, type, created_at, actor_id, actor_login, repo_id, "
            f"repo_name, file {candidates}"
        )
    kept_stats = (
        con.execute(
            "SELECT file, count(*) AS kept_types, "
            "count(*) FILTER (WHERE actor_id IN (SELECT actor_id FROM _gh_bots_new)) AS bots_dropped, "
            f"count(*) FILTER (WHERE actor_id NOT IN (SELECT actor_id FROM _gh_bots_new) AND NOT ({in_set})) "
            "AS outside_repos "
            f"FROM _gh_valid WHERE type IN ({kept_list}) GROUP BY file"
        )
        .df()
        .set_index("file")
    )
    kept_per_file = (
        con.execute("SELECT file, count(*) AS kept FROM _gh_kept GROUP BY file").df().set_index("file")
    )
    bots_per_file = con.execute(
        "SELECT v.file, b.actor_id, b.actor_login, b.reason, count(*) AS events FROM _gh_valid v "
        f"JOIN _gh_bots_new b USING (actor_id) WHERE v.type IN ({kept_list}) "
        "GROUP BY ALL ORDER BY events DESC, b.actor_login"
    ).df()
    kept_types = int(kept_stats["kept_types"].sum()) if len(kept_stats) else 0
    bots_dropped = int(kept_stats["bots_dropped"].sum()) if len(kept_stats) else 0
    outside = int(kept_stats["outside_repos"].sum()) if len(kept_stats) else 0
    kept = _one(con, "SELECT count(*) FROM _gh_kept")[0]
    duplicates = kept_types - bots_dropped - outside - kept
    already = _one(con, "SELECT count(*) FROM _gh_kept WHERE event_id IN (SELECT event_id FROM gh_events)")[0]
    filter_label = _repo_filter_label(repos)
    now = utcnow()
    files: list[dict[str, Any]] = []
    for path in paths:
        key = str(path)
        row: dict[str, Any] = {"file": key, "repo_filter": filter_label}
        for frame, columns in (
            (per_file, ("events_read", "unparseable", "missing_fields")),
            (kept_stats, ("kept_types", "bots_dropped", "outside_repos")),
            (kept_per_file, ("kept",)),
        ):
            for column in columns:
                row[column] = int(frame.at[key, column]) if key in frame.index else 0
        files.append(row)
    bots_total = (
        bots_per_file.groupby(["actor_id", "actor_login", "reason"], as_index=False)["events"]
        .sum()
        .sort_values(["events", "actor_login"], ascending=[False, True])
    )
    with store.transaction() as tx:
        tx.execute(
            "INSERT INTO gh_events SELECT event_id, type, created_at, actor_id, actor_login, repo_id, repo_name, "
            "file, ? FROM _gh_kept WHERE event_id NOT IN (SELECT event_id FROM gh_events)",
            [now],
        )
        removed = _one(
            tx,
            "SELECT count(*) FROM gh_events WHERE actor_id IN "
            "(SELECT actor_id FROM _gh_bots_new WHERE reason <> 'store')",
        )[0]
        tx.execute("DELETE FROM gh_events WHERE actor_id IN (SELECT actor_id FROM _gh_bots_new)")
        if len(bots_per_file):
            frame = bots_per_file.assign(source=bots_per_file["file"], fetched_at=now)
            tx.register("_gh_bots_df", frame)
            tx.execute(
                "INSERT OR IGNORE INTO gh_bots SELECT file, actor_id, actor_login, reason, events, "
                "source, fetched_at FROM _gh_bots_df"
            )
            tx.unregister("_gh_bots_df")
        file_rows = pd.DataFrame(files).assign(source=lambda f: f["file"], fetched_at=now)
        tx.register("_gh_files_df", file_rows)
        tx.execute(
            "INSERT OR IGNORE INTO gh_ingest_files SELECT file, repo_filter, events_read, unparseable, "
            "missing_fields, kept_types, bots_dropped, outside_repos, kept, source, fetched_at FROM _gh_files_df"
        )
        tx.unregister("_gh_files_df")
    return IngestResult(
        files=files,
        events_read=int(events_read),
        unparseable=int(unparseable),
        missing_fields=missing_fields,
        by_type=by_type,
        kept_types=kept_types,
        bots_dropped=bots_dropped,
        bots=[
            {
                "actor_id": int(r.actor_id) if r.actor_id == r.actor_id else None,
                "login": r.actor_login,
                "reason": r.reason,
                "events": int(r.events),
            }
            for r in bots_total.itertuples()
        ],
        outside_repos=outside,
        duplicates=int(duplicates),
        kept=int(kept),
        inserted=int(kept) - int(already),
        already_stored=int(already),
        removed_from_store=int(removed) if removed else 0,
        activity_cutoff=activity_cutoff,
        repo_filter=filter_label,
        unresolved_repos=unresolved,
        db=str(store.path) if store.path else ":memory:",
    )


def _one(con: Any, sql: str, params: Sequence[Any] | None = None) -> tuple[Any, ...]:
    rows = con.execute(sql, params or []).fetchall()
    return tuple(rows[0])


def events_frame(
    store: Store, *, since: datetime | None = None, until: datetime | None = None
) -> pd.DataFrame:
    """The stored events (optionally in ``[since, until)``) as a pandas frame."""
    require_events(store)
    clauses, params = [], []
    if since is not None:
        clauses.append("created_at >= ?")
        params.append(since)
    if until is not None:
        clauses.append("created_at < ?")
        params.append(until)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return store.query(f"SELECT * FROM gh_events {where} ORDER BY created_at, event_id", params)


def require_events(store: Store) -> None:
    """Raise :class:`InputError` unless the store holds ingested GH Archive events."""
    if not store.has_table("gh_events"):
        where = store.path or ":memory:"
        raise InputError(
            f"The store {where} holds no GH Archive events; run `valuechain engagement ingest` first."
        )
