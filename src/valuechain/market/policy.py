"""Policy experiments on the market model: two-parameter maps of marginal effects and their figures.

Three levers of our reconstruction of Qian, Mehra & Liu (arXiv 2603.12630): the pro-price-competitive
policy raises γ, the compute subsidy raises s (judged on consumer surplus net of its cost, CS − T), the
pro-quality-competitive policy raises δ. A map evaluates the analytic marginal effects
(:func:`valuechain.market.equilibrium.marginal_effects`) on a grid of two parameters (e.g. compute cost c
× data-preprocessing cost k) and marks where each outcome rises and where all three rise (win-win-win).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from valuechain.errors import InputError
from valuechain.market.equilibrium import core_terms as _core
from valuechain.market.equilibrium import effects_from_core as _effects
from valuechain.market.parameters import PARAMETER_TABLE, POLICY_PARAMETER, Parameters, parse_number

#: The outcomes shown for each policy: consumers (gross, or net of the subsidy's cost), provider, firms.
POLICY_OUTCOMES: dict[str, tuple[str, str, str]] = {
    "price": ("consumer_surplus", "provider_profit", "firm_profit"),
    "subsidy": ("net_consumer_surplus", "provider_profit", "firm_profit"),
    "quality": ("consumer_surplus", "provider_profit", "firm_profit"),
}
OUTCOME_LABELS = {
    "consumer_surplus": "consumer surplus CS",
    "net_consumer_surplus": "net consumer surplus CS − T",
    "provider_profit": "provider profit Π",
    "firm_profit": "firm profit π",
}
POLICY_LABELS = {"price": "pro-price-competitive policy (∂/∂γ)", "subsidy": "compute subsidy (∂/∂s)",
                 "quality": "pro-quality-competitive policy (∂/∂δ)"}


@dataclass
class Axis:
    name: str
    values: np.ndarray


def parse_axis(text: str, n: int) -> Axis:
    """``"c=0.1:5"`` -> Axis("c", linspace(0.1, 5, n)); one sentence on bad input."""
    if n < 2:
        raise InputError(f"The grid size --n must be at least 2, got {n}.")
    if "=" not in text or ":" not in text:
        raise InputError(f"Expected an axis like NAME=LOW:HIGH (e.g. c=0.1:5), got {text!r}.")
    name, _, rng = text.partition("=")
    name = name.strip()
    if name not in PARAMETER_TABLE:
        raise InputError(f"Unknown model parameter {name!r} for an axis; known parameters are "
                         f"{', '.join(PARAMETER_TABLE)}.")
    lo_s, _, hi_s = rng.partition(":")
    lo, hi = parse_number(name, lo_s), parse_number(name, hi_s)
    if not lo < hi:
        raise InputError(f"The axis {name} needs LOW < HIGH, got {lo:g}:{hi:g}.")
    return Axis(name, np.linspace(lo, hi, n))


@dataclass
class PolicyMap:
    """Marginal effects of one policy over a grid; matrices have shape (len(y), len(x)) (rows = y)."""

    policy: str
    x: Axis
    y: Axis
    parameters: Parameters
    effects: dict[str, np.ndarray]
    exists: np.ndarray

    @property
    def outcomes(self) -> tuple[str, str, str]:
        return POLICY_OUTCOMES[self.policy]

    @property
    def win_win_win(self) -> np.ndarray:
        """Where the policy raises consumers' (net) surplus, the provider's and the firms' profits."""
        masks = [np.nan_to_num(self.effects[o], nan=-1.0) > 0 for o in self.outcomes]
        return masks[0] & masks[1] & masks[2]

    def share_positive(self) -> dict[str, float]:
        n = max(int(self.exists.sum()), 1)
        out = {o: float((np.nan_to_num(self.effects[o], nan=-1.0) > 0).sum() / n) for o in self.outcomes}
        out["win_win_win"] = float(self.win_win_win.sum() / n)
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON: axis values, per outcome the matrix of marginal effects (None where no equilibrium)."""
        return {
            "policy": self.policy, "parameter": POLICY_PARAMETER[self.policy],
            "x": {"name": self.x.name, "values": self.x.values.tolist()},
            "y": {"name": self.y.name, "values": self.y.values.tolist()},
            "layout": "effects[outcome][i][j] is at y.values[i], x.values[j]",
            "effects": {o: self.effects[o] for o in self.outcomes},
            "win_win_win": np.where(self.exists, self.win_win_win, None).tolist(),
            "share_of_existing_points_positive": self.share_positive(),
            "parameters": _base_dict(self.parameters, (self.x.name, self.y.name)),
        }


def _base_dict(params: Parameters, skip: tuple[str, ...]) -> dict[str, float]:
    return {k: float(v) for k, v in params.as_dict().items() if k not in skip}


def policy_map(
    policy: str, x: Axis, y: Axis, params: Parameters | None = None,
    outcomes: tuple[str, ...] | None = None,
) -> PolicyMap:
    """Analytic marginal effects of ``policy`` (price|subsidy|quality) on a grid of two parameters."""
    if policy not in POLICY_PARAMETER:
        raise InputError(f"Unknown policy {policy!r}; choose price, subsidy or quality.")
    if x.name == y.name:
        raise InputError(f"The two map axes must be different parameters, both are {x.name}.")
    base = params or Parameters()
    grid = base.with_values(**{x.name: x.values[None, :], y.name: y.values[:, None]})
    core = _core(grid)
    effects = _effects(core, (POLICY_PARAMETER[policy],))[POLICY_PARAMETER[policy]]
    shape = (y.values.size, x.values.size)
    keep = outcomes or POLICY_OUTCOMES[policy]
    return PolicyMap(
        policy=policy, x=x, y=y, parameters=base,
        effects={o: np.broadcast_to(effects[o], shape) for o in keep},
        exists=np.broadcast_to(core["exists"], shape),
    )


def all_policy_effects(x: Axis, y: Axis, params: Parameters | None = None) -> dict[str, dict[str, np.ndarray]]:
    """The three policies' marginal effects on CS, CS − T, Π, π over one grid, sharing the equilibrium."""
    base = params or Parameters()
    grid = base.with_values(**{x.name: x.values[None, :], y.name: y.values[:, None]})
    return _effects(_core(grid), ("gamma", "s", "delta"))


# ----------------------------------------------------------------------------------------------- figures

def plot_map(pmap: PolicyMap, path: Path, thresholds_note: str = "") -> Path:
    """Write the map as PNG/SVG (matplotlib) or HTML (Plotly) by the file suffix."""
    suffix = path.suffix.lower()
    if suffix == ".html":
        return _plot_map_plotly(pmap, path)
    if suffix not in (".png", ".svg", ".pdf"):
        raise InputError(f"The figure file {path} must end in .png, .svg, .pdf or .html.")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap, TwoSlopeNorm

    from valuechain.output import atomic_path

    xs, ys = pmap.x.values, pmap.y.values
    extent = (xs[0], xs[-1], ys[0], ys[-1])
    fig, axes = plt.subplots(1, 4, figsize=(17, 4.2), constrained_layout=True)
    for ax, outcome in zip(axes[:3], pmap.outcomes, strict=True):
        z = np.asarray(pmap.effects[outcome], dtype=float)
        finite = np.isfinite(z)
        scale = float(np.median(np.abs(z[finite]))) if finite.any() else 1.0
        scale = scale or 1.0
        # sign-preserving compression: effects explode near the existence boundary
        im = ax.imshow(np.tanh(z / scale), origin="lower", extent=extent, aspect="auto", cmap="RdBu",
                       norm=TwoSlopeNorm(0.0, -1.0, 1.0))
        if finite.any() and np.nanmin(z) < 0 < np.nanmax(z):
            ax.contour(xs, ys, np.where(finite, z, np.nan), levels=[0.0], colors="k", linewidths=1.2)
        bar = fig.colorbar(im, ax=ax, shrink=0.85)
        bar.set_label(f"tanh(effect / {scale:.3g}); blue = rises", fontsize=8)
        ax.set_title(f"∂ {OUTCOME_LABELS[outcome]}", fontsize=10)
        ax.set_xlabel(pmap.x.name)
        ax.set_ylabel(pmap.y.name)
    wwwa = np.where(pmap.exists, pmap.win_win_win.astype(float), np.nan)
    axes[3].imshow(wwwa, origin="lower", extent=extent, aspect="auto",
                   cmap=ListedColormap(["#eeeeee", "#2a9d8f"]), vmin=0, vmax=1)
    axes[3].set_title("win-win-win (all three rise)", fontsize=10)
    axes[3].set_xlabel(pmap.x.name)
    axes[3].set_ylabel(pmap.y.name)
    fig.suptitle(f"{POLICY_LABELS[pmap.policy]} — marginal effects; white = no equilibrium. "
                 f"Model: our reconstruction of Qian, Mehra & Liu (2026). {thresholds_note}", fontsize=10)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=110, format=suffix.lstrip("."))
    plt.close(fig)
    return path


def _plot_map_plotly(pmap: PolicyMap, path: Path) -> Path:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from valuechain.output import write_text_atomic

    titles = [f"∂ {OUTCOME_LABELS[o]}" for o in pmap.outcomes] + ["win-win-win"]
    fig = make_subplots(rows=1, cols=4, subplot_titles=titles, horizontal_spacing=0.06)
    for j, outcome in enumerate(pmap.outcomes, start=1):
        z = np.asarray(pmap.effects[outcome], dtype=float)
        fig.add_trace(go.Heatmap(x=pmap.x.values, y=pmap.y.values, z=np.where(np.isfinite(z), z, None),
                                 colorscale="RdBu", zmid=0.0, showscale=False,
                                 hovertemplate=f"{pmap.x.name}=%{{x:.3g}}<br>{pmap.y.name}=%{{y:.3g}}"
                                 "<br>effect=%{z:.4g}<extra></extra>"), row=1, col=j)
    www = np.where(pmap.exists, pmap.win_win_win.astype(float), np.nan)
    fig.add_trace(go.Heatmap(x=pmap.x.values, y=pmap.y.values, z=np.where(np.isfinite(www), www, None),
                             colorscale=[[0, "#eeeeee"], [1, "#2a9d8f"]], showscale=False), row=1, col=4)
    for j in range(1, 5):
        fig.update_xaxes(title_text=pmap.x.name, row=1, col=j)
        fig.update_yaxes(title_text=pmap.y.name, row=1, col=j)
    fig.update_layout(title=f"{POLICY_LABELS[pmap.policy]} (our reconstruction of Qian, Mehra & Liu 2026)",
                      height=420, width=1500)
    write_text_atomic(path, fig.to_html(full_html=True, include_plotlyjs="cdn"))
    return path

