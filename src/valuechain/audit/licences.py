"""What valuechain knows about licences, in one place: ids, spellings, classes and lever flags.

Everything else imports from here: the licence analyser (:mod:`valuechain.audit.licence`) for its flag
names, the MOF check (:mod:`valuechain.audit.mof`) for the MOT's licence lists, the governance map
(:mod:`valuechain.audit.governance`) for the licence class.

**One classification rule** (:func:`licence_class`). A licence's class is a property of the licence,
decided from what is known about it -- its id and, when its text was read, the flags read from the text:

1. an id that means "no licence" (terms of service, proprietary, none) -> ``proprietary``;
2. an id on the MOT's open-data list -> ``open_data``;
3. an id that is OSI-approved or FSF-libre (the MOT's SPDX list, after mapping common spellings to SPDX
   ids) or OpenMDW -> ``osi_open``;
4. a text that was read: no grant to reproduce, distribute or modify (terms of service, a bare
   acceptable-use policy) -> ``proprietary``; no commercial use -> ``non_commercial``; any control lever
   -> ``restricted_open``; a sharing grant with no lever -> ``osi_open`` (permissive in substance); no
   lever and the sharing grant not known (a stored flag record) -> ``restricted_open``; no id and no
   text known to grant anything -> ``proprietary``;
5. an id alone: a non-commercial / research id -> ``non_commercial``; any other bespoke id ->
   ``restricted_open`` (said to be not read from a text).

Whether a licence *suits a component* (code, data, weights) is a separate question, answered by the
MOF check (:attr:`MotLicences.type_appropriate`), not by the class.

**The dual-listed ids.** CC-BY-4.0, CC-BY-SA-4.0, CC0-1.0, GFDL-1.3 and ODbL-1.0 are both FSF-libre (so on
the MOT's OSI/FSF list) and on the MOT's open-data list. They get ``open_data`` (rule 2 before rule 3):
they are licences written for content -- works, documents, databases -- with no patent grant and no
notion of source code; the MOT itself lists CC-BY-4.0, CC-BY-SA-4.0 and CC0-1.0 as type-appropriate for
documents or data only, and GFDL-1.3 and ODbL-1.0 for no software component at all. Before this module,
the licence analyser gave them ``open_data`` and the governance map ``osi_open``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

# ------------------------------------------------------------------------------------------- flags

#: The licence flags of spec ``openness-audit.md`` §4 (Foster's control levers plus commercial use).
LEVER_FLAGS: tuple[str, ...] = (
    "commercial_use",
    "user_or_revenue_cap",
    "use_restrictions",
    "restrictions_pass_to_derivatives",
    "output_training_ban",
    "attribution_branding",
    "licensor_remote_restriction",
    "geographic_exclusion",
)
#: Licence flags that are control levers (``commercial_use`` is a permission, not a lever).
CONTROL_LEVERS: tuple[str, ...] = LEVER_FLAGS[1:]
LEVER_LABELS: dict[str, str] = {
    "user_or_revenue_cap": "user or revenue cap",
    "use_restrictions": "use restrictions (acceptable-use policy)",
    "restrictions_pass_to_derivatives": "restrictions pass to derivatives",
    "output_training_ban": "ban on training other models with outputs",
    "attribution_branding": "required branding / name prefix",
    "licensor_remote_restriction": "licensor may restrict use remotely / update terms",
    "geographic_exclusion": "geographic exclusion",
}

# ------------------------------------------------------------------------------------------- classes

LICENCE_CLASSES: tuple[str, ...] = (
    "osi_open",
    "open_data",
    "restricted_open",
    "non_commercial",
    "proprietary",
)

# ----------------------------------------------------------------------------------------------- ids

#: OSI-approved ids common among model releases (the MOT's SPDX list extends this when it is read).
OSI_IDS: frozenset[str] = frozenset(
    {
        "Apache-2.0",
        "MIT",
        "BSD-2-Clause",
        "BSD-3-Clause",
        "GPL-2.0",
        "GPL-2.0-only",
        "GPL-3.0",
        "GPL-3.0-only",
        "GPL-3.0-or-later",
        "LGPL-2.1",
        "LGPL-3.0",
        "AGPL-3.0",
        "AGPL-3.0-only",
        "MPL-2.0",
        "ISC",
        "Unlicense",
        "UPL-1.0",
        "EPL-2.0",
        "Zlib",
        "BSL-1.0",
        "0BSD",
        "OpenMDW-1.0",
    }
)
#: The MOT's own open-data licence list (exact ids, no wildcards).
OPEN_DATA_IDS: frozenset[str] = frozenset(
    {
        "CC0-1.0",
        "CC-BY-1.0",
        "CC-BY-2.0",
        "CC-BY-2.5",
        "CC-BY-2.5-AU",
        "CC-BY-3.0",
        "CC-BY-3.0-AT",
        "CC-BY-3.0-AU",
        "CC-BY-3.0-DE",
        "CC-BY-3.0-IGO",
        "CC-BY-3.0-NL",
        "CC-BY-3.0-US",
        "CC-BY-4.0",
        "CC-BY-SA-1.0",
        "CC-BY-SA-2.0",
        "CC-BY-SA-2.0-UK",
        "CC-BY-SA-2.1-JP",
        "CC-BY-SA-2.5",
        "CC-BY-SA-3.0",
        "CC-BY-SA-3.0-AT",
        "CC-BY-SA-4.0",
        "CDLA-Permissive-1.0",
        "CDLA-Permissive-2.0",
        "CDLA-Sharing-1.0",
        "ODC-PDDL-1.0",
        "ODC-By-1.0",
        "ODbL-1.0",
        "GFDL-1.3",
        "OGL-Canada-2.0",
        "OGL-UK-2.0",
        "OGL-UK-3.0",
    }
)
#: Open model licences the MOT counts as open besides the SPDX and open-data lists.
OPEN_MODEL_IDS: frozenset[str] = frozenset({"OpenMDW-1.0"})

#: Spellings seen in MOT records, catalogues and on Hugging Face, keyed by their *squashed* form (lower
#: case, the words "licence/license/version" and a "v" before a digit dropped, then only letters and
#: digits kept: "Apache License 2.0" -> "apache20"), mapped to SPDX ids.
ALIASES: dict[str, str] = {
    "apache": "Apache-2.0",
    "apache2": "Apache-2.0",
    "apache20": "Apache-2.0",
    "apachev2": "Apache-2.0",
    "mit": "MIT",
    "bsd3": "BSD-3-Clause",
    "bsd3clause": "BSD-3-Clause",
    "bsd2": "BSD-2-Clause",
    "newbsd": "BSD-3-Clause",
    "bsd": "BSD-3-Clause",
    "gpl3": "GPL-3.0-only",
    "gplv3": "GPL-3.0-only",
    "gpl2": "GPL-2.0-only",
    "agpl3": "AGPL-3.0-only",
    "lgpl3": "LGPL-3.0-only",
    "cc0": "CC0-1.0",
    "ccby4": "CC-BY-4.0",
    "ccby40": "CC-BY-4.0",
    "creativecommonsattribution40": "CC-BY-4.0",
    "ccbysa4": "CC-BY-SA-4.0",
    "ccbysa40": "CC-BY-SA-4.0",
    "creativecommonsattributionsharealike40": "CC-BY-SA-4.0",
    "creativecommonsattributionnoncommercial40": "CC-BY-NC-4.0",
    "ccbync40": "CC-BY-NC-4.0",
    "ccbyncsa40": "CC-BY-NC-SA-4.0",
    "odcby": "ODC-By-1.0",
    "odbl": "ODbL-1.0",
    "pddl": "ODC-PDDL-1.0",
    "unlicense": "Unlicense",
    "openmdw": "OpenMDW-1.0",
}
#: Ids that say the licence is a non-commercial or research-only one (used when no text was read).
_NON_COMMERCIAL_ID = re.compile(
    r"(?i)(\bnc\b|-nc-|non[- ]?commercial|research[- ]only|research licen[cs]e|\bmrl\b|flux-1-nc)"
)
#: Ids that say there is no licence for the weights at all.
_PROPRIETARY_ID = re.compile(
    r"(?i)^(proprietary|closed|none|terms[- ]of[- ](service|use)|openai-tou.*|unreleased|undisclosed)$"
)
_SQUASH_WORDS = re.compile(r"\b(licen[cs]e|version|v(?=\d))\b")


def squash(licence: str) -> str:
    """The key of :data:`ALIASES`: lower case, "licence"/"version"/"v" dropped, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", _SQUASH_WORDS.sub("", licence.lower()))


# ------------------------------------------------------------------------------- the MOT's lists


@dataclass(frozen=True, eq=False)
class MotLicences:
    """The MOT's licence lists: open ids (OSI/FSF, open data, OpenMDW), all SPDX ids, type-appropriate ids."""

    open_ids: frozenset[str]
    spdx_ids: frozenset[str]
    osi_or_fsf: frozenset[str]
    type_appropriate: dict[str, frozenset[str]]
    spdx_list_version: str
    source: str

    def is_open(self, licence: str | None) -> bool:
        return bool(licence) and licence in self.open_ids

    def normalise(self, licence: str | None) -> str | None:
        """Map a non-SPDX spelling to an SPDX id where one is unambiguous; else return it unchanged."""
        if not licence:
            return licence
        return _normalise(self, licence)


@lru_cache(maxsize=4096)
def _normalise(lic: MotLicences, licence: str) -> str:
    if licence in lic.spdx_ids or licence in lic.open_ids:
        return licence
    lowered, squashed = _lookup_tables(lic)
    if licence.strip().lower() in lowered:
        return lowered[licence.strip().lower()]
    key = squash(licence)
    if key in ALIASES:
        return ALIASES[key]
    return squashed.get(key, licence)


@lru_cache(maxsize=4)
def _lookup_tables(lic: MotLicences) -> tuple[dict[str, str], dict[str, str]]:
    ids = sorted(lic.spdx_ids | lic.open_ids)
    return {i.lower(): i for i in ids}, {re.sub(r"[^a-z0-9]", "", i.lower()): i for i in ids}


@lru_cache(maxsize=1)
def mot_licences() -> MotLicences:
    """The MOT licence lists shipped with the package (derived from the MOT's ``licenses.json`` files)."""
    raw = json.loads(
        resources.files("valuechain.audit").joinpath("data/licences/mot_licences.json").read_text()
    )
    osi_or_fsf = frozenset(raw["osi_or_fsf"])
    return MotLicences(
        open_ids=osi_or_fsf | OPEN_DATA_IDS | OPEN_MODEL_IDS,
        spdx_ids=frozenset(raw["spdx_ids"]),
        osi_or_fsf=osi_or_fsf,
        type_appropriate={k: frozenset(v) for k, v in raw["type_appropriate"].items()},
        spdx_list_version=raw["spdx_list_version"],
        source=raw["_source"],
    )


def normalise_licence_id(licence_id: str | None) -> str | None:
    """An SPDX id for a common spelling ("Apache 2.0", "MIT License", "cc-by-4.0"); other ids unchanged."""
    if licence_id is None:
        return None
    text = str(licence_id).strip()
    return mot_licences().normalise(text) if text else None


# ---------------------------------------------------------------------------------- the one rule


def licence_class(
    licence_id: str | None,
    flags: Mapping[str, Any] | Iterable[str] | None = None,
    osi_ids: Iterable[str] | None = None,
    *,
    sharing_granted: bool | None = None,
) -> tuple[str, str]:
    """The class of a licence and the reason, by the rule in this module's docstring.

    ``flags``: the flags read from the licence text (a mapping such as
    :meth:`valuechain.audit.licence.LicenceReport.to_dict`, or an iterable of the levers found), ``None``
    when no text was read. ``sharing_granted``: whether the text grants rights to reproduce, distribute or
    modify the material (``None``: not known). ``osi_ids``: further ids to treat as OSI-approved.
    """
    text = str(licence_id).strip() if licence_id is not None else ""
    spdx = normalise_licence_id(text)
    # a spelling is replaced by its SPDX id only when that id is an open one (the reason names the id given)
    lid = spdx if spdx in mot_licences().open_ids else (text or None)
    if lid is None and sharing_granted is None:
        return (
            "proprietary",
            f"licence {licence_id!r}: no licence named, and no licence text read that grants rights",
        )
    if lid is not None and _PROPRIETARY_ID.match(lid):
        return "proprietary", f"licence {licence_id!r}: terms of service only / no licence for weights"
    if lid in OPEN_DATA_IDS:
        return "open_data", f"licence {lid} is an open-data licence on the MOT list"
    osi = OSI_IDS | OPEN_MODEL_IDS | mot_licences().osi_or_fsf | frozenset(osi_ids or ())
    if lid in osi:
        return "osi_open", f"licence {lid} is OSI-approved / FSF-libre (MOT list)"
    name = lid or "unidentified"
    if flags is not None:
        found = dict(flags) if isinstance(flags, Mapping) else {k: True for k in flags}
        if sharing_granted is False:
            return (
                "proprietary",
                f"licence {name}: the text grants no right to reproduce, distribute or modify",
            )
        if "commercial_use" in found and not found.get("commercial_use"):
            return "non_commercial", f"licence {name}: the text does not permit commercial use"
        levers = [k for k in CONTROL_LEVERS if found.get(k)]
        if levers:
            return (
                "restricted_open",
                f"licence {name}: bespoke terms read from the text ({', '.join(levers)})",
            )
        if sharing_granted:
            return "osi_open", f"licence {name}: permissive in substance (the text grants sharing, no levers)"
        return "restricted_open", f"licence {name}: bespoke terms read from the text (no levers found)"
    if _NON_COMMERCIAL_ID.search(name):
        return "non_commercial", f"licence {name}: non-commercial / research-only by its identifier"
    return "restricted_open", f"licence {name}: a bespoke model licence (not OSI/open-data; text not read)"
