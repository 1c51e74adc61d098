"""Downstream map: which downstream assets depend on which foundation models, by governance model.

Foster (arXiv 2509.10220) links openness to *downstream* governance: the lead firm's choice of openness
shapes the value chains built on its model. We measure the links from three public sources:

- Stanford CRFM **Ecosystem Graphs** (``ecosystem/ecosystem-graphs/assets/*.yaml``): every asset
  (application, dataset, model) lists its ``dependencies``; values are sometimes ``{value, explanation}``
  objects. Dependency names are resolved to catalogue releases (exact name, then model family).
- The **AI Stack Map** (currentai-org/os-ai-map, ``openness/ai-stack-map/sources``): products over 11
  value-chain categories; model products are matched to catalogue releases through their Hugging Face
  URLs or names, and the same organisation's products in other categories (chat apps, APIs, tools) are
  recorded as downstream, marked *inferred (same firm)*.
- **Hugging Face lineage** (``ecosystem/hf-lineage``; ``base_model`` edges: fine-tune, adapter, quantization,
  merge) from each catalogue release's repository, all descendants.

Each link carries the foundation model's governance model (from :func:`audit_catalog`), country and
lead firm; dependency names that resolve to no catalogue release are kept and reported as unresolved.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from valuechain.audit.catalog import CatalogEntry, _eg, _norm, find_entry, lineage_roots, load_catalog
from valuechain.audit.release import audit_entry
from valuechain.config import data_dir as default_data_dir
from valuechain.errors import InputError
from valuechain.output import source

#: Dependency names seen in Ecosystem Graphs → catalogue family (when no release name matches exactly).
FAMILY_ALIASES = {
    "llama": "Llama",
    "llama2": "Llama",
    "llama3": "Llama",
    "codellama": "Llama",
    "gpt4": "GPT",
    "gpt35": "GPT",
    "gpt35turbo": "GPT",
    "chatgpt": "GPT",
    "chatgptapi": "GPT",
    "openaiapi": "GPT",
    "gpt4api": "GPT",
    "gpt4o": "GPT",
    "gpt4turbo": "GPT",
    "claude": "Claude",
    "claudeapi": "Claude",
    "anthropicapi": "Claude",
    "claude2": "Claude",
    "claude3": "Claude",
    "gemini": "Gemini",
    "geminiapi": "Gemini",
    "palm2": None,
    "mistral": "Mistral",
    "mistral7b": "Mistral",
    "mixtral": "Mistral",
    "qwen": "Qwen",
    "qwen15": "Qwen",
    "qwen2": "Qwen",
    "qwen25": "Qwen",
    "deepseek": "DeepSeek",
    "deepseekv3": "DeepSeek",
    "deepseekr1": "DeepSeek",
    "falcon": "Falcon",
    "falcon40b": "Falcon",
    "falcon180b": "Falcon",
    "bloom": "BLOOM",
    "pythia": "Pythia",
    "olmo": "OLMo",
    "gemma": "Gemma",
    "gemma2": "Gemma",
    "phi": "Phi",
    "phi3": "Phi",
    "yi": "Yi",
    "baichuan": "Baichuan",
    "baichuan2": "Baichuan",
    "internlm": "InternLM",
    "chatglm": "GLM",
    "glm": "GLM",
    "glm4": "GLM",
    "grok": "Grok",
    "grok1": "Grok",
    "ernie": "ERNIE",
    "ernie40": "ERNIE",
    "starcoder": "StarCoder",
    "starcoder2": "StarCoder",
    "dbrx": "DBRX",
    "mpt": "MPT",
    "mpt7b": "MPT",
    "jais": "Jais",
    "jamba": "Jamba",
    "command": "Command",
    "commandr": "Command",
    "cohereapi": "Command",
    "exaone": "EXAONE",
    "hunyuan": "Hunyuan",
    "kimi": "Kimi",
    "minimax": "MiniMax",
    "nemotron": "Nemotron",
    "granite": "Granite",
    "luminous": "Luminous",
}
STACK_MODEL_CATEGORIES = ("base_pretrained", "finetuned_chat")


@dataclass
class Resolver:
    """Resolve a model name (Ecosystem Graphs dependency, Stack Map product) to catalogue releases."""

    entries: list[CatalogEntry]
    by_name: dict[str, CatalogEntry] = field(default_factory=dict)
    by_family: dict[str, list[CatalogEntry]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for e in self.entries:
            for key in (e.id, e.name, e.hf_repo or "", (e.hf_repo or "").split("/")[-1]):
                if _norm(key):
                    self.by_name.setdefault(_norm(key), e)
            self.by_family.setdefault(e.family, []).append(e)

    def resolve(self, name: str, when: str | None = None) -> tuple[CatalogEntry | None, str]:
        """The release a name points to and how it was resolved (``release`` / ``family`` / ``unresolved``)."""
        key = _norm(name)
        if not key:
            return None, "unresolved"
        if key in self.by_name:
            return self.by_name[key], "release"
        family = FAMILY_ALIASES.get(key)
        if family is None:
            for alias, fam in FAMILY_ALIASES.items():
                if fam and len(alias) >= 4 and key.startswith(alias) and not key[len(alias) :].isalpha():
                    family = fam
                    break
        if family and family in self.by_family:
            return self.pick(self.by_family[family], key, when), "family"
        return None, "unresolved"

    @staticmethod
    def pick(releases: list[CatalogEntry], key: str, when: str | None) -> CatalogEntry:
        """Within a family: a release whose name starts with the key, else the latest one released before
        ``when`` (the downstream asset's date), else the earliest."""
        named = [e for e in releases if _norm(e.name).startswith(key) or _norm(e.id).startswith(key)]
        pool = sorted(named or releases, key=lambda e: e.release_date)
        if when:
            before = [e for e in pool if e.release_date <= str(when)[:10]]
            if before:
                return before[-1]
        return pool[0]


@dataclass
class DownstreamMap:
    """Links from downstream assets to foundation models, with summaries and unresolved names."""

    links: Any  # DataFrame
    unresolved: Any  # DataFrame
    sources: list[dict[str, Any]]
    notes: list[str]

    def summary(self, by: str = "governance_model") -> Any:
        """Distinct downstream assets per ``by`` (governance_model, country, organisation) and source."""
        if self.links.empty:
            return pd.DataFrame(columns=[by])
        table = self.links.pivot_table(
            index=by, columns="dataset", values="downstream", aggfunc="nunique", fill_value=0
        )
        table["total"] = table.sum(axis=1)
        return table.sort_values("total", ascending=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "links": self.links.to_dict(orient="records"),
            "summary": {
                by: self.summary(by).reset_index().to_dict(orient="records")
                for by in ("governance_model", "country", "organisation")
            },
            "unresolved": self.unresolved.to_dict(orient="records"),
            "notes": self.notes,
        }


# --------------------------------------------------------------------------------------------------
@lru_cache(maxsize=2)
def ecosystem_graph_assets(root: str) -> tuple[dict[str, Any], ...]:
    """All Ecosystem Graphs assets (with their file) from ``assets/*.yaml``."""

    out = []
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for path in sorted(Path(root).glob("*.yaml")):
        try:
            items = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or []
        except yaml.YAMLError:
            continue
        for i, asset in enumerate(items if isinstance(items, list) else []):
            if isinstance(asset, Mapping) and asset.get("name"):
                out.append({**asset, "_file": f"{path.name}#{i}"})
    return tuple(out)


def _dependencies(asset: Mapping[str, Any]) -> list[str]:
    deps = _eg(asset.get("dependencies")) or []
    if isinstance(deps, str):
        deps = [d.strip() for d in deps.split(",")]
    return [str(_eg(d)).strip() for d in deps if _eg(d) not in (None, "")]


def _governance_lookup(entries: list[CatalogEntry], governance: Mapping[str, str] | None) -> dict[str, str]:
    if governance is not None:
        return dict(governance)

    return {e.id: audit_entry(e, with_snapshots=False).governance.label for e in entries}


def build_downstream(
    entries: Iterable[CatalogEntry] | None = None,
    data_dir: Path | None = None,
    governance: Mapping[str, str] | None = None,
    lineage_depth: int = 6,
) -> DownstreamMap:
    """Build the downstream map from Ecosystem Graphs, the AI Stack Map and Hugging Face lineage."""

    base = data_dir or default_data_dir()
    items = list(entries) if entries is not None else load_catalog()
    resolver = Resolver(items)
    gov = _governance_lookup(items, governance)
    links: list[dict[str, Any]] = []
    unresolved: list[dict[str, Any]] = []
    sources: list[dict[str, Any]] = []
    notes: list[str] = []

    def link(
        dataset: str,
        downstream: str,
        dtype: str,
        relation: str,
        dep: str,
        entry: CatalogEntry,
        resolution: str,
        location: str,
        downstream_org: str | None = None,
    ) -> None:
        links.append(
            {
                "dataset": dataset,
                "downstream": downstream,
                "downstream_type": dtype,
                "downstream_organisation": downstream_org,
                "relation": relation,
                "dependency": dep,
                "model_id": entry.id,
                "model": entry.name,
                "family": entry.family,
                "organisation": entry.organisation,
                "country": entry.country,
                "region": entry.region,
                "governance_model": gov.get(entry.id, "unknown"),
                "resolution": resolution,
                "source": location,
            }
        )

    # 1. Ecosystem Graphs ----------------------------------------------------------------------------
    eg_root = base / "ecosystem" / "ecosystem-graphs" / "assets"
    sm_dir = base / "openness" / "ai-stack-map"
    lineage_dir = base / "ecosystem" / "hf-lineage"
    if not (eg_root.is_dir() or sm_dir.is_dir() or lineage_dir.is_dir()):
        raise InputError(
            f"The downstream sources (Ecosystem Graphs, AI Stack Map, Hugging Face lineage) are not "
            f"under {base}; set VALUECHAIN_DATA to the reference snapshots."
        )
    if eg_root.is_dir():
        assets = ecosystem_graph_assets(str(eg_root))
        by_name = {_norm(a["name"]): a for a in assets}
        sources.append(
            source(
                "Stanford CRFM Ecosystem Graphs (assets, dependencies)",
                str(eg_root),
                "2025-01",
                commit="576655a5",
            )
        )
        for asset in assets:
            when = str(_eg(asset.get("created_date")) or "")
            for dep in _dependencies(asset):
                entry, how = resolver.resolve(dep, when)
                loc = f"ecosystem-graphs/assets/{asset['_file']}"
                if entry is not None:
                    link(
                        "ecosystem-graphs",
                        str(asset["name"]),
                        str(asset.get("type") or ""),
                        "depends on",
                        dep,
                        entry,
                        how,
                        loc,
                        str(_eg(asset.get("organization")) or ""),
                    )
                    continue
                target = by_name.get(_norm(dep))
                kind = str(target.get("type")) if target else None
                unresolved.append(
                    {
                        "dataset": "ecosystem-graphs",
                        "downstream": str(asset["name"]),
                        "dependency": dep,
                        "why": (
                            f"an Ecosystem Graphs {kind} not in the catalogue"
                            if kind == "model"
                            else f"an Ecosystem Graphs {kind}, not a foundation model"
                            if kind
                            else "no catalogue release or Ecosystem Graphs asset of that name"
                        ),
                        "dependency_type": kind or "unknown",
                        "source": loc,
                    }
                )
    else:
        notes.append(f"Ecosystem Graphs not found at {eg_root}; skipped.")

    # 2. AI Stack Map -------------------------------------------------------------------------------
    sm_root = base / "openness" / "ai-stack-map" / "sources"
    if sm_root.is_dir():
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

        def load(path: Path) -> dict[str, Any]:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
            return data if isinstance(data, dict) else {}

        category_of: dict[str, str] = {}
        for path in sorted((sm_root / "categories").glob("*.yaml")):
            for product in load(path).get("products") or []:
                category_of[str(product)] = path.stem
        org_of: dict[str, str] = {}
        org_products: dict[str, list[str]] = {}
        for path in sorted((sm_root / "organizations").glob("*.yaml")):
            data = load(path)
            for product in data.get("products") or []:
                org_of[str(product)] = str(data.get("display_name") or path.stem)
                org_products.setdefault(path.stem, []).append(str(product))
        products = {p.stem: load(p) for p in sorted((sm_root / "products").glob("*.yaml"))}
        sources.append(
            source(
                "AI Stack Map (currentai-org/os-ai-map): products, categories, organisations",
                str(sm_root),
                "2026-06",
                commit="57cbce24",
            )
        )
        model_of_product: dict[str, CatalogEntry] = {}
        for slug, prod in products.items():
            if category_of.get(slug) not in STACK_MODEL_CATEGORIES:
                continue
            entry = None
            for ref in prod.get("huggingface_model") or []:
                url = str(ref.get("url") if isinstance(ref, Mapping) else ref)
                repo = url.split("huggingface.co/")[-1].strip("/")
                entry = resolver.by_name.get(_norm(repo)) or resolver.by_name.get(_norm(repo.split("/")[-1]))
                if entry:
                    break
            how = "release"
            if entry is None:
                entry, how = resolver.resolve(str(prod.get("display_name") or slug))
            if entry is None:
                unresolved.append(
                    {
                        "dataset": "ai-stack-map",
                        "downstream": slug,
                        "dependency": str(prod.get("display_name") or slug),
                        "why": "a Stack Map model product matching no catalogue release",
                        "dependency_type": category_of.get(slug),
                        "source": f"ai-stack-map/products/{slug}.yaml",
                    }
                )
                continue
            model_of_product[slug] = entry
            link(
                "ai-stack-map",
                str(prod.get("display_name") or slug),
                category_of.get(slug, ""),
                "is the Stack Map product for",
                str(prod.get("display_name") or slug),
                entry,
                how,
                f"ai-stack-map/products/{slug}.yaml",
                org_of.get(slug),
            )
        for org, slugs in org_products.items():
            models = [model_of_product[s] for s in slugs if s in model_of_product]
            if not models:
                continue
            lead = sorted(models, key=lambda e: e.release_date)[-1]
            for slug in slugs:
                if slug in model_of_product or category_of.get(slug) in STACK_MODEL_CATEGORIES:
                    continue
                prod = products.get(slug, {})
                link(
                    "ai-stack-map",
                    str(prod.get("display_name") or slug),
                    category_of.get(slug, ""),
                    "same-firm product (inferred)",
                    lead.name,
                    lead,
                    "inferred (same firm)",
                    f"ai-stack-map/organizations/{org}.yaml",
                    org_of.get(slug),
                )
    else:
        notes.append(f"AI Stack Map not found at {sm_root}; skipped.")

    # 3. Hugging Face lineage -----------------------------------------------------------------------
    lineage_file = base / "ecosystem" / "hf-lineage" / "edges-text-generation-2025-06.csv"
    if lineage_file.is_file():
        edges = pd.read_csv(lineage_file)
        sources.append(
            source(
                "Hugging Face lineage edges (base_model tags, text-generation)",
                str(lineage_file),
                "2025-06",
                commit="5f6e81b0",
            )
        )
        children: dict[str, list[tuple[str, str]]] = {}
        spelled: dict[str, str] = {}
        for src, dst, rel in edges[["source", "target", "edge"]].itertuples(index=False):
            children.setdefault(str(src).lower(), []).append((str(dst), str(rel)))
            spelled.setdefault(str(src).lower(), str(src))
        roots = lineage_roots(items, spelled.values())
        for entry in items:
            if not entry.hf_repo:
                continue
            seen = {r.lower() for r in roots[entry.id]}
            queue: deque[tuple[str, int, str | None, str]] = deque([(r, 0, None, r) for r in roots[entry.id]])
            while queue:
                repo, depth, first_rel, root = queue.popleft()
                if depth >= lineage_depth:
                    continue
                for dst, rel in children.get(repo.lower(), []):
                    if dst.lower() in seen:
                        continue
                    seen.add(dst.lower())
                    relation = rel if depth == 0 else f"{first_rel or rel} → … → {rel}"
                    link(
                        "hf-lineage",
                        dst,
                        "hf-model",
                        relation,
                        root,
                        entry,
                        "release" if root.lower() == entry.hf_repo.lower() else "release series (same owner)",
                        str(lineage_file.name),
                        dst.split("/")[0],
                    )
                    queue.append((dst, depth + 1, first_rel or rel, root))
    else:
        notes.append(f"Hugging Face lineage not found at {lineage_file}; skipped.")

    notes.append("Governance models are our operationalisation of Foster (2025, arXiv 2509.10220).")
    notes.append(
        "Hugging Face lineage is followed from each release's repository and, when only one catalogue "
        "release has that series, from the same owner's other sizes and variants of the series."
    )
    notes.append(
        "Ecosystem Graphs dependency names are resolved by exact release name first, then by model "
        "family (the family's latest release before the asset's date); Stack Map same-firm links are "
        "inferred, not stated by the source."
    )
    link_cols = [
        "dataset",
        "downstream",
        "downstream_type",
        "downstream_organisation",
        "relation",
        "dependency",
        "model_id",
        "model",
        "family",
        "organisation",
        "country",
        "region",
        "governance_model",
        "resolution",
        "source",
    ]
    return DownstreamMap(
        links=pd.DataFrame(links, columns=link_cols),
        unresolved=pd.DataFrame(
            unresolved, columns=["dataset", "downstream", "dependency", "why", "dependency_type", "source"]
        ),
        sources=sources,
        notes=notes,
    )


def downstream(
    model: str | None = None, data_dir: Path | None = None, governance: Mapping[str, str] | None = None
) -> DownstreamMap:
    """The downstream map, restricted to one catalogue release or family when ``model`` is given."""

    entries = load_catalog()
    full = build_downstream(entries, data_dir=data_dir, governance=governance)
    if model is None:
        return full
    entry = find_entry(model, entries)
    families = {e.family for e in entries}
    if entry is not None:
        mask = full.links["model_id"] == entry.id
    elif model in families or model.lower() in {f.lower() for f in families}:
        mask = full.links["family"].str.lower() == model.lower()
    else:
        raise InputError(
            f"'{model}' is not a catalogue release or model family; see `valuechain audit catalog`."
        )
    note = (
        f"Filtered to {model!r}: the {len(full.unresolved)} unresolved dependency names match no catalogue "
        "release, so they are listed only for the whole map (`valuechain audit downstream` without a model)."
    )
    return DownstreamMap(
        links=full.links[mask].reset_index(drop=True),
        unresolved=full.unresolved.iloc[0:0],
        sources=full.sources,
        notes=[*full.notes, note],
    )
