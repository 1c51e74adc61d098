"""Model Openness Framework class, computed exactly as the LF AI & Data Model Openness Tool does.

White, Haddad, Osborne, Liu, Abdelmonsef, Varghese, Hemphill, "The Model Openness Framework" (2024),
as implemented by the Model Openness Tool (``lfai/model_openness_tool``, ``ModelEvaluator`` and
``LicenseHandler``; spec ``openness-audit.md`` §2):

1. a component is included iff it is listed in ``release.components``;
2. its licence is the component's own ``license``, else the release licence for its content type
   (``release.license.code|data|document``), else ``release.license.distribution``, else none;
3. it is open iff the licence id is OSI-approved or FSF-libre in the SPDX list the MOT ships, or one of
   the MOT's open-data ids, or OpenMDW-1.0 -- exact string match, so "Apache 2.0" is not open;
4. classes are cumulative (III, then II, then I); the technical report may be missing when the research
   paper is included and open.

:func:`mof_class` also reports a *normalised* class, in which non-SPDX spellings ("Apache 2.0",
"BSD-3", "MIT license") are first mapped to SPDX ids. It is reported beside the MOT-exact class, never
instead of it. Unknown or non-SPDX ids are never errors: the component is not open and a warning names
the id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from valuechain.audit.evidence import MOF_COMPONENTS, Evidence, Status
from valuechain.audit.licences import mot_licences
from valuechain.errors import InputError

CLASS_LABELS = {3: "Class III", 2: "Class II", 1: "Class I", 0: "Unclassified"}
CLASS_NAMES = {3: "Open Model", 2: "Open Tooling", 1: "Open Science", 0: "Unclassified"}
_CLASS_NUMBER = {"III": 3, "II": 2, "I": 1}


@dataclass
class ComponentVerdict:
    name: str
    content_type: str
    mof_class: str
    required: bool
    included: bool
    licence: str | None
    licence_from: str | None  # "component", "release.code", "release.distribution", ...
    open: bool
    open_normalized: bool
    licence_normalized: str | None
    type_appropriate: bool | None


@dataclass
class MofResult:
    """The MOF classification of one release (see module docstring)."""

    name: str
    mof_class: str
    mof_class_normalized: str
    progress: dict[str, float]
    progress_normalized: dict[str, float]
    components: list[ComponentVerdict]
    warnings: list[str] = field(default_factory=list)
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "mof_class": self.mof_class,
            "mof_class_normalized": self.mof_class_normalized,
            "progress": self.progress,
            "progress_normalized": self.progress_normalized,
            "components": [asdict(c) for c in self.components],
            "warnings": self.warnings,
            "source": self.source,
        }

    def evidence(self) -> list[Evidence]:
        """The component verdicts as :class:`Evidence` records.

        Status: open when the licence is open after normalising its spelling ("Apache 2.0" counts),
        partial when the component is released under a non-open, unknown or no licence, absent when the
        release does not list it. The MOT-exact openness stays in ``extra["open_mot_exact"]``.
        """
        out = []
        for c in self.components:
            status: Status = "open" if c.open_normalized else ("partial" if c.included else "absent")
            out.append(
                Evidence(
                    component=c.name,
                    status=status,
                    source=self.source,
                    licence=c.licence,
                    quote=f"license: {c.licence}" if c.licence else None,
                    method="mot-yaml",
                    extra={
                        "licence_from": c.licence_from,
                        "licence_normalized": c.licence_normalized,
                        "open_mot_exact": c.open,
                        "mof_class": self.mof_class,
                    },
                )
            )
        return out


def load_mot_yaml(path: str | Path) -> dict[str, Any]:
    """Read and check a Model Openness Tool YAML; raise InputError with one sentence if it is not one."""
    import yaml

    from valuechain.textio import read_text

    text = read_text(path, what="Model Openness Tool YAML")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(text, Loader=loader)  # noqa: S506 (safe loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise InputError(f"The file {path} is not valid YAML{where}.") from None
    check_mot_record(data, str(path))
    return data


def check_mot_record(data: Any, where: str) -> None:
    if not isinstance(data, Mapping) or not isinstance(data.get("release"), Mapping):
        raise InputError(f"{where} is not a Model Openness Tool record (no 'release' mapping).")
    comps = data["release"].get("components")
    if comps is not None and not isinstance(comps, list):
        raise InputError(f"{where} is not a Model Openness Tool record ('release.components' is not a list).")
    for comp in comps or []:
        if not isinstance(comp, Mapping) or not isinstance(comp.get("name"), str):
            raise InputError(f"{where} has a component without a name in 'release.components'.")


def _licence_name(value: Any) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("name")
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _classify(verdicts: list[ComponentVerdict], attr: str) -> tuple[int, dict[str, float]]:
    met = {c.name: (c.included and getattr(c, attr)) for c in verdicts}
    paper_ok = met.get("Research paper", False)
    progress: dict[str, float] = {}
    best = 0
    for number in (3, 2, 1):
        required = [c.name for c in verdicts if c.required and _CLASS_NUMBER[c.mof_class] >= number]
        ok = [n for n in required if met[n] or (n == "Technical report" and paper_ok)]
        progress[CLASS_LABELS[number]] = round(len(ok) / len(required), 6)
        if len(ok) == len(required):  # the required lists are nested, so classes are cumulative
            best = number
    return best, progress


def mof_class(path_or_mapping: str | Path | Mapping[str, Any], normalized: bool = False) -> MofResult:
    """Classify a release under the MOF exactly as the MOT does (and the normalised variant beside it).

    ``path_or_mapping``: a MOT YAML path or its parsed mapping. ``normalized=True`` makes the headline
    ``mof_class`` the normalised one (the MOT-exact class stays available on ``mof_class_exact`` of
    the dict); by default the headline is MOT-exact, as the MOT reports it.
    """
    if isinstance(path_or_mapping, Mapping):
        data: Mapping[str, Any] = path_or_mapping
        source = str(data.get("_source", "<mapping>"))
        check_mot_record(data, "The record")
    else:
        data = load_mot_yaml(path_or_mapping)
        source = str(path_or_mapping)
    lic = mot_licences()
    release = data["release"]
    release_licences = release.get("license") or {}
    warnings: list[str] = []
    if not isinstance(release_licences, Mapping):
        warnings.append("'release.license' is not a mapping of content type to licence and was ignored.")
        release_licences = {}
    if not release.get("components"):
        warnings.append("The release lists no components, so no class can be met.")
    listed: dict[str, Mapping[str, Any]] = {}
    for comp in release.get("components") or []:
        name = comp["name"].strip()
        if name not in MOF_COMPONENTS:
            warnings.append(f"Component '{name}' is not a MOF component and was ignored.")
            continue
        listed[name] = comp
    verdicts: list[ComponentVerdict] = []
    seen_warn: set[str] = set()
    for name, (ctype, klass, required) in MOF_COMPONENTS.items():
        comp = listed.get(name)
        licence, origin = None, None
        if comp is not None:
            raw = comp.get("license")
            licence = _licence_name(raw)
            origin = "component" if licence else None
            if licence is None and raw not in (None, "", {}):
                warnings.append(
                    f"{name}: its licence entry {raw!r} names no licence; the release licence applies."
                )
            if licence is None:
                for key in (ctype, "distribution"):
                    licence = _licence_name(release_licences.get(key))
                    if licence:
                        origin = f"release.{key}"
                        break
        included = comp is not None
        is_open = included and lic.is_open(licence)
        normal = lic.normalise(licence)
        open_norm = included and lic.is_open(normal)
        appropriate = None
        if is_open and licence:
            appropriate = licence in lic.type_appropriate.get(ctype, frozenset())
            if not appropriate:
                warnings.append(f"{name}: licence '{licence}' is open but not type-appropriate for {ctype}.")
        if (
            included
            and licence
            and not is_open
            and licence not in seen_warn
            and licence.lower() != "unlicensed"
        ):
            seen_warn.add(licence)
            kind = (
                "a non-SPDX or unknown licence id" if licence not in lic.spdx_ids else "not an open licence"
            )
            hint = f" (normalised: {normal})" if normal != licence else ""
            warnings.append(f"Licence '{licence}' is {kind}; treated as not open{hint}.")
        verdicts.append(
            ComponentVerdict(
                name=name,
                content_type=ctype,
                mof_class=klass,
                required=required,
                included=included,
                licence=licence,
                licence_from=origin,
                open=is_open,
                open_normalized=open_norm,
                licence_normalized=normal,
                type_appropriate=appropriate,
            )
        )
    exact, progress = _classify(verdicts, "open")
    norm, progress_n = _classify(verdicts, "open_normalized")
    result = MofResult(
        name=str(release.get("name", "")),
        mof_class=CLASS_LABELS[exact],
        mof_class_normalized=CLASS_LABELS[norm],
        progress=progress,
        progress_normalized=progress_n,
        components=verdicts,
        warnings=warnings,
        source=source,
    )
    if normalized:  # headline the normalised variant, keep the MOT-exact one named in the warnings
        result.warnings.append(f"MOT-exact class: {CLASS_LABELS[exact]}.")
        result.mof_class, result.progress = CLASS_LABELS[norm], progress_n
    return result
