"""MOF class: identical to the Model Openness Tool's own result on every model YAML it ships."""

from __future__ import annotations

import csv
import json

import pytest
import yaml

from valuechain.audit.licences import OPEN_DATA_IDS, mot_licences
from valuechain.audit.mof import mof_class
from valuechain.errors import InputError


@pytest.fixture(scope="module")
def mot_dir(shared_data):
    return shared_data / "openness" / "model-openness-tool"


def test_mof_class_matches_mot_on_all_193(mot_dir):
    rows = list(csv.DictReader(open(mot_dir / "expected-classes.csv", encoding="utf-8")))
    assert len(rows) == 193
    mismatches = []
    for row in rows:
        result = mof_class(mot_dir / "models" / row["file"])
        if result.mof_class != row["mof_class"]:
            mismatches.append((row["file"], row["mof_class"], result.mof_class))
    assert mismatches == []


def test_shipped_licence_lists_match_mot(mot_dir):
    spdx = json.loads((mot_dir / "web/modules/mof/licenses.json").read_text(encoding="utf-8"))
    open_ids = {
        x["licenseId"]
        for x in spdx["licenses"]
        if x.get("isOsiApproved") is True or x.get("isFsfLibre") is True
    }
    lic = mot_licences()
    assert open_ids | OPEN_DATA_IDS | {"OpenMDW-1.0"} == set(lic.open_ids)
    typed = json.loads((mot_dir / "web/modules/mof/mof-licenses.json").read_text(encoding="utf-8"))
    for entry in typed["licenses"]:
        types = entry["ContentType"] if isinstance(entry["ContentType"], list) else [entry["ContentType"]]
        for t in types:
            assert entry["licenseId"] in lic.type_appropriate[t]


def _record(licence_by_component: dict[str, str | None], distribution: str | None = None) -> dict:
    comps = []
    for name, lic in licence_by_component.items():
        comp = {"name": name, "description": ""}
        if lic is not None:
            comp["license"] = lic
        comps.append(comp)
    release = {
        "name": "t",
        "components": comps,
        "license": {"distribution": {"name": distribution}} if distribution else {},
    }
    return {"framework": {"name": "Model Openness Framework"}, "release": release}


CLASS_III = [
    "Model architecture",
    "Model parameters (Final)",
    "Model card",
    "Data card",
    "Technical report",
    "Evaluation results",
]


def test_class_iii_exact_vs_normalised_and_warning():
    rec = _record({c: "Apache 2.0" for c in CLASS_III})
    res = mof_class(rec)
    assert res.mof_class == "Unclassified"
    assert res.mof_class_normalized == "Class III"
    assert any("Apache 2.0" in w for w in res.warnings)
    assert res.progress["Class III"] == 0.0
    assert res.progress_normalized["Class III"] == 1.0


def test_licence_inheritance_and_research_paper_replaces_report():
    comps = {c: None for c in CLASS_III if c != "Technical report"}
    comps["Research paper"] = "CC-BY-4.0"
    res = mof_class(_record(comps, distribution="MIT"))
    assert res.mof_class == "Class III"
    by = {c.name: c for c in res.components}
    assert by["Model card"].licence == "MIT" and by["Model card"].licence_from == "release.distribution"
    # exact ids only: a non-commercial CC licence is not open
    comps["Model card"] = "CC-BY-NC-4.0"
    assert mof_class(_record(comps, distribution="MIT")).mof_class == "Unclassified"


def test_unlicensed_component_is_included_but_not_open():
    comps = dict.fromkeys(CLASS_III, "MIT")
    comps["Data card"] = "unlicensed"
    res = mof_class(_record(comps))
    assert res.mof_class == "Unclassified"
    assert res.progress["Class III"] == pytest.approx(5 / 6, abs=1e-6)


def test_wrong_schema_and_malformed_yaml(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("release: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError, match="not valid YAML"):
        mof_class(bad)
    other = tmp_path / "other.yml"
    other.write_text(yaml.safe_dump({"system": {"name": "x"}}), encoding="utf-8")
    with pytest.raises(InputError, match="not a Model Openness Tool record"):
        mof_class(other)


def test_cli_mof_json(run_cli, mot_dir):
    res = run_cli("audit", "mof", mot_dir / "models" / "Amber.yml", "--json")
    assert res.returncode == 0, res.stderr
    out = res.json()
    assert out["mof_class"] == "Class I"
    assert set(out["progress"]) == {"Class III", "Class II", "Class I"}
    assert len(out["components"]) == 17
    assert out["sources"]


def test_schema_oddities_are_warnings_not_errors():
    """No components, a release licence that is not a mapping, a licence entry naming no licence."""
    result = mof_class(
        {"release": {"name": "x", "license": 7, "components": [{"name": "Model card", "license": {"a": 1}}]}}
    )
    assert result.mof_class == "Unclassified"
    assert any("'release.license' is not a mapping" in w for w in result.warnings)
    assert any("names no licence" in w for w in result.warnings)
    empty = mof_class({"release": {"name": "x"}})
    assert empty.warnings == ["The release lists no components, so no class can be met."]
