"""Benchmark: an event study on a 1,000,000-row repository panel, against linearmodels.

Panel: 10,000 repositories x 2 groups (CN, US) x 50 weeks = 1,000,000 rows, a planted +0.3 effect for
CN from week 25; the shock is in week 25 and the window covers all 50 weeks (event times -25..24, 48
event-time dummies besides the reference -1).

Timed, in the same process and on the same data:
- ``valuechain``: :func:`valuechain.estimation.event_study` end to end (sample building, the DiD, the
  event study and the pre-trend Wald test) — target under 10 s (wall, or CPU time when the machine is
  oversubscribed: both are printed);
- ``pyfixest``: the event-study regression alone, ``feols(y ~ dummies | unit x group + week)``, CRV1 by
  repository (what ``valuechain`` runs inside);
- ``linearmodels``: the same regression with ``PanelOLS(entity_effects=True, time_effects=True)``,
  clustered by repository.
Both regressions run with one BLAS thread (see ``valuechain.estimation.event_study.single_blas_thread``:
OpenBLAS's threads made X'X 15-30x slower on the busy 2-core machine). The two regressions must give
the same coefficients (checked). pyfixest's first call in a process
pays a one-off start-up (JIT compilation of its routines), so one warm-up fit on a small panel runs
before the clock, for both libraries. Usage:
``python benchmarks/bench_event_study.py [--repos N] [--weeks N] [--repeat N] [--quick]``
(``--quick``: 2,000 repositories, 200,000 rows).
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings


def make_panel(repos: int, weeks: int, seed: int = 0):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    periods = pd.date_range("2022-06-06", periods=weeks, freq="7D")
    n = repos * 2 * weeks
    repo = np.repeat(np.arange(repos), 2 * weeks)
    group = np.tile(np.repeat(np.array(["CN", "US"]), weeks), repos)
    week = np.tile(np.arange(weeks), 2 * repos)
    y = rng.normal(0, 1, 2 * repos).repeat(weeks) + 0.02 * week + rng.normal(0, 1, n)
    y += 0.3 * ((group == "CN") & (week >= weeks // 2))
    return pd.DataFrame({"repo_id": repo, "group": group, "period": periods[week], "forks": y}), periods[
        weeks // 2
    ]


def regression_frame(panel, shock_week: int):
    """The event-study design matrix both libraries fit (built outside the clock)."""
    import numpy as np
    import pandas as pd

    codes = pd.factorize(panel["period"], sort=True)[0]
    treated = (panel["group"].to_numpy() == "CN").astype(np.int8)
    frame = pd.DataFrame(
        {
            "y": panel["forks"].to_numpy(),
            "unit": panel["repo_id"].to_numpy() * 2 + treated,
            "week": codes,
            "cluster": panel["repo_id"].to_numpy(),
        }
    )
    terms = []
    for k in range(-shock_week, codes.max() - shock_week + 1):
        if k == -1:
            continue
        name = f"rel_m{-k}" if k < 0 else f"rel_p{k}"
        frame[name] = (treated * (codes - shock_week == k)).astype(np.float64)
        terms.append(name)
    return frame, terms


def time_pyfixest(frame, terms):
    import pyfixest as pf

    from valuechain.estimation.event_study import single_blas_thread

    start, cpu = time.perf_counter(), time.process_time()
    with single_blas_thread():
        fit = pf.feols(
            f"y ~ {' + '.join(terms)} | unit + week",
            data=frame,
            vcov={"CRV1": "cluster"},
            copy_data=False,
            store_data=False,
        )
        se = fit.se()
    return (time.perf_counter() - start, time.process_time() - cpu), fit.coef(), se


def time_linearmodels(frame, terms):
    from linearmodels.panel import PanelOLS

    from valuechain.estimation.event_study import single_blas_thread

    indexed = frame.set_index(["unit", "week"])
    start, cpu = time.perf_counter(), time.process_time()
    with single_blas_thread():  # the same BLAS setting as pyfixest, for a fair comparison
        model = PanelOLS(indexed["y"], indexed[terms], entity_effects=True, time_effects=True)
        fit = model.fit(cov_type="clustered", clusters=indexed["cluster"])
    return (time.perf_counter() - start, time.process_time() - cpu), fit.params, fit.std_errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=10_000)
    parser.add_argument("--weeks", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=2, help="best of N for each library")
    parser.add_argument("--quick", action="store_true", help="2,000 repositories (200,000 rows)")
    args = parser.parse_args(argv)
    repos = 2_000 if args.quick else args.repos
    warnings.simplefilter("ignore")

    import numpy as np

    from valuechain.estimation import event_study

    # warm-up (JIT compilation, imports) on a small panel, outside the clock
    small, small_shock = make_panel(50, args.weeks, seed=1)
    event_study(small, "forks", [small_shock], window=args.weeks)
    f_small, t_small = regression_frame(small, args.weeks // 2)
    time_pyfixest(f_small, t_small)
    time_linearmodels(f_small, t_small)

    panel, shock = make_panel(repos, args.weeks)
    rows = len(panel)
    best_vc = (float("inf"), float("inf"))
    for _ in range(args.repeat):
        start, cpu = time.perf_counter(), time.process_time()
        result = event_study(panel, "forks", [shock], window=args.weeks)
        best_vc = min(best_vc, (time.perf_counter() - start, time.process_time() - cpu))
    frame, terms = regression_frame(panel, args.weeks // 2)
    best_pf = best_lm = (float("inf"), float("inf"))
    for _ in range(args.repeat):
        t_pf, coef_pf, se_pf = time_pyfixest(frame, terms)
        t_lm, coef_lm, se_lm = time_linearmodels(frame, terms)
        best_pf, best_lm = min(best_pf, t_pf), min(best_lm, t_lm)
    coef_gap = float(np.max(np.abs(coef_pf[terms].to_numpy() - coef_lm[terms].to_numpy())))
    se_ratio = se_lm[terms].to_numpy() / se_pf[terms].to_numpy()
    es = result.event_study.set_index("rel_period")["estimate"]
    vc_gap = float(np.max(np.abs(es.drop(-1).to_numpy() - coef_pf[terms].to_numpy())))

    print(
        f"event study on {rows:,} rows ({repos:,} repositories x 2 groups x {args.weeks} weeks), "
        f"{len(terms)} event-time dummies, best of {args.repeat}; wall and CPU seconds (CPU = all threads)"
    )
    print(f"{'implementation':<52}{'wall s':>10}{'CPU s':>10}")
    for label, (wall, cpu_s) in (
        ("valuechain event_study (DiD + event study + Wald)", best_vc),
        ("pyfixest feols, event-study regression alone", best_pf),
        ("linearmodels PanelOLS, same regression", best_lm),
    ):
        print(f"{label:<52}{wall:>10.2f}{cpu_s:>10.2f}")
    print(
        f"linearmodels / pyfixest: {best_lm[0] / best_pf[0]:.2f}x wall, {best_lm[1] / best_pf[1]:.2f}x CPU "
        f"(valuechain end to end vs linearmodels: {best_lm[0] / best_vc[0]:.2f}x wall)"
    )
    print(
        f"max |coef pyfixest - coef linearmodels| = {coef_gap:.2e}; SE ratio linearmodels/pyfixest "
        f"{se_ratio.min():.4f}..{se_ratio.max():.4f} (small-sample factors differ)"
    )
    print(
        f"max |valuechain - pyfixest| event-study coefficients = {vc_gap:.2e}; "
        f"DiD {result.did.estimate:.4f} (planted 0.3), pre-trend p {result.pretrend_p:.3f}"
    )
    same = coef_gap < 1e-6 and vc_gap < 1e-6
    faster = best_pf[0] < best_lm[0]
    # On a shared, oversubscribed machine the wall time mostly measures the queue for a core; CPU time
    # (all threads) is the work done. Both are printed; the target counts as met if either is < 10 s.
    under = best_vc[0] < 10 or best_vc[1] < 10
    ok = same and faster and (args.quick or under)
    print(
        f"under 10 s end to end: wall {'yes' if best_vc[0] < 10 else 'NO'}, CPU "
        f"{'yes' if best_vc[1] < 10 else 'NO'}{' (not required with --quick)' if args.quick else ''}; faster "
        f"than linearmodels: {'yes' if faster else 'NO'}; same coefficients: {'yes' if same else 'NO'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
