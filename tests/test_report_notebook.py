"""Notebook 06 end to end on hand-built packs: a period with a previous pack, commentary, rerun.

The packs of 2026-27 Q1 and Q2 are written by tests/test_report_fixtures.py as notebooks 01-03
would leave them; the Q1 pack is named by LATEST (the report reads only the analyses' published
tables of the previous pack, never its report), notebook 06 runs into the Q2 pack and is then
rerun into it. Expected values are worked out by hand from the fixtures. A first period with no
previous pack is checked on the session's real Q1 pack (tests/test_report_pipeline.py).
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest

from assurance_lib.tables import FLAG_COLUMNS

from test_report_fixtures import FLAGS_Q2, make_pack

ROOT = Path(__file__).resolve().parent.parent
MARK = "The task and finish group on referral will report in March."


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.slow
def test_a_period_after_a_previous_pack_then_a_rerun(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_notebook
) -> None:
    out = tmp_path / "outputs"
    monkeypatch.setenv("ASSURANCE_OUTPUT_ROOT", str(out))

    # ---- period 1: the pack notebooks 01-03 left, named by LATEST
    make_pack(out / "2026-27-Q1" / "20260701T050000Z", "Q1")
    (out / "2026-27-Q1" / "LATEST").write_text("20260701T050000Z\n")

    # ---- period 2, with the analyst's commentary in a file of its own
    q2 = make_pack(out / "2026-27-Q2" / "20261001T050000Z", "Q2")
    commentary = tmp_path / "local" / "2026-27-Q2.md"
    commentary.parent.mkdir()
    shutil.copy(ROOT / "data" / "synthetic" / "commentary" / "2026-27-Q2.md", commentary)
    with commentary.open("a", encoding="utf-8") as fh:
        fh.write(f"\n## Glossary\n{MARK}\n")
    before = (commentary.read_bytes(), commentary.stat().st_mtime_ns)
    run_notebook("06_assurance_report", q2, commentary_path=str(commentary))
    t2 = q2 / "shareable" / "tables"

    # the register is exactly the union of the analyses' flags
    reg = _csv(t2 / "report_flags_register.csv")
    union = [tuple(r) for a in ("disproportionality", "section11", "audits") for r in FLAGS_Q2[a]]
    assert sorted(tuple(r[c] for c in FLAG_COLUMNS) for r in reg) == sorted(union)
    assert [r["severity"] for r in reg] == ["high", "high", "medium", "low"]

    # changes against period 1 (by hand from FLAGS_Q1/Q2)
    fc = {(r["change"], r["analysis"], r["measure"]) for r in _csv(t2 / "report_flag_changes.csv")}
    assert fc == {
        ("new", "audits", "child's voice recorded"),
        ("new", "disproportionality", "child protection plan rate ratio"),
        ("resolved", "section11", "Leadership"),
    }
    nc = {
        (r["table"], r["key"], r["measure"]): (r["change"], r["direction"])
        for r in _csv(t2 / "report_number_changes.csv")
    }
    assert nc[("dispro_rates", "stage=referral; group=Black", "children")] == ("+6", "up")
    assert nc[("dispro_rates", "stage=referral; group=White", "rate_per_10000")] == ("-8.3", "down")
    assert nc[("dispro_rates", "stage=cpp; group=Black", "children")] == ("[c]", "not comparable")
    assert nc[("s11_ratings", "agency=Health; standard=Leadership", "rating")] == ("+2", "up")
    assert len(nc) == 9

    text2 = (q2 / "shareable" / "text" / "assurance_report.md").read_text()
    assert "20260701T050000Z" not in text2  # the run id is provenance, not the board's reading
    # by hand from FLAGS_Q1/Q2: the referral flag and the inadequate-grade flag persist; two are new; the Health
    # flag left while Health's row is still published (measured again: resolved with evidence)
    assert "Compared with 2026-27 Q1: 2 persistent, 2 new, 0 escalated, 1 resolved with evidence" in text2
    # the commentary sits in its section, marked as the partnership's own words
    reg_section = text2.split("## Glossary")[1].split("\n## ")[0]
    assert "The partnership's commentary" in reg_section and MARK in reg_section
    gaps_section = text2.split("## Gaps in knowledge and how to fill them")[1].split("\n## ")[0]
    assert "The partnership's commentary" not in gaps_section
    # the voice of the child: the Q2 feedback file's published table is cited
    assert (t2 / "report_children_feedback.csv").is_file()

    # ---- rerun into the same pack: commentary untouched and still there, nothing doubled
    run_notebook("06_assurance_report", q2, commentary_path=str(commentary))
    assert (commentary.read_bytes(), commentary.stat().st_mtime_ns) == before
    assert MARK in (q2 / "shareable" / "text" / "assurance_report.md").read_text()
    assert len(_csv(t2 / "report_flags_register.csv")) == 4
    assert len(_csv(t2 / "report_number_changes.csv")) == 9

    # ---- the scrutineer's page shows the report, the commentary and no code
    from assurance_lib.pipeline import render_html

    page = render_html(
        q2 / "internal" / "notebooks" / "06_assurance_report.ipynb",
        q2 / "shareable" / "06_assurance_report.html",
        audience="shareable",
    ).read_text()
    assert (
        MARK in page and "Appendix B: the flags register" in page and not re.search(r"class=\"[^\"]*jp-InputArea", page)
    )
    assert "Black children were referred at 1.96 times the rate of White children." in page
