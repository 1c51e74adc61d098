"""A transparent bilingual dictionary classifier of policy themes (Chinese and English).

The themes are those of Jin, Kunievsky, Lou, Sun & Evans (2026), "U.S. Policies Unintentionally
Accelerated China's Open AI Ecosystems": open-source support, ecosystem building, standards
coordination, resilience / self-reliance, compute and chips, free-market promotion and chokepoint /
export control. Nothing is learned: every hit is a dictionary term found in a sentence, and the
sentence is returned as evidence, so a reader can check each count.

Chinese text: dictionary terms are found in the character string, then checked against a jieba
segmentation made by a private tokenizer that knows every dictionary term (``add_word``), so 开源代码
segments as 开源/代码 and 算力中心 as 算力/中心. A match counts when its ends fall on token boundaries,
when it ends a token (Chinese compounds are head-final: 质量标准 is a kind of 标准), or when it lies in
another dictionary term (开源 in 开源社区); it is rejected when it lies inside a longer ordinary word (开源
in the idiom 开源节流, "increase revenue and cut costs") or crosses a word boundary leaving single
characters (标准 in 目标|准确). Head-final false friends such as 高标准 ("high standard") are listed
explicitly. English text is reduced by a small suffix-stripping lemmatiser (:func:`english_lemma`).

Negation is scoped (:func:`scoped_negation`): a cue discards a hit only when it bears on the hit as a
stance (``shall not release … as open source``, 不得将源代码开源, ``doesn't support open source``), not when
it is about something else (``no foreign adversary gains access to chips``, ``No license is required for
open-source models``), and a negated restriction is support (``will not restrict open-source models``).
False friends, context requirements, the negation rule's word lists and the themes exempt from negation
(compute, chokepoint: a negated mention is still on topic) are read from ``data/dictionaries.yaml``;
users extend it with their own YAML files, which are validated (:func:`load_dictionaries`).
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
    "open_source",
    "ecosystem",
    "standards",
    "resilience",
    "compute",
    "free_market",
    "chokepoint",
)
LANGUAGES = ("zh", "en")

# ----------------------------------------------------------------------------- jieba (lazy, quiet)
_JIEBA_LOCK = threading.Lock()
_JIEBA: Any = None
_TOKENIZERS: dict[frozenset[str], Any] = {}


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


def dictionary_tokenizer(words: Iterable[str]) -> Any:
    """A private ``jieba.Tokenizer`` that knows the dictionary's terms (``add_word``), cached per word set.

    Without this jieba cuts 开源代码 as 开/源代码 and 算力中心 as 算/力/中心, and the term would look like
    a fragment of another word. The tokenizer is private so the process-wide ``jieba`` stays untouched.
    """
    key = frozenset(words)
    with _JIEBA_LOCK:
        tokenizer = _TOKENIZERS.get(key)
    if tokenizer is None:
        import logging

        # not jieba_tokenizer(): the global dictionary would be loaded too (1.1 s CPU), unused here
        import jieba

        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        for word in sorted(key):
            tokenizer.add_word(word)  # frequency: jieba's suggest_freq, enough to keep the word whole
        with _JIEBA_LOCK:
            tokenizer = _TOKENIZERS.setdefault(key, tokenizer)
    return tokenizer


def segment_chinese(sentence: str, tokenizer: Any = None) -> list[str]:
    """jieba tokens of a sentence (precise mode, dictionary only: HMM off for determinism)."""
    return (tokenizer or jieba_tokenizer()).lcut(sentence, HMM=False)


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
    """(lemma, start, end) for every alphanumeric token of ``text``; the ``t`` of a contraction
    (doesn't, won't, can't) becomes the token ``n't`` so that the negation rule sees it."""
    out = []
    for m in _EN_TOKEN.finditer(text):
        word = m.group()
        if (
            word in ("t", "T")
            and m.start() >= 2
            and text[m.start() - 1] in "'’"
            and text[m.start() - 2] in "nN"
        ):
            out.append(("n't", m.start() - 2, m.end()))
        else:
            out.append((english_lemma(word), m.start(), m.end()))
    return out


# ----------------------------------------------------------------------------- sentences
_ZH_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|\n+")
# a single line break between Chinese characters is a hard wrap (PDF-extracted text, 政府工作报\n告)
_ZH_HARD_WRAP = re.compile(r"(?<=[\u4e00-\u9fff，、“”（）])[ \t]*\n[ \t]*(?=[\u4e00-\u9fff“”（）])")
_EN_ABBREVIATIONS = (
    "U.S.",
    "e.g.",
    "i.e.",
    "No.",
    "Sec.",
    "Sect.",
    "Mr.",
    "Ms.",
    "Dr.",
    "Inc.",
    "etc.",
    "St.",
    "U.N.",
    "Jan.",
    "Feb.",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
    "vs.",
    "Pub.",
    "L.",
)
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
        pieces.append((text[pos : m.start()], pos))
        pos = m.end()
    pieces.append((text[pos:], pos))
    merged: list[tuple[str, int]] = []
    for piece, start in pieces:
        if merged and merged[-1][0].rstrip().endswith(_EN_ABBREVIATIONS):
            prev, prev_start = merged[-1]
            merged[-1] = (text[prev_start : start + len(piece)], prev_start)
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
# common English function words; a Latin-script text is English when they make up a meaningful share of it
ENGLISH_FUNCTION_WORDS = frozenset(
    "the of and to in for a an is are was were be been being on that by with as shall this these those from "
    "or its it at which any such each may might must can could would should will not no nor than into their "
    "them they have has had we our you your he she his her who whom whose what when where how all also but "
    "if about there do does did so only other under upon over after before between through against up out "
    "more most some both either neither own same very".split()
)
ENGLISH_CONTRACTIONS = frozenset(
    "doesn't don't isn't aren't wasn't weren't won't can't couldn't shouldn't wouldn't hasn't haven't hadn't "
    "didn't mustn't it's that's there's cannot".split()
)
# common function words of other Latin-script languages (German, French, Spanish, Italian, Portuguese, Dutch),
# without those that are also English words (in, an, was, is, a)
OTHER_FUNCTION_WORDS = frozenset(
    "der die das und ist nicht mit den dem des ein eine einer zu von für auf sich auch werden wird im zum "
    "zur bei oder aus nach wie über le la les et est une des du dans pour sur par pas qui que au aux ce ces "
    "sont avec plus leur el los las y es una del en por para con su sus al como más il lo gli della delle di "
    "che è non sono os da do das dos em com não são het een van dat zijn voor niet ook".split()
)
ENGLISH_SHARE = 0.15
ENGLISH_DISTINCT = 2
ENGLISH_MIN_WORDS = 6
ENGLISH_SHORT_TEXT = 20
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def detect_language(text: str) -> str:
    """``zh`` or ``en`` from the script mix; raises :class:`InputError` for any other language.

    One Chinese character counts as one word and five Latin letters as one word; Japanese (kana) and
    texts in other scripts are rejected. A Latin-script text of at least ``ENGLISH_MIN_WORDS`` words reads
    as English when at least ``ENGLISH_SHARE`` (15 %) of its words, and at least ``ENGLISH_DISTINCT`` (2)
    distinct ones, are common English function words (:data:`ENGLISH_FUNCTION_WORDS`, contractions
    included). A text that fails this is rejected when it has ``ENGLISH_SHORT_TEXT`` (20) words or more, or
    when it has more function words of German, French, Spanish, Italian, Portuguese or Dutch than English
    ones; a short English headline with few function words ("Export controls restrict advanced AI chips
    sales to China.") is kept.
    """
    cjk = len(_CJK.findall(text))
    kana = len(_KANA.findall(text))
    latin = len(_LATIN.findall(text))
    letters = sum(1 for ch in text if unicodedata.category(ch).startswith("L"))
    if letters == 0:
        raise InputError(
            "The text contains no letters, so its language cannot be determined (Chinese or English "
            "expected)."
        )
    if kana > 0.05 * max(cjk, 1) and kana >= 3:
        raise InputError("The text looks Japanese; only Chinese (zh) and English (en) are supported.")
    if cjk + latin < 0.6 * letters:
        raise InputError(
            "The text is in an unsupported script; only Chinese (zh) and English (en) are supported."
        )
    if cjk >= latin / 5:
        return "zh"
    words = [w.lower().replace("’", "'") for w in _WORD.findall(text)]
    if len(words) >= ENGLISH_MIN_WORDS:
        english = [w for w in words if w in ENGLISH_FUNCTION_WORDS or w in ENGLISH_CONTRACTIONS]
        other = sum(w in OTHER_FUNCTION_WORDS for w in words)
        reads_english = len(english) >= ENGLISH_SHARE * len(words) and len(set(english)) >= ENGLISH_DISTINCT
        if not reads_english and (len(words) >= ENGLISH_SHORT_TEXT or other > len(english)):
            raise InputError(
                f"The text is in Latin script but does not read as English (only {len(english)} of "
                f"{len(words)} words are common English words); only Chinese (zh) and English (en) are "
                "supported."
            )
    return "en"


# ----------------------------------------------------------------------------- dictionaries
@dataclass(frozen=True)
class Term:
    """One dictionary term; ``requires_any`` are context words the sentence must also contain,
    ``clause_requires_any`` context words the hit's own clause must contain (between ，；：。 and the
    like)."""

    text: str
    requires_any: tuple[str, ...] = ()
    clause_requires_any: tuple[str, ...] = ()


#: Punctuation that ends a clause (the enumeration comma 、 does not: it joins items of one clause).
CLAUSE_BREAKS = "，,；;：:。！？!?\n"


def clause_around(sentence: str, start: int, end: int) -> str:
    """The clause of ``sentence`` that holds ``sentence[start:end]``."""
    left = max(sentence.rfind(ch, 0, start) for ch in CLAUSE_BREAKS)
    rights = [i for i in (sentence.find(ch, end) for ch in CLAUSE_BREAKS) if i != -1]
    return sentence[left + 1 : min(rights) if rights else len(sentence)]


@dataclass
class ThemeDictionary:
    """Terms and false friends of one theme in one language."""

    terms: list[Term] = field(default_factory=list)
    false_friends: list[str] = field(default_factory=list)


@dataclass
class NegationRules:
    """The scoped negation rule of one language (see the module docstring and ``dictionaries.yaml``)."""

    window: int = 6
    cues: list[str] = field(default_factory=list)
    adjacent_cues: list[str] = field(default_factory=list)
    stance_verbs: list[str] = field(default_factory=list)
    reversing_verbs: list[str] = field(default_factory=list)
    exceptions_after: list[str] = field(default_factory=list)
    scope_ends: list[str] = field(default_factory=list)


@dataclass
class Dictionaries:
    """All themes in both languages plus negation settings; built from one or more YAML files."""

    themes: dict[str, dict[str, ThemeDictionary]]
    labels: dict[str, str]
    negation: dict[str, NegationRules]
    files: list[str]
    not_negatable: set[str] = field(default_factory=set)

    @property
    def theme_names(self) -> list[str]:
        return list(self.themes)


def default_dictionary_path() -> Path:
    return Path(str(resources.files("valuechain.policy") / "data" / "dictionaries.yaml"))


def _dictionary_file_model() -> Any:
    """The pydantic model of one dictionary YAML file (built lazily: pydantic is not needed for --help)."""
    from typing import Literal

    from pydantic import BaseModel, ConfigDict, Field, field_validator

    def one_item(value: Any) -> Any:
        # `terms: 开源` is one term, not a list of characters
        if value is None:
            return []
        return [value] if isinstance(value, (str, dict)) else value

    class TermEntry(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        term: str
        requires_any: list[str] = []
        clause_requires_any: list[str] = []
        _one = field_validator("requires_any", "clause_requires_any", mode="before")(one_item)

    class LanguageTerms(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        terms: list[str | TermEntry] = []
        false_friends: list[str] = []
        _one = field_validator("terms", "false_friends", mode="before")(one_item)

        @field_validator("terms")
        @classmethod
        def at_least_two_characters(cls, terms: list[Any]) -> list[Any]:
            for t in terms:
                text = t if isinstance(t, str) else t.term
                if len(text.strip()) < 2:
                    raise ValueError(
                        f"the term {text!r} is shorter than two characters, which would match by accident"
                    )
            return terms

    class ThemeSpec(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        label: str | None = None
        negatable: bool | None = None
        zh: LanguageTerms | None = None
        en: LanguageTerms | None = None

    class NegationSpec(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        window: int | None = Field(default=None, ge=1, le=30)
        cues: list[str] | None = None
        adjacent_cues: list[str] | None = None
        stance_verbs: list[str] | None = None
        reversing_verbs: list[str] | None = None
        exceptions_after: list[str] | None = None
        scope_ends: list[str] | None = None
        _one = field_validator(
            "cues",
            "adjacent_cues",
            "stance_verbs",
            "reversing_verbs",
            "exceptions_after",
            "scope_ends",
            mode="before",
        )(lambda v: [v] if isinstance(v, str) else v)

    class DictionaryFile(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        version: int | None = None
        negation: dict[Literal["zh", "en"], NegationSpec] = {}
        themes: dict[str, ThemeSpec] = {}
        _none = field_validator("negation", "themes", mode="before")(lambda v: {} if v is None else v)

    return DictionaryFile


_MODEL: Any = None


def _read_yaml(path: Path) -> Any:
    """One dictionary file, validated; a bad file is one sentence naming the bad key."""
    global _MODEL
    import yaml
    from pydantic import ValidationError

    if not path.exists():
        raise InputError(f"The dictionary file {path} does not exist.")
    if path.is_dir():
        raise InputError(f"The dictionary file {path} is a directory, not a YAML file.")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(
            f"The dictionary file {path} is not valid UTF-8 YAML ({type(exc).__name__})."
        ) from exc
    if not isinstance(data, dict):
        raise InputError(f"The dictionary file {path} must be a mapping with a 'themes' mapping.")
    if _MODEL is None:
        _MODEL = _dictionary_file_model()
    try:
        return _MODEL.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        # drop pydantic's union-branch tags ("str", "TermEntry", "function-before[...]") from the location
        where = ".".join(
            str(p)
            for p in err["loc"]
            if not (isinstance(p, str) and (p in ("str", "TermEntry", "int", "bool") or "[" in p))
        )
        message = (
            re.sub(r" or instance of \w+", "", str(err["msg"])).removeprefix("Value error, ").rstrip(".")
        )
        hints = {
            "themes": " (expected a mapping of theme names to settings)",
            "negation": " (expected a mapping of zh/en to settings)",
        }
        hint = hints.get(where, "")
        raise InputError(
            f"The dictionary file {path} has a bad entry at '{where}': {message}{hint}."
        ) from None


def load_dictionaries(extra: Sequence[str | Path] = ()) -> Dictionaries:
    """The shipped dictionaries, extended by the user's YAML files (same layout; terms are appended)."""
    paths = [default_dictionary_path(), *[Path(p) for p in extra]]
    themes: dict[str, dict[str, ThemeDictionary]] = {}
    labels: dict[str, str] = {}
    negation: dict[str, NegationRules] = {lang: NegationRules() for lang in LANGUAGES}
    not_negatable: set[str] = set()
    for path in paths:
        data = _read_yaml(path)
        for lang, spec in data.negation.items():
            rules = negation[lang]
            if spec.window is not None:
                rules.window = spec.window
            for name in (
                "cues",
                "adjacent_cues",
                "stance_verbs",
                "reversing_verbs",
                "exceptions_after",
                "scope_ends",
            ):
                extra_words = getattr(spec, name) or []
                setattr(rules, name, list(dict.fromkeys([*getattr(rules, name), *extra_words])))
        for theme, spec in data.themes.items():
            labels.setdefault(theme, spec.label or theme)
            if spec.negatable is not None:
                (not_negatable.discard if spec.negatable else not_negatable.add)(theme)
            by_lang = themes.setdefault(theme, {lang: ThemeDictionary() for lang in LANGUAGES})
            for lang in LANGUAGES:
                lang_spec = getattr(spec, lang)
                if lang_spec is None:
                    continue
                target = by_lang[lang]
                for entry in lang_spec.terms:
                    term = (
                        Term(entry.strip())
                        if isinstance(entry, str)
                        else Term(
                            entry.term.strip(), tuple(entry.requires_any), tuple(entry.clause_requires_any)
                        )
                    )
                    if term not in target.terms:
                        target.terms.append(term)
                for friend in lang_spec.false_friends:
                    if friend.strip() and friend not in target.false_friends:
                        target.false_friends.append(friend)
    return Dictionaries(
        themes=themes,
        labels=labels,
        negation=negation,
        files=[str(p) for p in paths],
        not_negatable=not_negatable,
    )


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
        return {
            "present": self.present,
            "hits": self.hits,
            "evidence": self.evidence,
            "discarded": self.discarded,
        }


@dataclass
class Classification:
    """Themes found in one text, with the sentences as evidence."""

    language: str
    characters: int
    sentences: int
    themes: dict[str, ThemeResult]

    def to_dict(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "characters": self.characters,
            "sentences": self.sentences,
            "themes": {k: v.to_dict() for k, v in self.themes.items()},
        }

    def present(self) -> set[str]:
        return {k for k, v in self.themes.items() if v.present}


# ----------------------------------------------------------------------------- classifier
_ZH_CLAUSE = re.compile(r"[，,、：:；;（）()。！？!?]")
_EN_CLAUSE = re.compile(r"[,;:()]")


def scoped_negation(rules: NegationRules, before: Sequence[str], term_tokens: Sequence[str]) -> str | None:
    """The negation cue that negates a hit, or None (the rule documented in ``dictionaries.yaml``).

    ``before`` are the tokens before the hit in the same clause, at most ``rules.window`` of them, in text
    order; a scope end (but, 即可) closes the scope of the cues before it. The cue nearest to the hit decides:
    it is skipped when followed by an exception (``not only``); a reversing verb after it (``will not restrict
    open-source models``), or a reversing cue preceded by another cue (``not prohibit the use of``), is a
    double negative, so the hit stands; it negates when a stance verb stands between it and the hit, or the
    hit itself is one (``shall not release … as open source``, 不得将源代码开源), or when it is an adjacent
    cue right before the hit (``is not open source``). Otherwise (``no foreign adversary``, ``No license is
    required for open-source models``) the cue is about something else and the hit stands.
    """
    cues, stance, reversing = set(rules.cues), set(rules.stance_verbs), set(rules.reversing_verbs)
    ends = [k for k, tok in enumerate(before) if tok in rules.scope_ends]
    if ends:
        before = before[ends[-1] + 1 :]
    for k in range(len(before) - 1, -1, -1):
        cue = before[k]
        if cue not in cues:
            continue
        after = list(before[k + 1 :])
        following = after[0] if after else (term_tokens[0] if term_tokens else "")
        if following in rules.exceptions_after:
            continue
        if any(t in reversing for t in after) or (cue in reversing and any(t in cues for t in before[:k])):
            return None
        if any(t in stance for t in after) or any(t in stance for t in term_tokens):
            return cue
        if not after and cue in rules.adjacent_cues:
            return cue
        return None
    return None


class PolicyClassifier:
    """Dictionary classifier; build once and reuse (the compiled patterns are cached on the instance)."""

    def __init__(
        self, dictionaries: Dictionaries | None = None, extra_dictionaries: Sequence[str | Path] = ()
    ):
        self.dictionaries = dictionaries or load_dictionaries(extra_dictionaries)
        self._zh_patterns: dict[str, re.Pattern[str] | None] = {}
        self._zh_terms: dict[str, dict[str, Term]] = {}
        self._en_terms: dict[str, list[tuple[tuple[str, ...], Term]]] = {}
        self._en_false: dict[str, list[tuple[str, ...]]] = {}
        zh_words: set[str] = set()
        for theme, by_lang in self.dictionaries.themes.items():
            zh = by_lang["zh"]
            self._zh_terms[theme] = {t.text: t for t in zh.terms}
            zh_words.update(self._zh_terms[theme])
            zh_words.update(zh.false_friends)
            ordered = sorted(self._zh_terms[theme], key=len, reverse=True)
            # a lookahead finds every start position (overlapping candidates); the longest term wins there
            self._zh_patterns[theme] = (
                re.compile("(?=(" + "|".join(map(re.escape, ordered)) + "))") if ordered else None
            )
            en = by_lang["en"]
            self._en_terms[theme] = [
                (tuple(lemma for lemma, _, _ in english_tokens(t.text)), t) for t in en.terms
            ]
            self._en_false[theme] = [
                tuple(lemma for lemma, _, _ in english_tokens(f)) for f in en.false_friends
            ]
        zh_neg = self.dictionaries.negation["zh"]
        zh_words.update(zh_neg.cues + zh_neg.stance_verbs + zh_neg.reversing_verbs + zh_neg.scope_ends)
        self._zh_all_terms = frozenset(t for terms in self._zh_terms.values() for t in terms)
        self._zh_words = frozenset(w for w in zh_words if len(w) > 1)
        self._zh_tokenizer: Any = None
        self._zh_rules = zh_neg
        en_neg = self.dictionaries.negation["en"]

        def lemmas(words: list[str]) -> list[str]:
            return [english_lemma(w) if w != "n't" else w for w in words]

        self._en_rules = NegationRules(
            window=en_neg.window,
            cues=lemmas(en_neg.cues),
            adjacent_cues=lemmas(en_neg.adjacent_cues),
            stance_verbs=lemmas(en_neg.stance_verbs),
            reversing_verbs=lemmas(en_neg.reversing_verbs),
            exceptions_after=lemmas(en_neg.exceptions_after),
            scope_ends=lemmas(en_neg.scope_ends),
        )

    @property
    def themes(self) -> list[str]:
        return self.dictionaries.theme_names

    @property
    def zh_tokenizer(self) -> Any:
        """jieba with the dictionary's Chinese terms, false friends and negation words added."""
        if self._zh_tokenizer is None:
            self._zh_tokenizer = dictionary_tokenizer(self._zh_words)
        return self._zh_tokenizer

    # -- public API
    def classify(self, text: str, language: str = "auto", max_evidence: int | None = None) -> Classification:
        """Classify ``text`` (``language`` = ``zh``, ``en`` or ``auto``); see the module docstring."""
        if not text or not text.strip():
            raise InputError("The text to classify is empty.")
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
                for h in hits
                if h.theme == theme and h.discarded is not None
            ]
            if max_evidence is not None:
                discarded = discarded[:max_evidence]
            results[theme] = ThemeResult(
                present=bool(kept), hits=len(kept), evidence=evidence, discarded=discarded
            )
        return Classification(
            language=language, characters=len(text), sentences=len(sentences), themes=results
        )

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
            tokens = segment_chinese(sentence, self.zh_tokenizer)
            token_starts: list[int] = []
            pos = 0
            for tok in tokens:
                token_starts.append(pos)
                pos += len(tok)
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
                elif (reason := self._zh_word_conflict(tokens, token_starts, start, end)) is not None:
                    hit.discarded = reason
                elif spec.requires_any and not any(word in sentence for word in spec.requires_any):
                    hit.discarded = "context missing (needs one of: " + "、".join(spec.requires_any) + ")"
                elif spec.clause_requires_any and not any(
                    word in clause_around(sentence, start, end) for word in spec.clause_requires_any
                ):
                    hit.discarded = (
                        "context missing in its clause (needs one of: "
                        + "、".join(spec.clause_requires_any)
                        + ")"
                    )
                elif theme not in self.dictionaries.not_negatable:
                    cue = self._zh_negation(tokens, token_starts, start, end)
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

    def _zh_word_conflict(self, tokens: list[str], starts: list[int], start: int, end: int) -> str | None:
        """Why a character match is not the term as a word, or None when it is.

        The match stands when its ends fall on token boundaries, or when it ends a token (head-final
        compounds: 质量标准 is a kind of 标准). A match strictly inside one token (开源节流) is part of a
        longer word, unless that token is itself a dictionary term (开源 in 开源社区). A match that crosses a
        token boundary stands only when the cut-off pieces are themselves words of two or more characters
        (开|源代码 re-segments as 开源 + 代码), not when single characters are left over (目标|准确 would
        leave 目 … 确 around 标准).
        """
        covering = [
            (tok, s) for tok, s in zip(tokens, starts, strict=True) if s < end and start < s + len(tok)
        ]
        first_tok, first_start = covering[0]
        last_tok, last_start = covering[-1]
        if first_start == start and last_start + len(last_tok) == end:
            return None
        if len(covering) == 1:
            if first_start < start and end == first_start + len(first_tok):
                return None  # head-final compound
            if first_tok in self._zh_all_terms:
                return None  # inside another dictionary term (开源 in 开源社区, 开源生态)
            return f"inside the longer word {first_tok}"
        left = first_tok[: start - first_start]
        right = last_tok[end - last_start :]
        freq = self.zh_tokenizer.FREQ
        if all(not piece or (len(piece) > 1 and freq.get(piece)) for piece in (left, right)):
            return None
        return "crosses the word boundary of " + "|".join(tok for tok, _ in covering)

    def _zh_negation(self, tokens: list[str], starts: list[int], start: int, end: int) -> str | None:
        # tokens before the hit, within the same clause, at most `window` of them
        before: list[str] = []
        for tok, s in zip(reversed(tokens), reversed(starts), strict=True):
            if s + len(tok) > start:
                continue
            if _ZH_CLAUSE.search(tok) or len(before) >= self._zh_rules.window:
                break
            before.append(tok)
        before.reverse()
        term_tokens = [tok for tok, s in zip(tokens, starts, strict=True) if s < end and start < s + len(tok)]
        return scoped_negation(self._zh_rules, before, term_tokens)

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
                        if lemmas[i] != seq[0] or tuple(lemmas[i : i + n]) != seq:
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
                            hit.discarded = (
                                "context missing (needs one of: " + ", ".join(spec.requires_any) + ")"
                            )
                        elif theme not in self.dictionaries.not_negatable:
                            cue = self._en_negation(sentence, toks, i, i + n)
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
                if tuple(lemmas[k : k + n]) == friend and k <= i and j <= k + n:
                    return " ".join(friend)
        return None

    def _en_negation(self, sentence: str, toks: list[tuple[str, int, int]], i: int, j: int) -> str | None:
        start_char = toks[i][1]
        before: list[str] = []
        for k in range(i - 1, max(-1, i - 1 - self._en_rules.window), -1):
            if _EN_CLAUSE.search(sentence[toks[k][2] : start_char]):
                break
            before.append(toks[k][0])
        before.reverse()
        return scoped_negation(self._en_rules, before, [t[0] for t in toks[i:j]])


_DEFAULT: PolicyClassifier | None = None


def default_classifier() -> PolicyClassifier:
    """A process-wide classifier with the shipped dictionaries."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = PolicyClassifier()
    return _DEFAULT


def classify_text(
    text: str,
    language: str = "auto",
    extra_dictionaries: Iterable[str | Path] = (),
    max_evidence: int | None = None,
) -> Classification:
    """Classify one text with the shipped dictionaries (plus the user's extra YAML files)."""
    extra = list(extra_dictionaries)
    classifier = PolicyClassifier(extra_dictionaries=extra) if extra else default_classifier()
    return classifier.classify(text, language, max_evidence=max_evidence)
