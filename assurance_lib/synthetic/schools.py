"""Synthetic schools and colleges (section 175/157 safeguarding audit) and their dip-sample history.

Writes into ``out_dir``:

- ``schools_register.csv``: 40 schools and colleges (URN, name, phase, type, trust, expected
  return, deadline, date received): primary, secondary, special, all-through and 16 plus
  (further education); maintained, academy, independent and FE; some academies in trusts;
- ``schools_returns.csv``: the annual audit for 2025-26 and 2026-27 on the KCSIE framework
  (``data/frameworks/schools_kcsie2024.yaml``, scale ``rag3``), with a moderated sample;
- ``schools_dip_history.csv``: the dip samples of 2023-24 to 2025-26 (URN, year, seed).

Planted cases: :data:`PLANTED_NOT_RETURNED` did not complete the audit; :data:`PLANTED_NON_COMPLIANT`
do not meet the single central record and online filtering standards.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["generate", "SCHOOLS", "PLANTED_NOT_RETURNED", "PLANTED_NON_COMPLIANT", "STANDARDS", "CYCLES"]

# (urn, name, phase, type, trust)
SCHOOLS: tuple[tuple[str, str, str, str, str], ...] = tuple(
    [
        (str(140100 + i), n, ph, ty, tr)
        for i, (n, ph, ty, tr) in enumerate(
            [
                ("Oakfield Primary Academy", "Primary", "academy", "Oakfield Academy Trust"),
                ("Oakfield Juniors", "Primary", "academy", "Oakfield Academy Trust"),
                ("Oakfield High School", "Secondary", "academy", "Oakfield Academy Trust"),
                ("Riverside Primary", "Primary", "academy", "Riverside Learning Partnership"),
                ("Riverside Church of England Primary", "Primary", "academy", "Riverside Learning Partnership"),
                ("Riverside Academy", "Secondary", "academy", "Riverside Learning Partnership"),
                ("Harbour View Academy", "Secondary", "academy", "Harbour Schools Trust"),
                ("Harbour Infant Academy", "Primary", "academy", "Harbour Schools Trust"),
                ("Northshire Studio School", "Secondary", "academy", ""),
                ("Eastbank Free School", "All-through", "academy", ""),
                ("Meadowbank Special School", "Special", "maintained", ""),
                ("Brookside Special Academy", "Special", "academy", "Oakfield Academy Trust"),
                ("St Anselm's Independent School", "All-through", "independent", ""),
                ("Greyfriars Preparatory School", "Primary", "independent", ""),
                ("Westwood Independent Special School", "Special", "independent", ""),
                ("Northshire College", "16 plus", "FE", ""),
                ("Eastbank Sixth Form College", "16 plus", "FE", ""),
            ]
        )
    ]
    + [
        (
            str(120200 + i),
            f"{n} {'Primary' if i < 17 else 'Community'} School",
            "Primary" if i < 17 else "Secondary",
            "maintained",
            "",
        )
        for i, n in enumerate(
            [
                "Ashby",
                "Beckford",
                "Cold Harbour",
                "Dunmore",
                "Elmstead",
                "Fairhill",
                "Glenside",
                "Hawthorn",
                "Ivybridge",
                "Juniper Lane",
                "Kingsmead",
                "Larkspur",
                "Millbrook",
                "Northgate",
                "Orchard",
                "Pennyfield",
                "Quarry Hill",
                "Ravenscourt",
                "Southfields",
                "Thornbury",
                "Upton",
                "Valley Road",
                "Wickham",
            ]
        )
    ]
)
STANDARDS = ("KC01", "KC02", "KC03", "KC04", "KC05", "KC06", "KC07", "KC08")
CYCLES = ("2025-26", "2026-27")
LEVELS = ("Not met", "Partially met", "Fully met")
PLANTED_NOT_RETURNED = ("Greyfriars Preparatory School", "Upton Community School")
PLANTED_NON_COMPLIANT = {"Westwood Independent Special School": ("KC03", "KC04"), "Harbour View Academy": ("KC04",)}
_OWNERS = {
    "maintained": ("Headteacher", "Designated safeguarding lead", "Chair of governors"),
    "academy": ("Headteacher", "Designated safeguarding lead", "Trust safeguarding lead"),
    "independent": ("Head", "Designated safeguarding lead", "Proprietor"),
    "FE": ("Principal", "Designated safeguarding lead", "Governing body safeguarding lead"),
}
_ACTIONS = {
    "KC01": "Appoint and train a deputy designated safeguarding lead",
    "KC02": "Complete annual safeguarding training for all staff and governors",
    "KC03": "Bring the single central record up to date and check it termly",
    "KC04": "Test web filtering and monitoring and record the checks",
    "KC05": "Refresh the allegations procedure and share the LADO contact with staff",
    "KC06": "Move safeguarding records to the secure recording system",
    "KC07": "Agree a protocol with the education welfare service for children missing education",
    "KC08": "Add safeguarding to every full governing board agenda",
}


def generate(out_dir: Path, seed: int) -> list[Path]:
    """Write the synthetic schools register, returns and dip-sample history into ``out_dir``; return the files."""
    out_dir = Path(out_dir)
    rng = np.random.default_rng(seed + 175)
    reg, rows = [], []
    for urn, name, phase, typ, trust in SCHOOLS:
        missing = name in PLANTED_NOT_RETURNED
        received = (
            ""
            if missing
            else (pd.Timestamp("2026-07-15") - pd.Timedelta(days=int(rng.integers(-10, 40)))).strftime("%Y-%m-%d")
        )
        reg.append(
            {
                "urn": urn,
                "name": name,
                "phase": phase,
                "type": typ,
                "trust": trust,
                "expected_return": "yes",
                "deadline": "2026-07-15",
                "date_received": received,
            }
        )
    moderated = set(rng.choice([s[1] for s in SCHOOLS], size=8, replace=False)) | set(PLANTED_NON_COMPLIANT)
    for k, cycle in enumerate(CYCLES):
        current = k == len(CYCLES) - 1
        for urn, name, _phase, typ, _trust in SCHOOLS:
            if current and name in PLANTED_NOT_RETURNED:
                continue
            for std in STANDARDS:
                true = int(rng.choice([1, 2, 2, 2, 2]))
                if std in PLANTED_NON_COMPLIANT.get(name, ()):
                    true = 0
                self_lv = min(2, true + 1) if rng.random() < 0.1 else true
                mod = outcome = note = ""
                if current and name in moderated:
                    mod = LEVELS[true]
                    outcome = "accepted" if true == self_lv else ("downgraded" if true < self_lv else "upgraded")
                    note = "Panel checked the evidence on a visit."
                final = LEVELS.index(mod) if mod else self_lv
                act = owner = due = ""
                if final < 2:
                    act = _ACTIONS[std]
                    owner = _OWNERS[typ][int(rng.integers(0, 3))]
                    due = (
                        pd.Timestamp(f"{int(cycle[:4])}-12-01") + pd.Timedelta(days=int(rng.integers(0, 150)))
                    ).strftime("%Y-%m-%d")
                rows.append(
                    {
                        "cycle": cycle,
                        "urn": urn,
                        "standard": std,
                        "self_rating": LEVELS[self_lv],
                        "evidence": f"Audit evidence seen by the governing board, {cycle}"
                        if rng.random() > 0.1
                        else "",
                        "moderated_rating": mod,
                        "moderation_outcome": outcome,
                        "moderation_note": note,
                        "action": act,
                        "action_owner": owner,
                        "action_due": due,
                    }
                )
    urns = [s[0] for s in SCHOOLS]
    hist = []
    for year, n in (("2023-24", 6), ("2024-25", 7), ("2025-26", 6)):
        taken = {h["urn"] for h in hist}
        pick = rng.choice(sorted(set(urns) - taken), size=n, replace=False)
        hist += [{"year": year, "urn": u, "seed": 1000 + int(year[:4])} for u in sorted(pick)]
    written = []
    for fname, frame in (
        ("schools_register.csv", pd.DataFrame(reg)),
        ("schools_returns.csv", pd.DataFrame(rows)),
        ("schools_dip_history.csv", pd.DataFrame(hist)),
    ):
        p = out_dir / fname
        frame.to_csv(p, index=False, lineterminator="\n")
        written.append(p)
    return written
