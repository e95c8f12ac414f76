"""A wide published table shows a reader's selection of its columns on a page (``TableSpec.page_columns``);
what is published (the CSV, ``index.json``, the workbook sheet) keeps every column."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pandas as pd
import pytest
from openpyxl import load_workbook
from test_display import _cells, _heads

from assurance_lib.config import DisclosureConfig
from assurance_lib.display import flags, published, styled
from assurance_lib.publish import Publisher
from assurance_lib.tables import TableSpec
from assurance_lib.workbook import build_workbook


def _note(html: str) -> str:
    notes = re.findall(r'<p class="assurance-table-note">(.*?)</p>', html, flags=re.S)
    assert len(notes) == 1, html[-600:]
    return notes[0]


# An action plan extract as Section 11 publishes it (agencies' ratings: not suppressed), seven columns
# of which a page shows four.
FRAME = pd.DataFrame(
    {
        "agency": ["Northshire Police", "Harbour Domestic Abuse Service"],
        "sector": ["Police", "Voluntary sector"],
        "standard": ["WT04", "WT09"],
        "standard_title": ["Whistleblowing arrangements", "Supervision and support"],
        "rating": ["Not met", "Partially met"],
        "due_date": ["2026-10-04", "2026-11-30"],
        "overdue": [False, True],
    }
)
SPEC = TableSpec(
    name="wide_action_plan",
    title="Action plan extract",
    unit="agencies",
    rule="organisations",
    source="Section 11 returns",
    page_columns=("agency", "standard_title", "rating", "overdue"),
    page_labels={"standard_title": "Standard", "rating": "Rating of record"},
)


def test_a_table_with_a_page_selection_shows_those_columns_and_says_where_the_rest_are() -> None:
    shown = published(FRAME, SPEC)
    assert list(shown.data.columns) == ["agency", "standard_title", "rating", "overdue"]
    html = shown.to_html()
    assert "<caption>Action plan extract</caption>" in html
    # plain headings: the spec's labels, else the workbench's (agency -> Agency, overdue -> Overdue)
    assert _heads(html) == ["Agency", "Standard", "Rating of record", "Overdue"]
    assert _cells(html) == [
        "Northshire Police",
        "Whistleblowing arrangements",
        "Not met",
        "no",
        "Harbour Domestic Abuse Service",
        "Supervision and support",
        "Partially met",
        "yes",
    ]
    note = _note(html)
    assert re.sub(r"<[^>]+>", "", note) == (
        "Showing 4 of the 7 columns. Every column: tables/wide_action_plan.csv, and sheet wide_action_plan "
        "of the workbook assurance_tables.xlsx."
    )
    assert '<a href="tables/wide_action_plan.csv">' in note and '<a href="tables/assurance_tables.xlsx">' in note
    # the note is also in what a notebook renders, under the table
    rendered = shown._repr_html_()
    assert rendered.count("assurance-table-note") == 1
    assert rendered.index("</table>") < rendered.index("assurance-table-note")


def test_a_table_without_a_page_selection_is_shown_whole_with_no_note() -> None:
    whole = TableSpec(name="whole", title="Action plan extract", unit="agencies", rule="organisations", source="s")
    html = published(FRAME, whole).to_html()
    assert html == styled(FRAME, "Action plan extract").to_html()
    assert "assurance-table-note" not in html and len(_heads(html)) == 7


def test_the_published_csv_index_and_workbook_keep_every_column(tmp_path) -> None:
    pub = Publisher(run_dir=tmp_path, config=SimpleNamespace(), analysis="section11")
    out = pub.table(FRAME, SPEC, internal=False)
    shown = published(out, SPEC)
    assert len(shown.data.columns) == 4
    tables = tmp_path / "shareable" / "tables"
    csv = pd.read_csv(tables / "wide_action_plan.csv", dtype=str, keep_default_na=False)
    assert list(csv.columns) == list(FRAME.columns)
    assert csv.loc[1, "due_date"] == "2026-11-30" and csv.loc[0, "standard"] == "WT04"
    # the declaration is the one a spec without a page selection writes: index.json is unchanged
    entry = json.loads((tables / "index.json").read_text(encoding="utf-8"))["tables"][0]
    plain = TableSpec(name="wide_action_plan", title="Action plan extract", unit="agencies", rule="organisations",
                      source="Section 11 returns")  # fmt: skip
    assert entry == plain.declaration()
    assert not {"page_columns", "page_labels"} & set(entry)
    # the workbook sheet named in the note holds all seven columns
    book = build_workbook(tmp_path, partnership="Test", period_label="2026-27 Q2", config=DisclosureConfig())
    rows = [[c for c in r if c is not None] for r in load_workbook(book, read_only=True)["wide_action_plan"].values]
    header = next(r for r in rows if "agency" in r)
    assert header == list(FRAME.columns)


def test_a_page_column_the_table_lacks_fails_naming_the_table_and_column() -> None:
    spec = TableSpec(
        name="wide_action_plan",
        title="Action plan extract",
        unit="agencies",
        rule="organisations",
        source="s",
        page_columns=("agency", "owner"),
    )
    with pytest.raises(
        ValueError, match=r"table wide_action_plan: page column\(s\) 'owner' not in the published table"
    ):
        published(FRAME, spec)


def test_a_page_selection_is_declared_plainly() -> None:
    kw = {"name": "t", "title": "T", "unit": "agencies", "rule": "organisations", "source": "s"}
    with pytest.raises(ValueError, match="table 't': page_columns names agency more than once"):
        TableSpec(**kw, page_columns=("agency", "rating", "agency"))
    with pytest.raises(ValueError, match="not one string"):
        TableSpec(**kw, page_columns="agency")
    with pytest.raises(ValueError, match="page_labels for column.s. not in page_columns: owner"):
        TableSpec(**kw, page_columns=("agency",), page_labels={"owner": "Owner"})


def test_flags_show_the_readers_columns_of_either_contract() -> None:
    v2 = pd.DataFrame(
        {
            "analysis": ["audits"],
            "category": ["grades below good"],
            "subject": ["Escalation (AUD-2026-01)"],
            "severity": ["high"],
            "statement": ["Escalation was graded good or better in 23% of gradings."],
            "evidence": ["indicative"],
            "direction": ["concern"],
            "affected": [6],
            "agency": [""],
            "themes": ["exploitation"],
        }
    )
    html = flags(v2, "Flags", analysis="audits").to_html()
    assert _heads(html) == ["Subject", "Finding", "Direction", "Evidence", "Affected", "Agency"]
    assert _cells(html) == [
        "Escalation (AUD-2026-01)",
        "Escalation was graded good or better in 23% of gradings.",
        "concern",
        "indicative",
        "6",
        "",
    ]
    assert "Showing 6 of the 10 columns" in html and "tables/flags_audits.csv" in html
    # a flags file with severity and no evidence column (the contract's older form) shows its severity
    older = v2.drop(columns=["evidence"])
    assert _heads(flags(older, "Flags", analysis="section11").to_html())[3] == "Severity"


def test_a_file_name_in_a_cell_can_wrap_and_reads_the_same() -> None:
    name = "letters/section11_feedback_eastbank_university_hospital_trust.html"
    html = styled(pd.DataFrame({"agency": ["Eastbank"], "page": [name], "note": ["a_b c/d"]}), "Letters").to_html()
    assert "letters/<wbr>section11_<wbr>feedback_<wbr>eastbank_<wbr>university_<wbr>hospital_<wbr>trust.html" in html
    assert _cells(html) == ["Eastbank", name, "a_b c/d"]  # text with a space is not a file name


def test_a_date_in_a_cell_is_not_broken_at_its_hyphens() -> None:
    html = styled(pd.DataFrame({"deadline": ["2026-06-30"], "code": ["AUD-2026-01"]}), "Dates").to_html()
    assert '<span style="white-space: nowrap">2026-06-30</span>' in html
    assert _cells(html) == ["2026-06-30", "AUD-2026-01"]
