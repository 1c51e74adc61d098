"""GitHub user objects: the JSON-lines loader, the latest-record rule and the resumable, rate-limited sync."""

from __future__ import annotations

import json
import logging
import time

import pandas as pd
import pytest
from github_replay import ReplayGitHub, fixture_users
from hypothesis import given, settings
from hypothesis import strategies as st

from valuechain.errors import InputError
from valuechain.sources.github_users import (
    GitHubUsersClient,
    bot_logins,
    latest_users,
    load_users_jsonl,
    pending_logins,
    read_users_jsonl,
    sync_users,
)
from valuechain.store import Store


@pytest.fixture
def users_file(shared_data):
    return shared_data / "fixtures" / "github_users" / "pygithub_user_objects.jsonl"


def client(endpoint: str, **options) -> GitHubUsersClient:
    return GitHubUsersClient(endpoint, rate_per_second=None, backoff_base=0.01, **options)


def test_load_jsonl_is_idempotent_and_latest_record_wins(users_file):
    store = Store(":memory:")
    assert load_users_jsonl(store, users_file) == 62
    assert load_users_jsonl(store, users_file) == 0  # the same file again writes nothing
    latest = latest_users(store).set_index("login")
    assert len(latest) == 41  # distinct logins, case-insensitively (Lyloa = lyloa)
    assert latest.loc["jacquev6", "location"] == "Hannover, Germany"  # updated 2024-12-21, the latest
    assert latest.loc["octocat", "location"] == "San Francisco"  # the Netherlands record has no updated_at
    assert latest.loc["BeaverSoftware", "location"] == "Earth"  # same updated_at: the later arrival wins
    assert "Lyloa" not in latest.index  # lyloa (updated 2018) is newer than Lyloa (no updated_at)
    assert pd.isna(latest.loc["lyloa", "location"])
    # klmitch's record with updated_at = 42 (PyGithub's bad-attribute fixture) is kept with a NULL time
    assert latest.loc["klmitch", "location"] == "San Antonio, TX"
    assert bot_logins(store) == set()


def test_bad_users_files(tmp_path):
    missing = tmp_path / "nope.jsonl"
    with pytest.raises(InputError, match="does not exist"):
        read_users_jsonl(missing)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"login": "a"}\nnot json\n', encoding="utf-8")
    with pytest.raises(InputError, match="Line 2"):
        read_users_jsonl(bad)
    bad.write_text('{"login": "a"}\n\n{"name": "no login"}\n', encoding="utf-8")
    with pytest.raises(InputError, match="Line 3"):
        load_users_jsonl(Store(":memory:"), bad)
    bots = tmp_path / "bots.jsonl"
    bots.write_text('{"login": "Dependabot[bot]", "type": "Bot"}\n{"login": "alice", "type": "User"}\n')
    store = Store(":memory:")
    load_users_jsonl(store, bots)
    assert bot_logins(store) == {"dependabot[bot]"}


def test_sync_fetches_each_user_once_and_records_404(shared_data, monkeypatch, caplog):
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret_token_value")
    records = fixture_users(shared_data)
    logins = sorted({r["login"] for r in records}) + ["no-such-user-xyz"]
    store = Store(":memory:")
    caplog.set_level(logging.DEBUG)
    with ReplayGitHub(records) as gh:
        result = sync_users(store, logins, client=client(gh.endpoint))
        assert result.not_found == 1 and result.logins_not_found == ["no-such-user-xyz"]
        assert result.fetched == 41 and result.remaining == 0  # "Lyloa" and "lyloa" are one login
        again = sync_users(store, logins, client=client(gh.endpoint))
        assert again.to_fetch == 0 and again.requests == 0 and again.already_stored == 42
        assert len(gh.answered) == len({a.lower() for a in gh.answered}) == 41
        assert all(r["headers"].get("Authorization") == "Bearer ghp_secret_token_value" for r in gh.requests)
    assert "ghp_secret_token_value" not in caplog.text
    latest = latest_users(store).set_index("login")
    assert latest.loc["jacquev6", "location"] == "Hannover, Germany"
    assert latest.loc["jacquev6", "source"].endswith("/users/jacquev6")


def test_rate_limit_waits_for_the_reset(shared_data):
    records = fixture_users(shared_data)
    logins = sorted({r["login"].lower() for r in records})[:8]
    store = Store(":memory:")
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        time.sleep(seconds)

    with ReplayGitHub(records, budget=3, window=1.0) as gh:
        result = sync_users(store, logins, client=client(gh.endpoint, sleep=sleep))
        assert result.fetched == 8 and not result.stopped_at_rate_limit
        assert result.waited_seconds > 0 and waits
        assert sorted(gh.answered) == sorted(logins)  # each user answered exactly once


def test_rate_limit_stops_resumably_without_waiting(shared_data):
    records = fixture_users(shared_data)
    logins = sorted({r["login"].lower() for r in records})[:7]
    store = Store(":memory:")
    with ReplayGitHub(records, budget=3, window=1.5) as gh:
        first = sync_users(store, logins, client=client(gh.endpoint, wait_for_reset=False))
        assert first.stopped_at_rate_limit and first.fetched == 3 and first.remaining == 4
        assert first.resume_after is not None
        assert pending_logins(store, logins)[0] == logins[3:]
        time.sleep(1.6)
        second = sync_users(store, logins, client=client(gh.endpoint, wait_for_reset=False))
        assert second.fetched == 3 and second.stopped_at_rate_limit
        time.sleep(1.6)
        third = sync_users(store, logins, client=client(gh.endpoint, wait_for_reset=False))
        assert third.fetched == 1 and not third.stopped_at_rate_limit and third.remaining == 0
        assert sorted(gh.answered) == sorted(logins)
    assert len(latest_users(store)) == 7


def test_rate_limit_used_up_by_someone_else_gives_a_403_first(shared_data):
    records = fixture_users(shared_data)
    store = Store(":memory:")
    with ReplayGitHub(records, budget=2, window=1.0) as gh:
        gh.used, gh.reset_at = 2, time.time() + 1.0  # the window is already spent
        result = sync_users(store, ["octocat", "nvie"], client=client(gh.endpoint))
        assert result.fetched == 2 and result.waited_seconds > 0
        assert gh.requests and len(gh.requests) == 3  # one 403, then the two users


def test_secondary_rate_limit_and_server_errors_are_retried(shared_data):
    records = fixture_users(shared_data)
    store = Store(":memory:")
    with ReplayGitHub(records, faults={0: "403-secondary", 1: "500"}) as gh:
        result = sync_users(store, ["octocat"], client=client(gh.endpoint))
        assert result.fetched == 1 and len(gh.requests) == 3


def test_limit_caps_the_requests(shared_data):
    records = fixture_users(shared_data)
    store = Store(":memory:")
    with ReplayGitHub(records) as gh:
        result = sync_users(store, ["octocat", "nvie", "akfish"], client=client(gh.endpoint), limit=2)
        assert result.fetched == 2 and result.remaining == 1 and len(gh.requests) == 2
    with pytest.raises(InputError):
        sync_users(store, ["octocat"], limit=-1)
    with pytest.raises(InputError, match="gh_events"):
        sync_users(Store(":memory:"))


def test_fixture_bodies_round_trip(users_file):
    for record in read_users_jsonl(users_file):
        assert json.loads(json.dumps(record)) == record


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {"login": st.text(min_size=1, max_size=20).filter(str.strip)},
            optional={
                "location": st.one_of(st.none(), st.text(max_size=40)),
                "updated_at": st.one_of(
                    st.none(),
                    st.integers(),
                    st.text(max_size=25),
                    st.datetimes().map(lambda d: d.isoformat() + "Z"),
                ),
                "id": st.one_of(st.none(), st.integers(min_value=0, max_value=2**62), st.text(max_size=5)),
            },
        ),
        max_size=8,
    )
)
def test_any_user_objects_load_and_reload_idempotently(tmp_path_factory, records):
    path = tmp_path_factory.mktemp("users") / "u.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert read_users_jsonl(path) == records
    store = Store(":memory:")
    first = load_users_jsonl(store, path)
    assert load_users_jsonl(store, path) == 0
    assert first <= len(records)
    assert len(latest_users(store)) == len({r["login"].lower() for r in records})
