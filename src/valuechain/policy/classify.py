"""A transparent bilingual dictionary classifier of policy themes (Chinese and English).

The themes are those of Jin, Kunievsky, Lou, Sun & Evans (2026), "U.S. Policies Unintentionally
Accelerated China's Open AI Ecosystems": open-source support, ecosystem building, standards
coordination, resilience / self-reliance, compute and chips, free-market promotion and chokepoint /
export control. Nothing is learned: every hit is a dictionary term found in a sentence, and the
sentence is returned as evidence, so a reader can check each count.

Chinese text is segmented with jieba (initialised once, lazily and quietly); a term only counts when
its start and end fall on token boundaries, or when it ends a jieba word (Chinese compounds are
head-final: 质量标准 is a kind of 标准). This rejects 开源 inside the idiom 开源节流 ("increase revenue
and cut costs"); head-final false friends such as 高标准 ("high standard") are listed explicitly. English text is reduced by a small
suffix-stripping lemmatiser (:func:`english_lemma`). False friends, context requirements and negation
cues are read from ``data/dictionaries.yaml``; users extend it with their own YAML files.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from valuechain.errors import InputError

THEMES: tuple[str, ...] = (
    "open_source", "ecosystem", "standards", "resilience", "compute", "free_market", "chokepoint",
)
LANGUAGES = ("zh", "en")

# ----------------------------------------------------------------------------- jieba (lazy, quiet)
_JIEBA_LOCK = threading.Lock()
_JIEBA: Any = None


def jieba_tokenizer() -> Any:
    """The jieba module, initialised once per process with its log output silenced."""
    global _JIEBA
    if _JIEBA is None:
        with _JIEBA_LOCK:
            if _JIEBA is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _JIEBA = jieba
    return _JIEBA


def segment_chinese(sentence: str) -> list[str]:
    """jieba tokens of a sentence (precise mode, dictionary only: HMM off for determinism)."""
    return jieba_tokenizer().lcut(sentence, HMM=False)


# ----------------------------------------------------------------------------- English lemmas
_EN_TOKEN = re.compile(r"[A-Za-z0-9]+")
_DOUBLE_CONSONANT = re.compile(r"([bcdfgkmnprt])\1$")


@lru_cache(maxsize=65536)
def english_lemma(word: str) -> str:
    """A light, deterministic suffix-stripping lemma (plural -s/-es/-ies, -ing, -ed, final -e).

    Not a linguistic lemmatiser: it only has to map a term and its inflected forms in text to the same
    key (``controls``/``controlled`` -> ``control``; ``computing``/``compute`` -> ``comput``).
    """
    w = word.lower()
    if len(w) <= 3:
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ing", "ed"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            w = w[: -len(suffix)]
            if _DOUBLE_CONSONANT.search(w):
                w = w[:-1]
            break
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    if w.endswith("ll") and len(w) > 5:  # Porter step 5b: controll(ed) -> control, install -> instal
        w = w[:-1]
    return w


def english_tokens(text: str) -> list[tuple[str, int, int]]:
    """(lemma, start, end) for every alphanumeric token of ``text``."""
    return [(english_lemma(m.group()), m.start(), m.end()) for m in _EN_TOKEN.finditer(text)]


# ----------------------------------------------------------------------------- sentences
_ZH_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|\n+")
# a single line break between Chinese characters is a hard wrap (PDF-extracted text, 政府工作报\n告)
_ZH_HARD_WRAP = re.compile(r"(?<=[\u4e00-\u9fff，、“”（）])[ \t]*\n[ \t]*(?=[\u4e00-\u9fff“”（）])")
_EN_ABBREVIATIONS = ("U.S.", "e.g.", "i.e.", "No.", "Sec.", "Sect.", "Mr.", "Ms.", "Dr.", "Inc.", "etc.", "St.",
                     "U.N.", "Jan.", "Feb.", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.", "vs.", "Pub.", "L.")
# sentence ends, blank lines and list items; a single line break is a hard wrap (PDF-extracted text)
_EN_SPLIT = re.compile(r"(?<=[.!?;])\s+|\n\s*\n|\n(?=\s*(?:[•*▪]|-\s|\(\w{1,4}\)\s|\d{1,2}\.\s))")


def split_sentences(text: str, language: str) -> list[tuple[str, int]]:
    """Sentences of ``text`` with their start offsets (blank pieces dropped).

    Chinese: split after 。！？； and at line breaks, except a single line break between Chinese characters
    (a hard wrap, removed first; offsets then refer to the unwrapped text). English: split after . ! ? ;
    (not after common abbreviations such as U.S.), at blank lines and before list items.
    """
    out: list[tuple[str, int]] = []
    if language == "zh":
        text = _ZH_HARD_WRAP.sub("", text)
        pos = 0
        for piece in _ZH_SENTENCE_END.split(text):
            if piece is None:
                continue
            start = text.find(piece, pos) if piece else pos
            pos = start + len(piece)
            stripped = piece.strip()
            if stripped:
                out.append((stripped, start + (len(piece) - len(piece.lstrip()))))
        return out
    pieces: list[tuple[str, int]] = []
    pos = 0
    for m in _EN_SPLIT.finditer(text):
        pieces.append((text[pos:m.start()], pos))
        pos = m.end()
    pieces.append((text[pos:], pos))
    merged: list[tuple[str, int]] = []
    for piece, start in pieces:
        if merged and merged[-1][0].rstrip().endswith(_EN_ABBREVIATIONS):
            prev, prev_start = merged[-1]
            merged[-1] = (text[prev_start:start + len(piece)], prev_start)
        else:
            merged.append((piece, start))
    for piece, start in merged:
        stripped = piece.strip()
        if stripped:
            out.append((" ".join(stripped.split()), start + (len(piece) - len(piece.lstrip()))))
    return out


# ----------------------------------------------------------------------------- language detection
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_LATIN = re.compile(r"[A-Za-z]")
_EN_STOPWORDS = frozenset(
    "the of and to in for a an is are on that by with as be shall this from or its it at which any such "
    "each may under not other than into their have has been will should including include".split()
)


def detect_language(text: str) -> str:
    """``zh`` or ``en`` from the script mix; raises :class:`InputError` for any other language.

    One Chinese character counts as one word and five Latin letters as one word; Japanese (kana) and
    texts in other scripts, or Latin-script texts with almost no English function words, are rejected.
    """
    cjk = len(_CJK.findall(text))
    kana = len(_KANA.findall(text))
    latin = len(_LATIN.findall(text))
    letters = sum(1 for ch in text if unicodedata.category(ch).startswith("L"))
    if letters == 0:
        raise InputError("The text contains no letters, so its language cannot be determined (Chinese or English expected).")
    if kana > 0.05 * max(cjk, 1) and kana >= 3:
        raise InputError("The text looks Japanese; only Chinese (zh) and English (en) are supported.")
    if cjk + latin < 0.6 * letters:
        raise InputError("The text is in an unsupported script; only Chinese (zh) and English (en) are supported.")
    if cjk >= latin / 5:
        return "zh"
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", text)]
    if len(words) >= 12:
        share = sum(w in _EN_STOPWORDS for w in words) / len(words)
        if share < 0.05:
            raise InputError(
                "The text is in Latin script but does not look English; only Chinese (zh) and English (en) are supported."
            )
    return "en"


# ----------------------------------------------------------------------------- dictionaries
@dataclass(frozen=True)
class Term:
    """One dictionary term; ``requires_any`` are context words the sentence must also contain."""

    text: str
    requires_any: tuple[str, ...] = ()


@dataclass
class ThemeDictionary:
    """Terms and false friends of one theme in one language."""

    terms: list[Term] = field(default_factory=list)
    false_friends: list[str] = field(default_factory=list)


@dataclass
class Dictionaries:
    """All themes in both languages plus negation settings; built from one or more YAML files."""

    themes: dict[str, dict[str, ThemeDictionary]]
    labels: dict[str, str]
    negation: dict[str, dict[str, Any]]
    files: list[str]

    @property
    def theme_names(self) -> list[str]:
        return list(self.themes)


def default_dictionary_path() -> Path:
    return Path(str(resources.files("valuechain.policy") / "data" / "dictionaries.yaml"))


def _read_yaml(path: Path) -> dict[str, Any]:
    import yaml

    if not path.exists():
        raise InputError(f"The dictionary file {path} does not exist.")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"The dictionary file {path} is not valid UTF-8 YAML ({type(exc).__name__}).") from exc
    if not isinstance(data, dict) or not isinstance(data.get("themes", {}), dict):
        raise InputError(f"The dictionary file {path} must be a mapping with a 'themes' mapping.")
    return data


def _term(entry: Any, path: Path) -> Term:
    if isinstance(entry, str):
        return Term(entry)
    if isinstance(entry, dict) and isinstance(entry.get("term"), str):
        return Term(entry["term"], tuple(str(x) for x in entry.get("requires_any", []) or []))
    raise InputError(f"The dictionary file {path} has a term that is neither a string nor {{term: ...}}: {entry!r}.")


def load_dictionaries(extra: Sequence[str | Path] = ()) -> Dictionaries:
    """The shipped dictionaries, extended by the user's YAML files (same layout; terms are appended)."""
    paths = [default_dictionary_path(), *[Path(p) for p in extra]]
    themes: dict[str, dict[str, ThemeDictionary]] = {}
    labels: dict[str, str] = {}
    negation: dict[str, dict[str, Any]] = {}
    for path in paths:
        data = _read_yaml(path)
        for lang, spec in (data.get("negation") or {}).items():
            current = negation.setdefault(lang, {"window": 5, "cues": [], "exceptions_after": []})
            current["window"] = int(spec.get("window", current["window"]))
            current["cues"] = list(dict.fromkeys([*current["cues"], *map(str, spec.get("cues", []) or [])]))
            current["exceptions_after"] = list(
                dict.fromkeys([*current["exceptions_after"], *map(str, spec.get("exceptions_after", []) or [])])
            )
        for theme, spec in data.get("themes", {}).items():
            if not isinstance(spec, dict):
                raise InputError(f"The dictionary file {path} has theme {theme!r} that is not a mapping.")
            labels.setdefault(theme, str(spec.get("label", theme)))
            by_lang = themes.setdefault(theme, {lang: ThemeDictionary() for lang in LANGUAGES})
            for lang in LANGUAGES:
                lang_spec = spec.get(lang) or {}
                target = by_lang[lang]
                for entry in lang_spec.get("terms", []) or []:
                    term = _term(entry, path)
                    if term.text and term not in target.terms:
                        target.terms.append(term)
                for friend in lang_spec.get("false_friends", []) or []:
                    if friend and str(friend) not in target.false_friends:
                        target.false_friends.append(str(friend))
    return Dictionaries(themes=themes, labels=labels, negation=negation, files=[str(p) for p in paths])


# ----------------------------------------------------------------------------- results
@dataclass
class Hit:
    """One dictionary match: theme, term, sentence index and whether it was discarded (and why)."""

    theme: str
    term: str
    sentence: int
    start: int
    discarded: str | None = None  # "false friend: 开源节流", "negated by 不得", "no context", "inside a word"


@dataclass
class ThemeResult:
    present: bool
    hits: int
    evidence: list[str]
    discarded: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {"present": self.present, "hits": self.hits, "evidence": self.evidence, "discarded": self.discarded}


@dataclass
class Classification:
    """Themes found in one text, with the sentences as evidence."""

    language: str
    characters: int
    sentences: int
    themes: dict[str, ThemeResult]

    def to_dict(self) -> dict[str, Any]:
        return {
            "language": self.language, "characters": self.characters, "sentences": self.sentences,
            "themes": {k: v.to_dict() for k, v in self.themes.items()},
        }

    def present(self) -> set[str]:
        return {k for k, v in self.themes.items() if v.present}


# ----------------------------------------------------------------------------- classifier
_ZH_CLAUSE = re.compile(r"[，,、：:；;（）()]")
_EN_CLAUSE = re.compile(r"[,;:()]")


class PolicyClassifier:
    """Dictionary classifier; build once and reuse (the compiled patterns are cached on the instance)."""

    def __init__(self, dictionaries: Dictionaries | None = None, extra_dictionaries: Sequence[str | Path] = ()):
        self.dictionaries = dictionaries or load_dictionaries(extra_dictionaries)
        self._zh_patterns: dict[str, re.Pattern[str] | None] = {}
        self._zh_terms: dict[str, dict[str, Term]] = {}
        self._en_terms: dict[str, list[tuple[tuple[str, ...], Term]]] = {}
        self._en_false: dict[str, list[tuple[str, ...]]] = {}
        for theme, by_lang in self.dictionaries.themes.items():
            zh = by_lang["zh"]
            self._zh_terms[theme] = {t.text: t for t in zh.terms}
            ordered = sorted(self._zh_terms[theme], key=len, reverse=True)
            # a lookahead finds every start position (overlapping candidates); the longest term wins there
            self._zh_patterns[theme] = (
                re.compile("(?=(" + "|".join(map(re.escape, ordered)) + "))") if ordered else None
            )
            en = by_lang["en"]
            self._en_terms[theme] = [
                (tuple(lemma for lemma, _, _ in english_tokens(t.text)), t) for t in en.terms
            ]
            self._en_false[theme] = [tuple(lemma for lemma, _, _ in english_tokens(f)) for f in en.false_friends]
        neg = self.dictionaries.negation
        self._zh_neg = set(neg.get("zh", {}).get("cues", []))
        self._zh_window = int(neg.get("zh", {}).get("window", 5))
        self._en_neg = {english_lemma(w) for w in neg.get("en", {}).get("cues", [])}
        self._en_neg_exceptions = {english_lemma(w) for w in neg.get("en", {}).get("exceptions_after", [])}
        self._en_window = int(neg.get("en", {}).get("window", 6))

    @property
    def themes(self) -> list[str]:
        return self.dictionaries.theme_names

    # -- public API
    def classify(self, text: str, language: str = "auto", max_evidence: int | None = None) -> Classification:
        """Classify ``text`` (``language`` = ``zh``, ``en`` or ``auto``); see the module docstring."""
        if not text or not text.strip():
            raise InputError("The text is empty; there is nothing to classify.")
        if language == "auto":
            language = detect_language(text)
        elif language not in LANGUAGES:
            raise InputError(f"The language {language!r} is not supported; use zh, en or auto.")
        sentences = split_sentences(text, language)
        hits = self._zh_hits(sentences) if language == "zh" else self._en_hits(sentences)
        results: dict[str, ThemeResult] = {}
        for theme in self.themes:
            kept = [h for h in hits if h.theme == theme and h.discarded is None]
            order = sorted({h.sentence for h in kept})
            evidence = [sentences[i][0] for i in order]
            if max_evidence is not None:
                evidence = evidence[:max_evidence]
            discarded = [
                {"term": h.term, "reason": h.discarded, "sentence": sentences[h.sentence][0]}
                for h in hits if h.theme == theme and h.discarded is not None
            ]
            if max_evidence is not None:
                discarded = discarded[:max_evidence]
            results[theme] = ThemeResult(present=bool(kept), hits=len(kept), evidence=evidence, discarded=discarded)
        return Classification(language=language, characters=len(text), sentences=len(sentences), themes=results)

    def classify_sentence_themes(self, sentence: str, language: str = "auto") -> set[str]:
        """The set of themes present in one sentence (used for the labelled-set evaluation)."""
        return self.classify(sentence, language).present()

    # -- Chinese
    def _zh_hits(self, sentences: list[tuple[str, int]]) -> list[Hit]:
        hits: list[Hit] = []
        for index, (sentence, _) in enumerate(sentences):
            candidates: list[tuple[str, str, int, int]] = []
            for theme, pattern in self._zh_patterns.items():
                if pattern is None:
                    continue
                for m in pattern.finditer(sentence):
                    term = m.group(1)
                    candidates.append((theme, term, m.start(), m.start() + len(term)))
            if not candidates:
                continue
            tokens = segment_chinese(sentence)
            bounds: set[int] = {0}
            token_starts: list[int] = []
            pos = 0
            for tok in tokens:
                token_starts.append(pos)
                pos += len(tok)
                bounds.add(pos)
            kept_spans: dict[str, list[tuple[int, int]]] = {}
            for theme, term, start, end in candidates:
                spans = kept_spans.setdefault(theme, [])
                if any(s < end and start < e for s, e in spans):
                    continue  # overlaps a hit already counted for this theme
                hit = Hit(theme, term, index, start)
                spec = self._zh_terms[theme][term]
                friend = self._zh_false_friend(theme, sentence, start, end)
                if friend:
                    hit.discarded = f"false friend: {friend}"
                elif (start not in bounds or end not in bounds) and not self._head_of_compound(
                        tokens, token_starts, start, end):
                    hit.discarded = "inside a longer word: " + self._enclosing_token(tokens, token_starts, start)
                elif spec.requires_any and not any(word in sentence for word in spec.requires_any):
                    hit.discarded = "context missing (needs one of: " + "、".join(spec.requires_any) + ")"
                else:
                    cue = self._zh_negation(sentence, tokens, token_starts, start)
                    if cue:
                        hit.discarded = f"negated by {cue}"
                if hit.discarded is None:
                    spans.append((start, end))
                hits.append(hit)
        return hits

    def _zh_false_friend(self, theme: str, sentence: str, start: int, end: int) -> str | None:
        for friend in self.dictionaries.themes[theme]["zh"].false_friends:
            idx = sentence.find(friend)
            while idx != -1:
                if idx <= start and end <= idx + len(friend):
                    return friend
                if start <= idx < end or start < idx + len(friend) <= end:
                    return friend
                idx = sentence.find(friend, idx + 1)
        return None

    @staticmethod
    def _head_of_compound(tokens: list[str], starts: list[int], start: int, end: int) -> bool:
        """True when the term ends a single jieba word (质量标准, 行业标准): Chinese compounds are head-final,
        so the word is a kind of the term. A term at the start or middle of a word (开源节流) is not."""
        for tok, s in zip(tokens, starts, strict=True):
            if s <= start < s + len(tok):
                return s < start and end == s + len(tok)
        return False

    @staticmethod
    def _enclosing_token(tokens: list[str], starts: list[int], offset: int) -> str:
        for tok, s in zip(tokens, starts, strict=True):
            if s <= offset < s + len(tok):
                return tok
        return ""

    def _zh_negation(self, sentence: str, tokens: list[str], starts: list[int], start: int) -> str | None:
        # tokens before the hit, within the same clause, at most `window` of them
        before = [(tok, s) for tok, s in zip(tokens, starts, strict=True) if s < start]
        window: list[str] = []
        for tok, _ in reversed(before):
            if _ZH_CLAUSE.fullmatch(tok) or tok in "。！？":
                break
            window.append(tok)
            if len(window) >= self._zh_window:
                break
        for tok in window:
            if tok in self._zh_neg:
                return tok
        return None

    # -- English
    def _en_hits(self, sentences: list[tuple[str, int]]) -> list[Hit]:
        hits: list[Hit] = []
        for index, (sentence, _) in enumerate(sentences):
            toks = english_tokens(sentence)
            if not toks:
                continue
            lemmas = [t[0] for t in toks]
            for theme, entries in self._en_terms.items():
                taken: set[int] = set()
                for seq, spec in sorted(entries, key=lambda e: len(e[0]), reverse=True):
                    if not seq:
                        continue
                    n = len(seq)
                    for i in range(len(lemmas) - n + 1):
                        if lemmas[i] != seq[0] or tuple(lemmas[i:i + n]) != seq:
                            continue
                        if any(j in taken for j in range(i, i + n)):
                            continue
                        taken.update(range(i, i + n))
                        hit = Hit(theme, spec.text, index, toks[i][1])
                        friend = self._en_false_friend(theme, lemmas, i, i + n)
                        if friend:
                            hit.discarded = f"false friend: {friend}"
                        elif spec.requires_any and not any(
                            english_lemma(w) in lemmas for w in spec.requires_any
                        ):
                            hit.discarded = "context missing (needs one of: " + ", ".join(spec.requires_any) + ")"
                        else:
                            cue = self._en_negation(sentence, toks, i)
                            if cue:
                                hit.discarded = f"negated by {cue!r}"
                        hits.append(hit)
        return hits

    def _en_false_friend(self, theme: str, lemmas: list[str], i: int, j: int) -> str | None:
        for friend in self._en_false[theme]:
            n = len(friend)
            if not n:
                continue
            for k in range(max(0, j - n), min(i, len(lemmas) - n) + 1):
                if tuple(lemmas[k:k + n]) == friend and k <= i and j <= k + n:
                    return " ".join(friend)
        return None

    def _en_negation(self, sentence: str, toks: list[tuple[str, int, int]], i: int) -> str | None:
        start_char = toks[i][1]
        for k in range(i - 1, max(-1, i - 1 - self._en_window), -1):
            between = sentence[toks[k][2]:start_char]
            if _EN_CLAUSE.search(between):
                break
            lemma = toks[k][0]
            if lemma in self._en_neg:
                nxt = toks[k + 1][0] if k + 1 < len(toks) else ""
                if nxt in self._en_neg_exceptions:
                    continue
                return lemma
        return None


_DEFAULT: PolicyClassifier | None = None


def default_classifier() -> PolicyClassifier:
    """A process-wide classifier with the shipped dictionaries."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = PolicyClassifier()
    return _DEFAULT


def classify_text(text: str, language: str = "auto", extra_dictionaries: Iterable[str | Path] = (),
                  max_evidence: int | None = None) -> Classification:
    """Classify one text with the shipped dictionaries (plus the user's extra YAML files)."""
    extra = list(extra_dictionaries)
    classifier = PolicyClassifier(extra_dictionaries=extra) if extra else default_classifier()
    return classifier.classify(text, language, max_evidence=max_evidence)
