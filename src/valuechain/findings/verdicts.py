"""Verdict rules: pure functions from a study's numbers to a verdict and the sentence that says why.

Each rule reads its thresholds from the claim's ``rule`` in ``data/claims.yaml`` (fixed before the ledger
was first run) and the study's result as plain numbers, so a test can feed a result that contradicts a
claim and see the verdict change. The five verdicts:

- ``supported`` — the test could have said no and said yes;
- ``not supported`` — the test could have said yes and said no;
- ``mixed`` — parts of a compound claim pass and parts fail;
- ``cannot tell with this data`` — the data are too thin or the search was not run;
- ``described only`` — no test here could come out against the claim.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

Verdict = Literal["supported", "not supported", "mixed", "cannot tell with this data", "described only"]
VERDICTS: tuple[Verdict, ...] = (
    "supported",
    "not supported",
    "mixed",
    "cannot tell with this data",
    "described only",
)


@dataclass(frozen=True)
class Judgement:
    """A verdict, the one-sentence reason, and the headline number it rests on."""

    verdict: Verdict
    why: str
    result: str


def a1_before_controls(countries: Mapping[str, Mapping[str, Any]], rule: Mapping[str, Any]) -> Judgement:
    """A1: both countries' pre-shock policy texts carry open-source support.

    ``countries[code]`` has ``documents`` (pre-shock documents), ``with_theme`` (those carrying the theme)
    and ``summaries_only`` (the corpus holds summaries, not full texts).
    A country passes if ``with_theme >= min_documents``; it fails if its corpus has at least
    ``min_corpus`` full texts and fewer hits; otherwise it cannot tell.
    """
    states: dict[str, str] = {}
    for code, c in countries.items():
        if c["with_theme"] >= rule["min_documents"]:
            states[code] = "passes"
        elif c.get("summaries_only") or c["documents"] < rule["min_corpus"]:
            states[code] = "cannot tell"
        else:
            states[code] = "fails"
    result = "; ".join(
        f"{code}: {c['with_theme']} of {c['documents']} documents" for code, c in countries.items()
    )
    parts = ", ".join(f"{code} {state}" for code, state in states.items())
    if all(s == "passes" for s in states.values()):
        return Judgement("supported", f"Both countries' pre-shock texts carry the theme ({parts}).", result)
    if any(s == "fails" for s in states.values()):
        failing = [code for code, s in states.items() if s == "fails"]
        verdict: Verdict = "mixed" if any(s == "passes" for s in states.values()) else "not supported"
        return Judgement(
            verdict,
            f"Too few pre-shock full texts carry the theme for {', '.join(failing)} ({parts}).",
            result,
        )
    unclear = [code for code, s in states.items() if s == "cannot tell"]
    return Judgement(
        "cannot tell with this data",
        f"The pre-shock texts of {', '.join(unclear)} are summaries or too few to show the theme ({parts}).",
        result,
    )


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p-values: ``q_(i) = min_{j >= i} p_(j) m / j`` (NaN kept as NaN)."""
    from math import isnan

    indexed = [(p, i) for i, p in enumerate(p_values) if not isnan(p)]
    m = len(indexed)
    adjusted = [float("nan")] * len(p_values)
    running = 1.0
    for rank, (p, i) in reversed(list(enumerate(sorted(indexed), start=1))):
        running = min(running, p * m / rank)
        adjusted[i] = running
    return adjusted


def a2_strategy(tests: Sequence[Mapping[str, Any]], rule: Mapping[str, Any]) -> Judgement:
    """A2: the open-source theme and ≥ ``min_strategy_themes`` strategy themes rise after one shock.

    Each test row: ``theme``, ``shock``, ``change`` (share after − before), ``q`` (BH-adjusted p),
    ``thin``, ``placebo_max_change`` (largest rise at the placebo dates), ``pretrend_change`` (the rise
    the half-yearly pre-shock trend predicts over the same span) and ``comparison_change`` (the same
    theme's change in the comparison texts). A row passes if it is not thin, rises, ``q < alpha``, and
    the rise exceeds the placebo rises, the pre-trend prediction and the comparison's change.
    """
    passing = [t for t in tests if _a2_passes(t, rule["alpha"])]
    if tests and all(t["thin"] for t in tests):
        return Judgement(
            "cannot tell with this data", "Every theme x shock series is thin.", "all series thin"
        )
    strategy = {"ecosystem", "standards", "resilience"}
    by_shock: dict[str, set[str]] = {}
    for t in passing:
        by_shock.setdefault(str(t["shock"]), set()).add(str(t["theme"]))
    best_shock, best = max(by_shock.items(), key=lambda kv: len(kv[1]), default=("", set()))
    result = f"{len(passing)} of {len(tests)} theme x shock tests pass" + (
        f"; at {best_shock}: {', '.join(sorted(best))}" if best else ""
    )
    if "open_source" in best and len(best & strategy) >= rule["min_strategy_themes"]:
        return Judgement(
            "supported",
            f"At {best_shock} the open-source theme and {len(best & strategy)} strategy themes rise beyond the "
            "placebo dates and the pre-trend, after the multiple-testing correction.",
            result,
        )
    if passing:
        return Judgement(
            "mixed",
            "Some themes rise significantly after a shock, but not the open-source theme together with "
            f"{rule['min_strategy_themes']} strategy themes at one shock.",
            result,
        )
    open_source = [t for t in tests if t["theme"] == "open_source"]
    thin_note = (
        " The open-source theme itself is thin at every shock, so its part of the claim rests on few documents."
        if open_source and all(t["thin"] for t in open_source)
        else ""
    )
    return Judgement(
        "not supported",
        "No theme's share rises after any shock beyond the placebo dates and the pre-trend once corrected "
        "for multiple testing." + thin_note,
        result,
    )


def _a2_passes(t: Mapping[str, Any], alpha: float) -> bool:
    change = t["change"]
    if t["thin"] or change != change or change <= 0 or not (t["q"] < alpha):
        return False
    return all(
        bound is None or bound != bound or change > bound
        for bound in (t.get("placebo_max_change"), t.get("pretrend_change"), t.get("comparison_change"))
    )


def a3_engagement(outcomes: Mapping[str, Mapping[str, Any]], rule: Mapping[str, Any]) -> Judgement:
    """A3: China's post-shock change relative to other economies, with placebo-in-space inference.

    ``outcomes[name]`` has ``estimate``, ``ci_low``, ``ci_high`` (the 95% permutation interval), ``p``,
    ``pretrend_p`` and ``cannot_tell`` (the study found the data too thin) with an optional ``reason``.
    An outcome whose ``pretrend_p`` is at most ``rule["pretrend_p"]`` cannot tell either.
    """
    judged: dict[str, str] = {}
    for name, o in outcomes.items():
        pre = o.get("pretrend_p")
        if o.get("cannot_tell"):
            judged[name] = "thin"
        elif pre is not None and pre == pre and pre <= rule["pretrend_p"]:
            judged[name] = "pre-trend"
        elif o["ci_low"] > 0:
            judged[name] = "above"
        elif o["ci_high"] < 0:
            judged[name] = "below"
        else:
            judged[name] = "includes 0"
    result = "; ".join(
        f"{k}: {o['estimate']:+.3g} [{o['ci_low']:+.3g}, {o['ci_high']:+.3g}], pre-trend p = "
        f"{o.get('pretrend_p') if o.get('pretrend_p') is None else round(o['pretrend_p'], 2)}"
        if judged[k] not in ("thin",)
        else f"{k}: {o.get('reason', 'too thin')}"
        for k, o in outcomes.items()
    )
    usable = {k: j for k, j in judged.items() if j not in ("thin", "pre-trend")}
    if not usable:
        reasons = ", ".join(f"{k} ({j})" for k, j in judged.items())
        return Judgement(
            "cannot tell with this data",
            f"No outcome gives a credible comparison: {reasons}.",
            result,
        )
    above = [k for k, j in usable.items() if j == "above"]
    below = [k for k, j in usable.items() if j == "below"]
    if above and below:
        return Judgement("mixed", f"Above 0 for {', '.join(above)}, below 0 for {', '.join(below)}.", result)
    if above:
        return Judgement(
            "supported",
            f"China's post-shock change exceeds the other economies' beyond the permutation interval for "
            f"{', '.join(above)}; aggregate GitHub activity, not LLM repositories.",
            result,
        )
    if below:
        return Judgement(
            "not supported",
            f"China's post-shock change is below the other economies' permutation interval for {', '.join(below)} "
            "and above it for none; aggregate GitHub activity, not LLM repositories.",
            result,
        )
    return Judgement(
        "not supported",
        "China's post-shock change does not stand out from the other economies' placebo distribution for "
        f"{', '.join(usable)}; aggregate GitHub activity, not LLM repositories.",
        result,
    )


def a4_releases(its: Mapping[str, Any], rule: Mapping[str, Any]) -> Judgement:
    """A4: interrupted time series of the monthly China − U.S. open-weight release difference.

    ``its`` has ``level_change``, ``ci_low``, ``ci_high``, ``months_before``, ``months_after``.
    """
    if min(its["months_before"], its["months_after"]) < rule["min_months"]:
        return Judgement(
            "cannot tell with this data",
            f"Only {its['months_before']} months before and {its['months_after']} after the shock.",
            f"{its['months_before']} / {its['months_after']} months",
        )
    result = f"level change {its['level_change']:+.2f} releases a month [{its['ci_low']:+.2f}, {its['ci_high']:+.2f}]"
    if its["ci_low"] > 0:
        return Judgement(
            "supported",
            "Chinese open-weight releases rose relative to U.S. ones after the shock (95% interval above 0).",
            result,
        )
    return Judgement(
        "not supported",
        "The level change of Chinese relative to U.S. open-weight releases is not positive with a 95% interval "
        "above 0.",
        result,
    )


def a5_science(per_year: Mapping[int, Mapping[str, int]], rule: Mapping[str, Any]) -> Judgement:
    """A5: papers using Chinese-origin families grow year on year and reach ``min_share`` of their year.

    ``per_year[year]`` has ``papers`` (all sample papers that year) and ``chinese`` (those using a
    Chinese-origin family).
    """
    years = sorted(y for y, v in per_year.items() if v["papers"] > 0)
    with_cn = [y for y in years if per_year[y]["chinese"] > 0]
    result = "; ".join(f"{y}: {per_year[y]['chinese']} of {per_year[y]['papers']}" for y in years)
    if len(with_cn) < 2:
        return Judgement(
            "cannot tell with this data",
            "The sample has Chinese-origin papers in fewer than two years, and CSET chose which versions to annotate.",
            result or "no papers",
        )
    counts = [per_year[y]["chinese"] for y in years[years.index(with_cn[0]) :]]
    grows = all(b >= a for a, b in zip(counts, counts[1:], strict=False)) and counts[-1] > counts[0]
    last = years[-1]
    share = per_year[last]["chinese"] / per_year[last]["papers"]
    if grows and share >= rule["min_share"]:
        return Judgement(
            "supported",
            f"Within CSET's hand-checked sample, papers using Chinese-origin families grow every year since "
            f"their first and are {share:.0%} of {last}'s papers; the sample is CSET's choice of model versions, "
            "not the field.",
            result,
        )
    if grows or share >= rule["min_share"]:
        return Judgement(
            "mixed",
            f"Growth {'holds' if grows else 'does not hold'} year on year; {last}'s share is {share:.0%}.",
            result,
        )
    return Judgement("not supported", f"No growth and {share:.0%} of {last}'s papers.", result)


def a6_patents(search: Mapping[str, Any] | None, rule: Mapping[str, Any]) -> Judgement:
    """A6: Chinese-origin families' share of patent documents mentioning any family, with coverage.

    ``search`` is None when no PatentsView search is recorded; otherwise it has ``documents`` (patent
    documents mentioning any family), ``chinese`` (those mentioning a Chinese-origin family),
    ``paper_share`` (Chinese-origin share of papers, or None) and ``coverage`` (a sentence).
    """
    if not search:
        return Judgement(
            "cannot tell with this data",
            "No PatentsView search is recorded in the store, so a zero would be a missing search, not a measurement.",
            "no recorded search",
        )
    docs, cn = int(search["documents"]), int(search["chinese"])
    share = cn / docs if docs else 0.0
    paper_share = search.get("paper_share")
    result = f"{cn} of {docs} patent documents ({share:.1%}); {search['coverage']}"
    if docs == 0:
        return Judgement(
            "cannot tell with this data",
            "The recorded search found no patent mentioning any family, so shares are undefined.",
            result,
        )
    if share < rule["max_share"] and (paper_share is None or paper_share >= rule["paper_ratio"] * share):
        return Judgement(
            "supported",
            f"Chinese-origin families are {share:.1%} of family-mentioning patent documents in the recorded search.",
            result,
        )
    return Judgement(
        "not supported",
        f"Chinese-origin families are {share:.1%} of family-mentioning patent documents, not largely absent.",
        result,
    )


def a7_us_companies(lower: int, upper: int, rule: Mapping[str, Any]) -> Judgement:
    """A7: at least ``min_papers`` hand-checked uses with a U.S. company author.

    ``lower`` and ``upper`` bound the papers with a U.S. company author (the sample's lists are not
    aligned): supported if the lower bound reaches ``min_papers``, not supported if even the upper bound
    does not, cannot tell in between.
    """
    result = f"{lower} to {upper} papers with a U.S. company author use a Chinese-origin family"
    if lower >= rule["min_papers"]:
        return Judgement(
            "supported",
            "U.S. company authors use Chinese-origin families in the hand-checked sample.",
            result,
        )
    if upper < rule["min_papers"]:
        return Judgement(
            "not supported",
            f"Fewer than {rule['min_papers']} hand-checked uses have a U.S. company author, even at the upper bound.",
            result,
        )
    return Judgement(
        "cannot tell with this data",
        "The bounds straddle the criterion: the sample does not say which author is at which organisation.",
        result,
    )


def b1_gradient(level_counts: Mapping[str, int], rule: Mapping[str, Any]) -> Judgement:
    """B1: releases spread over ≥ ``min_levels`` levels (each ≥ ``min_level_share``), top two < ``max_top_two``."""
    total = sum(level_counts.values())
    if total == 0:
        return Judgement("cannot tell with this data", "No releases were audited.", "0 releases")
    shares = sorted((n / total for n in level_counts.values()), reverse=True)
    occupied = sum(1 for s in shares if s >= rule["min_level_share"])
    top_two = sum(shares[:2])
    result = f"{occupied} levels hold at least {rule['min_level_share']:.0%} of {total} releases; top two {top_two:.0%}"
    if occupied >= rule["min_levels"] and top_two < rule["max_top_two"]:
        return Judgement(
            "supported", "Releases spread across the gradient rather than sitting at two poles.", result
        )
    return Judgement("not supported", "Releases concentrate at a few levels, closer to a binary.", result)


def b2_governance(types_present: int, rho: float, p: float, rule: Mapping[str, Any]) -> Judgement:
    """B2: five types occur and openness level predicts downstream assets per release (Spearman)."""
    result = f"{types_present} of 5 types; Spearman rho = {rho:+.2f} (p = {p:.3g})"
    if types_present < 5:
        return Judgement(
            "not supported", f"Only {types_present} of the five governance models occur.", result
        )
    if rho > 0 and p < rule["alpha"]:
        return Judgement(
            "supported",
            "All five models occur and more open models have more downstream assets per release.",
            result,
        )
    return Judgement(
        "mixed",
        "All five models occur, but openness level does not predict downstream assets per release.",
        result,
    )


def b3_levers(with_lever: int, open_weight: int, rule: Mapping[str, Any]) -> Judgement:
    """B3 (licence channel): ≥ ``min_share`` of lead firms' open-weight releases carry a control lever."""
    if open_weight == 0:
        return Judgement("cannot tell with this data", "No open-weight releases were audited.", "0 releases")
    share = with_lever / open_weight
    result = f"{with_lever} of {open_weight} open-weight releases ({share:.0%}) carry a licence control lever"
    if share >= rule["min_share"]:
        return Judgement(
            "supported",
            "Most open-weight releases keep control through licence terms; the other channels are described only.",
            result,
        )
    return Judgement(
        "not supported",
        "Most open-weight releases carry no licence control lever; the other channels are described only.",
        result,
    )


def market_claim(holds: bool, violations: int | None) -> Judgement:
    """C1–C7: the claim's condition over the grids and random scan of our reconstruction."""
    counted = "" if violations is None else f" ({violations} violations)"
    if holds:
        return Judgement(
            "supported",
            "Computed on parameter grids, a cost line and a seeded random scan of our reconstruction of the "
            "model; no market data test it.",
            "holds" + counted,
        )
    return Judgement(
        "not supported", "Fails in our reconstruction of the model" + counted + ".", "fails" + counted
    )
