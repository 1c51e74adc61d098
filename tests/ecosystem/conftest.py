"""Fixtures of the ecosystem tests: one local PySpark session shared by every test marked ``spark``."""

from __future__ import annotations

import os
import sys

import pytest


@pytest.fixture(scope="session")
def spark_session():
    """A local Spark session (``local[2]``), started once per test session (startup takes ~10-20 s)."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("valuechain-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
