"""How good is the matcher? Recall and precision against CSET's annotations and our own labelled sets.

Four checks, all computed here and printed by ``valuechain science validate``:

1. **CSET recall per sheet.** Every row of a CSET sheet names the sheet's model (CSET selected by regex
   and people checked each paper). Recall = rows in which the matcher finds the sheet's family (and, for
   a version sheet, that version, see :func:`~valuechain.science.matcher.document_versions`) / rows.
   The GPT-3/3.5 fine-tuning sheet is family-level: its per-row version comes from the full text, which
   the title and abstract often do not repeat (its per-row version agreement is reported too).
2. **CSET precision on other families.** Every other family the matcher finds in a CSET text was
   inspected and labelled by hand (``data/validation/cset_other_family_labels.csv``); precision =
   true / labelled detections. A detection without a label fails the check (``unlabelled``).
3. **Independent set** (``data/validation/independent.yaml``): 167 titles/abstracts written by hand for
   the families CSET does not cover, labelled and committed before the patterns were written. Per family
   TP/FP/FN, precision and recall, and recall of the labelled versions.
4. **False friends** (``data/validation/false_friends.yaml``): 87 hand-written sentences using the names
   in other senses, also committed before the patterns. Precision of the detections and the number of
   sentences with a wrong detection.

Precision p = TP / (TP + FP), recall r = TP / (TP + FN), each over (text, family) pairs.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from valuechain.output import source
from valuechain.science.cset import CSET_SOURCE, CsetPaper, cset_dir, load_cset
from valuechain.science.matcher import Matcher, load_matcher

VALIDATION_DIR = "valuechain/science/data/validation"
FAMILY_LEVEL_SHEETS = {"Fine-tuning Pubs (GPT-3 and GPT"}
RECALL_TARGET = 0.95


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def _read_validation(name: str) -> str:
    return resources.files("valuechain.science").joinpath("data", "validation", name).read_text("utf-8")


@dataclass
class Validation:
    """The four checks; ``.tidy()`` gives one row per (check, group), ``.summary()`` the headline numbers."""

    cset_recall: list[dict[str, Any]]
    cset_precision: dict[str, Any]
    independent: dict[str, Any]
    false_friends: dict[str, Any]
    dictionary_source: str
    sources: list[dict[str, Any]] = field(default_factory=list)

    def tidy(self) -> list[dict[str, Any]]:
        rows = [{"check": "cset_recall", **row} for row in self.cset_recall]
        rows += [{"check": "cset_precision", **row} for row in self.cset_precision["by_family"]]
        rows += [{"check": "independent", **row} for row in self.independent["by_family"]]
        rows += [{"check": "false_friends", **row} for row in self.false_friends["by_rule"]]
        return rows

    def summary(self) -> dict[str, Any]:
        recalls = [r["recall"] for r in self.cset_recall if r["recall"] is not None]
        return {
            "cset_min_recall": min(recalls) if recalls else None,
            "cset_sheets_at_target": sum(1 for r in self.cset_recall if r["meets_target"]),
            "cset_sheets": len(self.cset_recall),
            "cset_other_family_precision": self.cset_precision["precision"],
            "cset_unlabelled": self.cset_precision["unlabelled"],
            "independent_precision": self.independent["precision"],
            "independent_recall": self.independent["recall"],
            "independent_version_recall": self.independent["version_recall"],
            "false_friend_precision": self.false_friends["precision"],
            "false_friend_sentences_wrong": self.false_friends["sentences_wrong"],
            "false_friend_sentences": self.false_friends["sentences"],
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": self.summary(),
            "cset_recall": self.cset_recall,
            "cset_precision": self.cset_precision,
            "independent": self.independent,
            "false_friends": self.false_friends,
            "dictionary": self.dictionary_source,
        }


def cset_recall(papers: list[CsetPaper], matcher: Matcher) -> list[dict[str, Any]]:
    """Recall per CSET sheet (family level, and version level for version sheets)."""
    by_sheet: dict[str, list[CsetPaper]] = defaultdict(list)
    for paper in papers:
        by_sheet[paper.sheet].append(paper)
    rows = []
    for sheet, sheet_papers in by_sheet.items():
        family = sheet_papers[0].family
        family_hits = version_hits = version_rows = 0
        missed: list[str] = []
        for paper in sheet_papers:
            mentions = matcher.match(paper.text)
            found = family in {m.family for m in mentions}
            family_hits += found
            if paper.version is not None:
                version_rows += 1
                pairs = matcher.versions_in(paper.text)
                version_found = (family, paper.version) in pairs
                version_hits += version_found
            else:
                version_found = found
            level_found = found if sheet in FAMILY_LEVEL_SHEETS else version_found
            if not level_found:
                missed.append(f"row {paper.row}: {paper.title[:80]}")
        version_level = sheet not in FAMILY_LEVEL_SHEETS and sheet_papers[0].version is not None
        recall = _ratio(version_hits if version_level else family_hits, len(sheet_papers))
        rows.append(
            {
                "sheet": sheet,
                "workbook": sheet_papers[0].workbook,
                "family": family,
                "version": sheet_papers[0].version if version_level else None,
                "level": "version" if version_level else "family",
                "papers": len(sheet_papers),
                "family_found": family_hits,
                "family_recall": _ratio(family_hits, len(sheet_papers)),
                "version_found": version_hits if version_rows else None,
                "version_recall": _ratio(version_hits, version_rows),
                "recall": recall,
                "meets_target": recall is not None and recall >= RECALL_TARGET,
                "missed": missed,
            }
        )
    return rows


def _labels() -> dict[tuple[str, int, str], dict[str, str]]:
    text = _read_validation("cset_other_family_labels.csv")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return {
        (row["sheet"], int(row["row"]), row["family"]): row
        for row in csv.DictReader(io.StringIO("\n".join(lines)))
    }


def cset_precision(papers: list[CsetPaper], matcher: Matcher) -> dict[str, Any]:
    """Precision of the other-family detections in CSET texts, from the hand labels."""
    labels = _labels()
    per_family: dict[str, dict[str, int]] = defaultdict(lambda: {"true": 0, "false": 0, "unlabelled": 0})
    unlabelled: list[str] = []
    false_rows: list[dict[str, str]] = []
    for paper in papers:
        for family in sorted(matcher.families_in(paper.text) - {paper.family}):
            label = labels.get((paper.sheet, paper.row, family))
            if label is None:
                per_family[family]["unlabelled"] += 1
                unlabelled.append(f"{paper.sheet} row {paper.row}: {family}")
            elif label["label"] == "true":
                per_family[family]["true"] += 1
            else:
                per_family[family]["false"] += 1
                false_rows.append(label)
    true = sum(c["true"] for c in per_family.values())
    false = sum(c["false"] for c in per_family.values())
    return {
        "detections": true + false + len(unlabelled),
        "true": true,
        "false": false,
        "unlabelled": len(unlabelled),
        "unlabelled_detections": unlabelled,
        "false_detections": false_rows,
        "precision": _ratio(true, true + false),
        "by_family": [
            {"family": f, **c, "precision": _ratio(c["true"], c["true"] + c["false"])}
            for f, c in sorted(per_family.items())
        ],
    }


def _prf(items: list[dict[str, Any]], matcher: Matcher, group_key: str) -> dict[str, Any]:
    tp: dict[str, int] = defaultdict(int)
    fp: dict[str, int] = defaultdict(int)
    fn: dict[str, int] = defaultdict(int)
    groups: dict[str, dict[str, int]] = defaultdict(lambda: {"texts": 0, "wrong": 0})
    wrong: list[dict[str, Any]] = []
    version_total = version_found = 0
    for item in items:
        want = set(item.get("families") or [])
        got = matcher.families_in(item["text"])
        for family in got & want:
            tp[family] += 1
        for family in got - want:
            fp[family] += 1
        for family in want - got:
            fn[family] += 1
        group = str(item.get(group_key) or item["id"].rsplit("-", 1)[0])
        groups[group]["texts"] += 1
        if got != want:
            groups[group]["wrong"] += 1
            wrong.append(
                {"id": item["id"], "expected": sorted(want), "found": sorted(got), "text": item["text"]}
            )
        wanted_versions = set(item.get("versions") or [])
        if wanted_versions:
            found_versions = {v for _f, v in matcher.versions_in(item["text"])}
            version_total += len(wanted_versions)
            version_found += len(wanted_versions & found_versions)
    families = sorted(set(tp) | set(fp) | set(fn))
    total_tp, total_fp, total_fn = sum(tp.values()), sum(fp.values()), sum(fn.values())
    return {
        "texts": len(items),
        "tp": total_tp,
        "fp": total_fp,
        "fn": total_fn,
        "precision": _ratio(total_tp, total_tp + total_fp),
        "recall": _ratio(total_tp, total_tp + total_fn),
        "version_labels": version_total,
        "version_found": version_found,
        "version_recall": _ratio(version_found, version_total),
        "by_family": [
            {
                "family": f,
                "tp": tp[f],
                "fp": fp[f],
                "fn": fn[f],
                "precision": _ratio(tp[f], tp[f] + fp[f]),
                "recall": _ratio(tp[f], tp[f] + fn[f]),
            }
            for f in families
        ],
        "by_group": [{"group": g, **c} for g, c in sorted(groups.items())],
        "wrong": wrong,
    }


def independent_set(matcher: Matcher) -> dict[str, Any]:
    items = yaml.safe_load(_read_validation("independent.yaml"))["items"]
    return _prf(items, matcher, "group")


def false_friend_set(matcher: Matcher) -> dict[str, Any]:
    items = yaml.safe_load(_read_validation("false_friends.yaml"))["items"]
    result = _prf(items, matcher, "friend")
    return {
        "sentences": len(items),
        "sentences_wrong": len(result["wrong"]),
        "precision": result["precision"],
        "tp": result["tp"],
        "fp": result["fp"],
        "fn": result["fn"],
        "by_rule": [{"rule": g.pop("group"), **g} for g in result["by_group"]],
        "wrong": result["wrong"],
    }


def validate(extra_dictionary: str | Path | None = None, cset_directory: Path | None = None) -> Validation:
    """Run the four checks with the packaged dictionary (or the packaged one plus ``extra_dictionary``)."""
    matcher = load_matcher(extra_dictionary)
    papers = load_cset(cset_directory)
    return Validation(
        cset_recall=cset_recall(papers, matcher),
        cset_precision=cset_precision(papers, matcher),
        independent=independent_set(matcher),
        false_friends=false_friend_set(matcher),
        dictionary_source=matcher.source,
        sources=[
            source(CSET_SOURCE, str(cset_directory or cset_dir())),
            source("valuechain hand-labelled validation sets", VALIDATION_DIR),
            source("model-family dictionary", matcher.source),
        ],
    )
