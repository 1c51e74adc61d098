"""Diffusion analyses: monthly series by origin, China/U.S. shares, totals, filters, the figure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from valuechain.ecosystem import diffusion as diff
from valuechain.ecosystem.lineage import analyse_lineage
from valuechain.ecosystem.pipeline import origin_totals
from valuechain.errors import InputError
from valuechain.reference.events import CONFOUNDERS, SHOCKS
from valuechain.store import Store

R1_INFO = "ecosystem/hf-deepseek-r1-tree/model-info-2025-04-10.csv"


@pytest.fixture(scope="module")
def r1(shared_data):
    from valuechain.ecosystem.hf_import import import_file

    store = Store(":memory:")
    import_file(store, shared_data / R1_INFO)
    data = diff.load_from_store(store)
    yield data
    store.close()


def pandas_monthly(frame: pd.DataFrame) -> pd.DataFrame:
    month = frame["created_at"].dt.to_period("M").dt.to_timestamp()
    out = (
        frame.assign(month=month)
        .groupby(["month", "origin_group", "relation"])
        .agg(derivatives=("model", "nunique"), downloads=("downloads", "sum"), likes=("likes", "sum"))
    )
    return out.reset_index().sort_values(["month", "origin_group", "relation"]).reset_index(drop=True)


def test_r1_derivatives_are_counted_once_and_all_chinese_or_mixed(r1):
    frame = r1.derivatives
    assert frame["model"].is_unique and len(frame) == 224
    assert set(frame["origin_group"]) <= {"CN", "mixed"}
    monthly = diff.monthly_series(frame)
    assert monthly["derivatives"].sum() == len(frame)
    expected = pandas_monthly(frame)
    pd.testing.assert_frame_equal(monthly[expected.columns], expected, check_dtype=False)


def test_r1_filters_match_pandas(r1):
    frame = r1.derivatives
    since, until = diff.parse_date("2025-02-01", "--since"), diff.parse_date("2025-03-15", "--until")
    got = diff.monthly_series(frame, since=since, until=until, pipeline_tag="text-generation")
    mask = (
        (frame["created_at"] >= "2025-02-01")
        & (frame["created_at"] < "2025-03-16")
        & (frame["pipeline_tag"] == "text-generation")
    )
    assert got["derivatives"].sum() == int(mask.sum()) > 0


def test_synthetic_frame_aggregates_like_pandas(make_derivatives):
    frame = make_derivatives(5000)
    got = diff.monthly_series(frame)
    expected = pandas_monthly(frame)
    pd.testing.assert_frame_equal(got[expected.columns], expected, check_dtype=False)
    totals = origin_totals(frame, relation="merge")
    merge = frame[frame["relation"] == "merge"]
    assert (
        dict(zip(totals["origin"], totals["downloads"], strict=True))
        == merge.groupby("origin")["downloads"].sum().to_dict()
    )


def test_shares_divide_by_all_new_derivatives(make_derivatives):
    frame = make_derivatives(3000)
    share = diff.cn_us_share(diff.monthly_series(frame))
    months = frame["created_at"].dt.to_period("M").dt.to_timestamp()
    per_month = frame.groupby(months)
    cn = per_month["origin"].apply(lambda s: s.isin(["CN", "HK"]).sum())
    total = per_month.size()
    merged = share.set_index("month")
    assert np.allclose(merged.loc[cn.index, "share_cn"], cn / total)
    assert ((merged["share_cn"] + merged["share_us"]) <= 1 + 1e-12).all()


def test_a_merge_of_chinese_and_us_bases_is_mixed_and_counted_once():
    edges = pd.DataFrame(
        {
            "parent": ["Qwen/Qwen2.5-7B", "meta-llama/Llama-3.1-8B", "Qwen/Qwen2.5-7B", "a/merge"],
            "child": ["a/merge", "a/merge", "b/tune", "c/tune-of-merge"],
            "relation": ["merge", "merge", "finetune", "finetune"],
        }
    )
    lineage = analyse_lineage(edges)
    models = pd.DataFrame(
        {
            "id": ["a/merge", "b/tune", "c/tune-of-merge"],
            "created_at": ["2025-01-05", "2025-01-06", "2025-02-01"],
            "pipeline_tag": "text-generation",
            "downloads": [10, 20, 30],
            "likes": [1, 2, 3],
        }
    )
    frame = diff.derivatives_frame(models, lineage)
    labels = dict(zip(frame["model"], frame["origin"], strict=True))
    assert labels == {"a/merge": "mixed", "b/tune": "CN", "c/tune-of-merge": "mixed"}
    assert frame.set_index("model").loc["a/merge", "countries"] == ("CN", "US")
    wide = diff.by_origin_wide(diff.monthly_series(frame))
    assert wide[list(diff.GROUPS)].to_numpy().sum() == 3
    families = lineage.families.set_index("root")
    assert families.loc["Qwen/Qwen2.5-7B", "derivatives"] == 3  # merge + tune + tune-of-merge
    assert families.loc["meta-llama/Llama-3.1-8B", "derivatives"] == 2


def test_figure_is_written_atomically_in_the_suffix_format_and_names_its_population(tmp_path, r1):
    monthly = diff.monthly_series(r1.derivatives)
    path = diff.plot_diffusion(monthly, tmp_path / "fig" / "r1.png", title="DeepSeek-R1")
    assert path.read_bytes()[:4] == b"\x89PNG"
    assert [p.name for p in (tmp_path / "fig").iterdir()] == ["r1.png"]
    svg = diff.plot_diffusion(monthly, tmp_path / "fig" / "r1.svg", population="the R1 tree of 2025-04-10")
    text = svg.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    # title: how many derivatives, which months, what population; every shock in range labelled
    for words in (
        "224 derivatives",
        "2024-11 to 2025-04",
        "the R1 tree of 2025-04-10",
        "Framework for AI Diffusion (2025-01-13)",
        "DeepSeek-R1 (2025-01-20)",
        "U.S. policy shock",
    ):
        assert words in text, words


def test_date_and_relation_parsing():
    assert diff.parse_date("2024-04", "--since").isoformat() == "2024-04-01"
    assert diff.parse_date("2024-02", "--until", end_of_month=True).isoformat() == "2024-02-29"
    assert diff.parse_date("2024-02-10", "--until", end_of_month=True).isoformat() == "2024-02-10"
    assert diff.check_relation("Merged") == "merge"
    for bad in ("2024-02-30", "April 2024", "2024/04/01"):
        with pytest.raises(InputError):
            diff.parse_date(bad, "--since")
    with pytest.raises(InputError):
        diff.check_relation("distilled")


def test_shock_dates_are_the_specs():
    dates = list(SHOCKS)
    assert dates == ["2022-08-09", "2022-10-07", "2023-10-17", "2024-04-04", "2024-12-02", "2025-01-13"]
    assert list(CONFOUNDERS) == ["2022-11-30", "2023-02-24", "2023-07-18", "2025-01-20"]


def test_empty_store_is_one_sentence():
    store = Store(":memory:")
    with pytest.raises(InputError, match="no Hugging Face tables"):
        diff.load_from_store(store)


def test_a_newer_snapshot_without_dates_keeps_the_creation_dates_and_says_where_each_row_comes_from(
    shared_data, r1
):
    """The 2025-04-16 model-card dump has no created_at: the derivatives keep their creation date from
    the 2025-04-10 records, and each row names the record its metadata and its date come from."""
    from valuechain.ecosystem.hf_import import import_file

    info = shared_data / R1_INFO
    cards = shared_data / "ecosystem/hf-deepseek-r1-tree/model-cards-2025-04-16.csv"
    with Store(":memory:") as store:
        import_file(store, info)
        import_file(store, cards)
        both = diff.load_from_store(store)
    frame = both.derivatives.set_index("model")
    assert set(r1.derivatives["model"]) <= set(frame.index)
    old = r1.derivatives.set_index("model")["created_at"]
    assert (frame.loc[old.index, "created_at"] == old).all()
    in_cards = frame["source"] == str(cards.resolve())
    assert in_cards.sum() > 200 and (frame.loc[in_cards, "created_at_source"] == str(info.resolve())).all()
    assert (frame.loc[in_cards, "fetched_at"] == pd.Timestamp("2025-04-16")).all()
    # models only in the card dump have no date anywhere: counted as undated, never guessed
    assert both.undated > 0 and len(frame) + both.undated + both.not_in_store == int(
        ((~both.lineage.models["is_root"]) & (both.lineage.models["n_roots"] > 0)).sum()
    )


def test_a_store_of_undated_records_says_so(shared_data):
    from valuechain.ecosystem.hf_import import import_file

    with Store(":memory:") as store:
        import_file(store, shared_data / "ecosystem/hf-deepseek-r1-tree/model-cards-2025-04-16.csv")
        with pytest.raises(InputError, match="298 derivative.*no record gives any of them a creation date"):
            diff.load_from_store(store)
