"""A partnership's first real quarter, with hostile text in every free-text input: built once per session.

Two test files read the same run (``first_real_quarter`` in ``conftest.py``):

- ``test_real_period.py`` (issue 15): the synthetic extracts copied under the partnership's own file
  names with a first year's shape (one Section 11 cycle, no re-audit yet, the events extract with
  mixed-case, padded headers), a parameters file made from ``parameters/template.yaml`` naming
  every input, a previous pack of another partnership where this one's previous period would be;
  the run must end cleanly and print no warning;
- ``test_hostile_inputs.py`` (issue 14): the same extracts carry strings an attacker (or an unlucky
  paste) would plant in every free-text input, the agencies' names and the partnership's name:
  scripts, an image with an event handler, ``javascript:`` and non-URL Markdown links, and
  spreadsheet formulas; the pack must publish them as text, never run them.

One whole quarterly run serves both (the suite ran two before); a clean run on hostile text is
what both ask: exit 0, no traceback, no warning, every planted string inert.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parent.parent
SYN = ROOT / "data" / "synthetic"

# the partnership's own file names for the synthetic extracts
NAMES = {
    "journey_events.csv": "childrens_journeys_extract.csv",
    "population_children.csv": "population.csv",
    "section11_register.csv": "s11_register.csv",
    "section11_returns.csv": "s11_returns.csv",
    "schools_register.csv": "schools.csv",
    "schools_returns.csv": "schools_audit_returns.csv",
    "schools_dip_history.csv": "dip_history.csv",
    "practitioner_survey.csv": "survey.csv",
    "audit_register.csv": "audits.csv",
    "audit_grades.csv": "grades.csv",
    "audit_findings.csv": "findings.csv",
    "audit_actions.csv": "actions.csv",
    "audit_names.txt": "names.txt",
    "commentary/2026-27-Q2.md": "commentary_2026-27-Q2.md",
    "reviews_register.csv": "reviews.csv",
    "review_recommendations.csv": "recommendations.csv",
    "action_ledger.csv": "ledger.csv",
    "voice_activities.csv": "voice_activities.csv",
    "voice_register.csv": "voice.csv",
    "complaints_compliments.csv": "complaints.csv",
    "scrutineer_visits.csv": "visits.csv",
    "survey_headcounts.csv": "headcounts.csv",
    "training_evaluation.csv": "training.csv",
    "agency_returns.csv": "agency_returns.csv",
}

HOSTILE = [
    "<script>window.__pwned=1</script>",
    "<img src=x onerror=window.__pwned=1>",
    "[click](javascript:window.__pwned=1)",
    '=HYPERLINK("http://x","y")',
    "+SUM(1)",
    "@cmd",
    "[label](not a url)",
]
# free-text columns of each input, by its synthetic name (agency names are renamed consistently across files)
FREE_TEXT = {
    "section11_register.csv": ["sector"],
    "section11_returns.csv": ["evidence", "moderation_note", "action", "action_owner"],
    "practitioner_survey.csv": ["sector"],
    "audit_findings.csv": ["text"],
    "audit_actions.csv": ["owner_role", "action", "evidence_of_completion", "evidence_of_impact"],
    "agency_returns.csv": ["narrative"],
}
# agency names checked against a framework file (not renamed there): hostile text goes in their free text only
NAMED_BY_FRAMEWORK = {"agency_returns.csv"}
AGENCIES = {  # agency -> hostile name, the same in every file that names it
    "Northshire Police": "<script>window.__pwned=1</script> Northshire Police",
    "Harbour Domestic Abuse Service": '=HYPERLINK("http://x","y") Harbour Domestic Abuse Service',
    "Northshire College": "<img src=x onerror=window.__pwned=1> Northshire College",
    "Meadowbank Special School": "@cmd Meadowbank Special School",
    "Children's social care": "+SUM(1) Children's social care",
}
PARTNERSHIP = (
    "Testshire Safeguarding Children Partnership <img src=x onerror=window.__pwned=1>"
    " [click](javascript:window.__pwned=1) =1+1"
)


def extracts(local: Path) -> dict[str, str]:
    """The synthetic data copied under the partnership's own names, with a first year's shape.

    Returns each input's synthetic name mapped to its copy's path.
    """
    local.mkdir(parents=True)
    out = {}
    for src, dst in NAMES.items():
        shutil.copy(SYN / src, local / dst)
        out[src] = str(local / dst)
    # Section 11: the partnership's first cycle only (no earlier cycle to trend against)
    r = pd.read_csv(SYN / "section11_returns.csv", dtype=str, keep_default_na=False)
    r[r["cycle"] == "2026-27"].to_csv(local / "s11_returns.csv", index=False)
    # audits: no re-audit yet
    a = pd.read_csv(SYN / "audit_register.csv", dtype=str, keep_default_na=False)
    a.assign(previous_audit_id="").to_csv(local / "audits.csv", index=False)
    # the events extract with mixed-case, padded headers, as an export might have them
    text = (SYN / "journey_events.csv").read_text(encoding="utf-8").split("\n", 1)
    header = ",".join(f" {c.upper()} " if i % 2 else c.title() for i, c in enumerate(text[0].split(",")))
    (local / "childrens_journeys_extract.csv").write_text(header + "\n" + text[1], encoding="utf-8")
    return out


def params_file(tmp: Path, files: dict[str, str], *, partnership: str | None = None, **change: object) -> Path:
    """A real period's parameters file, from the template, naming every input.

    ``change`` sets (or, with ``None``, removes) one notebook parameter: ``<notebook>__<parameter>``.
    """
    doc = yaml.safe_load((ROOT / "parameters" / "template.yaml").read_text(encoding="utf-8"))
    doc.update(
        partnership=partnership or "Testshire Safeguarding Children Partnership",
        partnership_id="testshire",
        period="2026-27 Q2",
        output_root=str(tmp / "out"),
        identifier_names_file=files["audit_names.txt"],
    )
    nb = doc["notebooks"]
    nb["01_disproportionality"].update(
        events_path=files["journey_events.csv"], population_path=files["population_children.csv"], aggregate_path="none"
    )
    nb["02_section11"].update(
        register_path=files["section11_register.csv"],
        returns_path=files["section11_returns.csv"],
        survey_path=files["practitioner_survey.csv"],
        schools_register_path=files["schools_register.csv"],
        schools_returns_path=files["schools_returns.csv"],
        dip_history_path=files["schools_dip_history.csv"],
    )
    nb["03_audit_synthesis"].update(
        register_path=files["audit_register.csv"],
        grades_path=files["audit_grades.csv"],
        findings_path=files["audit_findings.csv"],
        actions_path=files["audit_actions.csv"],
        names_file=files["audit_names.txt"],
    )
    nb["04_core_dataset"].update(
        events_path=files["journey_events.csv"],
        population_path=files["population_children.csv"],
        agency_returns_path=files["agency_returns.csv"],
    )
    nb["05_learning"].update(
        reviews_path=files["reviews_register.csv"],
        recommendations_path=files["review_recommendations.csv"],
        ledger_path=files["action_ledger.csv"],
        activities_path=files["voice_activities.csv"],
        voice_path=files["voice_register.csv"],
        complaints_path=files["complaints_compliments.csv"],
        visits_path=files["scrutineer_visits.csv"],
        headcounts_path=files["survey_headcounts.csv"],
        survey_path=files["practitioner_survey.csv"],
        training_path=files["training_evaluation.csv"],
        agencies_path=files["section11_register.csv"],
    )
    nb["06_assurance_report"].update(
        commentary_path=files["commentary/2026-27-Q2.md"],
        children_feedback_path="none",
        practitioner_survey_path=files["practitioner_survey.csv"],
    )
    for key, value in change.items():
        nbname, _, param = key.partition("__")
        if value is None:
            del nb[nbname][param]
        else:
            nb[nbname][param] = value
    p = tmp / f"params_{len(list(tmp.glob('params_*')))}.yaml"
    p.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return p


def plant_hostile(files: dict[str, str]) -> None:
    """Put the hostile strings in every free-text column, the agencies' names and the commentary."""
    for name, path in files.items():
        if not name.endswith(".csv") or name == "journey_events.csv":  # the events carry no free text
            continue
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if "agency" in frame.columns and name not in NAMED_BY_FRAMEWORK:
            frame["agency"] = frame["agency"].map(lambda v: AGENCIES.get(v, v))
        for col in FREE_TEXT.get(name, []):
            frame[col] = [f"{HOSTILE[i % len(HOSTILE)]} {v}" if v else v for i, v in enumerate(frame[col])]
        frame.to_csv(path, index=False)
    commentary = Path(files["commentary/2026-27-Q2.md"])
    text = commentary.read_text(encoding="utf-8")
    commentary.write_text(text + "\n\n" + "\n\n".join(HOSTILE) + "\n", encoding="utf-8")


def build(tmp: Path) -> dict[str, str]:
    """Run the first real quarter with ``assurance run``, as the partnership's analyst would.

    Returns what the tests read: the exit code, what was printed (standard output and error), the
    folder holding the period's packs, the output root and the project's extracts folder.
    """
    files = extracts(tmp / "local")
    plant_hostile(files)
    params = params_file(tmp, files, partnership=PARTNERSHIP)
    # a previous pack of another partnership sits where this partnership's previous period would be
    prev = tmp / "out" / "2026-27-Q1" / "20260701T000000Z"
    (prev / "shareable" / "tables").mkdir(parents=True)
    (prev / "manifest.json").write_text(
        json.dumps({"partnership_id": "synthetic", "period": "2026-27 Q1", "parameters": {"disclosure": {}}}),
        encoding="utf-8",
    )
    (prev.parent / "LATEST").write_text(prev.name, encoding="utf-8")
    proc = subprocess.run(
        # the output root named: the test session's ASSURANCE_OUTPUT_ROOT would take precedence over the file's
        [sys.executable, "-m", "assurance_lib.cli", "run", str(params), "--output-root", str(tmp / "out")],
        cwd=ROOT,
        env={**os.environ, "MPLBACKEND": "agg"},
        capture_output=True,
        text=True,
        timeout=1800,
    )
    return {
        "code": str(proc.returncode),
        "stdout": proc.stdout,
        "stderr": proc.stderr,
        "period": str(tmp / "out" / "2026-27-Q2"),
        "output_root": str(tmp / "out"),
        "tmp": str(tmp),
    }
