"""Callaway–Sant'Anna and ETWFE on ``mpdta`` against R ``did`` 2.5.0 and R ``etwfe`` (numbers and their
sources in ``fixtures/did_mpdta/reference_values.json``)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from valuechain.estimation import callaway_santanna, etwfe

TOL = 1e-6


@pytest.fixture(scope="module")
def mpdta(shared_data):
    return pd.read_csv(shared_data / "fixtures" / "did_mpdta" / "mpdta.csv")


@pytest.fixture(scope="module")
def reference(shared_data):
    return json.loads((shared_data / "fixtures" / "did_mpdta" / "reference_values.json").read_text())


@pytest.fixture(scope="module")
def cs_never(mpdta):
    return callaway_santanna(
        mpdta, "lemp", unit="countyreal", time="year", cohort="first.treat", control_group="nevertreated"
    )


def test_att_gt_and_analytical_se_match_r_did(cs_never, reference):
    expected = reference["cs_did_R_2.5.0_analytical"]["att_gt"]["mpdta_nev_dr"]
    got = cs_never.att_gt.set_index(["group", "time"])
    assert len(got) == len(expected) == 12
    for row in expected:
        cell = got.loc[(row["group"], row["t"])]
        assert cell["att"] == pytest.approx(row["att"], abs=TOL)
        assert cell["se"] == pytest.approx(row["se"], abs=TOL)


@pytest.mark.parametrize("kind", ["simple", "dynamic", "group", "calendar"])
def test_aggregations_match_r_aggte(cs_never, reference, kind):
    expected = reference["cs_did_R_2.5.0_analytical"]["aggte"]["mpdta_nev_dr"][kind]
    got = cs_never.aggregate(kind)
    assert got.overall_att == pytest.approx(expected["overall_att"], abs=TOL)
    assert got.overall_se == pytest.approx(expected["overall_se"], abs=TOL)
    assert len(got.by) == len(expected["by"])
    for mine, theirs in zip(got.by.itertuples(), expected["by"], strict=True):
        assert mine.key == theirs["egt"]
        assert mine.att == pytest.approx(theirs["att"], abs=TOL)
        assert mine.se == pytest.approx(theirs["se"], abs=TOL)


def test_pretest_matches_r(cs_never, reference):
    expected = reference["cs_did_R_2.5.0_analytical"]["pretest_wald"]["mpdta_nev_dr"]
    assert cs_never.pretest_wald == pytest.approx(expected["W"], abs=TOL)
    assert cs_never.pretest_p == pytest.approx(expected["p"], abs=1e-5)


def test_not_yet_treated_att_gt(mpdta, reference):
    result = callaway_santanna(
        mpdta, "lemp", unit="countyreal", time="year", cohort="first.treat", control_group="notyettreated"
    )
    got = result.att_gt.set_index(["group", "time"])
    for row in reference["cs_did_R_2.5.0_analytical"]["att_gt"]["mpdta_nyt_dr"]:
        assert got.loc[(row["group"], row["t"]), "att"] == pytest.approx(row["att"], abs=TOL)
        assert got.loc[(row["group"], row["t"]), "se"] == pytest.approx(row["se"], abs=TOL)


def test_etwfe_not_yet_no_controls_matches_r_etwfe(mpdta, reference):
    result = etwfe(mpdta, "lemp", unit="countyreal", time="year", cohort="first.treat")
    got = {f"{r.group}-{r.time}": r.estimate for r in result.coefficients.itertuples()}
    expected = reference["etwfe_R"]["notyet_no_controls_coefs"]
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, abs=TOL)


def test_etwfe_with_covariate_matches_r_etwfe(mpdta, reference):
    expected = reference["etwfe_R"]["with_lpop"]
    result = etwfe(mpdta, "lemp", unit="countyreal", time="year", cohort="first.treat", covariates=["lpop"])
    got = {f"{r.group}-{r.time}": (r.estimate, r.se) for r in result.coefficients.itertuples()}
    for key, (estimate, se) in expected["coefs_README"].items():
        assert got[key][0] == pytest.approx(estimate, abs=5e-7)  # README rounds to 6 decimals
        # fixest counts one more parameter in its small-sample factor (we believe the collinear
        # varying slope of first.treat[lpop] + year[lpop]); our clustered SEs agree within 0.05 %.
        assert got[key][1] == pytest.approx(se, rel=5e-4)
    assert result.aggregate("simple").overall_att == pytest.approx(expected["emfx_simple_att"], abs=TOL)
    for kind, key in (("dynamic", "emfx_event"), ("group", "emfx_group"), ("calendar", "emfx_calendar")):
        by = result.aggregate(kind).by
        for k, value in expected[key].items():
            assert by.loc[by["key"] == int(k), "att"].item() == pytest.approx(value, abs=TOL)
    dyn = result.aggregate("dynamic").by
    for k, se in expected["emfx_event_se_README"].items():
        assert dyn.loc[dyn["key"] == int(k), "se"].item() == pytest.approx(se, abs=6e-4)
    assert result.fit_stats["n_obs"] == expected["README_fit"]["nobs"]
    assert result.fit_stats["rmse"] == pytest.approx(expected["README_fit"]["rmse"], abs=1e-6)
    # adjusted R2 differs in the 4th decimal by exactly one parameter of K: (1 - adj_R) / (1 - adj_ours)
    # = (n - K) / (n - K - 1) = 1 + 1/2468 — the same extra parameter as in the SEs above.
    ratio = (1 - expected["README_fit"]["adj_r2"]) / (1 - result.fit_stats["adj_r2"])
    assert ratio == pytest.approx(1 + 1 / 2468, abs=2e-5)
