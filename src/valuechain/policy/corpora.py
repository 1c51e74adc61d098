"""Dated policy corpora: Chinese ministry documents, Government Work Reports, CPC Congress reports,
U.S. AGORA laws, and the user's own text / HTML files.

Every document carries a point date plus the interval it is known to lie in (``date_low`` ..
``date_high``) and the precision of that knowledge (``day``, ``year``, ``fiscal-year``, ``congress``),
so that a before/after comparison can set aside documents whose side of a shock is unknown.
The snapshots are read from ``valuechain.config.data_dir()/policy`` and never copied into the package.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from valuechain import config
from valuechain.errors import InputError
from valuechain.textio import decode_bytes

CORPORA = ("cn-policy", "gwr", "cpc", "agora")
CORPUS_DESCRIPTIONS = {
    "cn-policy": "Chinese MIIT / CAC / TC260 AI policy documents 2018-2026 (zhiyuanplus/ai-policy-platform; "
    "truncated text)",
    "gwr": "Chinese Government Work Reports 1954-2025 and NPC resolutions on them "
    "(aldohemsn/chinese-political-corpora)",
    "cpc": "CPC National Congress reports (aldohemsn/chinese-political-corpora)",
    "agora": "U.S. AI laws enacted by Congress 2020-2025 from ETO AGORA (names + long summaries; dated by "
    "Congress)",
}


#: The columns that describe a classified document, in the order every per-document table shows them
#: (the classification rows of :mod:`valuechain.policy.analysis` and the stored ones of
#: :mod:`valuechain.policy.store`).
DOCUMENT_COLUMNS = (
    "doc_id",
    "corpus",
    "country",
    "issuing_body",
    "doc_type",
    "title",
    "url",
    "date",
    "date_low",
    "date_high",
    "date_precision",
)


@dataclass
class Document:
    """One dated policy text."""

    doc_id: str
    corpus: str
    country: str
    language: str
    title: str
    text: str
    date: dt.date
    date_low: dt.date  # a field named ``date`` shadows the class inside the body: spell it dt.date
    date_high: dt.date
    date_precision: str
    issuing_body: str
    url: str = ""
    publication_date: dt.date | None = None
    doc_type: str = ""
    source: str = ""

    def meta(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("text")
        out["characters"] = len(self.text)
        return out


@dataclass
class Corpus:
    """Documents plus a record of what was dropped and why (so counts can be reported)."""

    name: str
    documents: list[Document]
    dropped: Counter[str] = field(default_factory=Counter)
    sources: list[dict[str, Any]] = field(default_factory=list)

    def frame(self) -> Any:
        import pandas as pd

        return pd.DataFrame([d.meta() for d in self.documents])

    def counts_per_year(self) -> dict[int, int]:
        return dict(sorted(Counter(d.date.year for d in self.documents).items()))

    def precision_counts(self) -> dict[str, int]:
        return dict(Counter(d.date_precision for d in self.documents))


def policy_dir() -> Path:
    return config.data_dir() / "policy"


def _require(path: Path) -> Path:
    if not path.exists():
        raise InputError(
            f"The corpus file {path} is missing; set VALUECHAIN_DATA to the reference data folder."
        )
    return path


def _source(name: str, path: Path, origin: str) -> dict[str, Any]:
    from valuechain.output import source

    return source(name, str(path), origin=origin)


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


# ----------------------------------------------------------------------------- cn-ai-policy-platform
_AGENCY = {"miit": "MIIT", "cac": "CAC", "tc260": "TC260"}
_RELEASE_DATE = re.compile(r"发布日期[：:]\s*(\d{4}-\d{2}-\d{2})")


def load_cn_policy(path: Path | None = None) -> Corpus:
    """The 375 de-duplicated MIIT / CAC / TC260 documents (``all_policies_unified.csv``).

    ``date`` is the corpus's ``publication_date`` (for MIIT pages this is the 成文日期, the date of
    issue); where the page shows a later 发布日期 (release date) it is kept as ``publication_date``.
    The issuing body is the agency whose site the document came from (MIIT, CAC, TC260); the raw
    department string is kept in ``doc_type``. Texts are truncated by the source scraper.
    """
    path = path or policy_dir() / "cn-ai-policy-platform" / "all_policies_unified.csv"
    csv.field_size_limit(2**31 - 1)
    docs: list[Document] = []
    dropped: Counter[str] = Counter()
    with _require(path).open(encoding="utf-8-sig", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh)):
            day = _day(row.get("publication_date", ""))
            text = row.get("full_text") or ""
            if day is None:
                dropped["date does not parse"] += 1
                continue
            if not text.strip():
                dropped["empty text"] += 1
                continue
            release = _RELEASE_DATE.search(text)
            published = _day(release.group(1)) if release else None
            docs.append(
                Document(
                    doc_id=f"cn-policy-{i:04d}",
                    corpus="cn-policy",
                    country="CN",
                    language="zh",
                    title=row.get("title", ""),
                    text=text,
                    date=day,
                    date_low=day,
                    date_high=day,
                    date_precision="day",
                    issuing_body=_AGENCY.get(row.get("source", ""), row.get("source", "") or "unknown"),
                    url=row.get("url", ""),
                    publication_date=published if published and published != day else None,
                    doc_type=row.get("issuing_department", ""),
                    source="zhiyuanplus/ai-policy-platform @ b8b52ba6",
                )
            )
    return Corpus(
        "cn-policy",
        docs,
        dropped,
        [
            _source(
                "AI policy platform (MIIT/CAC/TC260 documents)",
                path,
                "github.com/zhiyuanplus/ai-policy-platform @ b8b52ba6 (2026-02), MIT",
            )
        ],
    )


# ----------------------------------------------------------------------------- Government Work Reports
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# first-session year of each NPC term with regular annual sessions (5th NPC onwards)
NPC_TERM_START = {
    5: 1978,
    6: 1983,
    7: 1988,
    8: 1993,
    9: 1998,
    10: 2003,
    11: 2008,
    12: 2013,
    13: 2018,
    14: 2023,
}
_RESOLUTION_TITLE = re.compile(r"第(.{1,3})届全国人民代表大会第(.{1,2})次会议关于政府工作报告的决议")
_DATE_LINE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def chinese_numeral(text: str) -> int | None:
    """1-99 written in Chinese numerals (十四 -> 14, 二十 -> 20); None if it is not one."""
    if not text or any(ch not in "一二三四五六七八九十" for ch in text):
        return None
    if "十" not in text:
        return _CN_DIGITS[text] if len(text) == 1 else None
    tens, _, units = text.partition("十")
    value = (_CN_DIGITS.get(tens, 0) if tens else 1) * 10
    if units:
        if units not in _CN_DIGITS:
            return None
        value += _CN_DIGITS[units]
    return value


def resolution_year(title: str) -> int | None:
    """The year of an NPC resolution on the Government Work Report from its title (term + session).

    Terms from the 5th NPC (1978) hold one session a year, so session *k* of a term that opened in
    year *y* meets in *y + k - 1*; earlier terms met irregularly and are not dated this way.
    """
    m = _RESOLUTION_TITLE.search(title)
    if not m:
        return None
    term, session = chinese_numeral(m.group(1)), chinese_numeral(m.group(2))
    if term is None or session is None or term not in NPC_TERM_START:
        return None
    return NPC_TERM_START[term] + session - 1


def _dated_line(text: str, head: int = 400) -> date | None:
    m = _DATE_LINE.search(text[:head])
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def load_gwr(path: Path | None = None, include_resolutions: bool = True) -> Corpus:
    """Government Work Reports (State Council) and the NPC resolutions approving them.

    Reports: the corpus ``year``; the day when the text opens with a dated line (——2024年3月5日…),
    otherwise year precision, placed on 5 March by convention (the NPC's spring session) for years
    from 1985 and on 1 July before. Resolutions carry no year: they are dated from a date line in their
    text, else from their title (term + session, :func:`resolution_year`), else dropped and counted.
    """
    path = path or policy_dir() / "cn-political-corpora" / "government_work_reports.jsonl"
    docs: list[Document] = []
    dropped: Counter[str] = Counter()
    with _require(path).open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    for i, row in enumerate(rows):
        title, text, year = row.get("title", ""), row.get("content", "") or "", row.get("year")
        is_report = year not in (None, "None", "")
        if not is_report and not include_resolutions:
            continue
        day = _dated_line(text)
        if is_report:
            y = int(year)
            if day and day.year == y:
                low = high = point = day
                precision = "day"
            else:
                low, high = date(y, 1, 1), date(y, 12, 31)
                point = date(y, 3, 5) if y >= 1985 else date(y, 7, 1)
                precision = "year"
            body, doc_type = "State Council", "government_work_report"
        else:
            body, doc_type = "NPC", "npc_resolution"
            y_title = resolution_year(title)
            if day and (y_title is None or day.year == y_title):
                low = high = point = day
                precision = "day"
            elif y_title is not None:
                low, high = date(y_title, 1, 1), date(y_title, 12, 31)
                point = date(y_title, 3, 5) if y_title >= 1985 else date(y_title, 7, 1)
                precision = "year"
            else:
                dropped["NPC resolution without a date line and with an irregular-term title"] += 1
                continue
        docs.append(
            Document(
                doc_id=f"gwr-{i:03d}",
                corpus="gwr",
                country="CN",
                language="zh",
                title=title,
                text=text,
                date=point,
                date_low=low,
                date_high=high,
                date_precision=precision,
                issuing_body=body,
                url=row.get("url", ""),
                doc_type=doc_type,
                source="aldohemsn/chinese-political-corpora @ 99bc4b01",
            )
        )
    return Corpus(
        "gwr",
        docs,
        dropped,
        [
            _source(
                "Chinese Government Work Reports (Wikisource)",
                path,
                "github.com/aldohemsn/chinese-political-corpora @ 99bc4b01 (2026-01)",
            )
        ],
    )


# ----------------------------------------------------------------------------- CPC Congress reports
# opening year of each National Congress of the CPC (public record)
CPC_CONGRESS_YEAR = {
    1: 1921,
    2: 1922,
    3: 1923,
    4: 1925,
    5: 1927,
    6: 1928,
    7: 1945,
    8: 1956,
    9: 1969,
    10: 1973,
    11: 1977,
    12: 1982,
    13: 1987,
    14: 1992,
    15: 1997,
    16: 2002,
    17: 2007,
    18: 2012,
    19: 2017,
    20: 2022,
}


def load_cpc(path: Path | None = None, min_characters: int = 200) -> Corpus:
    """CPC National Congress reports, dated to the congress's year (year precision).

    Records shorter than ``min_characters`` (e.g. a Wikisource disambiguation page) are dropped and counted.
    """
    path = path or policy_dir() / "cn-political-corpora" / "cpc_congress_reports.jsonl"
    docs: list[Document] = []
    dropped: Counter[str] = Counter()
    with _require(path).open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    for i, row in enumerate(rows):
        text = row.get("content", "") or ""
        try:
            congress = int(row.get("congress"))
        except (TypeError, ValueError):
            dropped["congress number missing"] += 1
            continue
        if congress not in CPC_CONGRESS_YEAR:
            dropped["unknown congress number"] += 1
            continue
        if len(text) < min_characters:
            dropped[f"shorter than {min_characters} characters"] += 1
            continue
        y = CPC_CONGRESS_YEAR[congress]
        docs.append(
            Document(
                doc_id=f"cpc-{i:03d}",
                corpus="cpc",
                country="CN",
                language="zh",
                title=row.get("title", ""),
                text=text,
                date=date(y, 7, 1),
                date_low=date(y, 1, 1),
                date_high=date(y, 12, 31),
                date_precision="year",
                issuing_body="CPC National Congress",
                url=row.get("url", ""),
                doc_type=f"congress {congress}",
                source="aldohemsn/chinese-political-corpora @ 99bc4b01",
            )
        )
    return Corpus(
        "cpc",
        docs,
        dropped,
        [
            _source(
                "CPC National Congress reports (Wikisource)",
                path,
                "github.com/aldohemsn/chinese-political-corpora @ 99bc4b01 (2026-01)",
            )
        ],
    )


# ----------------------------------------------------------------------------- AGORA (U.S. Congress)
_CONGRESS_LINK = re.compile(r"/bill/(\d{2,3})(?:st|nd|rd|th)-congress/|congress\.gov/(\d{2,3})/plaws/")
_ACT_OF_YEAR = re.compile(r"\bAct of ((?:19|20)\d\d)\b")
_FISCAL_YEAR = re.compile(r"\b(?:for )?Fiscal Years? ((?:19|20)\d\d)\b|\bAct, ((?:19|20)\d\d)\b")


def congress_years(congress: int) -> tuple[int, int]:
    """Calendar years of a U.S. Congress (the 117th Congress sat in 2021-2022)."""
    first = 1789 + 2 * (congress - 1)
    return first, first + 1


def agora_date(name: str, link: str) -> tuple[date, date, date, str, int | None]:
    """(point, low, high, precision, congress) for an AGORA law from its link and name.

    The Congress in the link bounds the date to its two years (``congress`` precision). A year in the
    name refines it: "Act of 2020" -> that year (``year``); "Fiscal Year 2023" or "Appropriations
    Act, 2023" -> enacted in the calendar year before the fiscal year begins (``fiscal-year``, can be
    off by one when enactment slipped into January), when that year lies inside the Congress.
    """
    m = _CONGRESS_LINK.search(link or "")
    if not m:
        raise InputError(f"The AGORA link {link!r} names no Congress, so the law cannot be dated.")
    congress = int(m.group(1) or m.group(2))
    first, last = congress_years(congress)
    year_match = _ACT_OF_YEAR.search(name or "")
    if year_match and first <= int(year_match.group(1)) <= last:
        y = int(year_match.group(1))
        return date(y, 7, 1), date(y, 1, 1), date(y, 12, 31), "year", congress
    fy = _FISCAL_YEAR.search(name or "")
    if fy:
        y = int(fy.group(1) or fy.group(2)) - 1
        if first <= y <= last:
            return date(y, 7, 1), date(y, 1, 1), date(y + 1, 1, 31), "fiscal-year", congress
    return date(last, 1, 1), date(first, 1, 1), date(last, 12, 31), "congress", congress


def load_agora(path: Path | None = None) -> Corpus:
    """147 U.S. AI laws from ETO's AGORA; the text is the official name plus the long summary.

    AGORA has no date column: each law is dated by :func:`agora_date` and its precision reported.
    """
    path = path or policy_dir() / "us-agora-congress" / "ai_laws_enacted_by_congress.csv"
    docs: list[Document] = []
    dropped: Counter[str] = Counter()
    with _require(path).open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            name, link = row.get("Official name", ""), row.get("Link to document", "")
            try:
                point, low, high, precision, congress = agora_date(name, link)
            except InputError:
                dropped["link names no Congress"] += 1
                continue
            text = (
                ". ".join(
                    x.strip().rstrip(".") for x in (name, row.get("Long summary", "")) if x and x.strip()
                )
                + "."
            )
            docs.append(
                Document(
                    doc_id=f"agora-{row.get('AGORA ID', '')}",
                    corpus="agora",
                    country="US",
                    language="en",
                    title=row.get("Casual name") or name,
                    text=text,
                    date=point,
                    date_low=low,
                    date_high=high,
                    date_precision=precision,
                    issuing_body="Congress",
                    url=link,
                    doc_type=f"{congress}th Congress",
                    source="ETO AGORA via georgetown-cset/Exploring-AI-legislation-in-Congress-with-AGORA @ "
                    "1c3183d4",
                )
            )
    return Corpus(
        "agora",
        docs,
        dropped,
        [
            _source(
                "ETO AGORA: AI laws enacted by Congress",
                path,
                "github.com/georgetown-cset/Exploring-AI-legislation-in-Congress-with-AGORA @ 1c3183d4 "
                "(2025-07); cite AGORA",
            )
        ],
    )


# ----------------------------------------------------------------------------- user files
class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style", "noscript"):
            self._skip += 1
        elif tag in ("p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "title"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "noscript") and self._skip:
            self._skip -= 1
        elif tag in ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "title"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page (scripts and styles removed, block elements become line breaks)."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = html.unescape("".join(parser.parts))
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()


TEXT_SUFFIXES = (".txt", ".text", ".md", ".html", ".htm", ".xhtml")
# suffixes that name a document file; a PDF is recognised only to say "extract its text first"
DOCUMENT_SUFFIXES = (*TEXT_SUFFIXES, ".pdf")


def read_text_file(path: Path) -> str:
    """Text of a plain-text / PDF-extracted text / HTML file, decoded by the one rule of
    :mod:`valuechain.textio` (BOM, UTF-8, then Windows-1252 or GB18030); one-sentence errors for bad files."""
    if not path.exists():
        raise InputError(f"The file {path} does not exist.")
    if path.is_dir():
        raise InputError(f"{path} is a directory, not a file.")
    raw = path.read_bytes()
    if raw.startswith(b"%PDF"):
        raise InputError(
            f"The file {path} is a PDF; extract its text first (e.g. `pdftotext {path.name}`) and pass the "
            ".txt file."
        )
    text = decode_bytes(raw, where=f"The file {path}")
    if path.suffix.lower() in (".html", ".htm", ".xhtml") or text.lstrip()[:15].lower().startswith(
        ("<!doctype html", "<html")
    ):
        text = html_to_text(text)
    if not text.strip():
        raise InputError(f"The file {path} contains no text.")
    return text


_FILENAME_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)")
_FILENAME_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def parse_date(text: str, what: str = "date", day_only: bool = False) -> tuple[date, date, date, str]:
    """(point, low, high, precision) from YYYY-MM-DD, YYYY-MM or YYYY (only YYYY-MM-DD when ``day_only``);
    an InputError naming ``what`` otherwise. The one date parser of ``valuechain.policy``."""
    value = (text or "").strip() if isinstance(text, str) else ""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            d = date.fromisoformat(value)
            return d, d, d, "day"
        if day_only:
            raise ValueError(value)
        if re.fullmatch(r"\d{4}-\d{2}", value):
            y, m = map(int, value.split("-"))
            first = date(y, m, 1)
            last = date(y + (m == 12), m % 12 + 1, 1).toordinal() - 1
            return first, first, date.fromordinal(last), "month"
        if re.fullmatch(r"\d{4}", value):
            y = int(value)
            return date(y, 7, 1), date(y, 1, 1), date(y, 12, 31), "year"
    except ValueError:
        pass
    expected = "YYYY-MM-DD" if day_only else "YYYY-MM-DD, YYYY-MM or YYYY"
    raise InputError(f"The {what} {text!r} does not parse; use {expected}.")


def _date_from_filename(name: str) -> tuple[date, date, date, str] | None:
    m = _FILENAME_DATE.search(name)
    if m:
        try:
            d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            return d, d, d, "day"
        except ValueError:
            return None
    m = _FILENAME_YEAR.search(name)
    if m:
        return parse_date(m.group(1))
    return None


def load_user_documents(
    paths: Sequence[Path],
    country: str | None = None,
    date_text: str | None = None,
    issuing_body: str | None = None,
) -> Corpus:
    """The user's own text / PDF-extracted text / HTML files.

    A folder may hold ``metadata.csv`` with columns ``file, date, country`` (optional ``issuing_body``,
    ``title``, ``url``); otherwise the date comes from ``date_text`` or from the file name
    (``2023-10-17_rule.txt``, ``20231017.html``, ``report-2024.txt``) and the country from ``country``.
    Any file whose date or country is unknown, or that is empty / binary, is an error naming the file.
    """
    files: list[Path] = []
    metadata: dict[str, dict[str, str]] = {}
    for p in paths:
        p = Path(p)
        if p.is_dir():
            meta = p / "metadata.csv"
            if meta.exists():
                with meta.open(encoding="utf-8-sig", newline="") as fh:
                    for row in csv.DictReader(fh):
                        if row.get("file"):
                            metadata[str((p / row["file"]).resolve())] = row
            found = sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in TEXT_SUFFIXES)
            if not found:
                raise InputError(f"The folder {p} holds no .txt, .md or .html files.")
            files.extend(found)
        else:
            files.append(p)
    if not files:
        raise InputError("No input files were given.")
    docs: list[Document] = []
    from valuechain.policy.classify import detect_language

    for f in files:
        row = metadata.get(str(f.resolve()), {})
        text = read_text_file(f)
        when = row.get("date") or date_text
        if when:
            point, low, high, precision = parse_date(when, f"date of {f.name}")
        else:
            parsed = _date_from_filename(f.name)
            if parsed is None:
                raise InputError(
                    f"The date of {f.name} is unknown; put it in the file name (YYYY-MM-DD), pass --date, or "
                    "list it in metadata.csv."
                )
            point, low, high, precision = parsed
        where = (row.get("country") or country or "").strip().upper()
        if not where:
            raise InputError(
                f"The country of {f.name} is unknown; pass --country (e.g. CN or US) or list it in "
                "metadata.csv."
            )
        if not re.fullmatch(r"[A-Z]{2}", where):
            raise InputError(f"The country {where!r} of {f.name} is not a two-letter code such as CN or US.")
        docs.append(
            Document(
                doc_id=f"user-{f.stem}",
                corpus="user",
                country=where,
                language=detect_language(text),
                title=row.get("title") or f.stem,
                text=text,
                date=point,
                date_low=low,
                date_high=high,
                date_precision=precision,
                issuing_body=row.get("issuing_body") or issuing_body or "unknown",
                url=row.get("url", ""),
                source=str(f),
            )
        )
    from valuechain.output import source

    return Corpus(
        "user", docs, Counter(), [source("user-supplied documents", ", ".join(str(p) for p in paths))]
    )


def load_corpus(name: str, *, country: str | None = None, date_text: str | None = None) -> Corpus:
    """A corpus by name (``cn-policy``, ``gwr``, ``cpc``, ``agora``) or a folder / file of the user's."""
    loaders = {"cn-policy": load_cn_policy, "gwr": load_gwr, "cpc": load_cpc, "agora": load_agora}
    if name in loaders:
        return loaders[name]()
    path = Path(name)
    if path.exists():
        return load_user_documents([path], country=country, date_text=date_text)
    raise InputError(
        f"The corpus {name!r} is neither one of {', '.join(CORPORA)} nor an existing folder or file."
    )


def iter_texts(corpora: Iterable[Corpus]) -> Iterable[Document]:
    for corpus in corpora:
        yield from corpus.documents
