"""The matcher's measured quality: CSET recall per sheet, labelled precision, independent and false-friend
sets."""

from __future__ import annotations

import pytest

from valuechain.science.validate import RECALL_TARGET, Validation, validate


@pytest.fixture(scope="module")
def result() -> Validation:
    return validate()


def test_recall_on_every_cset_sheet_meets_the_target(result: Validation) -> None:
    assert len(result.cset_recall) == 11
    for row in result.cset_recall:
        assert row["papers"] > 0
        assert row["recall"] >= RECALL_TARGET, (row["sheet"], row["missed"])
        assert row["family_recall"] >= RECALL_TARGET, row["sheet"]
    levels = {row["sheet"]: row["level"] for row in result.cset_recall}
    assert levels["Llama-2 Pubs"] == "version" and levels["Qwen-1.5 Pubs"] == "version"
    assert levels["Mistral Pubs"] == "family"


def test_every_other_family_detection_in_cset_texts_is_labelled_and_precise(result: Validation) -> None:
    precision = result.cset_precision
    assert precision["unlabelled"] == 0, precision["unlabelled_detections"][:5]
    assert precision["detections"] > 300
    assert precision["precision"] >= 0.95
    assert all(row["label"] == "false" for row in precision["false_detections"])


def test_independent_set_precision_and_recall(result: Validation) -> None:
    independent = result.independent
    assert independent["texts"] >= 150
    covered = {row["family"] for row in independent["by_family"]}
    assert {
        "deepseek",
        "yi",
        "glm",
        "internlm",
        "baichuan",
        "minimax",
        "kimi",
        "hunyuan",
        "ernie",
        "gemma",
        "olmo",
    } <= covered
    assert independent["precision"] >= 0.95
    assert independent["recall"] >= 0.95
    assert independent["version_recall"] >= 0.9


def test_false_friend_sentences(result: Validation) -> None:
    friends = result.false_friends
    assert friends["sentences"] >= 60
    assert friends["sentences_wrong"] <= 2, friends["wrong"]
    assert friends["fp"] <= 2


def test_summary_and_tidy_agree(result: Validation) -> None:
    summary = result.summary()
    assert summary["cset_sheets_at_target"] == summary["cset_sheets"] == 11
    assert {row["check"] for row in result.tidy()} == {
        "cset_recall",
        "cset_precision",
        "independent",
        "false_friends",
    }
