"""The shipped organisation -> country table: size, codes, provenance, reproducibility, origin labels."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pycountry
import pytest
from hypothesis import given
from hypothesis import strategies as st

from valuechain.ecosystem.origin import MIXED, UNKNOWN, combine_origins, load_org_countries, origin_group
from valuechain.errors import InputError

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "src" / "valuechain" / "ecosystem" / "data" / "org_countries.csv"


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
        if row["method"] == "hand":
            assert row["verified"] == "false" and row["source"].startswith("http")


def test_atom_regions_are_respected(shared_data):
    table = load_org_countries()
    path = shared_data / "ecosystem/atom-tracked-models/metadata/organization_regions.csv"
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            country = table.country_of(row["hf_org"])
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
    subprocess.run([sys.executable, str(REPO / "scripts" / "build_org_countries.py"), "--data",
                    str(shared_data), "--out", str(out)], check=True, capture_output=True)
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
