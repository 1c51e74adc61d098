"""The reference snapshots: a registry kept as data, their status on disk, and fetching them.

``data/snapshots.json`` (built by ``scripts/build_snapshot_registry.py`` from the shared reference data)
has one entry per snapshot: title, folder under the data directory, source (repository and commit or
tag, date), licence, the function that reads it, and every file with its size and sha256.

- :func:`status` says which snapshots are present, partial or missing under a data directory;
- :func:`usage` is what outputs report: the data directory, the rule that chose it, and which of the
  snapshots they rely on were used and which were missing;
- :func:`fetch` downloads a snapshot's files pinned to the recorded commit (GitHub raw URLs), checks each
  file's sha256 and moves the verified files into ``$VALUECHAIN_HOME/data``; nothing unverified is kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel

from valuechain import config
from valuechain.errors import InputError, SourceError

REGISTRY_PATH = Path(__file__).parent / "data" / "snapshots.json"
#: Where pinned files are downloaded from (``{base}/{repository}/{commit}/{path}``); tests point it at a
#: local replay server with ``VALUECHAIN_SNAPSHOT_URL``.
DEFAULT_BASE_URL = "https://raw.githubusercontent.com"


class SnapshotFile(BaseModel):
    path: str
    bytes: int
    sha256: str


class SnapshotSource(BaseModel):
    kind: str
    repository: str | None = None
    commit: str | None = None
    date: str = ""
    description: str | None = None


class Snapshot(BaseModel):
    name: str = ""
    title: str
    path: str
    source: SnapshotSource
    licence: str
    reader: str | None = None
    files: list[SnapshotFile]
    upstream_layout: str | None = None

    @property
    def fetchable(self) -> bool:
        return self.source.kind == "github" and bool(self.source.repository and self.source.commit)

    def origin(self) -> str:
        if self.source.kind == "github":
            return f"{self.source.repository}@{self.source.commit}"
        return self.source.description or self.source.kind


@cache
def registry() -> dict[str, Snapshot]:
    """Every registered snapshot by name (read once from the shipped JSON)."""
    raw = json.loads(REGISTRY_PATH.read_text(encoding="utf-8"))
    return {name: Snapshot(name=name, **entry) for name, entry in raw["snapshots"].items()}


@cache
def _file_index() -> dict[str, str]:
    return {f"{entry.path}/{file.path}": name for name, entry in registry().items() for file in entry.files}


def snapshot_of_file(relative_path: str) -> str | None:
    """The registered snapshot that holds ``relative_path`` (relative to the data directory), if any."""
    return _file_index().get(Path(relative_path).as_posix().lstrip("/"))


def snapshot(name: str) -> Snapshot:
    known = registry()
    if name not in known:
        raise InputError(
            f"Unknown snapshot {name!r}; `valuechain data status` lists the {len(known)} known ones."
        )
    return known[name]


@dataclass
class SnapshotStatus:
    name: str
    state: str  # present | partial | missing | modified
    files_present: int
    files_expected: int
    folder: Path
    checked: bool = False  # sha256 verified
    modified: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        entry = snapshot(self.name)
        return {
            "name": self.name,
            "title": entry.title,
            "state": self.state,
            "folder": str(self.folder),
            "files_present": self.files_present,
            "files_expected": self.files_expected,
            "sha256_checked": self.checked,
            "modified_files": self.modified[:20],
            "source": entry.origin(),
            "date": entry.source.date,
            "licence": entry.licence,
            "fetchable": entry.fetchable,
        }


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def snapshot_status(name: str, data: Path | None = None, verify: bool = False) -> SnapshotStatus:
    """Whether ``name``'s files are under ``data`` (all, some, none); with ``verify`` also their sha256."""
    entry = snapshot(name)
    folder = (data or config.data_dir()) / entry.path
    present = [f for f in entry.files if (folder / f.path).is_file()]
    modified = [f.path for f in present if verify and file_sha256(folder / f.path) != f.sha256]
    if not present:
        state = "missing"
    elif len(present) < len(entry.files):
        state = "partial"
    else:
        state = "modified" if modified else "present"
    return SnapshotStatus(name, state, len(present), len(entry.files), folder, verify, modified)


def status(
    data: Path | None = None, names: Sequence[str] | None = None, verify: bool = False
) -> list[SnapshotStatus]:
    return [snapshot_status(n, data, verify) for n in (names or list(registry()))]


def usage(names: Iterable[str], files: Iterable[str] = ()) -> dict[str, Any]:
    """For an output's JSON and text: the data directory, why it was chosen, and which of the snapshots
    ``names`` (or holding ``files``, paths relative to the data directory) were found (``used``) and which
    were not (``missing``). A snapshot counts as used when the files asked for (else all its files) are
    there; no checksum is claimed (``sha256_checked`` is false)."""
    data, rule = config.data_dir_choice()
    wanted: dict[str, list[str]] = {name: [] for name in names}
    unregistered = []
    for file in files:
        name = snapshot_of_file(file)
        if name is None:
            unregistered.append(file)
        else:
            wanted.setdefault(name, []).append(file)
    used: list[str] = []
    missing: list[str] = []
    for name, needed in wanted.items():
        present = (
            all((data / f).is_file() for f in needed)
            if needed
            else snapshot_status(name, data).state == "present"
        )
        (used if present else missing).append(name)
    info: dict[str, Any] = {
        "data_dir": str(data),
        "chosen_by": rule,
        "used": used,
        "missing": missing,
        "sha256_checked": False,
    }
    if unregistered:
        info["unregistered_files"] = unregistered
    return info


def usage_sentence(info: dict[str, Any]) -> str:
    """One line for human output, e.g. ``snapshots used: eosai, mot (data: …, chosen by …); missing: none``."""
    used = ", ".join(info["used"]) or "none"
    missing = ", ".join(info["missing"]) or "none"
    return f"Snapshots used: {used}; missing: {missing} (data directory {info['data_dir']}, chosen by {info['chosen_by']})."


# -- fetching -----------------------------------------------------------------------------------------
def file_url(entry: Snapshot, file: SnapshotFile, base_url: str | None = None) -> str:
    base = (base_url or os.environ.get("VALUECHAIN_SNAPSHOT_URL") or DEFAULT_BASE_URL).rstrip("/")
    return f"{base}/{entry.source.repository}/{quote(entry.source.commit or '')}/{quote(file.path)}"


@dataclass
class FetchResult:
    name: str
    folder: Path
    downloaded: int
    already_present: int
    bytes: int
    dry_run: bool = False
    urls: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "folder": str(self.folder),
            "downloaded": self.downloaded,
            "already_present": self.already_present,
            "bytes": self.bytes,
            "dry_run": self.dry_run,
            "sha256_checked": not self.dry_run,
            "urls": self.urls[:5],
        }


def fetch(
    name: str,
    destination: Path | None = None,
    base_url: str | None = None,
    dry_run: bool = False,
    get: Callable[[str], bytes] | None = None,
    on_file: Callable[[str], None] | None = None,
) -> FetchResult:
    """Download ``name``'s files pinned to the recorded commit into ``destination`` (default
    ``$VALUECHAIN_HOME/data``), verifying every sha256; files already there with the right sha256 are kept.

    Files are downloaded into a staging folder beside the destination and moved in only when every one
    of them is verified, so a failed fetch leaves no partial snapshot."""
    entry = snapshot(name)
    if not entry.fetchable:
        raise InputError(
            f"The snapshot {name!r} comes from {entry.origin()}, not from a pinned repository, so "
            "it cannot be fetched; install or copy it by hand."
        )
    root = destination or (config.home() / "data")
    folder = root / entry.path
    todo = [
        f
        for f in entry.files
        if not ((folder / f.path).is_file() and file_sha256(folder / f.path) == f.sha256)
    ]
    urls = [file_url(entry, f, base_url) for f in todo]
    result = FetchResult(
        name, folder, 0, len(entry.files) - len(todo), sum(f.bytes for f in todo), dry_run, urls
    )
    if dry_run or not todo:
        return result
    if get is None:
        get = _http_get()
    try:
        root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".fetch-{name}.", dir=root))
    except OSError as exc:
        raise InputError(f"The data directory {root} cannot be written ({exc.strerror or exc}).") from None
    try:
        for file, url in zip(todo, urls, strict=True):
            body = get(url)
            digest = hashlib.sha256(body).hexdigest()
            if digest != file.sha256:
                raise SourceError(
                    f"The file {file.path} of snapshot {name!r} from {url} does not match its recorded "
                    f"sha256 ({digest[:12]}… instead of {file.sha256[:12]}…); nothing was kept."
                )
            target = staging / file.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
            if on_file:
                on_file(file.path)
        for file in todo:
            final = folder / file.path
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / file.path, final)
            result.downloaded += 1
    except OSError as exc:
        raise InputError(f"The data directory {root} cannot be written ({exc.strerror or exc}).") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return result


def _http_get() -> Callable[[str], bytes]:
    from valuechain.sources.http import HttpClient

    client = HttpClient(service="the snapshot source", rate_per_second=None, max_attempts=4)

    def get(url: str) -> bytes:
        response, _ = client.get(url, headers={"Accept": "*/*"})
        return response.content

    return get
