"""The market chapter of the observatory report: claims, thresholds, policy maps, CN vs US presets.

Runs the analyses of :mod:`valuechain.market` at the spec's defaults — our reconstruction of Qian, Mehra &
Liu, "The Economics of AI Supply Chain Regulation" (arXiv 2603.12630) — and writes the figures into the
report directory. Finishes in a few seconds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from valuechain.reference.colours import colour_of
from valuechain.section import Figure, Section, render_table

NOTE_RECONSTRUCTION = (
    "The market model is our reconstruction of Qian, Mehra & Liu, 'The Economics of AI Supply Chain "
    "Regulation' (arXiv 2603.12630, 2026): the simplest model we found that reproduces every claim of the "
    "paper's abstract. The paper's full text was not available to us; the numbers below are properties of "
    "this reconstruction, not results quoted from the paper."
)
NOTE_PRESETS = (
    "The CN/US presets are stated assumptions, not estimates: Chinese firms are assumed to face a higher "
    "effective compute cost after the U.S. export controls (see market/data/country_presets.yaml, "
    "user-editable)."
)
NOTE_MODELLING = (
    "Two modelling facts: a per-unit compute subsidy always raises gross consumer surplus here, so the "
    "subsidy is judged on CS net of its cost (CS - T); and the sign reversals of C1/C2 rely on returns to "
    "data close to the square root (quality linear in effort, data = effort^2/2)."
)


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    return render_table(headers, [[_fmt(v) for v in row] for row in rows])


def _fmt(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "NO"
    if isinstance(v, float):
        return f"{v:.4g}"
    if v is None:
        return "—"
    return str(v)


def _evidence_summary(evidence: dict[str, Any]) -> str:
    flat = {k: v for k, v in evidence.items() if not isinstance(v, dict) and k != "note"}
    for key in ("grid", "random_scan"):
        sub = evidence.get(key)
        if isinstance(sub, dict):
            viol = sum(v for k, v in sub.items() if k.endswith("violations"))
            flat[f"{key}: violations / valid points"] = f"{viol} / {sub.get('valid_points')}"
    for key in (
        "cost_line",
    ):  # where the cost-line scan ends, so that its upper end is not read as a threshold
        sub = evidence.get(key)
        if isinstance(sub, dict) and sub.get("C_range"):
            flat["C scanned (where an equilibrium exists)"] = sub["C_range"]
    return "; ".join(
        f"{k.replace('win_win_win', 'win-win-win').replace('_', ' ')} = {_short(v)}" for k, v in flat.items()
    )


def _short(v: Any) -> str:
    """Evidence values for the table: 4 significant digits, intervals as [low, high]."""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, list):
        return "[" + ", ".join(_short(x) for x in v) + "]"
    return "—" if v is None else str(v)


def _win_win_win_figure(maps: dict[str, Any], points: dict[str, tuple[float, float]], path: Path) -> Path:
    """The three policies' win-win-win regions over c × k, with the CN/US presets marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from valuechain.market.policy import (
        NOT_WWW_COLOR,
        POLICY_LABELS,
        RECONSTRUCTION_LINE,
        WWW_COLOR,
        draw_region_panel,
        legend_handles,
        write_figure,
    )

    fig, axes = plt.subplots(1, 3, figsize=(14, 5.0), layout="constrained")
    for ax, (policy, pmap) in zip(axes, maps.items(), strict=True):
        draw_region_panel(ax, pmap, pmap.win_win_win, (NOT_WWW_COLOR, WWW_COLOR))
        for code, (cx, ky) in points.items():
            ax.plot(cx, ky, "o", color=colour_of(code), ms=7, zorder=5)
            left = code != "CN"  # US label to the left, CN to the right: the two points are close
            ax.annotate(
                f"{code} preset",
                (cx, ky),
                xytext=(-6 if left else 6, 6),
                textcoords="offset points",
                ha="right" if left else "left",
                fontsize=9,
                zorder=5,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
            )
        share = pmap.share_positive()["win_win_win"]
        ax.set_title(f"{POLICY_LABELS[policy]}\nwin-win-win on {share:.0%} of equilibria", fontsize=10)
    fig.suptitle(
        "Where a small policy step raises consumers' (net) surplus, the provider's and the firms' profits "
        f"together\n{RECONSTRUCTION_LINE}; other parameters at the defaults",
        fontsize=10,
    )
    fig.legend(
        handles=legend_handles(with_effects=False),
        loc="outside lower center",
        ncol=3,
        fontsize=8.5,
        frameon=False,
    )
    try:
        return write_figure(path, lambda tmp: fig.savefig(tmp, dpi=110, format="png"))
    finally:
        plt.close(fig)


def _presets_reading(rows: dict[str, dict[str, Any]], th: dict[str, float]) -> str:
    """One computed paragraph reading the CN vs US rows against the thresholds (no hand-written numbers)."""
    if not {"US", "CN"} <= set(rows):
        return ""
    us, cn = rows["US"], rows["CN"]

    def side(row: dict[str, Any]) -> str:
        price = "raises" if row["price_policy_raises_CS"] else "lowers"
        sub = "raises" if row["subsidy_raises_net_CS"] else "lowers"
        return (
            f"C = {row['C']:.3g}: the price policy {price} CS (∂CS/∂γ = {row['dCS_dgamma']:+.3g}), the "
            "subsidy "
            f"{sub} CS − T (∂(CS − T)/∂s = {row['dnetCS_ds']:+.3g})"
        )

    def zone(row: dict[str, Any]) -> str:
        if row["C"] <= th["C_price"]:
            return "below C_price (only the subsidy helps consumers)"
        if row["C"] >= th["C_subsidy"]:
            return "above C_subsidy (only the price policy helps consumers)"
        return "between the two thresholds (both policies help consumers)"

    return (
        f"<p>Reading: with the assumed compute costs (c = {us['c']:g} for U.S. firms, {cn['c']:g} for "
        "Chinese "
        f"firms), U.S. firms sit at {side(us)}; Chinese firms at {side(cn)}. The price policy raises CS only "
        "above "
        f"C_price = {th['C_price']:.4g} and the subsidy raises CS − T only below C_subsidy = "
        f"{th['C_subsidy']:.4g}, "
        "so a higher compute cost can switch the price policy on and the subsidy off (claims C1, C2, C7). "
        "The U.S. "
        f"side is {zone(us)}, the Chinese side {zone(cn)}. These are properties of the reconstructed model "
        "at "
        f"assumed costs, not estimates.</p>"
    )


def report_section(out_dir: Path) -> Section:
    """Run the market analyses at the defaults and return the report chapter (figures in ``out_dir``)."""
    import numpy as np

    from valuechain.market.claims import check_claims
    from valuechain.market.equilibrium import QUANTITIES, marginal_effects, solve, thresholds
    from valuechain.market.numeric import solve_numeric
    from valuechain.market.parameters import Parameters
    from valuechain.market.policy import POLICY_LABELS, POLICY_OUTCOMES, parse_axis, plot_map, policy_map
    from valuechain.market.presets import load_presets, preset_source_records

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    params = Parameters()
    claims = check_claims(params)
    th = {k: float(v) for k, v in thresholds(params).items()}

    # policy maps over c x k
    x, y = parse_axis("c=0.1:5", 200), parse_axis("k=0.1:5", 200)
    maps = {policy: policy_map(policy, x, y, params) for policy in ("price", "subsidy", "quality")}
    figures: list[Figure] = []
    for policy, pmap in maps.items():
        name = f"market_map_{policy}.png"
        plot_map(pmap, out_dir / name)
        figures.append(
            Figure(
                str(out_dir / name),
                f"{POLICY_LABELS[policy]}: where a small policy step raises (blue) or "
                "lowers (orange) each outcome over compute cost c × data preprocessing cost k; black "
                "line: the threshold where the effect is zero; hatched: no equilibrium; last panel: "
                "win-win-win region.",
            )
        )
    interactive = "market_map_subsidy.html"
    plot_map(
        policy_map("subsidy", parse_axis("c=0.1:5", 80), parse_axis("k=0.1:5", 80), params),
        out_dir / interactive,
    )

    # country presets
    presets = load_presets()
    preset_rows: list[list[Any]] = []
    preset_data: dict[str, dict[str, Any]] = {}
    points: dict[str, tuple[float, float]] = {}
    for code in ("US", "CN"):
        if code not in presets:
            continue
        pp = params.with_values(**presets[code].parameters)
        eq = solve(pp)
        eff = marginal_effects(pp)
        big_c = float(thresholds(pp)["C"])
        points[code] = (float(pp.c), float(pp.k))
        row = {
            "c": float(pp.c),
            "C": big_c,
            "exists": bool(eq.exists),
            "consumer_surplus": float(eq.consumer_surplus),
            "provider_profit": float(eq.provider_profit),
            "firm_profit": float(eq.firm_profit),
            "welfare": float(eq.welfare),
            "dCS_dgamma": float(eff["gamma"]["consumer_surplus"]),
            "dnetCS_ds": float(eff["s"]["net_consumer_surplus"]),
            "dCS_ddelta": float(eff["delta"]["consumer_surplus"]),
            "price_policy_raises_CS": bool(eff["gamma"]["consumer_surplus"] > 0),
            "subsidy_raises_net_CS": bool(eff["s"]["net_consumer_surplus"] > 0),
            # the same outcome triples as the maps (subsidy judged on CS − T)
            "price_win_win_win": bool(all(eff["gamma"][o] > 0 for o in POLICY_OUTCOMES["price"])),
            "subsidy_win_win_win": bool(all(eff["s"][o] > 0 for o in POLICY_OUTCOMES["subsidy"])),
        }
        preset_data[code] = row
        preset_rows.append(
            [
                code,
                presets[code].label,
                row["c"],
                row["C"],
                row["consumer_surplus"],
                row["provider_profit"],
                row["firm_profit"],
                row["dCS_dgamma"],
                row["dnetCS_ds"],
                row["dCS_ddelta"],
                row["price_win_win_win"],
                row["subsidy_win_win_win"],
            ]
        )
    www_name = "market_win_win_win.png"
    _win_win_win_figure(maps, points, out_dir / www_name)
    figures.append(
        Figure(
            str(out_dir / www_name),
            "Win-win-win regions of the three policies over c × k, with the US and CN "
            "presets (assumed compute costs) marked.",
        )
    )

    # independent check: closed form vs backward induction at a few points
    rng = np.random.default_rng(7)
    max_rel = 0.0
    checked = 0
    for _ in range(6):
        pp = params.with_values(
            c=float(rng.uniform(0.3, 2.5)),
            k=float(rng.uniform(0.8, 3.0)),
            gamma=float(rng.uniform(0.0, 1.0)),
            delta=float(rng.uniform(0.0, 1.0)),
        )
        closed = solve(pp)
        if not closed.unique:
            continue
        num = solve_numeric(pp, check_global=False).symmetric_dict()
        for q in QUANTITIES:
            ref = float(getattr(closed, q))
            if abs(ref) > 1e-12:
                max_rel = max(max_rel, abs(num[q] - ref) / abs(ref))
        checked += 1

    eq = solve(params)
    eff = marginal_effects(params)
    claims_html = _table(
        ["id", "claim (abstract)", "testable statement", "holds", "evidence (computed)"],
        [[c.id, c.claim, c.statement, c.holds, _evidence_summary(c.evidence)] for c in claims],
    )
    th_rows = [[k, v] for k, v in th.items() if k not in ("h", "phi")]
    eq_rows = [[q, float(getattr(eq, q))] for q in QUANTITIES]
    eff_rows = [
        [
            p,
            *(
                float(eff[p][o])
                for o in ("consumer_surplus", "net_consumer_surplus", "provider_profit", "firm_profit")
            ),
        ]
        for p in ("gamma", "s", "delta")
    ]
    body = [
        "<p>One foundation-model provider sells fine-tuning compute and inference to two firms that "
        "fine-tune "
        "with proprietary data and compete in prices. Three policy levers: pro-price competition (γ), a "
        "compute "
        "subsidy (s, judged on consumer surplus net of its cost) and pro-quality competition (δ).</p>",
        f"<h3>Claims C1–C7 ({sum(c.holds for c in claims)}/7 hold in the reconstruction)</h3>",
        claims_html,
        "<h3>Equilibrium and thresholds at the defaults</h3>",
        _table(["quantity", "value"], eq_rows),
        _table(["threshold (in units of C)", "value"], th_rows),
        "<h3>Marginal effects at the defaults</h3>",
        _table(["policy parameter", "∂CS", "∂(CS − T)", "∂Π", "∂π"], eff_rows),
        "<h3>Country presets (assumptions): U.S. vs Chinese firms</h3>",
        _table(
            [
                "preset",
                "meaning",
                "c",
                "C",
                "CS",
                "Π",
                "π",
                "∂CS/∂γ",
                "∂(CS−T)/∂s",
                "∂CS/∂δ",
                "price win-win-win",
                "subsidy win-win-win",
            ],
            preset_rows,
        ),
        _presets_reading(preset_data, th),
        "<p>Independent check: the numeric backward-induction solver reproduces the closed form at "
        f"{checked} "
        f"random points with maximum relative error {max_rel:.1e}.</p>",
        # the report page sits one level above out_dir (report/build.py writes figures into <report>/figures)
        f'<p>Interactive map of the subsidy: <a href="{out_dir.name}/{interactive}">{interactive}</a>.</p>',
    ]
    sources = [
        {
            "name": "Qian, Mehra & Liu, The Economics of AI Supply Chain Regulation "
            "(arXiv 2603.12630, 2026) — model reconstructed, full text not available",
            "location": "https://arxiv.org/abs/2603.12630",
        },
        {
            "name": "Country presets (assumptions) with their reasoning",
            "location": presets["CN"].file if "CN" in presets else "",
        },
    ]
    if "CN" in presets:
        sources.extend(preset_source_records(presets["CN"]))
    return Section(
        key="market",
        title="AI supply-chain regulation (market model)",
        html="\n".join(body),
        figures=figures,
        sources=sources,
        notes=[NOTE_RECONSTRUCTION, NOTE_PRESETS, NOTE_MODELLING],
        data={
            "claims": [c.to_dict() for c in claims],
            "thresholds": th,
            "equilibrium": {q: float(getattr(eq, q)) for q in QUANTITIES},
            "effects": {p: {o: float(v) for o, v in eff[p].items()} for p in eff},
            "country_presets": preset_data,
            "map_shares": {p: m.share_positive() for p, m in maps.items()},
            "numeric_check": {"points": checked, "max_relative_error": max_rel},
        },
    )
