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

from pydantic import BaseModel, ConfigDict, Field, field_validator

from valuechain.errors import InputError
from valuechain.market.parameters import PARAMETER_TABLE
from valuechain.textio import load_yaml_file, validate_yaml

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


class _PresetSpec(BaseModel):
    """One preset of the presets file."""

    model_config = ConfigDict(coerce_numbers_to_str=True)
    label: str | None = None
    parameters: dict[str, float] = Field(default_factory=dict)
    rationale: str = ""
    sources: list[dict[str, Any]] = Field(default_factory=list)

    @field_validator("parameters", mode="before")
    @classmethod
    def _no_parameters(cls, value: Any) -> Any:
        return {} if value is None else value

    @field_validator("sources", mode="before")
    @classmethod
    def _no_sources(cls, value: Any) -> Any:
        return [] if value is None else value

    @field_validator("parameters", mode="before")
    @classmethod
    def _known_parameters_with_numbers(cls, value: Any) -> Any:
        for name, number in value.items() if isinstance(value, dict) else ():
            if name not in PARAMETER_TABLE:
                raise ValueError(f"unknown parameter {name!r}")
            if isinstance(number, bool) or not isinstance(number, (int, float)):
                raise ValueError(f"{name} is set to a non-number {number!r}")
        return value


class _PresetsFile(BaseModel):
    presets: dict[str, _PresetSpec | None] = Field(min_length=1)


def load_presets(path: Path | None = None) -> dict[str, CountryPreset]:
    """All presets of a YAML file (default: the package's ``country_presets.yaml``).

    Format: ``presets: {CODE: {label, parameters: {name: number}, rationale, sources: [{name, location,
    date}]}}``; anything else is refused with one sentence naming the file and the place in it.
    """
    file = presets_path(path)
    spec = validate_yaml(_PresetsFile, load_yaml_file(file, "presets file"), f"The presets file {file}")
    out = {}
    for code, entry in spec.presets.items():
        entry = entry or _PresetSpec()
        out[str(code).upper()] = CountryPreset(
            code=str(code).upper(),
            label=entry.label if entry.label is not None else str(code),
            parameters={k: float(v) for k, v in entry.parameters.items()},
            rationale=entry.rationale,
            sources=list(entry.sources),
            file=str(file),
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
        raise InputError(
            f"Unknown country preset {code!r}; available presets are {', '.join(sorted(presets))}."
        )
    return presets[key]
