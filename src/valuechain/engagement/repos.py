"""Repository sets: which GitHub repositories a panel covers, matched by repository id.

Names change (transfers, renames), ids do not, so a set is resolved to repository ids as early as
possible: OpenDigger labels carry ids; names and organisations from a user's list or the curated
organisation list are resolved to ids through the GH Archive events that carry them
(:func:`valuechain.engagement.events.ingest`). A set is *fixed as of a date* before the first shock with
:func:`fixed_as_of`: only repositories with an event before that date stay, so that repositories created
in response to a shock never enter the treated set.

Sources shipped or read:

- OpenDigger labels (``$VALUECHAIN_DATA/ecosystem/opendigger/labeled_data/technology/``), a label and its
  sub-labels. The ``ai/large_language_model`` label holds only 24 repositories, 16 of them created before
  August 2022 (repository ids below 521,000,000): far too few for the real study; use it to try the
  pipeline, not to test the claim.
- ``data/model_orgs.csv``: the GitHub organisations of open-model developers, each with its country and
  source (curated for valuechain; ATOM's regions are Hugging Face organisations, not GitHub ones).
- ``data/placebo_repos.csv``: popular non-LLM repositories for the placebo set (our selection).
- GitHub links in model cards (:func:`from_model_cards`), or a user's list (:func:`read_repo_list`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from valuechain.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from valuechain.store import Store

OPENDIGGER_TECHNOLOGY = "ecosystem/opendigger/labeled_data/technology"
_NAME = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_OWNER = re.compile(r"^[A-Za-z0-9_.-]+$")
_GITHUB_LINK = re.compile(r"github\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?(?=[/#?\s)\]\"'>]|$)")


@dataclass(frozen=True)
class RepoEntry:
    """One member of a set: a repository id, a full name (``owner/name``) or a whole organisation."""

    repo_id: int | None = None
    repo_name: str | None = None
    org: str | None = None
    source: str = ""


@dataclass
class RepoSet:
    """A named set of repositories (see the module docstring)."""

    name: str
    entries: list[RepoEntry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def ids(self) -> set[int]:
        return {e.repo_id for e in self.entries if e.repo_id is not None}

    def names_without_id(self) -> set[str]:
        """Lower-cased ``owner/name`` of entries given by name only."""
        return {e.repo_name.lower() for e in self.entries if e.repo_id is None and e.repo_name}

    def orgs(self) -> set[str]:
        return {e.org.lower() for e in self.entries if e.org}

    def keys(self) -> list[str]:
        """Stable keys of the entries (for provenance and the ingest record)."""
        return sorted(
            f"id:{e.repo_id}"
            if e.repo_id is not None
            else f"org:{e.org.lower()}"
            if e.org
            else f"name:{(e.repo_name or '').lower()}"
            for e in self.entries
        )

    def __len__(self) -> int:
        return len(self.entries)

    def tidy(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(
            [e.__dict__ for e in self.entries], columns=["repo_id", "repo_name", "org", "source"]
        )

    def summary(self) -> str:
        kinds = (len(self.ids()), len(self.names_without_id()), len(self.orgs()))
        return f"repository set {self.name!r}: {kinds[0]} by id, {kinds[1]} by name, {kinds[2]} organisations"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "repositories": len(self.entries),
            "by_id": len(self.ids()),
            "by_name": len(self.names_without_id()),
            "organisations": sorted(self.orgs()),
            "notes": self.notes,
        }


def read_repo_list(path: str | Path, name: str | None = None) -> RepoSet:
    """A user's list: one ``owner/name`` a line (or a numeric repository id, or ``owner`` alone for a whole
    organisation); blank lines and ``#`` comments are ignored.

    Raises :class:`InputError` naming the file and line of the first entry that is none of these.
    """
    source = Path(path)
    if not source.is_file():
        raise InputError(f"The repository list {source} does not exist.")
    entries: list[RepoEntry] = []
    for number, raw in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("https://github.com/"):
            line = line.removeprefix("https://github.com/").strip("/")
        if line.isdigit():
            entries.append(RepoEntry(repo_id=int(line), source=str(source)))
        elif _NAME.match(line):
            entries.append(RepoEntry(repo_name=line, source=str(source)))
        elif _OWNER.match(line):
            entries.append(RepoEntry(org=line, source=str(source)))
        else:
            raise InputError(f"Line {number} of the repository list {source} is not owner/name: {line!r}.")
    if not entries:
        raise InputError(f"The repository list {source} names no repository.")
    return RepoSet(name or source.stem, entries)


def opendigger_label(
    label: str = "ai/large_language_model", root: str | Path | None = None, recursive: bool = True
) -> RepoSet:
    """The GitHub repositories of an OpenDigger technology label (and its sub-labels), by id."""
    import yaml

    from valuechain import config

    base = Path(root) if root is not None else config.data_dir() / OPENDIGGER_TECHNOLOGY
    entries: dict[int, RepoEntry] = {}
    seen: set[Path] = set()

    def visit(directory: Path, file: Path) -> None:
        if file in seen or not file.is_file():
            return
        seen.add(file)
        document = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        data = document.get("data") or {}
        for platform in data.get("platforms") or []:
            if platform.get("name") != "GitHub":
                continue
            for repo in platform.get("repos") or []:
                if isinstance(repo.get("id"), int):
                    entries.setdefault(
                        repo["id"],
                        RepoEntry(repo_id=repo["id"], repo_name=repo.get("name"), source=str(file)),
                    )
        if recursive:
            for child in data.get("labels") or []:
                if str(child).startswith(":"):
                    continue  # a cross-reference to another label tree (companies/…), not shipped here
                child_dir = directory / str(child)
                visit(child_dir, child_dir / "index.yml")
                visit(directory, directory / f"{child}.yml")

    directory = base / label
    start = directory / "index.yml" if directory.is_dir() else base / f"{label}.yml"
    if not start.is_file():
        raise InputError(f"The OpenDigger label {label!r} was not found under {base}.")
    visit(directory if directory.is_dir() else start.parent, start)
    repo_set = RepoSet(f"opendigger:{label}", list(entries.values()))
    if label.rstrip("/").endswith("large_language_model"):
        before = sum(1 for e in entries.values() if e.repo_id is not None and e.repo_id < 521_000_000)
        repo_set.notes.append(
            f"The OpenDigger LLM label holds only {len(entries)} repositories, {before} of them created before "
            "August 2022 (repository id below 521,000,000): too few for the real study."
        )
    return repo_set


def _package_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("valuechain.engagement").joinpath("data", name).read_text(encoding="utf-8")
    lines = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    return list(csv.DictReader(io.StringIO(lines)))


def model_org_table() -> list[dict[str, str]]:
    """The curated GitHub organisations of open-model developers: ``org, developer, country, source``."""
    return _package_csv("model_orgs.csv")


def model_orgs(countries: Iterable[str] | None = None) -> RepoSet:
    """Every repository of the curated model developers' GitHub organisations (optionally by country)."""
    wanted = {c.upper() for c in countries} if countries else None
    rows = [r for r in model_org_table() if wanted is None or r["country"].upper() in wanted]
    return RepoSet("model-orgs", [RepoEntry(org=r["org"], source=r["source"]) for r in rows])


def placebo_repos() -> RepoSet:
    """Popular non-LLM repositories (web, languages, databases, tools): the shipped placebo set."""
    rows = _package_csv("placebo_repos.csv")
    return RepoSet(
        "placebo",
        [RepoEntry(repo_name=r["repo"], source=r["source"]) for r in rows],
        notes=["The placebo set is valuechain's own selection of popular repositories unrelated to LLMs."],
    )


def from_model_cards(cards: Iterable[str], name: str = "model-cards") -> RepoSet:
    """The GitHub repositories linked from model card texts (``github.com/owner/name`` links)."""
    found: dict[str, RepoEntry] = {}
    for text in cards:
        for owner, repo in _GITHUB_LINK.findall(text or ""):
            full = f"{owner}/{repo}"
            found.setdefault(full.lower(), RepoEntry(repo_name=full, source="model card link"))
    return RepoSet(name, list(found.values()))


def fixed_as_of(repo_set: RepoSet, store: Store, as_of: date) -> RepoSet:
    """Keep the repositories (as ids) of ``repo_set`` with a stored event before ``as_of``."""
    import pandas as pd

    frame = store.query(
        "SELECT repo_id, arg_max(repo_name, created_at) AS repo_name FROM gh_events "
        "WHERE created_at < ? GROUP BY repo_id",
        [pd.Timestamp(as_of).to_pydatetime()],
    )
    members = frame[member_mask(frame, repo_set)]
    entries = [
        RepoEntry(repo_id=int(r.repo_id), repo_name=str(r.repo_name), source=f"{repo_set.name} as of {as_of}")
        for r in members.itertuples()
    ]
    return RepoSet(f"{repo_set.name}@{as_of}", entries, notes=list(repo_set.notes))


def member_mask(frame: pd.DataFrame, repo_set: RepoSet) -> Any:
    """Rows of ``frame`` (``repo_id, repo_name``) that belong to ``repo_set`` (by id, name or organisation)."""
    names = frame["repo_name"].str.lower()
    return (
        frame["repo_id"].isin(repo_set.ids())
        | names.isin(repo_set.names_without_id())
        | names.str.split("/").str[0].isin(repo_set.orgs())
    )
