"""The real GH Archive hour 2015-01-01 12:00 UTC: counts match the expected-counts file beside it."""

from __future__ import annotations

import pytest

from valuechain.engagement.events import KEPT_TYPES, ingest
from valuechain.store import Store


def test_real_hour_counts_match_the_expected_file(real_hour, expected_counts):
    with Store(":memory:") as store:
        result = ingest(store, [real_hour])
        stored = store.query("SELECT type, count(*) AS n FROM gh_events GROUP BY type")
    assert result.events_read == expected_counts["events"] == 8273
    assert result.by_type == expected_counts["by_type"]
    kept_types = sum(n for t, n in expected_counts["by_type"].items() if t in KEPT_TYPES)
    assert kept_types == result.kept_types == 7846
    assert result.kept == 7846 - result.bots_dropped
    assert result.skipped == 0 and result.duplicates == 0
    assert int(stored["n"].sum()) == result.kept


def test_real_hour_bots_are_dropped_and_listed(real_hour):
    """At a cut-off of 40 events an hour the hour's four busiest accounts are dropped and listed."""
    with Store(":memory:") as store:
        result = ingest(store, [real_hour], activity_cutoff=40)
        logins = {row["login"] for row in result.bots}
        remaining = store.query(
            "SELECT count(*) AS n FROM gh_events WHERE actor_login IN ('opencm', 'KenanSulayman')"
        )
    assert {"opencm", "KenanSulayman", "PLMbugz", "mirror-updates"} <= logins
    assert all(row["reason"] == "activity" for row in result.bots)
    assert result.bots_dropped == sum(row["events"] for row in result.bots) > 0
    assert result.kept == 7846 - result.bots_dropped
    assert int(remaining["n"][0]) == 0


def test_users_file_type_bot_marks_a_bot(real_hour, tmp_path):
    users = [
        {"login": "KenanSulayman", "type": "Bot", "location": None},
        {"login": "someone", "type": "User"},
    ]
    with Store(":memory:") as store:
        result = ingest(store, [real_hour], users=users)
    assert [(b["login"], b["reason"]) for b in result.bots] == [("KenanSulayman", "users-type")]
    assert result.kept == 7846 - result.bots_dropped


def test_ingesting_twice_changes_nothing(real_hour, tmp_path):
    path = tmp_path / "twice.duckdb"
    with Store(path) as store:
        first = ingest(store, [real_hour], activity_cutoff=40)
        snapshot = store.query("SELECT * EXCLUDE (fetched_at) FROM gh_events ORDER BY event_id")
        bots = store.query("SELECT * EXCLUDE (fetched_at) FROM gh_bots ORDER BY actor_login")
        second = ingest(store, [real_hour], activity_cutoff=40)
        again = store.query("SELECT * EXCLUDE (fetched_at) FROM gh_events ORDER BY event_id")
        bots_again = store.query("SELECT * EXCLUDE (fetched_at) FROM gh_bots ORDER BY actor_login")
    assert first.inserted == first.kept > 0
    assert second.inserted == 0 and second.already_stored == first.kept
    assert snapshot.equals(again) and bots.equals(bots_again)


def test_repository_filter_by_name_keeps_ids(real_hour, tmp_path):
    from valuechain.engagement.repos import read_repo_list

    listed = tmp_path / "repos.txt"
    listed.write_text("# two repositories of the hour\nrails/rails\nscrooloose/nerdtree\nno-such/repo\n")
    with Store(":memory:") as store:
        result = ingest(store, [real_hour], repos=read_repo_list(listed))
        names = set(store.query("SELECT DISTINCT repo_name FROM gh_events")["repo_name"])
    assert names == {"rails/rails", "scrooloose/nerdtree"}
    assert result.unresolved_repos == ["no-such/repo"]
    assert result.kept + result.outside_repos + result.bots_dropped == result.kept_types


@pytest.mark.slow
def test_cli_ingest_prints_the_counts(run_cli, real_hour, tmp_path, expected_counts):
    db = tmp_path / "cli.duckdb"
    result = run_cli("engagement", "ingest", real_hour, "--db", db, "--json")
    assert result.returncode == 0, result.stderr
    payload = result.json()
    assert payload["schema_version"] and payload["sources"]
    assert payload["events_read"] == 8273 and payload["by_type"] == expected_counts["by_type"]
    assert payload["kept"] == 7846 - payload["bots_dropped"]
    table = run_cli("engagement", "ingest", real_hour, "--db", db)
    assert table.returncode == 0, table.stderr
    for label in ("events read", "kept", "skipped", "bots dropped"):
        assert label in table.stdout
    assert "already stored" in table.stdout and "7,846" in table.stdout
