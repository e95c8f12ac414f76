"""The report as a board member holds it: printed from headless Chromium on A4.

The main report (everything before the first appendix, charts included) must print to at most 12 pages;
each appendix starts a page of its own; the printed text carries no evidence key, code, raw float or
True/False. Measured on hand-built packs with every table the report reads (fast) and on the session's
real 2026-27 Q2 pack after Q1 (slow).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from test_browser import browser  # noqa: F401  (the headless Chromium fixture)
from test_report_fixtures import make_board_pack

pytestmark = pytest.mark.browser

MAX_PAGES = 12
_PDF_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def _pages(pdf: bytes) -> int:
    """Pages of a Chromium PDF (its page objects)."""
    return len(_PDF_PAGE.findall(pdf))


def printed(browser, html: Path) -> dict:  # noqa: F811
    """Print the page on A4: pages of the whole page and of the main report (the page with every appendix
    taken out), the main report's text, and the number of appendices."""
    page = browser.new_page()
    page.goto(html.resolve().as_uri())
    whole = _pages(page.pdf(format="A4", print_background=False))
    appendices = page.evaluate("document.querySelectorAll('.assurance-appendix').length")
    # the main report: the first appendix and everything after it removed
    page.evaluate(
        """() => {
        const first = document.querySelector('.assurance-appendix');
        if (!first) return;
        let cell = first.closest('.jp-Cell');
        while (cell) { const next = cell.nextElementSibling; cell.remove(); cell = next; }
    }"""
    )
    main = _pages(page.pdf(format="A4", print_background=False))
    text = page.evaluate("document.querySelector('main').innerText")
    page.close()
    return {"whole": whole, "main": main, "text": text, "appendices": appendices}


def _render(run_notebook, q2: Path, **params) -> Path:
    from assurance_lib.pipeline.render import render_html

    nb = run_notebook("06_assurance_report", q2, **params)
    return render_html(nb, q2 / "shareable" / "06_assurance_report.html", audience="shareable")


def _no_machine_text(text: str) -> None:
    assert not re.search(r"\b[a-z_]+=[\w-]", text), "an evidence key is on the page"
    assert not re.search(r"\b(True|False|nan|NaN)\b", text)
    assert not re.search(r"\d\.\d{3,}", text), "a raw float is on the page"
    assert not re.search(r"\b[A-Z]{2,}-\d{2,4}", text), "a code is on the page"
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), "a machine name (snake_case) is on the page"


@pytest.mark.slow
def test_fixture_report_prints_within_budget_appendices_apart(
    browser,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    run_notebook,
) -> None:
    out = tmp_path / "outputs"
    monkeypatch.setenv("ASSURANCE_OUTPUT_ROOT", str(out))
    make_board_pack(out / "2026-27-Q1" / "20260701T050000Z", "Q1")
    (out / "2026-27-Q1" / "LATEST").write_text("20260701T050000Z\n")
    q2 = make_board_pack(out / "2026-27-Q2" / "20261001T050000Z", "Q2")
    got = printed(browser, _render(run_notebook, q2))
    assert got["appendices"] == 5  # ranked, flags, how to read, glossary, provenance
    assert got["main"] <= MAX_PAGES
    assert got["whole"] >= got["main"] + got["appendices"]  # every appendix on a page of its own
    text = got["text"]
    assert text.index("The five things the board must know") < text.index("Assurance levels")
    # by hand (tests/test_report_fixtures.py): five findings, two about the same subject, so four ranked items
    assert text.count("Why first:") == 4
    for title in ("Neglect", "Fair outcomes for every child", "Agencies working together and learning"):
        assert title in text
    assert "Re-referrals within 12 months: 18.2% (112 of 614 children)" in text
    _no_machine_text(text)
    # and the page a screen reader meets: no serious or critical axe-core violation
    from test_accessibility import AXE, _describe, axe_violations

    if AXE.is_file():
        page = browser.new_page()
        vs = axe_violations(page, q2 / "shareable" / "06_assurance_report.html")
        page.close()
        assert not vs, _describe(vs)
    elif os.environ.get("CI"):
        pytest.fail("axe-core is required in CI (npm ci)")


@pytest.mark.slow
def test_real_q2_report_prints_to_twelve_pages_or_fewer(browser, synthetic_pack: Path) -> None:  # noqa: F811
    got = printed(browser, synthetic_pack / "shareable" / "06_assurance_report.html")
    assert got["main"] <= MAX_PAGES, f"the main report prints to {got['main']} A4 pages"
    assert got["whole"] >= got["main"] + got["appendices"]
    text = got["text"]
    assert len(re.findall(r"Why first:", text)) == 5
    assert "Assurance levels" in text and "Is anyone better off?" in text
    _no_machine_text(text)
