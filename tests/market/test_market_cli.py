"""End-to-end: `valuechain market ...` as a user runs it (subprocess), JSON contract and bad inputs."""

from __future__ import annotations

import pytest

SOLVE_KEYS = {
    "fine_tuning_price",
    "inference_price",
    "retail_price",
    "effort",
    "data",
    "quality",
    "quantity",
    "consumer_surplus",
    "provider_profit",
    "firm_profit",
    "subsidy_outlay",
    "net_consumer_surplus",
    "welfare",
    "exists",
    "unique",
    "parameters",
    "schema_version",
}


def test_solve_json_contract(run_cli):
    res = run_cli("market", "solve", "--set", "c=1.5", "--set", "gamma=0.3", "--json")
    assert res.returncode == 0, res.stderr
    doc = res.json()
    assert SOLVE_KEYS <= set(doc)
    assert doc["parameters"]["c"] == 1.5 and doc["parameters"]["gamma"] == 0.3
    assert doc["exists"] is True and doc["fine_tuning_price"] == 1.5
    assert doc["sources"] and "reconstruction" in doc["sources"][0]["name"]


def test_solve_defaults_and_table(run_cli):
    doc = run_cli("market", "solve", "--json").json()
    assert doc["consumer_surplus"] == pytest.approx(1.11650974, abs=1e-8)
    table = run_cli("market", "solve")
    assert table.returncode == 0 and "consumer_surplus" in table.stdout and "1.11651" in table.stdout


def test_solve_not_unique_is_flagged(run_cli):
    doc = run_cli("market", "solve", "--set", "k=0.2", "--json").json()
    assert doc["exists"] is True and doc["unique"] is False


def test_country_presets(run_cli):
    cn = run_cli("market", "solve", "--country", "CN", "--json").json()
    us = run_cli("market", "solve", "--country", "US", "--json").json()
    assert cn["parameters"]["c"] > us["parameters"]["c"]
    assert cn["consumer_surplus"] < us["consumer_surplus"]
    assert any("assumption" in s["name"] for s in cn["sources"])
    override = run_cli("market", "solve", "--country", "CN", "--set", "c=1.2", "--json").json()
    assert override["parameters"]["c"] == 1.2


def test_effects_json(run_cli):
    doc = run_cli("market", "effects", "--json").json()
    assert set(doc) >= {"gamma", "s", "delta"}
    assert set(doc["s"]) == {"consumer_surplus", "net_consumer_surplus", "provider_profit", "firm_profit"}
    assert doc["delta"]["firm_profit"] == pytest.approx(-0.260618, abs=1e-6)
    assert doc["s"]["net_consumer_surplus"] == pytest.approx(0.141572, abs=1e-6)


def test_effects_finite_step(run_cli):
    doc = run_cli("market", "effects", "--step", "0.001", "--json").json()
    finite = doc["finite_changes"]
    for p in ("gamma", "s", "delta"):
        # a small finite change is about step x the derivative
        assert finite[p]["consumer_surplus"] / 0.001 == pytest.approx(doc[p]["consumer_surplus"], rel=5e-3)
    bad = run_cli("market", "effects", "--step", "-1")
    assert bad.returncode == 2 and "must be positive" in bad.stderr


def test_map_json_and_figure(run_cli, tmp_path):
    out = tmp_path / "subsidy.png"
    res = run_cli(
        "market",
        "map",
        "--x",
        "c=0.1:5",
        "--y",
        "k=0.1:5",
        "--n",
        "40",
        "--policy",
        "subsidy",
        "--out",
        str(out),
        "--json",
    )
    assert res.returncode == 0, res.stderr
    doc = res.json()
    assert out.stat().st_size > 1000
    assert len(doc["x"]["values"]) == 40 and doc["y"]["name"] == "k"
    matrix = doc["effects"]["net_consumer_surplus"]
    assert len(matrix) == 40 and len(matrix[0]) == 40
    assert any(v is None for row in matrix for v in row)  # no equilibrium at low C or c > 3.5
    assert any(v is not None and v > 0 for row in matrix for v in row)
    assert any(v is not None and v < 0 for row in matrix for v in row)


def test_map_without_out_writes_nothing(run_cli, tmp_path):
    work = tmp_path / "cwd"
    work.mkdir()
    res = run_cli("market", "map", "--n", "30", "--policy", "quality", cwd=work)
    assert res.returncode == 0, res.stderr
    assert "win-win-win" in res.stdout and "Figure written" not in res.stdout
    assert list(work.iterdir()) == []  # issue 13 item 4: no figure unless --out FILE


def test_claims_json(run_cli):
    res = run_cli("market", "claims", "--json")
    assert res.returncode == 0, res.stderr
    doc = res.json()
    # one object with the provenance once at the top; the claims under a named key
    assert doc["schema_version"] == "2.0" and "reconstruction" in doc["sources"][0]["name"]
    claims = doc["claims"]
    assert [c["id"] for c in claims] == [f"C{i}" for i in range(1, 8)]
    assert all(c["holds"] is True and c["evidence"] for c in claims)
    for claim in claims:
        assert {"id", "claim", "holds", "evidence"} <= set(claim) and "schema_version" not in claim


def test_human_outputs_name_the_reconstruction_and_the_parameters(run_cli, tmp_path):
    for args in (
        ("solve", "--set", "k=1.5"),
        ("effects", "--set", "k=1.5"),
        ("claims",),
        ("map", "--n", "10", "--out", str(tmp_path / "m.png")),
    ):
        res = run_cli("market", *args)
        assert res.returncode == 0, res.stderr
        assert "our reconstruction of Qian, Mehra & Liu" in res.stdout, args
    assert "k=1.5" in run_cli("market", "solve", "--set", "k=1.5").stdout
    cn = run_cli("market", "effects", "--country", "CN").stdout
    assert "country preset CN" in cn and "c=1.6" in cn
    assert "not unique" in run_cli("market", "solve", "--set", "k=0.2").stdout


def test_preset_sources_do_not_pass_rule_dates_off_as_retrieval_dates(run_cli):
    doc = run_cli("market", "solve", "--country", "CN", "--json").json()
    bis = [s for s in doc["sources"] if "federalregister.gov" in s["location"]]
    assert bis and all("retrieved" not in s and "dated 20" in s["name"] for s in bis)


def test_map_unwritable_output_is_refused_before_any_work(run_cli, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    # the parent "directory" is a regular file: nothing can be written below it
    res = run_cli("market", "map", "--n", "10", "--out", str(blocker / "m.png"))
    assert res.returncode == 2 and "cannot be written" in res.stderr
    assert "Traceback" not in res.stderr and res.stderr.strip().count("\n") == 0
    res = run_cli("market", "map", "--n", "10", "--out", str(tmp_path))
    assert res.returncode == 2 and "is a directory" in res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]  # no half-written figure


@pytest.mark.parametrize(
    "args, fragment",
    [
        (("market", "solve", "--set", "zeta=1"), "Unknown model parameter 'zeta'"),
        (("market", "solve", "--set", "c=abc"), "must be a number"),
        (("market", "solve", "--set", "c=-1"), "cost c"),
        (("market", "solve", "--set", "k=-0.5"), "cost k"),
        (("market", "solve", "--set", "c=0.2", "--set", "k=0.2"), "second-order condition"),
        (("market", "solve", "--set", "c=4"), "Y0"),
        (("market", "effects", "--set", "c=4"), "Y0"),
        (("market", "solve", "--country", "FR"), "Unknown country preset"),
        (("market", "map", "--x", "c=5:1"), "LOW < HIGH"),
        (("market", "map", "--policy", "tax", "--json"), "Unknown policy"),
        (("market", "map", "--out", "map.txt"), "must end in"),
        (("market", "map", "--n", "1"), "at least 2"),
        (("market", "map", "--x", "c=4:5", "--json"), "No equilibrium exists anywhere on the grid"),
        (("market", "map", "--n", "100000"), "at most 2000"),
        (("market", "map", "--x", "c=0.1:5", "--y", "c=0.1:5"), "different parameters"),
        (("market", "map", "--x", "c=0:1e300"), "at most 1e+06"),
        (("market", "solve", "--set", "c=nan"), "finite"),
        (("market", "solve", "--set", "a=1e300"), "at most 1e+06"),
        (("market", "solve", "--set", "gamma=-0.1"), "gamma"),
    ],
)
def test_bad_input_one_sentence_exit_2(run_cli, args, fragment):
    res = run_cli(*args)
    assert res.returncode == 2
    assert fragment in res.stderr
    assert "Traceback" not in res.stderr and res.stderr.strip().count("\n") == 0
