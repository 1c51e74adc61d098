"""Panel invariants (hypothesis): counts add up to the events, every cell is present, groups follow the rules."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from valuechain.engagement.panel import OUTCOME_TYPES, build_panel, period_start
from valuechain.errors import InputError

TYPES = [*OUTCOME_TYPES.values(), "IssueCommentEvent", "CreateEvent"]

events_strategy = st.lists(
    st.tuples(
        st.sampled_from(TYPES),
        st.integers(min_value=0, max_value=60 * 24 * 40 - 1),  # minutes after the start: 40 days
        st.integers(min_value=1, max_value=6),  # actor
        st.integers(min_value=1, max_value=4),  # repository
    ),
    min_size=1,
    max_size=120,
)


def _events(rows) -> pd.DataFrame:
    start = datetime(2022, 9, 28, 0, 0)
    frame = pd.DataFrame(rows, columns=["type", "minute", "actor_id", "repo_id"])
    frame["created_at"] = [start + timedelta(minutes=int(m)) for m in frame["minute"]]
    frame["event_id"] = range(len(frame))
    frame["actor_login"] = "a" + frame["actor_id"].astype(str)
    frame["repo_name"] = "o/r" + frame["repo_id"].astype(str)
    return frame.drop(columns="minute")


def _table(frame: pd.DataFrame):
    import ibis

    data = frame.copy()
    data["created_at"] = data["created_at"].astype("datetime64[us]")
    return ibis.memtable(data)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=events_strategy, period=st.sampled_from(["day", "week", "month"]), cutoff=st.integers(0, 24))
def test_utc_hour_panel_adds_up_and_is_complete(rows, period, cutoff):
    frame = _events(rows)
    panel = build_panel(_table(frame), period=period, cutoff_hour=cutoff).tidy()
    for outcome, kind in OUTCOME_TYPES.items():
        assert int(panel[outcome].sum()) == int((frame["type"] == kind).sum())
        cn = frame[(frame["type"] == kind) & (frame["created_at"].dt.hour < cutoff)]
        assert int(panel.loc[panel["group"] == "CN", outcome].sum()) == len(cn)
    starts = {period_start(t, period) for t in frame["created_at"]}
    n_periods = len(
        pd.date_range(min(starts), max(starts), freq={"day": "D", "week": "W-MON", "month": "MS"}[period])
    )
    assert len(panel) == frame["repo_id"].nunique() * 2 * n_periods
    assert not panel.duplicated(["repo_id", "group", "period"]).any()
    cells = frame.assign(
        period=[period_start(t, period) for t in frame["created_at"]],
        group=["CN" if t.hour < cutoff else "US" for t in frame["created_at"]],
    )
    actors = cells.groupby(["repo_id", "group", "period"])["actor_id"].nunique()
    merged = panel.set_index(["repo_id", "group", "period"])["actors"]
    assert (merged.reindex(actors.index) == actors).all()
    assert int(merged.sum()) == int(actors.sum())


@settings(max_examples=10, deadline=None)
@given(
    rows=events_strategy, mapping=st.dictionaries(st.integers(1, 6), st.sampled_from(["CN", "US", "other"]))
)
def test_actor_groups_panel_puts_unmapped_actors_in_unknown(rows, mapping):
    frame = _events(rows)
    groups = pd.DataFrame({"actor_id": list(mapping), "group": list(mapping.values())})
    panel = build_panel(_table(frame), method="location", actor_groups=groups).tidy()
    assert set(panel["group"]) == {"CN", "US", "other", "unknown"}
    expected_unknown = frame[~frame["actor_id"].isin(list(mapping)) & (frame["type"] == "ForkEvent")]
    assert int(panel.loc[panel["group"] == "unknown", "forks"].sum()) == len(expected_unknown)


def test_week_starts_on_monday_and_names_are_the_latest():
    frame = _events([("ForkEvent", 0, 1, 1), ("ForkEvent", 60 * 24 * 6, 2, 1)])  # Wed 28 Sep, Tue 4 Oct
    frame.loc[1, "repo_name"] = "o/renamed"
    panel = build_panel(_table(frame)).tidy()
    assert list(panel["period"].drop_duplicates()) == [pd.Timestamp("2022-09-26"), pd.Timestamp("2022-10-03")]
    assert set(panel["repo_name"]) == {"o/renamed"}


def test_unknown_period_and_outcome_are_one_sentence():
    from valuechain.engagement.panel import check_outcome

    with pytest.raises(InputError, match="'fortnight'"):
        build_panel(_table(_events([("ForkEvent", 0, 1, 1)])), period="fortnight")
    with pytest.raises(InputError, match="'likes'"):
        check_outcome("likes")
