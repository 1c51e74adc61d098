"""The diffusion aggregation, written once with Ibis: DuckDB by default, Spark for the whole Hub.

Input: one row per derivative model (``model, created_at, origin, origin_group, relation,
pipeline_tag, downloads, likes``; see :func:`valuechain.ecosystem.diffusion.derivatives_frame`).
Output: new derivatives per month by origin group and relation (and their downloads and likes), and
totals by origin. The same expression runs on any Ibis backend:

>>> import ibis
>>> con = ibis.duckdb.connect()                       # default, in-process
>>> con = ibis.pyspark.connect(spark_session)         # a Spark cluster (or local[2] in the tests)

Each model is counted once: a model with roots of different origins has origin ``mixed`` (its own
group), so monthly counts over origin groups add up to the number of derivatives.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: The columns the aggregation expects.
INPUT_COLUMNS = (
    "model",
    "created_at",
    "origin",
    "origin_group",
    "relation",
    "pipeline_tag",
    "downloads",
    "likes",
)


def default_backend() -> Any:
    """An in-process DuckDB Ibis backend."""
    import ibis

    return ibis.duckdb.connect()


def spark_backend(master: str = "local[*]") -> Any:
    """An Ibis PySpark backend on a Spark session with ``master`` (an existing session is reused).

    Needs the ``spark`` extra (``pip install 'valuechain[spark]'``) and a Java runtime.
    """
    from valuechain.errors import InputError

    try:
        import ibis
        from pyspark.sql import SparkSession
    except ImportError:
        raise InputError(
            "Spark needs the pyspark package; install it with pip install 'valuechain[spark]'."
        ) from None
    try:
        session = (
            SparkSession.builder.master(master)
            .appName("valuechain")
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate()
        )
    except Exception as exc:  # a bad master URL, no Java runtime, an unreachable cluster
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        raise InputError(f"Spark could not start with master {master!r} ({reason}).") from None
    return ibis.pyspark.connect(session)


#: Provenance columns of a derivative (see ``diffusion.DERIVATIVE_COLUMNS``), kept by :func:`rows`.
PROVENANCE = ("root", "source", "fetched_at", "created_at_source", "downloads_fetched_at", "likes_fetched_at")


def as_table(frame: pd.DataFrame | Any, extra: tuple[str, ...] = ()) -> Any:
    """An Ibis table for ``frame`` (pandas frames become in-memory tables, Ibis tables are kept) with the
    :data:`INPUT_COLUMNS` and the ``extra`` columns (text or timestamps)."""
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        return frame
    data = frame.loc[:, [*INPUT_COLUMNS, *extra]].copy()
    data["created_at"] = pd.to_datetime(data["created_at"]).astype("datetime64[us]")
    for column in ("model", "origin", "origin_group", "relation", "pipeline_tag", *extra):
        if column.endswith("fetched_at"):
            data[column] = pd.to_datetime(data[column]).astype("datetime64[us]")
            continue
        data[column] = data[column].astype(object).where(data[column].notna(), None)
    for column in ("downloads", "likes"):
        data[column] = pd.to_numeric(data[column], errors="coerce").fillna(0).astype("int64")
    # An in-memory table: each backend registers it when the expression runs (a temporary view on
    # Spark, nothing written to its warehouse).
    import ibis

    return ibis.memtable(data)


def filtered(
    table: Any,
    *,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    pipeline_tag: str | None = None,
    relation: str | None = None,
) -> Any:
    """Derivatives created in ``[since, until]`` with the given pipeline tag and relation (all optional)."""
    import ibis

    if since is not None:
        table = table.filter(table.created_at >= ibis.timestamp(_start_of(since)))
    if until is not None:
        table = table.filter(table.created_at < ibis.timestamp(_day_after(until)))
    if pipeline_tag is not None:
        table = table.filter(table.pipeline_tag == pipeline_tag)
    if relation is not None:
        table = table.filter(table.relation == relation)
    return table


def _start_of(value: date | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)


def _day_after(value: date | datetime) -> datetime:
    from datetime import timedelta

    start = _start_of(value)
    return start + timedelta(days=1) if not isinstance(value, datetime) else start


def monthly_expr(table: Any) -> Any:
    """New derivatives per month × origin group × relation, with their downloads and likes."""
    month = table.created_at.truncate("M").name("month")
    grouped = table.mutate(month=month).group_by(["month", "origin_group", "relation"])
    result = grouped.aggregate(
        derivatives=table.model.nunique(),
        downloads=table.downloads.sum(),
        likes=table.likes.sum(),
    )
    return result.order_by(["month", "origin_group", "relation"])


def origin_totals_expr(table: Any) -> Any:
    """Derivatives, downloads and likes per origin (country code, ``mixed`` or ``unknown``)."""
    result = table.group_by(["origin_group", "origin"]).aggregate(
        derivatives=table.model.nunique(),
        downloads=table.downloads.sum(),
        likes=table.likes.sum(),
    )
    return result.order_by([result.derivatives.desc(), result.origin])


def monthly_by_origin(frame: pd.DataFrame | Any, *, con: Any = None, **filters: Any) -> pd.DataFrame:
    """Run :func:`monthly_expr` on ``con`` (DuckDB in memory by default); returns a pandas frame."""
    con = con or default_backend()
    table = filtered(as_table(frame), **filters)
    out = con.execute(monthly_expr(table))
    return _tidy(out, ["month", "origin_group", "relation"])


def rows(frame: pd.DataFrame, *, con: Any = None, **filters: Any) -> pd.DataFrame:
    """The derivatives the aggregation counts under ``filters`` (the same Ibis filter), one row each
    with its :data:`PROVENANCE`: which record gave its metadata, its creation date and its counts."""
    con = con or default_backend()
    table = filtered(as_table(frame, PROVENANCE), **filters)
    out = con.execute(table.order_by(["created_at", "model"]))
    return out.reset_index(drop=True)


def origin_totals(frame: pd.DataFrame | Any, *, con: Any = None, **filters: Any) -> pd.DataFrame:
    """Run :func:`origin_totals_expr` on ``con``; returns a pandas frame."""
    con = con or default_backend()
    table = filtered(as_table(frame), **filters)
    out = con.execute(origin_totals_expr(table))
    return _tidy(out, ["origin_group", "origin"], sort=False)


def _tidy(frame: pd.DataFrame, keys: list[str], sort: bool = True) -> pd.DataFrame:
    import pandas as pd

    frame = frame.copy()
    if "month" in frame.columns:
        frame["month"] = pd.to_datetime(frame["month"]).dt.tz_localize(None).astype("datetime64[ns]")
    for column in ("derivatives", "downloads", "likes"):
        frame[column] = pd.to_numeric(frame[column]).fillna(0).astype("int64")
    if sort:
        frame = frame.sort_values(keys)
    return frame.reset_index(drop=True)
