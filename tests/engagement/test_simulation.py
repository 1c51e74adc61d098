"""Simulation checks on generated GH Archive hours with a planted effect (seeded, generated in the test).

1. Every actor keeps to its country's daytime: the estimate recovers the planted 0.5 forks per
   repository-week (its 95% interval covers it) under location and UTC-hour attribution, and is near
   zero at a placebo date; the heavy bot and the ``[bot]`` login are dropped.
2. European and Indian actors, active before 17:00 UTC, join a post-shock increase shared by everyone:
   the location estimate still recovers the planted difference, the UTC-hour proxy does not, and the test
   measures its bias (about twice the shared increase).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from valuechain.engagement.study import estimate_engagement
from valuechain.store import Store

pytestmark = pytest.mark.slow


def _covers(did: dict, value: float) -> bool:
    return did["ci_low"] <= value <= did["ci_high"]


def test_bots_dropped_in_the_generated_hours(simulation, simulation_store):
    _, result = simulation_store
    dropped = {b["login"]: b["reason"] for b in result.bots}
    assert dropped == {"mirror-sync": "activity", "release-helper[bot]": "login"}
    assert result.kept + result.bots_dropped == result.kept_types == simulation.events


def test_utc_hour_recovers_the_planted_effect_and_placebo_is_near_zero(simulation, simulation_store):
    path, _ = simulation_store
    placebo = simulation.shock - timedelta(weeks=3)
    with Store(path, read_only=True) as store:
        study = estimate_engagement(
            store, methods=("utc-hour",), shocks=[simulation.shock], window=6, placebo_dates=[placebo]
        )
    estimate = study.estimates["utc-hour"]
    did = estimate.result.to_dict()["did"]
    assert _covers(did, simulation.effect), did
    assert did["ci_low"] > 0  # the effect is found, not only "not excluded"
    (fake,) = estimate.placebo_dates
    assert _covers(fake, 0.0) and abs(fake["estimate"]) < abs(did["estimate"]), fake


def test_location_recovers_the_planted_effect(simulation, simulation_store):
    path, _ = simulation_store
    with Store(path, read_only=True) as store:
        study = estimate_engagement(store, methods=("location",), shocks=[simulation.shock], window=6)
    did = study.estimates["location"].result.to_dict()["did"]
    assert _covers(did, simulation.effect), did
    shares = study.estimates["location"].shares["actors"]
    assert shares["unknown"]["share"] > 0.1  # the anonymous actors stay unknown


@pytest.fixture(scope="module")
def europe_india(tmp_path_factory):
    from valuechain.engagement.events import ingest, read_users_file
    from valuechain.engagement.simulate import simulate_hours
    from valuechain.sources.github_users import load_users_jsonl

    directory = tmp_path_factory.mktemp("sim-eu-in")
    sim = simulate_hours(
        directory,
        actors={"CN": 60, "US": 60, "EU": 40, "IN": 40},
        weeks_before=6,
        weeks_after=6,
        effect=0.5,
        global_increase=0.4,
        seed=23,
    )
    path = directory / "store.duckdb"
    with Store(path) as store:
        ingest(store, [sim.directory], users=read_users_file(sim.users_file))
        load_users_jsonl(store, sim.users_file)
    return sim, path


def test_utc_hour_proxy_is_biased_by_european_and_indian_actors(europe_india):
    sim, path = europe_india
    with Store(path, read_only=True) as store:
        study = estimate_engagement(store, methods=("utc-hour",), shocks=[sim.shock], window=6)
    did = study.estimates["utc-hour"].result.to_dict()["did"]
    bias = did["estimate"] - sim.effect
    # Europe's and India's extra forks fall before 17:00 UTC and are counted as Chinese: bias ≈ 2 × 0.4.
    assert not _covers(did, sim.effect), did
    assert 0.4 < bias < 1.2, bias


def test_location_is_not_biased_by_european_and_indian_actors(europe_india):
    sim, path = europe_india
    with Store(path, read_only=True) as store:
        study = estimate_engagement(store, methods=("utc-hour", "location"), shocks=[sim.shock], window=6)
    location = study.estimates["location"].result.to_dict()["did"]
    utc = study.estimates["utc-hour"].result.to_dict()["did"]
    assert _covers(location, sim.effect), location
    assert abs(location["estimate"] - sim.effect) < abs(utc["estimate"] - sim.effect)


def test_generated_hours_are_in_the_real_schema(simulation, real_hour):
    import gzip
    import json

    real = json.loads(gzip.open(real_hour, "rt").readline())
    generated = json.loads(gzip.open(simulation.files[0], "rt").readline())
    assert set(generated) <= set(real) | {"org"}
    assert set(generated["actor"]) <= set(real["actor"]) and set(generated["repo"]) == set(real["repo"])
    assert generated["created_at"].endswith("Z") and isinstance(generated["id"], str)
    assert date.fromisoformat(generated["created_at"][:10]) >= simulation.start
