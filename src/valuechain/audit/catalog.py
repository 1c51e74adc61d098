"""The curated catalogue of foundation-model releases (``data/catalog.yml``) and its cross-checks.

Each release (one model version through one channel; Foster, arXiv 2509.10220, audits releases of
leading firms) carries the facts the governance map needs (weights, API, licence, open code and data,
platform tie), the organisation and its ISO 3166 country, the release date and, for every fact, the
sources it comes from: a row of Epoch AI's exports, a European Open Source AI Index record, a Model
Openness Tool record, an Ecosystem Graphs asset, or a URL.

:func:`verify_catalog` checks, programmatically, every fact against every snapshot it cites (the shared
reference data); a fact is ``verified`` only when a cited snapshot states it and agrees. URL sources are
not checked here (no network), so facts resting on them stay unverified, and the report says so.
Disagreements between the catalogue and a snapshot are listed, not hidden (the snapshots disagree with
each other too, e.g. on nationality in Ecosystem Graphs).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import pycountry
import yaml
from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from valuechain.audit import collectors
from valuechain.audit.collectors import eg_value, from_licence_text
from valuechain.audit.evidence import Evidence
from valuechain.audit.licences import CONTROL_LEVERS, licence_class, mot_licences
from valuechain.audit.mof import mof_class
from valuechain.config import data_dir as default_data_dir
from valuechain.errors import InputError
from valuechain.output import write_text_atomic
from valuechain.textio import load_yaml_file, validate_yaml

CATALOG_PATH = Path(__file__).parent / "data" / "catalog.yml"
FACT_FIELDS = (
    "organisation",
    "country",
    "release_date",
    "hf_repo",
    "weights",
    "api",
    "licence_id",
    "licence_class",
    "code_open",
    "data_open",
    "platform_tied",
)
REGIONS = {"US": "U.S.", "CN": "China"}
EUROPE = frozenset(
    "AT BE BG CH CY CZ DE DK EE ES FI FR GB GR HR HU IE IS IT LI LT LU LV MT NL NO PL PT RO SE SI SK".split()
)
SNAPSHOT_KINDS = ("epoch", "eosai", "mot", "eg")


def _yes(flag: bool) -> str:
    """A snapshot flag as the report and the CLI show it."""
    return "yes" if flag else "no"


def region_of(country: str | None) -> str:
    """U.S., China, Europe or elsewhere (the grouping used by the papers)."""
    if not country:
        return "unknown"
    code = country.upper()
    if code in REGIONS:
        return REGIONS[code]
    return "Europe" if code in EUROPE else "elsewhere"


@dataclass
class CatalogEntry:
    """One curated release with its facts, their sources and the facts verified against a snapshot."""

    id: str
    name: str
    family: str
    organisation: str
    country: str
    release_date: str
    weights: str
    api: str
    licence_id: str | None
    code_open: bool
    data_open: bool
    platform_tied: bool
    hf_repo: str | None = None
    licence_class: str | None = None  # curated only when the licence text cannot be read here
    levers: list[str] | None = (
        None  # curated licence levers, only when the licence text is not in the reference set
    )
    sources: list[dict[str, Any]] = field(default_factory=list)
    verified: list[str] = field(default_factory=list)

    @property
    def region(self) -> str:
        return region_of(self.country)

    def sources_for(self, fact: str) -> list[str]:
        return [s["ref"] for s in self.sources if fact in (s.get("fields") or [])]

    def fact_source(self, fact: str) -> list[str]:
        """The sources of a fact, or the default it rests on when it has none (never verified)."""
        refs = self.sources_for(fact)
        if refs:
            return refs
        if fact == "platform_tied" and not self.platform_tied:
            return ["default: false when unknown (spec §5)"]
        if fact in ("code_open", "data_open") and self.weights == "none" and not getattr(self, fact):
            return ["derived: no weights released, nothing else released"]
        return []

    def value(self, fact: str) -> Any:
        return getattr(self, fact)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["region"] = self.region
        return out


def load_catalog(path: str | Path | None = None) -> list[CatalogEntry]:
    """Load and validate the catalogue (default: the packaged ``data/catalog.yml``)."""
    return list(_load_cached(str(Path(path) if path else CATALOG_PATH)))


class _ReleaseSpec(BaseModel):
    """One release of ``catalog.yml`` (facts as written; dates and numbers read as text)."""

    model_config = ConfigDict(extra="allow")
    id: str
    name: str
    organisation: str
    country: str
    release_date: str
    weights: str
    api: str
    family: str | None = None
    licence_id: str | None = None
    code_open: bool = False
    data_open: bool = False
    platform_tied: bool = False
    hf_repo: str | None = None
    licence_class: str | None = None
    levers: list[str] | None = None
    sources: list[dict[str, Any]] | None = None
    verified: list[str] | None = None

    @field_validator(
        "id", "name", "organisation", "country", "release_date", "weights", "api", "licence_id", mode="before"
    )
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        return str(value) if value is not None and not isinstance(value, (dict, list)) else value

    @model_validator(mode="after")
    def _levers_are_known_and_sourced(self) -> _ReleaseSpec:
        if self.levers is not None:
            if not set(self.levers) <= set(CONTROL_LEVERS):
                raise ValueError(f"release {self.id!r} has levers other than {', '.join(CONTROL_LEVERS)}")
            if not any("levers" in (s.get("fields") or []) for s in self.sources or []):
                raise ValueError(f"release {self.id!r} has curated levers without a source")
        return self


class _CatalogFile(BaseModel):
    model_config = ConfigDict(extra="allow")
    releases: list[_ReleaseSpec]

    @model_validator(mode="after")
    def _ids_are_unique(self) -> _CatalogFile:
        seen: set[str] = set()
        for release in self.releases:
            if release.id in seen:
                raise ValueError(f"release id {release.id!r} appears twice")
            seen.add(release.id)
        return self


@lru_cache(maxsize=4)
def _load_cached(path: str) -> tuple[CatalogEntry, ...]:
    p = Path(path)
    if not p.is_file():
        raise InputError(f"The catalogue file {path} does not exist.")
    spec = validate_yaml(_CatalogFile, load_yaml_file(p, "catalogue file"), f"The catalogue file {path}")
    return tuple(
        CatalogEntry(
            id=item.id,
            name=item.name,
            family=item.family or item.name,
            organisation=item.organisation,
            country=item.country.upper(),
            release_date=item.release_date,
            weights=item.weights,
            api=item.api,
            licence_id=item.licence_id or None,
            code_open=item.code_open,
            data_open=item.data_open,
            platform_tied=item.platform_tied,
            hf_repo=item.hf_repo,
            licence_class=item.licence_class,
            levers=item.levers,
            sources=list(item.sources or []),
            verified=list(item.verified or []),
        )
        for item in spec.releases
    )


def _norm(text: Any) -> str:
    """Lower-case alphanumerics only: the key names are compared on."""
    return re.sub(r"[^a-z0-9]+", "", str(text).lower())


def find_entry(ref: str, entries: Iterable[CatalogEntry] | None = None) -> CatalogEntry | None:
    """The catalogue release named ``ref``, or None.

    Exact first (id, display name or Hugging Face repo, ignoring case and punctuation); else the one release
    whose id or name starts with ``ref`` ("OLMo 2" → OLMo 2 13B, "GPT-OSS" → gpt-oss-120b). A prefix shared
    by several releases ("Llama") names none of them: see :func:`suggest_entries`.
    """
    key = _norm(ref)
    if not key:
        return None
    items = list(entries if entries is not None else load_catalog())
    for entry in items:
        if key in (_norm(entry.id), _norm(entry.name)) or (entry.hf_repo and key == _norm(entry.hf_repo)):
            return entry
    prefixed = [e for e in items if _norm(e.id).startswith(key) or _norm(e.name).startswith(key)]
    return prefixed[0] if len(prefixed) == 1 else None


def suggest_entries(ref: str, entries: Iterable[CatalogEntry] | None = None, limit: int = 4) -> list[str]:
    """Catalogue names close to ``ref`` (shared prefix, then string similarity), for an error message."""

    key = _norm(ref)
    items = list(entries if entries is not None else load_catalog())
    prefixed = [
        e.name for e in items if key and (_norm(e.id).startswith(key) or _norm(e.name).startswith(key))
    ]
    if prefixed:
        return prefixed[:limit]
    by_norm = {_norm(e.name): e.name for e in items}
    return [by_norm[k] for k in difflib.get_close_matches(key, list(by_norm), n=limit, cutoff=0.6)]


def catalog_frame(entries: Iterable[CatalogEntry] | None = None) -> Any:
    """The catalogue as a DataFrame (one row per release; ``verified`` as a list of facts)."""

    rows = []
    for e in entries if entries is not None else load_catalog():
        d = e.to_dict()
        d["sources"] = "; ".join(s["ref"] for s in e.sources)
        d["verified"] = ", ".join(e.verified)
        d["n_verified"] = len(e.verified)
        rows.append(d)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------------
# Evidence from a catalogue entry (spec §1, source 4: a curated record with a source for each fact)
# --------------------------------------------------------------------------------------------------
def entry_evidence(entry: CatalogEntry) -> list[Evidence]:
    """The curated facts of a release as evidence records (method ``catalogue``)."""

    def src(fact: str) -> str:
        refs = entry.sources_for(fact)
        return refs[0] if refs else f"catalogue:{entry.id}"

    common = {"catalogue_id": entry.id, "organisation": entry.organisation, "country": entry.country}
    out: list[Evidence] = []
    if entry.weights == "none":
        out.append(
            Evidence(
                "Model parameters (Final)",
                "closed",
                src("weights"),
                licence=entry.licence_id,
                quote="weights not released",
                method="catalogue",
                extra={**common, "weights": "none", "verified": "weights" in entry.verified},
            )
        )
    else:
        gated = entry.weights == "gated"
        out.append(
            Evidence(
                "Model parameters (Final)",
                "partial" if gated else "open",
                src("weights"),
                licence=entry.licence_id,
                quote=f"weights {entry.weights}",
                method="catalogue",
                extra={
                    **common,
                    "weights": entry.weights,
                    "gated": gated,
                    "verified": "weights" in entry.verified,
                },
            )
        )
    out.append(
        Evidence(
            "API access",
            "open" if entry.api != "none" else "absent",
            src("api"),
            quote=f"API: {entry.api}",
            method="catalogue",
            extra={**common, "api": entry.api, "verified": "api" in entry.verified},
        )
    )
    for fact, component in (("code_open", "Training code"), ("data_open", "Datasets")):
        value = getattr(entry, fact)
        out.append(
            Evidence(
                component,
                "open" if value else "closed",
                src(fact),
                method="catalogue",
                quote=f"{fact}: {value}",
                extra={**common, "verified": fact in entry.verified},
            )
        )
    if entry.licence_id:
        extra: dict[str, Any] = {**common, "verified": "licence_id" in entry.verified}
        if entry.licence_class:
            extra["licence_class"] = entry.licence_class
        if entry.levers is not None:
            extra["levers"] = list(entry.levers)
        out.append(
            Evidence(
                "Licence terms",
                "closed" if entry.weights == "none" else "partial",
                src("licence_id"),
                licence=entry.licence_id,
                quote=f"licence: {entry.licence_id}",
                method="catalogue",
                extra=extra,
            )
        )
    return out


# ------------------------------------------------------------------------------- lineage roots


def series_key(repo: str) -> tuple[str, str]:
    """(owner, series) of a Hugging Face repo: sizes and variant suffixes removed, versions kept.

    ``meta-llama/Llama-3.1-8B-Instruct`` and ``meta-llama/Llama-3.1-405B`` share ``(meta-llama, llama-3-1)``.
    """
    owner, _, name = repo.lower().partition("/")
    name = re.sub(r"(?<![a-z0-9.])\d+(\.\d+)?(x\d+)?[bm](?![a-z])", "", name)
    name = re.sub(r"-(instruct|chat|base|hf|it|pt|sft|dpo)(?=$|-)", "", name)
    return owner, re.sub(r"[-_.]+", "-", name).strip("-")


def lineage_roots(entries: Iterable[CatalogEntry], repos: Iterable[str]) -> dict[str, list[str]]:
    """Lineage roots per release: its own repo, plus the same owner's repos of the same series (other sizes
    and instruct/base variants) when exactly one catalogue release has that series (otherwise the licence may
    differ between sizes, as for Qwen2.5, and only the exact repo counts)."""
    items = [(e, e.hf_repo) for e in entries if e.hf_repo]
    by_series: dict[tuple[str, str], list[tuple[CatalogEntry, str]]] = {}
    for e, own_repo in items:
        by_series.setdefault(series_key(own_repo), []).append((e, own_repo))
    roots = {e.id: [own_repo] for e, own_repo in items}
    for repo in repos:
        owners = by_series.get(series_key(repo))
        if owners and len(owners) == 1 and repo.lower() != owners[0][1].lower():
            roots[owners[0][0].id].append(repo)
    return {k: [v[0], *sorted(set(v[1:]) - {v[0]})] for k, v in roots.items()}


# --------------------------------------------------------------------------------------------------
# Snapshots: resolve a source reference to the record it names
# --------------------------------------------------------------------------------------------------
def parse_ref(ref: str) -> tuple[str, str, str | None]:
    """``epoch:file.csv#12`` → ("epoch", "file.csv", "12"); URLs → ("url", ref, None)."""
    if re.match(r"https?://", ref):
        return "url", ref, None
    kind, _, rest = ref.partition(":")
    path, _, anchor = rest.partition("#")
    return kind, path, anchor or None


def snapshot_path(kind: str, path: str, data_dir: Path) -> Path:
    base = {
        "epoch": data_dir / "ecosystem" / "epoch",
        "eosai": data_dir / "openness" / "eu-open-source-ai-index",
        "mot": data_dir / "openness" / "model-openness-tool",
        "eg": data_dir / "ecosystem" / "ecosystem-graphs",
    }[kind]
    return base / path


@lru_cache(maxsize=8)
def _epoch_table(path: str) -> Any:
    return pd.read_csv(path, low_memory=False)


@lru_cache(maxsize=256)
def _yaml_file(path: str) -> Any:
    return yaml.load(
        Path(path).read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    )


def resolve_ref(ref: str, data_dir: Path | None = None) -> tuple[str, dict[str, Any] | None, str]:
    """Return (kind, record, location) for a source reference; record is None when it cannot be found."""

    kind, path, anchor = parse_ref(ref)
    if kind == "url" or kind not in SNAPSHOT_KINDS:
        return kind, None, ref
    base = data_dir or default_data_dir()
    file = snapshot_path(kind, path, base)
    if not file.is_file():
        return kind, None, str(file)
    if kind == "epoch":
        table = _epoch_table(str(file))
        try:
            row = table.iloc[int(anchor or -1)]
        except (ValueError, IndexError):
            return kind, None, f"{file}#{anchor}"
        return (
            kind,
            {k: v for k, v in row.items()},
            f"{file}#row={anchor} ({row.get('Model', row.get('System'))})",
        )
    data = _yaml_file(str(file))
    if kind == "eg":
        try:
            return kind, dict(data[int(anchor or -1)]), f"{file}#{anchor}"
        except (ValueError, IndexError, TypeError):
            return kind, None, f"{file}#{anchor}"
    return kind, data if isinstance(data, dict) else None, str(file)


# --------------------------------------------------------------------------------------------------
# What each snapshot says about each fact
# --------------------------------------------------------------------------------------------------
_ORG_STOP = {
    "ai",
    "inc",
    "labs",
    "lab",
    "research",
    "the",
    "llc",
    "ltd",
    "team",
    "laboratory",
    "for",
    "of",
    "co",
    "corp",
    "corporation",
    "technology",
    "intelligent",
    "systems",
    "and",
}
_ORG_ALIASES = {"allen institute for ai": {"ai2"}, "google deepmind": {"google"}}
#: Country spellings pycountry does not resolve (Epoch's and Ecosystem Graphs' own); the rest goes to
#: pycountry.
_COUNTRY_FIX = {
    "korea (republic of)": "KR",
    "russia": "RU",
    "taiwan": "TW",
    "hong kong": "HK",
    "united kingdom of great britain and northern ireland": "GB",
    "uae": "AE",
    "uk": "GB",
}


_eg = eg_value  # Ecosystem Graphs fields are plain values or {value, explanation}


def _org_parts(text: str) -> list[set[str]]:
    parts = re.split(r",|\band\b|\(|\)", text.lower())
    out = []
    for part in parts:
        toks = {t for t in re.findall(r"[a-z0-9]+", part.replace(".", " ")) if t not in _ORG_STOP}
        if toks:
            out.append(toks)
    return out


def organisation_matches(ours: str, theirs: str) -> bool:
    """True when an organisation named in ``ours`` is one of those named in ``theirs`` (token sets)."""
    if not ours or not theirs:
        return False
    alias = _ORG_ALIASES.get(ours.lower(), set())
    their_parts = _org_parts(theirs)
    if any(a in p for p in their_parts for a in alias):
        return True
    for mine in _org_parts(ours):
        for t in their_parts:
            if mine <= t or t <= mine:
                return True
    return False


def country_codes(text: str) -> set[str]:
    """ISO alpha-2 codes named in a comma-separated country list (Epoch style)."""

    out: set[str] = set()
    for part in str(text).split(","):
        name = part.strip()
        if not name or name.lower() in ("multinational", "nan"):
            continue
        if name.lower() in _COUNTRY_FIX:
            out.add(_COUNTRY_FIX[name.lower()])
            continue
        try:
            out.add(pycountry.countries.lookup(name).alpha_2)
        except LookupError:
            continue
    return out


def _present(value: Any) -> bool:
    return value is not None and str(value).strip() not in ("", "nan", "None", "unknown", "Unknown")


def _licence_words(text: str) -> str:
    text = re.sub(r"\b(19|20)\d\d(-\d\d(-\d\d)?)?\b", " ", str(text).lower())
    text = re.sub(r"\b(licen[cs]e|agreement|the|version)\b", " ", text)
    return _norm(text)


@lru_cache(maxsize=128)
def licence_names(licence_id: str, data_dir: str | None = None) -> tuple[str, ...]:
    """Names of a licence id: the id, and for a ScanCode key with a reference text, its name and short
    name."""

    names = [licence_id]
    path = (
        Path(data_dir or default_data_dir()) / "licenses" / "license-texts" / f"{licence_id.lower()}.LICENSE"
    )
    if path.is_file():
        head = path.read_text(encoding="utf-8", errors="replace")[:3000]
        for key in ("name", "short_name", "spdx_license_key"):
            m = re.search(rf"^{key}:\s*(.+)$", head, re.M)
            if m:
                names.append(m.group(1).strip())
    return tuple(names)


def licence_matches(ours: str | None, theirs: Any) -> bool | None:
    """Whether a snapshot's licence text names our licence id (SPDX-normalised, or by the licence's name)."""
    if not ours or not _present(theirs):
        return None
    if _licence_key(theirs) == _licence_key(ours):
        return True
    want = _licence_words(str(theirs))
    return bool(want) and any(_licence_words(n) == want for n in licence_names(ours))


def _licence_key(value: Any) -> str | None:
    if not _present(value):
        return None
    norm = mot_licences().normalise(str(value).strip())
    return _norm(norm or "")


def snapshot_says(
    kind: str, record: Mapping[str, Any], fact: str, entry: CatalogEntry
) -> tuple[bool | None, str]:
    """Does the snapshot record agree with the entry's value for ``fact``?

    Returns ``(agrees, what the snapshot says)``; ``agrees`` is None when the record does not state the fact.
    """
    value = getattr(entry, fact) if fact != "licence_class" else derived_licence_class(entry)
    if kind == "epoch":
        access = str(record.get("Model accessibility") or "")
        access = "" if access == "nan" else access
        if fact == "organisation":
            org = str(record.get("Organization") or "")
            return (organisation_matches(value, org) if _present(org) else None), org
        if fact == "country":
            raw = str(
                record.get("Country (from Organization)") or record.get("Country (of organization)") or ""
            )
            codes = country_codes(raw)
            return (value in codes if codes else None), raw
        if fact == "release_date":
            raw = str(record.get("Publication date") or "")
            return (raw[:10] == value if _present(raw) else None), raw
        if fact == "weights" and access:
            return (access.startswith("Open weights")) == (value != "none"), access
        if fact == "api" and access in ("API access", "Hosted access (no API)", "Unreleased"):
            return (access == "API access") == (value != "none"), access
        if fact == "licence_class" and access.startswith("Open weights"):
            expected = {
                "Open weights (non-commercial)": {"non_commercial"},
                "Open weights (restricted use)": {"restricted_open"},
                "Open weights (unrestricted)": {"osi_open", "open_data"},
            }.get(access)
            return (value in expected if expected else None), access
        return None, access
    if kind == "eosai":
        eosai_system, eosai_org = record.get("system") or {}, record.get("org") or {}

        def cls(param: str) -> str:
            item = record.get(param)
            return str(item.get("class") or "").lower() if isinstance(item, Mapping) else ""

        if fact == "organisation":
            return (
                organisation_matches(value, str(eosai_org.get("name") or ""))
                if eosai_org.get("name")
                else None
            ), str(eosai_org.get("name"))
        if fact == "release_date":
            raw = str(eosai_system.get("releasedate") or "")
            return (raw[:7] == value[:7] if _present(raw) else None), raw
        if fact == "weights":
            c = cls("weights_endmodel") or cls("weights_basemodel")
            return ((c in ("open", "partial")) == (value != "none") if c else None), f"weights_endmodel: {c}"
        if fact == "code_open":
            c = cls("trainingcode")
            return ((c == "open") == bool(value) if c else None), f"trainingcode: {c}"
        if fact == "data_open":
            c = cls("datasources_basemodel")
            return ((c == "open") == bool(value) if c else None), f"datasources_basemodel: {c}"
        if fact == "licence_id":
            licence_raw = eosai_system.get("endmodellicense")
            return licence_matches(value, licence_raw), str(licence_raw)
        return None, ""
    if kind == "mot":
        release = record.get("release") or {}
        if fact == "organisation":
            prod = str(release.get("producer") or "")
            return (organisation_matches(value, prod) if prod else None), prod
        if fact == "licence_id":
            dist = (release.get("license") or {}).get("distribution") or {}
            licence_raw = dist.get("name") if isinstance(dist, Mapping) else None
            return licence_matches(value, licence_raw), str(licence_raw)
        if fact in ("code_open", "data_open", "weights"):
            component = {
                "code_open": "Training code",
                "data_open": "Datasets",
                "weights": "Model parameters (Final)",
            }[fact]
            result = mof_class(record)
            verdict = next((c for c in result.components if c.name == component), None)
            if verdict is None:
                return None, ""
            is_open = bool(verdict.open_normalized)
            included = bool(getattr(verdict, "included", False))
            if fact == "weights":
                return (
                    included == (value != "none")
                ) if included else None, f"{component}: included {_yes(included)}"
            return is_open == bool(
                value
            ), f"{component}: included {_yes(included)}, open {_yes(is_open)} (normalised licence ids)"
        return None, ""
    if kind == "eg":
        if fact == "organisation":
            org = str(_eg(record.get("organization")) or "")
            return (organisation_matches(value, org) if org else None), org
        if fact == "country":
            raw = str(_eg(record.get("nationality")) or "")
            codes = country_codes(raw)
            code = next(iter(codes)) if len(codes) == 1 else None
            return (code == value if code else None), raw
        if fact == "release_date":
            raw = str(_eg(record.get("created_date")) or "")
            return (raw[:10] == value if _present(raw) else None), raw
        if fact == "weights":
            access = str(_eg(record.get("access")) or "").lower()
            if access not in ("open", "limited", "closed"):
                return None, access
            return (access == "open") == (value != "none"), f"access: {access}"
        if fact == "licence_id":
            raw = _eg(record.get("license"))
            if str(raw).strip().lower() in ("custom", "none", "unknown", ""):
                return None, str(raw)
            return licence_matches(value, raw), str(raw)
        return None, ""
    return None, ""


def derived_licence_class(entry: CatalogEntry) -> str:
    """The entry's licence class: curated when given, else from its licence (text read when available)."""
    if entry.licence_class:
        return entry.licence_class
    if entry.weights == "none":
        return "proprietary"

    report = reference_licence_report(entry.licence_id)
    if report is not None and report["licence_class"] != "proprietary":
        return report["licence_class"]
    return licence_class(entry.licence_id, report["report"] if report else None)[0]


def reference_licence_report(licence_id: str | None, data_dir: Path | None = None) -> dict[str, Any] | None:
    """Analyse the reference licence text for ``licence_id`` (a ScanCode key) when the snapshot has it."""
    if not licence_id:
        return None

    base = data_dir or default_data_dir()
    path = base / "licenses" / "license-texts" / f"{licence_id.lower()}.LICENSE"
    return _licence_report_cached(str(path)) if path.is_file() else None


@lru_cache(maxsize=64)
def _licence_report_cached(path: str) -> dict[str, Any]:
    ev = from_licence_text(path, source=path)[0]
    return {
        "report": ev.extra["licence_report"],
        "licence_class": ev.extra["licence_class"],
        "source": path,
        "evidence": ev,
    }


def verify_catalog(entries: Iterable[CatalogEntry] | None = None, data_dir: Path | None = None) -> Any:
    """Check every (fact, cited source) pair against the snapshot; one row per pair.

    ``status``: ``match`` (the snapshot states the fact and agrees), ``mismatch`` (it disagrees — a
    finding), ``not_stated`` (the record does not state that fact), ``missing`` (the cited record is not
    in the snapshot), ``url`` (a web source, not checked offline).
    """

    rows = []
    for entry in entries if entries is not None else load_catalog():
        for src in entry.sources:
            ref = src["ref"]
            kind, record, location = resolve_ref(ref, data_dir)
            for fact in src.get("fields") or []:
                value = (
                    derived_licence_class(entry) if fact == "licence_class" else getattr(entry, fact, None)
                )
                if kind == "url":
                    status, says = "url", ""
                elif record is None:
                    status, says = "missing", ""
                else:
                    agrees, says = snapshot_says(kind, record, fact, entry)
                    status = "not_stated" if agrees is None else ("match" if agrees else "mismatch")
                rows.append(
                    {
                        "release": entry.id,
                        "fact": fact,
                        "value": value,
                        "source": ref,
                        "kind": kind,
                        "location": location,
                        "snapshot_says": says,
                        "status": status,
                    }
                )
    return pd.DataFrame(rows)


def verified_facts(check: Any) -> dict[str, list[str]]:
    """release id → facts with at least one matching snapshot source (from :func:`verify_catalog`)."""
    out: dict[str, list[str]] = {}
    matched = check[check["status"] == "match"]
    for release, group in matched.groupby("release"):
        out[str(release)] = [f for f in FACT_FIELDS if f in set(group["fact"])]
    return out


def update_verified_flags(
    path: str | Path | None = None, data_dir: Path | None = None
) -> dict[str, list[str]]:
    """Rewrite the ``verified:`` line of every release in the catalogue file from :func:`verify_catalog`.

    A maintenance step (run after editing the catalogue with the snapshots present); the file is
    rewritten atomically and otherwise left as written.
    """

    target = Path(path) if path else CATALOG_PATH
    _load_cached.cache_clear()
    entries = load_catalog(target)
    flags = verified_facts(verify_catalog(entries, data_dir))
    lines = target.read_text(encoding="utf-8").splitlines()
    out: list[str] = []
    current: str | None = None
    for line in lines:
        m = re.match(r"^- id: (.+)$", line)
        if m:
            current = m.group(1).strip().strip("'\"")
        if re.match(r"^  verified:", line):
            continue
        if line.startswith("  sources:") and current is not None:
            out.append(f"  verified: [{', '.join(flags.get(current, []))}]")
        out.append(line)
    write_text_atomic(target, "\n".join(out) + "\n")
    _load_cached.cache_clear()
    return flags


def snapshot_evidence(entry: CatalogEntry, data_dir: Path | None = None) -> list[Evidence]:
    """Evidence from the snapshots an entry cites, through the part-A collectors (EOSAI, MOT, Epoch, EG)."""

    out: list[Evidence] = []
    seen: set[str] = set()
    for src in entry.sources:
        ref = src["ref"]
        if ref in seen:
            continue
        seen.add(ref)
        kind, record, location = resolve_ref(ref, data_dir)
        if record is None or kind == "url":
            continue
        try:
            if kind == "eosai":
                out += collectors.from_eosai_yaml(location)
            elif kind == "mot":
                out += collectors.from_mot_yaml(location)
            elif kind == "epoch":
                out += collectors.from_epoch_row(record, source=location)
            elif kind == "eg":
                out += collectors.from_ecosystem_asset(record, source=location)
        except InputError:
            continue
    return out
