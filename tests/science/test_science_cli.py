"""End to end: the science and patents commands as a user runs them."""

from __future__ import annotations

from pathlib import Path


def test_match_text_json(run_cli) -> None:
    result = run_cli("science", "match", "We distill DeepSeek-R1 into Qwen2.5-7B; the falcon flew.", "--json")
    assert result.returncode == 0, result.stderr
    payload = result.json()
    assert payload["schema_version"] and payload["sources"]
    assert [(m["family"], m["origin_country"], m["text"]) for m in payload["matches"]] == [
        ("deepseek", "CN", "DeepSeek-R1"),
        ("qwen", "CN", "Qwen2.5"),
    ]
    text = "We distill DeepSeek-R1 into Qwen2.5-7B; the falcon flew."
    for match in payload["matches"]:
        start, end = match["span"]
        assert text[start:end] == match["text"]


def test_match_file_and_bad_input(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "abstract.txt"
    path.write_text("Gemma 2 and Claude 3 Opus were compared.", encoding="utf-8")
    result = run_cli("science", "match", str(path), "--json")
    assert result.returncode == 0, result.stderr
    assert result.json()["families"] == ["claude", "gemma"]
    empty = run_cli("science", "match", "   ")
    assert empty.returncode == 2 and "empty" in empty.stderr and "Traceback" not in empty.stderr
    bad_dict = run_cli("science", "match", "Qwen", "--dict", str(tmp_path / "missing.yaml"))
    assert bad_dict.returncode == 2 and "missing.yaml" in bad_dict.stderr


def test_validate_json(run_cli) -> None:
    result = run_cli("science", "validate", "--json")
    assert result.returncode == 0, result.stderr
    payload = result.json()
    assert payload["summary"]["cset_sheets_at_target"] == 11
    assert payload["sources"]


def test_usage_cset_by_type_with_plot(run_cli, tmp_path: Path) -> None:
    plot = tmp_path / "usage.png"
    result = run_cli("science", "usage", "--by", "type", "--origin", "CN", "--plot", str(plot), "--json")
    assert result.returncode == 0, result.stderr
    payload = result.json()
    assert payload["kind"] == "cset" and payload["by"] == "type"
    assert {row["sheet"] for row in payload["rows"]} == {"Qwen Pubs", "Qwen-1.5 Pubs"}
    assert payload["summary"]["chinese_origin_papers"] == 17
    assert plot.stat().st_size > 1000


def test_usage_bad_inputs_exit_2_and_write_nothing(run_cli, tmp_path: Path) -> None:
    plot = tmp_path / "x.png"
    for args, word in [
        (["--by", "planet"], "--by"),
        (["--origin", "ZZ"], "ZZ"),
        (["--source", "web"], "--source"),
        (["--plot", str(tmp_path / "x.gif")], "x.gif"),
        (["--plot", str(tmp_path / "nodir" / "x.png")], "nodir"),
    ]:
        result = (
            run_cli("science", "usage", *args, "--plot", str(plot))
            if "--plot" not in args
            else run_cli("science", "usage", *args)
        )
        assert result.returncode == 2, (args, result.stderr)
        assert word in result.stderr and "Traceback" not in result.stderr
    assert not plot.exists()


def test_families_and_a_user_dictionary(run_cli, tmp_path: Path) -> None:
    listed = run_cli("science", "families", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = {row["family"]: row for row in listed.json()["families"]}
    assert rows["deepseek"]["origin_country"] == "CN" and rows["gemma"]["origin_country"] == "US"
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "families:\n  stablelm:\n    name: StableLM\n    organisation: stabilityai\n"
        "    first_release: 2023-04-19\n    source: https://stability.ai\n    keywords: [stablelm]\n"
        "    patterns: ['{B}stablelm']\n",
        encoding="utf-8",
    )
    matched = run_cli("science", "match", "StableLM-3B beats Qwen-7B", "--dict", str(extra), "--json")
    assert matched.returncode == 0, matched.stderr
    assert matched.json()["families"] == ["qwen", "stablelm"]


def test_match_refuses_a_file_that_is_not_utf8(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Qwen r\xe9sum\xe9".encode("latin-1"))
    result = run_cli("science", "match", str(path))
    assert result.returncode == 2 and "latin1.txt" in result.stderr and "Traceback" not in result.stderr
