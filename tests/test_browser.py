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


PRINT_WIDTH_PX = 695
"""A4's printable width at 96 px to the inch: 210 mm less the 13 mm margins each side of the report's
``@page`` (the widest margins any page sets; Chromium's default is 10 mm), 184 mm."""

_CUT_OFF_TABLES = """() => {
  const out = [];
  for (const t of document.querySelectorAll('table')) {
    const caption = (t.caption ? t.caption.innerText : t.innerText).trim().slice(0, 80);
    const right = t.getBoundingClientRect().right;
    let scrolled = false;
    for (let a = t.parentElement; a && !scrolled; a = a.parentElement) {
      scrolled = getComputedStyle(a).overflowX !== 'visible' && right > a.getBoundingClientRect().left + a.clientWidth + 1;
    }
    if (scrolled) out.push('behind a scroll bar: ' + caption);
    else if (right > window.innerWidth + 1) out.push('past the page edge: ' + caption);
  }
  return out;
}"""


def _tables_cut_off_in_print(browser, pages: list[Path]) -> dict[str, list[str]]:
    """Each page laid out for print at A4's printable width: the tables that would be cut off."""
    found: dict[str, list[str]] = {}
    for path in pages:
        page = browser.new_page(viewport={"width": PRINT_WIDTH_PX, "height": 1100})
        page.emulate_media(media="print")
        page.goto(path.resolve().as_uri(), wait_until="load")
        cut = page.evaluate(_CUT_OFF_TABLES)
        page.close()
        if cut:
            found[path.name] = cut
    return found


def test_a_wide_table_is_cut_off_without_the_print_rules(browser, tmp_path: Path) -> None:
    """The check finds what it looks for: a nine-column table in a scrolling output area, as
    JupyterLab's styles lay it out, with and without the workbench's print rules."""
    cells = "".join(f"<th>Neighbours: column {i} of a comparison</th>" for i in range(9))
    row = "".join(f"<td>{1000 + 37 * i:,}.5 (12 of 153)</td>" for i in range(9))
    body = (
        '<div class="jp-OutputArea-output jp-RenderedHTMLCommon" style="overflow-x:auto">'
        f"<table><caption>Nine columns</caption><tr>{cells}</tr><tr>{row}</tr></table></div>"
    )
    bare = tmp_path / "bare.html"
    bare.write_text(f"<html><head><title>t</title></head><body>{body}</body></html>", encoding="utf-8")
    template = Path(__file__).resolve().parent.parent / "assurance_lib" / "templates" / "assurance" / "index.html.j2"
    rules = template.read_text(encoding="utf-8").split('<style type="text/css">')[1].split("</style>")[0]
    styled = tmp_path / "styled.html"
    styled.write_text(
        f"<html><head><title>t</title><style>{rules}</style></head><body>{body}</body></html>", encoding="utf-8"
    )
    assert _tables_cut_off_in_print(browser, [bare]) == {"bare.html": ["behind a scroll bar: Nine columns"]}
    assert _tables_cut_off_in_print(browser, [styled]) == {}


@pytest.mark.slow
def test_no_table_of_a_page_is_cut_off_in_print(browser, synthetic_pack: Path) -> None:
    """Every page, Section 11's and the audit synthesis' included: their widest tables show a reader's
    selection of columns (``TableSpec.page_columns``), the full tables staying in the CSV files."""
    pages = sorted((synthetic_pack / "shareable").glob("*.html"))
    assert len(pages) == 7  # the six notebooks' pages and the front page
    assert _tables_cut_off_in_print(browser, pages) == {}
