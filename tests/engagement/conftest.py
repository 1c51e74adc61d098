"""Fixtures of the engagement tests: the real GH Archive hour, generated hours, one shared Spark session."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

REAL_HOUR = "fixtures/gharchive/2015-01-01-12.json.gz"
EXPECTED = "fixtures/gharchive/2015-01-01-12.expected_counts.json"


@pytest.fixture(scope="session")
def real_hour(shared_data) -> Path:
    return shared_data / REAL_HOUR


@pytest.fixture(scope="session")
def expected_counts(shared_data) -> dict:
    return json.loads((shared_data / EXPECTED).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def spark_session():
    """The local Spark session of the test run (the same settings as ``tests/ecosystem``; ``getOrCreate``
    returns the one session when both packages' tests run together)."""
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


@pytest.fixture(scope="session")
def simulation(tmp_path_factory):
    """Generated hours where every actor keeps to its country's daytime (planted effect 0.5 forks)."""
    from valuechain.engagement.simulate import simulate_hours

    return simulate_hours(tmp_path_factory.mktemp("sim-daytime"), weeks_before=6, weeks_after=6, seed=11)


@pytest.fixture(scope="session")
def simulation_store(simulation, tmp_path_factory):
    """A store with the generated hours and their user objects ingested."""
    from valuechain.engagement.events import ingest, read_users_file
    from valuechain.store import Store

    path = tmp_path_factory.mktemp("sim-store") / "sim.duckdb"
    with Store(path) as store:
        result = ingest(store, [simulation.directory], users=read_users_file(simulation.users_file))
        _load_users(store, simulation.users_file)
    return path, result


def _load_users(store, users_file: Path) -> None:
    from valuechain.sources.github_users import load_users_jsonl

    load_users_jsonl(store, users_file)
