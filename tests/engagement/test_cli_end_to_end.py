"""The engagement commands end to end on generated hours, as a user runs them."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    from valuechain.engagement.simulate import simulate_hours

    return simulate_hours(
        tmp_path_factory.mktemp("cli-sim"), weeks_before=5, weeks_after=5, repos=20, seed=5, placebo_repos=10
    )


def test_ingest_panel_estimate_from_the_command_line(run_cli, generated, tmp_path):
    db = tmp_path / "gh.duckdb"
    ingested = run_cli(
        "engagement", "ingest", generated.directory, "--db", db, "--users", generated.users_file, "--json"
    )
    assert ingested.returncode == 0, ingested.stderr
    payload = ingested.json()
    assert payload["events_read"] == generated.events and payload["bots_dropped"] > 0
    assert {b["login"] for b in payload["bots"]} == set(generated.bot_logins)

    def user_files():  # what the user sees; VALUECHAIN_HOME (tmp_path/home, the tool's own cache) aside
        return {p for p in tmp_path.iterdir() if p.name != "home"}

    llm = tmp_path / "llm.txt"  # the generated LLM repositories, by organisation
    llm.write_text("open-llm-0\nopen-llm-1\n")
    placebo = tmp_path / "placebo.txt"  # the generated non-LLM repositories (no effect planted)
    placebo.write_text("".join(name + "\n" for name in generated.placebo_repo_names))
    before = user_files()
    estimated = run_cli(
        "engagement",
        "estimate",
        "--db",
        db,
        "--shock",
        generated.shock.isoformat(),
        "--outcome",
        "forks",
        "--window",
        "5",
        "--repos",
        llm,
        "--placebo-repos",
        placebo,
        "--json",
    )
    assert estimated.returncode == 0, estimated.stderr
    result = estimated.json()
    assert result["schema_version"] and result["sources"]
    assert result["methods"] == ["utc-hour", "activity-hour", "location"]
    for method in result["methods"]:
        block = result[method]
        assert {"did", "event_study", "pretrend_p", "attribution"} <= set(block)
    location = result["location"]["did"]
    assert location["ci_low"] <= generated.effect <= location["ci_high"]
    placebo_set = result["location"]["placebo_repos"]
    assert placebo_set["repositories"] == 10
    assert placebo_set["did"]["ci_low"] <= 0 <= placebo_set["did"]["ci_high"], placebo_set
    assert result["agreement"] and result["confounders"]["2022-11-30"] == "ChatGPT"
    assert user_files() == before  # nothing written without --plot

    one = run_cli(
        "engagement",
        "estimate",
        "--db",
        db,
        "--shock",
        generated.shock.isoformat(),
        "--attribution",
        "utc-hour",
        "--window",
        "5",
        "--plot",
        tmp_path / "es.png",
        "--json",
    )
    assert one.returncode == 0, one.stderr
    single = one.json()
    assert {"did", "event_study", "pretrend_p", "attribution"} <= set(single) and single[
        "method"
    ] == "utc-hour"
    assert [r["rel_period"] for r in single["event_study"]][:2] == [-5, -4]
    assert (tmp_path / "es.png").stat().st_size > 1000

    panel = run_cli(
        "engagement",
        "panel",
        "--db",
        db,
        "--plot",
        tmp_path / "weekly.png",
        "--csv",
        tmp_path / "panel.csv",
        "--json",
    )
    assert panel.returncode == 0, panel.stderr
    assert panel.json()["repositories"] == 30 and (tmp_path / "weekly.png").exists()
    assert (tmp_path / "panel.csv").read_text().startswith("repo_id,repo_name,group,period,forks")


def test_plot_destination_checked_before_work(run_cli, generated, tmp_path):
    result = run_cli("engagement", "estimate", "--db", tmp_path / "none.duckdb", "--plot", tmp_path / "x.txt")
    assert result.returncode == 2 and "x.txt" in result.stderr
