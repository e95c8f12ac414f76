"""Notebook 01's choices are checked before any notebook runs (exit 2), key by key."""

from __future__ import annotations

from assurance_lib import cli
from assurance_lib.disproportionality import check_parameters

from conftest import synthetic_params


def _params(tmp_path, root, **nb01):
    return synthetic_params(tmp_path, **nb01)


def test_defaults_of_the_notebook_and_the_synthetic_run_are_valid(root, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(root)
    assert cli.main(["validate", str(_params(tmp_path, root))]) == 0


def test_wrong_choices_stop_validation_naming_key_value_and_expectation(root, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(root)
    p = _params(
        tmp_path,
        root,
        window="annual",
        fdr=5,
        forest_stage="cp_start",
        trend_stage="referrals",
        funnel_stages=["referral", "contact"],
        feeders={"cla_start": "cla_start"},
        benchmark_la="E99999999",
        min_count=0,
        reference_group="White British",
    )
    assert cli.main(["validate", str(p)]) == 2
    err = capsys.readouterr().err
    for key, value in [
        ("window", "'annual'"),
        ("fdr", "5"),
        ("forest_stage", "'cp_start'"),
        ("trend_stage", "'referrals'"),
        ("funnel_stages", "contact"),
        ("feeders.cla_start", "'cla_start'"),
        ("benchmark_la", "'E99999999'"),
        ("min_count", "0"),
        ("reference_group", "'White British'"),
    ]:
        line = next((ln for ln in err.splitlines() if f"notebooks.01_disproportionality.{key}'" in ln), "")
        assert value in line, (key, err)
    # nothing was created
    assert not (tmp_path / "out").exists()


def test_check_parameters_boundaries():
    # fdr must lie strictly between 0 and 1; lookback may be 0; a bool is not a number
    assert check_parameters({"fdr": 0.999, "lookback_months": 0, "max_ci_ratio": 1.5}) == []
    bad = check_parameters({"fdr": 1, "lookback_months": -1, "max_ci_ratio": 1, "trend_quarters": True})
    assert [b[0] for b in bad] == ["fdr", "lookback_months", "trend_quarters", "max_ci_ratio"]
