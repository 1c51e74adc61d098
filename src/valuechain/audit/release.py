"""The openness audit of one release: evidence → framework scores → governance model and type.

Foster (arXiv 2509.10220) audits leading firms' foundation models technically and places them on a
gradient of access with five governance models. :func:`audit` names the release in one string and hands
it to the reader of its kind: a local release directory (:func:`audit_directory`), a Model Openness Tool
or European Open Source AI Index YAML (:func:`audit_yaml`), a catalogue release (:func:`audit_entry`) or a
Hugging Face repository, live or from a saved snapshot (:func:`audit_huggingface`). Each scores the
evidence on the established frameworks (Solaiman's release gradient, the MOF class as the MOT computes
it, OSI OSAID 1.0, the European Open Source AI Index) with :mod:`valuechain.audit.frameworks` /
:mod:`valuechain.audit.mof`, and classifies it with the governance rules
(:mod:`valuechain.audit.governance`, our operationalisation of the paper). The whole catalogue is audited
and ranked by :mod:`valuechain.audit.ranking`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from valuechain.audit import collectors, frameworks
from valuechain.audit.catalog import (
    CatalogEntry,
    derived_licence_class,
    entry_evidence,
    find_entry,
    load_catalog,
    reference_licence_report,
    region_of,
    resolve_ref,
    snapshot_evidence,
    suggest_entries,
)
from valuechain.audit.evidence import MOF_COMPONENTS, Evidence, conflicts, most_open_by_component
from valuechain.audit.governance import (
    GovernanceFields,
    GovernanceResult,
    GovernanceRules,
    classify,
    fields_from_evidence,
    governance_fields,
)
from valuechain.audit.mof import mof_class
from valuechain.config import data_dir as default_data_dir
from valuechain.errors import InputError, SourceError, ValuechainError
from valuechain.output import source
from valuechain.textio import load_yaml_file

#: Hugging Face ``license`` tags / ``license_name`` values → ScanCode keys of the reference licence texts.
HF_LICENCE_TO_KEY = {
    "llama2": "llama-2-license-2023",
    "llama3.1": "llama-3.1-license-2024",  # no Llama 3 text in the reference set
    "llama3.2": "llama-3.2-license-2024",
    "llama3.3": "llama-3.3-license-2024",
    "llama4": "llama-4-license-2025",
    "gemma": "gemma-tou-2024-04-01",
    "qwen": "qwen-2024",
    "bigscience-openrail-m": "bigscience-open-rail-m",
    "bigscience-bloom-rail-1.0": "bigscience-rail-1.0",
    "creativeml-openrail-m": "stable-diffusion-2022-08-22",
    "apache-2.0": "apache-2.0",
    "mit": "mit",
    "cc-by-nc-4.0": "cc-by-nc-4.0",
    "cc-by-nc-sa-4.0": "cc-by-nc-sa-4.0",
}


#: Where the reference snapshots come from (shared data README): path fragment → (name, retrieved, commit).
SNAPSHOT_PROVENANCE: tuple[tuple[str, tuple[str, str, str | None]], ...] = (
    ("eu-open-source-ai-index/v1.0.2", ("European Open Source AI Index v1.0.2 (CC-BY-4.0)", "2025", None)),
    ("eosai:v1.0.2", ("European Open Source AI Index v1.0.2 (CC-BY-4.0)", "2025", None)),
    ("model-openness-tool", ("LF Model Openness Tool record (MIT)", "2026-05", "8b5d30e9")),
    ("mot:models", ("LF Model Openness Tool record (MIT)", "2026-05", "8b5d30e9")),
    (
        "all-ai-models-2025-03",
        ("Epoch AI all-models export (CC-BY-4.0, credit Epoch AI)", "2025-04", "291adcd7"),
    ),
    ("notable_ai_models", ("Epoch AI Notable AI Models (CC-BY-4.0, credit Epoch AI)", "2025-02", "7141f9bc")),
    ("ecosystem-graphs", ("Stanford CRFM Ecosystem Graphs asset", "2025-01", "576655a5")),
    ("eg:assets", ("Stanford CRFM Ecosystem Graphs asset", "2025-01", "576655a5")),
    ("license-texts", ("ScanCode licence text (scancode-toolkit 32.5.0)", "", None)),
)


@dataclass
class AuditResult:
    """Everything the audit found about one release, with provenance."""

    ref: str
    kind: str  # catalogue | huggingface | directory | mot-yaml | eosai-yaml
    name: str
    evidence: list[Evidence]
    fields: GovernanceFields
    field_notes: list[str]
    governance: GovernanceResult
    solaiman: dict[str, Any]
    mof: dict[str, Any]
    osaid: dict[str, Any]
    eosai: dict[str, Any]
    licence: dict[str, Any] | None = None
    organisation: str | None = None
    country: str | None = None
    release_date: str | None = None
    catalogue: dict[str, Any] | None = None
    sources: list[dict[str, Any]] = field(default_factory=list)

    @property
    def region(self) -> str:
        return region_of(self.country)

    def summary(self) -> dict[str, Any]:
        """One flat row (used by :func:`audit_catalog` and the CLI table)."""
        verified = (self.catalogue or {}).get("verified") or []
        return {
            "id": (self.catalogue or {}).get("id", self.name),
            "name": self.name,
            "family": (self.catalogue or {}).get("family"),
            "hf_repo": (self.catalogue or {}).get("hf_repo"),
            "organisation": self.organisation,
            "country": self.country,
            "region": self.region,
            "release_date": self.release_date,
            "governance_level": self.governance.number,
            "governance_model": self.governance.label,
            "ghs_type": self.governance.ghs_type,
            "rule": self.governance.rule_id,
            "weights": self.fields.weights,
            "api": self.fields.api,
            "licence_id": (self.catalogue or {}).get("licence_id") or self._licence_id(),
            "licence_class": self.fields.licence_class,
            "levers": ", ".join(self.governance.licence_levers),
            "code_open": self.fields.code_open,
            "data_open": self.fields.data_open,
            "platform_tied": self.fields.platform_tied,
            "solaiman_level": self.solaiman["level"],
            "solaiman": self.solaiman["name"],
            "mof_class": self.mof.get("mof_class"),
            "mof_class_normalized": self.mof.get("mof_class_normalized"),
            "osaid_conformant": self.osaid.get("conformant"),
            "eosai_score": self.eosai.get("score"),
            "facts_verified": len(verified),
            "verified": ", ".join(verified),
            "conflicts": len(self.conflicts()),
        }

    def conflicts(self) -> list[dict[str, Any]]:
        """Where the sources disagree, the record chosen and the rule (see :func:`evidence.conflicts`)."""

        return conflicts(self.evidence)

    def _licence_id(self) -> str | None:
        for ev in self.evidence:
            if ev.component in ("Licence terms", "Model parameters (Final)") and ev.licence:
                return ev.licence
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "kind": self.kind,
            "name": self.name,
            "organisation": self.organisation,
            "country": self.country,
            "region": self.region,
            "release_date": self.release_date,
            "governance": self.governance.to_dict(),
            "fields": self.fields.to_dict(),
            "field_notes": self.field_notes,
            "scores": {"solaiman": self.solaiman, "mof": self.mof, "osaid": self.osaid, "eosai": self.eosai},
            "licence": self.licence,
            "catalogue": self.catalogue,
            "conflicts": self.conflicts(),
            "evidence": [e.to_dict() for e in self.evidence],
            "sources": self.sources,
        }

    def tidy(self) -> Any:
        """The evidence as a DataFrame (one row per record)."""

        return pd.DataFrame([{k: v for k, v in e.to_dict().items() if k != "extra"} for e in self.evidence])


# --------------------------------------------------------------------------------------------------
def mot_record_from_evidence(name: str, evidence: Sequence[Evidence]) -> dict[str, Any]:
    """A Model Openness Tool record built from evidence, so the MOF class can be computed the MOT's way.

    A component is listed when some evidence shows it released (open or partial); its licence is the one
    the evidence names (an open component without a licence id inherits the weights' licence); released
    but unlicensed components are listed as ``unlicensed``.
    """
    best = most_open_by_component(ev for ev in evidence if ev.component in MOF_COMPONENTS)
    weights = best.get("Model parameters (Final)")
    release_licence = weights.licence if weights is not None and weights.licence else None
    components = []
    for comp, ev in best.items():
        if ev.status not in ("open", "partial"):
            continue
        licence = ev.licence or (release_licence if ev.status == "open" else None) or "unlicensed"
        components.append({"name": comp, "license": licence})
    record: dict[str, Any] = {
        "release": {"name": name, "components": components},
        "_source": "derived from evidence",
    }
    if release_licence:
        record["release"]["license"] = {"distribution": {"name": release_licence}}
    return record


def _scores(
    name: str, evidence: list[Evidence], mot_path: str | None = None, mof_result: Any = None
) -> tuple[dict, dict, dict, dict]:

    level, level_name, reasons = frameworks.solaiman_level(evidence)
    solaiman = {"level": level, "name": level_name, "reasons": reasons}
    if mof_result is not None:
        result = mof_result
        derived = "Model Openness Tool record"
    elif mot_path:
        result = mof_class(mot_path)
        derived = "Model Openness Tool record"
    else:
        result = mof_class(mot_record_from_evidence(name, evidence))
        derived = "evidence (no MOT record)"
    mof = {
        "name": result.name,
        "mof_class": result.mof_class,
        "mof_class_normalized": result.mof_class_normalized,
        "progress": dict(result.progress),
        "progress_normalized": dict(result.progress_normalized),
        "warnings": list(result.warnings),
        "source": result.source,
        "derived_from": derived,
    }
    return solaiman, mof, frameworks.osaid(evidence), frameworks.eosai_score(evidence)


def licence_evidence(licence_id: str | None) -> tuple[list[Evidence], dict[str, Any] | None]:
    """Evidence from the reference licence text for ``licence_id`` (ScanCode key or HF licence tag)."""

    if not licence_id:
        return [], None
    key = HF_LICENCE_TO_KEY.get(str(licence_id).lower(), str(licence_id))
    found = reference_licence_report(key)
    if found is None:
        return [], None
    return [found["evidence"]], {
        **found["report"],
        "licence_class": found["licence_class"],
        "source": found["source"],
    }


def _finish(
    ref: str,
    kind: str,
    name: str,
    evidence: list[Evidence],
    fields: GovernanceFields,
    notes: list[str],
    licence: dict[str, Any] | None,
    mot_path: str | None = None,
    mof_result: Any = None,
    rules: GovernanceRules | None = None,
    **meta: Any,
) -> AuditResult:

    governance = classify(fields, rules)
    solaiman, mof, osaid_result, eosai = _scores(name, evidence, mot_path, mof_result)
    seen: dict[str, dict[str, Any]] = {}
    for ev in evidence:
        loc = ev.source.split("#")[0] if not ev.source.startswith("http") else ev.source
        if loc not in seen:
            known = next((meta for fragment, meta in SNAPSHOT_PROVENANCE if fragment in loc), None)
            seen[loc] = (
                source(known[0], loc, known[1] or ev.date, **({"commit": known[2]} if known[2] else {}))
                if known
                else source(ev.method or "evidence", loc, ev.date)
            )
    return AuditResult(
        ref=ref,
        kind=kind,
        name=name,
        evidence=evidence,
        fields=fields,
        field_notes=notes,
        governance=governance,
        solaiman=solaiman,
        mof=mof,
        osaid=osaid_result,
        eosai=eosai,
        licence=licence,
        sources=list(seen.values()),
        **meta,
    )


def audit_entry(
    entry: CatalogEntry,
    with_snapshots: bool = True,
    data_dir: Path | None = None,
    rules: GovernanceRules | None = None,
) -> AuditResult:
    """Audit a catalogue release: its curated facts, the snapshots it cites and its licence text.

    ``rules``: governance rules to classify with (default: the packaged ``governance_rules.yml``).
    """

    evidence = entry_evidence(entry)
    if with_snapshots:
        evidence += snapshot_evidence(entry, data_dir)
    lic_ev, licence = licence_evidence(entry.licence_id)
    evidence += lic_ev
    lclass = derived_licence_class(entry)
    levers: Any = licence if licence is not None else entry.levers
    fields = governance_fields(
        entry.weights, entry.api, lclass, levers, entry.code_open, entry.data_open, entry.platform_tied
    )
    how = (
        "curated"
        if entry.licence_class
        else "read from the licence text"
        if licence
        else "from the licence id (text not available here)"
    )
    notes = [
        f"facts from the curated catalogue entry '{entry.id}' (marked verified against a cited snapshot "
        "when the catalogue was checked: "
        f"{', '.join(entry.verified) or 'none'})",
        f"licence_class = {lclass} ({how})",
    ]
    if with_snapshots:
        base = data_dir or default_data_dir()
        if not base.is_dir():
            notes.append(
                f"reference snapshots not found under {base} (set VALUECHAIN_DATA): curated facts only, "
                "no snapshot evidence or licence text"
            )
    if licence is None and entry.levers is not None:
        notes.append(
            f"levers = {', '.join(entry.levers) or 'none'} (curated from "
            f"{'; '.join(entry.sources_for('levers')) or 'no source'}; not verified: the licence text "
            "is not in the reference set)"
        )
    mot_path = None
    if with_snapshots:
        for src in entry.sources:
            if src["ref"].startswith("mot:"):
                kind, record, location = resolve_ref(src["ref"], data_dir)
                if record is not None:
                    mot_path = location
                    break
    return _finish(
        entry.id,
        "catalogue",
        entry.name,
        evidence,
        fields,
        notes,
        licence,
        mot_path,
        rules=rules,
        organisation=entry.organisation,
        country=entry.country,
        release_date=entry.release_date,
        catalogue=entry.to_dict(),
    )


def _audit_evidence(
    ref: str,
    kind: str,
    name: str,
    evidence: list[Evidence],
    mot_path: str | None = None,
    mof_result: Any = None,
    rules: GovernanceRules | None = None,
    **meta: Any,
) -> AuditResult:

    licence = None
    if not any(ev.component == "Licence terms" and (ev.extra or {}).get("licence_report") for ev in evidence):
        # Candidates, most specific first: the card's license_name (set when license is "other"), its license
        # tag, the licence id the collectors recorded; the first with a reference text is read.
        candidates = [(ev.extra or {}).get(key) for key in ("license_name", "hf_license") for ev in evidence]
        candidates += [ev.licence for ev in evidence if ev.component == "Licence terms"]
        lic_ev: list[Evidence] = []
        for candidate in dict.fromkeys(
            c for c in candidates if c and str(c).lower() not in ("other", "unknown")
        ):
            lic_ev, licence = licence_evidence(candidate)
            if licence is not None:
                break
        evidence = evidence + lic_ev
    else:
        report_ev = next(
            ev
            for ev in evidence
            if ev.component == "Licence terms" and (ev.extra or {}).get("licence_report")
        )
        licence = {
            **report_ev.extra["licence_report"],
            "licence_class": report_ev.extra.get("licence_class"),
            "source": report_ev.source,
        }
    fields, notes = fields_from_evidence(evidence)
    return _finish(
        ref, kind, name, evidence, fields, notes, licence, mot_path, mof_result, rules=rules, **meta
    )


def _owner_facts(repo_id: str) -> dict[str, Any]:
    """Organisation and country of a Hugging Face repo, inferred from catalogue releases with the same owner."""

    owner = repo_id.split("/")[0].lower()
    same = [e for e in load_catalog() if e.hf_repo and e.hf_repo.split("/")[0].lower() == owner]
    if not same or len({(e.organisation, e.country) for e in same}) != 1:
        return {}
    return {"organisation": same[0].organisation, "country": same[0].country}


def audit(
    ref: str,
    snapshot: str | Path | None = None,
    with_snapshots: bool = True,
    data_dir: Path | None = None,
    rules: GovernanceRules | None = None,
) -> AuditResult:
    """Audit one release named by ``ref``.

    ``ref`` is, in this order: an existing local path (a release directory, a MOT YAML, or a European Open
    Source AI Index YAML), a catalogue release (id, name or Hugging Face repo), or a Hugging Face
    repository id (read live through ``huggingface_hub``, or from ``snapshot``: a recorded API JSON body or
    a directory with the card and a file listing). ``rules``: governance rules (default: the packaged file).
    """
    if not isinstance(ref, str) or not ref.strip():
        raise InputError(
            "The release to audit is empty; give a catalogue name, a Hugging Face id or a directory."
        )
    ref = ref.strip()
    path = Path(ref).expanduser()
    if snapshot is None and path.exists():
        if path.is_dir():
            return audit_directory(path, ref=ref, rules=rules)
        if path.suffix.lower() in (".yml", ".yaml"):
            return audit_yaml(path, ref=ref, rules=rules)
        raise InputError(f"{ref} is a file but not a release directory, a MOT YAML or an Index YAML.")
    entry = find_entry(ref) if snapshot is None else None
    if entry is not None:
        return audit_entry(entry, with_snapshots=with_snapshots, data_dir=data_dir, rules=rules)
    if "/" in ref and not ref.startswith((".", "/", "~")):
        return audit_huggingface(ref, snapshot=snapshot, rules=rules)
    if path.is_absolute() or ref.startswith((".", "~")) or "/" in ref or "\\" in ref:
        raise InputError(f"The release directory {ref} does not exist.")
    close = suggest_entries(ref)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    raise InputError(
        f"'{ref}' is not a catalogue release{hint}, a local directory or a Hugging Face repository id "
        f"(owner/name); see `valuechain audit catalog` for the catalogue names."
    )


def audit_directory(
    path: str | Path, *, ref: str | None = None, rules: GovernanceRules | None = None
) -> AuditResult:
    """Audit a local release directory (its weights, licence files, code and card); ``ref`` as the user named it."""
    path = Path(path)
    ref = ref or str(path)
    evidence = collectors.from_directory(path)
    if not any(
        ev.component == "Model parameters (Final)" and ev.status in ("open", "partial") for ev in evidence
    ):
        raise InputError(
            f"The release directory {ref} holds no model weights (*.safetensors, *.bin, "
            "*.gguf, ...), so it is not a model release to audit."
        )
    return _audit_evidence(ref, "directory", path.name, evidence, rules=rules)


def audit_yaml(
    path: str | Path, *, ref: str | None = None, rules: GovernanceRules | None = None
) -> AuditResult:
    """Audit a European Open Source AI Index YAML (it has a ``system`` mapping) or a Model Openness Tool YAML."""
    path = Path(path)
    ref = ref or str(path)
    data = load_yaml_file(path, "YAML record")
    if isinstance(data, Mapping) and isinstance(data.get("system"), Mapping):
        system = data["system"]
        return _audit_evidence(
            ref,
            "eosai-yaml",
            str(system.get("name") or path.stem),
            collectors.from_eosai_yaml(path),
            rules=rules,
            organisation=(data.get("org") or {}).get("name"),
            release_date=str(system.get("releasedate") or "") or None,
        )
    return _audit_mot_yaml(ref, path, data, rules)


def _audit_mot_yaml(ref: str, path: Path, data: Any, rules: GovernanceRules | None) -> AuditResult:
    mof_result = mof_class(data if isinstance(data, Mapping) and "release" in data else path)
    mof_result.source = str(path)
    evidence = mof_result.evidence()
    release_record = data.get("release") if isinstance(data, Mapping) else None
    release: Mapping[str, Any] = release_record if isinstance(release_record, Mapping) else {}
    result = _audit_evidence(
        ref,
        "mot-yaml",
        str(release.get("name") or path.stem),
        evidence,
        str(path),
        mof_result,
        rules=rules,
        organisation=release.get("producer"),
        release_date=str(release.get("date") or "") or None,
    )
    if result.release_date:
        result.field_notes.append(
            f"release_date {result.release_date} is the MOT record's release.date, "
            "often the date the record was written rather than the model's release"
        )
    hf_repo = str(release.get("huggingface") or "").strip()
    if hf_repo and result.fields.weights == "none":
        repo = hf_repo.split("huggingface.co/")[-1].strip("/")
        result.field_notes.append(
            f"caution: the MOT record does not list the final model parameters yet names the Hugging Face "
            f"repository {repo}; the record may be incomplete (weights = none follows the MOF rule that an "
            f"unlisted component is not released) — audit the repository itself: valuechain audit model {repo}"
        )
    return result


def audit_huggingface(
    repo_id: str, *, snapshot: str | Path | None = None, rules: GovernanceRules | None = None
) -> AuditResult:
    """Audit a Hugging Face repository, live through ``huggingface_hub`` or from a saved ``snapshot``."""
    try:
        evidence = collectors.from_huggingface(repo_id, snapshot=snapshot)
    except ValuechainError:
        raise
    except Exception as exc:  # noqa: BLE001 - network layers raise their own types (httpx, requests)
        raise SourceError(
            f"Hugging Face could not be reached for '{repo_id}' ({exc.__class__.__name__}); "
            "check the id or give --snapshot."
        ) from None
    if not evidence:
        raise InputError(f"The Hugging Face model '{repo_id}' gave no evidence (no files, no card).")
    owner = _owner_facts(repo_id)
    result = _audit_evidence(repo_id, "huggingface", repo_id, evidence, rules=rules, **owner)
    if owner:
        result.field_notes.append(
            f"organisation and country inferred from catalogue releases with the same "
            f"Hugging Face owner ({repo_id.split('/')[0]})"
        )
    return result
