"""Origin attribution: Hugging Face organisation -> ISO 3166-1 alpha-2 country.

The table ``data/org_countries.csv`` is the project's own curated, sourced map (built reproducibly by
``scripts/build_org_countries.py``), seeded from the ATOM Project's organisation regions
(Interconnects-AI/tracked-models, Apache-2.0) and Epoch AI's organisation countries (CC-BY-4.0, credit
Epoch AI), completed by hand. Each row carries its ``source`` (file and row, or URL) and a ``verified``
flag (true only where a snapshot states the country for that namespace). ``unknown`` stays unknown:
individuals' accounts are not guessed.

A model whose roots have different origins is ``mixed`` (its ``countries`` list them); in shares it is
its own category, so no derivative is counted twice.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from valuechain.errors import InputError

ORG_FILE = "org_countries.csv"
UNKNOWN = "unknown"
MIXED = "mixed"
#: Country codes grouped as China in the China-vs-U.S. comparisons (the PRC incl. Hong Kong and Macao).
CHINA = frozenset({"CN", "HK", "MO"})
US = frozenset({"US"})


@dataclass(frozen=True)
class OrgCountries:
    """The organisation -> country table (namespace matching is case-insensitive)."""

    rows: tuple[dict[str, str], ...]
    source: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {r["hf_org"].lower(): r for r in self.rows})

    def __len__(self) -> int:
        return len(self.rows)

    def row(self, namespace: str) -> dict[str, str] | None:
        return self._index.get(namespace.lower())  # type: ignore[attr-defined]

    def country_of(self, model_or_org: str) -> str:
        """ISO alpha-2 of the organisation owning ``model_or_org`` (``org/name`` or ``org``), else unknown."""
        namespace = model_or_org.split("/", 1)[0] if "/" in model_or_org else model_or_org
        row = self.row(namespace)
        return row["country"] if row else UNKNOWN

    def frame(self):  # pragma: no cover - convenience
        import pandas as pd

        return pd.DataFrame(list(self.rows))


def load_org_countries(extra: str | Path | None = None) -> OrgCountries:
    """The packaged table, optionally overridden row by row by a user CSV with the same columns."""
    text = (
        resources.files("valuechain.reference")
        .joinpath("data")
        .joinpath(ORG_FILE)
        .read_text(encoding="utf-8")
    )
    rows = _parse(text, f"valuechain/reference/data/{ORG_FILE}")
    source = f"valuechain/reference/data/{ORG_FILE}"
    if extra is not None:
        path = Path(extra)
        if not path.is_file():
            raise InputError(f"The organisation country file {path} does not exist.")
        override = {r["hf_org"].lower(): r for r in _parse(path.read_text(encoding="utf-8"), str(path))}
        rows = [override.pop(r["hf_org"].lower(), r) for r in rows] + list(override.values())
        source += f" + {path}"
    return OrgCountries(tuple(rows), source)


def _parse(text: str, where: str) -> list[dict[str, str]]:
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    required = {"hf_org", "country", "source", "verified"}
    if not reader.fieldnames or not required <= set(reader.fieldnames):
        raise InputError(
            f"The organisation country file {where} needs the columns {', '.join(sorted(required))}."
        )
    rows = []
    for line_no, row in enumerate(reader, start=2):
        country = (row.get("country") or "").strip()
        if country != UNKNOWN and not (len(country) == 2 and country.isalpha() and country.isupper()):
            raise InputError(
                f"The organisation country file {where} row {line_no} has country {country!r}, "
                "not an ISO 3166-1 alpha-2 code or 'unknown'."
            )
        rows.append({k: (v or "").strip() for k, v in row.items() if k})
    return rows


def combine_origins(countries: Iterable[str]) -> str:
    """The origin label of a model from its roots' countries: one code, ``mixed``, or ``unknown``.

    ``mixed`` whenever the roots carry more than one label (``unknown`` included: a merge of a U.S.
    base with a base of unknown origin is not attributable to the U.S. alone).
    """
    labels = sorted(set(countries))
    if not labels:
        return UNKNOWN
    if len(labels) == 1:
        return labels[0]
    return MIXED


def origin_group(origin: str) -> str:
    """``CN`` (incl. HK/MO), ``US``, ``mixed``, ``unknown`` or ``other`` for share comparisons."""
    if origin in CHINA:
        return "CN"
    if origin in US:
        return "US"
    if origin in (MIXED, UNKNOWN):
        return origin
    return "other"
