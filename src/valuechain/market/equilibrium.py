"""Closed-form subgame-perfect equilibrium of the AI supply-chain model, vectorised with numpy.

This is **our reconstruction** of the model of Qian, Mehra & Liu, "The Economics of AI Supply Chain
Regulation" (arXiv 2603.12630, 2026); formulas and notation follow ``shared/specs/market-model.md``:

- effective cost of a data unit ``C = κ_F (c − s) + k``; ``φ = (1+γ)/(2+γ)``;
  ``h = 2(1+γ)N / ((2+γ)²(2+3γ))`` with ``N = 2(1+γ)(1+δ) − γδ``; ``H = λ²θ²h``; ``Y0 = a + λQ0 − κ_I c``;
- ``w* = c``, ``r* = (a + λQ0 + κ_I c)/2``, ``y = Y0/2``, ``e* = λθ h y/(C − H)``, ``x* = φ y C/(C − H)``,
  ``p* = r* + x*/(1+γ)``; ``CS = x*²``, ``Π = Y0 x*``, ``π = x*²/(1+γ) − C e*²/2``, ``T = 2 s κ_F d*``;
- existence: ``Y0 > 0``, ``C > max(1, ρ_s) H`` and ``ρ_s < 2 + γ`` (the provider's no-below-cost constraint
  ``w ≥ c`` binds — the closed form assumes it); uniqueness: ``C > ρ_u H``.

Every function broadcasts over numpy arrays of parameters; outside the existence region every quantity
is NaN (no numbers). Shared subexpressions are computed once at their own (smaller) broadcast shape, so a
1000 × 1000 map over ``c × k`` costs a few dozen passes over 10⁶ floats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from valuechain.errors import NoEquilibriumError
from valuechain.market.parameters import Parameters

#: Quantities of the equilibrium, in the order of the CLI contract.
QUANTITIES = (
    "fine_tuning_price",
    "inference_price",
    "retail_price",
    "effort",
    "data",
    "quality",
    "quantity",
    "consumer_surplus",
    "provider_profit",
    "firm_profit",
    "subsidy_outlay",
    "net_consumer_surplus",
    "welfare",
)
#: Threshold values reported with each equilibrium (all in units of C, except the ρ ratios).
THRESHOLDS = (
    "C",
    "h",
    "H",
    "phi",
    "rho_s",
    "rho_u",
    "existence_C",
    "uniqueness_C",
    "C_price",
    "C_subsidy",
    "C_firm_subsidy",
    "C_firm_price",
)
#: Outcomes whose marginal effects are reported; the policies (parameters) they are taken with respect to.
OUTCOMES = ("consumer_surplus", "net_consumer_surplus", "provider_profit", "firm_profit", "welfare")
POLICIES = ("gamma", "s", "delta")


@dataclass
class Shape:
    """Constants that depend only on (γ, δ, λ, θ): h, H, φ, the ρ ratios and their γ/δ derivatives."""

    g1: Any
    g2: Any
    phi: Any
    phi_gamma: Any
    h: Any
    h_gamma: Any
    h_delta: Any
    H: Any
    H_gamma: Any
    H_delta: Any
    rho_s: Any
    rho_u: Any
    lt: Any  # λθ


def shape_constants(gamma: Any, delta: Any, lam: Any, theta: Any) -> Shape:
    """h, H, φ, ρ_s, ρ_u and the derivatives ∂h/∂γ, ∂h/∂δ, ∂φ/∂γ (spec, 'closed form')."""
    gamma = np.asarray(gamma, dtype=float)
    delta = np.asarray(delta, dtype=float)
    g1, g2, g3 = 1.0 + gamma, 2.0 + gamma, 2.0 + 3.0 * gamma
    n = 2.0 * g1 * (1.0 + delta) - gamma * delta
    h = 2.0 * g1 * n / (g2 * g2 * g3)
    # log-derivative of h in γ: 1/(1+γ) + N_γ/N − 2/(2+γ) − 3/(2+3γ), with N_γ = 2 + δ
    h_gamma = h * (1.0 / g1 + (2.0 + delta) / n - 2.0 / g2 - 3.0 / g3)
    h_delta = 2.0 * g1 / (g2 * g3)
    lt = np.asarray(lam, dtype=float) * np.asarray(theta, dtype=float)
    l2 = lt * lt
    rho_s = n / g3
    rho_u = np.maximum(np.maximum(1.0, rho_s), (1.0 + 2.0 * delta) * g2 / g3)
    return Shape(
        g1=g1,
        g2=g2,
        phi=g1 / g2,
        phi_gamma=1.0 / (g2 * g2),
        h=h,
        h_gamma=h_gamma,
        h_delta=h_delta,
        H=l2 * h,
        H_gamma=l2 * h_gamma,
        H_delta=l2 * h_delta,
        rho_s=rho_s,
        rho_u=rho_u,
        lt=lt,
    )


def thresholds(params: Parameters) -> dict[str, Any]:
    """The cost thresholds of the claims, as functions of (γ, δ, λ, θ) (and C for the point itself).

    - ``C_price = H − H_γ (1+γ)(2+γ)``: ∂CS/∂γ > 0 iff C > C_price (claim C1);
    - ``C_subsidy = hH/(h − 2φ²)`` (at s = 0, when h > 2φ²): ∂(CS − T)/∂s > 0 iff C < C_subsidy (C2);
    - ``C_firm_subsidy = λ²θ²h²/(4ψ − h)``, ψ = (1+γ)/(2+γ)²: firms gain from a subsidy iff C above it;
    - ``C_firm_price``: firms gain from the price policy iff C below it. ∂π/∂γ·(C−H)³/(C y²) is linear in
      C, ``A2 C + A1`` with ``A2 = 2φφ_γ/(1+γ) − φ²/(1+γ)²`` and
      ``A1 = (2φ²H_γ − 2φφ_γH)/(1+γ) + φ²H/(1+γ)² − λ²θ²h h_γ``, so ``C_firm_price = −A1/A2``.
    """
    sh = shape_constants(params.gamma, params.delta, params.lam, params.theta)
    big_c = params.kappa_f * (np.asarray(params.c, float) - params.s) + params.k
    l2 = sh.lt * sh.lt
    with np.errstate(divide="ignore", invalid="ignore"):
        denom_sub = sh.h - 2.0 * sh.phi**2
        c_subsidy = np.where(denom_sub > 0, sh.h * sh.H / denom_sub, np.inf)
        psi = sh.g1 / sh.g2**2
        c_firm_subsidy = l2 * sh.h**2 / (4.0 * psi - sh.h)
        a2 = 2.0 * sh.phi * sh.phi_gamma / sh.g1 - sh.phi**2 / sh.g1**2
        a1 = (
            (2.0 * sh.phi**2 * sh.H_gamma - 2.0 * sh.phi * sh.phi_gamma * sh.H) / sh.g1
            + sh.phi**2 * sh.H / sh.g1**2
            - l2 * sh.h * sh.h_gamma
        )
        c_firm_price = np.where(a2 < 0, -a1 / a2, np.inf)
    return {
        "C": big_c,
        "h": sh.h,
        "H": sh.H,
        "phi": sh.phi,
        "rho_s": sh.rho_s,
        "rho_u": sh.rho_u,
        "existence_C": np.maximum(1.0, sh.rho_s) * sh.H,
        "uniqueness_C": sh.rho_u * sh.H,
        "C_price": sh.H - sh.H_gamma * sh.g1 * sh.g2,
        "C_subsidy": c_subsidy,
        "C_firm_subsidy": c_firm_subsidy,
        "C_firm_price": c_firm_price,
    }


def _existence(params: Parameters, sh: Shape, big_c: Any, y0: Any) -> tuple[Any, Any]:
    exists = (y0 > 0) & (big_c > np.maximum(1.0, sh.rho_s) * sh.H) & (sh.rho_s < sh.g2)
    unique = exists & (big_c > sh.rho_u * sh.H)
    return exists, unique


def violated_conditions(params: Parameters) -> list[str]:
    """For one (scalar) parameter point: a sentence per violated existence condition (empty if it exists)."""
    p = params.scalar_dict()
    sh = shape_constants(p["gamma"], p["delta"], p["lam"], p["theta"])
    big_c = p["kappa_f"] * (p["c"] - p["s"]) + p["k"]
    y0 = p["a"] + p["lam"] * p["q0"] - p["kappa_i"] * p["c"]
    out = []
    if y0 <= 0:
        out.append(f"the demand margin Y0 = a + lam*q0 - kappa_i*c must be positive (it is {y0:.6g})")
    bound = float(np.maximum(1.0, sh.rho_s) * sh.H)
    if big_c <= bound:
        out.append(
            f"the effective data-unit cost C = kappa_f*(c - s) + k = {big_c:.6g} must exceed max(1, rho_s)*H = "
            f"{bound:.6g} (firms' second-order condition)"
        )
    if float(sh.rho_s) >= float(sh.g2):
        out.append(
            f"rho_s = {float(sh.rho_s):.6g} must be below 2 + gamma = {float(sh.g2):.6g} so that the provider's "
            "no-below-cost constraint w >= c binds (the closed form assumes it)"
        )
    return out


@dataclass
class Equilibrium:
    """The symmetric subgame-perfect equilibrium at one point or over a grid (arrays broadcast).

    Attributes are the spec's quantities (NaN outside the existence region), ``exists``/``unique`` flags and
    ``thresholds`` (dict). ``to_dict()`` gives the CLI's JSON object for a scalar point; ``tidy()`` a long
    pandas DataFrame (one row per grid point).
    """

    parameters: Parameters
    fine_tuning_price: Any
    inference_price: Any
    retail_price: Any
    effort: Any
    data: Any
    quality: Any
    quantity: Any
    consumer_surplus: Any
    provider_profit: Any
    firm_profit: Any
    subsidy_outlay: Any
    net_consumer_surplus: Any
    welfare: Any
    exists: Any
    unique: Any
    thresholds: dict[str, Any] = field(default_factory=dict)

    @property
    def is_scalar(self) -> bool:
        return np.ndim(self.exists) == 0

    def violations(self) -> list[str]:
        """Why the point has no equilibrium (scalar points only)."""
        return violated_conditions(self.parameters)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``valuechain market solve``: quantities (None outside existence), flags,
        parameters and thresholds. Arrays become nested lists."""

        def conv(v: Any) -> Any:
            arr = np.asarray(v)
            if arr.ndim == 0:
                item = arr.item()
                return None if isinstance(item, float) and not np.isfinite(item) else item
            return np.where(np.isfinite(arr), arr, np.nan).tolist() if arr.dtype.kind == "f" else arr.tolist()

        out: dict[str, Any] = {name: conv(getattr(self, name)) for name in QUANTITIES}
        out["exists"] = conv(self.exists)
        out["unique"] = conv(self.unique)
        out["parameters"] = {k: conv(v) for k, v in self.parameters.as_dict().items()}
        out["thresholds"] = {k: conv(v) for k, v in self.thresholds.items()}
        if self.is_scalar and not bool(self.exists):
            out["violated_conditions"] = self.violations()
        return out

    def tidy(self) -> Any:
        """One row per grid point: the parameters, every quantity and the flags (pandas DataFrame)."""
        import pandas as pd

        columns = {
            **self.parameters.as_dict(),
            **{q: getattr(self, q) for q in QUANTITIES},
            "exists": self.exists,
            "unique": self.unique,
            **{f"threshold_{k}": v for k, v in self.thresholds.items()},
        }
        arrays = np.broadcast_arrays(*[np.asarray(v) for v in columns.values()])
        return pd.DataFrame({k: a.ravel() for k, a in zip(columns, arrays, strict=True)})

    def require(self) -> Equilibrium:
        """Raise :class:`NoEquilibriumError` (one sentence) if a scalar point has no equilibrium."""
        if self.is_scalar and not bool(self.exists):
            raise NoEquilibriumError(
                "Outside the existence region of the equilibrium: " + "; and ".join(self.violations()) + "."
            )
        return self


def _prepare(params: Parameters) -> dict[str, Any]:
    return {k: np.asarray(v, dtype=float) for k, v in params.as_dict().items()}


def core_terms(params: Parameters) -> dict[str, Any]:
    """Shared subexpressions: shape constants, C, y, the masked u = 1/(C − H), x and e.

    Each term keeps its own broadcast shape (e.g. y depends on c only), so grids pay only for what varies.
    """
    p = _prepare(params)
    sh = shape_constants(p["gamma"], p["delta"], p["lam"], p["theta"])
    big_c = p["kappa_f"] * (p["c"] - p["s"]) + p["k"]
    base = p["a"] + p["lam"] * p["q0"]
    y0 = base - p["kappa_i"] * p["c"]
    y = 0.5 * y0
    exists, unique = _existence(params, sh, big_c, y0)
    with np.errstate(divide="ignore", invalid="ignore"):
        diff = np.asarray(big_c - sh.H, dtype=float)
        shape = np.broadcast_shapes(diff.shape, np.shape(exists))
        if not shape:
            u = np.where(exists, 1.0 / diff, np.nan)
        else:
            u = diff if diff.shape == shape else np.array(np.broadcast_to(diff, shape))  # fresh array
            np.divide(1.0, u, out=u)
            u[~np.broadcast_to(exists, shape)] = np.nan  # NaN propagates to every quantity outside existence
    yu = y * u
    yuc = yu * big_c  # x = φ · y C u
    x = sh.phi * yuc
    e = (sh.lt * sh.h) * yu
    return {
        "p": p,
        "sh": sh,
        "C": big_c,
        "base": base,
        "y0": y0,
        "y": y,
        "exists": exists,
        "unique": unique,
        "u": u,
        "yu": yu,
        "yuc": yuc,
        "x": x,
        "e": e,
    }


def levels_from_core(core: dict[str, Any]) -> dict[str, Any]:
    """Every equilibrium quantity from :func:`core_terms` (in-place arithmetic, few temporaries)."""
    p, sh, x, e = core["p"], core["sh"], core["x"], core["e"]
    nan_mask = core["u"] * 0.0  # 0 inside, NaN outside, full grid shape
    r = 0.5 * (core["base"] + p["kappa_i"] * p["c"])
    d = e * e
    d *= 0.5
    mu = x / sh.g1
    cs = x * x
    provider = core["y0"] * x
    firm = x * mu
    firm -= core["C"] * d
    s_kf = p["s"] * p["kappa_f"]
    if np.ndim(s_kf) == 0 and float(s_kf) == 0.0:
        outlay = nan_mask  # zero where the equilibrium exists (no subsidy), NaN elsewhere
        net = cs
    else:
        outlay = (2.0 * s_kf) * d
        net = cs - outlay
    welfare = firm * 2.0
    welfare += net
    welfare += provider
    retail = mu
    retail += r
    quality = p["theta"] * e
    quality += p["q0"]
    return {
        "fine_tuning_price": p["c"] + nan_mask,
        "inference_price": r + nan_mask,
        "retail_price": retail,
        "effort": e,
        "data": d,
        "quality": quality,
        "quantity": x,
        "consumer_surplus": cs,
        "provider_profit": provider,
        "firm_profit": firm,
        "subsidy_outlay": outlay,
        "net_consumer_surplus": net,
        "welfare": welfare,
    }


def solve(params: Parameters | None = None, **values: Any) -> Equilibrium:
    """The closed-form equilibrium (spec) at ``params`` (default: the spec's defaults) updated with ``values``.

    Any parameter may be a numpy array; the result broadcasts. Outside the existence region every quantity
    is NaN and ``exists`` is False (call :meth:`Equilibrium.require` to raise instead).
    """
    params = (params or Parameters()).with_values(**values) if values else (params or Parameters())
    core = core_terms(params)
    levels = levels_from_core(core)
    return Equilibrium(
        parameters=params,
        **levels,
        exists=core["exists"],
        unique=core["unique"],
        thresholds=thresholds(params),
    )


def marginal_effects(
    params: Parameters | None = None, policies: tuple[str, ...] = POLICIES, **values: Any
) -> dict[str, dict[str, Any]]:
    """Analytic derivatives of CS, CS − T, Π, π and welfare with respect to γ, s and δ (chain rule through
    H, C and φ; the spec's table gives the values at the defaults). NaN outside the existence region.

    With u = 1/(C − H): ``x = φ y C u``, ``e = λθ h y u``, so
    ``x_γ = y u C (φ_γ + φ H_γ u)``, ``x_δ = φ y C H_δ u²``, ``x_s = κ_F φ y H u²``,
    ``e_γ = λθ y u (h_γ + h H_γ u)``, ``e_δ = λθ y u (h_δ + h H_δ u)``, ``e_s = κ_F λθ h y u²``;
    ``CS_P = 2x x_P``, ``Π_P = Y0 x_P``, ``π_P = 2x x_P/(1+γ) − [x²/(1+γ)²]_γ − C e e_P (+ κ_F e²/2 for s)``,
    ``T_P = 2 s κ_F e e_P (+ κ_F e² for s)``.
    """
    params = (params or Parameters()).with_values(**values) if values else (params or Parameters())
    return effects_from_core(core_terms(params), policies)


def effects_from_core(
    core: dict[str, Any],
    policies: tuple[str, ...] = POLICIES,
    outcomes: tuple[str, ...] = OUTCOMES,
) -> dict[str, dict[str, Any]]:
    """Analytic marginal effects from :func:`core_terms` (see :func:`marginal_effects` for the formulas).

    In-place numpy arithmetic on shared subexpressions (u, y u, y C u, 2x/(1+γ), C e); only the requested
    ``outcomes`` are formed. With no subsidy (s = 0 everywhere) ∂T/∂γ = ∂T/∂δ = 0, so the net-CS effects of γ
    and δ are the same arrays as the gross ones.
    """
    p, sh = core["p"], core["sh"]
    u, yu, yuc, x, e, big_c, y0 = (core[k] for k in ("u", "yu", "yuc", "x", "e", "C", "y0"))
    kf, s = p["kappa_f"], p["s"]
    no_subsidy = np.ndim(s) == 0 and float(s) == 0.0
    want = set(outcomes)
    need_firm = bool(want & {"firm_profit", "welfare"})
    need_net = bool(want & {"net_consumer_surplus", "welfare"})
    x2 = 2.0 * x
    x_g1 = x2 / sh.g1 if need_firm else None  # 2x/(1+γ)
    ce = big_c * e if need_firm else None
    out: dict[str, dict[str, Any]] = {}
    for policy in policies:
        if policy == "gamma":
            dx = u * (sh.phi * sh.H_gamma)
            dx += sh.phi_gamma
            dx *= yuc
        elif policy == "delta":
            dx = u * (sh.phi * sh.H_delta)
            dx *= yuc
        elif policy == "s":
            dx = u * (kf * sh.phi * sh.H)
            dx *= yu
        else:
            raise ValueError(f"unknown policy parameter {policy!r}")
        de = None
        if need_firm or (need_net and (policy == "s" or not no_subsidy)):
            if policy == "gamma":
                de = u * sh.H_gamma
                de += sh.h_gamma / sh.h
                de *= e
            elif policy == "delta":
                de = u * sh.H_delta
                de += sh.h_delta / sh.h
                de *= e
            else:
                de = u * kf  # ∂e/∂s = κ_F e u
                de *= e
        res: dict[str, Any] = {}
        dcs = x2 * dx
        if "consumer_surplus" in want or need_net:
            res["consumer_surplus"] = dcs
        if need_net:
            if policy == "s":
                dout = (kf * e) * e
                if not no_subsidy:
                    dout += ((2.0 * s * kf) * e) * de
                res["net_consumer_surplus"] = dcs - dout
            elif no_subsidy:
                res["net_consumer_surplus"] = dcs
            else:
                res["net_consumer_surplus"] = dcs - ((2.0 * s * kf) * e) * de
        if "provider_profit" in want or "welfare" in want:
            res["provider_profit"] = y0 * dx
        if need_firm:
            assert x_g1 is not None and ce is not None and de is not None  # all computed when need_firm
            dfirm = x_g1 * dx
            tmp = ce * de
            dfirm -= tmp
            if policy == "gamma":
                tmp = x * x
                tmp *= 1.0 / (sh.g1 * sh.g1)
                dfirm -= tmp
            elif policy == "s":
                tmp = e * e
                tmp *= 0.5 * kf
                dfirm += tmp
            res["firm_profit"] = dfirm
        if "welfare" in want:
            w = res["firm_profit"] * 2.0
            w += res["net_consumer_surplus"]
            w += res["provider_profit"]
            res["welfare"] = w
        out[policy] = {k: v for k, v in res.items() if k in want}
    return out


def finite_change(params: Parameters | None, parameter: str, change: float) -> dict[str, Any]:
    """Effect of a finite policy change ``parameter += change`` on every equilibrium quantity (after − before)."""
    params = params or Parameters()
    before = solve(params)
    after = solve(params.with_values(**{parameter: np.asarray(getattr(params, parameter), float) + change}))
    return {q: getattr(after, q) - getattr(before, q) for q in QUANTITIES} | {
        "exists_before": before.exists,
        "exists_after": after.exists,
    }
