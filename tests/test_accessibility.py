"""Accessibility of the output pack, checked in a real browser.

axe-core (``node_modules/axe-core``, installed by ``npm ci`` from package.json) runs inside
headless Chromium against every HTML page of a pack's ``shareable/`` folder: no violation of
serious or critical impact is allowed. The pages are those of the session's real pack
(``synthetic_pack`` in conftest: ``assurance run`` on the synthetic partnership, 2026-27 Q2): the
front page, the report and the three analyses. The front page is also checked by keyboard: Tab
from the top reaches every link in document order, the skip link first. Pages are opened as
``file://`` URLs; nothing is served over the network.

The tests skip only when Chromium or axe-core is missing on a developer's machine; with the
``CI`` environment variable set they fail instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("ASSURANCE_CHROMIUM", "/usr/bin/chromium"))
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.browser


def _require_browser() -> None:
    missing = [str(p) for p in (CHROMIUM, AXE) if not p.is_file()]
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright Python package")
    if missing:
        msg = f"accessibility check needs {', '.join(missing)} (install Chromium; run `npm ci` in the project root)"
        if os.environ.get("CI"):
            pytest.fail(msg + " - required in CI")
        pytest.skip(msg)


@pytest.fixture(scope="module")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def pack(synthetic_pack: Path) -> Path:
    """The real pack of the session (read only)."""
    return synthetic_pack


def axe_violations(page, path: Path) -> list[dict]:
    """Serious and critical axe-core violations of one page (``file://``)."""
    page.goto(path.resolve().as_uri())
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v.get("impact") in ("serious", "critical")]


def _describe(vs: list[dict]) -> str:
    return "; ".join(f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}" for v in vs)


def test_every_shareable_page_has_no_serious_or_critical_axe_violation(browser, pack: Path) -> None:
    pages = sorted((pack / "shareable").rglob("*.html"))
    names = {p.name for p in pages}
    assert {
        "index.html",
        "06_assurance_report.html",
        "01_disproportionality.html",
        "02_section11.html",
        "03_audit_synthesis.html",
    } <= names
    page = browser.new_page()
    problems = {str(p.relative_to(pack)): _describe(vs) for p in pages if (vs := axe_violations(page, p))}
    page.close()
    assert not problems, problems


def test_axe_does_find_a_planted_violation(browser, tmp_path: Path) -> None:
    """The check can fail: an image without alt text and an unlabelled input are caught."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><head><title>x</title></head><body><img src='x.png'><input type='text'></body></html>"
    )
    page = browser.new_page()
    ids = {v["id"] for v in axe_violations(page, bad)}
    page.close()
    assert "image-alt" in ids


def test_keyboard_reaches_every_link_of_the_index_in_order(browser, pack: Path) -> None:
    page = browser.new_page()
    page.goto((pack / "shareable" / "index.html").resolve().as_uri())
    expected = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert expected[0] == "#main"
    reached = []
    for _ in range(len(expected)):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("() => document.activeElement && document.activeElement.getAttribute('href')"))
    assert reached == expected
    page.close()


def test_skip_link_is_visible_on_focus_and_moves_to_main(browser, pack: Path) -> None:
    page = browser.new_page()
    page.goto((pack / "shareable" / "index.html").resolve().as_uri())
    page.keyboard.press("Tab")
    box = page.evaluate("() => document.activeElement.getBoundingClientRect().left")
    assert box >= 0, "the skip link must come on screen when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#main"
    page.close()


def test_every_image_in_the_pack_pages_has_meaningful_alt_text(browser, pack: Path) -> None:
    page = browser.new_page()
    for p in sorted((pack / "shareable").rglob("*.html")):
        page.goto(p.resolve().as_uri())
        alts = page.eval_on_selector_all("img", "els => els.map(e => (e.getAttribute('alt') || '').trim())")
        for a in alts:
            assert len(a) >= 20 and not a.lower().startswith(("image", "chart", "figure", "no description")), (
                p.name,
                a,
            )
    page.close()
