"""The dictionary classifier: accuracy on the labelled sentences, traps, lemmas, language detection."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from valuechain.errors import InputError
from valuechain.policy.classify import (
    THEMES,
    PolicyClassifier,
    default_classifier,
    detect_language,
    english_lemma,
    load_dictionaries,
    split_sentences,
)

LABELLED = Path(__file__).with_name("labelled_sentences.yaml")


def _labelled() -> list[dict]:
    return yaml.safe_load(LABELLED.read_text(encoding="utf-8"))["sentences"]


def _scores(rows: list[dict]) -> tuple[float, float, int, int, int]:
    clf = default_classifier()
    tp = fp = fn = 0
    for row in rows:
        got = clf.classify(row["text"], row["lang"]).present()
        expected = set(row["themes"])
        tp += len(got & expected)
        fp += len(got - expected)
        fn += len(expected - got)
    return tp / (tp + fp), tp / (tp + fn), tp, fp, fn


def test_labelled_set_is_large_bilingual_and_mostly_real():
    rows = _labelled()
    assert len(rows) >= 60
    assert len({r["id"] for r in rows}) == len(rows)
    langs = {r["lang"] for r in rows}
    assert langs == {"zh", "en"}
    real = [r for r in rows if r["source"] != "constructed"]
    assert len(real) > len(rows) / 2
    assert all(set(r["themes"]) <= set(THEMES) for r in rows)


@pytest.mark.parametrize("lang", ["all", "zh", "en"])
def test_precision_and_recall_on_labelled_sentences(lang):
    rows = [r for r in _labelled() if lang == "all" or r["lang"] == lang]
    precision, recall, tp, fp, fn = _scores(rows)
    print(f"\n[{lang}] n={len(rows)} precision={precision:.3f} recall={recall:.3f} (tp={tp} fp={fp} fn={fn})")
    assert precision >= 0.9
    assert recall >= 0.9


def test_per_theme_scores_are_printed_and_each_theme_is_tested():
    clf = default_classifier()
    rows = _labelled()
    for theme in THEMES:
        tp = fp = fn = 0
        for row in rows:
            got = theme in clf.classify(row["text"], row["lang"]).present()
            exp = theme in row["themes"]
            tp += got and exp
            fp += got and not exp
            fn += exp and not got
        print(f"{theme:12s} tp={tp} fp={fp} fn={fn}")
        assert tp + fn >= 3, f"theme {theme} has too few labelled positives"


def test_kaiyuan_jieliu_is_not_open_source_but_is_reported_as_discarded():
    r = default_classifier().classify("中央财政要开源节流，增加特定国有金融机构和央企上缴利润。", "zh")
    assert not r.themes["open_source"].present
    assert r.themes["open_source"].discarded[0]["reason"] == "false friend: 开源节流"


def test_open_source_support_sentence_returns_itself_as_evidence():
    text = "推广开源技术，建设开源社区，构建开源生态体系。中央财政要开源节流。"
    r = default_classifier().classify(text, "auto")
    assert r.language == "zh"
    assert r.themes["open_source"].hits == 3
    assert r.themes["open_source"].evidence == ["推广开源技术，建设开源社区，构建开源生态体系。"]
    assert r.themes["ecosystem"].present


def test_open_market_and_osint_are_not_open_source():
    clf = default_classifier()
    for text in (
        "The Federal Reserve uses open market operations to manage liquidity.",
        "Open source intelligence reports from foreign media shall be translated.",
        "The Department shall adopt open technical standards for provenance.",
    ):
        assert not clf.classify(text, "en").themes["open_source"].present, text


def test_negated_mentions_are_discarded_in_both_languages():
    clf = default_classifier()
    zh = clf.classify("不得将涉密源代码开源。", "zh").themes["open_source"]
    en = clf.classify("Agencies shall not release the model code as open source.", "en").themes["open_source"]
    assert not zh.present and zh.discarded[0]["reason"] == "negated by 不得"
    assert not en.present and "negated" in en.discarded[0]["reason"]
    # "not only ... but also" is not a negation
    assert (
        clf.classify("The plan supports not only open source models but also chips.", "en")
        .themes["open_source"]
        .present
    )


def test_high_standard_farmland_is_not_standards():
    r = default_classifier().classify("提高高标准农田建设投资补助水平。", "zh")
    assert not r.themes["standards"].present


def test_context_requirement_for_resilience():
    clf = default_classifier()
    assert not clf.classify("我国经济展现出坚强韧性。", "zh").themes["resilience"].present
    assert clf.classify("提升产业链供应链韧性。", "zh").themes["resilience"].present


def test_user_dictionary_extends_themes(tmp_path):
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "themes:\n  open_source:\n    en:\n      terms: [community-developed software]\n"
        "  data_governance:\n    label: data governance\n    zh:\n      terms: [数据出境]\n",
        encoding="utf-8",
    )
    clf = PolicyClassifier(extra_dictionaries=[extra])
    assert "data_governance" in clf.themes
    assert (
        clf.classify("The agency shall use community-developed software.", "en").themes["open_source"].present
    )
    assert clf.classify("规范数据出境安全评估。", "zh").themes["data_governance"].hits == 1
    # the shipped terms are still there
    assert clf.classify("The plan encourages open-source AI.", "en").themes["open_source"].present


@pytest.mark.parametrize(
    "body,where",
    [
        ("themes: [1, 2]\n", "'themes'"),
        ("negation: {zh: {window: abc}}\n", "'negation.zh.window'"),
        ("negation: [1]\n", "'negation'"),
        ('themes: {open_source: {zh: "x"}}\n', "'themes.open_source.zh'"),
        ("themes: {open_source: {zh: {terms: [开]}}}\n", "'themes.open_source.zh.terms'"),
        ("themes: {open_source: {en: {terms: [open models, 3]}}}\n", "'themes.open_source.en.terms.1'"),
        ("themes: {open_source: {zh: {term: [开源]}}}\n", "'themes.open_source.zh.term'"),
    ],
)
def test_bad_user_dictionary_is_one_sentence_naming_the_key(tmp_path, body, where):
    bad = tmp_path / "bad.yaml"
    bad.write_text(body, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_dictionaries([bad])
    message = str(info.value)
    assert where in message and "\n" not in message and message.endswith(".")


def test_a_term_given_as_a_string_is_one_term_not_characters(tmp_path):
    extra = tmp_path / "extra.yaml"
    extra.write_text("themes:\n  data_governance:\n    zh:\n      terms: 数据出境\n", encoding="utf-8")
    clf = PolicyClassifier(extra_dictionaries=[extra])
    assert [t.text for t in clf.dictionaries.themes["data_governance"]["zh"].terms] == ["数据出境"]
    assert not clf.classify("出境旅游数据统计。", "zh").themes["data_governance"].present
    assert clf.classify("规范数据出境安全评估。", "zh").themes["data_governance"].present


@pytest.mark.parametrize(
    "word,lemma",
    [
        ("controls", "control"),
        ("controlled", "control"),
        ("standards", "standard"),
        ("chips", "chip"),
        ("policies", "policy"),
        ("computing", "comput"),
        ("compute", "comput"),
        ("access", "access"),
        ("analysis", "analysis"),
        ("semiconductors", "semiconductor"),
    ],
)
def test_english_lemma(word, lemma):
    assert english_lemma(word) == lemma


def test_sentence_splitting_keeps_abbreviations():
    parts = split_sentences("The U.S. Government shall act. It will report; then stop.", "en")
    assert [p for p, _ in parts] == ["The U.S. Government shall act.", "It will report;", "then stop."]
    zh = split_sentences("第一句。第二句；第三句！", "zh")
    assert [p for p, _ in zh] == ["第一句。", "第二句；", "第三句！"]


def test_language_detection_and_unsupported_languages():
    assert detect_language("推广开源技术，建设开源社区。") == "zh"
    assert detect_language("The Secretary shall report to Congress on export controls.") == "en"
    for text in (
        "Правительство поддерживает открытое программное обеспечение.",
        "オープンソースのソフトウェアを推進する。",
        "Le gouvernement soutient les logiciels libres dans toutes les administrations publiques du pays.",
    ):
        with pytest.raises(InputError):
            detect_language(text)
    with pytest.raises(InputError):
        detect_language("12345 !!!")


@settings(max_examples=60, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("开源节流社区生态标准算力芯片不得高，。的和 ")), min_size=1, max_size=60
    )
)
def test_invariants_on_random_chinese(text):
    if not text.strip():
        return
    r = default_classifier().classify(text, "zh")
    for theme, tr in r.themes.items():
        assert tr.present == (tr.hits > 0)
        assert len(tr.evidence) <= tr.hits
        assert all(s in text for s in tr.evidence)
        if theme == "open_source":
            # 开源 is only counted when it is not part of 开源节流
            assert tr.hits <= text.count("开源") + text.count("开放源代码") - text.count("开源节流")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "open",
                "source",
                "market",
                "not",
                "chips",
                "the",
                "export",
                "controls",
                ",",
                "standards",
                "of",
                "living",
                "supply",
                "chain",
                ".",
            ]
        ),
        min_size=1,
        max_size=25,
    )
)
def test_invariants_on_random_english(words):
    text = " ".join(words)
    r = default_classifier().classify(text, "en")
    for tr in r.themes.values():
        assert tr.present == (tr.hits > 0)
        assert len(tr.evidence) <= tr.hits


def _rows(name: str) -> list[dict]:
    return yaml.safe_load(LABELLED.with_name(name).read_text(encoding="utf-8"))["sentences"]


def test_second_tuning_set_precision_and_recall():
    """tuning2_sentences.yaml: drawn after the first tuning round, but later rules were tuned on its errors."""
    rows = _rows("tuning2_sentences.yaml")
    assert len(rows) >= 30
    assert not {r["text"] for r in rows} & {r["text"] for r in _labelled()}
    precision, recall, tp, fp, fn = _scores(rows)
    print(
        f"\n[tuning set 2] n={len(rows)} precision={precision:.3f} recall={recall:.3f} (tp={tp} fp={fp} fn={fn})"
    )
    assert precision >= 0.85
    assert recall >= 0.85


def test_heldout_sentences_precision_and_recall():
    """heldout2_sentences.yaml: written and committed before the classifier was first run on it (commit 8122bac);
    never used for tuning. The floor is below the observed value; the numbers are printed."""
    rows = _rows("heldout2_sentences.yaml")
    assert len(rows) >= 30 and len({r["lang"] for r in rows}) == 2
    assert sum(r["source"] != "constructed" for r in rows) >= len(rows) / 2
    others = {r["text"] for r in _labelled()} | {r["text"] for r in _rows("tuning2_sentences.yaml")}
    assert not {r["text"] for r in rows} & others
    precision, recall, tp, fp, fn = _scores(rows)
    print(
        f"\n[held-out] n={len(rows)} precision={precision:.3f} recall={recall:.3f} (tp={tp} fp={fp} fn={fn})"
    )
    assert precision >= 0.8
    assert recall >= 0.8


def test_head_final_compounds_count_but_legal_sanctions_do_not():
    clf = default_classifier()
    assert clf.classify("引导企业以先进质量标准为依据。", "zh").themes["standards"].present
    assert not clf.classify("情节严重的要受到法律的制裁。", "zh").themes["chokepoint"].present
    assert clf.classify("打破一些国家对我国实行经济制裁。", "zh").themes["chokepoint"].present


def test_hard_wrapped_pdf_text():
    clf = default_classifier()
    zh = clf.classify("推广开源技术，建设开源\n社区，构建开源生态体系。\n\n第二段。", "zh")
    assert zh.themes["open_source"].evidence == ["推广开源技术，建设开源社区，构建开源生态体系。"]
    en = clf.classify(
        "The Department shall promote\nOpen-source models and\nexport controls.\n(a) Second item.", "en"
    )
    assert en.themes["open_source"].evidence == [
        "The Department shall promote Open-source models and export controls."
    ]
    assert en.sentences == 2


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(list("ab. \n;U。，开源") + ["U.S. ", "e.g. ", "\n\n", "(a) "]), max_size=40))
def test_sentences_are_pieces_of_the_text(parts):
    text = "".join(parts)
    for lang in ("zh", "en"):
        squeezed = "".join(text.split())
        for sentence, _ in split_sentences(text, lang):
            assert sentence.strip() == sentence and sentence
            assert "".join(sentence.split()) in squeezed


@pytest.mark.parametrize(
    "text,term",
    [
        ("推动开源代码托管平台建设。", "开源"),
        ("建设开源社区，培育开源生态。", "开源"),
        ("支持开源模型和开源生态发展。", "开源"),
        ("避免重复建设算力中心。", "算力"),
    ],
)
def test_chinese_compounds_count_the_term(text, term):
    r = default_classifier().classify(text, "zh")
    theme = "open_source" if term == "开源" else "compute"
    assert r.themes[theme].present, r.themes[theme].discarded
    assert not r.themes[theme].discarded


def test_word_boundary_reasons_make_sense():
    clf = default_classifier()
    r = clf.classify("中央财政要开源节流。", "zh").themes["open_source"]
    assert r.discarded[0]["reason"] == "false friend: 开源节流"
    # 目标准确: 标准 would leave the single characters 目 and 确, so it is not the word 标准
    s = clf.classify("确保目标准确。", "zh").themes["standards"]
    assert not s.present and s.discarded[0]["reason"].startswith("crosses the word boundary of ")


@pytest.mark.parametrize(
    "text,theme,present",
    [
        ("It doesn't support open-source models.", "open_source", False),
        ("The agency won't release the weights as open source.", "open_source", False),
        ("We don't fund open-source development.", "open_source", False),
        ("The model isn't open source.", "open_source", False),
        ("Agencies cannot use open-source software.", "open_source", False),
        ("Agencies can't adopt open-source software.", "open_source", False),
        ("The rule ensures that no foreign adversary gains access to advanced chips.", "chokepoint", True),
        ("The rule ensures that no foreign adversary gains access to advanced chips.", "compute", True),
        ("No license is required for open-source models.", "open_source", True),
        ("We will not restrict open-source models.", "open_source", True),
        ("The Secretary shall not prohibit the use of open-source software.", "open_source", True),
        ("The plan supports not only open source models but also chips.", "open_source", True),
        ("Agencies shall not release the model code as open source.", "open_source", False),
    ],
)
def test_english_negation_scopes_over_a_stance(text, theme, present):
    assert default_classifier().classify(text, "en").themes[theme].present is present


@pytest.mark.parametrize(
    "text,theme,present",
    [
        ("避免重复建设算力中心。", "compute", True),
        ("不得将涉密源代码开源。", "open_source", False),
        ("不支持开源模型。", "open_source", False),
        ("不限制开源模型的使用。", "open_source", True),
        ("无需许可即可使用开源模型。", "open_source", True),
    ],
)
def test_chinese_negation_scopes_over_a_stance(text, theme, present):
    assert default_classifier().classify(text, "zh").themes[theme].present is present


@pytest.mark.parametrize(
    "text",
    [
        "Die Bundesregierung fördert Open-Source-Software in allen öffentlichen Verwaltungen des Landes.",
        "Le gouvernement soutient les logiciels libres dans toutes les administrations publiques du pays.",
        "El gobierno apoya el software de código abierto en todas las administraciones públicas del país.",
    ],
)
def test_other_latin_script_languages_are_rejected(text):
    with pytest.raises(InputError, match="does not read as English"):
        detect_language(text)


@pytest.mark.parametrize(
    "text",
    [
        "It doesn't support open-source models.",
        "Export controls restrict advanced AI chips sales to China.",
        "We won't restrict open-weight models, and agencies can't ban them either.",
    ],
)
def test_short_english_with_contractions_is_english(text):
    assert detect_language(text) == "en"
