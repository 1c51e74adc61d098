"""The DuckDB store: one file, a versioned schema with migrations, writes in transactions.

Each domain declares its tables as a :class:`Schema` (a namespace and an ordered list of
migrations, each a list of SQL statements) and calls :meth:`Store.ensure` before it reads or writes.
Applied migrations are recorded in ``_migrations``; a migration runs inside a transaction together
with its record, so an interrupted migration leaves the previous schema intact.

Every data table carries provenance columns ``source`` (URL or file) and ``fetched_at`` (when the row
was retrieved); :data:`PROVENANCE_COLUMNS` is the SQL to paste into a ``CREATE TABLE``.
Writes go through :meth:`Store.transaction`: all or nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from valuechain import config
from valuechain.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import duckdb
    import pandas as pd

PROVENANCE_COLUMNS = "source VARCHAR NOT NULL, fetched_at TIMESTAMP NOT NULL"


@dataclass(frozen=True)
class Schema:
    """A domain's tables: ``migrations[i]`` brings the namespace from version i to i + 1."""

    namespace: str
    migrations: Sequence[Sequence[str]] = field(default_factory=tuple)

    @property
    def version(self) -> int:
        return len(self.migrations)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def with_provenance(
    frame: pd.DataFrame, source: str | None = None, fetched_at: datetime | None = None
) -> pd.DataFrame:
    """Fill the provenance columns ``source`` and ``fetched_at`` of ``frame`` in place where missing.

    A frame without a ``source`` column needs ``source``; rows are never stored without provenance.
    """
    if "source" not in frame.columns:
        if source is None:
            raise ValueError("rows need a source (provenance)")
        frame["source"] = source
    if "fetched_at" not in frame.columns:
        frame["fetched_at"] = fetched_at or utcnow()
    return frame


class Store:
    """A DuckDB database file (or ``:memory:``) with migrations and transactional writes."""

    def __init__(self, path: str | Path | None = None, read_only: bool = False):
        import duckdb

        self.path = Path(path) if path not in (None, ":memory:") else None
        if path is None:
            self.path = config.default_db_path()
        if self.path is not None:
            if read_only and not self.path.exists():
                raise InputError(f"The store {self.path} does not exist; load data into it first.")
            self.path.parent.mkdir(parents=True, exist_ok=True)
            target = str(self.path)
        else:
            target = ":memory:"
        try:
            self.con: duckdb.DuckDBPyConnection = duckdb.connect(target, read_only=read_only)
        except duckdb.Error as exc:
            holder = re.search(r"Conflicting lock is held in .*?\(PID (\d+)\)", str(exc))
            if holder:
                raise InputError(
                    f"The store {target} is in use by another process (PID {holder.group(1)}); "
                    "wait for it to finish or use another --db."
                ) from None
            raise InputError(f"The store {target} cannot be opened as a DuckDB database ({exc}).") from None
        if not read_only:
            self.con.execute(
                "CREATE TABLE IF NOT EXISTS _migrations (namespace VARCHAR, version INTEGER, "
                "applied_at TIMESTAMP, PRIMARY KEY (namespace, version))"
            )

    # -- schema -------------------------------------------------------------------------------
    def version(self, namespace: str) -> int:
        if not self.has_table("_migrations"):
            return 0
        # fetchall, not fetchone: DuckDB 2 refuses other work on a connection with an unfinished result.
        rows = self.con.execute(
            "SELECT coalesce(max(version), 0) FROM _migrations WHERE namespace = ?", [namespace]
        ).fetchall()
        return int(rows[0][0]) if rows else 0

    def ensure(self, schema: Schema) -> int:
        """Apply the migrations of ``schema`` that this store has not seen; return the new version."""
        current = self.version(schema.namespace)
        if current > schema.version:
            raise InputError(
                f"The store's '{schema.namespace}' schema is version {current}, newer than this "
                f"valuechain knows ({schema.version}); upgrade valuechain."
            )
        for number in range(current, schema.version):
            with self.transaction() as con:
                for statement in schema.migrations[number]:
                    con.execute(statement)
                con.execute(
                    "INSERT INTO _migrations VALUES (?, ?, ?)", [schema.namespace, number + 1, utcnow()]
                )
        return schema.version

    def has_table(self, name: str) -> bool:
        rows = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
        ).fetchall()
        return bool(rows and rows[0][0])

    # -- reads and writes -----------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All statements inside succeed together or none does (rollback on any exception)."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        else:
            self.con.execute("COMMIT")

    def insert_frame(
        self,
        table: str,
        frame: pd.DataFrame,
        *,
        source: str | None = None,
        fetched_at: datetime | None = None,
    ) -> int:
        """Append a DataFrame to ``table`` in one transaction, filling provenance columns if missing."""
        frame = with_provenance(frame.copy(), source, fetched_at)
        columns = ", ".join(f'"{c}"' for c in frame.columns)
        self.con.register("_incoming", frame)
        try:
            with self.transaction() as con:
                con.execute(f'INSERT INTO "{table}" ({columns}) SELECT {columns} FROM _incoming')
        finally:
            self.con.unregister("_incoming")
        return len(frame)

    def query(self, sql: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        return self.con.execute(sql, params or []).df()

    def ibis(self) -> Any:
        """An Ibis backend over this store's connection (the same file, no copy)."""
        import ibis

        return ibis.duckdb.from_connection(self.con)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def readable(store: Store, schema: Schema, marker: str) -> Store:
    """``store`` if it holds ``marker`` (a table of ``schema``), else an empty in-memory store with ``schema``.

    Readers never create tables in the user's store (it may be read-only, and reading writes nothing), so
    a store that was never synced reads as empty tables of the right shape.
    """
    if store.has_table(marker):
        return store
    empty = Store(":memory:")
    empty.ensure(schema)
    return empty


def optional_filter(alias: str, column: str, value: Any) -> tuple[str, list[Any]]:
    """SQL ``" AND alias.column = ?"`` and its parameter when ``value`` is set, else no condition."""
    return (f" AND {alias}.{column} = ?", [value]) if value else ("", [])
