"""Usage analyses: CSET sample numbers and the store tables' rules on frames in the connectors' schema."""

from __future__ import annotations

import pandas as pd
import pytest

from valuechain.errors import InputError
from valuechain.science.cset import load_cset, us_company_author
from valuechain.science.families import load_families
from valuechain.science.matcher import load_matcher
from valuechain.science.usage import (
    compare_tables,
    coverage_by_family,
    cset_usage,
    patent_tables,
    store_paper_tables,
)


def test_cset_sample_counts_by_hand() -> None:
    papers = load_cset()
    qwen = [p for p in papers if p.family == "qwen"]
    assert len(qwen) == 17
    # Qwen-1.5 row 2 (QServe): MIT, Nvidia (United States), UMass: a U.S. company author for sure.
    qserve = next(p for p in qwen if p.title.startswith("QServe"))
    assert us_company_author(qserve) == (True, True)
    result = cset_usage(origin="CN")
    assert result.summary()["chinese_origin_papers"] == 17
    lower, upper = result.summary()["chinese_origin_with_us_company_author"]
    assert 1 <= lower <= upper <= 17
    sheets = result.tables["sheets"].set_index("sheet")
    assert sheets.loc["Qwen Pubs", "papers"] == 11 and sheets.loc["Qwen-1.5 Pubs", "papers"] == 6


def test_cset_mention_versus_use_is_a_share() -> None:
    headline = cset_usage().summary()
    assert headline["open_model_weights_necessary"] == headline["open_model_papers"] == 258
    share = headline["mention_is_annotated_use"]
    assert 0 < share["annotated_use"] < share["mentions"]


def test_cset_shares_are_group_papers_over_sheet_papers() -> None:
    table = cset_usage(by="country").tidy()
    row = table[(table["sheet"] == "Qwen Pubs") & (table["group"] == "China")].iloc[0]
    assert row["family_papers"] == 11 and row["share"] == pytest.approx(row["papers"] / 11)


def _works() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("W1", "qwen", True, "Fine-tuning Qwen2-7B for law", None, 2024),
            ("W2", "qwen", True, "Qwen", "We use Qwen1.5 as a baseline.", 2024),
            ("W3", "llama", True, "Llama wool quality", "Llamas in the Andes grow fleece.", 2023),
            ("W4", "llama", True, "LoRA on Llama-2", None, 2023),
            ("W5", "qwen", False, "A paper", None, 2024),
            ("W1", "llama", True, "Fine-tuning Qwen2-7B for law", None, 2024),
        ],
        columns=["work_id", "family", "text_verifiable", "title", "abstract", "publication_year"],
    )


def _authorships() -> pd.DataFrame:
    rows = [
        ("W1", "qwen", "US", "company"),
        ("W1", "qwen", "CN", "education"),
        ("W2", "qwen", "CN", "company"),
        ("W3", "llama", "PE", "education"),
        ("W4", "llama", "US", "company"),
        ("W5", "qwen", "US", "company"),
        ("W1", "llama", "US", "company"),
    ]
    return pd.DataFrame(rows, columns=["work_id", "family", "country_code", "institution_type"])


def test_store_tables_count_only_verified_works_and_keep_the_rest_apart() -> None:
    result = store_paper_tables(_works(), _authorships(), load_families(), load_matcher())
    status = result.summary()["status"]
    # W3 is the animal, W1-as-llama names no Llama: not confirmed; W5 came from full text only.
    assert status == {"verified": 3, "not_confirmed": 2, "unverifiable": 1}
    table = result.tidy().set_index(["family", "year", "group"])
    assert table.loc[("qwen", 2024, "US"), "papers"] == 1
    assert table.loc[("qwen", 2024, "CN"), "papers"] == 2
    assert table.loc[("qwen", 2024, "CN"), "share"] == 1.0
    assert ("llama", 2023, "PE") not in table.index
    share = result.tables["us_company_share"].set_index("year")
    # 2024: W1 (US company author, Qwen) -> 1 of 1; 2023: W4 (Llama only) -> 0 of 1. W5 is unverifiable.
    assert share.loc[2024, "share"] == 1.0 and share.loc[2023, "share"] == 0.0


def test_patent_zero_is_measured_only_when_the_search_finished() -> None:
    coverage = pd.DataFrame(
        [
            ("qwen", "granted", ["title", "abstract", "claims"], "2023-01-01", "2025-12-31", "v1", 0, True),
            ("llama", "granted", ["title", "abstract", "claims"], "2023-01-01", "2025-12-31", "v1", 2, True),
            ("gemma", "granted", ["title"], "2023-01-01", "2025-12-31", "v1", 0, False),
        ],
        columns=[
            "family",
            "kind",
            "fields_searched",
            "date_from",
            "date_to",
            "api_version",
            "total_hits",
            "done",
        ],
    )
    patents = pd.DataFrame(
        [
            ("P1", "granted", "llama", "System using LLaMA 2", None),
            ("P2", "granted", "llama", "Widget", None),
        ],
        columns=["document_id", "kind", "family", "title", "abstract"],
    )
    assignees = pd.DataFrame(
        [("P1", "granted", "llama", "US"), ("P2", "granted", "llama", "KR")],
        columns=["document_id", "kind", "family", "country"],
    )
    result = patent_tables(patents, assignees, coverage, load_matcher())
    assert result.summary()["measured_zero"] == ["qwen"]
    cov = coverage_by_family(coverage).set_index("family")
    assert not cov.loc["gemma", "measured_zero"]
    works = _works()
    verified = works[
        works["work_id"].isin(["W1", "W2", "W4"]) & (works["family"] != "llama") | (works["work_id"] == "W4")
    ]
    cov = cov.reset_index().merge(
        patents.groupby("family").size().rename("documents").reset_index(), how="left"
    )
    table = compare_tables(verified, _authorships(), cov, load_families()).tidy().set_index("family")
    assert table.loc["qwen", "patent_search"] == "measured zero" and table.loc["qwen", "us_patents"] == 0
    assert table.loc["qwen", "papers"] == 2 and table.loc["qwen", "papers_us_company"] == 1
    assert pd.isna(table.loc["qwen", "papers_per_patent"])
    assert table.loc["llama", "papers_per_patent"] == 0.5
    assert table.loc["gemma", "patent_search"] == "unfinished"


def test_unknown_origin_is_a_user_error() -> None:
    with pytest.raises(InputError, match="ZZ"):
        cset_usage(origin="ZZ")


def test_cset_us_company_share_per_year_counts_each_paper_once() -> None:
    share = cset_usage().tables["us_company_share"].set_index("year")
    assert (
        share.loc[2024, "using_chinese_origin_lower"] == 2
        and share.loc[2024, "using_chinese_origin_upper"] == 3
    )
    assert (share["us_company_papers_lower"] <= share["us_company_papers_upper"]).all()
    assert (share["using_chinese_origin_lower"] <= share["us_company_papers_lower"]).all()
    assert share.loc[share.index < 2024, "using_chinese_origin_upper"].sum() == 0
