"""Find model-family mentions in titles and abstracts, with context rules and versions.

How a text is matched (the same rules in :meth:`Matcher.match` and the unfiltered reference
:meth:`Matcher.match_naive`, which the tests and the benchmark compare):

1. Prefilter: one Aho-Corasick automaton (``ahocorasick_rs``, Rust) over every family's lower-case keywords
   finds, in one pass over the lower-cased text, the families whose patterns can match at all, and
   where. Only their regexes run, and only in the regions around the keyword hits (most abstracts name
   no family, so most texts stop here).
2. Certain mentions: each candidate family's ``patterns``.
3. Weak mentions (a bare name that is also a word or a first name): kept only when the text talks about
   language models (the dictionary's ``llm_context`` regex), has a certain mention of any family, or
   names the family's maker (its ``context`` regex, e.g. "Anthropic" for Claude).
4. Context rules drop a mention lying inside a ``covers`` match ("Falcon 9", "Claude Shannon"), or with
   a ``near`` match within ``window`` characters (``near_weak``: weak mentions only).
5. Overlapping mentions keep the longest (certain before weak); each mention gets the version whose
   regex matches the start of its normalised text (lower case, no spaces, hyphens or underscores).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ahocorasick_rs

from valuechain.errors import InputError
from valuechain.science.families import Dictionary, Family, _compile, load_dictionary

_SEPARATORS = re.compile(r"[\s\-_]+")
#: Characters searched before and after a keyword hit (see :meth:`Matcher._windows`).
WINDOW_BEFORE = 40
WINDOW_AFTER = 60


@dataclass(frozen=True)
class Mention:
    """One mention of a model family in a text (``span`` is the [start, end) character range)."""

    family: str
    version: str | None
    origin_country: str
    start: int
    end: int
    text: str
    certain: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "version": self.version,
            "origin_country": self.origin_country,
            "span": [self.start, self.end],
            "text": self.text,
            "certain": self.certain,
        }


@dataclass(frozen=True)
class _CompiledFamily:
    family: Family
    strong: re.Pattern[str]
    weak: re.Pattern[str] | None
    context: re.Pattern[str] | None
    covers: tuple[re.Pattern[str], ...]
    near: tuple[re.Pattern[str], ...]
    near_weak: tuple[re.Pattern[str], ...]
    versions: tuple[tuple[str, re.Pattern[str]], ...]


def _alternation(patterns: Iterable[str]) -> re.Pattern[str] | None:
    parts = [f"(?:{p})" for p in patterns]
    return _compile("|".join(parts)) if parts else None


def normalise(mention: str) -> str:
    """Lower case with spaces, hyphens and underscores removed: ``"Llama 2-Chat"`` -> ``"llama2chat"``."""
    return _SEPARATORS.sub("", mention.lower())


class Matcher:
    """The compiled dictionary: ``match(text)`` lists the family mentions of a text."""

    def __init__(self, dictionary: Dictionary) -> None:
        self.dictionary = dictionary
        self.window = dictionary.window
        self.llm_context = _compile(dictionary.llm_context) if dictionary.llm_context else None
        self.families: dict[str, _CompiledFamily] = {}
        for key, family in dictionary.families.items():
            strong = _alternation(family.patterns)
            assert strong is not None  # patterns has at least one entry (validated)
            self.families[key] = _CompiledFamily(
                family=family,
                strong=strong,
                weak=_alternation(family.weak_patterns),
                context=_compile(family.context) if family.context else None,
                covers=tuple(_compile(r.regex) for r in family.exclude if r.kind == "covers"),
                near=tuple(_compile(r.regex) for r in family.exclude if r.kind == "near"),
                near_weak=tuple(_compile(r.regex) for r in family.exclude if r.kind == "near_weak"),
                versions=tuple((v, re.compile(p)) for v, p in family.versions.items()),
            )
        keyword_families: dict[str, set[str]] = {}
        for key, family in dictionary.families.items():
            for keyword in family.keywords:
                keyword_families.setdefault(keyword, set()).add(key)
        self._keywords = list(keyword_families)
        self._keyword_families = [tuple(sorted(keyword_families[k])) for k in self._keywords]
        self._automaton = ahocorasick_rs.AhoCorasick(
            self._keywords, matchkind=ahocorasick_rs.MatchKind.Standard
        )

    @property
    def source(self) -> str:
        return self.dictionary.source

    # -- matching --------------------------------------------------------------------------------
    def _hits(self, lowered: str) -> list[tuple[int, int, int]]:
        """(keyword index, start, end) of every keyword occurrence, overlapping ones included."""
        return self._automaton.find_matches_as_indexes(lowered, overlapping=True)

    def candidates(self, text: str) -> set[str]:
        """Families whose keywords occur in the text (the prefilter; a superset of the matches)."""
        found: set[str] = set()
        for index, _start, _end in self._hits(text.lower()):
            found.update(self._keyword_families[index])
        return found

    def _windows(self, text: str) -> dict[str, list[tuple[int, int]]]:
        """Per candidate family, the merged regions around its keyword hits where its patterns can match.

        A region reaches ``WINDOW_BEFORE`` characters before a keyword (prefixes such as "Anthropic's ")
        and ``WINDOW_AFTER`` after it (version and size suffixes); no pattern's match reaches further, so
        searching the regions finds exactly what searching the whole text finds (the tests check this).
        """
        lowered = text.lower()
        n = len(text)
        shifted = len(lowered) != n  # a few characters lower-case to two ("İ"): positions would drift
        regions: dict[str, list[tuple[int, int]]] = {}
        for index, start, end in self._hits(lowered):
            if shifted:
                lo, hi = 0, n
            else:
                lo, hi = max(0, start - WINDOW_BEFORE), min(n, end + WINDOW_AFTER)
            for key in self._keyword_families[index]:
                spans = regions.setdefault(key, [])
                if spans and lo <= spans[-1][1]:
                    spans[-1] = (spans[-1][0], max(spans[-1][1], hi))
                else:
                    spans.append((lo, hi))
        return regions

    def match(self, text: str) -> list[Mention]:
        """All family mentions in ``text`` (prefiltered), sorted by position."""
        if not text:
            return []
        regions = self._windows(text)
        if not regions:
            return []
        return self._match_families(text, {k: regions[k] for k in self.families if k in regions})

    def match_naive(self, text: str) -> list[Mention]:
        """The same result without the prefilter: every family's regexes run on the text."""
        if not text:
            return []
        whole = [(0, len(text))]
        return self._match_families(text, {k: whole for k in self.families})

    def families_in(self, text: str) -> set[str]:
        """The set of families a text mentions."""
        return {m.family for m in self.match(text)}

    def versions_in(self, text: str) -> set[tuple[str, str]]:
        """``(family, version)`` pairs a text names; a bare name counts as the family's ``bare_version``
        only when the text names no other version of that family."""
        return document_versions(self.match(text), self.dictionary.families)

    def _match_families(self, text: str, regions: dict[str, list[tuple[int, int]]]) -> list[Mention]:
        strong: list[tuple[int, int, str]] = []
        weak: list[tuple[int, int, str]] = []
        for key, spans in regions.items():
            compiled = self.families[key]
            for lo, hi in spans:
                for m in compiled.strong.finditer(text, lo, hi):
                    if m.end() > m.start() and not self._excluded(
                        text, m.start(), m.end(), compiled, weak=False
                    ):
                        strong.append((m.start(), m.end(), key))
                if compiled.weak is not None:
                    for m in compiled.weak.finditer(text, lo, hi):
                        if m.end() > m.start():
                            weak.append((m.start(), m.end(), key))
        if weak:
            general = bool(strong) or (
                self.llm_context is not None and self.llm_context.search(text) is not None
            )
            weak = [
                (s, e, k)
                for s, e, k in weak
                if self._weak_context(text, k, general)
                and not self._excluded(text, s, e, self.families[k], weak=True)
            ]
        chosen = _non_overlapping(
            [(s, e, k, True) for s, e, k in strong] + [(s, e, k, False) for s, e, k in weak]
        )
        mentions = []
        for start, end, key, certain in chosen:
            compiled = self.families[key]
            mention_text = text[start:end]
            mentions.append(
                Mention(
                    family=key,
                    version=_version(mention_text, compiled.versions),
                    origin_country=compiled.family.origin_country,
                    start=start,
                    end=end,
                    text=mention_text,
                    certain=certain,
                )
            )
        return mentions

    def _weak_context(self, text: str, key: str, general: bool) -> bool:
        if general:
            return True
        context = self.families[key].context
        return context is not None and context.search(text) is not None

    def _excluded(self, text: str, start: int, end: int, compiled: _CompiledFamily, *, weak: bool) -> bool:
        lo, hi = max(0, start - self.window), min(len(text), end + self.window)
        for rule in compiled.covers:
            for m in rule.finditer(text, lo, hi):
                if m.start() <= start and m.end() >= end or (m.start() < end and m.end() > start):
                    return True
        rules = compiled.near + compiled.near_weak if weak else compiled.near
        return any(rule.search(text, lo, hi) for rule in rules)


def _non_overlapping(spans: list[tuple[int, int, str, bool]]) -> list[tuple[int, int, str, bool]]:
    """Keep certain before weak, then longest first; drop any span overlapping a kept one."""
    kept: list[tuple[int, int, str, bool]] = []
    for span in sorted(spans, key=lambda s: (not s[3], -(s[1] - s[0]), s[0])):
        if all(span[1] <= k[0] or span[0] >= k[1] for k in kept):
            kept.append(span)
    return sorted(kept)


def _version(mention_text: str, versions: tuple[tuple[str, re.Pattern[str]], ...]) -> str | None:
    norm = normalise(mention_text)
    for version, pattern in versions:
        if pattern.match(norm):
            return version
    return None


def document_versions(mentions: Iterable[Mention], families: dict[str, Family]) -> set[tuple[str, str]]:
    """Version pairs of a document.

    A mention without any digit ("Qwen", "LLaMA") gets the family's ``bare_version`` (its first
    generation), but only when the document names no other version of that family: next to "Qwen2.5",
    a bare "Qwen" refers to the family. A mention with a size ("Qwen-7B", "gemma-2b") is explicit.
    """
    explicit: dict[str, set[str]] = {}
    bare: dict[str, set[str]] = {}
    for m in mentions:
        if m.version is None:
            continue
        target = (
            bare
            if not any(ch.isdigit() for ch in m.text) and m.version == families[m.family].bare_version
            else explicit
        )
        target.setdefault(m.family, set()).add(m.version)
    pairs = {(family, v) for family, versions in explicit.items() for v in versions}
    pairs.update((family, v) for family, versions in bare.items() if family not in explicit for v in versions)
    return pairs


_DEFAULT: dict[str, Matcher] = {}


def load_matcher(extra: str | Path | None = None) -> Matcher:
    """The matcher of the packaged dictionary (cached), or of the packaged one plus ``extra``."""
    key = str(extra) if extra is not None else ""
    if key not in _DEFAULT:
        _DEFAULT[key] = Matcher(load_dictionary(extra))
    return _DEFAULT[key]


def read_text_or_file(value: str) -> tuple[str, str]:
    """The text to match and where it came from: a path to an existing file is read, else ``value`` is
    the text itself. An empty text is a user error."""
    text, where = value, "the command line"
    try:
        path = Path(value)
        is_file = len(value) < 4096 and "\n" not in value and path.is_file()
    except OSError:
        is_file = False
    if is_file:
        where = str(path)
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"The file {path} is not UTF-8 text.") from exc
    if not text.strip():
        raise InputError(f"The text to match from {where} is empty.")
    return text, where
