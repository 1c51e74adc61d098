"""Country presets (``--country CN|US``): stated, user-editable assumptions about compute cost.

The presets bridge the market model (our reconstruction of Qian, Mehra & Liu, arXiv 2603.12630) to the
rest of the observatory (the export-control shocks studied by Jin et al., arXiv 2606.15999): Chinese firms
are assumed to face a higher effective compute cost after the U.S. export controls. The numbers live in
``market/data/country_presets.yaml`` with their reasoning; they are assumptions, not estimates, and a
user can pass their own YAML file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from valuechain.errors import InputError
from valuechain.market.parameters import PARAMETER_TABLE

PACKAGE_FILE = "data/country_presets.yaml"


@dataclass(frozen=True)
class CountryPreset:
    code: str
    label: str
    parameters: dict[str, float]
    rationale: str
    sources: list[dict[str, Any]] = field(default_factory=list)
    file: str = ""


def presets_path(path: Path | None = None) -> Path:
    if path is not None:
        if not path.exists():
            raise InputError(f"The presets file {path} does not exist.")
        if not path.is_file():
            raise InputError(f"The presets file {path} is not a regular file.")
        return path
    return Path(str(resources.files("valuechain.market").joinpath(PACKAGE_FILE)))


def load_presets(path: Path | None = None) -> dict[str, CountryPreset]:
    """All presets of a YAML file (default: the package's ``country_presets.yaml``).

    Format: ``presets: {CODE: {label, parameters: {name: number}, rationale, sources: [{name, location,
    date}]}}``; anything else is refused with one sentence naming the file and the preset.
    """
    import yaml

    file = presets_path(path)
    try:
        doc = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"The presets file {file} is not valid UTF-8 YAML ({exc.__class__.__name__}).") from None
    raw = doc.get("presets") if isinstance(doc, dict) else None
    if not isinstance(raw, dict) or not raw:
        raise InputError(f"The presets file {file} has no 'presets' mapping.")
    out = {}
    for code, entry in raw.items():
        entry = entry or {}
        if not isinstance(entry, dict):
            raise InputError(f"Preset {code} in {file} must be a mapping with label, parameters, rationale, sources.")
        params = entry.get("parameters") or {}
        if not isinstance(params, dict):
            raise InputError(f"The parameters of preset {code} in {file} must be a mapping of NAME: number.")
        for name, value in params.items():
            if name not in PARAMETER_TABLE:
                raise InputError(f"Preset {code} in {file} sets unknown parameter {name!r}.")
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise InputError(f"Preset {code} in {file} sets {name} to a non-number {value!r}.")
        sources = entry.get("sources") or []
        if not isinstance(sources, list) or not all(isinstance(s, dict) for s in sources):
            raise InputError(f"The sources of preset {code} in {file} must be a list of mappings (name, location, "
                             "date).")
        out[str(code).upper()] = CountryPreset(
            code=str(code).upper(), label=str(entry.get("label", code)),
            parameters={k: float(v) for k, v in params.items()}, rationale=str(entry.get("rationale", "")),
            sources=list(sources), file=str(file),
        )
    return out


def preset_source_records(preset: CountryPreset) -> list[dict[str, Any]]:
    """Provenance records of a preset's sources; their ``date`` is the date of the rule or event (kept
    in the name), not a retrieval date."""
    out = []
    for s in preset.sources:
        name = str(s.get("name", ""))
        if s.get("date"):
            name = f"{name} (dated {s['date']})"
        out.append({"name": name, "location": str(s.get("location", ""))})
    return out


def country_preset(code: str, path: Path | None = None) -> CountryPreset:
    presets = load_presets(path)
    key = code.strip().upper()
    if key not in presets:
        raise InputError(f"Unknown country preset {code!r}; available presets are {', '.join(sorted(presets))}.")
    return presets[key]
