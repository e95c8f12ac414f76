"""Tests of the Section 11 library (assurance_lib.section11) on a small hand-worked fixture.

The fixture (written by ``fixture`` below) has three standards: S1 and S2 on the three-point
scale (S2 answered by two sub-questions) and S3 on the checklist scale; four agencies:
Alpha Police (on time), Beta Trust (10 days late), Gamma School (missing) and Delta Charity
(not expected); and two cycles, 2025-26 and 2026-27. Every expected value is worked out by
hand in the comments next to it, never copied from the code's output.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from assurance_lib.errors import InputError
from assurance_lib.section11 import analysis as A
from assurance_lib.section11 import load_framework, read_agency_register, read_returns
from assurance_lib.section11.scales import load_scales

ROOT = Path(__file__).resolve().parent.parent

FRAMEWORK = """\
id: tiny
title: Tiny test framework
scales_file: scales_section11.yaml
scale: rag3
domains:
  LG: Leadership and governance
  CC: Culture and challenge
standards:
  - {id: S1, title: Accountability, domains: [LG]}
  - id: S2
    title: Listening to children
    domains: [LG, CC]
    sub_questions:
      - {id: S2a, text: Children's views sought}
      - {id: S2b, text: Children's views acted on}
  - {id: S3, title: Safer recruitment checklist, domains: [CC], scale: checklist}
"""

REGISTER = """\
agency,sector,statutory_partner,expected_return,deadline,date_received
Alpha Police,Police,yes,yes,2026-06-30,2026-06-20
Beta Trust,Health,no,yes,2026-06-30,2026-07-10
Gamma School,Education,no,yes,2026-06-30,
Delta Charity,Voluntary,no,no,,
"""

HEAD = (
    "cycle,agency,standard,sub_question,self_rating,evidence,moderated_rating,moderation_outcome,"
    "moderation_note,action,action_owner,action_due\n"
)
RETURNS = (
    HEAD
    + """\
2025-26,Alpha Police,S1,,Fully met,Policy,,,,,,
2025-26,Alpha Police,S2,S2a,Fully met,Policy,,,,,,
2025-26,Alpha Police,S2,S2b,Fully met,Policy,,,,,,
2025-26,Alpha Police,S3,,4/4,Checklist,,,,,,
2025-26,Beta Trust,S1,,Partially met,Policy,,,,,,
2025-26,Beta Trust,S2,S2a,Partially met,Policy,,,,,,
2025-26,Beta Trust,S2,S2b,Partially met,Policy,,,,,,
2025-26,Beta Trust,S3,,2/4,Checklist,,,,,,
2025-26,Gamma School,S1,,Fully met,Policy,,,,,,
2026-27,Alpha Police,S1,,Fully met,Policy,Partially met,downgraded,Needs board minutes,,,
2026-27,Alpha Police,S2,S2a,Fully met,Survey,Fully met,accepted,Seen,,,
2026-27,Alpha Police,S2,S2b,Fully met,,Not met,downgraded,No evidence,,,
2026-27,Alpha Police,S3,,3 of 4,Checklist,,,,Finish the checklist,Head of safeguarding,2026-08-01
2026-27,Beta Trust,S1,,Green,,,,,,,
2026-27,Beta Trust,S2,S2a,Partially met,Survey,,,,,,
2026-27,Beta Trust,S2,S2b,Amber,Survey,,,,Train staff,Designated safeguarding lead,2027-01-31
2026-27,Beta Trust,S3,,4/4,Checklist,,evidence requested,Send the audit,,,
"""
)


@pytest.fixture()
def fixture(tmp_path: Path) -> dict[str, str]:
    shutil.copy(ROOT / "data" / "frameworks" / "scales_section11.yaml", tmp_path / "scales_section11.yaml")
    (tmp_path / "framework.yaml").write_text(FRAMEWORK, encoding="utf-8")
    (tmp_path / "register.csv").write_text(REGISTER, encoding="utf-8")
    (tmp_path / "returns.csv").write_text(RETURNS, encoding="utf-8")
    return {
        "framework_path": str(tmp_path / "framework.yaml"),
        "register_path": str(tmp_path / "register.csv"),
        "returns_path": str(tmp_path / "returns.csv"),
        "dir": str(tmp_path),
    }


@pytest.fixture()
def worked(fixture: dict[str, str]) -> dict[str, object]:
    fw = load_framework(fixture["framework_path"])
    reg = read_agency_register(fixture["register_path"])
    ret = read_returns(fixture["returns_path"], fixture)
    allr = A.standard_ratings(ret)
    cur = allr[allr["cycle"] == "2026-27"].reset_index(drop=True)
    return {"fw": fw, "reg": reg, "ret": ret, "all": allr, "cur": cur}


def _row(df: pd.DataFrame, **match: object) -> pd.Series:
    m = pd.Series(True, index=df.index)
    for k, v in match.items():
        m &= df[k].eq(v).fillna(False)
    assert int(m.sum()) == 1, f"expected one row for {match}, got {int(m.sum())}"
    return df[m].iloc[0]


# --------------------------------------------------------------------------- scales and framework
def test_scales_positions_direction_and_aliases() -> None:
    s = load_scales(ROOT / "data" / "frameworks" / "scales_section11.yaml")
    # rag3 worst first: Not met 0, Partially met 0.5, Fully met 1; "Amber" is an alias.
    assert s["rag3"].parse("amber").position == 0.5
    # Both four-point directions put Outstanding at 1 and Inadequate at 0, whatever the code means.
    assert s["ofsted4"].parse("4").label == "Outstanding" and s["ofsted4"].parse("4").position == 1.0
    assert s["ofsted4_1best"].parse("1").label == "Outstanding" and s["ofsted4_1best"].parse("4").position == 0.0
    assert s["ofsted4_1best"].parse("Requires improvement").position == pytest.approx(1 / 3)
    # Checklist: 3 of 4 items met -> 0.75, partially met; 0 of 4 -> not met; 5/4 is not a rating.
    r = s["checklist"].parse("3/4")
    assert (r.label, r.position, r.status) == ("3 of 4", 0.75, "partially met")
    assert s["checklist"].parse("0 of 4").status == "not met"
    assert s["checklist"].parse("5/4") is None


def test_bundled_frameworks_load_with_the_crosswalk() -> None:
    wt = load_framework(ROOT / "data" / "frameworks" / "section11_wt2023.yaml")
    assert len(wt.standards) == 11  # the eleven arrangements of Working Together 2023 chapter 4
    # section 11 duties are in chapter 4 of the 2023 edition (chapter 2 in 2013 and 2018)
    assert wt.source.startswith(
        "Working Together to Safeguard Children 2023, chapter 4 (Organisational responsibilities)"
    )
    assert set(wt.domains.values()) == {
        "Leadership and governance",
        "Performance and outcomes",
        "Commissioning and quality",
        "Priorities and partnerships",
        "Resource and workforce management",
        "Culture and challenge",
    }
    assert all(s.domains for s in wt.standards)  # every standard is crosswalked to a domain
    ekf = load_framework(ROOT / "data" / "frameworks" / "section11_eight_key_features.yaml")
    assert len(ekf.standards) == 8


def test_partnership_adds_its_own_standard_and_sub_questions(tmp_path: Path) -> None:
    shutil.copy(ROOT / "data" / "frameworks" / "scales_section11.yaml", tmp_path / "scales_section11.yaml")
    (tmp_path / "f.yaml").write_text(
        FRAMEWORK
        + (
            "local_standards:\n"
            "  - id: L1\n    title: Online safety\n    domains: [CC]\n    scale: ofsted4_1best\n"
            "    sub_questions:\n      - {id: L1a, text: Filtering in place}\n"
        ),
        encoding="utf-8",
    )
    fw = load_framework(tmp_path / "f.yaml")
    assert fw.standard_ids == ("S1", "S2", "S3", "L1")
    assert fw.standard("L1").local and fw.standard("L1").sub_questions == (("L1a", "Filtering in place"),)
    assert fw.scale_of("L1").parse("1").label == "Outstanding"  # 1 = outstanding on this scale
    assert ("L1", "CC") in set(zip(fw.crosswalk()["standard"], fw.crosswalk()["domain"]))


def test_framework_problems_are_all_listed(tmp_path: Path) -> None:
    shutil.copy(ROOT / "data" / "frameworks" / "scales_section11.yaml", tmp_path / "scales_section11.yaml")
    (tmp_path / "f.yaml").write_text(
        FRAMEWORK.replace("scale: checklist", "scale: fivepoint").replace("domains: [LG]}", "domains: [XX]}")
        + "local_standards:\n  - {id: S1, title: Again}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        load_framework(tmp_path / "f.yaml")
    msg = str(err.value)
    assert "key 'standard S3', column 'scale': 'fivepoint'" in msg
    assert "key 'standard S1', column 'domains': 'XX'" in msg
    assert "key 'standard S1': is defined more than once" in msg


# --------------------------------------------------------------------------- ratings
def test_rating_of_record_and_sub_questions(worked: dict) -> None:
    cur = worked["cur"]
    # Alpha S1: self Fully met, moderated Partially met -> record Partially met (moderated).
    a1 = _row(cur, agency="Alpha Police", standard="S1")
    assert (a1["self_label"], a1["label"], a1["rating_basis"]) == ("Fully met", "Partially met", "moderated")
    # Alpha S2: sub-questions moderated Fully met and Not met -> worst = Not met; S2b has no evidence.
    a2 = _row(cur, agency="Alpha Police", standard="S2")
    assert (a2["self_label"], a2["label"], a2["status"], a2["sub_questions"]) == ("Fully met", "Not met", "not met", 2)
    assert not a2["has_evidence"]
    # Alpha S3: 3 of 4 on the checklist scale, not moderated.
    a3 = _row(cur, agency="Alpha Police", standard="S3")
    assert (a3["scale"], a3["label"], a3["position"], a3["rating_basis"]) == ("checklist", "3 of 4", 0.75, "self")
    # Beta S1 written "Green" -> Fully met; Beta S3: evidence requested, no moderated rating.
    assert _row(cur, agency="Beta Trust", standard="S1")["label"] == "Fully met"
    b3 = _row(cur, agency="Beta Trust", standard="S3")
    assert b3["reviewed"] and not b3["moderated"] and b3["evidence_requested"] and b3["label"] == "4 of 4"


def test_ratings_table_moderation_and_unverified(worked: dict) -> None:
    r = A.ratings_table(worked["cur"], worked["fw"], worked["reg"]).set_index(["agency", "standard"])
    # Alpha S1, S2 lowered by the panel; S3 not reviewed; Beta S3 evidence requested; Beta S1 "Green" no evidence.
    assert r["moderation"].to_dict() == {
        ("Alpha Police", "S1"): "lowered",
        ("Alpha Police", "S2"): "lowered",
        ("Alpha Police", "S3"): "not reviewed",
        ("Beta Trust", "S1"): "not reviewed",
        ("Beta Trust", "S2"): "not reviewed",
        ("Beta Trust", "S3"): "evidence requested",
    }
    assert r.index[r["unverified"]].tolist() == [("Alpha Police", "S2"), ("Beta Trust", "S1")]


def test_standard_summary_weakest_first(worked: dict) -> None:
    s = A.standard_summary(worked["cur"], worked["fw"])
    # S2: Alpha not met, Beta partially met -> 0 of 2 fully met (weakest).
    # S1: Alpha partially (moderated), Beta fully -> 1 of 2; S3: Alpha 3/4, Beta 4/4 -> 1 of 2.
    # S1 and S3 tie on share and not met: framework order.
    assert s["standard"].tolist() == ["S2", "S1", "S3"]
    assert s[["fully_met", "partially_met", "not_met"]].values.tolist() == [[0, 1, 1], [1, 1, 0], [1, 1, 0]]
    assert s["share_fully_met"].tolist() == [0.0, 0.5, 0.5]


def test_domain_summary_never_pools_scales(worked: dict) -> None:
    d = A.domain_summary(worked["cur"], worked["fw"])
    # LG <- S1, S2 (both rag3): 4 ratings: Beta S1 fully; Alpha S1, Beta S2 partially; Alpha S2 not.
    lg = _row(d, domain="LG")
    assert (lg["scale"], lg["ratings"], lg["fully_met"], lg["partially_met"], lg["not_met"]) == ("rag3", 4, 1, 2, 1)
    assert lg["share_fully_met"] == 0.25
    # CC <- S2 (rag3) and S3 (checklist): two rows, one per scale.
    cc = d[d["domain"] == "CC"].set_index("scale")
    assert sorted(cc.index) == ["checklist", "rag3"]
    assert cc.loc["rag3", "share_fully_met"] == 0.0 and cc.loc["checklist", "share_fully_met"] == 0.5


def test_moderation_on_the_moderated_subset(worked: dict) -> None:
    m = A.moderation_summary(worked["cur"], worked["reg"])
    # Alpha: S1 and S2 moderated, both lowered -> 2 of 2 over-rated.
    a = _row(m, level="agency", agency="Alpha Police")
    assert (a["reviewed"], a["moderated_ratings"], a["over_rated"], a["over_rating_rate"]) == (2, 2, 2, 1.0)
    # Beta: S3 reviewed (evidence requested), nothing moderated -> over-rating rate unknown, not 0.
    b = _row(m, level="agency", agency="Beta Trust")
    assert (b["reviewed"], b["moderated_ratings"], b["evidence_requested"]) == (1, 0, 1)
    assert pd.isna(b["over_rating_rate"]) and b["evidence_requested_rate"] == 1.0
    # Overall: 3 reviewed, 2 moderated, 2 over-rated, 1 evidence request of 3 reviewed.
    t = _row(m, level="all")
    assert (t["reviewed"], t["moderated_ratings"], t["over_rated"], t["evidence_requested"]) == (3, 2, 2, 1)
    assert t["evidence_requested_rate"] == pytest.approx(0.333)
    assert "Gamma School" not in set(m["agency"].dropna())


def test_evidence_completeness_and_unverified(worked: dict) -> None:
    e = A.evidence_summary(worked["cur"], worked["reg"]).set_index("agency")
    # Alpha: S2b has no evidence (S2 self-rated fully met -> unverified). Beta: S1 "Green" with no evidence.
    assert e.loc["Alpha Police", ["ratings", "without_evidence", "unverified_fully_met"]].tolist() == [3, 1, 1]
    assert e.loc["Beta Trust", ["ratings", "without_evidence", "unverified_fully_met"]].tolist() == [3, 1, 1]


def test_trends_against_previous_cycle(worked: dict) -> None:
    t = A.trends(worked["all"], "2026-27")
    got = {(r.agency, r.standard): r.trend for r in t.itertuples()}
    # Alpha: S1 Fully->Partially, S2 Fully->Not, S3 4/4->3/4: all declined.
    # Beta: S1 Partially->Fully improved, S2 Partially->Partially unchanged, S3 2/4->4/4 improved.
    assert got == {
        ("Alpha Police", "S1"): "declined",
        ("Alpha Police", "S2"): "declined",
        ("Alpha Police", "S3"): "declined",
        ("Beta Trust", "S1"): "improved",
        ("Beta Trust", "S2"): "unchanged",
        ("Beta Trust", "S3"): "improved",
    }
    assert set(t["previous_cycle"]) == {"2025-26"}


def test_new_standard_and_no_previous_rating(worked: dict) -> None:
    allr = worked["all"]
    # Drop S3 from the previous cycle entirely, and Beta's S1 from it.
    older = allr[
        (allr["cycle"] == "2025-26")
        & (allr["standard"] != "S3")
        & ~((allr["agency"] == "Beta Trust") & (allr["standard"] == "S1"))
    ]
    t = A.trends(pd.concat([older, allr[allr["cycle"] == "2026-27"]]), "2026-27")
    got = {(r.agency, r.standard): r.trend for r in t.itertuples()}
    assert got[("Alpha Police", "S3")] == "new standard" and got[("Beta Trust", "S3")] == "new standard"
    assert got[("Beta Trust", "S1")] == "no previous rating"


def test_returns_received(worked: dict) -> None:
    r = A.returns_received(worked["reg"], worked["cur"], 3).set_index("agency")
    assert r["status"].to_dict() == {
        "Alpha Police": "on time",
        "Beta Trust": "late",
        "Gamma School": "missing",
        "Delta Charity": "not expected",
    }
    assert r.loc["Beta Trust", "days_late"] == 10  # 30 June to 10 July
    assert r.loc["Alpha Police", "standards_rated"] == 3 and bool(r.loc["Alpha Police", "complete"])


def test_risk_ranking_scores_and_reasons(worked: dict) -> None:
    cur, reg, fw = worked["cur"], worked["reg"], worked["fw"]
    rec = A.returns_received(reg, cur, 3)
    t = A.trends(worked["all"], "2026-27")
    as_at = pd.Timestamp("2026-09-30")
    hist = A.action_history(worked["all"], "2026-27", fw, reg, as_at)
    acts = A.action_plan(cur, fw, reg, as_at)
    rk = A.risk_ranking(reg, cur, t, rec, hist, acts, fw, shortlist_size=2, previous="2025-26").set_index("agency")
    # The tiny framework has no risk block: the default points (persistent 3, statutory partner 2, over-rating 1,
    # no evidence 0.5, non-return 4, overdue 1, repeated 1.5, own declines 1).
    # Alpha (statutory partner): the panel lowered S1 (FM -> PM) and S2 (FM -> NM): 2 x 1 = 2; S2 without evidence
    # (S2b has none): 0.5; S3's action due 1 Aug 2026 is overdue at 30 Sep 2026: 1; own declines: S1 FM -> FM,
    # S2 FM -> FM, S3 4/4 -> 3/4: one standard, 1 (the panel's lowering of S1 and S2 is not a decline);
    # a statutory partner with other reasons: 2. Total 6.5.
    # Gamma: missing return, 4. Beta: late, 0.25 x 4 = 1; S1 without evidence, 0.5; not moderated; total 1.5.
    assert rk.loc["Alpha Police", "score"] == pytest.approx(6.5)
    assert rk.loc["Gamma School", "score"] == pytest.approx(4.0)
    assert rk.loc["Beta Trust", "score"] == pytest.approx(1.5)
    assert rk["rank"].to_dict() == {"Alpha Police": 1, "Gamma School": 2, "Beta Trust": 3}
    assert "Delta Charity" not in rk.index  # not expected and no ratings: not ranked
    assert rk["shortlisted"].to_dict() == {"Alpha Police": True, "Gamma School": True, "Beta Trust": False}
    assert rk.loc["Alpha Police", "reasons"] == (
        "a statutory safeguarding partner (2 points); the panel lowered 2 of 2 moderated self-ratings (2 points); "
        "1 action overdue (1 point); own rating lower than in 2025-26 on 1 standard (1 point); "
        "1 rating without evidence (0.5 points)"
    )
    # Beta was not moderated: its over-rating is unknown (empty), not 0, and says so.
    assert pd.isna(rk.loc["Beta Trust", "over_rating"])
    assert rk.loc["Beta Trust", "unknown"] == "over-rating unknown (not moderated this cycle)"
    assert (
        rk.loc["Beta Trust", "place"]
        == "rank 3 of 3 with 1.5 points: below the shortlist (its lowest score is 4 points)"
    )
    assert rk.loc["Alpha Police", "own_declines"] == 1


def test_actions_across_cycles_persistent_repeated_and_late(worked: dict) -> None:
    fw, reg = worked["fw"], worked["reg"]

    def row(
        cycle: str, agency: str, std: str, status: str, action: object = pd.NA, due: str = "", done: str = ""
    ) -> dict:
        return {
            "cycle": cycle,
            "agency": agency,
            "standard": std,
            "status": status,
            "action": action,
            "action_due": pd.Timestamp(due) if due else pd.NaT,
            "previous_action_completed": pd.Timestamp(done) if done else pd.NaT,
        }

    r = pd.DataFrame(
        [
            row("2024-25", "Alpha Police", "S1", "not met", "Refresh the whistleblowing policy.", "2025-03-31"),
            row("2025-26", "Alpha Police", "S1", "not met", "refresh the  whistleblowing policy", "2026-03-31"),
            row("2026-27", "Alpha Police", "S1", "not met", "Refresh the whistleblowing policy!", "2027-03-31"),
            row("2025-26", "Alpha Police", "S2", "partially met", "Ask children", "2026-04-30"),
            row("2026-27", "Alpha Police", "S2", "fully met", done="2026-05-10"),
            row("2024-25", "Beta Trust", "S1", "not met"),
            row("2025-26", "Beta Trust", "S1", "partially met", "Audit the files", "2026-09-01"),
            row(
                "2026-27",
                "Beta Trust",
                "S1",
                "not met",
                "Commission an independent audit of recruitment files",
                "2027-01-31",
            ),
        ]
    )
    h = A.action_history(r, "2026-27", fw, reg, pd.Timestamp("2026-09-30"), repeat_similarity=0.8)
    a1 = _row(h, agency="Alpha Police", standard="S1")
    # Not met in all three cycles; the same words (after lower case and punctuation are removed) three cycles running;
    # the 2025-26 action was due 31 March 2026 and is not completed: 183 days overdue at 30 September 2026
    # (April 30 + May 31 + June 30 + July 31 + August 31 + September 30).
    assert (a1["not_met_cycles"], a1["since"], a1["similarity"], a1["same_action_again"], a1["times_promised"]) == (
        3,
        "2024-25",
        1.0,
        True,
        3,
    )
    assert (a1["previous_action_outcome"], a1["days_late"]) == ("not completed, overdue", 183)
    a2 = _row(h, agency="Alpha Police", standard="S2")  # due 30 April, completed 10 May: 10 days late
    assert (a2["previous_action_outcome"], a2["days_late"], a2["same_action_again"]) == ("completed late", 10, False)
    b1 = _row(h, agency="Beta Trust", standard="S1")  # partially met in 2025-26 breaks the run: 1 cycle
    assert (b1["not_met_cycles"], b1["same_action_again"]) == (1, False)
    assert b1["previous_action_outcome"] == "not completed, overdue"  # due 1 Sep 2026, still not met
    # "Train managers on escalation" (28 characters) in "Train all managers on escalation" (32): matched blocks
    # "train " (6) and "managers on escalation" (22): 2 x 28 / 60 = 0.933.
    assert A.action_similarity("Train managers on escalation", "Train all managers on escalation") == pytest.approx(
        0.933
    )
    f = A.build_flags(
        standards=A.standard_summary(worked["cur"], fw).iloc[0:0],
        moderation=pd.DataFrame(),
        trend=pd.DataFrame(),
        received=A.returns_received(reg, worked["cur"], 3).iloc[0:0],
        history=h,
        register=reg,
        persistent_cycles=2,
        cycle="2026-27",
    )
    got = {(x.category, x.agency, x.severity) for x in f.itertuples()}
    assert got == {
        ("persistent not met", "Alpha Police", "high"),
        ("same action again", "Alpha Police", "high"),
        ("completed late", "Alpha Police", "low"),
    }
    assert set(f["statutory_partner"]) == {"yes"} and set(f["direction"]) == {"concern"}
    stmt = f.loc[f["category"].eq("same action again"), "statement"].iloc[0]
    assert stmt.startswith("Alpha Police promised the same action on 'Accountability' again, 3 cycles running")


def test_action_plan_extract(worked: dict) -> None:
    ap = A.action_plan(worked["cur"], worked["fw"], worked["reg"], pd.Timestamp("2026-09-30"))
    # Not or partially met: Alpha S1, S2, S3 and Beta S2 (Beta S1 and S3 fully met).
    assert list(zip(ap["agency"], ap["standard"])) == [
        ("Alpha Police", "S1"),
        ("Alpha Police", "S2"),
        ("Alpha Police", "S3"),
        ("Beta Trust", "S2"),
    ]
    a3 = _row(ap, agency="Alpha Police", standard="S3")
    assert (a3["action"], a3["owner"], a3["due_date"], a3["overdue"]) == (
        "Finish the checklist",
        "Head of safeguarding",
        "2026-08-01",
        True,
    )  # due before 30 Sept 2026
    b2 = _row(ap, agency="Beta Trust", standard="S2")  # action given on sub-question S2b
    assert (b2["action"], b2["due_date"], b2["overdue"]) == ("Train staff", "2027-01-31", False)
    assert ap["action_recorded"].tolist() == [False, False, True, True]


def test_triangulation_flags_contradictions() -> None:
    cur = pd.DataFrame(
        {
            "agency": ["A", "A", "B"],
            "standard": ["S1", "S2", "S1"],
            "self_label": ["Fully met", "Not met", "Fully met"],
            "self_status": ["fully met", "not met", "fully met"],
        }
    )
    summ = pd.DataFrame(
        {
            "agency": ["A", "A", "B", "B"],
            "standard": ["S1", "S2", "S1", pd.NA],
            "scale": ["agree5"] * 4,
            "respondents": [6, 8, 3, 9],
            "agreement": [0.4, 0.9, pd.NA, 0.1],
            "shown": [True, True, False, True],
        }
    )
    t = A.triangulate(cur, summ).set_index(["agency", "standard"])
    # A/S1 fully met vs 40% agreement (< 50%) -> contradiction; A/S2 not met vs 90% (>= 80%) -> contradiction;
    # B/S1 has only 3 respondents (not shown) -> not compared.
    assert t.loc[("A", "S1"), "contradiction"] == "self-rated fully met, but most staff do not agree"
    assert t.loc[("A", "S2"), "contradiction"] == "self-rated not met, but most staff agree"
    assert ("B", "S1") not in t.index


def test_flags(worked: dict) -> None:
    cur, reg = worked["cur"], worked["reg"]
    f = A.build_flags(
        standards=A.standard_summary(cur, worked["fw"]),
        moderation=A.moderation_summary(cur, reg),
        trend=A.trends(worked["all"], "2026-27"),
        received=A.returns_received(reg, cur, 3),
        register=reg,
        current=cur,
        cycle="2026-27",
    )
    got = {(r.category, r.subject): r.severity for r in f.itertuples()}
    # S2 not met by Alpha, a statutory partner (high); the panel lowered 2 of 2 of Alpha's (high); Alpha's own
    # ratings fell on one standard only (S3), below the decline threshold of 2: no decline flag (the rating of
    # record fell on all three, but two of those are the panel's); Gamma missing, not a statutory partner (medium).
    assert got == {
        ("standard not met", "S2 Listening to children"): "high",
        ("over-rating at moderation", "Alpha Police"): "high",
        ("missing return", "Gamma School"): "medium",
    }
    nm = f[f["category"].eq("standard not met")].iloc[0]
    assert nm["statement"] == "1 of 2 agencies do not meet 'Listening to children': Alpha Police."
    assert nm["agency"] == "Alpha Police" and nm["statutory_partner"] == "yes"
    over = f[f["category"].eq("over-rating at moderation")].iloc[0]
    assert (
        over["statement"] == "The challenge panel lowered Alpha Police's self-rating on 2 of 2 standards it moderated."
    )


# --------------------------------------------------------------------------- bad input
def _problems(fixture: dict[str, str], text: str, name: str = "bad.csv") -> str:
    p = Path(fixture["dir"]) / name
    p.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_returns(p, fixture)
    return str(err.value)


def test_rating_not_on_scale_standard_not_in_framework_and_unknown_agency(fixture: dict[str, str]) -> None:
    msg = _problems(
        fixture,
        HEAD
        + (
            "2026-27,Alpha Police,S1,,Mostly met,x,,,,,,\n"  # row 2
            "2026-27,Alpha Police,S3,,5/4,x,,,,,,\n"  # row 3
            "2026-27,Alpha Police,S9,,Fully met,x,,,,,,\n"  # row 4
            "2026-27,Omega Trust,S1,,Fully met,x,,,,,,\n"  # row 5
            "2026-27,Alpha Police,S1,S1z,Fully met,x,,,,,,\n"  # row 6
        ),
    )
    assert (
        "bad.csv, row 2, column 'self_rating': 'Mostly met' (expected a rating on the scale 'rag3' of standard S1 "
        "(one of: Not met, Partially met, Fully met (scale 'rag3')))"
    ) in msg
    assert "row 3, column 'self_rating': '5/4' (expected a rating on the scale 'checklist'" in msg
    assert "row 4, column 'standard': 'S9' (expected a standard of the framework 'tiny' (one of: S1, S2, S3))" in msg
    assert "row 5, column 'agency': 'Omega Trust' (expected an agency named in the agency register" in msg
    assert "row 6, column 'sub_question': 'S1z' (expected a sub-question of standard S1 (none: leave it empty))" in msg
    assert "5 problems" in msg  # every problem listed, nothing dropped


def test_duplicates_and_moderation_contradictions(fixture: dict[str, str]) -> None:
    msg = _problems(
        fixture,
        HEAD
        + (
            "2026-27,Alpha Police,S1,,Fully met,x,,,,,,\n"  # row 2
            "2026-27,Alpha Police,S1,,Partially met,x,,,,,,\n"  # row 3 duplicate of row 2
            "2026-27,Beta Trust,S1,,Fully met,x,Not met,accepted,,,,\n"  # row 4 outcome contradicts
            "2026-27,Beta Trust,S3,,2/4,x,3/4,,,,,\n"  # row 5 no outcome
            "2026-27,Gamma School,S1,,Fully met,x,,approved,,,,\n"  # row 6 unknown outcome
            "26-27,Gamma School,S2,S2a,Fully met,x,,,,,,2026-13-01\n"  # row 7 cycle and date
        ),
    )
    assert (
        "row 3: duplicates an earlier row (cycle=2026-27, agency=Alpha Police, standard=S1, sub_question=), first at row 2"
        in msg
    )
    assert (
        "row 4, column 'moderation_outcome': 'accepted' (expected 'downgraded', since the moderated rating "
        "'Not met' is lower than the self-rating 'Fully met')"
    ) in msg
    assert "row 5, column 'moderation_outcome': is empty (expected an outcome for a moderated rating" in msg
    assert (
        "row 6, column 'moderation_outcome': 'approved' (expected one of: accepted, downgraded, upgraded, evidence requested"
        in msg
    )
    assert "row 7, column 'cycle': '26-27' (expected a cycle label like '2026-27')" in msg
    assert (
        "row 7, column 'action_due': '2026-13-01' is not a real date (expected a date written yyyy-mm-dd (e.g. 2026-07-01) or dd/mm/yyyy"
        in msg
    )


def test_missing_column_in_csv(fixture: dict[str, str]) -> None:
    msg = _problems(fixture, RETURNS.replace("self_rating", "rating"))
    assert "column 'self_rating': is missing (expected a column named 'self_rating'" in msg


def _workbook(path: Path, sheets: dict[str, pd.DataFrame]) -> Path:
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        for name, df in sheets.items():
            df.to_excel(xw, sheet_name=name, index=False)
    return path


def _fixture_frame() -> pd.DataFrame:
    return pd.read_csv(pd.io.common.StringIO(RETURNS), dtype=str, keep_default_na=False)


def test_workbook_one_sheet_per_agency(fixture: dict[str, str]) -> None:
    df = _fixture_frame()
    p = _workbook(
        Path(fixture["dir"]) / "returns.xlsx",
        {
            "Instructions": pd.DataFrame({"Instructions": ["Rate every standard."]}),
            "Alpha": df[df["agency"] == "Alpha Police"],
            "Beta": df[df["agency"] == "Beta Trust"],
            "Gamma": df[df["agency"] == "Gamma School"],
        },
    )
    got = read_returns(p, fixture)
    assert len(got) == len(df)  # 17 rows, none dropped; the Instructions sheet is not read
    assert sorted(got["_sheet"].unique()) == ["Alpha", "Beta", "Gamma"]
    # Beta's first row is on row 2 of its sheet.
    assert got[(got["_sheet"] == "Beta")]["_row"].min() == 2


def test_workbook_renamed_and_missing_columns_name_the_sheet(fixture: dict[str, str]) -> None:
    df = _fixture_frame()
    p = _workbook(
        Path(fixture["dir"]) / "bad.xlsx",
        {
            "Alpha": df[df["agency"] == "Alpha Police"].rename(columns={"self_rating": "Self rating"}),
            "Beta": df[df["agency"] == "Beta Trust"].drop(columns=["evidence"]),
        },
    )
    with pytest.raises(InputError) as err:
        read_returns(p, fixture)
    msg = str(err.value)
    assert (
        "bad.xlsx, sheet 'Alpha', column 'self_rating': is missing (expected a column named 'self_rating' (the sheet has:"
        in msg
    )
    assert "Self rating" in msg
    assert "bad.xlsx, sheet 'Beta', column 'evidence': is missing" in msg


def test_workbook_bad_rating_names_sheet_and_row(fixture: dict[str, str]) -> None:
    df = _fixture_frame()
    beta = df[df["agency"] == "Beta Trust"].copy()
    beta.iloc[2, beta.columns.get_loc("self_rating")] = "Mostly met"  # third data row: sheet row 4
    p = _workbook(Path(fixture["dir"]) / "bad2.xlsx", {"Beta": beta})
    with pytest.raises(InputError) as err:
        read_returns(p, fixture)
    assert "bad2.xlsx, sheet 'Beta', row 4, column 'self_rating': 'Mostly met'" in str(err.value)


def test_register_problems(tmp_path: Path) -> None:
    p = tmp_path / "reg.csv"
    p.write_text(
        REGISTER.replace("Beta Trust,Health,no,yes,2026-06-30,2026-07-10", "Beta Trust,Health,maybe,yes,,2026-07-32")
        + "Alpha Police,Police,yes,yes,2026-06-30,\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        read_agency_register(p)
    msg = str(err.value)
    assert "row 3, column 'statutory_partner': 'maybe'" in msg
    assert "row 3, column 'date_received': '2026-07-32' is not a real date (expected a date written yyyy-mm-dd" in msg
    assert (
        "row 3, column 'deadline': is empty (expected a deadline (a date written yyyy-mm-dd or dd/mm/yyyy) for an agency expected to return)"
        in msg
    )
    assert "row 6: duplicates an earlier row (agency=Alpha Police), first at row 2" in msg


def test_returns_not_checked_when_the_register_is_bad(fixture: dict[str, str]) -> None:
    Path(fixture["register_path"]).write_text("agency,sector\nAlpha Police,Police\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_returns(fixture["returns_path"], fixture)
    assert "not checked: the agency register has problems" in str(err.value)


# --------------------------------------------------------------------------- analyse and scorecards
def _ctx(fixture: dict[str, str], **extra: object):  # a stand-in for the notebook context
    from types import SimpleNamespace

    from assurance_lib.config import Period
    from assurance_lib.notebook import notebook_parameters

    # the notebook's own defaults (its parameters cell), then the fixture's inputs and choices
    params = {k: v for k, v in notebook_parameters("02_section11").items() if k not in ("params_file", "run_dir")}
    params.update({k: v for k, v in fixture.items() if k != "dir"})
    params.update({"survey_path": "", "cycle": "2026-27", "shortlist_size": 2})
    params.update(extra)
    cfg = SimpleNamespace(period=Period.parse("2026-27 Q2"), partnership="Test Partnership")
    return SimpleNamespace(params=params, config=cfg)


def test_analyse_without_survey_and_scorecards(fixture: dict[str, str]) -> None:
    from assurance_lib.section11 import analyse, scorecard_markdown
    from assurance_lib.section11.present import scorecard_html

    res = analyse(_ctx(fixture))
    assert res.previous == "2025-26" and res.triangulation is None
    # Period 2026-27 Q2 ends 30 September 2026: Alpha's S3 action (due 1 August 2026) is overdue.
    assert _row(res.actions, agency="Alpha Police", standard="S3")["overdue"]
    alpha = scorecard_markdown(res, "Alpha Police", "Test Partnership")
    assert "0 of 3 standards fully met (rating of record)." in alpha  # S1 partially, S2 not, S3 3 of 4
    assert (
        "The panel reviewed 2 ratings and gave 2 ratings: 0 agreed, 2 lowered, 0 raised; evidence was requested on 0."
    ) in alpha
    assert (
        "| S2 | Listening to children | Fully met | Not met | Not met | none (unverified) | Fully met | declined |"
        in alpha
    )
    assert "Practitioner survey" not in alpha  # no survey given
    gamma = scorecard_markdown(res, "Gamma School", "Test Partnership")
    assert "- Return: missing (deadline 2026-06-30)" in gamma and "No ratings were received" in gamma
    delta = scorecard_markdown(res, "Delta Charity", "Test Partnership")
    assert "- Return: not expected\n" in delta  # no deadline, nothing received
    page = scorecard_html(res, "Alpha Police", "Test <Partnership>")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in page and "@page{size:A4" in page
    assert "Test &lt;Partnership&gt;" in page and "<Partnership>" not in page  # every input value escaped
    assert page.count("<h1>") == 1 and '<th scope="col">Your rating</th>' in page


def _word(data: bytes):
    import io

    import docx  # python-docx, a core dependency

    return docx.Document(io.BytesIO(data))


def test_scorecard_word_document_has_the_letters_headings_and_ratings(fixture: dict[str, str]) -> None:
    from assurance_lib.section11 import analyse
    from assurance_lib.section11.present import scorecard_word

    res = analyse(_ctx(fixture))
    doc = _word(scorecard_word(res, "Alpha Police", "Test Partnership"))
    heads = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    # the letter's parts, as on the web page: Alpha has a previous cycle (2025-26), so actions carried forward
    assert heads == [
        ("Heading 1", "Section 11 feedback: Alpha Police"),
        ("Heading 2", "Feedback"),
        ("Heading 2", "Assurance visit"),
        ("Heading 2", "Ratings"),
        ("Heading 2", "Moderation"),
        ("Heading 2", "Actions carried forward"),
        ("Heading 2", "Actions this cycle"),
    ]
    ratings = doc.tables[0]
    assert [c.text for c in ratings.rows[0].cells] == [
        "Standard",
        "Your rating",
        "Panel",
        "Rating of record",
        "Evidence",
        "Your rating 2025-26",
        "Your trend",
    ]
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in ratings.rows[1:]}
    # S2 "Listening to children" by hand: S2a and S2b self-rated Fully met -> Fully met; the panel gave S2a Fully
    # met and S2b Not met -> the standard's worst, Not met, which is the rating of record; S2b has no evidence and
    # the self-rating is fully met -> "none (unverified)"; 2025-26 both Fully met -> Fully met, own trend unchanged.
    assert rows["Listening to children"] == [
        "Listening to children",
        "Fully met",
        "Not met",
        "Not met",
        "none (unverified)",
        "Fully met",
        "unchanged",
    ]
    # S3 checklist: 3 of 4, not moderated (no panel outcome); 4 of 4 in 2025-26 -> the agency's own decline.
    assert rows["Safer recruitment checklist"][1:4] == ["3 of 4", "not reviewed", "3 of 4"]
    assert rows["Safer recruitment checklist"][-1] == "declined"
    # "Not met" cells stand out in print (bold), and the header row repeats on each page
    nm = ratings.rows[2].cells[3].paragraphs[0].runs[0]
    assert nm.text == "Not met" and nm.bold
    assert ratings.rows[0]._tr.trPr.xml.count("tblHeader") == 1
    sec = doc.sections[0]
    assert (round(sec.page_width.mm), round(sec.page_height.mm)) == (210, 297)  # A4
    # the reasons as on the web page: 6.5 points worked by hand in test_risk_ranking_scores_and_reasons
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Selected for an assurance visit (rank 1 of 3 with 6.5 points: shortlisted)." in text
    assert "Reasons considered: a statutory safeguarding partner (2 points);" in text
    # the actions this cycle: S3's action was due 1 August 2026, overdue at 30 September 2026
    acts = {r.cells[0].text: [c.text for c in r.cells] for r in doc.tables[2].rows[1:]}
    assert acts["Safer recruitment checklist"] == ["Safer recruitment checklist", "3 of 4", "yes", "2026-08-01", "yes"]


HOSTILE = ('=HYPERLINK("https://evil.example/x","click")', "<script>alert(1)</script>")


def test_word_letters_show_hostile_agency_names_as_literal_text(fixture: dict[str, str]) -> None:
    import io
    import zipfile

    from assurance_lib.section11 import analyse
    from assurance_lib.section11.present import scorecard_word

    def quoted(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    d = Path(fixture["dir"])
    for path in (d / "register.csv", d / "returns.csv"):
        text = path.read_text(encoding="utf-8")
        text = text.replace("Beta Trust", quoted(HOSTILE[0])).replace("Gamma School", quoted(HOSTILE[1]))
        path.write_text(text, encoding="utf-8")
    res = analyse(_ctx(fixture))
    for name in HOSTILE:
        data = scorecard_word(res, name, "Test Partnership")
        doc = _word(data)
        assert doc.paragraphs[0].text == f"Section 11 feedback: {name}"  # the name as it reads
        assert f"To the safeguarding lead of {name}:" in doc.paragraphs[3].text
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            body = z.read("word/document.xml").decode("utf-8")
            rels = z.read("word/_rels/document.xml.rels").decode("utf-8")
        # plain text runs only: no field, no hyperlink, no markup from the input
        assert "<w:fldSimple" not in body and "<w:instrText" not in body and "<w:hyperlink" not in body
        assert "evil.example" not in rels and "<script>" not in body
    beta = _word(scorecard_word(res, HOSTILE[0], "Test Partnership"))
    assert beta.tables[0].rows[1].cells[0].text == "Accountability"  # Beta's ratings are there, as for any agency


def test_word_letters_are_published_beside_the_pages_listed_and_scanned(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from assurance_lib.disclosure import IdentifierSet, scan_file
    from assurance_lib.frontpage import build_index
    from assurance_lib.publish import Publisher
    from assurance_lib.section11 import letters as L

    title, body = (
        "Section 11 feedback: Alpha Police",
        [
            L.paragraph("Contact jo@example.org"),
            L.table(pd.DataFrame({"Standard": ["S1"], "Rating": ["Not met"]}), "R"),
        ],
    )
    pub = Publisher(run_dir=tmp_path, config=SimpleNamespace(), analysis="section11")
    page = pub.document("section11_feedback_alpha_police", L.page(title, body), word=L.word(title, body))
    word = page.with_suffix(".docx")
    assert page.is_file() and word.is_file() and word.parent.name == "letters"
    # the identifier guard reads the Word document's XML parts (an email address in a paragraph)
    assert [h.kind for h in scan_file(word, IdentifierSet())] == ["an email address"]
    with pytest.raises(ValueError, match="not a .docx"):
        pub.document("bad", "<p>x</p>", word=b"<html>")
    assert not (tmp_path / "shareable" / "letters" / "bad.html").exists()  # refused before anything is written
    index = build_index(tmp_path, {}).read_text(encoding="utf-8")
    assert (
        '<li><a href="letters/section11_feedback_alpha_police.html">section11 feedback alpha police (web page)</a>, '
        '<a href="letters/section11_feedback_alpha_police.docx">section11 feedback alpha police (Word document)</a>'
        "</li>"
    ) in index


def test_analyse_refuses_a_cycle_without_returns(fixture: dict[str, str]) -> None:
    from assurance_lib.section11 import analyse

    with pytest.raises(InputError) as err:
        analyse(_ctx(fixture, cycle="2027-28"))
    assert (
        "column 'cycle': '2027-28' has no returns for the cycle asked for (expected a cycle present in the returns (one of: 2025-26, 2026-27))"
        in str(err.value)
    )


def test_heatmap_cells_carry_symbols_as_well_as_colour(worked: dict) -> None:
    levels, lab, data = A.heatmap_data(worked["cur"], worked["fw"])
    # Alpha: S1 moderated Partially met -> "PM*", S2 moderated Not met -> "NM*", S3 self 3 of 4 -> "3/4".
    # Beta: S1 "FM", S2 "PM", S3 4 of 4 (evidence requested, not moderated) -> "4/4".
    assert lab.loc["Alpha Police"].tolist() == ["PM*", "NM*", "3/4"]
    assert lab.loc["Beta Trust"].tolist() == ["FM", "PM", "4/4"]
    assert levels.loc["Alpha Police"].tolist()[:2] == ["Partially met", "Not met"]
    assert list(levels.columns) == ["Accountability", "Listening to children", "Safer recruitment checklist"]
    assert len(data) == 6


def test_categorical_heatmap_legend_uses_the_scale_labels_and_not_met_stands_out() -> None:
    from types import SimpleNamespace

    import matplotlib.colors as mc

    from assurance_lib import charts
    from assurance_lib.section11.present import heatmap_categories

    fw = load_framework(ROOT / "data" / "frameworks" / "section11_wt2023.yaml")
    cats = heatmap_categories(SimpleNamespace(framework=fw))
    assert [n for n, _ in cats] == ["Not met", "Partially met", "Fully met"]  # the rag3 scale's own labels, worst first
    # "Not met" is the most saturated colour (HSV saturation), so it is the most salient cell on the page.
    sat = {n: mc.rgb_to_hsv(mc.to_rgb(c))[1] for n, c in cats}
    assert max(sat, key=sat.get) == "Not met"
    m = pd.DataFrame(
        {"Whistleblowing": ["Not met", "Fully met"], "Escalation": ["Partially met", None]},
        index=["Agency A", "Agency B"],
    )
    chart = charts.category_heatmap(
        m,
        categories=cats,
        name="t",
        title="T",
        subtitle="S",
        source="Src",
        alt="Grid of two agencies by two standards coloured by rating.",
    )
    assert len(chart.fig.axes) == 1  # no colour bar
    legend = chart.fig.axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["Not met", "Partially met", "Fully met"]
    assert [t.get_text() for t in chart.fig.axes[0].get_xticklabels()] == ["Whistleblowing", "Escalation"]
    assert fw.standard("WT11").label == "Allegations (LADO)"  # short labels from the framework


def test_one_cycle_of_returns_runs_and_says_history_is_needed(fixture: dict[str, str]) -> None:
    from assurance_lib.section11 import analyse
    from assurance_lib.section11.compute import trend_summary

    one = "\n".join(line for line in RETURNS.splitlines() if not line.startswith("2025-26")) + "\n"
    Path(fixture["returns_path"]).write_text(one, encoding="utf-8")
    res = analyse(_ctx(fixture))
    assert res.previous is None
    assert set(res.trends["own_trend"]) == {"no previous cycle"} and "sector" in res.trends.columns
    ts = trend_summary(res.trends)  # the one-cycle KeyError: 'sector' of notebook 02
    assert ts.set_index("agency").loc["Alpha Police", "no previous cycle"] == 3
    assert res.history["not_met_cycles"].max() == 1 and not res.history["same_action_again"].any()
    assert not res.flags["category"].isin(["decline", "persistent not met", "same action again"]).any()


def test_excel_date_cells_are_read_as_dates(fixture: dict[str, str]) -> None:
    df = _fixture_frame()
    alpha = df[df["agency"] == "Alpha Police"].copy()
    alpha["action_due"] = pd.to_datetime(alpha["action_due"].replace("", None))  # real Excel date cells
    p = _workbook(Path(fixture["dir"]) / "dates.xlsx", {"Alpha": alpha})
    got = read_returns(p, fixture)
    # Alpha's only action is due 1 August 2026 (the 2026-27 S3 row).
    assert got["action_due"].dropna().dt.strftime("%Y-%m-%d").tolist() == ["2026-08-01"]
    reg = pd.read_csv(fixture["register_path"], dtype=str, keep_default_na=False)
    reg["deadline"] = pd.to_datetime(reg["deadline"].replace("", None))
    reg.to_excel(Path(fixture["dir"]) / "register.xlsx", index=False)
    r = read_agency_register(Path(fixture["dir"]) / "register.xlsx")
    assert r.loc[r["agency"] == "Beta Trust", "deadline"].iloc[0] == pd.Timestamp("2026-06-30")


def test_any_ordinal_scale_orders_worst_to_best_whatever_its_direction() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from assurance_lib.section11.scales import scales_from_mapping

    @settings(max_examples=40, deadline=None)
    @given(
        labels=st.lists(st.text(alphabet="abcdefgh", min_size=1, max_size=6), min_size=2, max_size=6, unique=True),
        best_first=st.booleans(),
    )
    def check(labels: list[str], best_first: bool) -> None:
        raw = {
            "scales": {
                "s": {
                    "kind": "ordinal",
                    "order": "best_first" if best_first else "worst_first",
                    "levels": [{"label": f"L{lab}"} for lab in labels],
                }
            }
        }
        sc = scales_from_mapping(raw, "test.yaml")["s"]
        worst_to_best = list(reversed(labels)) if best_first else labels
        # Positions are evenly spaced from 0 (worst) to 1 (best), i / (n - 1).
        n = len(labels)
        for i, lab in enumerate(worst_to_best):
            assert sc.parse(f"L{lab}").position == pytest.approx(i / (n - 1))
        assert sc.parse("not a level") is None

    check()


def test_a_survey_with_a_header_only_is_a_gap_not_a_crash(fixture: dict[str, str], tmp_path: Path) -> None:
    """Issue 14: an optional input with no rows is treated as not given (the notebook says there is none)."""
    from assurance_lib.section11 import analyse

    empty = tmp_path / "survey.csv"
    empty.write_text(
        Path("data/synthetic/practitioner_survey.csv").read_text(encoding="utf-8").splitlines()[0] + "\n",
        encoding="utf-8",
    )
    res = analyse(_ctx(fixture, survey_path=str(empty)))
    assert res.triangulation is None and res.survey_summary is None


def test_register_dates_follow_the_one_date_rule(tmp_path: Path) -> None:
    """dd/mm/yyyy and Excel's midnight times read as the ISO dates they are (dates.parse_dates); US order is refused."""
    iso = tmp_path / "iso.csv"
    iso.write_text(REGISTER, encoding="utf-8")
    day_first = tmp_path / "dmy.csv"
    day_first.write_text(
        REGISTER.replace("2026-06-30", "30/06/2026").replace("2026-07-10", "2026-07-10 00:00:00"), encoding="utf-8"
    )
    assert "30/06/2026" in day_first.read_text()
    pd.testing.assert_frame_equal(read_agency_register(day_first), read_agency_register(iso))
    us = tmp_path / "us.csv"
    us.write_text(REGISTER.replace("2026-06-30", "06/30/2026"), encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_agency_register(us)
    assert "column 'deadline': '06/30/2026' is in month/day/year (US) order" in str(err.value)
