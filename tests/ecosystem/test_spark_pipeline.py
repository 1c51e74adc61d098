"""The Ibis diffusion pipeline gives the same numbers on local PySpark as on DuckDB."""

from __future__ import annotations

import pandas as pd
import pytest

from valuechain.ecosystem import diffusion as diff
from valuechain.ecosystem.pipeline import as_table, origin_totals

pytestmark = pytest.mark.spark

R1_INFO = "ecosystem/hf-deepseek-r1-tree/model-info-2025-04-10.csv"


@pytest.fixture(scope="module")
def spark_ibis(spark_session):
    from valuechain.ecosystem.pipeline import spark_backend

    backend = spark_backend("local[2]")  # what `diffusion --spark-master` uses: reuses the session
    assert backend.name == "pyspark"
    return backend


def test_real_r1_tree_same_on_spark_and_duckdb(spark_ibis, shared_data):
    from valuechain.ecosystem.hf_import import import_file
    from valuechain.store import Store

    with Store(":memory:") as store:
        import_file(store, shared_data / R1_INFO)
        frame = diff.load_from_store(store).derivatives
    on_spark = diff.monthly_series(frame, con=spark_ibis)
    on_duckdb = diff.monthly_series(frame)
    assert on_duckdb["derivatives"].sum() == len(frame) == 224
    pd.testing.assert_frame_equal(on_spark, on_duckdb, check_dtype=False)


def test_synthetic_derivatives_with_filters_same_on_spark_and_duckdb(spark_ibis, make_derivatives):
    frame = make_derivatives(20_000, seed=11)
    spark_table = as_table(frame)  # one in-memory table for every query below
    filters = {
        "until": diff.parse_date("2024-06-30", "--until"),
        "relation": "quantized",
        "pipeline_tag": "text-generation",
    }
    on_spark = diff.monthly_series(spark_table, con=spark_ibis, **filters)
    on_duckdb = diff.monthly_series(frame, **filters)
    pd.testing.assert_frame_equal(on_spark, on_duckdb, check_dtype=False)
    expected = (
        (frame["created_at"] < "2024-07-01")
        & (frame["relation"] == "quantized")
        & (frame["pipeline_tag"] == "text-generation")
    ).sum()
    assert on_duckdb["derivatives"].sum() == int(expected) > 0
    pd.testing.assert_frame_equal(diff.cn_us_share(on_spark), diff.cn_us_share(on_duckdb))
    pd.testing.assert_frame_equal(
        origin_totals(spark_table, con=spark_ibis), origin_totals(frame), check_dtype=False
    )
