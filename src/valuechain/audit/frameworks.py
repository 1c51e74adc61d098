"""Openness frameworks scored from the same evidence records (spec ``openness-audit.md`` §3).

- Solaiman (2023), "The Gradient of Generative AI Release: Methods and Considerations" (FAccT '23):
  six levels, 1 fully closed, 2 gradual/staged access, 3 hosted access, 4 cloud-based/API access,
  5 downloadable, 6 fully open. Epoch AI's ``Model accessibility`` values map onto it.
- OSI Open Source AI Definition 1.0 (2024-10-28): data information, complete code and parameters under
  OSI-approved / OSI-conformant terms, granting the freedoms to use, study, modify and share.
- European Open Source AI Index (Liesenfeld & Dingemanse 2024, FAccT '24; osai-index.eu): parameters
  scored open 1, partial 0.5, closed 0; the score is the mean over applicable parameters (14 in the
  v1.0.x releases).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from valuechain.audit.evidence import Evidence

SOLAIMAN_LEVELS: dict[int, str] = {
    1: "Fully closed", 2: "Gradual or staged access", 3: "Hosted access", 4: "Cloud-based or API access",
    5: "Downloadable", 6: "Fully open",
}

#: Epoch AI ``Model accessibility`` -> Solaiman level. "Open weights (unrestricted)" is level 5
#: (downloadable) unless training code and data are open too, which makes it level 6 (fully open).
EPOCH_TO_SOLAIMAN: dict[str, int] = {
    "Unreleased": 1, "Hosted access (no API)": 3, "API access": 4, "Open weights (non-commercial)": 5,
    "Open weights (restricted use)": 5, "Open weights (unrestricted)": 5,
}

_RANK = {"open": 3, "partial": 2, "closed": 1, "absent": 0}


def _best(evidence: Iterable[Evidence], component: str) -> Evidence | None:
    """The most open evidence record about ``component`` (ties: the first)."""
    best: Evidence | None = None
    for ev in evidence:
        if ev.component == component and (best is None or _RANK[ev.status] > _RANK[best.status]):
            best = ev
    return best


def _status(evidence: Sequence[Evidence], component: str) -> str:
    ev = _best(evidence, component)
    return ev.status if ev else "absent"


def _licence_flags(evidence: Sequence[Evidence]) -> dict[str, Any] | None:
    for ev in evidence:
        report = ev.extra.get("licence_report") if ev.extra else None
        if report:
            return report
    return None


def solaiman_level(evidence: Sequence[Evidence]) -> tuple[int, str, list[str]]:
    """Place a release on Solaiman's six-level release gradient; returns (level, name, reasons)."""
    reasons: list[str] = []
    weights = _best(evidence, "Model parameters (Final)")
    epoch = next((ev.extra.get("epoch_accessibility") for ev in evidence
                  if ev.extra and ev.extra.get("epoch_accessibility")), None)
    code_open = _status(evidence, "Training code") == "open"
    data_open = _status(evidence, "Datasets") == "open"
    if weights is not None and weights.status in ("open", "partial"):
        how = weights.extra.get("weights") if weights.extra else None
        reasons.append(f"weights downloadable ({weights.status}{', ' + str(how) if how else ''}; "
                       f"{weights.source})")
        if weights.status == "open" and code_open and data_open:
            reasons.append("training code and training data open too")
            return 6, SOLAIMAN_LEVELS[6], reasons
        if epoch == "Open weights (unrestricted)" and code_open and data_open:
            return 6, SOLAIMAN_LEVELS[6], reasons
        return 5, SOLAIMAN_LEVELS[5], reasons
    if epoch in EPOCH_TO_SOLAIMAN:
        level = EPOCH_TO_SOLAIMAN[epoch]
        reasons.append(f"Epoch AI model accessibility: {epoch}")
        return level, SOLAIMAN_LEVELS[level], reasons
    api = _best(evidence, "API access")
    if api is not None and api.status in ("open", "partial"):
        hosted_only = bool(api.extra.get("hosted_only")) if api.extra else False
        reasons.append(f"{'hosted' if hosted_only else 'API'} access ({api.source})")
        return (3, SOLAIMAN_LEVELS[3], reasons) if hosted_only else (4, SOLAIMAN_LEVELS[4], reasons)
    staged = any(ev.extra.get("staged") for ev in evidence if ev.extra)
    if staged:
        reasons.append("staged or research-only access")
        return 2, SOLAIMAN_LEVELS[2], reasons
    reasons.append("no evidence of weights, API or hosted access")
    return 1, SOLAIMAN_LEVELS[1], reasons


#: OSAID 1.0 requirements -> the components that must be open for each.
OSAID_CODE = ("Data preprocessing code", "Training code", "Evaluation code", "Inference code",
              "Model architecture")


def osaid(evidence: Sequence[Evidence]) -> dict[str, Any]:
    """OSI Open Source AI Definition 1.0 conformance, naming the failing requirements."""
    from valuechain.audit.mof import mot_licences

    lic = mot_licences()
    failing: list[str] = []
    data_card, datasets = _status(evidence, "Data card"), _status(evidence, "Datasets")
    if data_card != "open" and datasets != "open":
        failing.append("data information: no complete description of the training data "
                       f"(data card {data_card}, datasets {datasets})")
    for comp in OSAID_CODE:
        ev = _best(evidence, comp)
        if ev is None or ev.status != "open":
            failing.append(f"code: {comp} not released under an OSI-approved licence "
                           f"({ev.status if ev else 'absent'})")
        elif ev.licence and not lic.is_open(lic.normalise(ev.licence)):
            failing.append(f"code: {comp} licence '{ev.licence}' is not OSI-approved")
    support = _best(evidence, "Supporting libraries and tools")
    if support is not None and support.status in ("closed", "partial"):
        failing.append(f"code: supporting libraries not open ({support.status})")
    weights = _best(evidence, "Model parameters (Final)")
    if weights is None or weights.status != "open":
        failing.append("parameters: weights not available under OSI-conformant terms "
                       f"({weights.status if weights else 'absent'})")
    flags = _licence_flags(evidence)
    if flags:
        if not flags.get("commercial_use"):
            failing.append("freedom to use: the licence does not permit use for any purpose (no commercial use)")
        elif flags.get("use_restrictions") or flags.get("user_or_revenue_cap"):
            failing.append("freedom to use: the licence restricts use (use restrictions or user/revenue cap)")
    return {"conformant": not failing, "failing": failing}


EOSAI_PARAMETERS: tuple[str, ...] = (
    "datasources_basemodel", "datasources_endmodel", "weights_basemodel", "weights_endmodel", "trainingcode",
    "code", "hardware_architecture", "preprint", "paper", "modelcard", "datasheet", "package", "api",
    "licenses",
)
EOSAI_VALUE = {"open": 1.0, "partial": 0.5, "closed": 0.0, "absent": 0.0}

#: For evidence not from the Index itself: which component speaks for which parameter.
_COMPONENT_TO_EOSAI: dict[str, tuple[str, ...]] = {
    "Datasets": ("datasources_basemodel", "datasources_endmodel"),
    "Model parameters (Final)": ("weights_basemodel", "weights_endmodel"),
    "Training code": ("trainingcode",), "Model architecture": ("code",), "Model metadata": ("hardware_architecture",),
    "Research paper": ("preprint",), "Technical report": ("preprint",), "Model card": ("modelcard",),
    "Data card": ("datasheet",), "Package": ("package",), "API access": ("api",), "Licence terms": ("licenses",),
}


def eosai_score(evidence_or_path: Sequence[Evidence] | str | Path) -> dict[str, Any]:
    """European Open Source AI Index-style score: open 1, partial 0.5, closed 0, mean over applicable.

    Accepts evidence records or the path of an Index YAML. Parameters with no evidence are not
    applicable (left out of the mean and listed in ``not_applicable``).
    """
    if isinstance(evidence_or_path, (str, Path)):
        from valuechain.audit.collectors import from_eosai_yaml

        evidence: Sequence[Evidence] = from_eosai_yaml(evidence_or_path)
    else:
        evidence = evidence_or_path
    per: dict[str, float] = {}
    best_status: dict[str, str] = {}
    for ev in evidence:
        params = ((ev.extra.get("eosai_parameter"),) if ev.extra and ev.extra.get("eosai_parameter")
                  else _COMPONENT_TO_EOSAI.get(ev.component, ()))
        for p in params:
            if p and (p not in best_status or _RANK[ev.status] > _RANK[best_status[p]]):
                best_status[p] = ev.status
    for p in EOSAI_PARAMETERS:
        if p in best_status:
            per[p] = EOSAI_VALUE[best_status[p]]
    score = sum(per.values()) / len(per) if per else None
    return {"score": score, "per_parameter": per, "applicable": len(per),
            "not_applicable": [p for p in EOSAI_PARAMETERS if p not in per]}


def eosai_agreement(ours: Mapping[str, float], theirs: Mapping[str, float]) -> dict[str, Any]:
    """Per-parameter agreement between two Index-style scorings (disagreements listed, not hidden)."""
    common = [p for p in EOSAI_PARAMETERS if p in ours and p in theirs]
    diffs = [{"parameter": p, "ours": ours[p], "index": theirs[p]} for p in common if ours[p] != theirs[p]]
    return {"compared": len(common), "agree": len(common) - len(diffs),
            "share": (len(common) - len(diffs)) / len(common) if common else None, "disagreements": diffs}


def _name_key(value: Any) -> str:
    import re

    return re.sub(r"[^a-z0-9]", "", str(value or "").lower())


def eosai_comparison(mot_dir: str | Path, eosai_dir: str | Path) -> Any:
    """Per-parameter agreement between our Index-style scoring of MOT records and the Index itself.

    Models are matched conservatively: the MOT release name (or the last segment of its Hugging Face
    URL) equals the Index system name, end-model name or the last segment of its link, after
    lower-casing and dropping non-alphanumerics. Returns a DataFrame with one row per model and
    parameter scored by both (``ours``, ``index``, ``agree``); disagreements are findings, not errors.
    """
    import pandas as pd
    import yaml

    from valuechain.audit.collectors import from_mot_yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    index_by_key: dict[str, Path] = {}
    for path in sorted(Path(eosai_dir).glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
        if not isinstance(data, Mapping) or not isinstance(data.get("system"), Mapping):
            continue
        system = data["system"]
        for value in (system.get("name"), system.get("endmodelname"),
                      str(system.get("link") or "").rstrip("/").rsplit("/", 1)[-1]):
            if _name_key(value):
                index_by_key.setdefault(_name_key(value), path)
    rows = []
    for path in sorted(Path(mot_dir).glob("*.yml")):
        release = (yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}).get("release") or {}
        keys = [_name_key(release.get("name")),
                _name_key(str(release.get("huggingface") or "").rstrip("/").rsplit("/", 1)[-1])]
        match = next((index_by_key[k] for k in keys if k and k in index_by_key), None)
        if match is None:
            continue
        ours = eosai_score(from_mot_yaml(path))["per_parameter"]
        theirs = eosai_score(match)["per_parameter"]
        for param in EOSAI_PARAMETERS:
            if param in ours and param in theirs:
                rows.append({"model": release.get("name"), "mot_file": path.name, "index_file": match.name,
                             "parameter": param, "ours": ours[param], "index": theirs[param],
                             "agree": ours[param] == theirs[param]})
    return pd.DataFrame(rows, columns=["model", "mot_file", "index_file", "parameter", "ours", "index", "agree"])
