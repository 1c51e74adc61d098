"""Placebo-in-space DiD (closed form checked against pyfixest) and the interrupted-time-series helper."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from valuechain.errors import InputError
from valuechain.estimation import interrupted_time_series, permutation_did


def economy_panel(seed: int, effect: float, units: int = 60, quarters: int = 12) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    periods = pd.date_range("2021-01-01", periods=quarters, freq="QS")
    names = ["CN"] + [f"E{i:02d}" for i in range(units - 1)]
    rows = []
    for name in names:
        level = rng.normal(0, 5)
        for q, p in enumerate(periods):
            y = (
                level
                + 0.3 * q
                + rng.normal(0, 1)
                + (effect if name == "CN" and p >= pd.Timestamp("2022-10-01") else 0)
            )
            rows.append({"economy": name, "period": p, "y": y})
    return pd.DataFrame(rows)


def test_closed_form_equals_pyfixest_twfe():
    import pyfixest as pf

    panel = economy_panel(seed=1, effect=2.0)
    result = permutation_did(panel, "y", "CN", "2022-10-07", unit="economy", period="period", leads=4, lags=3)
    window = panel[(panel["period"] >= "2021-10-01") & (panel["period"] <= "2023-07-01")].copy()
    window["treat_post"] = ((window["economy"] == "CN") & (window["period"] >= "2022-10-01")).astype(int)
    fit = pf.feols("y ~ treat_post | economy + period", data=window)
    assert result.estimate == pytest.approx(float(fit.coef()["treat_post"]), abs=1e-10)
    # event-study coefficients equal the TWFE event study with CN x period dummies (reference -1)
    rel_periods = sorted(window["period"].unique())
    terms = []
    for k, p in enumerate(rel_periods):
        if k - 4 == -1:
            continue
        name = f"d{k}"
        window[name] = ((window["economy"] == "CN") & (window["period"] == p)).astype(int)
        terms.append((k - 4, name))
    es_fit = pf.feols(f"y ~ {' + '.join(n for _, n in terms)} | economy + period", data=window)
    got = result.event_study.set_index("rel_period")["estimate"]
    for k, name in terms:
        assert got[k] == pytest.approx(float(es_fit.coef()[name]), abs=1e-10)


def test_planted_effect_is_extreme_and_covered():
    result = permutation_did(
        economy_panel(seed=2, effect=3.0), "y", "CN", "2022-10-07", unit="economy", period="period"
    )
    assert result.ci_low < 3.0 < result.ci_high
    assert result.ci_low > 0
    assert result.p_value == pytest.approx(1 / 60)  # the most extreme of 59 placebos + itself
    assert len(result.placebo) == 59
    payload = result.to_dict()
    assert payload["placebo"]["rank_of_treated"] == 1 and payload["did"]["se"] is None


def test_null_effect_interval_covers_zero():
    result = permutation_did(
        economy_panel(seed=3, effect=0.0), "y", "CN", "2022-10-07", unit="economy", period="period"
    )
    assert result.ci_low < 0 < result.ci_high
    assert result.p_value > 0.05


def test_units_with_a_missing_cell_are_left_out_and_listed():
    panel = economy_panel(seed=4, effect=0.0)
    panel = panel[~((panel["economy"] == "E03") & (panel["period"] == pd.Timestamp("2022-07-01")))]
    result = permutation_did(panel, "y", "CN", "2022-10-07", unit="economy", period="period")
    assert result.design["excluded_units"] == ["E03"] and len(result.placebo) == 58
    missing_cn = panel[~((panel["economy"] == "CN") & (panel["period"] == pd.Timestamp("2022-07-01")))]
    with pytest.raises(InputError, match="'CN' has a missing cell"):
        permutation_did(missing_cn, "y", "CN", "2022-10-07", unit="economy", period="period")


def test_its_recovers_a_level_change():
    rng = np.random.default_rng(5)
    months = pd.date_range("2020-01-01", periods=60, freq="MS")
    t = np.arange(60)
    y = 20 + 0.5 * t + 15 * (months >= "2023-01-01") + rng.normal(0, 2, 60)
    result = interrupted_time_series(pd.Series(y, index=months), ["2023-01-15"])
    level = result.tidy().set_index("term").loc["level_2023-01-15"]
    assert level["ci_low"] < 15 < level["ci_high"] and level["ci_low"] > 5
    slope = result.tidy().set_index("term").loc["slope_2023-01-15"]
    assert slope["ci_low"] < 0.5  # no slope change was planted (the trend is 0.5 a month)
    exact = interrupted_time_series(
        pd.Series(20 + 0.5 * t + 15 * (months >= "2023-01-01"), index=months), ["2023-01"]
    )
    terms = exact.tidy().set_index("term")["estimate"]
    assert terms["level_2023-01"] == pytest.approx(15) and terms["slope_2023-01"] == pytest.approx(
        0, abs=1e-9
    )
    assert terms["trend"] == pytest.approx(0.5)
    assert result.design["breaks"][0]["period"] == "2023-01-01"
    with pytest.raises(InputError, match="outside the data"):
        interrupted_time_series(pd.Series(y, index=months), ["2030-01-01"])
