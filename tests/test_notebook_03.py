"""Notebook 03 (audit synthesis): static checks of the committed notebook, then the files its run on
the synthetic defaults wrote (the session's pack, built once by the pipeline: ``synthetic_pack`` in
conftest), and that no planted identifier reached any file of the pack (internal included)."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from assurance_lib.tables import FLAG_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
NB = ROOT / "notebooks" / "03_audit_synthesis.ipynb"
SYN = ROOT / "data" / "synthetic"

# Kinds of identifier planted by assurance_lib.synthetic.audits in the free text.
_PATTERNS = [
    r"\b999 \d{3} \d{4}\b",  # NHS numbers (test range, valid check digit)
    r"\b\d{2}/\d{2}/\d{4}\b",  # dates
    r"\b[A-Z]{1,2}\d{1,2} \d[A-Z]{2}\b",  # postcodes
    r"\b07700 900\d{3}\b",  # phone numbers
    r"\b[\w.]+@example\.org\b",  # email addresses
    r"\bC-\d{6}\b",  # case references
]


def _planted() -> set[str]:
    text = (
        " ".join(pd.read_csv(SYN / "audit_findings.csv", dtype=str)["text"])
        + " "
        + " ".join(pd.read_csv(SYN / "audit_actions.csv", dtype=str)["action"])
    )
    found = {m for p in _PATTERNS for m in re.findall(p, text)}
    names = [
        ln.strip() for ln in (SYN / "audit_names.txt").read_text().splitlines() if ln.strip() and not ln.startswith("#")
    ]
    refs = set(pd.read_csv(SYN / "audit_grades.csv", dtype=str)["case_ref"])
    return found | set(names) | refs


def test_committed_notebook_is_thin_and_clean():
    nb = nbformat.read(NB, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    src = tagged[0].source
    assert 'params_file = "parameters/2026-27-Q2.yaml"' in src and 'run_dir = ""' in src
    for line in src.splitlines():
        assert "#" in line, f"parameter without a help comment: {line}"
        node = ast.parse(line).body[0]
        assert isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant), line
    for c in nb.cells:
        if c.cell_type == "code":
            assert not c.get("outputs") and c.get("execution_count") is None
            assert not re.search(r"^\s*(def|class)\s", c.source, re.M)
    md = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "Method and caveats" in md and "Provenance" in md


@pytest.fixture(scope="module")
def pack(synthetic_pack):
    return synthetic_pack


def test_tables_declared_with_units(pack):
    index = {e["name"]: e for e in json.loads((pack / "shareable/tables/index.json").read_text())["tables"]}
    for name in (
        "audit_register",
        "audit_grades_domain",
        "audit_grades_agency",
        "audit_reaudit",
        "audit_agreement",
        "audit_themes",
    ):
        assert index[name]["unit"] == "cases" and index[name]["rule"] == "small-sample", name
        assert (pack / "shareable/tables" / f"{name}.csv").is_file()
    for name in ("audit_actions", "audit_actions_summary"):
        assert index[name]["unit"] == "actions"
    flags = pd.read_csv(pack / "shareable/tables/flags_audits.csv", dtype=str)
    assert list(flags.columns[: len(FLAG_COLUMNS)]) == list(FLAG_COLUMNS)
    # The synthetic action log is hand-written (assurance_lib/synthetic/audits.py ACTIONS): as at
    # 30 September 2026 ACT-003 (due 30 Jun), ACT-004 (31 Aug), ACT-012 (31 May) and ACT-015 (due
    # 1 Sep, closed 10 Oct, after the period end) are overdue; ACT-002, ACT-007 and ACT-014 were
    # completed with no evidence of impact; ACT-016 was created after the period end. An action
    # belongs to its source: ACT-012 (Section 11) and ACT-014, ACT-015 (a rapid review) raise no
    # audit flag.
    over = flags.loc[flags["category"].eq("overdue action"), "evidence_key"]
    assert sorted(over) == ["action_id=ACT-003", "action_id=ACT-004"]
    noimp = flags.loc[flags["category"].eq("completed without evidence of impact"), "evidence_key"]
    assert sorted(noimp) == ["action_id=ACT-002", "action_id=ACT-007"]
    assert not flags["statement"].str.contains("section11|S11-|RR-2026").any()
    # version 2: concerns and strengths, priority themes from data/frameworks/priorities.yaml
    assert set(flags["direction"]) == {"concern", "strength"}
    themes = set(";".join(flags["themes"].dropna()).split(";"))
    assert themes <= {"neglect", "exploitation", "domestic_abuse", "front_door", "equity", "working_together"}
    assert {"neglect", "domestic_abuse", "working_together"} <= themes
    assert flags["first_period"].isna().all()
    actions = pd.read_csv(pack / "shareable/tables/audit_actions.csv", dtype=str)
    assert "ACT-016" not in set(actions["action_id"]) and "action" not in actions.columns
    reaudit = pd.read_csv(pack / "shareable/tables/audit_reaudit.csv", dtype=str)
    assert set(reaudit["audit_id"]) == {"AUD-2026-03"} and set(reaudit["earlier_audit_id"]) == {"AUD-2025-03"}


def test_briefings_for_audits_this_period(pack):
    texts = sorted(p.name for p in (pack / "shareable/text").glob("briefing_*.md"))
    assert texts == ["briefing_AUD-2026-03.md", "briefing_AUD-2026-04.md"]
    b = (pack / "shareable/text/briefing_AUD-2026-03.md").read_text()
    assert "## 7. Questions for reflection" in b and "AUD-2025-03" in b


def test_no_published_briefing_or_audit_page_contains_a_redaction_mask(pack):
    # the generator writes with pseudonyms; a mask in a briefing would be a defect
    pages = list((pack / "shareable/text").glob("briefing_*.md")) + list(
        (pack / "shareable/letters").glob("audit_report_*.html")
    )
    assert len(pages) >= 2
    for f in pages:
        assert "[redacted]" not in f.read_text(encoding="utf-8"), f.name


def test_no_planted_identifier_anywhere_in_the_pack(pack):
    planted = _planted()
    assert len(planted) > 30  # the synthetic text really does carry identifiers of every kind
    files = [f for f in pack.rglob("*") if f.is_file() and f.suffix != ".png"]
    assert any(f.suffix == ".ipynb" for f in files)
    for f in files:
        text = f.read_text(encoding="utf-8", errors="ignore")
        text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=\\n]+", "", text)
        for p in planted:
            assert p not in text, f"a planted identifier reached {f.relative_to(pack)}"
