"""Re-packager rules: name normalisation, weight hashes, user rules, unresolved repos never origins."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from valuechain.ecosystem.lineage import analyse_lineage
from valuechain.ecosystem.repackagers import load_rules, resolve_repackagers
from valuechain.errors import InputError

RULES = load_rules()


@settings(max_examples=120, deadline=None)
@given(
    st.lists(
        st.from_regex(r"[A-Za-z0-9]{1,8}/[A-Za-z0-9_.\- ]{0,30}", fullmatch=True), min_size=1, max_size=20
    )
)
def test_python_and_arrow_normalisation_agree(ids):
    assert list(RULES.normalise_many(pd.Series(ids, dtype=object))) == [RULES.normalise(i) for i in ids]


@pytest.mark.parametrize(
    ("copy", "original"),
    [
        ("unsloth/Phi-3-mini-4k-instruct-bnb-4bit", "microsoft/Phi-3-mini-4k-instruct"),
        ("TheBloke/Llama-2-13B-fp16", "meta-llama/Llama-2-13b-hf"),
        ("unsloth/llama-3-8b-Instruct-bnb-4bit", "meta-llama/Meta-Llama-3-8B-Instruct"),
        ("bartowski/Qwen2-7B-Instruct-GGUF", "Qwen/Qwen2-7B-Instruct"),
        ("lmstudio-community/gemma-2-9b-it-GGUF", "google/gemma-2-9b-it"),
    ],
)
def test_known_repackagings_resolve_to_the_original(copy, original):
    result = resolve_repackagers([copy], known=[], rules=RULES)
    assert result.mapping == {copy: original}


def test_weight_hash_beats_names_and_unmatched_copies_are_unresolved():
    known = ["acme/base-model", "other/renamed"]
    result = resolve_repackagers(
        ["unsloth/totally-different-name", "mradermacher/nothing-like-it-GGUF", "someone/own-model"],
        known=known,
        rules=RULES,
        hashes={"unsloth/totally-different-name": "abc", "other/renamed": "abc"},
    )
    assert result.mapping == {"unsloth/totally-different-name": "other/renamed"}
    assert result.method["unsloth/totally-different-name"] == "hash"
    assert result.unresolved == ["mradermacher/nothing-like-it-GGUF"]


def test_mirror_accounts_resolve_only_to_known_organisations():
    from valuechain.reference.origin import load_org_countries

    origins = load_org_countries()
    result = resolve_repackagers(
        ["NousResearch/Meta-Llama-3-8B", "NousResearch/Hermes-2-Pro"],
        known=["meta-llama/Meta-Llama-3-8B", "random-user/Hermes-2-Pro"],
        rules=RULES,
        origins=origins,
    )
    assert result.mapping == {"NousResearch/Meta-Llama-3-8B": "meta-llama/Meta-Llama-3-8B"}
    assert result.unresolved == []  # a mirror account's own model stays an ordinary root


def test_unresolved_repackagers_are_reported_not_counted_and_user_rules_extend(tmp_path):
    edges = pd.DataFrame(
        {
            "parent": ["mradermacher/Mystery-12B-GGUF", "Qwen/Qwen2.5-7B"],
            "child": ["someone/finetune", "someone/other"],
            "relation": ["finetune", "finetune"],
        }
    )
    result = analyse_lineage(edges)
    assert "mradermacher/Mystery-12B-GGUF" not in set(result.families["root"])
    assert list(result.unresolved["repo"]) == ["mradermacher/Mystery-12B-GGUF"]
    assert result.stats["unattributed_models"] == 2  # the re-packager and its derivative
    extra = tmp_path / "rules.yml"
    extra.write_text("explicit:\n  mradermacher/Mystery-12B-GGUF: acme/Mystery-12B\n")
    fixed = analyse_lineage(edges, rules=load_rules(extra))
    assert fixed.families.set_index("root").loc["acme/Mystery-12B", "derivatives"] == 1
    assert fixed.unresolved.empty


def test_bad_rules_file_is_one_sentence(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("accounts: unsloth\n")
    with pytest.raises(InputError, match="list of strings"):
        load_rules(bad)
    with pytest.raises(InputError, match="does not exist"):
        load_rules(tmp_path / "missing.yml")
