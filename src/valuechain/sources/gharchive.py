"""GH Archive hourly files (``YYYY-MM-DD-H.json.gz``): finding them and reading them with DuckDB.

Each line of an hourly file is one public GitHub event: ``id, type, actor{id, login}, repo{id, name},
payload, public, created_at, org``. The files are read by DuckDB's ``read_json`` with an explicit column
list (``payload`` is never materialised), streamed from the gzip, never whole in Python memory.

A line that is not a JSON object (or carries none of the event fields) comes back from ``read_json``
(with ``ignore_errors``) as a row of NULLs and is counted as *unparseable*; an event with some fields
missing (or of the wrong type, e.g. a non-numeric ``actor.id``) is counted as *missing fields*.
A truncated gzip stops DuckDB with an IO error; :func:`truncation_point` then reads the file with
Python's ``gzip`` to say how far it got.

Full history: the same events are in Google BigQuery's public ``githubarchive`` dataset
(``githubarchive.day.YYYYMMDD``, ``githubarchive.month.YYYYMM``), with the same ``type``, ``actor``,
``repo`` and ``created_at`` fields (see README, "GH Archive on BigQuery").
"""

from __future__ import annotations

import glob
import gzip
import zlib
from collections.abc import Iterable
from pathlib import Path

from valuechain.errors import InputError

#: The columns read from each event (everything else, notably ``payload``, is skipped by the reader).
EVENT_COLUMNS = (
    "{'id': 'VARCHAR', 'type': 'VARCHAR', 'actor': 'STRUCT(id BIGINT, login VARCHAR)', "
    "'repo': 'STRUCT(id BIGINT, name VARCHAR)', 'created_at': 'VARCHAR'}"
)

#: Suffixes of GH Archive files (hourly gzip; plain JSON lines accepted for tests and extracts).
SUFFIXES = (".json.gz", ".json", ".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
#: Files taken from a directory: GH Archive's own names only (a users.jsonl beside them is not an hour).
DIRECTORY_SUFFIXES = (".json.gz", ".json")


def resolve_files(items: Iterable[str | Path]) -> list[Path]:
    """Files named by paths, glob patterns or directories (their GH Archive files), sorted, no repeats.

    Raises :class:`InputError` naming the first item that matches no file.
    """
    found: list[Path] = []
    for item in items:
        text = str(item)
        path = Path(text).expanduser()
        if path.is_dir():
            matches = sorted(p for p in path.iterdir() if p.is_file() and p.name.endswith(DIRECTORY_SUFFIXES))
            if not matches:
                raise InputError(f"The directory {path} holds no GH Archive files (*.json.gz).")
        elif path.is_file():
            matches = [path]
        elif any(ch in text for ch in "*?["):
            matches = sorted(Path(p) for p in glob.glob(str(path)) if Path(p).is_file())
            if not matches:
                raise InputError(f"The pattern {text} matches no file.")
        else:
            raise InputError(f"The GH Archive file {text} does not exist.")
        found.extend(m.resolve() for m in matches)
    unique = list(dict.fromkeys(found))
    if not unique:
        raise InputError("No GH Archive file was given.")
    return unique


def read_json_sql(paths: Path | Iterable[Path]) -> str:
    """The DuckDB table function reading ``paths`` with :data:`EVENT_COLUMNS` and a ``filename`` column.

    Every file must have the same compression (gzip when the first ends in ``.gz``).
    """
    files = [paths] if isinstance(paths, Path) else list(paths)
    quoted = ", ".join("'" + str(p).replace("'", "''") + "'" for p in files)
    gz = {p.name.endswith(".gz") for p in files}
    if len(gz) > 1:
        compression = "auto_detect"
    else:
        compression = "gzip" if gz.pop() else "none"
    return (
        f"read_json([{quoted}], format='newline_delimited', compression='{compression}', "
        f"columns={EVENT_COLUMNS}, ignore_errors=true, maximum_object_size=268435456, filename=true)"
    )


def truncation_point(path: Path) -> tuple[int, int, bool]:
    """(complete lines, decompressed bytes, broken) of a gzip file: how far it reads before it breaks."""
    lines = 0
    size = 0
    try:
        with gzip.open(path, "rb") as handle:
            while True:
                chunk = handle.read(1 << 16)
                if not chunk:
                    break
                size += len(chunk)
                lines += chunk.count(b"\n")
    except (EOFError, OSError, zlib.error):
        return lines, size, True
    return lines, size, False
