"""Who uses which model family: CSET's hand-checked sample now, the store's OpenAlex/PatentsView tables
after a sync.

Counting rules (the same for both sources where they apply):

- A paper counts for a group (an author-institution country or type) when at least one of its authors'
  institutions is in the group, so a paper with U.S. and Chinese authors counts for both; shares are
  papers in the group / papers of the family (they need not add to 1).
- China = CN, HK and MO (``valuechain.reference.origin.CHINA``); a family's origin is its organisation's
  country in ``valuechain.reference.origin``.
- CSET lists organisations, countries and types separately and not aligned, so "a U.S. company author"
  is a bound there (:func:`valuechain.science.cset.us_company_author`); OpenAlex's authorships are
  aligned (country and type of the same institution), so it is exact in the store.
- Store papers count only when our matcher confirms the family in the title or abstract
  (``verified``); works found by OpenAlex's full-text search alone are ``unverifiable`` by our context
  rules and are reported beside, never added; texts where the matcher does not confirm the family are
  ``not_confirmed`` (false friends such as llama the animal).
- Patents: a family's count carries its search coverage; a family searched to the end with no hit is a
  measured zero, a family never searched has no row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from valuechain.errors import InputError
from valuechain.output import source
from valuechain.reference.origin import CHINA
from valuechain.science.cset import CSET_SOURCE, US, CsetPaper, cset_dir, load_cset, us_company_author
from valuechain.science.families import Family, load_families
from valuechain.science.matcher import Matcher, load_matcher

CHINA_NAMES = frozenset({"China", "Hong Kong", "Macao", "Macau"})
BY_CHOICES = ("country", "type")
PLOT_SUFFIXES = (".png", ".svg", ".pdf")


@dataclass
class UsageResult:
    """A usage analysis: ``table`` is tidy (one row per family/sheet × group [× year]); ``tables`` hold
    the named side tables; ``.summary()`` the headline numbers; ``.plot(path)`` a figure."""

    kind: str
    by: str
    table: pd.DataFrame
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    headline: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)

    def tidy(self) -> pd.DataFrame:
        return self.table.copy()

    def summary(self) -> dict[str, Any]:
        return dict(self.headline)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "by": self.by,
            "summary": self.summary(),
            "rows": _records(self.table),
            "tables": {name: _records(frame) for name, frame in self.tables.items()},
            "notes": self.notes,
        }

    def plot(self, path: str | Path) -> Path:
        """Write a bar chart of the main table (papers per family/sheet and group) to ``path``."""
        from valuechain.science.plots import plot_usage

        return plot_usage(self, Path(path))


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = frame.astype(object).where(frame.notna(), None)
    return [{str(k): v for k, v in row.items()} for row in out.to_dict(orient="records")]


def check_plot_path(path: str | Path | None) -> Path | None:
    """Check a ``--plot`` destination before any work: known suffix, existing directory."""
    if path is None:
        return None
    target = Path(path)
    if target.suffix.lower() not in PLOT_SUFFIXES:
        raise InputError(f"The plot file {target} must end in {', '.join(PLOT_SUFFIXES)}.")
    if target.is_dir():
        raise InputError(f"The plot file {target} is a directory.")
    if not target.parent.exists():
        raise InputError(f"The directory of the plot file {target} does not exist.")
    return target


def check_by(by: str) -> str:
    if by not in BY_CHOICES:
        raise InputError(f"--by must be one of {', '.join(BY_CHOICES)}, not {by!r}.")
    return by


def check_origin(origin: str | None, families: dict[str, Family]) -> str | None:
    """An ISO alpha-2 origin code present among the families (``CN`` includes HK and MO)."""
    if origin is None:
        return None
    code = origin.strip().upper()
    known = {f.origin_country for f in families.values()}
    if code not in known:
        raise InputError(
            f"No model family has origin {origin!r}; origins in the dictionary: {', '.join(sorted(known))}."
        )
    return code


def _origin_matches(country: str, origin: str | None) -> bool:
    if origin is None:
        return True
    if origin in CHINA:
        return country in CHINA
    return country == origin


# -- CSET -------------------------------------------------------------------------------------------


def cset_paper_frame(papers: Iterable[CsetPaper], families: dict[str, Family]) -> pd.DataFrame:
    """One row per (sheet, paper) with the derived author flags."""
    rows = []
    for p in papers:
        lower, upper = us_company_author(p)
        rows.append(
            {
                "sheet": p.sheet,
                "workbook": p.workbook,
                "paper_id": p.paper_id,
                "family": p.family,
                "version": p.version,
                "origin_country": families[p.family].origin_country if p.family in families else "unknown",
                "year": p.year,
                "countries": list(p.countries),
                "organisation_types": list(p.organisation_types),
                "us_author": US in p.countries,
                "china_author": bool(CHINA_NAMES & set(p.countries)),
                "company_author": "Company" in p.organisation_types,
                "us_company_author_lower": lower,
                "us_company_author_upper": upper,
                "uses_weights": p.uses_weights,
                "weights_necessary": p.weights_necessary,
                "use_categories": list(p.use_categories),
            }
        )
    return pd.DataFrame(rows)


def _group_counts(frame: pd.DataFrame, column: str, keys: list[str]) -> pd.DataFrame:
    exploded = frame[[*keys, "paper_id", column]].explode(column).dropna(subset=[column])
    counts = exploded.drop_duplicates([*keys, "paper_id", column]).groupby([*keys, column]).size()
    totals = frame.groupby(keys).size()
    out = counts.rename("papers").reset_index().rename(columns={column: "group"})
    out["family_papers"] = out.set_index(keys).index.map(totals).to_numpy()
    out["share"] = out["papers"] / out["family_papers"]
    return out.sort_values([*keys, "papers"], ascending=[True] * len(keys) + [False]).reset_index(drop=True)


def cset_usage(
    by: str = "country",
    origin: str | None = None,
    directory: Path | None = None,
    extra: str | Path | None = None,
) -> UsageResult:
    """Usage of each CSET sheet's model by author country or organisation type, with the use categories,
    the U.S.-company-author bounds, and how often a mention is a use."""
    check_by(by)
    families = load_families(extra)
    origin_code = check_origin(origin, families)
    papers = load_cset(directory)
    frame = cset_paper_frame(papers, families)
    frame = frame[frame["origin_country"].map(lambda c: _origin_matches(c, origin_code))]
    keys = ["sheet", "family", "version", "origin_country"]
    column = "countries" if by == "country" else "organisation_types"
    table = _group_counts(frame.fillna({"version": ""}), column, keys)

    sheets = (
        frame.groupby(["sheet", "workbook", "family", "origin_country"], sort=False)
        .agg(
            papers=("paper_id", "size"),
            first_year=("year", "min"),
            last_year=("year", "max"),
            us_author=("us_author", "sum"),
            china_author=("china_author", "sum"),
            us_company_author_lower=("us_company_author_lower", "sum"),
            us_company_author_upper=("us_company_author_upper", "sum"),
            weights_necessary=("uses_weights", "sum"),
        )
        .reset_index()
    )
    categories = (
        frame[["sheet", "paper_id", "use_categories"]]
        .explode("use_categories")
        .dropna()
        .groupby(["sheet", "use_categories"])
        .size()
        .rename("papers")
        .reset_index()
        .rename(columns={"use_categories": "use_category"})
        .sort_values(["sheet", "papers"], ascending=[True, False])
    )
    by_year = (
        frame.groupby(["sheet", "year"])
        .agg(
            papers=("paper_id", "size"),
            us_company_author_lower=("us_company_author_lower", "sum"),
            us_company_author_upper=("us_company_author_upper", "sum"),
        )
        .reset_index()
    )
    us_company_share = cset_us_company_share(frame)
    mention_use = mention_versus_use(papers, load_matcher(extra))
    chinese = frame[frame["origin_country"].isin(CHINA)]
    open_rows = frame[frame["workbook"] == "open"]
    headline = {
        "papers": int(len(frame)),
        "sheets": int(frame["sheet"].nunique()),
        "open_model_papers": int(len(open_rows)),
        "open_model_weights_necessary": int(open_rows["uses_weights"].sum()),
        "chinese_origin_papers": int(len(chinese)),
        "chinese_origin_share_of_open_papers": (len(chinese) / len(open_rows)) if len(open_rows) else None,
        "chinese_origin_with_us_author": int(chinese["us_author"].sum()),
        "chinese_origin_with_us_company_author": [
            int(chinese["us_company_author_lower"].sum()),
            int(chinese["us_company_author_upper"].sum()),
        ],
        "chinese_origin_with_china_author": int(chinese["china_author"].sum()),
        "mention_is_annotated_use": mention_use["headline"],
    }
    notes = [
        "CSET's sample: papers selected per model version by CSET's regular expressions and read by people; "
        "it is not a census, so counts compare the sheets' samples, not the field.",
        "U.S. company author is given as [lower, upper]: CSET's organisation, country and type lists are not "
        "aligned (see valuechain.science.cset.us_company_author).",
        "Every open-model row in CSET's workbook is a use that needed the weights (CSET kept only uses); "
        "'mention vs use' is therefore measured across sheets (mention_versus_use).",
    ]
    return UsageResult(
        kind="cset",
        by=by,
        table=table,
        tables={
            "sheets": sheets,
            "use_categories": categories,
            "by_year": by_year,
            "us_company_share": us_company_share,
            "mention_versus_use": mention_use["table"],
        },
        headline=headline,
        notes=notes,
        sources=[source(CSET_SOURCE, str(directory or cset_dir()))],
    )


def cset_us_company_share(frame: pd.DataFrame) -> pd.DataFrame:
    """Per year: open-model papers with a U.S. company author ([lower, upper] bound sets, see
    :func:`valuechain.science.cset.us_company_author`) and how many of them use a Chinese-origin family.
    A paper in several sheets counts once; it uses a Chinese-origin family if any of its sheets is one."""
    open_rows = frame[frame["workbook"] == "open"].dropna(subset=["year"])
    per_paper = (
        open_rows.assign(chinese=open_rows["origin_country"].isin(CHINA))
        .groupby(["paper_id", "year"])
        .agg(
            chinese=("chinese", "any"),
            lower=("us_company_author_lower", "any"),
            upper=("us_company_author_upper", "any"),
        )
        .reset_index()
    )
    rows = []
    for year, group in per_paper.groupby("year"):
        lower, upper = group[group["lower"]], group[group["upper"]]
        rows.append(
            {
                "year": int(year),
                "us_company_papers_lower": int(len(lower)),
                "using_chinese_origin_lower": int(lower["chinese"].sum()),
                "us_company_papers_upper": int(len(upper)),
                "using_chinese_origin_upper": int(upper["chinese"].sum()),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "year",
            "us_company_papers_lower",
            "using_chinese_origin_lower",
            "us_company_papers_upper",
            "using_chinese_origin_upper",
        ],
    )


def mention_versus_use(papers: list[CsetPaper], matcher: Matcher) -> dict[str, Any]:
    """How often a family mention in a CSET title/abstract is a use CSET annotated.

    CSET labels use only within its sheets. Across sheets: a paper P of sheet S that the matcher finds
    mentioning another family F that has its own sheet is an annotated use of F when P also appears in
    F's sheet. ``annotated use / mentions`` is a LOWER bound on "a mention is a use" (CSET's sheets are
    samples, so a use outside them is not seen). Within the sheets every open-model row is a use with
    weights necessary, by CSET's selection.
    """
    sheet_family: dict[str, str] = {p.sheet: p.family for p in papers}
    family_sheets: dict[str, set[str]] = {}
    for sheet, family in sheet_family.items():
        family_sheets.setdefault(family, set()).add(sheet)
    ids_in_family: dict[str, set[str]] = {}
    for p in papers:
        ids_in_family.setdefault(p.family, set()).add(p.paper_id)
    rows: dict[str, dict[str, int]] = {}
    for p in papers:
        for family in matcher.families_in(p.text) - {p.family}:
            if family not in family_sheets:
                continue
            row = rows.setdefault(family, {"mentions": 0, "annotated_use": 0})
            row["mentions"] += 1
            row["annotated_use"] += p.paper_id in ids_in_family[family]
    table = pd.DataFrame(
        [
            {"family": f, **c, "share_annotated_use": c["annotated_use"] / c["mentions"]}
            for f, c in sorted(rows.items())
        ]
    )
    mentions = sum(c["mentions"] for c in rows.values())
    used = sum(c["annotated_use"] for c in rows.values())
    return {
        "table": table,
        "headline": {
            "mentions": mentions,
            "annotated_use": used,
            "share": used / mentions if mentions else None,
        },
    }


# -- store (OpenAlex / PatentsView, filled by `valuechain science sync` / `valuechain patents sync`) ------


def _readers(kind: str) -> Any:
    """The connector module holding the store readers (``valuechain.sources.openalex``/``patentsview``)."""
    from importlib import import_module

    try:
        return import_module(f"valuechain.sources.{kind}")
    except ImportError as exc:  # the connectors land separately
        raise InputError(
            f"This valuechain has no {kind} connector yet, so the store cannot hold its tables."
        ) from exc


def verify_works(works: pd.DataFrame, matcher: Matcher) -> pd.DataFrame:
    """Add ``status``: ``verified`` (the matcher confirms the family in title/abstract), ``not_confirmed``,
    or ``unverifiable`` (found by OpenAlex's full-text search only)."""
    out = works.copy()
    statuses = []
    for row in out.itertuples(index=False):
        verifiable = bool(getattr(row, "text_verifiable", True))
        if not verifiable:
            statuses.append("unverifiable")
            continue
        text = f"{getattr(row, 'title', '') or ''}\n{getattr(row, 'abstract', '') or ''}"
        statuses.append("verified" if row.family in matcher.families_in(text) else "not_confirmed")
    out["status"] = statuses
    return out


def store_paper_tables(
    works: pd.DataFrame,
    authorships: pd.DataFrame,
    families: dict[str, Family],
    matcher: Matcher,
    by: str = "country",
    origin: str | None = None,
) -> UsageResult:
    """Papers per family per year by author-institution country or type, and the share of papers with a
    U.S. company author that use Chinese-origin families, per year (pure: frames in, result out)."""
    check_by(by)
    checked = verify_works(works, matcher) if len(works) else works.assign(status=pd.Series(dtype=str))
    status_counts = (
        checked.groupby(["family", "status"]).size().unstack(fill_value=0).reset_index()
        if len(checked)
        else pd.DataFrame(columns=["family"])
    )
    verified = checked[checked["status"] == "verified"] if len(checked) else checked
    verified = verified.assign(
        origin_country=verified["family"].map(
            lambda f: families[f].origin_country if f in families else "unknown"
        )
    )
    if origin is not None:
        verified = verified[verified["origin_country"].map(lambda c: _origin_matches(c, origin))]
    column = "country_code" if by == "country" else "institution_type"
    auth = authorships.merge(verified[["work_id", "family"]], on=["work_id", "family"], how="inner")
    auth = auth.dropna(subset=[column])
    groups = (
        auth.drop_duplicates(["family", "work_id", column])
        .merge(verified[["work_id", "family", "publication_year"]], on=["work_id", "family"])
        .groupby(["family", "publication_year", column])
        .size()
        .rename("papers")
        .reset_index()
        .rename(columns={column: "group", "publication_year": "year"})
    )
    totals = verified.groupby(["family", "publication_year"]).size()
    if len(groups):
        groups["family_papers"] = [
            totals.get((f, y), 0) for f, y in zip(groups["family"], groups["year"], strict=True)
        ]
        groups["share"] = groups["papers"] / groups["family_papers"]
    us_company = authorships[
        (authorships["country_code"] == "US") & (authorships["institution_type"] == "company")
    ]
    us_company_works = set(us_company["work_id"])
    all_verified = checked[checked["status"] == "verified"] if len(checked) else checked
    all_verified = all_verified.assign(
        chinese=all_verified["family"].map(
            lambda f: families[f].origin_country in CHINA if f in families else False
        )
    )
    per_work = all_verified.groupby(["work_id", "publication_year"])["chinese"].any().reset_index()
    per_work = per_work[per_work["work_id"].isin(us_company_works)]
    share = (
        per_work.groupby("publication_year")
        .agg(us_company_papers=("work_id", "size"), using_chinese_origin=("chinese", "sum"))
        .reset_index()
        .rename(columns={"publication_year": "year"})
    )
    if len(share):
        share["share"] = share["using_chinese_origin"] / share["us_company_papers"]
    headline = {
        "works": int(checked["work_id"].nunique()) if len(checked) else 0,
        "verified_pairs": int(len(all_verified)),
        "status": {
            k: int((checked["status"] == k).sum()) for k in ("verified", "not_confirmed", "unverifiable")
        }
        if len(checked)
        else {},
        "us_company_papers": int(share["us_company_papers"].sum()) if len(share) else 0,
        "us_company_papers_using_chinese_origin": int(share["using_chinese_origin"].sum())
        if len(share)
        else 0,
    }
    return UsageResult(
        kind="store",
        by=by,
        table=groups,
        tables={"status": status_counts, "us_company_share": share},
        headline=headline,
        notes=[
            "OpenAlex works whose title or abstract the matcher confirms; the share of papers with a U.S. "
            "company author counts works (any family) with an author at a U.S. company institution in "
            "OpenAlex.",
            "The sample is what the sync fetched (its coverage is in `valuechain science sync` output); "
            "it is not all of OpenAlex unless every family was synced to the end.",
        ],
    )


def store_usage(
    store: Any, by: str = "country", origin: str | None = None, extra: str | Path | None = None
) -> UsageResult:
    """:func:`store_paper_tables` on the store's OpenAlex tables (filled by ``valuechain science sync``)."""
    check_by(by)
    families = load_families(extra)
    origin_code = check_origin(origin, families)
    openalex = _readers("openalex")
    works = openalex.load_works(store)
    if works is None or len(works) == 0:
        raise InputError(
            "The store has no OpenAlex works yet; fill it with `valuechain science sync --family NAME`."
        )
    authorships = openalex.load_authorships(store)
    result = store_paper_tables(works, authorships, families, load_matcher(extra), by=by, origin=origin_code)
    coverage = openalex.load_openalex_coverage(store)
    result.tables["coverage"] = coverage
    result.sources = [
        source("OpenAlex works in the store (valuechain science sync)", str(getattr(store, "path", "")))
    ]
    return result


def patent_tables(
    patents: pd.DataFrame, assignees: pd.DataFrame, coverage: pd.DataFrame, matcher: Matcher
) -> UsageResult:
    """Patents per family by assignee country, with each family's search coverage (pure)."""
    checked = patents.copy()
    if len(checked):
        checked["status"] = [
            "verified"
            if row.family in matcher.families_in(f"{row.title or ''}\n{row.abstract or ''}")
            else "claims_only_or_not_confirmed"
            for row in checked.itertuples(index=False)
        ]
    else:
        checked["status"] = pd.Series(dtype=str)
    joined = assignees.merge(
        checked[["document_id", "kind", "family", "status"]], on=["document_id", "kind", "family"]
    )
    by_country = (
        joined.dropna(subset=["country"])
        .drop_duplicates(["family", "document_id", "kind", "country"])
        .groupby(["family", "country"])
        .size()
        .rename("documents")
        .reset_index()
        .sort_values(["family", "documents"], ascending=[True, False])
    )
    cov = coverage_by_family(coverage)
    docs = (
        checked.groupby("family").agg(documents=("document_id", "size")).reset_index()
        if len(checked)
        else None
    )
    if docs is not None and len(cov):
        cov = cov.merge(docs, on="family", how="left").fillna({"documents": 0})
    return UsageResult(
        kind="patents",
        by="country",
        table=by_country,
        tables={
            "coverage": cov,
            "status": checked.groupby(["family", "status"]).size().rename("documents").reset_index(),
        },
        headline={
            "documents": int(len(checked)),
            "families_searched": int(len(cov)),
            "measured_zero": sorted(cov.loc[cov["measured_zero"], "family"]) if len(cov) else [],
        },
        notes=[
            "PatentsView (USPTO) granted patents and pre-grant publications whose title, abstract or claims "
            "name the family; a family searched to the end with no hit is a measured zero for those fields "
            "and dates.",
        ],
    )


def coverage_by_family(coverage: pd.DataFrame) -> pd.DataFrame:
    """Per family: searches, whether all finished, total hits, fields and date range searched."""
    if coverage is None or len(coverage) == 0:
        return pd.DataFrame(
            columns=["family", "searches", "done", "total_hits", "fields", "date_from", "date_to"]
        )
    rows = []
    for family, group in coverage.groupby("family"):
        fields = sorted(
            {f for value in group["fields_searched"] for f in (list(value) if value is not None else [])}
        )
        done = bool(group["done"].all())
        hits = int(group["total_hits"].fillna(0).sum())
        rows.append(
            {
                "family": family,
                "searches": int(len(group)),
                "done": done,
                "total_hits": hits,
                "measured_zero": done and hits == 0,
                "fields": ", ".join(fields),
                "date_from": _date_text(group["date_from"].min()),
                "date_to": _date_text(group["date_to"].max()),
                "api_version": ", ".join(sorted({str(v) for v in group["api_version"].dropna()})),
            }
        )
    return pd.DataFrame(rows)


def _date_text(value: Any) -> str:
    """A date bound for display: the ISO date, or "open" when the search had none."""
    if value is None or pd.isna(value):
        return "open"
    return str(pd.Timestamp(value).date())


def patent_usage(store: Any, extra: str | Path | None = None) -> UsageResult:
    """:func:`patent_tables` on the store's PatentsView tables (filled by ``valuechain patents sync``)."""
    patentsview = _readers("patentsview")
    coverage = patentsview.load_patent_coverage(store)
    if coverage is None or len(coverage) == 0:
        raise InputError(
            "The store has no PatentsView searches yet; fill it with `valuechain patents sync --family NAME`."
        )
    result = patent_tables(
        patentsview.load_patents(store),
        patentsview.load_patent_assignees(store),
        coverage,
        load_matcher(extra),
    )
    result.sources = [
        source(
            "PatentsView documents in the store (valuechain patents sync)", str(getattr(store, "path", ""))
        )
    ]
    return result


def compare_tables(
    verified_works: pd.DataFrame,
    authorships: pd.DataFrame,
    patent_coverage: pd.DataFrame,
    families: dict[str, Family],
) -> UsageResult:
    """Side by side per family: papers, papers with a U.S. company author, U.S. patents, and papers per
    patent (the "undermeasurement" ratio; empty when the patent count is zero) (pure).

    ``verified_works`` has one row per (family, work) the matcher confirmed; ``patent_coverage`` is
    :func:`coverage_by_family` with a ``documents`` column.
    """
    papers = (
        verified_works.groupby("family")["work_id"].nunique() if len(verified_works) else pd.Series(dtype=int)
    )
    us_company = authorships[
        (authorships["country_code"] == "US") & (authorships["institution_type"] == "company")
    ]
    joined = (
        verified_works.merge(us_company[["work_id", "family"]].drop_duplicates(), on=["work_id", "family"])
        if len(verified_works)
        else verified_works
    )
    papers_us_company = joined.groupby("family")["work_id"].nunique() if len(joined) else pd.Series(dtype=int)
    rows = []
    for key, family in families.items():
        searched = (
            patent_coverage[patent_coverage["family"] == key] if len(patent_coverage) else patent_coverage
        )
        n_papers = int(papers.get(key, 0))
        if len(searched):
            n_patents: int | None = (
                int(searched["documents"].fillna(0).sum()) if "documents" in searched else 0
            )
            search = "measured zero" if bool(searched["measured_zero"].all()) else "searched"
            if not bool(searched["done"].all()):
                search = "unfinished"
        else:
            n_patents, search = None, "not searched"
        if n_papers == 0 and search == "not searched":
            continue
        rows.append(
            {
                "family": key,
                "origin_country": family.origin_country,
                "papers": n_papers,
                "papers_us_company": int(papers_us_company.get(key, 0)),
                "us_patents": n_patents,
                "patent_search": search,
                "papers_per_patent": (n_papers / n_patents) if n_patents else None,
            }
        )
    table = pd.DataFrame(
        rows,
        columns=[
            "family",
            "origin_country",
            "papers",
            "papers_us_company",
            "us_patents",
            "patent_search",
            "papers_per_patent",
        ],
    )
    return UsageResult(
        kind="compare",
        by="family",
        table=table,
        headline={"families": int(len(table))},
        notes=[
            "papers = OpenAlex works in the store whose title/abstract the matcher confirms; us_patents = "
            "USPTO documents (granted and pre-grant) in the store naming the family; papers_per_patent is "
            "empty when the patent count is zero (a measured zero when patent_search says so, an unknown "
            "when not searched).",
        ],
    )


def compare(store: Any, extra: str | Path | None = None) -> UsageResult:
    """The science-vs-patents table from the store (either side may be missing: it says so)."""
    families = load_families(extra)
    matcher = load_matcher(extra)
    openalex = _readers("openalex")
    patentsview = _readers("patentsview")
    works = openalex.load_works(store)
    coverage = patentsview.load_patent_coverage(store)
    if (works is None or len(works) == 0) and (coverage is None or len(coverage) == 0):
        raise InputError(
            "The store has neither OpenAlex works nor PatentsView searches; fill it with "
            "`valuechain science sync --family NAME` and `valuechain patents sync --family NAME`."
        )
    checked = (
        verify_works(works, matcher)
        if works is not None and len(works)
        else pd.DataFrame(columns=["family", "work_id", "status"])
    )
    verified = checked[checked["status"] == "verified"]
    authorships = (
        openalex.load_authorships(store)
        if len(checked)
        else pd.DataFrame(columns=["work_id", "family", "country_code", "institution_type"])
    )
    patents_cov = coverage_by_family(coverage)
    if len(patents_cov):
        patents = patentsview.load_patents(store)
        docs = patents.groupby("family").size().rename("documents").reset_index() if len(patents) else None
        patents_cov = (
            patents_cov.merge(docs, on="family", how="left")
            if docs is not None
            else patents_cov.assign(documents=0)
        )
        patents_cov["documents"] = patents_cov["documents"].fillna(0)
    result = compare_tables(verified, authorships, patents_cov, families)
    result.sources = [source("OpenAlex and PatentsView tables in the store", str(getattr(store, "path", "")))]
    return result
