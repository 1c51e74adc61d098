"""China against the U.S. and the other economies in the GitHub Innovation Graph (economy × quarter).

An aggregate check of claim A3, not a test of it: the Innovation Graph counts all public GitHub
activity of an economy, not engagement with open LLM repositories.

Design.  Outcome ``y`` per economy and quarter:
- ``developers``, ``repositories``, ``organizations`` are cumulative stocks that include inactive
  accounts, so ``y = 100 * (log S_q - log S_{q-1})``, the quarterly growth rate in percent;
- ``git_pushes`` and topic pushers (``topic:NAME``): ``y = 100 * log(value)``.
The shock's quarter is event time 0 (2022-10-07 falls in 2022Q4).  DiD of China against every other
economy with economy and quarter fixed effects on a balanced window of ``leads`` quarters before and
``lags`` after; China is the only treated unit, so inference is placebo-in-space: every other economy
with complete data is taken as pseudo-treated (:func:`valuechain.estimation.permutation_did`).
Suppressed cells (fewer than 100 developers) are counted, never read as zero: an economy with a
suppressed cell in the window is left out; if China itself has one the answer is "cannot tell".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from valuechain.errors import InputError
from valuechain.estimation import PermutationResult, permutation_did
from valuechain.sources.innovation_graph import ECONOMY_METRICS, InnovationGraph, read_innovation_graph

STOCKS = ("developers", "repositories", "organizations")
#: Topics that name LLM work; they start in 2022Q4-2023Q1.
LLM_TOPICS = ("llm", "large-language-models", "chatgpt", "llama", "openai")
#: Proxies with a pre-period before the 2022 shocks.
PROXY_TOPICS = ("deep-learning", "machine-learning")
TREATED = "CN"
#: Robustness pool: the economies with the most developers in the quarter before the shock.
LARGE_POOL = 30
#: Fewest placebo economies for which a two-sided permutation p can reach 0.05: 1 / (1 + 19) = 0.05.
MIN_PLACEBOS = 19


def outcome_names() -> list[str]:
    return [*ECONOMY_METRICS, "topic:NAME"]


def outcome_frame(graph: InnovationGraph, outcome: str) -> tuple[pd.DataFrame, str, pd.DataFrame]:
    """(transformed ``iso2_code, period, y``, a description of ``y``, the published raw cells)."""
    if outcome.startswith("topic:"):
        name = outcome.split(":", 1)[1].strip().lower()
        if not name:
            raise InputError("The outcome 'topic:' needs a topic name, e.g. topic:deep-learning.")
        raw = graph.topic(name)
        if raw.empty:
            raise InputError(f"The Innovation Graph has no published rows for the topic {name!r}.")
        described = f"100 x log(pushers to repositories with topic {name!r})"
        frame = raw.assign(y=100 * np.log(raw["value"].astype(float)))
    elif outcome in STOCKS:
        raw = graph.metric(outcome)
        wide = raw.pivot_table(index="iso2_code", columns="period", values="value", aggfunc="first")
        wide = wide.reindex(columns=graph.quarters)
        growth = 100 * np.log(wide.astype(float)).diff(axis=1)
        frame = growth.stack().rename("y").reset_index().dropna(subset=["y"])  # suppressed cells drop out
        described = f"quarterly growth of the {outcome} stock, 100 x log difference (percent)"
    elif outcome == "git_pushes":
        raw = graph.metric(outcome)
        frame = raw.assign(y=100 * np.log(raw["value"].astype(float)))
        described = "100 x log(git pushes)"
    else:
        raise InputError(f"Unknown outcome {outcome!r}; use one of {', '.join(outcome_names())}.")
    return frame[["iso2_code", "period", "y"]], described, raw


@dataclass
class InnovationGraphStudy:
    """The estimate (or "cannot tell"), its permutation interval, placebo distribution and cell counts."""

    outcome: str
    outcome_definition: str
    shock: str
    shock_quarter: str
    main: PermutationResult | None
    large_pool: PermutationResult | None
    cn_vs_us: dict[str, Any] | None
    counts: dict[str, Any]
    verdict: str
    series: pd.DataFrame = field(repr=False)  # period, CN, US, others_median (raw, indexed)
    directory: Path = field(default=Path("."))

    def to_dict(self) -> dict[str, Any]:
        main = self.main.to_dict() if self.main else None
        out: dict[str, Any] = {
            "outcome": self.outcome,
            "outcome_definition": self.outcome_definition,
            "shock": self.shock,
            "shock_quarter": self.shock_quarter,
            "treated": TREATED,
            "verdict": self.verdict,
            "estimate": main["did"]["estimate"] if main else None,
            "ci_low": main["did"]["ci_low"] if main else None,
            "ci_high": main["did"]["ci_high"] if main else None,
            "p_value": main["did"]["p"] if main else None,
            "interval": "95% from placebo-in-space permutation (Conley-Taber inversion)",
            "suppressed_cells": self.counts["suppressed_cells"],
            "counts": self.counts,
            "did": main["did"] if main else None,
            "event_study": main["event_study"] if main else [],
            "pretrend_p": main["pretrend_p"] if main else None,
            "placebo": main["placebo"] if main else None,
            "cn_vs_us": self.cn_vs_us,
            "robustness_large_economies": (
                {k: v for k, v in self.large_pool.to_dict().items() if k in ("did", "pretrend_p", "design")}
                if self.large_pool
                else None
            ),
            "design": main["design"] if main else None,
        }
        return out

    def summary(self) -> str:
        lines = [
            f"Innovation Graph: {self.outcome} ({self.outcome_definition}), China vs other economies, "
            f"shock {self.shock} (quarter {self.shock_quarter})",
        ]
        if self.main:
            m = self.main
            lines.append(
                f"DiD estimate {m.estimate:.3f}; 95% permutation interval {m.ci_low:.3f} to {m.ci_high:.3f}; "
                f"p = {m.p_value:.3f} over {len(m.placebo)} placebo economies; pre-trend p = {m.pretrend_p}"
            )
        lines.append(
            f"suppressed cells: {self.counts['suppressed_cells']} (China: {self.counts['china_suppressed']})"
        )
        lines.append(f"verdict: {self.verdict}")
        return "\n".join(lines)

    def plot(self, path: str | Path) -> Path:
        """Series (China, U.S., median of the others, indexed to the quarter before the shock), the
        event study with permutation bands, and the placebo distribution."""
        from valuechain.estimation.plots import _pyplot, event_study_figure, save_figure
        from valuechain.reference.figures import LEGEND_TEXT, mark_events

        plt = _pyplot()
        fig, axes = plt.subplots(1, 3, figsize=(16, 4.5))
        series = self.series
        for column, style in (("CN", "-"), ("US", "--"), ("others_median", ":")):
            if column in series:
                axes[0].plot(series["period"], series[column], style, label=column.replace("_", " "))
        mark_events(axes[0])
        axes[0].set_title(
            f"Innovation Graph: {self.outcome} (index, quarter before shock = 100)\n{LEGEND_TEXT}",
            fontsize=9,
        )
        axes[0].legend(fontsize=8)
        if self.main:
            event_study_figure(
                self.main.event_study,
                f"China vs other economies, shock {self.shock}",
                ax=axes[1],
                label="China",
                band_label="95% permutation band",
            )
            axes[2].hist(
                self.main.placebo["estimate"], bins=30, color="grey", alpha=0.7, label="placebo economies"
            )
            axes[2].axvline(self.main.estimate, color="red", label=f"China {self.main.estimate:.3g}")
            axes[2].set_title(f"Placebo-in-space DiD (p = {self.main.p_value:.3g})", fontsize=10)
            axes[2].legend(fontsize=8)
        else:
            for ax in axes[1:]:
                ax.text(
                    0.5, 0.5, "cannot tell:\n" + self.verdict, ha="center", va="center", wrap=True, fontsize=8
                )
                ax.set_axis_off()
        return save_figure(fig, path)


def _series(raw: pd.DataFrame, base_period: pd.Timestamp) -> pd.DataFrame:
    wide = raw.pivot_table(index="period", columns="iso2_code", values="value", aggfunc="first").astype(float)
    if base_period not in wide.index:
        return pd.DataFrame({"period": wide.index})
    indexed = 100 * wide / wide.loc[base_period]
    out = pd.DataFrame({"period": indexed.index})
    for code in ("CN", "US"):
        if code in indexed:
            out[code] = indexed[code].to_numpy()
    others = indexed.drop(columns=[c for c in ("CN", "US") if c in indexed])
    out["others_median"] = others.median(axis=1, skipna=True).to_numpy()
    return out.reset_index(drop=True)


def innovation_graph_study(
    directory: str | Path | None = None,
    shock: str | date = "2022-10-07",
    outcome: str = "developers",
    *,
    leads: int = 4,
    lags: int = 4,
    graph: InnovationGraph | None = None,
) -> InnovationGraphStudy:
    """Run the study (see the module docstring). ``graph`` reuses an already read Innovation Graph."""
    from valuechain.estimation.design import shock_period

    if leads < 2 or lags < 0:
        raise InputError(f"Use at least 2 leads and 0 lags (got {leads} and {lags}).")
    graph = graph or read_innovation_graph(directory)
    frame, described, raw = outcome_frame(graph, outcome)
    quarters = graph.quarters
    position = shock_period(str(shock), list(np.asarray(quarters, dtype="datetime64[ns]")))
    shock_q = quarters[position]
    label = f"{shock_q.year}Q{(shock_q.month - 1) // 3 + 1}"
    first, last = max(position - leads, 0), min(position + lags, len(quarters) - 1)
    window = quarters[first : last + 1]
    in_window = frame[frame["period"].isin(window)]
    economies = sorted(set(raw["iso2_code"]))
    china_cells = int((in_window["iso2_code"] == TREATED).sum())
    complete = in_window.groupby("iso2_code")["period"].nunique()
    n_complete = int((complete == len(window)).sum())
    counts: dict[str, Any] = {
        "economies_reporting": len(economies),
        "quarters": len(quarters),
        "suppressed_cells": graph.suppressed_cells(raw, economies),
        "china_suppressed": len(quarters) - int((raw["iso2_code"] == TREATED).sum()),
        "china_published": int((raw["iso2_code"] == TREATED).sum()),
        "window": [str(window[0].date()), str(window[-1].date())],
        "window_quarters": len(window),
        "china_cells_in_window": china_cells,
        "economies_complete_in_window": n_complete,
        "eu_rows_dropped": graph.dropped_aggregates,
    }
    if outcome.startswith("topic:") and outcome.split(":", 1)[1].strip().lower() in LLM_TOPICS:
        counts["llm_topic_note"] = (
            "LLM topics start in 2022Q4-2023Q1; for the 2022 shocks use topic:deep-learning or "
            "topic:machine-learning as the proxy"
        )
    base = quarters[position - 1] if position > 0 else quarters[0]
    series = _series(raw, base)
    main = large = None
    cn_vs_us = None
    if china_cells < len(window) or position - first < 2:
        verdict = (
            f"cannot tell: China has {china_cells} of {len(window)} quarters published for {outcome} in the "
            f"window {counts['window'][0]} to {counts['window'][1]} ({counts['china_published']} published "
            f"quarters in all, {counts['china_suppressed']} suppressed)"
        )
    elif n_complete - 1 < MIN_PLACEBOS:
        verdict = (
            f"cannot tell: only {n_complete - 1} other economies have all {len(window)} quarters of {outcome} "
            f"published in the window (at least {MIN_PLACEBOS} are needed before a permutation p can reach 0.05)"
        )
    else:
        panel = in_window.rename(columns={"iso2_code": "economy"})
        main = permutation_did(
            panel, "y", TREATED, str(shock), unit="economy", period="period", leads=leads, lags=lags
        )
        developers = graph.metric("developers")
        before = developers[developers["period"] == base].sort_values("value", ascending=False)
        pool = [c for c in before["iso2_code"] if c != TREATED][:LARGE_POOL]
        try:
            large = permutation_did(
                panel,
                "y",
                TREATED,
                str(shock),
                unit="economy",
                period="period",
                leads=leads,
                lags=lags,
                donors=pool,
            )
        except InputError:
            large = None
        cn_vs_us = _cn_vs_us(main, panel, leads, lags, shock)
        verdict = _verdict(main, cn_vs_us, outcome)
    return InnovationGraphStudy(
        outcome=outcome,
        outcome_definition=described,
        shock=str(shock),
        shock_quarter=label,
        main=main,
        large_pool=large,
        cn_vs_us=cn_vs_us,
        counts=counts,
        verdict=verdict,
        series=series,
        directory=graph.directory,
    )


def _cn_vs_us(
    main: PermutationResult, panel: pd.DataFrame, leads: int, lags: int, shock: Any
) -> dict[str, Any] | None:
    """China minus the U.S. (two-unit DiD, descriptive: no inference with one unit on each side),
    and where the U.S. itself ranks among the placebo economies."""
    us = main.placebo[main.placebo["unit"] == "US"]
    if us.empty:
        return None
    two = panel[panel["economy"].isin([TREATED, "US"])]
    wide = two.pivot_table(index="economy", columns="period", values="y", aggfunc="first")
    quarters = list(wide.columns)
    from valuechain.estimation.design import shock_period

    s = shock_period(str(shock), list(np.asarray(quarters, dtype="datetime64[ns]")))
    delta = wide.iloc[:, s:].mean(axis=1) - wide.iloc[:, :s].mean(axis=1)
    us_est = float(us["estimate"].iloc[0])
    rank = int((main.placebo["estimate"] >= us_est).sum())
    return {
        "estimate": float(delta[TREATED] - delta["US"]),
        "inference": "none (one unit on each side); descriptive",
        "us_vs_others": us_est,
        "us_rank_among_placebos": rank,
        "n_placebos": len(main.placebo),
    }


def _verdict(main: PermutationResult, cn_vs_us: dict[str, Any] | None, outcome: str) -> str:
    direction = "rose" if main.estimate > 0 else "fell"
    versus = "" if cn_vs_us is None else f"; China minus U.S. {cn_vs_us['estimate']:+.3g}"
    # A difference is claimed only when both the interval excludes 0 and the two-sided p is at most 0.05
    # (the Conley-Taber interval uses signed placebo quantiles, the p-value absolute ones; with a skewed
    # placebo distribution they can disagree, and then we do not claim a difference).
    if (main.ci_low > 0 or main.ci_high < 0) and main.p_value <= 0.05:
        head = f"China's {outcome} {direction} relative to the other economies after the shock"
    else:
        head = (
            "no difference between China and the other economies that the placebo distribution can tell apart"
        )
    pre = "" if main.pretrend_p is None else f" (pre-trend permutation p = {main.pretrend_p:.2f})"
    if main.pretrend_p is not None and main.pretrend_p <= 0.10:
        head = (
            f"not credible, China's pre-shock path already differed from the others' ({head.split(':')[0]})"
        )
    return (
        f"{head}: DiD {main.estimate:+.3g}, 95% permutation interval {main.ci_low:+.3g} to {main.ci_high:+.3g}, "
        f"p = {main.p_value:.2f}{pre}{versus}. Aggregate GitHub activity, not LLM-repository engagement."
    )
