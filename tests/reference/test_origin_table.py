"""The shipped organisation -> country table: size, codes, provenance, reproducibility, origin labels."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pycountry
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from valuechain.errors import InputError
from valuechain.reference.origin import MIXED, UNKNOWN, combine_origins, load_org_countries, origin_group

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "src" / "valuechain" / "reference" / "data" / "org_countries.csv"


def test_table_has_at_least_300_sourced_organisations_with_valid_codes():
    table = load_org_countries()
    assert len(table) >= 300
    assert len({r["hf_org"].lower() for r in table.rows}) == len(table)
    known = [r for r in table.rows if r["country"] != UNKNOWN]
    assert len(known) >= 300
    for row in table.rows:
        assert row["source"], row
        assert row["verified"] in {"true", "false"}
        if row["country"] != UNKNOWN:
            assert pycountry.countries.get(alpha_2=row["country"]) is not None, row


def test_verified_only_where_a_snapshot_states_the_country():
    for row in load_org_countries().rows:
        if row["verified"] == "true":
            assert row["method"] in {"atom-region", "epoch-link"}, row
            assert "ATOM" in row["source"] or "Epoch" in row["source"]
        if row["method"] in {"hand", "hand-correction"}:
            assert row["verified"] == "false" and row["source"].startswith("http")
        if row["method"] == "hand-correction":
            assert "is wrong" in row["notes"], row  # says what the snapshot stated


@pytest.mark.parametrize(
    ("namespace", "country"),
    [
        # headquarters of the organisation, checked on review (independent of how the table was built)
        ("Qwen", "CN"),
        ("deepseek-ai", "CN"),
        ("01-ai", "CN"),
        ("THUDM", "CN"),
        ("baichuan-inc", "CN"),
        ("internlm", "CN"),
        ("moonshotai", "CN"),
        ("meta-llama", "US"),
        ("microsoft", "US"),
        ("google", "US"),
        ("nvidia", "US"),
        ("allenai", "US"),
        ("mistralai", "FR"),
        ("kyutai", "FR"),
        ("tiiuae", "AE"),
        ("CohereForAI", "CA"),
        ("LGAI-EXAONE", "KR"),
        ("upstage", "KR"),
        ("ai21labs", "IL"),
        ("Deci", "IL"),
        ("stabilityai", "GB"),
        ("black-forest-labs", "DE"),
        ("rinna", "JP"),
        ("sarvamai", "IN"),
        ("aisingapore", "SG"),
        ("ai-forever", "RU"),
        ("swiss-ai", "CH"),
        ("EleutherAI", UNKNOWN),
    ],
)
def test_reviewed_organisations_have_their_headquarters_country(namespace, country):
    assert load_org_countries().country_of(f"{namespace}/some-model") == country


def test_atom_regions_are_respected(shared_data):
    table = load_org_countries()
    path = shared_data / "ecosystem/atom-tracked-models/metadata/organization_regions.csv"
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            country = table.country_of(row["hf_org"])
            if (table.row(row["hf_org"]) or {}).get("method") == "hand-correction":
                assert f"ATOM region '{row['region']}' is wrong" in table.row(row["hf_org"])["notes"]
                continue
            if row["region"] == "us":
                assert country == "US", row
            elif row["region"] == "china":
                assert country == "CN", row
            elif row["region"] == "unknown":
                assert country == UNKNOWN, row
            elif row["region"] == "eu":
                assert country in {"FR", "DE", "GB", "CH", "ES", "CZ", "LV", "NL", "IT", "SE", "FI", UNKNOWN}


def test_build_script_reproduces_the_shipped_table(shared_data, tmp_path):
    out = tmp_path / "org_countries.csv"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "build_org_countries.py"),
            "--data",
            str(shared_data),
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    assert out.read_text(encoding="utf-8") == SHIPPED.read_text(encoding="utf-8")


def test_lookups_and_user_override(tmp_path):
    table = load_org_countries()
    assert table.country_of("deepseek-ai/DeepSeek-R1") == "CN"
    assert table.country_of("META-LLAMA/Llama-3.1-8B") == "US"
    assert table.country_of("some-individual/model") == UNKNOWN
    override = tmp_path / "orgs.csv"
    override.write_text("hf_org,country,source,verified\nsome-individual,DE,https://example.org/me,false\n")
    assert load_org_countries(override).country_of("some-individual/x") == "DE"
    bad = tmp_path / "bad.csv"
    bad.write_text("hf_org,country,source,verified\nx,Germany,here,false\n")
    with pytest.raises(InputError, match="ISO 3166-1"):
        load_org_countries(bad)


@given(st.lists(st.sampled_from(["US", "CN", "FR", UNKNOWN]), max_size=6))
def test_combined_origin_is_one_label_never_double_counted(countries):
    label = combine_origins(countries)
    distinct = set(countries)
    if not distinct:
        assert label == UNKNOWN
    elif len(distinct) == 1:
        assert label == countries[0]
    else:
        assert label == MIXED
    assert origin_group(label) in {"CN", "US", "other", "mixed", "unknown"}


def test_origin_groups():
    assert origin_group("HK") == "CN" and origin_group("US") == "US" and origin_group("FR") == "other"


@settings(deadline=None, max_examples=60)  # timing varies on a shared machine; correctness does not
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Qwen/a", "meta-llama/b", "mistralai/c", "nobody/d", "x/m1", "x/m2"]),
            st.sampled_from(["x/m1", "x/m2", "x/m3", "x/m4"]),
            st.sampled_from(["finetune", "merge", "quantized"]),
        ),
        min_size=1,
        max_size=10,
    )
)
def test_each_models_origin_is_combine_origins_of_its_roots(edges):
    """The vectorised per-model origins of the lineage agree with the reference rule on any small graph."""
    import pandas as pd

    from valuechain.ecosystem.lineage import analyse_lineage

    table = load_org_countries()
    result = analyse_lineage(pd.DataFrame(edges, columns=["parent", "child", "relation"]), origins=table)
    roots_of = result.membership.groupby("model")["root"].apply(set).to_dict()
    for model, origin in zip(result.models["model"], result.models["origin"], strict=True):
        assert origin == combine_origins(table.country_of(root) for root in roots_of.get(model, ()))
