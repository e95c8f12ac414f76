"""The yearly pack of the session's real packs (2026-27 Q1 and Q2 of the synthetic partnership):
figures copied exactly, the children's summary readable by a child of 9 to 11, every page accessible.

The quarterly packs are copied to a folder of this module (the session's packs are read only), and
``run_year`` builds the yearly pack there. The figures are checked against the quarterly CSVs read
directly here; the reading age is measured with textstat; the pages are checked with axe-core in
Chromium as the quarterly pages are (``tests/test_accessibility.py``).

**Reading age target.** The summary must read at Flesch-Kincaid grade 5 or below: a US school grade,
so a reading age of 10 or below (grade + 5), inside the target of 9 to 11 years; no sentence longer
than 15 words. Headings are left out; each list item is measured as a sentence of its own.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from assurance_lib.yearly import run_year

FK_GRADE_MAX = 5.0
"""Flesch-Kincaid grade 5 = reading age 10."""
SENTENCE_WORDS_MAX = 15
JARGON = (
    "safeguarding",
    "disproportionality",
    "section 11",
    "multi-agency",
    "threshold",
    "statutory",
    "rag",
    "cohort",
    "quartile",
    "assurance",
    "s47",
    "icpc",
    "cla",
    "cpp",
    "ratio",
    "[c]",
    "[x]",
)


@pytest.fixture(scope="module")
def year_pack(quarterly_packs, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("yearly") / "outputs"
    for pack in (quarterly_packs.q1, quarterly_packs.q2):
        dest = out / pack.parent.name
        shutil.copytree(pack, dest / pack.name)
        (dest / "LATEST").write_text(pack.name + "\n", encoding="utf-8")
    result = run_year("2026-27", output_root=out, quiet=True)
    assert result.code == 0, result.message
    assert result.pack is not None
    return result.pack


def _sentences(md: str) -> list[str]:
    """The summary's prose sentences: each paragraph line and list item, split at full stops (headings left out)."""
    out = []
    for line in md.splitlines():
        if line.startswith("#"):
            continue
        line = re.sub(r"^-\s+", "", line).strip()
        if not line:
            continue
        if not line.endswith((".", "!", "?", ":")):
            line += "."
        out += [s for s in re.split(r"(?<=[.!?:])\s+", line) if s]
    return out


def test_figures_are_the_quarterly_packs_own(quarterly_packs, year_pack: Path) -> None:
    def quarter(pack: Path, name: str) -> pd.DataFrame:
        return pd.read_csv(pack / "shareable" / "tables" / f"{name}.csv", dtype=str, keep_default_na=False)

    eq = pd.read_csv(year_pack / "shareable" / "tables" / "year_equality.csv", dtype=str, keep_default_na=False)
    for q, pack in (("Q1", quarterly_packs.q1), ("Q2", quarterly_packs.q2)):
        src = quarter(pack, "disproportionality")
        want = src[(src["stage"] == "referral") & (src["measure"] == "rate_ratio") & (src["group_type"] == "sex")]
        got = eq[(eq["stage"] == "referral") & (eq["measure"] == "rate_ratio") & (eq["group_type"] == "sex")]
        # copied exactly, except that no value at all there ("") is written [x], not available
        shown = want["value"].replace("", "[x]")
        assert sorted(zip(want["group"], want["count"], shown)) == sorted(
            zip(got["group"], got[f"children_{q}"], got[f"value_{q}"])
        )
    # the year's audits are those each pack ran "this period", counted once
    audits = pd.read_csv(year_pack / "shareable" / "tables" / "year_audits.csv", dtype=str, keep_default_na=False)
    cases = 0
    for pack in (quarterly_packs.q1, quarterly_packs.q2):
        reg = quarter(pack, "audit_register")
        cases += pd.to_numeric(reg.loc[reg["role"] == "this period", "n_cases"]).sum()
    assert audits.iloc[-1]["n_cases"] == str(int(cases))


def test_two_quarters_are_labelled_as_not_a_full_year(year_pack: Path) -> None:
    page = (year_pack / "shareable" / "data_appendix.html").read_text(encoding="utf-8")
    assert "This roll-up is not a full year" in page and "2 of 4 quarters" in page
    md = (year_pack / "shareable" / "text" / "children_summary.md").read_text(encoding="utf-8")
    assert "from April 2026 to September 2026" in md and "It is only part of the year." in md


def test_children_summary_reading_age(year_pack: Path) -> None:
    import textstat

    md = (year_pack / "shareable" / "text" / "children_summary.md").read_text(encoding="utf-8")
    sentences = _sentences(md)
    text = " ".join(sentences)
    grade = textstat.flesch_kincaid_grade(text)
    print(
        f"children's summary: Flesch-Kincaid grade {grade} (reading age {grade + 5:.1f}), "
        f"Flesch reading ease {textstat.flesch_reading_ease(text)}, {len(sentences)} sentences"
    )
    assert grade <= FK_GRADE_MAX
    long = [s for s in sentences if len(s.split()) > SENTENCE_WORDS_MAX]
    assert not long, long
    low = md.lower()
    assert not [j for j in JARGON if re.search(rf"(?<![a-z]){re.escape(j)}(?![a-z])", low)]


def test_reading_age_measure_can_fail() -> None:
    """The same measure rejects the language of the board report."""
    import textstat

    board = (
        "The partnership's multi-agency safeguarding arrangements demonstrate statistically significant "
        "disproportionality in child protection conference conversion ratios for minority ethnic cohorts."
    )
    assert textstat.flesch_kincaid_grade(board) > FK_GRADE_MAX


def test_yearly_pages_have_no_serious_or_critical_axe_violation(year_pack: Path) -> None:
    from test_accessibility import ARGS, CHROMIUM, _describe, _require_browser, axe_violations

    _require_browser()
    from playwright.sync_api import sync_playwright

    pages = sorted((year_pack / "shareable").rglob("*.html"))
    assert {p.name for p in pages} == {"index.html", "data_appendix.html", "children_summary.html"}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page()
            problems = {f.name: _describe(vs) for f in pages if (vs := axe_violations(page, f))}
            # keyboard: the skip link comes first and moves to the main content
            page.goto((year_pack / "shareable" / "children_summary.html").resolve().as_uri())
            page.keyboard.press("Tab")
            assert page.evaluate("() => document.activeElement.getAttribute('href')") == "#main"
            page.keyboard.press("Enter")
            assert page.evaluate("() => location.hash") == "#main"
        finally:
            browser.close()
    assert not problems, problems


def test_yearly_pack_has_no_identifier(year_pack: Path) -> None:
    from assurance_lib import disclosure

    assert disclosure.scan_pack(year_pack) == []
    for f in ("children_summary.html", "text/children_summary.md"):
        text = (year_pack / "shareable" / f).read_text(encoding="utf-8")
        assert not re.search(r"AUD-\d|\d{8}T\d{6}Z", text), f
