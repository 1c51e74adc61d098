"""Governance map: the rule language, the packaged rules and the spec's examples (specs/openness-audit.md §5)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from valuechain.audit.governance import (
    API,
    LICENCE_CLASSES,
    WEIGHTS,
    Expression,
    RuleSyntaxError,
    classify,
    governance_fields,
    licence_class,
    load_rules,
)
from valuechain.audit.release import audit
from valuechain.errors import InputError


def test_expression_language_basics():
    fields = {
        "weights": "open",
        "api": "none",
        "licence_class": "osi_open",
        "levers": frozenset({"use_restrictions"}),
        "code_open": True,
        "data_open": False,
        "platform_tied": False,
    }
    assert Expression.compile("weights == 'open' and not data_open")(fields)
    assert Expression.compile("licence_class in {'osi_open', 'open_data'}")(fields)
    assert Expression.compile("'use_restrictions' in levers")(fields)
    assert Expression.compile("'user_or_revenue_cap' not in levers")(fields)
    assert not Expression.compile("(weights != 'open' or data_open) and code_open")(fields)
    assert Expression.compile("api in [\"none\", 'paid']")(fields)


@pytest.mark.parametrize(
    "bad",
    [
        "weights ==",
        "__import__('os')",
        "weights.upper()",
        "foo == 'x'",
        "",
        "weights = 'open'",
        "open(1)",
        "(weights == 'open'",
    ],
)
def test_expression_language_rejects_unsafe_or_invalid(bad):
    with pytest.raises(RuleSyntaxError):
        Expression.compile(bad)


@given(
    st.sampled_from(WEIGHTS),
    st.sampled_from(API),
    st.sampled_from(LICENCE_CLASSES),
    st.sets(st.sampled_from(["user_or_revenue_cap", "use_restrictions", "licensor_remote_restriction"])),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)
def test_every_release_gets_exactly_the_first_matching_rule(weights, api, lclass, levers, code, data, tied):
    fields = governance_fields(weights, api, lclass, levers, code, data, tied)
    result = classify(fields)
    rules = load_rules()
    first = next(r for r in rules.rules if r.when(fields.as_mapping()))
    assert result.rule_id == first.id
    assert result.number in range(1, 6)
    if weights == "none":
        assert result.label in ("Captive externalised", "Hierarchical")
        assert (result.label == "Hierarchical") == (api == "none")
    else:
        assert result.label in ("Full openness", "Controlled openness", "Open platform")
    assert "operationalisation" in result.note


def test_reasons_quote_the_field_values():
    result = classify(
        {"weights": "gated", "licence_class": "restricted_open", "levers": {"user_or_revenue_cap"}}
    )
    assert result.label == "Controlled openness"
    assert result.ghs_type == "Relational (captive-leaning)"
    assert any("weights = gated" in r for r in result.reasons)
    assert result.rejected and result.rejected[0].startswith("rule full-openness not met")
    assert result.determinants["supplier_capability"] == "high"


@pytest.mark.parametrize(
    "ref,label",
    [
        ("olmo-2-13b", "Full openness"),
        ("llama-3.1-405b", "Controlled openness"),
        ("gemma-3-27b", "Controlled openness"),
        ("qwen2.5-72b", "Controlled openness"),
        ("mistral-7b", "Open platform"),
        ("gpt-4o", "Captive externalised"),
        ("claude-3.5-sonnet", "Captive externalised"),
        ("claude-2", "Captive externalised"),
        ("gemini-nano", "Hierarchical"),
    ],
)
def test_spec_examples(shared_data, ref, label):
    assert audit(ref).governance.label == label


def test_qwen_licence_levers_are_read_from_the_text(shared_data):
    result = audit("Qwen2.5-72B")
    assert "user_or_revenue_cap" in result.governance.licence_levers
    assert result.licence is not None and result.licence["source"].endswith("qwen-2024.LICENSE")


def test_licence_class_by_id():
    assert licence_class("Apache 2.0")[0] == "osi_open"
    assert licence_class("CC-BY-4.0")[0] == "open_data"
    assert licence_class("CC-BY-NC-4.0")[0] == "non_commercial"
    assert licence_class("Mistral Research License")[0] == "non_commercial"
    assert licence_class("proprietary")[0] == "proprietary"
    assert licence_class("Some Community License")[0] == "restricted_open"
    assert licence_class("Some Community License", {"commercial_use": False})[0] == "non_commercial"


def test_edited_rules_file_changes_the_result(tmp_path):
    text = load_rules().path
    edited = tmp_path / "rules.yml"
    body = (
        open(text, encoding="utf-8")
        .read()
        .replace("when: \"weights == 'none' and api == 'none'\"", 'when: "true"')
    )
    # make everything without weights hierarchical by moving a catch-all first
    body = body.replace(
        "rules:\n",
        "rules:\n  - id: all-closed\n    model: hierarchical\n"
        "    when: \"weights == 'none'\"\n    reason: edited\n",
        1,
    )
    edited.write_text(body, encoding="utf-8")
    rules = load_rules(edited)
    assert classify({"weights": "none", "api": "paid"}, rules).label == "Hierarchical"


def test_bad_rules_file_is_one_sentence(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("models: {}\nrules: [{when: 'x', model: nope}]\n", encoding="utf-8")
    with pytest.raises(InputError):
        load_rules(bad)


_ATOMS = [
    ("weights == 'open'", lambda f: f["weights"] == "open"),
    ("api != 'none'", lambda f: f["api"] != "none"),
    ("licence_class in {'osi_open', 'open_data'}", lambda f: f["licence_class"] in {"osi_open", "open_data"}),
    ("'use_restrictions' in levers", lambda f: "use_restrictions" in f["levers"]),
    ("'user_or_revenue_cap' not in levers", lambda f: "user_or_revenue_cap" not in f["levers"]),
    ("code_open", lambda f: f["code_open"]),
    ("platform_tied == true", lambda f: f["platform_tied"] is True),
]


def _trees():
    leaf = st.sampled_from(range(len(_ATOMS))).map(lambda i: ("atom", i))
    return st.recursive(
        leaf,
        lambda sub: st.one_of(
            st.tuples(st.just("not"), sub), st.tuples(st.sampled_from(["and", "or"]), sub, sub)
        ),
        max_leaves=8,
    )


def _render(tree) -> str:
    if tree[0] == "atom":
        return _ATOMS[tree[1]][0]
    if tree[0] == "not":
        return f"not ({_render(tree[1])})"
    return f"({_render(tree[1])}) {tree[0]} ({_render(tree[2])})"


def _truth(tree, fields) -> bool:
    if tree[0] == "atom":
        return bool(_ATOMS[tree[1]][1](fields))
    if tree[0] == "not":
        return not _truth(tree[1], fields)
    a, b = _truth(tree[1], fields), _truth(tree[2], fields)
    return (a and b) if tree[0] == "and" else (a or b)


@given(
    _trees(),
    st.sampled_from(WEIGHTS),
    st.sampled_from(API),
    st.sampled_from(LICENCE_CLASSES),
    st.sets(st.sampled_from(["use_restrictions", "user_or_revenue_cap"])),
    st.booleans(),
    st.booleans(),
)
def test_expression_evaluator_matches_boolean_semantics(tree, weights, api, lclass, levers, code, tied):
    fields = governance_fields(weights, api, lclass, levers, code, False, tied).as_mapping()
    assert Expression.compile(_render(tree))(fields) == _truth(tree, fields)


def test_operator_precedence():
    f = {
        "weights": "none",
        "api": "paid",
        "licence_class": "proprietary",
        "levers": frozenset(),
        "code_open": True,
        "data_open": False,
        "platform_tied": False,
    }
    # and binds tighter than or; not binds tighter than and
    assert Expression.compile("code_open or data_open and platform_tied")(f) is True
    assert Expression.compile("(code_open or data_open) and platform_tied")(f) is False
    assert Expression.compile("not data_open and code_open")(f) is True
    assert Expression.compile("not (data_open or code_open)")(f) is False
    assert Expression.compile("levers == {}")(f) is True  # {} is the empty set literal
