"""Licence analyser: identification and flags on every reference licence text, robustness, speed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from valuechain.audit.collectors import split_front_matter
from valuechain.audit.licence import FLAGS, analyse_licence, identify

EXPECTED = yaml.safe_load((Path(__file__).parent / "licence_expected_flags.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def licence_texts(shared_data) -> dict[str, tuple[dict, str]]:
    out = {}
    for path in sorted((shared_data / "licenses" / "license-texts").glob("*.LICENSE")):
        meta, body = split_front_matter(path.read_text(encoding="utf-8"))
        out[meta["key"]] = (meta, body)
    return out


def _expected_id(meta: dict) -> str:
    spdx = meta.get("spdx_license_key") or ""
    return spdx if spdx and not spdx.startswith("LicenseRef-") else meta["key"]


def test_every_reference_text_has_expectations(licence_texts):
    assert set(licence_texts) == set(EXPECTED)


def test_identification_of_bare_texts(licence_texts):
    for key, (meta, body) in licence_texts.items():
        ident = analyse_licence(body).identified
        assert ident is not None and ident["id"] == _expected_id(meta), key
        assert ident["similarity"] > 0.99


def test_flags_per_flag_accuracy(licence_texts, capsys):
    """Flags read from the clauses, against the expectations written down by reading each licence."""
    correct = dict.fromkeys([*FLAGS, "governing_law"], 0)
    wrong: list[str] = []
    for key, (_, body) in licence_texts.items():
        got = analyse_licence(body).to_dict()
        want = EXPECTED[key]
        for flag in FLAGS:
            if got[flag] == want[flag]:
                correct[flag] += 1
            else:
                wrong.append(f"{key}.{flag}: got {got[flag]}")
        law_ok = (
            (got["governing_law"] is None)
            if want["governing_law"] is None
            else (
                got["governing_law"] is not None
                and want["governing_law"].lower() in got["governing_law"].lower()
            )
        )
        correct["governing_law"] += law_ok
        if not law_ok:
            wrong.append(f"{key}.governing_law: got {got['governing_law']}")
        for flag in FLAGS:  # every flag found carries its supporting sentence
            if got[flag] and flag != "commercial_use":
                assert got["evidence"].get(flag), (key, flag)
    n = len(licence_texts)
    with capsys.disabled():
        print("\nper-flag accuracy on", n, "licence texts:")
        for flag, c in correct.items():
            print(f"  {flag:34s} {c}/{n} = {c / n:.1%}")
        if wrong:
            print("  disagreements:", "; ".join(wrong))
    overall = sum(correct.values()) / (n * len(correct))
    assert overall >= 0.98
    assert min(correct.values()) / n >= 0.95


def test_flags_work_without_reference_data(licence_texts, tmp_path):
    """No data directory: identification is None, flags still come from the text."""
    _, body = licence_texts["llama-2-license-2023"]
    report = analyse_licence(body, reference_dir=str(tmp_path / "missing"))
    assert report.identified is None
    assert report.user_or_revenue_cap and report.output_training_ban


def test_unseen_licence_written_here():
    text = (
        "ACME Model Licence. ACME hereby grants you a worldwide, royalty-free licence to use, copy, modify "
        "and distribute the Model. If your products have more than 50 million monthly active users you "
        "must obtain a separate licence from ACME. You shall not use the Model to develop weapons or for "
        "unlawful surveillance. You may not use any output of the Model to train or improve any other "
        'large language model. Any product built on the Model must prominently display "Powered by ACME". '
        "ACME may update this Agreement from time to time. This Agreement is governed by the laws of the "
        "Republic of Singapore."
    )
    r = analyse_licence(text)
    assert r.identified is None
    assert r.commercial_use and r.user_or_revenue_cap and r.use_restrictions and r.output_training_ban
    assert r.attribution_branding and r.licensor_remote_restriction and not r.geographic_exclusion
    assert r.governing_law and "Singapore" in r.governing_law
    assert "50 million monthly active users" in r.evidence["user_or_revenue_cap"]


def _markup(body: str, variant: int) -> str:
    if variant == 0:  # reflow: all whitespace collapsed into single spaces
        return " ".join(body.split())
    if variant == 1:  # markdown: bold headings and a bullet per paragraph
        return "\n".join(f"- **{ln}**" if ln.strip() else ln for ln in body.splitlines())
    if variant == 2:  # HTML
        return "<html><body>" + "".join(f"<p>{ln}</p>\n" for ln in body.splitlines()) + "</body></html>"
    return body.upper()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_identification_robust_to_markup_and_small_edits(licence_texts, data):
    key = data.draw(st.sampled_from(sorted(licence_texts)))
    meta, body = licence_texts[key]
    text = _markup(body, data.draw(st.integers(0, 3)))
    words = text.split(" ")
    n_edits = data.draw(st.integers(0, max(1, len(words) // 100)))  # up to ~1% of the words edited
    for _ in range(n_edits):
        i = data.draw(st.integers(0, len(words) - 1))
        words[i] = data.draw(st.sampled_from(["", "foo", words[i] + "s", "the"]))
    ident = identify(" ".join(words))
    assert ident is not None and ident["id"] == _expected_id(meta)


def test_evidence_is_a_sentence_of_the_text(licence_texts):
    _, body = licence_texts["qwen-2024"]
    report = analyse_licence(body)
    flat = re.sub(r"\s+", " ", body)
    for flag, quote in report.evidence.items():
        assert quote.strip("…")[:60] in flat, flag


def test_held_out_llama_32_licence_from_a_model_card(shared_data):
    """Held out: the Llama 3.2 licence + acceptable use policy (gated prompt of a real card) is not among the
    reference texts; expected flags read from it: EU exclusion for multimodal models, 'Built with Llama'."""
    meta, _ = split_front_matter(
        (shared_data / "fixtures/hf_model_cards/meta-llama__Llama-3.2-1B-Instruct.README.md").read_text(
            "utf-8"
        )
    )
    r = analyse_licence(meta["extra_gated_prompt"])
    assert r.identified is None  # Llama 3.2 is not a reference text: no false identification
    assert (
        r.commercial_use,
        r.user_or_revenue_cap,
        r.use_restrictions,
        r.restrictions_pass_to_derivatives,
        r.output_training_ban,
        r.attribution_branding,
        r.licensor_remote_restriction,
        r.geographic_exclusion,
    ) == (True, True, True, True, False, True, False, True)
    assert "European Union" in r.evidence["geographic_exclusion"]
    assert "California" in r.governing_law


def test_flags_invariant_under_reflow_markup_and_case(licence_texts):
    """Reflowed, Markdown, HTML and ALL-CAPS versions of every reference text give the same flags and law."""
    for key, (_, body) in licence_texts.items():
        base = analyse_licence(body).to_dict()
        for variant in range(4):
            got = analyse_licence(_markup(body, variant)).to_dict()
            assert [got[f] for f in FLAGS] == [base[f] for f in FLAGS], (key, variant)
            assert (got["governing_law"] or "").lower() == (base["governing_law"] or "").lower(), (
                key,
                variant,
            )


def test_unseen_permissive_licence_with_negated_levers():
    """Mentions of levers that the text denies are not levers."""
    text = (
        "Open Model Licence 2.0. Permission is hereby granted, free of charge, to use, copy, modify and "
        "distribute the Model for any purpose, including commercial purposes. There is no acceptable use "
        'policy. No monthly active users limit applies. You are not required to display "Built with Open" '
        "or any other mark. This licence is governed by the laws of the Netherlands."
    )
    r = analyse_licence(text)
    assert r.commercial_use and not r.user_or_revenue_cap and not r.use_restrictions
    assert not r.attribution_branding and not r.output_training_ban and not r.geographic_exclusion
    assert r.licence_class == "osi_open" and r.governing_law == "Netherlands"
