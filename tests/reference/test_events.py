"""The shared shocks and confounders: one home, each sourced by an event of the policy timeline."""

from __future__ import annotations

from datetime import date

from valuechain.policy.timeline import load_events
from valuechain.reference.events import CONFOUNDERS, EVENTS, SHOCKS, confounder_dates, shock_dates


def test_spec_dates_in_order():
    assert list(SHOCKS) == [
        "2022-08-09",
        "2022-10-07",
        "2023-10-17",
        "2024-04-04",
        "2024-12-02",
        "2025-01-13",
    ]
    assert list(CONFOUNDERS) == ["2022-11-30", "2023-02-24", "2023-07-18", "2025-01-20"]
    assert shock_dates()[0] == date(2022, 8, 9)
    assert confounder_dates()[date(2025, 1, 20)] == "DeepSeek-R1"


def test_every_event_is_sourced_by_a_timeline_event_of_the_same_date():
    timeline = {e.event_id: e for e in load_events()}
    for event in EVENTS:
        row = timeline[event.timeline_id]
        # the issue date, or (2024-04-04) the date the corrections were published and in force
        assert event.day.isoformat() in {str(row.date), str(row.publication_date)}, event
        assert row.category == ("us_shock" if event.kind == "shock" else "confounder")
