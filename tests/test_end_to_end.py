"""End to end: ``assurance run`` on the bundled synthetic partnership, checked independently.

The packs are built once per session (``quarterly_packs`` in conftest: 2026-27 Q1, then Q2, the
default period, ``synthetic_pack``). These checks do not use the library's own guards: they
re-derive what must hold from the inputs and the published files, and run the pack contract
check (``tests/pack_contract.py``, a copy of the workbench's shared check) on both packs.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import pack_contract
from conftest import ROOT

pytestmark = pytest.mark.slow

CHECKER = ROOT / "tests" / "pack_contract.py"
SHORTHAND = {"[c]", "[z]", "[x]", "[low]", ""}
THRESHOLD = 5  # parameters/2026-27-Q2.yaml: disclosure.threshold


def test_all_six_notebooks_ran(quarterly_packs) -> None:
    for pack, period in ((quarterly_packs.q1, "2026-27 Q1"), (quarterly_packs.q2, "2026-27 Q2")):
        m = json.loads((pack / "manifest.json").read_text())
        assert [(n["name"], n["status"]) for n in m["notebooks"]] == [
            ("01_disproportionality", "ok"),
            ("02_section11", "ok"),
            ("03_audit_synthesis", "ok"),
            ("04_core_dataset", "ok"),
            ("05_learning", "ok"),
            ("06_assurance_report", "ok"),
        ]
        assert m["period"] == period and m["status"] == "ok"
        for nb in (
            "01_disproportionality",
            "02_section11",
            "03_audit_synthesis",
            "04_core_dataset",
            "05_learning",
            "06_assurance_report",
        ):
            assert (pack / "shareable" / f"{nb}.html").is_file()
            assert (pack / "internal" / "html" / f"{nb}.html").is_file()


def test_both_packs_meet_the_pack_contract(quarterly_packs) -> None:
    assert pack_contract.main(quarterly_packs.q1) == []
    assert pack_contract.main(quarterly_packs.q2) == []
    # run as the script a maintainer runs on a pack folder
    out = subprocess.run([sys.executable, str(CHECKER), str(quarterly_packs.q2)], capture_output=True, text=True)
    assert out.returncode == 0 and "pack meets the contracts" in out.stdout, out.stdout + out.stderr


def test_pack_contract_check_finds_a_broken_pack(tmp_path: Path) -> None:
    """The check can fail: a pack without a declared table, a flags column or a page's alt text."""
    share = tmp_path / "shareable"
    (share / "tables").mkdir(parents=True)
    (tmp_path / "internal").mkdir()
    (tmp_path / "manifest.json").write_text('{"sha256": 1, "parameters": 1, "python": 1, "disclosure": 1}')
    (share / "index.html").write_text(
        "<html><body><img src='a.png'><script src='https://cdn.example/x.js'></script></body></html>"
    )
    (share / "tables" / "index.json").write_text(
        '{"tables": [{"name": "t", "title": "T", "unit": "pupils", "rule": "children-counts", "source": "s"}]}'
    )
    (share / "tables" / "t.csv").write_text("a,b\n1,2\n")
    (share / "tables" / "flags_x.csv").write_text("analysis,category\n")
    problems = pack_contract.main(tmp_path)
    assert "table 't': unit 'pupils' not one of ['actions', 'agencies', 'cases', 'children', 'episodes']" in problems
    assert "flags_x.csv is not declared in tables/index.json" in problems
    assert any(p.startswith("flags_x.csv lacks flag columns") and "'evidence'" in p for p in problems)
    assert "shareable/index.html loads 1 external resources, e.g. https://cdn.example/x.js" in problems
    assert "shareable/index.html has 1 images without meaningful alt text" in problems
    out = subprocess.run([sys.executable, str(CHECKER), str(tmp_path)], capture_output=True, text=True)
    assert out.returncode == 1 and f"{len(problems)} problems" in out.stdout


def test_manifest_hashes_every_input_and_output(synthetic_pack: Path) -> None:
    m = json.loads((synthetic_pack / "manifest.json").read_text())
    for o in m["outputs"]:
        assert hashlib.sha256((synthetic_pack / o["path"]).read_bytes()).hexdigest() == o["sha256"], o["path"]
    listed = {o["path"] for o in m["outputs"]}
    on_disk = {str(p.relative_to(synthetic_pack)) for p in synthetic_pack.rglob("*") if p.is_file()} - {"manifest.json"}
    assert listed == on_disk
    inputs = {i["path"]: i["sha256"] for i in m["inputs"]}
    for rel in (
        "data/synthetic/journey_events.csv",
        "data/synthetic/section11_returns.csv",
        "data/synthetic/audit_grades.csv",
        "parameters/2026-27-Q2.yaml",
    ):
        assert inputs.get(rel) == hashlib.sha256((ROOT / rel).read_bytes()).hexdigest(), rel


def _declared(pack: Path) -> list[dict]:
    return json.loads((pack / "shareable" / "tables" / "index.json").read_text())["tables"]


def test_no_small_count_of_children_is_visible(synthetic_pack: Path) -> None:
    children = [t for t in _declared(synthetic_pack) if t["rule"] == "children-counts"]
    assert any(t["name"] == "disproportionality" for t in children)
    checked = 0
    for t in children:
        df = pd.read_csv(synthetic_pack / "shareable" / "tables" / t["file"], dtype=str, keep_default_na=False)
        count_cols = list(t.get("counts", [])) + list((t.get("count_where") or {}).keys())
        for col in count_cols:
            if col not in df.columns:
                continue
            rows = df
            if col in (t.get("count_where") or {}):
                by, values = t["count_where"][col]
                rows = df[df[by].isin(values)]
            visible = pd.to_numeric(rows[col].where(~rows[col].isin(SHORTHAND)), errors="coerce").dropna()
            small = visible[(visible >= 1) & (visible <= THRESHOLD)]
            assert small.empty, f"{t['name']}.{col}: visible small counts {sorted(small.unique())[:5]}"
            checked += len(visible)
    assert checked > 100  # the check saw real published counts


def _identifier_values() -> dict[str, set[str]]:
    journey = pd.read_csv(ROOT / "data" / "synthetic" / "journey_events.csv", dtype=str)
    grades = pd.read_csv(ROOT / "data" / "synthetic" / "audit_grades.csv", dtype=str)
    out = {"child_id": set(journey["child_id"].dropna()), "case_ref": set(grades["case_ref"].dropna())}
    survey = ROOT / "data" / "synthetic" / "practitioner_survey.csv"
    if survey.is_file():
        out["respondent"] = set(pd.read_csv(survey, dtype=str)["respondent"].dropna())
    return out


def test_no_identifier_anywhere_in_the_pack(synthetic_pack: Path) -> None:
    ids = _identifier_values()
    assert all(len(v) > 5 for v in ids.values())
    names = {n.strip() for n in (ROOT / "data" / "synthetic" / "audit_names.txt").read_text().splitlines() if n.strip()}
    scanned = 0
    for p in synthetic_pack.rglob("*"):
        if not p.is_file() or p.suffix in (".png", ".xlsx"):
            continue
        text = re.sub(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+", "", p.read_text(errors="ignore"))
        tokens = set(re.findall(r"[A-Za-z0-9][A-Za-z0-9_\-/]*[A-Za-z0-9]", text))
        for kind, values in ids.items():
            leaked = values & tokens
            assert not leaked, f"{p.relative_to(synthetic_pack)} contains {len(leaked)} {kind} value(s)"
        leaked_names = [n for n in names if re.search(rf"\b{re.escape(n)}\b", text)]
        assert not leaked_names, f"{p.relative_to(synthetic_pack)} contains {len(leaked_names)} planted name(s)"
        scanned += 1
    assert scanned > 20


def test_flags_files_have_the_contract_columns_and_real_rows(synthetic_pack: Path) -> None:
    cols = [
        "analysis",
        "category",
        "subject",
        "measure",
        "value",
        "lower",
        "upper",
        "severity",
        "statement",
        "evidence_table",
        "evidence_key",
    ]
    tables = {t["name"] for t in _declared(synthetic_pack)}
    for analysis in ("disproportionality", "section11", "audits"):
        f = synthetic_pack / "shareable" / "tables" / f"flags_{analysis}.csv"
        df = pd.read_csv(f, dtype=str, keep_default_na=False)
        assert list(df.columns[: len(cols)]) == cols
        assert len(df) > 0 and set(df["analysis"]) == {analysis}
        assert set(df["severity"]) <= {"high", "medium", "low"}
        assert set(df["evidence_table"]) <= tables, "every flag cites a published table"
