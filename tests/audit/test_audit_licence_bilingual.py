"""Licence analysis in Chinese as well as English (issue 11), verbatim evidence (issue 13 item 8).

Held-out set 2: ``licence_held_out_2026.yml``, twelve AI licences (eight Chinese-only or bilingual),
labelled flag by flag BEFORE the bilingual rules were written. Per-flag accuracy on it: before the rules
86/108 (commercial_use 7/12, cap 11/12, use restrictions 8/12, pass-through 7/12, branding 10/12,
remote 9/12, law 10/12); after them 108/108.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from licence_scoring import flag_accuracy, print_accuracy

from valuechain.audit.licence import FLAGS, analyse_licence, clause_rules, detect_languages

HELD_OUT = yaml.safe_load((Path(__file__).parent / "licence_held_out_2026.yml").read_text(encoding="utf-8"))
RECORDS = {k: v for k, v in HELD_OUT.items() if k != "clauses"}
TEXTS = {key: "\n\n".join(clauses) for key, clauses in HELD_OUT["clauses"].items()}
HAN = re.compile(r"[\u4e00-\u9fff]")


def test_held_out_set_is_as_described():
    assert set(RECORDS) == set(TEXTS) and len(RECORDS) >= 12
    assert sum(rec["language"] != "en" for rec in RECORDS.values()) >= 5
    for key, rec in RECORDS.items():
        assert set(rec["decides"]) == {*FLAGS, "governing_law"}, key  # every flag has its deciding sentence
        assert {"repo", "path", "commit"} <= set(rec["source"]), key
        for flag, why in rec["decides"].items():  # a quoted deciding clause is in the kept clauses
            if rec["expected"][flag] and flag != "governing_law" and not why.startswith(("only", "trap")):
                first = re.split(r" / | \(", why)[0].strip("' ")
                if "..." not in first:
                    assert " ".join(first.split()) in " ".join(TEXTS[key].split()), (key, flag)


def test_held_out_2026_per_flag_accuracy(capsys):
    correct, wrong, _ = flag_accuracy(TEXTS, RECORDS)
    n = len(TEXTS)
    with capsys.disabled():
        title = f"held-out set 2 per-flag accuracy on {n} unseen licences (8 Chinese-only or bilingual)"
        print_accuracy(title, correct, n, wrong)
    assert min(correct.values()) / n >= 0.95, wrong


def test_english_only_rules_miss_the_chinese_clauses():
    """The English-only rule set (today's before issue 11) cannot reach 95% on this set: the set tests Chinese."""
    correct, _, _ = flag_accuracy(TEXTS, RECORDS, clause_rules(("en",)))
    assert min(correct.values()) / len(TEXTS) < 0.95


@pytest.mark.parametrize("key", ["yayi2-community", "cogvlm-license-zh"])
def test_chinese_only_texts_are_read_with_chinese_evidence(key):
    report = analyse_licence(TEXTS[key])
    assert report.languages_read == ["zh"] and report.readable
    for flag in FLAGS:
        if getattr(report, flag) and flag in report.evidence:
            quote = report.evidence[flag]
            assert HAN.search(quote), (flag, quote)
            assert quote in " ".join(TEXTS[key].split()), (flag, quote)  # the sentence, verbatim
    assert "中华人民共和国" in report.governing_law


def test_bilingual_text_reads_an_obligation_found_only_in_the_chinese_part():
    report = analyse_licence(TEXTS["orion-14b-community"])
    assert report.languages_read == ["en", "zh"]
    assert report.attribution_branding and "Orion-14B Series" in report.evidence["attribution_branding"]
    assert "“" in report.evidence["attribution_branding"]  # the original's quotes, not straightened ones


# ------------------------------------------------------------------------------------ near twins

NEAR_TWINS = [  # (flag, text that has it, near twin that does not) -- one decisive word apart
    (
        "output_training_ban",
        "You may not use the outputs of the Model to train other models.",
        "You may use the outputs of the Model to train other models.",
    ),
    (
        "attribution_branding",
        'You must display "Built with Acme" on your website.',
        'You are encouraged to display "Built with Acme" on your website.',
    ),
    (
        "attribution_branding",
        "您必须在产品页面以显著方式标注“Built with Acme”。",
        "我们鼓励您在产品页面以显著方式标注“Built with Acme”。",
    ),
    (
        "output_training_ban",
        "您不得将本模型的输出用于训练其他模型。",
        "您可以将本模型的输出用于训练其他模型。",
    ),
    ("use_restrictions", "您不得将本模型用于任何军事目的。", "您可以将本模型用于任何目的。"),
    (
        "user_or_revenue_cap",
        "If your products have more than 1,000,000 daily active users you must request a license.",
        "If your products have any number of daily users you need no further license.",
    ),
    (
        "user_or_revenue_cap",
        "若您的产品月活跃用户超过1亿，您必须另行申请许可。",
        "您的产品用户数量不受限制。",
    ),
    (
        "user_or_revenue_cap",
        "Deployment on more than 10,000 devices requires a separate license from Acme.",
        "Deployment on any number of devices requires no separate license from Acme.",
    ),
    ("user_or_revenue_cap", "您的年度收入超过1亿元人民币的，须另行获得许可。", "您的年度收入不影响本许可。"),
]


@pytest.mark.parametrize(("flag", "has", "twin"), NEAR_TWINS)
def test_near_twins_get_different_answers(flag, has, twin):
    assert getattr(analyse_licence(has), flag) is True
    assert getattr(analyse_licence(twin), flag) is False


@pytest.mark.parametrize(
    ("allowed", "banned"),
    [
        (
            "Acme hereby grants you a licence to use the Model. You may use the Model for commercial purposes.",
            "Acme hereby grants you a licence to use the Model. You may not use the Model for commercial purposes.",
        ),
        (
            "许可方特此授予您使用本模型的许可。您可以将本模型用于商业用途。",
            "许可方特此授予您使用本模型的许可。您不得将本模型用于商业用途。",
        ),
    ],
)
def test_may_and_may_not_commercial_in_both_languages(allowed, banned):
    assert analyse_licence(allowed).commercial_use and not analyse_licence(banned).commercial_use


def test_commercial_use_after_free_registration_is_the_same_answer_for_near_twins():
    """Two licences that both allow commercial use after a free registration get the same answer."""
    en = (
        "The Licensor hereby grants you a non-exclusive, royalty-free copyright license. This license permits "
        "you to use the models for academic research free. Registered users may use the models for commercial "
        "activities free of charge."
    )
    zh = (
        "许可方特此授予您非排他性、免版税的版权许可。您可以出于非商业用途使用此许可。如果您计划将本模型用作商业用途，"
        "请完成登记。按照链接要求完成登记后即可获得商用授权。"
    )
    authorised = (
        "许可方特此授予您非排他性、免版税的版权许可。您可以出于非商业用途使用此许可。如果您计划将本模型用作"
        "商业用途，应当事先向许可方登记并获得许可方的书面授权。"
    )
    assert analyse_licence(en).commercial_use and analyse_licence(zh).commercial_use
    assert not analyse_licence(
        authorised
    ).commercial_use  # registration AND written authorisation: not granted
    for key in (
        "chatglm3-6b-license",
        "codegeex4-license",
        "cogvideox-license",
        "orion-14b-community",
        "cogvlm-license-zh",
        "kolors-model-license",
    ):
        assert analyse_licence(TEXTS[key]).commercial_use, key


def test_definitions_are_not_duties():
    definition = (
        '"Use" means any use of the Model, including but not limited to using its outputs to train, '
        "fine-tune or improve any other model. You may use the Model for any purpose."
    )
    ban = (
        "You may use the Model for any purpose. You shall not use its outputs to train, fine-tune or "
        "improve any other model."
    )
    assert not analyse_licence(definition).output_training_ban
    assert analyse_licence(ban).output_training_ban
    zh_definition = "“模型衍生品”是指通过将模型的输出转移到其他模型而创建的任何其他模型，包括基于本模型生成合成数据来训练其他模型的方法。"
    assert not analyse_licence(zh_definition).output_training_ban


# ------------------------------------------------------------------------------------ languages


def test_languages_are_detected_per_clause():
    assert detect_languages("You may use the Model. 您不得将本模型用于任何军事目的。") == {"en": 1, "zh": 1}
    assert set(
        detect_languages("Sie dürfen das Modell nicht verwenden. Das Modell wird bereitgestellt.")
    ) == {"latin"}
    assert set(detect_languages("お客様は、本モデルを軍事目的で使用してはなりません。")) == {"ja"}


def test_a_text_in_a_language_the_rules_cannot_read_is_not_answered_no():
    report = analyse_licence(
        "ライセンサーは、お客様に非独占的なライセンスを付与します。お客様は、本モデルを軍事目的で使用してはなりません。"
    )
    out = report.to_dict()
    assert not report.readable and out["languages_read"] == [] and out["languages_not_read"] == ["Japanese"]
    assert all(out[flag] is None for flag in FLAGS)  # unknown, not "no"
    english = analyse_licence("Acme hereby grants you a licence to use, copy and distribute the Model.")
    assert english.to_dict()["languages_read"] == ["English"] and english.to_dict()["commercial_use"] is True


def test_cli_says_which_languages_and_which_encoding_it_read(run_cli, tmp_path):
    gbk = tmp_path / "licence-gbk.txt"
    gbk.write_bytes(
        "许可方特此授予您非排他性的许可。您不得将本模型用于任何军事目的。本协议受中华人民共和国法律管辖。\n".encode(
            "gb18030"
        )
    )
    res = run_cli("audit", "licence", str(gbk))
    assert res.returncode == 0, res.stderr
    assert "read as gb18030" in res.stdout and "languages read: Chinese" in res.stdout
    assert "您不得将本模型用于任何军事目的。" in res.stdout
    out = run_cli("audit", "licence", str(gbk), "--json").json()
    assert (
        out["encoding"] == "gb18030"
        and out["use_restrictions"] is True
        and out["languages_read"] == ["Chinese"]
    )
    japanese = tmp_path / "licence-ja.txt"
    japanese.write_text("お客様は、本モデルを軍事目的で使用してはなりません。\n", encoding="utf-8")
    res = run_cli("audit", "licence", str(japanese))
    assert res.returncode == 0 and "cannot read" in res.stdout and "Japanese" in res.stdout
    assert "not assessed" in res.stdout


# ------------------------------------------------------------------------------ verbatim evidence


def test_evidence_quotes_the_original_span_whole():
    text = (
        "ACME MODEL LICENSE for llama3_1 derivatives.\n\nYou must display “Built with ACME” on the user "
        "interface of any product that uses the Model, together with the name of this Agreement and its "
        "version, and you must keep that display for as long as the product is offered to anyone, in "
        "every country where it is offered, and in every language in which it is offered, including "
        "translations made by you or by anyone acting on your behalf, for the whole term of this Agreement.\n"
        "If your products have more than 700 million monthly active users (the “llama3_1 threshold”), "
        "you must request a license."
    )
    report = analyse_licence(text)
    brand = report.evidence["attribution_branding"]
    assert brand.startswith("You must display “Built with ACME”") and brand.endswith(
        "term of this Agreement."
    )
    assert "…" not in brand and '"' not in brand
    cap = report.evidence["user_or_revenue_cap"]
    assert "llama3_1 threshold" in cap and "“" in cap and cap in " ".join(text.split())


def test_evidence_from_the_llama_31_licence_is_verbatim(shared_data):
    """The defect as reported: ``llama3 1`` for ``llama3_1``, straightened quotes, "…" cuts."""
    from valuechain.textio import split_front_matter

    _, body = split_front_matter(
        (shared_data / "licenses" / "license-texts" / "llama-3.1-license-2024.LICENSE").read_text("utf-8")
    )
    report = analyse_licence(body)
    whole = " ".join(body.split())
    assert "llama3_1" in report.evidence["use_restrictions"]
    assert "Meta’s" in report.evidence["commercial_use"]
    for flag, quote in report.evidence.items():
        assert "…" not in quote and quote in whole, flag


def test_every_evidence_quote_of_every_reference_text_is_its_own_text(shared_data):
    from valuechain.textio import split_front_matter

    quotes = 0
    for path in sorted((shared_data / "licenses" / "license-texts").glob("*.LICENSE")):
        _, body = split_front_matter(path.read_text(encoding="utf-8"))
        whole = " ".join(body.split())
        for flag, quote in analyse_licence(body).evidence.items():
            assert "…" not in quote and quote in whole, (path.stem, flag)
            quotes += 1
    assert quotes > 100
