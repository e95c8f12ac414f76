"""The notebook context gives every notebook's publisher the identifiers of the whole run.

Free text (report commentary, audit comments) must be checked against the identifier values of
*all* the run's inputs and its names lists, not only the notebook's own. The identifiers used
here are read straight from the synthetic input files with the csv module, independently of the
library's readers.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from assurance_lib import notebook, run_inputs
from assurance_lib.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
PARAMS = "parameters/2026-27-Q2.yaml"


def _first(path: Path, column: str) -> str:
    with path.open(newline="", encoding="utf-8") as fh:
        return next(r[column] for r in csv.DictReader(fh) if r[column])


def _names(path: Path) -> list[str]:
    return [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]


def _report_ctx(tmp_path: Path, **params: str) -> notebook.Context:
    base = {
        "commentary_path": "data/synthetic/commentary/2026-27-Q2.md",
        "children_feedback_path": "",
        "practitioner_survey_path": "",
        "oba_path": "",
        "previous_run_dir": "",
        "priorities_path": "data/frameworks/priorities.yaml",
        "top": 5,
    }
    base.update(params)
    return notebook.setup("06_assurance_report", {"params_file": PARAMS, "run_dir": str(tmp_path / "pack"), **base})


def test_report_commentary_is_checked_against_other_notebooks_inputs(tmp_path: Path) -> None:
    child = _first(ROOT / "data/synthetic/journey_events.csv", "child_id")  # notebook 01's input
    case = _first(ROOT / "data/synthetic/audit_grades.csv", "case_ref")  # notebook 03's input
    name = _names(ROOT / "data/synthetic/audit_names.txt")[0]  # notebook 03's names_file
    ctx = _report_ctx(tmp_path)
    text = (
        f"The panel discussed {child} at length. Case {case} was escalated. "
        f"{name} attended. Timeliness of strategy discussions improved this quarter."
    )
    out = ctx.publish.text("commentary_test", text, free_text=True)
    for secret in (child, case, name):
        assert secret.lower() not in out.lower()
        assert secret.lower() not in (tmp_path / "pack/shareable/text/commentary_test.md").read_text().lower()
    # text with no identifier passes unchanged
    plain = "Timeliness of strategy discussions improved this quarter."
    assert ctx.publish.text("plain", plain, free_text=True) == plain


def test_identifiers_are_read_once_and_only_when_needed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple] = []
    real = run_inputs.input_identifier_values

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(run_inputs, "input_identifier_values", counting)
    ctx = _report_ctx(tmp_path)
    assert calls == []  # setup alone reads no input
    ctx.publish.text("a", "No identifiers here.", free_text=True)
    ctx.publish.text("b", "Nor here.", free_text=True)
    ctx.publish.identifiers()
    assert len(calls) == 1


def test_a_standalone_runs_own_inputs_are_used(tmp_path: Path) -> None:
    # The analyst points notebook 01 at another extract in the notebook itself: its ids count.
    src = ROOT / "data/synthetic/journey_events.csv"
    with src.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))[:50]
    rows[0]["child_id"] = "LOCALKID991"
    own = tmp_path / "events.csv"
    with own.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    ctx = notebook.setup(
        "01_disproportionality",
        notebook.notebook_parameters("01_disproportionality")
        | {"params_file": PARAMS, "run_dir": str(tmp_path / "pack"), "events_path": str(own)},
    )
    ids = ctx.publish.identifiers()
    assert "LOCALKID991" in ids.values
    out = ctx.publish.text("t", "Child LOCALKID991 was seen.", free_text=True)
    assert "LOCALKID991" not in out


def test_an_unreadable_input_is_noted_by_name_never_by_value(tmp_path: Path) -> None:
    ctx = notebook.setup(
        "01_disproportionality",
        params_file=PARAMS,
        run_dir=str(tmp_path / "pack"),
        events_path=str(tmp_path / "missing.csv"),
        population_path="data/synthetic/population_children.csv",
        aggregate_path="",
    )
    case = _first(ROOT / "data/synthetic/audit_grades.csv", "case_ref")
    out = ctx.publish.text("t", f"Case {case} was escalated.", free_text=True)
    assert case not in out  # the other notebooks' identifiers still apply
    log = (tmp_path / "pack/internal/publish.log").read_text(encoding="utf-8")
    assert "journey_events (01_disproportionality, events_path): no such file" in log
    assert case not in log


def test_publisher_accepts_a_set_directly(tmp_path: Path) -> None:
    from assurance_lib.disclosure import IdentifierSet

    ctx = _report_ctx(tmp_path)
    ctx.publish.use_identifiers(IdentifierSet.from_columns({"child_id": ["ZZTOP12345"]}))
    assert "ZZTOP12345" not in ctx.publish.text("t", "Seen ZZTOP12345.", free_text=True)
    # a set given directly replaces the run's: the audits' case references are not in it
    case = _first(ROOT / "data/synthetic/audit_grades.csv", "case_ref")
    assert case not in ctx.publish.identifiers().values


# setup(notebook, globals()): exactly the names of the notebook's own parameters cell
NB04 = {
    "params_file": PARAMS,
    "commentary_path": "",
    "children_feedback_path": "",
    "practitioner_survey_path": "",
    "oba_path": "",
    "previous_run_dir": "",
    "priorities_path": "data/frameworks/priorities.yaml",
    "top": 5,
}


def test_setup_takes_exactly_the_parameters_cell_names(tmp_path: Path) -> None:
    # notebook 06's parameters cell has these nine names; anything else in the namespace is ignored
    ns = {**NB04, "run_dir": str(tmp_path / "pack"), "rep": object(), "In": [], "__name__": "__main__"}
    ctx = notebook.setup("06_assurance_report", ns)
    assert set(ctx.params) == {
        "commentary_path",
        "children_feedback_path",
        "practitioner_survey_path",
        "oba_path",
        "previous_run_dir",
        "priorities_path",
        "top",
    }
    assert ctx.analysis is not None and (ctx.analysis.name, ctx.analysis.notebook) == ("report", "06_assurance_report")
    assert ctx.run_dir == tmp_path / "pack"


def test_setup_refuses_a_missing_parameter_naming_it(tmp_path: Path) -> None:
    ns = {**NB04, "run_dir": str(tmp_path / "pack")}
    del ns["oba_path"]
    with pytest.raises(InputError) as exc:
        notebook.setup("06_assurance_report", ns)
    msg = exc.value.render()
    assert "notebooks/06_assurance_report.ipynb" in msg and "oba_path" in msg
    assert not (tmp_path / "pack").exists()  # nothing is created before the check


def test_setup_keywords_refuse_an_unknown_parameter(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        notebook.setup("06_assurance_report", params_file=PARAMS, run_dir=str(tmp_path / "pack"), oba_pth="x.yaml")
    msg = exc.value.render()
    assert "notebooks/06_assurance_report.ipynb" in msg and "oba_pth" in msg and "oba_path" in msg


def test_setup_keywords_take_the_other_values_from_the_parameters_cell(tmp_path: Path) -> None:
    # notebook 01's cell: fdr = 0.05, window = "rolling12" (read here from the notebook file itself)
    ctx = notebook.setup("01_disproportionality", params_file=PARAMS, run_dir=str(tmp_path / "pack"), fdr=0.01)
    assert ctx.params["fdr"] == 0.01 and ctx.params["window"] == "rolling12"
    assert "params_file" not in ctx.params and "run_dir" not in ctx.params


def _write_notebook(folder: Path, name: str, cells: list[dict], nbformat_version: int = 4) -> None:
    import json

    folder.mkdir(parents=True, exist_ok=True)
    doc = {"cells": cells, "metadata": {}, "nbformat": nbformat_version, "nbformat_minor": 5}
    (folder / f"{name}.ipynb").write_text(json.dumps(doc), encoding="utf-8")


def test_the_parameters_cell_is_read_as_written_whether_its_source_is_a_list_or_one_text(tmp_path: Path) -> None:
    from assurance_lib.nbparams import read_notebook

    tagged = {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "outputs": [], "execution_count": None}
    lines = ['params_file = ""  # the run\'s parameters\n', 'run_dir = ""\n', "top = 7  # how many"]
    _write_notebook(tmp_path, "98_listed", [{**tagged, "source": lines}])
    _write_notebook(tmp_path, "99_joined", [{**tagged, "source": "".join(lines)}])
    for name in ("98_listed", "99_joined"):
        info = read_notebook(name, tmp_path)
        assert info.defaults() == {"params_file": "", "run_dir": "", "top": 7}
        assert [p.help for p in info.parameters] == ["the run's parameters", "", "how many"]


def test_a_notebook_without_one_parameters_cell_is_refused_naming_it(tmp_path: Path) -> None:
    from assurance_lib.nbparams import read_notebook

    plain = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": "x = 1"}
    _write_notebook(tmp_path, "97_none", [plain])
    with pytest.raises(InputError) as exc:
        read_notebook("97_none", tmp_path)
    assert "97_none.ipynb" in exc.value.render() and "has 0 cells tagged 'parameters'" in exc.value.render()


def test_a_file_that_is_not_a_notebook_is_refused_by_nbformat_as_before(tmp_path: Path) -> None:
    import nbformat

    from assurance_lib.nbparams import read_notebook

    (tmp_path / "96_broken.ipynb").write_text("{not json", encoding="utf-8")
    with pytest.raises(nbformat.reader.NotJSONError):
        read_notebook("96_broken", tmp_path)


def test_setup_does_not_import_nbformat(tmp_path: Path) -> None:
    # nbformat's schema validator costs each notebook's kernel about a second to import; setup reads
    # the parameters cell as plain JSON (a fresh interpreter, as a kernel is)
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from assurance_lib.notebook import setup\n"
        f"setup('01_disproportionality', params_file={PARAMS!r}, run_dir={str(tmp_path / 'pack')!r})\n"
        "print('nbformat' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
