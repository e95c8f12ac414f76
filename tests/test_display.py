"""Displayed tables: caption, plain headings, no index, cells in full, symbols kept."""

from __future__ import annotations

import re

import pandas as pd

from assurance_lib import disproportionality as dp
from assurance_lib.display import styled


def _cells(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", html, flags=re.S)]


def _heads(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<th[^>]*>(.*?)</th>", html, flags=re.S)]


def test_styled_table_reads_as_a_table() -> None:
    long = "Synthetic: children of the synthetic partnership, mid-2026 (example data, not a real area)"
    df = pd.DataFrame({"stage_label": ["Referrals", "Child protection plan starts"],
                       "count": [2503, "[c]"], "denominator": [55000.0, 55000.0],
                       "value": [455.090909, 44.9], "year": [2025, 2024], "denominator_source": [long, long]},
                      index=[7, 9])
    s = styled(df, "All children at each stage", decimals=1)
    html = s.to_html()
    assert "<caption>All children at each stage</caption>" in html
    assert _heads(html) == ["Stage", "Children", "Denominator", "Value", "Year", "Denominator source"]
    # no index column: exactly 6 cells a row; counts with separators; symbols as they are;
    # one decimal for rates; a year is a label; long text in full
    assert _cells(html) == ["Referrals", "2,503", "55,000", "455.1", "2025", long,
                            "Child protection plan starts", "[c]", "55,000", "44.9", "2024", long]
    assert s.data.equals(df.reset_index(drop=True))


def test_deprivation_view_has_plain_headings() -> None:
    pub = pd.DataFrame({
        "measure": ["conversion_ratio", "conversion_ratio_imd"], "stage": ["s47", "s47"],
        "group_type": ["ethnicity_minor"] * 2, "group_label": ["Indian", "Indian"],
        "value": [1.345, 1.3485], "lower_95": [1.1247, 0.817], "upper_95": [1.6083, 2.2256]})
    v = dp.show_deprivation(pub, stage="s47")
    assert list(v.columns) == ["group", "ratio, crude", "95% CI lower, crude", "95% CI upper, crude",
                               "ratio, adjusted for deprivation", "95% CI lower, adjusted for deprivation",
                               "95% CI upper, adjusted for deprivation"]
    assert v.iloc[0].tolist() == ["Indian", 1.345, 1.1247, 1.6083, 1.3485, 0.817, 2.2256]
