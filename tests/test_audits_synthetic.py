"""The synthetic audits: reproducible bytes, the shape the issue asks for, and planted identifiers."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from assurance_lib.synthetic import DEFAULT_SEED
from assurance_lib.synthetic import audits as synth

ROOT = Path(__file__).resolve().parent.parent
SYN = ROOT / "data" / "synthetic"


def test_regenerating_gives_the_committed_bytes(tmp_path):
    written = synth.generate(tmp_path, DEFAULT_SEED)
    assert sorted(p.name for p in written) == sorted(synth.FILES)
    for p in written:
        assert p.read_bytes() == (SYN / p.name).read_bytes(), p.name


def test_shape_of_the_synthetic_audits():
    reg = pd.read_csv(SYN / "audit_register.csv", dtype=str, keep_default_na=False)
    d = pd.to_datetime(reg["audit_date"])
    fy = reg[(d >= "2026-04-01") & (d <= "2026-09-30")]
    assert len(fy) == 4 and fy["theme"].nunique() == 4
    deep = reg[reg["audit_type"].ne("Spotlight")]
    assert deep["n_cases"].astype(int).between(6, 8).all()
    re_audits = reg[reg["previous_audit_id"].ne("")]
    assert len(re_audits) == 1
    earlier = reg.set_index("audit_id").loc[re_audits["previous_audit_id"].iloc[0]]
    assert earlier["audit_date"] < "2026-04-01" and earlier["theme"] == re_audits["theme"].iloc[0]
    g = pd.read_csv(SYN / "audit_grades.csv", dtype=str)
    per_case = g.groupby(["audit_id", "case_ref"])["agency"].nunique()
    assert per_case.between(4, 7).all()
    # every agency involved in a case grades every domain the audit asks about
    domains = g.groupby("audit_id")["domain"].nunique()
    units = g.groupby(["audit_id", "case_ref", "agency"]).size()
    assert (units.to_numpy() == units.index.get_level_values("audit_id").map(domains).to_numpy()).all()


def test_spotlight_is_wider_and_shallower_than_a_deep_dive():
    reg = pd.read_csv(SYN / "audit_register.csv", dtype=str, keep_default_na=False).set_index("audit_id")
    g = pd.read_csv(SYN / "audit_grades.csv", dtype=str)
    spot = reg.index[reg["audit_type"].eq("Spotlight")]
    assert len(spot) == 1
    cases = g.groupby("audit_id")["case_ref"].nunique()
    domains = g.groupby("audit_id")["domain"].nunique()
    deep = reg.index[reg["audit_type"].ne("Spotlight")]
    assert cases[spot[0]] > cases[deep].max() and domains[spot[0]] < domains[deep].min()
    assert (cases[spot[0]], domains[spot[0]], set(domains[deep])) == (16, 4, {9})


def test_gradings_only_by_agencies_involved_in_each_case():
    reg = pd.read_csv(SYN / "audit_register.csv", dtype=str, keep_default_na=False).set_index("audit_id")
    g = pd.read_csv(SYN / "audit_grades.csv", dtype=str)
    g["theme"] = g["audit_id"].map(reg["theme"])
    by_theme = g.groupby("theme")["agency"].agg(set)
    # midwives only in pre-birth cases, youth justice only with teenagers at risk of exploitation,
    # no school in a pre-birth case, no health visitor in an exploitation case, and children's
    # social care in every case
    assert {t for t, ags in by_theme.items() if "Midwifery" in ags} == {"pre_birth"}
    assert {t for t, ags in by_theme.items() if "Youth justice" in ags} == {"exploitation"}
    assert "School" not in by_theme["pre_birth"] and "Health visiting" not in by_theme["exploitation"]
    per_case = g.groupby(["audit_id", "case_ref"])["agency"].agg(set)
    assert all("Children's social care" in ags for ags in per_case)
    # a case of a child under five (graded by the health visitor) has no school among its agencies
    assert not any({"Health visiting", "School"} <= ags for ags in per_case)


def test_self_grades_differ_from_the_panel_as_often_as_moderation_does():
    # Moderation changes a grade in roughly a quarter to a third of cases in practice.
    g = pd.read_csv(SYN / "audit_grades.csv", dtype=str)
    differ = g["agency_grade"].ne(g["panel_grade"])
    assert 0.25 <= differ.mean() <= 1 / 3
    assert differ.groupby(g["audit_id"]).mean().between(0.2, 0.38).all()


def _planted_kinds(text: str, names: list[str]) -> set[str]:
    kinds = {
        "nhs": r"\b999 \d{3} \d{4}\b",
        "date": r"\b\d{2}/\d{2}/\d{4}\b",
        "postcode": r"\b[A-Z]{1,2}\d{1,2} \d[A-Z]{2}\b",
        "phone": r"\b07700 900\d{3}\b",
        "email": r"@example\.org\b",
        "case": r"\bC-\d{6}\b",
    }
    return {k for k, p in kinds.items() if re.search(p, text)} | ({"name"} if any(n in text for n in names) else set())


def test_findings_use_pseudonyms_and_a_few_rows_plant_identifiers_for_the_guard():
    names = [
        ln.strip() for ln in (SYN / "audit_names.txt").read_text().splitlines() if ln.strip() and not ln.startswith("#")
    ]
    f = pd.read_csv(SYN / "audit_findings.csv", dtype=str)
    planted = [_planted_kinds(t, names) for t in f["text"]]
    n_planted = sum(bool(k) for k in planted)
    assert 2 <= n_planted <= len(f) // 5  # the safety net is tested, but the text is written with pseudonyms
    assert set().union(*planted) >= {"nhs", "date", "postcode", "case", "name"}
    clean = f.loc[[not k for k in planted], "text"]
    assert clean.str.contains(r"\bChild [A-F]\b|the baby|Mother|Father|the children|the family").mean() > 0.6
    actions = pd.read_csv(SYN / "audit_actions.csv", dtype=str)
    assert any(_planted_kinds(t, names) for t in actions["action"])


def test_no_copy_paste_text():
    f = pd.read_csv(SYN / "audit_findings.csv", dtype=str)
    assert f["text"].is_unique
    openings = f["text"].str.split().str[:4].str.join(" ")
    assert openings.is_unique, openings[openings.duplicated()].tolist()
    a = pd.read_csv(SYN / "audit_actions.csv", dtype=str)
    assert a["action"].is_unique


def test_planted_nhs_numbers_have_valid_check_digits():
    import numpy as np

    rng = np.random.default_rng(1)
    for _ in range(50):
        digits = synth.nhs_number(rng).replace(" ", "")
        total = sum(int(c) * w for c, w in zip(digits[:9], range(10, 1, -1)))
        check = (11 - total % 11) % 11
        assert check != 10 and int(digits[9]) == check
