"""Full-history scans: GH Archive files read by Spark and cleaned with the same rules, written with Ibis.

For years of hours (tens of thousands of files) the store-based ingest is replaced by a Spark job:
:func:`spark_raw_events` reads the files with an explicit schema (``payload`` never parsed into
columns), :func:`clean_events_expr` applies the ingest rules of :mod:`valuechain.engagement.events`
(valid fields, kept event types, bots by login pattern, by ``type: Bot`` logins and by activity per UTC
hour, one row per event id) as one Ibis expression, and :func:`valuechain.engagement.panel.build_panel`
counts the panel on the same backend. The result has the columns of the store's ``gh_events`` (without
provenance). BigQuery users run the same Ibis expressions on ``githubarchive`` tables (README).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from valuechain.engagement.events import DEFAULT_ACTIVITY_CUTOFF, KEPT_TYPES

#: Columns of a raw event table (before cleaning).
RAW_COLUMNS = ("event_id", "type", "created_at", "actor_id", "actor_login", "repo_id", "repo_name")


def spark_raw_events(backend: Any, paths: Sequence[str | Path], view: str = "gh_raw_events") -> Any:
    """GH Archive files read by the Spark session of an Ibis PySpark ``backend``, as an Ibis table."""
    from pyspark.sql import functions as F  # noqa: N812 - Spark's own idiom
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    session = backend._session
    schema = StructType(
        [
            StructField("id", StringType()),
            StructField("type", StringType()),
            StructField(
                "actor", StructType([StructField("id", LongType()), StructField("login", StringType())])
            ),
            StructField(
                "repo", StructType([StructField("id", LongType()), StructField("name", StringType())])
            ),
            StructField("created_at", StringType()),
        ]
    )
    frame = session.read.schema(schema).option("mode", "PERMISSIVE").json([str(p) for p in paths])
    flat = frame.select(
        F.col("id").cast("long").alias("event_id"),
        F.col("type"),
        F.to_timestamp(F.col("created_at")).alias("created_at"),
        F.col("actor.id").alias("actor_id"),
        F.col("actor.login").alias("actor_login"),
        F.col("repo.id").alias("repo_id"),
        F.col("repo.name").alias("repo_name"),
    )
    flat.createOrReplaceTempView(view)
    return backend.table(view)


def clean_events_expr(
    raw: Any,
    *,
    activity_cutoff: int = DEFAULT_ACTIVITY_CUTOFF,
    bot_logins: Iterable[str] = (),
    repo_ids: Iterable[int] | None = None,
) -> Any:
    """The ingest rules on an Ibis table of :data:`RAW_COLUMNS` (see :mod:`valuechain.engagement.events`)."""
    import ibis

    valid = raw.filter(*[raw[c].notnull() for c in RAW_COLUMNS])
    hourly = valid.group_by([valid.actor_id, valid.created_at.truncate("h").name("hour")]).aggregate(
        n=valid.count()
    )
    busy = hourly.filter(hourly.n > activity_cutoff).select(bot_id=hourly.actor_id).distinct()
    logins = sorted({login.lower() for login in bot_logins})
    login = valid.actor_login.lower()
    is_bot_login = login.endswith("[bot]")
    if logins:
        is_bot_login = is_bot_login | login.isin(logins)
    kept = valid.filter(valid.type.isin(list(KEPT_TYPES)), ~is_bot_login)
    if repo_ids is not None:
        kept = kept.filter(kept.repo_id.isin([int(r) for r in repo_ids]))
    kept = kept.anti_join(busy, kept.actor_id == busy.bot_id)
    # Bot logins are dropped for every event of their actor id (a renamed bot keeps its id).
    flagged = valid.filter(is_bot_login).select(flag_id=valid.actor_id).distinct()
    kept = kept.anti_join(flagged, kept.actor_id == flagged.flag_id)
    _ = ibis
    return kept.select(*RAW_COLUMNS).distinct()
