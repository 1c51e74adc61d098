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
licences never seen before. Each flag found carries the sentence that supports it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

DISCLAIMER = "An aid to reading the licence, not legal advice."

FLAGS: tuple[str, ...] = (
    "commercial_use", "user_or_revenue_cap", "use_restrictions", "restrictions_pass_to_derivatives",
    "output_training_ban", "attribution_branding", "licensor_remote_restriction", "geographic_exclusion",
)
LEVERS: tuple[str, ...] = FLAGS[1:]

#: Minimum shingle Jaccard similarity for a reference text to count as identified.
IDENTIFY_THRESHOLD = 0.5
SHINGLE = 3

# ------------------------------------------------------------------------------------- normalising

_MARKUP = re.compile(r"<[^>]{1,200}>|&[a-z]{2,8};|[*_`#>|~\[\]\\]+|^\s*[-=]{3,}\s*$", re.M)
_TOKEN = re.compile(r"[a-z0-9]+")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " ",
                         "\u2013": "-", "\u2014": "-", "\u2010": "-", "\u2011": "-"})


def clean_text(text: str) -> str:
    """Remove HTML/Markdown markup and typographic quotes; keep sentence punctuation."""
    text = text.translate(_QUOTES)
    text = re.sub(r"\]\([^)\s]{0,300}\)", "] ", text)  # markdown link targets
    return _MARKUP.sub(" ", text)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(clean_text(text).lower())


def shingles(toks: list[str], k: int = SHINGLE) -> frozenset[int]:
    if len(toks) < k:
        return frozenset({hash(tuple(toks))}) if toks else frozenset()
    return frozenset(hash(t) for t in zip(*(toks[i:] for i in range(k)), strict=False))


# ---------------------------------------------------------------------------------- reference set

@dataclass(frozen=True)
class Reference:
    key: str  # ScanCode key
    id: str  # SPDX id where one exists, else the ScanCode key
    name: str
    category: str | None
    shingles: frozenset[int]
    path: str


def _reference_dir() -> Path:
    from valuechain import config

    return config.data_dir() / "licenses" / "license-texts"


@lru_cache(maxsize=4)
def reference_set(directory: str | None = None) -> tuple[Reference, ...]:
    """Load the reference licence texts (ScanCode DB entries with YAML front matter); empty if missing."""
    from valuechain.audit.collectors import decode_bytes, split_front_matter

    folder = Path(directory) if directory else _reference_dir()
    if not folder.is_dir():
        return ()
    refs = []
    for path in sorted(folder.glob("*.LICENSE")):
        meta, body = split_front_matter(decode_bytes(path.read_bytes(), str(path)))
        key = str(meta.get("key") or path.stem)
        spdx = str(meta.get("spdx_license_key") or "")
        ident = spdx if spdx and not spdx.startswith("LicenseRef-") else key
        refs.append(Reference(key=key, id=ident, name=str(meta.get("name") or key),
                              category=meta.get("category"), shingles=shingles(tokens(body)), path=str(path)))
    return tuple(refs)


@lru_cache(maxsize=4)
def _inverted_index(directory: str | None = None) -> dict[int, tuple[int, ...]]:
    index: dict[int, list[int]] = {}
    for i, ref in enumerate(reference_set(directory)):
        for s in ref.shingles:
            index.setdefault(s, []).append(i)
    return {k: tuple(v) for k, v in index.items()}


def identify(text: str, directory: str | None = None, toks: list[str] | None = None) -> dict[str, Any] | None:
    """Best reference by shingle Jaccard similarity, or None below :data:`IDENTIFY_THRESHOLD`."""
    refs = reference_set(directory)
    if not refs:
        return None
    query = shingles(toks if toks is not None else tokens(text))
    if not query:
        return None
    index = _inverted_index(directory)
    counts = [0] * len(refs)
    for s in query:
        for i in index.get(s, ()):
            counts[i] += 1
    best, best_sim = -1, 0.0
    for i, inter in enumerate(counts):
        if inter:
            sim = inter / (len(query) + len(refs[i].shingles) - inter)
            if sim > best_sim:
                best, best_sim = i, sim
    if best < 0 or best_sim < IDENTIFY_THRESHOLD:
        return None
    ref = refs[best]
    return {"id": ref.id, "similarity": round(best_sim, 4), "scancode_key": ref.key, "name": ref.name,
            "category": ref.category}


# ------------------------------------------------------------------------------------ clause rules

def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I)


_GAP = r"[^.;:]{0,%d}"


def _g(n: int) -> str:
    return _GAP % n


_VERBS = r"(use|reproduce|copy|exercise|distribute|modify|incorporate|deal|do everything|view)"
_GRANT = _rx(
    r"permission is hereby granted",
    r"\bgrants?\b" + _g(250) + r"\b(licen[cs]e|right|permission)s?\b" + _g(300) + r"\b" + _VERBS + r"\b",
    r"\b(you are|is|are) (hereby )?granted\b" + _g(300) + r"\b" + _VERBS + r"\b",
    r"\byou may (view, )?" + _VERBS + r"\b",
    r"\blicen[cs]es? you to " + _VERBS + r"\b",
    r"\bgrants? you the rights? to\b",
)
_NON_COMMERCIAL = _rx(
    r"\b(solely|only|exclusively|strictly) (for|to) (your )?(personal,? )?(non-?commercial|research|academic|"
    r"evaluation|internal research|scientific)",
    r"\bfor (non-?commercial|research|academic)( research)?( and (non-?commercial|research|academic|"
    r"educational))? (purposes|uses?) only\b",
    r"\b(for|solely for|only for) (your )?non-?commercial (uses?|purposes?|research)( only)?\b",
    r"\bnot (be )?(used |use (it |them |the \w+ )?)?(for|in) (any )?(commercial|revenue[- ]generating)\b",
    r"\bmay not (use|exploit)" + _g(120) + r"\b(for|in) (any )?commercial (purpose|use|product|manner)",
    r"\bcommercial (use|purposes?|exploitation)" + _g(60) + r"\b(is|are) (strictly )?(not permitted|prohibited|"
    r"forbidden|not allowed|excluded)",
    r"\bnon-?commercial (use|uses|purposes) only\b",
    r"\bnoncommercial purposes only\b",
    r"\bfor (any )?commercial or production purposes\b",
)
_COMMERCIAL_EXPLICIT = _rx(
    r"\bcommercial use\b" + _g(60) + r"\b(is |are )?(permitted|allowed|granted)",
    r"\b(permit|permits|allow|allows)\b" + _g(60) + r"\bcommercial\b",
    r"\b(sell|sublicense,? and/or sell|offer to sell)\b",
    r"\bcommercial (terms|use of the)\b",
    r"\bmonthly active users\b",
)
_CAP = _rx(
    r"\b(monthly|daily|weekly) active users\b",
    r"\b(annual|yearly|gross|total)( \w+){0,3} (revenue|revenues|turnover|sales|income)\b" + _g(120)
    + r"(\$|usd|us dollars|eur|€|rmb|yuan|\d)",
    r"\b(revenue|revenues|turnover)\b" + _g(80) + r"\b(exceed|exceeds|exceeding|in excess of|greater than|"
    r"more than|less than|below|under|above|at least)\b" + _g(40) + r"(\$|usd|us dollars|eur|€|rmb|\d)",
    r"\b(more|greater) than\b" + _g(30) + r"\b(million|billion|\d{3},\d{3})\b" + _g(40) + r"\b(users|customers)\b",
)
_HARMS = (r"(harm|military|weapon|illegal|unlawful|violat|discriminat|surveillance|minors|disinformation|"
          r"defam|exploit|malicious|fraud|terror|critical infrastructure|medical advice|law enforcement|"
          r"biometric|automated decision)")
_USE_RESTRICTIONS = _rx(
    r"\bacceptable use polic(y|ies)\b",
    r"\b(prohibited|restricted) use polic(y|ies)\b",
    r"\busage polic(y|ies)\b",
    r"\buse[- ]based restrictions?\b",
    r"\buse restrictions?\b",
    r"\byou agree not to use\b",
    r"\b(you|licensee|customers?)( shall| will| must| may)? not (use|deploy|permit others to use)\b" + _g(200)
    + r"\b" + _HARMS,
    r"\b(prohibited|restricted|disallowed) (uses|purposes|usage)\b",
    r"\buses? (that are |which are )?(expressly )?prohibited\b",
    r"\bnot (be )?used (by you )?(or [^.;:]{0,60})?(to|for|in)\b" + _g(150) + r"\b" + _HARMS,
    r"\b(military purposes|purposes of surveillance|nuclear technology)\b",
    r"\b(must|shall) (comply|be consistent)\b" + _g(30) + r"\bwith\b" + _g(80)
    + r"\b(restrictions|polic(y|ies)|trustworthy ai|ethics|guidelines)\b",
)
_PASS_THROUGH = _rx(
    r"\b(must|shall) (be )?(include|included|incorporate|incorporated)\w*\b" + _g(120)
    + r"\b(enforceable provision|restrictions|use[- ]based|this (agreement|licen[cs]e)|these terms|"
    r"the same)",
    r"\b(derivatives?|derivative works?|modifications?|fine[- ]?tuned models?|model derivatives?)\b" + _g(250)
    + r"\b(subject to|bound by|comply with|governed by|under) (the )?(same|this|these|the terms of this)\b",
    r"\b(provide|give|include|accompan\w+|pass)\b" + _g(100)
    + r"\b(a )?copy of (this|these|the) (agreement|licen[cs]e|terms|use polic\w+)",
    r"\b(same|these|such) (use[- ]based )?restrictions\b" + _g(120) + r"\b(derivative|recipient|downstream|"
    r"third part|sublicensee|end user)",
    r"\b(notify|inform|require)\b" + _g(80) + r"\b(recipients?|users|third parties|end users)\b" + _g(120)
    + r"\b(restrictions|prohibit|acceptable use|use polic|comply)",
    r"\b(downstream|subsequent) (recipients?|users?|licensees?)\b" + _g(80) + r"\b(compl\w+|subject|bound)",
    r"\bimpose\b" + _g(60) + r"\bterms on\b" + _g(40) + r"\b(recipients?|users|licensees?)\b",
    r"\b(gets?|receives?) the text of this licen[cs]e\b",
    r"\bprovided under this licen[cs]e\b",
    r"\bremain subject to this (agreement|licen[cs]e)\b",
)
_OUTPUT_BAN = _rx(
    r"\b(not|never|no)\b" + _g(100) + r"\b(outputs?|results?|generated (content|text|data|output))\b"
    + _g(160) + r"\b(train|improve|develop|fine[- ]?tune|distil|create|build|enhance)\w*\b" + _g(120)
    + r"\b(models?|llms?|ai systems?)\b",
    r"\b(outputs?|results?)\b" + _g(120) + r"\b(develop|train|build|create)\w*\b" + _g(60)
    + r"\bmodels?\b" + _g(40) + r"\bcompet",
    r"\bmodels? that (is |are )?compet",
    r"\b(may|shall|will|must|can) not\b" + _g(60) + r"\buse\b" + _g(120)
    + r"\b(to|for) (train|improve|develop|fine[- ]?tune|distil\w*)\b" + _g(30)
    + r"\b(any|other|another|competing)\b" + _g(40) + r"\bmodels?\b",
)
_BRANDING = _rx(
    r"[\"'](built|powered|improved|created|made|enhanced) (with|by|using) [^\"']{1,40}[\"']",
    r"\b(at|to) the (beginning|start) of\b" + _g(60) + r"\bname\b",
    r"\b(include|prefix|prepend|start)\w*\b" + _g(60) + r"\b(as a prefix|prefix)\b" + _g(60) + r"\bname",
    r"\bmodel name\b" + _g(80) + r"\b(must|shall) (include|begin|start|contain)",
)
_REMOTE = _rx(
    r"\brestrict \(?remotely",
    r"\bremotely (restrict|disable|deactivate|limit|terminate)",
    r"\b(reserves? the right|may at any time|may,? from time to time,?|may|can) (to )?(update|modify|amend|"
    r"change|revise|replace)\b" + _g(40) + r"\b(this|these|the|its) (agreement|licen[cs]e|terms|polic\w+|"
    r"acceptable use|model|prohibited use)",
    r"\b(use|run|deploy) (the )?latest version\b",
    r"\b(updated|modified|amended|revised) from time to time\b",
    r"\bfrom time to time\b" + _g(60) + r"\b(update|modify|amend|revise|change)\w*\b",
    r"\b(update|modify|amend|revise|change)\w*\b" + _g(60) + r"\bfrom time to time\b",
    r"\bmay terminate (this|these|the) (agreement|licen[cs]e|terms)\b" + _g(40)
    + r"\b(at any time|for any reason|for convenience|without cause)",
    r"\b(right to|may)\b" + _g(80) + r"\bdisabl(e|ing)\b",
    r"\bnew versions? (of this (agreement|licen[cs]e) )?(will|shall) (apply|govern|be binding)",
    r"\bdisabl(e|ing) (any|the|all)\b" + _g(60) + r"\b(by|through|via|remotely|instructions)\b",
    r"\bupdates? will be effective upon posting\b",
)
_PLACES = (r"(european union|\beu\b|eea|european economic area|(people's republic of |mainland )?china|russia|"
           r"iran|north korea|cuba|syria|crimea|united states|u\.s\.|korea|japan|india|united kingdom|"
           r"switzerland|hong kong|taiwan)")
_GEO = _rx(
    r"\bdomiciled in\b" + _g(200) + _PLACES,
    r"\b(excluding|except( for| in)?|other than)\s+(the\s+)?" + _PLACES,
    r"\bnot (be )?(available|granted|licensed|permitted|used|offered)\b" + _g(80) + r"\b(in|to|for|from)\s+(the\s+)?"
    + _PLACES,
    r"\b(embargoed|comprehensively sanctioned|sanctioned) (countr(y|ies)|jurisdictions?|territor(y|ies)|regions?)\b",
    r"\bterritory\b" + _g(120) + r"\b(exclud|except|not includ)\w*",
    r"\b(not|no) (rights? )?(are |is )?(being )?granted\b" + _g(120) + r"\b(domiciled|located|resident)",
)
_PLACE = r"(?P<place>[A-Z][\w.'’]*(?:[ -](?:[A-Z][\w.'’]*|of|the|and|de|du|laws?))*)"
_LAW = re.compile(
    r"(?i:\b(?:governed|construed|governing law|interpret\w*)\b)[^.;]{0,100}?(?i:\blaws?\s+of\s+)(?:the\s+)?"
    + _PLACE
    + r"|" + r"(?P<place2>[A-Z][\w.'’]*(?: [A-Z][\w.'’]*)*) (?i:law) (?i:will|shall) (?i:govern)"
    + r"|" + r"(?i:\blaws?\s+of\s+)(?:the\s+)?(?P<place3>[A-Z][\w.'’]*(?: [A-Z][\w.'’]*)*)[^.;]{0,80}(?i:\bapply "
    r"to the interpretation)"
)
_LAW_TRIM = re.compile(r"\s+(?:and\s*)?$|\s+(?:without|excluding|except|regardless|as|applicable)\b.*$")

_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+(?=[\"'(A-Z0-9])|\n\s*\n|\n(?=\s*(?:[-*•]|\(?[0-9a-zA-Z]{1,3}[.)])\s)")


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

    @property
    def levers(self) -> list[str]:
        """The control levers found (spec §4 flags other than commercial use)."""
        return [f for f in LEVERS if getattr(self, f)]

    @property
    def licence_class(self) -> str:
        """osi_open | open_data | restricted_open | non_commercial | proprietary (for the governance map).

        From the identified id when it is on the MOT's open lists, else from the flags read in the text:
        no grant of rights -> proprietary; no commercial use -> non_commercial; any lever ->
        restricted_open; otherwise osi_open (permissive in substance).
        """
        from valuechain.audit.mof import OPEN_DATA_LICENCES, mot_licences

        ident = (self.identified or {}).get("id")
        if ident and ident in OPEN_DATA_LICENCES:
            return "open_data"
        if ident and mot_licences().is_open(ident):
            return "osi_open"
        if not self.grant_found:
            return "proprietary"
        if not self.commercial_use:
            return "non_commercial"
        if self.levers:
            return "restricted_open"
        return "osi_open"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"identified": self.identified}
        for name in FLAGS:
            out[name] = getattr(self, name)
        out["governing_law"] = self.governing_law
        out["evidence"] = dict(self.evidence)
        return out


class _Sentences:
    """Sentence boundaries of a text, to quote the sentence around a match position."""

    def __init__(self, text: str):
        self.text = text
        self.starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text)]

    def around(self, start: int, end: int, limit: int = 400) -> str:
        i = bisect.bisect_right(self.starts, start) - 1
        j = bisect.bisect_left(self.starts, end)
        s = self.starts[i]
        e = self.starts[j] if j < len(self.starts) else len(self.text)
        quote = " ".join(self.text[s:e].split())
        if len(quote) > limit:
            rel = max(0, start - s - limit // 3)
            quote = ("…" if rel else "") + " ".join(self.text[s + rel:s + rel + limit].split()) + "…"
        return quote


def _first(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    return pattern.search(text)


def analyse_licence(text: str, *, reference_dir: str | None = None) -> LicenceReport:
    """Identify ``text`` and extract the control levers of spec §4, each with its supporting sentence.

    Works on a bare text (no front matter, no file name). An aid to reading, not legal advice.
    """
    from valuechain.errors import InputError

    if not isinstance(text, str) or not text.strip():
        raise InputError("The licence text is empty.")
    cleaned = clean_text(text)
    toks = _TOKEN.findall(cleaned.lower())
    identified = identify(cleaned, reference_dir, toks=toks)
    flat = re.sub(r"[ \t]+", " ", cleaned)
    sentences = _Sentences(flat)
    evidence: dict[str, str] = {}

    def find(name: str, pattern: re.Pattern[str]) -> bool:
        m = pattern.search(flat)
        if m:
            evidence[name] = sentences.around(m.start(), m.end())
            return True
        return False

    grant = _GRANT.search(flat)
    nc = None
    for hit in _NON_COMMERCIAL.finditer(flat):
        # a commercial restriction tied to a revenue/user threshold is a cap, not a non-commercial licence
        if not _CAP.search(flat, max(0, hit.start() - 800), hit.end() + 200):
            nc = hit
            break
    commercial = False
    if nc:
        evidence["commercial_use"] = sentences.around(nc.start(), nc.end())
    else:
        explicit = _COMMERCIAL_EXPLICIT.search(flat)
        hit = explicit or grant
        if hit:
            commercial = True
            evidence["commercial_use"] = sentences.around(hit.start(), hit.end())
    cap = find("user_or_revenue_cap", _CAP)
    use = find("use_restrictions", _USE_RESTRICTIONS)
    passes = use and find("restrictions_pass_to_derivatives", _PASS_THROUGH)
    ban = find("output_training_ban", _OUTPUT_BAN)
    brand = find("attribution_branding", _BRANDING)
    remote = find("licensor_remote_restriction", _REMOTE)
    geo = find("geographic_exclusion", _GEO)
    law = None
    m = _LAW.search(flat)
    if m:
        place = m.group("place") or m.group("place2") or m.group("place3") or ""
        law = _LAW_TRIM.sub("", " ".join(place.split())).strip(" .,'’") or None
        evidence["governing_law"] = sentences.around(m.start(), m.end())
    return LicenceReport(
        identified=identified, commercial_use=commercial, user_or_revenue_cap=cap, use_restrictions=use,
        restrictions_pass_to_derivatives=bool(passes), output_training_ban=ban, attribution_branding=brand,
        licensor_remote_restriction=remote, geographic_exclusion=geo, governing_law=law, evidence=evidence,
        grant_found=grant is not None,
    )
