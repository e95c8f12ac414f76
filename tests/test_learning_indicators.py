"""The learning framework's outcome indicators are the core dataset's indicators, under the same ids.

An action graded "outcome for children" names the indicator that showed the change; the board reads
that indicator in the core dataset (notebook 04). ``data/frameworks/learning.yaml`` therefore lists
ids of ``data/frameworks/core_indicators.yaml`` (its ``indicator_catalogue``), and an id that is not in
the catalogue is refused when the framework is read, naming the file, the key and the value (exit 2
through ``assurance validate``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from assurance_lib import registry  # noqa: F401  (the registry registers every input contract)
from assurance_lib.core_dataset.catalogue import load_catalogue
from assurance_lib.errors import InputError
from assurance_lib.learning import inputs as I

ROOT = Path(__file__).resolve().parent.parent
FW = ROOT / "data" / "frameworks"
SYN = ROOT / "data" / "synthetic"


def _frameworks(tmp_path: Path, **changes: object) -> Path:
    """A copy of learning.yaml with ``changes`` (its catalogue path is relative to the project root)."""
    fw = yaml.safe_load((FW / "learning.yaml").read_text(encoding="utf-8"))
    fw.update(changes)
    p = tmp_path / "learning.yaml"
    p.write_text(yaml.safe_dump(fw, sort_keys=False), encoding="utf-8")
    return p


def test_every_outcome_indicator_is_an_indicator_of_the_core_dataset_with_its_title():
    fw = I.load_framework(FW / "learning.yaml")
    core = {i.id: i for i in load_catalogue(FW / "core_indicators.yaml").indicators}
    assert set(fw.indicators) <= set(core)
    # the ones the learning framework used to name under its own ids, now the core dataset's:
    # second plans, plans of two years, re-referrals, conferences within 15 working days
    assert {"cpp_second", "cpp_two_years", "rereferrals", "icpc_15wd"} <= set(fw.indicators)
    assert fw.indicators["icpc_15wd"] == (
        "Initial child protection conferences within 15 working days of the section 47 start"
    )
    assert all(fw.indicators[k] == core[k].title for k in fw.indicators)


def test_the_synthetic_ledger_names_only_core_indicators_as_outcome_evidence():
    led = pd.read_csv(SYN / "action_ledger.csv", dtype=str, keep_default_na=False)
    named = set(led.loc[led["impact"].eq("outcome for children"), "impact_evidence"])
    core = {i.id for i in load_catalogue(FW / "core_indicators.yaml").indicators}
    assert named and named <= core, named


def test_an_indicator_not_in_the_core_catalogue_is_refused_naming_file_key_and_value(tmp_path: Path):
    p = _frameworks(tmp_path, outcome_indicators=["cpp_second", "repeat_cp_plans"])
    with pytest.raises(InputError) as exc:
        I.load_framework(p)
    msg = str(exc.value)
    assert len(exc.value.problems) == 1, msg
    assert "learning.yaml" in msg and "key 'outcome_indicators'" in msg and "'repeat_cp_plans'" in msg, msg
    assert "data/frameworks/core_indicators.yaml" in msg and "cpp_second" in msg  # where to look, what would do


def test_a_missing_catalogue_or_key_is_refused(tmp_path: Path):
    p = _frameworks(tmp_path, indicator_catalogue="data/frameworks/no_such_catalogue.yaml")
    with pytest.raises(InputError, match="key 'indicator_catalogue': 'data/frameworks/no_such_catalogue.yaml' does"):
        I.load_framework(p)
    fw = yaml.safe_load(p.read_text(encoding="utf-8"))
    del fw["indicator_catalogue"]
    p.write_text(yaml.safe_dump(fw), encoding="utf-8")
    with pytest.raises(InputError, match="key 'indicator_catalogue'"):
        I.load_framework(p)
    # the old shape (a mapping of its own ids to titles) is refused, not silently read
    p = _frameworks(tmp_path, outcome_indicators={"repeat_cp_plans": "Second plans"})
    with pytest.raises(InputError, match="key 'outcome_indicators': is not a list"):
        I.load_framework(p)


def test_a_wrong_indicator_stops_the_run_before_any_notebook(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    from assurance_lib.cli import main

    p = _frameworks(tmp_path, outcome_indicators=["cpp_second", "ihcc_20_days"])
    params = yaml.safe_load((ROOT / "parameters" / "2026-27-Q2.yaml").read_text(encoding="utf-8"))
    params["notebooks"]["05_learning"]["framework_path"] = str(p)
    pf = tmp_path / "2026-27-Q2.yaml"
    pf.write_text(yaml.safe_dump(params), encoding="utf-8")
    assert main(["validate", str(pf)]) == 2
    err = capsys.readouterr().err
    assert "learning.yaml" in err and "key 'outcome_indicators'" in err and "'ihcc_20_days'" in err, err
