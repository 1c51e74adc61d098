"""`valuechain audit licence|license|mof` end to end: JSON contract, human output, bad input -> exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from valuechain.audit.collectors import split_front_matter
from valuechain.audit.licence import FLAGS

CONTRACT = {"identified", *FLAGS, "governing_law", "evidence"}


def _bare(shared_data, key: str, tmp_path, encoding: str = "utf-8"):
    _, body = split_front_matter((shared_data / f"licenses/license-texts/{key}.LICENSE").read_text("utf-8"))
    out = tmp_path / f"{key}.txt"
    out.write_bytes(body.encode(encoding))
    return out, body


def test_licence_json_contract(run_cli, shared_data, tmp_path):
    path, _ = _bare(shared_data, "llama-3.1-license-2024", tmp_path)
    res = run_cli("audit", "licence", path, "--json")
    assert res.returncode == 0, res.stderr
    out = res.json()
    assert CONTRACT <= set(out)
    assert set(out["identified"]) == {"id", "similarity"}
    assert out["identified"]["id"] == "llama-3.1-license-2024" and 0.99 < out["identified"]["similarity"] <= 1
    assert out["identified_detail"]["scancode_key"] == "llama-3.1-license-2024"
    assert out["user_or_revenue_cap"] is True and out["attribution_branding"] is True
    assert "Built with Llama" in out["evidence"]["attribution_branding"]
    assert "California" in out["governing_law"]
    assert out["sources"] and out["schema_version"]
    assert "not legal advice" in out["note"]


def test_license_alias_and_human_output(run_cli, shared_data, tmp_path):
    path, _ = _bare(shared_data, "apache-2.0", tmp_path)
    res = run_cli("audit", "license", path)
    assert res.returncode == 0, res.stderr
    assert "Apache-2.0" in res.stdout and "not legal advice" in res.stdout


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16"])
def test_other_encodings_are_decoded(run_cli, shared_data, tmp_path, encoding):
    _, body = split_front_matter((shared_data / "licenses/license-texts/mit.LICENSE").read_text("utf-8"))
    path = tmp_path / f"mit-{encoding}.txt"
    path.write_bytes(("Zoë Ltd. " + body).encode(encoding))  # utf-16 writes a BOM
    res = run_cli("audit", "licence", path, "--json")
    assert res.returncode == 0, res.stderr
    assert res.json()["identified"]["id"] == "MIT"


def _bad_inputs(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "weights.bin"
    binary.write_bytes(bytes(range(256)) * 64)
    huge = tmp_path / "huge.txt"
    with open(huge, "w", encoding="utf-8") as fh:
        line = "Permission is hereby granted, free of charge, to any person. " * 16 + "\n"
        while fh.tell() < 50 * 1024 * 1024:
            fh.write(line * 256)
    malformed = tmp_path / "malformed.yml"
    malformed.write_text("release:\n  name: x\n  components: [unclosed\n", encoding="utf-8")
    wrong = tmp_path / "wrong.yml"
    wrong.write_text("system:\n  name: K2\nweights_endmodel:\n  class: open\n", encoding="utf-8")
    a_list = tmp_path / "list.yml"
    a_list.write_text("- release\n- components\n", encoding="utf-8")
    return [
        ("licence", empty, "empty"),
        ("licence", binary, "binary"),
        ("licence", huge, "larger than"),
        ("mof", a_list, "not a Model Openness Tool record"),
        ("licence", Path("/dev/zero"), "not a regular file"),
        ("licence", tmp_path / "missing.txt", "does not exist"),
        ("mof", malformed, "not valid YAML"),
        ("mof", wrong, "not a Model Openness Tool record"),
        ("mof", empty, "empty"),
        ("mof", binary, "binary"),
        ("licence", tmp_path, "directory"),
    ]


def test_bad_input_one_sentence_exit_2_nothing_written(run_cli, tmp_path):
    cases = _bad_inputs(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    for i, (command, path, phrase) in enumerate(cases):
        for extra in [["--json"]] if i % 2 else [[]]:  # both output modes, alternating, to keep it quick
            res = run_cli("audit", command, path, *extra)
            assert res.returncode == 2, (command, path, res.stderr)
            assert res.stdout == ""
            err = res.stderr.strip()
            assert err.startswith("Error:") and "\n" not in err and "Traceback" not in err, err
            assert phrase in err, err
    after = sorted(p.name for p in tmp_path.iterdir() if p.name != "home")
    assert after == before


def test_mof_normalized_and_human_output(run_cli, shared_data):
    path = shared_data / "openness/model-openness-tool/models/Mistral-7B-v0.1.yml"
    exact = run_cli("audit", "mof", path, "--json").json()
    norm = run_cli("audit", "mof", path, "--json", "--normalized").json()
    assert norm["mof_class"] == exact["mof_class_normalized"]
    human = run_cli("audit", "mof", path)
    assert human.returncode == 0 and "MOT-exact" in human.stdout and "Model card" in human.stdout
