"""The ledger's verdicts are computed: feeding a result that contradicts a claim changes the verdict."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from valuechain.findings import verdicts as v
from valuechain.findings.ledger import load_claims


def rule(claim_id: str) -> dict:
    return load_claims().claims[claim_id].rule


def test_a1_needs_both_countries_and_says_cannot_tell_for_summaries():
    ok = {"documents": 100, "with_theme": 5, "summaries_only": False}
    none = {"documents": 100, "with_theme": 0, "summaries_only": False}
    summaries = {"documents": 50, "with_theme": 0, "summaries_only": True}
    assert v.a1_before_controls({"CN": ok, "US": ok}, rule("A1")).verdict == "supported"
    assert v.a1_before_controls({"CN": none, "US": none}, rule("A1")).verdict == "not supported"
    assert v.a1_before_controls({"CN": ok, "US": none}, rule("A1")).verdict == "mixed"
    assert (
        v.a1_before_controls({"CN": ok, "US": summaries}, rule("A1")).verdict == "cannot tell with this data"
    )


def _test(theme, shock="2022-10-07", change=0.2, q=0.001, thin=False, placebo=0.0, trend=0.0, comparison=0.0):
    return {
        "theme": theme,
        "shock": shock,
        "change": change,
        "q": q,
        "thin": thin,
        "placebo_max_change": placebo,
        "pretrend_change": trend,
        "comparison_change": comparison,
    }


def test_a2_flips_with_the_evidence():
    rising = [_test(t) for t in ("open_source", "ecosystem", "standards", "resilience")]
    assert v.a2_strategy(rising, rule("A2")).verdict == "supported"
    falling = [_test(t, change=-0.2) for t in ("open_source", "ecosystem", "standards", "resilience")]
    assert v.a2_strategy(falling, rule("A2")).verdict == "not supported"
    # a rise no larger than at the placebo dates, than the pre-trend predicts, or than the comparison's
    assert (
        v.a2_strategy(
            [_test(t, comparison=0.3) for t in ("open_source", "ecosystem", "standards")], rule("A2")
        ).verdict
        == "not supported"
    )
    assert (
        v.a2_strategy(
            [_test(t, placebo=0.3) for t in ("open_source", "ecosystem", "standards")], rule("A2")
        ).verdict
        == "not supported"
    )
    assert (
        v.a2_strategy(
            [_test(t, trend=0.25) for t in ("open_source", "ecosystem", "standards")], rule("A2")
        ).verdict
        == "not supported"
    )
    assert (
        v.a2_strategy([_test("ecosystem"), _test("open_source", change=-0.1)], rule("A2")).verdict == "mixed"
    )
    assert v.a2_strategy([_test("ecosystem", thin=True)], rule("A2")).verdict == "cannot tell with this data"


def test_a3_permutation_verdicts():
    def outcome(est, low, high, pre=0.5):
        return {"estimate": est, "ci_low": low, "ci_high": high, "p": 0.01, "pretrend_p": pre}

    assert v.a3_engagement({"developers": outcome(0.3, 0.1, 0.5)}, rule("A3")).verdict == "supported"
    assert v.a3_engagement({"developers": outcome(0.3, -0.1, 0.5)}, rule("A3")).verdict == "not supported"
    assert v.a3_engagement({"developers": outcome(-0.3, -0.5, -0.1)}, rule("A3")).verdict == "not supported"
    both = {"developers": outcome(0.3, 0.1, 0.5), "git_pushes": outcome(-0.3, -0.5, -0.1)}
    assert v.a3_engagement(both, rule("A3")).verdict == "mixed"
    # a pre-trend that already differs, or too few cells, cannot tell
    assert v.a3_engagement({"developers": outcome(0.3, 0.1, 0.5, pre=0.02)}, rule("A3")).verdict == (
        "cannot tell with this data"
    )
    thin = {
        "developers": {"estimate": math.nan, "ci_low": math.nan, "ci_high": math.nan, "cannot_tell": True}
    }
    assert v.a3_engagement(thin, rule("A3")).verdict == "cannot tell with this data"


def test_a4_interval_decides():
    base = {"months_before": 30, "months_after": 30}
    assert (
        v.a4_releases({**base, "level_change": 2.0, "ci_low": 0.5, "ci_high": 3.5}, rule("A4")).verdict
        == "supported"
    )
    assert (
        v.a4_releases({**base, "level_change": 2.0, "ci_low": -0.5, "ci_high": 3.5}, rule("A4")).verdict
        == "not supported"
    )
    short = {"months_before": 2, "months_after": 30, "level_change": 2.0, "ci_low": 0.5, "ci_high": 3.5}
    assert v.a4_releases(short, rule("A4")).verdict == "cannot tell with this data"


def test_a5_a6_a7():
    growing = {
        2022: {"papers": 50, "chinese": 2},
        2023: {"papers": 60, "chinese": 8},
        2024: {"papers": 40, "chinese": 12},
    }
    shrinking = {
        2022: {"papers": 50, "chinese": 9},
        2023: {"papers": 60, "chinese": 2},
        2024: {"papers": 40, "chinese": 1},
    }
    assert v.a5_science(growing, rule("A5")).verdict == "supported"
    assert v.a5_science(shrinking, rule("A5")).verdict == "not supported"
    assert (
        v.a5_science({2024: {"papers": 40, "chinese": 12}}, rule("A5")).verdict
        == "cannot tell with this data"
    )
    assert v.a6_patents(None, rule("A6")).verdict == "cannot tell with this data"
    search = {
        "documents": 200,
        "chinese": 2,
        "paper_share": 0.3,
        "coverage": "title, abstract, claims 2020-2025",
    }
    assert v.a6_patents(search, rule("A6")).verdict == "supported"
    assert v.a6_patents({**search, "chinese": 80}, rule("A6")).verdict == "not supported"
    assert v.a7_us_companies(12, 15, rule("A7")).verdict == "supported"
    assert v.a7_us_companies(1, 3, rule("A7")).verdict == "not supported"
    assert v.a7_us_companies(2, 9, rule("A7")).verdict == "cannot tell with this data"


def test_b_rules():
    spread = {"1": 10, "2": 10, "3": 10, "4": 10, "5": 10, "6": 10}
    binary = {"1": 40, "6": 39, "3": 1}
    assert v.b1_gradient(spread, rule("B1")).verdict == "supported"
    assert v.b1_gradient(binary, rule("B1")).verdict == "not supported"
    assert v.b2_governance(5, 0.4, 0.001, rule("B2")).verdict == "supported"
    assert v.b2_governance(5, -0.4, 0.001, rule("B2")).verdict == "mixed"
    assert v.b2_governance(3, 0.4, 0.001, rule("B2")).verdict == "not supported"
    assert v.b3_levers(40, 50, rule("B3")).verdict == "supported"
    assert v.b3_levers(10, 50, rule("B3")).verdict == "not supported"


def test_market_claim_follows_the_computation():
    assert v.market_claim(True, 0).verdict == "supported"
    assert v.market_claim(False, 12).verdict == "not supported"


@given(st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=30))
def test_benjamini_hochberg_is_monotone_and_bounded(ps):
    qs = v.benjamini_hochberg(ps)
    assert all(p <= q + 1e-12 and q <= 1.0 + 1e-12 for p, q in zip(ps, qs, strict=True))
    order = sorted(range(len(ps)), key=lambda i: ps[i])
    assert all(qs[a] <= qs[b] + 1e-12 for a, b in zip(order, order[1:], strict=False))


def test_benjamini_hochberg_reference_values():
    # R: p.adjust(c(0.01, 0.04, 0.03, 0.005), method = "BH") -> 0.02 0.04 0.04 0.02
    assert [round(q, 6) for q in v.benjamini_hochberg([0.01, 0.04, 0.03, 0.005])] == [0.02, 0.04, 0.04, 0.02]
