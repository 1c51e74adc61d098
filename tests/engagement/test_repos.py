"""Repository sets: OpenDigger labels by id, the curated organisations with sources, lists, model cards."""

from __future__ import annotations

from datetime import date

from valuechain.engagement.repos import (
    fixed_as_of,
    from_model_cards,
    model_org_table,
    opendigger_label,
    placebo_repos,
    read_repo_list,
)


def test_opendigger_llm_label_is_small_and_says_so():
    llm = opendigger_label("ai/large_language_model")
    assert len(llm) == 24 and len(llm.ids()) == 24
    assert "only 24 repositories, 16 of them" in llm.notes[0]


def test_opendigger_label_with_sublabels_collects_more():
    model = opendigger_label("ai/generative_ai/model")
    flat = opendigger_label("ai/generative_ai/model", recursive=False)
    assert len(model) > len(flat) > 0
    assert 601538369 in model.ids()  # facebookresearch/llama, listed in a sub-label


def test_curated_orgs_have_a_source_and_a_country_each():
    rows = model_org_table()
    orgs = {r["org"] for r in rows}
    assert {"QwenLM", "deepseek-ai", "THUDM", "InternLM", "meta-llama", "mistralai"} <= orgs
    assert all(r["source"].startswith("https://") and len(r["country"]) == 2 for r in rows)
    assert len(orgs) == len(rows)


def test_placebo_set_has_no_llm_organisation():
    placebo = {e.repo_name.split("/")[0].lower() for e in placebo_repos().entries}
    assert not placebo & {r["org"].lower() for r in model_org_table()}


def test_user_list_forms(tmp_path):
    listed = tmp_path / "mine.txt"
    listed.write_text(
        "QwenLM/Qwen  # by name\n612354784\ndeepseek-ai\nhttps://github.com/THUDM/ChatGLM-6B\n\n"
    )
    repo_set = read_repo_list(listed)
    assert repo_set.ids() == {612354784}
    assert repo_set.names_without_id() == {"qwenlm/qwen", "thudm/chatglm-6b"}
    assert repo_set.orgs() == {"deepseek-ai"}


def test_model_card_links():
    cards = [
        "Code: https://github.com/QwenLM/Qwen2.5 and [repo](https://github.com/deepseek-ai/DeepSeek-V3.git).",
        "see github.com/QwenLM/Qwen2.5/blob/main/README.md",
    ]
    assert from_model_cards(cards).names_without_id() == {"qwenlm/qwen2.5", "deepseek-ai/deepseek-v3"}


def test_fixed_as_of_keeps_repositories_seen_before_the_date(real_hour, tmp_path):
    from valuechain.engagement.events import ingest
    from valuechain.store import Store

    listed = tmp_path / "r.txt"
    listed.write_text("rails/rails\nscrooloose/nerdtree\n")
    with Store(":memory:") as store:
        ingest(store, [real_hour])
        before = fixed_as_of(read_repo_list(listed), store, date(2015, 1, 2))
        too_early = fixed_as_of(read_repo_list(listed), store, date(2014, 12, 31))
    assert {e.repo_name for e in before.entries} == {"rails/rails", "scrooloose/nerdtree"}
    assert all(e.repo_id for e in before.entries) and len(too_early) == 0
