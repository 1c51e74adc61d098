"""The findings ledger: one row per claim of the three papers, each with the test that could say no.

``build_ledger()`` runs every study (:mod:`valuechain.findings.studies`) on the data it names, applies the
claim's verdict rule (:mod:`valuechain.findings.verdicts`) with the criterion fixed in
``data/claims.yaml``, and returns a :class:`Ledger`: ``.tidy()`` (a DataFrame), ``.to_dict()`` (the
``--json`` shape) and ``.summary()``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict

from valuechain.errors import InputError
from valuechain.findings import studies, verdicts
from valuechain.findings.studies import Study, StudyUnavailable
from valuechain.findings.verdicts import Judgement

CLAIMS_FILE = "valuechain/findings/data/claims.yaml"
#: The report chapter where each claim's evidence is shown (anchors of the report's sections).
SECTION_OF = {
    "A1": "policy",
    "A2": "policy",
    "A3": "engagement",
    "A4": "ecosystem",
    "A5": "science",
    "A6": "science",
    "A7": "science",
    "B1": "audit",
    "B2": "audit",
    "B3": "audit",
}


class ClaimSpec(BaseModel):
    """One claim as written in ``data/claims.yaml`` before the ledger was run."""

    model_config = ConfigDict(extra="forbid")

    paper: str
    claim: str
    command: str
    criterion: str
    rule: dict[str, Any] = {}
    settle: str = ""
    market: bool = False


class ClaimsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    claims: dict[str, ClaimSpec]
    papers: dict[str, str]


@lru_cache(maxsize=1)
def load_claims() -> ClaimsFile:
    """The claims, criteria and rules (validated)."""
    text = resources.files("valuechain.findings").joinpath("data", "claims.yaml").read_text(encoding="utf-8")
    return ClaimsFile.model_validate(yaml.safe_load(text))


@dataclass
class Finding:
    """One row of the ledger."""

    id: str
    claim: str
    paper: str
    command: str
    data: str
    criterion: str
    result: str
    verdict: str
    why: str
    settle: str = ""
    section: str = ""
    notes: list[str] = field(default_factory=list)
    numbers: dict[str, Any] = field(default_factory=dict)
    sources: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["numbers"] = _jsonable(self.numbers)
        return out


@dataclass
class Ledger:
    """The ledger: findings in claim order, and the sources every row ran on."""

    findings: list[Finding]

    @property
    def sources(self) -> list[dict[str, Any]]:
        seen: dict[tuple[str, str], dict[str, Any]] = {}
        for f in self.findings:
            for s in f.sources:
                seen.setdefault((str(s.get("name")), str(s.get("path", s.get("url", "")))), s)
        return list(seen.values())

    def tidy(self) -> pd.DataFrame:
        columns = ["id", "claim", "verdict", "result", "why", "criterion", "data", "command"]
        return pd.DataFrame([{c: getattr(f, c) for c in columns} for f in self.findings], columns=columns)

    def counts(self) -> dict[str, int]:
        return {v: sum(1 for f in self.findings if f.verdict == v) for v in verdicts.VERDICTS}

    def summary(self) -> str:
        counts = ", ".join(f"{n} {v}" for v, n in self.counts().items() if n)
        return f"{len(self.findings)} claims: {counts}."

    def to_dict(self) -> dict[str, Any]:
        return {"claims": [f.to_dict() for f in self.findings], "verdict_counts": self.counts()}

    def __getitem__(self, claim_id: str) -> Finding:
        for f in self.findings:
            if f.id == claim_id:
                return f
        raise KeyError(claim_id)


# ------------------------------------------------------------------------------------- rows per claim
def _a1(rule: Mapping[str, Any]) -> tuple[Study, Judgement]:
    study = studies.policy_before_controls()
    return study, verdicts.a1_before_controls(study.numbers["countries"], rule)


def _a2(rule: Mapping[str, Any]) -> tuple[Study, Judgement]:
    study = studies.policy_after_controls(rule.get("placebo_years", (1.0, 1.5, 2.0)))
    return study, verdicts.a2_strategy(study.numbers["tests"], rule)


def _a3(rule: Mapping[str, Any]) -> tuple[Study, Judgement]:
    study = studies.innovation_graph_study(rule["outcomes"])
    return study, verdicts.a3_engagement(study.numbers["outcomes"], rule)


def _a4(rule: Mapping[str, Any]) -> tuple[Study, Judgement]:
    study = studies.release_series(shock=rule["shock"])
    return study, verdicts.a4_releases(study.numbers, rule)


def _a5(rule: Mapping[str, Any]) -> tuple[Study, Judgement]:
    study = studies.cset_chinese_per_year()
    return study, verdicts.a5_science(study.numbers["per_year"], rule)


def _a6(rule: Mapping[str, Any]) -> tuple[Study, Judgement]:
    study = studies.patent_search()
    return study, verdicts.a6_patents(study.numbers.get("search"), rule)


def _a7(rule: Mapping[str, Any]) -> tuple[Study, Judgement]:
    study = studies.cset_us_company_use()
    return study, verdicts.a7_us_companies(study.numbers["lower"], study.numbers["upper"], rule)


def _b1(rule: Mapping[str, Any]) -> tuple[Study, Judgement]:
    study = studies.gradient_levels()
    return study, verdicts.b1_gradient(study.numbers["levels"], rule)


def _b2(rule: Mapping[str, Any]) -> tuple[Study, Judgement]:
    study = studies.governance_outcome()
    n = study.numbers
    return study, verdicts.b2_governance(n["types_present"], n["rho"], n["p"], rule)


def _b3(rule: Mapping[str, Any]) -> tuple[Study, Judgement]:
    study = studies.licence_levers()
    judgement = verdicts.b3_levers(study.numbers["with_lever"], study.numbers["open_weight"], rule)
    return study, judgement


def _market(claim_id: str) -> Callable[[Mapping[str, Any]], tuple[Study, Judgement]]:
    def run(rule: Mapping[str, Any]) -> tuple[Study, Judgement]:
        holds, violations = studies.market_claims()[claim_id]
        study = Study(
            numbers={"holds": holds, "violations": violations},
            data="our reconstruction of the model (grids, a cost line and a seeded random scan of "
            "parameters)",
            notes=[
                "A model result: it holds in our reconstruction of Qian, Mehra & Liu; no market data test it."
            ],
        )
        return study, verdicts.market_claim(holds, violations)

    return run


RUNNERS: dict[str, Callable[[Mapping[str, Any]], tuple[Study, Judgement]]] = {
    "A1": _a1,
    "A2": _a2,
    "A3": _a3,
    "A4": _a4,
    "A5": _a5,
    "A6": _a6,
    "A7": _a7,
    "B1": _b1,
    "B2": _b2,
    "B3": _b3,
    **{f"C{i}": _market(f"C{i}") for i in range(1, 8)},
}


def build_ledger(only: Iterable[str] | None = None) -> Ledger:
    """Run the studies and judge every claim (or the ids in ``only``), in the order of ``claims.yaml``."""
    spec = load_claims()
    wanted = list(spec.claims) if not only else [c.upper() for c in only]
    unknown = [c for c in wanted if c not in spec.claims]
    if unknown:
        raise InputError(f"Unknown claim id {unknown[0]!r}; choose from {', '.join(spec.claims)}.")
    findings = []
    for claim_id in wanted:
        claim = spec.claims[claim_id]
        try:
            study, judgement = RUNNERS[claim_id](claim.rule)
        except StudyUnavailable as exc:
            study = Study(numbers={}, data="not available here", notes=[f"{exc}."])
            judgement = Judgement("cannot tell with this data", f"The study could not run: {exc}.", "not run")
        findings.append(
            Finding(
                id=claim_id,
                claim=claim.claim,
                paper=spec.papers[claim.paper],
                command=claim.command,
                data=study.data,
                criterion=claim.criterion,
                result=judgement.result,
                verdict=judgement.verdict,
                why=judgement.why,
                settle=claim.settle,
                section=SECTION_OF.get(claim_id, "market"),
                notes=study.notes,
                numbers=study.numbers,
                sources=study.sources,
            )
        )
    return Ledger(findings)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item") and callable(value.item):
        return _jsonable(value.item())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
