"""Notebook 05 (learning, voice and impact): the files its run on the synthetic defaults wrote (the
session's packs, built once by the pipeline: ``synthetic_pack`` and ``q1_pack`` in conftest).

Expected values come from the input files read here independently (pandas on the CSVs), not from
the analysis's own code.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
SYN = ROOT / "data" / "synthetic"
LEDGER_COLUMNS = [
    "action_id",
    "source",
    "source_ref",
    "themes",
    "owner_agency",
    "created",
    "due",
    "completed",
    "status",
    "late",
    "carried_forward",
    "repeated",
    "impact",
    "impact_evidence",
]
V2 = [
    "evidence",
    "direction",
    "effect",
    "effect_unit",
    "affected",
    "agency",
    "statutory_partner",
    "themes",
    "first_period",
]


def _t(pack: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(pack / "shareable" / "tables" / f"{name}.csv", dtype=str, keep_default_na=False)


def test_publishes_the_register_ledger_impact_log_and_voice_tables(synthetic_pack: Path) -> None:
    for name in (
        "learning_reviews",
        "learning_actions",
        "learning_impact_log",
        "learning_reaudit_proposals",
        "voice_register",
        "voice_you_said_we_did",
        "voice_complaints_by_agency",
        "voice_scrutineer_visits",
        "voice_survey_response",
        "voice_training_by_course",
        "flags_learning",
    ):
        assert (synthetic_pack / "shareable" / "tables" / f"{name}.csv").exists(), name
    assert (synthetic_pack / "shareable" / "text" / "learning_impact_log.md").exists()
    assert (synthetic_pack / "shareable" / "05_learning.html").exists()


def test_ledger_status_is_derived_and_late_completion_is_visible(synthetic_pack: Path) -> None:
    a = _t(synthetic_pack, "learning_actions")
    assert set(LEDGER_COLUMNS) <= set(a.columns)
    raw = pd.read_csv(SYN / "action_ledger.csv", dtype=str, keep_default_na=False)
    assert len(a) == int((raw["created"] <= "2026-09-30").sum())
    late = a[(a["completed"] != "") & (a["completed"] > a["due"])]
    assert len(late) > 0 and late["status"].eq("completed late").all() and late["late"].eq("yes").all()
    open_past_due = a[(a["completed"] == "") & (a["due"] < "2026-09-30")]
    assert open_past_due["status"].eq("overdue").all()
    assert a["carried_forward"].eq("yes").any() and a["repeated"].eq("yes").any()
    # every grade above output names its evidence
    above = a[a["impact"].isin(["practice change", "outcome for children"])]
    assert len(above) > 0 and above["impact_evidence"].ne("").all()


def test_only_consented_quotes_are_published_and_no_mask_appears(synthetic_pack: Path) -> None:
    pub = _t(synthetic_pack, "voice_register")
    raw = pd.read_csv(SYN / "voice_register.csv", dtype=str, keep_default_na=False)
    consented = set(raw.loc[raw["consent"].eq("yes"), "quote"])
    assert len(pub) > 0 and set(pub["quote"]) <= consented
    assert not set(pub["quote"]) & set(raw.loc[raw["consent"].eq("no"), "quote"])
    tables = synthetic_pack / "shareable" / "tables"
    for f in [
        *tables.glob("learning_*.csv"),
        *tables.glob("voice_*.csv"),
        synthetic_pack / "shareable" / "text" / "learning_impact_log.md",
    ]:
        assert "[redacted]" not in f.read_text(encoding="utf-8"), f.name


def test_flags_have_version_2_columns_with_concerns_and_strengths(synthetic_pack: Path) -> None:
    f = _t(synthetic_pack, "flags_learning")
    assert set(V2) <= set(f.columns)
    assert {"concern", "strength"} <= set(f["direction"])
    assert {"actions overdue", "same action again", "outcome evidenced"} <= set(f["category"])
    themes = {"neglect", "exploitation", "domestic_abuse", "front_door", "equity", "working_together"}
    assert all(set(t.split(";")) <= themes for t in f["themes"])


def test_q1_pack_is_as_at_30_june(q1_pack: Path, synthetic_pack: Path) -> None:
    q1 = _t(q1_pack, "learning_actions")
    q2 = _t(synthetic_pack, "learning_actions")
    assert q1["created"].max() <= "2026-06-30" and len(q1) < len(q2)
    assert (q1.loc[q1["completed"] != "", "completed"] <= "2026-06-30").all()
    # the Q1 run has no practitioner survey: the survey tables are not published
    assert not (q1_pack / "shareable" / "tables" / "voice_survey_response.csv").exists()
