"""The licence analyser's anchored-window scan finds exactly the matches of a full regex search.

``licence._Scanner`` runs each clause pattern only on windows around literal anchors (for speed); that is
only sound if no match lies outside every window. This checks every rule on every reference licence text,
prepared as :func:`valuechain.audit.licence.analyse_licence` prepares it.
"""

from __future__ import annotations

import pytest

from valuechain.audit import licence
from valuechain.textio import read_text, split_front_matter


def _flat(body: str) -> str:
    return licence._squeeze_spaces(licence.clean_text(body)).replace(" \n", "\n").replace("\n ", "\n")


def test_windowed_scan_equals_full_search_on_every_reference_text(shared_data):
    paths = sorted((shared_data / "licenses" / "license-texts").glob("*.LICENSE"))
    assert len(paths) >= 30
    rules = licence.clause_rules()
    compared = 0
    for path in paths:
        _, body = split_front_matter(read_text(path, what="licence file"))
        scan = licence._Scanner(_flat(body), rules)
        for name, pattern in rules.patterns.items():
            windowed = [(m.start(), m.end()) for m in scan.finditer(name)]
            full = [(m.start(), m.end()) for m in pattern.finditer(scan.low)]
            assert windowed == full, (path.name, name)
            compared += bool(full)
    assert compared > 100  # the rules do match: the equality is not between empty lists


@pytest.mark.parametrize("languages", [("en",), ("en", "zh")])
def test_every_rule_has_anchors(languages):
    rules = licence.clause_rules(languages)
    assert set(rules.anchors) == set(rules.patterns)
    assert all(rules.anchors[name] for name in rules.patterns)
