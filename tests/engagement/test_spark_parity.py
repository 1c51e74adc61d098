"""The engagement panel written with Ibis gives identical panels on local PySpark and on DuckDB."""

from __future__ import annotations

import pandas as pd
import pytest

from valuechain.engagement.panel import build_panel
from valuechain.store import Store

pytestmark = [pytest.mark.spark, pytest.mark.slow]


@pytest.fixture(scope="module")
def spark_ibis(spark_session):
    from valuechain.ecosystem.pipeline import spark_backend

    backend = spark_backend("local[2]")  # reuses the shared session
    assert backend.name == "pyspark"
    return backend


def _spark_events(backend, frame: pd.DataFrame):
    import ibis

    columns = ["event_id", "type", "created_at", "actor_id", "actor_login", "repo_id", "repo_name"]
    data = frame.loc[:, columns].copy()
    data["created_at"] = pd.to_datetime(data["created_at"]).astype("datetime64[us]")
    return ibis.memtable(data)


def test_real_hour_panel_same_on_spark_and_duckdb(spark_ibis, real_hour):
    with Store(":memory:") as store:
        from valuechain.engagement.events import ingest

        ingest(store, [real_hour], activity_cutoff=40)
        on_duckdb = build_panel(store, period="day").tidy()
        events = store.query("SELECT * FROM gh_events")
    on_spark = build_panel(_spark_events(spark_ibis, events), con=spark_ibis, period="day").tidy()
    pd.testing.assert_frame_equal(on_spark, on_duckdb)
    assert int(on_duckdb["forks"].sum()) == int((events["type"] == "ForkEvent").sum())


def test_spark_reads_and_cleans_the_hour_like_the_duckdb_ingest(spark_ibis, real_hour):
    """Full-history route: Spark reads the file, Ibis applies the ingest rules, the panel is identical."""
    from valuechain.engagement.events import ingest
    from valuechain.engagement.fullhistory import clean_events_expr, spark_raw_events

    raw = spark_raw_events(spark_ibis, [real_hour])
    cleaned = clean_events_expr(raw, activity_cutoff=40)
    with Store(":memory:") as store:
        result = ingest(store, [real_hour], activity_cutoff=40)
        on_duckdb = build_panel(store, period="day").tidy()
    on_spark = build_panel(cleaned, con=spark_ibis, period="day").tidy()
    assert int(spark_ibis.execute(cleaned.count())) == result.kept == 7620
    pd.testing.assert_frame_equal(on_spark, on_duckdb)


def test_generated_weeks_actor_groups_same_on_spark_and_duckdb(spark_ibis, simulation_store):
    path, _ = simulation_store
    with Store(path, read_only=True) as store:
        events = store.query("SELECT * FROM gh_events")
        groups = pd.DataFrame({"actor_id": events["actor_id"].drop_duplicates().to_numpy()})
        groups["group"] = [("CN", "US", "other")[i % 3] for i in range(len(groups))]
        groups = groups.iloc[: len(groups) - 5]  # a few actors left out: unknown
        on_duckdb = build_panel(store, method="location", actor_groups=groups).tidy()
        utc_duckdb = build_panel(store, cutoff_hour=15).tidy()
    table = _spark_events(spark_ibis, events)
    on_spark = build_panel(table, con=spark_ibis, method="location", actor_groups=groups).tidy()
    utc_spark = build_panel(table, con=spark_ibis, cutoff_hour=15).tidy()
    pd.testing.assert_frame_equal(on_spark, on_duckdb)
    pd.testing.assert_frame_equal(utc_spark, utc_duckdb)
    assert set(on_duckdb["group"]) == {"CN", "US", "other", "unknown"}
    assert int(on_duckdb.loc[on_duckdb["group"] == "unknown", "actors"].sum()) > 0
