"""Bad input: one sentence naming it, exit code 2, no traceback, nothing half-written in the store."""

from __future__ import annotations

import gzip

import pytest

from valuechain.errors import InputError

pytestmark = pytest.mark.slow


def _one_sentence(result) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def truncated(real_hour, tmp_path):
    data = real_hour.read_bytes()
    path = tmp_path / "2015-01-01-13.json.gz"
    path.write_bytes(data[: len(data) // 3])
    return path


def _tables(db):
    from valuechain.store import Store

    with Store(db, read_only=True) as store:
        if not store.has_table("gh_events"):
            return None
        return (
            store.query("SELECT * FROM gh_events ORDER BY event_id"),
            store.query("SELECT * FROM gh_ingest_files ORDER BY file"),
        )


def test_truncated_gzip_names_the_file_and_how_far_and_writes_nothing(
    run_cli, real_hour, truncated, tmp_path
):
    db = tmp_path / "t.duckdb"
    assert run_cli("engagement", "ingest", real_hour, "--db", db).returncode == 0
    before = _tables(db)
    result = run_cli("engagement", "ingest", real_hour, truncated, "--db", db)
    line = _one_sentence(result)
    assert str(truncated) in line and "truncated" in line and "complete lines" in line
    after = _tables(db)
    assert before is not None and after is not None
    assert before[0].equals(after[0]) and before[1].equals(after[1])


def test_truncated_gzip_in_a_new_store_leaves_no_events(run_cli, truncated, tmp_path):
    db = tmp_path / "new.duckdb"
    _one_sentence(run_cli("engagement", "ingest", truncated, "--db", db))
    tables = _tables(db) if db.exists() else None
    assert tables is None or len(tables[0]) == 0


def test_non_json_line_and_missing_fields_are_skipped_and_counted(run_cli, real_hour, tmp_path):
    lines = gzip.decompress(real_hour.read_bytes()).splitlines()[:50]
    lines.insert(10, b"this is not JSON {")
    lines.insert(20, b'{"id": "1", "type": "ForkEvent", "created_at": "2015-01-01T12:00:00Z"}')
    lines.insert(
        30,
        b'{"id": "2", "type": "WatchEvent", "actor": {"id": "not-a-number", "login": "x"}, '
        b'"repo": {"id": 5, "name": "a/b"}, "created_at": "2015-01-01T12:00:00Z"}',
    )
    path = tmp_path / "2015-01-01-14.json.gz"
    path.write_bytes(gzip.compress(b"\n".join(lines) + b"\n"))
    result = run_cli("engagement", "ingest", path, "--db", tmp_path / "s.duckdb", "--json")
    assert result.returncode == 0, result.stderr
    payload = result.json()
    assert payload["events_read"] == 53
    assert payload["skipped"] == {"total": 3, "unparseable": 1, "missing_fields": 2}


@pytest.mark.parametrize(
    "args, fragment",
    [
        (("engagement", "ingest", "no-such-hour.json.gz"), "no-such-hour.json.gz"),
        (("engagement", "ingest", "nothing-*.json.gz"), "nothing-*.json.gz"),
    ],
)
def test_missing_files(run_cli, tmp_path, args, fragment):
    line = _one_sentence(run_cli(*args, "--db", tmp_path / "m.duckdb"))
    assert fragment in line
    assert not (tmp_path / "m.duckdb").exists()


@pytest.fixture(scope="module")
def hour_db(tmp_path_factory, shared_data):
    """A store holding the real hour (events of one day only)."""
    from valuechain.engagement.events import ingest
    from valuechain.store import Store

    path = tmp_path_factory.mktemp("hour") / "hour.duckdb"
    with Store(path) as store:
        ingest(store, [shared_data / "fixtures/gharchive/2015-01-01-12.json.gz"])
    return path


def test_unknown_outcome(run_cli, hour_db):
    line = _one_sentence(run_cli("engagement", "estimate", "--db", hour_db, "--outcome", "likes", "--json"))
    assert "'likes'" in line and "forks" in line


def test_unknown_attribution_method(run_cli, hour_db):
    line = _one_sentence(run_cli("engagement", "estimate", "--db", hour_db, "--attribution", "zodiac"))
    assert "'zodiac'" in line


def test_shock_outside_the_data(run_cli, hour_db):
    line = _one_sentence(
        run_cli(
            "engagement",
            "estimate",
            "--db",
            hour_db,
            "--shock",
            "2022-10-07",
            "--attribution",
            "utc-hour",
            "--json",
        )
    )
    assert "2022-10-07" in line and "outside the data" in line


def test_no_shared_shock_inside_the_data(run_cli, hour_db):
    line = _one_sentence(run_cli("engagement", "estimate", "--db", hour_db, "--attribution", "utc-hour"))
    assert "--shock" in line


def test_empty_window(run_cli, hour_db):
    line = _one_sentence(
        run_cli(
            "engagement",
            "estimate",
            "--db",
            hour_db,
            "--since",
            "2016-01-01",
            "--until",
            "2016-03-01",
            "--attribution",
            "utc-hour",
        )
    )
    assert "empty" in line
    reversed_window = _one_sentence(
        run_cli("engagement", "estimate", "--db", hour_db, "--since", "2016-01-01", "--until", "2015-03-01")
    )
    assert "empty" in reversed_window


def test_bad_date_and_missing_store(run_cli, hour_db, tmp_path):
    line = _one_sentence(run_cli("engagement", "estimate", "--db", hour_db, "--shock", "2022-13-45"))
    assert "2022-13-45" in line
    missing = _one_sentence(run_cli("engagement", "estimate", "--db", tmp_path / "none.duckdb"))
    assert "none.duckdb" in missing and not (tmp_path / "none.duckdb").exists()


def test_bad_repo_list_line(tmp_path):
    from valuechain.engagement.repos import read_repo_list

    listed = tmp_path / "repos.txt"
    listed.write_text("rails/rails\nnot a repo name!\n")
    with pytest.raises(InputError, match="Line 2"):
        read_repo_list(listed)
