"""Closed form: spec values at the defaults, vectorisation, existence, analytic marginal effects."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from valuechain.errors import InputError, NoEquilibriumError
from valuechain.market import Parameters, marginal_effects, solve
from valuechain.market.equilibrium import QUANTITIES, finite_change, thresholds

SPEC_DEFAULTS = {  # shared/specs/market-model.md, "Values at the defaults (C = 2)"
    "fine_tuning_price": 1.0,
    "inference_price": 2.25,
    "retail_price": 3.13054187,
    "effort": 0.68719212,
    "data": 0.23611650,
    "quality": 1.18719212,
    "quantity": 1.05665025,
    "consumer_surplus": 1.11650974,
    "provider_profit": 2.64162562,
    "firm_profit": 0.45819178,
    "welfare": 4.67451892,
}
SPEC_THRESHOLDS = {
    "rho_s": 1.43077,
    "rho_u": 1.86154,
    "existence_C": 1.015091,
    "uniqueness_C": 1.320710,
    "C_price": 1.703438,
    "C_firm_subsidy": 1.783268,
    "C_subsidy": 4.398729,
    "C_firm_price": 4.991170,
    "H": 0.7095,
}
SPEC_EFFECTS = {
    "gamma": (0.194373, 0.194373, 0.229941, 0.163373),
    "s": (0.613805, 0.141572, 0.726122, 0.015776),
    "delta": (0.726006, 0.726006, 0.858854, -0.260618),
}


def test_values_at_defaults_match_spec():
    eq = solve()
    for name, value in SPEC_DEFAULTS.items():
        assert getattr(eq, name) == pytest.approx(value, abs=5e-8), name
    assert eq.exists and eq.unique
    assert eq.subsidy_outlay == 0.0 and eq.net_consumer_surplus == pytest.approx(eq.consumer_surplus)


def test_thresholds_at_defaults_match_spec():
    th = thresholds(Parameters())
    for name, value in SPEC_THRESHOLDS.items():
        assert float(th[name]) == pytest.approx(value, abs=6e-5 if name == "H" else 1e-5), name
    assert float(th["C"]) == 2.0


def test_marginal_effects_at_defaults_match_spec_table():
    eff = marginal_effects()
    for policy, (cs, net, prov, firm) in SPEC_EFFECTS.items():
        got = eff[policy]
        assert float(got["consumer_surplus"]) == pytest.approx(cs, abs=1e-6)
        assert float(got["net_consumer_surplus"]) == pytest.approx(net, abs=1e-6)
        assert float(got["provider_profit"]) == pytest.approx(prov, abs=1e-6)
        assert float(got["firm_profit"]) == pytest.approx(firm, abs=1e-6)


def _levels(params: Parameters, name: str, value: float) -> dict[str, float]:
    eq = solve(params.with_values(**{name: value}))
    return {
        "consumer_surplus": eq.consumer_surplus,
        "net_consumer_surplus": eq.net_consumer_surplus,
        "provider_profit": eq.provider_profit,
        "firm_profit": eq.firm_profit,
        "welfare": eq.welfare,
    }


@settings(max_examples=40, deadline=None)
@given(
    c=st.floats(0.2, 2.5),
    k=st.floats(0.5, 4.0),
    s=st.floats(0.01, 0.4),
    gamma=st.floats(0.05, 1.5),
    delta=st.floats(0.05, 1.2),
)
def test_analytic_effects_equal_central_differences(c, k, s, gamma, delta):
    params = Parameters(c=c, k=k, s=s, gamma=gamma, delta=delta)
    eq = solve(params)
    th = thresholds(params)
    # only points inside the existence region, away from its edge (a step there could leave it)
    assume(bool(eq.exists) and float(th["C"]) >= 1.05 * float(th["existence_C"]))
    eff = marginal_effects(params)
    for name in ("gamma", "s", "delta"):
        x0 = float(getattr(params, name))
        step = 1e-5
        up, down = _levels(params, name, x0 + step), _levels(params, name, x0 - step)
        for outcome, analytic in eff[name].items():
            numeric = (up[outcome] - down[outcome]) / (2 * step)
            assert float(analytic) == pytest.approx(float(numeric), rel=1e-5, abs=1e-7), (name, outcome)


def test_vectorised_over_a_broadcast_grid_with_nan_outside_existence():
    c = np.linspace(0.1, 5.0, 7)[None, :]
    k = np.linspace(0.0, 5.0, 5)[:, None]
    eq = solve(c=c, k=k)
    assert eq.quantity.shape == (5, 7) and eq.exists.shape == (5, 7)
    for name in QUANTITIES:
        values = np.broadcast_to(getattr(eq, name), (5, 7))
        assert np.all(np.isnan(values[~eq.exists])), name
        assert np.all(np.isfinite(values[eq.exists])), name
    assert (~eq.exists).any() and eq.exists.any()
    # each grid cell equals the scalar solution
    i, j = np.argwhere(eq.exists)[0]
    single = solve(c=float(c[0, j]), k=float(k[i, 0]))
    assert eq.consumer_surplus[i, j] == pytest.approx(single.consumer_surplus, rel=1e-14)
    frame = eq.tidy()
    assert len(frame) == 35 and {"c", "k", "consumer_surplus", "exists"} <= set(frame.columns)


def test_outside_existence_no_numbers_and_a_sentence():
    eq = solve(c=0.2, k=0.2)  # C = 0.4 < existence bound
    assert not eq.exists and not eq.unique
    d = eq.to_dict()
    assert all(d[name] is None for name in QUANTITIES)
    assert any("second-order" in v for v in d["violated_conditions"])
    with pytest.raises(NoEquilibriumError, match="C = kappa_f"):
        eq.require()
    with pytest.raises(NoEquilibriumError, match="Y0"):
        solve(c=4.0).require()


def test_exists_but_not_unique_is_solved_and_flagged():
    params = Parameters(k=0.2, c=1.0)  # C = 1.2: between existence (1.015) and uniqueness (1.321)
    eq = solve(params)
    assert eq.exists and not eq.unique and np.isfinite(eq.consumer_surplus)


@pytest.mark.parametrize("name", ["c", "k", "kappa_f", "kappa_i"])
def test_negative_costs_rejected_with_one_sentence(name):
    with pytest.raises(InputError, match=f"cost {name} "):
        Parameters(**{name: -0.5})


def test_bad_parameter_values_rejected():
    with pytest.raises(InputError, match="Unknown model parameter 'zeta'"):
        Parameters.from_assignments(["zeta=1"])
    with pytest.raises(InputError, match="must be a number"):
        Parameters.from_assignments(["c=abc"])
    with pytest.raises(InputError, match="NAME=VALUE"):
        Parameters.from_assignments(["c"])
    with pytest.raises(InputError, match="finite"):
        Parameters.from_assignments(["c=nan"])
    with pytest.raises(InputError, match="gamma"):
        Parameters(gamma=np.array([0.1, -0.1]))
    with pytest.raises(InputError, match="at most 1e\\+06"):
        Parameters(a=1e300)  # finite but would overflow CS = x² to inf while the point "exists"


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(0.0, 1e6), min_size=11, max_size=11))
def test_every_existing_point_has_finite_numbers_even_at_extreme_scales(values):
    from valuechain.market.parameters import PARAMETER_TABLE

    params = Parameters(**dict(zip(PARAMETER_TABLE, values, strict=True)))
    with np.errstate(over="raise"):  # no overflow to inf inside the accepted range
        eq = solve(params)
        eff = marginal_effects(params)
    if eq.exists:
        assert all(np.isfinite(getattr(eq, q)) for q in QUANTITIES)
        assert all(np.isfinite(v) for pol in eff.values() for v in pol.values())


def test_finite_change_matches_levels_and_sign_of_derivative():
    change = finite_change(Parameters(), "gamma", 0.01)
    base, after = solve(), solve(gamma=0.21)
    assert change["consumer_surplus"] == pytest.approx(after.consumer_surplus - base.consumer_surplus)
    assert change["consumer_surplus"] > 0  # C = 2 > C_price: the price policy raises CS
    low_cost = finite_change(Parameters(k=0.5), "gamma", 0.01)  # C = 1.5 < C_price
    assert low_cost["consumer_surplus"] < 0


def test_gross_cs_rises_with_subsidy_but_net_falls_at_high_cost():
    eff = marginal_effects(Parameters(k=4.0))  # C = 5 > C_subsidy
    assert float(eff["s"]["consumer_surplus"]) > 0 > float(eff["s"]["net_consumer_surplus"])


def test_subsidy_outlay_and_welfare_identity_with_positive_subsidy():
    eq = solve(s=0.3)
    p = eq.parameters
    assert eq.subsidy_outlay == pytest.approx(p.s * p.kappa_f * 2 * eq.data)
    assert eq.welfare == pytest.approx(
        eq.consumer_surplus + eq.provider_profit + 2 * eq.firm_profit - eq.subsidy_outlay
    )


@settings(max_examples=25, deadline=None)
@given(
    a=st.lists(st.floats(1.0, 6.0), min_size=1, max_size=3),
    gamma=st.lists(st.floats(0.0, 2.0), min_size=1, max_size=3),
    delta=st.lists(st.floats(0.0, 2.0), min_size=1, max_size=3),
    k=st.lists(st.floats(0.0, 5.0), min_size=1, max_size=3),
)
def test_any_broadcast_grid_equals_pointwise_solutions(a, gamma, delta, k):
    grid = Parameters(
        a=np.array(a)[:, None, None, None],
        gamma=np.array(gamma)[None, :, None, None],
        delta=np.array(delta)[None, None, :, None],
        k=np.array(k)[None, None, None, :],
    )
    eq = solve(grid)
    eff = marginal_effects(grid)
    shape = (len(a), len(gamma), len(delta), len(k))
    assert np.shape(eq.exists) == shape
    for idx in np.ndindex(*shape):
        point = solve(a=a[idx[0]], gamma=gamma[idx[1]], delta=delta[idx[2]], k=k[idx[3]])
        assert bool(np.asarray(eq.exists)[idx]) == bool(point.exists)
        for name in ("retail_price", "firm_profit", "welfare", "inference_price"):
            got = np.broadcast_to(getattr(eq, name), shape)[idx]
            np.testing.assert_allclose(got, getattr(point, name), rtol=1e-12, equal_nan=True)
        p_eff = marginal_effects(a=a[idx[0]], gamma=gamma[idx[1]], delta=delta[idx[2]], k=k[idx[3]])
        for pol in ("gamma", "s", "delta"):
            for out in ("net_consumer_surplus", "firm_profit", "welfare"):
                got = np.broadcast_to(eff[pol][out], shape)[idx]
                np.testing.assert_allclose(got, p_eff[pol][out], rtol=1e-10, equal_nan=True)


@settings(max_examples=60, deadline=None)
@given(
    gamma=st.floats(0.0, 3.0),
    delta=st.floats(0.0, 3.0),
    lam=st.floats(0.0, 2.0),
    c=st.floats(0.0, 5.0),
    k=st.floats(0.0, 4.0),
    s=st.floats(0.0, 1.0),
    a=st.floats(0.0, 5.0),
)
def test_violated_conditions_are_empty_exactly_where_the_equilibrium_exists(gamma, delta, lam, c, k, s, a):
    # the sentence-per-condition explanation and the vectorised existence mask are written separately
    eq = solve(Parameters(gamma=gamma, delta=delta, lam=lam, c=c, k=k, s=s, a=a))
    assert bool(eq.exists) == (eq.violations() == [])
