"""Licence analyser: identify a licence text and read its control levers from its own clauses.

An aid to reading a licence, not legal advice.

*Identification* compares the text with reference licence texts (the ScanCode licence DB entries in
``<data>/licenses/license-texts/``, read at run time, never copied into the package) by the Jaccard
similarity of normalised word 3-shingles: markup, punctuation, case and whitespace are dropped before
shingling, so reformatting does not change the result and a small edit changes the similarity only a
little (Broder 1997, "On the resemblance and containment of documents"). The reported id is the SPDX id
where one exists, else the ScanCode key. Without the data directory, identification returns None and
flag extraction still works.

*Flags* (spec ``openness-audit.md`` §4: the control levers of Foster, arXiv 2509.10220) are extracted by
clause patterns run over the text itself -- grants, restrictions, thresholds, branding, remote control,
territory, governing law -- never by looking the identified licence up in a table, so they work on
licences never seen before. Each flag found carries the sentence that supports it, quoted verbatim from
the text in its language. The clause rules are data (``data/licences/clause_rules.yml``: English and
Chinese; the language of each clause is detected, and a text in no language the rules read is reported
as such, its flags unknown rather than "no").
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from itertools import repeat
from pathlib import Path
from typing import Any

import ahocorasick_rs

from valuechain.audit.licences import CONTROL_LEVERS, LEVER_FLAGS, licence_class

DISCLAIMER = "An aid to reading the licence, not legal advice."

FLAGS: tuple[str, ...] = LEVER_FLAGS  # the names of spec §4, owned by valuechain.audit.licences
LEVERS: tuple[str, ...] = CONTROL_LEVERS

#: Minimum shingle Jaccard similarity for a reference text to count as identified. Measured (see
#: tests/audit/test_audit_licence_heldout.py): reference texts under markup and ~1% word edits stay above
#: 0.9; a different licence derived from a reference (DeepSeek License from OpenRAIL-M) reaches 0.68, the
#: Llama 3 licence against Llama 3.3 0.58; 0.6 therefore identified DeepSeek as OpenRAIL-M2, 0.8 does not.
IDENTIFY_THRESHOLD = 0.8
#: Words that change what a licence allows while changing its text only a little (CC BY vs CC BY-NC differ
#: by ~4% of their shingles; the JSON licence is MIT plus "shall be used for Good, not Evil"). A reference
#: only identifies a text that agrees with it on each of these markers, whatever the similarity.
MATERIAL_MARKERS: dict[str, tuple[str, ...]] = {
    "non-commercial": (" noncommercial ", " non commercial "),
    "no-derivatives": (" noderivatives ", " noderivs ", " no derivatives "),
    "share-alike": (" sharealike ", " share alike "),
    "good-not-evil": (" not evil ",),
}
SHINGLE = 3

# ------------------------------------------------------------------------------------- normalising

_MARKUP = re.compile(r"<[^>]{1,200}>|&[a-z]{2,8};|[*_`#>|~\[\]\\]+|^\s*[-=]{3,}\s*$", re.M)
_TOKEN = re.compile(r"[a-z0-9]+")
_QUOTES = (
    ("\u2018", "'"),
    ("\u2019", "'"),
    ("\u201c", '"'),
    ("\u201d", '"'),
    ("\u00a0", " "),
    ("\u2013", "-"),
    ("\u2014", "-"),
    ("\u2010", "-"),
    ("\u2011", "-"),
)


def clean_text(text: str) -> str:
    """Remove HTML/Markdown markup and typographic quotes; keep sentence punctuation."""
    for old, new in _QUOTES:  # str.replace is much faster than str.translate on long texts
        if old in text:
            text = text.replace(old, new)
    text = re.sub(r"\]\([^)\s]{0,300}\)", "] ", text)  # markdown link targets
    return _MARKUP.sub(" ", text)


def _squeeze_spaces(text: str) -> str:
    """Tabs and runs of spaces to one space (str.replace loops run in C, faster than a regex here)."""
    if "\t" in text:
        text = text.replace("\t", " ")
    while "    " in text:
        text = text.replace("    ", " ")
    while "  " in text:
        text = text.replace("  ", " ")
    return text


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(clean_text(text).lower())


def shingle_codes(ids: Any, k: int = SHINGLE) -> Any:
    """Distinct word k-shingles of a token-id array as sorted int64 codes (21 bits per token id)."""
    import numpy as np

    ids = np.asarray(ids, dtype=np.int64)
    if len(ids) < k:  # too short for a shingle: the distinct words stand for themselves
        return np.unique(ids)
    codes = ids[: len(ids) - k + 1].copy()
    for j in range(1, k):
        codes = (codes << 21) | ids[j : len(ids) - k + 1 + j]
    return np.unique(codes)


# ---------------------------------------------------------------------------------- reference set


@dataclass(frozen=True)
class Reference:
    key: str  # ScanCode key
    id: str  # SPDX id where one exists, else the ScanCode key
    name: str
    category: str | None
    path: str


@dataclass(frozen=True)
class ReferenceIndex:
    """Shingle index over the reference texts: vocabulary, sorted distinct codes, code x reference matrix."""

    refs: tuple[Reference, ...]
    vocab: dict[str, int]
    codes: Any  # sorted distinct shingle codes over all references
    member: Any  # bool matrix (codes x references)
    sizes: Any  # distinct shingles per reference
    markers: tuple[frozenset[str], ...] = ()  # MATERIAL_MARKERS present in each reference


def _reference_dir() -> Path:
    from valuechain import config

    return config.data_dir() / "licenses" / "license-texts"


@lru_cache(maxsize=4)
def reference_index(directory: str | None = None) -> ReferenceIndex | None:
    """Load the reference licence texts (ScanCode DB entries with YAML front matter); None if missing."""
    import numpy as np

    from valuechain.textio import decode_bytes, split_front_matter

    folder = Path(directory) if directory else _reference_dir()
    if not folder.is_dir():
        return None
    refs, token_lists = [], []
    vocab: dict[str, int] = {}
    for path in sorted(folder.glob("*.LICENSE")):
        meta, body = split_front_matter(decode_bytes(path.read_bytes(), str(path)))
        key = str(meta.get("key") or path.stem)
        spdx = str(meta.get("spdx_license_key") or "")
        ident = spdx if spdx and not spdx.startswith("LicenseRef-") else key
        refs.append(
            Reference(
                key=key,
                id=ident,
                name=str(meta.get("name") or key),
                category=meta.get("category"),
                path=str(path),
            )
        )
        toks = tokens(body)
        for t in toks:
            vocab.setdefault(t, len(vocab) + 1)
        token_lists.append(toks)
    if not refs:
        return None
    per_ref = [shingle_codes([vocab[t] for t in toks]) for toks in token_lists]
    codes = np.unique(np.concatenate(per_ref))
    member = np.zeros((len(codes), len(refs)), dtype=bool)
    for j, ref_codes in enumerate(per_ref):
        member[np.searchsorted(codes, ref_codes), j] = True
    sizes = np.array([len(c) for c in per_ref], dtype=np.int64)
    markers = tuple(material_markers(toks) for toks in token_lists)
    return ReferenceIndex(tuple(refs), vocab, codes, member, sizes, markers)


def material_markers(toks: list[str]) -> frozenset[str]:
    """The :data:`MATERIAL_MARKERS` found in a token list."""
    joined = " " + " ".join(toks) + " "
    return frozenset(name for name, forms in MATERIAL_MARKERS.items() if any(f in joined for f in forms))


def reference_set(directory: str | None = None) -> tuple[Reference, ...]:
    """The reference licences (empty when the data directory is missing)."""
    index = reference_index(directory)
    return index.refs if index else ()


def identify(text: str, directory: str | None = None, toks: list[str] | None = None) -> dict[str, Any] | None:
    """Best reference by word-3-shingle Jaccard similarity, or None below :data:`IDENTIFY_THRESHOLD`.

    Only references that agree with the text on every :data:`MATERIAL_MARKERS` entry are candidates.
    """
    import numpy as np

    index = reference_index(directory)
    if index is None:
        return None
    toks = toks if toks is not None else tokens(text)
    if not toks:
        return None
    ids = np.fromiter(map(index.vocab.get, toks, repeat(0)), dtype=np.int64, count=len(toks))
    unknown = np.flatnonzero(ids == 0)
    if len(unknown):  # words outside the reference vocabulary: distinct ids so |query| stays exact
        local: dict[str, int] = {}
        base = len(index.vocab) + 1
        for i in unknown:
            ids[i] = local.setdefault(toks[i], base + len(local))
    query = shingle_codes(ids)
    pos = np.minimum(np.searchsorted(index.codes, query), len(index.codes) - 1)
    hit = pos[index.codes[pos] == query]
    inter = index.member[hit].sum(axis=0)
    sims = inter / (len(query) + index.sizes - inter)
    if index.markers:  # a reference that disagrees on a material marker cannot identify the text
        query_markers = material_markers(toks)
        sims = np.where([m == query_markers for m in index.markers], sims, 0.0)
    best = int(np.argmax(sims))
    best_sim = float(sims[best])
    if best_sim < IDENTIFY_THRESHOLD:
        return None
    ref = index.refs[best]
    return {
        "id": ref.id,
        "similarity": round(best_sim, 4),
        "scancode_key": ref.key,
        "name": ref.name,
        "category": ref.category,
    }


# ------------------------------------------------------------------------------------ clause rules

#: A trademark clause ("may not use the marks or logos ... for commercial purposes") is not a licence limit.
_MARKS = re.compile(r"\b(marks?|logos?|trademarks?|trade names?)\b")
#: "This alternative is allowed only for noncommercial distribution" (GPL-2.0 3c) limits one option only.
_ALTERNATIVE = re.compile(r"\b(this|that|the (above|latter|former)) (alternative|option)\b")

#: Words that end a jurisdiction (in any case: some licences write the clause in capitals).
_LAW_TRIM = re.compile(
    r"\s+(?:without|excluding|except|regardless|as|applicable|if|to the extent|any|in|"
    r"governing|the un|un)\b.*$|\s+(?:and|the|of)\s*$",
    re.I,
)
_SMALL_WORDS = {"of", "the", "and", "de", "du", "laws", "law"}


#: Chinese place names of governing-law clauses, with the English name shown before the original.
_CHINESE_PLACES = (
    ("中华人民共和国", "People's Republic of China"),
    ("香港特别行政区", "Hong Kong"),
    ("中国", "China"),
    ("香港", "Hong Kong"),
    ("澳门", "Macau"),
    ("新加坡", "Singapore"),
    ("美国", "United States"),
    ("英国", "United Kingdom"),
    ("日本", "Japan"),
    ("韩国", "Korea"),
    ("德国", "Germany"),
    ("法国", "France"),
)


def _tidy_place(place: str) -> str | None:
    if (
        place and "\u4e00" <= place[0] <= "\u9fff"
    ):  # a Chinese clause: "People's Republic of China (中华人民共和国)"
        english = next((en for zh, en in _CHINESE_PLACES if place.startswith(zh)), None)
        mainland = ", mainland" if "大陆" in place else ""
        return f"{english}{mainland} ({place})" if english else place
    place = " ".join(place.split())
    for _ in range(3):
        place = _LAW_TRIM.sub("", place).strip(" .,'’")
    if re.match(r"(?i)the\s", place):
        place = place[4:]
    if place.isupper() and (
        " " in place or len(place) > 4
    ):  # "THE STATE OF CALIFORNIA" -> "State of California"
        place = " ".join(w.lower() if w.lower() in _SMALL_WORDS else w.capitalize() for w in place.split())
    return place or None


_SENTENCE_END = re.compile(
    r"(?<=[.!?;:])\s+(?=[\"'(A-Z0-9])|(?<=[.!?;:])[ \t]*\n|\n\s*\n|(?<=[\u3002\uff1b])"
    r"|\n(?=\s*(?:[-*•]|\(?[0-9a-zA-Z]{1,3}[.)])\s)"
)


_WINDOW = 700
#: Patterns that only mention a lever (no negation of their own), so a preceding negation cancels them.
_NEGATABLE = frozenset({"_CAP", "_USE_RESTRICTIONS", "_PASS_THROUGH", "_BRANDING"})


_BOUNDARY = re.compile(r"[.;\u3002\uff1b]")  # . ; and the Chinese full stop and semicolon
#: Names of the languages the analyser knows (those with rules are in ``clause_rules.yml``).
LANGUAGE_NAMES = {"en": "English", "zh": "Chinese"}
_MACRO = re.compile(r"\{(gap:\d+|[a-z_]+)\}")


@dataclass(frozen=True, eq=False)
class ClauseRules:
    """The clause rules of some languages, merged: one pattern and one anchor tuple per rule name."""

    languages: tuple[str, ...]
    patterns: dict[str, re.Pattern[str]]
    anchors: dict[str, tuple[str, ...]]
    helpers: dict[str, re.Pattern[str]]

    @cached_property
    def anchor_automaton(self) -> tuple[Any, tuple[str, ...]]:
        """One Aho–Corasick automaton over every rule's anchor words, and the words in its order."""
        words = tuple(sorted({w for ws in self.anchors.values() for w in ws}))
        return ahocorasick_rs.AhoCorasick(list(words), matchkind=ahocorasick_rs.MatchKind.Standard), words

    def anchor_positions(self, low: str) -> dict[str, list[int]]:
        """Where each anchor word occurs in ``low``: one pass of the automaton, giving for each word the
        positions a ``str.find`` loop gives (each occurrence after the end of the previous one)."""
        automaton, words = self.anchor_automaton
        positions: dict[str, list[int]] = {w: [] for w in words}
        ends: dict[str, int] = {}
        for index, start, end in automaton.find_matches_as_indexes(low, overlapping=True):
            word = words[index]
            if start >= ends.get(word, 0):
                positions[word].append(start)
                ends[word] = end
        for found in positions.values():
            found.sort()
        return positions


@lru_cache(maxsize=1)
def _rules_data() -> dict[str, Any]:
    import yaml

    raw = resources.files("valuechain.audit").joinpath("data/licences/clause_rules.yml").read_text("utf-8")
    return dict(yaml.safe_load(raw))


def _expand(pattern: str, macros: dict[str, str]) -> str:
    """``{gap:N}`` -> up to N characters inside one clause; ``{name}`` -> the language's macro ``name``."""

    def one(m: re.Match[str]) -> str:
        key = m.group(1)
        if key.startswith("gap:"):
            return "[^.;:]{0," + key[4:] + "}"
        return _expand(macros[key], macros) if key in macros else m.group(0)

    return _MACRO.sub(one, pattern)


@lru_cache(maxsize=8)
def clause_rules(languages: tuple[str, ...] = ("en", "zh")) -> ClauseRules:
    """The clause rules of ``languages`` ("en" always included), read from ``data/licences/clause_rules.yml``.

    For each rule name the patterns of every language become one alternation and their anchors one
    tuple. ``clause_rules(("en",))`` is the English-only rule set the analyser had before it read Chinese.
    """
    from valuechain.errors import InputError

    data = _rules_data()
    langs = ("en", *[lang for lang in languages if lang != "en"])
    unknown = [lang for lang in langs if lang not in data]
    if unknown:
        raise InputError(
            f"No licence clause rules for the language(s) {', '.join(unknown)}; "
            f"known: {', '.join(sorted(data))}."
        )
    patterns: dict[str, list[str]] = {}
    anchors: dict[str, list[str]] = {}
    helpers: dict[str, list[str]] = {}
    for lang in langs:
        macros = data[lang].get("macros") or {}
        for name, rule in data[lang]["rules"].items():
            if lang != "en" and name not in patterns:
                raise InputError(
                    f"The licence clause rule {name!r} ({lang}) is not one of the English rules."
                )
            patterns.setdefault(name, []).extend(_expand(p, macros) for p in rule["patterns"])
            anchors.setdefault(name, []).extend(rule["anchors"])
        for name, pattern in (data[lang].get("helpers") or {}).items():
            helpers.setdefault(name, []).append(_expand(pattern, macros))
    return ClauseRules(
        languages=langs,
        patterns={name: re.compile("|".join(f"(?:{p})" for p in ps)) for name, ps in patterns.items()},
        anchors={name: tuple(words) for name, words in anchors.items()},
        helpers={name: re.compile("|".join(f"(?:{p})" for p in ps)) for name, ps in helpers.items()},
    )


#: "X may publish revised and/or new versions of the License from time to time" (GPL-style versioning: the
#: recipient keeps the version received) is not a unilateral change, unless the new version is said to apply.
_VERSIONING = re.compile(r"\bpublish\w*\b[^.;]{0,40}\b(revised|new|updated)\b[^.;]{0,30}\bversions?\b")
_VERSION_APPLIES = re.compile(r"\b(will|shall) (apply|govern|be binding|automatically|supersede)")


def _windows(
    low: str, anchors: tuple[str, ...], bounds: list[int], cache: dict[str, list[int]] | None = None
) -> list[tuple[int, int]]:
    """Spans of the clauses (between '.' or ';') that contain an anchor, merged and sorted.

    The gaps inside every clause pattern exclude '.' and ';', so a match never leaves its clause; a
    clause longer than 2 x ``_WINDOW`` is cut to ``_WINDOW`` characters either side of the anchor.
    ``bounds`` are the positions of '.' and ';' in ``low``; ``cache`` keeps anchor positions per text.
    """
    n = len(low)
    spans: list[tuple[int, int]] = []
    for word in anchors:
        positions = cache.get(word) if cache is not None else None
        if positions is None:
            positions = []
            i = low.find(word)
            while i >= 0:
                positions.append(i)
                i = low.find(word, i + len(word))
            if cache is not None:
                cache[word] = positions
        last_hi = -1
        for i in positions:
            if i < last_hi:
                continue
            k = bisect.bisect_left(bounds, i)
            lo = max(bounds[k - 1] + 1 if k else 0, i - _WINDOW)
            hi = max(min(bounds[k] if k < len(bounds) else n, i + _WINDOW), i + len(word))
            spans.append((max(0, lo - 12), min(n, hi + 12)))
            last_hi = hi
    if not spans:
        return []
    spans.sort()
    merged = [spans[0]]
    for start, end in spans[1:]:
        if start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


_INNER_DOT = re.compile(r"(?<=\w)\.(?=\w)")


class _Scanner:
    """Runs the clause patterns on windows around their anchors (same first match as a full search)."""

    def __init__(self, flat: str, rules: ClauseRules):
        self.flat = flat
        self.rules = rules
        # line breaks read as spaces (same length, so positions still quote ``flat``): a clause that a
        # hard-wrapped text breaks across lines ("at the\nbeginning of its name") still matches
        self.spaced = flat.replace("\n", " ")
        # dots inside words ("FLUX.1", "U.S", "e.g") become "_" so that they do not end a clause; the
        # replacement keeps every position, so matches in ``low`` quote the same place in ``flat``
        self.low = _INNER_DOT.sub("_", self.spaced.lower())
        self.bounds = [m.start() for m in _BOUNDARY.finditer(self.low)]
        self.anchor_cache: dict[str, list[int]] = rules.anchor_positions(self.low)

    def finditer(self, name: str, text: str | None = None) -> Iterator[re.Match[str]]:
        """Every match of rule ``name`` (in ``low``, or ``text`` of the same length), in order."""
        subject = self.low if text is None else text
        pattern = self.rules.patterns[name]
        last = -1
        for start, end in _windows(self.low, self.rules.anchors[name], self.bounds, self.anchor_cache):
            for m in pattern.finditer(subject, max(start, last), end):
                last = m.end()
                yield m

    def search(self, name: str, text: str | None = None) -> re.Match[str] | None:
        return next(self.finditer(name, text), None)


@dataclass
class LicenceReport:
    """What :func:`analyse_licence` found; ``to_dict()`` is the JSON contract of ``audit licence``."""

    identified: dict[str, Any] | None
    commercial_use: bool
    user_or_revenue_cap: bool
    use_restrictions: bool
    restrictions_pass_to_derivatives: bool
    output_training_ban: bool
    attribution_branding: bool
    licensor_remote_restriction: bool
    geographic_exclusion: bool
    governing_law: str | None
    evidence: dict[str, str] = field(default_factory=dict)
    grant_found: bool = False
    sharing_granted: bool = False  # the grant covers reproducing, distributing or modifying the material
    #: clauses per language found in the text ("en", "zh", and languages the analyser cannot read)
    languages: dict[str, int] = field(default_factory=dict)
    rule_languages: tuple[str, ...] = ("en", "zh")

    @property
    def languages_read(self) -> list[str]:
        """The languages of the text whose clauses the rules read."""
        return [lang for lang in self.languages if lang in self.rule_languages]

    @property
    def languages_not_read(self) -> list[str]:
        """Languages found in the text that the rules cannot read (their clauses were not assessed)."""
        return [lang for lang in self.languages if lang not in self.rule_languages]

    @property
    def readable(self) -> bool:
        """False when no clause is in a language the rules read: the flags were not assessed."""
        return bool(self.languages_read) or not self.languages

    @property
    def levers(self) -> list[str]:
        """The control levers found (spec §4 flags other than commercial use)."""
        return [f for f in LEVERS if getattr(self, f)]

    @property
    def licence_class(self) -> str:
        """osi_open | open_data | restricted_open | non_commercial | proprietary (for the governance map).

        The one rule of :func:`valuechain.audit.licences.licence_class`, given the identified id, the flags
        read here and whether the text grants rights to reproduce, distribute or modify the material.
        """
        return self.licence_class_reason[0]

    @property
    def licence_class_reason(self) -> tuple[str, str]:
        """``(licence_class, reason)``."""
        ident = (self.identified or {}).get("id")
        if not self.readable:  # nothing was read: the id alone decides
            return licence_class(ident)
        flags = {name: getattr(self, name) for name in FLAGS}
        return licence_class(ident, flags, sharing_granted=self.grant_found and self.sharing_granted)

    def to_dict(self) -> dict[str, Any]:
        ident = (
            {"id": self.identified["id"], "similarity": self.identified["similarity"]}
            if self.identified
            else None
        )  # exactly {id, similarity}; name/category/ScanCode key stay on ``.identified``
        out: dict[str, Any] = {"identified": ident}
        for name in FLAGS:  # null, not false, when the text is in no language the rules read
            out[name] = getattr(self, name) if self.readable else None
        out["governing_law"] = self.governing_law
        out["evidence"] = dict(self.evidence)
        out["languages_read"] = [LANGUAGE_NAMES.get(lang, lang) for lang in self.languages_read]
        out["languages_not_read"] = [LANGUAGE_NAMES.get(lang, lang) for lang in self.languages_not_read]
        return out


class _Sentences:
    """Quote the sentence that supports a flag: found in the normalised text, quoted from the original.

    Matching runs on a normalised copy (markup dropped, quotes straightened, spaces squeezed); the quote is
    the original text's own span for that sentence, whole: its words found again in the original in order
    (anything but letters and digits may lie between them, so ``llama3_1`` and curly quotes come back as
    written), with only runs of white space shown as one space.
    """

    def __init__(self, flat: str, original: str):
        self.text = flat
        self.original = original

    def around(self, start: int, end: int) -> str:
        for reach in (600, 4000):  # most sentences end within 600 characters; look further only if not
            lo, hi = max(0, start - reach), min(len(self.text), end + reach)
            starts = [lo] + [m.end() for m in _SENTENCE_END.finditer(self.text, lo, hi)]
            i = bisect.bisect_right(starts, start) - 1
            j = bisect.bisect_left(starts, end)
            if (i > 0 or lo == 0) and (j < len(starts) or hi == len(self.text)):
                break
        s = starts[i]
        e = starts[j] if j < len(starts) else hi
        return _verbatim(self.original, self.text[s:e], s)


_WORDS = re.compile(r"\w+")
#: What may lie between two words of the original that the normalised text dropped: punctuation, markup,
#: "_" and Markdown link targets.
_BETWEEN = r"(?:[\W_]|\]\([^)\s]{0,300}\))*?"


def _verbatim(original: str, flat_quote: str, flat_start: int) -> str:
    """The span of ``original`` holding the words of ``flat_quote`` (white space runs shown as one space).

    The normalised text is never longer than the original before a given point, so the search starts at
    ``flat_start``. Leading and trailing punctuation of the quote (an opening quote, the full stop) is
    taken from the original too. Falls back to the normalised quote when the words are not found.
    """
    words = _WORDS.findall(flat_quote)
    if not words:
        return " ".join(flat_quote.split())
    # the first and the last few words locate the span (short patterns compile fast); the words between
    # are the same text
    head = re.compile(_BETWEEN.join(map(re.escape, words[:8])))
    first = head.search(original, flat_start) or head.search(original)
    tail = re.compile(_BETWEEN.join(map(re.escape, words[-8:]))) if len(words) > 8 else head
    last = tail.search(original, first.start()) if first is not None else None
    if first is None or last is None:
        return " ".join(flat_quote.split())
    stripped = flat_quote.strip()
    lead = len(stripped) - len(stripped.lstrip("\"'([{<\u3010\uff08*_`#> -"))
    trail = len(stripped) - len(stripped.rstrip(".;:!?,\"')]}\u3002\uff1b\uff09\u3011*_` "))
    s, e = first.start(), last.end()
    while lead and s > 0 and not original[s - 1].isspace() and not original[s - 1].isalnum():
        s -= 1
        lead -= 1
    while trail and e < len(original) and not original[e].isspace() and not original[e].isalnum():
        e += 1
        trail -= 1
    return " ".join(original[s:e].split())


def _sentence_start(low: str, pos: int, limit: int) -> int:
    """Start of the sentence holding ``pos`` (after the last '.' or '。'), at most ``limit`` characters
    back."""
    lo = max(0, pos - limit)
    return max(low.rfind(".", lo, pos) + 1, low.rfind("\u3002", lo, pos) + 1, lo)


def _clause_start(low: str, pos: int, limit: int) -> int:
    """Start of the clause holding ``pos`` (after the last '.' or ';'), at most ``limit`` characters back."""
    lo = max(0, pos - limit)
    return max(
        low.rfind(".", lo, pos) + 1,
        low.rfind(";", lo, pos) + 1,
        low.rfind("\u3002", lo, pos) + 1,
        low.rfind("\uff1b", lo, pos) + 1,
        lo,
    )


def _clause_end(low: str, pos: int) -> int:
    """End of the clause from ``pos`` ('.' or ';'), extended past a ':' that introduces a list."""
    stop = pos + 600  # every find is bounded: a missing '。' must not cost a scan to the end of the text
    end = min(
        i
        for i in (
            low.find(".", pos, stop),
            low.find(";", pos, stop),
            low.find("\u3002", pos, stop),
            low.find("\uff1b", pos, stop),
            stop,
            len(low),
        )
        if i >= 0
    )
    if ":" in low[pos:end]:
        end = min(len(low), end + 300)
    return end


# ------------------------------------------------------------------------------- languages

#: Scripts the analyser recognises, with the language name reported for each (Han is read as Chinese;
#: kana marks Japanese even among Han characters).
_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("Cyrillic script", re.compile(r"[\u0400-\u04ff]")),
    ("Arabic script", re.compile(r"[\u0600-\u06ff]")),
    ("Greek", re.compile(r"[\u0370-\u03ff]")),
    ("Hebrew", re.compile(r"[\u0590-\u05ff]")),
    ("Devanagari script", re.compile(r"[\u0900-\u097f]")),
    ("Thai", re.compile(r"[\u0e00-\u0e7f]")),
)
LANGUAGE_NAMES.update(
    {"ja": "Japanese", "ko": "Korean", "latin": "a Latin-script language other than English"}
)
_CLAUSE_SPLIT = re.compile(r"[.;!?\n\u3002\uff1b\uff01\uff1f]+")
_LATIN_WORD = re.compile(r"[a-z]{2,}")
_OTHER_SCRIPT = re.compile("[" + "".join(script.pattern[1:-1] for _, script in _SCRIPTS) + "]")
#: English function words: a Latin-script clause with enough of them is English.
_ENGLISH_WORDS = frozenset(
    "the of and to a in or any for you your this that is be by as with not on such are shall may will all "
    "its it an other from under these which no if at use licence license agreement software model".split()
)


def detect_languages(flat: str) -> dict[str, int]:
    """Clauses per language: the script of each clause, and for Latin script whether it reads as English.

    A clause (text between . ; ! ? 。 ； or a line break) with a Han, kana, Hangul, Cyrillic, ... character
    counts for that script's language (Han for Chinese unless kana marks Japanese); a Latin-script clause
    of at least three words counts as English when at least a fifth of its words are English function
    words ("the", "of", "shall", "licence", ...), else as an unidentified Latin-script language. A text in
    Latin script only is read as one language (English or not) from its first 3,000 characters, and its
    clauses are counted by their ends (fast: this runs on every text).
    """
    counts: Counter[str] = Counter()
    low = flat.lower()  # a no-op copy on text that is lower case already
    scripts = (
        []
        if low.isascii() or not _OTHER_SCRIPT.search(low)
        else [(name, script) for name, script in _SCRIPTS if script.search(low)]
    )
    is_english = _ENGLISH_WORDS.__contains__
    if not scripts:  # Latin script only (the common case): one reading of the whole text (its first 3,000
        # characters), and its clauses counted by their ends (. ; and line breaks)
        words = _LATIN_WORD.findall(low, 0, 3000)
        if len(words) >= 3:
            clauses = max(1, low.count(". ") + low.count(".\n") + low.count(";") + low.count("\n"))
            counts["en" if sum(map(is_english, words)) * 5 >= len(words) else "latin"] = clauses
        return dict(counts)
    for clause in _CLAUSE_SPLIT.split(low):
        if scripts:
            lang = next((name for name, script in scripts if script.search(clause)), None)
            if lang is not None:
                counts[lang] += 1
                continue
        words = _LATIN_WORD.findall(clause)
        if len(words) >= 3:
            counts["en" if sum(map(is_english, words)) * 5 >= len(words) else "latin"] += 1
    return dict(counts.most_common())


# --------------------------------------------------------------------------------- analysis


def analyse_licence(
    text: str, *, reference_dir: str | None = None, rules: ClauseRules | None = None
) -> LicenceReport:
    """Identify ``text`` and extract the control levers of spec §4, each with its supporting sentence.

    Works on a bare text (no front matter, no file name). ``rules``: the clause rules to read with
    (default: every language the analyser has, :func:`clause_rules`; ``clause_rules(("en",))`` reads
    English only). Each sentence quoted as evidence is the text's own, in its language. An aid to
    reading, not legal advice.
    """
    from valuechain.errors import InputError

    if not isinstance(text, str) or not text.strip():
        raise InputError("The licence text is empty.")
    rules = rules or clause_rules()
    # after _squeeze_spaces at most one space sits on either side of a newline: drop it (str.replace is
    # faster than a regex here)
    flat = _squeeze_spaces(clean_text(text)).replace(" \n", "\n").replace("\n ", "\n")
    languages = detect_languages(flat)
    # the rules of a language run only on a text that has clauses in it (an English text is read with the
    # English rules alone, as fast as before Chinese was added)
    used = tuple(lang for lang in rules.languages if lang == "en" or lang in languages)
    scan = _Scanner(flat, rules if used == rules.languages else clause_rules(used))
    helpers = scan.rules.helpers
    low = scan.low
    identified = identify(flat, reference_dir, toks=_TOKEN.findall(low))
    sentences = _Sentences(flat, text)
    evidence: dict[str, str] = {}

    def find(name: str, *pattern_names: str) -> bool:
        """First match of the strongest pattern tier that matches; its sentence becomes the evidence.

        Mentions (patterns without their own negation) preceded by "no", "not", "nor" or "never" are
        skipped: "there is no acceptable use policy" is not a restriction.
        """
        for pattern_name in pattern_names:
            for m in scan.finditer(pattern_name):
                if pattern_name in _NEGATABLE and helpers["negated"].search(
                    low, max(0, m.start() - 30), m.start()
                ):
                    continue
                if pattern_name == "_BRANDING" and helpers["hortatory"].search(
                    low, _sentence_start(low, m.start(), 500), m.start()
                ):
                    continue
                if pattern_name == "_OUTPUT_BAN" and helpers["definition"].match(
                    low, _clause_start(low, m.start(), 600)
                ):
                    continue  # a definition ("... means ... training other models") is not a duty
                if pattern_name == "_REMOTE":
                    lo, hi = _clause_start(low, m.start(), 400), _clause_end(low, m.end())
                    if _VERSIONING.search(low, lo, hi) and not _VERSION_APPLIES.search(low, lo, hi):
                        continue
                if (
                    pattern_name == "_GEO"
                    and helpers["exclusion_start"].match(m.group(0))
                    and helpers["law_context"].search(low, _clause_start(low, m.start(), 300), m.start())
                ):
                    continue
                evidence[name] = sentences.around(m.start(), m.end())
                return True
        return False

    grant = None
    sharing = False
    for hit in scan.finditer("_GRANT"):
        if helpers["negated"].search(low, max(0, hit.start() - 30), hit.start()):
            continue  # "does not grant ...", "no rights are granted"
        grant = grant or hit
        if helpers["share"].search(low, hit.start(), _clause_end(low, hit.end())):
            sharing = True
            break
    nc = None
    cap_rule = scan.rules.patterns["_CAP"]
    for hit in scan.finditer("_NON_COMMERCIAL"):
        # a commercial restriction tied to a revenue/user threshold is a cap, not a non-commercial licence
        # ... and one that limits a single option of several ("This alternative is allowed only for
        # noncommercial distribution", GPL-2.0 section 3c) does not confine the grant
        if _ALTERNATIVE.search(low, _clause_start(low, hit.start(), 300), hit.start()):
            continue
        if _MARKS.search(hit.group(0)):  # "may not use the marks or logos ... for commercial purposes"
            continue
        if not cap_rule.search(low, max(0, hit.start() - 800), hit.end() + 200):
            nc = hit
            break
    commercial = False
    # commercial use granted by a free registration is commercial use, whatever the free tier says
    registered = scan.search("_COMMERCIAL_REGISTRATION")
    if registered:
        commercial = True
        evidence["commercial_use"] = sentences.around(registered.start(), registered.end())
    elif nc:
        evidence["commercial_use"] = sentences.around(nc.start(), nc.end())
    else:
        permit = scan.search("_COMMERCIAL_EXPLICIT") or grant or scan.search("_COMMERCIAL_HINT")
        if permit:
            commercial = True
            evidence["commercial_use"] = sentences.around(permit.start(), permit.end())
    cap = find("user_or_revenue_cap", "_CAP")
    use = find("use_restrictions", "_USE_RESTRICTIONS_BINDING", "_USE_RESTRICTIONS")
    passes = use and find("restrictions_pass_to_derivatives", "_PASS_THROUGH_BINDING", "_PASS_THROUGH")
    ban = find("output_training_ban", "_OUTPUT_BAN")
    brand = find("attribution_branding", "_BRANDING")
    remote = find("licensor_remote_restriction", "_REMOTE")
    geo = find("geographic_exclusion", "_GEO")
    law = None
    # an English governing-law clause is preferred to one in another language (its translation, or a rule
    # on which text prevails: "当本许可证适用中国法律……解释时，须以中文文本为准")
    m = None
    for law_match in scan.finditer("_LAW", text=scan.spaced):
        m = m or law_match
        if not law_match.groupdict().get("place5"):
            m = law_match
            break
    if m:
        groups = m.groupdict()
        place = next(
            (groups[g] for g in ("place", "place2", "place3", "place4", "place5") if groups.get(g)), ""
        )
        law = _tidy_place(place)
        evidence["governing_law"] = sentences.around(m.start(), m.end())
    return LicenceReport(
        identified=identified,
        commercial_use=commercial,
        user_or_revenue_cap=cap,
        use_restrictions=use,
        restrictions_pass_to_derivatives=bool(passes),
        output_training_ban=ban,
        attribution_branding=brand,
        licensor_remote_restriction=remote,
        geographic_exclusion=geo,
        governing_law=law,
        evidence=evidence,
        grant_found=grant is not None,
        sharing_granted=sharing,
        languages=languages,
        rule_languages=rules.languages,
    )
