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
    df = pd.DataFrame(
        {
            "stage_label": ["Referrals", "Child protection plan starts"],
            "count": [2503, "[c]"],
            "denominator": [55000.0, 55000.0],
            "value": [455.090909, 44.9],
            "year": [2025, 2024],
            "denominator_source": [long, long],
        },
        index=[7, 9],
    )
    s = styled(df, "All children at each stage", decimals=1)
    html = s.to_html()
    assert "<caption>All children at each stage</caption>" in html
    assert _heads(html) == ["Stage", "Children", "Denominator", "Value", "Year", "Denominator source"]
    # no index column: exactly 6 cells a row; counts with separators; symbols as they are;
    # one decimal for rates; a year is a label; long text in full
    assert _cells(html) == [
        "Referrals",
        "2,503",
        "55,000",
        "455.1",
        "2025",
        long,
        "Child protection plan starts",
        "[c]",
        "55,000",
        "44.9",
        "2024",
        long,
    ]
    assert s.data.equals(df.reset_index(drop=True))


def test_deprivation_view_has_plain_headings() -> None:
    pub = pd.DataFrame(
        {
            "measure": ["conversion_ratio", "conversion_ratio_imd"],
            "stage": ["s47", "s47"],
            "group_type": ["ethnicity_minor"] * 2,
            "group_label": ["Indian", "Indian"],
            "value": [1.345, 1.3485],
            "lower_95": [1.1247, 0.817],
            "upper_95": [1.6083, 2.2256],
        }
    )
    v = dp.deprivation_data(pub, stage="s47")
    assert list(v.columns) == [
        "group",
        "ratio, crude",
        "95% CI lower, crude",
        "95% CI upper, crude",
        "ratio, adjusted for deprivation",
        "95% CI lower, adjusted for deprivation",
        "95% CI upper, adjusted for deprivation",
    ]
    assert v.iloc[0].tolist() == ["Indian", 1.345, 1.1247, 1.6083, 1.3485, 0.817, 2.2256]


def test_provenance_gives_full_digests_and_names_absent_inputs(tmp_path) -> None:
    import hashlib
    from pathlib import Path

    from assurance_lib import notebook
    from assurance_lib.provenance import provenance, provenance_table

    root = Path(__file__).resolve().parent.parent
    ctx = notebook.setup(
        "01_disproportionality",
        params_file="parameters/2026-27-Q2.yaml",
        run_dir=str(tmp_path / "pack"),
        events_path="data/synthetic/journey_events.csv",
        aggregate_path="",
        population_path="data/synthetic/population_children.csv",
        window="rolling12",
    )
    t = dict(zip(provenance_table(ctx)["item"], provenance_table(ctx)["value"]))
    digest = hashlib.sha256((root / "data/synthetic/journey_events.csv").read_bytes()).hexdigest()
    assert t["Input events_path"] == f"data/synthetic/journey_events.csv (sha256 {digest})"
    assert t["Input aggregate_path"] == "(none)"
    assert t["Parameter window"] == "rolling12"
    html = provenance(ctx).to_html()
    assert digest in html and "<caption>Provenance of 01_disproportionality" in html


def test_column_headings() -> None:
    from assurance_lib.display import column_label

    assert [column_label(c) for c in ("lower_998", "n_cases", "pct_good_or_better_self", "q_value", "rate_ratio")] == [
        "99.8% CI lower",
        "Cases",
        "% good or better self",
        "q-value",
        "Rate ratio",
    ]
    assert column_label("value", {"value": "Rate per 10,000"}) == "Rate per 10,000"


def test_styled_escapes_cells_headings_and_caption() -> None:
    from bs4 import BeautifulSoup

    df = pd.DataFrame(
        {"agency": ["<script>window.__pwned=1</script>", "<img src=x onerror=go()>"], "<b>score</b>": [1, 2]}
    )
    html = styled(df, "Ratings of <i>agencies</i> & more").to_html()
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("script") is None and soup.find("img") is None and soup.find("b") is None
    assert soup.find("caption").get_text() == "Ratings of <i>agencies</i> & more"
    assert [td.get_text() for td in soup.find_all("td")] == [
        "<script>window.__pwned=1</script>",
        "1",
        "<img src=x onerror=go()>",
        "2",
    ]
    assert [th.get_text() for th in soup.find_all("th")] == ["Agency", "<b>score</b>"]


def test_markdown_shows_raw_html_as_text_and_keeps_only_pack_links() -> None:
    from bs4 import BeautifulSoup

    from assurance_lib.display import markdown

    md = (
        "See [the flags](tables/flags_audits.csv) and [elsewhere](https://example.org).\n\n"
        "<script>window.__pwned=1</script> <img src=x onerror=window.__pwned=1>\n\n"
        "[click](javascript:window.__pwned=1) [label](not a url) ![i](figures/x.png)"
    )
    soup = BeautifulSoup(markdown(md, pack_files={"tables/flags_audits.csv"}).data, "html.parser")
    assert soup.find("script") is None and soup.find("img") is None
    assert [(a.get_text(), a["href"]) for a in soup.find_all("a")] == [("the flags", "tables/flags_audits.csv")]
    assert not [t for t in soup.find_all(True) if any(k.startswith("on") for k in t.attrs)]
    text = soup.get_text()
    assert "<script>window.__pwned=1</script>" in text and "elsewhere" in text and "click" in text
    assert "[label](not a url)" in text
