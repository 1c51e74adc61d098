"""Independent numeric solver of the market model by backward induction (no closed form used).

Stages (our reconstruction of Qian, Mehra & Liu, arXiv 2603.12630; spec ``market-model.md``):

3. **Bertrand prices**: for given qualities and inference price r, firm i's first-order condition
   ``A_i − 2(1+γ) p_i + γ p_j + (1+γ) r = 0`` with ``A_i = a + λ[q_i + δ(q_i − q_j)]`` is a 2 × 2 linear
   system, solved exactly (Cramer's rule); its sensitivity to effort is exact too.
2. **Fine-tuning effort**: each firm's best response maximises its profit over ``e_i ≥ 0`` in one
   dimension — Brent's root finder on the exact derivative of the profit (a bracket is grown until the
   derivative turns negative; no bracket means the profit is unbounded, i.e. no equilibrium) — iterated to
   a fixed point (Gauss–Seidel with Aitken acceleration). At the solution each best response is checked
   globally against a grid of efforts.
1. **Provider**: maximises ``Π(w, r)`` over ``w ≥ c`` (or unconstrained ``w``) and ``r`` — Nelder–Mead from
   a coarse scan, polished by solving the first-order (or KKT, when ``w = c`` binds) conditions on
   central-difference gradients, then checked against a grid of (w, r).

Firms may be asymmetric (own ``theta``, ``q0``, ``k``), which has no closed form here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import optimize

from valuechain.errors import NoEquilibriumError
from valuechain.market.parameters import Parameters


@dataclass(frozen=True)
class Market:
    """Primitives with firm-specific ``theta``, ``q0`` and ``k`` (pairs)."""

    a: float
    gamma: float
    delta: float
    lam: float
    theta: tuple[float, float]
    q0: tuple[float, float]
    c: float
    k: tuple[float, float]
    s: float
    kappa_f: float
    kappa_i: float

    @classmethod
    def from_parameters(
        cls, params: Parameters | None = None, **firm_specific: tuple[float, float]
    ) -> Market:
        p = (params or Parameters()).scalar_dict()
        pairs: dict[str, tuple[float, float]] = {}
        for name in ("theta", "q0", "k"):
            value = firm_specific.pop(name, None)
            if value is None:
                pairs[name] = (p[name], p[name])
            elif len(value) == 2:
                pairs[name] = (float(value[0]), float(value[1]))
            else:
                raise ValueError(f"{name} must be a pair (firm 1, firm 2), not {tuple(value)!r}")
        if firm_specific:
            raise ValueError(f"only theta, q0 and k can be firm-specific, not {sorted(firm_specific)}")
        return cls(
            a=p["a"],
            gamma=p["gamma"],
            delta=p["delta"],
            lam=p["lam"],
            theta=pairs["theta"],
            q0=pairs["q0"],
            c=p["c"],
            k=pairs["k"],
            s=p["s"],
            kappa_f=p["kappa_f"],
            kappa_i=p["kappa_i"],
        )


@dataclass
class NumericEquilibrium:
    """Result of :func:`solve_numeric`: prices, per-firm arrays and the payoffs."""

    fine_tuning_price: float
    inference_price: float
    retail_price: np.ndarray
    effort: np.ndarray
    data: np.ndarray
    quality: np.ndarray
    quantity: np.ndarray
    consumer_surplus: float
    provider_profit: float
    firm_profit: np.ndarray
    subsidy_outlay: float
    net_consumer_surplus: float
    welfare: float
    diagnostics: dict[str, Any] = field(default_factory=dict)

    def symmetric_dict(self) -> dict[str, float]:
        """Per-firm values of firm 1 and the totals, named like the closed form's quantities."""
        out = {}
        for name in (
            "fine_tuning_price",
            "inference_price",
            "consumer_surplus",
            "provider_profit",
            "subsidy_outlay",
            "net_consumer_surplus",
            "welfare",
        ):
            out[name] = float(getattr(self, name))
        for name in ("retail_price", "effort", "data", "quality", "quantity", "firm_profit"):
            out[name] = float(getattr(self, name)[0])
        return out


class _Stages:
    """The three stages for one market, as plain-float Python (fast enough for ~10⁵ calls per point)."""

    def __init__(self, m: Market):
        self.m = m
        g1 = 1.0 + m.gamma
        self.g1 = g1
        self.det = 4.0 * g1 * g1 - m.gamma * m.gamma
        # demand matrix G (D = A − G p) and its inverse, for CS = ½ Dᵀ G⁻¹ D
        self.g_det = g1 * g1 - m.gamma * m.gamma
        # exact sensitivity of A_i, A_j to e_i, and of prices (solve the same linear system)
        self.dA = []
        for i in (0, 1):
            own = m.lam * m.theta[i] * (1.0 + m.delta)
            other = -m.lam * m.theta[i] * m.delta
            da = (own, other) if i == 0 else (other, own)
            dp = self._solve(da[0], da[1])
            dd_own = da[i] - g1 * dp[i] + m.gamma * dp[1 - i]
            self.dA.append((dp[i], dd_own))

    def _solve(self, b1: float, b2: float) -> tuple[float, float]:
        g1, g, det = self.g1, self.m.gamma, self.det
        return ((2.0 * g1 * b1 + g * b2) / det, (g * b1 + 2.0 * g1 * b2) / det)

    def market(self, e: tuple[float, float], r: float) -> tuple[tuple[float, float], tuple[float, float]]:
        """Bertrand prices and demands for efforts ``e`` and inference price ``r``."""
        m, g1 = self.m, self.g1
        q = (m.q0[0] + m.theta[0] * e[0], m.q0[1] + m.theta[1] * e[1])
        a1 = m.a + m.lam * (q[0] + m.delta * (q[0] - q[1]))
        a2 = m.a + m.lam * (q[1] + m.delta * (q[1] - q[0]))
        p = self._solve(a1 + g1 * r, a2 + g1 * r)
        d = (a1 - g1 * p[0] + m.gamma * p[1], a2 - g1 * p[1] + m.gamma * p[0])
        return p, d

    def cost(self, i: int, w: float) -> float:
        m = self.m
        return m.kappa_f * (w - m.s) + m.k[i]

    def firm_profit(self, i: int, e: tuple[float, float], w: float, r: float) -> float:
        p, d = self.market(e, r)
        return (p[i] - r) * d[i] - self.cost(i, w) * 0.5 * e[i] * e[i]

    def marginal_profit(self, i: int, e: tuple[float, float], w: float, r: float) -> float:
        p, d = self.market(e, r)
        dp_own, dd_own = self.dA[i]
        return dp_own * d[i] + (p[i] - r) * dd_own - self.cost(i, w) * e[i]

    def best_response(self, i: int, other: float, w: float, r: float) -> float:
        """argmax over e_i ≥ 0 of firm i's profit given the rival's effort (1-D, Brent on the FOC)."""

        def pair(x: float) -> tuple[float, float]:
            return (x, other) if i == 0 else (other, x)

        def f(x: float) -> float:
            return self.marginal_profit(i, pair(x), w, r)

        f0 = f(0.0)
        if f0 <= 0.0:
            # corner candidate; reject if profit still rises further out (convex profit)
            hi = 1.0
            while hi < 1e7 and f(hi) <= 0.0:
                hi *= 4.0
            if hi < 1e7 and self.firm_profit(i, pair(hi * 4.0), w, r) > self.firm_profit(i, pair(0.0), w, r):
                raise NoEquilibriumError("A firm's profit is unbounded in fine-tuning effort.")
            return 0.0
        hi = 1.0
        while f(hi) > 0.0:
            hi *= 4.0
            if hi > 1e8:
                raise NoEquilibriumError(
                    "A firm's profit is unbounded in fine-tuning effort (its second-order condition fails)."
                )
        return optimize.brentq(f, 0.0, hi, xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=200)

    def effort_equilibrium(self, w: float, r: float, start: float = 0.0) -> tuple[float, float]:
        """Fixed point of the best responses (Gauss–Seidel on e_2 ↦ BR_2(BR_1(e_2)), Aitken-accelerated)."""

        def g(x: float) -> float:
            return self.best_response(1, self.best_response(0, x, w, r), w, r)

        x = start
        for _ in range(200):
            x1 = g(x)
            if abs(x1 - x) <= 1e-14 * (1.0 + abs(x)):
                x = x1
                break
            x2 = g(x1)
            denom = x2 - 2.0 * x1 + x
            x_new = x - (x1 - x) ** 2 / denom if abs(denom) > 1e-300 else x2
            x = max(x_new, 0.0) if math.isfinite(x_new) else x2
        else:
            raise NoEquilibriumError("The firms' best responses did not converge to an effort equilibrium.")
        e1 = self.best_response(0, x, w, r)
        e2 = self.best_response(1, e1, w, r)
        if abs(e2 - x) > 1e-9 * (1.0 + abs(x)):
            raise NoEquilibriumError("The firms' best responses did not converge to an effort equilibrium.")
        return e1, e2

    def provider_profit(self, w: float, r: float) -> float:
        m = self.m
        e = self.effort_equilibrium(w, r)
        _, d = self.market(e, r)
        data = 0.5 * (e[0] ** 2 + e[1] ** 2)
        return (w - m.c) * m.kappa_f * data + (r - m.kappa_i * m.c) * (d[0] + d[1])

    def safe_provider_profit(self, w: float, r: float) -> float:
        try:
            return self.provider_profit(w, r)
        except NoEquilibriumError:
            return -math.inf


def _gradient(fun: Any, x: np.ndarray, step: float) -> np.ndarray:
    grad = np.empty_like(x)
    for j in range(x.size):
        dx = np.zeros_like(x)
        dx[j] = step * max(1.0, abs(x[j]))
        grad[j] = (fun(x + dx) - fun(x - dx)) / (2.0 * dx[j])
    return grad


def solve_numeric(
    params: Parameters | None = None,
    *,
    constrain_w: bool = True,
    check_global: bool = True,
    theta: tuple[float, float] | None = None,
    q0: tuple[float, float] | None = None,
    k: tuple[float, float] | None = None,
) -> NumericEquilibrium:
    """Subgame-perfect equilibrium by backward induction (see module docstring).

    ``constrain_w=False`` drops the no-below-cost constraint ``w ≥ c`` (a variant without closed form);
    ``theta``, ``q0``, ``k`` pairs make the firms asymmetric. Raises :class:`NoEquilibriumError` when a
    stage has no solution (unbounded effort, no interior provider optimum).
    """
    firm_specific = {n: v for n, v in (("theta", theta), ("q0", q0), ("k", k)) if v is not None}
    m = Market.from_parameters(params, **firm_specific)
    st = _Stages(m)
    w_lo = m.c if constrain_w else -math.inf

    # coarse scan over r at w = c for a start (independent of the closed form)
    r_lo = m.kappa_i * m.c
    r_hi = m.a + m.lam * max(m.q0) + 1.0
    if r_hi <= r_lo:
        raise NoEquilibriumError("Demand is too small to cover the inference compute cost (Y0 <= 0).")
    scan = [(st.safe_provider_profit(m.c, r), r) for r in np.linspace(r_lo, r_hi, 25)]
    best_val, r0 = max(scan)
    if not math.isfinite(best_val) or best_val <= 0:
        raise NoEquilibriumError("The provider has no profitable prices (no interior equilibrium).")

    def neg(z: np.ndarray) -> float:
        w, r = float(z[0]), float(z[1])
        if w < w_lo:
            return math.inf
        return -st.safe_provider_profit(w, r)

    start = np.array([m.c + (0.05 if constrain_w else 0.0), r0])
    res = optimize.minimize(
        neg,
        start,
        method="Nelder-Mead",
        options={
            "xatol": 1e-8,
            "fatol": 1e-13,
            "maxiter": 4000,
            "initial_simplex": [start, start + [0.2, 0.0], start + [0.0, 0.2]],
        },
    )
    w_nm, r_nm = float(res.x[0]), float(res.x[1])

    def grad(z: np.ndarray) -> np.ndarray:
        return _gradient(lambda v: st.provider_profit(float(v[0]), float(v[1])), z, 1e-5)

    binding = False
    if constrain_w:
        dw = (st.provider_profit(m.c + 1e-6, r_nm) - st.provider_profit(m.c, r_nm)) / 1e-6
        binding = (w_nm - m.c) < 1e-4 or dw < 0
    if binding:

        def dpi_dr(r: float) -> float:
            return float(_gradient(lambda v: st.provider_profit(m.c, float(v[0])), np.array([r]), 1e-4)[0])

        lo, hi = r_nm - 0.05, r_nm + 0.05
        for _ in range(40):
            if dpi_dr(lo) > 0 > dpi_dr(hi):
                break
            lo, hi = lo - (hi - lo), hi + (hi - lo)
        r_star = optimize.brentq(dpi_dr, lo, hi, xtol=1e-14, rtol=4 * np.finfo(float).eps)
        w_star = m.c
        kkt = (st.provider_profit(m.c + 1e-6, r_star) - st.provider_profit(m.c, r_star)) / 1e-6
        if kkt > 1e-7:
            binding = False  # the constraint is slack after all: solve the interior problem
    if not binding:
        sol = optimize.root(grad, np.array([w_nm, r_nm]), method="hybr", options={"xtol": 1e-13})
        w_star, r_star = float(sol.x[0]), float(sol.x[1])
        if not sol.success or w_star < w_lo - 1e-12:
            raise NoEquilibriumError("The provider's pricing problem has no interior optimum.")
        kkt = 0.0

    e = st.effort_equilibrium(w_star, r_star)
    p, dem = st.market(e, r_star)
    for i in (0, 1):
        if dem[i] < 0 or p[i] < r_star:
            raise NoEquilibriumError(
                f"Firm {i + 1} would sell a negative quantity at the solution, so the linear demand system "
                "does not apply (the firm would exit)."
            )
    diagnostics: dict[str, Any] = {
        "w_constraint_binds": binding,
        "dPi_dw_at_c": kkt,
        "nelder_mead": (w_nm, r_nm),
    }
    if check_global:
        diagnostics.update(_global_checks(st, e, w_star, r_star, constrain_w))
    data = np.array([0.5 * e[0] ** 2, 0.5 * e[1] ** 2])
    quantity = np.array(dem)
    g1, g = st.g1, m.gamma
    # CS = ½ Dᵀ G⁻¹ D with G = [[1+γ, −γ], [−γ, 1+γ]]
    cs = 0.5 * (g1 * (dem[0] ** 2 + dem[1] ** 2) + 2.0 * g * dem[0] * dem[1]) / st.g_det
    provider = (w_star - m.c) * m.kappa_f * data.sum() + (r_star - m.kappa_i * m.c) * quantity.sum()
    costs = np.array([st.cost(0, w_star), st.cost(1, w_star)])
    firm = (np.array(p) - r_star) * quantity - costs * data
    outlay = m.s * m.kappa_f * data.sum()
    return NumericEquilibrium(
        fine_tuning_price=w_star,
        inference_price=r_star,
        retail_price=np.array(p),
        effort=np.array(e),
        data=data,
        quality=np.array([m.q0[0] + m.theta[0] * e[0], m.q0[1] + m.theta[1] * e[1]]),
        quantity=quantity,
        consumer_surplus=cs,
        provider_profit=provider,
        firm_profit=firm,
        subsidy_outlay=outlay,
        net_consumer_surplus=cs - outlay,
        welfare=cs - outlay + provider + firm.sum(),
        diagnostics=diagnostics,
    )


def _global_checks(
    st: _Stages, e: tuple[float, float], w: float, r: float, constrain_w: bool
) -> dict[str, Any]:
    """Each best response beats a grid of efforts; the provider's prices beat a grid of (w, r)."""
    out: dict[str, Any] = {}
    for i in (0, 1):
        best = st.firm_profit(i, e, w, r)
        top = 4.0 * max(e[i], 1.0)
        grid = np.linspace(0.0, top, 801)
        vals = [st.firm_profit(i, (x, e[1]) if i == 0 else (e[0], x), w, r) for x in grid]
        if max(vals) > best + 1e-10 * (1.0 + abs(best)):
            raise NoEquilibriumError(f"Firm {i + 1}'s best response is not a global maximum.")
    out["best_responses_global"] = True
    m = st.m
    best = st.provider_profit(w, r)
    w_grid = np.linspace(m.c if constrain_w else w - 0.5, w + 1.0, 9)
    r_grid = np.linspace(m.kappa_i * m.c, r + 1.5, 13)
    worst_gap = max(st.safe_provider_profit(float(wg), float(rg)) - best for wg in w_grid for rg in r_grid)
    if worst_gap > 1e-9 * (1.0 + abs(best)):
        raise NoEquilibriumError("The provider's prices are not a global maximum on the check grid.")
    out["provider_global"] = True
    return out
