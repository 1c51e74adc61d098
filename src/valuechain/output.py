"""Output helpers shared by the CLI: JSON envelopes, atomic file writes, source records.

Every JSON document the tool emits carries ``schema_version`` and ``sources`` (provenance).
Files are written atomically (temporary file + rename) so that an interrupted run leaves nothing
half-written.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from valuechain import SCHEMA_VERSION


def source(name: str, location: str, retrieved: str | None = None, **extra: Any) -> dict[str, Any]:
    """A provenance record: what the numbers come from (URL or file) and when it was retrieved."""
    record: dict[str, Any] = {"name": name, "location": location}
    if retrieved:
        record["retrieved"] = retrieved
    record.update(extra)
    return record


def _default(value: Any) -> Any:
    try:
        import numpy as np

        if isinstance(value, np.generic):
            return value.item()
        if isinstance(value, np.ndarray):
            return value.tolist()
    except ImportError:  # pragma: no cover
        pass
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, set):
        return sorted(value)
    if hasattr(value, "model_dump"):
        return value.model_dump()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _clean(value: Any) -> Any:
    """Replace NaN/inf by None recursively so that the JSON is valid."""
    if isinstance(value, float):
        return None if (math.isnan(value) or math.isinf(value)) else value
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    try:
        import numpy as np

        if isinstance(value, np.ndarray):
            return _clean(value.tolist())
        if isinstance(value, np.floating):
            return _clean(float(value))
        if isinstance(value, np.integer):
            return int(value)
        if isinstance(value, np.bool_):
            return bool(value)
    except ImportError:  # pragma: no cover
        pass
    return value


def dumps(payload: Any, indent: int | None = 2) -> str:
    return json.dumps(_clean(payload), default=_default, indent=indent, ensure_ascii=False)


def envelope(payload: dict[str, Any], sources: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Add ``schema_version`` and ``sources`` to a JSON object (keys of ``payload`` stay at the top)."""
    out = dict(payload)
    out.setdefault("schema_version", SCHEMA_VERSION)
    out.setdefault("sources", sources or [])
    return out


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it is renamed onto ``path``, else removed."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_path, 0o666 & ~umask)  # mkstemp makes 0600 files; give the usual permissions
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_text_atomic(path: str | os.PathLike[str], text: str) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)
