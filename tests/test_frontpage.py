"""The pack's front page: content, order of links, provenance, self-contained and contract-clean."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from assurance_lib.config import DisclosureConfig
from assurance_lib.frontpage import build_index
from assurance_lib.workbook import build_workbook

import pack_contract
from test_report_fixtures import make_pack, manifest


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.tags: list[str] = []
        self.lang = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "a":
            self.hrefs.append(a.get("href", ""))
        if tag == "html":
            self.lang = a.get("lang")


def _page(tmp_path: Path, with_report: bool = True) -> tuple[Path, str]:
    pack = make_pack(tmp_path / "pack")
    (pack / "shareable" / "text").mkdir(parents=True, exist_ok=True)
    (pack / "shareable" / "text" / "assurance_report.md").write_text("# Report\n")
    if with_report:
        (pack / "shareable" / "06_assurance_report.html").write_text(
            "<!DOCTYPE html><html lang='en'><title>r</title></html>"
        )
    build_workbook(pack, partnership="P", period_label="2026-27 Q2", config=DisclosureConfig())
    out = build_index(pack, manifest())
    return pack, out.read_text(encoding="utf-8")


def test_front_page_links_report_first_then_analyses_workbook_tables_figures(tmp_path: Path) -> None:
    pack, html = _page(tmp_path)
    p = _Links()
    p.feed(html)
    files = [h for h in p.hrefs if not h.startswith("#")]
    assert files[:4] == [
        "06_assurance_report.html",
        "01_disproportionality.html",
        "02_section11.html",
        "03_audit_synthesis.html",
    ]
    assert files[4] == "tables/assurance_tables.xlsx"
    # every CSV table of the fixture pack (3 tables + 3 flags files) and every figure file
    for name in (
        "audit_grades",
        "dispro_rates",
        "s11_ratings",
        "flags_disproportionality",
        "flags_section11",
        "flags_audits",
    ):
        assert f"tables/{name}.csv" in files
    for ext in ("png", "svg", "csv"):
        assert f"figures/dispro_chart.{ext}" in files
    # text documents come after the figures
    assert files.index("text/assurance_report.md") > files.index("figures/dispro_chart.png")
    # every link resolves to a file of the pack
    for h in files:  # (the manifest, beside shareable/, is written by the pipeline after the front page)
        assert (pack / "shareable" / h).is_file() or h == "../manifest.json", h


def test_front_page_structure_and_provenance(tmp_path: Path) -> None:
    _, html = _page(tmp_path)
    p = _Links()
    p.feed(html)
    assert p.lang == "en"
    assert p.hrefs[0] == "#main" and 'id="main"' in html  # skip link first
    for landmark in ("header", "nav", "main", "footer"):
        assert landmark in p.tags
    assert p.tags.count("h1") == 1
    assert "Synthetic Partnership (example data, not a real area)" in html
    assert "2026-27 Q2" in html
    assert "1 October 2026, 05:04 UTC" in html  # run date from manifest["finished"]
    assert "20261001T050000Z-abc123" in html and "6c26a24" in html and "3.11.9" in html
    assert "data/synthetic/journey_events.csv" in html and "12.5" in html
    # machine detail (fingerprints, package versions, raw parameters) stays in manifest.json, linked
    assert "ab" * 32 not in html and "gptables" not in html and '{"threshold"' not in html
    assert 'href="../manifest.json"' in html
    assert not re.search(r"<(script|img|link|iframe)\b", html)


def test_missing_page_is_said_not_linked(tmp_path: Path) -> None:
    _, html = _page(tmp_path, with_report=False)
    assert 'href="06_assurance_report.html"' not in html
    assert "not available in this pack" in html


def test_python_as_recorded_by_the_pipeline_is_readable(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "pack")
    m = {**manifest(), "python": {"version": "3.11.9", "implementation": "CPython", "platform": "Linux-x86_64"}}
    html = build_index(pack, m).read_text()
    assert "3.11.9 (CPython, Linux-x86_64)" in html and "{" not in html.split("<body>")[1].split("Run parameters")[0]


def test_missing_manifest_values_say_not_recorded(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "pack")
    html = build_index(pack, {"partnership": "P", "period": "2026-27 Q2"}).read_text()
    assert html.count("not recorded") >= 5


def test_front_page_passes_the_pack_contract_page_checks(tmp_path: Path) -> None:
    pack, _ = _page(tmp_path)
    scan = pack_contract.PageScan()
    scan.feed((pack / "shareable" / "index.html").read_text())
    assert scan.external == [] and scan.bad_alt == 0 and scan.code == 0


def test_shorthand_sentence_uses_the_runs_own_symbols(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "pack")
    html = build_index(pack, manifest()).read_text()
    assert (
        "Shorthand in the tables: [c] suppressed to protect confidentiality, [z] not applicable, [x] not available, "
        "[low] rounds to zero but is not zero; in the disproportionality tables, insufficient: "
    ) in html
    m = manifest()
    m["parameters"] = {**m["parameters"], "disclosure": {"threshold": 5, "suppressed": "c", "low": "low"}}
    html = build_index(pack, m).read_text()
    assert "Shorthand in the tables: c suppressed to protect confidentiality, [z] not applicable" in html
    assert "low rounds to zero but is not zero" in html and "[c]" not in html.split("Shorthand")[1].split("</p>")[0]


def test_provenance_shows_inputs_with_rows_and_dates_and_no_absolute_path(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "pack")
    m = {
        **manifest(),
        "partnership_id": "testshire",
        "parameters": {"period_start": "2026-07-01", "period_end": "2026-09-30"},
        "inputs": [
            {
                "contract": "journey_events",
                "notebook": "01_disproportionality",
                "path": "/home/someone/x/events.csv",
                "rows": 29672,
                "first_date": "2019-10-30",
                "last_date": "2026-09-30",
            }
        ],
        "inputs_not_given": ["06_assurance_report.children_feedback_path"],
    }
    html = build_index(pack, m).read_text()
    assert "2026-27 Q2 (1 July 2026 to 30 September 2026)" in html and "(id testshire)" in html
    assert "journey events" in html and "29,672" in html and "30 October 2019 to 30 September 2026" in html
    assert "events.csv" in html and "/home/someone" not in html
    assert "06_assurance_report.children_feedback_path" in html
