"""Synthetic Section 11 returns, agency register and practitioner survey (with planted cases).

Writes into ``out_dir``:

- ``section11_register.csv``: 28 agencies across sectors, for the 2026-27 cycle;
- ``section11_returns.csv``: three cycles (2024-25, 2025-26, 2026-27) rated on the Working
  Together 2023 framework (``data/frameworks/section11_wt2023.yaml``, scale ``rag3``), with a
  moderated sample in each cycle;
- ``section11_returns_workbook.xlsx``: a small workbook as agencies fill it in (an
  ``Instructions`` sheet, then one sheet per agency) for three agencies' 2026-27 returns;
- ``practitioner_survey.csv``: one row per respondent x question.

Planted cases (the tests check that the analysis finds them):

- :data:`PLANTED_OVER_RATERS` rate every standard fully met in 2026-27 but the panel, which
  moderates all their standards, downgrades several; their staff disagree on whistleblowing
  (WT04) and escalation (WT05).
- :data:`PLANTED_DECLINES` fall by at least one level on five standards since 2025-26.
- :data:`PLANTED_MISSING` are expected to return but have not; :data:`PLANTED_LATE` returned late.
- :data:`PLANTED_UNEVIDENCED` claim fully met on four standards with no evidence.

The files are deterministic for a given seed (the workbook's timestamps are fixed).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "generate",
    "AGENCIES",
    "CYCLES",
    "PLANTED_OVER_RATERS",
    "PLANTED_DECLINES",
    "PLANTED_MISSING",
    "PLANTED_LATE",
    "PLANTED_UNEVIDENCED",
    "NOT_EXPECTED",
    "WORKBOOK_AGENCIES",
    "PLANTED_PERSISTENT",
    "PLANTED_NEW_NOT_MET",
    "PLANTED_COMPLETED_LATE",
]

# (agency, sector, statutory partner)
AGENCIES: tuple[tuple[str, str, bool], ...] = (
    ("Northshire Police", "Police", True),
    ("Transport Police Northshire Area", "Police", False),
    ("Northshire Integrated Care Board", "Primary care", True),
    ("Riverside GP Federation", "Primary care", False),
    ("Hillcrest Primary Care Network", "Primary care", False),
    ("Northshire Acute Hospitals Trust", "Acute health trust", False),
    ("Eastbank University Hospital Trust", "Acute health trust", False),
    ("Northshire Community Health Trust", "Community health trust", False),
    ("Northshire Mental Health Trust", "Community health trust", False),
    ("Regional Ambulance Service Trust", "Acute health trust", False),
    ("Northshire Council Children's Social Care", "Local authority services", True),
    ("Northshire Council Education Services", "Local authority services", False),
    ("Northshire Council Housing", "Local authority services", False),
    ("Northshire Council Adult Social Care", "Local authority services", False),
    ("Northshire Youth Justice Service", "Local authority services", False),
    ("Northshire Council Public Health", "Local authority services", False),
    ("Probation Service Northshire", "Probation", False),
    ("Northshire Young Carers", "Voluntary sector", False),
    ("Safe Families Northshire", "Voluntary sector", False),
    ("Northshire Youth Sports Network", "Voluntary sector", False),
    ("Harbour Domestic Abuse Service", "Voluntary sector", False),
    ("Northshire Faith Forum", "Voluntary sector", False),
    ("Northshire Fire and Rescue", "Local authority services", False),
    ("Northshire Early Years Network", "Voluntary sector", False),
)
CYCLES = ("2024-25", "2025-26", "2026-27")
STANDARDS = tuple(f"WT{i:02d}" for i in range(1, 12))
LEVELS = ("Not met", "Partially met", "Fully met")

PLANTED_OVER_RATERS = (
    "Eastbank University Hospital Trust",
    "Northshire Youth Sports Network",
    "Riverside GP Federation",
)
PLANTED_DECLINES = ("Northshire Council Housing", "Probation Service Northshire")
PLANTED_MISSING = ("Northshire Integrated Care Board", "Northshire Faith Forum")
PLANTED_LATE = (
    "Northshire Youth Justice Service",
    "Harbour Domestic Abuse Service",
    "Transport Police Northshire Area",
)
PLANTED_UNEVIDENCED = ("Northshire Council Public Health",)
NOT_EXPECTED = ("Northshire Early Years Network",)
WORKBOOK_AGENCIES = ("Northshire Police", "Northshire Mental Health Trust", "Safe Families Northshire")
PLANTED_PERSISTENT = {"Northshire Police": ("WT04", "WT09")}
"""Not met in every cycle (the panel accepts it in 2026-27), with the same action promised each cycle."""
PLANTED_NEW_NOT_MET = {"Northshire Police": ("WT11",)}
"""Not met in 2026-27, accepted at moderation."""
PLANTED_COMPLETED_LATE = ("Probation Service Northshire", "Northshire Mental Health Trust")
"""Record that their previous cycle's actions were completed after the due date."""
_OVER_RATER_TRUTH = {  # the truth the panel finds in 2026-27 (they self-rate fully met throughout)
    "Eastbank University Hospital Trust": [2, 1, 1, 0, 0, 2, 1, 2, 1, 2, 1],
    "Northshire Youth Sports Network": [2, 2, 1, 2, 0, 2, 2, 1, 2, 2, 2],
    "Riverside GP Federation": [2, 2, 2, 1, 2, 2, 1, 2, 2, 1, 2],
}
_MODERATED_SAMPLE = 6  # agencies sampled for moderation each cycle, besides the planted over-raters and the police

_TOPIC = {
    "WT01": "safeguarding accountability",
    "WT02": "board-level safeguarding lead",
    "WT03": "children's views",
    "WT04": "whistleblowing",
    "WT05": "escalation of concerns",
    "WT06": "information sharing",
    "WT07": "designated safeguarding lead",
    "WT08": "safer recruitment",
    "WT09": "safeguarding supervision and training",
    "WT10": "safety and equality culture",
    "WT11": "allegations management (LADO)",
}
_ACTION_PHRASES = (  # one wording per cycle, so that a new action reads differently from last cycle's
    "Review {topic} arrangements and report to the {board}",
    "Commission an independent audit of {topic} with findings to the {board} by year end",
    "Deliver targeted improvement work on {topic}, tracked monthly by the {lead}",
)
_SECTOR = {  # the owners, board and evidence documents that fit each kind of agency
    "Police": (
        (
            "Detective Superintendent, Public Protection",
            "Head of Professional Standards",
            "Chief Inspector, Safeguarding Hub",
        ),
        "Force Executive Board",
        (
            "Force safeguarding policy",
            "Professional Standards audit",
            "Public Protection performance report",
            "HMICFRS action plan update",
        ),
    ),
    "Primary care": (
        ("Designated nurse for safeguarding", "Named GP for safeguarding", "ICB Director of Nursing"),
        "Quality and Safety Committee",
        ("Practice safeguarding policy", "Safeguarding training compliance report", "Clinical audit summary"),
    ),
    "Acute health trust": (
        ("Named nurse for safeguarding children", "Named doctor for safeguarding", "Chief Nursing Officer"),
        "Trust Board",
        (
            "Safeguarding children policy",
            "Training compliance dashboard",
            "Safeguarding audit report",
            "Board safeguarding annual report",
        ),
    ),
    "Community health trust": (
        ("Named nurse for safeguarding children", "Head of safeguarding", "Director of Nursing"),
        "Trust Board",
        ("Safeguarding supervision policy", "Case record audit", "Training compliance dashboard"),
    ),
    "Local authority services": (
        ("Head of Service", "Service safeguarding lead", "Assistant Director"),
        "Directorate Management Team",
        (
            "Service safeguarding procedure",
            "Quality assurance audit",
            "Workforce training report",
            "Internal audit memo",
        ),
    ),
    "Probation": (
        ("Head of Public Protection", "Senior Probation Officer, safeguarding"),
        "Regional leadership team",
        ("Public protection policy", "Case audit report", "Staff training records summary"),
    ),
    "Voluntary sector": (
        ("Designated safeguarding lead", "Chief executive", "Chair of trustees"),
        "Board of trustees",
        ("Safeguarding policy", "Volunteer training log", "Trustee safeguarding report", "DBS check register summary"),
    ),
}


def _fits(sector: str) -> tuple[tuple[str, ...], str, tuple[str, ...]]:
    return _SECTOR.get(sector, _SECTOR["Local authority services"])


def _action(std: str, sector: str, k: int) -> str:
    owners, board, _ = _fits(sector)
    return _ACTION_PHRASES[k % len(_ACTION_PHRASES)].format(topic=_TOPIC[std], board=board, lead=owners[0].lower())


def _evidence(std: str, sector: str, rng: np.random.Generator, cycle: str) -> str:
    docs = _fits(sector)[2]
    doc = docs[int(rng.integers(0, len(docs)))]
    month = ("April", "May", "June", "September", "November", "January")[int(rng.integers(0, 6))]
    year = int(cycle[:4]) + (1 if month == "January" else 0)
    return f"{doc} covering {_TOPIC[std]}, {month} {year}"


_SURVEY_QUESTIONS = (  # question id, standard, theme, scale
    ("PQ1", "WT03", "Voice of the child", "agree5"),
    ("PQ2", "WT04", "Speaking up", "agree5"),
    ("PQ3", "WT05", "Escalation", "agree5"),
    ("PQ4", "WT09", "Supervision and training", "agree5"),
    ("PQ5", "", "Supervision and training", "yes_no"),
)
_AGREE5 = ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree")


def _true_levels(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """A latent 0-2 level per agency x cycle x standard (most agencies improve slowly)."""
    out = {}
    for name, _, _ in AGENCIES:
        base = rng.choice([1, 1, 2, 2, 2])
        lv = np.clip(base + rng.choice([-1, 0, 0, 0, 1], size=len(STANDARDS)), 0, 2)
        cycles = []
        for k in range(len(CYCLES)):
            step = np.where(rng.random(len(STANDARDS)) < 0.25, 1, 0) if k else 0
            lv = np.clip(lv + step, 0, 2)
            cycles.append(lv.copy())
        out[name] = np.array(cycles)
    for name in PLANTED_DECLINES:
        arr = out[name]
        arr[1, :] = 2  # fully met on everything last cycle ...
        drop = [2, 3, 4, 6, 8]
        arr[2, :] = 2
        arr[2, drop] = [0, 1, 1, 1, 0]  # ... and lower on five standards now
    for name in PLANTED_OVER_RATERS:
        out[name][2, :] = np.array(_OVER_RATER_TRUTH[name])  # the truth the panel finds
    for name, stds in PLANTED_PERSISTENT.items():
        for sid in stds:
            out[name][:, STANDARDS.index(sid)] = 0
    for name, stds in PLANTED_NEW_NOT_MET.items():
        for sid in stds:
            out[name][2, STANDARDS.index(sid)] = 0
    for name in PLANTED_UNEVIDENCED:
        out[name][2, :] = 2
    return out


def _fixed_xlsx(path: Path) -> None:
    """Rewrite an .xlsx with fixed timestamps so that the bytes depend on the content only."""
    data = path.read_bytes()
    zin = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in sorted(zin.infolist(), key=lambda i: i.filename):
            body = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>2026-07-01T00:00:00Z\g<2>", body
                )
            zi = zipfile.ZipInfo(info.filename, date_time=(2026, 7, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(zi, body)
    path.write_bytes(buf.getvalue())


def generate(out_dir: Path, seed: int) -> list[Path]:
    """Write the synthetic Section 11 inputs and practitioner survey into ``out_dir``; return the files."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed + 11)
    truth = _true_levels(rng)
    names = [a for a, _, _ in AGENCIES]
    sector_of = {a: sec for a, sec, _ in AGENCIES}

    # --- register (current cycle 2026-27; deadline 30 June 2026)
    reg_rows = []
    for name, sector, partner in AGENCIES:
        expected = name not in NOT_EXPECTED
        if name in PLANTED_MISSING or not expected:
            received = ""
        elif name in PLANTED_LATE:
            received = (pd.Timestamp("2026-06-30") + pd.Timedelta(days=int(rng.integers(5, 40)))).strftime("%Y-%m-%d")
        else:
            received = (pd.Timestamp("2026-06-30") - pd.Timedelta(days=int(rng.integers(0, 30)))).strftime("%Y-%m-%d")
        reg_rows.append(
            {
                "agency": name,
                "sector": sector,
                "statutory_partner": "yes" if partner else "no",
                "expected_return": "yes" if expected else "no",
                "deadline": "2026-06-30" if expected else "",
                "date_received": received,
            }
        )
    register = pd.DataFrame(reg_rows)

    # --- returns
    rows = []
    others = [
        a
        for a in names
        if a not in PLANTED_OVER_RATERS + PLANTED_MISSING + NOT_EXPECTED and a not in PLANTED_PERSISTENT
    ]
    last_action: dict[tuple[str, str], tuple[str, str]] = {}
    for k, cycle in enumerate(CYCLES):
        current = k == len(CYCLES) - 1
        sample = list(rng.choice(others, size=_MODERATED_SAMPLE, replace=False))
        if current:
            sample += list(PLANTED_OVER_RATERS) + list(PLANTED_PERSISTENT)
        for name in names:
            if current and (name in PLANTED_MISSING or name in NOT_EXPECTED):
                continue
            if not current and name in NOT_EXPECTED and k == 1:
                continue  # returns every other year
            for j, std in enumerate(STANDARDS):
                true = int(truth[name][k, j])
                self_lv = true
                planted = std in PLANTED_PERSISTENT.get(name, ()) + PLANTED_NEW_NOT_MET.get(name, ())
                if (
                    rng.random() < 0.12 and not (current and name in PLANTED_DECLINES) and not planted
                ):  # ordinary optimism
                    self_lv = min(2, true + 1)
                if current and name in PLANTED_OVER_RATERS:
                    self_lv = 2
                evidence = rng.random() > 0.08
                if current and name in PLANTED_UNEVIDENCED and j < 4:
                    evidence = False
                mod = out_note = outcome = ""
                if name in sample:
                    if rng.random() < 0.1 and not (
                        current and (name in PLANTED_OVER_RATERS or name in PLANTED_PERSISTENT)
                    ):
                        outcome = "evidence requested"
                        out_note = "Panel asked for the audit report before rating."
                    else:
                        mod = LEVELS[true]
                        outcome = "accepted" if true == self_lv else ("downgraded" if true < self_lv else "upgraded")
                        out_note = "Panel reviewed the evidence."
                final = LEVELS.index(mod) if mod else self_lv
                act = owner = due = done = ""
                owners = _fits(sector_of[name])[0]
                if final < 2:
                    # the police promise the same action on their persistent gaps every cycle
                    act = _action(std, sector_of[name], 0 if std in PLANTED_PERSISTENT.get(name, ()) else k)
                    owner = owners[int(rng.integers(0, len(owners)))]
                    year = int(cycle[:4])
                    due = (pd.Timestamp(f"{year}-10-01") + pd.Timedelta(days=int(rng.integers(0, 240)))).strftime(
                        "%Y-%m-%d"
                    )
                    if rng.random() < 0.1 and not planted:
                        act = owner = due = ""  # an action not recorded
                prev_act = last_action.get((name, std))
                if current and prev_act and name in PLANTED_COMPLETED_LATE:
                    done = (pd.Timestamp(prev_act[1]) + pd.Timedelta(days=int(rng.integers(20, 90)))).strftime(
                        "%Y-%m-%d"
                    )
                elif current and prev_act and final == 2 and rng.random() < 0.5:
                    done = (pd.Timestamp(prev_act[1]) - pd.Timedelta(days=int(rng.integers(0, 60)))).strftime(
                        "%Y-%m-%d"
                    )
                if act:
                    last_action[(name, std)] = (act, due)
                else:
                    last_action.pop((name, std), None)
                rows.append(
                    {
                        "cycle": cycle,
                        "agency": name,
                        "standard": std,
                        "self_rating": LEVELS[self_lv],
                        "evidence": _evidence(std, sector_of[name], rng, cycle) if evidence else "",
                        "evidence_refs": f"DOC-{std}-{k + 1}" if evidence and rng.random() < 0.7 else "",
                        "moderated_rating": mod,
                        "moderation_outcome": outcome,
                        "moderation_note": out_note,
                        "action": act,
                        "action_owner": owner,
                        "action_due": due,
                        "previous_action_completed": done,
                    }
                )
    returns = pd.DataFrame(rows)

    written = []
    p = out_dir / "section11_register.csv"
    register.to_csv(p, index=False, lineterminator="\n")
    written.append(p)
    p = out_dir / "section11_returns.csv"
    returns.to_csv(p, index=False, lineterminator="\n")
    written.append(p)

    # --- the workbook agencies fill in: Instructions, then one sheet per agency (2026-27 only)
    p = out_dir / "section11_returns_workbook.xlsx"
    cols = [
        "cycle",
        "agency",
        "standard",
        "self_rating",
        "evidence",
        "evidence_refs",
        "moderated_rating",
        "moderation_outcome",
        "moderation_note",
        "action",
        "action_owner",
        "action_due",
        "previous_action_completed",
    ]
    with pd.ExcelWriter(p, engine="openpyxl") as xw:
        pd.DataFrame(
            {
                "Instructions": [
                    "Rate each standard: Not met, Partially met or Fully met.",
                    "Give evidence (narrative and document references) for every rating.",
                    "Leave the moderation columns empty: the challenge panel completes them.",
                ]
            }
        ).to_excel(xw, sheet_name="Instructions", index=False)
        for i, name in enumerate(WORKBOOK_AGENCIES):
            sub = returns[(returns["agency"] == name) & (returns["cycle"] == CYCLES[-1])][cols]
            sub.to_excel(xw, sheet_name=f"Agency {i + 1}", index=False)
    _fixed_xlsx(p)
    written.append(p)

    # --- practitioner survey (2026-27): 6 to 14 respondents in most returning agencies
    srows = []
    used: set[str] = set()
    for name, sector, _ in AGENCIES:
        if name in PLANTED_MISSING or rng.random() < 0.15:
            continue
        n_resp = int(rng.integers(6, 15))
        cur_truth = truth[name][2]
        for _ in range(n_resp):
            while True:
                ref = "PS-" + "".join(rng.choice(list("ABCDEFGHJKLMNPQRSTUVWXYZ23456789"), size=6))
                if ref not in used:
                    used.add(ref)
                    break
            for qid, std, theme, scale in _SURVEY_QUESTIONS:
                if scale == "yes_no":
                    ans = "Yes" if rng.random() < 0.75 else "No"
                else:
                    lv = int(cur_truth[STANDARDS.index(std)])
                    mean = {0: 1.2, 1: 2.3, 2: 3.3}[lv]
                    if name in PLANTED_OVER_RATERS and std in ("WT04", "WT05"):
                        mean = 0.9
                    ans = _AGREE5[int(np.clip(np.rint(mean + rng.normal(0, 0.7)), 0, 4))]
                srows.append(
                    {
                        "respondent": ref,
                        "agency": name,
                        "sector": sector,
                        "question_id": qid,
                        "answer": ans,
                        "scale": scale,
                        "standard": std,
                        "theme": theme,
                    }
                )
    p = out_dir / "practitioner_survey.csv"
    pd.DataFrame(srows).to_csv(p, index=False, lineterminator="\n")
    written.append(p)
    return written
