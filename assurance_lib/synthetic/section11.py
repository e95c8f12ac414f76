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

__all__ = ["generate", "AGENCIES", "CYCLES", "PLANTED_OVER_RATERS", "PLANTED_DECLINES", "PLANTED_MISSING",
           "PLANTED_LATE", "PLANTED_UNEVIDENCED", "NOT_EXPECTED", "WORKBOOK_AGENCIES"]

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
    ("Oakfield Academy Trust", "Education", False),
    ("Riverside Learning Partnership", "Education", False),
    ("Northshire College", "Education", False),
    ("St Anselm's Independent School", "Education", False),
    ("Meadowbank Special School", "Education", False),
    ("Probation Service Northshire", "Probation", False),
    ("Northshire Young Carers", "Voluntary sector", False),
    ("Safe Families Northshire", "Voluntary sector", False),
    ("Northshire Youth Sports Network", "Voluntary sector", False),
    ("Harbour Domestic Abuse Service", "Voluntary sector", False),
    ("Northshire Faith Forum", "Voluntary sector", False),
    ("Northshire Fire and Rescue", "Local authority services", False),
)
CYCLES = ("2024-25", "2025-26", "2026-27")
STANDARDS = tuple(f"WT{i:02d}" for i in range(1, 12))
LEVELS = ("Not met", "Partially met", "Fully met")

PLANTED_OVER_RATERS = ("Eastbank University Hospital Trust", "Northshire Youth Sports Network",
                       "Riverside GP Federation")
PLANTED_DECLINES = ("Northshire Council Housing", "Probation Service Northshire")
PLANTED_MISSING = ("Northshire Integrated Care Board", "Northshire Faith Forum")
PLANTED_LATE = ("Northshire College", "Harbour Domestic Abuse Service", "Transport Police Northshire Area")
PLANTED_UNEVIDENCED = ("Northshire Council Public Health",)
NOT_EXPECTED = ("St Anselm's Independent School",)
WORKBOOK_AGENCIES = ("Northshire Police", "Oakfield Academy Trust", "Safe Families Northshire")
_MODERATED_SAMPLE = 6  # agencies sampled for moderation each cycle, besides the planted over-raters

_ACTIONS = {
    "WT01": "Publish the safeguarding accountability structure to all staff",
    "WT02": "Agree board-level safeguarding lead objectives and reporting",
    "WT03": "Introduce a children's feedback mechanism in every service",
    "WT04": "Refresh and relaunch the whistleblowing policy",
    "WT05": "Train managers on the partnership escalation procedure",
    "WT06": "Issue information sharing guidance and audit its use",
    "WT07": "Ring-fence time for the designated safeguarding lead",
    "WT08": "Audit recruitment files against safer recruitment standards",
    "WT09": "Put safeguarding supervision in place for all front-line staff",
    "WT10": "Review equality and safety culture through a staff survey",
    "WT11": "Train managers on responding to allegations (LADO referrals)",
}
_OWNERS = ("Head of safeguarding", "Designated safeguarding lead", "Named nurse for safeguarding",
           "Director of operations", "Safeguarding manager")
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
        arr = out[name]
        arr[2, :] = np.array([2, 1, 1, 0, 0, 2, 1, 2, 1, 2, 1])  # the truth the panel finds
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
                body = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>2026-07-01T00:00:00Z\g<2>", body)
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
        reg_rows.append({"agency": name, "sector": sector, "statutory_partner": "yes" if partner else "no",
                         "expected_return": "yes" if expected else "no",
                         "deadline": "2026-06-30" if expected else "", "date_received": received})
    register = pd.DataFrame(reg_rows)

    # --- returns
    rows = []
    others = [a for a in names if a not in PLANTED_OVER_RATERS + PLANTED_MISSING + NOT_EXPECTED]
    for k, cycle in enumerate(CYCLES):
        current = k == len(CYCLES) - 1
        sample = list(rng.choice(others, size=_MODERATED_SAMPLE, replace=False))
        if current:
            sample += list(PLANTED_OVER_RATERS)
        for name in names:
            if current and (name in PLANTED_MISSING or name in NOT_EXPECTED):
                continue
            if not current and name in NOT_EXPECTED and k == 1:
                continue  # returns every other year
            for j, std in enumerate(STANDARDS):
                true = int(truth[name][k, j])
                self_lv = true
                if rng.random() < 0.12 and not (current and name in PLANTED_DECLINES):  # ordinary optimism
                    self_lv = min(2, true + 1)
                if current and name in PLANTED_OVER_RATERS:
                    self_lv = 2
                evidence = rng.random() > 0.08
                if current and name in PLANTED_UNEVIDENCED and j < 4:
                    evidence = False
                mod = out_note = outcome = ""
                if name in sample:
                    if rng.random() < 0.1 and not (current and name in PLANTED_OVER_RATERS):
                        outcome = "evidence requested"
                        out_note = "Panel asked for the audit report before rating."
                    else:
                        mod = LEVELS[true]
                        outcome = "accepted" if true == self_lv else ("downgraded" if true < self_lv else "upgraded")
                        out_note = "Panel reviewed the evidence."
                final = LEVELS.index(mod) if mod else self_lv
                act = owner = due = ""
                if final < 2:
                    act = _ACTIONS[std]
                    owner = _OWNERS[int(rng.integers(0, len(_OWNERS)))]
                    year = int(cycle[:4])
                    due = (pd.Timestamp(f"{year}-10-01") + pd.Timedelta(days=int(rng.integers(0, 240)))).strftime("%Y-%m-%d")
                    if rng.random() < 0.1:
                        act = owner = due = ""  # an action not recorded
                rows.append({
                    "cycle": cycle, "agency": name, "standard": std, "self_rating": LEVELS[self_lv],
                    "evidence": f"Policy and audit evidence for {std}" if evidence else "",
                    "evidence_refs": f"DOC-{std}-{k + 1}" if evidence and rng.random() < 0.7 else "",
                    "moderated_rating": mod, "moderation_outcome": outcome, "moderation_note": out_note,
                    "action": act, "action_owner": owner, "action_due": due,
                })
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
    cols = ["cycle", "agency", "standard", "self_rating", "evidence", "evidence_refs", "moderated_rating",
            "moderation_outcome", "moderation_note", "action", "action_owner", "action_due"]
    with pd.ExcelWriter(p, engine="openpyxl") as xw:
        pd.DataFrame({"Instructions": [
            "Rate each standard: Not met, Partially met or Fully met.",
            "Give evidence (narrative and document references) for every rating.",
            "Leave the moderation columns empty: the challenge panel completes them.",
        ]}).to_excel(xw, sheet_name="Instructions", index=False)
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
                srows.append({"respondent": ref, "agency": name, "sector": sector, "question_id": qid, "answer": ans,
                              "scale": scale, "standard": std, "theme": theme})
    p = out_dir / "practitioner_survey.csv"
    pd.DataFrame(srows).to_csv(p, index=False, lineterminator="\n")
    written.append(p)
    return written
