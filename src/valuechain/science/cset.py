"""CSET's hand-annotated "open models in research" papers (georgetown-cset/open-models), read with openpyxl.

Each sheet of the two workbooks is one model version: CSET selected papers by regular expressions over
titles and abstracts and people read each one, recording the authors' organisations, countries and
organisation types (OpenAlex-style, as separate ';'-joined lists that are NOT aligned with each other),
whether the use needed the weights ("Weights Necessary?") and the use category. So every row names its
model, which is what makes the sheets a recall check for the matcher.

Which paper has a U.S. company author cannot be read off exactly, because the three lists are not
aligned. :func:`us_company_author` gives a lower and an upper bound (see there).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from valuechain import config
from valuechain.errors import InputError

CSET_DIR = Path("research/cset-open-models/data")
WORKBOOKS = {
    "open": "Open Models Papers and Annotations.xlsx",
    "closed": "Closed Models Papers and Annotations.xlsx",
}
CSET_SOURCE = "georgetown-cset/open-models @ 855eb599 (2025-10), hand-annotated papers"

#: Sheet -> (family, version) it is about; ``None`` version = the sheet is family-level (CSET's "Mistral"
#: and "Falcon" sheets take every version). The GPT-3/3.5 fine-tuning sheet names its version per row.
SHEET_TARGETS: dict[str, tuple[str, str | None]] = {
    "GPT-2 Pubs": ("gpt", "gpt-2"),
    "Llama-2 Pubs": ("llama", "llama-2"),
    "Mistral Pubs": ("mistral", None),
    "Llama-3 Pubs": ("llama", "llama-3"),
    "Qwen Pubs": ("qwen", "qwen"),
    "Qwen-1.5 Pubs": ("qwen", "qwen1.5"),
    "Falcon Pubs": ("falcon", None),
    "Phi-3 Pubs": ("phi", "phi-3"),
    "GPT-4 Pubs": ("gpt", "gpt-4"),
    "Claude-3 Pubs": ("claude", "claude-3"),
    "Fine-tuning Pubs (GPT-3 and GPT": ("gpt", None),
}
_FINE_TUNED_VERSION = {"gpt-3.5": "gpt-3.5", "gpt-3.5-turbo": "gpt-3.5", "gpt-3": "gpt-3", "gpt-4": "gpt-4"}
US = "United States"


@dataclass(frozen=True)
class CsetPaper:
    """One annotated paper of one sheet."""

    workbook: str
    sheet: str
    row: int
    paper_id: str
    title: str
    abstract: str
    year: int | None
    organisations: tuple[str, ...]
    countries: tuple[str, ...]
    organisation_types: tuple[str, ...]
    weights_necessary: str
    use_categories: tuple[str, ...]
    family: str
    version: str | None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.abstract}".strip()

    @property
    def uses_weights(self) -> bool:
        return self.weights_necessary.lower().startswith("yes")


def cset_dir() -> Path:
    return config.data_dir() / CSET_DIR


def _split(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(part.strip() for part in str(value).split(";") if part.strip() and part.strip() != "None")


def normalise_use_category(line: str) -> str:
    """CSET's free-text category line -> its head word, spelling unified ("FIne-tuning (LoRA)" ->
    "Fine-tuning")."""
    head = re.split(r"\s*\(", line.strip().lstrip("-").strip(), maxsplit=1)[0].strip().rstrip(".")
    low = head.lower().replace(" ", "").replace("-", "")
    canonical = {
        "finetuning": "Fine-tuning",
        "examination": "Examination",
        "examinations": "Examination",
        "modification": "Modification",
        "combination": "Combination",
        "compression": "Compression",
        "compresssion": "Compression",
        "continuedpretraining": "Continued pretraining",
        "continedpretraining": "Continued pretraining",
        "hardwarebenchmarking": "Hardware benchmarking",
        "prompting": "Prompting",
        "performance": "Performance",
    }
    for key, name in canonical.items():
        if low.startswith(key):
            return name
    return head


def _categories(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    seen: list[str] = []
    for line in str(value).splitlines():
        if line.strip().strip("-").strip():
            name = normalise_use_category(line)
            if name not in seen:
                seen.append(name)
    return tuple(seen)


def _year(value: Any) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def read_workbook(path: Path, workbook: str) -> Iterator[CsetPaper]:
    """The papers of one CSET workbook (rows without a paper id are skipped)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError as exc:
        raise InputError(f"The CSET workbook {path} does not exist (set VALUECHAIN_DATA).") from exc
    try:
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True)
            header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
            col = {name: i for i, name in enumerate(header)}
            target = SHEET_TARGETS.get(sheet.title)
            if target is None or "merged_id" not in col:
                continue
            for row_no, row in enumerate(rows, start=2):
                values = list(row) + [None] * (len(header) - len(row))
                paper_id = values[col["merged_id"]]
                if not paper_id:
                    continue
                family, version = target
                extra: dict[str, Any] = {}
                if "Fine-tuned Model" in col:
                    tuned = str(values[col["Fine-tuned Model"]] or "").strip()
                    extra["fine_tuned_model"] = tuned
                    version = _FINE_TUNED_VERSION.get(tuned.lower(), version)
                weights = values[col["Weights Necessary?"]] if "Weights Necessary?" in col else None
                if weights is None and "Fine-tuned Model" in col:
                    weights = "Yes (fine-tuning through the API)"
                yield CsetPaper(
                    workbook=workbook,
                    sheet=sheet.title,
                    row=row_no,
                    paper_id=str(paper_id),
                    title=str(values[col["title"]] or ""),
                    abstract=str(values[col["abstract"]] or ""),
                    year=_year(values[col["pub_year"]]),
                    organisations=_split(values[col["org_names"]]),
                    countries=_split(values[col["countries"]]),
                    organisation_types=_split(values[col["org_types"]]),
                    weights_necessary=str(weights or "").strip(),
                    use_categories=_categories(
                        values[col.get("Use Category", -1)] if "Use Category" in col else None
                    ),
                    family=family,
                    version=version,
                    extra=extra,
                )
    finally:
        book.close()


def load_cset(directory: Path | None = None) -> list[CsetPaper]:
    """Every annotated paper of both workbooks, one record per (sheet, paper)."""
    base = directory or cset_dir()
    papers: list[CsetPaper] = []
    for workbook, name in WORKBOOKS.items():
        path = base / name
        if not path.is_file():
            raise InputError(
                f"CSET's workbook {path} is missing; set VALUECHAIN_DATA to the reference data directory."
            )
        papers.extend(read_workbook(path, workbook))
    return papers


def us_company_author(paper: CsetPaper) -> tuple[bool, bool]:
    """(lower bound, upper bound) of "the paper has an author at a U.S. company".

    CSET's organisation, country and type lists are separate and not aligned, so: the upper bound is
    "a U.S. country and a Company type are both listed"; the lower bound additionally needs either every
    listed country to be the U.S., or an organisation named with ROR's "(United States)" suffix (the
    form ROR gives national branches of companies, e.g. "Microsoft (United States)") while a Company
    type is listed.
    """
    upper = US in paper.countries and "Company" in paper.organisation_types
    named = any(o.endswith("(United States)") for o in paper.organisations)
    lower = upper and (set(paper.countries) == {US} or named)
    return lower, upper


def has_country(paper: CsetPaper, country: str) -> bool:
    return country in paper.countries
