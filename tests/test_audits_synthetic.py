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
    assert fy["n_cases"].astype(int).between(6, 8).all()
    re_audits = reg[reg["previous_audit_id"].ne("")]
    assert len(re_audits) == 1
    earlier = reg.set_index("audit_id").loc[re_audits["previous_audit_id"].iloc[0]]
    assert earlier["audit_date"] < "2026-04-01" and earlier["theme"] == re_audits["theme"].iloc[0]
    g = pd.read_csv(SYN / "audit_grades.csv", dtype=str)
    per_case = g.groupby(["audit_id", "case_ref"])["agency"].nunique()
    assert per_case.between(5, 7).all()
    assert (g.groupby(["audit_id", "case_ref", "agency"]).size() == 9).all()  # nine domains each


def test_every_finding_carries_a_planted_identifier():
    names = [
        ln.strip() for ln in (SYN / "audit_names.txt").read_text().splitlines() if ln.strip() and not ln.startswith("#")
    ]
    kinds = {
        "nhs": r"\b999 \d{3} \d{4}\b",
        "date": r"\b\d{2}/\d{2}/\d{4}\b",
        "postcode": r"\b[A-Z]{1,2}\d{1,2} \d[A-Z]{2}\b",
        "phone": r"\b07700 900\d{3}\b",
        "email": r"@example\.org\b",
        "case": r"\bC-\d{6}\b",
    }
    seen = set()
    for text in pd.read_csv(SYN / "audit_findings.csv", dtype=str)["text"]:
        hit = {k for k, p in kinds.items() if re.search(p, text)} | (
            {"name"} if any(n in text for n in names) else set()
        )
        assert hit, "a finding without a planted identifier"
        seen |= hit
    assert seen == set(kinds) | {"name"}


def test_planted_nhs_numbers_have_valid_check_digits():
    import numpy as np

    rng = np.random.default_rng(1)
    for _ in range(50):
        digits = synth.nhs_number(rng).replace(" ", "")
        total = sum(int(c) * w for c, w in zip(digits[:9], range(10, 1, -1)))
        check = (11 - total % 11) % 11
        assert check != 10 and int(digits[9]) == check
