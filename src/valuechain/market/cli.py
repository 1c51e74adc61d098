"""`valuechain market` commands: solve, effects, map, claims (a thin layer over :mod:`valuechain.market`).

The model is our reconstruction of Qian, Mehra & Liu, "The Economics of AI Supply Chain Regulation"
(arXiv 2603.12630). numpy, scipy and matplotlib are imported inside the commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from valuechain.clitools import JSON_OPTION, console, print_json
from valuechain.errors import InputError

app = typer.Typer(
    help="The AI supply-chain market model (our reconstruction of Qian, Mehra & Liu 2026): equilibrium, "
    "policy effects, maps and the paper's claims.",
    no_args_is_help=True,
)

SET_OPTION = typer.Option(
    None,
    "--set",
    help="Set a model parameter, NAME=VALUE (repeatable); names: a gamma delta lam theta q0 c k s "
    "kappa_f kappa_i.",
)
COUNTRY_OPTION = typer.Option(
    None,
    "--country",
    help="Apply a country preset (CN or US): compute cost after the export controls "
    "(a stated assumption, see market/data/country_presets.yaml); --set overrides it.",
)
PRESETS_OPTION = typer.Option(None, "--presets", help="Your own country-presets YAML file (same format).")

MODEL_SOURCE = {
    "name": "Market model: our reconstruction of Qian, Mehra & Liu, 'The Economics of AI Supply Chain "
    "Regulation' (arXiv 2603.12630, 2026); spec shared/specs/market-model.md",
    "location": "https://arxiv.org/abs/2603.12630",
}


def _params(
    assignments: list[str] | None, country: str | None, presets: Path | None
) -> tuple[Any, list[dict]]:
    from valuechain.market.parameters import Parameters

    sources: list[dict[str, Any]] = [dict(MODEL_SOURCE)]
    base: dict[str, float] = {}
    if country:
        from valuechain.market.presets import country_preset, preset_source_records

        preset = country_preset(country, presets)
        base = dict(preset.parameters)
        sources.append(
            {
                "name": f"Country preset {preset.code} (assumption): {preset.rationale}",
                "location": preset.file,
            }
        )
        sources.extend(preset_source_records(preset))
    elif presets is not None:
        raise InputError("--presets needs --country to choose one of its presets.")
    return Parameters.from_assignments(assignments or [], base=base), sources


RECONSTRUCTION_CAPTION = (
    "Model: our reconstruction of Qian, Mehra & Liu, arXiv 2603.12630 (full text not available); "
    "see shared/specs/market-model.md."
)


def _caption(params: Any, country: str | None) -> str:
    """A table caption: the reconstruction note and the parameters that differ from the defaults."""
    from valuechain.market.parameters import PARAMETER_TABLE

    changed = {k: v for k, v in params.scalar_dict().items() if v != PARAMETER_TABLE[k][0]}
    where = ", ".join(f"{k}={v:g}" for k, v in changed.items()) or "all at the spec's defaults"
    preset = f"country preset {country.upper()} (an assumption); " if country else ""
    return f"{RECONSTRUCTION_CAPTION}\nParameters: {preset}{where}."


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


@app.command()
def solve(
    set_: list[str] = SET_OPTION,
    country: str = COUNTRY_OPTION,
    presets: Path = PRESETS_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Solve the subgame-perfect equilibrium (closed form) at the given parameters."""
    from rich.table import Table

    from valuechain.market.equilibrium import QUANTITIES
    from valuechain.market.equilibrium import solve as solve_eq

    params, sources = _params(set_, country, presets)
    eq = solve_eq(params).require()
    payload = eq.to_dict()
    if country:
        payload["country"] = country.upper()
    if as_json:
        print_json(payload, sources)
        return
    table = Table(title="Market equilibrium (our reconstruction of Qian, Mehra & Liu 2026)")
    table.add_column("quantity")
    table.add_column("value", justify="right")
    for name in QUANTITIES:
        table.add_row(name, _fmt(payload[name]))
    table.add_row("unique", _fmt(payload["unique"]))
    for name, value in payload["thresholds"].items():
        table.add_row(f"threshold {name}", _fmt(value))
    con = console()
    con.print(table)
    con.print(_caption(params, country), style="dim")
    if not payload["unique"]:
        con.print(
            "Note: the equilibrium exists but is not unique here (C below uniqueness_C); shown is the "
            "symmetric equilibrium of the closed form."
        )


@app.command()
def effects(
    set_: list[str] = SET_OPTION,
    country: str = COUNTRY_OPTION,
    presets: Path = PRESETS_OPTION,
    step: float = typer.Option(
        None,
        "--step",
        help="Also report finite changes: raise γ, s and δ each by STEP "
        "and give the change of each outcome (under the key finite_changes).",
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Marginal effects (analytic derivatives) of γ (price policy), s (subsidy), δ (quality policy)."""
    from rich.table import Table

    from valuechain.market.equilibrium import finite_change, marginal_effects
    from valuechain.market.equilibrium import solve as solve_eq

    params, sources = _params(set_, country, presets)
    solve_eq(params).require()
    eff = marginal_effects(params)
    keys = ("consumer_surplus", "net_consumer_surplus", "provider_profit", "firm_profit")
    payload: dict[str, Any] = {p: {k: float(eff[p][k]) for k in keys} for p in ("gamma", "s", "delta")}
    payload["parameters"] = params.scalar_dict()
    if step is not None:
        if not step > 0:
            raise InputError(f"The finite policy step --step must be positive, got {step:g}.")
        finite = {}
        for p in ("gamma", "s", "delta"):
            change = finite_change(params, p, step)
            if not bool(change["exists_after"]):
                raise InputError(f"Raising {p} by {step:g} leaves the existence region of the equilibrium.")
            finite[p] = {"step": step, **{k: float(change[k]) for k in keys}}
        payload["finite_changes"] = finite
    if as_json:
        print_json(payload, sources)
        return
    table = Table(title="Marginal effects at the point (∂ outcome / ∂ policy parameter)")
    table.add_column("policy")
    for k in ("∂CS", "∂(CS − T)", "∂Π", "∂π"):
        table.add_column(k, justify="right")
    labels = {
        "gamma": "γ (price competition)",
        "s": "s (compute subsidy)",
        "delta": "δ (quality competition)",
    }
    for p in ("gamma", "s", "delta"):
        table.add_row(labels[p], *(f"{payload[p][k]:+.6f}" for k in keys))
        if step is not None:
            table.add_row(f"  finite +{step:g}", *(f"{payload['finite_changes'][p][k]:+.6f}" for k in keys))
    con = console()
    con.print(table)
    con.print(_caption(params, country), style="dim")


@app.command("map")
def map_(
    x: str = typer.Option("c=0.1:5", "--x", help="Horizontal axis, NAME=LOW:HIGH (e.g. c=0.1:5)."),
    y: str = typer.Option("k=0.1:5", "--y", help="Vertical axis, NAME=LOW:HIGH (e.g. k=0.1:5)."),
    n: int = typer.Option(200, "--n", help="Grid points per axis (2 to 2000; figures draw at most 500)."),
    policy: str = typer.Option(
        "price", "--policy", help="price (γ), subsidy (s, judged on CS − T) or quality (δ)."
    ),
    out: Path = typer.Option(
        None,
        "--out",
        help="Figure file: .png, .svg, .pdf or self-contained .html (no figure is written without it).",
    ),
    set_: list[str] = SET_OPTION,
    country: str = COUNTRY_OPTION,
    presets: Path = PRESETS_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Map where a policy raises consumer surplus, provider profit, firm profit, and all three."""
    from rich.table import Table

    from valuechain.market.policy import OUTCOME_LABELS, check_figure_path, parse_axis, plot_map, policy_map

    if n > 2000:
        raise InputError(f"The grid size --n must be at most 2000, got {n}.")
    params, sources = _params(set_, country, presets)
    figure_path = check_figure_path(out) if out is not None else None
    pmap = policy_map(policy, parse_axis(x, n), parse_axis(y, n), params)
    if not pmap.exists.any():
        from valuechain.market.equilibrium import violated_conditions

        mid = params.with_values(
            **{pmap.x.name: float(pmap.x.values[n // 2]), pmap.y.name: float(pmap.y.values[n // 2])}
        )
        raise InputError(
            f"No equilibrium exists anywhere on the grid {x} × {y}; at its centre "
            f"{'; and '.join(violated_conditions(mid))}."
        )
    figure = plot_map(pmap, figure_path) if figure_path is not None else None
    if as_json:
        payload = pmap.to_dict()
        payload["figure"] = str(figure) if figure else None
        print_json(payload, sources)
        return
    shares = pmap.share_positive()
    table = Table(title=f"Policy map: {policy} over {pmap.x.name} × {pmap.y.name} ({n}×{n})")
    table.add_column("outcome")
    table.add_column("share of equilibria where it rises", justify="right")
    for o in pmap.outcomes:
        table.add_row(OUTCOME_LABELS[o], f"{shares[o]:.1%}")
    table.add_row("win-win-win", f"{shares['win_win_win']:.1%}")
    table.add_row("(equilibria on the grid)", f"{int(pmap.exists.sum()):,} of {pmap.exists.size:,} points")
    con = console()
    con.print(table)
    con.print(_caption(params, country), style="dim")
    if figure is not None:
        con.print(f"Figure written to {figure}")


@app.command()
def claims(
    set_: list[str] = SET_OPTION,
    country: str = COUNTRY_OPTION,
    presets: Path = PRESETS_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Check the paper's claims C1–C7 over parameter grids; each with holds and its evidence."""
    from rich.table import Table

    from valuechain.market.claims import check_claims
    from valuechain.market.equilibrium import solve as solve_eq

    params, sources = _params(set_, country, presets)
    solve_eq(params).require()
    results = check_claims(params)
    if as_json:
        print_json({"claims": [r.to_dict() for r in results]}, sources)
        return
    table = Table(title="Claims of Qian, Mehra & Liu (2026) in our reconstruction of the model")
    table.add_column("id")
    table.add_column("holds")
    table.add_column("claim")
    table.add_column("key evidence")
    for r in results:
        key = {k: v for k, v in r.evidence.items() if not isinstance(v, (dict, str))}
        for scan in ("grid", "random_scan"):
            sub = r.evidence.get(scan)
            if isinstance(sub, dict):
                bad = sum(v for k, v in sub.items() if k.endswith("violations"))
                key[f"{scan} violations"] = f"{bad}/{sub['valid_points']}"
        table.add_row(
            r.id, "yes" if r.holds else "NO", r.claim, "\n".join(f"{k}: {v}" for k, v in key.items())
        )
    con = console()
    con.print(table)
    con.print(_caption(params, country), style="dim")
