"""The dashboard in a real headless browser (Debian chromium driven by Playwright)."""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from valuechain.app.server import serve_in_thread
from valuechain.audit.ranking import audit_catalog
from valuechain.market.equilibrium import solve
from valuechain.policy.timeline import timeline

CHROMIUM = os.environ.get("VALUECHAIN_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    report_dir = tmp_path_factory.mktemp("report")
    (report_dir / "index.html").write_text("<h1>report</h1>")
    httpd, url = serve_in_thread(report_dir)
    yield url
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: `make test` installs Debian's chromium"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1300, "height": 1000})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(server + "/")
        page.wait_for_selector("body[data-ready='1']", timeout=30_000)
        page.errors = errors  # type: ignore[attr-defined]
        yield page
        browser.close()


def _number(page, selector: str) -> float:
    return float(page.inner_text(selector))


def _set_slider(page, name: str, value: float) -> None:
    page.eval_on_selector(
        f"#slider-{name}", "(el, v) => { el.value = v; el.dispatchEvent(new Event('change')); }", str(value)
    )


def test_market_view_shows_the_library_equilibrium(page):
    assert _number(page, "#eq-consumer_surplus") == pytest.approx(float(solve().consumer_surplus), abs=1e-6)
    assert page.eval_on_selector("#market-map", "el => el.dataset.cells") == "3600"
    assert page.query_selector("#market-map .main-svg") is not None
    assert page.errors == []


def test_moving_a_slider_resolves_the_model(page):
    _set_slider(page, "c", 2.5)
    expected = float(solve(c=2.5).consumer_surplus)
    page.wait_for_function(
        "v => Math.abs(parseFloat(document.querySelector('#eq-consumer_surplus').textContent) - v) < 1e-6",
        arg=expected, timeout=15_000,
    )
    _set_slider(page, "c", 0.1)
    _set_slider(page, "k", 0.1)
    page.wait_for_selector("#market-status.error", timeout=15_000)
    assert "existence region" in page.inner_text("#market-status")
    _set_slider(page, "c", 1.0)
    _set_slider(page, "k", 1.0)
    page.wait_for_function("() => document.querySelector('#eq-consumer_surplus') !== null", timeout=15_000)


def test_audit_view_plots_every_catalogue_release_and_filters_by_country(page, tmp_path):
    frame = audit_catalog()
    page.click("nav button[data-tab='audit']")
    page.wait_for_function("() => document.querySelector('#audit-count').textContent.includes('releases')",
                           timeout=60_000)
    points = page.evaluate("() => document.getElementById('audit-plot').data.reduce((a, t) => a + t.x.length, 0)")
    assert points == len(frame)
    page.select_option("#audit-country", "CN")
    assert page.inner_text("#audit-count") == f"{int((frame.country == 'CN').sum())} releases"
    page.screenshot(path=str(tmp_path / "audit.png"), full_page=True)
    assert (tmp_path / "audit.png").stat().st_size > 10_000


def test_diffusion_and_policy_views(page, server):
    page.click("nav button[data-tab='ecosystem']")
    page.wait_for_function("() => (document.getElementById('eco-plot').data || []).length > 0", timeout=60_000)
    api = json.load(urllib.request.urlopen(server + "/api/ecosystem/lineage?top=25"))
    bars = page.evaluate("() => document.getElementById('eco-plot').data.reduce((a, t) => a + t.y.length, 0)")
    assert bars == len(api["families"]) == 25
    page.click("nav button[data-tab='policy']")
    page.wait_for_function("() => document.querySelector('#policy-count').textContent.includes('events')",
                           timeout=30_000)
    assert page.inner_text("#policy-count") == f"{len(timeline())} dated events"
    assert page.errors == []


def test_api_errors_are_one_sentence(server):
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(server + "/api/market/solve?c=abc")
    assert info.value.code == 400
    message = json.load(info.value)["error"]
    # one sentence that names the parameter and repeats the bad value
    assert re.search(r"\bc\b", message) and "'abc'" in message, message
    assert message.endswith(".") and ". " not in message and "\n" not in message and "Traceback" not in message
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(server + "/api/market/solve?c=0.1&k=0.1")
    assert "existence region" in json.load(info.value)["error"]


def test_report_is_served_and_paths_cannot_escape(server):
    assert b"report" in urllib.request.urlopen(server + "/report/").read()
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(server + "/report/../../etc/passwd")
    assert info.value.code == 404
