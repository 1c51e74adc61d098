"""The model-family matcher: false friends rule by rule, versions, prefilter = unfiltered, --dict files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from valuechain.errors import InputError
from valuechain.reference.origin import load_org_countries
from valuechain.science.families import load_families, resolve_family, search_terms
from valuechain.science.matcher import Matcher, load_matcher

VALIDATION = Path(__file__).resolve().parents[2] / "src/valuechain/science/data/validation"
REQUIRED = {
    "qwen",
    "deepseek",
    "yi",
    "baichuan",
    "glm",
    "internlm",
    "minimax",
    "kimi",
    "hunyuan",
    "ernie",
    "llama",
    "mistral",
    "gemma",
    "phi",
    "falcon",
    "olmo",
    "bloom",
    "gpt",
    "claude",
    "gemini",
}


def families(text: str) -> set[str]:
    return load_matcher().families_in(text)


def test_dictionary_has_the_required_families_with_origin_from_the_one_table() -> None:
    table = load_families()
    assert REQUIRED <= set(table)
    orgs = load_org_countries()
    for family in table.values():
        assert family.origin_country == orgs.country_of(family.organisation)
        assert family.origin_country != "unknown", family.key
    assert table["qwen"].origin_country == "CN" and table["llama"].origin_country == "US"
    assert table["falcon"].origin_country == "AE" and table["mistral"].origin_country == "FR"


FALSE_FRIENDS = [
    ("falcon-bird", "The peregrine falcon dives at 300 km/h; Falcon chicks were ringed.", set()),
    ("falcon-rocket", "A Falcon 9 booster landed after the launch of 22 satellites.", set()),
    ("gemma-person", "Gemma Chan and Gemma Smith wrote the chapter on language models.", set()),
    ("phi-letter", "The phi coefficient was 0.12 and phi-2 denotes the second wave function.", set()),
    ("yi-surname", "Yi et al. (2019) and Zhang Yi proposed a loss for large language models.", set()),
    ("yi-book", "The Yi Jing, or Book of Changes, is a classic.", set()),
    ("kimi-person", "Kimi Räikkönen's telemetry was fed to a large language model.", set()),
    ("claude-person", "Claude Shannon founded information theory, which underlies language models.", set()),
    ("gemini-nasa", "Project Gemini and the Gemini 4 mission preceded Apollo.", set()),
    ("gemini-constellation", "Castor is the brightest star in the constellation Gemini.", set()),
    ("llama-animal", "Llama-derived nanobodies from immunised llamas neutralised the virus.", set()),
    ("mistral-wind", "The Mistral wind cools the Gulf of Lion.", set()),
    ("glm-statistics", "A GLM with a Poisson link was fitted; GLM-2 added covariates.", set()),
    ("minimax-math", "We derive minimax rates and a MiniMax regret criterion.", set()),
    ("gpt-enzyme", "Serum GPT (ALT) was elevated.", set()),
    ("bloom-algae", "A harmful algal bloom and a Bloom filter.", set()),
]


@pytest.mark.parametrize(("rule", "text", "expected"), FALSE_FRIENDS, ids=[f[0] for f in FALSE_FRIENDS])
def test_each_false_friend_rule_rejects_its_false_friend(rule: str, text: str, expected: set[str]) -> None:
    assert families(text) == expected


TRUE_MENTIONS = [
    ("Falcon-40B was fine-tuned.", "falcon"),
    ("We compare Falcon, Llama and MPT language models.", "falcon"),
    ("Gemma 2 9B and Gemma-7B are open models.", "gemma"),
    ("Phi-3-mini runs on a phone.", "phi"),
    ("We evaluate Yi-34B-Chat.", "yi"),
    ("Moonshot AI's Kimi K2 is an agentic model.", "kimi"),
    ("MethodsClaude 3 Opus answered the questions.", "claude"),
    ("Gemini 1.5 Pro reads long videos.", "gemini"),
    ("We fine-tune LLaMA with LoRA.", "llama"),
    ("Mixtral 8x7B is a sparse mixture of experts.", "mistral"),
    ("GLM-130B is an open bilingual model.", "glm"),
    ("MiniMax-M1 uses lightning attention.", "minimax"),
    ("基于通义千问的问答系统", "qwen"),
]


@pytest.mark.parametrize(("text", "family"), TRUE_MENTIONS)
def test_true_mentions_are_found(text: str, family: str) -> None:
    assert family in families(text)


def test_false_friend_next_to_a_true_mention_drops_only_the_false_one() -> None:
    mentions = load_matcher().match(
        "Kimi Tanaka evaluated Kimi K2 and Claude Shannon's entropy with Claude 3."
    )
    assert [(m.family, m.text) for m in mentions] == [("kimi", "Kimi K2"), ("claude", "Claude 3")]


@pytest.mark.parametrize(
    ("text", "pairs"),
    [
        ("Llama-2-7B and LLaMA 3.1 70B", {("llama", "llama-2"), ("llama", "llama-3")}),
        ("Qwen-7B-Chat", {("qwen", "qwen")}),
        ("Qwen1.5-72B and Qwen 2.5", {("qwen", "qwen1.5"), ("qwen", "qwen2.5")}),
        ("The Qwen family, e.g. Qwen2-7B", {("qwen", "qwen2")}),
        ("gemma-2b-it versus Gemma-2-9B", {("gemma", "gemma-1"), ("gemma", "gemma-2")}),
        ("GPT-4o and GPT-3.5-turbo", {("gpt", "gpt-4"), ("gpt", "gpt-3.5")}),
        ("ChatGLM3-6B", {("glm", "chatglm3")}),
    ],
)
def test_versions(text: str, pairs: set[tuple[str, str]]) -> None:
    assert load_matcher().versions_in(text) == pairs


def test_match_reports_span_and_verbatim_text() -> None:
    text = "We distill DeepSeek-R1 into Qwen2.5-7B."
    for mention in load_matcher().match(text):
        assert text[mention.start : mention.end] == mention.text
    assert {m.family: m.origin_country for m in load_matcher().match(text)} == {
        "deepseek": "CN",
        "qwen": "CN",
    }


def _labelled_texts() -> list[str]:
    texts = []
    for name in ("independent.yaml", "false_friends.yaml"):
        texts += [item["text"] for item in yaml.safe_load((VALIDATION / name).read_text("utf-8"))["items"]]
    return texts


def test_prefilter_gives_the_same_mentions_as_running_every_regex() -> None:
    matcher = load_matcher()
    for text in _labelled_texts():
        assert matcher.match(text) == matcher.match_naive(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("QqWwEeNnLlAaMmYyIiPpHhGg-_ .0123456789中文")), max_size=60))
def test_prefilter_equals_unfiltered_on_arbitrary_text(text: str) -> None:
    matcher = load_matcher()
    assert matcher.match(text) == matcher.match_naive(text)
    for mention in matcher.match(text):
        assert text[mention.start : mention.end] == mention.text


def test_search_terms_and_unknown_family() -> None:
    assert "qwen" in search_terms("Qwen")
    assert "deepseek" in search_terms("deepseek")
    with pytest.raises(InputError, match="Unknown model family 'nosuch'"):
        resolve_family("nosuch")


def test_user_dictionary_adds_a_family_and_is_validated(tmp_path: Path) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "families:\n  stablelm:\n    name: StableLM\n    organisation: stabilityai\n"
        "    first_release: 2023-04-19\n    source: https://stability.ai\n    keywords: [stablelm]\n"
        "    patterns: ['{B}stablelm']\n",
        encoding="utf-8",
    )
    matcher = Matcher(__import__("valuechain.science.families", fromlist=["x"]).load_dictionary(extra))
    assert {m.family for m in matcher.match("StableLM-3B and Qwen2")} == {"stablelm", "qwen"}
    bad = tmp_path / "bad.yaml"
    bad.write_text("families:\n  x:\n    name: X\n    patterns: ['(unclosed']\n", encoding="utf-8")
    with pytest.raises(InputError, match="bad.yaml"):
        load_families(bad)
    forbidden = tmp_path / "country.yaml"
    forbidden.write_text(
        "families:\n  x:\n    name: X\n    organisation: Qwen\n    country: CN\n    first_release: "
        "2024-01-01\n    source: s\n    keywords: [x]\n    patterns: ['x']\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="country"):
        load_families(forbidden)
