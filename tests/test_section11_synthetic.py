"""The synthetic Section 11 data: reproducible, and its planted cases are found by the analysis.

The planted agencies are named in ``assurance_lib.synthetic.section11``; these tests check that the
moderation figures, the trends, the returns table and the risk ranking single them out.
The exact figures are checked on the hand-worked fixture in ``test_section11.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assurance_lib.section11 import analysis as A
from assurance_lib.section11 import load_framework, read_agency_register, read_returns
from assurance_lib.synthetic import DEFAULT_SEED
from assurance_lib.synthetic import section11 as syn
from assurance_lib.voice import read_practitioner_survey, summarise_practitioner_survey

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "synthetic"
PARAMS = {
    "framework_path": str(ROOT / "data/frameworks/section11_wt2023.yaml"),
    "register_path": str(DATA / "section11_register.csv"),
}


@pytest.fixture(scope="module")
def data() -> dict:
    fw = load_framework(PARAMS["framework_path"])
    reg = read_agency_register(PARAMS["register_path"])
    allr = A.standard_ratings(read_returns(DATA / "section11_returns.csv", PARAMS))
    cur = allr[allr["cycle"] == "2026-27"].reset_index(drop=True)
    trend = A.trends(allr, "2026-27", reg)
    rec = A.returns_received(reg, cur, len(fw.standards))
    return {"fw": fw, "reg": reg, "all": allr, "cur": cur, "trend": trend, "rec": rec}


def test_regenerating_gives_the_same_bytes(tmp_path: Path) -> None:
    written = syn.generate(tmp_path, DEFAULT_SEED)
    assert {p.name for p in written} == {
        "section11_register.csv",
        "section11_returns.csv",
        "section11_returns_workbook.xlsx",
        "practitioner_survey.csv",
    }
    for p in written:
        assert p.read_bytes() == (DATA / p.name).read_bytes(), (
            f"{p.name} differs: run python -m assurance_lib.synthetic"
        )


def test_shape_of_the_synthetic_partnership(data: dict) -> None:
    assert len(data["reg"]) == 24  # schools and colleges are in the schools register (section 175/157), not here
    assert set(data["all"]["cycle"]) == {"2024-25", "2025-26", "2026-27"}
    assert {
        "Police",
        "Acute health trust",
        "Community health trust",
        "Primary care",
        "Local authority services",
        "Probation",
        "Voluntary sector",
    } <= set(data["reg"]["sector"])
    assert "Education" not in set(data["reg"]["sector"])  # schools and colleges: see tests/test_schools.py


def test_moderation_finds_the_planted_over_raters(data: dict) -> None:
    m = A.moderation_summary(data["cur"], data["reg"])
    ag = m[m["level"] == "agency"].set_index("agency")
    high = set(ag.index[ag["over_rating_rate"] >= 0.5])
    assert high == {"Eastbank University Hospital Trust"}  # 7 of 11 lowered (planted truth)
    # the moderation effects vary: 7, 3 and 3 of 11 lowered (the planted truths against self-ratings of fully met)
    assert ag.loc[list(syn.PLANTED_OVER_RATERS), "over_rated"].tolist() == [7, 3, 3]


def test_trends_find_the_planted_declines(data: dict) -> None:
    dec = data["trend"][data["trend"]["own_trend"] == "declined"].groupby("agency").size()
    for a in syn.PLANTED_DECLINES:
        assert dec.get(a, 0) >= 5  # planted: lower on five standards than in 2025-26


def test_returns_find_missing_and_late(data: dict) -> None:
    st = data["rec"].set_index("agency")["status"]
    assert set(st[st == "missing"].index) == set(syn.PLANTED_MISSING)
    assert set(st[st == "late"].index) == set(syn.PLANTED_LATE)
    assert set(st[st == "not expected"].index) == set(syn.NOT_EXPECTED)


def test_ranking_shortlists_the_police_persistent_non_compliance_with_its_reasons(data: dict) -> None:
    from pandas import Timestamp

    as_at = Timestamp("2026-09-30")
    hist = A.action_history(data["all"], "2026-27", data["fw"], data["reg"], as_at)
    acts = A.action_plan(data["cur"], data["fw"], data["reg"], as_at)
    rk = A.risk_ranking(
        data["reg"],
        data["cur"],
        data["trend"],
        data["rec"],
        hist,
        acts,
        data["fw"],
        shortlist_size=8,
        previous="2025-26",
    ).set_index("agency")
    police = rk.loc["Northshire Police"]
    assert bool(police["shortlisted"]) and int(police["rank"]) == 1
    # planted: whistleblowing and supervision not met in all three cycles, the same action promised each time
    assert "not met 3 cycles running" in police["reasons"] and "Whistleblowing" in police["reasons"]
    assert "a statutory safeguarding partner" in police["reasons"]
    assert (
        "the same action promised again on 2 standards (Whistleblowing, Supervision and training)" in police["reasons"]
    )
    short = set(rk.index[rk["shortlisted"]])
    assert {"Eastbank University Hospital Trust", "Northshire Integrated Care Board", *syn.PLANTED_DECLINES} <= short
    assert rk.loc["Northshire Youth Sports Network", "rank"] > 8  # over-rating on 3 of 11 alone is not a visit
    late = hist[hist["previous_action_outcome"].eq("completed late")]["agency"]
    assert set(late) <= set(syn.PLANTED_COMPLETED_LATE) and len(late) > 0


def test_unevidenced_agency_and_survey_contradictions(data: dict) -> None:
    ev = A.evidence_summary(data["cur"], data["reg"]).set_index("agency")
    for a in syn.PLANTED_UNEVIDENCED:
        assert ev.loc[a, "unverified_fully_met"] >= 4
    survey = read_practitioner_survey(DATA / "practitioner_survey.csv", PARAMS)
    tri = A.triangulate(data["cur"], summarise_practitioner_survey(survey, by=("agency", "standard")))
    contra = tri[tri["contradiction"] != ""]
    # Planted: the over-raters' staff disagree on whistleblowing (WT04) and escalation (WT05) although
    # the agencies self-rate them fully met. (Other agencies may show contradictions of their own.)
    found = set(contra.loc[contra["standard"].isin(["WT04", "WT05"]), "agency"])
    assert set(syn.PLANTED_OVER_RATERS) <= found


def test_synthetic_workbook_reads(data: dict) -> None:
    wb = read_returns(DATA / "section11_returns_workbook.xlsx", PARAMS)
    assert sorted(wb["_sheet"].unique()) == ["Agency 1", "Agency 2", "Agency 3"]
    assert sorted(wb["agency"].unique()) == sorted(syn.WORKBOOK_AGENCIES)
    assert len(wb) == 3 * 11
