"""Evidence collectors: every source the openness audit reads, turned into :class:`Evidence` records.

Sources (spec ``openness-audit.md`` §1, in order of preference): a Hugging Face repository (live through
``huggingface_hub`` or a saved snapshot), a local release directory, a licence text, and structured
records -- a Model Openness Tool YAML, a European Open Source AI Index YAML, an Epoch AI row, an
Ecosystem Graphs asset. Each record carries its source (URL or file, with the key or row) and date.

Bad input (empty, binary, over-large, malformed, wrong schema, unknown repository) raises
:class:`valuechain.errors.InputError` with one sentence; texts in Latin-1 or UTF-16/32 with a BOM are
decoded, not refused.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from valuechain import config
from valuechain.audit.evidence import Evidence, Status
from valuechain.audit.licence import analyse_licence
from valuechain.audit.licences import CONTROL_LEVERS, mot_licences
from valuechain.audit.mof import mof_class
from valuechain.errors import InputError, SourceError
from valuechain.textio import load_yaml_file, read_text, split_front_matter

WEIGHT_PATTERNS = (
    "*.safetensors",
    "*.bin",
    "*.gguf",
    "*.pt",
    "*.pth",
    "*.ckpt",
    "*.h5",
    "*.msgpack",
    "*.onnx",
    "*.npz",
    "*.tflite",
    "*.mlmodel",
    "*.nemo",
    "*.pdparams",
)
LICENCE_PATTERNS = ("LICENSE*", "LICENCE*", "license*", "licence*", "COPYING*", "USE_POLICY*", "NOTICE*")
CODE_PATTERNS = ("*.py", "*.ipynb", "*.cu", "*.cpp", "*.rs", "*.js", "*.ts", "*.sh")
TRAINING_CODE_PATTERNS = ("train*.py", "*finetune*.py", "*pretrain*.py", "*_train.py", "train*.sh")
EVAL_CODE_PATTERNS = ("eval*.py", "*evaluate*.py", "*benchmark*.py")
ARCH_PATTERNS = ("modeling_*.py", "configuration_*.py", "model.py", "config.json", "params.json")
DATA_PATTERNS = ("*.parquet", "*.jsonl", "*.arrow", "*.tfrecord", "*.csv")


def empty_hf_payload(repo_id: str, *, files: list[str], has_file_list: bool) -> dict[str, Any]:
    """A Hugging Face payload with nothing known but the id and the file list (a local directory or
    snapshot without an API record): no card, tags, gating, pipeline tag, dates or counts."""
    return {
        "id": repo_id,
        "files": files,
        "card": {},
        "card_text": "",
        "tags": [],
        "gated": False,
        "pipeline_tag": None,
        "last_modified": None,
        "sha": None,
        "downloads": None,
        "has_file_list": has_file_list,
    }


def _today() -> str:
    return date.today().isoformat()


def _matches(name: str, patterns: Iterable[str]) -> bool:
    base = name.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(base, p) for p in patterns)


# ------------------------------------------------------------------------------------ licence texts


def licence_status(report: Any) -> Status:
    """open (no control lever), partial (commercial use with levers), closed (no commercial use, or no
    grant to copy, share or modify at all: terms of service, a bare use policy, a pointer notice)."""
    if getattr(report, "licence_class", None) == "proprietary":
        return "closed"
    flags = report.to_dict()
    levers = [k for k in CONTROL_LEVERS if flags[k]]
    if not flags["commercial_use"]:
        return "closed"
    return "partial" if levers else "open"


def from_licence_text(
    path_or_text: str | Path, *, source: str | None = None, component: str = "Licence terms"
) -> list[Evidence]:
    """Read a licence text (file path or the text itself) with :func:`licence.analyse_licence`.

    The evidence's ``extra`` holds the full licence report (``licence_report``) and the licence class
    used by the governance map (``licence_class``: osi_open, open_data, restricted_open, non_commercial,
    proprietary).
    """

    is_path = not (isinstance(path_or_text, str) and ("\n" in path_or_text or len(path_or_text) > 4096))
    text = read_text(path_or_text, what="licence file")
    _, body = split_front_matter(text)
    report = analyse_licence(body)
    status = licence_status(report)
    ident = report.identified["id"] if report.identified else None
    quote = next(iter(report.evidence.values()), None) or body.strip()[:200]
    return [
        Evidence(
            component=component,
            status=status,
            source=source or (str(path_or_text) if is_path else "<text>"),
            licence=ident,
            date=_today(),
            quote=quote,
            method="licence-text",
            extra={"licence_report": report.to_dict(), "licence_class": report.licence_class},
        )
    ]


# ----------------------------------------------------------------------------------- Hugging Face


def inference_providers(mapping: Any) -> list[dict[str, Any]]:
    """The Hub's ``inferenceProviderMapping`` (``?expand=inferenceProviderMapping``) as a list of providers.

    The Hub returns a mapping ``{provider: {status, providerId, task}}`` from ``model_info`` and a list of
    ``{provider, status, providerId, task}`` from ``list_models``; ``huggingface_hub`` turns both into
    ``InferenceProviderMapping`` objects. All three are accepted; anything else gives no providers.
    """
    if isinstance(mapping, Mapping):
        items = [
            {**value, "provider": provider}
            for provider, value in mapping.items()
            if isinstance(value, Mapping)
        ]
    elif isinstance(mapping, list):
        items = [
            dict(v) if isinstance(v, Mapping) else dict(vars(v))
            for v in mapping
            if isinstance(v, Mapping) or hasattr(v, "__dict__")
        ]
    else:
        return []
    out = []
    for item in items:
        provider = item.get("provider")
        if provider:
            out.append(
                {
                    "provider": str(provider),
                    "status": str(item.get("status") or "unknown"),
                    "provider_id": item.get("providerId", item.get("provider_id")),
                    "task": item.get("task"),
                }
            )
    return out


def _hf_payload_from_json(data: Mapping[str, Any], where: str) -> dict[str, Any]:
    """Normalise a recorded ``/api/models/{id}`` body (camelCase) or a dumped ``ModelInfo`` (snake_case)."""
    if not isinstance(data, Mapping) or not (data.get("id") or data.get("modelId")):
        raise InputError(f"{where} is not a Hugging Face model-info record (no 'id').")
    siblings = data.get("siblings") or []
    files = []
    for s in siblings:
        if isinstance(s, Mapping):
            files.append(str(s.get("rfilename", "")))
        else:  # a repr such as "RepoSibling(rfilename='config.json', ...)"
            m = re.search(r"rfilename='([^']+)'", str(s))
            if m:
                files.append(m.group(1))
    card = data.get("cardData") or data.get("card_data") or {}
    if isinstance(card, str):
        try:
            card = yaml.safe_load(card) or {}
        except yaml.YAMLError:
            card = {}
    return {
        "id": data.get("id") or data.get("modelId"),
        "files": [f for f in files if f],
        "card": card if isinstance(card, Mapping) else {},
        "card_text": "",
        "tags": list(data.get("tags") or []),
        "gated": data.get("gated", False),
        "pipeline_tag": data.get("pipeline_tag"),
        "last_modified": data.get("lastModified") or data.get("last_modified"),
        "sha": data.get("sha"),
        "downloads": data.get("downloads"),
        "has_file_list": bool(siblings),
        "inference_providers": inference_providers(
            data.get("inferenceProviderMapping", data.get("inference_provider_mapping"))
        ),
    }


def _hf_payload_from_snapshot(snapshot: str | Path, repo_id: str) -> dict[str, Any]:
    path = Path(snapshot)
    if not path.exists():
        raise InputError(f"The Hugging Face snapshot {path} does not exist.")
    if path.is_file():
        try:
            data = json.loads(read_text(path, what="Hugging Face snapshot"))
        except json.JSONDecodeError:
            raise InputError(f"The Hugging Face snapshot {path} is not valid JSON.") from None
        payload = _hf_payload_from_json(data, f"The Hugging Face snapshot {path}")
        payload["source"] = str(path)
        return payload
    info_file = next((p for p in (path / "model_info.json", path / "info.json") if p.is_file()), None)
    if info_file:
        payload = _hf_payload_from_snapshot(info_file, repo_id)
    else:
        payload = empty_hf_payload(repo_id, files=[], has_file_list=False)
    listing = next((p for p in (path / "files.txt", path / "file_list.txt") if p.is_file()), None)
    if listing:
        payload["files"] = [
            ln.strip() for ln in read_text(listing, "file listing").splitlines() if ln.strip()
        ]
    elif not payload["files"]:
        payload["files"] = sorted(str(p.relative_to(path)) for p in path.rglob("*") if p.is_file())
    payload["has_file_list"] = True
    readme = path / "README.md"
    if readme.is_file():
        meta, body = split_front_matter(read_text(readme, "model card"))
        payload["card"] = {**payload["card"], **meta}
        payload["card_text"] = body
        if "README.md" not in payload["files"]:
            payload["files"].append("README.md")
    _attach_licence_text(payload, lambda name: (path / name) if (path / name).is_file() else None)
    payload["source"] = str(path)
    return payload


def _attach_licence_text(payload: dict[str, Any], fetch: Any) -> None:
    """Read the repository's top-level licence file (LICENSE, LICENSE.md, ...) when it can be fetched."""
    for name in sorted(
        f for f in payload.get("files") or [] if "/" not in f and _matches(f, LICENCE_PATTERNS[:4])
    ):
        try:
            local = fetch(name)
            if local is None:
                continue
            _, body = split_front_matter(read_text(local, what="licence file"))
        except InputError:
            continue
        except Exception:  # noqa: BLE001 - a licence file that cannot be fetched is simply not read
            continue
        payload["licence_text"], payload["licence_file"] = body, name
        return


def _hf_payload_live(repo_id: str, api: Any = None) -> dict[str, Any]:
    try:
        from huggingface_hub import HfApi
        from huggingface_hub.utils import GatedRepoError, HfHubHTTPError, RepositoryNotFoundError
    except ImportError as exc:  # pragma: no cover - huggingface_hub is a dependency
        raise SourceError("huggingface_hub is not installed.") from exc

    api = api or HfApi(token=config.token("HF_TOKEN"))
    try:
        info = api.model_info(repo_id)
    except GatedRepoError:  # a subclass of RepositoryNotFoundError: caught first
        raise InputError(
            f"The Hugging Face model '{repo_id}' is gated and needs an accepted licence."
        ) from None
    except RepositoryNotFoundError:
        raise InputError(f"The Hugging Face model '{repo_id}' does not exist (or is private).") from None
    except HfHubHTTPError as exc:
        raise SourceError(
            f"Hugging Face did not answer for '{repo_id}' ({exc.__class__.__name__})."
        ) from None
    except Exception as exc:  # noqa: BLE001 - transport errors (httpx/requests/OSError) differ by version
        raise SourceError(
            f"Hugging Face could not be reached for '{repo_id}' ({exc.__class__.__name__}); "
            "check the network or pass a saved snapshot."
        ) from None
    card = info.card_data.to_dict() if getattr(info, "card_data", None) else {}
    files = [s.rfilename for s in (info.siblings or [])]
    card_text = ""
    if "README.md" in files:
        try:  # through the same client, so that its endpoint and token are used
            readme = api.hf_hub_download(repo_id, "README.md")
            _, card_text = split_front_matter(Path(readme).read_text(encoding="utf-8", errors="replace"))
        except Exception:  # noqa: BLE001 - the card text is optional evidence
            card_text = ""
    payload = {
        "id": info.id,
        "files": files,
        "card": card,
        "card_text": card_text,
        "tags": list(info.tags or []),
        "gated": info.gated,
        "pipeline_tag": info.pipeline_tag,
        "last_modified": info.last_modified.isoformat() if info.last_modified else None,
        "sha": info.sha,
        "downloads": info.downloads,
        "has_file_list": True,
        "source": f"https://huggingface.co/{info.id}",
        "inference_providers": inference_providers(getattr(info, "inference_provider_mapping", None)),
    }
    if not payload["inference_providers"]:
        # the mapping is only returned when asked for (expand cannot be combined with the default fields)
        try:
            expanded = api.model_info(repo_id, expand=["inferenceProviderMapping"])
            payload["inference_providers"] = inference_providers(
                getattr(expanded, "inference_provider_mapping", None)
            )
        except Exception:  # noqa: BLE001 - third-party hosting is optional evidence
            pass
    _attach_licence_text(payload, lambda name: api.hf_hub_download(repo_id, name))
    return payload


_HF_ID = re.compile(r"^[A-Za-z0-9][\w.\-]*(/[\w.\-]+)?$")


def from_huggingface(repo_id: str, *, snapshot: str | Path | None = None, api: Any = None) -> list[Evidence]:
    """Evidence from a Hugging Face model repository: weights, licence, card, code, data, papers, gating.

    Live through ``huggingface_hub`` (``HfApi.model_info`` with the file list, then the README card), or
    from ``snapshot``: a recorded ``/api/models/{id}`` JSON body (or a dumped ``ModelInfo``), or a
    directory holding ``README.md`` (card with YAML front matter) and either ``files.txt`` (one repository
    path per line), ``model_info.json``, or the repository files themselves.
    """
    if not isinstance(repo_id, str) or not _HF_ID.match(repo_id.strip()):
        raise InputError(f"'{repo_id}' is not a Hugging Face repository id (owner/name).")
    payload = _hf_payload_from_snapshot(snapshot, repo_id) if snapshot else _hf_payload_live(repo_id, api)
    return hf_evidence(payload)


def _tag_values(tags: Iterable[str], prefix: str) -> list[str]:
    return [t[len(prefix) :] for t in tags if t.startswith(prefix)]


def hf_evidence(payload: Mapping[str, Any]) -> list[Evidence]:
    """Turn a normalised Hugging Face payload into evidence records."""
    repo = payload["id"]
    src = payload.get("source") or f"https://huggingface.co/{repo}"
    when = (payload.get("last_modified") or "")[:10] or _today()
    card = payload.get("card") or {}
    tags = payload.get("tags") or []
    files = payload.get("files") or []
    gated = payload.get("gated") or False
    licence = card.get("license") or next(iter(_tag_values(tags, "license:")), None)
    if isinstance(licence, list):
        licence = licence[0] if licence else None
    licence_name = card.get("license_name")
    licence_link = card.get("license_link")
    base_models = card.get("base_model") or []
    base_models = [base_models] if isinstance(base_models, str) else list(base_models)
    relation = None
    for tag in tags:
        m = re.match(r"base_model:(finetune|quantized|merge|adapter):(.+)", tag)
        if m:
            relation = m.group(1)
            if m.group(2) not in base_models:
                base_models.append(m.group(2))
    common = {
        "repo_id": repo,
        "gated": gated,
        "hf_license": licence,
        "license_name": licence_name,
        "license_link": licence_link,
        "base_model": base_models or None,
        "base_model_relation": relation,
        "pipeline_tag": payload.get("pipeline_tag") or card.get("pipeline_tag"),
        "downloads": payload.get("downloads"),
        "sha": payload.get("sha"),
    }
    lic_id = licence_name if licence == "other" and licence_name else licence

    open_licence = mot_licences().is_open(mot_licences().normalise(lic_id)) if lic_id else False
    out: list[Evidence] = []

    def add(component: str, status: Status, quote: str | None, **extra: Any) -> None:
        out.append(
            Evidence(
                component=component,
                status=status,
                source=src,
                licence=lic_id,
                date=when,
                quote=quote,
                method="huggingface",
                extra={**common, **extra},
            )
        )

    weights = [f for f in files if _matches(f, WEIGHT_PATTERNS)]
    if weights:
        status: Status = "open" if (open_licence and not gated) else "partial"
        add(
            "Model parameters (Final)",
            status,
            f"{len(weights)} weight file(s), e.g. {weights[0]}"
            + (f"; access gated ({gated})" if gated else ""),
            weights_files=weights[:50],
            weights="gated" if gated else "open",
        )
    elif payload.get("has_file_list"):
        add("Model parameters (Final)", "absent", "no weight files in the repository", weights="none")
    intermediate = [f for f in files if re.search(r"(checkpoint|step|revision)[-_]?\d+", f, re.I)]
    if intermediate:
        add("Model parameters (Intermediate)", "open" if open_licence else "partial", intermediate[0])
    lic_files = [f for f in files if _matches(f, LICENCE_PATTERNS)]
    licence_text = payload.get("licence_text")
    if licence_text:  # the licence file itself was read: its clauses decide the status and the levers
        report = analyse_licence(licence_text)
        quote = next(iter(report.evidence.values()), None) or f"license: {licence}"
        add(
            "Licence terms",
            licence_status(report),
            quote,
            licence_files=lic_files,
            licence_file=payload.get("licence_file"),
            licence_report=report.to_dict(),
            licence_class=report.licence_class,
            identified_licence=(report.identified or {}).get("id"),
        )
    elif licence or lic_files:
        quote = (
            f"license: {licence}"
            + (f" ({licence_name})" if licence_name else "")
            + (f"; licence file {lic_files[0]}" if lic_files else "")
        )
        add(
            "Licence terms",
            "open" if open_licence else "partial",
            quote,
            licence_files=lic_files,
            licence_class="osi_open" if open_licence else None,
        )
    if "README.md" in files or card:
        add(
            "Model card",
            "open" if open_licence else "partial",
            "README.md model card"
            + (f" ({len(payload.get('card_text') or '')} characters)" if payload.get("card_text") else ""),
        )
    arch = [f for f in files if _matches(f, ARCH_PATTERNS)]
    if arch:
        add("Model architecture", "open" if open_licence else "partial", ", ".join(arch[:3]))
    code = [f for f in files if _matches(f, CODE_PATTERNS)]
    train = [f for f in code if _matches(f, TRAINING_CODE_PATTERNS)]
    if train:
        add("Training code", "open" if open_licence else "partial", ", ".join(train[:3]))
    infer = [f for f in code if f not in train]
    if infer:
        add("Inference code", "open" if open_licence else "partial", ", ".join(infer[:3]))
    datasets = card.get("datasets") or _tag_values(tags, "dataset:")
    if isinstance(datasets, str):
        datasets = [datasets]
    if datasets:
        add(
            "Datasets",
            "partial",
            "datasets named in the card: " + ", ".join(map(str, datasets[:5])),
            datasets=list(datasets),
        )
    papers = _tag_values(tags, "arxiv:")
    if papers:
        add("Research paper", "open", "arXiv " + ", ".join(papers[:3]), arxiv=papers)
    if card.get("model-index") or card.get("model_index"):
        add("Evaluation results", "open" if open_licence else "partial", "model-index in the card")
    live = [p for p in payload.get("inference_providers") or [] if p["status"] == "live"]
    if live:  # third parties serve the model through their APIs (Hugging Face Inference Providers)
        quote = "inferenceProviderMapping, live: " + ", ".join(
            f"{p['provider']} ({p['provider_id']}, {p['task']})" for p in live
        )
        out.append(
            Evidence(
                component="API access",
                status="open",
                source=(
                    f"{src}#inferenceProviderMapping"
                    if not src.startswith("http")
                    else f"https://huggingface.co/api/models/{repo}?expand=inferenceProviderMapping"
                ),
                licence=lic_id,
                date=when,
                quote=quote,
                method="huggingface",
                extra={**common, "api": "paid", "third_party": True, "inference_providers": live},
            )
        )
    return out


# ---------------------------------------------------------------------------------- local directory


def from_directory(path: str | Path) -> list[Evidence]:
    """Evidence from a local release directory: weights, licence texts (analysed), card, code, data."""
    root = Path(path)
    if not root.exists():
        raise InputError(f"The release directory {root} does not exist.")
    if not root.is_dir():
        raise InputError(f"{root} is not a directory.")
    files = []
    for i, p in enumerate(root.rglob("*")):
        if i > 100_000:
            break
        if p.is_file() and ".git" not in p.parts:
            files.append(str(p.relative_to(root)).replace("\\", "/"))
    if not files:
        raise InputError(f"The release directory {root} is empty.")
    payload = empty_hf_payload(root.name, files=sorted(files), has_file_list=True)
    payload["source"] = str(root)
    readme = root / "README.md"
    if readme.is_file():
        meta, body = split_front_matter(read_text(readme, "model card"))
        payload["card"], payload["card_text"] = meta, body
    evidence = [e for e in hf_evidence(payload) if e.component != "Licence terms"]
    for rel in files:
        if _matches(rel, LICENCE_PATTERNS) and rel.count("/") <= 1:
            try:
                evidence += from_licence_text(root / rel, source=str(root / rel))
            except InputError:
                continue
    return [Evidence(**{**e.to_dict(), "method": "directory"}) for e in evidence]


# ------------------------------------------------------------------------------ structured records


def from_mot_yaml(path: str | Path) -> list[Evidence]:
    """Evidence from a Model Openness Tool YAML: one record per MOF component (MOT-exact openness)."""

    return mof_class(path).evidence()


#: European Open Source AI Index parameters (v1.0.x: 14, in the Index's order) and the component each of its
#: records is filed under. How *our* evidence is read as Index parameters is
#: :func:`valuechain.audit.frameworks.index_parameter_evidence`.
EOSAI_PARAMETER_COMPONENT: dict[str, str] = {
    "datasources_basemodel": "Datasets",
    "datasources_endmodel": "Datasets",
    "weights_basemodel": "Model parameters (Final)",
    "weights_endmodel": "Model parameters (Final)",
    "trainingcode": "Training code",
    "code": "Model architecture",
    "hardware_architecture": "Model metadata",
    "preprint": "Research paper",
    "paper": "Research paper",
    "modelcard": "Model card",
    "datasheet": "Data card",
    "package": "Package",
    "api": "API access",
    "licenses": "Licence terms",
}
_EOSAI_CLASSES: dict[str, Status] = {"open": "open", "partial": "partial", "closed": "closed"}


def from_eosai_yaml(path: str | Path) -> list[Evidence]:
    """Evidence from a European Open Source AI Index YAML (open/partial/closed per parameter)."""
    data = load_yaml_file(path, "European Open Source AI Index YAML")
    if not isinstance(data, Mapping) or not isinstance(data.get("system"), Mapping):
        raise InputError(f"{path} is not a European Open Source AI Index record (no 'system' mapping).")
    system = data["system"]
    found = [p for p in EOSAI_PARAMETER_COMPONENT if isinstance(data.get(p), Mapping)]
    if not found:
        raise InputError(f"{path} has no European Open Source AI Index parameters (e.g. 'weights_endmodel').")
    version = Path(path).parent.name if re.match(r"v\d", Path(path).parent.name) else None
    out = []
    for param in found:
        entry = data[param]
        cls = str(entry.get("class") or "").strip().lower()
        status = _EOSAI_CLASSES.get(cls, "absent")
        out.append(
            Evidence(
                component=EOSAI_PARAMETER_COMPONENT[param],
                status=status,
                source=f"{path}#{param}",
                licence=system.get("endmodellicense") if param.startswith("weights") else None,
                date=str(system.get("releasedate") or "") or None,
                quote=(str(entry.get("notes") or "").strip() or None),
                method="eosai-yaml",
                extra={
                    "eosai_parameter": param,
                    "eosai_class": cls or None,
                    "link": entry.get("link"),
                    "system": system.get("name"),
                    "organisation": (data.get("org") or {}).get("name"),
                    "eosai_version": version,
                },
            )
        )
    return out


EPOCH_ACCESS_STATUS: dict[str, Status] = {
    "Unreleased": "closed",
    "Hosted access (no API)": "closed",
    "API access": "closed",
    "Open weights (non-commercial)": "partial",
    "Open weights (restricted use)": "partial",
    "Open weights (unrestricted)": "open",
}
EPOCH_CODE_STATUS: dict[str, Status] = {
    "Unreleased": "closed",
    "Open source": "open",
    "Open (non-commercial)": "partial",
    "Open (restricted use)": "partial",
    "Open access (non-commercial)": "partial",
    "Open access (restricted use)": "partial",
}


def _row_get(row: Mapping[str, Any], *names: str) -> str:
    for name in names:
        for key in (name, "\ufeff" + name):
            value = row.get(key)
            if value is not None and str(value).strip() and str(value).strip().lower() != "nan":
                return str(value).strip()
    return ""


def from_epoch_row(row: Mapping[str, Any], *, source: str = "Epoch AI") -> list[Evidence]:
    """Evidence from one Epoch AI row (``Model accessibility``, ``Training code accessibility`` ...)."""
    if not isinstance(row, Mapping):
        raise InputError("The Epoch AI row is not a mapping of column names to values.")
    system = _row_get(row, "System", "Model")
    if not system:
        raise InputError("The Epoch AI row has no 'System' (model name) column.")
    when = _row_get(row, "Publication date") or None
    src = f"{source}#System={system}"
    common: dict[str, str | None] = {
        "system": system,
        "organisation": _row_get(row, "Organization"),
        "country": _row_get(row, "Country (from Organization)", "Country (of organization)"),
    }
    hardware = _row_get(row, "Training hardware")
    if hardware:  # documentation of the training hardware (the Index's hardware_architecture)
        common.update(
            training_hardware=hardware, hardware_quantity=_row_get(row, "Hardware quantity") or None
        )
    out = []
    access = _row_get(row, "Model accessibility")
    if access:
        out.append(
            Evidence(
                component="Model parameters (Final)",
                status=EPOCH_ACCESS_STATUS.get(access, "absent"),
                source=src,
                date=when,
                quote=f"Model accessibility: {access}",
                method="epoch",
                extra={**common, "epoch_accessibility": access},
            )
        )
        if access in ("API access", "Hosted access (no API)"):
            out.append(
                Evidence(
                    component="API access",
                    status="open" if access == "API access" else "partial",
                    source=src,
                    date=when,
                    quote=f"Model accessibility: {access}",
                    method="epoch",
                    extra={**common, "epoch_accessibility": access, "hosted_only": access != "API access"},
                )
            )
    for column, component in (
        ("Training code accessibility", "Training code"),
        ("Inference code accessibility", "Inference code"),
        ("Dataset accessibility", "Datasets"),
    ):
        value = _row_get(row, column)
        if value:
            status: Status = EPOCH_CODE_STATUS.get(
                value, "open" if value.lower().startswith("open") else "closed"
            )
            out.append(
                Evidence(
                    component=component,
                    status=status,
                    source=src,
                    date=when,
                    quote=f"{column}: {value}",
                    method="epoch",
                    extra=dict(common),
                )
            )
    if not out:
        raise InputError(f"The Epoch AI row for '{system}' has no accessibility columns.")
    return out


def eg_value(value: Any) -> Any:
    """An Ecosystem Graphs field: a plain value, or the ``value`` of a ``{value, explanation}`` mapping."""
    return value.get("value") if isinstance(value, Mapping) and "value" in value else value


def from_ecosystem_asset(asset: Mapping[str, Any], *, source: str = "Ecosystem Graphs") -> list[Evidence]:
    """Evidence from one Ecosystem Graphs asset (``access`` open/limited/closed, ``license``)."""
    if not isinstance(asset, Mapping) or not asset.get("name") or "access" not in asset:
        raise InputError("The Ecosystem Graphs asset needs at least 'name' and 'access'.")
    access = str(eg_value(asset.get("access")) or "").strip().lower()
    licence = eg_value(asset.get("license"))
    licence = str(licence).strip() if licence not in (None, "", "unknown") else None
    # A licence counts as open only when the licence itself is on the MOT's open lists (after normalising
    # spellings): "custom", "unknown" or a missing licence is never open, whatever the model's access
    # (Llama 2: access open, licence custom). Such an id is not an error: a warning names it.

    lic = mot_licences()
    licence_open = bool(licence) and lic.is_open(lic.normalise(licence))
    warning = (
        None
        if licence_open
        else (
            f"Licence '{licence}' is not an open licence id (MOT lists); treated as not open."
            if licence
            else "No licence given; treated as not open."
        )
    )
    # Ecosystem Graphs "limited" means access through an API or on request, not downloadable weights;
    # downloadable weights under a licence that is not open are "partial" (as for Hugging Face evidence)
    access_status: dict[str, Status] = {
        "open": "open" if licence_open else "partial",
        "limited": "closed",
        "closed": "closed",
    }
    status = access_status.get(access, "absent")
    explanation = (
        asset.get("license", {}).get("explanation") if isinstance(asset.get("license"), Mapping) else None
    )
    kind = str(asset.get("type") or "model")
    component = "Model parameters (Final)" if kind == "model" else ("Datasets" if kind == "dataset" else kind)
    created = eg_value(asset.get("created_date"))
    extra = {
        "asset": asset.get("name"),
        "organisation": asset.get("organization"),
        "nationality": asset.get("nationality"),
        "type": kind,
        "access": access,
        "dependencies": list(eg_value(asset.get("dependencies")) or []),
        "url": asset.get("url"),
        "licence_open": licence_open,
    }
    if warning:
        extra["warning"] = warning
    src = f"{source}#{asset.get('name')}"
    out = [
        Evidence(
            component=component,
            status=status,
            source=src,
            licence=licence,
            date=str(created) if created else None,
            quote=f"access: {access}",
            method="ecosystem-graphs",
            extra=extra,
        )
    ]
    if licence:
        out.append(
            Evidence(
                component="Licence terms",
                status="open" if licence_open else "partial",
                source=src,
                licence=licence,
                date=str(created) if created else None,
                quote=str(explanation or f"license: {licence}"),
                method="ecosystem-graphs",
                extra=extra,
            )
        )
    if kind == "model" and access == "limited":
        out.append(
            Evidence(
                component="API access",
                status="partial",
                source=src,
                licence=licence,
                date=str(created) if created else None,
                quote="access: limited",
                method="ecosystem-graphs",
                extra={**extra, "staged": True},
            )
        )
    return out
