"""Synthetic multi-agency audits: register, grades, findings, action log and a names list.

Four thematic audits in 2026-27 up to 30 September 2026 (exploitation and a pre-birth spotlight
in Q1; neglect and parental mental health in Q2) plus the earlier neglect audit of June 2025
that the July 2026 neglect audit re-audits. The deep dives look at 6-8 cases in nine practice
domains; the pre-birth spotlight is wider and shallower: 16 cases, four domains. Each case has
a profile (an unborn baby, a child under five, a school-age child, a teenager) that decides
which agencies were involved, and only they grade it. The agencies' own grades differ from the
panel's in roughly a quarter to a third of gradings, as moderation does in practice; the
parental mental health audit records two moderators' independent grades.

The panel's findings are written as an audit team writes them, with pseudonyms ("Child A",
"the baby", "Mother"), each in its own words. A few rows carry **planted identifiers** (names
from ``audit_names.txt``, an NHS number with a valid check digit, a date, a postcode, a case
reference) so that tests can prove the redaction guard, the safety net, keeps them out of the
pack. The action log holds overdue actions, actions completed without evidence of impact, one
closed after the period end and one created after it, and actions from Section 11 and a rapid
review (which belong to those sources, not to the audits).

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
SPOTLIGHT_DOMAINS = ("recognition", "information_sharing", "assessment", "planning")
"""A spotlight (dip-sample) audit asks four questions of many cases; a deep dive nine of a few."""
FIRST = ("Jayden", "Amelia", "Tyler", "Ruby", "Kacper", "Destiny", "Harvey", "Maisie")
SURNAMES = ("Okafor", "Hartley", "Brennan", "Kowalski", "Nowicki", "Mbeki", "Threlfall", "Pemberton")
POSTCODES = ("LS6 2QT", "BD7 1AY", "HX1 5RP", "WF13 4HJ", "M14 6LT")

CSC, POLICE, GP = "Children's social care", "Police", "GP practice"
# Who is involved in a case depends on the child: (profile, agencies always involved, agencies
# sometimes involved). Only agencies involved in a case grade it.
PROFILES = {
    "neglect": (
        ("under five", (CSC, "Health visiting", GP), ("Early help", POLICE, "Adult mental health")),
        ("school age", (CSC, "School", GP), ("Early help", POLICE, "CAMHS")),
    ),
    "exploitation": (("teenager", (CSC, POLICE, "School"), ("Youth justice", "CAMHS", "Early help", GP)),),
    "pre_birth": (("unborn baby", (CSC, "Midwifery", GP), ("Health visiting", "Adult mental health", POLICE)),),
    "parental_mental_health": (
        ("under five", (CSC, "Adult mental health", GP, "Health visiting"), (POLICE, "Early help")),
        ("school age", (CSC, "Adult mental health", GP, "School"), (POLICE, "CAMHS", "Early help")),
    ),
}

# audit_id, theme, type, date, n_cases, previous, base share good or better, domain shifts
AUDITS = (
    (
        "AUD-2025-03",
        "neglect",
        "Case file deep dive",
        "2025-06-18",
        7,
        "",
        0.62,
        {"information_sharing": 0.2, "planning": 0.15, "voice": -0.25},
    ),
    ("AUD-2026-01", "exploitation", "Case file deep dive", "2026-05-20", 6, "", 0.55, {"escalation": -0.2}),
    ("AUD-2026-02", "pre_birth", "Spotlight", "2026-06-17", 16, "", 0.6, {"assessment": -0.15, "planning": 0.1}),
    (
        "AUD-2026-03",
        "neglect",
        "Case file deep dive",
        "2026-07-22",
        7,
        "AUD-2025-03",
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
        0.5,
        {"information_sharing": -0.15, "thresholds": 0.1},
    ),
)
MODERATED = {"AUD-2026-04"}
# Agencies that tend to grade themselves above the panel (probability of one grade higher; others
# 0.13). With about 7% of gradings one grade below the panel, the agencies' grades and the panel's
# differ in roughly a quarter to a third of gradings.
OVER = {POLICE: 0.4, "School": 0.3, GP: 0.28}

S, A = "strength", "area for development"
# The panel's coded findings: (domain, finding code, kind, text). Rows with {fields} carry planted
# identifiers (the redaction guard's test); every other row is written with pseudonyms.
FINDINGS = {
    "AUD-2025-03": (
        (
            "voice",
            "voice_of_child",
            S,
            "Child A's social worker wrote down, in Child A's words, what mornings at home were like, "
            "and the plan used them.",
        ),
        (
            "information_sharing",
            "information_sharing",
            S,
            "The health visitor told the GP and the social worker in the same week that the baby had missed "
            "two weighings.",
        ),
        (
            "recognition",
            "professional_curiosity",
            A,
            "The school accepted Mother's explanation for Child B's attendance for two terms without asking "
            "what home was like.",
        ),
        (
            "assessment",
            "fathers_and_partners",
            A,
            "Father was not contacted during the assessment, although the children stayed with him every weekend.",
        ),
        (
            "recognition",
            "chronology",
            A,
            "Head lice, a dirty uniform and missed dental appointments were each noted by a different agency "
            "and never put together.",
        ),
    ),
    "AUD-2026-01": (
        (
            "recognition",
            "professional_curiosity",
            S,
            "The school's DSL noticed that Child C had new trainers and a second phone, and referred the same day.",
        ),
        (
            "planning",
            "multi_agency_meetings",
            S,
            "The strategy discussion after the second missing episode had police, the school and the youth "
            "justice worker in the room.",
        ),
        (
            "information_sharing",
            "information_sharing",
            A,
            "Police held intelligence about the flat where Child D was found, but it reached the child's plan "
            "five weeks later.",
        ),
        ("voice", "recording", A, "Case {case_ref}: the record does not say what {first} wanted to happen."),
        (
            "escalation",
            "escalation",
            A,
            "The school chased the missing return interview twice by email; nobody used the escalation policy.",
        ),
        (
            "voice",
            "recording",
            A,
            "Child C's account of why he went missing is summarised in one line; his own words are not there.",
        ),
    ),
    "AUD-2026-02": (
        (
            "planning",
            "multi_agency_meetings",
            S,
            "In most cases sampled, pre-birth planning meetings were held before 28 weeks with the midwife "
            "and the health visitor invited.",
        ),
        (
            "information_sharing",
            "information_sharing",
            S,
            "Midwives shared what parents disclosed at the booking appointment with the GP within a week.",
        ),
        (
            "assessment",
            "fathers_and_partners",
            A,
            "The unborn baby's father was named in fewer than half of the records and was rarely seen by anyone.",
        ),
        (
            "recognition",
            "professional_curiosity",
            A,
            "The GP knew that Mother's older children had been removed, but the midwife did not learn of it "
            "at booking.",
        ),
        (
            "planning",
            "recording",
            A,
            "Plans for the baby's first weeks at home did not say who would visit, or what would happen if "
            "Mother became unwell again.",
        ),
    ),
    "AUD-2026-03": (
        (
            "voice",
            "voice_of_child",
            S,
            "Child E drew her bedroom for the social worker; the drawing, and what she said about it, were "
            "used at core group.",
        ),
        (
            "recognition",
            "professional_curiosity",
            S,
            "The nursery noticed the baby was hungry and in the same clothes on Mondays and rang the health visitor.",
        ),
        (
            "oversight",
            "supervision",
            S,
            "Supervision notes show the team manager asking what had changed for the children, not only what "
            "had been done.",
        ),
        (
            "assessment",
            "chronology",
            A,
            "No multi-agency chronology was held for the family despite four referrals in eighteen months.",
        ),
        (
            "information_sharing",
            "information_sharing",
            A,
            "The GP knew Mother had stopped her medication, but the core group did not hear of it for two months.",
        ),
        (
            "planning",
            "information_sharing",
            A,
            "GP practice was not invited to the review for {first} {surname}, born {date}.",
        ),
        (
            "oversight",
            "supervision",
            A,
            "Managers signed off the plan at three reviews although the same actions were carried over each time.",
        ),
    ),
    "AUD-2026-04": (
        (
            "information_sharing",
            "information_sharing",
            S,
            "The adult mental health nurse asked about the children at the first appointment and told the "
            "school when Father was admitted.",
        ),
        (
            "thresholds",
            "early_help",
            S,
            "Early help was offered as soon as Mother told the health visitor about her depression, before "
            "things reached crisis.",
        ),
        (
            "information_sharing",
            "information_sharing",
            A,
            "The crisis team discharged Mother home without telling children's social care, which had an "
            "assessment open.",
        ),
        (
            "assessment",
            "fathers_and_partners",
            A,
            "Police knew about Mother's partner's drinking, but it was not part of the assessment of the "
            "children's safety.",
        ),
        (
            "recognition",
            "professional_curiosity",
            A,
            "Child F, aged 13, looked after his younger sister most evenings; no one asked him how he was coping.",
        ),
        (
            "voice",
            "voice_of_child",
            A,
            "Health visitor shared concerns about {first} {surname} (NHS {nhs}); the family at {postcode} was "
            "not visited.",
        ),
        (
            "voice",
            "voice_of_child",
            A,
            "The children were not asked what they understood about their mother's illness.",
        ),
    ),
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
        "Share the learning from the case of the baby who missed two weighings with every health visiting team.",
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
        "Refer every unborn baby of concern to children's social care by 20 weeks of pregnancy.",
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
    if "{" not in template:
        return template
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


def _agencies(rng: np.random.Generator, theme: str) -> list[str]:
    """The agencies involved in one case: its profile's core agencies and one to three of the others."""
    profiles = PROFILES[theme]
    _, core, extra = profiles[int(rng.integers(len(profiles)))]
    n = int(rng.integers(1, min(3, len(extra)) + 1))
    return list(core) + sorted(rng.choice(list(extra), size=n, replace=False).tolist())


def generate(out_dir: Path, seed: int) -> list[Path]:
    """Write the synthetic audit files into ``out_dir``; return their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([seed, 3])
    register_rows, grade_rows, finding_rows = [], [], []
    all_refs: list[str] = []
    used: set[str] = set()
    for audit_id, theme, atype, date, n_cases, prev, base, shifts in AUDITS:
        register_rows.append([audit_id, theme, atype, date, n_cases, prev])
        domains = SPOTLIGHT_DOMAINS if atype == "Spotlight" else DOMAINS
        refs = []
        while len(refs) < n_cases:
            ref = f"C-{int(rng.integers(100000, 1000000))}"
            if ref not in used:
                used.add(ref)
                refs.append(ref)
        all_refs += refs
        for ref in refs:
            case_effect = float(rng.normal(0, 0.08))
            for agency in _agencies(rng, theme):
                for dom in domains:
                    p = float(np.clip(base + shifts.get(dom, 0.0) + case_effect, 0.05, 0.95))
                    probs = np.array([0.1 * p, 0.9 * p, 0.7 * (1 - p), 0.3 * (1 - p)])
                    panel = int(rng.choice(4, p=probs / probs.sum()))
                    u = float(rng.random())
                    own = (
                        panel - 1
                        if (u < OVER.get(agency, 0.13) and panel > 0)
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
        for dom, code, kind, text in FINDINGS[audit_id]:
            finding_rows.append([audit_id, dom, code, kind, _fill(text, rng, refs)])
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
