"""The project's curated, sourced timeline of U.S. and Chinese AI-policy events (``data/events.csv``).

Started from the research draft ``policy/policy-events-draft.csv`` (29 events) and extended with the
Chinese documents found in the MIIT/CAC/TC260 corpus, Government Work Reports, AGORA laws and the
model-release confounders. The two date columns mean the same thing on every row:

* ``date``: the day the measure was issued, signed, adopted or publicly released (for a U.S. rule, the
  day BIS released it; for a Chinese document, the date it bears; for a model, its release);
* ``publication_date``: the day its text was officially published (Federal Register, gov.cn or a
  ministry's website, an SEC filing), only where that differs from ``date``; it is never earlier.

Effective (in-force) dates are given in the titles or notes where they matter. Each row also has the
issuing body, the title in the original language and in English, a
category, a source URL or note, a confidence, and ``verification`` saying how the row was checked
(``corpus: ...`` = title/date/URL found in a local snapshot; ``web (date): ...`` = document number and
dates checked against stored public copies of the source, named in the field; ``draft: ...`` = carried
over from the draft, whose source is named but was not re-checked; ``secondary: ...`` = a widely
reported public fact not checked here).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import asdict, dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from valuechain.errors import InputError
from valuechain.policy.corpora import parse_date

# Events of the research draft that are not in the timeline, and why (no official source could be confirmed).
DROPPED_DRAFT_EVENTS: dict[tuple[str, str], str] = {
    ("2021-11-30", "CN"): "14th FYP for Software & IT Services: no official URL confirmed offline",
    ("2021-12-28", "CN"): "14th FYP for National Informatization: no official URL confirmed offline",
    ("2023-10-18", "CN"): "Global AI Governance Initiative: no official URL confirmed offline",
    ("2024-07-04", "CN"): "Shanghai Declaration on Global AI Governance: no official URL confirmed offline",
    (
        "2025-12-08",
        "US",
    ): "H200 export approval: the draft's only source was a newsletter (thedailyscout.com)",
}
DRAFT_FILE = ("policy", "policy-events-draft.csv")

CATEGORIES = (
    "us_shock",
    "us_shock_candidate",
    "us_promotion",
    "us_relaxation",
    "us_report",
    "cn_policy",
    "cn_standard",
    "cn_regulation",
    "confounder",
)
FIELDS = (
    "event_id",
    "date",
    "publication_date",
    "country",
    "issuing_body",
    "title_original",
    "title_en",
    "category",
    "role",
    "source_url",
    "source_note",
    "confidence",
    "verification",
)


@dataclass(frozen=True)
class PolicyEvent:
    """One dated event of the curated timeline."""

    event_id: str
    date: dt.date
    publication_date: dt.date | None  # the field ``date`` shadows the class here: spell it dt.date
    country: str
    issuing_body: str
    title_original: str
    title_en: str
    category: str
    role: str
    source_url: str
    source_note: str
    confidence: str
    verification: str

    @property
    def verified_locally(self) -> bool:
        return self.verification.startswith("corpus")

    @property
    def verification_kind(self) -> str:
        """``corpus``, ``web``, ``draft`` or ``secondary``."""
        return self.verification.split(":")[0].split(" (")[0].strip()

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["verified_locally"] = self.verified_locally
        out["verification_kind"] = self.verification_kind
        return out


def events_path() -> Path:
    return Path(str(resources.files("valuechain.policy") / "data" / "events.csv"))


def _date(text: str, field: str, event_id: str) -> date | None:
    if not text:
        return None
    return parse_date(text, f"{field} of timeline row {event_id}", day_only=True)[0]


def load_events(path: Path | None = None) -> list[PolicyEvent]:
    """All events of the curated timeline (or of a user file with the same columns), sorted by date."""
    path = path or events_path()
    if not path.exists():
        raise InputError(f"The timeline file {path} does not exist.")
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = set(FIELDS) - set(reader.fieldnames or ())
        if missing:
            raise InputError(f"The timeline file {path} lacks the columns {', '.join(sorted(missing))}.")
        events = []
        for row in reader:
            eid = row["event_id"]
            day = _date(row["date"], "date", eid)
            if day is None:
                raise InputError(f"The timeline row {eid} has no date.")
            events.append(
                PolicyEvent(
                    event_id=eid,
                    date=day,
                    publication_date=_date(row["publication_date"], "publication_date", eid),
                    country=row["country"],
                    issuing_body=row["issuing_body"],
                    title_original=row["title_original"],
                    title_en=row["title_en"],
                    category=row["category"],
                    role=row["role"],
                    source_url=row["source_url"],
                    source_note=row["source_note"],
                    confidence=row["confidence"],
                    verification=row["verification"],
                )
            )
    return sorted(events, key=lambda e: (e.date, e.event_id))


def timeline(
    country: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    categories: list[str] | None = None,
) -> list[PolicyEvent]:
    """Events filtered by country (CN / US), start / end date and categories."""
    events = load_events()
    if country:
        code = country.strip().upper()
        if code not in {e.country for e in events}:
            raise InputError(f"The country {country!r} is not in the timeline; use CN or US.")
        events = [e for e in events if e.country == code]
    if since:
        start = since if isinstance(since, date) else parse_date(since, "--since date", day_only=True)[0]
        events = [e for e in events if e.date >= start]
    if until:
        end = until if isinstance(until, date) else parse_date(until, "--until date", day_only=True)[0]
        events = [e for e in events if e.date <= end]
    if categories:
        unknown = set(categories) - set(CATEGORIES)
        if unknown:
            raise InputError(
                f"Unknown event categories {', '.join(sorted(unknown))}; use {', '.join(CATEGORIES)}."
            )
        events = [e for e in events if e.category in categories]
    return events


def timeline_frame(events: list[PolicyEvent] | None = None) -> Any:
    import pandas as pd

    return pd.DataFrame([e.to_dict() for e in (events if events is not None else load_events())])


def draft_events_path() -> Path:
    """The research draft the timeline started from, in the reference data (``config.data_dir()``)."""
    from valuechain import config

    return config.data_dir().joinpath(*DRAFT_FILE)


def timeline_sources() -> list[dict[str, Any]]:
    from valuechain.output import source

    return [
        source(
            "valuechain curated policy timeline",
            str(events_path()),
            note="each event names its own source_url / source_note and verification",
        ),
        source(
            "research draft of policy events",
            str(draft_events_path()),
            note=f"dated events compiled for this project; starting point of the timeline; "
            f"{len(DROPPED_DRAFT_EVENTS)} dropped for want of an official source",
        ),
    ]
