"""Check the seven claims C1–C7 of Qian, Mehra & Liu (arXiv 2603.12630) in our reconstruction of the model.

Every verdict is computed on parameter grids (never asserted by hand): a fine line of effective data-unit
costs C at the given point (varying k, which leaves the demand margin unchanged), a multi-parameter grid
over (γ, δ, λ, θ, c, k), and a seeded random scan. Each :class:`ClaimResult` carries ``holds`` and the
evidence (thresholds, regions, counts of points and of violations).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from valuechain.market.equilibrium import core_terms as _core
from valuechain.market.equilibrium import effects_from_core as _effects
from valuechain.market.equilibrium import thresholds
from valuechain.market.parameters import Parameters

CLAIMS: dict[str, tuple[str, str]] = {
    "C1": (
        "Pro-price-competitive policy raises consumer surplus only when compute or data costs are high.",
        "dCS/dgamma > 0 iff C > C_price = H - H_gamma (1+gamma)(2+gamma)",
    ),
    "C2": (
        "Compute subsidies are effective only when costs are low.",
        "d(CS - T)/ds > 0 iff C < C_subsidy = hH/(h - 2 phi^2) (at s = 0)",
    ),
    "C3": (
        "The two policies complement each other.",
        "C_price < C_subsidy: at every cost level at least one policy raises (net) CS; between the "
        "thresholds both do",
    ),
    "C4": (
        "Pro-quality-competitive policy always raises consumer surplus.",
        "dCS/ddelta > 0 wherever the equilibrium exists",
    ),
    "C5": (
        "Price policy and subsidies can make provider, firms and consumers all better off (win-win-win).",
        "some cost levels where raising gamma (and, separately, s) raises CS (CS - T), Pi and pi together",
    ),
    "C6": (
        "Quality policy raises the provider's profit and lowers the firms'.",
        "dPi/ddelta > 0 everywhere; dpi/ddelta < 0 where delta > gamma/(2+gamma)",
    ),
    "C7": (
        "As compute gets cheaper, price policy can lose its effect while subsidies become effective.",
        "as c falls (k fixed), dCS/dgamma turns from positive to negative and d(CS - T)/ds from negative "
        "to positive",
    ),
}


@dataclass
class ClaimResult:
    id: str
    claim: str
    statement: str
    holds: bool
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _r(v: Any) -> float | None:
    v = float(v)
    return round(v, 6) if np.isfinite(v) else None


def _interval(xs: np.ndarray, mask: np.ndarray) -> list[float | None] | None:
    """[min, max] of xs where mask (an end is None when not finite); None if empty."""
    return [_r(xs[mask].min()), _r(xs[mask].max())] if mask.any() else None


def cost_line(params: Parameters, n: int = 4001, c_max: float = 9.0) -> dict[str, Any]:
    """Equilibria and effects along C ∈ (0, c_max] by varying k (all else at ``params``, s = 0)."""
    base = params.with_values(s=0.0)
    c_fixed = float(base.kappa_f * base.c)
    ks = np.linspace(0.0, max(c_max - c_fixed, 0.1), n)
    grid = base.with_values(k=ks)
    core = _core(grid)
    eff = _effects(core, ("gamma", "s", "delta"))
    return {"C": np.asarray(core["C"]), "exists": np.asarray(core["exists"]), "effects": eff}


def random_scan(n: int = 20000, seed: int = 20260312) -> tuple[Parameters, dict[str, Any]]:
    """A seeded random sample of parameter points (uniform boxes around the defaults)."""
    rng = np.random.default_rng(seed)
    params = Parameters(
        a=rng.uniform(1.0, 6.0, n),
        gamma=rng.uniform(0.0, 3.0, n),
        delta=rng.uniform(0.0, 3.0, n),
        lam=rng.uniform(0.2, 2.0, n),
        theta=rng.uniform(0.2, 2.0, n),
        q0=rng.uniform(0.0, 2.0, n),
        c=rng.uniform(0.0, 4.0, n),
        k=rng.uniform(0.0, 6.0, n),
        s=np.zeros(n),
        kappa_f=rng.uniform(0.5, 2.0, n),
        kappa_i=rng.uniform(0.2, 2.0, n),
    )
    return params, _core(params)


def structured_grid() -> Parameters:
    """A full-factorial grid over (γ, δ, λ, θ, c, k) with the other primitives at their defaults."""
    axes = np.meshgrid(
        np.linspace(0.0, 2.0, 9),
        np.linspace(0.0, 2.0, 9),
        np.linspace(0.5, 2.0, 4),
        np.linspace(0.5, 2.0, 4),
        np.linspace(0.05, 3.0, 8),
        np.linspace(0.0, 5.0, 8),
        indexing="ij",
    )
    names = ("gamma", "delta", "lam", "theta", "c", "k")
    return Parameters(**{n: a.ravel() for n, a in zip(names, axes, strict=True)})


def _sign_checks(params: Parameters) -> dict[str, Any]:
    """Count violations of C1, C2, C4, C6 over a vector of parameter points (s = 0)."""
    core = _core(params)
    eff = _effects(core, ("gamma", "s", "delta"))
    th = thresholds(params)
    ex = np.asarray(core["exists"])
    big_c = np.asarray(core["C"])
    tol = 1e-9
    c1_pred = big_c > th["C_price"]
    c1_far = np.abs(big_c - th["C_price"]) > 1e-6 * (1 + np.abs(big_c))
    c1_bad = ex & c1_far & ((eff["gamma"]["consumer_surplus"] > 0) != c1_pred)
    c2_pred = big_c < th["C_subsidy"]
    c2_far = np.abs(big_c - np.where(np.isfinite(th["C_subsidy"]), th["C_subsidy"], 1e300)) > 1e-6 * (
        1 + big_c
    )
    c2_bad = ex & c2_far & ((eff["s"]["net_consumer_surplus"] > 0) != c2_pred)
    c4_bad = ex & ~(eff["delta"]["consumer_surplus"] > 0)
    gamma = np.asarray(params.gamma, float)
    delta = np.asarray(params.delta, float)
    c6_pi_bad = ex & ~(eff["delta"]["provider_profit"] > 0)
    firms_lose_region = ex & (delta > gamma / (2 + gamma) + tol)
    c6_firm_bad = firms_lose_region & ~(eff["delta"]["firm_profit"] < 0)
    return {
        "points": int(np.size(ex)),
        "valid_points": int(ex.sum()),
        "C1_violations": int(c1_bad.sum()),
        "C2_violations": int(c2_bad.sum()),
        "C4_violations": int(c4_bad.sum()),
        "C6_provider_violations": int(c6_pi_bad.sum()),
        "C6_firm_region_points": int(firms_lose_region.sum()),
        "C6_firm_violations": int(c6_firm_bad.sum()),
        "min_dCS_ddelta": float(np.nanmin(np.where(ex, eff["delta"]["consumer_surplus"], np.nan))),
        "gross_CS_not_rising_with_s": int((ex & ~(eff["s"]["consumer_surplus"] > 0)).sum()),
    }


def _c7(params: Parameters, k_fixed: float = 1.5, n: int = 3001) -> dict[str, Any]:
    """Scan compute cost c at fixed k: where do the price policy and the subsidy switch?"""
    from scipy.optimize import brentq

    base = params.with_values(k=k_fixed, s=0.0)
    y0_zero = (float(base.a) + float(base.lam) * float(base.q0)) / max(float(base.kappa_i), 1e-12)
    cs = np.linspace(1e-3, min(y0_zero, 20.0) * (1 - 1e-3), n)
    core = _core(base.with_values(c=cs))
    eff = _effects(core, ("gamma", "s"))
    ex = np.asarray(core["exists"])
    price = np.where(ex, eff["gamma"]["consumer_surplus"], np.nan)
    sub = np.where(ex, eff["s"]["net_consumer_surplus"], np.nan)

    def refine(series: np.ndarray, policy: str, outcome: str) -> float | None:
        sign = np.sign(series)
        idx = np.where(np.isfinite(sign[:-1]) & np.isfinite(sign[1:]) & (sign[:-1] != sign[1:]))[0]
        if idx.size == 0:
            return None

        def f(c: float) -> float:
            return float(_effects(_core(base.with_values(c=c)), (policy,))[policy][outcome])

        return _r(brentq(f, cs[idx[0]], cs[idx[0] + 1], xtol=1e-12))

    c_price = refine(price, "gamma", "consumer_surplus")
    c_sub = refine(sub, "s", "net_consumer_surplus")
    valid = ex & np.isfinite(price)
    price_pos = price[valid] > 0
    sub_pos = sub[valid] > 0
    # monotone switches: price effective only above its switch, subsidy effective only below its switch
    price_monotone = bool(np.all(np.diff(price_pos.astype(int)) >= 0))
    sub_monotone = bool(np.all(np.diff(sub_pos.astype(int)) <= 0))
    holds = bool(
        c_price is not None
        and c_sub is not None
        and price_monotone
        and sub_monotone
        and price_pos[-1]
        and not price_pos[0]
        and sub_pos[0]
        and not sub_pos[-1]
    )
    return {
        "holds": holds,
        "k": k_fixed,
        "c_range": [_r(cs[valid][0]), _r(cs[valid][-1])],
        "price_policy_stops_raising_CS_below_c": c_price,
        "subsidy_effective_below_c": c_sub,
        "price_effective_at_high_c": bool(price_pos[-1]),
        "price_effective_at_low_c": bool(price_pos[0]),
        "subsidy_effective_at_low_c": bool(sub_pos[0]),
        "subsidy_effective_at_high_c": bool(sub_pos[-1]),
        "grid_points": int(valid.sum()),
    }


def check_claims(params: Parameters | None = None, random_points: int = 20000) -> list[ClaimResult]:
    """Evaluate C1–C7 at ``params`` (default: the spec's defaults) and over grids; see module docstring."""
    params = params or Parameters()
    th = {k: float(v) for k, v in thresholds(params.with_values(s=0.0)).items()}
    line = cost_line(params)
    big_c, ex, eff = line["C"], line["exists"], line["effects"]
    price_cs = eff["gamma"]["consumer_surplus"] > 0
    sub_net = eff["s"]["net_consumer_surplus"] > 0
    grid_checks = _sign_checks(structured_grid())
    rand_params, _ = random_scan(random_points)
    rand_checks = _sign_checks(rand_params)
    thr = {
        k: _r(th[k])
        for k in (
            "H",
            "C_price",
            "C_subsidy",
            "C_firm_subsidy",
            "C_firm_price",
            "existence_C",
            "uniqueness_C",
        )
    }
    line_ev = {"C_range": [_r(big_c[ex].min()), _r(big_c[ex].max())], "points": int(ex.sum())}
    results: list[ClaimResult] = []

    # C1
    line_c1 = int((ex & (np.abs(big_c - th["C_price"]) > 1e-9) & (price_cs != (big_c > th["C_price"]))).sum())
    results.append(
        _result(
            "C1",
            line_c1 == 0
            and grid_checks["C1_violations"] == 0
            and rand_checks["C1_violations"] == 0
            and bool(price_cs[ex].any())
            and bool((~price_cs[ex]).any()),
            {
                "C_price": thr["C_price"],
                "raises_CS_for_C_in": _interval(big_c, ex & price_cs),
                "lowers_CS_for_C_in": _interval(big_c, ex & ~price_cs),
                "cost_line": line_ev | {"violations": line_c1},
                "grid": _pick(grid_checks, "C1"),
                "random_scan": _pick(rand_checks, "C1"),
            },
        )
    )
    # C2
    line_c2 = int(
        (ex & (np.abs(big_c - th["C_subsidy"]) > 1e-9) & (sub_net != (big_c < th["C_subsidy"]))).sum()
    )
    results.append(
        _result(
            "C2",
            line_c2 == 0
            and grid_checks["C2_violations"] == 0
            and rand_checks["C2_violations"] == 0
            and bool(sub_net[ex].any())
            and bool((~sub_net[ex]).any()),
            {
                "C_subsidy": thr["C_subsidy"],
                "raises_net_CS_for_C_in": _interval(big_c, ex & sub_net),
                "lowers_net_CS_for_C_in": _interval(big_c, ex & ~sub_net),
                "gross_CS_always_rises": rand_checks["gross_CS_not_rising_with_s"] == 0
                and grid_checks["gross_CS_not_rising_with_s"] == 0,
                "note": "judged on CS net of the subsidy's cost T; a per-unit subsidy always raises gross CS here",
                "cost_line": line_ev | {"violations": line_c2},
                "grid": _pick(grid_checks, "C2"),
                "random_scan": _pick(rand_checks, "C2"),
            },
        )
    )
    # C3
    either = price_cs | sub_net
    both = price_cs & sub_net
    results.append(
        _result(
            "C3",
            bool(th["C_price"] < th["C_subsidy"] and either[ex].all() and both[ex].any()),
            {
                "C_price": thr["C_price"],
                "C_subsidy": thr["C_subsidy"],
                "cost_levels_where_neither_raises_CS": int((ex & ~either).sum()),
                "both_raise_CS_for_C_in": _interval(big_c, ex & both),
                "cost_line": line_ev,
            },
        )
    )
    # C4
    c4_line = int((ex & ~(eff["delta"]["consumer_surplus"] > 0)).sum())
    results.append(
        _result(
            "C4",
            c4_line == 0 and grid_checks["C4_violations"] == 0 and rand_checks["C4_violations"] == 0,
            {
                "cost_line": line_ev | {"violations": c4_line},
                "grid": _pick(grid_checks, "C4"),
                "random_scan": _pick(rand_checks, "C4"),
                "min_dCS_ddelta_random_scan": rand_checks["min_dCS_ddelta"],
            },
        )
    )
    # C5
    www_price = ex & price_cs & (eff["gamma"]["provider_profit"] > 0) & (eff["gamma"]["firm_profit"] > 0)
    www_sub = ex & sub_net & (eff["s"]["provider_profit"] > 0) & (eff["s"]["firm_profit"] > 0)
    results.append(
        _result(
            "C5",
            bool(www_price.any() and www_sub.any()),
            {
                "price_policy_win_win_win_for_C_in": _interval(big_c, www_price),
                "subsidy_win_win_win_for_C_in": _interval(big_c, www_sub),
                "thresholds": {
                    "C_price": thr["C_price"],
                    "C_firm_price": thr["C_firm_price"],
                    "C_firm_subsidy": thr["C_firm_subsidy"],
                    "C_subsidy": thr["C_subsidy"],
                },
                "cost_line": line_ev,
            },
        )
    )
    # C6
    gamma, delta = float(params.gamma), float(params.delta)
    c6_line_pi = int((ex & ~(eff["delta"]["provider_profit"] > 0)).sum())
    c6_line_firm = int((ex & ~(eff["delta"]["firm_profit"] < 0)).sum())
    at_default_region = delta > gamma / (2 + gamma)
    results.append(
        _result(
            "C6",
            c6_line_pi == 0
            and (c6_line_firm == 0 or not at_default_region)
            and grid_checks["C6_provider_violations"] == 0
            and grid_checks["C6_firm_violations"] == 0
            and rand_checks["C6_provider_violations"] == 0
            and rand_checks["C6_firm_violations"] == 0
            and at_default_region,
            {
                "gamma": gamma,
                "delta": delta,
                "gamma_over_2_plus_gamma": _r(gamma / (2 + gamma)),
                "firms_lose_region_holds_at_point": bool(at_default_region),
                "cost_line": line_ev | {"provider_violations": c6_line_pi, "firm_violations": c6_line_firm},
                "grid": _pick(grid_checks, "C6"),
                "random_scan": _pick(rand_checks, "C6"),
            },
        )
    )
    # C7
    c7 = _c7(params)
    results.append(_result("C7", c7.pop("holds"), c7))
    return results


def _pick(checks: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {
        "points": checks["points"],
        "valid_points": checks["valid_points"],
        **{k: v for k, v in checks.items() if k.startswith(prefix)},
    }


def _result(cid: str, holds: bool, evidence: dict[str, Any]) -> ClaimResult:
    claim, statement = CLAIMS[cid]
    return ClaimResult(id=cid, claim=claim, statement=statement, holds=bool(holds), evidence=evidence)
