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


#: How open each status is; when several records speak about one thing, the most open one counts (ties: the first).
STATUS_RANK: dict[str, int] = {"absent": 0, "closed": 1, "partial": 2, "open": 3}


def most_open_by_component(evidence: Iterable[Evidence]) -> dict[str, Evidence]:
    """component → its most open evidence record (ties: the first; an unknown status ranks as absent)."""
    best: dict[str, Evidence] = {}
    for ev in evidence:
        current = best.get(ev.component)
        if current is None or STATUS_RANK.get(ev.status, 0) > STATUS_RANK.get(current.status, 0):
            best[ev.component] = ev
    return best


def most_open(evidence: Iterable[Evidence], component: str) -> Evidence | None:
    """The most open evidence record about ``component`` (ties: the first), or None."""
    return most_open_by_component(ev for ev in evidence if ev.component == component).get(component)
