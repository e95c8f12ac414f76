"""Notebook 04 in the session's quarterly pack (2026-27 Q2, the synthetic partnership, on its defaults):
the published interface the report reads, the flags contract, the charts and the one-page scorecard."""

from __future__ import annotations

import csv
import json
import os
import re
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

INTERFACE = (
    "indicator, title, oba, polarity, unit, value, lower, upper, numerator, denominator, method, england, region, "
    "neighbours_median, neighbours_q1, neighbours_q3, rank_among_neighbours, variation, assurance, direction, themes, "
    "source"
).split(", ")
SERIES = (
    "indicator, point_label, point_end, value, numerator, denominator, mean, lower_limit, upper_limit, special_cause"
)
FLAGS_V2 = (
    "analysis, category, subject, measure, value, lower, upper, statement, evidence_table, evidence_key, evidence, "
    "direction, effect, effect_unit, affected, agency, statutory_partner, themes, first_period"
).split(", ")


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_core_indicators_publish_the_interface_one_row_per_indicator(synthetic_pack: Path) -> None:
    rows = _rows(synthetic_pack / "shareable/tables/core_indicators.csv")
    assert list(rows[0])[: len(INTERFACE)] == INTERFACE
    catalogue = yaml.safe_load((ROOT / "data/frameworks/core_indicators.yaml").read_text(encoding="utf-8"))
    assert [r["indicator"] for r in rows] == [i["id"] for i in catalogue["indicators"]]
    assert {r["oba"] for r in rows} == {"how much", "how well", "better off"}
    assert {r["direction"] for r in rows} <= {"concern", "strength", "context", ""}
    themes = set(yaml.safe_load((ROOT / "data/frameworks/priorities.yaml").read_text(encoding="utf-8"))["priorities"])
    assert all(t in themes for r in rows for t in r["themes"].split(";") if t)
    # the DfE comparator of re-referrals is England's 2024-25 figure from c1: 142,900 of 632,830 = 22.58%
    rr = next(r for r in rows if r["indicator"] == "rereferrals")
    assert float(rr["england"]) == 22.58


def test_core_series_and_charts(synthetic_pack: Path) -> None:
    rows = _rows(synthetic_pack / "shareable/tables/core_series.csv")
    assert list(rows[0])[:10] == SERIES.split(", ")
    referrals = [r for r in rows if r["indicator"] == "referrals_rate"]
    assert len(referrals) >= 12 and {r["special_cause"] for r in referrals} <= {"high", "low", ""}
    figures = synthetic_pack / "shareable/figures"
    for ind in {r["indicator"] for r in rows}:
        assert (figures / f"core_chart_{ind}.png").exists() or all(
            r["value"] in ("", "[c]") for r in rows if r["indicator"] == ind
        )


def test_flags_have_the_version_2_columns(synthetic_pack: Path) -> None:
    path = synthetic_pack / "shareable/tables/flags_core_dataset.csv"
    with open(path, encoding="utf-8") as f:
        header = next(csv.reader(f))
    assert all(c in header for c in FLAGS_V2)
    for r in _rows(path):
        assert r["direction"] in ("concern", "strength") and r["evidence_table"] == "core_indicators"


def test_scorecard_and_declarations(synthetic_pack: Path) -> None:
    page = (synthetic_pack / "shareable/letters/core_scorecard.html").read_text(encoding="utf-8")
    assert "Is anyone better off?" in page and "<svg" in page
    assert "<script" not in page and 'src="http' not in page  # self-contained
    index = json.loads((synthetic_pack / "shareable/tables/index.json").read_text(encoding="utf-8"))
    names = {t["name"] for t in (index["tables"] if isinstance(index, dict) else index)}
    assert {"core_indicators", "core_series", "core_benchmarks", "core_gaps", "flags_core_dataset"} <= names


@pytest.mark.browser
def test_scorecard_prints_on_one_a4_page(synthetic_pack: Path) -> None:
    """Printed by Chromium (as a board member would print it), the scorecard is one A4 page."""
    chromium = Path(os.environ.get("ASSURANCE_CHROMIUM", "/usr/bin/chromium"))
    if not chromium.is_file():
        msg = f"needs Chromium at {chromium} (Debian: apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(msg + " - required in CI")
        pytest.skip(msg)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(chromium), args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            page = b.new_page()
            page.goto((synthetic_pack / "shareable/letters/core_scorecard.html").as_uri())
            pdf = page.pdf(prefer_css_page_size=True)
        finally:
            b.close()
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1
