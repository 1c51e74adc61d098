"""Re-packagers: trace parentless mirrors and quantizations back to the model they copy.

Accounts such as TheBloke, unsloth, mradermacher, bartowski or lmstudio-community re-upload other
organisations' models (quantized, converted, or as plain mirrors), often without a ``base_model`` tag,
so in the lineage graph the copy looks like a root base model and would be counted as an origin.
Counting re-packagers as origins is the bias of Hub-wide derivative counts this module removes.

Rules (``data/repackagers.yml``, extendable with a user file):

1. ``explicit`` mappings, curated by hand;
2. identical weight hashes (when the caller supplies them, e.g. from the Hub API): an exact copy;
3. name normalisation: lower case, ``_`` read as ``-``, re-packaging suffixes (``-bnb-4bit``,
   ``-GGUF``, ``-AWQ``, ``-GPTQ``, ``-unsloth``, ``-4bit``, ``-hf`` …) and prefixes (``meta-``)
   removed, separators dropped; the copy resolves to a model of *another* namespace with the same
   normalised name, among the models the graph or the catalogue already knows. Several candidates
   are ranked: not a re-packager or mirror account, an organisation with a known country, more
   derivatives, then alphabetical order.

Which parentless repos are re-packagings: every repo of an ``accounts`` namespace, every repo whose
name ends with a ``quantization_suffixes`` entry, and repos of ``mirror_accounts`` when rule 3 finds a
match. Re-packagings without a match are *unresolved*: reported, never counted as origins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, StrictStr, ValidationInfo, field_validator

from valuechain.errors import InputError
from valuechain.textio import load_yaml_file, load_yaml_text, validate_yaml

RULES_FILE = "repackagers.yml"


@dataclass(frozen=True)
class RepackagerRules:
    """The rules of ``repackagers.yml`` (see the module docstring)."""

    accounts: frozenset[str]
    mirror_accounts: frozenset[str]
    suffixes: tuple[str, ...]
    quantization_suffixes: tuple[str, ...]
    prefixes: tuple[str, ...]
    explicit: Mapping[str, str]
    known_models: tuple[str, ...]
    source: str = RULES_FILE

    def is_account(self, namespace: str) -> bool:
        return namespace.lower() in self.accounts

    def is_mirror_account(self, namespace: str) -> bool:
        return namespace.lower() in self.mirror_accounts

    # Patterns valid both for Python's re and for RE2 (pyarrow): no look-around, a captured remainder.
    @cached_property
    def _suffix_pattern(self) -> str:
        alternatives = "|".join(re.escape(s) for s in self.suffixes) or "(?!x)x"
        return "^(.+?)(?:" + alternatives + ")+$"

    @cached_property
    def _prefix_pattern(self) -> str:
        alternatives = "|".join(re.escape(p) for p in self.prefixes) or "(?!x)x"
        return "^(?:" + alternatives + ")(.+)$"

    @cached_property
    def _compiled(self) -> tuple[re.Pattern[str], re.Pattern[str]]:
        return re.compile(self._suffix_pattern), re.compile(self._prefix_pattern)

    def normalise(self, model_id: str) -> str:
        """The matching key of a model name (the part after ``namespace/``): lower case, ``_`` as
        ``-``, trailing re-packaging suffixes and leading prefixes removed, separators dropped."""
        suffix_re, prefix_re = self._compiled
        name = model_id.split("/", 1)[-1].lower().replace("_", "-").strip()
        name = suffix_re.sub(r"\1", name)
        name = prefix_re.sub(r"\1", name)
        return name.replace("-", "").replace(" ", "")

    def normalise_many(self, model_ids: Any) -> Any:
        """:meth:`normalise` over a pandas Series of ids, vectorised with Arrow compute (RE2)."""
        import pandas as pd
        import pyarrow as pa
        import pyarrow.compute as pc

        names = pa.array(model_ids.to_numpy(dtype=object), type=pa.string())
        names = pc.replace_substring_regex(names, "^[^/]*/", "")
        names = pc.utf8_trim_whitespace(pc.replace_substring(pc.utf8_lower(names), "_", "-"))
        names = pc.replace_substring_regex(names, self._suffix_pattern, r"\1")
        names = pc.replace_substring_regex(names, self._prefix_pattern, r"\1")
        names = pc.replace_substring(pc.replace_substring(names, "-", ""), " ", "")
        return pd.Series(names.to_numpy(zero_copy_only=False), index=model_ids.index, dtype=object)

    @staticmethod
    def namespaces_many(model_ids: Any) -> Any:
        """The lower-cased namespace of each id ('' when there is none), vectorised."""
        import pandas as pd
        import pyarrow as pa
        import pyarrow.compute as pc

        ids = pa.array(model_ids.to_numpy(dtype=object), type=pa.string())
        ns = pc.if_else(pc.match_substring(ids, "/"), pc.replace_substring_regex(ids, "/.*$", ""), "")
        return pd.Series(
            pc.utf8_lower(ns).to_numpy(zero_copy_only=False), index=model_ids.index, dtype=object
        )

    def looks_like_copy(self, model_id: str) -> bool:
        """True when the name ends with a re-packaging suffix (``-hf`` excepted: originals use it)."""
        name = model_id.split("/", 1)[-1].lower().replace("_", "-")
        return any(name.endswith(s) for s in self.suffixes if s != "-hf")

    def has_quantization_suffix(self, model_id: str) -> bool:
        name = model_id.split("/", 1)[-1].lower().replace("_", "-")
        return any(name.endswith(s) for s in self.quantization_suffixes)


_LIST_KEYS = ("accounts", "mirror_accounts", "suffixes", "quantization_suffixes", "prefixes", "known_models")


class _RulesFile(BaseModel):
    """A re-packager rules file: lists of strings and ``explicit`` (repo id -> original repo id)."""

    model_config = ConfigDict(coerce_numbers_to_str=True)
    accounts: list[StrictStr] | None = None
    mirror_accounts: list[StrictStr] | None = None
    suffixes: list[StrictStr] | None = None
    quantization_suffixes: list[StrictStr] | None = None
    prefixes: list[StrictStr] | None = None
    known_models: list[StrictStr] | None = None
    explicit: dict[str, str] | None = None

    @field_validator(*_LIST_KEYS, mode="before")
    @classmethod
    def _list_of_strings(cls, value: Any, info: ValidationInfo) -> Any:
        if value is not None and (not isinstance(value, list) or not all(isinstance(v, str) for v in value)):
            raise ValueError(f"'{info.field_name}' must be a list of strings")
        return value


def load_rules(extra: str | Path | None = None) -> RepackagerRules:
    """The packaged rules, extended by the YAML file ``extra`` (lists added, ``explicit`` overriding)."""
    text = (
        resources.files("valuechain.ecosystem")
        .joinpath("data")
        .joinpath(RULES_FILE)
        .read_text(encoding="utf-8")
    )
    docs = [(load_yaml_text(text, RULES_FILE) or {}, f"valuechain/ecosystem/data/{RULES_FILE}")]
    if extra is not None:
        path = Path(extra)
        if not path.is_file():
            raise InputError(f"The re-packager rules file {path} does not exist.")
        docs.append((load_yaml_file(path, "re-packager rules file") or {}, str(path)))
    lists: dict[str, list[str]] = {k: [] for k in _LIST_KEYS}
    explicit: dict[str, str] = {}
    for doc, where in docs:
        spec = validate_yaml(_RulesFile, doc, f"The re-packager rules {where}")
        for key in lists:
            lists[key] += getattr(spec, key) or []
        explicit.update(spec.explicit or {})
    suffixes = sorted({s.lower().replace("_", "-") for s in lists["suffixes"]}, key=lambda s: (-len(s), s))
    return RepackagerRules(
        accounts=frozenset(a.lower() for a in lists["accounts"]),
        mirror_accounts=frozenset(a.lower() for a in lists["mirror_accounts"]),
        suffixes=tuple(suffixes),
        quantization_suffixes=tuple(s.lower().replace("_", "-") for s in lists["quantization_suffixes"]),
        prefixes=tuple(p.lower() for p in lists["prefixes"]),
        explicit=explicit,
        known_models=tuple(dict.fromkeys(lists["known_models"])),
        source=" + ".join(where for _, where in docs),
    )


@dataclass
class RepackagerResolution:
    """The decision for every parentless re-packaging: ``mapping`` (repo -> original) and
    ``unresolved`` (repos with no original found), with the rule that decided each."""

    mapping: dict[str, str] = field(default_factory=dict)
    method: dict[str, str] = field(default_factory=dict)
    unresolved: list[str] = field(default_factory=list)

    def frame(self) -> Any:
        import pandas as pd

        rows: list[tuple[str, str | None, str]] = [
            (repo, target, self.method[repo]) for repo, target in sorted(self.mapping.items())
        ]
        rows += [(repo, None, "unresolved") for repo in sorted(self.unresolved)]
        return pd.DataFrame(rows, columns=["repo", "resolved_to", "method"])


def _namespace(model_id: str) -> str:
    return model_id.split("/", 1)[0] if "/" in model_id else ""


def resolve_repackagers(
    parentless: Iterable[str],
    *,
    known: Iterable[str],
    rules: RepackagerRules,
    catalogue: Iterable[str] | None = None,
    hashes: Mapping[str, str] | None = None,
    out_degree: Mapping[str, int] | None = None,
    origins: Any = None,
) -> RepackagerResolution:
    """Decide, for each parentless model, whether it is a re-packaging and of which original.

    ``known`` are the models of the graph, ``catalogue`` further known model ids (the rules'
    ``known_models`` are always added), ``hashes`` model id -> weight hash, ``out_degree`` the number of
    direct derivatives (a ranking hint), ``origins`` an :class:`~valuechain.reference.origin.OrgCountries`.
    """
    import pandas as pd

    if out_degree is None:
        out_degree = {}
    hashes = dict(hashes or {})
    parentless = list(parentless)
    # Only the pool models whose normalised name equals a candidate's can match: normalise the pool
    # with vectorised string operations, then index the few that share a key with a candidate.
    candidate_keys = {rules.normalise(m) for m in parentless}
    pool = pd.Series(
        pd.unique(pd.Series([*known, *(catalogue or ()), *rules.known_models], dtype=object)), dtype=object
    )
    pool_keys = rules.normalise_many(pool)
    lower_ns = rules.namespaces_many(pool)
    usable = (pool_keys.isin(candidate_keys) & (lower_ns != "") & ~lower_ns.isin(rules.accounts)).to_numpy()
    by_key: dict[str, list[str]] = {}
    for model, key in zip(pool[usable], pool_keys[usable], strict=True):
        by_key.setdefault(key, []).append(model)
    by_hash: dict[str, list[str]] = {}
    for model, digest in hashes.items():
        if digest and not rules.is_account(_namespace(model)):
            by_hash.setdefault(digest, []).append(model)

    def rank(model: str) -> tuple[Any, ...]:
        ns = _namespace(model)
        has_country = origins is not None and origins.country_of(model) != "unknown"
        return (rules.is_mirror_account(ns), not has_country, -int(out_degree.get(model, 0)), model)

    result = RepackagerResolution()
    for repo in parentless:
        ns = _namespace(repo)
        is_account = rules.is_account(ns)
        is_mirror = rules.is_mirror_account(ns)
        suffix_marked = rules.has_quantization_suffix(repo)
        if repo in rules.explicit:
            target = rules.explicit[repo]
            if target != repo:
                result.mapping[repo] = target
                result.method[repo] = "explicit"
            continue
        if not (is_account or is_mirror or suffix_marked):
            continue
        repo_digest = hashes.get(repo)
        same = (
            [m for m in by_hash.get(repo_digest, []) if m != repo and _namespace(m) != ns]
            if repo_digest
            else []
        )
        if same:
            result.mapping[repo] = sorted(same, key=rank)[0]
            result.method[repo] = "hash"
            continue
        candidates = [m for m in by_key.get(rules.normalise(repo), []) if m != repo]
        # A mirror account's copy must come from another namespace; a suffix-marked copy may be the
        # organisation's own conversion (microsoft/phi-4-gguf -> microsoft/phi-4). Candidates that are
        # copies themselves are skipped; a mirror account (which also publishes its own models) only
        # resolves to an organisation with a known country.
        if is_account or is_mirror:
            candidates = [m for m in candidates if _namespace(m) != ns]
        candidates = [m for m in candidates if not rules.looks_like_copy(m)]
        if is_mirror and not is_account:
            candidates = [m for m in candidates if origins is not None and origins.country_of(m) != "unknown"]
        if candidates:
            result.mapping[repo] = sorted(candidates, key=rank)[0]
            result.method[repo] = "name"
        elif is_account or suffix_marked:
            result.unresolved.append(repo)
    # Chains (a mapped target that is itself mapped) collapse to the final original.
    for repo, target in list(result.mapping.items()):
        seen = {repo}
        while target in result.mapping and target not in seen:
            seen.add(target)
            target = result.mapping[target]
        if target == repo:  # a cycle of mappings: no original outside it
            del result.mapping[repo]
            result.method.pop(repo, None)
            result.unresolved.append(repo)
        else:
            result.mapping[repo] = target
    return result
