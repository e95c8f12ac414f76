"""The board's report on hand-built packs: ranking, assurance levels, what changed, better off, next steps,
children's words, and the page free of codes. Every expected value is worked out by hand in
tests/test_report_fixtures.py (the comment above BOARD_FLAGS_Q2) from data/frameworks/priorities.yaml."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from assurance_lib import report
from assurance_lib.errors import InputError
from assurance_lib.report import board
from assurance_lib.report.priorities import load_priorities

from test_report_fixtures import make_board_pack, make_pack

PRIORITIES = "data/frameworks/priorities.yaml"


def _ctx(run_dir: Path, **params):
    from assurance_lib.notebook import setup

    base = {
        "commentary_path": "",
        "children_feedback_path": "",
        "practitioner_survey_path": "",
        "oba_path": "",
        "previous_run_dir": "",
        "priorities_path": PRIORITIES,
        "top": 3,
    }
    return setup(
        "06_assurance_report", params_file="parameters/2026-27-Q2.yaml", run_dir=str(run_dir), **{**base, **params}
    )


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ASSURANCE_OUTPUT_ROOT", str(tmp_path / "outputs"))
    q1 = make_board_pack(tmp_path / "outputs" / "2026-27-Q1" / "20260701T050000Z", "Q1")
    q2 = make_board_pack(tmp_path / "outputs" / "2026-27-Q2" / "20261001T050000Z", "Q2")
    c = tmp_path / "c.md"
    c.write_text(
        "## Assurance levels\n- Neglect: reasonable, confirmed 14 October 2026\n- equity: limited\n\n"
        "## Fair outcomes for every child\nThe picture for Gypsy/Roma children is broadly stable.\n",
        encoding="utf-8",
    )
    rep = report.analyse(_ctx(q2, previous_run_dir=str(q1), commentary_path=str(c)))
    return rep, q2


def test_the_top_list_is_ranked_by_the_partnerships_rules(built) -> None:
    rep, q2 = built
    ranked = pd.read_csv(q2 / "shareable" / "tables" / "report_priorities.csv", dtype=str, keep_default_na=False)
    top = ranked[ranked["in_top"].eq("yes")]
    # by hand: A 11, B 9, C 1 (one place kept for the best strength; D shares A's subject)
    assert top["measure"].tolist() == [
        "rate ratio: referrals",
        "agencies not meeting the standard",
        "percentage of grades good or better",
    ]
    assert top["score"].tolist() == ["11", "9", "1"]
    assert top["direction"].tolist() == ["concern", "concern", "strength"]
    rest = ranked[ranked["in_top"].eq("no")]
    assert rest["score"].tolist() == ["8", "7"]  # E then D
    a = top.iloc[0]
    assert a["first_period"] == "2026-27 Q1" and a["persistence"] == "2"
    assert a["themes"] == "equity" and a["sources_agree"] == "the core dataset"
    assert a["reasons"] == (
        "strong evidence (+3); large effect (2.5 times) (+3); 26 children or cases affected (+2); "
        "persistent for 2 quarters (+1); 1 other source agrees (the core dataset) (+2)"
    )
    # the page: five (here three) ranked items, each with its reasons
    s = rep.sections["summary"]
    assert s.count("*Why first:*") == 3
    assert "**1. Concern — Fair outcomes for every child.**" in s
    assert "Raised in 2026-27 Q1, still present (2 quarters in a row)." in s
    assert "1 more finding about the same subject is in Appendix A." in s
    assert "**3. Strength — Agencies working together and learning.**" in s


def test_assurance_levels_proposed_by_rules_and_confirmed_by_the_partnership(built) -> None:
    rep, _ = built
    a = rep.tables["assurance_levels"].set_index("theme")
    # by hand from the fixture (docs in test_report_fixtures.py)
    assert a["proposed"].to_dict() == {
        "neglect": "limited",
        "exploitation": "no assurance",
        "domestic_abuse": "no assurance",
        "front_door": "limited",
        "equity": "limited",
        "working_together": "reasonable",
    }
    assert a.loc["working_together", "facts"] == (
        "1 strength, 2 concerns (1 on strong evidence, 0 persistent), 3 sources of evidence"
    )
    assert (a.loc["neglect", "partnership"], a.loc["neglect", "confirmed_on"]) == ("reasonable", "14 October 2026")
    assert (a.loc["equity", "partnership"], a.loc["equity", "confirmed_on"]) == ("limited", "")
    assert "Changed to **reasonable** by the partnership on 14 October 2026." in rep.sections["neglect"]
    assert (
        "**Assurance: limited**" in rep.sections["equity"] and "Confirmed by the partnership." in rep.sections["equity"]
    )
    assert "Not yet confirmed by the partnership." in rep.sections["working_together"]


def test_what_changed_in_five_kinds(built) -> None:
    rep, _ = built
    ch = rep.tables["what_changed"]
    got = ch.groupby("change")["measure"].apply(sorted).to_dict()
    assert got == {
        "escalated": ["rate ratio: referrals"],
        "new": sorted(
            [
                "rate ratio: assessments",
                "agencies not meeting the standard",
                "percentage of grades good or better",
                "percentage of grades good or better",
            ]
        ),
        "resolved with evidence": ["rating"],  # Health's row is still published: measured again
        "resolved without evidence": ["percentage of grades good or better"],  # its audit left the window
    }
    cap, table = rep.page_tables["changes"]
    assert table["Findings"].tolist() == ["0", "4", "1", "1", "1"]
    assert "No method or parameter changed since last quarter." in rep.sections["changes"]


def test_better_off_comes_from_indicators_and_impact_evidence_never_flags(built) -> None:
    rep, _ = built
    b = rep.sections["better_off"]
    assert (
        "- Re-referrals within 12 months: 18.2% (112 of 614 children); England 22.6%; statistical neighbours' "
        "median 21%; a sustained shift below the mean." in b
    )
    assert "Second or later child protection plans: 21% (25 of 119 children)" in b
    assert "Referrals to children's social care" not in b  # a "how much" indicator
    assert "Chronologies are now in every neglect case file. Evidence: Re-audit of 12 cases in June 2026" in b
    assert "flag" not in b.lower()
    res = board.better_off(
        pd.DataFrame({"oba": ["how well"], "title": ["x"], "value": ["1"]}),
        pd.DataFrame({"impact_evidence": [""], "impact": ["claimed"], "owner_agency": ["Police"]}),
    )
    assert res.empty  # no outcome indicator and no evidence of impact: nothing is better off, by count or otherwise


def test_next_steps_come_from_the_ledger_soonest_first(built) -> None:
    rep, _ = built
    n = rep.sections["next_steps"]
    assert "The action ledger holds 2 open actions, 1 of them late." in n
    assert n.index("Eastbank University Hospital Trust; due 2026-09-30; late; carried forward") < n.index(
        "Northshire Police; due 2026-12-31"
    )
    assert "Owner: Northshire Police; due 2026-12-31." in rep.sections["equity"]


def test_childrens_words_and_commentary_beside_its_evidence(built) -> None:
    rep, _ = built
    eq = rep.sections["equity"]
    assert "\u201cPeople at school decide things about you before they ask you.\u201d (Youth forum, 2026-08-12)" in eq
    assert (
        "You said: Workers did not explain why they came. We did: Every first visit now starts with a letter in "
        "plain words." in eq
    )
    c = rep.commentary["equity"]
    assert "> The picture for Gypsy/Roma children is broadly stable." in c
    # the finding the commentary names, and how it moved (1.9 last quarter, 2.5 now; escalated)
    assert "- Gypsy/Roma children, rate ratio: referrals: escalated (1.9 last quarter, 2.5 now)." in c


def test_the_page_carries_no_codes_keys_or_raw_numbers(built) -> None:
    rep, _ = built
    page = rep.markdown
    assert not re.search(r"\b\w+=\w", page), "an evidence key reached the page"
    assert "AUD-" not in page and "WT04" not in page and "ACT-" not in page and "LCSPR" not in page
    assert not re.search(r"\b(True|False|nan)\b", page)
    assert not re.search(r"\d\.\d{3,}", page), "a raw float reached the page"
    assert "Whistleblowing arrangements" in page


def test_missing_core_and_learning_tables_are_gaps_with_an_owner(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ASSURANCE_OUTPUT_ROOT", str(tmp_path / "outputs"))
    q2 = make_board_pack(tmp_path / "outputs" / "2026-27-Q2" / "r", "Q2", with_new_tables=False)
    rep = report.analyse(_ctx(q2))
    g = "\n".join(rep.gaps)
    assert "No core dataset in this pack" in g and "the analyst runs notebook 04" in g
    assert "No action ledger in this pack" in g and "Owner: the learning and improvement lead" in g
    assert "We cannot yet say whether anyone is better off: no core dataset in this pack" in rep.sections["better_off"]
    assert rep.tables["assurance_levels"].set_index("theme").loc["neglect", "proposed"] == "no assurance"
    assert "declares no key columns" not in rep.markdown  # software messages go to the run log


def test_plain_words_and_numbers() -> None:
    assert board.plain("Planning (AUD-2026-01)") == "Planning"
    assert board.plain("WT09 Supervision and support") == "Supervision and support"
    assert board.fmt_number("0.70375", "share of agencies rated") == "70%"
    assert board.fmt_number("[c]") == "[c]"


def test_priorities_file_is_checked(tmp_path: Path) -> None:
    bad = tmp_path / "p.yaml"
    bad.write_text(
        "priorities:\n  neglect: {title: Neglect, outcome: good}\nranking:\n  weights: {}\n"
        "assurance:\n  rules:\n    - {level: great}\n"
    )
    with pytest.raises(InputError) as ei:
        load_priorities(bad)
    msg = str(ei.value)
    assert "ranking.weights.evidence.points" in msg and "one of: substantial, reasonable, limited, no assurance" in msg
    pri = load_priorities(PRIORITIES)
    assert list(pri.themes) == ["neglect", "exploitation", "domestic_abuse", "front_door", "equity", "working_together"]
    assert pri.theme_of("section 11") == "working_together" and pri.theme_of("disproportionality") == "equity"


def test_top_is_a_parameter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSURANCE_OUTPUT_ROOT", str(tmp_path / "outputs"))
    q2 = make_board_pack(tmp_path / "outputs" / "2026-27-Q2" / "r", "Q2")
    rep = report.analyse(_ctx(q2, top=2))
    assert rep.sections["summary"].count("*Why first:*") == 2
    with pytest.raises(InputError):
        report.analyse(_ctx(make_pack(tmp_path / "outputs" / "2026-27-Q2" / "s"), top=0))
