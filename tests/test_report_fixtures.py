"""Hand-built fixture packs for the report, workbook, front page and accessibility tests.

The packs follow the contracts in ``docs/design.md`` (flags CSVs with the flag columns,
published tables declared in ``shareable/tables/index.json``, figures with their data table,
scrutineer pages). Every value is written here by hand, so the tests can assert on values
worked out independently of the code under test.
"""

from __future__ import annotations

import base64
import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

FLAG_COLUMNS = [
    "analysis",
    "category",
    "subject",
    "measure",
    "value",
    "lower",
    "upper",
    "severity",
    "statement",
    "evidence_table",
    "evidence_key",
]

# A 1x1 transparent PNG (a valid image file for the figure fixtures).
PNG_1X1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)

# ---- period 1 (2026-27 Q1) and period 2 (2026-27 Q2) published values, by hand -------------
DISPRO_Q1 = [  # stage, group, children, rate_per_10000
    ("referral", "Black", "40", "412.0"),
    ("referral", "White", "300", "250.0"),
    ("cpp", "Black", "[c]", "[c]"),
    ("cpp", "White", "60", "50.0"),
]
DISPRO_Q2 = [
    ("referral", "Black", "46", "474.2"),  # up 6 children, rate up 62.2
    ("referral", "White", "290", "241.7"),  # down 10, rate down 8.3
    ("cpp", "Black", "12", "123.7"),  # suppressed in Q1 -> change suppressed
    ("cpp", "White", "60", "50.0"),  # no change
]
S11_Q1 = [("Police", "Leadership", "3"), ("Health", "Leadership", "2")]
S11_Q2 = [("Police", "Leadership", "3"), ("Health", "Leadership", "4")]  # Health up 2
AUDIT_Q1 = [("Good", "4"), ("Requires improvement", "5"), ("Inadequate", "1")]
AUDIT_Q2 = [("Good", "6"), ("Requires improvement", "3"), ("Inadequate", "1")]

FLAGS_Q1 = {
    "core_dataset": [],  # notebook 04 raised no flag in these hand-written packs
    "learning": [],  # notebook 05 raised no flag in these hand-written packs
    "disproportionality": [
        [
            "disproportionality",
            "over-representation",
            "Black",
            "referral rate ratio",
            "1.65",
            "1.2",
            "2.2",
            "high",
            "Black children were referred at 1.65 times the rate of White children.",
            "dispro_rates",
            "stage=referral; group=Black",
        ],
    ],
    "section11": [
        [
            "section11",
            "self-assessment",
            "Health",
            "Leadership",
            "2",
            "",
            "",
            "medium",
            "Health rated itself 2 of 4 on leadership.",
            "s11_ratings",
            "agency=Health; standard=Leadership",
        ],
    ],
    "audits": [
        [
            "audits",
            "practice quality",
            "All audited cases",
            "inadequate grades",
            "1",
            "",
            "",
            "low",
            "One audited case was graded inadequate.",
            "audit_grades",
            "grade=Inadequate",
        ],
    ],
}
FLAGS_Q2 = {
    "disproportionality": [
        [
            "disproportionality",
            "over-representation",
            "Black",
            "referral rate ratio",
            "1.96",
            "1.4",
            "2.6",
            "high",
            "Black children were referred at 1.96 times the rate of White children.",
            "dispro_rates",
            "stage=referral; group=Black",
        ],
        [
            "disproportionality",
            "over-representation",
            "Black",
            "child protection plan rate ratio",
            "2.47",
            "1.3",
            "4.6",
            "medium",
            "Black children were on plans at 2.47 times the rate of White children.",
            "dispro_rates",
            "stage=cpp; group=Black",
        ],
    ],
    "section11": [],  # the Health flag of Q1 is resolved
    "core_dataset": [],  # notebook 04 raised no flag in these hand-written packs
    "learning": [],  # notebook 05 raised no flag in these hand-written packs
    "audits": [
        [
            "audits",
            "practice quality",
            "All audited cases",
            "inadequate grades",
            "1",
            "",
            "",
            "low",
            "One audited case was graded inadequate.",
            "audit_grades",
            "grade=Inadequate",
        ],
        [
            "audits",
            "voice of the child",
            "All audited cases",
            "child's voice recorded",
            "[c]",
            "",
            "",
            "high",
            "The child's voice was recorded in too few audited cases to report.",
            "audit_grades",
            "",
        ],
    ],
}

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body><main><h1>{title}</h1><p>Fixture page.</p>
<figure><img src="figures/dispro_chart.png" alt="Bar chart of referral rates: Black children 474 per 10,000, White children 242 per 10,000."><figcaption>Referral rates</figcaption></figure>
</main></body></html>
"""


def _write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def make_pack(
    run_dir: Path,
    period: str = "Q2",
    *,
    analyses: Sequence[str] = ("disproportionality", "section11", "audits", "core_dataset", "learning"),
    pages: bool = True,
) -> Path:
    """Write a pack as notebooks 01-03 would leave it; return ``run_dir``.

    ``period`` is ``"Q1"`` or ``"Q2"`` (the hand-written values above); ``analyses`` limits
    which flags files exist (to test a missing analysis).
    """
    q2 = period == "Q2"
    share = run_dir / "shareable"
    tables = share / "tables"
    _write_csv(
        tables / "dispro_rates.csv", ["stage", "group", "children", "rate_per_10000"], DISPRO_Q2 if q2 else DISPRO_Q1
    )
    _write_csv(tables / "s11_ratings.csv", ["agency", "standard", "rating"], S11_Q2 if q2 else S11_Q1)
    _write_csv(
        tables / "audit_grades.csv",
        ["grade", "cases", "indicative"],
        [(g, n, "yes") for g, n in (AUDIT_Q2 if q2 else AUDIT_Q1)],
    )
    decls = [
        {
            "name": "audit_grades",
            "file": "audit_grades.csv",
            "title": "Audit grades",
            "unit": "cases",
            "rule": "small-sample",
            "source": "Multi-agency audits",
            "notes": "Eleven cases were audited.",
            "keys": ["grade"],
            "counts": [],
            "derived": {},
        },
        {
            "name": "dispro_rates",
            "file": "dispro_rates.csv",
            "title": "Children referred and on plans by ethnic group",
            "unit": "children",
            "rule": "children-counts",
            "source": "Journey events extract",
            "notes": "Rates per 10,000 children aged 0 to 17.",
            "keys": ["stage", "group"],
            "counts": ["children"],
            "derived": {"rate_per_10000": ["children"]},
        },
        {
            "name": "s11_ratings",
            "file": "s11_ratings.csv",
            "title": "Section 11 self-ratings",
            "unit": "agencies",
            "rule": "organisations",
            "source": "Section 11 returns",
            "notes": "",
            "keys": ["agency", "standard"],
            "counts": [],
            "derived": {},
        },
    ]
    flags = FLAGS_Q2 if q2 else FLAGS_Q1
    for a in analyses:
        _write_csv(tables / f"flags_{a}.csv", FLAG_COLUMNS, flags[a])
        decls.append(
            {
                "name": f"flags_{a}",
                "file": f"flags_{a}.csv",
                "title": f"Flags raised by the {a} analysis",
                "unit": "agencies" if a == "section11" else ("cases" if a == "audits" else "children"),
                "rule": "organisations"
                if a == "section11"
                else ("small-sample" if a == "audits" else "children-counts"),
                "source": f"{a} analysis",
                "notes": "",
                "keys": [],
                "counts": [],
                "derived": {},
            }
        )
    (tables / "index.json").write_text(json.dumps({"tables": sorted(decls, key=lambda d: d["name"])}, indent=2))
    figs = share / "figures"
    figs.mkdir(parents=True, exist_ok=True)
    (figs / "dispro_chart.png").write_bytes(PNG_1X1)
    (figs / "dispro_chart.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"></svg>')
    _write_csv(figs / "dispro_chart.csv", ["group", "rate_per_10000"], [("Black", "474.2"), ("White", "241.7")])
    if pages:
        for nb, title in (
            ("01_disproportionality", "Disproportionality"),
            ("02_section11", "Section 11"),
            ("03_audit_synthesis", "Audits"),
        ):
            (share / f"{nb}.html").write_text(PAGE.format(title=title), encoding="utf-8")
    (run_dir / "internal").mkdir(parents=True, exist_ok=True)
    return run_dir


def manifest(run_id: str = "20261001T050000Z-abc123") -> dict[str, Any]:
    """A manifest dict with the keys the pipeline writes (values by hand)."""
    return {
        "partnership": "Synthetic Partnership (example data, not a real area)",
        "period": "2026-27 Q2",
        "run_id": run_id,
        "started": "2026-10-01T05:00:00+00:00",
        "finished": "2026-10-01T05:04:30+00:00",
        "version": "0.1.0",
        "git_commit": "6c26a24",
        "parameters": {"params_file": "parameters/2026-27-Q2.yaml", "disclosure": {"threshold": 5}},
        "inputs": [{"path": "data/synthetic/journey_events.csv", "sha256": "ab" * 32}],
        "notebooks": [
            {"name": "01_disproportionality", "status": "ok", "duration_s": 12.5},
            {"name": "06_assurance_report", "status": "ok", "duration_s": 3.25},
        ],
        "packages": {"pandas": "3.1.0", "gptables": "2.0.2"},
        "python": "3.11.9",
    }


# ---- a pack with the version 2 flags and the tables of notebooks 04 and 05 (by hand) -------
# Scores under data/frameworks/priorities.yaml, worked out by hand (docs/report.md, "Ranking"):
#   A  dispro concern, strong (3), ratio 2.5 large (3), 26 children many (2), raised in Q1 too
#      so persistent for 2 quarters (1), the core dataset agrees on equity (2)           = 11
#   B  section11 concern, strong (3), share 0.143 moderate (2), 3 agencies few (0),
#      statutory partner (2), the audits agree on working together (2)                    = 9
#   E  audits concern, moderate (2), gap 30 points large (3), 8 cases some (1),
#      Section 11 agrees (2)                                                               = 8
#   D  dispro concern about the same subject as A: moderate (2), ratio 1.6 moderate (2),
#      10 children some (1), the core dataset agrees (2)                                   = 7
#   C  audits strength, indicative (1), nothing else                                       = 1
# Top 3 with one place kept for a strength and one item a subject: A, B, C; the rest E, D.
V2_COLUMNS = [
    *FLAG_COLUMNS,
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


def _v2(
    analysis,
    subject,
    measure,
    value,
    severity,
    statement,
    table,
    key,
    evidence,
    direction,
    effect,
    unit,
    affected,
    agency,
    statutory,
    themes,
    first="",
):
    return [
        analysis,
        "finding",
        subject,
        measure,
        value,
        "",
        "",
        severity,
        statement,
        table,
        key,
        evidence,
        direction,
        effect,
        unit,
        affected,
        agency,
        statutory,
        themes,
        first,
    ]


BOARD_FLAGS_Q2 = {
    "disproportionality": [
        _v2(
            "disproportionality",
            "Gypsy/Roma children",
            "rate ratio: referrals",
            "2.5",
            "high",
            "26 Gypsy/Roma children were referred: 2.5 times as likely as White British children.",
            "dispro_rates",
            "period=2026-27 Q2; stage=referral; group=Black",
            "strong",
            "concern",
            "2.5",
            "ratio to the reference group",
            "26",
            "",
            "",
            "disproportionality;equity",
        ),
        _v2(
            "disproportionality",
            "Gypsy/Roma children",
            "rate ratio: assessments",
            "1.6",
            "medium",
            "10 Gypsy/Roma children were assessed: 1.6 times as likely as White British children.",
            "dispro_rates",
            "stage=cpp; group=Black",
            "moderate",
            "concern",
            "1.6",
            "ratio to the reference group",
            "10",
            "",
            "",
            "equity",
        ),
    ],
    "section11": [
        _v2(
            "section11",
            "WT04 Whistleblowing arrangements",
            "agencies not meeting the standard",
            "3.0",
            "high",
            "3 of 21 agencies do not meet 'Whistleblowing arrangements'.",
            "s11_ratings",
            "standard=WT04",
            "strong",
            "concern",
            "0.143",
            "share of agencies rated",
            "3",
            "Northshire Police",
            "yes",
            "",
            "2026-27",
        ),
    ],
    "audits": [
        _v2(
            "audits",
            "Planning (AUD-2026-02)",
            "percentage of grades good or better",
            "40",
            "medium",
            "Planning was graded good or better in 40% of gradings in audit AUD-2026-02 (8 cases).",
            "audit_grades",
            "grade=Good",
            "moderate",
            "concern",
            "30",
            "percentage points below the standard",
            "8",
            "",
            "",
            "working_together",
        ),
        _v2(
            "audits",
            "Voice of the child (AUD-2026-02)",
            "percentage of grades good or better",
            "90",
            "low",
            "The child's voice was recorded well in 90% of audited cases.",
            "audit_grades",
            "grade=Good",
            "indicative",
            "strength",
            "",
            "",
            "",
            "",
            "",
            "working_together",
        ),
    ],
}
BOARD_FLAGS_Q1 = {
    # A was raised in Q1 on moderate evidence (so: escalated); F left because its audit left the window
    # (its evidence row is gone: resolved without evidence); G was measured again and not found (with evidence)
    "disproportionality": [
        _v2(
            "disproportionality",
            "Gypsy/Roma children",
            "rate ratio: referrals",
            "1.9",
            "medium",
            "20 Gypsy/Roma children were referred: 1.9 times as likely as White British children.",
            "dispro_rates",
            "period=2026-27 Q1; stage=referral; group=Black",
            "moderate",
            "concern",
            "1.9",
            "ratio to the reference group",
            "20",
            "",
            "",
            "equity",
        ),
    ],
    "section11": [
        _v2(
            "section11",
            "Health Leadership",
            "rating",
            "2",
            "medium",
            "Health rated itself 2 of 4 on leadership.",
            "s11_ratings",
            "agency=Health; standard=Leadership",
            "moderate",
            "concern",
            "",
            "",
            "",
            "Health",
            "yes",
            "working_together",
        ),
    ],
    "audits": [
        _v2(
            "audits",
            "Recording (AUD-2025-04)",
            "percentage of grades good or better",
            "30",
            "medium",
            "Recording was graded good or better in 30% of gradings.",
            "audit_grades",
            "grade=Outstanding",
            "moderate",
            "concern",
            "",
            "",
            "",
            "",
            "",
            "working_together",
        ),
    ],
}
CORE_INDICATORS = [  # indicator, title, oba, unit, value, numerator, denominator, england, neighbours_median,
    # variation, direction, themes
    (
        "rereferrals",
        "Re-referrals within 12 months",
        "better off",
        "%",
        "18.24",
        "112",
        "614",
        "22.6",
        "21.0",
        "a sustained shift below the mean",
        "strength",
        "front_door",
    ),
    (
        "cpp_second",
        "Second or later child protection plans",
        "better off",
        "%",
        "21.0",
        "25",
        "119",
        "23.8",
        "22.0",
        "common-cause variation",
        "",
        "neglect",
    ),
    (
        "referrals",
        "Referrals to children's social care",
        "how much",
        "",
        "2310",
        "",
        "",
        "",
        "",
        "common-cause variation",
        "",
        "front_door",
    ),
    (
        "dispro_referral",
        "Referral rate ratio, Black to White British children",
        "how well",
        "",
        "2.1",
        "",
        "",
        "",
        "",
        "special cause: a shift above the mean",
        "concern",
        "equity",
    ),
]
CORE_COLUMNS = [
    "indicator",
    "title",
    "oba",
    "unit",
    "value",
    "numerator",
    "denominator",
    "england",
    "neighbours_median",
    "variation",
    "direction",
    "themes",
]
LEDGER = [  # action_id, source, source_ref, themes, owner_agency, created, due, completed, status, late,
    # carried_forward, repeated, impact, impact_evidence
    (
        "ACT-001",
        "audit",
        "AUD-2025-04",
        "neglect",
        "Northshire Council Children's Social Care",
        "2026-01-10",
        "2026-06-30",
        "2026-06-20",
        "completed",
        "no",
        "no",
        "no",
        "Chronologies are now in every neglect case file.",
        "Re-audit of 12 cases in June 2026",
    ),
    (
        "ACT-002",
        "review",
        "LCSPR-2026-01",
        "equity",
        "Northshire Police",
        "2026-07-01",
        "2026-12-31",
        "",
        "open",
        "no",
        "no",
        "no",
        "",
        "",
    ),
    (
        "ACT-003",
        "section11",
        "WT04",
        "working_together",
        "Eastbank University Hospital Trust",
        "2026-04-01",
        "2026-09-30",
        "",
        "open",
        "yes",
        "yes",
        "no",
        "",
        "",
    ),
]
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
VOICE = [("equity", "Youth forum", "People at school decide things about you before they ask you.", "2026-08-12")]
VOICE_COLUMNS = ["theme", "activity", "quote", "date"]
YOU_SAID = [
    ("equity", "Workers did not explain why they came.", "Every first visit now starts with a letter in plain words.")
]
YOU_SAID_COLUMNS = ["theme", "you_said", "we_did"]


def make_board_pack(run_dir: Path, period: str = "Q2", *, with_new_tables: bool = True) -> Path:
    """A pack like :func:`make_pack`, with version 2 flags and (``with_new_tables``) the core dataset's
    indicators, the learning ledger and the voice register."""
    make_pack(run_dir, period)
    tables = run_dir / "shareable" / "tables"
    flags = BOARD_FLAGS_Q2 if period == "Q2" else BOARD_FLAGS_Q1
    for a, rows in flags.items():
        _write_csv(tables / f"flags_{a}.csv", V2_COLUMNS, rows)
    if with_new_tables and period == "Q2":
        idx = json.loads((tables / "index.json").read_text())
        for name, cols, rows, unit in (
            ("core_indicators", CORE_COLUMNS, CORE_INDICATORS, "children"),
            ("learning_actions", LEDGER_COLUMNS, LEDGER, "actions"),
            ("voice_register", VOICE_COLUMNS, VOICE, "children"),
            ("voice_you_said_we_did", YOU_SAID_COLUMNS, YOU_SAID, "children"),
        ):
            _write_csv(tables / f"{name}.csv", cols, rows)
            idx["tables"].append(
                {
                    "name": name,
                    "file": f"{name}.csv",
                    "title": name.replace("_", " "),
                    "unit": unit,
                    "rule": "organisations",
                    "source": "fixture",
                    "notes": "",
                    "keys": [cols[0]],
                    "counts": [],
                    "derived": {},
                }
            )
        (tables / "index.json").write_text(json.dumps(idx, indent=2))
    return run_dir
