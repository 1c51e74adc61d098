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

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from valuechain.audit.collectors import EOSAI_PARAMETER_COMPONENT, from_eosai_yaml, from_mot_yaml
from valuechain.audit.evidence import STATUS_RANK, Evidence, most_open
from valuechain.audit.licences import licence_class
from valuechain.audit.mof import mot_licences

SOLAIMAN_LEVELS: dict[int, str] = {
    1: "Fully closed",
    2: "Gradual or staged access",
    3: "Hosted access",
    4: "Cloud-based or API access",
    5: "Downloadable",
    6: "Fully open",
}

#: Epoch AI ``Model accessibility`` -> Solaiman level. "Open weights (unrestricted)" is level 5
#: (downloadable) unless training code and data are open too, which makes it level 6 (fully open).
EPOCH_TO_SOLAIMAN: dict[str, int] = {
    "Unreleased": 1,
    "Hosted access (no API)": 3,
    "API access": 4,
    "Open weights (non-commercial)": 5,
    "Open weights (restricted use)": 5,
    "Open weights (unrestricted)": 5,
}


def _status(evidence: Sequence[Evidence], component: str) -> str:
    ev = most_open(evidence, component)
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
    weights = most_open(evidence, "Model parameters (Final)")
    epoch = next(
        (
            ev.extra.get("epoch_accessibility")
            for ev in evidence
            if ev.extra and ev.extra.get("epoch_accessibility")
        ),
        None,
    )
    code_open = _status(evidence, "Training code") == "open"
    data_open = _status(evidence, "Datasets") == "open"
    if weights is not None and weights.status in ("open", "partial"):
        how = weights.extra.get("weights") if weights.extra else None
        reasons.append(
            f"weights downloadable ({weights.status}{', ' + str(how) if how else ''}; {weights.source})"
        )
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
    api = most_open(evidence, "API access")
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
OSAID_CODE = (
    "Data preprocessing code",
    "Training code",
    "Evaluation code",
    "Inference code",
    "Model architecture",
)


def osaid(evidence: Sequence[Evidence]) -> dict[str, Any]:
    """OSI Open Source AI Definition 1.0 conformance, naming the failing requirements."""

    lic = mot_licences()
    failing: list[str] = []
    data_card, datasets = _status(evidence, "Data card"), _status(evidence, "Datasets")
    if data_card != "open" and datasets != "open":
        failing.append(
            "data information: no complete description of the training data "
            f"(data card {data_card}, datasets {datasets})"
        )
    for comp in OSAID_CODE:
        ev = most_open(evidence, comp)
        if ev is None or ev.status != "open":
            failing.append(
                f"code: {comp} not released under an OSI-approved licence ({ev.status if ev else 'absent'})"
            )
        elif ev.licence and not lic.is_open(lic.normalise(ev.licence)):
            failing.append(f"code: {comp} licence '{ev.licence}' is not OSI-approved")
    support = most_open(evidence, "Supporting libraries and tools")
    if support is not None and support.status in ("closed", "partial"):
        failing.append(f"code: supporting libraries not open ({support.status})")
    weights = most_open(evidence, "Model parameters (Final)")
    if weights is None or weights.status != "open":
        failing.append(
            "parameters: weights not available under OSI-conformant terms "
            f"({weights.status if weights else 'absent'})"
        )
    flags = _licence_flags(evidence)
    if flags:
        if not flags.get("commercial_use"):
            failing.append(
                "freedom to use: the licence does not permit use for any purpose (no commercial use)"
            )
        elif flags.get("use_restrictions") or flags.get("user_or_revenue_cap"):
            failing.append("freedom to use: the licence restricts use (use restrictions or user/revenue cap)")
    return {"conformant": not failing, "failing": failing}


#: The Index's 14 parameters of the v1.0.x releases (the keys of its YAML records).
EOSAI_PARAMETERS: tuple[str, ...] = tuple(EOSAI_PARAMETER_COMPONENT)
EOSAI_VALUE = {"open": 1.0, "partial": 0.5, "closed": 0.0, "absent": 0.0}

#: Components that speak for an Index parameter as they are. Weights, ``code``, ``hardware_architecture``
#: and ``licenses`` are derived by :func:`index_parameter_evidence` from the Index's definitions instead: MOF
#: "Model architecture" is modelling code, not the documented data-processing / training pipeline the Index's
#: ``code`` asks about, and MOF "Model metadata" is a metadata file, not documentation of the training hardware.
_DIRECT_COMPONENT_PARAMETERS: dict[str, tuple[str, ...]] = {
    "Datasets": ("datasources_basemodel", "datasources_endmodel"),
    "Training code": ("trainingcode",),
    "Research paper": ("preprint",),
    "Technical report": ("preprint",),
    "Model card": ("modelcard",),
    "Data card": ("datasheet",),
    "Package": ("package",),
    "API access": ("api",),
}


def _for_parameter(ev: Evidence, parameter: str, **changes: Any) -> Evidence:
    """``ev`` restated as evidence about one Index parameter (``extra['eosai_parameter']``)."""
    return Evidence(
        **{**ev.to_dict(), **changes, "extra": {**(ev.extra or {}), "eosai_parameter": parameter}}
    )


def _weights_licence_class(evidence: Sequence[Evidence]) -> str:
    """The licence class of the weights, from the evidence alone: a curated class when the catalogue gives one;
    proprietary when the weights are shown not released; else the class read from the licence text; else
    the class of the licence id (:func:`valuechain.audit.licences.licence_class`)."""

    terms = [ev for ev in evidence if ev.component == "Licence terms"]
    curated = next(
        (
            ev.extra["licence_class"]
            for ev in terms
            if ev.method == "catalogue" and (ev.extra or {}).get("licence_class")
        ),
        None,
    )
    if curated:
        return str(curated)
    weights = most_open(evidence, "Model parameters (Final)")
    if (
        weights is not None
        and weights.status in ("closed", "absent")
        and (weights.extra or {}).get("weights") == "none"
    ):
        return "proprietary"
    read = next((ev for ev in terms if (ev.extra or {}).get("licence_report")), None)
    if read is not None and read.extra.get("licence_class") not in (None, "proprietary"):
        return str(read.extra["licence_class"])
    licence_id = next((ev.licence for ev in terms if ev.licence), None)
    return licence_class(licence_id, read.extra["licence_report"] if read is not None else None)[0]


def index_parameter_evidence(evidence: Sequence[Evidence]) -> list[Evidence]:
    """Evidence restated in the European Open Source AI Index's own parameter definitions (v1.0.2).

    Every returned record names its parameter in ``extra['eosai_parameter']``. Records that already name one
    (the Index's own answers, read from its YAML) pass through unchanged; the rest are read as the Index
    defines its parameters (``_parameters-descriptions.yml``):

    - ``weights_*``: "made freely available?" → a curated weights fact first (gated download = partial),
      which records gating; snapshot access values (Ecosystem Graphs' ``open``) cannot tell gated from free.
    - ``code``: "Is the source code of datasource processing, model training and tuning documented?" →
      documentation cannot be more open than the training code it documents: the training-code evidence.
    - ``hardware_architecture``: documented training hardware → Epoch AI's ``Training hardware`` and
      ``Hardware quantity`` (both named: open; hardware only: partial); no statement: not applicable.
    - ``licenses``: "Is the project fully covered by OSI-approved licenses, including all data sources and
      training pipeline code?" → open when the weights' licence is OSI-approved / open-data *and* training
      code and data are open; partial when only the weights' licence is; closed for bespoke, non-commercial
      or proprietary terms (a bespoke licence is not "partially OSI").
    - the other parameters: the component that speaks for them (:data:`_DIRECT_COMPONENT_PARAMETERS`).
    """
    out = [ev for ev in evidence if (ev.extra or {}).get("eosai_parameter")]
    own = [ev for ev in evidence if not (ev.extra or {}).get("eosai_parameter")]
    for ev in own:
        for parameter in _DIRECT_COMPONENT_PARAMETERS.get(ev.component, ()):
            out.append(_for_parameter(ev, parameter))

    def derived(ev: Evidence, parameter: str, status: str, quote: str) -> Evidence:
        return _for_parameter(ev, parameter, status=status, quote=quote, method="index-semantics")

    weights = next(
        (ev for ev in own if ev.component == "Model parameters (Final)" and ev.method == "catalogue"), None
    ) or most_open(own, "Model parameters (Final)")
    if weights is not None:
        for parameter in ("weights_basemodel", "weights_endmodel"):
            out.append(
                derived(weights, parameter, weights.status, weights.quote or f"weights {weights.status}")
            )
    code = most_open(own, "Training code")
    if code is not None:
        out.append(
            derived(
                code,
                "code",
                "closed" if code.status == "absent" else code.status,
                f"training code {code.status}: its documentation cannot be more open",
            )
        )
    hardware = next((ev for ev in own if (ev.extra or {}).get("training_hardware")), None)
    if hardware is not None:
        quantity = hardware.extra.get("hardware_quantity")
        out.append(
            derived(
                hardware,
                "hardware_architecture",
                "open" if quantity else "partial",
                f"Training hardware: {hardware.extra['training_hardware']}; "
                f"quantity: {quantity or 'not stated'}",
            )
        )
    licence = next((ev for ev in own if ev.component == "Licence terms"), None)
    if licence is not None:
        lclass = _weights_licence_class(own)
        code_open = code is not None and code.status == "open"
        data_open = _status(own, "Datasets") == "open"
        status = (
            ("open" if code_open and data_open else "partial")
            if lclass in ("osi_open", "open_data")
            else "closed"
        )
        out.append(
            derived(
                licence,
                "licenses",
                status,
                f"weights licence {licence.licence} ({lclass}); "
                f"training code open: {code_open}; training data open: {data_open}",
            )
        )
    return out


def eosai_score(evidence_or_path: Sequence[Evidence] | str | Path) -> dict[str, Any]:
    """European Open Source AI Index-style score: open 1, partial 0.5, closed 0, mean over applicable.

    Accepts evidence records or the path of an Index YAML; the evidence is read in the Index's parameter
    definitions (:func:`index_parameter_evidence`) and the most open record per parameter counts.
    Parameters with no evidence are not applicable (left out of the mean and listed in ``not_applicable``).
    """
    if isinstance(evidence_or_path, (str, Path)):
        evidence: Sequence[Evidence] = from_eosai_yaml(evidence_or_path)
    else:
        evidence = evidence_or_path
    best_status: dict[str, str] = {}
    for ev in index_parameter_evidence(evidence):
        p = ev.extra["eosai_parameter"]
        if p not in best_status or STATUS_RANK[ev.status] > STATUS_RANK[best_status[p]]:
            best_status[p] = ev.status
    per = {p: EOSAI_VALUE[best_status[p]] for p in EOSAI_PARAMETERS if p in best_status}
    score = sum(per.values()) / len(per) if per else None
    return {
        "score": score,
        "per_parameter": per,
        "applicable": len(per),
        "not_applicable": [p for p in EOSAI_PARAMETERS if p not in per],
    }


def eosai_agreement(ours: Mapping[str, float], theirs: Mapping[str, float]) -> dict[str, Any]:
    """Per-parameter agreement between two Index-style scorings (disagreements listed, not hidden)."""
    common = [p for p in EOSAI_PARAMETERS if p in ours and p in theirs]
    diffs = [{"parameter": p, "ours": ours[p], "index": theirs[p]} for p in common if ours[p] != theirs[p]]
    return {
        "compared": len(common),
        "agree": len(common) - len(diffs),
        "share": (len(common) - len(diffs)) / len(common) if common else None,
        "disagreements": diffs,
    }


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

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    index_by_key: dict[str, Path] = {}
    for path in sorted(Path(eosai_dir).glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
        if not isinstance(data, Mapping) or not isinstance(data.get("system"), Mapping):
            continue
        system = data["system"]
        for value in (
            system.get("name"),
            system.get("endmodelname"),
            str(system.get("link") or "").rstrip("/").rsplit("/", 1)[-1],
        ):
            if _name_key(value):
                index_by_key.setdefault(_name_key(value), path)
    rows = []
    for path in sorted(Path(mot_dir).glob("*.yml")):
        release = (yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}).get("release") or {}
        keys = [
            _name_key(release.get("name")),
            _name_key(str(release.get("huggingface") or "").rstrip("/").rsplit("/", 1)[-1]),
        ]
        match = next((index_by_key[k] for k in keys if k and k in index_by_key), None)
        if match is None:
            continue
        ours = eosai_score(from_mot_yaml(path))["per_parameter"]
        theirs = eosai_score(match)["per_parameter"]
        for param in EOSAI_PARAMETERS:
            if param in ours and param in theirs:
                rows.append(
                    {
                        "model": release.get("name"),
                        "mot_file": path.name,
                        "index_file": match.name,
                        "parameter": param,
                        "ours": ours[param],
                        "index": theirs[param],
                        "agree": ours[param] == theirs[param],
                    }
                )
    return pd.DataFrame(
        rows, columns=["model", "mot_file", "index_file", "parameter", "ours", "index", "agree"]
    )
