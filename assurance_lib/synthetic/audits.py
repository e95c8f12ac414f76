"""Synthetic multi-agency audits: register, grades, findings, action log and a names list.

Four thematic audits in 2026-27 up to 30 September 2026 (exploitation and pre-birth assessment
in Q1; neglect and parental mental health in Q2) plus the earlier neglect audit of June 2025
that the July 2026 neglect audit re-audits. 6-8 cases per audit, 5-7 agencies per case, every
agency grading nine domains; the parental mental health audit records two moderators'
independent grades. Findings text is built from templates with **planted identifiers** (names
from ``audit_names.txt``, NHS numbers with a valid check digit, dates, postcodes, phone numbers,
email addresses and case references) so that tests can prove none reaches the pack. The action
log holds overdue actions, actions completed without evidence of impact, one closed after the
period end and one created after it.

Everything is drawn from ``numpy.random.default_rng(seed)``: the same seed gives the same bytes.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

__all__ = ["generate", "FILES", "nhs_number"]

FILES = ("audit_register.csv", "audit_grades.csv", "audit_findings.csv", "audit_actions.csv", "audit_names.txt")

GRADES = ("Outstanding", "Good", "Requires improvement to be good", "Inadequate")
DOMAINS = (
    "voice",
    "recognition",
    "thresholds",
    "information_sharing",
    "assessment",
    "planning",
    "oversight",
    "escalation",
    "impact",
)
AGENCIES = (
    "Children's social care",
    "Police",
    "Health visiting",
    "School",
    "GP practice",
    "Midwifery",
    "CAMHS",
    "Adult mental health",
    "Early help",
    "Youth justice",
)
FIRST = ("Jayden", "Amelia", "Tyler", "Ruby", "Kacper", "Destiny", "Harvey", "Maisie")
SURNAMES = ("Okafor", "Hartley", "Brennan", "Kowalski", "Nowicki", "Mbeki", "Threlfall", "Pemberton")
POSTCODES = ("LS6 2QT", "BD7 1AY", "HX1 5RP", "WF13 4HJ", "M14 6LT")

# audit_id, theme, type, date, n_cases, previous, agencies pool, base share good or better, domain shifts
AUDITS = (
    (
        "AUD-2025-03",
        "neglect",
        "Case file deep dive",
        "2025-06-18",
        7,
        "",
        ("Children's social care", "Police", "Health visiting", "School", "GP practice", "Early help"),
        0.62,
        {"information_sharing": 0.2, "planning": 0.15, "voice": -0.25},
    ),
    (
        "AUD-2026-01",
        "exploitation",
        "Case file deep dive",
        "2026-05-20",
        6,
        "",
        ("Children's social care", "Police", "School", "CAMHS", "Youth justice", "Early help", "GP practice"),
        0.55,
        {"escalation": -0.2, "recognition": -0.1},
    ),
    (
        "AUD-2026-02",
        "pre_birth",
        "Spotlight",
        "2026-06-17",
        8,
        "",
        ("Children's social care", "Midwifery", "Health visiting", "GP practice", "Police", "Adult mental health"),
        0.6,
        {"assessment": 0.1, "oversight": -0.15},
    ),
    (
        "AUD-2026-03",
        "neglect",
        "Case file deep dive",
        "2026-07-22",
        7,
        "AUD-2025-03",
        ("Children's social care", "Police", "Health visiting", "School", "GP practice", "Early help"),
        0.55,
        {"information_sharing": -0.2, "planning": -0.1, "voice": 0.15},
    ),
    (
        "AUD-2026-04",
        "parental_mental_health",
        "JTAI preparation",
        "2026-09-09",
        6,
        "",
        (
            "Children's social care",
            "Adult mental health",
            "GP practice",
            "Police",
            "School",
            "Health visiting",
            "CAMHS",
        ),
        0.5,
        {"information_sharing": -0.15, "thresholds": 0.1},
    ),
)
MODERATED = {"AUD-2026-04"}
# Agencies that tend to grade themselves above the panel (probability of one grade higher).
OVER = {"Police": 0.45, "School": 0.3, "GP practice": 0.3}

STRENGTH_TEMPLATES = (
    ("voice_of_child", "voice", "The social worker recorded {first}'s own words about home after the visit on {date}."),
    (
        "professional_curiosity",
        "recognition",
        "School staff noticed {first} {surname} was hungry and told the DSL the same morning.",
    ),
    (
        "multi_agency_meetings",
        "planning",
        "The strategy discussion for case {case_ref} included health, police and school.",
    ),
    (
        "information_sharing",
        "information_sharing",
        "Health visitor shared concerns about {first} {surname} (NHS {nhs}) within a day.",
    ),
    (
        "early_help",
        "thresholds",
        "Early help was offered to {first}'s family at {postcode} before the concerns escalated.",
    ),
    ("supervision", "oversight", "Supervision notes for {first} {surname} show clear management direction."),
)
AFD_TEMPLATES = (
    (
        "information_sharing",
        "information_sharing",
        "Police did not share the incident of {date} at {postcode} with children's social care.",
    ),
    (
        "chronology",
        "assessment",
        "No chronology was held for {first} {surname} (NHS {nhs}) despite repeated referrals.",
    ),
    ("fathers_and_partners", "assessment", "Mother's partner was not seen; the only contact was a call to {phone}."),
    ("escalation", "escalation", "The school's referral emailed to {email} was not acknowledged and not escalated."),
    ("recording", "voice", "Case {case_ref}: the record does not say what {first} wanted to happen."),
    (
        "information_sharing",
        "planning",
        "GP practice was not invited to the review for {first} {surname}, born {date}.",
    ),
    ("professional_curiosity", "recognition", "Bruising on {first} was accepted without question at {postcode}."),
)
# Finding codes per audit: (strength template indexes, area-for-development template indexes)
FINDINGS_PLAN = {
    "AUD-2025-03": ((0, 3), (1, 2, 6)),
    "AUD-2026-01": ((1, 2), (0, 3, 4)),
    "AUD-2026-02": ((4, 5, 3), (2, 5)),
    "AUD-2026-03": ((0, 1, 5), (0, 1, 5)),
    "AUD-2026-04": ((3, 4), (0, 2, 3, 6)),
}

ACTIONS = (
    # action_id, source, source_ref, theme, agency, owner_role, action, created, due, status, completion, impact, closed
    (
        "ACT-001",
        "audit",
        "AUD-2025-03",
        "neglect",
        "Children's social care",
        "Head of service",
        "Introduce the graded care profile in all neglect assessments.",
        "2025-07-10",
        "2025-12-31",
        "completed",
        "Training delivered to all teams.",
        "Re-audit shows GCP2 used in most neglect cases.",
        "2025-12-15",
    ),
    (
        "ACT-002",
        "audit",
        "AUD-2025-03",
        "neglect",
        "Health visiting",
        "Named nurse",
        "Share learning from {first} {surname}'s case with every health visiting team.",
        "2025-07-10",
        "2026-03-31",
        "completed",
        "Briefing sent to teams.",
        "",
        "2026-04-20",
    ),
    (
        "ACT-003",
        "audit",
        "AUD-2025-03",
        "neglect",
        "Police",
        "Detective inspector",
        "Notify children's social care of every domestic incident where a child is present within 24 hours.",
        "2025-07-10",
        "2026-06-30",
        "in progress",
        "",
        "",
        "",
    ),
    (
        "ACT-004",
        "audit",
        "AUD-2026-01",
        "exploitation",
        "Police",
        "Missing persons coordinator",
        "Hold a return home interview for every child missing for the first time (see case {case_ref}).",
        "2026-06-01",
        "2026-08-31",
        "in progress",
        "",
        "",
        "",
    ),
    (
        "ACT-005",
        "audit",
        "AUD-2026-01",
        "exploitation",
        "School",
        "Designated safeguarding lead",
        "Brief all DSLs on the contextual safeguarding referral route.",
        "2026-06-01",
        "2026-10-15",
        "in progress",
        "",
        "",
        "",
    ),
    (
        "ACT-006",
        "audit",
        "AUD-2026-01",
        "exploitation",
        "Children's social care",
        "Team manager",
        "Add location and peer mapping to exploitation plans.",
        "2026-06-01",
        "2026-12-31",
        "not started",
        "",
        "",
        "",
    ),
    (
        "ACT-007",
        "audit",
        "AUD-2026-02",
        "pre_birth",
        "Midwifery",
        "Safeguarding midwife",
        "Refer every unborn baby of concern by 20 weeks; contact the midwife on {phone} for advice.",
        "2026-06-30",
        "2026-09-01",
        "completed",
        "Pathway updated and circulated.",
        "",
        "2026-08-28",
    ),
    (
        "ACT-008",
        "audit",
        "AUD-2026-02",
        "pre_birth",
        "Children's social care",
        "Service manager",
        "Include fathers and partners in every pre-birth assessment.",
        "2026-06-30",
        "2026-11-30",
        "in progress",
        "",
        "",
        "",
    ),
    (
        "ACT-009",
        "audit",
        "AUD-2026-03",
        "neglect",
        "School",
        "Designated safeguarding lead",
        "Record the child's voice in every neglect referral.",
        "2026-08-05",
        "2026-11-15",
        "not started",
        "",
        "",
        "",
    ),
    (
        "ACT-010",
        "audit",
        "AUD-2026-03",
        "neglect",
        "GP practice",
        "Named GP",
        "Invite GPs to every review child protection conference for neglect cases.",
        "2026-08-05",
        "2026-09-30",
        "in progress",
        "",
        "",
        "",
    ),
    (
        "ACT-011",
        "audit",
        "AUD-2026-04",
        "parental_mental_health",
        "Adult mental health",
        "Safeguarding lead",
        "Ask about children in the household at every adult mental health assessment.",
        "2026-09-20",
        "2027-01-31",
        "not started",
        "",
        "",
        "",
    ),
    (
        "ACT-012",
        "section11",
        "S11-2025",
        "",
        "Police",
        "Safeguarding lead",
        "Complete the safer recruitment audit promised in the Section 11 return.",
        "2025-11-01",
        "2026-05-31",
        "in progress",
        "",
        "",
        "",
    ),
    (
        "ACT-013",
        "section11",
        "S11-2025",
        "",
        "GP practice",
        "Practice manager",
        "Name a safeguarding lead in every practice.",
        "2025-11-01",
        "2026-03-31",
        "completed",
        "List of leads published.",
        "Leads attend the quarterly forum; referrals from practices rose.",
        "2026-03-01",
    ),
    (
        "ACT-014",
        "review",
        "RR-2026-02",
        "",
        "Children's social care",
        "Principal social worker",
        "Update the escalation policy after the rapid review; write to {email} for comments.",
        "2026-02-10",
        "2026-07-31",
        "completed",
        "Policy published.",
        "",
        "2026-09-15",
    ),
    (
        "ACT-015",
        "review",
        "RR-2026-02",
        "",
        "Health visiting",
        "Named nurse",
        "Audit the transfer of records between health visiting teams.",
        "2026-02-10",
        "2026-09-01",
        "completed",
        "Audit report.",
        "Transfers now within 5 days.",
        "2026-10-10",
    ),
    (
        "ACT-016",
        "audit",
        "AUD-2026-04",
        "parental_mental_health",
        "GP practice",
        "Named GP",
        "Flag parents with a serious mental illness in the practice record.",
        "2026-10-05",
        "2027-03-31",
        "not started",
        "",
        "",
        "",
    ),
)


def nhs_number(rng: np.random.Generator) -> str:
    """A synthetic NHS number in the test range (999...) with a valid modulus 11 check digit."""
    while True:
        digits = [9, 9, 9] + [int(d) for d in rng.integers(0, 10, size=6)]
        total = sum(d * (10 - i) for i, d in enumerate(digits))
        check = 11 - total % 11
        check = 0 if check == 11 else check
        if check != 10:
            s = "".join(map(str, digits + [check]))
            return f"{s[:3]} {s[3:6]} {s[6:]}"


def _csv(path: Path, header: tuple[str, ...] | list[str], rows: list[list[object]]) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _fill(template: str, rng: np.random.Generator, case_refs: list[str]) -> str:
    return template.format(
        first=FIRST[int(rng.integers(len(FIRST)))],
        surname=SURNAMES[int(rng.integers(len(SURNAMES)))],
        nhs=nhs_number(rng),
        date=f"{int(rng.integers(1, 29)):02d}/{int(rng.integers(1, 13)):02d}/{int(rng.integers(2012, 2021))}",
        postcode=POSTCODES[int(rng.integers(len(POSTCODES)))],
        phone=f"07700 900{int(rng.integers(100, 1000))}",
        email=f"family{int(rng.integers(10, 99))}@example.org",
        case_ref=case_refs[int(rng.integers(len(case_refs)))] if case_refs else "C-000000",
    )


def generate(out_dir: Path, seed: int) -> list[Path]:
    """Write the synthetic audit files into ``out_dir``; return their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([seed, 3])
    register_rows, grade_rows, finding_rows = [], [], []
    all_refs: list[str] = []
    used: set[str] = set()
    for audit_id, theme, atype, date, n_cases, prev, pool, base, shifts in AUDITS:
        register_rows.append([audit_id, theme, atype, date, n_cases, prev])
        refs = []
        while len(refs) < n_cases:
            ref = f"C-{int(rng.integers(100000, 1000000))}"
            if ref not in used:
                used.add(ref)
                refs.append(ref)
        all_refs += refs
        for ref in refs:
            k = int(rng.integers(5, 8))
            agencies = ["Children's social care"] + sorted(
                rng.choice(
                    [a for a in pool if a != "Children's social care"], size=min(k, len(pool)) - 1, replace=False
                ).tolist()
            )
            case_effect = float(rng.normal(0, 0.08))
            for agency in agencies:
                for dom in DOMAINS:
                    p = float(np.clip(base + shifts.get(dom, 0.0) + case_effect, 0.05, 0.95))
                    probs = np.array([0.1 * p, 0.9 * p, 0.7 * (1 - p), 0.3 * (1 - p)])
                    panel = int(rng.choice(4, p=probs / probs.sum()))
                    u = float(rng.random())
                    own = (
                        panel - 1
                        if (u < OVER.get(agency, 0.15) and panel > 0)
                        else (panel + 1 if (u > 0.93 and panel < 3) else panel)
                    )
                    if u < 0.04 and own > 0 and agency in OVER:
                        own -= 1  # occasionally two grades above the panel
                    row = [audit_id, ref, agency, dom, GRADES[own], GRADES[panel]]
                    if audit_id in MODERATED:
                        m = [int(np.clip(panel + rng.choice([-1, 0, 0, 0, 1]), 0, 3)) for _ in range(2)]
                        row += [GRADES[m[0]], GRADES[m[1]]]
                    else:
                        row += ["", ""]
                    grade_rows.append(row)
        strengths, afds = FINDINGS_PLAN[audit_id]
        for kind, idxs, templates in (
            ("strength", strengths, STRENGTH_TEMPLATES),
            ("area for development", afds, AFD_TEMPLATES),
        ):
            for i in idxs:
                code, dom, tpl = templates[i]
                finding_rows.append([audit_id, dom, code, kind, _fill(tpl, rng, refs)])
    action_rows = []
    for row in ACTIONS:
        r = list(row)
        r[6] = _fill(r[6], rng, all_refs)
        action_rows.append(r)
    paths = [
        _csv(
            out_dir / "audit_register.csv",
            ("audit_id", "theme", "audit_type", "audit_date", "n_cases", "previous_audit_id"),
            register_rows,
        ),
        _csv(
            out_dir / "audit_grades.csv",
            ("audit_id", "case_ref", "agency", "domain", "agency_grade", "panel_grade", "moderator_1", "moderator_2"),
            grade_rows,
        ),
        _csv(out_dir / "audit_findings.csv", ("audit_id", "domain", "theme_code", "kind", "text"), finding_rows),
        _csv(
            out_dir / "audit_actions.csv",
            (
                "action_id",
                "source",
                "source_ref",
                "theme",
                "agency",
                "owner_role",
                "action",
                "created",
                "due",
                "status",
                "evidence_of_completion",
                "evidence_of_impact",
                "closed_date",
            ),
            action_rows,
        ),
    ]
    names = out_dir / "audit_names.txt"
    names.write_text(
        "# Names planted in the synthetic audit text (first names and surnames), one a line.\n"
        + "\n".join([f"{f} {s}" for f, s in zip(FIRST, SURNAMES)] + list(FIRST) + list(SURNAMES))
        + "\n",
        encoding="utf-8",
    )
    paths.append(names)
    return paths
