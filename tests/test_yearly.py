"""The yearly pack (``assurance year``): four hand-built quarter packs rolled up, missing quarters and
tables named, ``LATEST`` followed safely, publication refused when a quarter shows a small count.

The quarter packs here are built by hand, a few rows each, so that every expected value is worked
out on paper from the numbers written below (the sums and percentages are given in the comments).
The session's real packs (Q1 and Q2 of the synthetic partnership) are rolled up in
``tests/test_yearly_summary.py``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from assurance_lib.cli import main
from assurance_lib.yearly import find_quarters, parse_year, run_year

YEAR = "2026-27"
PARTNERSHIP = "Test Partnership"

# Per quarter: children referred who are Black (rolling 12 months) and the rate ratio; audits run in the
# quarter (cases, gradings, outstanding, good); children's feedback (theme, children); flags (direction).
QUARTERS = {
    "Q1": {
        "black": ("40", "1.61", "higher (95%)"),
        "audit": (5, 90, 10, 35),
        "feedback": ("Feeling safe at home", "31"),
    },
    "Q2": {"black": ("44", "1.70", "higher (99.8%)"), "audit": (7, 80, 5, 35), "feedback": ("Being listened to", "27")},
    "Q3": {"black": ("[c]", "[c]", "[c]"), "audit": (6, 100, 20, 40), "feedback": ("Feeling safe online", "[c]")},
    "Q4": {"black": ("52", "1.82", "higher (99.8%)"), "audit": (8, 70, 7, 28), "feedback": ("School", "8")},
}
# Audits over the year: cases 5 + 7 + 6 + 8 = 26; gradings 90 + 80 + 100 + 70 = 340;
# good or better (outstanding + good) 45 + 40 + 60 + 35 = 180; 180 / 340 = 52.94... % -> 52.9.


def _csv(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(path, index=False)


def make_quarter(root: Path, q: str, *, run_id: str = "20270101T000000Z", drop: tuple[str, ...] = ()) -> Path:
    """A minimal good pack of ``YEAR q`` under ``root``, named by ``LATEST``."""
    d = QUARTERS[q]
    pack = root / f"{YEAR}-{q}" / run_id
    t = pack / "shareable" / "tables"
    count, ratio, finding = d["black"]
    base = {"stage": "referral", "stage_label": "Referrals", "group_type": "ethnicity_major", "group": "Black"}
    tables = {
        "disproportionality": [
            {
                **base,
                "measure": "rate_per_10000",
                "group_label": "Black",
                "reference_group": "not applicable",
                "count": count,
                "value": "[c]" if count == "[c]" else ("" if q == "Q2" else "512.3"),
                "flag": "[c]" if count == "[c]" else "not compared",
            },
            {
                **base,
                "measure": "rate_ratio",
                "group_label": "Black",
                "reference_group": "White British (WBRI)",
                "count": count,
                "value": ratio,
                "flag": finding,
            },
            {
                **base,
                "measure": "share",
                "group_label": "Black",
                "reference_group": "not applicable",
                "count": count,
                "value": "[c]",
                "flag": "[c]",
            },
        ],
        "flags_disproportionality": [
            {
                "subject": "Black children",
                "measure": "rate ratio: referrals",
                "value": ratio,
                "direction": "concern",
                "themes": "equity",
                "severity": "high",
                "statement": "s",
            },
        ]
        + (
            [
                {
                    "subject": "Girls",
                    "measure": "rate ratio: referrals",
                    "value": "0.8",
                    "direction": "strength",
                    "themes": "",
                    "severity": "low",
                    "statement": "s",
                }
            ]
            if q in ("Q1", "Q2")
            else []
        ),
        "flags_section11": [
            {
                "subject": "WT04",
                "measure": "agencies not meeting",
                "value": "3",
                "direction": "concern",
                "themes": "working_together",
                "severity": "high",
                "statement": "s",
            }
        ],
        "section11_sectors": [
            {
                "sector": "Police",
                "agencies": "2",
                "fully_met": "9",
                "partially_met": "9",
                "not_met": "4",
                "share_fully_met": "0.409",
            }
        ],
        "audit_register": [
            {
                "audit_id": f"AUD-{q}",
                "theme": "Neglect",
                "audit_type": "Deep dive",
                "audit_date": "2026-05-20",
                "n_cases": str(d["audit"][0]),
                "n_agencies": "6",
                "role": "this period",
            },
            {
                "audit_id": "AUD-OLD",
                "theme": "Old",
                "audit_type": "Deep dive",
                "audit_date": "2025-05-20",
                "n_cases": "9",
                "n_agencies": "6",
                "role": "earlier in the window",
            },
        ],
        "audit_grades_domain": [
            {
                "audit_id": f"AUD-{q}",
                "domain": dom,
                "n_gradings": str(d["audit"][1]),
                "n_outstanding": str(d["audit"][2]),
                "n_good": str(d["audit"][3]),
            }
            for dom in ("Planning", "All")
        ]
        + [{"audit_id": "AUD-OLD", "domain": "Planning", "n_gradings": "50", "n_outstanding": "1", "n_good": "1"}],
        "report_children_feedback": [
            {"theme": d["feedback"][0], "sentiment": "All sentiments", "children": d["feedback"][1]},
            {"theme": "Friends", "sentiment": "All sentiments", "children": "6"},
        ],
    }
    if q == "Q4":
        tables["voice_you_said_we_did"] = [
            {
                "voice_theme": "Changes of social worker",
                "themes": "front_door",
                "voices": "12",
                "we_did": "ACT-01: keep the same worker; ACT-02: hand-over visits",
                "we_are_doing": "",
                "we_did_not_do": "",
            },
            {
                "voice_theme": "Feeling safe online",
                "themes": "exploitation",
                "voices": "9",
                "we_did": "",
                "we_are_doing": "ACT-03: school sessions",
                "we_did_not_do": "",
            },
            {
                "voice_theme": "Friends and things to do",
                "themes": "",
                "voices": "7",
                "we_did": "",
                "we_are_doing": "",
                "we_did_not_do": "no action in the ledger",
            },
        ]
    index = []
    for name, rows in tables.items():
        if name in drop:
            continue
        _csv(t / f"{name}.csv", rows)
        index.append({"name": name, "title": name, "unit": "children", "rule": "organisations", "source": "test"})
    (t / "index.json").write_text(json.dumps({"tables": index}), encoding="utf-8")
    manifest = {
        "status": "ok",
        "period": f"{YEAR} {q}",
        "partnership": PARTNERSHIP,
        "disclosure": {"settings": {"threshold": 5, "protection_range": 3}},
    }
    (pack / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (pack.parent / "LATEST").write_text(run_id + "\n", encoding="utf-8")
    return pack


def four_quarters(root: Path, **kw) -> dict[str, Path]:
    return {q: make_quarter(root, q, **kw) for q in QUARTERS}


def _table(pack: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(pack / "shareable" / "tables" / f"{name}.csv", dtype=str, keep_default_na=False)


def test_year_parsing() -> None:
    assert parse_year("2026-27") == "2026-27"
    assert parse_year("2099-00") == "2099-00"
    for bad in ("2026", "2026-28", "26-27", "2026/27"):
        with pytest.raises(ValueError):
            parse_year(bad)


def test_four_quarters_rolled_up(tmp_path: Path) -> None:
    packs = four_quarters(tmp_path)
    result = run_year(YEAR, output_root=tmp_path, quiet=True)
    assert result.code == 0, result.message
    pack = result.pack
    assert pack is not None and pack.parent == tmp_path / f"{YEAR}-year"
    assert (pack.parent / "LATEST").read_text().strip() == pack.name
    for f in (
        "index.html",
        "data_appendix.html",
        "children_summary.html",
        "text/children_summary.md",
        "tables/assurance_tables.xlsx",
        "tables/index.json",
    ):
        assert (pack / "shareable" / f).is_file(), f

    # the manifest names each quarter pack read, with the SHA-256 of its manifest worked out here
    m = json.loads((pack / "manifest.json").read_text())
    assert m["full_year"] is True
    for entry in m["quarters"]:
        p = packs[entry["quarter"]]
        assert entry["run_id"] == p.name
        assert entry["manifest_sha256"] == hashlib.sha256((p / "manifest.json").read_bytes()).hexdigest()

    # audits: only each quarter's own audit (the earlier one in the window is not counted again)
    audits = _table(pack, "year_audits")
    assert audits["quarter"].tolist() == ["Q1", "Q2", "Q3", "Q4", "Year"]
    year = audits.iloc[-1]
    assert (year["n_cases"], year["n_gradings"], year["n_good_or_better"], year["pct_good_or_better"]) == (
        "26",
        "340",
        "180",
        "52.9",
    )
    assert audits.iloc[0]["pct_good_or_better"] == "50.0"  # Q1: (10 + 35) / 90
    domains = _table(pack, "year_audit_domains")
    planning = domains[domains["domain"] == "Planning"].iloc[0]
    assert (planning["n_gradings_year"], planning["pct_good_or_better_year"]) == ("340", "52.9")

    # equality breakdowns: quarters side by side, values as published, never summed over the year
    eq = _table(pack, "year_equality")
    assert set(eq["measure"]) == {"rate_per_10000", "rate_ratio"}  # "share" is not an equality breakdown here
    rr = eq[eq["measure"] == "rate_ratio"].iloc[0]
    assert [rr[f"children_{q}"] for q in QUARTERS] == ["40", "44", "[c]", "52"]
    assert [rr[f"value_{q}"] for q in QUARTERS] == ["1.61", "1.70", "[c]", "1.82"]
    assert rr["finding_Q4"] == "higher (99.8%)"
    rate = eq[eq["measure"] == "rate_per_10000"].iloc[0]
    assert [rate[f"value_{q}"] for q in QUARTERS] == ["512.3", "[x]", "[c]", "512.3"]  # Q2 published no rate
    assert not any("year" in c.lower() or "total" in c.lower() for c in eq.columns)

    # flags by quarter and direction: disproportionality concerns 1 each quarter; strengths 1, 1, 0, 0
    flags = _table(pack, "year_flags").set_index(["analysis", "direction"])
    assert flags.loc[("disproportionality", "strength"), ["flags_Q1", "flags_Q2", "flags_Q3", "flags_Q4"]].tolist() == [
        "1",
        "1",
        "0",
        "0",
    ]
    assert flags.loc[("disproportionality", "strength"), "change"] == "fewer"
    findings = _table(pack, "year_findings").set_index("subject")
    assert findings.loc["Black children", "quarters_raised"] == "4"
    assert findings.loc["Girls", "value_Q3"] == "not raised"
    assert findings.loc["Girls", "quarters_raised"] == "2"

    # the workbook (the pipeline's writer) holds every yearly table
    import openpyxl

    wb = openpyxl.load_workbook(pack / "shareable" / "tables" / "assurance_tables.xlsx", read_only=True)
    cells = {str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None}
    wb.close()
    for e in json.loads((pack / "shareable" / "tables" / "index.json").read_text())["tables"]:
        assert any(e["title"] in c for c in cells), e["name"]

    # the page says where the figures come from and that nothing was missing
    page = (pack / "shareable" / "data_appendix.html").read_text()
    assert "not a full year" not in page
    assert "The year-end value is the Q4 one" in page


def test_missing_quarter_and_missing_table_are_said(tmp_path: Path) -> None:
    make_quarter(tmp_path, "Q1")
    make_quarter(tmp_path, "Q2", drop=("section11_sectors",))
    make_quarter(tmp_path, "Q4")
    result = run_year(YEAR, output_root=tmp_path, quiet=True)
    assert result.code == 0, result.message
    pack = result.pack
    m = json.loads((pack / "manifest.json").read_text())
    assert m["full_year"] is False
    assert [q["status"] for q in m["quarters"]] == ["read", "read", "missing", "read"]
    assert f"{YEAR} Q3: no pack has been run for this quarter" in m["gaps"]
    assert f"{YEAR} Q2: the pack has no table section11_sectors" in m["gaps"]
    s11 = _table(pack, "year_section11")
    assert "agencies_Q1" in s11.columns and "agencies_Q4" in s11.columns
    assert not any(c.endswith("_Q2") or c.endswith("_Q3") for c in s11.columns)
    page = (pack / "shareable" / "data_appendix.html").read_text()
    assert "This roll-up is not a full year" in page and "3 of 4 quarters" in page
    summary = (pack / "shareable" / "text" / "children_summary.md").read_text()
    assert "It is only part of the year." in summary
    # the audits of the three quarters read: 5 + 7 + 8 = 20 cases
    assert _table(pack, "year_audits").iloc[-1]["n_cases"] == "20"


def test_children_summary_shows_no_suppressed_count_and_small_numbers_in_words(tmp_path: Path) -> None:
    four_quarters(tmp_path)
    pack = run_year(YEAR, output_root=tmp_path, quiet=True).pack
    md = (pack / "shareable" / "text" / "children_summary.md").read_text()
    assert "[c]" not in md and "[x]" not in md
    # Q3's largest theme is suppressed: the summary names the largest shown one (Friends, 6 children)
    assert "In the autumn, six children talked to us about friends." in md
    assert "In the winter, eight children talked to us about school." in md
    assert "In the spring, 31 children talked to us about feeling safe at home." in md
    # what next: the themes of the last quarter's concerns, in words
    assert "Make sure every child gets fair help, whoever they are." in md
    assert "AUD-" not in md and "AUD-" not in (pack / "shareable" / "children_summary.html").read_text()
    # what changed: counted from the last quarter's "you said, we did" (two done, one under way, none)
    assert "- You told us about changes of social worker. We did two things about it." in md
    assert "- You told us about feeling safe online. We are still working on one." in md
    assert "- You told us about friends and things to do. We have not done anything about it yet. We will." in md
    assert "ACT-" not in md and "hand-over" not in md


def test_only_the_pack_latest_names_is_read(tmp_path: Path) -> None:
    four_quarters(tmp_path)
    # a newer pack of Q1 that LATEST does not name, and a LATEST of Q2 pointing out of its folder
    newer = make_quarter(tmp_path, "Q1", run_id="20270202T000000Z")
    (newer.parent / "LATEST").write_text("20270101T000000Z\n")
    (tmp_path / f"{YEAR}-Q2" / "LATEST").write_text("../../etc\n")
    quarters = find_quarters(tmp_path, YEAR)
    assert quarters[0].run_id == "20270101T000000Z"
    assert not quarters[1].read and "LATEST" in quarters[1].why_missing
    # a pack whose manifest is not a good one of the period is not read
    bad = tmp_path / f"{YEAR}-Q3" / "20270101T000000Z" / "manifest.json"
    bad.write_text(json.dumps({"status": "failed", "period": f"{YEAR} Q3"}))
    assert not find_quarters(tmp_path, YEAR)[2].read


def test_a_small_count_in_a_quarter_refuses_publication_and_keeps_the_earlier_pack(tmp_path: Path) -> None:
    four_quarters(tmp_path)
    good = run_year(YEAR, output_root=tmp_path, quiet=True)
    assert good.code == 0
    # a quarter pack that (wrongly) shows 3 children: the yearly audit must refuse to republish it
    q4 = tmp_path / f"{YEAR}-Q4" / "20270101T000000Z" / "shareable" / "tables" / "disproportionality.csv"
    df = pd.read_csv(q4, dtype=str, keep_default_na=False)
    df.loc[df["measure"] == "rate_ratio", "count"] = "3"
    df.to_csv(q4, index=False)
    refused = run_year(YEAR, output_root=tmp_path, quiet=True)
    assert refused.code == 3, refused.message
    assert refused.pack is not None and refused.pack.name.endswith(".failed")
    assert not (refused.pack / "shareable" / "tables" / "year_equality.csv").exists()
    year_dir = tmp_path / f"{YEAR}-year"
    assert (year_dir / "LATEST").read_text().strip() == good.pack.name
    assert (good.pack / "shareable" / "data_appendix.html").is_file()
    assert json.loads((refused.pack / "manifest.json").read_text())["status"] == "failed"


def test_cli_year(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["year", "2026-28", "--output-root", str(tmp_path)]) == 2
    assert main(["year", YEAR, "--output-root", str(tmp_path)]) == 2  # no quarter pack at all
    assert "No good quarterly pack of 2026-27" in capsys.readouterr().out
    make_quarter(tmp_path, "Q1")
    assert main(["year", YEAR, "--output-root", str(tmp_path), "--quiet"]) == 0
    assert (tmp_path / f"{YEAR}-year" / "LATEST").is_file()
