"""Configuration read from the environment.

- ``VALUECHAIN_HOME``: where the default DuckDB store lives (default ``~/.valuechain``).
- ``VALUECHAIN_DATA``: the reference snapshots (see :func:`data_dir_choice` for the full rule:
  ``--data``, ``VALUECHAIN_DATA``, ``VALUECHAIN_HOME/data``, ``../shared/data`` next to a checkout).
- Tokens: ``HF_TOKEN``, ``GITHUB_TOKEN``, ``OPENALEX_EMAIL``, ``OPENALEX_API_KEY``, ``PATENTSVIEW_API_KEY``.
  They are read here and only here, and never printed or logged: :func:`redact` masks them in any text.
"""

from __future__ import annotations

import os
from pathlib import Path

TOKEN_VARIABLES = ("HF_TOKEN", "GITHUB_TOKEN", "OPENALEX_EMAIL", "OPENALEX_API_KEY", "PATENTSVIEW_API_KEY")


def home() -> Path:
    """The directory of the default store (``$VALUECHAIN_HOME`` or ``~/.valuechain``)."""
    return Path(os.environ.get("VALUECHAIN_HOME") or Path.home() / ".valuechain").expanduser()


def default_db_path() -> Path:
    return home() / "valuechain.duckdb"


#: Set by ``valuechain --data DIR`` (or :func:`set_data_dir`); beats every other rule.
_data_override: Path | None = None


def set_data_dir(path: str | os.PathLike[str] | None) -> None:
    """Use ``path`` as the data directory for the rest of this process (``--data``); None clears it."""
    global _data_override
    _data_override = Path(path).expanduser() if path is not None else None


def development_data_dir() -> Path:
    """``../shared/data`` next to the checkout the package is imported from (``src/valuechain/`` →
    checkout → its parent), independent of the working directory."""
    return Path(__file__).resolve().parents[2].parent / "shared" / "data"


def data_dir_choice() -> tuple[Path, str]:
    """The reference-snapshot directory and the rule that chose it, decided the same way everywhere:

    1. ``--data DIR`` on the command line;
    2. ``$VALUECHAIN_DATA``;
    3. ``$VALUECHAIN_HOME/data`` (where ``valuechain data fetch`` puts snapshots) if it exists;
    4. in a development checkout, ``../shared/data`` relative to the package source (not the working
       directory) if it exists;
    5. otherwise ``$VALUECHAIN_HOME/data`` (which does not exist yet: outputs say the snapshots are missing).
    """
    if _data_override is not None:
        return _data_override, "--data"
    env = os.environ.get("VALUECHAIN_DATA")
    if env:
        return Path(env).expanduser(), "VALUECHAIN_DATA"
    fetched = home() / "data"
    if fetched.is_dir():
        return fetched, "VALUECHAIN_HOME/data"
    development = development_data_dir()
    if development.is_dir():
        return development, "development checkout (../shared/data next to the source)"
    return fetched, "VALUECHAIN_HOME/data (not present)"


def data_dir() -> Path:
    """The reference snapshots; see :func:`data_dir_choice` for the rule (never the working directory)."""
    return data_dir_choice()[0]


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
