"""The identifier guard and free-text redaction.

NHS numbers: 943 476 5919 is valid (by hand: 9*10+4*9+3*8+4*7+7*6+6*5+5*4+9*3+1*2 = 299,
299 mod 11 = 2, 11 - 2 = 9 = the last digit); changing the last digit makes it invalid. Phone
numbers and postcodes are Ofcom / Royal Mail examples reserved for drama and documentation.
"""

from __future__ import annotations

import base64
import dataclasses
import json

import pytest

from assurance_lib.disclosure import (
    Hit,
    IdentifierSet,
    guard_pack,
    nhs_number_valid,
    redact,
    scan_file,
    scan_pack,
    scan_text,
)
from assurance_lib.disclosure.guard import withdraw_shareable
from assurance_lib.errors import PublicationRefused

IDS = IdentifierSet.from_columns(
    {"child_id": ["CH000123", "CH000456", "77"], "case_ref": ["AUD-2026-0042"]}, names=["Jordan Smith", "Keziah"]
)
ID = "an identifier value from the inputs"


@pytest.mark.parametrize(
    "digits, valid",
    [("9434765919", True), ("9434765918", False), ("4010232137", True), ("1234567890", False), ("943476591", False)],
)
def test_nhs_check_digit(digits, valid):
    # 4010232137: 4*10+0+1*8+0+2*6+3*5+2*4+1*3+3*2 = 92, 92 mod 11 = 4, 11 - 4 = 7 = last digit
    assert nhs_number_valid(digits) is valid


@pytest.mark.parametrize(
    "text, kinds",
    [
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
    ],
)
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
    nb.write_text(
        json.dumps(
            {"cells": [{"outputs": [{"data": {"image/png": "CH000123" + payload, "text/plain": "12 children"}}]}]}
        )
    )
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
    assert [str(h) for h in scan_pack(tmp_path, IDS)] == [
        "internal/run.log: contains an identifier value from the inputs"
    ]
    with pytest.raises(PublicationRefused) as exc:
        guard_pack(tmp_path, IDS)
    assert "internal/run.log" in str(exc.value) and "CH000456" not in str(exc.value)


def test_redact_replaces_what_the_guard_finds():
    text = "Jordan Smith (CH000123) was visited; mum on 07700 900123, jo@example.org.\n\nThe plan was reviewed on time."
    r = redact(text, IDS)
    assert r.withheld == 0 and r.replaced == 4
    assert r.text == (
        "[redacted] ([redacted]) was visited; mum on [redacted], [redacted].\n\nThe plan was reviewed on time."
    )
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
    html.write_text(
        "<style>:root { --md-purple-A200: #e040fb; }</style><p style='color:#e040fb'>Counts</p>"
        '<svg><path d="M 513 384 1019 L 2 3"/></svg>'
    )
    assert scan_file(html) == []
    svg = tmp_path / "fig.svg"
    svg.write_text(
        '<svg><path d="Q 384 513 384 1019 Q 1175"/><g transform="translate(943 476 5919)"/>'
        "<text>Children per 10,000</text></svg>"
    )
    assert scan_file(svg) == []
    svg.write_text("<svg><text>jo@example.org</text></svg>")
    assert [h.kind for h in scan_file(svg)] == ["an email address"]
    assert scan_text("color: #e040fb") == [] and scan_text("E04 0FB") == ["a full postcode"]
    # a bare six-character run shaped like a postcode is caught in any case (sw1a1aa is typed that
    # way); colours in a page always stand after '#' or inside a style sheet, which are skipped
    assert scan_text("colour e040fb") == ["a full postcode"]


def test_scan_text_skips_base64_payloads_of_pages_read_whole():
    # a page scanned as text (not through scan_file) still holds its embedded images; this payload
    # is valid base64 whose characters read as a postcode, an NHS number and an email address
    payload = "iVBORw0KGgoE04 0FBxx/SW1A1AA+9434765919/jo@example.org"
    page = f'<img alt="chart" src="data:image/png;base64,{payload}"><p>12 children</p>'
    assert scan_text(page) == []
    assert scan_text(page + "<p>SW1A 1AA</p>") == ["a full postcode"]


# --------------------------------------------------------------------------- the forms people type
NHS = "an NHS number"
POSTCODE = "a full postcode"
PHONE = "a phone number"


@pytest.mark.parametrize(
    "text",
    [
        "lives at sw1a1aa",
        "lives at Sw1A 1aa",
        "lives at SW1A\u00a01AA",
        "lives at sw1a  1aa",
        "moved to b338th",
        "moved to B33 8TH.",
    ],
)
def test_postcodes_in_any_case_with_or_without_the_space(text):
    assert scan_text(text) == [POSTCODE]


@pytest.mark.parametrize(
    "text",
    [
        "943 476 5919",
        "943\u00a0476\u00a05919",
        "943\u202f476\u202f5919",
        "943.476.5919",
        "943-476-5919",
        "943 - 476 - 5919",
        "(9434765919)",
        "NHS No.943 476 5919",
        "NHS no: 943-476-5919",
        "NHS number 9434765919",
        "NHS No.943\n4765919",
        "nhs#9434765919",
    ],
)
def test_nhs_numbers_with_any_separator_and_label(text):
    assert scan_text(text) == [NHS]


def test_nhs_numbers_failing_the_check_digit_are_caught_only_when_labelled():
    # 943 476 5918 fails the modulus-11 check (the check digit of 943476591 is 9, see the module
    # docstring): on its own it may be any ten-digit number; labelled, it is someone's NHS number mistyped
    assert scan_text("ref 943 476 5918") == []
    assert scan_text("NHS number 943 476 5918") == [NHS]
    assert scan_text("NHS No. 943.476.5918") == [NHS]


@pytest.mark.parametrize(
    "text",
    [
        "020 7946 0000",
        "(020) 7946 0000",
        "+44 20 7946 0000",
        "+44 (0)20 7946 0000",
        "0044 20 7946 0000",
        "+442079460000",
        "07700 900123",
        "07700-900-123",
        "+44 7700 900123",
        "0044 (0)7700 900123",
        "+447700900123",
        "0161 496 0000",
        "0113\u00a0496\u00a00000",
    ],
)
def test_uk_phone_numbers_national_and_international(text):
    assert scan_text(f"call {text} today") == [PHONE]


def test_child_ids_with_separators_or_case_changed():
    ids = IdentifierSet.from_columns({"child_id": ["C00123", "100234"]})
    for variant in ("C00123", "c00123", "c-00123", "C 00123", "c.00123", "C_00123", "C\u00a000123", "c/00123"):
        assert scan_text(f"seen {variant} today", ids) == [ID], variant
    for other in ("C001234", "XC00123", "C00123X", "C0012"):
        assert scan_text(f"seen {other} today", ids) == [], other
    # a digits-only value is found only as written: "100 234" and "100-234" are also two numbers or a range
    assert scan_text("100234", ids) == [ID]
    assert scan_text("100 234 and 100-234", ids) == []


@pytest.mark.parametrize(
    "text",
    [
        "sha256 "
        + "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",  # pragma: allowlist secret (a digest: the guard must not read it as an identifier)
        "run 20261122T044439Z started 2026-11-22T04:44:39+00:00, finished 2026-11-22T05:10:02.123456Z",
        "E10000014 E06000001 873 100234 URN 137452",
        "12,345 children; 1234567; rate 0.0123456789; -0.25; 1.5e-07",
        "2026-27 Q2, 2025-26 Q4, 01/04/2026 to 30/06/2026",
        "version 3.11.2, git 6c057dd",
    ],
)
def test_no_hits_on_digests_dates_run_ids_codes_and_numbers(text):
    assert scan_text(text, IDS) == []


def test_pages_are_read_as_shown_entities_decoded(tmp_path):
    page = tmp_path / "p.html"
    page.write_text("<p>SW1A&nbsp;1AA and jo&#64;example.org</p>")
    assert [h.kind for h in scan_file(page)] == [POSTCODE, "an email address"]


def test_svg_text_and_comments_are_scanned(tmp_path):
    # matplotlib draws text as paths and writes each label as a comment beside them
    svg = tmp_path / "fig.svg"
    svg.write_text('<svg><g id="text_1"><!-- Agency CH000123 --><path d="M 1 2"/></g></svg>')
    assert [h.kind for h in scan_file(svg, IDS)] == [ID]


def test_workbook_hyperlink_targets_are_scanned(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active["A1"] = "contact"
    wb.active["A1"].hyperlink = "mailto:jo@example.org"
    wb.save(tmp_path / "book.xlsx")
    assert [h.kind for h in scan_file(tmp_path / "book.xlsx", IDS)] == ["an email address"]


def test_scan_pack_reads_every_file_manifest_and_svg_included(tmp_path):
    (tmp_path / "shareable" / "figures").mkdir(parents=True)
    (tmp_path / "shareable" / "figures" / "f.svg").write_text("<svg><!-- sw1a1aa --></svg>")
    (tmp_path / "manifest.json").write_text(json.dumps({"partnership": "Call 0044 20 7946 0000"}))
    (tmp_path / "shareable" / "figures" / "f.png").write_bytes(b"\x89PNG\r\n\x1a\nSW1A 1AA")
    assert [str(h) for h in scan_pack(tmp_path, IDS)] == [
        "manifest.json: contains a phone number",
        "shareable/figures/f.svg: contains a full postcode",
    ]


def test_withdraw_shareable_leaves_internal(tmp_path):
    (tmp_path / "shareable" / "tables").mkdir(parents=True)
    (tmp_path / "shareable" / "tables" / "t.csv").write_text("a\n1\n")
    (tmp_path / "internal").mkdir()
    (tmp_path / "run.log").write_text("refused\n")
    assert withdraw_shareable(tmp_path) is True
    assert sorted(p.name for p in tmp_path.iterdir()) == ["internal", "run.log"]
    assert withdraw_shareable(tmp_path) is False


def _reference_id_spans(text: str, ids: IdentifierSet) -> list[tuple[int, int, str]]:
    """The identifier-run rule written plainly (every chunk of the text, every run from it), to set
    beside the guard's own, which passes over chunks no value can begin with."""
    import re

    def fold(s: str) -> str:
        return re.sub(r"[^A-Za-z0-9]+", "", s).upper()

    prefixes = {fold(v)[:i] for v in ids.values for i in range(1, len(fold(v)) + 1)}
    chunks = [(m.start(), m.end()) for m in re.finditer(r"[A-Za-z0-9]+", text)]
    out = []
    for a, (start, _) in enumerate(chunks):
        folded, spaced = "", False
        for b in range(a, len(chunks)):
            if b > a:
                gap = text[chunks[b - 1][1] : chunks[b][0]]
                if len(gap) > 2 or not set(gap) <= set("-/_. \t\u00a0\u2007\u2009\u202f"):
                    break
                spaced = spaced or bool(set(gap) & set(" \t\u00a0\u2007\u2009\u202f"))
            folded += text[chunks[b][0] : chunks[b][1]].upper()
            if folded not in prefixes:
                break
            end = chunks[b][1]
            if (not spaced and text[start:end].upper() in ids.values) or folded in ids.folded:
                out.append((start, end, "id"))
                break
    return out


@pytest.mark.parametrize(
    "text, expected",
    [
        # a run joined by a dash, case changed; a value with a letter after it is another token; a run joined by spaces
        ("Seen ch-000123 and CH000456x; AUD 2026 0042.", [(5, 14, "id"), (30, 43, "id")]),
        # a value glued to a letter before it is not one; the same value on its own is
        ("xCH000123 CH000123", [(10, 18, "id")]),
        # names across a line break, before an apostrophe, in capitals and with the Kelvin sign (a K to
        # Python's case folding); not inside a longer word
        (
            "JORDAN\n SMITH met keziah's mum; Keziahs; McKeziah; \u212aEZIAH",
            [(0, 13, "name"), (18, 24, "name"), (51, 57, "name")],
        ),
        (
            "Call +44 20 7946 0000 or 943 476 5919, jo@example.org; SW1A 1AA; born 01/02/2010",
            [(5, 21, "phone"), (25, 37, "nhs"), (39, 53, "email"), (55, 63, "postcode"), (70, 80, "dob")],
        ),
        # a short value only beside its column name
        ("child_id: 77 and 77", [(10, 12, "id")]),
        ("", []),
        ("@ + ( 0 - . / _", []),
        # a run that begins like a value but ends the text, or turns into something else
        ("CH000 CH0001234 AUD-2026-", []),
    ],
)
def test_spans_on_edge_strings_as_worked_out_by_hand(text, expected):
    from assurance_lib.disclosure.guard import _id_spans, _spans

    assert sorted(_spans(text, IDS)) == expected
    ids_only = [s for s in expected if s[2] == "id" and not text[s[0] : s[1]] == "77"]
    assert _id_spans(text, IDS) == _reference_id_spans(text, IDS) == ids_only
