"""Notebook and repository conventions, enforced.

- notebooks are committed without outputs, have exactly one ``parameters`` cell of literals with
  help comments (including ``params_file`` and ``run_dir``) and define no functions or classes;
- every key a ``parameters/*.yaml`` file gives a notebook exists in that notebook's parameters cell;
- every parameters file for a period loads (the template is checked without its placeholder paths);
- every notebook's default ``params_file`` exists; outputs/ and data/local/ hold no tracked data.
- the repository is self-contained: nothing names a folder beside it or a path of one machine.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from assurance_lib import pipeline
from assurance_lib.config import load_params

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PARAM_FILES = sorted((ROOT / "parameters").glob("*.yaml"))


def test_the_four_analysis_notebooks_exist_in_run_order() -> None:
    assert [p.stem for p in NOTEBOOKS] == [
        "01_disproportionality",
        "02_section11",
        "03_audit_synthesis",
        "04_core_dataset",
        "05_learning",
        "06_assurance_report",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_thin_and_clean(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") for c in code), "committed with outputs"
    assert all(c.get("execution_count") is None for c in code), "committed with execution counts"
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    source = "".join(tagged[0]["source"])
    for node in ast.parse(source).body:
        assert isinstance(node, (ast.Assign, ast.AnnAssign)), f"parameters cell line {node.lineno} is not an assignment"
        ast.literal_eval(node.value)  # literals only
        line = source.splitlines()[node.lineno - 1]
        assert "#" in line and line.split("#", 1)[1].strip(), f"parameter on line {node.lineno} has no help comment"
    for cell in code:
        tree = ast.parse("".join(cell["source"]))
        defs = [
            n
            for n in ast.walk(tree)
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda))
        ]
        assert not defs, "notebooks define no functions or classes: logic belongs in assurance_lib"
    assert any(c["cell_type"] == "markdown" and "".join(c["source"]).lstrip().startswith("# ") for c in nb["cells"]), (
        "a title"
    )
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown").lower()
    assert "method" in text and "provenance" in text, "'Method and caveats' and 'Provenance' sections"


def test_parameters_cells_parse_and_carry_the_common_parameters() -> None:
    infos = pipeline.discover_notebooks(ROOT / "notebooks")
    for nb in infos:
        names = {p.name for p in nb.parameters}
        assert {"params_file", "run_dir"} <= names, nb.name
        assert nb.param("run_dir").default == ""
        assert (ROOT / nb.param("params_file").default).is_file(), f"{nb.name}: default params_file must exist"


@pytest.mark.parametrize("path", PARAM_FILES, ids=lambda p: p.name)
def test_parameter_file_keys_exist_in_the_notebooks(path: Path) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    infos = {nb.name: nb for nb in pipeline.discover_notebooks(ROOT / "notebooks")}
    for nb_name, values in (doc.get("notebooks") or {}).items():
        assert nb_name in infos, f"{path.name}: no notebook {nb_name}"
        for key in values or {}:
            assert infos[nb_name].param(key) is not None, f"{path.name}: {nb_name} has no parameter {key!r}"


@pytest.mark.parametrize("path", [p for p in PARAM_FILES if not p.name.startswith("template")], ids=lambda p: p.name)
def test_period_parameter_files_load_with_their_notebooks(path: Path) -> None:
    infos = pipeline.discover_notebooks(ROOT / "notebooks")
    types = {
        nb.name: {p.name: p.types for p in nb.parameters if p.name not in pipeline.COMMON_PARAMETERS} for nb in infos
    }
    cfg = load_params(path, root=ROOT, notebook_params=types)
    assert path.stem == cfg.period.slug  # one file per period, named by its slug


def test_template_is_commented_and_structurally_valid() -> None:
    template = ROOT / "parameters" / "template.yaml"
    text = template.read_text(encoding="utf-8")
    assert text.count("#") >= 15, "the template explains its keys"
    infos = pipeline.discover_notebooks(ROOT / "notebooks")
    types = {
        nb.name: {p.name: p.types for p in nb.parameters if p.name not in pipeline.COMMON_PARAMETERS} for nb in infos
    }
    cfg = load_params(template, root=ROOT, notebook_params=types, check_files=False)
    assert all(
        str(v).startswith("data/local/")
        for nb in cfg.notebooks.values()
        for k, v in nb.items()
        if k.endswith("_path") and v and not str(v).startswith(("data/frameworks/", "data/reference/"))
    ), "a real period reads from data/local/"


def test_no_tracked_outputs_or_local_data() -> None:
    out = subprocess.run(["git", "ls-files", "outputs", "data/local"], cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        pytest.skip("not a git checkout")
    tracked = [p for p in out.stdout.split() if not p.endswith(("README.md", ".gitkeep"))]
    assert tracked == []
    ignored = subprocess.run(["git", "check-ignore", "-q", "outputs/x/y.csv"], cwd=ROOT)
    assert ignored.returncode == 0, "outputs/ is git-ignored"
    ignored = subprocess.run(["git", "check-ignore", "-q", "data/local/extract.csv"], cwd=ROOT)
    assert ignored.returncode == 0, "data/local/ is git-ignored"


def _repository_files() -> list[Path]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True)
    if out.returncode == 0:
        return [ROOT / p for p in out.stdout.split("\0") if p and (ROOT / p).is_file()]
    skip = {".git", ".venv", "node_modules", "outputs", "__pycache__"}
    return [p for p in ROOT.rglob("*") if p.is_file() and not skip & set(p.relative_to(ROOT).parts)]


def test_repository_is_self_contained() -> None:
    """Nothing reads or names a folder beside the repository, and no path of one machine appears."""
    beside = re.compile(r"\.\./" + "shared|shared/" + "checks")
    machine = re.compile(r"(^|[^A-Za-z0-9_.<])/(" + "work|root|home/[a-z]" + r")/", re.M)
    files = _repository_files()
    assert len(files) > 100
    found = []
    for path in files:
        data = path.read_bytes()
        if b"\0" in data[:8000]:
            continue  # binary
        text = data.decode("utf-8", errors="replace")
        for pattern in (beside, machine):
            m = pattern.search(text)
            if m:
                line = text.count("\n", 0, m.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: {m.group(0).strip()}")
    assert found == []
