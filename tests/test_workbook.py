"""The accessible Excel workbook: every CSV table, with notes, cover, contents, no merged cells."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from assurance_lib.config import DisclosureConfig
from assurance_lib.workbook import build_workbook, sheet_names

from test_report_fixtures import make_pack


@pytest.fixture()
def workbook(tmp_path: Path) -> Path:
    pack = make_pack(tmp_path / "pack")
    # an empty table and an undeclared CSV: both must still be in the workbook
    (pack / "shareable" / "tables" / "stray_counts.csv").write_text("region,agencies\nNorth,7\n")
    return build_workbook(pack, partnership="Test Partnership", period_label="2026-27 Q2", config=DisclosureConfig())


def _cells(ws) -> list[tuple]:
    return [r for r in ws.iter_rows(values_only=True)]


def test_workbook_has_cover_contents_notes_and_one_sheet_per_csv(workbook: Path) -> None:
    assert workbook.name == "assurance_tables.xlsx"
    wb = openpyxl.load_workbook(workbook)
    # 3 declared data tables + 5 flags tables (fixture: one per analysis that raises flags) + 1 undeclared CSV
    expected = [
        "audit_grades",
        "dispro_rates",
        "flags_audits",
        "flags_core_dataset",
        "flags_disproportionality",
        "flags_learning",
        "flags_section11",
        "s11_ratings",
        "stray_counts",
    ]
    assert wb.sheetnames == ["Cover", "Contents", "Notes", *expected]
    for ws in wb:
        assert not ws.merged_cells.ranges, f"merged cells on {ws.title}"
    for name in expected:
        assert len(wb[name].tables) == 1, f"{name} should hold exactly one Excel table"


def test_table_values_are_as_published_numbers_as_numbers_shorthand_as_text(workbook: Path) -> None:
    ws = openpyxl.load_workbook(workbook)["dispro_rates"]
    rows = _cells(ws)
    header = rows.index(("stage", "group", "children", "rate_per_10000"))
    data = rows[header + 1 :]
    # the fixture's Q2 rows, in order (tests/test_report_fixtures.py DISPRO_Q2)
    assert data == [
        ("referral", "Black", 46, 474.2),
        ("referral", "White", 290, 241.7),
        ("cpp", "Black", 12, 123.7),
        ("cpp", "White", 60, 50),
    ]
    assert rows[0][0].startswith("Children referred and on plans by ethnic group")
    assert any(r[0] == "Source: Journey events extract" for r in rows)


def test_suppressed_values_stay_as_shorthand_and_legend_explains_it(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "pack", "Q1")
    wb = openpyxl.load_workbook(
        build_workbook(pack, partnership="P", period_label="2026-27 Q1", config=DisclosureConfig())
    )
    rows = _cells(wb["dispro_rates"])
    assert ("cpp", "Black", "[c]", "[c]") in rows
    assert any(r[0] and str(r[0]).startswith("[c] = suppressed") for r in rows)
    cover = " ".join(str(c) for r in _cells(wb["Cover"]) for c in r if c)
    for sym in ("[c]", "[z]", "[x]", "[low]"):
        assert sym in cover


def test_notes_sheet_holds_every_table_note_and_the_rules(workbook: Path) -> None:
    wb = openpyxl.load_workbook(workbook)
    notes = [r[1] for r in _cells(wb["Notes"]) if isinstance(r[0], int)]
    assert "Rates per 10,000 children aged 0 to 17." in notes
    assert "Eleven cases were audited." in notes
    assert any("not declared in the pack's index.json" in n for n in notes)
    assert any(n.startswith("Counts of children are protected") and "1 to 5" in n for n in notes)
    assert any(n.startswith("This table describes organisations") for n in notes)
    assert any("indicative only" in n for n in notes)
    # each table title points to its notes
    title = _cells(wb["dispro_rates"])[0][0]
    assert "[note" in title


def test_contents_lists_every_table_sheet(workbook: Path) -> None:
    wb = openpyxl.load_workbook(workbook)
    listed = [r[0] for r in _cells(wb["Contents"])]
    for name in ("audit_grades", "dispro_rates", "s11_ratings", "stray_counts", "flags_section11"):
        assert name in listed


def test_empty_table_is_shown_with_a_sentence(workbook: Path) -> None:
    # flags_section11 has no rows in the Q2 fixture
    rows = _cells(openpyxl.load_workbook(workbook)["flags_section11"])
    assert ("This table has no rows for this period.",) in rows


def test_every_index_entry_is_in_the_workbook(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "pack")
    idx = json.loads((pack / "shareable" / "tables" / "index.json").read_text())["tables"]
    wb = openpyxl.load_workbook(
        build_workbook(pack, partnership="P", period_label="2026-27 Q2", config=DisclosureConfig())
    )
    titles = {str(_cells(ws)[0][0]).split("[note")[0] for ws in wb.worksheets[3:]}
    assert {e["title"] for e in idx} <= titles


def test_sheet_names_are_safe_and_unique() -> None:
    assert sheet_names(["a:b", "contents", "x" * 35, "x" * 35]) == ["a_b", "contents_2", "x" * 31, "x" * 29 + "_2"]


# --------------------------------------------------------------------------- text from the inputs
HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "+SUM(1)",
    "@cmd",
    "-cmd|' /C calc'!A0",
    "[label](not a url)",
    "[a](http://x) and [b](http://y)",
    "<script>window.__pwned=1</script>",
    "$$tn0$$ note",
    "\tTAB",
    "\rCR",
]


def _hostile_pack(tmp_path: Path) -> Path:
    """A pack whose one table holds hostile text as the publisher writes it (through the CSV guard)."""
    import pandas as pd

    from assurance_lib.safe_text import neutralise_frame

    tables = tmp_path / "pack" / "shareable" / "tables"
    tables.mkdir(parents=True)
    frame = pd.DataFrame({"agency": HOSTILE, "score": [-0.25, 1, 2, 3, 4, 5, 6, 7, 8, 9]})
    neutralise_frame(frame).to_csv(tables / "s11_actions.csv", index=False)
    (tables / "index.json").write_text(
        json.dumps(
            {
                "tables": [
                    {
                        "name": "s11_actions",
                        "title": "Actions [see](javascript:x) $$x$$",
                        "unit": "agencies",
                        "rule": "organisations",
                        "source": "Returns [src](not a url)",
                        "notes": "Notes with $$y$$ and [n](http://z)",
                    }
                ]
            }
        )
    )
    return tmp_path / "pack"


def test_input_text_is_never_a_formula_or_link_and_numbers_stay_numbers(tmp_path: Path) -> None:
    pack = _hostile_pack(tmp_path)
    out = build_workbook(
        pack,
        partnership="Northshire [click](javascript:x) $$z$$ =1+1",
        period_label="2026-27 Q2",
        config=DisclosureConfig(),
    )
    wb = openpyxl.load_workbook(out)  # formulas kept as formulas: data_type 'f' would show one
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    # the only links are gptables' own, from the contents sheet to each table's sheet
    links = [
        (c.parent.title, c.value, c.hyperlink.target, c.hyperlink.location) for c in cells if c.hyperlink is not None
    ]
    assert links == [("Contents", "s11_actions", None, "'s11_actions'!A1")]
    ws = wb["s11_actions"]
    values = {c.value for c in cells if c.parent.title == "s11_actions"}
    # every hostile text is there as the CSV gives it: formula triggers behind a quote, the rest as
    # written, a lone carriage return as a line feed (a CSV writer does not quote a field holding one)
    expected = {("'" + h if h[0] in "=+-@\t\r" else h).replace("\r", "\n") for h in HOSTILE}
    assert expected <= values
    assert -0.25 in values and not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@")) for v in values)
    cover = [c.value for c in wb["Cover"]["A"] if c.value]
    assert cover[0] == "Northshire [click](javascript:x) $ $z$ $ =1+1: safeguarding assurance tables, 2026-27 Q2"
    assert ws.tables  # still marked up as an Excel table


def test_a_cell_excel_cannot_hold_is_reported_with_table_row_and_column(tmp_path: Path) -> None:
    from assurance_lib.errors import PublicationRefused

    tables = tmp_path / "pack" / "shareable" / "tables"
    tables.mkdir(parents=True)
    (tables / "audit_findings.csv").write_text("domain,finding\nA,short\nB," + "x" * 40_000 + "\n")
    with pytest.raises(PublicationRefused) as exc:
        build_workbook(tmp_path / "pack", partnership="P", period_label="2026-27 Q2", config=DisclosureConfig())
    msg = str(exc.value)
    assert "table audit_findings, row 2 (line 3 of audit_findings.csv), column 'finding'" in msg
    assert "40,000 characters" in msg and "xxxx" not in msg
