"""Inputs with no rows (issue 14): a required input with a header alone stops the run before any
notebook runs (exit 2, naming the file); an optional one is a gap in knowledge, not a failure."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from assurance_lib import pipeline
from assurance_lib.errors import InputError

import pipeline_contracts  # noqa: F401  (registers the demo input contract)
from conftest import DEMO_NOTEBOOKS, ROOT, write_params


def _header_only(src: Path, dst: Path) -> Path:
    dst.write_text(src.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    return dst


def test_a_required_input_with_a_header_only_stops_the_run_before_any_notebook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = _header_only(ROOT / "tests" / "fixtures" / "demo_children.csv", tmp_path / "children.csv")
    params = write_params(tmp_path / "p.yaml", notebooks={"01_demo": {"child_ids_path": str(ids)}})
    out = tmp_path / "out"
    result = pipeline.run(params, output_root=out, notebooks_dir=DEMO_NOTEBOOKS, quiet=True)
    assert result.code == 2 and result.pack is None
    assert "children.csv: has no rows (expected at least one row of the demo child list" in result.message
    assert not (out / "2026-27-Q2").exists()  # nothing ran: no pack, no .failed folder


def _synthetic(tmp_path: Path, **by_notebook: dict[str, Any]) -> Path:
    doc = yaml.safe_load((ROOT / "parameters" / "2026-27-Q2.yaml").read_text(encoding="utf-8"))
    for nb, values in by_notebook.items():
        doc["notebooks"][nb].update(values)
    doc["output_root"] = str(tmp_path / "out")
    p = tmp_path / "params.yaml"
    p.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return p


def test_events_and_section11_returns_with_a_header_only_are_refused_by_validate(tmp_path: Path) -> None:
    data = ROOT / "data" / "synthetic"
    events = _header_only(data / "journey_events.csv", tmp_path / "events.csv")
    returns = _header_only(data / "section11_returns.csv", tmp_path / "returns.csv")
    params = _synthetic(
        tmp_path,
        **{"01_disproportionality": {"events_path": str(events)}, "02_section11": {"returns_path": str(returns)}},
    )
    with pytest.raises(InputError) as err:
        pipeline.validate(str(params))
    text = err.value.render()
    assert "events.csv: has no rows" in text and "returns.csv: has no rows" in text


def test_an_optional_input_with_a_header_only_is_a_gap(tmp_path: Path) -> None:
    survey = _header_only(ROOT / "data" / "synthetic" / "practitioner_survey.csv", tmp_path / "survey.csv")
    val = pipeline.validate(str(_synthetic(tmp_path, **{"02_section11": {"survey_path": str(survey)}})))
    assert len(val.gaps) == 1
    assert val.gaps[0].endswith(
        "survey.csv (practitioner survey: one row per respondent x question (optional)) has no "
        "rows: notebook 02_section11 treats it as not given and reports the gap"
    )
    assert [i["rows"] for i in val.inputs if i["contract"] == "section11_practitioner_survey"] == [0]
