"""Invariants (hypothesis): trimmed windows never hold another shock; the DiD ignores unit and period
constants and moves one-for-one with an effect added to the treated unit after the shock."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from valuechain.estimation import permutation_did
from valuechain.estimation.design import windows


@given(
    shocks=st.lists(st.integers(0, 199), min_size=1, max_size=8, unique=True),
    window=st.integers(1, 30),
    overlap=st.sampled_from(["cut", "drop"]),
)
def test_kept_windows_hold_one_shock_and_periods_minus_one_and_zero(shocks, window, overlap):
    kept, dropped = windows(shocks, window, 200, overlap)
    assert len(kept) + len(dropped) == len(shocks)
    for s, first, last in kept:
        assert first <= s - 1 and last >= s and last - s <= window and s - first <= window
        if overlap == "cut":
            assert [p for p in shocks if first <= p <= last] == [s]
    if overlap == "drop":
        for (_, _, last), (_, first, _) in zip(kept, kept[1:], strict=False):
            assert first > last


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    effect=st.floats(-50, 50, allow_nan=False),
    unit_shift=st.floats(-100, 100, allow_nan=False),
    period_shift=st.floats(-100, 100, allow_nan=False),
)
def test_permutation_did_is_fixed_effect_invariant_and_linear_in_the_effect(
    seed, effect, unit_shift, period_shift
):
    rng = np.random.default_rng(seed)
    periods = pd.date_range("2022-01-01", periods=8, freq="QS")
    units = ["CN", *[f"U{i}" for i in range(25)]]
    panel = pd.DataFrame(
        [(u, p, rng.normal()) for u in units for p in periods], columns=["unit", "period", "y"]
    )
    base = permutation_did(panel, "y", "CN", "2023-01-01", unit="unit", period="period")
    shifted = panel.copy()
    post_cn = (shifted["unit"] == "CN") & (shifted["period"] >= "2023-01-01")
    shifted["y"] += effect * post_cn
    shifted["y"] += unit_shift * (shifted["unit"] == "U3")
    shifted["y"] += period_shift * (shifted["period"] == periods[2])
    moved = permutation_did(shifted, "y", "CN", "2023-01-01", unit="unit", period="period")
    assert np.isclose(moved.estimate, base.estimate + effect, atol=1e-8)
    assert np.isclose(moved.ci_low, base.ci_low + effect, atol=1e-8)
