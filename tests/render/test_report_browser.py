"""The HTML report in headless Chromium: charts render, nothing fails, nothing is fetched.

Needs Debian's ``chromium`` (``.ci/run`` installs it); skipped only when it is absent. Driven
by the ``playwright`` package against that browser (no browser download).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from escalation_sim.cli.app import app

REPO = Path(__file__).resolve().parents[2]
BASE = REPO / "scenarios" / "base.yaml"
HOTLINE = REPO / "scenarios" / "lever_crisis_hotline.yaml"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
EVIL = "<script>window.pwned=1</script>"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CHARTS = 8  # outcomes and differences (how it ends, how bad it got), two fan charts, trade, energy

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed "
                                "(apt-get install chromium; .ci/run does this)")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    result = CliRunner().invoke(app, [
        "report", str(BASE), "--compare", str(HOTLINE), "--runs", "300", "--days", "90",
        "--workers", "1", "--set", f"name={EVIL} base", "--set", f"actors.baku.name={EVIL}",
        "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    return out


@pytest.mark.slow
def test_report_renders_in_chromium_without_errors_or_network(report, tmp_path):
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    fetched: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, args=FLAGS,
            viewport={"width": 1100, "height": 900})
        try:
            page = browser.new_page()
            page.on("console", lambda m: m.type == "error" and problems.append(m.text))
            page.on("pageerror", lambda exc: problems.append(str(exc)))
            page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))

            def no_network(route):
                if not route.request.url.startswith("file:"):
                    fetched.append(route.request.url)
                    return route.abort()
                return route.continue_()

            page.route("**/*", no_network)
            page.goto(report.as_uri())
            page.wait_for_function(
                "n => [...document.querySelectorAll('.js-plotly-plot')]"
                ".filter(d => d.querySelector('svg.main-svg g.trace')).length === n",
                arg=CHARTS, timeout=30_000)
            plots = page.locator(".js-plotly-plot")
            assert plots.count() == CHARTS
            for i in range(CHARTS):
                box = plots.nth(i).bounding_box()
                assert box and box["width"] > 500 and box["height"] > 250
            # one bar trace per scenario on each outcome chart (how it ends, how bad it got)
            assert page.locator("svg.main-svg g.trace.bars").count() == 4
            # scenario text shows literally and runs nothing
            assert page.locator("h1").inner_text() == f"{EVIL} base"
            assert page.evaluate("typeof window.pwned") == "undefined"
            titles = page.locator(".gtitle").all_text_contents()
            assert f"{EVIL}: rung over time" in titles
            shot = tmp_path / "report.png"
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert problems == [] and fetched == []
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
