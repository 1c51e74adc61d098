"""Symbolic derivation (sympy) of the closed form and of the thresholds ``C_price`` and ``C_subsidy``.

Backward induction on the primitives of our reconstruction of Qian, Mehra & Liu (arXiv 2603.12630),
spec ``market-model.md``: Bertrand first-order conditions → prices as functions of qualities; firm 1's
effort first-order condition at a symmetric profile → e(w, r); the provider's first-order condition in r
at the binding w = c → r*; then the equilibrium quantities and the policy thresholds. The tests compare
these expressions with the coded numpy closed form (:mod:`valuechain.market.equilibrium`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import sympy as sp

SYMBOL_NAMES = ("a", "gamma", "delta", "lam", "theta", "q0", "c", "k", "s", "kappa_f", "kappa_i")


@dataclass(frozen=True)
class Derivation:
    """Symbols and the derived expressions (all in the primitives)."""

    symbols: dict[str, sp.Symbol]
    fine_tuning_price: sp.Expr
    inference_price: sp.Expr
    effort: sp.Expr
    quantity: sp.Expr
    retail_price: sp.Expr
    consumer_surplus: sp.Expr
    provider_profit: sp.Expr
    firm_profit: sp.Expr
    subsidy_outlay: sp.Expr
    dPi_dw_at_c: sp.Expr  # provider's incentive to raise w above c at r*; < 0 means w = c binds
    C_price: sp.Expr  # in (gamma, delta, lam, theta)
    C_subsidy: sp.Expr
    firm_soc_ratio: sp.Expr  # rho_s: firm 1's SOC is C > rho_s * H

    def evaluate(self, name: str, **values: float) -> float:
        """The expression ``name`` at ``values`` (primitives by CLI name), in 30-digit mpmath arithmetic."""
        import mpmath

        fn = _lambdified(self, name)
        with mpmath.workdps(30):
            args = [mpmath.mpf(values.get(n, _DEFAULTS[n])) for n in SYMBOL_NAMES]
            return float(fn(*args))


def _rat(expr: Any) -> Any:
    """Canonical rational form (cancel is fast and exact for the rational functions of this model)."""
    return sp.cancel(sp.together(expr))


_DEFAULTS = {
    "a": 3.0,
    "gamma": 0.2,
    "delta": 0.6,
    "lam": 1.0,
    "theta": 1.0,
    "q0": 0.5,
    "c": 1.0,
    "k": 1.0,
    "s": 0.0,
    "kappa_f": 1.0,
    "kappa_i": 1.0,
}
_LAMBDIFIED: dict[tuple[int, str], Any] = {}


def _lambdified(der: Derivation, name: str) -> Any:
    key = (id(der), name)
    if key not in _LAMBDIFIED:
        args = [der.symbols[n] for n in SYMBOL_NAMES]
        _LAMBDIFIED[key] = sp.lambdify(args, getattr(der, name), "mpmath")
    return _LAMBDIFIED[key]


@lru_cache(maxsize=1)
def derive() -> Derivation:
    """Run the derivation (a few seconds; cached)."""
    sy = {n: sp.Symbol(n, positive=True) for n in SYMBOL_NAMES}
    a, g, dl, lam, th, q0, c, k, s, kf, ki = (sy[n] for n in SYMBOL_NAMES)
    w, r, e1, e2, p1, p2, big_c = sp.symbols("w r e1 e2 p1 p2 C", real=True)

    # stage 3: Bertrand prices
    q1, q2 = q0 + th * e1, q0 + th * e2
    d1 = a - p1 - g * (p1 - p2) + lam * (q1 + dl * (q1 - q2))
    d2 = a - p2 - g * (p2 - p1) + lam * (q2 + dl * (q2 - q1))
    prices = sp.solve([sp.diff((p1 - r) * d1, p1), sp.diff((p2 - r) * d2, p2)], [p1, p2], dict=True)[0]
    d1p = d1.subs(prices)
    cost = kf * (w - s) + k
    profit1 = (prices[p1] - r) * d1p - cost * e1**2 / 2
    # stage 2: firm 1's first-order condition at a symmetric profile; second-order ratio
    foc = sp.diff(profit1, e1).subs(e2, e1)
    e_sym = sp.solve(foc, e1)[0]
    soc = -sp.diff(profit1, e1, 2)  # = cost - 2 (dx/de)^2/(1+γ)
    h_expr = 2 * (1 + g) * (2 * (1 + g) * (1 + dl) - g * dl) / ((2 + g) ** 2 * (2 + 3 * g))
    rho_s = _rat((cost - soc) / (lam**2 * th**2 * h_expr))
    # stage 1: provider at w = c; first-order condition in r
    x_sym = _rat(d1p.subs({e1: e_sym, e2: e_sym}))
    profit_provider = (w - c) * kf * e_sym**2 + (r - ki * c) * 2 * x_sym
    r_star = sp.solve(sp.diff(profit_provider.subs(w, c), r), r)[0]
    dpi_dw = _rat(sp.diff(profit_provider, w).subs(w, c).subs(r, r_star))
    at = {w: c, r: r_star}
    e_star = _rat(e_sym.subs(at))
    x_star = _rat(x_sym.subs(at))
    p_star = _rat((prices[p1].subs({e1: e_sym, e2: e_sym})).subs(at))
    cost_star = cost.subs(w, c)
    cs = x_star**2
    firm = _rat(x_star**2 / (1 + g) - cost_star * e_star**2 / 2)
    outlay = s * kf * e_star**2
    provider = _rat(profit_provider.subs(at))

    # thresholds: write k = C − κ_F (c − s) so that C is a variable, then solve the sign conditions
    k_of_c = big_c - kf * (c - s)
    x_c = _rat(x_star.subs(k, k_of_c))
    c_price_roots = sp.solve(sp.numer(sp.together(sp.diff(x_c, g))), big_c)
    c_price = [root for root in c_price_roots if root != 0][0]
    net = cs - outlay
    dnet_ds = sp.diff(net, s).subs(s, 0)
    dnet_c = sp.together(dnet_ds.subs(k, big_c - kf * c))
    sub_roots = [root for root in sp.solve(sp.numer(dnet_c), big_c) if root != 0]
    c_subsidy = sp.factor(sub_roots[0]) if len(sub_roots) == 1 else sub_roots
    return Derivation(
        symbols={**sy, "C": big_c},
        fine_tuning_price=c,
        inference_price=r_star,
        effort=e_star,
        quantity=x_star,
        retail_price=p_star,
        consumer_surplus=cs,
        provider_profit=provider,
        firm_profit=firm,
        subsidy_outlay=outlay,
        dPi_dw_at_c=dpi_dw,
        C_price=sp.factor(c_price),
        C_subsidy=c_subsidy,
        firm_soc_ratio=rho_s,
    )


def evaluate_all(values: dict[str, float]) -> dict[str, Any]:
    """Every derived expression evaluated at ``values`` (a dict of primitives)."""
    der = derive()
    names = (
        "fine_tuning_price",
        "inference_price",
        "effort",
        "quantity",
        "retail_price",
        "consumer_surplus",
        "provider_profit",
        "firm_profit",
        "subsidy_outlay",
        "dPi_dw_at_c",
        "C_price",
        "C_subsidy",
        "firm_soc_ratio",
    )
    return {n: der.evaluate(n, **values) for n in names}
