"""The whole openness audit of one release: evidence → framework scores → governance model and type.

Foster (arXiv 2509.10220) audits leading firms' foundation models technically and places them on a
gradient of access with five governance models. :func:`audit` gathers the evidence for a release (a
catalogue name, a Hugging Face repository — live or from a saved snapshot —, a local release directory, a
Model Openness Tool YAML or a European Open Source AI Index YAML), scores it on the established frameworks
(Solaiman's release gradient, the MOF class as the MOT computes it, OSI OSAID 1.0, the European Open
Source AI Index) with :mod:`valuechain.audit.frameworks` / :mod:`valuechain.audit.mof`, and classifies it
with the governance rules (:mod:`valuechain.audit.governance`, our operationalisation of the paper).
:func:`audit_catalog` audits the whole curated catalogue and ranks it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from valuechain.audit.catalog import CatalogEntry
from valuechain.audit.evidence import MOF_COMPONENTS, Evidence, most_open_by_component
from valuechain.audit.governance import GovernanceFields, GovernanceResult, GovernanceRules
from valuechain.errors import InputError

#: Hugging Face ``license`` tags / ``license_name`` values → ScanCode keys of the reference licence texts.
HF_LICENCE_TO_KEY = {
    "llama2": "llama-2-license-2023", "llama3.1": "llama-3.1-license-2024",  # no Llama 3 text in the reference set
    "llama3.2": "llama-3.2-license-2024", "llama3.3": "llama-3.3-license-2024", "llama4": "llama-4-license-2025",
    "gemma": "gemma-tou-2024-04-01", "qwen": "qwen-2024", "bigscience-openrail-m": "bigscience-open-rail-m",
    "bigscience-bloom-rail-1.0": "bigscience-rail-1.0", "creativeml-openrail-m": "stable-diffusion-2022-08-22",
    "apache-2.0": "apache-2.0", "mit": "mit", "cc-by-nc-4.0": "cc-by-nc-4.0", "cc-by-nc-sa-4.0": "cc-by-nc-sa-4.0",
}
#: Where the reference snapshots come from (shared data README): path fragment → (name, retrieved, commit).
SNAPSHOT_PROVENANCE: tuple[tuple[str, tuple[str, str, str | None]], ...] = (
    ("eu-open-source-ai-index/v1.0.2", ("European Open Source AI Index v1.0.2 (CC-BY-4.0)", "2025", None)),
    ("eosai:v1.0.2", ("European Open Source AI Index v1.0.2 (CC-BY-4.0)", "2025", None)),
    ("model-openness-tool", ("LF Model Openness Tool record (MIT)", "2026-05", "8b5d30e9")),
    ("mot:models", ("LF Model Openness Tool record (MIT)", "2026-05", "8b5d30e9")),
    ("all-ai-models-2025-03", ("Epoch AI all-models export (CC-BY-4.0, credit Epoch AI)", "2025-04", "291adcd7")),
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
        from valuechain.audit.catalog import region_of

        return region_of(self.country)

    def summary(self) -> dict[str, Any]:
        """One flat row (used by :func:`audit_catalog` and the CLI table)."""
        verified = (self.catalogue or {}).get("verified") or []
        return {
            "id": (self.catalogue or {}).get("id", self.name), "name": self.name,
            "family": (self.catalogue or {}).get("family"), "hf_repo": (self.catalogue or {}).get("hf_repo"),
            "organisation": self.organisation, "country": self.country, "region": self.region,
            "release_date": self.release_date, "governance_level": self.governance.number,
            "governance_model": self.governance.label, "ghs_type": self.governance.ghs_type,
            "rule": self.governance.rule_id, "weights": self.fields.weights, "api": self.fields.api,
            "licence_id": (self.catalogue or {}).get("licence_id") or self._licence_id(),
            "licence_class": self.fields.licence_class, "levers": ", ".join(self.governance.licence_levers),
            "code_open": self.fields.code_open, "data_open": self.fields.data_open,
            "platform_tied": self.fields.platform_tied, "solaiman_level": self.solaiman["level"],
            "solaiman": self.solaiman["name"], "mof_class": self.mof.get("mof_class"),
            "mof_class_normalized": self.mof.get("mof_class_normalized"),
            "osaid_conformant": self.osaid.get("conformant"), "eosai_score": self.eosai.get("score"),
            "facts_verified": len(verified), "verified": ", ".join(verified),
            "conflicts": len(self.conflicts()),
        }

    def conflicts(self) -> list[dict[str, Any]]:
        """Where the sources disagree, the record chosen and the rule (see :func:`evidence.conflicts`)."""
        from valuechain.audit.evidence import conflicts

        return conflicts(self.evidence)

    def _licence_id(self) -> str | None:
        for ev in self.evidence:
            if ev.component in ("Licence terms", "Model parameters (Final)") and ev.licence:
                return ev.licence
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "ref": self.ref, "kind": self.kind, "name": self.name, "organisation": self.organisation,
            "country": self.country, "region": self.region, "release_date": self.release_date,
            "governance": self.governance.to_dict(), "fields": self.fields.to_dict(),
            "field_notes": self.field_notes, "scores": {
                "solaiman": self.solaiman, "mof": self.mof, "osaid": self.osaid, "eosai": self.eosai},
            "licence": self.licence, "catalogue": self.catalogue, "conflicts": self.conflicts(),
            "evidence": [e.to_dict() for e in self.evidence], "sources": self.sources,
        }

    def tidy(self) -> Any:
        """The evidence as a DataFrame (one row per record)."""
        import pandas as pd

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
    record: dict[str, Any] = {"release": {"name": name, "components": components}, "_source": "derived from evidence"}
    if release_licence:
        record["release"]["license"] = {"distribution": {"name": release_licence}}
    return record


def _scores(name: str, evidence: list[Evidence], mot_path: str | None = None,
            mof_result: Any = None) -> tuple[dict, dict, dict, dict]:
    from valuechain.audit import frameworks
    from valuechain.audit.mof import mof_class

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
    mof = {"name": result.name, "mof_class": result.mof_class, "mof_class_normalized": result.mof_class_normalized,
           "progress": dict(result.progress), "progress_normalized": dict(result.progress_normalized),
           "warnings": list(result.warnings), "source": result.source, "derived_from": derived}
    return solaiman, mof, frameworks.osaid(evidence), frameworks.eosai_score(evidence)


def _licence_evidence(licence_id: str | None) -> tuple[list[Evidence], dict[str, Any] | None]:
    """Evidence from the reference licence text for ``licence_id`` (ScanCode key or HF licence tag)."""
    from valuechain.audit.catalog import reference_licence_report

    if not licence_id:
        return [], None
    key = HF_LICENCE_TO_KEY.get(str(licence_id).lower(), str(licence_id))
    found = reference_licence_report(key)
    if found is None:
        return [], None
    return [found["evidence"]], {**found["report"], "licence_class": found["licence_class"], "source": found["source"]}


def _finish(ref: str, kind: str, name: str, evidence: list[Evidence], fields: GovernanceFields, notes: list[str],
            licence: dict[str, Any] | None, mot_path: str | None = None, mof_result: Any = None,
            rules: GovernanceRules | None = None, **meta: Any) -> AuditResult:
    from valuechain.audit.governance import classify
    from valuechain.output import source

    governance = classify(fields, rules)
    solaiman, mof, osaid_result, eosai = _scores(name, evidence, mot_path, mof_result)
    seen: dict[str, dict[str, Any]] = {}
    for ev in evidence:
        loc = ev.source.split("#")[0] if not ev.source.startswith("http") else ev.source
        if loc not in seen:
            known = next((meta for fragment, meta in SNAPSHOT_PROVENANCE if fragment in loc), None)
            seen[loc] = (source(known[0], loc, known[1] or ev.date, **({"commit": known[2]} if known[2] else {}))
                         if known else source(ev.method or "evidence", loc, ev.date))
    return AuditResult(ref=ref, kind=kind, name=name, evidence=evidence, fields=fields, field_notes=notes,
                       governance=governance, solaiman=solaiman, mof=mof, osaid=osaid_result, eosai=eosai,
                       licence=licence, sources=list(seen.values()), **meta)


def audit_entry(entry: CatalogEntry, with_snapshots: bool = True, data_dir: Path | None = None,
                rules: GovernanceRules | None = None) -> AuditResult:
    """Audit a catalogue release: its curated facts, the snapshots it cites and its licence text.

    ``rules``: governance rules to classify with (default: the packaged ``governance_rules.yml``).
    """
    from valuechain.audit.catalog import derived_licence_class, entry_evidence, snapshot_evidence
    from valuechain.audit.governance import governance_fields

    evidence = entry_evidence(entry)
    if with_snapshots:
        evidence += snapshot_evidence(entry, data_dir)
    lic_ev, licence = _licence_evidence(entry.licence_id)
    evidence += lic_ev
    lclass = derived_licence_class(entry)
    levers: Any = licence if licence is not None else entry.levers
    fields = governance_fields(entry.weights, entry.api, lclass, levers, entry.code_open, entry.data_open,
                               entry.platform_tied)
    how = ("curated" if entry.licence_class else
           "read from the licence text" if licence else "from the licence id (text not available here)")
    notes = [f"facts from the curated catalogue entry '{entry.id}' (marked verified against a cited snapshot "
             "when the catalogue was checked: "
             f"{', '.join(entry.verified) or 'none'})", f"licence_class = {lclass} ({how})"]
    if with_snapshots:
        from valuechain.config import data_dir as default_data_dir

        base = data_dir or default_data_dir()
        if not base.is_dir():
            notes.append(f"reference snapshots not found under {base} (set VALUECHAIN_DATA): curated facts only, "
                         "no snapshot evidence or licence text")
    if licence is None and entry.levers is not None:
        notes.append(f"levers = {', '.join(entry.levers) or 'none'} (curated from "
                     f"{'; '.join(entry.sources_for('levers')) or 'no source'}; not verified: the licence text "
                     "is not in the reference set)")
    mot_path = None
    if with_snapshots:
        from valuechain.audit.catalog import resolve_ref

        for src in entry.sources:
            if src["ref"].startswith("mot:"):
                kind, record, location = resolve_ref(src["ref"], data_dir)
                if record is not None:
                    mot_path = location
                    break
    return _finish(entry.id, "catalogue", entry.name, evidence, fields, notes, licence, mot_path, rules=rules,
                   organisation=entry.organisation, country=entry.country, release_date=entry.release_date,
                   catalogue=entry.to_dict())


def _audit_evidence(ref: str, kind: str, name: str, evidence: list[Evidence], mot_path: str | None = None,
                    mof_result: Any = None, rules: GovernanceRules | None = None, **meta: Any) -> AuditResult:
    from valuechain.audit.governance import fields_from_evidence

    licence = None
    if not any(ev.component == "Licence terms" and (ev.extra or {}).get("licence_report") for ev in evidence):
        # Candidates, most specific first: the card's license_name (set when license is "other"), its license
        # tag, the licence id the collectors recorded; the first with a reference text is read.
        candidates = [(ev.extra or {}).get(key) for key in ("license_name", "hf_license") for ev in evidence]
        candidates += [ev.licence for ev in evidence if ev.component == "Licence terms"]
        lic_ev: list[Evidence] = []
        for candidate in dict.fromkeys(c for c in candidates if c and str(c).lower() not in ("other", "unknown")):
            lic_ev, licence = _licence_evidence(candidate)
            if licence is not None:
                break
        evidence = evidence + lic_ev
    else:
        report_ev = next(ev for ev in evidence if ev.component == "Licence terms" and (ev.extra or {}).get("licence_report"))
        licence = {**report_ev.extra["licence_report"], "licence_class": report_ev.extra.get("licence_class"),
                   "source": report_ev.source}
    fields, notes = fields_from_evidence(evidence)
    return _finish(ref, kind, name, evidence, fields, notes, licence, mot_path, mof_result, rules=rules, **meta)


def _owner_facts(repo_id: str) -> dict[str, Any]:
    """Organisation and country of a Hugging Face repo, inferred from catalogue releases with the same owner."""
    from valuechain.audit.catalog import load_catalog

    owner = repo_id.split("/")[0].lower()
    same = [e for e in load_catalog() if e.hf_repo and e.hf_repo.split("/")[0].lower() == owner]
    if not same or len({(e.organisation, e.country) for e in same}) != 1:
        return {}
    return {"organisation": same[0].organisation, "country": same[0].country}


def audit(ref: str, snapshot: str | Path | None = None, with_snapshots: bool = True,
          data_dir: Path | None = None, rules: GovernanceRules | None = None) -> AuditResult:
    """Audit one release named by ``ref``.

    ``ref`` is, in this order: an existing local path (a release directory, a MOT YAML, or a European Open
    Source AI Index YAML), a catalogue release (id, name or Hugging Face repo), or a Hugging Face
    repository id (read live through ``huggingface_hub``, or from ``snapshot``: a recorded API JSON body or
    a directory with the card and a file listing). ``rules``: governance rules (default: the packaged file).
    """
    from valuechain.audit import collectors
    from valuechain.audit.catalog import find_entry

    if not isinstance(ref, str) or not ref.strip():
        raise InputError("The release to audit is empty; give a catalogue name, a Hugging Face id or a directory.")
    ref = ref.strip()
    path = Path(ref).expanduser()
    if snapshot is None and path.exists():
        if path.is_dir():
            evidence = collectors.from_directory(path)
            if not any(ev.component == "Model parameters (Final)" and ev.status in ("open", "partial")
                       for ev in evidence):
                raise InputError(f"The release directory {ref} holds no model weights (*.safetensors, *.bin, "
                                 "*.gguf, ...), so it is not a model release to audit.")
            return _audit_evidence(ref, "directory", path.name, evidence, rules=rules)
        if path.suffix.lower() in (".yml", ".yaml"):
            data = collectors.load_yaml_file(path, "YAML record")
            if isinstance(data, Mapping) and isinstance(data.get("system"), Mapping):
                system = data["system"]
                return _audit_evidence(ref, "eosai-yaml", str(system.get("name") or path.stem),
                                       collectors.from_eosai_yaml(path), rules=rules,
                                       organisation=(data.get("org") or {}).get("name"),
                                       release_date=str(system.get("releasedate") or "") or None)
            from valuechain.audit.mof import mof_class

            mof_result = mof_class(data if isinstance(data, Mapping) and "release" in data else path)
            mof_result.source = str(path)
            evidence = mof_result.evidence()
            release_record = data.get("release") if isinstance(data, Mapping) else None
            release: Mapping[str, Any] = release_record if isinstance(release_record, Mapping) else {}
            result = _audit_evidence(ref, "mot-yaml", str(release.get("name") or path.stem), evidence, str(path),
                                     mof_result, rules=rules,
                                     organisation=release.get("producer"),
                                     release_date=str(release.get("date") or "") or None)
            if result.release_date:
                result.field_notes.append(f"release_date {result.release_date} is the MOT record's release.date, "
                                          "often the date the record was written rather than the model's release")
            hf_repo = str(release.get("huggingface") or "").strip()
            if hf_repo and result.fields.weights == "none":
                repo = hf_repo.split("huggingface.co/")[-1].strip("/")
                result.field_notes.append(
                    f"caution: the MOT record does not list the final model parameters yet names the Hugging Face "
                    f"repository {repo}; the record may be incomplete (weights = none follows the MOF rule that an "
                    f"unlisted component is not released) — audit the repository itself: valuechain audit model {repo}")
            return result
        raise InputError(f"{ref} is a file but not a release directory, a MOT YAML or an Index YAML.")
    entry = find_entry(ref) if snapshot is None else None
    if entry is not None:
        return audit_entry(entry, with_snapshots=with_snapshots, data_dir=data_dir, rules=rules)
    if "/" in ref and not ref.startswith((".", "/", "~")):
        from valuechain.errors import SourceError, ValuechainError

        try:
            evidence = collectors.from_huggingface(ref, snapshot=snapshot)
        except ValuechainError:
            raise
        except Exception as exc:  # noqa: BLE001 - network layers raise their own types (httpx, requests)
            raise SourceError(f"Hugging Face could not be reached for '{ref}' ({exc.__class__.__name__}); "
                              "check the id or give --snapshot.") from None
        if not evidence:
            raise InputError(f"The Hugging Face model '{ref}' gave no evidence (no files, no card).")
        owner = _owner_facts(ref)
        result = _audit_evidence(ref, "huggingface", ref, evidence, rules=rules, **owner)
        if owner:
            result.field_notes.append(f"organisation and country inferred from catalogue releases with the same "
                                      f"Hugging Face owner ({ref.split('/')[0]})")
        return result
    if path.is_absolute() or ref.startswith((".", "~")) or "/" in ref or "\\" in ref:
        raise InputError(f"The release directory {ref} does not exist.")
    from valuechain.audit.catalog import suggest_entries

    close = suggest_entries(ref)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    raise InputError(f"'{ref}' is not a catalogue release{hint}, a local directory or a Hugging Face repository id "
                     f"(owner/name); see `valuechain audit catalog` for the catalogue names.")


def audit_catalog(entries: Iterable[CatalogEntry] | None = None, with_snapshots: bool = True,
                  data_dir: Path | None = None, progress: Any = None, rules: GovernanceRules | None = None) -> Any:
    """Audit every catalogue release and rank them (most open first).

    Ranking: Foster governance level (5 full openness … 1 hierarchical), then Solaiman level, then the
    European-Index-style score, then MOF class. Returns a DataFrame with a ``rank`` column.
    """
    import pandas as pd

    from valuechain.audit.catalog import load_catalog

    rows = []
    disagreements: list[dict[str, Any]] = []
    items = list(entries) if entries is not None else load_catalog()
    for entry in items:
        result = audit_entry(entry, with_snapshots=with_snapshots, data_dir=data_dir, rules=rules)
        rows.append(result.summary())
        disagreements += [{"release": entry.id, **c} for c in result.conflicts()]
        if progress is not None:
            progress()
    frame = pd.DataFrame(rows)
    frame.attrs["conflicts"] = disagreements  # where sources disagree: chosen record, overruled ones, rule
    mof_rank = {"Class I": 3, "Class II": 2, "Class III": 1}
    frame["_mof"] = frame["mof_class"].map(mof_rank).fillna(0)
    frame["_eosai"] = frame["eosai_score"].astype(float).fillna(0.0)
    frame = frame.sort_values(["governance_level", "solaiman_level", "_eosai", "_mof", "release_date"],
                              ascending=[False, False, False, False, False], kind="stable")
    frame = frame.drop(columns=["_mof", "_eosai"]).reset_index(drop=True)
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame


def governance_counts(frame: Any, by: str = "country") -> Any:
    """Count releases per governance model and ``by`` (country, region, organisation)."""
    table = frame.pivot_table(index=by, columns="governance_model", values="id", aggfunc="count", fill_value=0)
    order = [m for m in ("Full openness", "Controlled openness", "Open platform", "Captive externalised",
                         "Hierarchical") if m in table.columns]
    table = table[order]
    table["total"] = table.sum(axis=1)
    return table.sort_values("total", ascending=False)


#: Distinct colours for countries, most frequent first (U.S. blue and China red stay far apart).
COUNTRY_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
                   "#bcbd22", "#7f7f7f", "#000000", "#f2c12e", "#66c2a5", "#fc8d62")


def _country_label(code: str, count: int) -> str:
    try:
        import pycountry

        country = pycountry.countries.get(alpha_2=code)
        name = getattr(country, "common_name", None) or country.name if country else code
    except (ImportError, LookupError, KeyError):
        name = code
    return f"{code} {name} ({count})"


def _label_lanes(data: Any, lanes: int = 8, chars_across: float = 150.0) -> Any:
    """A lane (0..lanes-1) per release so that labels on the same level do not run into each other.

    Greedy by date: each label goes to the first lane whose previous label has ended (label length in
    characters times the days one character spans), else to the lane that frees up first.
    """
    import pandas as pd

    dates = data["date"]
    span = max((dates.max() - dates.min()).days, 1) if dates.notna().any() else 1
    days_per_char = span / chars_across
    out = pd.Series(0, index=data.index)
    for _, group in data.groupby("governance_level"):
        ends = [pd.Timestamp.min] * lanes
        for idx, row in group.iterrows():
            if pd.isna(row["date"]):
                continue
            free = [i for i in range(lanes) if ends[i] < row["date"]]
            lane = free[0] if free else min(range(lanes), key=lambda i: ends[i])
            out[idx] = lane
            ends[lane] = row["date"] + pd.Timedelta(days=(len(str(row["name"])) + 4) * days_per_char)
    return out


def gradient_figure(frame: Any, path: str | Path) -> Path:
    """Models placed on Foster's five levels (x: release date; y: level), coloured by country, each labelled."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    from valuechain.output import atomic_path

    labels = {1: "1 Hierarchical", 2: "2 Captive externalised", 3: "3 Open platform", 4: "4 Controlled openness",
              5: "5 Full openness"}
    data = frame.copy()
    data["date"] = pd.to_datetime(data["release_date"], errors="coerce")
    counts = data["country"].value_counts()
    countries = list(counts.index)
    colours = {c: COUNTRY_COLOURS[i % len(COUNTRY_COLOURS)] for i, c in enumerate(countries)}
    fig, ax = plt.subplots(figsize=(14, 8))
    data = data.sort_values("date")
    data["y"] = data["governance_level"] + (_label_lanes(data) - 3.5) * 0.1  # eight lanes per level
    for country in countries:
        sub = data[data["country"] == country]
        ax.scatter(sub["date"], sub["y"], s=52, color=colours[country], label=_country_label(country, counts[country]),
                   edgecolor="black", linewidth=0.4, zorder=3)
    for row in data.itertuples(index=False):
        ax.annotate(row.name, (row.date, row.y), fontsize=6.5, xytext=(5, -2.5), textcoords="offset points",
                    color="#333333")
    for level in labels:
        ax.axhspan(level - 0.42, level + 0.42, color="#f2f2f2" if level % 2 else "#e6eef7", zorder=0)
    ax.set_yticks(list(labels), [labels[k] for k in labels], fontsize=10)
    ax.set_ylim(0.5, 5.5)
    ax.set_xlabel("release date")
    ax.set_title(f"Foster's gradient of openness: {len(data)} foundation-model releases, coloured by country\n"
                 "(governance model: our operationalisation of Foster 2025, arXiv 2509.10220)", fontsize=11)
    ax.legend(title="country (releases)", fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.tight_layout()
    target = Path(path)
    with atomic_path(target) as tmp:
        fig.savefig(tmp, dpi=130, format=target.suffix.lstrip(".").lower() or "png")
        tmp.chmod(0o644)
    plt.close(fig)
    return target


def independent_evidence(entry: CatalogEntry, data_dir: Path | None = None) -> list[Evidence]:
    """An entry's evidence without anything taken from the European Open Source AI Index."""
    from valuechain.audit.catalog import entry_evidence, snapshot_evidence

    fact_of = {"Model parameters (Final)": "weights", "API access": "api", "Training code": "code_open",
               "Datasets": "data_open", "Licence terms": "licence_id"}
    curated = []
    for ev in entry_evidence(entry):
        refs = [r for r in entry.fact_source(fact_of.get(ev.component, "")) if not r.startswith("eosai:")]
        if refs:  # a curated fact stays only when some source other than the Index supports it
            curated.append(Evidence(**{**ev.to_dict(), "source": refs[0]}))
    snapshots = [ev for ev in snapshot_evidence(entry, data_dir) if ev.method != "eosai-yaml"]
    return curated + snapshots + _licence_evidence(entry.licence_id)[0]


def eosai_agreement_report(entries: Iterable[CatalogEntry] | None = None, version: str = "v1.0.2",
                           data_dir: Path | None = None) -> dict[str, Any]:
    """Agreement of our Index-style scoring with the European Open Source AI Index on shared models.

    For every catalogue release that cites an Index record of ``version``, we score the 14 parameters
    from our own evidence — the curated facts, the MOT / Epoch / Ecosystem Graphs records and the licence
    text, never the Index record itself — read in the Index's parameter definitions
    (:func:`valuechain.audit.frameworks.index_parameter_evidence`, the mapping every Index-style score uses),
    and compare per parameter with the Index's open/partial/closed
    (:func:`valuechain.audit.frameworks.eosai_agreement`). Disagreements are findings and are listed;
    ``per_cell`` holds every compared cell.
    """
    import pandas as pd

    from valuechain.audit import frameworks
    from valuechain.audit.catalog import resolve_ref

    items = list(entries) if entries is not None else __import__(
        "valuechain.audit.catalog", fromlist=["load_catalog"]).load_catalog()
    per_model, rows, disagreements = [], [], []
    for entry in items:
        index_refs = [s["ref"] for s in entry.sources if s["ref"].startswith(f"eosai:{version}/")]
        if not index_refs:
            continue
        kind, record, location = resolve_ref(index_refs[0], data_dir)
        if record is None:
            continue
        theirs = frameworks.eosai_score(location)["per_parameter"]
        ours = frameworks.eosai_score(independent_evidence(entry, data_dir))["per_parameter"]
        result = frameworks.eosai_agreement(ours, theirs)
        per_model.append({"release": entry.id, "index_record": location, "compared": result["compared"],
                          "agree": result["agree"], "share": result["share"]})
        for p in frameworks.EOSAI_PARAMETERS:
            if p in ours and p in theirs:
                rows.append({"release": entry.id, "parameter": p, "ours": ours[p], "index": theirs[p],
                             "agree": ours[p] == theirs[p]})
        for d in result["disagreements"]:
            disagreements.append({"release": entry.id, **d})
    cells = pd.DataFrame(rows, columns=["release", "parameter", "ours", "index", "agree"])
    per_parameter = (cells.groupby("parameter")["agree"].agg(["count", "sum", "mean"])
                     .rename(columns={"count": "compared", "sum": "agree", "mean": "share"})
                     .reindex([p for p in frameworks.EOSAI_PARAMETERS if p in set(cells["parameter"])])
                     if not cells.empty else pd.DataFrame(columns=["compared", "agree", "share"]))
    return {
        "index_version": version, "models": len(per_model), "cells": int(len(cells)),
        "agreement": float(cells["agree"].mean()) if len(cells) else None,
        "per_parameter": per_parameter.reset_index().to_dict(orient="records"),
        "per_model": per_model, "disagreements": disagreements, "per_cell": rows,
        "note": "Our scores come from our own evidence (catalogue facts, MOT/Epoch/Ecosystem Graphs records, "
                "licence text), never from the Index record, read in the Index's own parameter definitions "
                "(frameworks.index_parameter_evidence: licenses = OSI coverage of weights, training code and data; gated "
                "weights partial; code documentation bounded by the training code; hardware from Epoch AI); "
                "parameters our evidence does not speak to are not compared. Document parameters (modelcard, "
                "datasheet, preprint) come from MOT licence status, which says a document is released, not that "
                "it is comprehensive as the Index asks: their disagreements are largely that difference.",
    }


def openness_covariates(frame: Any | None = None, repos: Iterable[str] | None = None) -> Any:
    """Governance level and scores per Hugging Face repository, to join with diffusion data.

    One row per catalogue release repository and, when ``repos`` (e.g. the lineage roots seen in a
    dataset) are given, per repository of the same owner and release series when that is unambiguous
    (:func:`valuechain.audit.catalog.lineage_roots`). The mission's link between the audit and diffusion:
    the openness level as a covariate.
    """
    import pandas as pd

    from valuechain.audit.catalog import lineage_roots, load_catalog

    frame = frame if frame is not None else audit_catalog(with_snapshots=False)
    entries = load_catalog()
    roots = lineage_roots(entries, repos or [])
    cols = ["id", "organisation", "country", "region", "governance_level", "governance_model", "ghs_type",
            "solaiman_level", "eosai_score", "licence_class"]
    by_id = frame.set_index("id")
    rows = []
    for entry in entries:
        if not entry.hf_repo or entry.id not in by_id.index:
            continue
        for repo in roots.get(entry.id, [entry.hf_repo]):
            row = by_id.loc[entry.id]
            rows.append({"hf_repo": repo, "matched": "release" if repo == entry.hf_repo else "release series",
                         **{c: (entry.id if c == "id" else row[c]) for c in cols}})
    return pd.DataFrame(rows)


def firm_summary(frame: Any) -> Any:
    """One row per lead firm: its releases, the governance models it uses and whether it mixes them.

    Foster's claim is that lead firms use openness strategically (e.g. open weights for a small model and a
    closed API for the frontier one); ``mixed`` marks firms with releases on more than one governance model.
    """
    import pandas as pd

    rows = []
    for (org, country), group in frame.groupby(["organisation", "country"], sort=False):
        levels = sorted(set(group["governance_level"]), reverse=True)
        models = [group.loc[group["governance_level"] == lv, "governance_model"].iloc[0] for lv in levels]
        rows.append({"organisation": org, "country": country, "releases": len(group),
                     "most_open": models[0], "most_closed": models[-1], "models": ", ".join(models),
                     "mixed": len(levels) > 1,
                     "releases_by_model": "; ".join(
                         f"{m}: {', '.join(group.loc[group['governance_model'] == m, 'name'])}" for m in models)})
    out = pd.DataFrame(rows)
    return out.sort_values(["releases", "organisation"], ascending=[False, True]).reset_index(drop=True)


#: Store tables of the catalogue audit (namespace separate from the evidence/licence tables of the audit).
_RELEASE_COLUMNS = ["id", "name", "organisation", "country", "region", "release_date", "governance_level",
                    "governance_model", "ghs_type", "rule", "weights", "api", "licence_id", "licence_class", "levers",
                    "code_open", "data_open", "platform_tied", "solaiman_level", "mof_class", "osaid_conformant",
                    "eosai_score", "facts_verified", "verified"]


def _governance_schema() -> Any:
    from valuechain.store import PROVENANCE_COLUMNS, Schema

    return Schema("audit_governance", migrations=((
        f"""CREATE TABLE audit_releases (
            run_id VARCHAR NOT NULL, rules_sha256 VARCHAR NOT NULL, catalogue_sha256 VARCHAR NOT NULL,
            id VARCHAR NOT NULL, name VARCHAR, organisation VARCHAR, country VARCHAR, region VARCHAR,
            release_date VARCHAR, governance_level INTEGER NOT NULL, governance_model VARCHAR NOT NULL,
            ghs_type VARCHAR, rule VARCHAR, weights VARCHAR, api VARCHAR, licence_id VARCHAR,
            licence_class VARCHAR, levers VARCHAR, code_open BOOLEAN, data_open BOOLEAN, platform_tied BOOLEAN,
            solaiman_level INTEGER, mof_class VARCHAR, osaid_conformant BOOLEAN, eosai_score DOUBLE,
            facts_verified INTEGER, verified VARCHAR,
            {PROVENANCE_COLUMNS})""",
    ),))


def save_catalog_audit(store: Any, frame: Any, *, source: str, rules_path: str | Path | None = None) -> str:
    """Append one ranked catalogue audit to the store (table ``audit_releases``); returns its ``run_id``.

    Rows carry the hashes of the governance rules and of the catalogue used, so a stored governance model
    can be traced to the exact (user-editable) rules that produced it.
    """
    import hashlib

    from valuechain.audit.catalog import CATALOG_PATH
    from valuechain.audit.governance import load_rules
    from valuechain.store import utcnow

    store.ensure(_governance_schema())
    now = utcnow()
    run_id = f"catalog@{now.strftime('%Y%m%dT%H%M%S%f')}"
    rows = frame[_RELEASE_COLUMNS].copy()
    rows.insert(0, "catalogue_sha256", hashlib.sha256(CATALOG_PATH.read_bytes()).hexdigest()[:16])
    rules_file = Path(rules_path) if rules_path else Path(load_rules().path)
    rows.insert(0, "rules_sha256", hashlib.sha256(rules_file.read_bytes()).hexdigest()[:16])
    rows.insert(0, "run_id", run_id)
    rows["eosai_score"] = rows["eosai_score"].astype(float)
    store.query("SELECT 1")  # finish any pending result before register() (see policy/store.py)
    store.insert_frame("audit_releases", rows, source=source, fetched_at=now)
    return run_id
