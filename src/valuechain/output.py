"""Output helpers shared by the CLI: JSON envelopes, atomic file writes, source records.

Every JSON document the tool emits carries ``schema_version`` and ``sources`` (provenance).
Files are written atomically (temporary file + rename) so that an interrupted run leaves nothing
half-written. Every file the CLI writes goes through :func:`check_destination` (before any work
starts) and :func:`write_output` (which turns every OS error into one sentence, exit code 2).
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from valuechain import SCHEMA_VERSION
from valuechain.errors import InputError


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
    """``payload`` with ``schema_version`` and ``sources`` as its first keys (existing values are kept)."""
    out = {
        "schema_version": payload.get("schema_version", SCHEMA_VERSION),
        "sources": payload.get("sources", sources or []),
    }
    out.update((k, v) for k, v in payload.items() if k not in out)
    return out


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).rstrip(".").lower()


def _either(items: tuple[str, ...]) -> str:
    """``.png, .pdf or .svg``."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def _probe_directory(directory: Path) -> str | None:
    """Why nothing can be created in ``directory`` (None if a file can be created there).

    A real attempt, not ``os.access``: as root ``os.access`` says yes to ``/proc`` and read-only mounts."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".valuechain-probe.", dir=directory)
    except OSError as exc:
        return _reason(exc)
    os.close(fd)
    os.unlink(tmp)
    return None


def check_destination(
    path: str | os.PathLike[str],
    what: str = "output file",
    suffixes: tuple[str, ...] | None = None,
    directory: bool = False,
) -> Path:
    """Check, before any work starts, that ``path`` can be written; raise one sentence if not.

    ``directory=True`` is for outputs that are a directory (``report build --out``): an existing file is
    refused, and so is an existing non-empty directory that does not hold a previous report
    (``report.json``), so that a mistyped ``--out ~`` never replaces a user's folder."""
    target = Path(path).expanduser()
    if not str(path).strip():
        raise InputError(f"The {what} path is empty; give a file name.")
    if directory:
        if target.exists() and not target.is_dir():
            raise InputError(f"The {what} {target} is an existing file, not a directory; give a directory.")
        if target.is_dir() and any(target.iterdir()) and not (target / "report.json").is_file():
            raise InputError(
                f"The {what} {target} is a non-empty directory that does not hold a previous "
                "report; give a new or empty directory."
            )
    else:
        if target.is_dir():
            hint = f" ending in {_either(suffixes)}" if suffixes else ""
            raise InputError(f"The {what} {target} is a directory; give a file name{hint}.")
        if suffixes and target.suffix.lower() not in suffixes:
            raise InputError(f"The {what} {target} must end in {_either(suffixes)}.")
    parent = next((p for p in target.parents if p.exists()), None)
    if parent is None:
        raise InputError(f"The {what} {target} cannot be written: none of its parent directories exists.")
    if not parent.is_dir():
        raise InputError(f"The {what} {target} cannot be written: {parent} is a file, not a directory.")
    reason = _probe_directory(parent)
    if reason:
        raise InputError(f"The {what} {target} cannot be written: {parent} refuses new files ({reason}).")
    if target.exists() and not directory and not os.access(target, os.W_OK):
        raise InputError(f"The {what} {target} cannot be written: the existing file is read-only.")
    return target


def write_output(
    path: str | os.PathLike[str], write: Callable[[Path], Any], what: str = "output file"
) -> Path:
    """Write ``path`` atomically by calling ``write(temporary_path)``; any OS error becomes one sentence
    (:class:`InputError`, exit code 2) and leaves nothing behind."""
    target = Path(path).expanduser()
    try:
        with atomic_path(target) as tmp:
            write(tmp)
    except OSError as exc:
        raise InputError(f"The {what} {target} cannot be written ({_reason(exc)}).") from None
    return target


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


def write_text_atomic(path: str | os.PathLike[str], text: str, what: str = "output file") -> Path:
    return write_output(path, lambda tmp: tmp.write_text(text, encoding="utf-8"), what)
