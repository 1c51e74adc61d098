"""``valuechain hf import``: load saved Hugging Face model records into the store, as a sync would.

Two layouts are recognised (either may be gzipped: ``.jsonl.gz``, ``.csv.gz``):

- **JSON** — JSON lines (one ``GET /api/models/{id}`` body or list item per line, camelCase as the
  API returns it), a JSON array of such objects, or a single object;
- **ModelInfo CSV** — the layout of the DeepSeek-R1 tree snapshot (hamidahoderinwale/
  model_metadata_analyses): columns ``model_id`` and ``metadata``, the latter a JSON dump of
  ``huggingface_hub.ModelInfo`` (snake_case keys, ``card_data`` as a YAML string, siblings as object
  reprs); when the dump has no card data but the file has a ``card`` column (a README with YAML front
  matter), the front matter is used.

Every record goes through the same :func:`valuechain.sources.huggingface.record_to_row` and
:func:`valuechain.sources.hf_tables.prepare_frames` as a sync. Records are streamed in chunks into
staging tables and moved into ``hf_models``/``hf_lineage`` at the end, all in one transaction: a bad
record anywhere means one :class:`InputError` sentence and nothing written, and memory stays bounded
for a dump of the whole Hub.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from valuechain.errors import InputError
from valuechain.sources.hf_tables import HF_SCHEMA, insert_frames, prepare_frames
from valuechain.sources.huggingface import record_to_row, rows_frame

if TYPE_CHECKING:  # pragma: no cover
    from valuechain.store import Store

LAYOUT_JSON = "json"
LAYOUT_MODELINFO_CSV = "modelinfo-csv"
CHUNK_SIZE = 20_000
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
    replaced: int = 0  # model rows of an earlier import of the same file with the same fetched_at

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "layout": self.layout,
            "models": self.models,
            "lineage_edges": self.edges,
            "duplicates_skipped": self.duplicates_skipped,
            "replaced_earlier_import": self.replaced,
            "fetched_at": self.fetched_at,
        }


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


def _gzipped(path: Path) -> bool:
    return path.suffix.lower() == ".gz"


def _open(path: Path, mode: str, **kwargs: Any) -> Any:
    """Open ``path``, decompressing ``.gz`` files (saved dumps are often gzipped)."""
    if _gzipped(path):
        import gzip

        return gzip.open(path, mode, **kwargs)
    return path.open(mode, **kwargs)


def _json_problem(exc: ValueError, *, with_line: bool) -> str:
    """What is wrong with a JSON text, in a few words.

    ``json`` raises :class:`json.JSONDecodeError` (with ``msg``/``lineno``) for bad syntax, but a plain
    :class:`ValueError` without them for, e.g., an integer longer than Python's 4300-digit limit.
    """
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at line {exc.lineno}" if with_line else exc.msg
    return str(exc).split(":", 1)[0]


def _json_lines(path: Path) -> Iterator[dict[str, Any]]:
    with _open(path, "rt", encoding="utf-8") as handle:
        try:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    value = json.loads(line)
                except ValueError as exc:
                    raise InputError(
                        f"Line {number} of {path} is not valid JSON ({_json_problem(exc, with_line=False)})."
                    ) from None
                if not isinstance(value, dict):
                    raise InputError(f"Line {number} of {path} is not a JSON object describing a model.")
                yield value
        except UnicodeDecodeError:
            raise InputError(f"The file {path} is not UTF-8 text.") from None
        except (OSError, EOFError):
            raise InputError(f"The file {path} is a damaged or truncated gzip file.") from None


def _json_document(path: Path) -> list[dict[str, Any]]:
    """A JSON array of model objects, or one (pretty-printed) object."""
    try:
        with _open(path, "rt", encoding="utf-8") as handle:
            data = json.load(handle)
    except UnicodeDecodeError:
        raise InputError(f"The file {path} is not UTF-8 text.") from None
    except ValueError as exc:
        raise InputError(
            f"The file {path} is not valid JSON ({_json_problem(exc, with_line=True)})."
        ) from None
    except (OSError, EOFError):
        raise InputError(f"The file {path} is a damaged or truncated gzip file.") from None
    if isinstance(data, dict):
        return [data]
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise InputError(f"The JSON in {path} holds something other than model objects.")
    return data


def _csv_rows(path: Path, handle: Any, reader: csv.DictReader) -> Iterator[dict[str, Any]]:
    try:
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
            yield record
    except UnicodeDecodeError:
        raise InputError(f"The file {path} is not UTF-8 text.") from None
    except csv.Error as exc:
        raise InputError(f"The CSV file {path} is malformed ({exc}).") from None
    except (OSError, EOFError):
        raise InputError(f"The file {path} is a damaged or truncated gzip file.") from None
    finally:
        handle.close()


def _csv_records(path: Path) -> Iterator[dict[str, Any]]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    handle = _open(path, "rt", newline="", encoding="utf-8")
    try:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
    except (UnicodeDecodeError, csv.Error, OSError, EOFError):
        handle.close()
        raise InputError(f"The file {path} is not a readable UTF-8 CSV file.") from None
    if "metadata" not in columns or "model_id" not in columns:
        handle.close()
        raise InputError(
            f"The CSV file {path} has columns {', '.join(c for c in columns if c) or 'none'}, "
            "not the 'model_id' and 'metadata' columns of a saved ModelInfo dump."
        )
    return _csv_rows(path, handle, reader)


def open_records(path: Path) -> tuple[str, Iterator[dict[str, Any]]]:
    """``(layout, records)``: the layout is checked now, the records are read lazily (streamed).

    Raises :class:`InputError` for a missing, empty or unknown file now, and for a bad record when
    the iteration reaches it.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"The file {path} does not exist.")
    if path.is_dir():
        raise InputError(f"The file {path} is a directory, not a file.")
    if path.stat().st_size == 0:
        raise InputError(f"The file {path} is empty; it holds no model records.")
    inner = path.with_suffix("") if _gzipped(path) else path
    if inner.suffix.lower() == ".csv":
        return LAYOUT_MODELINFO_CSV, _csv_records(path)
    try:
        with _open(path, "rb") as handle:
            head = handle.read(1 << 16)
            first_line = head.split(b"\n", 1)[0] if b"\n" in head else head + handle.readline()
    except (OSError, EOFError):
        raise InputError(f"The file {path} is not a readable gzip file.") from None
    start = head.lstrip()[:1]
    if not start:
        raise InputError(f"The file {path} is empty; it holds no model records.")
    if start == b"[":
        return LAYOUT_JSON, iter(_json_document(path))
    if start != b"{":
        raise InputError(
            f"The file {path} is neither JSON lines of Hugging Face model records nor a ModelInfo CSV."
        )
    try:  # one object per line (JSON lines), unless the first line is not a whole object
        whole_first_line = isinstance(json.loads(first_line), dict)
    except ValueError:
        whole_first_line = False
    if whole_first_line or not first_line.strip():
        return LAYOUT_JSON, _json_lines(path)
    try:
        return LAYOUT_JSON, iter(_json_document(path))  # a pretty-printed single object
    except InputError:
        return LAYOUT_JSON, _json_lines(path)  # JSON lines whose first line is broken: say which line


def read_records(path: Path) -> tuple[str, list[dict[str, Any]]]:
    """``(layout, records)`` of a saved file, all in memory; :class:`InputError` for bad content."""
    layout, records = open_records(path)
    out = list(records)
    if not out:
        raise InputError(f"The file {path} holds no model records.")
    return layout, out


def import_file(
    store: Store,
    path: str | Path,
    *,
    fetched_at: datetime | None = None,
    chunk_size: int = CHUNK_SIZE,
    on_progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Load the model records of ``path`` into ``hf_models``/``hf_lineage`` in one transaction.

    Records are streamed in chunks of ``chunk_size`` into staging tables (memory stays bounded for a
    whole-Hub dump); a model id that occurs more than once keeps its last record. Importing the same
    file with the same ``fetched_at`` again replaces the rows of the earlier import. Any bad record
    rolls everything back.
    """

    path = Path(path)
    layout, records = open_records(path)
    when = fetched_at or default_fetched_at(path)
    source = str(path.resolve())
    store.ensure(HF_SCHEMA)
    staged = 0
    with store.transaction() as con:
        con.execute("CREATE TEMP TABLE _hf_stage_models AS SELECT 0::BIGINT AS seq, * FROM hf_models LIMIT 0")
        con.execute(
            "CREATE TEMP TABLE _hf_stage_lineage AS SELECT 0::BIGINT AS seq, * FROM hf_lineage LIMIT 0"
        )
        batch: list[dict[str, Any]] = []

        def flush() -> None:
            nonlocal staged
            if batch:
                frame = rows_frame(batch)
                frame.insert(0, "seq", [row["seq"] for row in batch])
                models, edges = prepare_frames(frame, source=source, fetched_at=when)
                insert_frames(
                    con,
                    models,
                    edges,
                    models_table="_hf_stage_models",
                    lineage_table="_hf_stage_lineage",
                    extra=("seq",),
                )
                staged += len(batch)
                batch.clear()
                if on_progress is not None:
                    on_progress(staged)

        for number, record in enumerate(records, start=1):
            try:
                row = record_to_row(record)
            except InputError as exc:
                raise InputError(f"Record {number} of {path}: {exc}") from None
            row["seq"] = number
            batch.append(row)
            if len(batch) >= chunk_size:
                flush()
        flush()
        if staged == 0:
            raise InputError(f"The file {path} holds no model records.")
        # Importing the same file with the same fetch date again replaces its earlier rows (idempotent):
        # one snapshot never holds a model twice.
        replaced = con.execute(
            "SELECT count(*) FROM hf_models WHERE source = ? AND fetched_at = ?", [source, when]
        ).fetchall()[0][0]
        con.execute("DELETE FROM hf_lineage WHERE source = ? AND fetched_at = ?", [source, when])
        con.execute("DELETE FROM hf_models WHERE source = ? AND fetched_at = ?", [source, when])
        kept = "(SELECT max(seq) AS seq FROM _hf_stage_models GROUP BY id)"
        # fetchall, not fetchone: DuckDB 2 refuses further work on a connection with an unfinished result.
        models_written = con.execute(
            f"INSERT INTO hf_models SELECT * EXCLUDE (seq) FROM _hf_stage_models SEMI JOIN {kept} k "
            "USING (seq) ORDER BY seq"
        ).fetchall()[0][0]
        edges_written = con.execute(
            f"INSERT INTO hf_lineage SELECT * EXCLUDE (seq) FROM _hf_stage_lineage SEMI JOIN {kept} k "
            "USING (seq) ORDER BY seq"
        ).fetchall()[0][0]
        con.execute("DROP TABLE _hf_stage_models")
        con.execute("DROP TABLE _hf_stage_lineage")
    return ImportResult(
        path=path,
        layout=layout,
        models=int(models_written),
        edges=int(edges_written),
        duplicates_skipped=staged - int(models_written),
        fetched_at=when,
        replaced=int(replaced),
    )
