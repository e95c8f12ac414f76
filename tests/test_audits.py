"""Tests of assurance_lib.audits on a small fixture whose figures are worked out by hand.

The fixture (written by ``fixture`` below) has three audits, two agencies (Children's social
care "CSC" and Police) and two domains (voice, planning). Scores: 1 Outstanding, 2 Good,
3 Requires improvement to be good (RI), 4 Inadequate. Period 2026-27 Q2: the 12-month window
is 1 October 2025 to 30 September 2026.

A2 (neglect, 15 July 2026, this period; re-audits A1):
    case  agency  domain    self  panel
    c1    CSC     voice     2     2
    c1    CSC     planning  2     3
    c1    Police  voice     1     2
    c1    Police  planning  2     4
    c2    CSC     voice     3     3
    c2    CSC     planning  2     2
    c2    Police  voice     2     3
    c2    Police  planning  4     4
  voice: panel 2,2,3,3 -> good or better 2/4 = 50.0%; self 2,1,3,2 -> 3/4 = 75.0%
  planning: panel 3,4,2,4 -> 1/4 = 25.0% (Good 1, RI 1, Inadequate 2); self 3/4 = 75.0%
  all: 3/8 = 37.5% (Outstanding 0, Good 3, RI 3, Inadequate 2); self 6/8 = 75.0%
  agreement: |self - panel| = 0,1,1,2,0,0,1,0 -> exact 4/8 = 50.0%, adjacent 7/8 = 87.5%,
  self above panel (self score < panel score) 4/8 = 50.0%.
  Linear weighted kappa: self marginals (1,5,1,1)/8, panel (0,3,3,2)/8; observed
  disagreement (1+1+2+1)/3/8 = 5/24; expected (1/3) * sum_i p_i sum_j q_j |i-j|
  = (1/3) * (1*15 + 5*7 + 1*5 + 1*9)/64 = 1/3; kappa = 1 - (5/24)/(1/3) = 0.375.
  Quadratic: observed (1+1+4+1)/9/8 = 7/72; expected (1/9)(33 + 55 + 5 + 15)/64 = 3/16;
  kappa = 1 - (7/72)/(3/16) = 13/27 = 0.481.
A1 (neglect, 10 June 2025, before the window): voice panel 3,3,4,3 -> 0%; planning 2,2,1,3 -> 75%;
  all 3/8 = 37.5%. Change A1 -> A2: voice +50.0, planning -50.0, all 0.0, each on 2 against 2 cases.
  Case bootstrap (each audit's two cases resampled): planning earlier c3 2/2, c4 1/2 -> 100% (1/4),
  75% (1/2), 50% (1/4); later c1 0/2, c2 1/2 -> 0%, 25%, 50% (same odds). Later minus earlier is
  -100 with probability 1/16 (above 2.5%) and 0 with probability 1/16 (so below it 15/16 < 97.5%):
  the 95% interval is -100 to 0, which includes no change: "no clear change", not a fall.
  Voice: earlier 0% always; later c1 2/2, c2 0/2 -> 100% (1/4), 50% (1/2), 0% (1/4): interval 0 to
  +100, "no clear change" too.
A3 (exploitation, 1 May 2026, earlier in the window): one case, CSC voice Good/Good and planning
  Good/Good; moderators graded voice Good, Good and planning Good, RI. Krippendorff's ordinal
  alpha by hand: values 2,2 | 2,3; coincidences o22 = 2, o23 = o32 = 1; n2 = 3, n3 = 1, n = 4;
  ordinal delta^2(2,3) = ((n2 + n3) - (n2 + n3)/2)^2 = 4; D_o = 2*4/4 = 2,
  D_e = 2*3*1*4/(4*3) = 2; alpha = 1 - 2/2 = 0.
Window (A2 + A3) by agency: CSC voice panel 2,3,2 -> 66.7%; CSC planning 3,2,2 -> 66.7%;
  Police voice 2,3 -> 50.0%; Police planning 4,4 -> 0.0%; all domains, all agencies:
  voice 3/5 = 60.0%, planning 2/5 = 40.0%.
Actions as at 30 September 2026 (amber window 30 days), worked out in test_action_log_rag.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from assurance_lib import audits
from assurance_lib.config import Period
from assurance_lib.errors import InputError
from assurance_lib.readers import contract

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORK = "data/frameworks/audit_framework.yaml"
Q2 = Period.parse("2026-27 Q2")
G = {1: "Outstanding", 2: "Good", 3: "Requires improvement to be good", 4: "Inadequate"}
CASES = {"c1": "C-100001", "c2": "C-100002", "c3": "C-100003", "c4": "C-100004", "c5": "C-100005"}
PLANTED = [
    "Amelia Hartley",
    "Jayden",
    "943 476 5919",
    "03/04/2019",
    "LS6 2QT",
    "07700 900123",
    "family77@example.org",
    "14 March 2018",
    *CASES.values(),
]

GRADE_ROWS = [
    # audit, case, agency, domain, self, panel, moderator_1, moderator_2
    ("A2", "c1", "CSC", "voice", 2, 2, None, None),
    ("A2", "c1", "CSC", "planning", 2, 3, None, None),
    ("A2", "c1", "Police", "voice", 1, 2, None, None),
    ("A2", "c1", "Police", "planning", 2, 4, None, None),
    ("A2", "c2", "CSC", "voice", 3, 3, None, None),
    ("A2", "c2", "CSC", "planning", 2, 2, None, None),
    ("A2", "c2", "Police", "voice", 2, 3, None, None),
    ("A2", "c2", "Police", "planning", 4, 4, None, None),
    ("A1", "c3", "CSC", "voice", 3, 3, None, None),
    ("A1", "c3", "CSC", "planning", 2, 2, None, None),
    ("A1", "c3", "Police", "voice", 2, 3, None, None),
    ("A1", "c3", "Police", "planning", 2, 2, None, None),
    ("A1", "c4", "CSC", "voice", 3, 4, None, None),
    ("A1", "c4", "CSC", "planning", 1, 1, None, None),
    ("A1", "c4", "Police", "voice", 3, 3, None, None),
    ("A1", "c4", "Police", "planning", 2, 3, None, None),
    ("A3", "c5", "CSC", "voice", 2, 2, 2, 2),
    ("A3", "c5", "CSC", "planning", 2, 2, 2, 3),
]


def _write(path: Path, text: str) -> Path:
    path.write_text(text.strip() + "\n", encoding="utf-8")
    return path


@pytest.fixture()
def fixture(tmp_path: Path) -> dict[str, str]:
    d = tmp_path / "in"
    d.mkdir()
    _write(
        d / "register.csv",
        """
audit_id,theme,audit_type,audit_date,n_cases,previous_audit_id
A1,neglect,Case file deep dive,2025-06-10,2,
A2,Neglect,Case file deep dive,2026-07-15,2,A1
A3,exploitation,Spotlight,2026-05-01,1,
""",
    )
    lines = ["audit_id,case_ref,agency,domain,agency_grade,panel_grade,moderator_1,moderator_2"]
    for a, c, ag, dom, s, p, m1, m2 in GRADE_ROWS:
        lines.append(",".join([a, CASES[c], ag, dom, G[s], G[p], G.get(m1, ""), G.get(m2, "")]))
    _write(d / "grades.csv", "\n".join(lines))
    _write(
        d / "findings.csv",
        """
audit_id,domain,theme_code,kind,text
A2,voice,voice_of_child,strength,Amelia Hartley told her teacher what home was like.
A2,planning,information_sharing,area for development,"Police did not share the incident of 03/04/2019 at LS6 2QT; mum on 07700 900123; NHS 943 476 5919."
A2,escalation,escalation,area for development,Case C-100001: no escalation when the plan drifted (seen 14 March 2018).
A3,planning,information_sharing,area for development,Email to family77@example.org was not answered; case C-100005.
A3,voice,voice_of_child,strength,Jayden's wishes were recorded at every visit.
A1,voice,information_sharing,area for development,Referral not shared.
""",
    )
    _write(
        d / "actions.csv",
        """
action_id,source,source_ref,theme,agency,owner_role,action,created,due,status,evidence_of_completion,evidence_of_impact,closed_date
X1,audit,A2,neglect,Police,Inspector,Share incidents with Jayden's school within a day.,2026-07-20,2026-09-29,in progress,,,
X2,audit,A2,neglect,CSC,Team manager,Review plans monthly.,2026-07-20,2026-09-30,in progress,,,
X3,audit,A2,neglect,CSC,Team manager,Record the child's voice.,2026-07-20,2026-10-30,not started,,,
X4,section11,S11,,Police,Safeguarding lead,Safer recruitment audit.,2026-01-01,2026-10-31,in progress,,,
X5,review,R1,,CSC,Principal social worker,Update the escalation policy.,2026-01-01,2026-03-31,completed,Policy published.,,2026-03-15
X6,review,R1,,Police,Inspector,Audit record transfers.,2026-01-01,2026-06-30,completed,Report.,Transfers faster.,2026-10-05
X7,audit,A2,neglect,CSC,Team manager,Not yet in scope.,2026-10-02,2026-12-31,not started,,,
""",
    )
    return {
        "register_path": str(d / "register.csv"),
        "grades_path": str(d / "grades.csv"),
        "findings_path": str(d / "findings.csv"),
        "actions_path": str(d / "actions.csv"),
        "framework_path": FRAMEWORK,
    }


def _notebook_defaults() -> dict[str, object]:
    """The literals of notebook 03's parameters cell (the one place the defaults live), without the run's own."""
    nb = json.loads((ROOT / "notebooks" / "03_audit_synthesis.ipynb").read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    values = {}
    for node in ast.parse("".join(cell["source"])).body:
        values[node.targets[0].id] = ast.literal_eval(node.value)
    return {k: v for k, v in values.items() if k not in ("params_file", "run_dir")}


def _settings(p: dict[str, str], **changes: object) -> audits.Settings:
    return audits.Settings.from_params({**_notebook_defaults(), **p, **changes})


def _ctx(run: Path, p: dict[str, str], **changes: object):
    """Notebook 03's context on the fixture, every parameter given (the notebook's defaults, then ``p`` and ``changes``)."""
    from assurance_lib.notebook import setup

    return setup(
        "03_audit_synthesis",
        params_file="parameters/2026-27-Q2.yaml",
        run_dir=str(run),
        **{**_notebook_defaults(), **p, **changes},
    )


def _inputs(p: dict[str, str]) -> audits.AuditInputs:
    return audits.AuditInputs(
        framework=audits.load_framework(FRAMEWORK),
        register=audits.read_register(p["register_path"], p),
        grades=audits.read_grades(p["grades_path"], p),
        findings=audits.read_findings(p["findings_path"], p),
        actions=audits.read_actions(p["actions_path"], p),
    )


@pytest.fixture()
def res(fixture):
    return audits.compute(_inputs(fixture), _settings(fixture, n_boot=200, min_cases=10, min_units=20), Q2)


def _row(df: pd.DataFrame, **keys) -> pd.Series:
    m = pd.Series(True, index=df.index)
    for k, v in keys.items():
        m &= df[k].eq(v)
    assert m.sum() == 1, f"expected one row for {keys}, got {int(m.sum())}"
    return df[m].iloc[0]


def test_contracts_registered_with_case_ref_as_identifier():
    assert contract("audit_grades").identifier_columns == ("case_ref",)
    for name, param in (
        ("audit_register", "register_path"),
        ("audit_findings", "findings_path"),
        ("audit_actions", "actions_path"),
    ):
        c = contract(name)
        assert (c.notebook, c.parameter) == ("03_audit_synthesis", param)


def test_audits_in_window_and_roles(res):
    a = res.audits.set_index("audit_id")
    assert a.loc["A2", "role"] == "this period"
    assert a.loc["A3", "role"] == "earlier in the window"
    assert a.loc["A1", "role"] == "earlier audit of a re-audited theme"
    assert a.loc["A2", "theme"] == "Neglect" and a.loc["A2", "previous_audit_id"] == "A1"
    assert (a.loc["A2", "n_cases"], a.loc["A2", "n_agencies"], a.loc["A2", "n_gradings"]) == (2, 2, 8)


def test_grade_distribution_by_audit_and_domain_hand_values(res):
    gd = res.grades_domain
    voice = _row(gd, audit_id="A2", domain="Voice and lived experience of the child")
    assert (voice["n_cases"], voice["n_gradings"], voice["n_good"], voice["n_requires_improvement_to_be_good"]) == (
        2,
        4,
        2,
        2,
    )
    assert voice["pct_good_or_better"] == 50.0 and voice["pct_good_or_better_self"] == 75.0
    plan = _row(gd, audit_id="A2", domain="Planning")
    assert (plan["n_good"], plan["n_requires_improvement_to_be_good"], plan["n_inadequate"]) == (1, 1, 2)
    assert plan["pct_good_or_better"] == 25.0
    total = _row(gd, audit_id="A2", domain=audits.ALL)
    assert (
        total["n_outstanding"],
        total["n_good"],
        total["n_requires_improvement_to_be_good"],
        total["n_inadequate"],
    ) == (0, 3, 3, 2)
    assert total["pct_good_or_better"] == 37.5 and total["pct_good_or_better_self"] == 75.0
    assert total["indicative"] == "yes"  # 2 cases < 10
    assert "A1" not in set(gd["audit_id"])  # outside the window
    allv = _row(gd, audit_id=audits.ALL, domain="Voice and lived experience of the child")
    assert (allv["n_cases"], allv["pct_good_or_better"]) == (3, 60.0)
    assert _row(gd, audit_id=audits.ALL, domain="Planning")["pct_good_or_better"] == 40.0


def test_grade_distribution_by_agency_hand_values(res):
    ga = res.grades_agency
    assert _row(ga, agency="CSC", domain="Voice and lived experience of the child")["pct_good_or_better"] == 66.7
    assert _row(ga, agency="CSC", domain="Planning")["pct_good_or_better"] == 66.7
    assert _row(ga, agency="Police", domain="Voice and lived experience of the child")["pct_good_or_better"] == 50.0
    assert _row(ga, agency="Police", domain="Planning")["pct_good_or_better"] == 0.0
    police = _row(ga, agency="Police", domain=audits.ALL)
    assert (police["n_cases"], police["n_gradings"], police["pct_good_or_better"]) == (2, 4, 25.0)


def test_reaudit_change_hand_values(res):
    r = res.reaudit
    v = _row(r, domain="Voice and lived experience of the child")
    assert (v["audit_id"], v["earlier_audit_id"]) == ("A2", "A1")
    assert (v["pct_good_or_better_earlier"], v["pct_good_or_better_later"], v["change_pp"]) == (0.0, 50.0, 50.0)
    assert (v["change_lower"], v["change_upper"], v["direction"]) == (0.0, 100.0, "no clear change")
    p = _row(r, domain="Planning")
    assert (p["pct_good_or_better_earlier"], p["pct_good_or_better_later"], p["change_pp"]) == (75.0, 25.0, -50.0)
    # a fall of 50 points on 2 against 2 cases: the interval -100 to 0 includes no change
    assert (p["change_lower"], p["change_upper"], p["direction"]) == (-100.0, 0.0, "no clear change")
    t = _row(r, domain=audits.ALL)
    assert (t["change_pp"], t["direction"]) == (0.0, "no clear change")
    assert t["change_lower"] < 0 < t["change_upper"]


def test_agreement_hand_values(res):
    a = _row(res.agreement, level="audit", subject="A2")
    assert (a["n_cases"], a["n_units"]) == (2, 8)
    assert (a["pct_exact"], a["pct_adjacent"], a["pct_self_higher"], a["pct_self_lower"]) == (50.0, 87.5, 50.0, 0.0)
    assert a["kappa"] == pytest.approx(0.375, abs=5e-4)
    # two cases: the leave-one-case-out jackknife needs three, so no interval is given
    assert np.isnan(a["kappa_lower"]) and np.isnan(a["kappa_upper"])
    every = _row(res.agreement, level="all")
    assert every["n_cases"] == 3 and every["kappa_lower"] <= every["kappa"] <= every["kappa_upper"]
    assert "jackknife" in every["method"]
    assert a["weights"] == "linear" and a["indicative"] == "yes"  # 8 units < 20
    assert a["n_moderators"] == 0 and np.isnan(a["alpha_moderators"])
    m = _row(res.agreement, level="audit", subject="A3")
    assert m["n_moderators"] == 2 and m["alpha_moderators"] == pytest.approx(0.0)


def test_agreement_quadratic_weights(fixture):
    r = audits.compute(_inputs(fixture), _settings(fixture, n_boot=0, kappa_weights="quadratic"), Q2)
    a = _row(r.agreement, level="audit", subject="A2")
    assert a["kappa"] == pytest.approx(13 / 27, abs=5e-4)
    assert "quadratic weights" in a["method"]


def test_theme_counts_and_recurrence(res):
    t = res.themes.set_index("theme_code")
    # A1 is outside the window: its information-sharing finding is not counted.
    assert (t.loc["information_sharing", "n_strengths"], t.loc["information_sharing", "n_areas_for_development"]) == (
        0,
        2,
    )
    assert t.loc["information_sharing", "n_audits"] == 2 and t.loc["information_sharing", "recurring"] == "yes"
    assert (t.loc["voice_of_child", "n_strengths"], t.loc["voice_of_child", "recurring"]) == (2, "yes")
    assert (t.loc["escalation", "n_audits"], t.loc["escalation", "recurring"]) == (1, "no")


def test_action_log_rag(res):
    # As at 30 September 2026, amber window 30 days (to 30 October 2026):
    # X1 due 29 Sep, open -> Red, 1 day overdue; X2 due 30 Sep (the period end) -> not overdue, Amber;
    # X3 due 30 Oct -> Amber (exactly 30 days); X4 due 31 Oct -> Green; X5 completed 15 Mar -> Blue,
    # no evidence of impact; X6 completed 5 Oct (after the period end) -> open at 30 Sep, due 30 Jun
    # -> Red, 92 days overdue (31 + 31 + 30); X7 created 2 Oct -> not counted.
    a = res.actions.set_index("action_id")
    assert list(a.index) == ["X1", "X2", "X3", "X4", "X5", "X6"]
    assert a["rag"].to_dict() == {"X1": "Red", "X2": "Amber", "X3": "Amber", "X4": "Green", "X5": "Blue", "X6": "Red"}
    assert (a.loc["X1", "days_overdue"], a.loc["X6", "days_overdue"]) == (1, 92)
    assert a.loc["X6", "status_at_period_end"] == "open"
    assert a["complete_without_impact"].eq("yes").sum() == 1 and a.loc["X5", "complete_without_impact"] == "yes"
    s = res.action_summary
    tot = _row(s, by="all")
    assert (
        tot["n_actions"],
        tot["n_complete"],
        tot["n_complete_without_impact"],
        tot["n_overdue"],
        tot["n_amber"],
        tot["n_green"],
    ) == (6, 1, 1, 2, 2, 1)
    assert tot["pct_complete"] == 16.7
    aud = _row(s, by="source", subject="audit")
    assert (aud["n_actions"], aud["n_overdue"], aud["n_amber"]) == (3, 1, 2)
    police = _row(s, by="agency", subject="Police")
    assert (police["n_actions"], police["n_overdue"], police["n_green"]) == (3, 2, 1)
    assert any("created after the period end" in n for n in res.notes)


def test_flags(res):
    f = res.flags
    below = f[f["category"].eq("grades below good")]
    # A2 planning 25% (not < 25, so medium) and planning across the window 40%; voice 50% is not below 50.
    assert sorted(below["evidence_key"]) == ["audit_id=A2; domain=Planning", "audit_id=All; domain=Planning"]
    assert set(below["severity"]) == {"medium"}
    # the planning fall of 50 points has an interval including no change (see the docstring): no flag
    assert not f["category"].isin(["falling grades on re-audit", "improving grades on re-audit"]).any()
    # An action belongs to its source: X6 (a review action, 92 days overdue) and X5 (a review action
    # completed without evidence of impact) raise no audit flag; only X1 (audit A2) does.
    over = f[f["category"].eq("overdue action")].set_index("evidence_key")
    assert list(over.index) == ["action_id=X1"]
    x1 = over.loc["action_id=X1"]
    assert (x1["severity"], x1["effect"], x1["effect_unit"], x1["agency"]) == ("medium", 1, "days overdue", "Police")
    assert (x1["statutory_partner"], x1["themes"], x1["evidence"]) == ("yes", "neglect;working_together", "strong")
    assert not f["category"].eq("completed without evidence of impact").any()
    assert f["statement"].str.len().gt(20).all()


def test_flags_version_2_columns(res):
    f = res.flags
    assert list(f.columns[-9:]) == list(audits.FLAG_V2_COLUMNS)
    assert set(f["direction"]) == {"concern", "strength"}
    assert set(f["first_period"]) == {""}  # the report fills persistence from earlier packs
    a2 = _row(f, category="grades below good", evidence_key="audit_id=A2; domain=Planning")
    # 25% good or better against the 50% threshold: 25 points below; 2 cases < 10: indicative
    assert (a2["effect"], a2["affected"], a2["evidence"], a2["themes"]) == (-25.0, 2, "indicative", "neglect")
    allp = _row(f, category="grades below good", evidence_key="audit_id=All; domain=Planning")
    # the window's audits, by date: A3 (exploitation, May) and A2 (neglect, July)
    assert (allp["themes"], allp["affected"]) == ("exploitation;neglect", 3)
    # coded findings of A2 (the audit this period): one strength, two areas for development
    good = f[f["category"].eq("good practice found")]
    assert list(good["subject"]) == ["Voice of the child heard and recorded (A2)"]
    assert set(good["direction"]) == {"strength"}
    afd = f[f["category"].eq("area for development")]
    assert sorted(afd["evidence_key"]) == ["theme_code=escalation", "theme_code=information_sharing"]
    assert set(afd["direction"]) == {"concern"} and set(afd["themes"]) == {"neglect"}


def _messages(exc: InputError) -> str:
    return "\n".join(str(p) for p in exc.problems)


def test_bad_grades_are_all_reported_without_case_references(fixture, tmp_path):
    p = dict(fixture)
    bad = tmp_path / "bad_grades.csv"
    _write(
        bad,
        f"""
audit_id,case_ref,agency,domain,agency_grade,panel_grade
A2,{CASES["c1"]},CSC,voice,Good,Good
A2,{CASES["c1"]},CSC,planning,Good,Mostly good
A2,{CASES["c1"]},Police,safety,Good,Good
A2,{CASES["c1"]},CSC,voice,Good,Requires improvement to be good
A2,{CASES["c2"]},Police,voice,Good,Good
A9,{CASES["c5"]},CSC,voice,Good,Good
""",
    )
    with pytest.raises(InputError) as ei:
        audits.read_grades(bad, p)
    msg = _messages(ei.value)
    assert (
        "bad_grades.csv, row 3, column 'panel_grade': 'Mostly good' (expected one of: Outstanding, Good, "
        "Requires improvement to be good, Inadequate)" in msg
    )
    assert "row 4, column 'domain': 'safety' (expected one of: voice, recognition" in msg
    assert re.search(
        r"row 5: duplicates an earlier row \(audit_id=A2, case_ref=\[hidden\], agency=CSC, domain=voice\), first at row 2",
        msg,
    )
    assert "row 7, column 'audit_id': 'A9' (expected an audit_id of the audit register)" in msg
    for ref in CASES.values():
        assert ref not in msg and ref not in str(ei.value)
    assert len(ei.value.problems) == 4


def test_bad_actions_and_register_dates(fixture, tmp_path):
    p = dict(fixture)
    bad = tmp_path / "bad_actions.csv"
    _write(
        bad,
        """
action_id,source,source_ref,theme,agency,owner_role,action,created,due,status,evidence_of_completion,evidence_of_impact,closed_date
X1,audit,A2,neglect,Police,Inspector,Share incidents.,2026-07-20,2026-07-01,in progress,,,
X2,audit,A2,neglect,CSC,Team manager,Review plans.,31/02/2026,2026-09-30,in progress,,,
X3,audit,A2,neglect,CSC,Team manager,Record.,2026-07-20,2026-10-30,done,,,
X4,review,R1,,CSC,PSW,Update policy.,2026-01-01,2026-03-31,completed,Published.,,
""",
    )
    with pytest.raises(InputError) as ei:
        audits.read_actions(bad, p)
    msg = _messages(ei.value)
    assert "bad_actions.csv, row 2, column 'due': '2026-07-01' is before the action was created" in msg
    assert "row 3, column 'created': '31/02/2026' is not a real date (expected a date written yyyy-mm-dd" in msg
    assert "row 4, column 'status': 'done' (expected one of: not started, in progress, completed)" in msg
    assert "row 5, column 'closed_date': is empty (expected the date the action was completed" in msg
    assert len(ei.value.problems) == 4
    reg = tmp_path / "bad_register.csv"
    _write(
        reg,
        """
audit_id,theme,audit_type,audit_date,n_cases,previous_audit_id
A1,neglect,Case file deep dive,2025-13-10,2,
A2,neglect,Deep dive,2026-07-15,two,A1
A3,exploitation,Spotlight,2026-05-01,1,A2
""",
    )
    with pytest.raises(InputError) as ei:
        audits.read_register(reg, p)
    msg = _messages(ei.value)
    assert "row 2, column 'audit_date': '2025-13-10' is not a real date (expected a date written yyyy-mm-dd" in msg
    assert (
        "row 3, column 'audit_type': 'Deep dive' (expected one of: Case file deep dive, Spotlight, JTAI preparation)"
        in msg
    )
    assert "row 3, column 'n_cases': 'two'" in msg
    assert "row 4, column 'previous_audit_id': 'A2' is not earlier than this audit" in msg


def test_case_count_must_match_register(fixture, tmp_path):
    p = dict(fixture)
    reg = tmp_path / "reg.csv"
    _write(
        reg,
        Path(fixture["register_path"])
        .read_text()
        .replace("A2,Neglect,Case file deep dive,2026-07-15,2,A1", "A2,Neglect,Case file deep dive,2026-07-15,3,A1"),
    )
    p["register_path"] = str(reg)
    with pytest.raises(InputError) as ei:
        audits.read_grades(fixture["grades_path"], p)
    assert (
        "key 'audit_id=A2', column 'case_ref': has 2 distinct cases (expected 3 cases, as the audit register says)"
        in _messages(ei.value)
    )


def test_published_pack_has_no_planted_identifier(fixture, tmp_path, monkeypatch):
    """Through the notebook's own calls: nothing planted in the free text reaches any file of the pack."""
    names = tmp_path / "names.txt"
    names.write_text("Amelia Hartley\nJayden\n", encoding="utf-8")
    run = tmp_path / "pack"
    ctx = _ctx(run, fixture, names_file=str(names), n_boot=100)
    r = audits.analyse(ctx)
    audits.show_register(ctx, r)
    audits.show_grades(ctx, r, by="domain")
    audits.show_grades(ctx, r, by="agency")
    audits.chart_grades(ctx, r)
    audits.show_reaudit(ctx, r)
    audits.chart_reaudit(ctx, r)
    audits.show_agreement(ctx, r)
    audits.chart_agreement(ctx, r)
    audits.show_themes(ctx, r)
    audits.show_actions(ctx, r)
    audits.show_actions_attention(ctx, r)
    audits.publish_flags(ctx, r)
    md = audits.briefings(ctx, r)
    assert "Seven-minute briefing" in md and "## 7. Questions for reflection" in md
    brief = (run / "shareable" / "text" / "briefing_A2.md").read_text(encoding="utf-8")
    for heading in (
        "1. Background",
        "2. Why it matters",
        "3. What we found",
        "4. Strengths",
        "5. Areas for development",
        "6. What to do",
        "7. Questions for reflection",
    ):
        assert f"## {heading}" in brief
    assert "37%" in brief or "38%" in brief  # 37.5% good or better, formatted without decimals
    files = [f for f in run.rglob("*") if f.is_file() and f.suffix != ".png"]
    assert any(f.name == "audit_grades_domain.csv" for f in files)
    for f in files:
        text = f.read_text(encoding="utf-8", errors="ignore")
        for planted in PLANTED:
            assert planted.lower() not in text.lower(), f"{planted!r} reached {f.relative_to(run)}"
    import json

    index = {e["name"]: e for e in json.loads((run / "shareable" / "tables" / "index.json").read_text())["tables"]}
    assert index["audit_grades_domain"]["unit"] == "cases" and index["audit_grades_domain"]["rule"] == "small-sample"
    assert index["audit_actions"]["unit"] == "actions"


def test_a_period_with_no_audits_gives_empty_tables_not_errors(fixture):
    # 2024-25 Q1: the window (July 2023 to June 2024) holds no audit and no action was created by then.
    r = audits.compute(_inputs(fixture), _settings(fixture, n_boot=10), Period.parse("2024-25 Q1"))
    assert r.audits.empty and r.grades_domain.empty and r.agreement.empty and r.reaudit.empty and r.actions.empty
    assert "pct_good_or_better" in r.grades_domain.columns and "kappa" in r.agreement.columns
    assert r.flags.empty
    assert _row(r.action_summary, by="all")["n_actions"] == 0
    assert any("dated after the period end" in n for n in r.notes)


def test_excel_action_log_with_real_dates_reads_like_the_csv(fixture, tmp_path):
    """An action log kept in Excel, with date cells, gives the same frame as the CSV (sheet named in messages)."""
    csv_frame = audits.read_actions(fixture["actions_path"], fixture)
    raw = pd.read_csv(fixture["actions_path"], dtype=str, keep_default_na=False)
    for c in ("created", "due", "closed_date"):
        raw[c] = pd.to_datetime(raw[c].replace("", None), format="%Y-%m-%d")
    xlsx = tmp_path / "actions.xlsx"
    raw.to_excel(xlsx, index=False, sheet_name="Actions")
    xl_frame = audits.read_actions(xlsx, fixture)
    cols = ["action_id", "source", "agency", "created", "due", "status", "closed_date"]
    pd.testing.assert_frame_equal(xl_frame[cols], csv_frame[cols], check_dtype=False)
    raw.loc[1, "due"] = pd.Timestamp("2026-01-01")  # before it was created (2026-07-20)
    raw.to_excel(xlsx, index=False, sheet_name="Actions")
    with pytest.raises(InputError) as ei:
        audits.read_actions(xlsx, fixture)
    assert "actions.xlsx, sheet 'Actions', row 3, column 'due'" in _messages(ei.value)


def test_text_the_guard_cannot_clear_is_left_out_and_counted(fixture, tmp_path, monkeypatch):
    from assurance_lib import disclosure

    real = disclosure.redact

    def stubborn(text, ids=None):  # a guard that cannot clear anything about Amelia
        if "Amelia" in text:
            return disclosure.Redaction("", 1)
        return real(text, ids)

    monkeypatch.setattr(disclosure, "redact", stubborn)
    run = tmp_path / "pack"
    ctx = _ctx(run, fixture, n_boot=10)
    r = audits.analyse(ctx)
    md = audits.briefings(ctx, r)
    assert "Amelia" not in md and "Hartley" not in md
    assert "1 quotation left out: the redaction guard could not clear it." in md
    # A2's two areas for development carry a date, a postcode, a phone number, an NHS number and a
    # case reference: the guard finds something to remove in each, so each is left out whole
    assert "2 quotations left out: the redaction guard could not clear them." in md
    log = (run / "internal" / "publish.log").read_text()
    # and action X1 names Jayden (a name of the names list): 1 + 2 + 1
    assert "The text of 1 action was left out" in md
    assert "4 free-text passage(s) in the seven-minute briefings could not be cleared" in log


def test_a_briefing_never_quotes_a_masked_passage(fixture, tmp_path):
    # A passage with anything for the guard to remove is left out whole, never quoted as
    # "[redacted]": of A1, A2 and A3 only the one passage written without an identifier is quoted.
    run = tmp_path / "pack"
    ctx = _ctx(run, fixture, n_boot=10)
    r = audits.analyse(ctx)
    md = audits.briefings(ctx, r, which="")
    assert "[redacted]" not in md and "redacted" not in md.lower()
    quotes = sorted(ln[2:] for ln in md.splitlines() if ln.startswith("> "))
    assert quotes == ["Referral not shared."]  # Amelia Hartley and Jayden are listed names
    for f in (run / "shareable" / "text").glob("briefing_*.md"):
        assert "[redacted]" not in f.read_text()


def test_validate_reports_bad_grades_before_any_notebook_runs(tmp_path):
    """``assurance validate`` (exit 2 on InputError) reads the audit contracts from the parameters file."""
    import shutil

    from assurance_lib import pipeline

    root = Path(__file__).resolve().parent.parent
    lines = (root / "data/synthetic/audit_grades.csv").read_text().splitlines()
    cells = lines[1].split(",")
    cells[5] = "Mostly good"  # panel_grade of the first data row (row 2)
    lines[1] = ",".join(cells)
    bad = tmp_path / "grades.csv"
    bad.write_text("\n".join(lines) + "\n")
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    shutil.copy(root / "notebooks/03_audit_synthesis.ipynb", nbs)
    params = tmp_path / "params.yaml"
    params.write_text(
        f"partnership: Test\nperiod: 2026-27 Q2\nnotebooks:\n  03_audit_synthesis:\n    grades_path: {bad}\n"
    )
    with pytest.raises(InputError) as ei:
        pipeline.validate(str(params), notebooks_dir=nbs)
    msg = _messages(ei.value)
    assert "grades.csv, row 2, column 'panel_grade': 'Mostly good' (expected one of: Outstanding, Good" in msg
    assert len(ei.value.problems) == 1


def test_a_missing_parameter_is_an_error_naming_it(fixture, tmp_path):
    """The defaults live once, in the notebook's parameters cell: a parameter left out is never filled in."""
    params = {**_notebook_defaults(), **fixture}
    del params["seed"], params["min_units"]
    with pytest.raises(ValueError, match=r"missing parameters min_units, seed \(expected every parameter"):
        audits.Settings.from_params(params)
    ctx = _ctx(tmp_path / "pack", fixture)
    del ctx.params["kappa_weights"]
    with pytest.raises(InputError) as ei:
        audits.analyse(ctx)
    assert "key 'notebooks.03_audit_synthesis': missing parameter kappa_weights" in _messages(ei.value)


def test_a_wrong_setting_names_the_parameter_and_value(fixture):
    with pytest.raises(
        ValueError, match=r"window_months must be a whole number of quarters \(3, 6, 9, 12 ...\), got 7"
    ):
        _settings(fixture, window_months=7)
    with pytest.raises(ValueError, match=r"kappa_weights 'cubic' is not one of: linear, quadratic"):
        _settings(fixture, kappa_weights="cubic")


def test_a_framework_missing_a_setting_names_every_key(tmp_path):
    """The framework's settings live in its YAML: none is filled in by the code."""
    text = (ROOT / FRAMEWORK).read_text(encoding="utf-8")
    text = text.replace("  amber_days: 30\n", "").replace(
        "finding_kinds:\n  - strength\n  - area for development\n", ""
    )
    text = text.replace("audit_types:", "audit_types_misspelt:")
    f = tmp_path / "framework.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as ei:
        audits.load_framework(f)
    msg = _messages(ei.value)
    for key, expected in (
        ("audit_types", "a list"),
        ("finding_kinds", "a list"),
        ("action_log.amber_days", "a whole number"),
    ):
        assert f"key '{key}': missing or of the wrong type (expected {expected})" in msg
    assert len(ei.value.problems) == 3


def test_the_runs_own_symbols_are_written(fixture) -> None:
    """Symbols come from the run's DisclosureConfig: an open action has no closed date, an audit that
    re-audits nothing has no previous audit (not applicable), whatever the run calls that."""
    from assurance_lib.config import DisclosureConfig

    r = audits.compute(
        _inputs(fixture), _settings(fixture, n_boot=0), Q2, symbols=DisclosureConfig(not_applicable="n/a")
    )
    open_actions = r.actions[r.actions["status_at_period_end"].eq("open")]
    assert len(open_actions) and open_actions["closed_date"].eq("n/a").all()
    assert "[z]" not in set(r.actions["closed_date"]) | set(r.audits["previous_audit_id"])
    assert r.audits["previous_audit_id"].eq("n/a").any()


def test_audit_dates_follow_the_one_date_rule(fixture, tmp_path):
    """Day-first dates are read as the other inputs read them; a US-order column is refused (dates.parse_dates)."""
    reg = tmp_path / "register.csv"
    _write(
        reg,
        """
audit_id,theme,audit_type,audit_date,n_cases,previous_audit_id
A1,neglect,Case file deep dive,10/12/2025,2,
A2,neglect,Case file deep dive,15/7/2026,2,A1
""",
    )
    df = audits.read_register(reg, dict(fixture))
    assert [d.strftime("%Y-%m-%d") for d in df["audit_date"]] == ["2025-12-10", "2026-07-15"]
    _write(
        reg,
        """
audit_id,theme,audit_type,audit_date,n_cases,previous_audit_id
A1,neglect,Case file deep dive,12/10/2025,2,
A2,neglect,Case file deep dive,07/15/2026,2,A1
""",
    )
    with pytest.raises(InputError) as ei:
        audits.read_register(reg, dict(fixture))
    assert "row 3, column 'audit_date': '07/15/2026' is in month/day/year (US) order" in _messages(ei.value)


def test_one_report_per_audit_with_recommendations_and_owners(fixture, tmp_path):
    run = tmp_path / "pack"
    ctx = _ctx(run, fixture, n_boot=10)
    r = audits.analyse(ctx)
    audits.write_audit_reports(ctx, r)
    pages = sorted(p.name for p in (run / "shareable" / "letters").glob("audit_report_*"))
    # the window's audits are A2 and A3 (A1 is only the earlier audit of a re-audit)
    assert pages == [
        "audit_report_A2.docx",
        "audit_report_A2.html",
        "audit_report_A3.docx",
        "audit_report_A3.html",
    ]
    html = (run / "shareable" / "letters" / "audit_report_A2.html").read_text()
    for heading in (
        "Scope",
        "What we found",
        "Strengths",
        "What needs to improve",
        "Recommendations and who owns them",
    ):
        assert f"<h2>{heading}</h2>" in html
    # A2: 2 cases, 2 agencies, 2 domains, 8 gradings; 37.5% good or better (panel), 75% (own)
    assert "2 children&#x27;s cases" in html and "moderated 8 gradings" in html
    assert "38% of the panel&#x27;s grades were good or better" in html and "said 75%" in html
    # the re-audit: no clear change (0 points), with its interval
    assert "no clear change (38% to 38% good or better, +0 points; the 95% interval" in html
    # recommendations X2 and X3 with their owners and status; X1 names Jayden (a listed name): text not shown
    assert "Review plans monthly." in html and "CSC (Team manager)" in html and "due within a month" in html
    assert "Police (Inspector)" in html and "text not shown" in html and "Jayden" not in html
    # X7 was created after the period end and X4 is a Section 11 action: neither is an A2 recommendation
    assert "Not yet in scope" not in html and "Safer recruitment" not in html
    assert "[redacted]" not in html
    for planted in PLANTED:
        assert planted.lower() not in html.lower()
