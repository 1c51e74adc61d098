"""The Innovation Graph reader (NA = Namibia, EU dropped, suppressed cells counted) and the China study."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from valuechain.engagement.innovation_graph import innovation_graph_study
from valuechain.errors import InputError
from valuechain.sources.innovation_graph import read_innovation_graph


@pytest.fixture(scope="module")
def graph(shared_data):
    return read_innovation_graph(shared_data / "ecosystem" / "github-innovation-graph")


def test_namibia_is_a_code_and_eu_is_dropped(graph):
    developers = graph.metric("developers")
    namibia = developers[developers["iso2_code"] == "NA"]
    assert len(namibia) == 23 and namibia["value"].notna().all()
    assert developers["iso2_code"].notna().all()
    assert "EU" not in set(graph.economy["iso2_code"]) and "EU" not in set(graph.topics["iso2_code"])
    assert graph.dropped_aggregates["developers"] == 23
    assert len(graph.quarters) == 23 and str(graph.quarters[-1].date()) == "2025-07-01"


def test_suppressed_cells_are_counted_not_zero(tmp_path):
    data = tmp_path / "ig" / "data"
    data.mkdir(parents=True)
    for metric in ("developers", "organizations", "repositories", "git_pushes"):
        lines = [f"{metric},iso2_code,year,quarter"]
        lines += [f"1000,{code},2020,{q}" for code in ("US", "NA", "EU") for q in (1, 2)]
        lines += ["500,CN,2020,1"]  # CN 2020Q2 suppressed
        (data / f"{metric}.csv").write_text("\n".join(lines) + "\n")
    (data / "topics.csv").write_text("num_pushers,topic,iso2_code,year,quarter\n150,llm,CN,2020,2\n")
    graph = read_innovation_graph(tmp_path / "ig")
    developers = graph.metric("developers")
    assert sorted(set(developers["iso2_code"])) == ["CN", "NA", "US"]
    assert graph.suppressed_cells(developers) == 1
    assert graph.suppressed_cells(graph.topic("llm")) == 1
    assert 0 not in set(developers["value"])


def test_reader_errors(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read_innovation_graph(tmp_path / "nowhere")
    (tmp_path / "data").mkdir()
    with pytest.raises(InputError, match="developers.csv does not exist"):
        read_innovation_graph(tmp_path)


def test_developers_study_matches_an_independent_twfe(graph):
    import pyfixest as pf

    study = innovation_graph_study(shock="2022-10-07", outcome="developers", graph=graph)
    assert study.shock_quarter == "2022Q4" and study.main is not None
    # the same DiD from pyfixest on the same balanced window of growth rates
    stock = graph.metric("developers").pivot_table(index="iso2_code", columns="period", values="value")
    growth = (100 * np.log(stock.astype(float)).diff(axis=1)).stack().rename("y").reset_index().dropna()
    window = growth[(growth["period"] >= "2021-10-01") & (growth["period"] <= "2023-10-01")]
    complete = window.groupby("iso2_code")["period"].transform("nunique") == 9
    window = window[complete].copy()
    window["treat_post"] = ((window["iso2_code"] == "CN") & (window["period"] >= "2022-10-01")).astype(int)
    fit = pf.feols("y ~ treat_post | iso2_code + period", data=window)
    assert study.main.estimate == pytest.approx(float(fit.coef()["treat_post"]), abs=1e-9)
    assert len(study.main.placebo) == window["iso2_code"].nunique() - 1
    assert study.main.ci_low < study.main.estimate < study.main.ci_high
    payload = json.loads(json.dumps(study.to_dict(), default=str))
    assert payload["suppressed_cells"] == study.counts["suppressed_cells"] > 0
    assert payload["placebo"]["n"] == len(study.main.placebo)
    assert [row["rel_period"] for row in payload["event_study"]] == list(range(-4, 5))


def test_llm_topic_before_2023_cannot_tell(graph):
    study = innovation_graph_study(shock="2022-10-07", outcome="topic:llm", graph=graph)
    assert study.main is None and study.verdict.startswith("cannot tell")
    assert study.counts["china_cells_in_window"] == 0
    assert study.counts["china_published"] < 10
    assert "deep-learning" in study.counts["llm_topic_note"]


def test_study_bad_input(graph):
    with pytest.raises(InputError, match="Unknown outcome 'stars'"):
        innovation_graph_study(outcome="stars", graph=graph)
    with pytest.raises(InputError, match="outside the data"):
        innovation_graph_study(shock="2030-01-01", graph=graph)
    with pytest.raises(InputError, match="no published rows for the topic 'no-such-topic'"):
        innovation_graph_study(outcome="topic:no-such-topic", graph=graph)


def test_command_prints_estimate_and_draws_figure(tmp_path):
    from valuechain.engagement.cli_innovation import app

    figure = tmp_path / "ig.png"
    result = CliRunner().invoke(
        app, ["--shock", "2022-10-07", "--outcome", "developers", "--plot", str(figure), "--json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["schema_version"] and payload["sources"][0]["name"] == "GitHub Innovation Graph"
    assert payload["estimate"] is not None and payload["ci_low"] < payload["ci_high"]
    assert figure.read_bytes()[:4] == b"\x89PNG"


def test_command_bad_plot_destination_writes_nothing(tmp_path):
    from valuechain.engagement.cli_innovation import app

    result = CliRunner().invoke(app, ["--plot", str(tmp_path / "ig.txt")])
    assert isinstance(result.exception, InputError) and "must end in .png" in str(result.exception)
    result = CliRunner().invoke(app, ["--plot", str(tmp_path / "missing" / "ig.png")])
    assert isinstance(result.exception, InputError)
    assert list(tmp_path.iterdir()) == []


def _engagement_registered() -> bool:
    try:
        from valuechain.cli import app
    except ImportError:
        return False
    return any(getattr(group, "name", None) == "engagement" for group in app.registered_groups)


@pytest.mark.slow
@pytest.mark.skipif(not _engagement_registered(), reason="the engagement group is not on this tree yet")
def test_end_to_end_as_a_user(run_cli, tmp_path):
    result = run_cli(
        "engagement",
        "innovation-graph",
        "--shock",
        "2022-10-07",
        "--outcome",
        "developers",
        "--plot",
        "ig.png",
    )
    assert result.returncode == 0, result.stderr
    assert "DiD estimate" in result.stdout and "95% permutation interval" in result.stdout
    assert (tmp_path / "ig.png").stat().st_size > 10000
    bad = run_cli("engagement", "innovation-graph", "--outcome", "stars")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Unknown outcome 'stars'" in bad.stderr
    outside = run_cli("engagement", "innovation-graph", "--shock", "2031-01-01", "--json")
    assert outside.returncode == 2 and "outside the data" in outside.stderr and outside.stdout == ""
