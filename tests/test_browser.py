"""Every page of a pack's ``shareable/`` opened in headless Chromium (Debian's ``chromium``).

Each page must render with no console error, show no code, give every image meaningful alt
text, and make no request to any other host (pages are opened as ``file://`` URLs; only
``file:`` and ``data:`` requests are allowed). Skips with a reason only where Chromium is
missing and ``CI`` is not set; in CI (``.ci/run`` installs Chromium) it is required.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("ASSURANCE_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CODE_SELECTOR = ".jp-InputArea, .jp-CodeMirrorEditor, .jp-InputPrompt, .hl-ipython3"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        msg = f"browser test needs Chromium at {CHROMIUM} (Debian: apt-get install chromium chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail(msg + " - required in CI")
        pytest.skip(msg)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield b
        finally:
            b.close()


def _check_pages(browser, pack: Path) -> dict[str, list[str]]:
    """Open every shareable page; return the problems found on each."""
    found: dict[str, list[str]] = {}
    pages = sorted((pack / "shareable").rglob("*.html"))
    assert pages, "the pack has no HTML pages"
    for path in pages:
        problems: list[str] = []
        page = browser.new_page()
        page.on(
            "console",
            lambda m, pr=problems: pr.append(f"console {m.type}: {m.text[:200]}") if m.type == "error" else None,
        )
        page.on("pageerror", lambda e, pr=problems: pr.append(f"page error: {str(e)[:200]}"))
        page.on(
            "request",
            lambda r, pr=problems: (
                None if r.url.startswith(("file:", "data:")) else pr.append(f"request to {r.url[:120]}")
            ),
        )
        page.goto(path.resolve().as_uri(), wait_until="load")
        page.wait_for_timeout(200)
        if page.locator(CODE_SELECTOR).count():
            problems.append(f"shows code ({page.locator(CODE_SELECTOR).count()} code elements)")
        alts = page.eval_on_selector_all("img", "els => els.map(e => e.getAttribute('alt'))")
        for alt in alts:
            if (
                alt is None
                or len(alt.strip()) < 15
                or alt.strip().lower().startswith(("no description", "image", "chart"))
            ):
                problems.append(f"image without meaningful alt text: {alt!r}")
        if not page.title().strip():
            problems.append("no <title>")
        page.close()
        if problems:
            found[str(path.relative_to(pack))] = problems
    return found


def test_demo_pack_pages_in_chromium(browser, demo_pack: Path) -> None:
    assert _check_pages(browser, demo_pack) == {}


@pytest.mark.slow
def test_synthetic_pack_pages_in_chromium(browser, synthetic_pack: Path) -> None:
    problems = _check_pages(browser, synthetic_pack)
    assert problems == {}
    # the front page links every report page of the pack
    index = (synthetic_pack / "shareable" / "index.html").read_text()
    for nb in ("01_disproportionality", "02_section11", "03_audit_synthesis", "06_assurance_report"):
        assert f"{nb}.html" in index
