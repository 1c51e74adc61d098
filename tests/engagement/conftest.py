"""Fixtures of the engagement tests: the real GH Archive hour, generated hours (Spark: tests/conftest.py)."""

from __future__ import annotations

import json
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
