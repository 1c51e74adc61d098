"""Configuration read from the environment.

- ``VALUECHAIN_HOME``: where the default DuckDB store lives (default ``~/.valuechain``).
- ``VALUECHAIN_DATA``: the reference snapshots (``../shared/data`` in development and CI).
- Tokens: ``HF_TOKEN``, ``GITHUB_TOKEN``, ``OPENALEX_EMAIL``, ``PATENTSVIEW_API_KEY``. They are read
  here and only here, and never printed or logged: :func:`redact` masks them in any text.
"""

from __future__ import annotations

import os
from pathlib import Path

TOKEN_VARIABLES = ("HF_TOKEN", "GITHUB_TOKEN", "OPENALEX_EMAIL", "PATENTSVIEW_API_KEY")


def home() -> Path:
    """The directory of the default store (``$VALUECHAIN_HOME`` or ``~/.valuechain``)."""
    return Path(os.environ.get("VALUECHAIN_HOME") or Path.home() / ".valuechain").expanduser()


def default_db_path() -> Path:
    return home() / "valuechain.duckdb"


def data_dir() -> Path:
    """The reference snapshots (``$VALUECHAIN_DATA``, else ``../shared/data`` from the working directory)."""
    env = os.environ.get("VALUECHAIN_DATA")
    if env:
        return Path(env).expanduser()
    for base in (Path.cwd(), *Path.cwd().parents):
        candidate = base / "shared" / "data"
        if candidate.is_dir():
            return candidate
        candidate = base.parent / "shared" / "data"
        if candidate.is_dir():
            return candidate
    return Path.cwd() / "shared" / "data"


def token(name: str) -> str | None:
    """A token from the environment, or None. Never print the value."""
    if name not in TOKEN_VARIABLES:
        raise KeyError(name)
    value = os.environ.get(name)
    return value or None


def redact(text: str) -> str:
    """Replace every configured token value in ``text`` by ``***``."""
    for name in TOKEN_VARIABLES:
        value = os.environ.get(name)
        if value and len(value) >= 4:
            text = text.replace(value, "***")
    return text
