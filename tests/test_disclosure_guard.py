"""The identifier guard and free-text redaction.

NHS numbers: 943 476 5919 is valid (by hand: 9*10+4*9+3*8+4*7+7*6+6*5+5*4+9*3+1*2 = 299,
299 mod 11 = 2, 11 - 2 = 9 = the last digit); changing the last digit makes it invalid. Phone
numbers and postcodes are Ofcom / Royal Mail examples reserved for drama and documentation.
"""

from __future__ import annotations

import base64
import json
import dataclasses

import pytest

from assurance_lib.disclosure import (IdentifierSet, Hit, guard_pack, nhs_number_valid, redact, scan_file,
                                      scan_pack, scan_text)
from assurance_lib.errors import PublicationRefused

IDS = IdentifierSet.from_columns({"child_id": ["CH000123", "CH000456", "77"], "case_ref": ["AUD-2026-0042"]},
                                 names=["Jordan Smith", "Keziah"])
ID = "an identifier value from the inputs"


@pytest.mark.parametrize("digits, valid", [("9434765919", True), ("9434765918", False), ("4010232137", True),
                                           ("1234567890", False), ("943476591", False)])
def test_nhs_check_digit(digits, valid):
    # 4010232137: 4*10+0+1*8+0+2*6+3*5+2*4+1*3+3*2 = 92, 92 mod 11 = 4, 11 - 4 = 7 = last digit
    assert nhs_number_valid(digits) is valid


@pytest.mark.parametrize("text, kinds", [
    ("NHS 943 476 5919 on file", ["an NHS number"]),
    ("NHS 9434765919.", ["an NHS number"]),
    ("number 943-476-5918 is not valid", []),
    ("lives at SW1A 1AA", ["a full postcode"]),
    ("moved to b33 8th last year", ["a full postcode"]),
    ("call 020 7946 0000", ["a phone number"]),
    ("mobile 07700 900123", ["a phone number"]),
    ("mobile +44 7700 900123", ["a phone number"]),
    ("mail jo.bloggs@example.org now", ["an email address"]),
    ("born 12/03/2015", ["a date of birth"]),
    ("2026-27 Q2: rate 12.5 per 10,000 (95% CI 10.1 to 15.3), p = 0.0123456789, n = 1234567", []),
    ("Outward code SW1A only; district B33", []),
])
def test_scan_text_finds_each_kind_and_nothing_in_statistics(text, kinds):
    assert scan_text(text) == kinds


def test_identifier_values_are_whole_tokens():
    assert scan_text("Child CH000123 was seen", IDS) == [ID]
    assert scan_text("child ch000123 was seen", IDS) == [ID]  # case does not hide it
    assert scan_text("ref CH0001234 is another", IDS) == []  # not a whole token
    assert scan_text("XCH000123", IDS) == []
    assert scan_text("audit AUD-2026-0042 closed", IDS) == [ID]
    assert scan_text("see file CH000456/notes", IDS) == [ID]


def test_short_ids_only_with_their_column_name():
    assert scan_text("77 children were seen", IDS) == []
    assert scan_text("child_id: 77", IDS) == [ID]
    assert scan_text("Child ID 77 was seen", IDS) == [ID]
    assert scan_text("child_id: 770", IDS) == []


def test_names_as_whole_words():
    assert scan_text("Spoke with jordan  smith today", IDS) == ["a name from the names list"]
    assert scan_text("Keziah attended", IDS) == ["a name from the names list"]
    assert scan_text("Jordanna Smithson attended", IDS) == []


def test_identifier_set_accepts_raw_values_via_replace():
    base = IdentifierSet()
    more = dataclasses.replace(base, values=frozenset({"ab12cd34", "X9"}), names=frozenset({"Ann Lee"}))
    assert scan_text("case AB12CD34", more) == [ID]
    assert scan_text("ref X9 closed", more) == [ID]
    assert scan_text("X9 is a grade", more) == []
    assert scan_text("ANN LEE", more) == ["a name from the names list"]
    assert not IdentifierSet() and IDS


def test_scan_file_skips_embedded_images_and_hashes(tmp_path):
    payload = base64.b64encode(b"CH000123 jo@example.org 9434765919").decode()
    html = tmp_path / "page.html"
    html.write_text(f'<p>Counts only</p><img alt="chart" src="data:image/png;base64,{payload}CH000123">')
    assert scan_file(html, IDS) == []
    nb = tmp_path / "nb.ipynb"
    nb.write_text(json.dumps({"cells": [{"outputs": [{"data": {"image/png": "CH000123" + payload,
                                                                "text/plain": "12 children"}}]}]}))
    assert scan_file(nb, IDS) == []
    manifest = tmp_path / "manifest.json"
    digest = "9434765919" + "ab" * 27  # 64 hex characters
    manifest.write_text(json.dumps({"inputs": [{"path": "data/x.csv", "sha256": digest}]}))
    assert scan_file(manifest, IDS) == []
    nb.write_text(json.dumps({"cells": [{"outputs": [{"data": {"text/plain": "child CH000123"}}]}]}))
    hits = scan_file(nb, IDS, shown="internal/notebooks/nb.ipynb")
    assert hits == [Hit("internal/notebooks/nb.ipynb", ID)]
    assert str(hits[0]) == "internal/notebooks/nb.ipynb: contains an identifier value from the inputs"


def test_scan_file_reads_xlsx_and_skips_png(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active["A1"] = "contact jo@example.org"
    wb.save(tmp_path / "book.xlsx")
    assert [h.kind for h in scan_file(tmp_path / "book.xlsx", IDS)] == ["an email address"]
    (tmp_path / "fig.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"CH000123")
    assert scan_file(tmp_path / "fig.png", IDS) == []


def test_guard_pack_refuses_naming_file_and_kind_not_value(tmp_path):
    (tmp_path / "shareable").mkdir()
    (tmp_path / "internal").mkdir()
    (tmp_path / "shareable" / "ok.md").write_text("Rates rose in 2026-27 Q2.")
    (tmp_path / "internal" / "run.log").write_text("row 4: CH000456 quarantined")
    assert [str(h) for h in scan_pack(tmp_path, IDS)] == ["internal/run.log: contains an identifier value from the inputs"]
    with pytest.raises(PublicationRefused) as exc:
        guard_pack(tmp_path, IDS)
    assert "internal/run.log" in str(exc.value) and "CH000456" not in str(exc.value)


def test_redact_replaces_what_the_guard_finds():
    text = ("Jordan Smith (CH000123) was visited; mum on 07700 900123, jo@example.org.\n\n"
            "The plan was reviewed on time.")
    r = redact(text, IDS)
    assert r.withheld == 0 and r.replaced == 4
    assert r.text == ("[redacted] ([redacted]) was visited; mum on [redacted], [redacted].\n\n"
                      "The plan was reviewed on time.")
    assert scan_text(r.text, IDS) == []


def test_redact_withholds_passages_it_cannot_clear():
    text = "Good multi-agency work.\n\nChild ID: Z9 not on the list.\n\nNHS no 123 456.\n\nAddress: 4 Elm Road."
    r = redact(text, IDS)
    # an unknown labelled id, a malformed NHS number and an address cannot be recognised as safe
    assert r.withheld == 3
    assert r.text == "Good multi-agency work."


def test_redact_clean_text_unchanged():
    text = "Thresholds were applied consistently across 12 of 14 cases."
    assert redact(text, IDS).text == text and redact(text, IDS).withheld == 0


def test_no_false_hits_in_style_sheets_and_drawing_data(tmp_path):
    # nbconvert's CSS holds colours such as #e040fb (E04 0FB reads like a postcode) and matplotlib's
    # SVG path data holds runs like "513 384 1019" (a valid NHS check digit by chance).
    html = tmp_path / "page.html"
    html.write_text("<style>:root { --md-purple-A200: #e040fb; }</style><p style='color:#e040fb'>Counts</p>"
                    '<svg><path d="M 513 384 1019 L 2 3"/></svg>')
    assert scan_file(html) == []
    svg = tmp_path / "fig.svg"
    svg.write_text('<svg><path d="Q 384 513 384 1019 Q 1175"/><g transform="translate(943 476 5919)"/>'
                   "<text>Children per 10,000</text></svg>")
    assert scan_file(svg) == []
    svg.write_text("<svg><text>jo@example.org</text></svg>")
    assert [h.kind for h in scan_file(svg)] == ["an email address"]
    assert scan_text("colour e040fb") == [] and scan_text("E04 0FB") == ["a full postcode"]


def test_scan_text_skips_base64_payloads_of_pages_read_whole():
    # a page scanned as text (not through scan_file) still holds its embedded images; this payload
    # is valid base64 whose characters read as a postcode, an NHS number and an email address
    payload = "iVBORw0KGgoE04 0FBxx/SW1A1AA+9434765919/jo@example.org"
    page = f'<img alt="chart" src="data:image/png;base64,{payload}"><p>12 children</p>'
    assert scan_text(page) == []
    assert scan_text(page + "<p>SW1A 1AA</p>") == ["a full postcode"]
