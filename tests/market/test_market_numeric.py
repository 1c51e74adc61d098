"""The independent backward-induction solver agrees with the closed form; it also solves variants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from valuechain.errors import NoEquilibriumError
from valuechain.market import Parameters, solve, solve_numeric
from valuechain.market.equilibrium import QUANTITIES, shape_constants


@st.composite
def valid_points(draw):
    """Random points well inside the existence-and-uniqueness region (5 % margins on every bound)."""
    gamma = draw(st.floats(0.0, 1.5))
    delta = draw(st.floats(0.0, 1.5))
    lam = draw(st.floats(0.4, 1.6))
    theta = draw(st.floats(0.4, 1.6))
    a = draw(st.floats(1.5, 5.0))
    q0 = draw(st.floats(0.0, 1.0))
    kappa_i = draw(st.floats(0.3, 1.5))
    kappa_f = draw(st.floats(0.3, 1.5))
    c = draw(st.floats(0.05, 0.9)) * (a + lam * q0) / kappa_i
    s = draw(st.floats(0.0, 0.5)) * c
    sh = shape_constants(gamma, delta, lam, theta)
    assume(float(sh.rho_s) < 0.95 * float(sh.g2))
    big_c = float(sh.rho_u * sh.H) * draw(st.floats(1.1, 4.0))
    k = big_c - kappa_f * (c - s)
    assume(k >= 0)
    return Parameters(
        a=a,
        gamma=gamma,
        delta=delta,
        lam=lam,
        theta=theta,
        q0=q0,
        c=c,
        k=k,
        s=s,
        kappa_f=kappa_f,
        kappa_i=kappa_i,
    )


@settings(max_examples=24, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(params=valid_points())
def test_closed_form_equals_backward_induction(params):
    closed = solve(params)
    assert closed.exists and closed.unique
    numeric = solve_numeric(params, check_global=True)
    got = numeric.symmetric_dict()
    for name in QUANTITIES:
        expected = float(getattr(closed, name))
        assert got[name] == pytest.approx(expected, rel=1e-5, abs=1e-9), name
    assert numeric.diagnostics["w_constraint_binds"]
    assert numeric.diagnostics["best_responses_global"] and numeric.diagnostics["provider_global"]


def test_numeric_solver_at_defaults_to_high_precision():
    got = solve_numeric().symmetric_dict()
    closed = solve()
    for name in QUANTITIES:
        assert got[name] == pytest.approx(float(getattr(closed, name)), rel=1e-9, abs=1e-12), name


def test_identical_firms_given_as_pairs_give_the_symmetric_solution():
    a = solve_numeric(theta=(1.0, 1.0), q0=(0.5, 0.5), k=(1.0, 1.0), check_global=False)
    b = solve_numeric(check_global=False)
    assert a.effort == pytest.approx(b.effort, rel=1e-10)


def test_asymmetric_firms_better_fine_tuner_invests_and_earns_more():
    eq = solve_numeric(theta=(1.1, 0.9))
    assert eq.effort[0] > eq.effort[1] > 0
    assert eq.firm_profit[0] > eq.firm_profit[1]
    assert eq.quality[0] > eq.quality[1]
    cheap_data = solve_numeric(k=(0.8, 1.4))
    assert cheap_data.effort[0] > cheap_data.effort[1]
    # CS = ½ Dᵀ G⁻¹ D reduces to x² only when symmetric; here it must lie between the two firms' x²
    x = cheap_data.quantity
    assert min(x) ** 2 < cheap_data.consumer_surplus < max(x) ** 2


def test_strong_asymmetry_that_pushes_a_firm_to_negative_sales_is_refused():
    with pytest.raises(NoEquilibriumError, match="Firm 2 would sell a negative quantity"):
        solve_numeric(theta=(1.3, 0.8))


def test_unconstrained_fine_tuning_price_goes_below_cost_and_pays_more():
    constrained = solve_numeric()
    free = solve_numeric(constrain_w=False)
    assert free.fine_tuning_price < constrained.fine_tuning_price == pytest.approx(1.0)
    assert free.provider_profit > constrained.provider_profit
    assert not free.diagnostics["w_constraint_binds"]


def test_no_equilibrium_when_firm_profit_is_unbounded():
    with pytest.raises(NoEquilibriumError):
        solve_numeric(Parameters(c=0.1, k=0.1), check_global=False)


def test_numeric_solver_is_fast_enough_for_property_tests():
    import time

    start = time.perf_counter()
    for c in np.linspace(0.5, 2.0, 4):
        solve_numeric(Parameters(c=float(c)))
    assert time.perf_counter() - start < 4.0


def test_firm_specific_values_must_be_pairs():
    from valuechain.market.numeric import Market

    market = Market.from_parameters(theta=(1.1, 0.9))
    assert market.theta == (1.1, 0.9) and market.q0 == (0.5, 0.5)
    with pytest.raises(ValueError, match="theta must be a pair"):
        Market.from_parameters(theta=(1.0, 1.0, 1.0))  # type: ignore[arg-type]  # the wrong shape on purpose
