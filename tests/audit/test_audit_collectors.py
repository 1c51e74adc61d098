"""Evidence collectors on real snapshots: Hugging Face (recorded API bodies, served over HTTP too), local
directories, licence texts, MOT / European Index YAMLs, Epoch rows, Ecosystem Graphs assets; bad input."""

from __future__ import annotations

import csv
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from valuechain.audit.collectors import (
    from_directory,
    from_ecosystem_asset,
    from_eosai_yaml,
    from_epoch_row,
    from_huggingface,
    from_licence_text,
    from_mot_yaml,
)
from valuechain.audit.evidence import STATUSES, Evidence
from valuechain.errors import InputError
from valuechain.textio import decode_bytes, read_text, split_front_matter


def _by(evidence: list[Evidence], component: str) -> Evidence:
    return next(e for e in evidence if e.component == component)


def test_hf_recorded_json_llama(shared_data):
    path = shared_data / "fixtures/hf_model_info/meta-llama__Llama-3.1-8B-Instruct.json"
    ev = from_huggingface("meta-llama/Llama-3.1-8B-Instruct", snapshot=path)
    weights = _by(ev, "Model parameters (Final)")
    assert weights.status == "partial"  # gated, custom licence
    assert weights.extra["weights"] == "gated" and weights.extra["gated"] == "manual"
    assert weights.licence == "llama3.1"
    assert weights.extra["base_model"] == ["meta-llama/Meta-Llama-3.1-8B", "meta-llama/Llama-3.1-8B"]
    assert weights.extra["base_model_relation"] == "finetune"
    assert _by(ev, "Research paper").extra["arxiv"] == ["2204.05149"]
    assert all(e.status in STATUSES and e.source == str(path) for e in ev)


def test_hf_recorded_json_open_model(shared_data):
    ev = from_huggingface(
        "openai-community/gpt2", snapshot=shared_data / "fixtures/hf_model_info/openai-community__gpt2.json"
    )
    weights = _by(ev, "Model parameters (Final)")
    assert weights.extra["weights"] == "open"
    assert weights.licence == "mit" and weights.status == "open"


def test_hf_snapshot_directory_with_card(shared_data, tmp_path):
    card = shared_data / "fixtures/hf_model_cards/allenai__OLMo-2-1124-13B.README.md"
    snap = tmp_path / "olmo"
    snap.mkdir()
    (snap / "README.md").write_text(card.read_text(encoding="utf-8"), encoding="utf-8")
    (snap / "files.txt").write_text(
        "README.md\nconfig.json\nmodel-00001-of-00006.safetensors\n"
        "LICENSE\nstage1-step1000/model.safetensors\n",
        encoding="utf-8",
    )
    ev = from_huggingface("allenai/OLMo-2-1124-13B", snapshot=snap)
    weights = _by(ev, "Model parameters (Final)")
    meta, _ = split_front_matter(card.read_text(encoding="utf-8"))
    assert weights.licence == meta["license"] == "apache-2.0"
    assert weights.status == "open"
    assert _by(ev, "Model parameters (Intermediate)").quote.startswith("stage1-step1000")
    assert _by(ev, "Datasets").status == "partial"


class _Hub(BaseHTTPRequestHandler):
    body: bytes = b""
    expand_body: bytes = b""  # the recorded ?expand=inferenceProviderMapping answer

    def do_GET(self):  # noqa: N802 - http.server API
        if self.path.startswith("/api/models/meta-llama/Llama-3.1-8B-Instruct"):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(
                self.expand_body if "expand=inferenceProviderMapping" in self.path else self.body
            )
            return
        self.send_response(404)
        self.send_header("X-Error-Code", "RepoNotFound")
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"error": "Repository not found"}')

    do_HEAD = do_GET  # noqa: N815

    def log_message(self, *args):
        pass


@pytest.fixture
def hub(shared_data):
    _Hub.body = (shared_data / "fixtures/hf_model_info/meta-llama__Llama-3.1-8B-Instruct.json").read_bytes()
    _Hub.expand_body = (
        shared_data / "fixtures/hf_model_info/"
        "meta-llama__Llama-3.1-8B-Instruct.expand-inferenceProviderMapping.json"
    ).read_bytes()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_hf_live_path_against_a_local_hub(hub, tmp_path, monkeypatch):
    """The live code path (HfApi.model_info) on a local server replaying the recorded API body."""
    from huggingface_hub import HfApi

    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    api = HfApi(endpoint=hub)
    ev = from_huggingface("meta-llama/Llama-3.1-8B-Instruct", api=api)
    assert _by(ev, "Model parameters (Final)").extra["weights"] == "gated"
    api_ev = _by(ev, "API access")  # asked for with ?expand=inferenceProviderMapping
    assert api_ev.source.endswith("?expand=inferenceProviderMapping") and "fireworks-ai" in api_ev.quote
    with pytest.raises(InputError, match="does not exist"):
        from_huggingface("nobody/no-such-model-xyz", api=api)


def test_hf_bad_ids_and_snapshots(tmp_path):
    with pytest.raises(InputError, match="not a Hugging Face repository id"):
        from_huggingface("not a repo id!")
    bad = tmp_path / "info.json"
    bad.write_text('{"id": ', encoding="utf-8")
    with pytest.raises(InputError, match="not valid JSON"):
        from_huggingface("a/b", snapshot=bad)
    bad.write_text('{"foo": 1}', encoding="utf-8")
    with pytest.raises(InputError, match="not a Hugging Face model-info record"):
        from_huggingface("a/b", snapshot=bad)


def test_from_directory_reads_licence_and_weights(tmp_path, shared_data):
    rel = tmp_path / "release"
    (rel / "src").mkdir(parents=True)
    (rel / "model.safetensors").write_bytes(b"\x00" * 16)
    (rel / "src" / "train.py").write_text("print('train')\n", encoding="utf-8")
    (rel / "src" / "modeling_x.py").write_text("class X: ...\n", encoding="utf-8")
    _, body = split_front_matter(
        (shared_data / "licenses/license-texts/qwen-2024.LICENSE").read_text("utf-8")
    )
    (rel / "LICENSE").write_text(body, encoding="utf-8")
    ev = from_directory(rel)
    lic = _by(ev, "Licence terms")
    assert lic.licence == "qwen-2024" and lic.status == "partial"
    assert lic.extra["licence_report"]["user_or_revenue_cap"] is True
    assert lic.extra["licence_class"] == "restricted_open"
    assert _by(ev, "Training code").quote == "src/train.py"
    assert _by(ev, "Model parameters (Final)").extra["weights"] == "open"
    with pytest.raises(InputError, match="does not exist"):
        from_directory(tmp_path / "missing")


def test_from_licence_text_classes(shared_data):
    base = shared_data / "licenses/license-texts"
    assert from_licence_text(base / "apache-2.0.LICENSE")[0].extra["licence_class"] == "osi_open"
    assert from_licence_text(base / "cc-by-nc-4.0.LICENSE")[0].extra["licence_class"] == "non_commercial"
    # terms of service grant use of a service, not the right to copy or share a model
    assert from_licence_text(base / "openai-tou-20241211.LICENSE")[0].extra["licence_class"] == "proprietary"
    ev = from_licence_text(base / "llama-3.1-license-2024.LICENSE")[0]
    assert ev.status == "partial" and ev.licence == "llama-3.1-license-2024"


def test_from_mot_yaml_matches_mof(shared_data):
    ev = from_mot_yaml(shared_data / "openness/model-openness-tool/models/Amber.yml")
    assert len(ev) == 17 and all(e.status == "open" for e in ev if e.component != "Model metadata")


def test_from_eosai_yaml(shared_data):
    path = shared_data / "openness/eu-open-source-ai-index/v1.0.2/K2.yaml"
    ev = from_eosai_yaml(path)
    params = {e.extra["eosai_parameter"]: e.status for e in ev}
    assert len(params) == 14
    assert (
        params["paper"] == "closed"
        and params["datasheet"] == "partial"
        and params["weights_endmodel"] == "open"
    )


def test_from_epoch_rows(shared_data):
    rows = list(
        csv.DictReader(open(shared_data / "ecosystem/epoch/all-ml-systems-2024-09.csv", encoding="utf-8"))
    )
    seen = set()
    for row in rows:
        access = row["Model accessibility"]
        if access and access not in seen:
            seen.add(access)
            ev = from_epoch_row(row)
            assert _by(ev, "Model parameters (Final)").extra["epoch_accessibility"] == access
    assert len(seen) == 6
    with pytest.raises(InputError):
        from_epoch_row({"System": "x"})


def _eg_asset(shared_data, file: str, name: str) -> dict:
    assets = yaml.safe_load((shared_data / "ecosystem/ecosystem-graphs/assets" / file).read_text("utf-8"))
    return next(a for a in assets if a.get("name") == name)


def test_from_ecosystem_assets(shared_data):
    ev = from_ecosystem_asset(_eg_asset(shared_data, "01ai.yaml", "Yi"))
    assert _by(ev, "Licence terms").licence == "custom"  # {value, explanation} unwrapped
    with pytest.raises(InputError):
        from_ecosystem_asset({"name": "x"})


def test_ecosystem_custom_or_unknown_licence_is_never_open(shared_data):
    """Access 'open' does not make a licence open: Llama 2 and Yi ('custom') stay partial, with a warning."""
    for file, name in (("meta.yaml", "Llama 2"), ("01ai.yaml", "Yi")):
        ev = from_ecosystem_asset(_eg_asset(shared_data, file, name))
        licence, weights = _by(ev, "Licence terms"), _by(ev, "Model parameters (Final)")
        assert (licence.status, weights.status) == ("partial", "partial"), name
        assert "custom" in licence.extra["warning"] and licence.extra["licence_open"] is False
    mistral = from_ecosystem_asset(_eg_asset(shared_data, "mistral.yaml", "Mistral"))  # "Apache 2.0"
    assert _by(mistral, "Licence terms").status == _by(mistral, "Model parameters (Final)").status == "open"
    large = from_ecosystem_asset(_eg_asset(shared_data, "mistral.yaml", "Mistral Large"))  # limited, unknown
    assert _by(large, "Model parameters (Final)").status == "closed"
    assert all(e.status != "open" for e in large) and "No licence" in large[0].extra["warning"]
    no_licence = from_ecosystem_asset({"name": "m", "access": "open", "type": "model"})
    assert _by(no_licence, "Model parameters (Final)").status == "partial"


class _FailingApi:
    """A stand-in for HfApi whose model_info raises what a broken network or Hub raises."""

    def __init__(self, exc: BaseException):
        self.exc = exc

    def model_info(self, repo_id):
        raise self.exc


def _httpx():
    """The HTTP client huggingface_hub uses here (``httpx2`` in recent releases, ``httpx`` before)."""
    import importlib

    for name in ("httpx2", "httpx"):
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    raise AssertionError("huggingface_hub needs httpx or httpx2")


def _hub_errors():
    import requests
    from huggingface_hub.utils import HfHubHTTPError

    httpx = _httpx()
    request = httpx.Request("GET", "https://huggingface.co/api/models/a/b")
    return [
        httpx.ConnectError("[Errno -3] Temporary failure in name resolution", request=request),
        httpx.ReadTimeout("timed out", request=request),
        requests.exceptions.ConnectionError("Max retries exceeded"),
        requests.exceptions.Timeout("timed out"),
        TimeoutError("timed out"),
        OSError("Network is unreachable"),
        HfHubHTTPError("503 Service Unavailable", response=httpx.Response(503, request=request)),
    ]


@pytest.mark.parametrize("exc", _hub_errors(), ids=lambda e: type(e).__name__)
def test_hf_network_errors_become_one_sentence(exc):
    from valuechain.errors import SourceError

    with pytest.raises(SourceError) as info:
        from_huggingface("owner/model", api=_FailingApi(exc))
    message = str(info.value)
    assert "owner/model" in message and "\n" not in message and message.endswith(".")
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_hf_not_found_and_gated_are_input_errors():
    from huggingface_hub.utils import GatedRepoError, RepositoryNotFoundError

    httpx = _httpx()

    request = httpx.Request("GET", "https://huggingface.co/api/models/a/b")
    for exc, words in (
        (RepositoryNotFoundError("404", response=httpx.Response(404, request=request)), "does not exist"),
        (GatedRepoError("403", response=httpx.Response(403, request=request)), "gated"),
    ):
        with pytest.raises(InputError, match=words):
            from_huggingface("owner/model", api=_FailingApi(exc))


def test_decoding_latin1_utf16_and_refusals(tmp_path):
    text = "Licence accordée à Zoë — use permitted."
    assert decode_bytes(text.encode("utf-16")) == text
    assert decode_bytes(b"\xef\xbb\xbf" + text.encode("utf-8")) == text
    assert decode_bytes("Licence accordée à Zoë.".encode("latin-1")) == "Licence accordée à Zoë."
    with pytest.raises(InputError, match="empty"):
        decode_bytes(b"  \n ")
    with pytest.raises(InputError, match="binary"):
        decode_bytes(bytes(range(256)) * 4)
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.truncate(6 * 1024 * 1024)
    with pytest.raises(InputError, match="larger than"):
        read_text(big)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2000))
def test_decode_never_crashes(raw):
    try:
        out = decode_bytes(raw)
    except InputError as exc:
        assert str(exc).endswith(".") and "\n" not in str(exc)
    else:
        assert isinstance(out, str)


def test_eosai_wrong_schema(tmp_path):
    p = tmp_path / "x.yaml"
    p.write_text(json.dumps({"release": {"name": "x"}}), encoding="utf-8")
    with pytest.raises(InputError, match="not a European Open Source AI Index record"):
        from_eosai_yaml(p)


def test_snapshot_paths_are_reported(shared_data):
    p = shared_data / "fixtures/hf_model_info/gpt2.json"
    ev = from_huggingface("gpt2", snapshot=p)
    assert {e.source for e in ev} == {str(Path(p))}


def test_hf_snapshot_reads_the_licence_file(shared_data, tmp_path):
    """A snapshot holding the repository's LICENSE: its clauses decide the licence status and levers."""
    snap = tmp_path / "llama"
    snap.mkdir()
    card = shared_data / "fixtures/hf_model_cards/meta-llama__Llama-3.1-8B-Instruct.README.md"
    (snap / "README.md").write_text(card.read_text(encoding="utf-8"), encoding="utf-8")
    (snap / "LICENSE").write_bytes(
        (shared_data / "licenses/license-texts/llama-3.1-license-2024.LICENSE").read_bytes()
    )
    (snap / "files.txt").write_text("README.md\nLICENSE\nmodel.safetensors\n", encoding="utf-8")
    lic = _by(from_huggingface("meta-llama/Llama-3.1-8B-Instruct", snapshot=snap), "Licence terms")
    assert lic.extra["identified_licence"] == "llama-3.1-license-2024"
    assert lic.extra["licence_class"] == "restricted_open" and lic.status == "partial"
    assert lic.extra["licence_report"]["attribution_branding"] is True


def test_utf16_without_bom_is_decoded_and_bom_garbage_refused(tmp_path):
    text = "Permission is hereby granted to use. Governed by the laws of Japan."
    assert decode_bytes(text.encode("utf-16-le")) == text
    assert decode_bytes(text.encode("utf-16-be")) == text
    with pytest.raises(InputError, match="binary"):  # a BOM followed by control characters
        decode_bytes(b"\xff\xfe" + b"\x01\x00\x02\x00" * 400)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        read_text(fifo, what="licence file")


def test_use_only_terms_are_never_an_open_licence():
    """A text that lets you use but not copy, share or modify (terms of service) is closed, not open."""
    from valuechain.audit.collectors import from_licence_text

    ev = from_licence_text("Acme Terms.\nYou may use the Service in your commercial products.\n")
    assert ev[0].extra["licence_class"] == "proprietary" and ev[0].status == "closed"
    ev = from_licence_text(
        "Acme Licence.\nPermission is hereby granted to use, copy, modify and distribute "
        "the Model for any purpose.\n"
    )
    assert ev[0].extra["licence_class"] == "osi_open" and ev[0].status == "open"


def test_hf_inference_providers_are_api_access_evidence(shared_data):
    """Live third-party hosting (inferenceProviderMapping) is API-access evidence with its source; staging is not."""
    import json

    from valuechain.audit.collectors import hf_evidence, inference_providers
    from valuechain.audit.frameworks import solaiman_level
    from valuechain.audit.governance import fields_from_evidence

    folder = shared_data / "fixtures/hf_model_info"
    path = folder / "meta-llama__Llama-3.1-8B-Instruct.expand-inferenceProviderMapping.json"
    raw = json.loads(path.read_text(encoding="utf-8"))["inferenceProviderMapping"]
    ev = from_huggingface("meta-llama/Llama-3.1-8B-Instruct", snapshot=path)
    api = _by(ev, "API access")
    assert api.status == "open" and api.source == f"{path}#inferenceProviderMapping"
    live = {p for p, v in raw.items() if v["status"] == "live"}
    assert {p["provider"] for p in api.extra["inference_providers"]} == live and "hyperbolic" not in live
    assert all(p in api.quote for p in live) and "hyperbolic" not in api.quote
    fields, notes = fields_from_evidence(ev)
    assert fields.api == "none" and "third parties" in " ".join(notes)  # not the developer's own API
    assert solaiman_level(ev)[0] == 4  # no file list in this body: API access only
    # the list form (list_models) and huggingface_hub's objects read the same
    as_list = [{"provider": p, **v} for p, v in raw.items()]
    assert inference_providers(as_list) == inference_providers(raw)
    assert inference_providers(None) == [] == inference_providers("nonsense")
    # every recorded expand body with a live provider yields API evidence; plain bodies yield none
    for body in sorted(folder.glob("*.expand-inferenceProviderMapping.json")):
        data = json.loads(body.read_text(encoding="utf-8"))
        has_live = any(v.get("status") == "live" for v in data["inferenceProviderMapping"].values())
        got = [e for e in from_huggingface(data["id"], snapshot=body) if e.component == "API access"]
        assert bool(got) == has_live, body.name
    plain = from_huggingface(
        "meta-llama/Llama-3.1-8B-Instruct", snapshot=folder / "meta-llama__Llama-3.1-8B-Instruct.json"
    )
    assert not any(e.component == "API access" for e in plain)
    merged = hf_evidence(
        {
            "id": "o/m",
            "files": ["model.safetensors"],
            "card": {"license": "apache-2.0"},
            "has_file_list": True,
            "inference_providers": inference_providers(raw),
        }
    )
    assert solaiman_level(merged)[0] == 5  # downloadable weights stay level 5 when third parties host it too
