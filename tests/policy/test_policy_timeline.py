"""The curated timeline: completeness, required shocks/confounders, and the corpus-verified rows."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from valuechain.errors import InputError
from valuechain.policy.timeline import (
    CATEGORIES,
    DROPPED_DRAFT_EVENTS,
    draft_events_path,
    events_path,
    load_events,
    timeline,
    timeline_sources,
)
from valuechain.reference.events import CONFOUNDERS, SHOCKS


def test_at_least_forty_complete_events():
    events = load_events()
    assert len(events) >= 40
    assert len({e.event_id for e in events}) == len(events)
    for e in events:
        assert e.country in {"CN", "US"}
        assert e.category in CATEGORIES
        assert e.issuing_body and e.title_original and e.title_en and e.confidence and e.verification
        assert e.source_url.startswith("https://") or e.source_url.startswith("http://"), e.event_id
        assert "thedailyscout" not in e.source_url + e.source_note, e.event_id
        assert e.verification.split(":")[0].split(" (")[0] in {"corpus", "draft", "secondary", "web"}, (
            e.event_id
        )
        if e.publication_date:  # publication never precedes the date of issue / release
            assert e.publication_date > e.date, e.event_id


def test_shocks_and_confounders_are_in_the_timeline():
    by_date = {}
    for e in load_events():  # a shock is an event's date of release or, for 2024-04-04, of publication
        by_date.setdefault(e.date.isoformat(), []).append(e)
        if e.publication_date and e.category == "us_shock":
            by_date.setdefault(e.publication_date.isoformat(), []).append(e)
    for day in SHOCKS:
        assert any(e.category == "us_shock" for e in by_date[day]), day
    for day, name in CONFOUNDERS.items():
        assert any(e.category == "confounder" and name.split("-")[0] in e.title_en for e in by_date[day]), day


def test_draft_events_are_carried_over_or_dropped_with_a_reason(shared_data):
    assert draft_events_path() == shared_data / "policy" / "policy-events-draft.csv"
    assert str(draft_events_path()) in {s["location"] for s in timeline_sources()}
    with draft_events_path().open(encoding="utf-8") as fh:
        draft = list(csv.DictReader(fh))
    events = load_events()
    dates = {(e.date.isoformat(), e.country) for e in events}
    dates |= {(e.publication_date.isoformat(), e.country) for e in events if e.publication_date}
    for row in draft:
        key = (row["date"], row["country"])
        assert (key in dates) != (key in DROPPED_DRAFT_EVENTS), row["event"]


def test_corpus_verified_events_match_the_corpus(shared_data):
    with (shared_data / "policy" / "cn-ai-policy-platform" / "all_policies_unified.csv").open(
        encoding="utf-8-sig"
    ) as fh:
        csv.field_size_limit(2**31 - 1)
        by_url = {row["url"]: row for row in csv.DictReader(fh)}
    checked = 0
    for e in load_events():
        if "cn-ai-policy-platform" not in e.verification:
            continue
        row = by_url[e.source_url]
        assert row["publication_date"] == e.date.isoformat(), e.event_id
        core = e.title_original.split("（")[0][:8]
        assert core in row["title"], (e.event_id, row["title"])
        checked += 1
    assert checked >= 10


def test_filters_and_bad_dates():
    cn = timeline(country="cn", since="2024-01-01")
    assert cn and all(e.country == "CN" and e.date >= date(2024, 1, 1) for e in cn)
    assert all(e.category == "us_shock" for e in timeline(categories=["us_shock"]))
    with pytest.raises(InputError, match="does not parse"):
        timeline(since="2024-13-45")
    with pytest.raises(InputError, match="CN or US"):
        timeline(country="FR")


def test_events_file_is_packaged_data():
    assert events_path().name == "events.csv" and events_path().exists()
