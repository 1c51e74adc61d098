"""Seeded simulations: a planted post × treated effect is recovered, a placebo date gives ~0, the
stacking trims overlapping windows by the stated rule, and bad input is one clear error."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from valuechain.errors import InputError
from valuechain.estimation import TRIMMING_RULES, did, event_study, placebo_dates
from valuechain.estimation.design import windows
from valuechain.output import dumps

EFFECT = 0.5


def simulated_panel(seed: int = 7, repos: int = 200, weeks: int = 40, effect: float = EFFECT) -> pd.DataFrame:
    """repo × {CN, US} × week; CN rows gain ``effect`` from the week containing 2022-10-07 onwards,
    on top of unit effects, a common trend and a group-specific (parallel) seasonal wave."""
    rng = np.random.default_rng(seed)
    periods = pd.date_range("2022-06-06", periods=weeks, freq="7D")
    repo = np.repeat(np.arange(repos), 2 * weeks)
    group = np.tile(np.repeat(["CN", "US"], weeks), repos)
    period = np.tile(np.tile(periods, 2), repos)
    week = np.tile(np.tile(np.arange(weeks), 2), repos)
    unit_effect = rng.normal(0, 1, 2 * repos).repeat(weeks)
    repo_shock = rng.normal(0, 0.5, (repos, weeks))[
        repo, week
    ]  # common to a repo's groups: clustering matters
    post = period >= np.datetime64("2022-10-03")
    y = unit_effect + 0.1 * np.sin(week / 3) + repo_shock + rng.normal(0, 1, len(repo))
    y = y + effect * ((group == "CN") & post)
    return pd.DataFrame(
        {
            "repo_id": repo,
            "repo_name": [f"o/r{r}" for r in repo],
            "group": group,
            "period": period,
            "forks": y,
        }
    )


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return simulated_panel()


def test_planted_effect_is_recovered(panel):
    result = event_study(panel, "forks", ["2022-10-07"], window=8)
    assert result.did.ci_low < EFFECT < result.did.ci_high
    assert abs(result.did.estimate - EFFECT) < 0.1
    lags = result.event_study[result.event_study["rel_period"] >= 0]
    assert (lags["ci_low"] < EFFECT).all() and (lags["ci_high"] > EFFECT).all()
    leads = result.event_study[result.event_study["rel_period"] <= -2]
    assert (leads["ci_low"] < 0).all() and (leads["ci_high"] > 0).all()
    assert result.pretrend_p is not None and result.pretrend_p > 0.05
    assert result.pretrend["df"] == 7
    assert result.did.n_obs == 200 * 2 * 17
    assert result.design["n_clusters"] == 200


def test_placebo_date_gives_about_zero(panel):
    (placebo,) = placebo_dates(panel, "forks", ["2022-08-01"], window=6)  # window ends before the shock
    assert placebo.did.ci_low < 0 < placebo.did.ci_high
    assert abs(placebo.did.estimate) < 0.1


def test_no_effect_gives_zero_and_an_effect_of_minus_one_is_seen():
    null = did(simulated_panel(seed=3, effect=0.0), "forks", "2022-10-07")
    assert null.did.ci_low < 0 < null.did.ci_high
    negative = did(simulated_panel(seed=3, effect=-1.0), "forks", "2022-10-07")
    assert negative.did.ci_high < 0 and negative.did.ci_low < -1 < negative.did.ci_high


def test_to_dict_keys_and_json(panel):
    result = event_study(panel, "forks", ["2022-10-07"], window=4)
    payload = json.loads(dumps(result.to_dict()))
    assert set(payload["did"]) >= {"estimate", "se", "ci_low", "ci_high", "n_obs"}
    assert [row["rel_period"] for row in payload["event_study"]] == list(range(-4, 5))
    assert set(payload["event_study"][0]) >= {"rel_period", "estimate", "se", "ci_low", "ci_high"}
    ref = next(row for row in payload["event_study"] if row["rel_period"] == -1)
    assert ref["estimate"] == 0 and ref["se"] == 0
    assert 0 <= payload["pretrend_p"] <= 1
    tidy = result.tidy()
    assert tidy["term"].iloc[0] == "post_x_treated" and "rel_p0" in set(tidy["term"])
    assert "DiD post x treated" in result.summary()


def test_plot_writes_the_file(panel, tmp_path):
    result = event_study(panel, "forks", ["2022-10-07"], window=4)
    out = result.plot(tmp_path / "es.png")
    assert out.stat().st_size > 5000 and out.read_bytes()[:4] == b"\x89PNG"


def test_trimming_rule_cut_on_the_real_shock_spacing():
    # 2024-12-02 and 2025-01-13 are six weeks apart; with window 8 the first keeps lags 0..5 and the
    # second keeps leads -5..-1, so neither window contains the other shock.
    kept, dropped = windows([100, 106], window=8, n_periods=200, overlap="cut")
    assert kept == [(100, 92, 105), (106, 101, 114)] and dropped == []
    kept, dropped = windows([100, 106], window=8, n_periods=200, overlap="drop")
    assert kept == [(100, 92, 108)] and dropped[0][0] == 106
    # a shock one period after the previous has no period -1 of its own: dropped under "cut"
    kept, dropped = windows([100, 101], window=8, n_periods=200, overlap="cut")
    assert [k[0] for k in kept] == [100] and dropped[0][0] == 101
    assert "never contains another shock" in TRIMMING_RULES["cut"]


def test_stacked_shocks_recover_effect_of_each_stack():
    # Two shocks, each followed by its own permanent +0.5 step for CN: stacked windows cut at the next
    # shock see exactly +0.5 in every stack.
    panel = simulated_panel(seed=11, weeks=50, effect=0.0)
    period = panel["period"].to_numpy()
    cn = panel["group"].to_numpy() == "CN"
    panel["forks"] += EFFECT * (cn & (period >= np.datetime64("2022-10-03")))
    panel["forks"] += EFFECT * (cn & (period >= np.datetime64("2023-01-02")))
    result = event_study(panel, "forks", ["2022-10-07", "2023-01-04"], window=8)
    assert result.design["stacked"] and len(result.design["shocks"]) == 2
    assert [s["last_rel"] for s in result.design["shocks"]] == [8, 8]
    assert result.design["shocks"][1]["first_rel"] == -8
    assert result.did.ci_low < EFFECT < result.did.ci_high


def test_treated_rows_only_after_the_shock_is_one_clear_error(panel):
    late = panel[(panel["group"] == "US") | (panel["period"] >= np.datetime64("2022-10-03"))]
    with pytest.raises(InputError, match="no rows both before and after the shock"):
        event_study(late, "forks", ["2022-10-07"], window=4)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"outcome": "likes"}, "Unknown outcome 'likes'"),
        ({"shocks": ["2030-01-01"]}, "outside the data"),
        ({"shocks": ["2020-01-01"]}, "outside the data"),
        ({"shocks": ["not a date"]}, "is not a date"),
        ({"treated": "XX"}, "no rows of the treated group 'XX'"),
        ({"control": "ZZ"}, "no rows of the control group 'ZZ'"),
        ({"shocks": []}, "No shock date"),
    ],
)
def test_bad_input_is_one_clear_error(panel, kwargs, message):
    args = {"outcome": "forks", "shocks": ["2022-10-07"], **kwargs}
    with pytest.raises(InputError, match=message):
        event_study(panel, args.pop("outcome"), args.pop("shocks"), **args)
