"""Policy maps, figures and country presets."""

from __future__ import annotations

import re

import numpy as np
import pytest

from valuechain.errors import InputError
from valuechain.market import Parameters, marginal_effects
from valuechain.market.equilibrium import thresholds
from valuechain.market.policy import Axis, all_policy_effects, parse_axis, plot_map, policy_map
from valuechain.market.presets import country_preset, load_presets


def test_parse_axis_and_errors():
    ax = parse_axis("c=0.1:5", 50)
    assert ax.name == "c" and ax.values[0] == 0.1 and ax.values[-1] == 5.0 and ax.values.size == 50
    for bad, msg in [
        ("zz=0:1", "Unknown model parameter"),
        ("c=1", "NAME=LOW:HIGH"),
        ("c=2:1", "LOW < HIGH"),
        ("c=a:1", "must be a number"),
    ]:
        with pytest.raises(InputError, match=msg):
            parse_axis(bad, 10)
    with pytest.raises(InputError, match="at least 2"):
        parse_axis("c=0:1", 1)


def test_map_cells_equal_pointwise_effects_and_nan_outside():
    x, y = Axis("c", np.linspace(0.1, 5, 23)), Axis("k", np.linspace(0.1, 5, 17))
    pmap = policy_map("subsidy", x, y)
    assert pmap.effects["net_consumer_surplus"].shape == (17, 23)
    assert np.isnan(pmap.effects["provider_profit"][~pmap.exists]).all()
    i, j = 8, 5
    assert pmap.exists[i, j]
    point = marginal_effects(Parameters(c=x.values[j], k=y.values[i]))
    assert pmap.effects["net_consumer_surplus"][i, j] == pytest.approx(
        float(point["s"]["net_consumer_surplus"])
    )
    doc = pmap.to_dict()
    assert doc["x"]["name"] == "c" and len(doc["effects"]["firm_profit"]) == 17
    assert set(doc["effects"]) == {"net_consumer_surplus", "provider_profit", "firm_profit"}


def test_win_win_win_region_of_price_policy_follows_the_thresholds():
    # along k with c = 1 (so C = 1 + k): win-win-win for C in (C_price, C_firm_price)
    x, y = Axis("c", np.array([1.0, 1.1])), Axis("k", np.linspace(0.0, 6.0, 601))
    pmap = policy_map("price", x, y)
    th = thresholds(Parameters())
    big_c = 1.0 + y.values
    inside = (big_c > float(th["C_price"]) + 1e-9) & (big_c < float(th["C_firm_price"]) - 1e-9)
    assert np.array_equal(pmap.win_win_win[:, 0], inside & pmap.exists[:, 0])


def test_quality_policy_raises_cs_everywhere_on_the_map():
    pmap = policy_map("quality", parse_axis("c=0.1:5", 60), parse_axis("k=0.1:5", 60))
    cs = pmap.effects["consumer_surplus"][pmap.exists]
    assert cs.size > 1000 and (cs > 0).all()
    assert (pmap.effects["firm_profit"][pmap.exists] < 0).all()


def test_map_rejects_bad_policy_and_same_axes():
    ax = parse_axis("c=0.1:5", 5)
    with pytest.raises(InputError, match="Unknown policy"):
        policy_map("tax", ax, parse_axis("k=0.1:5", 5))
    with pytest.raises(InputError, match="different parameters"):
        policy_map("price", ax, ax)


def test_all_policy_effects_share_one_equilibrium():
    x, y = parse_axis("c=0.1:5", 30), parse_axis("k=0.1:5", 20)
    eff = all_policy_effects(x, y)
    assert set(eff) == {"gamma", "s", "delta"}
    assert np.allclose(
        eff["delta"]["consumer_surplus"],
        policy_map("quality", x, y).effects["consumer_surplus"],
        equal_nan=True,
    )


@pytest.mark.parametrize("suffix", [".png", ".svg", ".html"])
def test_figures_are_written(tmp_path, suffix):
    pmap = policy_map("price", parse_axis("c=0.1:5", 30), parse_axis("k=0.1:5", 30))
    path = plot_map(pmap, tmp_path / f"map{suffix}")
    assert path.stat().st_size > 1000
    assert not list(tmp_path.glob(".map*"))  # no temporary file left behind
    with pytest.raises(InputError, match="must end in"):
        plot_map(pmap, tmp_path / "map.txt")
    if suffix == ".svg":  # readable for an analyst: axis meanings, legend, the reconstruction note
        text = path.read_text(encoding="utf-8")
        assert "<text" in text  # real text, not glyph outlines
        for phrase in (
            "compute cost c",
            "data preprocessing cost k",
            "no equilibrium",
            "existence boundary",
            "threshold: effect = 0",
            "win-win-win",
            "our reconstruction of Qian",
        ):
            assert phrase in text, phrase
    if suffix == ".html":  # self-contained: works offline, no CDN script
        text = path.read_text(encoding="utf-8")
        assert '<script src="https://cdn' not in text and "our reconstruction of Qian" in text


def test_figure_write_failure_is_one_sentence_and_leaves_nothing(tmp_path):
    pmap = policy_map("price", parse_axis("c=0.1:5", 10), parse_axis("k=0.1:5", 10))
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="cannot be written"):
        plot_map(pmap, blocker / "sub" / "map.png")
    (tmp_path / "dir.png").mkdir()
    with pytest.raises(InputError, match="is a directory"):
        plot_map(pmap, tmp_path / "dir.png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir.png", "file"]


def test_map_marks_the_uniqueness_region():
    pmap = policy_map("price", parse_axis("c=0.1:5", 50), parse_axis("k=0.1:5", 50))
    assert pmap.unique.shape == pmap.exists.shape
    assert (pmap.exists & ~pmap.unique).any() and not (pmap.unique & ~pmap.exists).any()


def test_country_presets_are_documented_assumptions():
    presets = load_presets()
    assert {"CN", "US"} <= set(presets)
    assert presets["CN"].parameters["c"] > presets["US"].parameters["c"]
    assert "assumption" in presets["CN"].rationale.lower()
    assert presets["CN"].sources
    with pytest.raises(InputError, match="Unknown country preset"):
        country_preset("FR")


def test_user_presets_file(tmp_path):
    custom = tmp_path / "p.yaml"
    custom.write_text("presets:\n  CN:\n    label: x\n    parameters: {c: 2.5, k: 0.5}\n", encoding="utf-8")
    assert country_preset("cn", custom).parameters == {"c": 2.5, "k": 0.5}
    bad = tmp_path / "bad.yaml"
    bad.write_text("presets:\n  CN:\n    parameters: {zeta: 1}\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown parameter 'zeta'"):
        load_presets(bad)
    with pytest.raises(InputError, match="does not exist"):
        load_presets(tmp_path / "missing.yaml")
    with pytest.raises(InputError, match="not a regular file"):
        load_presets(tmp_path)


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("presets:\n  CN: [1, 2]\n", r"at presets\.CN: Input should be a valid dictionary\.$"),
        (
            "presets:\n  CN:\n    parameters: [1, 2]\n",
            r"at presets\.CN\.parameters: Input should be a valid dictionary\.$",
        ),
        (
            "presets:\n  CN:\n    parameters: {c: 1.2}\n    sources: 5\n",
            r"at presets\.CN\.sources: Input should be a valid list\.$",
        ),
        ("presets:\n  CN:\n    parameters: {c: yes}\n", r"c is set to a non-number True\.$"),
        ("- just a list\n", r"is not valid: Input should be a valid dictionary\.$"),
        ("presets: {CN: {parameters: {c: [}}", r"is not valid YAML at line 1\.$"),
    ],
)
def test_malformed_presets_files_are_one_sentence(tmp_path, text, fragment):
    """The presets file is validated by a pydantic model: the first problem, where it is, one sentence."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"^The presets file .*bad\.yaml ") as info:
        load_presets(bad)
    assert re.search(fragment, str(info.value)), str(info.value)
    bad.write_bytes(bytes(range(256)))
    with pytest.raises(InputError, match=r"^The presets file .*bad\.yaml is a binary file, not a text\.$"):
        load_presets(bad)


def test_large_maps_are_thinned_for_drawing_only():
    pmap = policy_map("subsidy", parse_axis("c=0.1:5", 1201), parse_axis("k=0.1:5", 1001))
    thin = pmap.thinned(500)
    assert thin.x.values.size <= 500 and thin.y.values.size <= 500
    assert thin.effects["firm_profit"].shape == (thin.y.values.size, thin.x.values.size)
    assert thin.x.values[0] == 0.1 and thin.exists.shape == thin.unique.shape
    # a kept cell is the same cell of the full map
    assert thin.exists[100, 90]
    assert (
        thin.effects["net_consumer_surplus"][100, 90] == pmap.effects["net_consumer_surplus"][100 * 3, 90 * 3]
    )
    assert pmap.thinned(5000) is pmap


def test_html_colours_keep_the_sign_of_tiny_and_huge_effects():
    from valuechain.market.policy import _sign_rank_colour

    z = np.array([[1e-9, -1e-9, np.nan], [1e6, -3.0, 0.5]])
    col = _sign_rank_colour(z)
    assert col[0, 2] is None
    values = np.array([[col[0, 0], col[0, 1]], [col[1, 0], col[1, 1]]], dtype=float)
    assert (np.sign(values) == np.sign(z[:, :2])).all() and (np.abs(values) >= 0.3).all()
    assert col[1, 0] == 1.0  # the largest magnitude gets the strongest colour
