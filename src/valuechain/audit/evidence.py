"""Evidence records: what the openness audit knows about each component of a release, and from where.

Foster (arXiv 2509.10220) audits foundation models technically; the components are those of the Model
Openness Framework (see ``specs/openness-audit.md`` §2). Every collector (Hugging Face repository, local
release directory, licence text, MOT YAML, European Open Source AI Index YAML, Epoch row, Ecosystem
Graphs asset, curated catalogue) returns :class:`Evidence` records; every scorer reads only these.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["open", "partial", "closed", "absent"]
STATUSES: tuple[str, ...] = ("open", "partial", "closed", "absent")

#: MOF components: name -> (content type, class, required). Order as in the MOF / MOT.
MOF_COMPONENTS: dict[str, tuple[str, str, bool]] = {
    "Model architecture": ("code", "III", True),
    "Model parameters (Final)": ("data", "III", True),
    "Model card": ("document", "III", True),
    "Data card": ("document", "III", True),
    "Technical report": ("document", "III", True),
    "Evaluation results": ("document", "III", True),
    "Sample model outputs": ("document", "III", False),
    "Training code": ("code", "II", True),
    "Inference code": ("code", "II", True),
    "Evaluation code": ("code", "II", True),
    "Evaluation data": ("data", "II", True),
    "Supporting libraries and tools": ("code", "II", False),
    "Datasets": ("data", "I", True),
    "Data preprocessing code": ("code", "I", True),
    "Model parameters (Intermediate)": ("data", "I", True),
    "Research paper": ("document", "I", True),
    "Model metadata": ("data", "I", False),
}

#: Components outside the MOF that the audit also records (access channel, licence terms).
EXTRA_COMPONENTS: tuple[str, ...] = ("API access", "Licence terms", "Package")


@dataclass(frozen=True)
class Evidence:
    """One fact about one component of one release, with its provenance.

    ``status``: open (released under an open licence / freely available), partial (released with
    conditions, or only partly), closed (exists but not released), absent (no evidence it exists).
    ``source`` is a URL or a file path (with row/key where relevant); ``date`` the date the source was
    retrieved or published (ISO 8601); ``quote`` the text that supports the verdict.
    """

    component: str
    status: Status
    source: str
    licence: str | None = None
    date: str | None = None
    quote: str | None = None
    method: str = ""  # how it was obtained: "huggingface", "mot-yaml", "eosai-yaml", "licence-text", ...
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


#: How open each status is.
STATUS_RANK: dict[str, int] = {"absent": 0, "closed": 1, "partial": 2, "open": 3}

#: The rule that chooses among records that speak about one component (issue 13 item 6): sources that
#: disagree are never resolved silently toward "more open".
CHOICE_RULE = (
    "a curated catalogue fact verified against a cited snapshot beats unverified records; among "
    "records of equal standing the most open counts (ties: the first)"
)


def is_verified_curated(ev: Evidence) -> bool:
    """A curated catalogue fact that was verified against a snapshot it cites."""
    return ev.method == "catalogue" and bool((ev.extra or {}).get("verified"))


def _beats(candidate: Evidence, current: Evidence) -> bool:
    verified, current_verified = is_verified_curated(candidate), is_verified_curated(current)
    if verified != current_verified:
        return verified
    return STATUS_RANK.get(candidate.status, 0) > STATUS_RANK.get(current.status, 0)


def most_open_by_component(evidence: Iterable[Evidence]) -> dict[str, Evidence]:
    """component → the record that counts, by :data:`CHOICE_RULE` (a verified curated fact first, else the
    most open; ties: the first; an unknown status ranks as absent)."""
    best: dict[str, Evidence] = {}
    for ev in evidence:
        current = best.get(ev.component)
        if current is None or _beats(ev, current):
            best[ev.component] = ev
    return best


def most_open(evidence: Iterable[Evidence], component: str) -> Evidence | None:
    """The record about ``component`` that counts by :data:`CHOICE_RULE`, or None."""
    return most_open_by_component(ev for ev in evidence if ev.component == component).get(component)


def _released(status: str) -> bool:
    return status in ("open", "partial")


def conflicts(evidence: Iterable[Evidence]) -> list[dict[str, Any]]:
    """Components on which the records disagree materially — one says released (open or partial), another
    says closed — each with the record chosen by :data:`CHOICE_RULE` and the records it overruled."""
    by_component: dict[str, list[Evidence]] = {}
    for ev in evidence:
        by_component.setdefault(ev.component, []).append(ev)
    found = []
    for component, records in by_component.items():
        statuses = {r.status for r in records}
        if not (any(_released(s) for s in statuses) and "closed" in statuses):
            continue
        chosen = most_open_by_component(records)[component]
        overruled = [r for r in records if _released(r.status) != _released(chosen.status)]
        found.append(
            {
                "component": component,
                "chosen": _brief(chosen),
                "overruled": [_brief(r) for r in overruled],
                "rule": CHOICE_RULE,
            }
        )
    return found


def _brief(ev: Evidence) -> dict[str, Any]:
    return {
        "status": ev.status,
        "licence": ev.licence,
        "source": ev.source,
        "method": ev.method,
        "verified": is_verified_curated(ev),
    }
