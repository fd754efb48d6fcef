"""Regenerate the README's picture of ``escsim report`` (docs/report-screenshot.png).

Usage (from anywhere; needs Debian's chromium and the ``playwright`` package of the test extra)::

    python docs/make_report_screenshot.py

Writes the report of ``scenarios/base.yaml`` compared with the crisis hotline to a temporary
file, opens it in headless Chromium and saves the top of the page.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "report-screenshot.png"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main() -> None:
    chromium = shutil.which("chromium") or sys.exit("needs chromium (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.html"
        subprocess.run([Path(sys.executable).with_name("escsim"), "report", "scenarios/base.yaml",
                        "--compare", "scenarios/lever_crisis_hotline.yaml", "--out", str(report),
                        "--quiet"], cwd=REPO, check=True)
        with sync_playwright() as pw:
            browser = pw.chromium.launch_persistent_context(
                str(Path(tmp) / "profile"), executable_path=chromium, headless=True, args=FLAGS,
                viewport={"width": 1000, "height": 1500})
            page = browser.new_page()
            page.goto(report.as_uri())
            page.wait_for_selector("svg.main-svg g.trace")
            page.wait_for_timeout(500)
            page.screenshot(path=str(OUT))
            browser.close()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
