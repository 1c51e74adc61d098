"""``valuechain hf import``: load saved Hugging Face model records into the store, as a sync would.

Two layouts are recognised:

- **JSON** — JSON lines (one ``GET /api/models/{id}`` body or list item per line, camelCase as the
  API returns it), a JSON array of such objects, or a single object;
- **ModelInfo CSV** — the layout of the DeepSeek-R1 tree snapshot (hamidahoderinwale/
  model_metadata_analyses): columns ``model_id`` and ``metadata``, the latter a JSON dump of
  ``huggingface_hub.ModelInfo`` (snake_case keys, ``card_data`` as a YAML string, siblings as object
  reprs); when the dump has no card data but the file has a ``card`` column (a README with YAML front
  matter), the front matter is used.

Every record goes through the same :func:`valuechain.sources.huggingface.record_to_row` and
:func:`valuechain.ecosystem.hf_store.load_models` as a sync, and the whole file is written in one
transaction: a bad record anywhere means one :class:`InputError` sentence and nothing written.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from valuechain.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from valuechain.store import Store

LAYOUT_JSON = "json"
LAYOUT_MODELINFO_CSV = "modelinfo-csv"
_DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")


@dataclass
class ImportResult:
    """What an import wrote."""

    path: Path
    layout: str
    models: int
    edges: int
    duplicates_skipped: int
    fetched_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {"file": str(self.path), "layout": self.layout, "models": self.models,
                "lineage_edges": self.edges, "duplicates_skipped": self.duplicates_skipped,
                "fetched_at": self.fetched_at}


def default_fetched_at(path: Path) -> datetime:
    """When the records were fetched: the date in the file name (snapshots are named by retrieval
    date, e.g. ``model-info-2025-04-10.csv``), else the file's modification time (UTC)."""
    match = _DATE_IN_NAME.search(path.name)
    if match:
        try:
            return datetime.strptime(match.group(1), "%Y-%m-%d")
        except ValueError:
            pass
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"The file {path} is not UTF-8 text.") from None


def _json_records(path: Path, text: str) -> list[dict[str, Any]]:
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise InputError(f"The file {path} is not valid JSON ({exc.msg} at line {exc.lineno}).") from None
        if not all(isinstance(item, dict) for item in data):
            raise InputError(f"The JSON array in {path} holds something other than model objects.")
        return list(data)
    try:  # one pretty-printed object (a saved model_info body)
        whole = json.loads(text)
    except ValueError:
        whole = None
    if isinstance(whole, dict):
        return [whole]
    records: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError as exc:
            raise InputError(f"Line {number} of {path} is not valid JSON ({exc.msg}).") from None
        if not isinstance(value, dict):
            raise InputError(f"Line {number} of {path} is not a JSON object describing a model.")
        records.append(value)
    return records


def _csv_records(path: Path) -> list[dict[str, Any]]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            if "metadata" not in columns or "model_id" not in columns:
                raise InputError(
                    f"The CSV file {path} has columns {', '.join(c for c in columns if c) or 'none'}, "
                    "not the 'model_id' and 'metadata' columns of a saved ModelInfo dump."
                )
            records = []
            for number, row in enumerate(reader, start=2):
                if None in row:
                    raise InputError(f"Row {number} of {path} has more fields than the header.")
                try:
                    record = json.loads(row["metadata"] or "")
                except ValueError:
                    raise InputError(f"The metadata of row {number} of {path} is not valid JSON.") from None
                if not isinstance(record, dict):
                    raise InputError(f"The metadata of row {number} of {path} is not a JSON object.")
                model_id = (row.get("model_id") or "").strip()
                if model_id and not (record.get("id") or record.get("modelId")):
                    record["id"] = model_id
                card = row.get("card")
                if card and not (record.get("card_data") or record.get("cardData")):
                    record["card_data"] = card  # README with YAML front matter
                records.append(record)
            return records
    except UnicodeDecodeError:
        raise InputError(f"The file {path} is not UTF-8 text.") from None
    except csv.Error as exc:
        raise InputError(f"The CSV file {path} is malformed ({exc}).") from None


def read_records(path: Path) -> tuple[str, list[dict[str, Any]]]:
    """``(layout, records)`` of a saved file; :class:`InputError` for an unknown layout or bad content."""
    if not path.exists():
        raise InputError(f"The file {path} does not exist.")
    if path.is_dir():
        raise InputError(f"The file {path} is a directory, not a file.")
    if path.stat().st_size == 0:
        raise InputError(f"The file {path} is empty; it holds no model records.")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        layout, records = LAYOUT_MODELINFO_CSV, _csv_records(path)
    else:
        text = _read_text(path)
        if not text.strip():
            raise InputError(f"The file {path} is empty; it holds no model records.")
        if text.lstrip()[:1] in ("{", "["):
            layout, records = LAYOUT_JSON, _json_records(path, text)
        else:
            raise InputError(
                f"The file {path} is neither JSON lines of Hugging Face model records nor a ModelInfo CSV."
            )
    if not records:
        raise InputError(f"The file {path} holds no model records.")
    return layout, records


def import_file(store: Store, path: str | Path, *, fetched_at: datetime | None = None) -> ImportResult:
    """Load the model records of ``path`` into ``hf_models``/``hf_lineage`` in one transaction."""
    from valuechain.ecosystem.hf_store import load_models
    from valuechain.sources.huggingface import record_to_row, rows_frame

    path = Path(path)
    layout, records = read_records(path)
    rows: dict[str, dict[str, Any]] = {}
    duplicates = 0
    for number, record in enumerate(records, start=1):
        try:
            row = record_to_row(record)
        except InputError as exc:
            raise InputError(f"Record {number} of {path}: {exc}") from None
        if row["id"] in rows:
            duplicates += 1
            del rows[row["id"]]  # keep the last occurrence, in its position
        rows[row["id"]] = row
    when = fetched_at or default_fetched_at(path)
    models, edges = load_models(store, rows_frame(list(rows.values())), source=str(path.resolve()),
                                fetched_at=when)
    return ImportResult(path=path, layout=layout, models=models, edges=edges,
                        duplicates_skipped=duplicates, fetched_at=when)
