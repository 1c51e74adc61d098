"""Issue 13 item 9: 生态 / 生态建设 are the AI ecosystem only in a clause naming 开源 or AI; English
"ecosystem" in its natural sense (wetland, marine, forest ecosystems) is not the AI ecosystem."""

from __future__ import annotations

import re

import pytest

from valuechain.policy.classify import classify_text, clause_around


def themes(text: str) -> set[str]:
    return {name for name, theme in classify_text(text).themes.items() if theme.present}


def test_open_source_ai_ecosystem_building_is_found(run_cli):
    assert "ecosystem" in themes("国家支持开源人工智能生态建设")
    result = run_cli("policy", "classify", "国家支持开源人工智能生态建设", "--json")
    assert result.returncode == 0 and result.json()["themes"]["ecosystem"]["present"] is True


def test_every_government_work_report_sentence_with_shengtai_jianshe_is_a_false_friend():
    from valuechain.policy.corpora import load_gwr

    corpus = load_gwr(include_resolutions=False)
    sentences = [
        s.strip() for d in corpus.documents for s in re.split(r"(?<=[。！？；])", d.text) if "生态建设" in s
    ]
    assert sum(s.count("生态建设") for s in sentences) == 32  # the natural environment, every time
    wrong = [s for s in sentences if "ecosystem" in themes(s)]
    assert wrong == []


@pytest.mark.parametrize(
    "sentence",
    [
        "加强污染防治和生态建设",
        "加强生态建设和环境保护，实施重大生态修复工程",
        "推进大规模国土绿化行动，加强生态建设",
    ],
)
def test_natural_environment_sentences(sentence):
    assert "ecosystem" not in themes(sentence)


def test_the_clause_not_the_sentence_decides():
    # AI names the first clause only; the ecology of the second clause is not the AI ecosystem
    hits = classify_text("发展人工智能产业，加强生态建设").themes["ecosystem"]
    assert not hits.present
    assert clause_around("发展人工智能产业，加强生态建设", 11, 15) == "加强生态建设"


@pytest.mark.parametrize(
    "sentence,expected",
    [
        ("We will protect wetland, marine and forest ecosystems.", False),
        ("Restoring the forest ecosystem of the Amazon basin is a priority.", False),
        ("Coral reef ecosystems are threatened by warming oceans.", False),
        ("We will build a strong American AI ecosystem.", True),
        ("The open-source software ecosystem depends on volunteer developers.", True),
    ],
)
def test_english_ecosystem_in_its_natural_sense_is_not_the_ai_ecosystem(sentence, expected):
    assert ("ecosystem" in themes(sentence)) is expected
