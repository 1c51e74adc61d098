"""Benchmark: a 1000 × 1000 policy map of the market model (our reconstruction of Qian, Mehra & Liu 2026).

10⁶ equilibria over compute cost c × data-preprocessing cost k, plus the analytic marginal effects of the
three policies (γ, s, δ) on CS, CS − T, Π and π, against the floor: a plain numpy evaluation of the
equilibrium alone (x, e, CS, Π, π with an existence mask). Both run side by side in the same process,
interleaved, median of several repetitions; peak memory is measured with tracemalloc (numpy reports its
buffers to it) in a separate pass so that tracing does not slow the timed runs.

Targets (issue 2): the full map in < 0.5 s and < 1 GB.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
import tracemalloc

import numpy as np

from valuechain.market import Parameters
from valuechain.market.equilibrium import core_terms, effects_from_core, levels_from_core, marginal_effects

OUTCOMES = ("consumer_surplus", "net_consumer_surplus", "provider_profit", "firm_profit")


def plain_equilibrium(c: np.ndarray, k: np.ndarray, p: dict[str, float]) -> tuple[np.ndarray, ...]:
    """The floor: the spec's closed form written the obvious way (no marginal effects)."""
    g, d, lt = p["gamma"], p["delta"], p["lam"] * p["theta"]
    n = 2 * (1 + g) * (1 + d) - g * d
    h = 2 * (1 + g) * n / ((2 + g) ** 2 * (2 + 3 * g))
    big_h = lt**2 * h
    phi = (1 + g) / (2 + g)
    rho_s = n / (2 + 3 * g)
    big_c = p["kappa_f"] * (c - p["s"]) + k
    y0 = p["a"] + p["lam"] * p["q0"] - p["kappa_i"] * c
    exists = (y0 > 0) & (big_c > max(1.0, rho_s) * big_h) & (rho_s < 2 + g)
    x = np.where(exists, phi * (y0 / 2) * big_c / (big_c - big_h), np.nan)
    e = np.where(exists, lt * h * (y0 / 2) / (big_c - big_h), np.nan)
    cs = x**2
    provider = y0 * x
    firm = x**2 / (1 + g) - big_c * e**2 / 2
    return x, e, cs, provider, firm


def full_map(c: np.ndarray, k: np.ndarray, params: Parameters) -> tuple[dict, dict]:
    """Ours: every equilibrium quantity and the three policies' analytic effects, sharing subexpressions."""
    core = core_terms(params.with_values(c=c, k=k))
    return levels_from_core(core), effects_from_core(core, ("gamma", "s", "delta"), OUTCOMES)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="grid points per axis (default 1000)")
    parser.add_argument("--repeat", type=int, default=7, help="timed repetitions (median reported)")
    args, _ = parser.parse_known_args()
    n = args.n
    c = np.linspace(0.1, 5.0, n)[None, :]
    k = np.linspace(0.1, 5.0, n)[:, None]
    params = Parameters()
    p = params.scalar_dict()

    # correctness first: the two agree where both compute the same thing
    levels, effects = full_map(c, k, params)
    x, e, cs, provider, firm = plain_equilibrium(c, k, p)
    np.testing.assert_allclose(levels["consumer_surplus"], cs, rtol=1e-12)
    np.testing.assert_allclose(levels["firm_profit"], firm, rtol=1e-10, atol=1e-12)
    n_eq = int(np.count_nonzero(np.isfinite(levels["quantity"])))
    # and the map's analytic effects equal the scalar API's at a few existing cells
    rng = np.random.default_rng(0)
    cells = np.argwhere(np.isfinite(levels["quantity"]))
    for i, j in cells[rng.choice(len(cells), 5, replace=False)]:
        point = marginal_effects(params.with_values(c=float(c[0, j]), k=float(k[i, 0])))
        for policy in ("gamma", "s", "delta"):
            for outcome in OUTCOMES:
                got = np.broadcast_to(effects[policy][outcome], (n, n))[i, j]
                np.testing.assert_allclose(got, float(point[policy][outcome]), rtol=1e-10)

    times: dict[str, list[float]] = {"floor": [], "full": []}
    for _ in range(args.repeat):
        for name, fn in (
            ("floor", lambda: plain_equilibrium(c, k, p)),
            ("full", lambda: full_map(c, k, params)),
        ):
            start = time.perf_counter()
            out = fn()
            times[name].append(time.perf_counter() - start)
            del out

    peaks = {}
    for name, fn in (("floor", lambda: plain_equilibrium(c, k, p)), ("full", lambda: full_map(c, k, params))):
        tracemalloc.start()
        out = fn()
        peaks[name] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        del out
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    floor_t, full_t = statistics.median(times["floor"]), statistics.median(times["full"])
    print(
        f"Market policy map {n} x {n} (c x k): {n * n:,} grid points, {n_eq:,} equilibria exist "
        f"(median of {args.repeat}, same process, interleaved)"
    )
    print(f"{'variant':<58}{'time s':>9}{'min s':>9}{'ratio':>8}{'peak MB':>10}")
    rows = [
        ("floor: plain numpy equilibrium (x, e, CS, Pi, pi)", floor_t, min(times["floor"]), peaks["floor"]),
        (
            "full map: 13 quantities + 3 policies x (CS, CS-T, Pi, pi)",
            full_t,
            min(times["full"]),
            peaks["full"],
        ),
    ]
    for label, med, best, peak in rows:
        print(f"{label:<58}{med:>9.3f}{best:>9.3f}{med / floor_t:>8.2f}{peak / 2**20:>10.0f}")
    print(f"process max RSS: {rss_mb:.0f} MB; target: full map < 0.5 s and < 1 GB")
    ok = full_t < 0.5 and peaks["full"] < 2**30
    print("targets met" if ok else "TARGET MISSED (machine shared/busy?)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
