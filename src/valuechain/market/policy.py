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
POLICY_LABELS = {
    "price": "pro-price-competitive policy (∂/∂γ)",
    "subsidy": "compute subsidy (∂/∂s)",
    "quality": "pro-quality-competitive policy (∂/∂δ)",
}


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
        raise InputError(
            f"Unknown model parameter {name!r} for an axis; known parameters are "
            f"{', '.join(PARAMETER_TABLE)}."
        )
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
    unique: np.ndarray

    @property
    def outcomes(self) -> tuple[str, str, str]:
        return POLICY_OUTCOMES[self.policy]

    @property
    def win_win_win(self) -> np.ndarray:
        """Where the policy raises consumers' (net) surplus, the provider's and the firms' profits."""
        masks = [np.nan_to_num(self.effects[o], nan=-1.0) > 0 for o in self.outcomes]
        return masks[0] & masks[1] & masks[2]

    def thinned(self, max_points: int) -> PolicyMap:
        """Every k-th grid point per axis so that at most ``max_points`` remain (for drawing only: a figure has
        a few hundred pixels per panel, and drawing 2000 × 2000 cells four times costs gigabytes)."""
        sx = -(-self.x.values.size // max_points)
        sy = -(-self.y.values.size // max_points)
        if sx == 1 and sy == 1:
            return self
        cut = (slice(None, None, sy), slice(None, None, sx))
        return PolicyMap(
            policy=self.policy,
            x=Axis(self.x.name, self.x.values[::sx]),
            y=Axis(self.y.name, self.y.values[::sy]),
            parameters=self.parameters,
            effects={o: v[cut] for o, v in self.effects.items()},
            exists=self.exists[cut],
            unique=self.unique[cut],
        )

    def share_positive(self) -> dict[str, float]:
        n = max(int(self.exists.sum()), 1)
        out = {o: float((np.nan_to_num(self.effects[o], nan=-1.0) > 0).sum() / n) for o in self.outcomes}
        out["win_win_win"] = float(self.win_win_win.sum() / n)
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON: axis values, per outcome the matrix of marginal effects (None where no equilibrium)."""
        return {
            "policy": self.policy,
            "parameter": POLICY_PARAMETER[self.policy],
            "x": {"name": self.x.name, "values": self.x.values.tolist()},
            "y": {"name": self.y.name, "values": self.y.values.tolist()},
            "layout": "effects[outcome][i][j] is at y.values[i], x.values[j]",
            "effects": {o: self.effects[o] for o in self.outcomes},
            "win_win_win": _or_none(self.exists, self.win_win_win).tolist(),
            "share_of_existing_points_positive": self.share_positive(),
            "parameters": _base_dict(self.parameters, (self.x.name, self.y.name)),
        }


def _base_dict(params: Parameters, skip: tuple[str, ...]) -> dict[str, float]:
    return {k: float(v) for k, v in params.as_dict().items() if k not in skip}


def policy_map(
    policy: str,
    x: Axis,
    y: Axis,
    params: Parameters | None = None,
    outcomes: tuple[str, ...] | None = None,
) -> PolicyMap:
    """Analytic marginal effects of ``policy`` (price|subsidy|quality) on a grid of two parameters."""
    if policy not in POLICY_PARAMETER:
        raise InputError(f"Unknown policy {policy!r}; choose price, subsidy or quality.")
    if x.name == y.name:
        raise InputError(f"The two map axes must be different parameters, both are {x.name}.")
    base = params or Parameters()
    core = _core(grid_parameters(x, y, base))
    effects = _effects(core, (POLICY_PARAMETER[policy],))[POLICY_PARAMETER[policy]]
    shape = (y.values.size, x.values.size)
    keep = outcomes or POLICY_OUTCOMES[policy]
    return PolicyMap(
        policy=policy,
        x=x,
        y=y,
        parameters=base,
        effects={o: np.broadcast_to(effects[o], shape) for o in keep},
        exists=np.broadcast_to(core["exists"], shape),
        unique=np.broadcast_to(core["unique"], shape),
    )


def all_policy_effects(
    x: Axis, y: Axis, params: Parameters | None = None
) -> dict[str, dict[str, np.ndarray]]:
    """The three policies' marginal effects on CS, CS − T, Π, π over one grid, sharing the equilibrium."""
    return _effects(_core(grid_parameters(x, y, params or Parameters())), ("gamma", "s", "delta"))


def grid_parameters(x: Axis, y: Axis, base: Parameters) -> Parameters:
    """``base`` with x varying along columns and y along rows (numpy broadcasting: shape (len(y), len(x)))."""
    return base.with_values(**{x.name: x.values[None, :], y.name: y.values[:, None]})


# ----------------------------------------------------------------------------------------------- figures

#: Short axis labels that say what each parameter means.
AXIS_LABELS = {
    "a": "demand intercept a",
    "gamma": "price competition γ",
    "delta": "quality competition δ",
    "lam": "consumers' valuation of quality λ",
    "theta": "quality per unit of fine-tuning θ",
    "q0": "base-model quality Q0",
    "c": "compute cost c",
    "k": "data preprocessing cost k",
    "s": "compute subsidy s",
    "kappa_f": "compute per data unit κ_F",
    "kappa_i": "compute per unit of output κ_I",
}
RISES_COLOR, FALLS_COLOR, WWW_COLOR, NOT_WWW_COLOR = "#4a8fc7", "#e5836a", "#2a9d8f", "#f1ead8"
NO_EQ_FACE, NO_EQ_EDGE = "#f2f2f2", "#a0a0a0"
FIGURE_SUFFIXES = (".png", ".svg", ".pdf", ".html")
#: Grid points per axis drawn at most (static figures have ~400 pixels per panel; HTML stays a few MB).
MAX_FIGURE_POINTS, MAX_HTML_POINTS = 500, 250
RECONSTRUCTION_LINE = "Model: our reconstruction of Qian, Mehra & Liu, arXiv 2603.12630 (2026)"


def axis_label(name: str) -> str:
    return AXIS_LABELS.get(name, name)


def check_figure_path(path: Path) -> Path:
    """Reject a figure path with an unknown suffix or in a place that cannot be written (one sentence)."""
    from valuechain.output import check_destination

    return check_destination(path, "figure file", tuple(FIGURE_SUFFIXES))


def write_figure(path: Path, write: Any) -> Path:
    """Write through :func:`valuechain.output.write_output`; OS errors become one sentence (no partial file)."""
    from valuechain.output import write_output

    return write_output(path, write, "figure file")


def fixed_parameters_text(pmap: PolicyMap) -> str:
    """'other parameters: a=3, γ=0.2, …' for the figure subtitle."""
    symbols = {
        "gamma": "γ",
        "delta": "δ",
        "lam": "λ",
        "theta": "θ",
        "q0": "Q0",
        "kappa_f": "κ_F",
        "kappa_i": "κ_I",
    }
    items = _base_dict(pmap.parameters, (pmap.x.name, pmap.y.name))
    return "other parameters: " + ", ".join(f"{symbols.get(k, k)}={v:g}" for k, v in items.items())


def draw_region_panel(ax: Any, pmap: PolicyMap, positive: np.ndarray, colors: tuple[str, str]) -> None:
    """One panel: ``colors[1]`` where ``positive``, ``colors[0]`` elsewhere in the existence region, hatched grey
    where no equilibrium exists; dashed existence boundary, dotted uniqueness boundary."""
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Rectangle

    xs, ys = pmap.x.values, pmap.y.values
    ax.add_patch(
        Rectangle(
            (xs[0], ys[0]),
            xs[-1] - xs[0],
            ys[-1] - ys[0],
            facecolor=NO_EQ_FACE,
            edgecolor=NO_EQ_EDGE,
            hatch="///",
            linewidth=0.0,
            zorder=0,
        )
    )
    cmap = ListedColormap(list(colors)).with_extremes(bad=(0.0, 0.0, 0.0, 0.0))  # no equilibrium: transparent
    z = np.where(pmap.exists, np.asarray(positive, dtype=float), np.nan)
    ax.imshow(
        z,
        origin="lower",
        extent=(xs[0], xs[-1], ys[0], ys[-1]),
        aspect="auto",
        cmap=cmap,
        vmin=0,
        vmax=1,
        interpolation="nearest",
        zorder=1,
    )
    exists = np.asarray(pmap.exists, dtype=float)
    if 0.0 < exists.mean() < 1.0:
        ax.contour(xs, ys, exists, levels=[0.5], colors="k", linewidths=1.0, linestyles="--", zorder=3)
    uniq = np.where(pmap.exists, np.asarray(pmap.unique, dtype=float), np.nan)
    if np.nanmin(uniq, initial=1.0) < 0.5 < np.nanmax(uniq, initial=0.0):
        ax.contour(xs, ys, uniq, levels=[0.5], colors="k", linewidths=1.0, linestyles=":", zorder=3)
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(ys[0], ys[-1])
    ax.set_xlabel(axis_label(pmap.x.name))
    ax.set_ylabel(axis_label(pmap.y.name))


def legend_handles(with_effects: bool = True) -> list[Any]:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Any] = []
    if with_effects:
        handles += [
            Patch(facecolor=RISES_COLOR, label="outcome rises"),
            Patch(facecolor=FALLS_COLOR, label="outcome falls"),
            Line2D([], [], color="k", lw=1.6, label="threshold: effect = 0"),
        ]
    handles += [
        Patch(facecolor=WWW_COLOR, label="win-win-win (all three rise)"),
        Patch(facecolor=NOT_WWW_COLOR, label="not all three rise"),
        Patch(facecolor=NO_EQ_FACE, edgecolor=NO_EQ_EDGE, hatch="///", label="no equilibrium"),
        Line2D([], [], color="k", lw=1.0, ls="--", label="existence boundary"),
        Line2D(
            [],
            [],
            color="k",
            lw=1.0,
            ls=":",
            label="uniqueness boundary (between it and the existence boundary the equilibrium is not unique)",
        ),
    ]
    return handles


def plot_map(pmap: PolicyMap, path: Path, thresholds_note: str = "") -> Path:
    """Write the map as PNG/SVG/PDF (matplotlib) or self-contained HTML (Plotly) by the file suffix.

    Static figures show, per outcome, where a small step of the policy raises (blue) or lowers (orange) it,
    the zero-effect threshold line, the existence and uniqueness boundaries, and the win-win-win region;
    magnitudes are in the HTML map (hover) and in ``valuechain market map --json``.
    """
    path = check_figure_path(Path(path))
    shares = pmap.share_positive()  # on the full grid; the drawing may be thinned
    if path.suffix.lower() == ".html":
        return _plot_map_plotly(pmap.thinned(MAX_HTML_POINTS), path, shares)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pmap = pmap.thinned(MAX_FIGURE_POINTS)
    xs, ys = pmap.x.values, pmap.y.values
    fig, axes = plt.subplots(1, 4, figsize=(17, 5.0), layout="constrained")
    for ax, outcome in zip(axes[:3], pmap.outcomes, strict=True):
        z = np.asarray(pmap.effects[outcome], dtype=float)
        draw_region_panel(ax, pmap, np.nan_to_num(z, nan=-1.0) > 0, (FALLS_COLOR, RISES_COLOR))
        finite = np.isfinite(z)
        if finite.any() and np.nanmin(z) < 0 < np.nanmax(z):
            ax.contour(
                xs, ys, np.where(finite, z, np.nan), levels=[0.0], colors="k", linewidths=1.6, zorder=4
            )
        ax.set_title(f"{OUTCOME_LABELS[outcome]}\nrises on {shares[outcome]:.0%} of equilibria", fontsize=10)
    draw_region_panel(axes[3], pmap, pmap.win_win_win, (NOT_WWW_COLOR, WWW_COLOR))
    axes[3].set_title(
        f"win-win-win: all three rise\non {shares['win_win_win']:.0%} of equilibria", fontsize=10
    )
    fig.suptitle(
        f"Where a small step of the {POLICY_LABELS[pmap.policy]} raises each outcome\n"
        f"{RECONSTRUCTION_LINE}; {fixed_parameters_text(pmap)}. {thresholds_note}".rstrip(),
        fontsize=10,
    )
    fig.legend(handles=legend_handles(), loc="outside lower center", ncol=4, fontsize=8.5, frameon=False)
    try:
        # SVG keeps its text as text (searchable, editable by an analyst), not as glyph outlines
        with matplotlib.rc_context({"svg.fonttype": "none"}):
            return write_figure(
                path, lambda tmp: fig.savefig(tmp, dpi=110, format=path.suffix.lower().lstrip("."))
            )
    finally:
        plt.close(fig)


def _or_none(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
    """An object array: ``values`` where ``mask``, None elsewhere (JSON null / a Plotly gap)."""
    return np.where(mask, values, np.array(None, dtype=object))


def _sign_rank_colour(z: np.ndarray) -> np.ndarray:
    """Colour value in [−1, 1]: the sign of the effect, its strength by the rank of |effect| (0.3 … 1), so the
    sign stays visible although effects explode near the existence boundary; None where no equilibrium."""
    out = np.full(z.shape, np.nan)
    finite = np.isfinite(z)
    if finite.any():
        mag = np.abs(z[finite])
        ranks = np.empty(mag.size)
        ranks[np.argsort(mag, kind="stable")] = np.arange(mag.size) / max(mag.size - 1, 1)
        out[finite] = np.sign(z[finite]) * (0.3 + 0.7 * ranks)
    return _or_none(finite, out)


def _plot_map_plotly(pmap: PolicyMap, path: Path, shares: dict[str, float]) -> Path:
    """Interactive HTML (Plotly, JavaScript embedded so it works offline): hover shows each effect's value."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    titles = [f"∂ {OUTCOME_LABELS[o]} (rises on {shares[o]:.0%})" for o in pmap.outcomes]
    titles.append(f"win-win-win (on {shares['win_win_win']:.0%})")
    fig = make_subplots(rows=1, cols=4, subplot_titles=titles, horizontal_spacing=0.06)
    xl, yl = axis_label(pmap.x.name), axis_label(pmap.y.name)
    for j, outcome in enumerate(pmap.outcomes, start=1):
        z = np.asarray(pmap.effects[outcome], dtype=float)
        fig.add_trace(
            go.Heatmap(
                x=pmap.x.values,
                y=pmap.y.values,
                z=_sign_rank_colour(z),
                zmid=0.0,
                zmin=-1.0,
                zmax=1.0,
                colorscale="RdBu",
                showscale=False,
                customdata=_or_none(np.isfinite(z), z),
                hovertemplate=f"{xl}=%{{x:.3g}}<br>{yl}=%{{y:.3g}}"
                "<br>marginal effect=%{customdata:.4g}<extra></extra>",
            ),
            row=1,
            col=j,
        )
    www = np.where(pmap.exists, pmap.win_win_win.astype(float), np.nan)
    fig.add_trace(
        go.Heatmap(
            x=pmap.x.values,
            y=pmap.y.values,
            z=_or_none(np.isfinite(www), www),
            colorscale=[[0, NOT_WWW_COLOR], [1, WWW_COLOR]],
            zmin=0,
            zmax=1,
            showscale=False,
            hovertemplate=f"{xl}=%{{x:.3g}}<br>{yl}=%{{y:.3g}}<br>all three rise=%{{z}}<extra></extra>",
        ),
        row=1,
        col=4,
    )
    for j in range(1, 5):
        fig.update_xaxes(title_text=xl, row=1, col=j)
        fig.update_yaxes(title_text=yl, row=1, col=j)
    fig.update_layout(
        title=f"Where a small step of the {POLICY_LABELS[pmap.policy]} raises each outcome "
        f"(blue = rises, red = falls, grey = no equilibrium; hover for values)<br><sup>{RECONSTRUCTION_LINE}; "
        f"{fixed_parameters_text(pmap)}</sup>",
        height=470,
        width=1500,
        plot_bgcolor="#bdbdbd",
    )
    html_text = fig.to_html(full_html=True, include_plotlyjs=True)
    return write_figure(path, lambda tmp: tmp.write_text(html_text, encoding="utf-8"))
