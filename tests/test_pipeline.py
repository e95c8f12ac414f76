"""The quarterly run: a complete pack, its manifest, and the failure paths that must lose nothing.

These run the pipeline on the demo notebook in tests/notebooks/pipeline (a few seconds each).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assurance_lib import cli, pipeline

import pack_contract
import pipeline_contracts  # noqa: F401  (registers the demo input contract)
from conftest import DEMO_NOTEBOOKS, ROOT, write_params

pytestmark = pytest.mark.slow


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tree_hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): _sha(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def test_pack_layout_and_latest(demo_pack: Path) -> None:
    period_dir = demo_pack.parent
    assert pipeline.RUN_ID_RE.match(demo_pack.name)
    assert (period_dir / "LATEST").read_text().strip() == demo_pack.name
    for rel in (
        "manifest.json",
        "run.log",
        "internal/notebooks/01_demo.ipynb",
        "internal/html/01_demo.html",
        "shareable/01_demo.html",
        "shareable/index.html",
        "shareable/tables/index.json",
        "shareable/tables/demo_counts.csv",
        "shareable/tables/flags_demo.csv",
        "shareable/figures/demo_bar.png",
        "shareable/figures/demo_bar.svg",
        "shareable/figures/demo_bar.csv",
    ):
        assert (demo_pack / rel).is_file(), rel
    assert not list(period_dir.glob(".*.partial")), "no half-built folder is left behind"
    assert not (period_dir / ".lock").exists(), "the lock is released"


def test_manifest_hashes_match_the_files(demo_pack: Path) -> None:
    m = json.loads((demo_pack / "manifest.json").read_text())
    assert m["status"] == "ok" and m["period"] == "2026-27 Q2" and m["partnership"] == "Demo Partnership"
    outputs = {o["path"]: o["sha256"] for o in m["outputs"]}
    on_disk = {k: v for k, v in _tree_hashes(demo_pack).items() if k != "manifest.json"}
    assert outputs == on_disk  # every output listed, each hash recomputed independently here
    demo_input = next(i for i in m["inputs"] if i["contract"] == "demo_children")
    assert demo_input["sha256"] == _sha(ROOT / "tests" / "fixtures" / "demo_children.csv")
    params = next(i for i in m["inputs"] if i["contract"] == "parameters")
    assert params["sha256"] == _sha(Path(m["parameters"]["params_file"]))
    assert m["python"]["version"] == ".".join(map(str, sys.version_info[:3]))
    assert m["packages"]["pandas"] == __import__("pandas").__version__
    assert [n["name"] for n in m["notebooks"]] == ["01_demo"] and m["notebooks"][0]["status"] == "ok"
    assert "disclosure" in m and m["disclosure"]["settings"]["threshold"] == 5
    assert {t["name"] for t in m["tables"]} >= {"demo_counts", "demo_ratings", "flags_demo"}


def test_shareable_html_has_no_code_and_keeps_alt_text(demo_pack: Path) -> None:
    share = (demo_pack / "shareable" / "01_demo.html").read_text()
    internal = (demo_pack / "internal" / "html" / "01_demo.html").read_text()
    assert internal.count('class="jp-InputArea') >= 8  # the analyst's page shows every code cell
    assert 'class="jp-InputArea' not in share  # the scrutineer's page shows none
    assert "TableSpec" in internal and "TableSpec" not in share  # a name used only in code
    assert "Bar chart: Police scores 3 and Health scores 2" in share
    for page in (share, internal):
        assert "cdnjs" not in page and "require.min.js" not in page and "mathjax" not in page.lower()


def test_pack_meets_the_pack_contract(demo_pack: Path) -> None:
    assert pack_contract.main(demo_pack) == []


def test_small_count_is_not_visible_nor_recoverable(demo_pack: Path) -> None:
    import pandas as pd

    t = pd.read_csv(demo_pack / "shareable" / "tables" / "demo_counts.csv", dtype=str).set_index("group")
    assert t.loc["C", "count"] == "[c]" and t.loc["C", "value"] == "[c]"
    # 60 = 30 + 27 + 3: with the total and A, B all published, C would be 60 - 30 - 27.
    visible = [g for g in ("All children", "A", "B") if t.loc[g, "count"] != "[c]"]
    assert len(visible) < 3, "the suppressed cell could be recovered by subtraction"


def test_notebook_failure_keeps_failed_folder_and_earlier_pack(tmp_path: Path) -> None:
    out = tmp_path / "out"
    good = pipeline.run(write_params(tmp_path / "ok.yaml"), output_root=out, notebooks_dir=DEMO_NOTEBOOKS, quiet=True)
    assert good.code == 0 and good.pack is not None
    before = _tree_hashes(good.pack)
    bad = pipeline.run(
        write_params(tmp_path / "bad.yaml", notebooks={"01_demo": {"fail": True}}),
        output_root=out,
        notebooks_dir=DEMO_NOTEBOOKS,
        quiet=True,
    )
    assert bad.code == 1
    assert bad.pack is not None and bad.pack.name.endswith(".failed")
    assert "01_demo failed in cell" in bad.message and "AssertionError" in bad.message
    executed = json.loads((bad.pack / "internal" / "notebooks" / "01_demo.ipynb").read_text())
    errors = [o for c in executed["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors and errors[0]["ename"] == "AssertionError"
    assert json.loads((bad.pack / "manifest.json").read_text())["status"] == "failed"
    assert (out / "2026-27-Q2" / "LATEST").read_text().strip() == good.pack.name
    assert _tree_hashes(good.pack) == before


def test_bad_parameters_exit_2_and_create_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    params = write_params(tmp_path / "p.yaml", notebooks={"01_demo": {"fial": True, "child_ids_path": "nowhere.csv"}})
    code = cli.main(["run", str(params), "--output-root", str(tmp_path / "out"), "--notebooks", str(DEMO_NOTEBOOKS)])
    assert code == 2
    printed = capsys.readouterr().out
    assert "key 'notebooks.01_demo.fial'" in printed
    assert "key 'notebooks.01_demo.child_ids_path': 'nowhere.csv'" in printed
    assert not (tmp_path / "out").exists()


def test_bad_input_data_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad_csv = tmp_path / "children.csv"
    bad_csv.write_text("kid,note\nX,1\n")
    params = write_params(tmp_path / "p.yaml", notebooks={"01_demo": {"child_ids_path": str(bad_csv)}})
    assert cli.main(["validate", str(params), "--notebooks", str(DEMO_NOTEBOOKS)]) == 2
    err = capsys.readouterr().err
    assert "column 'child_id': is missing" in err and "the file has: kid, note" in err


def test_identifier_guard_refuses_with_exit_3_without_printing_the_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    params = write_params(tmp_path / "p.yaml", notebooks={"01_demo": {"leak": True}})
    result = pipeline.run(params, output_root=tmp_path / "out", notebooks_dir=DEMO_NOTEBOOKS)
    assert result.code == 3
    assert "shareable/text/demo_note.md" in result.message
    printed = capsys.readouterr()
    for text in (result.message, printed.out, printed.err, (result.pack / "run.log").read_text()):
        assert "CHD9X7Q2" not in text
    assert not (tmp_path / "out" / "2026-27-Q2" / "LATEST").exists()


def test_lock_stops_a_second_run_and_stale_locks_are_cleared(tmp_path: Path) -> None:
    out = tmp_path / "out"
    params = write_params(tmp_path / "p.yaml")
    lock = out / "2026-27-Q2" / ".lock"
    with pipeline.RunLock(lock):  # a run holds the period's lock (see tests/test_lock.py for other processes)
        held = pipeline.run(params, output_root=out, notebooks_dir=DEMO_NOTEBOOKS, quiet=True)
    assert held.code == 2 and "another run" in held.message and f"process {os.getpid()}" in held.message
    assert not any(p.is_dir() for p in lock.parent.iterdir())
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    lock.write_text(f"pid {dead.stdout.strip()}\n")  # left by a run that has ended: nobody holds it
    ok = pipeline.run(params, output_root=out, notebooks_dir=DEMO_NOTEBOOKS, quiet=True)
    assert ok.code == 0 and not lock.exists()


def test_retention_keeps_newest_and_never_the_latest_good_pack(tmp_path: Path) -> None:
    period = tmp_path / "2026-27-Q2"
    ids = ["20260101T000000Z", "20260102T000000Z", "20260103T000000Z", "20260104T000000Z"]
    for rid in ids:
        (period / rid).mkdir(parents=True)
    for rid in ("20260101T000000Z.failed", "20260105T000000Z.failed"):
        (period / rid).mkdir()
    (period / "LATEST").write_text(ids[0] + "\n")  # an older pack is the last good one
    removed = {p.name for p in pipeline.prune(period, retention=1)}
    assert removed == {ids[1], ids[2], "20260101T000000Z.failed"}
    assert sorted(p.name for p in period.iterdir() if p.is_dir()) == [ids[0], ids[3], "20260105T000000Z.failed"]


def test_list_shows_parameters_with_types_defaults_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["list", "--notebooks", str(DEMO_NOTEBOOKS)]) == 0
    out = capsys.readouterr().out
    assert "1. 01_demo" in out
    assert "fail" in out and "bool" in out and "raise an error in the analysis cell" in out


def test_console_script_is_installed() -> None:
    out = subprocess.run([str(Path(sys.executable).parent / "assurance"), "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and "assurance_lib" in out.stdout
