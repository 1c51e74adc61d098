"""The attribution commands end to end, as a user runs them: geocode, users sync, attribution."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pandas as pd
import pytest
from github_replay import ReplayGitHub, fixture_users

from valuechain.engagement.events import EVENTS_SCHEMA
from valuechain.store import Store


def test_geocode_json(run_cli, tmp_path):
    listing = tmp_path / "locations.txt"
    listing.write_text("Earth\n\nSan Antonio, TX\n台湾\n", encoding="utf-8")
    result = run_cli(
        "engagement", "geocode", "Hangzhou, China", "Paris, TX", "--file", str(listing), "--json"
    )
    assert result.returncode == 0, result.stderr
    out = result.json()
    assert out["schema_version"] and out["sources"]
    assert [r["country"] for r in out["results"]] == ["CN", "US", None, "US", "TW"]
    assert out["results"][1]["evidence"][1]["text"] == "TX"
    assert "HK, MO and TW" in out["grouping"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["locations.txt"]  # nothing written
    table = run_cli("engagement", "geocode", "Cambridge")
    assert table.returncode == 0 and "ambiguous" in table.stdout


@pytest.mark.parametrize(
    "args, needle",
    [
        (("engagement", "geocode"), "at least one LOCATION"),
        (("engagement", "geocode", "--file", "missing.txt"), "missing.txt"),
        (("engagement", "attribution", "--db", "nope.duckdb"), "nope.duckdb"),
        (("engagement", "attribution", "--db", "x.duckdb", "--cutoff-hour", "30"), "--cutoff-hour"),
        (("engagement", "users", "sync", "--db", "nope.duckdb"), "nope.duckdb"),
        (("engagement", "users", "sync", "--limit", "-1"), "--limit"),
    ],
)
def test_bad_input_is_one_sentence_and_exit_2(run_cli, tmp_path, args, needle):
    result = run_cli(*args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert needle in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "nope.duckdb").exists()


def test_attribution_on_generated_hours(run_cli, tmp_path):
    from valuechain.engagement.simulate import simulate_hours

    sim = simulate_hours(
        tmp_path / "hours",
        weeks_before=2,
        weeks_after=2,
        repos=6,
        actors={"CN": 12, "US": 12, "EU": 6, "IN": 6},
        unknown_actors=6,
        seed=3,
    )
    db = tmp_path / "e.duckdb"
    ingest = run_cli(
        "engagement",
        "ingest",
        *map(str, sim.files),
        "--db",
        str(db),
        "--users",
        str(sim.users_file),
        "--json",
    )
    assert ingest.returncode == 0, ingest.stderr
    actors_csv = tmp_path / "actors.csv"
    result = run_cli("engagement", "attribution", "--db", str(db), "--actors", str(actors_csv), "--json")
    assert result.returncode == 0, result.stderr
    out = result.json()
    assert set(out["shares"]) == {"utc-hour", "activity-hour", "location"}
    assert "most recent" in out["profiles"]["rule"]
    per_actor = pd.read_csv(actors_csv)
    origin = per_actor["actor_login"].str.split("-").str[0]
    located = per_actor[origin.isin(["cn", "us", "eu", "in"])]
    truth = (
        located["actor_login"]
        .str.split("-")
        .str[0]
        .map({"cn": "CN", "us": "US", "eu": "other", "in": "other"})
    )
    assert (located["location"] == truth).mean() >= 0.95
    eu_in = located[truth == "other"]
    assert (eu_in["utc-hour"] == "CN").mean() >= 0.8  # the proxy's bias, visible side by side
    pairs = {tuple(a["methods"]): a for a in out["agreement"]}
    assert pairs[("activity-hour", "location")]["kappa"] > pairs[("utc-hour", "location")]["kappa"]
    text = run_cli("engagement", "attribution", "--db", str(db))
    assert text.returncode == 0 and "kappa" in text.stdout


def _store_with_actors(path, logins: list[str]) -> None:
    store = Store(path)
    store.ensure(EVENTS_SCHEMA)
    rows = pd.DataFrame(
        {
            "event_id": range(len(logins)),
            "type": "ForkEvent",
            "created_at": pd.Timestamp("2024-01-01 03:00"),
            "actor_id": range(1000, 1000 + len(logins)),
            "actor_login": logins,
            "repo_id": 1,
            "repo_name": "o/r",
            "source": "test",
            "fetched_at": pd.Timestamp("2024-01-01"),
        }
    )
    columns = [c for c in store.query("SELECT * FROM gh_events LIMIT 0").columns]
    for column in columns:
        if column not in rows.columns:
            rows[column] = None
    store.insert_frame("gh_events", rows[columns])
    store.close()


def test_users_sync_end_to_end_killed_and_resumed(run_cli, tmp_path, shared_data):
    records = fixture_users(shared_data)
    logins = sorted({r["login"].lower() for r in records})[:12] + ["ghost-user-404"]
    db = tmp_path / "u.duckdb"
    _store_with_actors(db, logins)
    with ReplayGitHub(records, faults={5: "hang"}) as gh:
        env = {**os.environ, "VALUECHAIN_HOME": str(tmp_path / "home"), "GITHUB_TOKEN": "ghp_do_not_print_me"}
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "valuechain",
                "engagement",
                "users",
                "sync",
                "--db",
                str(db),
                "--api-url",
                gh.endpoint,
                "--json",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.time() + 120
        while len(gh.requests) < 6 and time.time() < deadline:
            time.sleep(0.1)
        assert len(gh.requests) >= 6
        proc.kill()
        proc.communicate()
        gh.release()
        done_before = len(gh.answered)
        assert done_before == 5
        result = run_cli(
            "engagement",
            "users",
            "sync",
            "--db",
            str(db),
            "--api-url",
            gh.endpoint,
            "--json",
            env={"GITHUB_TOKEN": "ghp_do_not_print_me"},
        )
        assert result.returncode == 0, result.stderr
        out = result.json()
        assert out["fetched"] == 7 and out["not_found"] == 1 and out["already_stored"] == 5
        assert sorted(gh.answered) == sorted(logins[:-1])  # every user answered exactly once
        assert "ghp_do_not_print_me" not in result.stdout + result.stderr
        again = run_cli("engagement", "users", "sync", "--db", str(db), "--api-url", gh.endpoint, "--json")
        assert again.json()["requests"] == 0
    store = Store(db)
    per_login = store.query("SELECT lower(login) AS l, count(*) AS n FROM gh_users GROUP BY 1")
    store.close()
    assert len(per_login) == 12 and set(per_login["n"]) == {1}
    assert json.loads(json.dumps(out))["source"] == gh.endpoint
