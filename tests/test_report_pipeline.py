"""The whole pipeline over two consecutive synthetic periods: the Q2 report lists changes against Q1.

``assurance run`` for 2026-27 Q1 and then 2026-27 Q2 into one output folder (the session's
``quarterly_packs`` in conftest; the pipeline writes ``outputs/2026-27-Q1/LATEST``, which the Q2
report reads). Checked against the published files
of the two packs, independently of the report's code: the register is exactly the union of the
flags files, and every new or resolved flag is a flag present in one period and not the other.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from assurance_lib import registry
from assurance_lib.tables import FLAG_COLUMNS

pytestmark = pytest.mark.slow

ANALYSES = tuple(a.name for a in registry.ANALYSES if a.raises_flags)  # every flags file the report reads


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _flags(pack: Path) -> list[dict[str, str]]:
    return [r for a in ANALYSES for r in _csv(pack / "shareable" / "tables" / f"flags_{a}.csv")]


def _key(r: dict[str, str]) -> tuple[str, ...]:
    return tuple(r[c] for c in ("analysis", "category", "subject", "measure"))


@pytest.fixture(scope="module")
def two_periods(quarterly_packs) -> tuple[Path, Path]:
    out = quarterly_packs.output_root
    assert (out / "2026-27-Q1" / "LATEST").read_text().strip() == quarterly_packs.q1.name
    assert (out / "2026-27-Q2" / "LATEST").read_text().strip() == quarterly_packs.q2.name
    return quarterly_packs.q1, quarterly_packs.q2


def test_first_period_has_no_previous_pack_and_reports_no_changes(two_periods) -> None:
    q1, _ = two_periods
    assert not (q1 / "shareable" / "tables" / "report_flag_changes.csv").exists()
    assert not (q1 / "shareable" / "tables" / "report_number_changes.csv").exists()
    text = (q1 / "shareable" / "text" / "assurance_report.md").read_text()
    assert "Changes are not reported: no pack of the previous period (2025-26-Q4) was found" in text


def test_register_is_exactly_the_union_of_the_flags(two_periods) -> None:
    for pack in two_periods:
        reg = _csv(pack / "shareable" / "tables" / "report_flags_register.csv")
        assert sorted(tuple(r[c] for c in FLAG_COLUMNS) for r in reg) == sorted(
            tuple(r[c] for c in FLAG_COLUMNS) for r in _flags(pack)
        )


def test_second_report_lists_changes_against_the_first(two_periods) -> None:
    q1, q2 = two_periods
    k1 = {_key(r) for r in _flags(q1)}
    k2 = {_key(r) for r in _flags(q2)}
    changes = _csv(q2 / "shareable" / "tables" / "report_flag_changes.csv")
    assert {_key(r) for r in changes if r["change"] == "new"} == k2 - k1
    assert {_key(r) for r in changes if r["change"] == "resolved"} == k1 - k2
    assert not (q1 / "shareable" / "tables" / "report_flag_changes.csv").exists()
    text = (q2 / "shareable" / "text" / "assurance_report.md").read_text()
    assert q1.name not in text  # the run id is provenance, not the board's reading
    kinds = {}
    for r in _csv(q2 / "shareable" / "tables" / "report_what_changed.csv"):
        kinds.setdefault(r["change"], set()).add(_key(r))
    assert kinds["new"] == k2 - k1
    assert kinds.get("resolved with evidence", set()) | kinds.get("resolved without evidence", set()) == k1 - k2
    assert kinds.get("persistent", set()) | kinds.get("escalated", set()) == k1 & k2
    # numbers that moved: every row's previous and current value is the published one
    moved = _csv(q2 / "shareable" / "tables" / "report_number_changes.csv")
    for r in moved[:200]:
        key = dict(part.split("=", 1) for part in r["key"].split("; "))
        for pack, col in ((q1, "previous"), (q2, "current")):
            rows = [
                x
                for x in _csv(pack / "shareable" / "tables" / f"{r['table']}.csv")
                if all(x.get(k) == v for k, v in key.items())
            ]
            assert len(rows) == 1 and rows[0][r["measure"]] == r[col], (r, pack.name)
        if "[c]" in (r["previous"], r["current"]):
            assert r["change"] == "[c]"


def test_commentary_appears_and_the_workbook_holds_every_table(two_periods) -> None:
    _, q2 = two_periods
    page = (q2 / "shareable" / "06_assurance_report.html").read_text()
    assert (
        "over-representation of Gypsy/Roma children at referral has not moved" in page
    )  # data/synthetic/commentary/2026-27-Q2.md
    wb = openpyxl.load_workbook(q2 / "shareable" / "tables" / "assurance_tables.xlsx", read_only=True)
    csvs = sorted(p.stem for p in (q2 / "shareable" / "tables").glob("*.csv"))
    contents = [r[0] for r in wb["Contents"].iter_rows(values_only=True)]
    for name in csvs:
        assert name[:31] in contents, name
    index = (q2 / "shareable" / "index.html").read_text()
    assert index.index("06_assurance_report.html") < index.index("01_disproportionality.html")
