"""Fuzzing every parser that reads a user's file (issue 13, "Fuzzing").

Each parser gets random bytes, truncations of a real file, the real file in a wrong encoding, and the real
file with bytes overwritten. The contract: it returns a result or raises
:class:`~valuechain.errors.ValuechainError` (the CLI turns that into one sentence and exit code 2) — never
any other exception (a traceback). The budget is fixed (``EXAMPLES`` per parser, no deadline), about
half a minute in all; the number of cases run per parser is counted and checked at the end.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from valuechain.errors import ValuechainError

EXAMPLES = 40
CASES: Counter[str] = Counter()
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)
ENCODINGS = ["utf-16", "utf-16-le", "utf-32", "gb18030", "big5", "shift_jis", "latin-1", "cp1252", "koi8-r"]


def mangled(seed: bytes) -> st.SearchStrategy[bytes]:
    """Random bytes, truncations, a wrong encoding, or overwritten bytes of ``seed``."""
    text = seed.decode("utf-8", errors="replace")
    truncations = st.integers(0, len(seed)).map(lambda k: seed[:k])
    encodings = st.sampled_from(ENCODINGS).map(lambda enc: text.encode(enc, errors="replace"))
    flips = st.lists(
        st.tuples(st.integers(0, max(len(seed) - 1, 0)), st.integers(0, 255)), min_size=1, max_size=8
    ).map(lambda changes: _overwrite(seed, changes))
    return st.one_of(st.binary(max_size=1500), truncations, encodings, flips)


def _overwrite(seed: bytes, changes: list[tuple[int, int]]) -> bytes:
    out = bytearray(seed)
    for position, value in changes:
        if out:
            out[position % len(out)] = value
    return bytes(out)


def survives(parse: Any, path: Path, name: str) -> None:
    CASES[name] += 1
    try:
        parse(path)
    except ValuechainError as exc:
        message = str(exc)
        assert message.strip() and "Traceback" not in message


def _seed(shared_data: Path, relative: str, limit: int = 4000) -> bytes:
    return (shared_data / relative).read_bytes()[:limit]


DATA = Path(__import__("valuechain").config.data_dir())


# -- licence texts ---------------------------------------------------------------------------------
def _licence(path: Path) -> None:
    from valuechain.audit.licence import analyse_licence
    from valuechain.textio import read_text, split_front_matter

    _, body = split_front_matter(read_text(path, what="licence file"))
    analyse_licence(body)


@FUZZ
@given(raw=mangled(_seed(DATA, "licenses/license-texts/apache-2.0.LICENSE", 2500)))
def test_licence_texts(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("lic") / "LICENSE.txt"
    path.write_bytes(raw)
    survives(_licence, path, "licence text")


# -- MOT and EOSAI YAMLs ---------------------------------------------------------------------------
def _mot(path: Path) -> None:
    from valuechain.audit.collectors import from_mot_yaml

    from_mot_yaml(path)


def _eosai(path: Path) -> None:
    from valuechain.audit.collectors import from_eosai_yaml
    from valuechain.audit.frameworks import eosai_score

    eosai_score(from_eosai_yaml(path))


def _first_yaml(folder: Path) -> Path:
    return sorted(folder.glob("*.y*ml"))[0]


@FUZZ
@given(raw=mangled(_first_yaml(DATA / "openness/model-openness-tool/models").read_bytes()[:3000]))
def test_mot_yamls(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("mot") / "model.yml"
    path.write_bytes(raw)
    survives(_mot, path, "MOT YAML")


@FUZZ
@given(raw=mangled(_first_yaml(DATA / "openness/eu-open-source-ai-index/v1.0.2").read_bytes()[:3000]))
def test_eosai_yamls(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("eosai") / "system.yaml"
    path.write_bytes(raw)
    survives(_eosai, path, "EOSAI YAML")


# -- lineage CSVs ----------------------------------------------------------------------------------
def _lineage(path: Path) -> None:
    from valuechain.ecosystem.lineage import analyse_lineage, read_edges_csv

    analyse_lineage(read_edges_csv(path))


@FUZZ
@given(raw=mangled(_seed(DATA, "ecosystem/hf-lineage/edges-text-generation-2025-06.csv", 1500)))
def test_lineage_csvs(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("edges") / "edges.csv"
    path.write_bytes(raw)
    survives(_lineage, path, "lineage CSV")


# -- Hugging Face JSON lines -----------------------------------------------------------------------
def _hf(path: Path) -> None:
    """What ``hf import`` does before the store: read the records and turn each into a table row."""
    from valuechain.ecosystem.hf_import import read_records
    from valuechain.sources.huggingface import record_to_row

    for record in read_records(path)[1]:
        record_to_row(record)


def _hf_lines() -> bytes:
    folder = DATA / "fixtures" / "hf_model_info"
    records = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))[:3]]
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode()[:3000]


@FUZZ
@given(raw=mangled(_hf_lines()))
def test_hf_json_lines(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("hf") / "models.jsonl"
    path.write_bytes(raw)
    survives(_hf, path, "HF JSON lines")


# -- policy texts ----------------------------------------------------------------------------------
POLICY_SEED = (
    "推广开源技术，建设开源社区，构建开源生态体系。中央财政要开源节流。加强污染防治和生态建设。\n"
    "The United States will promote open-source AI and strengthen its AI ecosystem. "
    "We will protect wetland, marine and forest ecosystems.\n"
).encode()


def _policy(path: Path) -> None:
    from valuechain.policy.classify import classify_text
    from valuechain.policy.corpora import load_user_documents

    corpus = load_user_documents([path], country="CN", date_text="2024-01-01")
    for document in corpus.documents:
        classify_text(
            document.text[:600]
        )  # the classifier's cost grows with length; the decoding is the risk


@FUZZ
@given(raw=mangled(POLICY_SEED))
def test_policy_texts(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("policy") / "policy.txt"
    path.write_bytes(raw)
    survives(_policy, path, "policy text")


@pytest.mark.parametrize(
    "name", ["licence text", "MOT YAML", "EOSAI YAML", "lineage CSV", "HF JSON lines", "policy text"]
)
def test_every_parser_ran_its_budget(name, request):
    """Runs after the fuzz tests of this module (same file, defined last): each ran its cases."""
    ran = {item.name.split("[")[0] for item in request.session.items if item.module is request.module}
    if not any(n.startswith("test_") and n not in ("test_every_parser_ran_its_budget",) for n in ran):
        pytest.skip("the fuzz tests were deselected")
    if CASES[name] == 0:
        pytest.skip(f"the {name} fuzz test was deselected")
    print(f"{name}: {CASES[name]} cases")
    assert CASES[name] >= EXAMPLES // 2
