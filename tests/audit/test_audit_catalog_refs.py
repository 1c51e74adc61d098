"""audit(REF) on the other kinds of reference: local release directory, MOT YAML, Index YAML, HF snapshot."""

from __future__ import annotations

import pytest

from valuechain.audit.release import audit
from valuechain.errors import InputError


def _release_dir(tmp_path, licence_text: str, card_licence: str):
    d = tmp_path / "my-release"
    d.mkdir()
    (d / "README.md").write_text(f"---\nlicense: {card_licence}\n---\n# My model\n", encoding="utf-8")
    (d / "LICENSE").write_text(licence_text, encoding="utf-8")
    (d / "model.safetensors").write_bytes(b"\0" * 16)
    (d / "config.json").write_text("{}", encoding="utf-8")
    return d


def test_directory_with_apache_licence_is_open_platform(tmp_path, shared_data):
    text = (shared_data / "licenses" / "license-texts" / "apache-2.0.LICENSE").read_text(encoding="utf-8")
    result = audit(str(_release_dir(tmp_path, text.split("---", 2)[2], "apache-2.0")))
    assert result.kind == "directory"
    assert result.fields.weights == "open" and result.fields.licence_class == "osi_open"
    assert result.governance.label == "Open platform"  # no training code or data in the directory


def test_directory_with_llama_licence_is_controlled(tmp_path, shared_data):
    text = (shared_data / "licenses" / "license-texts" / "llama-3.1-license-2024.LICENSE").read_text(
        encoding="utf-8"
    )
    result = audit(str(_release_dir(tmp_path, text.split("---", 2)[2], "other")))
    assert result.governance.label == "Controlled openness"
    assert "user_or_revenue_cap" in result.governance.licence_levers


def test_mot_and_index_yaml(shared_data):
    mot = audit(str(shared_data / "openness" / "model-openness-tool" / "models" / "OLMo-7B.yml"))
    assert mot.kind == "mot-yaml" and mot.mof["mof_class"] == "Class I"
    assert mot.governance.label == "Full openness"
    llama = audit(str(shared_data / "openness" / "model-openness-tool" / "models" / "Llama-2-70B.yml"))
    assert llama.governance.label == "Controlled openness"
    index = audit(str(shared_data / "openness" / "eu-open-source-ai-index" / "v1.0.2" / "OLMo.yaml"))
    assert index.kind == "eosai-yaml" and index.eosai["score"] > 0.9


def test_bad_references(tmp_path):
    with pytest.raises(InputError):
        audit("")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError):
        audit(str(empty))
    with pytest.raises(InputError):
        audit(str(tmp_path / "nope" / "dir"))
    text = tmp_path / "notes.txt"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(InputError):
        audit(str(text))


def test_llama3_licence_tag_is_not_read_as_llama_3_1(shared_data):
    """No Llama 3 licence text is in the reference set; the Llama 3.1 text (no output-training ban) must not
    stand in for it, so the licence is not read and the levers are not claimed."""
    snap = shared_data / "fixtures" / "hf_model_info" / "meta-llama__Meta-Llama-3-70B-Instruct.json"
    result = audit("meta-llama/Meta-Llama-3-70B-Instruct", snapshot=snap)
    assert result.licence is None or "llama-3.1" not in str(result.licence.get("source"))
    assert result.governance.label == "Controlled openness" and result.fields.weights == "gated"


def test_mot_record_date_is_flagged(shared_data):
    result = audit(str(shared_data / "openness" / "model-openness-tool" / "models" / "Mistral-7B-v0.1.yml"))
    assert result.kind == "mot-yaml" and any("MOT record's release.date" in n for n in result.field_notes)


def test_incomplete_mot_record_is_flagged(shared_data):
    """Phi-2's MOT record lists no final parameters but names its Hugging Face repo: the audit warns."""
    result = audit(str(shared_data / "openness" / "model-openness-tool" / "models" / "Phi-2.yml"))
    assert result.fields.weights == "none"  # the MOF rule: an unlisted component is not released
    assert any("may be incomplete" in n and "microsoft/phi-2" in n for n in result.field_notes)


def test_card_license_name_is_read_when_the_tag_is_other(tmp_path, shared_data):
    """license: other + license_name: qwen → the Qwen licence text is read (its cap and branding found)."""
    snap = tmp_path / "snap"
    snap.mkdir()
    (snap / "README.md").write_text(
        "---\nlicense: other\nlicense_name: qwen\n---\n# a Qwen2.5 fine-tune\n", encoding="utf-8"
    )
    (snap / "files.txt").write_text("model-00001-of-00002.safetensors\nconfig.json\n", encoding="utf-8")
    result = audit("someone/qwen-finetune", snapshot=snap)
    assert result.licence is not None and result.licence["source"].endswith("qwen-2024.LICENSE")
    assert {"user_or_revenue_cap", "attribution_branding"} <= set(result.governance.licence_levers)
