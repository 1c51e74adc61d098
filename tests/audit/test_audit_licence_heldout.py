"""Licence analyser on licences it was NOT tuned on, and identification robustness.

Held-out set: ``licence_held_out.yml`` (7 real AI licences absent from the reference texts; expectations
written by reading each full text before the analyser was run on it). Their licences do not allow
redistributing the text, so the file keeps the source and short quoted clauses (supporting clauses and
traps); the Llama 3.2 licence is read whole from the shared model-card snapshot.
"""

from __future__ import annotations

import importlib.metadata
import random
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from licence_scoring import SCORED, flag_accuracy, print_accuracy

from valuechain.audit.collectors import split_front_matter
from valuechain.audit.licence import IDENTIFY_THRESHOLD, analyse_licence, identify, reference_index

HELD_OUT = yaml.safe_load((Path(__file__).parent / "licence_held_out.yml").read_text(encoding="utf-8"))
RECORDS = {k: v for k, v in HELD_OUT.items() if k not in ("clauses", "scancode_held_out")}


@pytest.fixture(scope="module")
def held_out_texts(shared_data) -> dict[str, str]:
    texts = {key: "\n\n".join(clauses) for key, clauses in HELD_OUT["clauses"].items()}
    card = (shared_data / RECORDS["llama-3.2-license-2024"]["source"]["shared_data"]).read_text("utf-8")
    texts["llama-3.2-license-2024"] = split_front_matter(card)[0]["extra_gated_prompt"]
    return texts


@pytest.fixture(scope="module")
def reference_bodies(shared_data) -> dict[str, str]:
    out = {}
    for path in sorted((shared_data / "licenses" / "license-texts").glob("*.LICENSE")):
        meta, body = split_front_matter(path.read_text(encoding="utf-8"))
        out[meta["key"]] = body
    return out


def test_every_held_out_record_has_a_text(held_out_texts):
    assert set(held_out_texts) == set(RECORDS)
    assert len(RECORDS) >= 6


def test_held_out_per_flag_accuracy(held_out_texts, capsys):
    """Observed after the generalised rules: 63/63 (before them: 56/63 on the full texts). Floor below."""
    correct, wrong, reports = flag_accuracy(held_out_texts, RECORDS)
    for key, report in reports.items():
        assert report.identified is None, key  # none of them is a reference text: no false identification
    n = len(held_out_texts)
    with capsys.disabled():
        print_accuracy(f"held-out per-flag accuracy on {n} unseen licences", correct, n, wrong)
    assert sum(correct.values()) / (n * len(SCORED)) >= 0.93
    assert min(correct.values()) >= n - 1


def test_held_out_traps_quote_their_evidence(held_out_texts):
    """The traps read right for the right reason: encouraged branding, applicable-law exclusions."""
    hunyuan = analyse_licence(held_out_texts["tencent-hunyuan-community-eu-territory"])
    assert hunyuan.geographic_exclusion and "European Union" in hunyuan.evidence["geographic_exclusion"]
    assert not hunyuan.attribution_branding and hunyuan.user_or_revenue_cap
    yi = analyse_licence(held_out_texts["yi-license-1.0"])
    assert not yi.geographic_exclusion and not yi.commercial_use and yi.licence_class == "proprietary"
    deepseek = analyse_licence(held_out_texts["deepseek-license-1.0"])
    assert deepseek.governing_law == "PRC" and "remotely" in deepseek.evidence["licensor_remote_restriction"]


# ------------------------------------------------------------------------ identification robustness


def _edit(text: str, rng: random.Random, share: float) -> str:
    """Reflow and edit about ``share`` of the words (drop, replace, pluralise, insert)."""
    words = text.split()
    for _ in range(int(len(words) * share)):
        i = rng.randrange(len(words))
        words[i] = rng.choice(["", "foo", words[i] + "s", words[i] + " the"])
    lines, line = [], []
    for w in words:  # re-wrap at a random width, as another editor would
        line.append(w)
        if rng.random() < 0.08:
            lines.append(" ".join(line))
            line = []
    return "\n".join([*lines, " ".join(line)])


def _installed_licence_texts() -> list[str]:
    """Licence files shipped by the installed Python packages (MIT, BSD, Apache, MPL, PSF, GPL notices...)."""
    out = []
    for dist in importlib.metadata.distributions():
        for f in dist.files or []:
            if f.name.lower().startswith(("license", "licence", "copying")):
                try:
                    text = f.read_text()
                except (OSError, UnicodeDecodeError):
                    continue
                if text and len(text) >= 200:
                    out.append(text)
    return out


def _unrelated_texts(shared_data, held_out_texts) -> list[str]:
    """Texts that are not any reference licence: held-out AI licences, model-card bodies, READMEs."""
    texts = list(held_out_texts.values())
    for card in sorted((shared_data / "fixtures" / "hf_model_cards").glob("*.md")):
        texts.append(split_front_matter(card.read_text("utf-8"))[1])
    texts.append((Path(__file__).parents[2] / "README.md").read_text("utf-8"))
    return texts


def test_unrelated_texts_are_not_identified(shared_data, held_out_texts):
    for text in _unrelated_texts(shared_data, held_out_texts):
        assert identify(text) is None, text[:80]


def test_installed_package_licences_identified_only_as_what_they_are():
    """Of the licence files in the environment, an identified one really is MIT or Apache-2.0 (by its
    hallmark sentence); everything else (BSD, MPL-2.0, PSF, GPL notices, combined files) is None."""
    texts = _installed_licence_texts()
    assert len(texts) >= 50
    identified = 0
    for text in texts:
        ident = identify(text)
        if ident is None:
            continue
        identified += 1
        low = " ".join(text.lower().split())
        hallmark = {"MIT": "permission is hereby granted, free of charge", "Apache-2.0": "apache license"}
        assert ident["id"] in hallmark and hallmark[ident["id"]] in low, (ident, text[:120])
    assert identified >= 20


def test_material_markers_block_near_identical_variants(reference_bodies):
    """CC BY-NC with the non-commercial wording removed is ~0.9 similar, yet not CC BY-NC any more."""
    body = reference_bodies["cc-by-nc-4.0"]
    assert identify(body)["id"] == "CC-BY-NC-4.0"
    stripped = re.sub(r"(?i)\bnon-?commercial(ly)?\b", "", body)
    assert identify(stripped) is None
    mit = reference_bodies["mit"]
    assert identify(mit)["id"] == "MIT"
    assert identify(mit + "\nThe Software shall be used for Good, not Evil.") is None  # the JSON licence


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), share=st.floats(0.0, 0.02), markup=st.integers(0, 2))
def test_identification_survives_rewrap_markup_and_two_percent_edits(reference_bodies, seed, share, markup):
    rng = random.Random(seed)
    index = reference_index()
    ref = rng.choice(index.refs)
    text = _edit(reference_bodies[ref.key], rng, share)
    if markup == 1:
        text = "\n".join(f"> **{ln}**" for ln in text.splitlines())
    elif markup == 2:
        text = "<div>" + "".join(f"<p>{ln}</p>" for ln in text.splitlines()) + "</div>"
    ident = identify(text)
    assert ident is not None and ident["id"] == ref.id and ident["similarity"] >= IDENTIFY_THRESHOLD


def test_similarity_distribution_separates_edited_references_from_unrelated(
    shared_data, held_out_texts, reference_bodies, capsys
):
    """Best-reference similarity: edited references (2% edits, re-wrapped) vs unrelated texts."""
    import numpy as np

    from valuechain.audit import licence

    def best_similarity(text: str) -> float:
        threshold = licence.IDENTIFY_THRESHOLD
        try:
            licence.IDENTIFY_THRESHOLD = 0.0  # report the nearest reference whatever its similarity
            ident = identify(text)
        finally:
            licence.IDENTIFY_THRESHOLD = threshold
        return ident["similarity"] if ident else 0.0

    rng = random.Random(7)
    edited = [best_similarity(_edit(body, rng, 0.02)) for body in reference_bodies.values() for _ in range(2)]
    unrelated = [best_similarity(t) for t in _unrelated_texts(shared_data, held_out_texts)]
    packages = [
        best_similarity(t)
        for t in _installed_licence_texts()
        if "permission is hereby granted, free of charge" not in " ".join(t.lower().split())
        and "apache license" not in t.lower()
    ]
    with capsys.disabled():
        for name, sims in (
            ("edited references", edited),
            ("unrelated texts", unrelated),
            ("non-MIT/Apache package licences", packages),
        ):
            q = np.quantile(sims, [0, 0.5, 0.9, 1])
            print(
                f"\n  {name:32s} n={len(sims):3d} min {q[0]:.3f} median {q[1]:.3f} p90 {q[2]:.3f} max {q[3]:.3f}",
                end="",
            )
        print()
    assert min(edited) >= IDENTIFY_THRESHOLD + 0.05
    assert max(unrelated) <= IDENTIFY_THRESHOLD - 0.05
    assert max(packages) < IDENTIFY_THRESHOLD


# ------------------------------------------------------------- generalisation beyond AI licences

_PERMISSIVE_GRANTS = (
    "permission is hereby granted",
    "redistribution and use in source and binary forms",
    "permission to use, copy, modify",
    "licensed under the apache license",
)


def test_installed_permissive_licences_read_as_open_without_levers(capsys):
    """Real licence files of the installed packages (never tuned on): a text carrying a permissive grant
    (MIT, BSD, ISC/HPND) permits commercial use, has no control lever and is classed osi_open; GPL texts
    (their 'this alternative is allowed only for noncommercial distribution' option) stay commercial."""
    checked = gpl = 0
    for text in _installed_licence_texts():
        low = " ".join(text.lower().split())
        if not any(g in low for g in _PERMISSIVE_GRANTS[:3]):
            continue
        report = analyse_licence(text)
        checked += 1
        assert report.commercial_use and report.licence_class == "osi_open", low[:160]
        assert not report.levers, (report.levers, low[:160])
        if "gnu general public license" in low and "noncommercial distribution" in low:
            gpl += 1
    with capsys.disabled():
        print(
            f"\n  permissive licence files of installed packages read as open: {checked} (GPL texts among them: {gpl})"
        )
    assert checked >= 60
