"""The anchored-window licence scan finds exactly the matches of a full regex search (issue 8 item 9).

The analyser runs each clause rule only on windows around its anchors (``str.find``) for speed; these
tests run every rule of every language both ways, on every reference text, on both held-out sets and on
random texts stitched together from their sentences.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from valuechain.audit.collectors import split_front_matter
from valuechain.audit.licence import _Scanner, _squeeze_spaces, clause_rules, clean_text

HERE = Path(__file__).parent


def _flat(text: str) -> str:
    """The analyser's normalised text (as in ``analyse_licence``)."""
    return _squeeze_spaces(clean_text(text)).replace(" \n", "\n").replace("\n ", "\n")


def _mismatches(text: str) -> list[str]:
    rules = clause_rules()
    scan = _Scanner(_flat(text), rules)
    out = []
    for name, pattern in rules.patterns.items():
        subject = scan.spaced if name == "_LAW" else scan.low
        windowed = [m.span() for m in scan.finditer(name, text=subject)]
        full = [m.span() for m in pattern.finditer(subject)]
        if windowed != full:
            out.append(f"{name}: windowed {len(windowed)} matches, full search {len(full)}")
    return out


@pytest.fixture(scope="module")
def texts(shared_data) -> dict[str, str]:
    out = {}
    for path in sorted((shared_data / "licenses" / "license-texts").glob("*.LICENSE")):
        out[path.stem] = split_front_matter(path.read_text(encoding="utf-8"))[1]
    for name in ("licence_held_out.yml", "licence_held_out_2026.yml"):
        data = yaml.safe_load((HERE / name).read_text(encoding="utf-8"))
        for key, clauses in data["clauses"].items():
            out[f"{name}:{key}"] = "\n\n".join(clauses)
    return out


def test_every_rule_has_matches_somewhere(texts):
    """The comparison below is not vacuous: every rule matches in at least one text."""
    rules = clause_rules()
    joined = "\n\n".join(texts.values())
    flat = _flat(joined)
    missing = [
        name
        for name, p in rules.patterns.items()
        if not p.search(flat.replace("\n", " ") if name == "_LAW" else flat.lower())
    ]
    assert missing == []


def test_windowed_scan_equals_full_search_on_every_text(texts):
    problems = {key: bad for key, text in texts.items() if (bad := _mismatches(text))}
    assert problems == {}


_SENTENCE = re.compile(r"(?<=[.;:\u3002\uff1b])\s+")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_windowed_scan_equals_full_search_on_stitched_texts(texts, data):
    sentences = [s for text in texts.values() for s in _SENTENCE.split(text) if s.strip()]
    picked = data.draw(st.lists(st.sampled_from(sentences), min_size=1, max_size=25))
    joiner = data.draw(st.sampled_from([" ", "\n", "\n\n", "; ", "。"]))
    case = data.draw(st.sampled_from([str, str.upper, str.lower]))
    assert _mismatches(case(joiner.join(picked))) == []
