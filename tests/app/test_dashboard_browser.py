"""The dashboard in a real headless browser (Debian chromium driven by Playwright).

The pages are visited in the order of the navigation, as a user would: Findings (shown on load), Audit,
Diffusion, Engagement, Science, the regulation model and the policy timeline; then every page again after
the first load, timing each API answer in the browser (the issue's target: under 1 s).
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from valuechain.app.server import serve_in_thread
from valuechain.audit import audit_catalog, audit_entry
from valuechain.market.equilibrium import marginal_effects, solve
from valuechain.market.policy import NOT_WWW_COLOR, POLICY_OUTCOMES, WWW_COLOR
from valuechain.policy.timeline import timeline
from valuechain.reference.colours import colour_of
from valuechain.reference.events import EVENTS

CHROMIUM = os.environ.get("VALUECHAIN_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PAGES = ("findings", "audit", "diffusion", "engagement", "science", "market", "policy")
#: The first load computes the findings ledger (about a minute on this machine, longer under load).
FIRST_LOAD_MS = 600_000


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    report_dir = tmp_path_factory.mktemp("report")
    (report_dir / "index.html").write_text("<h1>report</h1>")
    httpd, url = serve_in_thread(report_dir, warm=True)
    yield url
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: `make test` installs Debian's chromium"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(server + "/")
        page.wait_for_selector("body[data-ready='1']", timeout=FIRST_LOAD_MS)
        page.errors = errors  # type: ignore[attr-defined]
        yield page
        browser.close()


def _open(page, tab: str) -> None:
    page.click(f"nav button[data-tab='{tab}']")
    page.wait_for_selector(f"#tab-{tab}[data-loaded='1']", timeout=FIRST_LOAD_MS)


def _number(page, selector: str) -> float:
    return float(page.inner_text(selector))


def _set_slider(page, name: str, value: float) -> None:
    page.eval_on_selector(
        f"#slider-{name}", "(el, v) => { el.value = v; el.dispatchEvent(new Event('change')); }", str(value)
    )


def _rows(page) -> list[tuple[str, str]]:
    return page.eval_on_selector_all(
        "#findings-table tbody tr", "rows => rows.map(r => [r.dataset.id, r.dataset.verdict])"
    )


def test_findings_page_is_first_and_shows_the_ledger(page):
    from valuechain.findings import build_ledger

    ledger = build_ledger().to_dict()
    assert page.eval_on_selector("#tab-findings", "el => el.classList.contains('active')")
    expected = [(c["id"], c["verdict"]) for c in ledger["claims"]]
    assert [tuple(r) for r in _rows(page)] == expected
    badges = page.eval_on_selector_all(
        "#findings-table tbody tr td:nth-child(2) .badge", "bs => bs.map(b => b.textContent)"
    )
    assert badges == [verdict for _, verdict in expected]
    first = ledger["claims"][0]
    row_text = page.inner_text(f"#findings-table tbody tr[data-id='{first['id']}']")
    assert first["command"] in row_text and first["result"] in row_text
    page.select_option("#findings-paper", "C")
    assert [r[0] for r in _rows(page)] == [c["id"] for c in ledger["claims"] if c["id"].startswith("C")]
    page.select_option("#findings-paper", "")
    verdict = expected[0][1]
    page.select_option("#findings-verdict", verdict)
    assert [tuple(r) for r in _rows(page)] == [row for row in expected if row[1] == verdict]
    page.select_option("#findings-verdict", "")
    page.click("#findings-table tr[data-id='A3'] button.see")  # each claim links to its page
    assert page.eval_on_selector("#tab-engagement", "el => el.classList.contains('active')")
    page.click("nav button[data-tab='findings']")


def test_audit_search_and_compare_two_models(page):
    from valuechain.audit.catalog import find_entry

    _open(page, "audit")
    page.fill("#audit-search", "Qwen2.5-72")  # a prefix: the type-ahead list offers the full name
    page.dispatch_event("#audit-search", "change")
    page.wait_for_selector("#audit-model[data-id='qwen2.5-72b']", timeout=60_000)
    qwen = audit_entry(find_entry("qwen2.5-72b"))
    fields = page.inner_text("#audit-fields")
    assert qwen.governance.label in fields and qwen.governance.rule_id in fields
    assert qwen.solaiman["name"] in fields and str(qwen.mof["mof_class"]) in fields
    levers = page.inner_text("#audit-levers")
    for lever in qwen.governance.licence_levers:
        assert lever.replace("_", " ") in levers
        sentence = (qwen.licence or {}).get("evidence", {}).get(lever)
        if sentence:
            assert sentence[:40] in levers
    card = page.inner_text("#audit-card")
    from valuechain.config import data_dir

    assert "$VALUECHAIN_DATA/" in card and str(data_dir()) not in card  # no machine path shown

    page.fill("#audit-compare", "Llama 2 70B")
    page.dispatch_event("#audit-compare", "change")
    page.wait_for_selector("#compare-table", timeout=60_000)
    llama = audit_entry(find_entry("llama-2-70b"))
    rows = page.eval_on_selector_all(
        "#compare-table tbody tr",
        "rs => rs.map(r => [r.querySelector('th').textContent, r.className, "
        "r.querySelectorAll('td')[0].textContent, r.querySelectorAll('td')[1].textContent])",
    )
    by_label = {label: (kind, a, b) for label, kind, a, b in rows}
    assert by_label["country"] == ("diff", "CN", "US")
    assert by_label["governance model (rule that fired)"][1:] == (
        qwen.governance.label,
        llama.governance.label,
    )
    for kind, a, b in by_label.values():
        assert kind == ("same" if a == b else "diff")


def test_audit_scatter_is_labelled_with_country_colours(page):
    frame = audit_catalog()
    _open(page, "audit")
    traces = page.evaluate(
        "() => document.getElementById('audit-plot').data.map(t => [t.name, t.marker.color, t.x.length])"
    )
    assert sum(n for _, _, n in traces) == len(frame)
    assert all(color == colour_of(name) for name, color, _ in traces)
    layout = page.evaluate("() => document.getElementById('audit-plot').layout")
    assert layout["xaxis"]["title"]["text"] and layout["yaxis"]["title"]["text"]
    assert layout["legend"]["title"]["text"] == "country"
    page.select_option("#audit-country", "CN")
    assert page.inner_text("#audit-count") == f"{int((frame.country == 'CN').sum())} releases"
    page.select_option("#audit-country", "")


def test_diffusion_series_by_origin_with_shocks_marked(page, server):
    _open(page, "diffusion")
    api = json.load(urllib.request.urlopen(server + "/api/ecosystem/diffusion"))
    bars = page.evaluate(
        "() => document.getElementById('diffusion-plot').data.map(t => t.y.reduce((a, b) => a + b, 0))"
    )
    assert sum(bars) == api["total"] == sum(sum(v) for v in api["series"].values())
    colours = page.evaluate("() => document.getElementById('diffusion-plot').data.map(t => t.marker.color)")
    assert set(colours) <= {colour_of(group) for group in api["groups"]}
    shapes = page.evaluate("() => document.getElementById('diffusion-plot').layout.shapes.length")
    assert shapes == sum(1 for e in EVENTS if e.day.isoformat() >= "2022-01-01")
    assert "One family's tree" in page.inner_text("#diffusion-population")
    lineage = json.load(urllib.request.urlopen(server + "/api/ecosystem/lineage?top=25"))
    count = page.evaluate(
        "() => document.getElementById('eco-plot').data.reduce((a, t) => a + t.y.length, 0)"
    )
    assert count == len(lineage["families"]) == 25


def test_engagement_study_with_selectable_outcome_and_shock(page):
    from valuechain.engagement.innovation_graph import innovation_graph_study

    _open(page, "engagement")
    assert "Aggregate GitHub activity" in page.inner_text("#engagement-population")
    study = innovation_graph_study(shock="2022-10-07", outcome="developers").to_dict()
    assert f"{study['estimate']:.2f}" in page.inner_text("#engagement-estimate")
    names = page.evaluate("() => document.getElementById('engagement-series').data.map(t => t.name)")
    assert names == ["China", "United States", "median of the other economies"]
    page.select_option("#engagement-outcome", "git_pushes")
    page.wait_for_function(
        "() => document.getElementById('engagement-series').layout.title.text.startsWith('git_pushes')",
        timeout=120_000,
    )
    pushes = innovation_graph_study(shock="2022-10-07", outcome="git_pushes").to_dict()
    text = page.inner_text("#engagement-estimate")
    assert (f"{pushes['estimate']:.2f}" in text) if pushes["estimate"] is not None else "No estimate" in text
    placebo = page.evaluate(
        "() => (document.getElementById('engagement-placebo').data[0] || {x: []}).x.length"
    )
    assert placebo == (pushes["placebo"]["n"] if pushes["placebo"] else 0)


def test_science_usage_highlights_chinese_families(page):
    from valuechain.science import cset_usage

    _open(page, "science")
    usage = cset_usage(by="country").to_dict()
    labels = page.evaluate("() => document.getElementById('science-plot').layout.yaxis.ticktext")
    chinese_sheets = {r["sheet"] for r in usage["rows"] if r["origin_country"] in ("CN", "HK", "MO")}
    highlighted = [t for t in labels if "★" in t]
    assert chinese_sheets and len(highlighted) == len(chinese_sheets)
    assert "not a census" in page.inner_text("#science-notes")
    assert "[lower, upper]" in page.inner_text("#science-notes")
    us = page.evaluate(
        "() => document.getElementById('science-plot').data.find(t => t.name === 'United States')"
    )
    assert us["marker"]["color"] == colour_of("US")
    page.select_option("#science-by", "type")
    page.wait_for_function(
        "() => document.getElementById('science-by-word').textContent === 'organisation type'"
    )


def test_market_view_shows_the_library_equilibrium(page):
    _open(page, "market")
    assert _number(page, "#eq-consumer_surplus") == pytest.approx(float(solve().consumer_surplus), abs=1e-6)
    assert page.eval_on_selector("#market-map", "el => el.dataset.cells") == "3600"
    assert page.query_selector("#market-map .main-svg") is not None
    point = page.evaluate("() => document.getElementById('market-map').data[1]")
    assert point["x"] == [1.0] and point["y"] == [1.0]  # the sliders' point is marked


def _colour_at(scale: list[list], z: float) -> str:
    """The colour a plotly colour scale gives ``z`` in [0, 1] (the last stop at or below it)."""
    return [colour for stop, colour in scale if stop <= z][-1]


def test_win_win_win_colours_agree_with_the_library(page):
    _open(page, "market")
    page.select_option("#market-policy", "price")
    page.select_option("#market-outcome", "win_win_win")
    page.wait_for_function("() => document.getElementById('market-map').data[0].zmax === 1", timeout=30_000)
    trace = page.evaluate(
        "() => { const t = document.getElementById('market-map').data[0];"
        " return {x: t.x, y: t.y, z: t.z, colorscale: t.colorscale, colorbar: t.colorbar}; }"
    )
    assert trace["colorbar"]["title"]["text"]
    assert page.query_selector("#market-map .cbtitle") is not None  # the title is drawn, not ignored
    seen = set()
    for i, j in ((10, 10), (40, 20), (5, 50), (30, 30), (2, 2), (55, 5)):
        c, k = trace["x"][j], trace["y"][i]
        effects = marginal_effects(c=c, k=k)["gamma"]
        library = all(float(effects[o]) > 0 for o in POLICY_OUTCOMES["price"])
        z = trace["z"][i][j]
        if z is None:
            assert not solve(c=c, k=k).exists
            continue
        assert bool(z) == library, (c, k)
        colour = _colour_at(trace["colorscale"], 0.0 if z == 0 else 1.0)
        assert colour == (WWW_COLOR if library else NOT_WWW_COLOR)
        seen.add(library)
    assert seen == {True, False}
    caption = page.inner_text("#market-caption")
    assert "teal" in caption and "sand" in caption and "not all three rise" in caption
    swatches = page.eval_on_selector_all(
        "#market-caption .swatch", "s => s.map(e => getComputedStyle(e).backgroundColor)"
    )
    assert len(swatches) == 2
    page.select_option("#market-outcome", "consumer_surplus")


def test_moving_a_slider_resolves_the_model_and_explains_no_equilibrium_in_words(page):
    _open(page, "market")
    _set_slider(page, "c", 2.5)
    expected = float(solve(c=2.5).consumer_surplus)
    page.wait_for_function(
        "v => Math.abs(parseFloat(document.querySelector('#eq-consumer_surplus').textContent) - v) < 1e-6",
        arg=expected,
        timeout=15_000,
    )
    page.wait_for_function("() => document.getElementById('market-map').data[1].x[0] === 2.5", timeout=15_000)
    _set_slider(page, "c", 0.1)
    _set_slider(page, "k", 0.1)
    page.wait_for_selector("#market-status.error", timeout=15_000)
    message = page.inner_text("#market-status")
    assert "existence region" in message and "too cheap" in message
    assert not any(symbol in message for symbol in ("=", "*", "rho", "kappa"))
    _set_slider(page, "c", 1.0)
    _set_slider(page, "k", 1.0)
    page.wait_for_function("() => document.querySelector('#eq-consumer_surplus') !== null", timeout=15_000)


def test_policy_view(page):
    _open(page, "policy")
    assert page.inner_text("#policy-count") == f"{len(timeline())} dated events"
    colours = page.evaluate(
        "() => document.getElementById('policy-plot').data.map(t => [t.name, t.marker.color])"
    )
    assert all(color == colour_of(name) for name, color in colours)


def test_every_page_answers_under_a_second_after_the_first_load(page, server, capsys):
    """Reload, visit every page again and time each API answer in the browser (Resource Timing)."""
    page.goto(server + "/")
    page.wait_for_selector("body[data-ready='1']", timeout=60_000)
    for tab in PAGES[1:]:
        _open(page, tab)
    _open(page, "audit")
    page.fill("#audit-search", "DeepSeek-R1")  # a model not looked up before: its first answer counts too
    page.dispatch_event("#audit-search", "change")
    page.wait_for_selector("#audit-model[data-id='deepseek-r1']", timeout=30_000)
    timings = page.evaluate(
        "() => performance.getEntriesByType('resource').filter(e => e.name.includes('/api/'))"
        ".map(e => [new URL(e.name).pathname, Math.round(e.duration)])"
    )
    with capsys.disabled():
        print("\nAPI answer times after the first load (ms):", json.dumps(timings))
    routes = {path for path, _ in timings}
    assert {
        "/api/meta",
        "/api/findings",
        "/api/audit/catalog",
        "/api/audit/model",
        "/api/ecosystem/diffusion",
        "/api/engagement/innovation-graph",
        "/api/science/usage",
        "/api/market/map",
        "/api/policy/timeline",
    } <= routes
    slow = [(path, ms) for path, ms in timings if ms >= 1000]
    assert slow == []
    assert page.errors == []


def test_api_errors_are_one_sentence(server):
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(server + "/api/market/solve?c=abc")
    # one sentence that names the parameter and repeats the bad value
    message = json.load(info.value)["error"]
    assert re.search(r"\bc\b", message) and "'abc'" in message, message
    for query, words in (
        ("market/solve?c=abc", "'abc'"),
        ("market/solve?c=0.1&k=0.1", "existence region"),
        ("audit/model?id=no-such-model", "not a release"),
        ("engagement/innovation-graph?shock=2020-01-01", "export-control dates"),
        ("engagement/innovation-graph?outcome=stars", "not offered"),
        ("science/usage?by=year", "by must be"),
    ):
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(f"{server}/api/{query}")
        assert info.value.code == 400
        message = json.load(info.value)["error"]
        assert words in message, message
        assert (
            message.endswith(".")
            and ". " not in message
            and "\n" not in message
            and "Traceback" not in message
        )


def test_meta_serves_one_colour_per_country(server):
    from valuechain.reference.colours import country_colours

    meta = json.load(urllib.request.urlopen(server + "/api/meta"))
    assert meta["colours"] == country_colours()
    assert meta["market_colours"]["win_win_win"] == WWW_COLOR
    assert [e["date"] for e in meta["events"]] == sorted(e.day.isoformat() for e in EVENTS)


def test_report_is_served_and_paths_cannot_escape(server):
    assert b"report" in urllib.request.urlopen(server + "/report/").read()
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(server + "/report/../../etc/passwd")
    assert info.value.code == 404
