"""The model-family dictionary: families, their patterns and context rules, their origin.

The packaged dictionary is ``science/data/families.yaml`` (its header documents the schema); a user file
given with ``--dict FILE`` adds families or replaces packaged ones by key. Both are validated with
pydantic, and every regex is compiled when the file loads, so a bad file fails at once with one
sentence naming it.

A family's origin country is never stored here: it is looked up by organisation id in the one
organisation -> country table, :mod:`valuechain.reference.origin`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from valuechain.errors import InputError
from valuechain.reference.origin import load_org_countries

PACKAGED = "valuechain/science/data/families.yaml"

#: Start boundary of a name: not after an ASCII letter or digit, or at a lower-to-Upper join
#: ("MethodsClaude" in abstracts whose section headings lost their space, "PaliGemma").
START_BOUNDARY = r"(?:(?<![A-Za-z0-9])|(?-i:(?<=[a-z])(?=[A-Z][a-z])))"


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern.replace("{B}", START_BOUNDARY), re.IGNORECASE)


def _check_compiles(pattern: str, what: str, compiler: Callable[[str], re.Pattern[str]] = _compile) -> None:
    """Raise the validator's ``ValueError`` naming ``what`` when ``pattern`` is not a valid regex."""
    try:
        compiler(pattern)
    except re.error as exc:
        raise ValueError(f"{what} {pattern!r} does not compile ({exc})") from exc


class ExcludeRule(BaseModel):
    """One context rule; exactly one of ``covers``, ``near`` or ``near_weak`` is set."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    covers: str | None = None
    near: str | None = None
    near_weak: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> ExcludeRule:
        kinds = [k for k in ("covers", "near", "near_weak") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("an exclude rule needs exactly one of covers, near, near_weak")
        _compile(getattr(self, kinds[0]))
        return self

    @property
    def kind(self) -> str:
        return "covers" if self.covers is not None else "near" if self.near is not None else "near_weak"

    @property
    def regex(self) -> str:
        return self.covers or self.near or self.near_weak or ""


class Family(BaseModel):
    """A model family: names, patterns, context rules, versions and origin organisation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = ""
    name: str
    organisation: str = Field(description="organisation id in valuechain.reference.origin's table")
    first_release: dt.date
    source: str
    keywords: list[str] = Field(min_length=1)
    patterns: list[str] = Field(min_length=1)
    weak_patterns: list[str] = Field(default_factory=list)
    context: str | None = None
    exclude: list[ExcludeRule] = Field(default_factory=list)
    versions: dict[str, str] = Field(default_factory=dict)
    bare_version: str | None = None
    origin_country: str = "unknown"

    @field_validator("patterns", "weak_patterns")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            _check_compiles(pattern, "pattern")
        return patterns

    @field_validator("context")
    @classmethod
    def _context_compiles(cls, context: str | None) -> str | None:
        if context is not None:
            _check_compiles(context, "context")
        return context

    @field_validator("versions")
    @classmethod
    def _versions_compile(cls, versions: dict[str, str]) -> dict[str, str]:
        for version, pattern in versions.items():
            _check_compiles(pattern, f"version {version} pattern", re.compile)
        return versions

    @field_validator("keywords")
    @classmethod
    def _lower(cls, keywords: list[str]) -> list[str]:
        if any(k != k.lower() or not k for k in keywords):
            raise ValueError("keywords must be non-empty lower-case literals")
        return keywords

    @model_validator(mode="after")
    def _consistent(self) -> Family:
        if self.bare_version is not None and self.bare_version not in self.versions:
            raise ValueError(f"bare_version {self.bare_version!r} is not one of its versions")
        return self

    @property
    def search_terms(self) -> list[str]:
        """Plain literal terms for a remote full-text search (the ASCII keywords, punctuation trimmed)."""
        terms: list[str] = []
        for keyword in self.keywords:
            term = keyword.strip(" -_,.;:)")
            if term.isascii() and len(term) > 2 and term not in terms:
                terms.append(term)
        for version in self.versions:
            if version.isascii() and version not in terms and any(ch.isdigit() for ch in version):
                terms.append(version)
        return terms


class Dictionary(BaseModel):
    """A whole dictionary file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_: int = Field(alias="schema", default=1)
    window: int = Field(default=80, ge=0, le=2000)
    llm_context: str | None = None
    families: dict[str, Family] = Field(default_factory=dict)
    source: str = ""


def _parse(text: str, where: str) -> Dictionary:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(
            f"The family dictionary {where} is not valid YAML ({str(exc).splitlines()[0]})."
        ) from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("families"), dict):
        raise InputError(f"The family dictionary {where} needs a top-level 'families' mapping.")
    families = {}
    for key, body in raw["families"].items():
        if not isinstance(body, dict):
            raise InputError(f"The family dictionary {where} entry {key!r} is not a mapping.")
        families[str(key).lower()] = {**body, "key": str(key).lower()}
    raw = {**raw, "families": families, "source": where}
    try:
        dictionary = Dictionary.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(part) for part in first["loc"])
        raise InputError(f"The family dictionary {where} is invalid at {loc}: {first['msg']}.") from exc
    if dictionary.llm_context is not None:
        try:
            _compile(dictionary.llm_context)
        except re.error as exc:
            raise InputError(f"The family dictionary {where} llm_context does not compile ({exc}).") from exc
    return dictionary


@cache
def _packaged() -> Dictionary:
    text = resources.files("valuechain.science").joinpath("data").joinpath("families.yaml").read_text("utf-8")
    return _parse(text, PACKAGED)


def load_dictionary(extra: str | Path | None = None) -> Dictionary:
    """The packaged dictionary, extended (or overridden by key) by a user file, with origin countries."""
    base = _packaged()
    families: dict[str, Family] = dict(base.families)
    source = base.source
    llm_context, window = base.llm_context, base.window
    if extra is not None:
        path = Path(extra)
        if not path.is_file():
            raise InputError(f"The family dictionary {path} does not exist.")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"The family dictionary {path} is not UTF-8 text.") from exc
        user = _parse(text, str(path))
        families.update(user.families)
        llm_context = user.llm_context or llm_context
        source = f"{source} + {path}"
    orgs = load_org_countries()
    with_origin = {
        key: family.model_copy(update={"origin_country": orgs.country_of(family.organisation)})
        for key, family in families.items()
    }
    return Dictionary.model_validate(
        {"schema": 1, "window": window, "llm_context": llm_context, "families": with_origin, "source": source}
    )


def load_families(extra: str | Path | None = None) -> dict[str, Family]:
    """Family key (lower case) -> :class:`Family`, each with its ``origin_country`` from the origin table."""
    return dict(load_dictionary(extra).families)


def known_families(extra: str | Path | None = None) -> list[str]:
    """The family keys (lower case), in dictionary order."""
    return list(load_families(extra))


def resolve_family(name: str, families: Mapping[str, Family] | None = None) -> Family:
    """The family called ``name`` (key or display name, any case); an unknown name is a user error."""
    table = families if families is not None else load_families()
    wanted = name.strip().lower()
    for key, family in table.items():
        if wanted in (key, family.name.lower()):
            return family
    raise InputError(f"Unknown model family {name!r}; known families: {', '.join(table)}.")


def search_terms(family_name: str, extra: str | Path | None = None) -> list[str]:
    """Plain literal search terms of a family (e.g. ``["qwen", "qwq", "qwen1.5", …]``) for remote search."""
    return resolve_family(family_name, load_families(extra)).search_terms


def family_rows(families: Mapping[str, Family]) -> list[dict[str, Any]]:
    """One row per family for tables and JSON (no regexes)."""
    return [
        {
            "family": key,
            "name": f.name,
            "organisation": f.organisation,
            "origin_country": f.origin_country,
            "first_release": f.first_release.isoformat(),
            "versions": list(f.versions),
            "source": f.source,
        }
        for key, f in families.items()
    ]
