"""The sympy derivation regenerates the coded closed form and the thresholds C_price, C_subsidy."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from valuechain.market import Parameters, solve
from valuechain.market.equilibrium import thresholds
from valuechain.market.symbolic import derive


@pytest.fixture(scope="module")
def derivation():
    return derive()


POINTS = [
    {},
    {"gamma": 0.7, "delta": 0.3, "c": 0.6, "k": 2.5, "s": 0.2, "lam": 1.3, "theta": 0.8, "q0": 0.9},
    {"gamma": 0.05, "delta": 1.1, "c": 1.4, "k": 3.0, "kappa_f": 0.7, "kappa_i": 1.3, "a": 4.2},
]


@pytest.mark.parametrize("overrides", POINTS)
def test_derived_equilibrium_equals_coded_closed_form(derivation, overrides):
    params = Parameters().with_values(**overrides)
    eq = solve(params)
    assert eq.exists
    values = params.scalar_dict()
    for name in (
        "fine_tuning_price",
        "inference_price",
        "effort",
        "quantity",
        "retail_price",
        "consumer_surplus",
        "provider_profit",
        "firm_profit",
        "subsidy_outlay",
    ):
        assert derivation.evaluate(name, **values) == pytest.approx(
            float(getattr(eq, name)), rel=1e-12, abs=1e-14
        ), name
    th = thresholds(params)
    assert derivation.evaluate("C_price", **values) == pytest.approx(float(th["C_price"]), rel=1e-12)
    if np.isfinite(th["C_subsidy"]):
        assert derivation.evaluate("C_subsidy", **values) == pytest.approx(float(th["C_subsidy"]), rel=1e-12)
    else:  # h <= 2φ²: the sign condition has no positive root, the subsidy is effective at every cost
        assert derivation.evaluate("C_subsidy", **values) <= 0
    assert derivation.evaluate("firm_soc_ratio", **values) == pytest.approx(float(th["rho_s"]), rel=1e-12)
    # the provider does not want to raise w above c: the no-below-cost constraint binds
    assert derivation.evaluate("dPi_dw_at_c", **values) < 0


def test_thresholds_at_defaults_from_the_derivation(derivation):
    values = Parameters().scalar_dict()
    assert derivation.evaluate("C_price", **values) == pytest.approx(1.703438, abs=1e-6)
    assert derivation.evaluate("C_subsidy", **values) == pytest.approx(4.398729, abs=1e-6)


def test_symbolic_thresholds_equal_coded_ones_identically(derivation):
    """C_price and C_subsidy as functions of (γ, δ, λ, θ): compare with the coded formulas on a grid."""
    sy = derivation.symbols
    args = [sy["gamma"], sy["delta"], sy["lam"], sy["theta"]]
    c_price = sp.lambdify(args, derivation.C_price, "numpy")
    c_sub = sp.lambdify(args, derivation.C_subsidy, "numpy")
    g, d, lam, th = np.meshgrid(np.linspace(0.01, 2, 6), np.linspace(0.01, 2, 6), [0.5, 1.5], [0.7, 1.2])
    params = Parameters(gamma=g, delta=d, lam=lam, theta=th)
    coded = thresholds(params)
    np.testing.assert_allclose(c_price(g, d, lam, th), coded["C_price"], rtol=1e-11)
    sym_sub = c_sub(g, d, lam, th)
    defined = np.isfinite(coded["C_subsidy"])
    np.testing.assert_allclose(sym_sub[defined], coded["C_subsidy"][defined], rtol=1e-11)
    # where the coded threshold is infinite (h <= 2φ²), the symbolic one is negative: no cost level stops it
    assert np.all(sym_sub[~defined] <= 0)
